"""Auto-coding in the pure domain: suggestions, and how rules are scored against a coder.

Rules are matched in :mod:`qualcode.nlp.autocode`; what they produce is a
:class:`Suggestion` per unit of text (a sentence or a speaker turn) and code. The
evaluation here compares suggestions with a coder's codings **per sentence**: a
coding (or suggestion) covers every sentence it overlaps by at least one
character, and each (document, sentence, code) is one decision. A dimension is
scored with its sub-codes rolled up to it (a sentence is positive for ``time`` when
it holds any ``time.*`` coding); a sub-code is scored on its own codings only.

This module is pure: no I/O, no spaCy, no database.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.core.codebook import Codebook


@dataclass(frozen=True)
class Suggestion:
    """One unit of text a code's rules matched.

    Attributes:
        doc: document name.
        code: code id.
        start: first character of the unit.
        end: end of the unit (exclusive).
        unit: ``sentence`` or ``turn``.
        number: the sentence or turn number (from 1).
        evidence: what matched (keywords, phrases, ``/regex/``, ``pattern N``).
    """

    doc: str
    code: str
    start: int
    end: int
    unit: str
    number: int
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A sentence shown as a miss or a false alarm."""

    doc: str
    sentence: int
    text: str


@dataclass(frozen=True)
class CodeScore:
    """Agreement of the rules with the reference for one code.

    Attributes:
        code: code id.
        depth: 0 for a dimension (sub-codes rolled up), 1 for a sub-code, ...
        tp: sentences both coded.
        fp: sentences the rules coded and the reference did not.
        fn: sentences the reference coded and the rules did not.
        misses: examples of false negatives.
        false_alarms: examples of false positives.
        has_rules: whether the code (or, for a dimension, any sub-code) has rules.
    """

    code: str
    depth: int
    tp: int
    fp: int
    fn: int
    misses: tuple[Example, ...] = ()
    false_alarms: tuple[Example, ...] = ()
    has_rules: bool = True

    @property
    def gold(self) -> int:
        """Sentences the reference coded."""
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        """Sentences the rules coded."""
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp), ``None`` when the rules coded nothing."""
        return self.tp / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn), ``None`` when the reference coded nothing."""
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (``None`` when either is undefined)."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, object]:
        """The ``--json`` shape of one row."""
        return {
            "code": self.code,
            "depth": self.depth,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": _round(self.precision),
            "recall": _round(self.recall),
            "f1": _round(self.f1),
            "misses": [e.__dict__ for e in self.misses],
            "false_alarms": [e.__dict__ for e in self.false_alarms],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class Evaluation:
    """Scores per dimension (rolled up) and per sub-code, in codebook order.

    Attributes:
        scores: one row per code that has rules or reference codings.
        documents: documents compared.
        sentences: sentences in them (the units of comparison).
        overall: micro-average over the dimensions.
    """

    scores: tuple[CodeScore, ...]
    documents: int
    sentences: int
    overall: CodeScore = field(default_factory=lambda: CodeScore("(all dimensions)", 0, 0, 0, 0))

    def dimensions(self) -> list[CodeScore]:
        """The rolled-up rows of the top-level codes."""
        return [s for s in self.scores if s.depth == 0]

    def get(self, code: str) -> CodeScore:
        """The row of ``code``."""
        for s in self.scores:
            if s.code == code:
                return s
        raise KeyError(code)


Span = tuple[str, str, int, int]
"""``(document, code, start, end)``: a coding or a suggestion, for evaluation."""


def covered_sentences(
    spans: Sequence[tuple[int, int]], start: int, end: int, *, ends: Sequence[int] | None = None
) -> range:
    """Indices of the sentences (sorted, non-overlapping ``(start, end)``) that
    ``[start, end)`` overlaps by at least one character."""
    ends = ends if ends is not None else [e for _, e in spans]
    first = bisect_right(ends, start)
    last = first
    while last < len(spans) and spans[last][0] < end:
        last += 1
    return range(first, last)


def evaluate(
    codebook: Codebook,
    sentences: Mapping[str, Sequence[tuple[int, int]]],
    gold: Iterable[Span],
    predicted: Iterable[Span],
    *,
    texts: Mapping[str, str] | None = None,
    examples: int = 3,
) -> Evaluation:
    """Score rule suggestions against reference codings, sentence by sentence.

    Args:
        codebook: for the tree (roll-up) and the order of the rows.
        sentences: per document, its sentences as sorted ``(start, end)`` spans;
            only these documents are compared.
        gold: the reference codings.
        predicted: the suggestions.
        texts: document texts, for the examples.
        examples: how many misses and false alarms to keep per code.

    Returns:
        One row per dimension (sub-codes rolled up) and per sub-code, in codebook
        order, for every code with rules or reference codings.
    """
    ends = {d: [e for _, e in spans] for d, spans in sentences.items()}

    def units(items: Iterable[Span]) -> tuple[dict[str, set[tuple[str, int]]], set[str]]:
        exact: dict[str, set[tuple[str, int]]] = {}
        codes: set[str] = set()
        for doc, code, start, end in items:
            if doc not in sentences:
                continue
            resolved = codebook.get(code)
            if resolved is None:
                continue
            codes.add(resolved.id)
            bucket = exact.setdefault(resolved.id, set())
            for i in covered_sentences(sentences[doc], start, end, ends=ends[doc]):
                bucket.add((doc, i))
        return exact, codes

    gold_units, _ = units(gold)
    pred_units, _ = units(predicted)
    rolled_gold: dict[str, set[tuple[str, int]]] = {}
    rolled_pred: dict[str, set[tuple[str, int]]] = {}
    for code_id, bucket in gold_units.items():
        rolled_gold.setdefault(codebook.top_level(code_id), set()).update(bucket)
    for code_id, bucket in pred_units.items():
        rolled_pred.setdefault(codebook.top_level(code_id), set()).update(bucket)
    ruled = {c.id for c in codebook if c.rules is not None and not c.rules.is_empty()}
    ruled_top = {codebook.top_level(c) for c in ruled}

    def example(doc: str, index: int) -> Example:
        start, end = sentences[doc][index]
        text = texts[doc][start:end] if texts and doc in texts else ""
        return Example(doc, index + 1, " ".join(text.split()))

    def score(code: str, depth: int, g: set[tuple[str, int]], p: set[tuple[str, int]]) -> CodeScore:
        misses = sorted(g - p)[:examples]
        alarms = sorted(p - g)[:examples]
        has_rules = code in ruled or (depth == 0 and code in ruled_top)
        return CodeScore(
            code,
            depth,
            len(g & p),
            len(p - g),
            len(g - p),
            tuple(example(d, i) for d, i in misses),
            tuple(example(d, i) for d, i in alarms),
            has_rules,
        )

    rows: list[CodeScore] = []
    total = [0, 0, 0]
    for code in codebook:
        depth = codebook.depth(code.id)
        if depth == 0:
            g = rolled_gold.get(code.id, set())
            p = rolled_pred.get(code.id, set())
            if not g and not p and code.id not in ruled_top:
                continue
            row = score(code.id, 0, g, p)
            total[0] += row.tp
            total[1] += row.fp
            total[2] += row.fn
        else:
            g = gold_units.get(code.id, set())
            p = pred_units.get(code.id, set())
            if not g and not p and code.id not in ruled:
                continue
            row = score(code.id, depth, g, p)
        rows.append(row)
    return Evaluation(
        scores=tuple(rows),
        documents=len(sentences),
        sentences=sum(len(s) for s in sentences.values()),
        overall=CodeScore("(all dimensions)", 0, total[0], total[1], total[2]),
    )
