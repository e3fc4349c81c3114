"""Search queries and their SQL for both dialects."""

from __future__ import annotations

import pytest

from qualcode.core.search import Term, parse_query, with_alternatives
from qualcode.errors import InputError
from qualcode.store import Project
from qualcode.store.search import _fts5_query, _tsquery


def test_parse_query_words_phrases_and_prefixes() -> None:
    assert parse_query('antre "uang rokok" petug*') == (
        Term((("antre",),)),
        Term((("uang", "rokok"),)),
        Term((("petug",),), prefix=True),
    )
    with pytest.raises(ValueError):
        parse_query('*** ""')


def test_query_syntax_for_fts5_and_postgresql() -> None:
    terms = with_alternatives(
        parse_query('mengantre "uang rokok" petug*'), {"mengantre": {"antre", "mengantre"}}
    )
    assert _fts5_query(terms, "lemmas") == (
        '{lemmas} : (("mengantre" OR "antre") AND "uang rokok" AND "petug" *)'
    )
    assert _tsquery(terms) == "('mengantre' | 'antre') & ('uang' <-> 'rokok') & 'petug':*"
    # quotes cannot break out of either syntax
    odd = (Term((('it"s', "o'neil"),)),)
    assert _fts5_query(odd, "text") == '{text} : ("it""s o\'neil")'
    assert _tsquery(odd) == "('it\"s' <-> 'o''neil')"


def test_search_in_the_demo_by_speaker_and_document(demo: Project) -> None:
    hits = demo.search.search("petugas", speaker="participant")
    assert hits and all(h.role == "participant" for h in hits)
    docs = {h.doc for h in hits}
    one = sorted(docs)[0]
    only = demo.search.search("petugas", speaker="participant", doc=one)
    assert {h.doc for h in only} == {one}
    for h in only:
        document = demo.documents.document(h.doc)
        assert document.text[h.start : h.end] == h.text
        assert "petugas" in h.text.lower()
        assert document.sentences[h.sentence - 1].start == h.start
    assert len(demo.search.search("petugas", limit=2)) == 2


def test_a_query_without_words_is_refused(demo: Project) -> None:
    with pytest.raises(InputError, match="no word to search for"):
        demo.search.search("?!")
