"""Team work in plain data: coders, done marks, and adjudication of two coders.

Adjudication compares two coders' codings of one document code by code. A coding
both made with the same span is an *agreement* and goes into the consensus set as
it is. The other codings of a code are grouped into *disagreements*: each group is
a connected set of overlapping spans (from either side); the adjudicator accepts
side ``a``, side ``b``, ``both`` or ``neither`` for each group. The consensus set is
the agreements plus what was accepted, recorded as its own coder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

DECISIONS = ("a", "b", "both", "neither")
"""What an adjudicator can decide for one disagreement."""


@dataclass(frozen=True)
class Coder:
    """A person (or a consensus set) who codes in a project.

    Attributes:
        name: the name on codings (on PostgreSQL, the database role).
        role: ``coder``, ``supervisor``, ``owner`` or ``consensus`` (a set built
            by adjudication).
        guid: stable identifier.
        created: when the coder was registered.
        codings: how many codings carry the name.
        done: documents the coder marked done.
    """

    name: str
    role: str
    guid: str = ""
    created: str = ""
    codings: int = 0
    done: tuple[str, ...] = ()


@dataclass(frozen=True)
class SideSpan:
    """One coding of one side in a disagreement.

    Attributes:
        start: first character.
        end: end (exclusive).
        guid: the coding's guid.
        quote: the coded text.
    """

    start: int
    end: int
    guid: str
    quote: str


@dataclass(frozen=True)
class Cluster:
    """A disagreement: overlapping codings of one code that the two sides did not
    make identically.

    Attributes:
        code: the code id.
        a: side a's codings in the group (may be empty).
        b: side b's codings in the group (may be empty).
        key: a stable identifier of the group (code and both sides' spans).
        decision: the recorded decision, ``None`` while undecided.
    """

    code: str
    a: tuple[SideSpan, ...]
    b: tuple[SideSpan, ...]
    key: str
    decision: str | None = None

    @property
    def start(self) -> int:
        """Where the group starts."""
        return min(s.start for s in (*self.a, *self.b))

    @property
    def end(self) -> int:
        """Where the group ends."""
        return max(s.end for s in (*self.a, *self.b))

    def accepted(self, decision: str | None = None) -> tuple[SideSpan, ...]:
        """The spans that go into the consensus set under ``decision`` (default: the
        recorded one; nothing while undecided)."""
        decision = decision if decision is not None else self.decision
        if decision == "a":
            return self.a
        if decision == "b":
            return self.b
        if decision == "both":
            seen: dict[tuple[int, int], SideSpan] = {}
            for s in (*self.a, *self.b):
                seen.setdefault((s.start, s.end), s)
            return tuple(sorted(seen.values(), key=lambda s: (s.start, s.end)))
        return ()


@dataclass(frozen=True)
class Comparison:
    """Two coders side by side on one document.

    Attributes:
        doc: the document.
        coder_a: side a.
        coder_b: side b.
        agreed: ``(code, start, end)`` coded identically by both.
        clusters: the disagreements in text order.
    """

    doc: str
    coder_a: str
    coder_b: str
    agreed: tuple[tuple[str, int, int], ...]
    clusters: tuple[Cluster, ...] = field(default=())

    def consensus(self) -> set[tuple[str, int, int]]:
        """``(code, start, end)`` of the consensus set under the recorded decisions."""
        out = set(self.agreed)
        for c in self.clusters:
            out.update((c.code, s.start, s.end) for s in c.accepted())
        return out

    @property
    def undecided(self) -> int:
        """Disagreements without a decision."""
        return sum(1 for c in self.clusters if c.decision is None)


def cluster_key(code: str, a: Iterable[SideSpan], b: Iterable[SideSpan]) -> str:
    """A stable key for one disagreement (SHA-256 hex of its code and spans)."""
    text = "|".join(
        [
            code,
            ",".join(f"{s.start}-{s.end}" for s in sorted(a, key=lambda s: (s.start, s.end))),
            ",".join(f"{s.start}-{s.end}" for s in sorted(b, key=lambda s: (s.start, s.end))),
        ]
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compare_coders(
    doc: str,
    coder_a: str,
    coder_b: str,
    a: Mapping[str, Iterable[SideSpan]],
    b: Mapping[str, Iterable[SideSpan]],
    *,
    decisions: Mapping[str, str] | None = None,
    code_order: Mapping[str, int] | None = None,
) -> Comparison:
    """Side-by-side comparison of two coders' codings of one document.

    Args:
        doc: the document name.
        coder_a: side a's name.
        coder_b: side b's name.
        a: side a's codings by code id.
        b: side b's codings by code id.
        decisions: recorded decisions by cluster key.
        code_order: code id -> position, to order codes at the same place.
    """
    decisions = decisions or {}
    order = code_order or {}
    agreed: list[tuple[str, int, int]] = []
    clusters: list[Cluster] = []
    for code in sorted(set(a) | set(b), key=lambda c: (order.get(c, len(order)), c)):
        spans_a = {(s.start, s.end): s for s in a.get(code, ())}
        spans_b = {(s.start, s.end): s for s in b.get(code, ())}
        same = set(spans_a) & set(spans_b)
        agreed += [(code, s, e) for s, e in sorted(same)]
        rest = [("a", v) for k, v in spans_a.items() if k not in same] + [
            ("b", v) for k, v in spans_b.items() if k not in same
        ]
        rest.sort(key=lambda item: (item[1].start, item[1].end, item[0]))
        group: list[tuple[str, SideSpan]] = []
        reach = -1
        for side, span in rest:
            if group and span.start >= reach:
                clusters.append(_cluster(code, group, decisions))
                group = []
            group.append((side, span))
            reach = max(reach, span.end) if len(group) > 1 else span.end
        if group:
            clusters.append(_cluster(code, group, decisions))
    clusters.sort(key=lambda c: (c.start, c.end, order.get(c.code, len(order)), c.code))
    return Comparison(
        doc,
        coder_a,
        coder_b,
        tuple(sorted(agreed, key=lambda t: (t[1], t[2], t[0]))),
        tuple(clusters),
    )


def _cluster(code: str, group: list[tuple[str, SideSpan]], decisions: Mapping[str, str]) -> Cluster:
    a = tuple(s for side, s in group if side == "a")
    b = tuple(s for side, s in group if side == "b")
    key = cluster_key(code, a, b)
    return Cluster(code, a, b, key, decisions.get(key))
