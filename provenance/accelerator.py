"""The optional C accelerator (``provenance/_fastpage.c``), chosen once for the whole package.

Every module with a C path asks ``accelerator.fastpage`` on each use, so setting it to None (as the
tests do) switches the package to its pure-Python code, the reference the C code is proved against.
This module imports nothing of the package's, so any module may import it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def load():
    """The C module, or None: not built, built from another version of its source (an editable
    install not rebuilt since the source changed), or ``PROVENANCE_PURE_PYTHON=1``."""
    if os.environ.get("PROVENANCE_PURE_PYTHON") == "1":
        return None
    try:
        from provenance import _fastpage
    except ImportError:
        return None
    source = Path(__file__).resolve().parent / "_fastpage.c"
    built_from = getattr(_fastpage, "SOURCE_DIGEST", None)
    if source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() != built_from:
        return None
    return _fastpage


# Tests set this to None to run the pure-Python path.
fastpage = load()
