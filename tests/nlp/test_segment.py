"""Sentences by rule, inside turns, never the label; lemmas from the lemmatizer."""

from __future__ import annotations

from qualcode.importers.speakers import find_turns
from qualcode.nlp.pipeline import lemma_forms
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


def test_lemmas_come_from_the_lemmatizer_lowercased() -> None:
    text = "Narasumber: Mengantre di loket, menunggu petugasnya. Dipakai bekerjasama.\n"
    sentences = segment(text, find_turns(text), "id")
    # petugas (an officer) is kept apart from tugas (a task); a compound is two words
    assert [s.lemmas for s in sentences] == [
        "antre di loket tunggu petugas",
        "pakai kerja sama",
    ]
    assert lemma_forms("menunggu", ("id",)) == {"menunggu", "tunggu"}
    assert lemma_forms("Dipakai") == {"dipakai", "pakai"}


def test_indonesian_abbreviations_do_not_split_sentences() -> None:
    text = "Narasumber: Biayanya Rp. 50.000 di Jl. Merdeka No. 3. Saya bayar.\n"
    sentences = segment(text, find_turns(text), "id")
    assert [text[s.start : s.end] for s in sentences] == [
        "Biayanya Rp. 50.000 di Jl. Merdeka No. 3.",
        "Saya bayar.",
    ]


def test_a_language_without_lemmas_keeps_its_words() -> None:
    text = "Narasumber: Saya tunggu di kaunter. Borang tak lengkap.\n"
    sentences = segment(text, find_turns(text), "ms")
    assert [s.lemmas for s in sentences] == ["saya tunggu di kaunter", "borang tak lengkap"]


def test_english_sentences() -> None:
    text = "Interviewer: How long did you wait? Be honest.\nParticipant: Two hours.\n"
    sentences = segment(text, find_turns(text), "en")
    assert len(sentences) == 3
