"""From a document's paragraphs to the text a coder reads, with speaker turns.

Word, OpenDocument, HTML, PDF and subtitle importers each turn their format into a
list of :class:`Block` (a paragraph, perhaps with a speaker label known from the
markup: a bold run at the start, a table's first column, a WebVTT voice tag, and
perhaps a cue timestamp). :func:`assemble` writes the blocks as plain text, one
paragraph per block separated by blank lines, writing a markup label as
``Name: text`` so that every offset refers to what the coder sees; then finds the
turns with :func:`~qualcode.importers.speakers.find_turns` and puts each block's
timestamp on the turn that starts in it.

A markup label is only trusted when it is certain (a voice tag), a known role word
(``Pewawancara``, ``P1``), or when the same bold prefix starts at least two
paragraphs: a paragraph that merely begins with an emphasised word keeps its text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from qualcode.core.model import ImportedDocument, TurnSpan
from qualcode.errors import InputError
from qualcode.i18n import _, plural
from qualcode.importers.decode import normalize
from qualcode.importers.speakers import KNOWN_LABEL, SpeakerConfig, analyse_turns

MAX_LABEL = 40
_LABEL_PUNCT = re.compile(r"[,;?!\"“”()]|\.$")


@dataclass(frozen=True)
class Block:
    """One paragraph of a document.

    Attributes:
        text: the paragraph's text as written (``\\n`` for a line break inside it).
        label: a speaker label the markup shows (bold prefix, table column, voice).
        body: the text after the label (used when the label is trusted).
        sure: the label is certain (a voice tag), not only likely (bold text).
        timestamp_ms: the cue time the paragraph starts at.
    """

    text: str
    label: str | None = None
    body: str = ""
    sure: bool = False
    timestamp_ms: int | None = None


def plausible_label(text: str) -> bool:
    """Could ``text`` (without its colon) be a speaker label?"""
    text = text.strip()
    if bool(KNOWN_LABEL.match(text)):
        return True
    return (
        0 < len(text) <= MAX_LABEL
        and len(text.split()) <= 4
        and not _LABEL_PUNCT.search(text)
        and not text[0].isdigit()
    )


def bold_block(runs: Sequence[tuple[str, bool]], timestamp_ms: int | None = None) -> Block:
    """A :class:`Block` from one paragraph's ``[(text, bold), ...]`` runs.

    The paragraph's leading bold text is a candidate label (a colon right after it,
    bold or not, belongs to the label); a paragraph that is all bold may be a label
    on a line of its own, with the answer in the next paragraph.
    """
    full = "".join(t for t, _ in runs)
    label = ""
    i = 0
    while i < len(runs) and (runs[i][1] or not runs[i][0].strip()):
        label += runs[i][0]
        i += 1
    rest = "".join(t for t, _ in runs[i:])
    label = label.strip()
    if not label:
        return Block(full, timestamp_ms=timestamp_ms)
    if label.endswith(":"):
        label = label[:-1].rstrip()
    else:
        stripped = rest.lstrip()
        if stripped.startswith(":"):
            rest = stripped[1:]
    if not label or not plausible_label(label):
        return Block(full, timestamp_ms=timestamp_ms)
    return Block(full, label=label, body=rest.strip(" \t"), timestamp_ms=timestamp_ms)


def _label_pattern(labels: set[str]) -> str:
    names = "|".join(re.escape(n) for n in sorted(labels, key=len, reverse=True))
    return r"^(?P<name>" + names + r")[ \t]*:[ \t]*"


def assemble(
    path: Path,
    blocks: Sequence[Block],
    *,
    fmt: str,
    speakers: SpeakerConfig | None,
    name: str | None,
    encoding: str = "utf-8",
    notices: tuple[str, ...] = (),
    meta: dict[str, str] | None = None,
) -> ImportedDocument:
    """Write ``blocks`` as text and find the turns.

    Raises:
        InputError: when the blocks hold no text.
    """
    config = speakers or SpeakerConfig()
    counts = Counter(b.label.lower() for b in blocks if b.label)
    trusted = {
        b.label
        for b in blocks
        if b.label and (b.sure or counts[b.label.lower()] >= 2 or KNOWN_LABEL.match(b.label))
    }
    parts: list[str] = []
    starts: list[tuple[int, Block]] = []
    pos = 0
    for b in blocks:
        if b.label is not None and b.label in trusted:
            body = normalize(b.body).strip()
            line = f"{b.label}: {body}" if body else f"{b.label}:"
        else:
            line = normalize(b.text).strip("\n")
            if not line.strip():
                continue
        if parts:
            pos += 2  # the blank line between paragraphs
        starts.append((pos, b))
        parts.append(line)
        pos += len(line)
    text = normalize("\n\n".join(parts))
    if not text.strip():
        raise InputError(_("file has no text"), path=path, hint=_("nothing to import"))
    text += "\n"
    if trusted:
        config = replace(config, patterns=(_label_pattern(trusted), *config.patterns))
    analysis = analyse_turns(text, config)
    turns = _timestamps(list(analysis.turns), starts)
    return ImportedDocument(
        name=name or path.stem,
        text=text,
        turns=tuple(turns),
        source_path=str(path),
        source_format=fmt,
        encoding=encoding,
        notices=notices,
        meta=meta or {},
        speakers=analysis.speakers,
        warnings=_paragraph_warnings(text, analysis.unrecognised, analysis.kept),
    )


def _paragraph_warnings(
    text: str, unrecognised: Sequence[int], kept: Sequence[int]
) -> tuple[str, ...]:
    """Warnings about label-like lines, naming paragraphs (a Word or HTML file has no
    lines of its own: the n-th paragraph is what the user can find)."""
    if not unrecognised and not kept:
        return ()
    paragraph_of: dict[int, int] = {}
    paragraph = 0
    previous_blank = True
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            previous_blank = True
            continue
        if previous_blank:
            paragraph += 1
        previous_blank = False
        paragraph_of[number] = paragraph
    out = []
    items = [paragraph_of.get(n, n) for n in unrecognised]
    if items:
        out.append(
            plural(
                len(items),
                "{n} paragraph looks like a speaker label that was not recognised (it is "
                "a turn without a speaker): paragraph {where}",
                "{n} paragraphs look like speaker labels that were not recognised (each is "
                "a turn without a speaker): paragraphs {where}",
                where=", ".join(map(str, items)),
            )
        )
    inside = [paragraph_of.get(n, n) for n in kept]
    if inside:
        out.append(
            plural(
                len(inside),
                "{n} line inside a turn looks like a speaker label of someone who speaks "
                "only there (kept in the turn): paragraph {where}",
                "{n} lines inside a turn look like a speaker label of someone who speaks "
                "only there (kept in the turn): paragraphs {where}",
                where=", ".join(map(str, inside)),
            )
        )
    return tuple(out)


def _timestamps(turns: list[TurnSpan], starts: list[tuple[int, Block]]) -> list[TurnSpan]:
    """Put each block's timestamp on the turn that starts in it (if it has none)."""
    if not any(b.timestamp_ms is not None for _, b in starts):
        return turns
    import bisect

    offsets = [s for s, _ in starts]
    out: list[TurnSpan] = []
    used: set[int] = set()
    for t in turns:
        begin = t.label_start if t.label_start is not None else t.start
        i = bisect.bisect_right(offsets, begin) - 1
        if t.timestamp_ms is None and i >= 0 and i not in used:
            ts = starts[i][1].timestamp_ms
            if ts is not None:
                t = replace(t, timestamp_ms=ts)
                used.add(i)
        out.append(t)
    return out
