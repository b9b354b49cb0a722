"""beyond-article: on a full page, what lies past the residue that closes the article is residue too.

The article is anchored on its densest run of long lines no rule called residue (a maximum
subsequence: undecided lines of ``anchor_min_chars`` or more add their characters, decided lines
subtract theirs, other lines count nothing). Walking away from the anchor on each side, the first
``barrier_lines`` decided lines in a row close the article (a share bar, a comment form, a footer
menu); the rest of that side is residue when rules already decided at least ``min_decided_share``
of its lines, as on a page footer or masthead with a few teaser titles or link texts the rules
missed. Long prose lines (``prose_min_chars``, ``prose_min_stop_share``) are never removed here,
nor, before the article, sentences (``sentence_words``, ``sentence_stop_share``): its lead, nor
lines the page shows again later (the first copy of a repeated headline).
A side that still holds mostly undecided lines (further posts of a forum thread, a second article)
is left alone. Runs last: it reads every other rule's decisions.

PASS: an article with a comment thread of prose after it. FAIL: an article, 'Leave a Reply' /
'Privacy Policy', then teaser titles among more footer lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from provenance import accelerator
from provenance.detectors.page import Decision, LineInfo, Page, Params, runs


def anchor(lines: list[LineInfo], decided: set[int], min_chars: int, min_score: int) -> tuple[int, int] | None:
    """Indexes of the first and last line of the densest run of undecided long lines. The accelerator's
    ``article_anchor`` gives the same: this loop reads every line of every page."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.article_anchor(lines, decided, min_chars, min_score)
    total, start, best, span = 0, 0, 0, None
    for i, line in enumerate(lines):
        if total <= 0:
            total, start = 0, i
        if line.number in decided:
            total -= line.chars
        elif line.chars >= min_chars:
            total += line.chars
        if total > best:
            best, span = total, (start, i)
    return span if best >= min_score else None


def past_barrier(side: list[LineInfo], decided: set[int], barrier: int, min_share: float) -> list[LineInfo]:
    """The lines of ``side`` (ordered away from the article) from its first run of ``barrier``
    decided lines on, when rules decided ``min_share`` of them; otherwise none."""
    run = 0
    for i, line in enumerate(side):
        run = run + 1 if line.number in decided else 0
        if run >= barrier:
            rest = side[i - barrier + 1:]
            share = sum(x.number in decided for x in rest) / len(rest)
            return rest if share >= min_share else []
    return []


def prose(line: LineInfo, p: dict[str, float], sentences: bool) -> bool:
    """A long line with many stopwords may be the article itself when the anchor is wrong (a short
    article beside a longer comment thread): it is left to the rules that read it. So is, with
    ``sentences`` (before the anchor, where the article's lead and first paragraphs may lie), a
    sentence of some length; after the anchor such sentences are mostly comments. Lines of scripts
    without spaces count as prose when they end a sentence."""
    if line.spaceless:
        return line.sentence_end
    return ((line.chars >= p["prose_min_chars"] and line.stop_share >= p["prose_min_stop_share"])
            or (sentences and line.sentence_end and line.words >= p["sentence_words"]
                and line.stop_share >= p["sentence_stop_share"]))


def shown_again(head: list[LineInfo], lines: list[LineInfo]) -> set[int]:
    """Lines before the article that the page shows again later: the first copy of a repeated
    headline (page title, then h1) is the headline, whatever menu lines come before it."""
    later = {line.key: line.number for line in lines}  # each key's last line
    return {x.number for x in head if x.key and later[x.key] != x.number}


@dataclass(frozen=True)
class _Thresholds:
    anchor_chars: int
    anchor_score: int
    barrier: int
    share: float
    prose: dict[str, float]  # prose's
    headline_words: int
    echo_overlap: float


def _thresholds(params: Params) -> _Thresholds:
    return _Thresholds(
        anchor_chars=params.int("anchor_min_chars"), anchor_score=params.int("anchor_min_score"),
        barrier=params.int("barrier_lines"), share=params.float("min_decided_share"),
        prose={k: params.float(k) for k in ("prose_min_chars", "prose_min_stop_share", "sentence_words",
                                            "sentence_stop_share")},
        headline_words=params.int("headline_max_words"), echo_overlap=params.float("title_echo_min_overlap"),
    )


def detect(page: Page, params: Params) -> Iterator[Decision]:
    """A page with fewer decided lines than a barrier holds (77 of the 136 in dev-B's first MB) has
    none on either side: it is passed over unread. The headline, its echo and the lines shown again
    are found only for a page with lines left to judge past a barrier (fewer still)."""
    lines, decided = page.lines, page.decided
    t = params.once(_thresholds)
    if len(decided) < t.barrier:
        return
    span = anchor(lines, decided, t.anchor_chars, t.anchor_score)
    if span is None:
        return
    barrier, share, p = t.barrier, t.share, t.prose
    titles = None
    for where, side in (("after", lines[span[1] + 1:]), ("before", lines[:span[0]][::-1])):
        past = past_barrier(side, decided, barrier, share)
        found = [x for x in past if x.number not in decided and not prose(x, p, where == "before")]
        if found and titles is None:
            titles = page.title_lines(t.headline_words, t.echo_overlap) | shown_again(lines[:span[0]], lines)
        for first, last in runs(sorted(x.number for x in found if x.number not in titles)):
            yield Decision(first, last, f"{where} the residue that closes the article, among {share:.0%}+ residue")
