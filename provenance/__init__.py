"""provenance: source-provenance and reliability checks for corpora of scraped news text."""

__version__ = "0.1.0"
