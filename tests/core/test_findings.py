"""The findings chapter's words: every one has its Indonesian, times and dates read
as a person writes them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from qualcode.core import findings
from qualcode.core.findings import INDONESIAN, Words, timestamp


def _msgids() -> list[str]:
    """Every literal the chapter passes through its words (``self.w("...")``)."""
    tree = ast.parse(Path(findings.__file__).read_text(encoding="utf-8"))
    out: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "w"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(node.args[0].value)
    return out


def test_every_word_of_the_chapter_has_its_indonesian() -> None:
    used = _msgids()
    assert len(used) > 30
    assert [m for m in used if m not in INDONESIAN] == []
    # and the placeholders survive the translation
    for msgid, text in INDONESIAN.items():
        assert sorted(_fields(msgid)) == sorted(_fields(text)), msgid


def _fields(text: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "00:00"), (26_000, "00:26"), (61_999, "01:01"), (3_600_000, "01:00:00"),
     (3_725_000, "01:02:05"), (-5, "00:00")],
)  # fmt: skip
def test_transcript_times(ms: int, text: str) -> None:
    assert timestamp(ms) == text


def test_words_in_both_languages() -> None:
    en, ind = Words("en"), Words("id")
    assert (en("Key extracts"), ind("Key extracts")) == ("Key extracts", "Kutipan kunci")
    assert ind("not a msgid") == "not a msgid"
    assert [en.count("passages", n) for n in (0, 1, 2)] == ["0 passages", "1 passage", "2 passages"]
    assert ind.count("themes", 1) == "1 tema"
    assert en.date("2026-01-15T09:30:00Z") == "15 January 2026"
    assert ind.date("2026-08-01") == "1 Agustus 2026"
    assert en.date("soon") == "soon"
