"""Lemmas, stop words, word frequencies per group, and keyword in context."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import services
from qualcode.errors import InputError
from qualcode.nlp.morph import Lemmatizer, spacy_stop_words
from qualcode.nlp.textstats import WordCounter, stop_words
from qualcode.store import Project


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("menunggu", "tunggu"),  # in the lookup table
        ("ditunggu", "tunggu"),  # di- (not in the table)
        ("tunggunya", "tunggu"),  # -nya
        ("nungguin", "tunggu"),  # colloquial N- and -in
        ("dilayani", "layan"),  # di- -i
        ("mengantre", "antre"),  # meng-
        ("diperbaiki", "baik"),  # di-per- -i
        ("dioper-oper", "oper"),  # reduplication
        ("ktp-nya", "ktp"),  # hyphenated clitic
        ("petugasnya", "petugas"),  # not tugas
        ("kecamatan", "kecamatan"),  # not camat
        ("makan", "makan"),  # a root is never stripped
        ("bukan", "bukan"),
    ],
)
def test_indonesian_lemmas(form: str, lemma: str) -> None:
    assert Lemmatizer("id")(form) == lemma


def test_stop_words_are_spacys_read_without_importing_spacy() -> None:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.id.stop_words import STOP_WORDS as ID

    assert spacy_stop_words("id") == frozenset(ID)
    assert spacy_stop_words("en") == frozenset(EN)
    assert stop_words("id") >= frozenset(ID) | {"nggak", "udah", "aja"}


def test_counting_lemmas_without_stop_words_numbers_or_letters() -> None:
    counter = WordCounter("id", ["Saya menunggu di toilet. Toiletnya kotor."])
    counts = counter.count(["Saya menunggu, nggak ditunggu, 20 menit di toiletnya. A b"])
    assert counts == {"tunggu": 2, "menit": 1, "toilet": 1}


def test_word_frequencies_per_case_code_and_speaker(demo: Project) -> None:
    doc = "wawancara_01_pedagang_pasar"
    demo.cases.link_case("Bu Yati", doc)
    demo.cases.link_case("Pewawancara 01", doc, speaker="Pewawancara")
    by_case = services.word_frequencies(demo, by="case")
    # wawancara_06_guru: the case its front matter made at import
    assert set(by_case.counts) == {"Bu Yati", "Pewawancara 01", "wawancara_06_guru"}
    assert sum(by_case.counts["Bu Yati"].values()) > sum(by_case.counts["Pewawancara 01"].values())
    demo.codings.apply_coding(doc, "cost", 0, 100)
    demo.codings.apply_coding(doc, "cost", 50, 150)  # overlapping: words counted once
    by_code = services.word_frequencies(demo, by="code")
    assert list(by_code.counts) == ["cost"]
    text = demo.documents.document(doc).text[0:150]
    assert sum(by_code.counts["cost"].values()) == sum(
        WordCounter("id", [text]).count([text]).values()
    )
    by_speaker = services.word_frequencies(demo, by="speaker")
    assert list(by_speaker.counts) == ["participant", "interviewer"]
    header, rows = by_speaker.table(2)
    assert header == ["speaker", "rank", "word", "count", "per_1000_words"]
    assert [r[:2] for r in rows] == [
        ["participant", 1],
        ["participant", 2],
        ["interviewer", 1],
        ["interviewer", 2],
    ]
    with pytest.raises(InputError, match="unknown grouping 'topic'"):
        services.word_frequencies(demo, by="topic")


def test_kwic_context_stays_in_the_turn_and_lemma_mode_finds_forms(demo: Project) -> None:
    lines = services.keyword_in_context(demo, "Pewawancara", width=30)
    assert lines == []  # speaker labels are not text
    lines = services.keyword_in_context(demo, "tunggu", lemma=True, width=25)
    forms = {k.keyword.lower() for k in lines}
    assert {"menunggu", "nunggu", "tungguin"} <= forms
    docs = {d.name: d for d in demo.suggestions.documents_full()}
    for k in lines:
        text = docs[k.doc].text
        assert text[k.start : k.end] == k.keyword
        assert len(k.left) <= 25 and len(k.right) <= 25
        turn = docs[k.doc].turn_at(k.start)
        assert turn is not None and turn.speaker == k.speaker
        assert "\n" not in k.left + k.right
    phrase = services.keyword_in_context(demo, "uang  ROKOK")
    assert [k.keyword.lower() for k in phrase] == ["uang rokok"] * len(phrase) and phrase


def test_exports_csv_and_xlsx(demo: Project, tmp_path: Path) -> None:
    import zipfile

    lines = services.keyword_in_context(demo, "antre")
    assert services.export_kwic(lines, tmp_path / "k.csv") == "csv"
    assert (tmp_path / "k.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert services.export_kwic(lines, tmp_path / "k.data", fmt="xlsx") == "xlsx"
    with zipfile.ZipFile(tmp_path / "k.data") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<pane" in sheet and "autoFilter" in sheet
    with pytest.raises(InputError, match="cannot tell the format of 'k.txt'"):
        services.export_kwic(lines, tmp_path / "k.txt")
    with pytest.raises(InputError, match="does not exist"):
        services.export_kwic(lines, tmp_path / "missing" / "k.csv")
