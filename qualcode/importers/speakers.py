"""Finding speaker turns in plain transcript text, and saying what was guessed.

A turn starts at a line that begins with a speaker label, in any of the styles
researchers and transcription services write:

==================================  ==============================================
``Name: text`` / ``NAME: text``     ``Bu Sari: ...``, ``Pewawancara: ...``
``Name : text``                     a space (or no-break space) before the colon
``**Name:** text``                  Markdown bold (``**Name**:``, ``__Name:__`` too)
``Name (K): text`` / ``K (Name):``  a name with its short form: ``K:`` later is the
                                    same speaker; a role word in the brackets gives
                                    the role (``Budi (Interviewer):``)
``A & B: text``                     a joint turn (``A dan B:``, ``A and B:``), one
                                    turn spoken by both
``[Name] text``                     QualCoder and some services (``[id1]``,
                                    ``[Bu Sari] 10:02:33``)
``Speaker 12: text``                numbered speakers, ``P1:``, ``Informan 3:``,
                                    ``Interviewer1:``, ``Int.:``, ``Mr. Name:``
``I: / R: / Q: / A:``               interviewer / respondent shorthands (``T: / J:``,
                                    ``P: / J:`` in Indonesian question-answer notes)
``[00:12:34] Name: text``           a timestamp before the label (``00:12:34 -``)
``Name [00:12:34]: text``           or after it (``Name (00:12:34):``)
``Name  0:03`` + lines below         the label and time on a line of their own
``Name<TAB>text``                   a label and a tab (or a run of spaces), no colon
==================================  ==============================================

Which of these candidates are labels:

* A bold label, a label with a timestamp, a role word (Pewawancara, Interviewer 1,
  Informan, R, ...), a label that occurs at least twice (a joint label's names
  count), and any label-like start of a paragraph in a file where most paragraphs
  start with one, is a speaker even if it occurs once.
* In a hard-wrapped transcript (lines cut at a fixed width), a line inside a turn
  starts a new turn only with a recurring label, a role label or a bold one; every
  other line continues the turn.
* A paragraph that starts like a label (one to four capitalised words and a colon)
  but is not taken as one becomes its own turn without a speaker, never part of the
  previous turn, and is reported with its line number
  (:attr:`TurnAnalysis.unrecognised`).
* Never labels: a Markdown link, image or emphasis at the start of a line, a URL, a
  time, and bracketed or parenthesised annotations (``[inaudible]``,
  ``[crosstalk 00:12:34]``, ``(laughs)``, ``[tertawa]``, the wrapped tail of one).

Text before the first label, or a document with no labels at all, becomes turns
without a speaker, one per paragraph.

Roles: interviewer and respondent words, in English and Indonesian, numbered or not,
give the role (:func:`role_word`); the project's speaker setting overrides them.
For the other names, in a file with two or three speakers, a speaker more than half
of whose turns end in ``?``, a larger share than any other speaker's, is the
interviewer, marked as guessed; the rest are participants.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from qualcode.core.model import Role, SpeakerSummary, TurnSpan

INTERVIEWER_WORDS = frozenset(
    """interviewer int iv i q moderator mod facilitator fasilitator host cohost co-host
    pewawancara pw peneliti penanya researcher tanya t pertanyaan question enumerator
    pengamat""".split()
)
"""Words (lowercase, without a trailing period or number) that name the interviewer."""

PARTICIPANT_WORDS = frozenset(
    """interviewee respondent resp participant informan informant narasumber narsum
    responden r a jawab jawaban j answer guest tamu partisipan peserta subjek subject
    penjawab""".split()
)
"""Words that name a respondent."""

"""Kept for callers of the earlier name."""

METADATA_WORDS = frozenset(
    """note notes catatan keterangan penting important summary ringkasan title judul date
    tanggal time waktu location lokasi tempat place venue topic topik subject perihal
    duration durasi transcript transkrip transcriber transkriptor interview wawancara
    tema theme agenda source sumber file audio recording rekaman kode code""".split()
)
"""Words that open a line of metadata ("Tanggal: 12 Mei"), not a speaker's turn."""

ANNOTATION_WORDS = frozenset(
    """inaudible unintelligible indistinct crosstalk cross-talk overlapping overlap laughs
    laughter laughing laugh chuckles chuckle giggles sighs sigh pause pauses silence
    silent unclear noise music applause coughs cough interruption interrupted break
    redacted recording end tertawa ketawa tersenyum senyum jeda diam hening batuk
    menangis nangis ribut bising terputus putus sensor disensor mengangguk nod nods
    sic background phone ringing""".split()
)
"""Words that make a bracketed note an annotation, never a speaker."""

_TIME = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
_TS = r"(?:\[(?P<ts1>" + _TIME + r")\]|\((?P<ts2>" + _TIME + r")\)|(?P<ts0>" + _TIME + r"))"
_SEP = r"(?:[-–—|][ \t]+)?"
_SPACE = "[ \t\u00a0\u202f]"

_LEADING_TS = re.compile(r"^" + _TS + r"[ \t]*" + _SEP)
_BOLD = re.compile(
    r"^(?P<mark>\*\*|__)(?P<raw>[^*_\n]{1,80}?)(?:" + _SPACE + r"*:" + _SPACE + r"*(?P=mark)"
    r"|(?P=mark)" + _SPACE + r"*:)(?:[ \t]+|$)"
)
_COLON = re.compile(r"^(?P<raw>[^\W_][^:\n]{0,80}?)" + _SPACE + r"*:(?:[ \t]+|$)")
_BRACKET = re.compile(
    r"^\[(?P<raw>[^\]\n]{1,40})\](?:[ \t]*(?P<ts3>" + _TIME + r"))?[ \t]*:?(?:[ \t]+|$)"
)
_NAME_TIME = re.compile(
    r"^(?P<raw>[^\W\d_](?:[^:\n\[(]|\([^()\n:]{1,40}\)){0,80}?)[ \t]*[\[(](?P<ts3>"
    + _TIME
    + r")[\])][ \t]*:?(?:[ \t]+|$)"
)
_OWN_LINE = re.compile(
    r"^(?P<raw>[^\W\d_][^\n]{0,40}?)[ \t]+[\[(]?(?P<ts3>" + _TIME + r")[\])]?[ \t]*$"
)
_TABBED = re.compile(r"^(?P<raw>[^\W_][^\t\n:]{0,40}?)(?:\t|[ \u00a0]{2,})(?=\S)")
_TRAILING_TS = re.compile(r"[ \t]*(?:\[(" + _TIME + r")\]|\((" + _TIME + r")\)|(" + _TIME + r"))$")
_PARENS = re.compile(r"^(?P<out>[^()]+?)[ \t]*\((?P<in>[^()]{1,40})\)$")
_JOINT = re.compile(r"[ \t]*(?:&|\+|/|,|\band\b|\bdan\b|\bund\b|\bet\b|\by\b|\be\b)[ \t]*")
_NOT_A_LABEL = re.compile(r"^(?:!?\[[^\]\n]*\]\(|https?://|www\.|[*_`>#]|\d)")
_BAD_CHARS = re.compile(r"[;?!\"“”„«»…=<>{}|@#*_`]")
_NUMBERED = re.compile(
    r"^(?P<base>[^\W\d_][\w'’\-]*?)\.?(?:[ \-]?(?P<num>\d{1,3})|[ \-](?P<letter>[A-Z]))?$"
)


def parse_timestamp(value: str | None) -> int | None:
    """``"00:12:34"`` / ``"12:34"`` / ``"00:12:34.500"`` -> milliseconds."""
    if not value:
        return None
    frac = 0
    if "." in value or "," in value:
        value, f = re.split(r"[.,]", value, maxsplit=1)
        frac = int((f + "000")[:3])
    parts = [int(p) for p in value.split(":")]
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds * 1000 + frac


@lru_cache(maxsize=4096)
def role_word(label: str, *, question_answer: bool = False) -> str | None:
    """The role a label's words name: ``Interviewer 1``, ``Interviewer1``, ``Int.``,
    ``Pewawancara`` -> interviewer; ``Informan 3``, ``R``, ``P2`` -> participant.

    Args:
        label: the label as written.
        question_answer: the file uses ``J`` (jawab) labels, so ``P`` is the
            question (pertanyaan), not a participant.
    """
    text = label.strip()
    m = _NUMBERED.match(text)
    if not m:
        return None
    base, number = m.group("base").lower().rstrip("."), m.group("num")
    if base == "p":
        if number:
            return Role.PARTICIPANT.value  # P1, P2
        return Role.INTERVIEWER.value if question_answer else Role.PARTICIPANT.value
    if base in INTERVIEWER_WORDS:
        return Role.INTERVIEWER.value
    if base in PARTICIPANT_WORDS:
        return Role.PARTICIPANT.value
    return None


KNOWN_LABEL = re.compile(
    r"^(?:"
    + "|".join(sorted(INTERVIEWER_WORDS | PARTICIPANT_WORDS | {"p", "speaker", "pembicara"}))
    + r")\.?(?:[ \-]?\d{1,3}|[ \-][A-Z])?$",
    re.IGNORECASE,
)
"""A label that is a role word or a numbered speaker (``Speaker 3``, ``P1``)."""


@lru_cache(maxsize=4096)
def is_known_label(label: str) -> bool:
    """Whether ``label`` is a role word or a numbered speaker."""
    return bool(KNOWN_LABEL.match(label.strip()))


_WORD_NUMBER = re.compile(r"^(?P<base>[^\W\d_]{2,}?)[ \t\u00a0]*(?P<num>\d{1,3})$")


def display_name(name: str) -> str:
    """How a speaker is shown: a numbered role word with one space before its number
    (``Interviewer1`` and ``Interviewer 1`` are both ``Interviewer 1``, ``Speaker12``
    is ``Speaker 12``), so every numbered label of a file reads the same; short
    forms (``P1``, ``R2``) and names stay as written."""
    m = _WORD_NUMBER.match(name.strip())
    if m and is_known_label(m.group("base")):
        return f"{m.group('base')} {m.group('num')}"
    return name


@dataclass(frozen=True)
class SpeakerConfig:
    """Project settings for turn detection.

    Attributes:
        patterns: extra regular expressions; each must have a ``name`` group and
            match at the start of a line (the match is the label).
        roles: label (case-insensitive) -> ``interviewer`` / ``participant``.
        interviewer_labels: labels that are the interviewer (adds to the defaults).
    """

    patterns: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    interviewer_labels: tuple[str, ...] = ()

    def configured_role(self, label: str) -> str | None:
        """The role the project's setting gives ``label``, if any."""
        key = speaker_key(label.strip())
        for name, role in self.roles.items():
            if speaker_key(name.strip()) == key:
                return role
        if key in {speaker_key(x) for x in self.interviewer_labels}:
            return Role.INTERVIEWER.value
        return None

    def role_of(self, label: str) -> str:
        """The role of a speaker label (the setting, else its words, else participant)."""
        return self.configured_role(label) or role_word(label) or Role.PARTICIPANT.value


@dataclass(frozen=True)
class Label:
    """A label as parsed: the names (two or more for a joint turn) and short forms."""

    names: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()
    """(short form, name) pairs written as ``Name (K)`` or ``K (Name)``."""
    roles: tuple[tuple[str, str], ...] = ()
    """(name, role) given by a role word in brackets: ``Budi (Interviewer)``."""
    timestamp_ms: int | None = None


@dataclass(frozen=True)
class _Candidate:
    line: int  # 1-based
    line_start: int
    content_start: int
    label: Label | None  # None: a timestamp alone
    style: str
    paragraph_start: bool
    bold: bool = False
    loose: bool = False
    """Taken with lowercase words because a time stands by it (``[00:12:34] note:``):
    a speaker only as a role word or a recurring label, else its own turn, reported."""

    @property
    def timestamp_ms(self) -> int | None:
        return self.label.timestamp_ms if self.label is not None else None


@dataclass(frozen=True)
class TurnAnalysis:
    """Turns and what :func:`analyse_turns` had to guess or could not decide.

    Attributes:
        turns: the turns, in text order.
        speakers: every speaker, in order of first appearance.
        unrecognised: 1-based lines of paragraphs that start like a speaker label
            but were not taken as one (each became a turn without a speaker).
        kept: 1-based lines inside a hard-wrapped turn that start like a label
            of a speaker who never speaks otherwise (kept in the turn).
    """

    turns: tuple[TurnSpan, ...]
    speakers: tuple[SpeakerSummary, ...] = ()
    unrecognised: tuple[int, ...] = ()
    kept: tuple[int, ...] = ()


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _word_ok(word: str, *, lenient: bool) -> bool:
    """Could ``word`` be part of a speaker's name?"""
    core = word.strip(".'’-")
    if not core:
        return False
    if core.isdigit():
        return len(core) <= 3
    if not core[0].isalpha():
        return False
    if core[0].isupper() or lenient:
        return True
    return core.lower() in {"bin", "binti", "van", "de", "da", "la", "von", "dos", "al", "el"}


def _name_ok(name: str, *, lenient: bool = False) -> bool:
    """Whether ``name`` could be one speaker's name or role (1 to 4 words)."""
    name = name.strip()
    if not name or len(name) > 40 or _BAD_CHARS.search(name) or "," in name:
        return False
    if role_word(name) or is_known_label(name):
        return True
    words = name.split()
    if not 1 <= len(words) <= 4:
        return False
    if name.endswith(".") and not (len(words[-1]) <= 5 or words[-1][:-1].isupper()):
        return False  # a sentence's end, not an abbreviation such as "Int."
    return all(_word_ok(w, lenient=lenient) for w in words)


def _annotation(text: str) -> bool:
    """A bracketed note: a time, or words such as inaudible, crosstalk, tertawa."""
    if re.search(r"\d{1,2}:\d{2}", text):
        return True
    words = re.findall(r"[^\W\d_]+", text.lower())
    return any(w in ANNOTATION_WORDS for w in words)


@lru_cache(maxsize=4096)
def parse_label(raw: str, *, lenient: bool = False) -> Label | None:
    """The names in a label's text (before its colon), or ``None`` when it cannot be
    one: ``"Gita (G)"``, ``"G & K"``, ``"Interviewer 1 [00:01:02]"``.

    Remembered per text (a transcript repeats its few labels on every turn; a
    :class:`Label` is frozen, so the same one can serve every turn)."""
    raw, ts = _strip_timestamp(raw.strip())
    if not raw:
        return None
    parts = [p for p in _JOINT.split(raw)]
    if len(parts) > 1:
        return _joint_label(parts, lenient, ts)
    one = _one(raw, lenient)
    if one is None or one.timestamp_ms == ts:
        return one  # frozen: the same label (replace() costs a new one per turn)
    return replace(one, timestamp_ms=ts)


def _strip_timestamp(raw: str) -> tuple[str, int | None]:
    """A label's text without its trailing time, and that time (ms) or ``None``."""
    m = _TRAILING_TS.search(raw)
    if m and m.start() > 0:
        return raw[: m.start()].strip(), parse_timestamp(m.group(1) or m.group(2) or m.group(3))
    return raw, None


def _joint_label(parts: Sequence[str], lenient: bool, ts: int | None) -> Label | None:
    """One label for two to four speakers said together (``"G & K"``), or ``None``."""
    if not 2 <= len(parts) <= 4:
        return None
    labels = [_one(p, lenient) for p in parts]
    if any(x is None for x in labels):
        return None
    names = tuple(n for x in labels if x is not None for n in x.names)
    aliases = tuple(a for x in labels if x is not None for a in x.aliases)
    roles = tuple(r for x in labels if x is not None for r in x.roles)
    return Label(names, aliases, roles, ts)


def _one(raw: str, lenient: bool) -> Label | None:
    raw = raw.strip()
    m = _PARENS.match(raw)
    if m:
        out, inner = m.group("out").strip(), m.group("in").strip()
        if not _name_ok(out, lenient=lenient):
            return None
        if _annotation(inner) or not _name_ok(inner, lenient=lenient):
            return Label((out,))  # "Bu Sari (tertawa)", "Pak Darto (petani, 54)"
        inner_role = role_word(inner)
        out_role = role_word(out)
        if inner_role and not out_role:
            return Label((out,), ((inner, out),), ((out, inner_role),))
        if out_role and not inner_role:
            return Label((inner,), ((out, inner),), ((inner, out_role),))
        name, short = (out, inner) if len(out) >= len(inner) else (inner, out)
        return Label((name,), ((short, name),))
    if not _name_ok(raw, lenient=lenient):
        return None
    return Label((raw,))


def _candidate(
    line: str, pos: int, number: int, paragraph_start: bool, extra: Sequence[re.Pattern[str]]
) -> _Candidate | None:
    """The label candidate that ``line`` (at offset ``pos``) starts with, if any."""
    stripped = line.lstrip(" \t")
    indent = len(line) - len(stripped)
    start = pos + indent
    for pattern in extra:
        m = pattern.match(stripped)
        if m:
            name = (m.group("name") or "").strip()
            if name:
                return _Candidate(
                    number, start, start + m.end(), Label((name,)), "custom", paragraph_start
                )
    if not stripped:
        return None
    if _LEADING_TS.match(stripped):
        return _timestamped(stripped, start, number, paragraph_start)
    m = _BOLD.match(stripped)
    if m:
        label = parse_label(m.group("raw"), lenient=True)
        if label is not None:
            return _Candidate(number, start, start + m.end(), label, "bold", paragraph_start, True)
        return None
    if _NOT_A_LABEL.match(stripped):
        return None
    if stripped.startswith("["):
        m = _BRACKET.match(stripped)
        if m and not _annotation(m.group("raw")):
            raw = m.group("raw").strip()
            if re.search(r"[A-Z\d]", raw) and _name_ok(raw, lenient=True):
                ts = parse_timestamp(m.group("ts3"))
                return _Candidate(
                    number,
                    start,
                    start + m.end(),
                    Label((raw,), timestamp_ms=ts),
                    "bracket",
                    paragraph_start,
                )
        return None
    if stripped.startswith("("):
        return None
    return _named(stripped, start, number, paragraph_start, 0, None)


def _named(
    stripped: str, start: int, number: int, paragraph_start: bool, offset: int, ts: int | None
) -> _Candidate | None:
    rest = stripped[offset:]
    m = _NAME_TIME.match(rest)
    if m:
        label = parse_label(m.group("raw"))
        # a time and a colon beside it: lowercase words still start like a label
        loose = label is None and bool(re.search(r"[\])][ \t]*:", m.group(0)))
        if loose:
            label = parse_label(m.group("raw"), lenient=True)
        if label is not None:
            label = replace(label, timestamp_ms=parse_timestamp(m.group("ts3")))
            return _Candidate(
                number,
                start,
                start + offset + m.end(),
                label,
                "colon",
                paragraph_start,
                loose=loose,
            )
    m = _COLON.match(rest)
    if m:
        label = parse_label(m.group("raw"))
        loose = label is None and ts is not None
        if loose:
            label = parse_label(m.group("raw"), lenient=True)
        if label is not None:
            if ts is not None and label.timestamp_ms is None:
                label = replace(label, timestamp_ms=ts)
            return _Candidate(
                number,
                start,
                start + offset + m.end(),
                label,
                "colon",
                paragraph_start,
                loose=loose,
            )
    m = _OWN_LINE.match(rest)
    if m:
        label = parse_label(m.group("raw"))
        if label is not None and len(label.names) == 1:
            label = replace(label, timestamp_ms=parse_timestamp(m.group("ts3")))
            return _Candidate(
                number, start, start + len(stripped), label, "own-line", paragraph_start
            )
    m = _TABBED.match(rest)
    if m:
        label = parse_label(m.group("raw"))
        if label is not None and len(label.names) == 1:
            if ts is not None:
                label = replace(label, timestamp_ms=ts)
            return _Candidate(
                number, start, start + offset + m.end(), label, "tab", paragraph_start
            )
    return None


def _timestamped(
    stripped: str, start: int, number: int, paragraph_start: bool
) -> _Candidate | None:
    """A line that starts with a time: a label after it, or a timestamp alone."""
    m = _LEADING_TS.match(stripped)
    if not m:
        return None
    ts = parse_timestamp(m.group("ts0") or m.group("ts1") or m.group("ts2"))
    named = _named(stripped, start, number, paragraph_start, m.end(), ts)
    if named is not None:
        return named
    if m.end() < len(stripped):
        return _Candidate(
            number, start, start + m.end(), Label((), timestamp_ms=ts), "timestamp", paragraph_start
        )
    return None


def _hard_wrapped(lines: Sequence[tuple[int, str]]) -> bool:
    """Whether the text's lines were cut at a fixed width (a hard-wrapped transcript).

    The lines that are followed by another line of the same paragraph are then
    mostly near the width, and mostly end in the middle of a sentence.
    """
    lengths = [len(line.rstrip()) for _, line in lines if line.strip()]
    inner = [
        line.rstrip()
        for (_, line), (_, following) in zip(lines, lines[1:], strict=False)
        if line.strip() and following.strip()
    ]
    if len(inner) < 3 or not lengths:
        return False
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))]
    if not 40 <= width <= 130:
        return False
    full = sum(1 for line in inner if len(line) >= 0.65 * width)
    ended = sum(1 for line in inner if re.search(r"[.?!…][\"'”’)\]]*$", line))
    return full >= 0.6 * len(inner) and ended < 0.5 * len(inner)


def find_turns(text: str, config: SpeakerConfig | None = None) -> list[TurnSpan]:
    """Speaker turns of ``text`` in order (see :func:`analyse_turns`)."""
    return list(analyse_turns(text, config).turns)


def analyse_turns(
    text: str,
    config: SpeakerConfig | None = None,
    *,
    bold_lines: Collection[int] = (),
    plain_lines: Collection[int] = (),
) -> TurnAnalysis:
    """Speaker turns of ``text``, their speakers and roles, and what was not certain.

    Args:
        text: normalized text (``\\n`` newlines).
        config: project patterns and role mapping.
        bold_lines: 1-based lines whose label was bold in the source (Markdown
            removed before this is called): such a label is certain.
        plain_lines: 1-based lines that started with a link, emphasis, code or a
            URL in the source: never a label, whatever the markup left.

    Returns:
        Turns whose ``start``/``end`` cover the content (label excluded, trailing
        whitespace trimmed); turns never overlap and lie inside the text.
    """
    config = config or SpeakerConfig()
    extra = [re.compile(p) for p in config.patterns]
    lines = _lines(text)
    wrapped = _hard_wrapped(lines)
    candidates: list[_Candidate] = []
    paragraph_starts = 0
    block_starts: set[int] = set()
    previous_blank = True
    for number, (pos, line) in enumerate(lines, start=1):
        if not line.strip():
            previous_blank = True
            continue
        if previous_blank:
            block_starts.add(number)
        paragraph_start = previous_blank or not wrapped
        paragraph_starts += paragraph_start
        previous_blank = False
        found = (
            None if number in plain_lines else _candidate(line, pos, number, paragraph_start, extra)
        )
        if found is not None:
            if number in bold_lines:
                found = replace(found, bold=True)
            candidates.append(found)
    accepted, rejected, kept = _decide(candidates, paragraph_starts, block_starts)
    turns, aliases = _build(text, lines, accepted, rejected, config, wrapped)
    turns, speakers = _roles(text, turns, accepted, aliases, config)
    return TurnAnalysis(
        tuple(turns),
        tuple(speakers),
        tuple(c.line for c in rejected),
        tuple(kept),
    )


@lru_cache(maxsize=4096)
def speaker_key(name: str) -> str:
    """The form two spellings of one label share: ``Interviewer 1`` and
    ``interviewer1``, ``Int.`` and ``Int``, ``Mr. Smith`` and ``Mr Smith``."""
    return re.sub(r"[\s.]+", "", name.lower())


def _alias_map(candidates: Iterable[_Candidate]) -> dict[str, str]:
    """Short form (its key) -> the name it stands for, from ``Name (K)`` labels."""
    out: dict[str, str] = {}
    for c in candidates:
        if c.label is not None:
            for short, name in c.label.aliases:
                out.setdefault(speaker_key(short), name)
    return out


class _Evidence:
    """What the file's candidates say about one candidate: counts of each speaker (by
    key, aliases followed) and whether the file is a question/answer (``T:``/``J:``)."""

    def __init__(self, candidates: Sequence[_Candidate]) -> None:
        self.aliases = _alias_map(candidates)
        self.counts: Counter[str] = Counter()
        for c in candidates:
            if c.label is not None:
                for n in c.label.names:
                    self.counts[self.key(n)] += 1
        counts = self.counts
        self.question_answer = "j" in counts or "jawab" in counts or "jawaban" in counts

    def key(self, name: str) -> str:
        return speaker_key(self.aliases.get(speaker_key(name), name))

    def role_label(self, c: _Candidate) -> bool:
        assert c.label is not None
        return any(
            role_word(n, question_answer=self.question_answer) or is_known_label(n)
            for n in c.label.names
        ) or bool(c.label.roles)

    def recurring(self, c: _Candidate) -> bool:
        assert c.label is not None
        return all(self.counts[self.key(n)] >= 2 for n in c.label.names)

    def strong(self, c: _Candidate) -> bool:
        if c.loose:  # lowercase words by a time: only a role word or a recurring label
            return self.role_label(c) or self.recurring(c)
        return (
            c.style in ("custom", "bold", "own-line")
            or c.bold
            or (c.style != "tab" and c.timestamp_ms is not None)
            or self.role_label(c)
            or self.recurring(c)
        )

    @staticmethod
    def metadata(c: _Candidate) -> bool:
        assert c.label is not None
        return c.style != "custom" and all(
            n.lower().rstrip(".") in METADATA_WORDS for n in c.label.names
        )


def _mostly_labelled(
    named: Sequence[_Candidate], paragraph_starts: int, block_starts: Collection[int]
) -> bool:
    """Whether most paragraphs (blocks between blank lines, or lines) open with a label."""
    labelled_starts = sum(1 for c in named if c.paragraph_start and c.style != "tab")
    labelled_blocks = sum(1 for c in named if c.line in block_starts and c.style != "tab")
    return (paragraph_starts > 0 and labelled_starts > 0.5 * paragraph_starts) or (
        len(block_starts) > 1 and labelled_blocks > 0.5 * len(block_starts)
    )


def _start_is_label(c: _Candidate, ev: _Evidence, sure: set[int], fallback: bool) -> bool:
    """Whether a candidate opening a paragraph is a speaker's label."""
    if id(c) in sure:
        return True
    if ev.metadata(c) or c.style == "tab" or c.loose:
        return False
    # most paragraphs open with a label, or the file has labels and
    # this one is a capitalised name: a speaker, even once
    return fallback


def _inner_is_label(c: _Candidate, ev: _Evidence, sure: set[int]) -> bool:
    """Whether a candidate inside a hard-wrapped paragraph is a speaker's label."""
    return id(c) in sure and (c.style != "tab" or ev.role_label(c) or ev.recurring(c))


def _decide(
    candidates: Sequence[_Candidate], paragraph_starts: int, block_starts: Collection[int]
) -> tuple[list[_Candidate], list[_Candidate], list[int]]:
    """Which candidates are labels; which paragraph starts look like one but are not;
    which lines inside a wrapped turn looked like one and were kept in the turn."""
    ev = _Evidence(candidates)
    named = [c for c in candidates if c.label is not None and c.label.names]
    mostly = _mostly_labelled(named, paragraph_starts, block_starts)
    # a note ("Note:", "**Catatan:**", "[00:12:34] note:") is never a speaker, bold or not
    sure = {id(c) for c in named if ev.strong(c) and not ev.metadata(c)}
    fallback = mostly or bool(sure)
    accepted: list[_Candidate] = []
    rejected: list[_Candidate] = []
    notes: list[_Candidate] = []
    kept: list[int] = []
    for c in named:
        assert c.label is not None
        if c.paragraph_start:
            if _start_is_label(c, ev, sure, fallback):
                accepted.append(c)
            elif ev.metadata(c):
                notes.append(c)
            elif c.style in ("colon", "bracket"):
                rejected.append(c)
        else:  # a line inside a hard-wrapped paragraph
            if _inner_is_label(c, ev, sure):
                accepted.append(c)
            elif c.style == "colon" and all(n[:1].isupper() for n in c.label.names):
                kept.append(c.line)
    _finish(candidates, paragraph_starts, accepted, rejected, notes)
    return accepted, rejected, kept


def _finish(
    candidates: Sequence[_Candidate],
    paragraph_starts: int,
    accepted: list[_Candidate],
    rejected: list[_Candidate],
    notes: list[_Candidate],
) -> None:
    """Report the notes after the first label, add bare time stamps, order by line."""
    if accepted:
        # a note opening a paragraph after the first label is its own turn (never
        # part of the speaker's turn before it), reported; before the first label it
        # is part of the preamble, one turn per paragraph already
        first = min(c.line_start for c in accepted)
        rejected.extend(c for c in notes if c.line_start > first)
        rejected.sort(key=lambda c: c.line_start)
    stamps = [c for c in candidates if c.label is not None and not c.label.names]
    if stamps and (not accepted or len(stamps) >= 0.5 * paragraph_starts):
        accepted.extend(c for c in stamps if c.paragraph_start)
    accepted.sort(key=lambda c: c.line_start)


def _canonical(name: str, aliases: Mapping[str, str]) -> str:
    return aliases.get(speaker_key(name), name)


def _build(
    text: str,
    lines: Sequence[tuple[int, str]],
    accepted: Sequence[_Candidate],
    rejected: Sequence[_Candidate],
    config: SpeakerConfig,
    wrapped: bool,
) -> tuple[list[TurnSpan], dict[str, str]]:
    """Turns from the accepted labels; a rejected label-like paragraph is a turn of
    its own without a speaker; text before the first label is one turn per paragraph."""
    aliases = _alias_map(accepted)
    # display names: the first way each speaker is written (case-insensitively)
    display: dict[str, str] = {}
    for c in accepted:
        if c.label is not None:
            for n in c.label.names:
                name = _canonical(n, aliases)
                display.setdefault(speaker_key(name), display_name(name))
    starts: list[tuple[int, int, _Candidate | None]] = []  # (line_start, content_start, c)
    for c in accepted:
        starts.append((c.line_start, c.content_start, c))
    for c in rejected:
        starts.append((c.line_start, c.line_start, None))
    starts.sort(key=lambda s: s[0])
    turns: list[TurnSpan] = []
    first = starts[0][0] if starts else len(text)
    _unlabelled(turns, text, 0, first)
    for i, (line_start, content_start, found) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        if found is None or found.label is None:
            _unlabelled(turns, text, content_start, end)
            continue
        c = found
        assert c.label is not None
        names = tuple(display[speaker_key(_canonical(n, aliases))] for n in c.label.names)
        speaker = " & ".join(names) if names else None
        _add(
            turns,
            text,
            content_start,
            end,
            speaker,
            line_start if names else None,
            None,
            c.timestamp_ms,
            names,
        )
    return turns, aliases


def _unlabelled(turns: list[TurnSpan], text: str, start: int, end: int) -> None:
    """One turn per paragraph, no speaker."""
    pos = start
    for m in re.finditer(r"\n[ \t]*\n", text[start:end]):
        _add(turns, text, pos, start + m.start(), None, None, None, None)
        pos = start + m.end()
    _add(turns, text, pos, end, None, None, None, None)


def _add(
    turns: list[TurnSpan],
    text: str,
    start: int,
    end: int,
    speaker: str | None,
    label_start: int | None,
    role: str | None,
    ts: int | None,
    speakers: tuple[str, ...] = (),
) -> None:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if start >= end and speaker is None:
        return
    if start > end:
        start = end
    turns.append(TurnSpan(start, end, speaker, label_start, role, ts, speakers))


_QUESTION_END = re.compile(r"\?[\"'”’)\]]*$")
_TRAILING_NOTES = re.compile(r"(?:\s*(?:\[[^\]]*\]|\([^)]*\)))+\s*$")


def _asks(text: str, turn: TurnSpan) -> bool:
    body = text[turn.start : turn.end].rstrip()
    if body.endswith(("]", ")")):
        # only a turn ending in a bracket has trailing notes to drop (the expression
        # tried every position of every turn)
        body = _TRAILING_NOTES.sub("", body).rstrip()
    return bool(_QUESTION_END.search(body))


def _roles(
    text: str,
    turns: list[TurnSpan],
    accepted: Sequence[_Candidate],
    aliases: Mapping[str, str],
    config: SpeakerConfig,
) -> tuple[list[TurnSpan], list[SpeakerSummary]]:
    """Give every turn its speakers' roles; the summary of each speaker."""
    forms, written_roles = _written_forms(accepted, aliases)
    order, names_of, turn_count, asked = _speaking(text, turns)
    role = _known_roles(order, names_of, forms, written_roles, config)
    _guess_interviewer(order, role, turn_count, asked)
    for low in order:
        role.setdefault(low, (Role.PARTICIPANT.value, "default"))
    out: list[TurnSpan] = []
    for t in turns:
        names = t.speakers or ((t.speaker,) if t.speaker else ())
        if not names:
            out.append(t)
            continue
        roles = tuple(role[speaker_key(n)][0] for n in names)
        out.append(
            TurnSpan(
                t.start, t.end, t.speaker, t.label_start, roles[0], t.timestamp_ms, names, roles
            )
        )
    summary = [
        SpeakerSummary(
            names_of[low], role[low][0], role[low][1], turn_count[low], tuple(forms.get(low, ()))
        )
        for low in order
    ]
    return out, summary


def _written_forms(
    accepted: Sequence[_Candidate], aliases: Mapping[str, str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each speaker's (by key) other written forms, and the roles the labels give in
    brackets (``Budi (Interviewer)``)."""
    forms: dict[str, list[str]] = {}
    written_roles: dict[str, str] = {}
    for c in accepted:
        if c.label is None:
            continue
        for short, name in c.label.aliases:
            k = speaker_key(_canonical(name, aliases))
            forms.setdefault(k, [])
            if short not in forms[k]:
                forms[k].append(short)
        for name, given in c.label.roles:
            written_roles.setdefault(speaker_key(_canonical(name, aliases)), given)
        for n in c.label.names:
            k = speaker_key(_canonical(n, aliases))
            if n != _canonical(n, aliases) and n not in forms.setdefault(k, []):
                forms[k].append(n)
    return forms, written_roles


def _speaking(
    text: str, turns: Sequence[TurnSpan]
) -> tuple[list[str], dict[str, str], Counter[str], Counter[str]]:
    """The speakers' keys in order of first turn, the name each was first written
    with, their turns, and their one-speaker turns that end in a question."""
    order: list[str] = []
    turn_count: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    names_of: dict[str, str] = {}
    for t in turns:
        for n in t.speakers or ((t.speaker,) if t.speaker else ()):
            low = speaker_key(n)
            if low not in names_of:
                names_of[low] = n
                order.append(low)
            turn_count[low] += 1
            if len(t.speakers) <= 1 and _asks(text, t):
                asked[low] += 1
    return order, names_of, turn_count, asked


def _known_roles(
    order: Sequence[str],
    names_of: Mapping[str, str],
    forms: Mapping[str, list[str]],
    written_roles: Mapping[str, str],
    config: SpeakerConfig,
) -> dict[str, tuple[str, str]]:
    """The roles the project's setting or the labels' words give: key -> (role, how)."""
    all_labels = {n for low in order for n in (names_of[low], *forms.get(low, ()))}
    question_answer = any(speaker_key(x) in ("j", "jawab", "jawaban") for x in all_labels)
    role: dict[str, tuple[str, str]] = {}
    for low in order:
        written = (names_of[low], *forms.get(low, ()))
        found = next((r for w in written if (r := config.configured_role(w))), None)
        if found:
            role[low] = (found, "setting")
            continue
        found = written_roles.get(low) or next(
            (r for w in written if (r := role_word(w, question_answer=question_answer))), None
        )
        if found:
            role[low] = (found, "label")
    return role


def _guess_interviewer(
    order: Sequence[str],
    role: dict[str, tuple[str, str]],
    turn_count: Counter[str],
    asked: Counter[str],
) -> None:
    """With two or three speakers and no interviewer known, the one who asks in most
    of their turns (more than half, and more than anyone else) is guessed to be the
    interviewer (added to ``role``, marked ``guessed``)."""
    interviewer_known = any(r == Role.INTERVIEWER.value for r, _ in role.values())
    if not 2 <= len(order) <= 3 or interviewer_known:
        return
    shares = {low: asked[low] / turn_count[low] for low in order if turn_count[low]}
    unknown = [low for low in order if low not in role]
    for low in unknown:
        others = [s for other, s in shares.items() if other != low]
        if shares.get(low, 0) > 0.5 and all(shares[low] > s for s in others):
            role[low] = (Role.INTERVIEWER.value, "guessed")
            break


def describe_speakers(speakers: Sequence[SpeakerSummary]) -> str:
    """``interviewer: Interviewer 1 (12 turns) · participant: Interviewee (11) ·
    guessed: Host`` (roles in that order; every guess named at the end)."""
    parts = []
    first = True
    for role in (Role.INTERVIEWER.value, Role.PARTICIPANT.value):
        these = [s for s in speakers if s.role == role]
        if not these:
            continue
        items = []
        for s in these:
            unit = (" turn" if s.turns == 1 else " turns") if first else ""
            first = False
            items.append(f"{s.name} ({s.turns}{unit})")
        parts.append(f"{role}: " + ", ".join(items))
    guessed = [s.name for s in speakers if s.how == "guessed"]
    if guessed:
        parts.append("guessed: " + ", ".join(guessed))
    return " · ".join(parts) if parts else "no speaker labels found"
