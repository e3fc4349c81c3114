"""Counting for themes: usage of codes and themes, theme review, the dimension scorecard.

Pure functions over :class:`~qualcode.core.matrices.Segment` lists (one per accepted
coding, with its document, speaker, role, cases and case attributes), the codebook
and the themes, so the numbers are the same in the CLI, the workbench, every export
format and the HTML report.

"Participants" everywhere means distinct cases when the project has cases, else
distinct speakers (per document) whose turn has the participant role.

A theme's passages are the codings of its member codes and of the member codes of
its sub-themes (a coding counted once); a code's passages are its own codings (not
its sub-codes'). The scorecard rolls sub-codes up to their dimension (the top-level
code) and weighs a passage by its code's ``valence`` (the code's own, else that of
the nearest ancestor that has one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.core.codebook import Codebook
from qualcode.core.matrices import Segment
from qualcode.core.themes import Theme, ThemeTree

NO_VALUE = "(none)"
"""The group of passages whose cases have no value for the split attribute."""


@dataclass(frozen=True)
class Usage:
    """How much of the data stands behind a code or a theme.

    Attributes:
        passages: codings.
        documents: distinct documents.
        participants: distinct participants (cases, or participant speakers).
    """

    passages: int = 0
    documents: int = 0
    participants: int = 0


def participants_of(segment: Segment, use_cases: bool) -> tuple[str, ...]:
    """Who a coding counts for: its cases (when the project has cases), else its
    speaker in its document when the turn has the participant role."""
    if use_cases:
        return tuple(f"case:{c}" for c in segment.cases)
    if segment.speaker and segment.role and "participant" in segment.role:
        return (f"{segment.doc}\x00{segment.speaker}",)
    return ()


def usage(segments: Iterable[Segment], use_cases: bool) -> Usage:
    """Passages, documents and participants of some codings (each coding once)."""
    seen: set[str] = set()
    docs: set[str] = set()
    people: set[str] = set()
    for s in segments:
        if s.guid in seen:
            continue
        seen.add(s.guid)
        docs.add(s.doc)
        people.update(participants_of(s, use_cases))
    return Usage(len(seen), len(docs), len(people))


def by_code(segments: Iterable[Segment]) -> dict[str, list[Segment]]:
    """Codings grouped by their own code id."""
    out: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
        out[s.code].append(s)
    return out


def code_usage(
    codebook: Codebook, segments: Sequence[Segment], use_cases: bool
) -> dict[str, Usage]:
    """Every code's own usage (a code with no codings: zeros), in codebook order."""
    groups = by_code(segments)
    return {c.id: usage(groups.get(c.id, ()), use_cases) for c in codebook.codes}


def theme_codes(tree: ThemeTree, theme_id: str) -> list[str]:
    """The member codes of a theme and of its sub-themes, each once, in order."""
    ids = [theme_id, *tree.descendants(theme_id)]
    out: list[str] = []
    for tid in ids:
        theme = tree.get(tid)
        if theme is not None:
            out.extend(c for c in theme.codes if c not in out)
    return out


def theme_segments(
    tree: ThemeTree, theme_id: str, groups: Mapping[str, Sequence[Segment]]
) -> list[Segment]:
    """The codings of a theme (its codes and its sub-themes' codes), each once, in
    document and text order."""
    out: dict[str, Segment] = {}
    for code in theme_codes(tree, theme_id):
        for s in groups.get(code, ()):
            out.setdefault(s.guid, s)
    return sorted(out.values(), key=lambda s: (s.doc, s.start, s.end, s.code, s.guid))


def theme_usage(tree: ThemeTree, segments: Sequence[Segment], use_cases: bool) -> dict[str, Usage]:
    """Every theme's usage, in tree order."""
    groups = by_code(segments)
    return {t.id: usage(theme_segments(tree, t.id, groups), use_cases) for t in tree.themes}


def codes_in_no_theme(codebook: Codebook, tree: ThemeTree) -> list[str]:
    """Ids of codes no theme holds, in codebook order (discarded themes do not count)."""
    held = {c for t in tree.themes if t.status != "discarded" for c in t.codes}
    return [c.id for c in codebook.codes if c.id not in held]


# ---------------------------------------------------------------------- review


@dataclass(frozen=True)
class CodeInTheme:
    """A member code seen from one theme.

    Attributes:
        code: its id.
        usage: its own passages, documents, participants.
        extracts: how many of the theme's key extracts are its codings.
        other_themes: ids of the other themes it is a member of.
    """

    code: str
    usage: Usage
    extracts: int
    other_themes: tuple[str, ...]


@dataclass(frozen=True)
class ThemeReview:
    """The check of one theme against the data.

    Attributes:
        theme: the theme.
        depth: 0 for a top-level theme, 1 for a sub-theme, ...
        usage: its passages, documents and participants (sub-themes included).
        cases: distinct cases its passages belong to.
        split: the usage per value of the split attribute (empty without ``--by``).
        codes: its member codes (its own, not its sub-themes').
        single_participant: carried by one participant only.
        cooccurring: other codes coded on passages that overlap the theme's, with
            how many of the theme's passages they overlap, most first.
        missing_extracts: whether the theme has no key extract at all.
    """

    theme: Theme
    depth: int
    usage: Usage
    cases: int
    split: dict[str, Usage]
    codes: tuple[CodeInTheme, ...]
    single_participant: bool
    cooccurring: tuple[tuple[str, int], ...]
    missing_extracts: bool

    @property
    def codes_without_extract(self) -> tuple[str, ...]:
        """Member codes none of whose codings is a key extract of the theme."""
        return tuple(c.code for c in self.codes if c.extracts == 0)

    @property
    def shared_codes(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Member codes that other themes hold too, with those themes."""
        return tuple((c.code, c.other_themes) for c in self.codes if c.other_themes)


@dataclass(frozen=True)
class Review:
    """The review of every theme.

    Attributes:
        themes: one entry per theme, in tree order.
        attribute: the case attribute of the split, or ``None``.
        groups: the attribute's values seen, sorted (``(none)`` last).
        no_theme: codes in no theme, with their usage.
        use_cases: whether participants are cases (else participant speakers).
    """

    themes: tuple[ThemeReview, ...]
    attribute: str | None
    groups: tuple[str, ...]
    no_theme: tuple[tuple[str, Usage], ...]
    use_cases: bool = False


def _groups_of(segment: Segment, attribute: str) -> list[str]:
    value = segment.attributes.get(attribute)
    if not value:
        return [NO_VALUE]
    return [v.strip() for v in value.split(";") if v.strip()] or [NO_VALUE]


def split_usage(segments: Sequence[Segment], attribute: str, use_cases: bool) -> dict[str, Usage]:
    """Usage per value of a case attribute (a coding of cases with different values
    counts under each)."""
    parts: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
        for g in _groups_of(s, attribute):
            parts[g].append(s)
    return {g: usage(parts[g], use_cases) for g in sorted(parts, key=_group_key)}


def _group_key(value: str) -> tuple[int, str]:
    return (1 if value == NO_VALUE else 0, value.casefold())


def overlaps(a: Segment, b: Segment) -> bool:
    """Whether two codings share a character of the same document."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def review_themes(
    codebook: Codebook,
    tree: ThemeTree,
    segments: Sequence[Segment],
    *,
    use_cases: bool,
    attribute: str | None = None,
) -> Review:
    """Review every theme: usage, the split by ``attribute``, its codes (with their key
    extracts and other themes), one-participant themes, co-occurring codes, and the
    codes in no theme."""
    groups = by_code(segments)
    by_doc: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
        by_doc[s.doc].append(s)
    for doc_segments in by_doc.values():
        doc_segments.sort(key=lambda s: s.start)
    guid_code = {s.guid: s.code for s in segments}
    values: set[str] = set()
    out: list[ThemeReview] = []
    for theme in tree.themes:
        segs = theme_segments(tree, theme.id, groups)
        use = usage(segs, use_cases)
        split = split_usage(segs, attribute, use_cases) if attribute else {}
        values.update(split)
        out.append(
            ThemeReview(
                theme=theme,
                depth=tree.depth(theme.id),
                usage=use,
                cases=len({c for s in segs for c in s.cases}),
                split=split,
                codes=_codes_in_theme(tree, theme, groups, guid_code, use_cases),
                single_participant=use.participants == 1,
                cooccurring=_cooccurring(segs, set(theme_codes(tree, theme.id)), by_doc),
                missing_extracts=not theme.extracts,
            )
        )
    no_theme = tuple(
        (c, usage(groups.get(c, ()), use_cases)) for c in codes_in_no_theme(codebook, tree)
    )
    return Review(
        themes=tuple(out),
        attribute=attribute,
        groups=tuple(sorted(values, key=_group_key)),
        no_theme=no_theme,
        use_cases=use_cases,
    )


def _codes_in_theme(
    tree: ThemeTree,
    theme: Theme,
    groups: Mapping[str, Sequence[Segment]],
    guid_code: Mapping[str, str],
    use_cases: bool,
) -> tuple[CodeInTheme, ...]:
    """Each code of the theme: its usage, its key extracts, the other themes it is in."""
    extract_codes = [guid_code.get(e.coding) for e in theme.extracts]
    return tuple(
        CodeInTheme(
            code=c,
            usage=usage(groups.get(c, ()), use_cases),
            extracts=sum(1 for x in extract_codes if x == c),
            other_themes=tuple(t.id for t in tree.themes if t.id != theme.id and c in t.codes),
        )
        for c in theme.codes
    )


def _cooccurring(
    segs: Sequence[Segment], own: set[str], by_doc: Mapping[str, list[Segment]]
) -> tuple[tuple[str, int], ...]:
    """Codes outside the theme that overlap its passages, with how many, most first."""
    co: dict[str, set[str]] = defaultdict(set)
    for s in segs:
        for other in by_doc[s.doc]:
            if other.start >= s.end:
                break
            if other.code not in own and overlaps(s, other):
                co[other.code].add(s.guid)
    return tuple(sorted(((c, len(g)) for c, g in co.items()), key=lambda x: (-x[1], x[0])))


# ---------------------------------------------------------------------- scorecard


def valence_of(codebook: Codebook, code_id: str, valences: Mapping[str, str | None]) -> str | None:
    """A code's valence: its own, else the nearest ancestor's, else ``None``."""
    for cid in reversed(codebook.path(code_id)):
        v = valences.get(cid)
        if v:
            return v
    return None


@dataclass(frozen=True)
class ScoreCell:
    """The passages of one valence in one dimension and group.

    Attributes:
        usage: passages, documents, participants.
        codes: the sub-codes behind them with their passages, most first.
    """

    usage: Usage = field(default_factory=Usage)
    codes: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ScoreRow:
    """One dimension in one informant group.

    Attributes:
        dimension: the top-level code id.
        group: the attribute value (``all`` without ``--by``).
        negative: its negative passages.
        positive: its positive passages.
        mixed: passages of mixed valence.
        neutral: passages of neutral valence.
        unrated: passages whose code carries no valence.
        extracts: key extracts (coding guids) of any theme coded under the dimension,
            in the group, in theme order.
    """

    dimension: str
    group: str
    negative: ScoreCell
    positive: ScoreCell
    mixed: ScoreCell
    neutral: ScoreCell
    unrated: ScoreCell
    extracts: tuple[str, ...]


@dataclass(frozen=True)
class Scorecard:
    """Negative against positive passages per dimension and informant group.

    Attributes:
        rows: dimension by dimension (codebook order), group by group.
        attribute: the case attribute of the groups, or ``None``.
        groups: the groups in order (``all`` without an attribute).
        use_cases: whether participants are cases (else participant speakers).
    """

    rows: tuple[ScoreRow, ...]
    attribute: str | None
    groups: tuple[str, ...]
    use_cases: bool = False


ALL_GROUP = "all"
"""The one group of a scorecard without ``--by``."""


def _cell(segs: Sequence[Segment], use_cases: bool) -> ScoreCell:
    counts: dict[str, int] = defaultdict(int)
    for s in segs:
        counts[s.code] += 1
    return ScoreCell(
        usage(segs, use_cases),
        tuple(sorted(counts.items(), key=lambda x: (-x[1], x[0]))),
    )


def scorecard(
    codebook: Codebook,
    valences: Mapping[str, str | None],
    tree: ThemeTree,
    segments: Sequence[Segment],
    *,
    use_cases: bool,
    attribute: str | None = None,
) -> Scorecard:
    """The dimension scorecard.

    Args:
        codebook: the codes (dimensions are the top-level codes).
        valences: code id -> valence (``None`` for a code without one).
        tree: the themes (for their key extracts).
        segments: the accepted codings.
        use_cases: count cases as participants.
        attribute: the case attribute whose values are the informant groups.
    """
    extract_order: list[str] = []
    for theme in tree.themes:
        if theme.status == "discarded":
            continue
        for e in theme.extracts:
            if e.coding not in extract_order:
                extract_order.append(e.coding)
    rank = {g: i for i, g in enumerate(extract_order)}
    parts: dict[tuple[str, str], list[Segment]] = defaultdict(list)
    seen_groups: set[str] = set()
    for s in segments:
        if s.code not in codebook:
            continue
        dim = codebook.top_level(s.code)
        for g in _groups_of(s, attribute) if attribute else [ALL_GROUP]:
            parts[(dim, g)].append(s)
            seen_groups.add(g)
    groups = tuple(sorted(seen_groups, key=_group_key)) if attribute else (ALL_GROUP,)
    rows: list[ScoreRow] = []
    for dim in (c.id for c in codebook.codes if c.parent is None):
        for g in groups:
            segs = parts.get((dim, g), [])
            by_val: dict[str, list[Segment]] = defaultdict(list)
            for s in segs:
                by_val[valence_of(codebook, s.code, valences) or "unrated"].append(s)
            rows.append(
                ScoreRow(
                    dimension=dim,
                    group=g,
                    negative=_cell(by_val["negative"], use_cases),
                    positive=_cell(by_val["positive"], use_cases),
                    mixed=_cell(by_val["mixed"], use_cases),
                    neutral=_cell(by_val["neutral"], use_cases),
                    unrated=_cell(by_val["unrated"], use_cases),
                    extracts=tuple(
                        sorted({s.guid for s in segs if s.guid in rank}, key=rank.__getitem__)
                    ),
                )
            )
    return Scorecard(tuple(rows), attribute, groups, use_cases)
