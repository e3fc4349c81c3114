"""Finding speaker turns in plain transcript text.

A turn starts at a line that begins with a speaker label, in any of the styles
researchers and transcription services write:

==============================  ==========================================
``Name: text``                  ``Bu Sari: ...``, ``Pewawancara: ...``
``Name : text``                 a space before the colon (French-style)
``**Name:** text``              Markdown bold (``**Name**:`` too)
``[Name] text``                 QualCoder and some services (``[Name] 10:02:33`` too)
``Speaker 12: text``            numbered speakers, ``P1:``, ``Informan 3:``
``I: / R: / Q: / A:``           interviewer / respondent shorthands (``T: / J:``,
                                ``P: / J:`` in Indonesian question-answer notes)
``[00:12:34] Name: text``       a leading timestamp (kept on the turn)
``00:12:34 Name: text``         the same without brackets (or ``00:12:34 - Name:``)
``Name (00:12:34): text``       Rev and other transcription services
``Name  0:03`` + lines below     Otter (the label and time on a line of their own)
==============================  ==========================================

Lines that do not start with a label continue the current turn (hard-wrapped or
multi-paragraph answers). Text before the first label, or a document with no labels
at all, becomes turns without a speaker, one per paragraph.

A ``Name:`` candidate is a label when it occurs at least twice, when it is a known
role word (Pewawancara, Narasumber, Interviewer, P1, ...), or when the document has
other labels and every word of it (at most three) is capitalised ("Pak Darto"), so that
a sentence such as "Syaratnya ada tiga: KTP, KK" is not taken for a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from qualcode.core.model import Role, TurnSpan

INTERVIEWER_LABELS = frozenset(
    {
        "pewawancara",
        "interviewer",
        "moderator",
        "fasilitator",
        "facilitator",
        "peneliti",
        "researcher",
        "penanya",
        "t",
        "tanya",
        "pertanyaan",
        "i",
        "q",
        "int",
        "iv",
    }
)
"""Labels (lowercase) taken as the interviewer unless the project says otherwise."""

KNOWN_LABEL = re.compile(
    r"^(?:pewawancara|narasumber|informan(?:\s+\d+)?|responden(?:\s+\d+)?|respondent(?:\s+\d+)?"
    r"|interviewer|interviewee|participant(?:\s+\d+)?|partisipan(?:\s+\d+)?|moderator|fasilitator"
    r"|facilitator|peneliti|researcher|speaker\s*\d+|pembicara\s*\d+|p\d+|r\d+|i\d*|q|a|r"
    r"|int|iv|resp|t|j|p|tanya|jawab|pertanyaan|jawaban|penanya|penjawab|narsum)$",
    re.IGNORECASE,
)

_TS = r"(?:\[(?P<ts1>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?)\]|(?P<ts2>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?))"
_NAME = r"[^\W_][\w.'’\-]*(?:[ \t]+[\w.'’\-]+){0,3}"
_TS_BARE = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
_SEP = r"(?:[-–—|][ \t]+)?"
LABEL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # **Name:** text   /   **Name**: text
    (
        "bold",
        re.compile(
            r"^(?:"
            + _TS
            + r"[ \t]*"
            + _SEP
            + r")?\*\*(?P<name>"
            + _NAME
            + r")[ \t]*(?::\*\*|\*\*[ \t]*:)[ \t]*"
        ),
    ),
    # [Name] text  (not a timestamp)
    (
        "bracket",
        re.compile(
            r"^(?:"
            + _TS
            + r"[ \t]*"
            + _SEP
            + r")?\[(?P<name>[^\W\d_][^\]\n]{0,39})\]"
            + r"[ \t]*(?:(?P<ts3>"
            + _TS_BARE
            + r")(?:[ \t]+|$))?:?[ \t]*"
        ),
    ),
    # Name (00:01:02): text   (Rev and other services)
    (
        "paren-time",
        re.compile(
            r"^(?P<name>" + _NAME + r")[ \t]*\((?P<ts3>" + _TS_BARE + r")\)[ \t]*:?(?:[ \t]+|$)"
        ),
    ),
    # Name  0:03   on a line of its own, the words below (Otter)
    (
        "otter",
        re.compile(r"^(?P<name>" + _NAME + r")(?:[ \t]{2,}|\t)(?P<ts3>" + _TS_BARE + r")[ \t]*$"),
    ),
    # Name: text / Name : text, optionally after a timestamp (and a dash)
    (
        "colon",
        re.compile(
            r"^(?:" + _TS + r"[ \t]+" + _SEP + r")?(?P<name>" + _NAME + r")[ \t]?:(?:[ \t]+|$)"
        ),
    ),
)
_TS_ONLY = re.compile(r"^" + _TS + r"[ \t]*")
_SENTENCE_PUNCT = re.compile(r"[,;?!\"“”()]")


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

    def role_of(self, label: str) -> str:
        """The role of a speaker label."""
        key = label.strip().lower()
        for name, role in self.roles.items():
            if name.strip().lower() == key:
                return role
        if key in INTERVIEWER_LABELS or key in {x.lower() for x in self.interviewer_labels}:
            return Role.INTERVIEWER.value
        return Role.PARTICIPANT.value


@dataclass(frozen=True)
class _Candidate:
    line_start: int
    content_start: int
    name: str
    style: str
    timestamp_ms: int | None
    paragraph_start: bool


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


def _lines(text: str) -> Iterable[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _is_capitalised(name: str) -> bool:
    words = name.split()
    return all(w[0].isupper() or w[0].isdigit() for w in words)


def find_turns(text: str, config: SpeakerConfig | None = None) -> list[TurnSpan]:
    """Speaker turns of ``text`` in order; turns never overlap and lie inside the text.

    Args:
        text: normalized text (``\\n`` newlines).
        config: project patterns and role mapping.

    Returns:
        Turns whose ``start``/``end`` cover the content (label excluded, trailing
        whitespace trimmed). Empty turns (a label with no text) are kept with
        ``start == end`` only when followed by text on the next lines.
    """
    config = config or SpeakerConfig()
    extra = [("custom", re.compile(p)) for p in config.patterns]
    candidates: list[_Candidate] = []
    prev_blank = True
    for line_start, line in _lines(text):
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if not stripped:
            prev_blank = True
            continue
        found: _Candidate | None = None
        for style, pattern in (*extra, *LABEL_PATTERNS):
            m = pattern.match(stripped)
            if not m:
                continue
            name = (m.group("name") or "").strip()
            if style != "custom" and (not name or len(name) > 40 or _SENTENCE_PUNCT.search(name)):
                continue
            if style == "colon" and name.endswith("."):
                continue
            if style == "otter" and not _is_capitalised(name):
                continue
            groups = m.groupdict()
            ts = parse_timestamp(groups.get("ts1") or groups.get("ts2") or groups.get("ts3"))
            found = _Candidate(
                line_start + indent,
                line_start + indent + m.end(),
                name,
                style,
                ts,
                prev_blank,
            )
            break
        if found is None:
            ts_match = _TS_ONLY.match(stripped)
            if ts_match and ts_match.end() < len(stripped):
                ts = parse_timestamp(ts_match.group("ts1") or ts_match.group("ts2"))
                found = _Candidate(
                    line_start + indent,
                    line_start + indent + ts_match.end(),
                    "",
                    "timestamp",
                    ts,
                    prev_blank,
                )
        if found is not None:
            candidates.append(found)
        prev_blank = False

    counts = Counter(c.name.lower() for c in candidates if c.name)
    strong = {
        c.name.lower()
        for c in candidates
        if c.style in ("bold", "bracket", "custom", "paren-time", "otter")
        or c.timestamp_ms is not None
        or KNOWN_LABEL.match(c.name)
        or counts[c.name.lower()] >= 2
    }
    accepted: list[_Candidate] = []
    for c in candidates:
        if c.style == "timestamp":
            accepted.append(c)
        elif c.name.lower() in strong:
            accepted.append(c)
        elif (
            strong
            and _is_capitalised(c.name)
            and len(c.name.split()) <= 3
            and c.content_start > c.line_start
        ):
            accepted.append(c)

    turns: list[TurnSpan] = []

    def add_unlabelled(start: int, end: int) -> None:
        # one turn per paragraph, no speaker
        pos = start
        for m in re.finditer(r"\n[ \t]*\n", text[start:end]):
            _add(turns, text, pos, start + m.start(), None, None, None, None)
            pos = start + m.end()
        _add(turns, text, pos, end, None, None, None, None)

    if not accepted:
        add_unlabelled(0, len(text))
        return turns
    add_unlabelled(0, accepted[0].line_start)
    for i, c in enumerate(accepted):
        end = accepted[i + 1].line_start if i + 1 < len(accepted) else len(text)
        speaker = c.name or None
        role = config.role_of(c.name) if c.name else None
        _add(turns, text, c.content_start, end, speaker, c.line_start, role, c.timestamp_ms)
    return turns


def _add(
    turns: list[TurnSpan],
    text: str,
    start: int,
    end: int,
    speaker: str | None,
    label_start: int | None,
    role: str | None,
    ts: int | None,
) -> None:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    if start >= end and speaker is None:
        return
    if start > end:
        start = end
    turns.append(TurnSpan(start, end, speaker, label_start, role, ts))
