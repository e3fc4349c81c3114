"""The theme review and the dimension scorecard as sheets (the shape every exporter
renders: CSV the first sheet, Markdown, JSON and XLSX all of them).

Codes and themes appear by id and label, documents by name, passages by their words;
no offsets or guids but in the key-extract sheets' ``guid`` column (a details view:
the id ``theme extracts`` takes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qualcode.core.codebook import Codebook
from qualcode.core.matrices import Segment
from qualcode.core.tables import Cell, Sheet, Workbook
from qualcode.core.thematic import Review, Scorecard, ScoreCell, ThemeReview
from qualcode.core.themes import ThemeTree
from qualcode.i18n import _


def _code_label(codebook: Codebook, code_id: str, lang: str | None) -> str:
    code = codebook.get(code_id)
    return code.label_in(lang) if code is not None else code_id


def _codes(codebook: Codebook, ids: tuple[str, ...] | list[str], lang: str | None) -> str:
    return "; ".join(_code_label(codebook, c, lang) for c in ids)


def review_workbook(
    review: Review,
    codebook: Codebook,
    quotes: Mapping[str, Segment],
    *,
    lang: str | None = None,
) -> Workbook:
    """The review of every theme: themes, their codes, codes in no theme, key extracts."""
    who = _("cases") if review.use_cases else _("participant speakers")
    about: list[tuple[str, str]] = [("title", _("Theme review"))]
    if review.attribute:
        about.append((_("split by"), _("attribute {name}").format(name=review.attribute)))
    about.append((_("participants"), who))
    return Workbook(
        kind="theme-review",
        title=_("Theme review"),
        sheets=(
            _themes_sheet(review, codebook, lang),
            _theme_codes_sheet(review, codebook, lang),
            _no_theme_sheet(review, codebook, lang),
            _extracts_sheet(review, codebook, quotes, lang),
        ),
        about=tuple(about),
    )


def _themes_sheet(review: Review, codebook: Codebook, lang: str | None) -> Sheet:
    """One row per theme: its usage, its split by group, its codes and extracts."""
    groups = review.groups
    head: list[str] = [
        _("theme"),
        _("label"),
        _("parent"),
        _("status"),
        _("passages"),
        _("documents"),
        _("participants"),
        _("cases"),
    ]
    for g in groups:
        head += [
            _("{group}: passages").format(group=g),
            _("{group}: participants").format(group=g),
        ]
    head += [
        _("codes"),
        _("codes with no key extract"),
        _("codes shared with other themes"),
        _("co-occurring codes"),
        _("one participant only"),
        _("key extracts"),
    ]
    rows = [_theme_row(tr, groups, codebook, lang) for tr in review.themes]
    kinds = ["key", "text", "text", "text", "int", "int", "int", "int"]
    kinds += ["int", "int"] * len(groups)
    kinds += ["text", "text", "text", "text", "text", "int"]
    return Sheet(
        name="themes",
        title=_("Theme review"),
        columns=tuple(head),
        rows=tuple(rows),
        kinds=tuple(kinds),
        key_columns=2,
    )


def _theme_row(
    tr: ThemeReview, groups: Sequence[str], codebook: Codebook, lang: str | None
) -> tuple[Cell, ...]:
    t = tr.theme
    row: list[Cell] = [
        t.id,
        ("  " * tr.depth) + t.label_in(lang),
        t.parent or "",
        t.status + (f" ({t.reason})" if t.reason else ""),
        tr.usage.passages,
        tr.usage.documents,
        tr.usage.participants,
        tr.cases,
    ]
    for g in groups:
        u = tr.split.get(g)
        row += [u.passages if u else 0, u.participants if u else 0]
    row += [
        _codes(codebook, list(t.codes), lang),
        _codes(codebook, list(tr.codes_without_extract), lang),
        "; ".join(
            f"{_code_label(codebook, c, lang)} ({', '.join(others)})"
            for c, others in tr.shared_codes
        ),
        "; ".join(f"{_code_label(codebook, c, lang)} ({n})" for c, n in tr.cooccurring),
        _("yes") if tr.single_participant else "",
        len(t.extracts),
    ]
    return tuple(row)


def _theme_codes_sheet(review: Review, codebook: Codebook, lang: str | None) -> Sheet:
    """One row per code of each theme."""
    code_rows: list[tuple[Cell, ...]] = []
    for tr in review.themes:
        for c in tr.codes:
            code_rows.append(
                (
                    tr.theme.id,
                    c.code,
                    _code_label(codebook, c.code, lang),
                    c.usage.passages,
                    c.usage.documents,
                    c.usage.participants,
                    c.extracts,
                    ", ".join(c.other_themes),
                )
            )
    return Sheet(
        name="theme_codes",
        title=_("Codes of each theme"),
        columns=(
            _("theme"),
            _("code"),
            _("label"),
            _("passages"),
            _("documents"),
            _("participants"),
            _("key extracts"),
            _("other themes"),
        ),
        rows=tuple(code_rows),
        kinds=("key", "key", "text", "int", "int", "int", "int", "text"),
        key_columns=2,
    )


def _no_theme_sheet(review: Review, codebook: Codebook, lang: str | None) -> Sheet:
    return Sheet(
        name="no_theme",
        title=_("Codes in no theme"),
        columns=(_("code"), _("label"), _("passages"), _("documents"), _("participants")),
        rows=tuple(
            (c, _code_label(codebook, c, lang), u.passages, u.documents, u.participants)
            for c, u in review.no_theme
        ),
        kinds=("key", "text", "int", "int", "int"),
    )


def _extracts_sheet(
    review: Review, codebook: Codebook, quotes: Mapping[str, Segment], lang: str | None
) -> Sheet:
    """One row per key extract of each theme, in order (a deleted passage says so)."""
    extract_rows: list[tuple[Cell, ...]] = []
    for tr in review.themes:
        for i, e in enumerate(tr.theme.extracts, start=1):
            seg = quotes.get(e.coding)
            extract_rows.append(
                (
                    tr.theme.id,
                    i,
                    _code_label(codebook, seg.code, lang) if seg else "",
                    seg.doc if seg else "",
                    (seg.speaker or "") if seg else "",
                    seg.turn if seg else None,
                    seg.quote if seg else _("(the passage was deleted)"),
                    e.translation,
                    e.coding,
                )
            )
    return Sheet(
        name="key_extracts",
        title=_("Key extracts"),
        columns=(
            _("theme"),
            _("order"),
            _("code"),
            _("document"),
            _("speaker"),
            _("turn"),
            _("quote"),
            _("translation"),
            _("guid"),
        ),
        rows=tuple(extract_rows),
        kinds=("key", "int", "text", "text", "text", "int", "quote", "quote", "text"),
        key_columns=2,
    )


def _behind(codebook: Codebook, cell: ScoreCell, lang: str | None) -> str:
    return "; ".join(f"{_code_label(codebook, c, lang)} ({n})" for c, n in cell.codes)


def scorecard_workbook(
    card: Scorecard,
    codebook: Codebook,
    tree: ThemeTree,
    quotes: Mapping[str, Segment],
    valences: Mapping[str, str | None],
    *,
    lang: str | None = None,
) -> Workbook:
    """The dimension scorecard: one row per dimension and group, and its key extracts."""
    from qualcode.core.thematic import valence_of

    rows: list[tuple[Cell, ...]] = []
    for r in card.rows:
        rows.append(
            (
                r.dimension,
                _code_label(codebook, r.dimension, lang),
                r.group,
                r.negative.usage.passages,
                r.negative.usage.documents,
                r.negative.usage.participants,
                r.positive.usage.passages,
                r.positive.usage.documents,
                r.positive.usage.participants,
                r.mixed.usage.passages,
                r.neutral.usage.passages,
                r.unrated.usage.passages,
                _behind(codebook, r.negative, lang),
                _behind(codebook, r.positive, lang),
                len(r.extracts),
            )
        )
    main = Sheet(
        name="scorecard",
        title=_("Dimension scorecard"),
        columns=(
            _("dimension"),
            _("label"),
            _("group"),
            _("negative passages"),
            _("negative documents"),
            _("negative participants"),
            _("positive passages"),
            _("positive documents"),
            _("positive participants"),
            _("mixed passages"),
            _("neutral passages"),
            _("passages without valence"),
            _("negative sub-codes"),
            _("positive sub-codes"),
            _("key extracts"),
        ),
        rows=tuple(rows),
        kinds=("key", "text", "key", *(["int"] * 9), "text", "text", "int"),
        key_columns=3,
    )
    translations = {e.coding: e.translation for t in tree.themes for e in t.extracts}
    themes_of: dict[str, list[str]] = {}
    for t in tree.themes:
        for e in t.extracts:
            themes_of.setdefault(e.coding, []).append(t.id)
    extract_rows: list[tuple[Cell, ...]] = []
    for r in card.rows:
        for guid in r.extracts:
            seg = quotes.get(guid)
            if seg is None:
                continue
            extract_rows.append(
                (
                    r.dimension,
                    r.group,
                    valence_of(codebook, seg.code, valences) or "",
                    _code_label(codebook, seg.code, lang),
                    ", ".join(themes_of.get(guid, ())),
                    seg.doc,
                    seg.speaker or "",
                    seg.quote,
                    translations.get(guid, ""),
                )
            )
    extracts = Sheet(
        name="scorecard_extracts",
        title=_("Key extracts by dimension"),
        columns=(
            _("dimension"),
            _("group"),
            _("valence"),
            _("code"),
            _("themes"),
            _("document"),
            _("speaker"),
            _("quote"),
            _("translation"),
        ),
        rows=tuple(extract_rows),
        kinds=("key", "key", "text", "text", "text", "text", "text", "quote", "quote"),
        key_columns=2,
    )
    about: list[tuple[str, str]] = [("title", _("Dimension scorecard"))]
    if card.attribute:
        about.append((_("groups"), _("attribute {name}").format(name=card.attribute)))
    about.append((_("participants"), _("cases") if card.use_cases else _("participant speakers")))
    return Workbook(
        kind="scorecard",
        title=_("Dimension scorecard"),
        sheets=(main, extracts),
        about=tuple(about),
    )
