"""Import never loses or duplicates a character of speech.

Transcripts are generated in every label style (plain, bold, timestamped, bracketed,
joint, two forms of one name, French spacing, on a line of their own), with front
matter, Markdown markup in the speech, annotations and hard wrapping; the turns'
texts joined must equal the speech that was written (after front matter and markup
removal), word for word, and each turn must have the speaker that was written.
"""

from __future__ import annotations

import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.importers.base import read_transcript
from tests.conftest import hypothesis_examples

WORDS = (
    "saya antre dua jam di loket petugasnya datang terlambat biaya surat pengantar "
    "kami waited hours at the counter officer said the system was down berkas ditolak"
).split()
ANNOTATIONS = ("[inaudible]", "(laughs)", "[crosstalk]", "[tertawa]", "[00:12:34]", "(00:01:02)")
# (raw Markdown, the text it leaves)
MARKUP = (
    ("*antre*", "antre"),
    ("_lama_", "lama"),
    ("**sekali**", "sekali"),
    ("`SOP`", "SOP"),
    ("[papan](https://sukamaju.go.id/papan)", "papan"),
    ("~~mahal~~", "mahal"),
)


@dataclass(frozen=True)
class Written:
    """A generated transcript: the file's text, its speech words, the speakers."""

    source: str
    speech: list[str]
    speakers: list[tuple[str, ...]]


@st.composite
def speech_line(draw: st.DrawFn, markdown: bool) -> tuple[str, str]:
    """(raw line, the text it leaves) of speech: words, annotations, markup."""
    raw: list[str] = []
    clean: list[str] = []
    n = draw(st.integers(1, 9))
    for i in range(n):
        kind = draw(st.sampled_from(["word", "word", "word", "note", "markup"]))
        if kind == "note" and i > 0:
            note = draw(st.sampled_from(ANNOTATIONS))
            raw.append(note)
            clean.append(note)
        elif kind == "markup" and markdown:
            r, c = draw(st.sampled_from(MARKUP))
            raw.append(r)
            clean.append(c)
        else:
            w = draw(st.sampled_from(WORDS))
            raw.append(w)
            clean.append(w)
    end = draw(st.sampled_from([".", "?", "!", ""]))
    return " ".join(raw) + end, " ".join(clean) + end


NAMES = ("Gita", "Budi Santoso", "Pak RT", "Bu Sari", "Marie")
ROLES = ("Pewawancara", "Informan", "Interviewer 1", "Respondent", "Int.", "P1", "Moderator")


@st.composite
def transcript(draw: st.DrawFn) -> tuple[Written, str]:
    markdown = draw(st.booleans())
    wrap = draw(st.booleans())
    parts: list[str] = []
    speech: list[str] = []
    speakers: list[tuple[str, ...]] = []
    front = draw(st.sampled_from(["", "yaml", "toml"]))
    if front == "yaml":
        parts.append("---\ntitle: Wawancara\ndate: 2024-05-01\nguests: [Gita, Budi]\n---\n")
    elif front == "toml":
        parts.append('+++\ntitle = "Wawancara"\nguests = ["Gita"]\n+++\n')
    if wrap:
        # hard-wrapped at a fixed width: role labels, turns on consecutive lines
        pool = draw(st.lists(st.sampled_from(ROLES), min_size=2, max_size=3, unique=True))
        width = draw(st.integers(45, 80))
        lines: list[str] = []
        for _ in range(draw(st.integers(3, 8))):
            role = draw(st.sampled_from(pool))
            body = [draw(speech_line(False)) for _ in range(draw(st.integers(2, 4)))]
            raw = f"{role}: " + " ".join(r for r, _ in body)
            lines.extend(textwrap.wrap(raw, width, break_long_words=False))
            speech.extend(" ".join(c for _, c in body).split())
            speakers.append((role,))
        parts.append("\n".join(lines) + "\n")
        return Written("\n".join(parts), speech, speakers), ".txt"
    # one or two forms of names, joint turns, every label style
    aliases = {"Gita": "G", "Budi Santoso": "B"}
    introduced: set[str] = set()
    for _ in range(draw(st.integers(2, 8))):
        joint = draw(st.integers(0, 5)) == 0
        who: tuple[str, ...] = (
            tuple(draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=2, unique=True)))
            if joint
            else (draw(st.sampled_from(NAMES + ROLES)),)
        )
        written = []
        for name in who:
            if name in aliases and name in introduced and draw(st.booleans()):
                written.append(aliases[name])
            elif name in aliases and name not in introduced and draw(st.booleans()):
                written.append(f"{name} ({aliases[name]})")
                introduced.add(name)
            else:
                written.append(name)
        label = " & ".join(written)
        style = draw(st.sampled_from(["bold", "timestamp", "after", "french", "own"]))
        if style == "bold":
            head = f"**{label}:** " if markdown else f"[00:0{len(parts) % 10}:00] {label}: "
        elif style == "timestamp":
            head = f"[00:01:{len(parts) % 60:02d}] {label}: "
        elif style == "after":
            head = f"{label} [00:02:{len(parts) % 60:02d}]: "
        elif style == "french":
            head = f"{label}\u00a0: "
        else:
            head = f"{label} (00:03:{len(parts) % 60:02d})\n"
        body = [draw(speech_line(markdown)) for _ in range(draw(st.integers(1, 3)))]
        sep = draw(st.sampled_from(["\n", "\n\n"]))
        parts.append(head + sep.join(r for r, _ in body) + "\n")
        for _, clean in body:
            speech.extend(clean.split())
        speakers.append(who)
    joiner = draw(st.sampled_from(["\n", ""]))
    source = parts[0] if front else ""
    source += joiner.join(parts[1:] if front else parts)
    return Written(source, speech, speakers), ".md" if markdown else ".txt"


@settings(max_examples=hypothesis_examples(250), derandomize=True, deadline=None)
@given(transcript())
def test_turns_hold_exactly_the_speech_with_its_speakers(case: tuple[Written, str]) -> None:
    written, suffix = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"t{suffix}"
        path.write_text(written.source, encoding="utf-8")
        doc = read_transcript(path)
    words = [w for t in doc.turns for w in doc.text[t.start : t.end].split()]
    assert words == written.speech
    got = [tuple(t.speakers) or ((t.speaker,) if t.speaker else ()) for t in doc.turns]
    assert got == written.speakers
    previous = 0
    for t in doc.turns:
        begin = t.label_start if t.label_start is not None else t.start
        assert previous <= begin <= t.start <= t.end <= len(doc.text)
        previous = t.end
