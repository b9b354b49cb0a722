from provenance.cli import script

raise SystemExit(script())
