"""The faster import gives the same sentences, lemmas, languages and search entries.

Issue 21 point 1: the import's speed-ups (language detection looking each word form up
once, sentence lemmas joined through ``map``, the sentence scan's faster terminator
pattern and period-after-an-ordinary-word shortcut, a paragraph's words read from it
lowercased once with an ASCII pattern, lemmas looked up in C, byte counts in C, small transcripts
indexed in their own transaction, several worker processes fed a bounded window of
jobs) change no result. Each is compared with the algorithm it replaced, kept here
as the reference, on the demo corpus, on a corpus ``bench/synth.py`` generates and on
generated texts (abbreviations, ellipses, quotes, Indonesian and English, numbers,
emoji, CRLF); and the whole import with 0, 1 and 2 worker processes gives the same
project, row for row.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode import services
from qualcode.core import lang as lang_module
from qualcode.core.model import SentenceSpan, TurnSpan
from qualcode.importers import decode
from qualcode.importers.base import read_transcript
from qualcode.importers.speakers import find_turns
from qualcode.nlp import segment as segment_module
from qualcode.nlp.morph import WORD_RE, spacy_stop_words
from qualcode.nlp.segment import segment
from qualcode.nlp.sentences import split_sentences
from tests.conftest import hypothesis_examples
from tests.nlp import reference_sentences

ROOT = Path(__file__).resolve().parents[2]
DEMO = sorted(p for p in (ROOT / "transcripts").iterdir() if p.suffix in {".txt", ".md"})

# ---------------------------------------------------------------- the references


def reference_segment(text: str, turns: list[TurnSpan], lang: str | None) -> list[SentenceSpan]:
    """:func:`qualcode.nlp.segment.segment` as it was before issue 21 (with the
    sentence rules as they were written before, :mod:`tests.nlp.reference_sentences`)."""
    lemma = segment_module.lemmatizer(lang)._computed
    stops = spacy_stop_words(lang or "en")
    out: list[SentenceSpan] = []
    for turn_index, start, end in segment_module._pieces(text, turns):
        piece = text[start:end]
        if not piece.strip():
            continue
        for s, e in reference_sentences.split_sentences(piece, lang, stops):
            words = WORD_RE.findall(piece[s:e].lower())
            lemmas = " ".join(lemma(w) for w in words)
            out.append(SentenceSpan(start + s, start + e, turn_index, lemmas))
    return out


def reference_detect(text: str, default: str = "en", sample: int = 20_000) -> object:
    """:func:`qualcode.core.lang.detect` as it was before issue 21."""
    totals = dict.fromkeys(lang_module.LANGUAGES, 0.0)
    words = known = 0
    for m in lang_module._WORD.finditer(text[:sample]):
        words += 1
        w = m.group(0).lower().replace("’", "'")
        found = lang_module._WEIGHTS.get(w)
        if found is None:
            continue
        known += 1
        for lang, share in found.items():
            totals[lang] += share
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], lang_module.LANGUAGES.index(kv[0])))
    if known == 0:
        return lang_module.Detection(default, words, 0, tuple(ranked))
    lang = ranked[0][0]
    if lang == "ms" and totals["id"] >= totals["ms"]:
        lang = "id"
    return lang_module.Detection(lang, words, known, tuple(ranked))


def reference_looks_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def reference_wide(data: bytes) -> tuple[str, str] | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or len(data) < 4:
        return None
    sample = data[: 64 * 1024]
    candidates: list[str] = []
    if len(data) % 4 == 0:
        n = len(sample) // 4
        if n:
            zeros = [sum(1 for i in range(k, n * 4, 4) if sample[i] == 0) / n for k in range(4)]
            if zeros[1] > 0.9 and zeros[2] > 0.9 and zeros[3] > 0.9:
                candidates.append("utf-32-le")
            if zeros[0] > 0.9 and zeros[1] > 0.9 and zeros[2] > 0.9:
                candidates.append("utf-32-be")
    if len(data) % 2 == 0:
        n = len(sample) // 2
        if n:
            even = sum(1 for i in range(0, n * 2, 2) if sample[i] == 0) / n
            odd = sum(1 for i in range(1, n * 2, 2) if sample[i] == 0) / n
            if odd > 0.6 and even < 0.1:
                candidates.append("utf-16-le")
            if even > 0.6 and odd < 0.1:
                candidates.append("utf-16-be")
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if "\x00" not in text and controls <= max(2, len(text[:20000]) // 200):
            return name, text
    return None


# ---------------------------------------------------------------- the corpora


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bench import synth

    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(str(out), 12, 400, 7, 10, 0, 1, False, False)
    return out


def _speech(path: Path) -> tuple[str, list[TurnSpan], str]:
    doc = read_transcript(path)
    speech = " ".join(doc.text[t.start : t.end] for t in doc.turns) or doc.text
    return doc.text, list(doc.turns), speech


def test_demo_and_generated_corpora_give_the_same_sentences_lemmas_and_language(
    synth_dir: Path,
) -> None:
    files = [*DEMO, *sorted(synth_dir.glob("*.txt"))]
    assert len(files) == len(DEMO) + 12 and len(DEMO) >= 8
    sentences = 0
    for path in files:
        text, turns, speech = _speech(path)
        found = lang_module.detect(speech)
        assert found == reference_detect(speech), path.name
        for lang in {found.lang, "id", "en"}:
            new = segment(text, turns, lang)
            assert new == reference_segment(text, turns, lang), (path.name, lang)
            sentences += len(new)
        data = path.read_bytes()
        assert decode.looks_binary(data) is reference_looks_binary(data)
        assert decode._wide_without_bom(data) == reference_wide(data)
    assert sentences > 1000


# ---------------------------------------------------------------- generated texts

PIECES = [
    # Indonesian and English words, abbreviations and titles before names or numbers
    "saya", "mengantre", "di", "kantor", "kecamatan", "petugasnya", "bekerjasama",
    "dipakai", "the", "officer", "waited", "I", "Well", "nggak", "udah", "Pak.", "Bu.",
    "Ibu.", "dr.", "Dr.", "H.", "Jl.", "Kec.", "Rp.", "No.", "RT.", "RW.", "hal.",
    "dll.", "dsb.", "etc.", "S.Pd.", "U.S.", "e.g.", "a.n.", "vs.", "Mr.", "KTP.",
    # numbers, addresses, ellipses, quotes, emoji, marks
    "08.00", "Rp50.000", "2.5", "50.000", "www.example.com", "a@b.id", "...", "…",
    "?", "!", "?!", ".", ",", '"', "“", "”", "'", "‘", "’", "(", ")", "«", "»", "😀",
    "👍🏽", "İstanbul", "ΣΑΣ", "anak-anak", "SOP-nya", "don't", "it’s",
    # ASCII edges of a word: underscores, doubled or trailing hyphens and apostrophes
    "snake_case", "a--b", "x-", "-y", "'quoted'", "rock'n'roll", "B2B", "COVID-19", "3rd",
    "Hi.There.", "p.", "P.", "Bapak.", "vs", "I", "I'm", "Ibu,", "terima", "kasih",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "", "\n", "\r\n", "\n\n", "\r\n\r\n", "\t", "  "]
LABELS = ["Pewawancara: ", "Narasumber: ", "Interviewer: ", "P: ", "R1: ", ""]


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    turns = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30))
        seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
        body = "".join(w + s for w, s in zip(words, seps, strict=True))
        turns.append(draw(st.sampled_from(LABELS)) + body)
    return "\n".join(turns)


@settings(max_examples=hypothesis_examples(300), derandomize=True, deadline=None)
@given(transcripts())
def test_generated_texts_give_the_same_sentences_lemmas_and_language(text: str) -> None:
    turns = list(find_turns(text))
    if not turns:
        turns = [TurnSpan(0, len(text))]
    found = lang_module.detect(text)
    assert found == reference_detect(text)
    for lang in ("id", "en", found.lang):
        assert segment(text, turns, lang) == reference_segment(text, turns, lang)


@settings(max_examples=hypothesis_examples(500), derandomize=True, deadline=None)
@given(transcripts(), st.sampled_from(["id", "en", None]))
def test_the_sentence_scan_splits_as_the_rules_were_written(text: str, lang: str | None) -> None:
    stops = spacy_stop_words(lang or "en")
    assert split_sentences(text, lang, stops) == reference_sentences.split_sentences(
        text, lang, stops
    )


TAILS = ["?", "?”", "?)", ".", " ", "\n", "\r\n", "\t", "[laughs]", "[tertawa]", "(pause)",
         "(diam)", "[", "]", "(", ")", " [x", "y)", "word", "\u2003", "\x1c"]  # fmt: skip


@settings(max_examples=hypothesis_examples(300), derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(TAILS), max_size=8).map("".join))
def test_a_turn_asks_as_before(body: str) -> None:
    from qualcode.importers import speakers

    text = "P: Berapa lama" + body
    turn = TurnSpan(3, len(text))
    before = speakers._TRAILING_NOTES.sub("", text[turn.start : turn.end]).rstrip()
    assert speakers._asks(text, turn) is bool(speakers._QUESTION_END.search(before))


@settings(max_examples=hypothesis_examples(200), derandomize=True, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=150).map(lambda t: t.encode("utf-16-le")))
def test_byte_checks_count_as_before(data: bytes) -> None:
    assert decode.looks_binary(data) is reference_looks_binary(data)
    assert decode._wide_without_bom(data) == reference_wide(data)


# ---------------------------------------------------------------- the whole import


def _content(db: Path) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        rows: list[tuple[Any, ...]] = []
        queries = {
            "documents": "SELECT pk, name, text, lang, chars, sha256, source_format, encoding, "
            "meta, state FROM documents ORDER BY pk",
            "turns": "SELECT * FROM turns ORDER BY pk",
            "sentences": "SELECT * FROM sentences ORDER BY pk",
            "search": "SELECT rowid, text, lemmas FROM sentence_search ORDER BY rowid",
            "pending": "SELECT value FROM settings WHERE key = 'search.pending'",
        }
        for table, sql in queries.items():
            rows += [(table, *r) for r in con.execute(sql)]
        return rows
    finally:
        con.close()


def test_workers_give_the_same_project_as_one_process(
    synth_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [*DEMO, *sorted(synth_dir.glob("*.txt"))]
    monkeypatch.setattr("qualcode.services.imports.PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr("qualcode.services.imports.JOB_FILES", 3)  # jobs cut across files
    contents = []
    for workers in ("0", "1", "2"):
        monkeypatch.setenv("QUALCODE_IMPORT_WORKERS", workers)
        db = tmp_path / f"w{workers}.db"
        project = services.init_project(str(db), None)
        try:
            report = services.import_transcripts(project, files)
        finally:
            project.close()
        assert not report.errors
        assert len(report.imported) == len(files)
        contents.append(_content(db))
    assert contents[0] == contents[1] == contents[2]
    sentences = [r for r in contents[0] if r[0] == "sentences"]
    search = [r for r in contents[0] if r[0] == "search"]
    assert len(sentences) == len(search) > 500
    # every sentence of every document is in the index with its text and lemmas
    texts = {r[1]: r[3] for r in contents[0] if r[0] == "documents"}
    for (_t, pk, doc, _turn, _ordinal, start, end, lemmas), (_s, rowid, text, indexed) in zip(
        sentences, search, strict=True
    ):
        assert (rowid, text, indexed) == (
            pk,
            texts[doc][start:end],
            lemmas,
        )


# ---------------------------------------------------------------- the columns


@settings(max_examples=hypothesis_examples(200), derandomize=True, deadline=None)
@given(transcripts(), st.sampled_from(["id", "en"]))
def test_sentence_columns_hold_the_same_sentences_and_rows(text: str, lang: str) -> None:
    import pickle

    from qualcode.nlp.segment import segment_columns
    from qualcode.store.reimport import structure_rows

    turns = list(find_turns(text)) or [TurnSpan(0, len(text))]
    columns = segment_columns(text, turns, lang)
    spans = reference_segment(text, turns, lang)
    assert list(columns) == spans
    assert columns == spans and len(columns) == len(spans)
    assert [columns[i] for i in range(len(columns))] == spans
    assert columns[1:3] == spans[1:3] and columns[::-1] == spans[::-1]
    again = pickle.loads(pickle.dumps(columns))
    assert list(again) == spans
    # the writer's rows from the columns are the rows from the spans, key for key
    assert structure_rows((4, 10, 100), turns, columns) == structure_rows(
        (4, 10, 100), turns, spans
    )


def test_sentence_columns_with_a_sentence_outside_every_turn_take_the_general_path() -> None:
    from qualcode.core.model import SentenceColumns, SentenceSpan
    from qualcode.store.reimport import structure_rows

    columns = SentenceColumns([0, 5], [4, 9], [None, 0], ["a", "b"])
    turns = [TurnSpan(5, 9)]
    assert structure_rows((1, 1, 1), turns, columns).sentences == [
        (1, 1, None, 1, 0, 4, "a"),
        (2, 1, 1, 2, 5, 9, "b"),
    ]
    assert columns != [SentenceSpan(0, 4, None, "a")]
    assert repr(columns) == "SentenceColumns(2 sentences)"
