"""Memos and cases."""

from __future__ import annotations

import pytest

from qualcode.core.model import CaseSource
from qualcode.errors import InputError, NotFoundError
from qualcode.store import Project

DOC = "wawancara_01_pedagang_pasar"


def test_memos_on_every_kind_of_target(demo: Project) -> None:
    demo.memos.add_memo("project", None, "Kesan umum")
    m = demo.memos.add_memo("document", DOC, "Ibu pedagang, ramah", title="kesan")
    demo.memos.add_memo("code", "cost.unofficial_fee", "uang rokok termasuk di sini")
    demo.cases.link_case("ibu_a", DOC)
    demo.memos.add_memo("case", "ibu_a", "pedagang pasar")
    assert [(x.kind, x.target) for x in demo.memos.memos()] == [
        ("project", None),
        ("document", DOC),
        ("code", "cost.unofficial_fee"),
        ("case", "ibu_a"),
    ]
    assert demo.memos.memos("document", DOC)[0].title == "kesan"
    demo.memos.update_memo(m.guid, "Ibu pedagang sembako")
    assert demo.memos.memos("document", DOC)[0].text == "Ibu pedagang sembako"
    demo.memos.delete_memo(m.guid)
    assert demo.memos.memos("document") == []
    with pytest.raises(InputError, match="cannot attach a memo to 'sentence'"):
        demo.memos.add_memo("sentence", "x", "y")
    with pytest.raises(NotFoundError):
        demo.memos.add_memo("document", "nope", "y")


def test_coding_memo(demo: Project) -> None:
    coding, _ = demo.codings.apply_coding(DOC, "cost", 10, 20)
    assert demo.memos.set_coding_memo(coding.guid, "penting").memo == "penting"
    assert demo.codings.codings()[0].memo == "penting"
    assert demo.memos.set_coding_memo(coding.guid, "").memo is None


def test_cases_sources_and_attributes(demo: Project) -> None:
    demo.cases.link_case("ibu_a", DOC)
    demo.cases.link_case("fg_1", "wawancara_06_guru", speaker="Narasumber")
    demo.cases.set_attribute("ibu_a", "occupation", "pedagang")
    n = demo.cases.set_attributes(
        {"ibu_a": {"gender": "female", "kelurahan": "Pasirjati Kidul"}, "fg_1": {"gender": "male"}}
    )
    assert n == 3
    case = demo.cases.case("ibu_a")
    assert case.attributes == {
        "gender": "female",
        "kelurahan": "Pasirjati Kidul",
        "occupation": "pedagang",
    }
    assert case.sources == (CaseSource(DOC, None),)
    assert demo.cases.case("fg_1").sources == (CaseSource("wawancara_06_guru", "Narasumber"),)
    # date and title: the front matter of the demo's Markdown interview
    assert [a["name"] for a in demo.cases.attributes()] == [
        "date",
        "gender",
        "kelurahan",
        "occupation",
        "title",
    ]
    with pytest.raises(NotFoundError):
        demo.cases.set_attributes({"nobody": {"gender": "x"}})
    assert "nobody" not in [c.name for c in demo.cases.cases()]
