"""Transcripts exported as subtitles: WebVTT (``.vtt``, webvtt-py) and SubRip
(``.srt``, srt).

Transcription services cut speech into short cues. We join them back into turns:

* a WebVTT voice tag ``<v Name>`` is a certain speaker label; consecutive cues of
  the same voice become one paragraph;
* otherwise a cue that starts with ``Name:`` (Zoom, many services) starts a turn,
  and cues without a label continue the current turn;
* subtitles with no speakers at all become paragraphs, a new one after a pause of
  :data:`PAUSE_MS` or more.

Every turn keeps the start time of the cue it starts in (``timestamp_ms``). Markup
inside cues (``<i>``, ``<c.x>``, ``{\\an8}``, inline timestamps) is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qualcode.core.model import ImportedDocument, TurnSpan
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.importers.blocks import Block, assemble
from qualcode.importers.decode import decode_text, normalize, read_bytes
from qualcode.importers.speakers import SpeakerConfig, find_turns, parse_timestamp

PAUSE_MS = 2000
"""A pause this long between unlabelled cues starts a new paragraph."""

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")


@dataclass(frozen=True)
class Cue:
    """One subtitle cue: start time, and its text split by voice."""

    start_ms: int
    parts: tuple[tuple[str | None, str], ...]  # (voice, text)


def _clean(text: str) -> str:
    text = _TAG.sub("", text)
    import html

    text = html.unescape(text)
    return " ".join(line.strip() for line in text.split("\n") if line.strip())


def _voice_parts(raw: str) -> tuple[tuple[str | None, str], ...]:
    parts: list[tuple[str | None, str]] = []
    pos = 0
    voice: str | None = None
    for m in _VOICE.finditer(raw):
        before = _clean(raw[pos : m.start()])
        if before:
            parts.append((voice, before))
        voice = (m.group(1) or "").strip() or None
        pos = m.end()
    rest = _clean(raw[pos:])
    if rest:
        parts.append((voice, rest))
    return tuple(parts)


def cues_to_blocks(cues: list[Cue], speakers: SpeakerConfig | None) -> list[Block]:
    """Join cues into paragraphs (see the module docstring)."""
    if any(v for c in cues for v, _ in c.parts):
        return _voiced_blocks(cues)
    # labels written inside the cues: find them over the whole text, as a transcript
    lines = [" ".join(t for _, t in c.parts) for c in cues]
    draft = "\n".join(lines)
    starts: list[int] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    labelled = {t.label_start: t for t in find_turns(draft, speakers) if t.label_start is not None}
    if not labelled:
        return _paused_blocks(cues, lines)
    return _labelled_blocks(cues, lines, starts, draft, labelled)


def _voiced_blocks(cues: list[Cue]) -> list[Block]:
    """Cues with WebVTT voice tags: a paragraph per run of one voice."""
    blocks: list[Block] = []
    for cue in cues:
        for voice, text in cue.parts:
            last = blocks[-1] if blocks else None
            if last is not None and (voice is None or voice == last.label):
                blocks[-1] = Block(
                    last.text + " " + text,
                    label=last.label,
                    body=(last.body + " " + text).strip(),
                    sure=last.sure,
                    timestamp_ms=last.timestamp_ms,
                )
            elif voice is None:
                blocks.append(Block(text, timestamp_ms=cue.start_ms))
            else:
                blocks.append(
                    Block(
                        f"{voice}: {text}",
                        label=voice,
                        body=text,
                        sure=True,
                        timestamp_ms=cue.start_ms,
                    )
                )
    return blocks


def _paused_blocks(cues: list[Cue], lines: list[str]) -> list[Block]:
    """Cues without speakers: a new paragraph after a pause of PAUSE_MS or more."""
    blocks: list[Block] = []
    previous_start: int | None = None
    for cue, line in zip(cues, lines, strict=True):
        if not line:
            continue
        if blocks and previous_start is not None and cue.start_ms - previous_start < PAUSE_MS:
            last = blocks[-1]
            blocks[-1] = Block(last.text + " " + line, timestamp_ms=last.timestamp_ms)
        else:
            blocks.append(Block(line, timestamp_ms=cue.start_ms))
        previous_start = cue.start_ms
    return blocks


def _labelled_blocks(
    cues: list[Cue], lines: list[str], starts: list[int], draft: str, labelled: dict[int, TurnSpan]
) -> list[Block]:
    """Cues with ``Name:`` labels: a labelled cue starts a turn (or continues the
    same speaker's), an unlabelled one continues the current turn."""
    blocks: list[Block] = []
    for cue, line, start in zip(cues, lines, starts, strict=True):
        if not line:
            continue
        turn = labelled.get(start)
        if turn is not None and turn.speaker:
            body = draft[turn.start : start + len(line)].strip()
            if blocks and blocks[-1].label == turn.speaker:
                last = blocks[-1]
                blocks[-1] = Block(
                    last.text + " " + body,
                    label=last.label,
                    body=(last.body + " " + body).strip(),
                    sure=True,
                    timestamp_ms=last.timestamp_ms,
                )
            else:
                blocks.append(
                    Block(line, label=turn.speaker, body=body, sure=True, timestamp_ms=cue.start_ms)
                )
        elif blocks:
            last = blocks[-1]
            blocks[-1] = Block(
                last.text + " " + line,
                label=last.label,
                body=(last.body + " " + line).strip(),
                sure=last.sure,
                timestamp_ms=last.timestamp_ms,
            )
        else:
            blocks.append(Block(line, timestamp_ms=cue.start_ms))
    return blocks


def _text(path: Path, encoding: str | None) -> tuple[str, str, tuple[str, ...]]:
    decoded = decode_text(read_bytes(path), path, encoding=encoding)
    return normalize(decoded.text), decoded.encoding, decoded.notices


def read_vtt(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a WebVTT transcript (voice tags become speakers).

    Raises:
        InputError: not WebVTT, a malformed cue, or no cue with text.
    """
    import io

    import webvtt
    from webvtt.errors import MalformedFileError

    text, enc, notices = _text(path, encoding)
    if not text.lstrip().startswith("WEBVTT"):
        raise InputError(
            _("is not a WebVTT file (it does not start with WEBVTT)"),
            path=path,
            hint=_("rename a SubRip file to .srt"),
        )
    _check_vtt_blocks(text, path)
    try:
        captions = webvtt.from_buffer(io.StringIO(text.lstrip()))
    except (OverflowError, ValueError):
        raise _impossible_time(text, path) from None
    except MalformedFileError as exc:
        raise InputError(
            _("is a malformed WebVTT file ({exc})").format(exc=exc), path=path
        ) from None
    cues = [
        Cue(parse_timestamp(c.start) or 0, _voice_parts(c.raw_text))
        for c in captions.captions
        if c.raw_text.strip()
    ]
    return _finish(path, cues, "vtt", speakers, name, enc, notices)


# the time lines the parsers accept (webvtt-py without strict, srt), so the check
# below refuses only blocks they would skip or glue to the cue before
_VTT_STAMP = r"(?:\d+:)?\d{1,2}:\d{1,2}\.\d{1,3}"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_STAMP}\s*-->\s*{_VTT_STAMP}")
_SRT_STAMP = r"\d+[,.:，．。：]\d+[,.:，．。：]\d+[,.:，．。：]?\d*"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_STAMP} *-[ -] *> *{_SRT_STAMP}")
_VTT_OTHER = re.compile(r"^(NOTE|STYLE|REGION)(\s|$)")
_ARROW = re.compile(r"-[ -] *>")


def _check_vtt_blocks(text: str, path: Path, *, header: bool = True) -> None:
    """Refuse a block that is neither a cue nor a note: webvtt-py would skip it (and
    srt would glue it to the cue before), and its words (a speaker's turn whose time
    line was mistyped) would be lost or garbled."""
    line_no = 1
    first = header
    # both parsers end a block at an empty line only (a line of spaces is text)
    for block in re.split(r"(\n\n+)", text):
        if block.startswith("\n"):  # a separator: count its lines
            line_no += block.count("\n")
            continue
        lines = block.split("\n")
        if not block.strip():
            line_no += len(lines) - 1
            continue
        if first:  # the WEBVTT header and its text
            first = False
        elif block.strip() and not (header and _VTT_OTHER.match(lines[0])):
            timing = next((i for i, ln in enumerate(lines[:2]) if _ARROW.search(ln)), None)
            if timing is not None and any(
                len(re.match(r"\s*(\d*)", side).group(1)) > 4  # type: ignore[union-attr]
                for side in _ARROW.split(lines[timing], maxsplit=1)
            ):
                # a parser would overflow or skip the cue silently
                raise _impossible_time(text, path)
            if timing is None or not (_VTT_TIMING if header else _SRT_TIMING).match(lines[timing]):
                numbered = lines[0].strip().isdigit() and len(lines) > 1
                at = line_no + (timing if timing is not None else int(numbered))
                if not header:
                    raise InputError(
                        _(
                            "is a malformed SubRip file (a cue is not 'number / time --> time / text')"
                        ),
                        path=path,
                        line=at,
                    )
                raise InputError(
                    _("a cue without a valid time line, whose text would be lost"),
                    path=path,
                    line=at,
                    hint=_("a cue starts with 'HH:MM:SS.mmm --> HH:MM:SS.mmm'"),
                )
        line_no += len(lines) - 1


def read_srt(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a SubRip (``.srt``) transcript.

    Raises:
        InputError: a malformed file or no cue with text.
    """
    import srt

    text, enc, notices = _text(path, encoding)
    try:
        subtitles = list(srt.parse(text, ignore_errors=False))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.expected_start) + 1
        raise InputError(
            _("is a malformed SubRip file (a cue is not 'number / time --> time / text')"),
            path=path,
            line=line,
        ) from None
    except (OverflowError, ValueError):
        raise _impossible_time(text, path) from None
    _check_vtt_blocks(text, path, header=False)  # a cue srt glued to the one before
    cues = [
        Cue(int(s.start.total_seconds() * 1000), ((None, _clean(s.content)),))
        for s in subtitles
        if _clean(s.content)
    ]
    return _finish(path, cues, "srt", speakers, name, enc, notices)


_HUGE_HOURS = re.compile(r"^[ \t]*(\d{5,})[ \t]*:", re.MULTILINE)


def _impossible_time(text: str, path: Path) -> InputError:
    """One line for a cue time no recording can have (``99999999999:00:00,000``)."""
    m = _HUGE_HOURS.search(text) or re.search(r"\d{5,}\s*:\d", text)
    line = text.count("\n", 0, m.start()) + 1 if m else None
    return InputError(
        _("a cue time is out of range (more hours than any recording has)"),
        path=path,
        line=line,
        hint=_("check its time lines: hours, minutes, seconds"),
    )


def _finish(
    path: Path,
    cues: list[Cue],
    fmt: str,
    speakers: SpeakerConfig | None,
    name: str | None,
    enc: str,
    notices: tuple[str, ...],
) -> ImportedDocument:
    if not cues:
        raise InputError(_("has no cues with text"), path=path, hint=_("nothing to import"))
    return assemble(
        path,
        cues_to_blocks(cues, speakers),
        fmt=fmt,
        speakers=speakers,
        name=name,
        encoding=enc,
        notices=notices,
    )
