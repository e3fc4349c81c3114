"""The thematic map use cases the CLI, the workbench, the HTML report and the findings
draft share.

``render_map_svg(project_or_data, themes=None)`` is the one call a writer of a report
needs: it takes an open :class:`~qualcode.store.Project` (or an already built
:class:`~qualcode.core.thematic_map.MapData` or
:class:`~qualcode.core.thematic_map.Layout`) and returns the self-contained SVG.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.thematic_map import Layout, MapData, build_map, layout, relation_words
from qualcode.core.themes import Relation, ThemeTree, resolve_theme
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project

MAP_FORMATS = {".svg": "svg", ".dot": "dot", ".gv": "dot", ".graphml": "graphml"}
"""File suffixes ``qualcode map -o`` writes."""

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")


def parse_at(text: str) -> str:
    """``--at DATE``: an ISO date (the end of that day, UTC) or date and time (with a
    zone, or UTC when none is given), as the action log writes times
    (``YYYY-MM-DDTHH:MM:SSZ``).

    Raises:
        InputError: anything else.
    """
    raw = text.strip()
    try:
        if _DATE_RE.match(raw):
            when = datetime.combine(date.fromisoformat(raw), time(23, 59, 59), tzinfo=UTC)
        else:
            when = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T", 1))
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
    except ValueError:
        raise InputError(
            _("cannot read the date {text!r}").format(text=text),
            hint=_("write it as 2024-05-31 or 2024-05-31T14:30 (UTC unless a zone is given)"),
        ) from None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resolve_themes(tree: ThemeTree, names: Sequence[str] | None) -> list[str] | None:
    if names is None:
        return None
    wanted = [n.strip() for n in names if n.strip()]
    if not wanted:
        raise InputError(_("--themes names no theme"), hint=_("give theme ids or labels: T1,T2"))
    return [resolve_theme(tree, n).id for n in wanted]


@dataclass(frozen=True)
class MapState:
    """What a map was built from.

    Attributes:
        data: the graph.
        at: the time it shows (``None``: now).
        actions: logged actions replayed (``--at`` only).
        unlogged: rows dated by their creation time, not by the log (``--at`` only).
    """

    data: MapData
    at: str | None = None
    actions: int = 0
    unlogged: int = 0


def map_state(
    project: Project,
    *,
    themes: Sequence[str] | None = None,
    at: str | None = None,
    lang: str | None = None,
    title: str | None = None,
) -> MapState:
    """The map's graph now, or as it stood at ``at`` (see :func:`parse_at`).

    Args:
        project: the project.
        themes: limit to these themes (ids or labels) and their sub-themes.
        at: a time; the themes and relations are rebuilt from the action log.
        lang: the label language.
        title: the title (default: "Thematic map", with the time for ``at``).

    Raises:
        InputError: an unknown theme, a bad time.
    """
    codebook = project.codebook()
    actions = unlogged = 0
    stamp: str | None = None
    relations: Sequence[Relation]
    if at is not None:
        stamp = parse_at(at)
        past = project.map.map_at(stamp)
        tree, relations, positions = past.tree, past.relations, past.positions
        actions, unlogged = past.actions, past.unlogged
    else:
        tree, relations, positions = (
            project.themes.themes(),
            project.themes.relations(),
            project.map.map_positions(),
        )
    wanted = _resolve_themes(tree, themes)
    by_code = project.map.codings_by_code(until=stamp)
    passages = {code: len(guids) for code, guids in by_code.items()}
    theme_passages: dict[str, int] = {}
    for t in tree.themes:
        ids = [t.id, *tree.descendants(t.id)]
        seen: set[str] = set()
        for tid in ids:
            sub = tree.get(tid)
            for code in sub.codes if sub is not None else ():
                seen.update(by_code.get(code, ()))
        theme_passages[t.id] = len(seen)
    if title is None:
        title = _("Thematic map")
        if stamp is not None:
            title = _("Thematic map as it stood at {time}").format(time=stamp)
    guids = project.map.code_guids()
    data = build_map(
        codebook,
        tree,
        relations,
        passages,
        theme_passages,
        lang=lang,
        themes=wanted,
        positions=positions,
        title=title,
        code_guids=guids,
    )
    words = {t.id: t.label_in(lang) for t in project.themes.relation_types()}
    return MapState(relation_words(data, words), stamp, actions, unlogged)


def map_layout(
    project: Project,
    *,
    themes: Sequence[str] | None = None,
    at: str | None = None,
    lang: str | None = None,
) -> Layout:
    """The laid-out map (see :func:`map_state`)."""
    return layout(map_state(project, themes=themes, at=at, lang=lang).data)


def render_map_svg(
    project_or_data: Project | MapData | Layout,
    themes: Sequence[str] | None = None,
    *,
    lang: str | None = None,
    at: str | None = None,
    title: str | None = None,
) -> str:
    """The thematic map as a self-contained SVG (text as ``<text>``, a viewBox, a title).

    Args:
        project_or_data: an open project, a built map or a laid-out one.
        themes: limit a project's map to these themes (ids or labels).
        lang: the label language (a project's map only).
        at: the map as it stood then (a project's map only).
        title: the title shown on top and in ``<title>``.
    """
    from qualcode.exporters.thematic_map import render_svg

    if isinstance(project_or_data, Layout):
        laid = project_or_data
    elif isinstance(project_or_data, MapData):
        laid = layout(project_or_data)
    else:
        laid = layout(map_state(project_or_data, themes=themes, at=at, lang=lang, title=title).data)
    return render_svg(laid, title=title)


def render_map(laid: Layout, fmt: str) -> str:
    """The map as ``svg``, ``dot`` or ``graphml`` text."""
    from qualcode.exporters.thematic_map import render_dot, render_graphml, render_svg

    if fmt == "svg":
        return render_svg(laid)
    if fmt == "dot":
        return render_dot(laid)
    return render_graphml(laid)


def map_format(path: Path) -> str:
    """The format a file name asks for.

    Raises:
        InputError: a suffix other than .svg, .dot (.gv) or .graphml.
    """
    fmt = MAP_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            _("cannot write a map as {name!r}").format(name=path.name),
            hint=_("name the file .svg, .dot or .graphml"),
        )
    return fmt


def write_map(
    project: Project,
    path: Path,
    *,
    themes: Sequence[str] | None = None,
    at: str | None = None,
    lang: str | None = None,
) -> tuple[MapState, Layout]:
    """Write the map to ``path`` (.svg, .dot or .graphml), whole or not at all.

    Raises:
        InputError: a bad suffix or folder, an unknown theme, a bad time.
    """
    from qualcode.exporters.base import atomic_text

    fmt = map_format(path)
    state = map_state(project, themes=themes, at=at, lang=lang)
    laid = layout(state.data)
    text = render_map(laid, fmt)
    with atomic_text(path) as fh:
        fh.write(text)
    return state, laid


__all__ = [
    "MAP_FORMATS",
    "MapState",
    "map_format",
    "map_layout",
    "map_state",
    "parse_at",
    "render_map",
    "render_map_svg",
    "write_map",
]
