"""Word frequencies and keyword-in-context lines as plain tables.

The counting and the matching happen in :mod:`qualcode.nlp.textstats`; this module
holds what they produce and how it becomes rows for an exporter or a table view.
Pure: no I/O, no spaCy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

GROUPINGS = ("corpus", "document", "case", "code", "speaker")
"""What word frequencies can be counted per."""


@dataclass(frozen=True)
class WordFrequencies:
    """Lemma counts per group (a document, a case, a code, a speaker role).

    Attributes:
        by: the grouping (one of :data:`GROUPINGS`).
        counts: group -> lemma -> count, groups in display order.
        totals: group -> words counted (after stop words were removed).
    """

    by: str
    counts: Mapping[str, Counter[str]]
    totals: Mapping[str, int] = field(default_factory=dict)

    def top(self, n: int | None = None) -> list[tuple[str, int, str, int, float]]:
        """Rows ``(group, rank, word, count, per_1000)``, the ``n`` most frequent per
        group (ties by word), groups in order."""
        rows: list[tuple[str, int, str, int, float]] = []
        for group, counter in self.counts.items():
            total = self.totals.get(group) or sum(counter.values())
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            for rank, (word, count) in enumerate(ranked[:n] if n else ranked, start=1):
                per_1000 = round(1000 * count / total, 2) if total else 0.0
                rows.append((group, rank, word, count, per_1000))
        return rows

    def table(self, n: int | None = None) -> tuple[list[str], list[list[object]]]:
        """Header and rows for an exporter."""
        header = [self.by, "rank", "word", "count", "per_1000_words"]
        return header, [list(r) for r in self.top(n)]


@dataclass(frozen=True)
class KwicLine:
    """One occurrence of a term with its context.

    Attributes:
        doc: document name.
        sentence: sentence number (from 1), 0 when outside any sentence.
        speaker: the speaker label of the turn, if any.
        start: where the term starts in the document.
        end: where it ends (exclusive).
        left: text before it (within the turn), at most ``width`` characters.
        keyword: the matched text.
        right: text after it.
    """

    doc: str
    sentence: int
    speaker: str | None
    start: int
    end: int
    left: str
    keyword: str
    right: str


KWIC_HEADER = ["doc", "sentence", "speaker", "left", "keyword", "right", "start", "end"]


def kwic_table(lines: list[KwicLine]) -> tuple[list[str], list[list[object]]]:
    """Header and rows for an exporter."""
    return KWIC_HEADER, [
        [k.doc, k.sentence, k.speaker or "", k.left, k.keyword, k.right, k.start, k.end]
        for k in lines
    ]
