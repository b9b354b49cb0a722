"""The HTML page in a real browser (Debian's chromium, headless): the content is in the DOM after the
script ran, sorting works from a click and from the address, and the page does not render blank."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
CLICK_OVERALL = ('<script>document.querySelector(\'th[data-key="overall"] button\').click();'
                 "document.querySelector('th[data-key=\"overall\"] button').click();</script>")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    subprocess.run([sys.executable, "-m", "provenance", "check", str(CORPUS), "--format", "html",
                    "--output", str(out)], capture_output=True, cwd=ROOT, check=False)
    return out


def chromium(tmp_path: Path, *args: str) -> str:
    result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def row_ids(dom: str) -> list[str]:
    body = dom.split('<table id="corpus">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr data-order="\d+"><td data-value="([^"]*)"', body)


def test_content_is_in_the_dom(page, tmp_path, seed_reports):
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert row_ids(dom) == sorted(seed_reports)
    for doc in seed_reports.values():
        assert f"{doc.scores.overall:g}" in dom
    quote = next(q for d in seed_reports.values() for q in d.quotes)
    assert '<mark class="quote' in dom and quote.text.split()[0] in dom


def test_sorting_from_the_address(page, tmp_path, seed_reports):
    dom = chromium(tmp_path, "--dump-dom", page.as_uri() + "#sort=overall:desc")
    by_overall = sorted(seed_reports.values(), key=lambda d: -d.scores.overall)
    assert row_ids(dom) == [d.id for d in by_overall]
    assert 'data-key="overall" data-type="num" aria-sort="descending"' in dom


def test_sorting_by_clicking_a_header(page, tmp_path, seed_reports):
    clicked = tmp_path / "clicked.html"
    clicked.write_text(page.read_text(encoding="utf-8").replace("</body>", CLICK_OVERALL + "</body>"),
                       encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", clicked.as_uri())
    by_overall = sorted(seed_reports.values(), key=lambda d: -d.scores.overall)  # two clicks: descending
    assert row_ids(dom) == [d.id for d in by_overall]


def png_pixels(data: bytes) -> tuple[int, list[bytes]]:
    """(bytes per pixel, pixels) of an 8-bit RGB or RGBA PNG, unfiltered in pure Python."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        header = chunk if kind == b"IHDR" else header
        idat += chunk if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), "expected an 8-bit RGB or RGBA PNG"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous, pixels = bytearray(stride), []
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        _unfilter(kind, row, previous, bpp)
        pixels.extend(bytes(row[x:x + bpp]) for x in range(0, stride, bpp * 7))  # every 7th pixel is plenty
        previous = row
    return bpp, pixels


def _unfilter(kind: int, row: bytearray, up: bytearray, bpp: int) -> None:
    if kind == 0:
        return
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        upper_left = up[i - bpp] if i >= bpp else 0
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 2:
            row[i] = (row[i] + up[i]) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + (left + up[i]) // 2) & 0xFF
        else:
            p = left + up[i] - upper_left
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
            row[i] = (row[i] + (left if pa <= pb and pa <= pc else up[i] if pb <= pc else upper_left)) & 0xFF


def test_screenshot_is_not_blank(page, tmp_path):
    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1000,800", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    _, pixels = png_pixels(shot.read_bytes())
    colours = Counter(pixels)
    background_share = colours.most_common(1)[0][1] / len(pixels)
    assert len(colours) > 20, "the page rendered as (nearly) a single colour"
    assert background_share < 0.97, "almost nothing but background: the page looks blank"
