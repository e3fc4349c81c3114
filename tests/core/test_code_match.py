"""The picker's matching: word order, words inside words, lemmas, both label
languages, ids, aliases, definitions, typos, and recent codes first."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from qualcode.core.code_match import CodeIndex
from qualcode.core.codebook import Code, Codebook, Rules

CODES = Codebook(
    codes=(
        Code(
            "procedure",
            {"id": "Prosedur pelayanan", "en": "Service procedure"},
            description="Tata cara pelayanan.",
        ),
        Code(
            "procedure.not_sop",
            {"id": "Pelayanan tidak sesuai SOP", "en": "Service not following the SOP"},
            parent="procedure",
        ),
        Code(
            "procedure.unclear",
            {"id": "Persyaratan tidak jelas", "en": "Unclear requirements"},
            parent="procedure",
        ),
        Code(
            "procedure.clear",
            {"id": "Persyaratan jelas", "en": "Clear requirements"},
            parent="procedure",
        ),
        Code(
            "time.wait",
            {"id": "Antrean lama", "en": "Long queue"},
            aliases=("time.queue",),
            description="Lama mengantre di loket.",
        ),
        Code(
            "cost.fee",
            {"id": "Pungutan tidak resmi", "en": "Unofficial fees"},
            key="3a",
            description="Uang rokok, uang pelicin.",
            rules=Rules(keywords={"id": ("pungli", "calo")}),
        ),
        Code("staff", "Dilayani dengan ramah"),
    )
)


def top(index: CodeIndex, query: str, recent: Iterable[str] = ()) -> str:
    ranked = index.rank(query, list(recent))
    assert ranked, query
    return ranked[0][0].id


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("syarat tidak", "procedure.unclear"),  # the example: inner word
        ("tidak syarat", "procedure.unclear"),  # any order
        ("syarat jelas", "procedure.clear"),  # the closer label wins
        ("jelas persyaratan", "procedure.clear"),
        ("unclear requirements", "procedure.unclear"),  # English labels
        ("requirements clear", "procedure.clear"),
        ("time.queue", "time.wait"),  # an alias
        ("time.wa", "time.wait"),  # an id prefix
        ("3a", "cost.fee"),  # the key
        ("uang pelicin", "cost.fee"),  # the definition
        ("pungli", "cost.fee"),  # the rules' keywords
        ("antrian lama", "time.wait"),  # a typo
        ("pelayann tdk sesuai sop", "procedure.not_sop"),  # typo and abbreviation
    ],
)
def test_a_query_finds_the_code_meant(query: str, expected: str) -> None:
    assert top(CodeIndex(CODES), query) == expected


def test_lemmas_link_forms_that_share_no_letters_run() -> None:
    """``bought`` and ``Buying`` share a lemma: neither holds the other and they are
    too far apart for a typo, so only the lemma links them."""
    codebook = Codebook(codes=(Code("buy", "Buying a permit"), Code("wait", "Waiting")))
    lemmas = {"bought": "buy", "buying": "buy", "waiting": "wait"}

    def lemma(word: str) -> Iterable[str]:
        return [lemmas.get(word, word)]

    assert CodeIndex(codebook).rank("bought") == []
    assert [c.id for c, _ in CodeIndex(codebook, lemma).rank("bought")] == ["buy"]


def test_recent_codes_rank_first_among_equals() -> None:
    index = CodeIndex(CODES)
    # the shorter label covers more of itself
    assert top(index, "persyaratan") == "procedure.clear"
    assert top(index, "persyaratan", recent=["procedure.unclear"]) == "procedure.unclear"
    # an empty query: recent first, then the codebook's order
    assert [c.id for c, _ in index.rank("", ["cost.fee", "time.wait"])][:3] == [
        "cost.fee",
        "time.wait",
        "procedure",
    ]


def test_recent_does_not_beat_a_better_match() -> None:
    index = CodeIndex(CODES)
    assert top(index, "syarat tidak jelas", recent=["procedure.clear"]) == "procedure.unclear"


def test_nothing_matches_nonsense() -> None:
    assert CodeIndex(CODES).rank("zzqx") == []
