"""Language detection on the committed paragraphs (tests/data/languages), offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.core.lang import LANGUAGES, detect, detect_language, name_of

DATA = Path(__file__).resolve().parent.parent / "data" / "languages"
LANGS = ("id", "ms", "en", "fr", "es", "de", "nl", "pt")


def paragraphs(lang: str) -> list[str]:
    text = (DATA / f"{lang}.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("lang", LANGS)
def test_every_committed_paragraph_is_detected(lang: str) -> None:
    found = paragraphs(lang)
    assert len(found) >= 20
    wrong = [(p[:60], detect(p).lang) for p in found if detect(p).lang != lang]
    assert wrong == []


def test_the_detector_knows_the_eight_languages() -> None:
    assert set(LANGS) <= set(LANGUAGES)


def test_indonesian_wins_ties_with_malay() -> None:
    # only words both languages share
    d = detect("Saya sudah datang ke sana dengan anak saya, tapi masih belum selesai.")
    assert d.scores[0][1] == d.scores[1][1] and {d.scores[0][0], d.scores[1][0]} == {"id", "ms"}
    assert d.lang == "id"
    assert detect_language("Saya tak faham kenapa borang ni kena hantar kat pejabat.") == "ms"


def test_no_known_word_gives_the_default_and_is_not_sure() -> None:
    d = detect("12345 ---", default="en")
    assert (d.lang, d.known, d.sure) == ("en", 0, False)
    assert detect(" ".join(paragraphs("id"))).sure


def test_names() -> None:
    assert name_of("id") == "Indonesian (id)"
    assert name_of("zz") == "zz"
