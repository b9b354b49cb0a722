"""Import outlet facts from the reference data into generated rule files, reproducibly.

- ``State_Media_Matrix.csv`` (MIT) -> ``rules/outlets/state-media-matrix.json``: one ``outlet``
  profile per web host (assets of one company sharing a host become one profile named after the
  company, the assets as aliases), plus one per asset without a URL. Assets whose registrable domain a
  hand-curated profile already claims are left to that profile (curated facts win). The licence
  text is the pack's ``license``.
- ``wikipedia_perennial_sources.json`` (CC BY-SA 4.0) -> ``rules/outlets/wikipedia-perennial.json``:
  one ``rating`` per domain, with the attribution in the pack header.

The packs are JSON, the tables a TOML pack would hold (one entry a line): a script writes them, and
every run reads them, twenty times faster than the same data as TOML. Re-running it on the same
inputs writes the same bytes. Run from the project root:

    python tools/import_outlets.py [--reference DIR] [--read-on YYYY-MM-DD] [--out DIR]

Curated profiles are read from rules/outlets whatever ``--out`` says, so re-run it after a curated
profile gains or loses a domain (tests/test_outlets.py checks the committed files are up to date).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tomllib
import unicodedata
from collections import defaultdict
from pathlib import Path

import regex
import tldextract

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ROOT / "rules" / "outlets"
MATRIX_FILE, MATRIX_OUT = "State_Media_Matrix.csv", "state-media-matrix.json"
MATRIX_LICENSE = "State_Media_Matrix.LICENSE"
PERENNIAL_FILE, PERENNIAL_OUT = "wikipedia_perennial_sources.json", "wikipedia-perennial.json"
READ_ON = "2026-11-23"  # when the reference files were read; a rating's date says so
MATRIX_SOURCE = "State Media Matrix (github.com/ASD-at-GMF/state-media-profiles at d878fee, MIT)"
PERENNIAL_SOURCE = "Wikipedia: Reliable sources/Perennial sources (via github.com/idiap/News-Media-Reliability)"
PERENNIAL_URL = "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources"

TYPOLOGY = {
    "SC": ("state-controlled", ["state-controlled"]),
    "CaPu": ("captured public or state-managed", ["state-captured"]),
    "CaPr": ("captured private", ["state-captured"]),
    "ISFM": ("independent state-funded and state-managed", ["state-funded"]),
    "ISF": ("independent state-funded", ["state-funded"]),
    "ISM": ("independent state-managed", ["state-managed"]),
    "IP": ("independent public", ["public-media"]),
}
# "Television: Dragon Television": the matrix prefixes some asset names with their medium.
MEDIUM_PREFIX = {
    "television": "broadcaster", "tv": "broadcaster", "radio": "broadcaster", "news agency": "wire-agency",
    "print": "newspaper", "newspaper": "newspaper", "magazine": "magazine", "online": "digital",
}
# An asset without a medium prefix whose name says what it is ("Bakhtar News Agency").
NAMED_KINDS = (("news agency", "wire-agency"), ("television", "broadcaster"), ("radio", "broadcaster"))
PERENNIAL_STATUS = {
    1: ("generally reliable", []),
    0: ("no consensus", []),
    -1: ("generally unreliable or deprecated", ["unreliable"]),
    -2: ("blacklisted", ["blacklisted"]),
}

_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def host_of(url: str) -> str | None:
    parts = _extract(url.strip())
    if not parts.domain or not parts.suffix:
        return None
    return ".".join(p for p in (parts.subdomain, parts.domain, parts.suffix) if p).lower().removeprefix("www.")


def registrable(url: str) -> str | None:
    parts = _extract(url.strip())
    return f"{parts.domain}.{parts.suffix}".lower() if parts.domain and parts.suffix else None


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(regex.findall(r"[a-z0-9]+", ascii_text))


def pack_json(pack: dict, table: str, entries: list[dict]) -> str:
    """A JSON rule pack, one entry a line (so a re-import's diff shows the profiles that changed)."""
    def dumped(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    rows = ",\n".join(dumped(entry) for entry in entries)
    return f'{{"pack": {dumped(pack)},\n"{table}": [\n{rows}\n]}}\n'


def split_medium(asset: str) -> tuple[str, str]:
    """``"News agency: Xinhua"`` -> (``"Xinhua"``, ``"wire-agency"``)."""
    head, sep, rest = asset.partition(":")
    kind = MEDIUM_PREFIX.get(head.strip().lower()) if sep else None
    return (rest.strip(), kind) if kind and rest.strip() else (asset.strip(), "other")


def curated_domains(outlets: Path) -> set[str]:
    """Registrable domains claimed by hand-curated profiles (the TOML packs: the generated ones are JSON)."""
    claimed: set[str] = set()
    for path in sorted(outlets.glob("*.toml")):
        for outlet in tomllib.loads(path.read_text(encoding="utf-8")).get("outlet", []):
            claimed.update(d for d in (registrable(x) for x in outlet.get("domains", [])) if d)
    return claimed


def matrix_groups(rows: list[dict], claimed: set[str]) -> tuple[list[list[dict]], int]:
    """Rows grouped by host (in file order); rows without a URL stand alone. Also how many were left to curated profiles."""
    groups: dict[str, list[dict]] = defaultdict(list)
    left = 0
    for n, row in enumerate(rows):
        host = host_of(row["URL"]) if row["URL"].strip() else None
        if host and registrable(host) in claimed:
            left += 1
            continue
        groups[host or f"#{n}"].append(row)
    return list(groups.values()), left


def profile(group: list[dict], used_ids: set[str], read_on: str) -> dict:
    first = group[0]
    assets = [split_medium(r["Main assets"]) for r in group]
    names = list(dict.fromkeys(name for name, _ in assets if name))
    company = first["Media company"].strip().rstrip("*").strip()
    name = names[0] if len(names) == 1 else company or (names[0] if names else first["Country"].strip() + " state media")
    aliases = [n for n in dict.fromkeys([*names, company] if len(names) == 1 else names) if n and n != name]
    kinds = sorted({k for _, k in assets if k != "other"}) or [next((k for n, k in NAMED_KINDS if n in name.lower()), "other")]
    code = first["Typology"].strip()
    label, flags = TYPOLOGY.get(code.rstrip("?"), ("", []))
    base = slug(f"smm {first['Country']} {name}") or "smm-asset"
    pid, n = base, 2
    while pid in used_ids:
        pid, n = f"{base}-{n}", n + 1
    used_ids.add(pid)
    host = host_of(first["URL"]) if first["URL"].strip() else None
    entry: dict = {"id": pid, "name": name}
    if aliases:
        entry["aliases"] = aliases
    if host:
        entry["domains"] = [host]
    entry["country"] = first["Country"].strip()
    entry["kind"] = kinds[0] if len(kinds) == 1 else "other"
    if code:
        entry["ownership"] = code
        entry["flags"] = flags
        entry["reliability"] = [{"label": f"{code} ({label})" if label else code, "source": MATRIX_SOURCE, "date": read_on}]
    entry["source"] = f"{MATRIX_SOURCE}: {company}"
    entry["curated"] = False
    return entry


def write_matrix(reference: Path, out: Path, read_on: str) -> int:
    with (reference / MATRIX_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    groups, left = matrix_groups(rows, curated_domains(OUTLETS))
    licence = (reference / MATRIX_LICENSE).read_text(encoding="utf-8").strip()
    pack = {
        "name": "outlets-state-media-matrix",
        "description": f"GENERATED by tools/import_outlets.py from {MATRIX_FILE} (do not edit; re-run the script): "
                       f"{len(rows)} state-affiliated media assets ({left} left to hand-curated profiles; assets of "
                       "one company sharing a host merged into one profile).",
        "language": "any",
        "source": MATRIX_SOURCE + ", seed columns from the State Media Monitor",
        "license": licence,
    }
    used: set[str] = set()
    profiles = [profile(g, used, read_on) for g in groups]
    (out / MATRIX_OUT).write_text(pack_json(pack, "outlet", profiles), encoding="utf-8")
    return len(profiles)


def write_perennial(reference: Path, out: Path, read_on: str) -> int:
    statuses = json.loads((reference / PERENNIAL_FILE).read_text(encoding="utf-8"))
    pack = {
        "name": "outlets-wikipedia-perennial",
        "description": f"GENERATED by tools/import_outlets.py from {PERENNIAL_FILE} (do not edit; re-run the script): "
                       f"reliability statuses of {len(statuses)} domains from the Wikipedia perennial sources list.",
        "language": "any",
        "source": PERENNIAL_SOURCE + "; " + PERENNIAL_URL,
        "license": 'CC BY-SA 4.0: derived from Wikipedia, "Reliable sources/Perennial sources" by Wikipedia '
                   "contributors; this file is shared under the same licence",
    }
    ratings = []
    for domain in sorted(statuses):
        label, flags = PERENNIAL_STATUS[int(statuses[domain])]
        ratings.append({"domain": domain.lower(), "label": label, "source": "Wikipedia: Reliable sources/Perennial sources",
                        "date": read_on, "flags": flags})
    (out / PERENNIAL_OUT).write_text(pack_json(pack, "rating", ratings), encoding="utf-8")
    return len(ratings)


def default_reference() -> Path:
    for candidate in (ROOT.parent / "shared", ROOT.parent.parent / "shared"):
        if (candidate / "reference" / "outlets").is_dir():
            return candidate / "reference" / "outlets"
    return ROOT.parent / "shared" / "reference" / "outlets"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate outlet rule files from the reference data.")
    parser.add_argument("--reference", type=Path, default=default_reference(), help="folder holding the reference files")
    parser.add_argument("--read-on", default=READ_ON, help="date the reference data was read (YYYY-MM-DD)")
    parser.add_argument("--out", type=Path, default=OUTLETS, help="folder to write the generated packs to (default rules/outlets)")
    args = parser.parse_args(argv)
    for name in (MATRIX_FILE, MATRIX_LICENSE, PERENNIAL_FILE):
        if not (args.reference / name).is_file():
            print(f"{args.reference / name}: reference file not found", file=sys.stderr)
            return 2
    profiles = write_matrix(args.reference, args.out, args.read_on)
    ratings = write_perennial(args.reference, args.out, args.read_on)
    print(f"{profiles} profiles -> {args.out / MATRIX_OUT}; {ratings} ratings -> {args.out / PERENNIAL_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
