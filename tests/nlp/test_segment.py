"""Sentences from blank spaCy pipelines: inside turns, never the label."""

from __future__ import annotations

from qualcode.importers.speakers import find_turns
from qualcode.nlp.pipeline import get_pipeline, lemma_table
from qualcode.nlp.segment import segment


def test_sentences_never_cross_turns_or_include_labels() -> None:
    text = (
        "Pewawancara: Berapa lama Ibu mengantre? Lama sekali ya.\n"
        "Narasumber: Dua jam. Petugasnya baru datang jam sembilan.\n\nLalu saya pulang.\n"
    )
    turns = find_turns(text)
    sentences = segment(text, turns, "id")
    assert [text[s.start : s.end] for s in sentences] == [
        "Berapa lama Ibu mengantre?",
        "Lama sekali ya.",
        "Dua jam.",
        "Petugasnya baru datang jam sembilan.",
        "Lalu saya pulang.",
    ]
    assert [s.turn_index for s in sentences] == [0, 0, 1, 1, 1]
    for s in sentences:
        t = turns[s.turn_index or 0]
        assert t.start <= s.start < s.end <= t.end


def test_lemmas_come_from_the_lookup_table_lowercased() -> None:
    text = "Narasumber: Mengantre di loket, menunggu petugasnya.\n"
    sentences = segment(text, find_turns(text), "id")
    assert sentences[0].lemmas.split() == ["antre", "di", "loket", "tunggu", "tugas"]
    assert lemma_table("id")["menunggu"] == "tunggu"


def test_indonesian_abbreviations_do_not_split_sentences() -> None:
    nlp = get_pipeline("id")
    doc = nlp("Biayanya Rp. 50.000 di Jl. Merdeka No. 3. Saya bayar.")
    assert [s.text for s in doc.sents] == [
        "Biayanya Rp. 50.000 di Jl. Merdeka No. 3.",
        "Saya bayar.",
    ]


def test_english_sentences() -> None:
    text = "Interviewer: How long did you wait? Be honest.\nParticipant: Two hours.\n"
    sentences = segment(text, find_turns(text), "en")
    assert len(sentences) == 3
