"""Renderers turn finished reports into text; they never decide anything about a document."""
