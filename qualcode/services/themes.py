"""Theme use cases the CLI and the workbench share.

Reading: themes and codes with their usage (passages, documents, participants),
codes in no theme, the passages of a code or a theme, relations of a node, the
review of every theme and the dimension scorecard. Writing goes through the
:class:`~qualcode.store.Project` methods (one action each); the few that take a
front end's words (a new theme from marked codes) are wrapped here too, so the CLI
and the workbench call the same thing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.codebook import Codebook, Label
from qualcode.core.filters import Filters
from qualcode.core.matrices import Segment
from qualcode.core.tables import Workbook
from qualcode.core.thematic import (
    Review,
    Scorecard,
    Usage,
    by_code,
    code_usage,
    codes_in_no_theme,
    review_themes,
    scorecard,
    theme_segments,
    theme_usage,
)
from qualcode.core.themes import Node, Relation, Theme, ThemeTree, resolve_theme
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project


@dataclass(frozen=True)
class CodeLine:
    """A code as the themes screen lists it.

    Attributes:
        id: the code id.
        label: its label in the chosen language.
        depth: 0 for a dimension, 1 for its sub-codes, ...
        usage: its own passages, documents, participants.
        themes: ids of the themes it is a member of.
        valence: its valence, or ``None``.
    """

    id: str
    label: str
    depth: int
    usage: Usage
    themes: tuple[str, ...]
    valence: str | None


@dataclass(frozen=True)
class ThemeLine:
    """A theme as the themes screen lists it.

    Attributes:
        theme: the theme.
        label: its label in the chosen language.
        depth: 0 for a top-level theme, 1 for a sub-theme, ...
        usage: passages, documents, participants (sub-themes included).
    """

    theme: Theme
    label: str
    depth: int
    usage: Usage


@dataclass(frozen=True)
class Overview:
    """Everything the themes screen shows at once.

    Attributes:
        themes: every theme in tree order.
        codes: every code in codebook order.
        no_theme: ids of the codes in no theme (discarded themes do not count).
        use_cases: whether participants are cases (else participant speakers).
    """

    themes: tuple[ThemeLine, ...]
    codes: tuple[CodeLine, ...]
    no_theme: tuple[str, ...]
    use_cases: bool


def _segments(project: Project) -> list[Segment]:
    return project.matrices.segments(Filters())


def overview(project: Project, *, lang: str | None = None) -> Overview:
    """Themes and codes with their usage, and the codes in no theme."""
    codebook = project.codebook()
    tree = project.themes.themes()
    segments = _segments(project)
    use_cases = project.themes.has_cases()
    valences = project.themes.code_valences()
    codes = code_usage(codebook, segments, use_cases)
    themes = theme_usage(tree, segments, use_cases)
    member_of: dict[str, list[str]] = {}
    for t in tree.themes:
        for c in t.codes:
            member_of.setdefault(c, []).append(t.id)
    return Overview(
        themes=tuple(
            ThemeLine(
                theme=t,
                label=t.label_in(lang),
                depth=tree.depth(t.id),
                usage=themes[t.id],
            )
            for t in tree.themes
        ),
        codes=tuple(
            CodeLine(
                id=c.id,
                label=c.label_in(lang),
                depth=codebook.depth(c.id),
                usage=codes[c.id],
                themes=tuple(member_of.get(c.id, ())),
                valence=valences.get(c.id),
            )
            for c in codebook.codes
        ),
        no_theme=tuple(codes_in_no_theme(codebook, tree)),
        use_cases=use_cases,
    )


def code_participants(project: Project) -> dict[str, int]:
    """Participants per code id (every code; the numbers :func:`overview` gives),
    without counting the themes: what the themes screen's code list shows."""
    codebook = project.codebook()
    usage = code_usage(codebook, _segments(project), project.themes.has_cases())
    return {code_id: u.participants for code_id, u in usage.items()}


def filter_codes(lines: Sequence[CodeLine], query: str) -> list[CodeLine]:
    """The codes whose id or label holds every word of ``query`` (case-insensitive),
    as the themes screen filters while one types."""
    words = query.casefold().split()
    return [
        line
        for line in lines
        if all(w in line.id.casefold() or w in line.label.casefold() for w in words)
    ]


def no_theme(project: Project) -> list[str]:
    """Ids of the codes in no theme, in codebook order."""
    return codes_in_no_theme(project.codebook(), project.themes.themes())


def theme_passages(project: Project, theme: str) -> list[Segment]:
    """The passages of a theme (its codes' and its sub-themes' codes' codings), in
    document and text order: the retrieval view beside a highlighted theme."""
    tree = project.themes.themes()
    found = resolve_theme(tree, theme)
    return theme_segments(tree, found.id, by_code(_segments(project)))


def code_passages(project: Project, code: str) -> list[Segment]:
    """The passages of one code (its own codings), in document and text order."""
    from qualcode.core.themes import resolve_code

    code_id = resolve_code(project.codebook(), code)
    return [s for s in _segments(project) if s.code == code_id]


def new_theme(
    project: Project,
    label: Label,
    codes: Sequence[str] = (),
    *,
    parent: str | None = None,
    theme_id: str | None = None,
    definition: str = "",
) -> Theme:
    """A new theme (or a sub-theme of ``parent``) holding the marked codes: one action."""
    return project.themes.add_theme(
        label, theme_id=theme_id, parent=parent, codes=codes, definition=definition
    )


def add_codes(project: Project, theme: str, codes: Sequence[str]) -> list[str]:
    """Put the marked codes into a theme: one action. Returns the ids added."""
    return project.themes.add_theme_codes(theme, codes)


def mark_extract(
    project: Project, theme: str, coding: str, *, translation: str | None = None
) -> list[str]:
    """Make a passage (a coding's guid) a key extract of a theme: one action."""
    return project.themes.add_extracts(theme, [coding], translation=translation)


@dataclass(frozen=True)
class Neighbour:
    """A relation seen from one of its ends.

    Attributes:
        relation: the relation.
        other: the node at its other end.
        outgoing: whether the relation starts at the node looked from (always
            ``True`` for an undirected relation seen from its source).
    """

    relation: Relation
    other: Node
    outgoing: bool


def follow(project: Project, node: str | Node) -> list[Neighbour]:
    """The relations of a code, theme, passage or document, each with its other end."""
    here = node if isinstance(node, Node) else project.themes.resolve_node(node)
    out: list[Neighbour] = []
    for r in project.themes.relations_of(here):
        if (r.source.kind, r.source.guid) == (here.kind, here.guid):
            out.append(Neighbour(r, r.target, True))
        else:
            out.append(Neighbour(r, r.source, False))
    return out


def parse_by(by: str | None) -> str | None:
    """The attribute of ``--by attribute:NAME`` (``None`` for no split).

    Raises:
        InputError: anything else.
    """
    if by is None or not by.strip():
        return None
    kind, sep, name = by.partition(":")
    if kind.strip() != "attribute" or not sep or not name.strip():
        raise InputError(
            _("cannot split by {by!r}").format(by=by),
            hint=_("use --by attribute:NAME (a case attribute such as occupation)"),
        )
    return name.strip()


def _check_attribute(project: Project, attribute: str | None) -> None:
    if attribute is None:
        return
    names = project.matrices.attribute_names()
    if attribute not in names:
        raise InputError(
            _("no case attribute named {name!r}").format(name=attribute),
            hint=(
                _("the project's attributes: {names}").format(names=", ".join(sorted(names)))
                if names
                else _("the project has no case attributes: 'qualcode cases import' adds them")
            ),
        )


def review(project: Project, *, by: str | None = None) -> Review:
    """The review of every theme (``by``: ``attribute:NAME`` splits by informant group)."""
    attribute = parse_by(by)
    _check_attribute(project, attribute)
    return review_themes(
        project.codebook(),
        project.themes.themes(),
        _segments(project),
        use_cases=project.themes.has_cases(),
        attribute=attribute,
    )


def dimension_scorecard(project: Project, *, by: str | None = None) -> Scorecard:
    """Negative against positive passages per dimension (and informant group)."""
    attribute = parse_by(by)
    _check_attribute(project, attribute)
    return scorecard(
        project.codebook(),
        project.themes.code_valences(),
        project.themes.themes(),
        _segments(project),
        use_cases=project.themes.has_cases(),
        attribute=attribute,
    )


def quotes(project: Project) -> dict[str, Segment]:
    """Every accepted coding by guid (to show key extracts with their words and place)."""
    return {s.guid: s for s in _segments(project)}


def _lang(project: Project, lang: str | None) -> str | None:
    if lang:
        return lang
    languages = project.codebook().languages
    return languages[0] if languages else None


def review_book(project: Project, *, by: str | None = None, lang: str | None = None) -> Workbook:
    """The theme review as sheets (for every export format)."""
    from qualcode.core.theme_tables import review_workbook

    result = review(project, by=by)
    return review_workbook(result, project.codebook(), quotes(project), lang=_lang(project, lang))


def scorecard_book(project: Project, *, by: str | None = None, lang: str | None = None) -> Workbook:
    """The dimension scorecard as sheets (for every export format)."""
    from qualcode.core.theme_tables import scorecard_workbook

    card = dimension_scorecard(project, by=by)
    return scorecard_workbook(
        card,
        project.codebook(),
        project.themes.themes(),
        quotes(project),
        project.themes.code_valences(),
        lang=_lang(project, lang),
    )


TABLE_FORMATS = ("md", "csv", "xlsx", "json")
"""The formats of ``theme review`` and ``scorecard``."""


def write_book(book: Workbook, fmt: str, output: Path | None) -> str | None:
    """Write ``book`` to ``output`` in ``fmt``; without ``output``, return the text
    (md, csv, json) for stdout.

    Raises:
        InputError: an unknown format, or xlsx without ``-o FILE``.
    """
    from qualcode.exporters import sheets as render

    if fmt not in TABLE_FORMATS:
        raise InputError(
            _("unknown format {fmt!r}").format(fmt=fmt),
            hint=_("use one of: {formats}").format(formats=", ".join(TABLE_FORMATS)),
        )
    if output is None:
        if fmt == "xlsx":
            raise InputError(
                _("an xlsx file is written to a file, not the terminal"),
                hint=_("add -o FILE.xlsx"),
            )
        if fmt == "md":
            return render.to_markdown(book)
        if fmt == "json":
            return json.dumps(render.to_json_data(book), ensure_ascii=False, indent=2) + "\n"
        from qualcode.exporters.csvsafe import safe_rows

        buffer = io.StringIO()
        sheet = book.sheets[0]
        csv.writer(buffer, lineterminator="\n").writerows(
            safe_rows(
                [sheet.columns, *(["" if v is None else v for v in row] for row in sheet.rows)]
            )
        )
        return buffer.getvalue()
    from qualcode.services.reports import write_workbook

    write_workbook(book, output, fmt)
    return None


__all__ = [
    "CodeLine",
    "Codebook",
    "Neighbour",
    "Overview",
    "ThemeLine",
    "ThemeTree",
    "add_codes",
    "code_passages",
    "dimension_scorecard",
    "filter_codes",
    "follow",
    "mark_extract",
    "new_theme",
    "no_theme",
    "overview",
    "parse_by",
    "quotes",
    "review",
    "review_book",
    "scorecard_book",
    "theme_passages",
    "write_book",
]
