"""Plain dataclasses that cross every boundary.

The store returns these (never ORM rows), importers produce them, exporters and the
front ends consume them. Offsets are Python ``str`` indices into a document's
normalized text (NFC, ``\\n`` newlines, no BOM); ``end`` is exclusive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Origin(StrEnum):
    """Where a coding came from."""

    MANUAL = "manual"
    RULES = "rules"
    IMPORT = "import"


class Status(StrEnum):
    """Whether an auto-code suggestion has been accepted."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"


class Review(StrEnum):
    """A supervisor's verdict on a coding."""

    UNREVIEWED = "unreviewed"
    APPROVED = "approved"
    DISPUTED = "disputed"


class Anchor(StrEnum):
    """How a coding's span relates to the current text after a re-import."""

    EXACT = "exact"
    MOVED = "moved"
    NEEDS_REVIEW = "needs-review"


class Role(StrEnum):
    """The role of a speaker in an interview."""

    INTERVIEWER = "interviewer"
    PARTICIPANT = "participant"


@dataclass(frozen=True)
class TurnSpan:
    """A speaker turn as found by an importer.

    Attributes:
        start: first character of the turn's content (after the label).
        end: end of the content (exclusive), trailing whitespace excluded.
        speaker: the label as written (``"Pewawancara"``), or ``None``.
        label_start: where the label starts, when there is one.
        role: interviewer / participant, when known (the first speaker's, for a
            joint turn).
        timestamp_ms: a cue or leading timestamp, in milliseconds.
        speakers: every speaker of the turn, in the label's order: two or more for
            a joint turn (``Gita & Kiki``), whose ``speaker`` joins them with
            `` & ``; empty when the importer did not say (one speaker, or none).
        roles: the role of each of ``speakers``.
    """

    start: int
    end: int
    speaker: str | None = None
    label_start: int | None = None
    role: str | None = None
    timestamp_ms: int | None = None
    speakers: tuple[str, ...] = ()
    roles: tuple[str | None, ...] = ()

    @property
    def people(self) -> tuple[tuple[str, str | None], ...]:
        """``(speaker, role)`` of everyone who speaks in the turn."""
        if len(self.speakers) > 1:
            roles = self.roles or (self.role,) * len(self.speakers)
            return tuple(zip(self.speakers, roles, strict=False))
        return ((self.speaker, self.role),) if self.speaker else ()


@dataclass(frozen=True)
class SpeakerSummary:
    """One speaker of a document, as the import summary lists it.

    Attributes:
        name: the speaker's name (the longer form when written in two).
        role: interviewer / participant.
        how: ``setting`` (the project's speaker setting), ``label`` (a role word),
            ``guessed`` (asks most of the questions), ``default`` (any other name).
        turns: the number of turns the speaker speaks in (joint turns included).
        forms: the other ways the label was written (``K`` for ``Kiki (K)``).
    """

    name: str
    role: str
    how: str
    turns: int
    forms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportedDocument:
    """What an importer hands to the store: text, turns and metadata.

    Attributes:
        name: the document's name in the project (the file stem by default).
        text: normalized text.
        turns: speaker turns in text order.
        source_path: where it came from.
        source_format: ``txt``, ``md``, ...
        encoding: the encoding the bytes were decoded with.
        lang: the language code (``None`` until decided).
        notices: non-fatal remarks for the user (encoding guessed, ...).
        meta: anything else the importer found (front matter, title).
        speakers: every speaker with role, how the role was decided, and turns.
        warnings: what the user should check (paragraphs that look like speaker
            labels but were not taken as one, with their lines).
        front_matter: the simple keys of a YAML or TOML front matter block (they
            become attributes of the document's case).
        lang_how: how ``lang`` was decided: ``given`` (``--lang``), ``detected``,
            ``guessed`` (from few words).
    """

    name: str
    text: str
    turns: tuple[TurnSpan, ...]
    source_path: str | None = None
    source_format: str = "txt"
    encoding: str = "utf-8"
    lang: str | None = None
    notices: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)
    speakers: tuple[SpeakerSummary, ...] = ()
    warnings: tuple[str, ...] = ()
    front_matter: dict[str, str] = field(default_factory=dict)
    lang_how: str = ""


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence inside one turn, with its lemmas for search."""

    start: int
    end: int
    turn_index: int | None = None
    lemmas: str = ""


class SentenceColumns(Sequence[SentenceSpan]):
    """A document's sentences held as four columns (starts, ends, turn indexes,
    lemmas): what an import's worker process sends to the writer. Pickling plain
    lists of numbers and strings costs a fraction of pickling a frozen dataclass
    per sentence, and the writer builds its rows from the columns without making
    one object per sentence. Reads as a sequence of :class:`SentenceSpan`, made on
    demand; equal to any sequence of the same spans."""

    __slots__ = ("starts", "ends", "turn_indexes", "lemmas")

    def __init__(
        self,
        starts: list[int],
        ends: list[int],
        turn_indexes: list[int | None],
        lemmas: list[str],
    ) -> None:
        self.starts = starts
        self.ends = ends
        self.turn_indexes = turn_indexes
        self.lemmas = lemmas

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        return SentenceSpan(self.starts[i], self.ends[i], self.turn_indexes[i], self.lemmas[i])

    def __iter__(self) -> Iterator[SentenceSpan]:
        return map(SentenceSpan, self.starts, self.ends, self.turn_indexes, self.lemmas)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (SentenceColumns, (self.starts, self.ends, self.turn_indexes, self.lemmas))

    def __repr__(self) -> str:
        return f"SentenceColumns({len(self)} sentences)"


@dataclass(frozen=True)
class DocumentSummary:
    """A document as listed: no text.

    Attributes:
        name: unique name in the project.
        guid: stable identifier.
        lang: ``id`` / ``en``.
        chars: length of the text.
        turns: number of speaker turns.
        sentences: number of sentences.
        codings: number of codings (accepted ones).
        coded_chars: characters covered by at least one coding.
        source_format: the format it was imported from.
        case: the case it belongs to, if any.
    """

    name: str
    guid: str
    lang: str | None
    chars: int
    turns: int
    sentences: int
    codings: int
    coded_chars: int
    source_format: str
    case: str | None = None

    @property
    def coded_share(self) -> float:
        """Share of the text covered by codings, 0..1."""
        return self.coded_chars / self.chars if self.chars else 0.0


@dataclass(frozen=True)
class Turn:
    """A stored speaker turn, numbered from 1.

    ``speakers`` and ``roles`` name everyone who speaks in it: both speakers of a
    joint turn (whose ``speaker`` is the joined label), the one speaker otherwise.
    """

    number: int
    start: int
    end: int
    speaker: str | None
    role: str | None
    label_start: int | None = None
    timestamp_ms: int | None = None
    speakers: tuple[str, ...] = ()
    roles: tuple[str | None, ...] = ()

    @property
    def people(self) -> tuple[tuple[str, str | None], ...]:
        """``(speaker, role)`` of everyone who speaks in the turn."""
        if self.speakers:
            return tuple(zip(self.speakers, self.roles, strict=False))
        return ((self.speaker, self.role),) if self.speaker else ()


@dataclass(frozen=True)
class Sentence:
    """A stored sentence, numbered from 1 across the document."""

    number: int
    start: int
    end: int
    turn: int | None


@dataclass(frozen=True)
class Document:
    """A whole document with its structure."""

    name: str
    guid: str
    text: str
    lang: str | None
    turns: tuple[Turn, ...]
    sentences: tuple[Sentence, ...]
    source_format: str = "txt"
    sha256: str = ""

    def turn_at(self, offset: int) -> Turn | None:
        """The turn whose span (label included) holds ``offset``."""
        for t in self.turns:
            begin = t.label_start if t.label_start is not None else t.start
            if begin <= offset < max(t.end, t.start + 1):
                return t
        return None


@dataclass(frozen=True)
class Coding:
    """One coded passage.

    Attributes:
        guid: stable identifier (kept across exports, merges and re-imports).
        doc: document name.
        code: code id.
        start: first character.
        end: end, exclusive (``start < end``).
        coder: who coded it.
        created: ISO-8601 UTC time.
        quote: the coded text as it was when coded.
        memo: a memo on this coding.
        origin: manual / rules / import.
        status: suggested / accepted.
        review: unreviewed / approved / disputed.
        anchor: exact / moved / needs-review.
        reviewer: who reviewed it.
        reviewed_at: when.
        memo_author: who wrote the memo (``None``: its coder, or no memo).
    """

    guid: str
    doc: str
    code: str
    start: int
    end: int
    coder: str
    created: str
    quote: str
    memo: str | None = None
    origin: str = Origin.MANUAL.value
    status: str = Status.ACCEPTED.value
    review: str = Review.UNREVIEWED.value
    anchor: str = Anchor.EXACT.value
    reviewer: str | None = None
    reviewed_at: str | None = None
    memo_author: str | None = None

    def to_json(self) -> dict[str, object]:
        """The stable ``--json`` shape (see docs/cli.md)."""
        return {
            "guid": self.guid,
            "doc": self.doc,
            "code": self.code,
            "start": self.start,
            "end": self.end,
            "coder": self.coder,
            "created": self.created,
            "origin": self.origin,
            "status": self.status,
            "review": self.review,
            "anchor": self.anchor,
            "memo": self.memo,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class ImportResult:
    """The outcome of importing one document.

    Attributes:
        name: the document's name in the project.
        status: ``imported``, ``skipped`` (its text is already there) or, for a
            dry run, ``would import``.
        message: one line for the user.
        turns: number of turns.
        sentences: number of sentences.
        notices: remarks (encoding, front matter, language without lemmas, ...).
        speakers: every speaker with role, how it was decided, and turns.
        lang: the language code.
        lang_how: ``given``, ``detected`` or ``guessed``.
        warnings: what to check (label-like paragraphs not taken as labels).
        case: the case the front matter's keys went to.
        attributes: the attribute names written to that case.
    """

    name: str
    status: str  # "imported" | "skipped" | "would import"
    message: str = ""
    turns: int = 0
    sentences: int = 0
    notices: tuple[str, ...] = ()
    speakers: tuple[SpeakerSummary, ...] = ()
    lang: str | None = None
    lang_how: str = ""
    warnings: tuple[str, ...] = ()
    case: str | None = None
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeCount:
    """A code with its number of codings, for the codebook tree."""

    code: str
    codings: int
    documents: int


@dataclass(frozen=True)
class SyncReport:
    """What ``codebook sync`` changed."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0
    backup: str | None = None
    """The copy of the project made before the sync (kept when something changed)."""
    rows: int = 0
    """Rows the sync wrote (codes, aliases, positions, settings): 0 when it changed nothing."""

    def summary(self) -> str:
        """One line for the user."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged"
        )


Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)``: called after each unit of long work."""


@dataclass(frozen=True)
class Memo:
    """A memo on the project, a document, a code or a case.

    Attributes:
        guid: stable identifier.
        kind: ``project``, ``document``, ``code`` or ``case``.
        target: the document name, code id or case name (``None`` for the project).
        author: who wrote it.
        created: ISO-8601 UTC time.
        updated: last change.
        title: a short title.
        text: the memo itself.
    """

    guid: str
    kind: str
    target: str | None
    author: str
    created: str
    updated: str
    title: str
    text: str


MEMO_KINDS = ("project", "document", "code", "case", "theme")
"""What a memo can be attached to (a coding's memo lives on the coding)."""


@dataclass(frozen=True)
class CaseSource:
    """A document (or one speaker in it) that belongs to a case."""

    doc: str
    speaker: str | None = None


@dataclass(frozen=True)
class Case:
    """A case (participant) with its attributes.

    Attributes:
        name: unique name.
        guid: stable identifier.
        description: free text.
        attributes: attribute name -> value.
        sources: the documents (or speakers within documents) of the case.
    """

    name: str
    guid: str
    description: str = ""
    attributes: dict[str, str | None] = field(default_factory=dict)
    sources: tuple[CaseSource, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One sentence found by a search.

    Attributes:
        doc: document name.
        sentence: the sentence's number in the document (from 1).
        turn: its turn's number (from 1), or ``None``.
        start: first character of the sentence in the document's text.
        end: end of the sentence (exclusive).
        speaker: the turn's speaker label, if any.
        role: the turn's speaker role (interviewer / participant), if known.
        text: the sentence.
        before: up to ``context`` characters before it, within its turn.
        after: up to ``context`` characters after it, within its turn.
    """

    doc: str
    sentence: int
    turn: int | None
    start: int
    end: int
    speaker: str | None
    role: str | None
    text: str
    before: str = ""
    after: str = ""

    def to_json(self) -> dict[str, object]:
        """The stable ``search --json`` shape (see docs/cli.md)."""
        return {
            "doc": self.doc,
            "sentence": self.sentence,
            "turn": self.turn,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "role": self.role,
            "text": self.text,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class ReanchorReport:
    """What a re-import of an edited transcript did to the document's codings.

    Attributes:
        doc: the document.
        exact: codings whose passage is at the same place.
        moved: codings whose passage was found elsewhere (or, edited, above the
            score threshold) and re-anchored there.
        needs_review: codings that could not be placed with certainty: kept with
            their old quote, anchor ``needs-review``.
        backup: the copy of the project made before (SQLite), if any.
        unchanged: the new text equals the old one: nothing was done.
        turns: the number of turns now.
        sentences: the number of sentences now.
        case: the case front matter keys went to, if any.
        attributes: the attribute names written to it.
        notices: front matter values not written (the case had another value).
    """

    doc: str
    exact: int = 0
    moved: int = 0
    needs_review: int = 0
    backup: str | None = None
    unchanged: bool = False
    turns: int = 0
    sentences: int = 0
    case: str | None = None
    attributes: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
