"""What the workbench's themes screen reads: per code its participants, and the
figures that review one theme (issue 19 points 2 and 4), from the same segments the
matrices use.

"Participants" are the distinct cases where the project has cases, else the distinct
speakers with the participant role (per document).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qualcode.core.matrices import Segment

if TYPE_CHECKING:
    from qualcode.core.themes import Theme, ThemeTree
    from qualcode.store import Project


def _people(s: Segment, by_case: bool) -> tuple[str, ...]:
    if by_case:
        return tuple(s.cases)
    if s.role == "participant" and s.speaker:
        return (f"{s.doc}\x00{s.speaker}",)
    return ()


def has_cases(segments: Iterable[Segment]) -> bool:
    """Whether participants are counted as cases (some coding belongs to a case)."""
    return any(s.cases for s in segments)


def participants_per_code(project: Project) -> dict[str, int]:
    """Code id -> its distinct participants (accepted codings)."""
    segments = project.segments()
    by_case = has_cases(segments)
    seen: dict[str, set[str]] = defaultdict(set)
    for s in segments:
        seen[s.code].update(_people(s, by_case))
    return {code: len(people) for code, people in seen.items()}


@dataclass(frozen=True)
class ThemeReview:
    """The figures that review one theme.

    Attributes:
        theme: the theme's id.
        codes: its member codes (with those of its sub-themes).
        passages: distinct codings of those codes.
        documents: distinct documents they are in.
        participants: distinct participants (cases, or participant speakers).
        cases: distinct cases.
        by: the attribute the split is by (empty: none).
        split: attribute value -> (passages, documents, participants).
        per_code: code -> (passages, participants).
        no_extract: member codes with none of their passages a key extract.
        one_participant: member codes carried by one participant only; ``True`` in
            ``single`` when the whole theme is.
        single: the whole theme rests on one participant.
        shared: member code -> the other themes it also serves.
        cooccurring: other codes whose codings overlap the theme's passages, with how
            many of its passages they overlap, most first.
        in_no_theme: codes of the codebook in no theme at all.
    """

    theme: str
    codes: tuple[str, ...]
    passages: int
    documents: int
    participants: int
    cases: int
    by: str = ""
    split: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    per_code: dict[str, tuple[int, int]] = field(default_factory=dict)
    no_extract: tuple[str, ...] = ()
    one_participant: tuple[str, ...] = ()
    single: bool = False
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cooccurring: tuple[tuple[str, int], ...] = ()
    in_no_theme: tuple[str, ...] = ()


def review_theme(
    segments: Sequence[Segment],
    tree: ThemeTree,
    theme_id: str,
    all_codes: Sequence[str],
    *,
    by: str = "",
) -> ThemeReview:
    """Review ``theme_id`` over ``segments`` (every accepted coding).

    Args:
        segments: the project's segments.
        tree: every theme.
        theme_id: the theme reviewed (its sub-themes' codes count with it).
        all_codes: every code id of the codebook, in order.
        by: a case attribute to split by (empty: no split).
    """
    theme = tree.get(theme_id)
    assert theme is not None
    family: list[Theme] = [theme, *(t for t in (tree.get(i) for i in tree.descendants(theme_id)) if t)]
    codes = tuple(dict.fromkeys(c for t in family for c in t.codes))
    wanted = set(codes)
    extracts = {e.coding for t in family for e in t.extracts}
    by_case = has_cases(segments)
    mine = [s for s in segments if s.code in wanted]
    guids = {s.guid for s in mine}
    people: set[str] = set()
    cases: set[str] = set()
    code_people: dict[str, set[str]] = defaultdict(set)
    code_passages: Counter[str] = Counter()
    code_extract: set[str] = set()
    split_sets: dict[str, tuple[set[str], set[str], set[str]]] = {}
    for s in mine:
        who = _people(s, by_case)
        people.update(who)
        cases.update(s.cases)
        code_people[s.code].update(who)
        code_passages[s.code] += 1
        if s.guid in extracts:
            code_extract.add(s.code)
        if by:
            value = s.attributes.get(by) or "(none)"
            bucket = split_sets.setdefault(value, (set(), set(), set()))
            bucket[0].add(s.guid)
            bucket[1].add(s.doc)
            bucket[2].update(who)
    # co-occurring codings: other codes overlapping one of the theme's passages
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for s in mine:
        spans[s.doc].append((s.start, s.end, s.guid))
    overlap: dict[str, set[str]] = defaultdict(set)
    for s in segments:
        if s.code in wanted or s.doc not in spans:
            continue
        for start, end, guid in spans[s.doc]:
            if s.start < end and start < s.end:
                overlap[s.code].add(guid)
    used = {c for t in tree for c in t.codes}
    return ThemeReview(
        theme=theme_id,
        codes=codes,
        passages=len(guids),
        documents=len({s.doc for s in mine}),
        participants=len(people),
        cases=len(cases),
        by=by,
        split={
            value: (len(a), len(b), len(c)) for value, (a, b, c) in sorted(split_sets.items())
        },
        per_code={c: (code_passages[c], len(code_people[c])) for c in codes},
        no_extract=tuple(c for c in codes if c not in code_extract),
        one_participant=tuple(c for c in codes if len(code_people[c]) == 1),
        single=len(people) == 1,
        shared={
            c: tuple(t.id for t in tree.themes_of(c) if t.id not in {f.id for f in family})
            for c in codes
            if any(t.id not in {f.id for f in family} for t in tree.themes_of(c))
        },
        cooccurring=tuple(
            sorted(((c, len(g)) for c, g in overlap.items()), key=lambda x: (-x[1], x[0]))
        ),
        in_no_theme=tuple(c for c in all_codes if c not in used),
    )


def theme_review(project: Project, theme_id: str, *, by: str = "") -> ThemeReview:
    """:func:`review_theme` over the project's codings, themes and codebook."""
    return review_theme(
        project.segments(),
        project.themes(),
        theme_id,
        [c.id for c in project.codebook()],
        by=by,
    )
