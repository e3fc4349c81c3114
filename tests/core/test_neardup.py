"""Near-duplicate codes across languages, and the pairs of opposite meaning never suggested."""

from __future__ import annotations

import pytest

from qualcode.core.codebook import Code
from qualcode.core.neardup import (
    DEFAULT_THRESHOLD,
    find_near_duplicates,
    label_similarity,
    stem_en,
    stem_id,
    tokens,
)

SAME_MEANING: list[tuple[str, str, str]] = [
    # (id of the case, label a, label b)
    ("word-order-and-meN-prefix", "waktu tunggu lama", "lama waktu menunggu"),
    ("ampersand", "Facilities & infrastructure", "facilities and infrastructure"),
    ("spelling-variant", "antrean panjang", "antrian panjang"),
    ("stop-words", "Pelayanan tidak sesuai SOP", "pelayanan yang tidak sesuai dengan SOP"),
    ("per-an-confix", "Persyaratan tidak jelas", "syarat tidak jelas"),
    ("both-negated", "Tidak ada pelimpahan tugas", "tugas tidak dilimpahkan"),
    ("english-inflection", "Officers arriving late", "officer arrives late"),
    ("english-word-order", "long waiting time", "waiting time too long"),
    ("case-and-punctuation", "Ruang tunggu: nyaman!", "ruang tunggu nyaman"),
    ("peN-an", "pelayanan loket", "layanan loket"),
    ("ke-an", "keterlambatan surat", "surat terlambat"),
    ("plural-ies", "Unclear fees for facilities", "unclear fee for facility"),
]

OPPOSITE_MEANING: list[tuple[str, str, str]] = [
    ("tidak", "petugas ramah", "petugas tidak ramah"),
    ("tidak-jelas", "biaya jelas", "biaya tidak jelas"),
    ("tidak-sesuai", "Pelayanan sesuai SOP", "Pelayanan tidak sesuai SOP"),
    ("kurang", "fasilitas memadai", "fasilitas kurang memadai"),
    ("belum", "surat selesai", "surat belum selesai"),
    ("bukan", "petugas resmi", "bukan petugas resmi"),
    ("tanpa", "antre dengan nomor", "antre tanpa nomor"),
    ("ketidak-an", "ketidakjelasan biaya", "biaya jelas"),
    ("not", "staff are helpful", "staff are not helpful"),
    ("n't", "the officer came", "the officer didn't come"),
    ("no", "queue number", "no queue number"),
    ("without", "service with a fee", "service without a fee"),
    ("un-", "clear requirements", "unclear requirements"),
    ("un-friendly", "friendly officers", "unfriendly officers"),
    ("in-", "complete documents", "incomplete documents"),
    ("dis-", "satisfied residents", "dissatisfied residents"),
    ("non-", "SOP procedure", "non-SOP procedure"),
    ("antonym-murah-mahal", "biaya murah", "biaya mahal"),
    ("antonym-cepat-lambat", "pelayanan cepat", "pelayanan lambat"),
    ("antonym-lama-singkat", "waktu tunggu lama", "waktu tunggu singkat"),
    ("antonym-bersih-kotor", "toilet bersih", "toilet kotor"),
    ("antonym-ramah-kasar", "petugas ramah", "petugas kasar"),
    ("antonym-fast-slow", "fast service", "slow service"),
    ("antonym-clean-dirty", "clean waiting room", "dirty waiting room"),
    ("antonym-early-late", "officers arrive early", "officers arrive late"),
]

DIFFERENT_MEANING: list[tuple[str, str, str]] = [
    ("different-topics", "biaya pelayanan", "ruang tunggu"),
    ("shared-word-only", "waktu tunggu lama", "waktu penyelesaian surat"),
    ("subset-is-not-same", "petugas", "petugas loket datang terlambat"),
    ("english", "unofficial fees", "waiting room seating"),
]


@pytest.mark.parametrize(
    ("a", "b"), [c[1:] for c in SAME_MEANING], ids=[c[0] for c in SAME_MEANING]
)
def test_same_meaning_scores_above_the_threshold(a: str, b: str) -> None:
    score, why = label_similarity(a, b)
    assert why is None
    assert score >= DEFAULT_THRESHOLD, (a, b, score)


@pytest.mark.parametrize(
    ("a", "b"), [c[1:] for c in OPPOSITE_MEANING], ids=[c[0] for c in OPPOSITE_MEANING]
)
def test_opposite_meaning_is_never_suggested(a: str, b: str) -> None:
    _, why = label_similarity(a, b)
    assert why is not None, (a, b)
    for x, y in ((a, b), (b, a)):
        found = find_near_duplicates([Code(id="x", label=x)], [Code(id="y", label=y)], threshold=0)
        assert found == [], (x, y)


@pytest.mark.parametrize(
    ("a", "b"), [c[1:] for c in DIFFERENT_MEANING], ids=[c[0] for c in DIFFERENT_MEANING]
)
def test_different_meaning_scores_below_the_threshold(a: str, b: str) -> None:
    score, _ = label_similarity(a, b)
    assert score < DEFAULT_THRESHOLD, (a, b, score)


def test_token_set_ratio_trap_is_avoided() -> None:
    """rapidfuzz's token_set_ratio scores a negated label 100; ours refuses it."""
    from rapidfuzz import fuzz

    assert fuzz.token_set_ratio("petugas ramah", "petugas tidak ramah") == 100
    assert label_similarity("petugas ramah", "petugas tidak ramah")[1] == "one is negated"


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("menunggu", "tunggu"),
        ("tunggu", "tunggu"),
        ("pelayanan", "layan"),
        ("melayani", "layan"),
        ("dilimpahkan", "limpah"),
        ("pelimpahan", "limpah"),
        ("keterlambatan", "lambat"),
        ("persyaratan", "syarat"),
        ("pembayaran", "bayar"),
        ("mengantre", "antre"),
        ("pengaduan", "adu"),
        ("aduan", "adu"),
        ("petugasnya", "tugas"),
        ("menyapu", "sapu"),
        ("berkas", "berkas"),  # ber- + a three-letter rest is a root, not a prefix
        ("dinas", "dinas"),
    ],
)
def test_indonesian_stems(word: str, stem: str) -> None:
    assert stem_id(word) == stem


def test_nasal_root_follows_the_vocabulary() -> None:
    # meng- before a vowel hides either nothing (mengantre -> antre) or a k (mengirim -> kirim)
    assert stem_id("mengirim") == "irim"
    assert stem_id("mengirim", frozenset({"kirim"})) == "kirim"


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("facilities", "facility"),
        ("waiting", "wait"),
        ("queuing", "queu"),
        ("queue", "queu"),
        ("stopped", "stop"),
        ("requirements", "requir"),
        ("process", "process"),
        ("status", "status"),
    ],
)
def test_english_stems(word: str, stem: str) -> None:
    assert stem_en(word) == stem


def test_tokens() -> None:
    assert tokens("Facilities & Infrastructure") == ["facilities", "and", "infrastructure"]
    assert tokens("don't wait; officer's desk") == ["do", "not", "wait", "officer", "desk"]
    assert tokens("Sarana/prasarana (fasilitas)") == ["sarana", "prasarana", "fasilitas"]


def test_languages_are_compared_with_their_own_kind() -> None:
    ours = [Code(id="o.wait", label={"id": "Waktu tunggu lama", "en": "Long wait"})]
    theirs = [
        Code(id="t.wait", label={"id": "Lama waktu menunggu", "en": "Waiting is long"}),
        # an English label that happens to read like ours' Indonesian one is not compared
        Code(id="t.other", label={"en": "waktu tunggu lama"}),
    ]
    found = find_near_duplicates(ours, theirs)
    assert [(p.ours, p.theirs, p.score) for p in found] == [("o.wait", "t.wait", 100.0)]
    assert (found[0].ours_label, found[0].theirs_label) == (
        "Waktu tunggu lama",
        "Lama waktu menunggu",
    )


def test_a_plain_label_meets_either_language() -> None:
    ours = [Code(id="o", label="Facilities & infrastructure")]
    theirs = [
        Code(id="t", label={"id": "Sarana dan prasarana", "en": "facilities and infrastructure"})
    ]
    assert [(p.ours, p.theirs) for p in find_near_duplicates(ours, theirs)] == [("o", "t")]


def test_each_code_is_in_one_pair_at_most_best_first() -> None:
    ours = [
        Code(id="o1", label="waktu tunggu lama"),
        Code(id="o2", label="waktu tunggu lama sekali"),
    ]
    theirs = [Code(id="t1", label="lama waktu menunggu")]
    found = find_near_duplicates(ours, theirs)
    assert [(p.ours, p.theirs) for p in found] == [("o1", "t1")]


def test_many_codes_are_blocked_not_compared_pairwise() -> None:
    """2,000 x 2,000 codes: only pairs sharing a stem are scored, and the real pairs are found."""
    words = [f"kata{i:04d}" for i in range(4000)]
    ours = [Code(id=f"o{i}", label=f"{words[2 * i]} {words[2 * i + 1]}") for i in range(2000)]
    theirs = [Code(id=f"t{i}", label=f"{words[2 * i + 1]} {words[2 * i]}") for i in range(2000)]
    found = find_near_duplicates(ours, theirs)
    assert len(found) == 2000
    assert all(p.ours[1:] == p.theirs[1:] and p.score == 100 for p in found)


def test_no_two_shipped_codes_are_suggested_as_one() -> None:
    """The shipped codebook pairs opposites on purpose (sesuai SOP / tidak sesuai SOP,
    waktu tunggu lama / singkat, jelas / tidak jelas): none may look like a duplicate."""
    from qualcode.importers.codebook_yaml import load_codebook
    from tests.conftest import CODEBOOK

    codes = list(load_codebook(CODEBOOK))
    found = find_near_duplicates(codes, codes, threshold=DEFAULT_THRESHOLD)
    assert [(p.ours, p.theirs) for p in found if p.ours != p.theirs] == []
    for a in codes:
        others = [b for b in codes if b.id != a.id]
        assert find_near_duplicates([a], others) == [], a.id
