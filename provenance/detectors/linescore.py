"""line-score: a weighted score per line from its own features and its neighbours', smoothed with
the neighbours' scores, then a threshold; every weight is a param in the rule file.

Features of a line: log of its length, share of stopwords, ends a sentence, share of capitalised
words, share of letters and of digits, has separators, starts like a list item, already residue by
another rule; the same length, stopword, sentence-end and residue features of the line above and
below (the text's edges count as residue); its relative position and whether it is in the first or
last ``edge_share`` of the lines. The logistic of the weighted sum is the chance that the line is
residue. Lines that look like code (``code_pattern``: shell prompts, braces, calls, SQL) are never
judged here: code in a technical article has no stopwords but is text. Lines longer than
``max_chars`` are never judged here either: a long line wrongly removed costs the most, and long
residue has phrases other rules know. Nor are sentences (``sentence_words`` words or more,
``sentence_stop_share`` of them stopwords, a sentence end): the score reads a short line among share
bars and comment forms as furniture, but a short paragraph there is still prose. The message names
the features that pushed the line hardest.

The weights shipped were fitted by logistic regression on a training split of human line labels
(TurkuNLP English web text) and rounded; they are data, so a curator can refit or adjust them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter, mul

from provenance import accelerator
from provenance.detectors.page import Decision, LineInfo, Page, Params, Screened

OWN = ("log_chars", "stop_share", "sentence_end", "capital_share", "letter_share", "separators", "bullet",
       "digit_share", "decided")
AROUND = ("log_chars", "stop_share", "sentence_end", "decided")
PLACE = ("position", "top", "bottom")
_ABOVE, _BELOW = tuple(f"above_{k}" for k in AROUND), tuple(f"below_{k}" for k in AROUND)
_AROUND_VALUES = itemgetter(*(OWN.index(k) for k in AROUND))
FEATURES = (*OWN, *_ABOVE, *_BELOW, *PLACE)
_EDGE = tuple(1.0 if k == "decided" else 0.0 for k in OWN)


def own_features(lines: list[LineInfo], decided: set[int]) -> list[tuple[float, ...]]:
    """Each line's own features, in ``OWN`` order."""
    log1p = math.log1p
    return [(log1p(line.chars), line.stop_share, float(line.sentence_end), line.capital_share, line.letter_share,
             float(line.separators > 0), float(line.bullet), line.digit_share, float(line.number in decided))
            for line in lines]


def features(page: Page, edge_share: float) -> list[tuple[float, ...]]:
    """Each line's feature values in ``FEATURES`` order: tuples, not dicts, because every line gets a
    row and only the few lines reported need their features by name (``_strongest``). Each part of
    a row is made for all lines by one list comprehension, and the parts are joined in one."""
    own = own_features(page.lines, page.decided)
    around = [_AROUND_VALUES(values) for values in own]
    edge = _AROUND_VALUES(_EDGE)
    last = max(1, len(own) - 1)
    bottom = 1 - edge_share
    places = [(at, float(at < edge_share), float(at > bottom)) for at in (i / last for i in range(len(own)))]
    return [values + above + below + place
            for values, above, below, place in zip(own, [edge, *around[:-1]], [*around[1:], edge], places)]


def feature_row(page: Page, index: int, edge_share: float) -> tuple[float, ...]:
    """``features(page, edge_share)[index]``, from the line and its neighbours alone: only the lines
    reported need their features (``_strongest``) when the accelerator made the scores."""
    lines = page.lines
    near = own_features(lines[max(0, index - 1): index + 2], page.decided)
    edge = _AROUND_VALUES(_EDGE)
    values = near[1] if index > 0 else near[0]
    above = _AROUND_VALUES(near[0]) if index > 0 else edge
    below = _AROUND_VALUES(near[-1]) if index + 1 < len(lines) else edge
    at = index / max(1, len(lines) - 1)
    return values + above + below + (at, float(at < edge_share), float(at > 1 - edge_share))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def chances(page: Page, weights: dict[str, float], bias: float, smooth: float, edge_share: float) -> list[float]:
    """Each line's chance of residue: the logistic of its weighted sum smoothed with the mean of its
    neighbours' (the first and last lines are their own outer neighbours). The accelerator's
    ``line_chances`` gives the same floats without a row of features per line."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.line_chances(page.lines, page.decided, [weights[k] for k in FEATURES], bias, smooth,
                                           edge_share)
    raw = weighted_sums(features(page, edge_share), weights, bias)
    own = 1 - smooth
    ups, downs = [*raw[:1], *raw[:-1]], [*raw[1:], *raw[-1:]]
    return [_logistic(own * score + smooth * ((up + down) / 2)) for score, up, down in zip(raw, ups, downs)]


def likely_lines(page: Page, weights: dict[str, float], bias: float, smooth: float, edge_share: float,
                 threshold: float) -> list[tuple[int, float]]:
    """The index of each line whose chance of residue (``chances``) reaches ``threshold``, with the
    chance: few lines' do. By the accelerator's ``likely_lines`` where it is there, which makes no
    float of the others, else by ``python_likely_lines``, its reference."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.likely_lines(page.lines, page.decided, [weights[k] for k in FEATURES], bias,
                                                 smooth, edge_share, threshold)
    return python_likely_lines(page, weights, bias, smooth, edge_share, threshold)


def python_likely_lines(page: Page, weights: dict[str, float], bias: float, smooth: float, edge_share: float,
                        threshold: float) -> list[tuple[int, float]]:
    return [(i, chance) for i, chance in enumerate(chances(page, weights, bias, smooth, edge_share))
            if chance >= threshold]


def _strongest(values: tuple[float, ...], weights: dict[str, float], n: int = 3) -> str:
    """The ``n`` features that push hardest (weight times value, ties by name, both descending)."""
    pushes = sorted([(weights[k] * value, k, value) for k, value in zip(FEATURES, values) if value], reverse=True)
    return ", ".join([f"{k}={value:.2f}" for _, k, value in pushes[:n]])


def strongest(page: Page, index: int, weights: dict[str, float], vector: list[float], edge_share: float) -> str:
    """``_strongest`` of line ``index``'s ``feature_row``; the accelerator's ``strongest_features``
    (``vector``: the weights in ``FEATURES`` order) gives the same text without a row of tuples."""
    if accelerator.fastpage is not None:
        return accelerator.fastpage.strongest_features(page.lines, page.decided, vector, FEATURES, edge_share, index, 3)
    return _strongest(feature_row(page, index, edge_share), weights)


def weighted_sums(rows: list[tuple[float, ...]], weights: dict[str, float], bias: float) -> list[float]:
    """``bias + sum(weights[k] * value for k, value in zip(FEATURES, row))`` for each row, the products
    made and added by C iterators in the same order (so the same floats), not by a generator per line."""
    vector = [weights[k] for k in FEATURES]
    return [bias + sum(map(mul, vector, row)) for row in rows]


@dataclass(frozen=True)
class _Thresholds:
    weights: dict[str, float]
    vector: list[float]  # the weights in FEATURES order
    bias: float
    smooth: float
    threshold: float
    max_chars: int
    edge_share: float
    headline_words: int
    echo_overlap: float
    code: Screened
    min_lines: int
    sentence_words: int
    sentence_stop_share: float


def _thresholds(params: Params) -> _Thresholds:
    weights = {k: params.float(f"w_{k}") for k in FEATURES}
    return _Thresholds(
        weights=weights, vector=[weights[k] for k in FEATURES],
        bias=params.float("bias"), smooth=params.float("neighbour_weight"), threshold=params.float("threshold"),
        max_chars=params.int("max_chars"), edge_share=params.float("edge_share"),
        headline_words=params.int("headline_max_words"), echo_overlap=params.float("title_echo_min_overlap"),
        code=params.pattern("code_pattern"), min_lines=params.int("min_lines"),
        sentence_words=params.int("sentence_words"), sentence_stop_share=params.float("sentence_stop_share"),
    )


def _is_sentence(line: LineInfo, t: _Thresholds) -> bool:
    """Whether the line reads as a sentence of prose: long enough, with a sentence end and stopwords."""
    return line.sentence_end and line.words >= t.sentence_words and line.stop_share >= t.sentence_stop_share


def detect(page: Page, params: Params) -> Iterator[Decision]:
    if page.language is None or not page.lines:
        return
    t = params.once(_thresholds)
    if len(page.lines) < t.min_lines:  # no page around the lines: the text's edges alone would decide
        return
    threshold, max_chars, code = t.threshold, t.max_chars, t.code
    titles = page.title_lines(t.headline_words, t.echo_overlap)
    for index, chance in likely_lines(page, t.weights, t.bias, t.smooth, t.edge_share, threshold):
        line = page.lines[index]
        if line.number in page.decided or line.chars > max_chars or line.number in titles or _is_sentence(line, t):
            continue
        if not code.search(line.text):  # the slow search only where it decides
            pushes = strongest(page, index, t.weights, t.vector, t.edge_share)
            yield Decision(line.number, line.number, f"residue score {chance:.2f}; strongest: {pushes}")
