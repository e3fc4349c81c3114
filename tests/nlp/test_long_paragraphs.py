"""Paragraphs over spaCy's max_length (E088) give the same sentences as one run with
max_length raised."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.cli import cli
from qualcode.core.model import TurnSpan
from qualcode.nlp.pipeline import get_pipeline, pipe_sentences
from qualcode.nlp.segment import segment

PIECES = [
    "Saya", "antre", "dua", "jam", "di", "kantor", "camat", ".", "Petugas", "datang",
    "telat", "!", "Rp.", "50.000", "?", "Dr.", "Ani", "bilang", ",", "ya", "...",
    "Jl.", "Merdeka", "no.", "5", '"', "kata", "dia", '"', "(", "itu", ")", "?!",
    "ok", "The", "officer", "said", "U.S.", "e.g.", ";", ":", "—", "–", "...!",
]  # fmt: skip


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=400))
    seps = draw(
        st.lists(
            st.sampled_from([" ", " ", " ", "  ", "\n", ""]),
            min_size=len(parts),
            max_size=len(parts),
        )
    )
    text = "".join(p + s for p, s in zip(parts, seps, strict=True))
    if draw(st.booleans()):  # a sentence longer than a window: no end for a while
        text = "kata " * draw(st.integers(20, 300)) + text
    return text


def _reference(lang: str, text: str) -> list[tuple[int, int, list[list[int]]]]:
    nlp = get_pipeline(lang)
    from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER

    doc = nlp(text)
    arr = doc.to_array([LOWER, IS_PUNCT, IS_SPACE]).tolist()
    return [(s.start_char, s.end_char, arr[s.start : s.end]) for s in doc.sents]


@settings(derandomize=True, deadline=None, max_examples=150)
@given(paragraphs(), st.integers(30, 400), st.sampled_from(["id", "en"]))
def test_windows_give_the_sentences_of_one_run(text: str, window: int, lang: str) -> None:
    got = next(pipe_sentences(get_pipeline(lang), [text], max_length=window))
    assert got == _reference(lang, text)


def test_short_texts_keep_their_order_around_a_long_one() -> None:
    nlp = get_pipeline("en")
    texts = ["One. Two.", "kata " * 100 + "end. Next one.", "Three."]
    got = list(pipe_sentences(nlp, texts, max_length=60))
    assert got == [_reference("en", t) for t in texts]


@pytest.mark.slow
def test_a_paragraph_over_a_million_characters_segments_as_with_max_length_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentence = "Saya antre dua jam di kantor camat, petugas datang telat sekali. "
    body = sentence * (1_050_000 // len(sentence) + 1)  # one paragraph, no blank line
    text = "Narasumber: " + body
    turns = [TurnSpan(start=len("Narasumber: "), end=len(text), speaker="Narasumber")]
    nlp = get_pipeline("id")
    assert len(body) > nlp.max_length
    windows = segment(text, turns, "id")
    monkeypatch.setattr(nlp, "max_length", 10 * len(text))
    raised = segment(text, turns, "id")
    assert windows == raised
    assert len(windows) == body.count(". ")


@pytest.mark.slow
def test_import_of_a_transcript_with_a_huge_paragraph_is_not_a_traceback(
    tmp_path: Path, empty_project: object
) -> None:
    path = tmp_path / "huge_paragraph.txt"
    path.write_text(
        "Pewawancara: Berapa lama?\n\nNarasumber: " + "Saya antre lama sekali. " * 45_000,
        encoding="utf-8",
    )
    r = CliRunner().invoke(
        cli, ["--project", str(tmp_path / "qualcode.db"), "import", str(path)], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "45001 sentences" in r.stdout or "45,001 sentences" in r.stdout
