"""``qualcode findings``: the first draft of the findings chapter, from the project.

Reads the themes (or the dimensions), their usage and key extracts, the memos, the
dimension scorecard, the codebook and the thematic map, builds the chapter
(:func:`qualcode.core.findings.build_chapter`), replaces real names with their
pseudonyms in every word of it (document properties and the map included), and
writes it as .docx, .odt, .md or .html by the output's suffix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.filters import Filters
from qualcode.core.findings import BY, LANGS, Chapter, FindingsInput, build_chapter, timestamp
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.pseudonyms import Pseudonymizer
    from qualcode.store import Project

FORMATS = {".docx": "docx", ".odt": "odt", ".md": "md", ".html": "html", ".htm": "html"}
"""Output suffix -> format."""

GROUP_ATTRIBUTES = (
    "informant_group",
    "group",
    "kelompok_informan",
    "kelompok",
    "informant",
    "informan",
    "role",
    "peran",
)
"""Case attributes taken as the informant group, first found first (case-insensitive)."""


@dataclass(frozen=True)
class FindingsResult:
    """What ``findings`` wrote.

    Attributes:
        path: the chapter.
        files: every file written (the chapter, and for .md the map beside it).
        lang: the chapter's language.
        attribute: the case attribute taken as the informant groups (a guess, said
            to the user), or ``None``.
        quotes: how many key extracts it quotes.
        figure: whether the thematic map is in it.
        chapter: the chapter itself (pseudonymised).
    """

    path: Path
    files: tuple[Path, ...]
    lang: str
    attribute: str | None
    quotes: int
    figure: bool
    chapter: Chapter


def output_format(path: Path) -> str:
    """The format of ``path`` by its suffix.

    Raises:
        InputError: a suffix ``findings`` does not write.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            _("cannot write a findings chapter as {suffix!r}").format(
                suffix=path.suffix or path.name
            ),
            path=path,
            hint=_("name the output FILE.docx, FILE.odt, FILE.md or FILE.html"),
        )
    return fmt


def interface_language() -> str:
    """The interface language (``QUALCODE_UI_LANG``, else the locale), ``en`` or ``id``."""
    from qualcode import i18n

    chosen = getattr(i18n, "language", None)
    if callable(chosen):
        value = chosen()
        if value in LANGS:
            return str(value)
    for var in ("QUALCODE_UI_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "id" if value.strip().lower()[:2] in ("id", "in") else "en"
    return "en"


def group_attribute(names: list[str]) -> str | None:
    """The case attribute that holds the informant group, if the project has one."""
    by_fold = {n.casefold(): n for n in names}
    for wanted in GROUP_ATTRIBUTES:
        if wanted in by_fold:
            return by_fold[wanted]
    return None


def _times(project: Project, segments: list[object]) -> dict[str, str]:
    """Coding guid -> the time of its turn, for the given codings in timed transcripts."""
    from qualcode.core.matrices import Segment

    out: dict[str, str] = {}
    docs: dict[str, dict[int, int]] = {}
    for seg in segments:
        assert isinstance(seg, Segment)
        if seg.turn is None:
            continue
        if seg.doc not in docs:
            document = project.documents.document(seg.doc)
            docs[seg.doc] = {
                n: t.timestamp_ms
                for n, t in enumerate(document.turns, start=1)
                if t.timestamp_ms is not None
            }
        ms = docs[seg.doc].get(seg.turn)
        if ms is not None:
            out[seg.guid] = timestamp(ms)
    return out


def map_svg(project: Project, *, lang: str | None = None) -> str:
    """The thematic map as SVG for the chapter's figure (labels in ``lang``; "" when the
    project has no theme to draw). Names are replaced with the rest of the chapter."""
    from qualcode.services.thematic_map import render_map_svg

    if not any(t.status != "discarded" for t in project.themes.themes().themes):
        return ""
    from qualcode.core.findings import Words

    return render_map_svg(project, lang=lang, title=Words(lang or "en")("Thematic map"))


def findings_input(
    project: Project, *, memos: bool = False, label_lang: str | None = None
) -> FindingsInput:
    """Everything the chapter is written from, read from the project."""
    from qualcode.clock import now
    from qualcode.services.themes import dimension_scorecard, review

    segments = project.matrices.segments(Filters())
    attribute = group_attribute(sorted(project.matrices.attribute_names()))
    by = f"attribute:{attribute}" if attribute else None
    tree = project.themes.themes()
    extract_guids = {e.coding for t in tree.themes for e in t.extracts}
    notes: dict[str, list[tuple[str, str]]] = {}
    if memos:
        for memo in project.memos.memos("theme"):
            if memo.target:
                notes.setdefault(memo.target, []).append((memo.title, memo.text))
    return FindingsInput(
        codebook=project.codebook(),
        tree=tree,
        segments=segments,
        review=review(project, by=by),
        scorecard=dimension_scorecard(project, by=by),
        valences=project.themes.code_valences(),
        use_cases=project.themes.has_cases(),
        attribute=attribute,
        memos=notes,
        times=_times(project, [s for s in segments if s.guid in extract_guids]),
        created=now(),
        author=project.coder,
        label_lang=label_lang,
    )


def write_findings(
    project: Project,
    output: Path,
    *,
    lang: str | None = None,
    by: str = "themes",
    memos: bool = False,
    names: Pseudonymizer | None = None,
) -> FindingsResult:
    """Write the findings chapter to ``output`` (format by its suffix).

    Args:
        project: the project.
        output: FILE.docx, FILE.odt, FILE.md or FILE.html.
        lang: ``en`` or ``id`` (default: the interface language).
        by: ``themes`` or ``dimensions``.
        memos: include the themes' memos.
        names: the pseudonyms (every real name replaced everywhere in the file).

    Raises:
        InputError: an unknown suffix, language or ``by``; a folder that does not exist.
    """
    from qualcode.core.pseudonyms import Pseudonymizer
    from qualcode.exporters import findings as render

    fmt = output_format(output)
    chosen = (lang or interface_language()).strip().lower()
    if chosen not in LANGS:
        raise InputError(
            _("cannot write a chapter in {lang!r}").format(lang=lang),
            hint=_("use --lang id or --lang en"),
        )
    if by not in BY:
        raise InputError(
            _("cannot organise the chapter by {by!r}").format(by=by),
            hint=_("use --by themes or --by dimensions"),
        )
    if not output.parent.is_dir():
        raise InputError(
            _("the folder {folder} does not exist").format(folder=output.parent),
            path=output,
            hint=_("create it first, or write the chapter elsewhere"),
        )
    names = names or Pseudonymizer({})
    data = findings_input(project, memos=memos, label_lang=chosen)
    svg = map_svg(project, lang=chosen)
    if svg:
        from dataclasses import replace

        data = replace(data, map_svg=svg)
    chapter = names.apply(build_chapter(data, lang=chosen, by=by, memos=memos))
    files = render.write(chapter, output, fmt)
    return FindingsResult(
        path=output,
        files=tuple(files),
        lang=chosen,
        attribute=data.attribute,
        quotes=len(chapter.quotes()),
        figure=bool(svg),
        chapter=chapter,
    )


__all__ = [
    "FORMATS",
    "GROUP_ATTRIBUTES",
    "FindingsResult",
    "findings_input",
    "group_attribute",
    "interface_language",
    "map_svg",
    "output_format",
    "write_findings",
]
