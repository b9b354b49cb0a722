"""`--format html`: one self-contained page a reviewer opens from a file.

The corpus table (sortable by any column, also from the address: ``page.html#sort=overall:desc``), the
distribution of overall scores, the most frequent rules and the outlets, then every document (past
``--rows``, the worst ones: the ``Overview``'s): its facts, its findings and its text with residue
lines marked and quotations highlighted with their speakers. Nothing is fetched: the styles and the
small sorting script are inline, and the page's Content-Security-Policy forbids any request. Every
string from a report or a document is escaped.
The page holds nothing that the report does not (no timestamp), so the same report gives the same page.
"""

from __future__ import annotations

import html
import sys

from provenance.lookup import texts_of
from provenance.overview import Overview
from provenance.renderers import documents_title, more_text, whole
from provenance.renderers.marks import MarkedLine, Piece, marked_lines, place, printable, speaker_label
from provenance.report import DocumentReport, Finding, Outlet, Reliability, Summary, Tool
from provenance.sources import Reading

DIMENSIONS = ("provenance", "attribution", "residue")
COLUMNS = (("document", "text"), ("outlet", "text"), ("provenance", "num"), ("attribution", "num"),
           ("residue", "num"), ("overall", "num"), ("result", "text"))
TOP_RULES = 10
TOP_OUTLETS = 10



def esc(value: object) -> str:
    """Text and attribute values, escaped, with control characters made visible."""
    return html.escape(printable(str(value)), quote=True)


def render_html(view: Overview, tool: Tool, reading: Reading = Reading()) -> str:
    """The page of the documents the overview kept (every one, or the ``--rows`` worst), their texts
    read again as the run read them (``reading``'s record fields), whatever their size: check has
    accepted them already."""
    return render_page(view, tool, texts_of(view.documents, reading._replace(max_bytes=sys.maxsize)))


def render_page(view: Overview, tool: Tool, texts: dict[str, str]) -> str:
    """The page, given the documents' texts by sha256 (a document without its text is shown without it)."""
    s = view.summary
    body = [
        "<header>", "<h1>provenance report</h1>", _summary(s, tool), "</header>",
        "<main>", _overview(view), _corpus_table(view), _errors(view),
        *(_document(n, doc, texts.get(doc.sha256), s.threshold) for n, doc in enumerate(view.documents, 1)),
        "</main>",
    ]
    title = f"provenance report · {s.documents} checked, {s.failed} failed"
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>{esc(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        *body, f"<script>{SCRIPT}</script>", "</body>", "</html>", "",
    ])


def _summary(s: Summary, tool: Tool) -> str:
    failed = f'<span class="fail">{s.failed} failed</span>' if s.failed else "0 failed"
    errors = f'<span class="fail">{s.errors} unreadable</span>' if s.errors else "0 unreadable"
    documents = f'{s.documents} document{"" if s.documents == 1 else "s"}'
    return (f'<p class="summary"><strong>{documents}</strong>: {s.passed} passed, {failed}, {errors}'
            f" · threshold {s.threshold:g} · {esc(tool.name)} {esc(tool.version)}"
            f" · rules {esc(tool.rules_digest)}</p>")


def _score_class(value: float | None, threshold: float) -> str:
    if value is None:
        return "none"
    return "low" if value < threshold else "mid" if value < threshold + 15 else "high"


def _score(value: float | None, threshold: float) -> str:
    shown = "–" if value is None else whole(value)
    title = "nothing to attribute" if value is None else f"{value:g}"
    return f'<span class="score {_score_class(value, threshold)}" title="{esc(title)}">{shown}</span>'


def _labelled_score(label: str, value: float | None, threshold: float) -> str:
    return f'<div class="mean"><span class="label">{esc(label)}</span>{_score(value, threshold)}</div>'


def _overview(view: Overview) -> str:
    s = view.summary
    means = "".join(_labelled_score(k, v, s.threshold) for k, v in s.mean_scores.items())
    return ('<section class="overview">'
            f'<div class="card"><h2>Mean scores</h2><div class="means">{means}</div></div>'
            f'<div class="card"><h2>Overall scores</h2>{_histogram(view)}</div>'
            f'<div class="card"><h2>Most frequent rules</h2>{_rules(view)}</div>'
            f'<div class="card"><h2>Outlets</h2>{_outlets(view.summary)}</div>'
            "</section>")


def _histogram(view: Overview) -> str:
    bands = view.bands
    most = max((count for _, _, count in bands), default=0) or 1
    rows = []
    for label, high, count in bands:
        side = "under" if high < view.summary.threshold else "over"
        rows.append(f'<tr><th>{label}</th><td><span class="bar {side}" '
                    f'style="width:{100 * count / most:.0f}%"></span></td><td class="n">{count or ""}</td></tr>')
    return f'<table class="histogram">{"".join(rows)}</table>'


def _rules(view: Overview) -> str:
    names = view.rule_names
    ranked = sorted(view.summary.rules.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_RULES]
    rows = "".join(f'<tr><td class="rule">{esc(r)}</td><td>{esc(names.get(r, ""))}</td><td class="n">{n}</td></tr>'
                   for r, n in ranked)
    return f'<table class="small">{rows}</table>' if rows else "<p>none</p>"


def _outlets(s: Summary) -> str:
    ranked = sorted(s.outlets.items(), key=lambda kv: (-kv[1], kv[0]))
    rows = "".join(f'<tr><td>{esc(o)}</td><td class="n">{n}</td></tr>' for o, n in ranked[:TOP_OUTLETS])
    hidden = len(ranked) - TOP_OUTLETS
    more = f'<tr><td colspan="2" class="dim">{hidden} more</td></tr>' if hidden > 0 else ""
    return f'<table class="small">{rows}{more}</table>' if rows else "<p>none</p>"


def _outlet_cell(outlet: Outlet | None) -> tuple[str, str]:
    """(sort key, cell html)"""
    if outlet is None:
        return "", '<span class="dim">unknown</span>'
    name = outlet.name or outlet.domain or "unknown"
    flags = "".join(f'<span class="flag">{esc(f)}</span>' for f in outlet.flags)
    return name, f"{esc(name)}{flags}"


def _corpus_table(view: Overview) -> str:
    threshold = view.summary.threshold
    head = "".join(f'<th data-key="{key}" data-type="{kind}" aria-sort="none">'
                   f'<button type="button">{key}</button></th>' for key, kind in COLUMNS)
    rows = []
    for n, doc in enumerate(view.documents, 1):
        outlet_key, outlet_html = _outlet_cell(doc.outlet)
        scores = "".join(f'<td data-value="{"" if v is None else f"{v:g}"}" class="num">{_score(v, threshold)}</td>'
                         for v in (doc.scores.provenance, doc.scores.attribution, doc.scores.residue,
                                   doc.scores.overall))
        verdict = "pass" if doc.passed else "FAIL"
        rows.append(f'<tr data-order="{n}"><td data-value="{esc(doc.id)}"><a href="#doc-{n}">{esc(doc.id)}</a></td>'
                    f'<td data-value="{esc(outlet_key)}">{outlet_html}</td>{scores}'
                    f'<td data-value="{verdict}"><span class="verdict {verdict.lower()}">{verdict}</span></td></tr>')
    return (f'<section><h2>{esc(documents_title(view))}</h2><table id="corpus"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'{_more(view.more_documents, "more documents", "writes every report")}</section>')


def _more(count: int, what: str, jsonl_gives: str) -> str:
    return f'<p class="dim">{esc(more_text(count, what, jsonl_gives))}</p>' if count else ""


def _errors(view: Overview) -> str:
    if not view.errors:
        return ""
    items = "".join(f"<li><code>{esc(e.path)}{f':{e.line}' if e.line else ''}</code>: {esc(e.message)}</li>"
                    for e in view.errors)
    more = _more(view.more_errors, "more inputs could not be read", "writes an error line for each")
    return f'<section class="errors"><h2>Unreadable</h2><ul>{items}</ul>{more}</section>'


def _document(n: int, doc: DocumentReport, text: str | None, threshold: float) -> str:
    verdict = "pass" if doc.passed else "FAIL"
    scores = "".join(_labelled_score(d, getattr(doc.scores, d), threshold) for d in (*DIMENSIONS, "overall"))
    return (f'<article class="doc" id="doc-{n}"><h2><a href="#doc-{n}">{esc(doc.id)}</a> '
            f'<span class="verdict {verdict.lower()}">{verdict}</span></h2>'
            f'<div class="means">{scores}</div>{_facts(doc)}'
            f"<details open><summary>Findings ({len(doc.findings)})</summary>{_findings(doc.findings)}</details>"
            f"<details open><summary>Text ({doc.lines} lines, {len(doc.quotes)} quotations)</summary>"
            f"{_text(text, doc)}</details></article>")


def _facts(doc: DocumentReport) -> str:
    facts = doc.facts
    rows = [("outlet", _outlet_fact(doc.outlet))]
    if doc.outlet is not None:
        profile = ", ".join(v for v in (doc.outlet.kind, doc.outlet.country, doc.outlet.ownership) if v)
        rows += [("profile", esc(profile))] if profile else []
        rows += [("reliability", _rating(r)) for r in doc.outlet.reliability]
        evidence = "; ".join(" ".join(e.split()) for e in doc.outlet.evidence)
        rows += [("evidence", f'<span class="dim">{esc(evidence)}</span>')] if evidence else []
    rows += [("published", _fact(facts.published or facts.published_text)), ("byline", _fact(facts.byline)),
             ("dateline", _fact(facts.dateline)),
             ("copy", '<span class="warn">republished</span>' if facts.republished else "original"),
             ("chain", _fact(" → ".join(facts.chain))), ("path", f"<code>{esc(doc.path)}</code>")]
    return '<dl class="facts">' + "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows) + "</dl>"


def _rating(rating: Reliability) -> str:
    source = " · ".join(v for v in (rating.source, rating.date, rating.url) if v)
    return f'{esc(rating.label)} <span class="dim">({esc(source)})</span>'


def _fact(value: str | None) -> str:
    return esc(value) if value else '<span class="dim">not found</span>'


def _outlet_fact(outlet: Outlet | None) -> str:
    if outlet is None:
        return '<span class="dim">not identified</span>'
    _, cell = _outlet_cell(outlet)
    domain = f' <span class="dim">({esc(outlet.domain)})</span>' if outlet.domain and outlet.name else ""
    return f'{cell}{domain} <span class="dim">confidence {outlet.confidence:.2f}</span>'


def _findings(findings: list[Finding]) -> str:
    if not findings:
        return "<p>No findings.</p>"
    rows = []
    for f in findings:
        points = "0" if f.points == 0 else f"{f.points:+.1f}"
        rows.append(f'<tr class="{f.severity}"><td>{esc(f.dimension)}</td><td class="n">{esc(place(f))}</td>'
                    f'<td class="rule" title="{esc(f.name)}">{esc(f.rule)}</td><td>{esc(f.severity)}</td>'
                    f'<td>{esc(f.message)}<div class="excerpt">{esc(" ".join(f.excerpt.split()))}</div></td>'
                    f'<td class="n points">{points}</td></tr>')
    return ('<table class="findings"><thead><tr><th>dimension</th><th>line</th><th>rule</th><th>severity</th>'
            f'<th>finding</th><th>points</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _text(text: str | None, doc: DocumentReport) -> str:
    if text is None:
        return '<p class="warn">The text is not available: its file has moved or changed since the check.</p>'
    return '<div class="text">' + "".join(_line(line) for line in marked_lines(text, doc)) + "</div>"


def _line(line: MarkedLine) -> str:
    content = "".join(_piece(p) for p in line.pieces)
    if not line.residue:
        return f'<div class="line"><span class="ln">{line.number}</span><span class="t">{content}</span></div>'
    label = "; ".join(dict.fromkeys(f"{f.rule} {f.name}" for f in line.residue))
    return (f'<div class="line residue" title="residue: {esc(label)}"><span class="ln">{line.number}</span>'
            f'<span class="t">{content}</span><span class="label">{esc(label)}</span></div>')


def _piece(piece: Piece) -> str:
    out = esc(piece.text)
    if piece.flag is not None:
        out = f'<span class="flagged" title="{esc(piece.flag.rule)} {esc(piece.flag.message)}">{out}</span>'
    if piece.speaker_of is not None:
        out = f'<span class="speaker" title="speaker of the quotation on line {piece.speaker_of.line}">{out}</span>'
    elif piece.quote is not None:
        who = esc(speaker_label(piece.quote))
        out = f'<mark class="quote {esc(piece.quote.kind)}" title="speaker: {who}">{out}</mark>'
    if piece.ends_quote:
        out += f'<span class="who {esc(piece.quote.kind)}">{esc(speaker_label(piece.quote))}</span>'
    return out


STYLE = """
:root { --fg:#1d2330; --dim:#6b7280; --bg:#f6f7f9; --card:#fff; --line:#e4e7ec; --accent:#2f5fb3;
  --pass:#1a7f43; --fail:#c0262d; --mid:#a86300; --quote:#fff1b8; --speaker:#d6e6ff; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg);
  background:var(--bg); }
header { padding:1.2rem 2rem .6rem; background:var(--card); border-bottom:1px solid var(--line); }
h1 { margin:0; font-size:1.4rem; } h2 { font-size:1.05rem; margin:.2rem 0 .6rem; }
main { padding:1rem 2rem 3rem; max-width:1200px; }
.summary { margin:.3rem 0; color:var(--dim); } .summary strong { color:var(--fg); }
.dim { color:var(--dim); } .fail { color:var(--fail); font-weight:600; } .warn { color:var(--mid); font-weight:600; }
.overview { display:grid; grid-template-columns:repeat(auto-fit, minmax(230px, 1fr)); gap:1rem; margin-bottom:1.2rem; }
.card, article.doc, section > table#corpus { background:var(--card); border:1px solid var(--line); border-radius:8px; }
.card { padding:.8rem 1rem; }
.means { display:flex; flex-wrap:wrap; gap:.5rem 1.2rem; margin:.3rem 0 .6rem; }
.mean { display:flex; flex-direction:column; align-items:flex-start; }
.mean .label { font-size:.75rem; color:var(--dim); text-transform:uppercase; letter-spacing:.04em; }
.score { display:inline-block; min-width:2.4em; padding:0 .4em; border-radius:4px; font-weight:600;
  text-align:center; font-variant-numeric:tabular-nums; }
.score.high { background:#dff3e6; color:var(--pass); } .score.mid { background:#fdf0d5; color:var(--mid); }
.score.low { background:#fde2e1; color:var(--fail); } .score.none { color:var(--dim); }
table { border-collapse:collapse; }
table.small td, .histogram td, .histogram th { padding:.05rem .4rem; font-size:.85rem; }
.histogram { width:100%; }
.histogram th { white-space:nowrap; font-weight:400; color:var(--dim); text-align:right; width:4.5em; }
.histogram td:nth-child(2) { width:100%; }
.bar { display:inline-block; height:.75rem; border-radius:2px; vertical-align:middle; }
.bar.under { background:#e58a8e; } .bar.over { background:#7cc195; }
td.n, th.n { text-align:right; font-variant-numeric:tabular-nums; }
.rule { font-family:ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size:.85em; }
table#corpus { width:100%; overflow:hidden; }
#corpus th { text-align:left; border-bottom:1px solid var(--line); background:#eef1f6; }
#corpus th button { all:unset; cursor:pointer; display:block; padding:.45rem .6rem; font-weight:600; }
#corpus th[data-type=num] button { text-align:right; }
#corpus th[aria-sort=ascending] button::after { content:" ▲"; color:var(--accent); }
#corpus th[aria-sort=descending] button::after { content:" ▼"; color:var(--accent); }
#corpus td { padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
#corpus td.num { text-align:right; } #corpus tbody tr:hover { background:#f3f6fb; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
.flag { display:inline-block; margin-left:.4em; padding:0 .4em; border-radius:9px; font-size:.75rem;
  background:#efe4fb; color:#6a2ca0; }
.verdict { font-size:.8rem; font-weight:700; padding:.05rem .45rem; border-radius:4px; }
.verdict.pass { background:#dff3e6; color:var(--pass); } .verdict.fail { background:var(--fail); color:#fff; }
article.doc { margin:1.2rem 0; padding:.9rem 1.1rem; }
article.doc h2 { font-size:1.1rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.15rem 1rem; margin:.4rem 0 .8rem;
  font-size:.9rem; }
dl.facts dt { color:var(--dim); } dl.facts dd { margin:0; }
details { margin:.5rem 0; } summary { cursor:pointer; font-weight:600; color:var(--accent); }
table.findings { width:100%; font-size:.85rem; margin-top:.4rem; }
table.findings th { text-align:left; color:var(--dim); font-weight:500; border-bottom:1px solid var(--line); }
table.findings td, table.findings th { padding:.25rem .5rem; vertical-align:top; }
table.findings tr.error td { background:#fdecec; } table.findings tr.warning .rule { color:var(--mid); }
table.findings tr.info .rule { color:var(--accent); }
.excerpt { color:var(--dim); font-size:.8rem; white-space:pre-wrap; word-break:break-word; }
.points { font-weight:600; }
.text { margin-top:.5rem; border:1px solid var(--line); border-radius:6px; overflow:hidden;
  font:13.5px/1.55 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.line { display:flex; gap:.8rem; padding:0 .6rem; }
.line .ln { flex:0 0 3em; text-align:right; color:#a0a6b1; user-select:none; }
.line .t { flex:1; white-space:pre-wrap; word-break:break-word; min-height:1.55em; }
.line.residue { background:#f2f3f5; color:#9aa0aa; }
.line.residue .t { text-decoration:line-through; text-decoration-color:#c7cbd2; }
.line .label { flex:0 0 auto; font-size:.75rem; color:var(--mid); background:#fdf0d5; border-radius:4px;
  padding:0 .4rem; align-self:center; }
mark.quote { background:var(--quote); color:inherit; border-radius:2px; }
mark.quote.unattributed, mark.quote.vague, mark.quote.anonymous { background:#ffe0cc; }
.speaker { background:var(--speaker); border-radius:2px; font-weight:600; }
.who { font:600 .72rem system-ui, sans-serif; margin-left:.35em; padding:0 .35em; border-radius:8px;
  background:var(--speaker); color:#24477f; white-space:nowrap; }
.who.unattributed, .who.vague, .who.anonymous { background:#ffe0cc; color:#8a3a00; }
.flagged { text-decoration:underline wavy var(--mid); text-underline-offset:3px; }
.errors li { color:var(--fail); }
"""

SCRIPT = """
(function () {
  var table = document.getElementById("corpus");
  if (!table) return;
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, i, numeric) {
    var v = row.cells[i].getAttribute("data-value");
    if (!numeric) return v;
    return v === "" ? -Infinity : parseFloat(v);
  }
  function sortBy(i, dir) {
    var numeric = heads[i].getAttribute("data-type") === "num";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, i, numeric), y = key(b, i, numeric);
      var c = numeric ? (x < y ? -1 : x > y ? 1 : 0) : x.localeCompare(y);
      if (dir === "desc") c = -c;
      return c || (a.getAttribute("data-order") - b.getAttribute("data-order"));
    });
    rows.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (h, j) {
      h.setAttribute("aria-sort", j !== i ? "none" : dir === "asc" ? "ascending" : "descending");
    });
  }
  heads.forEach(function (h, i) {
    h.querySelector("button").addEventListener("click", function () {
      var dir = h.getAttribute("aria-sort") === "ascending" ? "desc" : "asc";
      sortBy(i, dir);
      try { history.replaceState(null, "", "#sort=" + h.getAttribute("data-key") + ":" + dir); } catch (e) {}
    });
  });
  function fromAddress() {
    var m = /^#sort=([a-z]+)(?::(asc|desc))?$/.exec(location.hash);
    if (!m) return;
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].getAttribute("data-key") === m[1]) sortBy(i, m[2] || "asc");
    }
  }
  fromAddress();
  window.addEventListener("hashchange", fromAddress);
})();
"""
