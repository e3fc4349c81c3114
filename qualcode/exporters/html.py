"""The HTML report: one self-contained file a supervisor opens in any browser.

Inline CSS, inline SVG charts, a few lines of inline JavaScript, nothing from the
network. An overview per dimension (a bar chart of its codes), heat-map shaded
frequency tables (dimensions, then codes), co-occurrence, and the quotes: every
non-zero count is a link to a list of exactly that many quotes (or, for
co-occurrence, that many pairs of overlapping quotes). ``@media print`` makes it
print to PDF cleanly. The inline script checks, in the reader's browser, that every
count matches the quotes it links to and marks the page (``data-links-ok``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.core.codebook import Codebook
from qualcode.core.matrices import Cooccurrence, Frequency, Matrix, QuoteMatrix, Segment
from qualcode.core.tables import Workbook
from qualcode.exporters.base import atomic_text
from qualcode.i18n import N_, _, language, plural

CSS = """
:root { --ink: #1d2530; --muted: #5b6675; --line: #d5dbe3; --accent: #1f5fa8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1200px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
figure.map { margin: 0; overflow: auto; border: 1px solid var(--line); }
figure.map svg { max-width: 100%; height: auto; display: block; }
figure.map figcaption { color: var(--muted); padding: .3rem .5rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .4rem; }
.about { color: var(--muted); font-size: .9rem; }
.about dt { float: left; clear: left; width: 9rem; font-weight: 600; }
.about dd { margin-left: 9.5rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
nav a { color: var(--accent); }
td a.count { color: inherit; font-weight: 600; text-decoration: underline; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .86rem; }
th, td { border: 1px solid var(--line); padding: .2rem .45rem; vertical-align: top; }
th { background: #eef3f9; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; border-top: 2px solid #9aa5b4; }
td.code { white-space: nowrap; }
.d1 { padding-left: 1.2rem; } .d2 { padding-left: 2.2rem; } .d3 { padding-left: 3.2rem; }
.scroll { overflow-x: auto; }
.dims { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
.dim { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; break-inside: avoid; }
.dim h3 { margin-top: 0; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .35rem; vertical-align: -1px; }
.cell { border-left: 3px solid var(--line); padding-left: .8rem; margin: 1rem 0; }
.cell:target { border-left-color: var(--accent); background: #f6f9fd; }
ol.quotes { padding-left: 1.4rem; }
li.quote { margin: .35rem 0; }
li.quote blockquote { margin: 0; }
.where { color: var(--muted); font-size: .82rem; }
.review-approved { color: #1a7f37; } .review-disputed { color: #b42318; font-weight: 600; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; }
.note { color: var(--muted); font-size: .85rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .noprint { display: none; }
  a.count { color: inherit; text-decoration: none; }
  h2 { break-before: page; } h2.first { break-before: auto; }
  tr, li.quote, .dim { break-inside: avoid; }
  td, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .scroll { overflow: visible; }
}
"""

SCRIPT = """
(function () {
  var bad = 0, links = document.querySelectorAll('a.count');
  links.forEach(function (a) {
    var target = document.getElementById(a.getAttribute('href').slice(1));
    var n = target ? target.querySelectorAll('.quote').length : -1;
    if (n !== parseInt(a.textContent, 10)) {
      bad += 1;
      console.error('count ' + a.textContent + ' links to ' + n + ' quotes: ' + a.getAttribute('href'));
    }
  });
  document.body.setAttribute('data-links', String(links.length));
  document.body.setAttribute('data-links-ok', bad ? 'no' : 'yes');
})();
"""


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows (pseudonyms already applied).

    Attributes:
        title: the report's title.
        codebook: the project's codebook (tree, colours, labels).
        label_lang: the language of labels.
        by: the columns of the matrices.
        about: filters and settings.
        frequency: codes x columns, four measures.
        dimensions: the same, rolled up to the top-level dimensions.
        quotes: the quotes behind ``frequency``.
        dimension_quotes: the quotes behind ``dimensions``.
        cooccurrence: code x code.
        pairs: (code a, code b) -> the overlapping coding pairs behind that count.
    """

    title: str
    codebook: Codebook
    label_lang: str | None
    by: str
    about: tuple[tuple[str, str], ...]
    frequency: Frequency
    dimensions: Frequency
    quotes: QuoteMatrix
    dimension_quotes: QuoteMatrix
    cooccurrence: Cooccurrence
    pairs: dict[tuple[str, str], tuple[tuple[Segment, Segment], ...]] = field(default_factory=dict)
    scorecard: Workbook | None = None
    """The dimension scorecard (its main sheet and its key extracts), when asked for."""
    thematic_map: str | None = None
    """The thematic map as an SVG (inlined as a figure), when the project has themes."""
    map_caption: str = ""
    """The figure's caption."""


def e(value: object) -> str:
    """HTML-escape anything."""
    return html.escape("" if value is None else str(value), quote=True)


def _t(value: str) -> str:
    """HTML-escape a paragraph's text (quotes and apostrophes stay as they are)."""
    return html.escape(value, quote=False)


def _shade(value: float, top: float, rgb: tuple[int, int, int] = (31, 95, 168)) -> str:
    if not value or not top:
        return ""
    alpha = 0.1 + 0.75 * (value / top)
    r, g, b = rgb
    style = f"background: rgba({r},{g},{b},{alpha:.2f});"
    if alpha > 0.55:
        style += " color: #fff;"
    return f' style="{style}"'


def _bar_chart(items: Sequence[tuple[str, int, str]], *, width: int = 320) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) per bar."""
    if not items:
        return '<p class="note">No codes.</p>'
    top = max((v for _name, v, _colour in items), default=0) or 1
    bar_h, gap, label_w = 16, 6, 150
    height = len(items) * (bar_h + gap)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + label_w + 40}" height="{height}" '
        f'role="img" aria-label="bar chart">'
    ]
    for i, (label, value, color) in enumerate(items):
        y = i * (bar_h + gap)
        w = round(width * value / top, 1)
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 12}" font-size="11" text-anchor="end">{e(short)}'
            f"<title>{e(label)}</title></text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{e(color)}" rx="2"/>'
            f'<text x="{label_w + w + 4}" y="{y + 12}" font-size="11">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _matrix_table(
    m: Matrix,
    qm: QuoteMatrix,
    prefix: str,
    cb: Codebook,
    *,
    indent: bool,
    link: bool = True,
    share: bool = False,
) -> str:
    """A heat-map table; each non-zero count links to its quote list."""
    top = max((v for row in m.cells for v in row), default=0)
    out = [
        '<div class="scroll"><table>',
        f"<thead><tr><th>{e(_('code'))}</th><th>{e(_('label'))}</th>",
    ]
    out += [f"<th>{e(c)}</th>" for c in m.columns]
    out.append(f"<th>{e(_('total'))}</th></tr></thead><tbody>")
    for code, label, cells, total in zip(
        m.rows, m.row_labels, m.cells, m.row_totals(), strict=True
    ):
        depth = min(cb.depth(code), 3) if indent and code in cb else 0
        out.append(
            f'<tr><td class="code d{depth}"><span class="swatch" style="background:{e(cb.color_of(code)) if code in cb else "#999"}"></span>{e(code)}</td><td>{e(label)}</td>'
        )
        for j, value in enumerate(cells):
            shade = _shade(float(value), float(top))
            if share:
                out.append(f'<td class="n"{shade}>{float(value):.1%}</td>')
            elif value and link:
                qi = qm.rows.index(code)
                qj = qm.columns.index(m.columns[j])
                out.append(
                    f'<td class="n"{shade}><a class="count" href="#{prefix}-{qi}-{qj}">{value}</a></td>'
                )
            else:
                out.append(f'<td class="n"{shade}>{value}</td>')
        out.append(f'<td class="n">{f"{float(total):.1%}" if share else total}</td></tr>')
    totals = m.column_totals()
    out.append(f'<tr class="total"><td>{e(_("total"))}</td><td></td>')
    out += [f'<td class="n">{f"{float(v):.1%}" if share else v}</td>' for v in totals]
    out.append(f'<td class="n">{f"{float(m.total()):.1%}" if share else m.total()}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _quote_item(s: Segment) -> str:
    review = ""
    if s.review != "unreviewed":
        status = _(REVIEW_WORDS.get(s.review, s.review))
        review = f' <span class="review-{e(s.review)}">'
        review += (
            e(_("{status} by {reviewer}").format(status=status, reviewer=s.reviewer))
            if s.reviewer
            else e(status)
        )
        review += "</span>"
    comment = f' <span class="note">— {e(s.comment)}</span>' if s.comment else ""
    return (
        f'<li class="quote"><blockquote>{e(s.quote)}</blockquote>'
        f'<div class="where">{e(_place(s))} · {e(s.code)} · {e(s.coder)}{review}{comment}</div></li>'
    )


def _quote_lists(qm: QuoteMatrix, prefix: str) -> str:
    out: list[str] = []
    for i, (code, label, cells) in enumerate(zip(qm.rows, qm.row_labels, qm.cells, strict=True)):
        for j, cell in enumerate(cells):
            if not cell:
                continue
            out.append(
                f'<div class="cell" id="{prefix}-{i}-{j}"><h3>{e(code)} — {e(label)} · '
                f'{e(qm.columns[j])} ({len(cell)})</h3><ol class="quotes">'
            )
            out += [_quote_item(s) for s in cell]
            out.append("</ol></div>")
    return "".join(out) or f'<p class="note">{e(_("No quotes."))}</p>'


REVIEW_WORDS = {
    "approved": N_("approved"),
    "disputed": N_("disputed"),
    "unreviewed": N_("unreviewed"),
}
"""A coding's review status, as the report names it (the stored value is English)."""

REPORT_WORDS = (
    N_("by"),
    N_("status"),
    N_("coders"),
    N_("review"),
    N_("codes"),
    N_("documents"),
    N_("cases"),
    N_("speaker role"),
    N_("rollup"),
    N_("sub-codes counted under their top-level dimension"),
)
"""The filter names and fixed values of the report's header (``Filters.describe()``,
stored and exported in English), translated when the report shows them."""


def _place(s: Segment) -> str:
    """Where the quote is, in the report's language: ``doc, Speaker, turn 3, 49-63``."""
    parts = [s.doc]
    if s.speaker:
        parts.append(s.speaker)
    if s.turn is not None:
        parts.append(_("turn {n}").format(n=s.turn))
    parts.append(f"{s.start}-{s.end}")
    return ", ".join(parts)


def render(data: ReportData) -> tuple[str, int]:
    """The report's HTML and the number of count links in it."""
    cb = data.codebook
    f = data.frequency
    d = data.dimensions
    co = data.cooccurrence
    parts: list[str] = [
        f'<!DOCTYPE html><html lang="{language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(data.title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{e(data.title)}</h1>",
        '<dl class="about">'
        + "".join(
            f"<dt>{e(_(k))}</dt><dd>{e(_(v) if v in REPORT_WORDS else v)}</dd>"
            for k, v in data.about
        )
        + f"<dt>{e(_('codings'))}</dt><dd>{f.codings.total()}</dd>"
        + f"<dt>{e(_('columns'))}</dt><dd>{len(f.codings.columns)} ({e(data.by)})</dd></dl>"
        "</header>",
        '<nav class="noprint"><ul>'
        + "".join(
            f'<li><a href="#{anchor}">{e(_(word))}</a></li>'
            for anchor, word in (
                ("overview", N_("Overview")),
                ("dimensions", N_("Dimensions")),
                ("codes", N_("Codes")),
                ("share", N_("Share of text")),
                ("cooccurrence", N_("Co-occurrence")),
                *((("scorecard", N_("Scorecard")),) if data.scorecard else ()),
                *((("map", N_("Thematic map")),) if data.thematic_map else ()),
                ("quotes", N_("Quotes")),
            )
        )
        + "</ul></nav>",
        f'<h2 id="overview" class="first">{e(_("Overview by dimension"))}</h2>',
        '<p class="note">'
        + _t(
            _(
                "Codings per dimension (sub-codes counted under their dimension), "
                "then each dimension's codes."
            )
        )
        + "</p>",
    ]
    totals = d.codings.row_totals()
    parts.append(
        _bar_chart(
            [
                (label, int(t), cb.color_of(code) if code in cb else "#999999")
                for code, label, t in zip(d.codings.rows, d.codings.row_labels, totals, strict=True)
            ],
            width=420,
        )
    )
    parts.append('<div class="dims">')
    code_totals = dict(zip(f.codings.rows, f.codings.row_totals(), strict=True))
    doc_totals = dict(zip(d.documents.rows, d.documents.row_totals(), strict=True))
    share_totals = dict(zip(d.share.rows, d.share.row_totals(), strict=True))
    review_totals = dict(zip(d.codings.rows, d.reviews, strict=False))
    for code, label, total in zip(d.codings.rows, d.codings.row_labels, totals, strict=True):
        _total, approved, disputed = review_totals.get(code, (0, 0, 0))
        members = [c for c in f.codings.rows if c in cb and cb.top_level(c) == code]
        parts.append(
            f'<div class="dim"><h3><span class="swatch" style="background:{e(cb.color_of(code)) if code in cb else "#999"}"></span>'
            f'{e(label)}</h3><p class="note">{e(code)} · '
            + " · ".join(
                e(part)
                for part in (
                    plural(int(total), "{n} coding", "{n} codings"),
                    plural(int(doc_totals.get(code, 0)), "{n} document", "{n} documents"),
                    _("{share:.1%} of the text").format(share=float(share_totals.get(code, 0))),
                    _("{n} approved").format(n=approved),
                    _("{n} disputed").format(n=disputed),
                )
            )
            + "</p>"
        )
        parts.append(
            _bar_chart(
                [
                    (
                        cb[c].label_in(
                            data.label_lang or (cb.languages[0] if cb.languages else None)
                        ),
                        int(code_totals.get(c, 0)),
                        cb.color_of(c),
                    )
                    for c in members
                ],
                width=160,
            )
        )
        parts.append("</div>")
    parts.append("</div>")
    parts.append(f'<h2 id="dimensions">{e(_("Dimensions by {by}").format(by=data.by))}</h2>')
    parts.append(
        f'<p class="note">{e(_("Each count links to exactly that many quotes."))}</p>'
        + _matrix_table(d.codings, data.dimension_quotes, "dq", cb, indent=False)
    )
    parts.append(f'<h2 id="codes">{e(_("Codes by {by}").format(by=data.by))}</h2>')
    parts.append(_matrix_table(f.codings, data.quotes, "q", cb, indent=True))
    parts.append(f'<h2 id="share">{e(_("Share of text coded by {by}").format(by=data.by))}</h2>')
    parts.append(
        '<p class="note">'
        + _t(
            _(
                "Characters covered by a code's codings (overlaps counted once) over "
                "the characters of the column."
            )
        )
        + "</p>"
        + _matrix_table(f.share, data.quotes, "q", cb, indent=True, link=False, share=True)
    )
    parts.append(f'<h2 id="cooccurrence">{e(_("Co-occurrence"))}</h2>')
    parts.append(_cooccurrence(co, cb, data.pairs))
    if data.scorecard is not None:
        parts.append(_scorecard(data.scorecard, cb))
    if data.thematic_map:
        parts.append(
            f'<h2 id="map">{e(_("Thematic map"))}</h2><figure class="map">'
            + _strip_xml_head(data.thematic_map)
            + f"<figcaption>{e(data.map_caption)}</figcaption></figure>"
        )
    parts.append(f'<h2 id="quotes">{e(_("Quotes"))}</h2><h3>{e(_("By dimension"))}</h3>')
    parts.append(_quote_lists(data.dimension_quotes, "dq"))
    parts.append(f"<h3>{e(_('By code'))}</h3>")
    parts.append(_quote_lists(data.quotes, "q"))
    parts.append(_pair_lists(co, data.pairs))
    parts.append(f"<script>{SCRIPT}</script></body></html>\n")
    text = "".join(parts)
    return text, text.count('class="count"')


def _strip_xml_head(svg: str) -> str:
    """The SVG element itself (inline SVG in HTML takes no XML declaration)."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def _scorecard(book: Workbook, cb: Codebook) -> str:
    """The dimension scorecard: negative against positive passages per dimension and
    group, the sub-codes behind them, then the key extracts as quotes."""
    main, extracts = book.sheets[0], book.sheets[1]
    about = "; ".join(f"{k}: {v}" for k, v in book.about if k != "title")
    out = [
        f'<h2 id="scorecard">{e(main.title)}</h2>',
        f'<p class="note">{e(about)}</p>',
        '<table class="scorecard"><thead><tr>'
        + "".join(f"<th>{e(c)}</th>" for c in main.columns)
        + "</tr></thead><tbody>",
    ]
    for row in main.rows:
        cells = []
        for value, kind in zip(row, main.kinds, strict=True):
            cls = ' class="num"' if kind == "int" else ""
            cells.append(f"<td{cls}>{e(value)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if extracts.rows:
        out.append(f"<h3>{e(extracts.title)}</h3>")
        current: tuple[object, object] | None = None
        for row in extracts.rows:
            head = (row[0], row[1])
            if head != current:
                if current is not None:
                    out.append("</ul>")
                code = str(row[0])
                label = (
                    cb[code].label_in(cb.languages[0] if cb.languages else None)
                    if code in cb
                    else code
                )
                out.append(f'<h4>{e(label)} · {e(row[1])}</h4><ul class="quotes">')
                current = head
            values = list(row)
            translation = values[-1]
            out.append(
                f"<li><blockquote>{e(values[-2])}</blockquote>"
                + (
                    f'<blockquote class="translation">{e(translation)}</blockquote>'
                    if translation
                    else ""
                )
                + f'<p class="where">{e(values[2])} · {e(values[3])} · {e(values[5])}'
                + (f" · {e(values[6])}" if values[6] else "")
                + "</p></li>"
            )
        out.append("</ul>")
    return "".join(out)


def _cooccurrence(
    co: Cooccurrence,
    cb: Codebook,
    pairs: dict[tuple[str, str], tuple[tuple[Segment, Segment], ...]],
) -> str:
    counts = co.counts["overlap"]
    top = max(
        (counts[i][j] for i in range(len(co.codes)) for j in range(len(co.codes)) if i != j),
        default=0,
    )
    out = [
        '<p class="note">'
        + _t(
            _(
                "Overlapping codings of two codes (each count links to the pairs); "
                "the diagonal is each code's number of codings. Below: the c-coefficient "
                "n12 / (n1 + n2 − n12) and the same for codes sharing a sentence or a turn."
            )
        )
        + "</p>",
        f'<div class="scroll"><table><thead><tr><th>{e(_("code"))}</th>',
    ]
    out += [f'<th title="{e(c)}">{i + 1}</th>' for i, c in enumerate(co.codes)]
    out.append("</tr></thead><tbody>")
    for i, code in enumerate(co.codes):
        out.append(f'<tr><td class="code">{i + 1}. {e(code)}</td>')
        out += [_count_cell(co, pairs, i, j, value, top) for j, value in enumerate(counts[i])]
        out.append("</tr>")
    out.append("</tbody></table></div>")
    rows = _coefficient_rows(co)
    if rows:
        out.append(
            '<div class="scroll"><table><thead><tr>'
            + "".join(
                f"<th>{e(_(word))}</th>"
                for word in (
                    N_("code A"),
                    N_("code B"),
                    N_("overlap"),
                    "c",
                    N_("same sentence"),
                    "Jaccard",
                    N_("same turn"),
                    "Jaccard",
                    N_("B given A"),
                )
            )
            + "</tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></div>"
        )
    return "".join(out)


def _count_cell(
    co: Cooccurrence,
    pairs: dict[tuple[str, str], tuple[tuple[Segment, Segment], ...]],
    i: int,
    j: int,
    value: int,
    top: int,
) -> str:
    """One cell of the overlap matrix: shaded by count, linked to its pairs."""
    if i == j:
        return f'<td class="n" style="background:#f1f1f1">{value}</td>'
    shade = _shade(float(value), float(top))
    code = co.codes[i]
    a, b = (code, co.codes[j]) if i < j else (co.codes[j], code)
    if value and (a, b) in pairs:
        return f'<td class="n"{shade}><a class="count" href="#co-{co.codes.index(a)}-{co.codes.index(b)}">{value}</a></td>'
    return f'<td class="n"{shade}>{value}</td>'


def _coefficient_rows(co: Cooccurrence) -> list[str]:
    """A row per pair of codes that co-occur: counts and coefficients by unit."""
    rows = []
    for i, a in enumerate(co.codes):
        for j, b in enumerate(co.codes):
            if j <= i:
                continue
            cells = [co.counts[m][i][j] for m in ("overlap", "sentence", "turn")]
            if not any(cells):
                continue
            coef = [co.jaccard[m][i][j] for m in ("overlap", "sentence", "turn")]
            cond = co.conditional["overlap"][i][j]
            rows.append(
                f"<tr><td>{e(a)}</td><td>{e(b)}</td>"
                + "".join(
                    f'<td class="n">{n}</td><td class="n">{"" if c is None else f"{c:.2f}"}</td>'
                    for n, c in zip(cells, coef, strict=True)
                )
                + f'<td class="n">{"" if cond is None else f"{cond:.0%}"}</td></tr>'
            )
    return rows


def _pair_lists(
    co: Cooccurrence, pairs: dict[tuple[str, str], tuple[tuple[Segment, Segment], ...]]
) -> str:
    if not pairs:
        return ""
    out = [f"<h3>{e(_('Overlapping codings'))}</h3>"]
    for (a, b), items in pairs.items():
        out.append(
            f'<div class="cell" id="co-{co.codes.index(a)}-{co.codes.index(b)}"><h3>{e(a)} × {e(b)} '
            f'({len(items)})</h3><ol class="quotes">'
        )
        for x, y in items:
            out.append(
                f'<li class="quote"><div class="pair"><div><blockquote>{e(x.quote)}</blockquote>'
                f'<div class="where">{e(x.code)} · {e(_place(x))}</div></div><div><blockquote>'
                f'{e(y.quote)}</blockquote><div class="where">{e(y.code)} · {e(_place(y))}</div></div></div></li>'
            )
        out.append("</ol></div>")
    return "".join(out)


def write_html(data: ReportData, path: Path) -> int:
    """Write the report to ``path`` (atomically); returns the number of count links."""
    text, links = render(data)
    with atomic_text(path) as fh:
        fh.write(text)
    return links
