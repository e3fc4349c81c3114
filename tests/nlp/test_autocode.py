"""Rule matching: Indonesian morphology, phrases, regex, token patterns, negatives,
scopes, speaker filters, per-language lists, and the speed-ups staying exact."""

from __future__ import annotations

import re
from typing import Any

import pytest

from qualcode.core.codebook import parse_codebook
from qualcode.core.model import Document, Sentence, Turn
from qualcode.errors import InputError
from qualcode.nlp import autocode as nlp_autocode
from qualcode.nlp.autocode import RuleMatcher, RuleSet, required_sets
from qualcode.store import Project


def make_doc(turns: list[tuple[str | None, str | None, list[str]]], lang: str = "id") -> Document:
    """A document from (speaker, role, sentences) turns, offsets computed."""
    text = ""
    out_turns: list[Turn] = []
    sents: list[Sentence] = []
    for number, (speaker, role, sentences) in enumerate(turns, start=1):
        if text:
            text += "\n\n"
        label_start = len(text) if speaker else None
        if speaker:
            text += f"{speaker}: "
        start = len(text)
        for i, s in enumerate(sentences):
            if i:
                text += " "
            sents.append(Sentence(len(sents) + 1, len(text), len(text) + len(s), number))
            text += s
        out_turns.append(Turn(number, start, len(text), speaker, role, label_start))
    return Document("doc", "g", text, lang, tuple(out_turns), tuple(sents))


def codebook(*codes: dict[str, Any]) -> Any:
    return parse_codebook({"codes": list(codes)})


def matched(doc: Document, *codes: dict[str, Any]) -> list[tuple[str, str, int, str]]:
    """(code, unit, number, text) of every suggestion."""
    return [
        (s.code, s.unit, s.number, doc.text[s.start : s.end])
        for s in RuleSet(codebook(*codes)).match(doc)
    ]


WAIT = {"id": "time", "label": "Time", "rules": {"keywords": ["tunggu"]}}


@pytest.mark.parametrize(
    "sentence",
    [
        pytest.param("Saya menunggu dua jam.", id="meN-prefix"),
        pytest.param("Berkasnya ditunggu tanda tangan.", id="di-prefix"),
        pytest.param("Tunggunya lama sekali.", id="nya-suffix-sentence-initial"),
        pytest.param("Saya nungguin dari pagi.", id="colloquial-N-and-in"),
        pytest.param("Disuruh nunggu di luar.", id="colloquial-N"),
        pytest.param("Yang ditunggu-tunggu akhirnya jadi.", id="reduplication"),
    ],
)
def test_a_lemma_keyword_finds_indonesian_affixed_forms(sentence: str) -> None:
    doc = make_doc([("Narasumber", "participant", [sentence])])
    assert matched(doc, WAIT) == [("time", "sentence", 1, sentence)]


@pytest.mark.parametrize(
    ("keyword", "sentence"),
    [
        pytest.param("layan", "Saya dilayani ibu-ibu.", id="dilayani-not-in-the-table"),
        pytest.param("layan", "Pelayanannya cepat.", id="pe-an-nya"),
        pytest.param("antri", "Antriannya panjang sekali.", id="an-nya-to-a-rule-root"),
        pytest.param("antri", "Orang ngantri sampai jalan.", id="ng-prefix-to-a-rule-root"),
        pytest.param("menunggu", "Saya nunggu lama.", id="inflected-keyword"),
        pytest.param("sop", "SOP-nya satu hari.", id="hyphen-nya"),
        pytest.param("ac", "Ruangannya ber-AC.", id="hyphen-prefix"),
        pytest.param("wait", "We waited for hours.", id="english-lookup"),
    ],
)
def test_morphology_reaches_the_keyword(keyword: str, sentence: str) -> None:
    lang = "en" if keyword == "wait" else "id"
    doc = make_doc([("P", "participant", [sentence])], lang)
    rules = {"id": "c", "label": "C", "rules": {"keywords": [keyword]}}
    assert [m[0] for m in matched(doc, rules)] == ["c"]


def test_officer_is_not_task_and_exact_match_means_the_form() -> None:
    doc = make_doc(
        [("P", "participant", ["Petugasnya ramah.", "Dia pindah tugas.", "Saya menunggu."])]
    )
    officer = {"id": "officer", "label": "O", "rules": {"keywords": ["petugas"]}}
    assert [m[2] for m in matched(doc, officer)] == [1]
    exact = {"id": "exact", "label": "E", "rules": {"keywords": ["tunggu"], "match": "exact"}}
    assert matched(doc, exact) == []


def test_phrases_regex_and_case() -> None:
    doc = make_doc(
        [
            (
                "P",
                "participant",
                [
                    "Dia minta uang rokoknya.",
                    "Uang kopi juga.",
                    "Bayar Rp 50.000 di loket.",
                    "Uangnya buat rokok.",
                ],
            )
        ]
    )
    rules = {
        "id": "cost",
        "label": "Cost",
        "rules": {"phrases": ["uang rokok", "uang kopi"], "regex": [r"\brp\.?\s?\d"]},
    }
    assert [(m[2]) for m in matched(doc, rules)] == [1, 2, 3]


def test_negative_keywords_and_phrases_veto_the_unit() -> None:
    doc = make_doc(
        [
            (
                "P",
                "participant",
                [
                    "Dulu antre minyak goreng di pasar.",
                    "Di kecamatan antre dua jam.",
                    "Antre di sekolah juga.",
                ],
            )
        ]
    )
    rules = {
        "id": "time",
        "label": "Time",
        "rules": {"keywords": ["antre"], "negative": ["minyak goreng", "sekolah"]},
    }
    assert [m[2] for m in matched(doc, rules)] == [2]


def test_turn_scope_codes_the_turn_and_a_negative_anywhere_in_it_vetoes() -> None:
    doc = make_doc(
        [
            ("P", "participant", ["Saya antre lama.", "Terus pulang."]),
            ("P", "participant", ["Saya antre.", "Tapi itu di pasar."]),
            ("P", "participant", ["Ada pungli.", "Dua puluh ribu."]),
        ]
    )
    time = {
        "id": "time",
        "label": "Time",
        "rules": {"keywords": ["antre"], "negative": ["pasar"], "scope": "turn"},
    }
    cost = {"id": "cost", "label": "Cost", "rules": {"regex": [r"pungli.*ribu"], "scope": "turn"}}
    got = matched(doc, time, cost)
    assert got == [
        ("time", "turn", 1, "Saya antre lama. Terus pulang."),
        ("cost", "turn", 3, "Ada pungli. Dua puluh ribu."),
    ]


def test_speaker_filters() -> None:
    doc = make_doc(
        [
            ("Pewawancara", "interviewer", ["Berapa lama antre?"]),
            ("Narasumber", "participant", ["Antre dua jam."]),
            (None, None, ["Catatan: antre panjang."]),
        ]
    )

    def rules(speaker: str) -> dict[str, Any]:
        return {"id": "t", "label": "T", "rules": {"keywords": ["antre"], "speaker": speaker}}

    assert [m[2] for m in matched(doc, rules("any"))] == [1, 2, 3]
    # text without a speaker label counts as a participant's
    assert [m[2] for m in matched(doc, rules("participant"))] == [2, 3]
    assert [m[2] for m in matched(doc, rules("interviewer"))] == [1]


def test_per_language_lists_and_min_score() -> None:
    id_doc = make_doc([("P", "participant", ["Antre lama.", "Antre saja."])], "id")
    en_doc = make_doc([("P", "participant", ["A long queue.", "Antre."])], "en")
    rules = {
        "id": "t",
        "label": "T",
        "rules": {
            "keywords": {"id": ["antre"], "en": ["queue"]},
            "phrases": {"id": ["antre lama"]},
        },
    }
    assert [m[2] for m in matched(id_doc, rules)] == [1, 2]
    assert [m[2] for m in matched(en_doc, rules)] == [1]
    strict = {**rules, "rules": {**rules["rules"], "min_score": 2}}  # type: ignore[dict-item]
    assert [m[2] for m in matched(id_doc, strict)] == [1]


def test_a_sub_code_hides_its_dimension_on_the_same_unit() -> None:
    doc = make_doc([("P", "participant", ["Ada uang rokok.", "Biayanya gratis."])])
    cost = {
        "id": "cost",
        "label": "Cost",
        "rules": {"keywords": ["uang", "biaya"]},
        "children": [{"id": "cost.fee", "label": "Fee", "rules": {"phrases": ["uang rokok"]}}],
    }
    assert [(m[0], m[2]) for m in matched(doc, cost)] == [("cost.fee", 1), ("cost", 2)]


def test_token_patterns_with_lower_lemma_op_and_without_literals() -> None:
    doc = make_doc(
        [
            (
                "P",
                "participant",
                [
                    "Saya kasih dua puluh ribu.",
                    "Mereka menunggu tiga jam.",
                    "Nomor 123 dipanggil.",
                    "Tidak ada apa-apa.",
                ],
            )
        ]
    )
    rules = {
        "id": "p",
        "label": "P",
        "rules": {
            "patterns": [
                [
                    {"LOWER": {"IN": ["dua", "tiga"]}},
                    {"LOWER": "puluh", "OP": "?"},
                    {"LOWER": "ribu"},
                ],
                [{"LEMMA": "tunggu"}, {"LIKE_NUM": True}, {"LOWER": "jam"}],
                [{"IS_DIGIT": True}],
            ]
        },
    }
    got = [(m[2], m[3]) for m in matched(doc, rules)]
    assert [n for n, _ in got] == [1, 2, 3]


def test_patterns_needing_a_trained_pipeline_are_refused_when_none_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nlp_autocode, "_trained_pipeline", lambda lang: None)
    cb = codebook({"id": "p", "label": "P", "rules": {"patterns": [[{"POS": "NOUN"}]]}})
    with pytest.raises(InputError, match="POS, which needs a trained spaCy pipeline for 'id'"):
        RuleMatcher(cb, "id")


def test_the_core_pattern_schema_matches_spacys() -> None:
    from spacy.schemas import TokenPattern, TokenPatternNumber, TokenPatternString

    from qualcode.core import codebook as core

    assert set(core.PATTERN_ATTRS) == {f.alias for f in TokenPattern.model_fields.values()}
    assert set(core.PATTERN_STRING_PREDICATES) == set(TokenPatternString.model_fields)
    assert set(core.PATTERN_NUMBER_PREDICATES) == {
        f.alias if f.alias in ("==", "!=", ">=", "<=", ">", "<") else k
        for k, f in TokenPatternNumber.model_fields.items()
    }


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(r"\bsalah\s+ketik", {("salah", True, True)}, id="whole-word-first"),
        pytest.param(r"\bsyarat\w*\b.{0,9}bingung", {("syarat", True, False)}, id="word-start"),
        pytest.param(
            r"\b(itu|yang)\s+baik", {("itu", True, True), ("yang", True, True)}, id="alternatives"
        ),
        pytest.param(r"\bjadi-jadi\b", {("jadi-jadi", True, True)}, id="hyphenated-word"),
    ],
)
def test_required_words_of_a_regex(pattern: str, expected: set[tuple[str, bool, bool]]) -> None:
    assert expected in [set(s) for s in required_sets(pattern)]


@pytest.mark.parametrize("pattern", [r"\d+", r"a|b\w+", r"(?i)x?", r"[a-z]{3}"])
def test_regexes_without_required_words_run_everywhere(pattern: str) -> None:
    assert required_sets(pattern) == ()


def test_the_prefilters_never_change_what_is_found(
    demo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shipped rules on the demo corpus: the same suggestions with every regex tried
    on every unit as with the required-word filters."""
    codebook_ = demo.codebook()
    docs = demo.suggestions.documents_full()
    fast = RuleSet(codebook_).match_all(docs)
    monkeypatch.setattr(nlp_autocode, "required_sets", lambda pattern, limit=4: ())
    slow = RuleSet(codebook_).match_all(docs)
    assert fast == slow
    assert len(fast) > 300


def test_every_regex_match_holds_its_required_words(demo: Project) -> None:
    """For every regex of the shipped codebook and every demo sentence it matches,
    each required set has a word in the sentence (the filter is sound)."""
    from qualcode.nlp.morph import WORD_RE

    patterns = {
        str(p)
        for c in demo.codebook()
        if c.rules
        for lang in ("id", "en")
        for p in c.rules.for_language("regex", lang)
    }
    texts = [
        d.text[s.start : s.end] for d in demo.suggestions.documents_full() for s in d.sentences
    ]
    checked = 0
    for pattern in patterns:
        rx = re.compile(pattern, re.IGNORECASE)
        sets = required_sets(pattern)
        for text in texts:
            if not rx.search(text):
                continue
            words = WORD_RE.findall(text.lower())
            pieces = {p for w in words for p in re.split("[-'’]", w)} | set(words)
            for keys in sets:
                assert any(
                    (a and b and k in pieces)
                    or (a and not b and any(p.startswith(k) for p in pieces))
                    or (b and not a and any(p.endswith(k) for p in pieces))
                    or (not a and not b and any(k in w for w in words))
                    for k, a, b in keys
                ), (pattern, text, keys)
            checked += 1
    assert checked > 100
