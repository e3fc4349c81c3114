"""Project.contexts: the context of many codings in one query, the same as the
retrieval view's, in the order asked."""

from __future__ import annotations

import pytest

from qualcode.core.model import Coding
from qualcode.core.search import one_line
from qualcode.store import Project, retrieval


@pytest.fixture
def coded(demo: Project) -> Project:
    """The demo project with a few sentences coded in every document (the first
    sentence too: a passage with no text before it)."""
    for name in demo.documents.document_names():
        doc = demo.documents.document(name)
        for i, code in ((0, "procedure.not_sop"), (2, "procedure.not_sop"), (5, "cost")):
            s = doc.sentences[i]
            demo.codings.apply_coding(name, code, s.start, s.end)
    return demo


def around(project: Project, c: Coding, width: int) -> tuple[str, str]:
    text = project.documents.document(c.doc).text
    left = one_line(text[max(0, c.start - width * 2) : c.start])[-width:]
    right = one_line(text[c.end : c.end + width * 2])[:width]
    return left, right


def test_contexts_match_the_text_around_each_coding_in_the_order_asked(
    coded: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = coded
    codings = demo.codings.codings()
    assert len(codings) > 5
    # several queries (a small batch), the order reversed: the order asked is kept
    monkeypatch.setattr(retrieval, "CONTEXT_BATCH", 2)
    asked = list(reversed(codings))
    got = demo.retrieval.contexts(asked, width=30)
    assert [p.coding for p in got] == asked
    assert [(p.left, p.right) for p in got] == [around(demo, c, 30) for c in asked]
    # the retrieval view's own contexts are the same
    code = codings[0].code
    view = {
        p.coding.guid: (p.left, p.right)
        for p in demo.retrieval.passages(code, include_children=False)
    }
    mine = {
        p.coding.guid: (p.left, p.right)
        for p in demo.retrieval.contexts(demo.codings.codings(code=code))
    }
    assert mine == view
    # the first sentence of a document: only the text before it in the document
    first = min(codings, key=lambda c: c.start)
    assert (
        demo.retrieval.contexts([first])[0].left
        == one_line(demo.documents.document(first.doc).text[: first.start])[-60:]
    )


def test_a_coding_gone_meanwhile_gets_no_context(coded: Project) -> None:
    demo = coded
    coding = demo.codings.codings()[0]
    gone = Coding(**{**coding.__dict__, "guid": "00000000-0000-0000-0000-000000000000"})
    got = demo.retrieval.contexts([gone, coding])
    assert (got[0].left, got[0].right) == ("", "")
    assert (got[1].left, got[1].right) == around(demo, coding, 60)
