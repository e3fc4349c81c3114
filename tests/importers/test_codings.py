"""Codings files (gold standards, another coder's work): read, anchored by quote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualcode.core.model import Document, Sentence, Turn
from qualcode.errors import InputError
from qualcode.importers.codings import CodingRecord, anchor, anchor_all, read_codings

TEXT = "P: Saya antre lama. Terus antre lagi. Antre lama."
DOC = Document(
    "d",
    "g",
    TEXT,
    "id",
    (Turn(1, 3, len(TEXT), "P", "participant", 0),),
    (
        Sentence(1, 3, 19, 1),
        Sentence(2, 20, 37, 1),
        Sentence(3, 38, len(TEXT), 1),
    ),
)


def test_yaml_json_and_csv_read_alike(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "version: 1\ncoder: gold\ncodings:\n"
        '  - {doc: d, code: time, sentences: "2-3", quote: "Terus antre lagi."}\n'
        "  - doc: d\n    code: time.long_wait\n    quote: Saya antre lama.\n    memo: first\n",
        encoding="utf-8",
    )
    (tmp_path / "c.json").write_text(
        json.dumps(
            [
                {
                    "guid": "x",
                    "doc": "d",
                    "code": "time",
                    "start": 20,
                    "end": 37,
                    "coder": "gold",
                    "quote": "Terus antre lagi.",
                    "status": "accepted",
                },
                {
                    "doc": "d",
                    "code": "time.long_wait",
                    "quote": "Saya antre lama.",
                    "coder": "gold",
                    "memo": "first",
                },
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text(
        "\ufeffdoc,code,sentences,quote,memo\nd,time,2,Terus antre lagi.,\nd,time.long_wait,,Saya antre lama.,first\n",
        encoding="utf-8",
    )
    for name in ("c.yaml", "c.json", "c.csv"):
        parsed = read_codings(tmp_path / name)
        anchored = [(r.code, s, e, r.memo) for r, s, e in anchor_all(parsed.records, {"d": DOC})]
        assert anchored == [("time", 20, 37, None), ("time.long_wait", 3, 19, "first")], name
    assert read_codings(tmp_path / "c.yaml").coder == "gold"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(CodingRecord("d", "t", "Saya antre lama."), (3, 19), id="unique"),
        pytest.param(CodingRecord("d", "t", "Antre lama.", sentence=3), (38, 49), id="hint-picks"),
        pytest.param(
            CodingRecord("d", "t", "antre lama", sentence=3, start=8, end=18),
            (8, 18),
            id="offsets-still-right",
        ),
    ],
)
def test_anchoring(record: CodingRecord, expected: tuple[int, int]) -> None:
    assert anchor(record, DOC) == expected


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param(
            CodingRecord("d", "t", "lama.", line=4, column=5),
            "f.yaml:4:5: the quote 'lama.' occurs 2 times in 'd' (give the sentence",
            id="ambiguous",
        ),
        pytest.param(
            CodingRecord("d", "t", "tidak ada", line=7, column=5),
            "f.yaml:7:5: the quote 'tidak ada' is not in 'd'",
            id="not-found",
        ),
    ],
)
def test_anchoring_problems_name_the_entry(record: CodingRecord, message: str) -> None:
    with pytest.raises(InputError) as err:
        anchor(record, DOC, "f.yaml")
    assert err.value.lines()[0].startswith(message)


def test_every_problem_at_once(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "codings:\n"
        "  - {doc: d, code: t, quote: nope}\n"
        "  - {doc: x, code: t, quote: Saya}\n"
        "  - {doc: d, code: t, quote: Saya antre lama.}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        anchor_all(read_codings(path).records, {"d": DOC}, str(path))
    assert [line.split(": ", 1)[0] for line in err.value.lines()] == [f"{path}:2:5", f"{path}:3:5"]


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        pytest.param("codings: [", ".yaml", ":2:1: YAML syntax error", id="broken-yaml"),
        pytest.param(
            "codings:\n  - {doc: d, code: t}\n",
            ".yaml",
            ":2:5: a coding without 'quote'",
            id="no-quote",
        ),
        pytest.param(
            "codings:\n  - {doc: d, code: t, quote: x, colour: red}\n",
            ".yaml",
            ":2:5: unknown field 'colour' in a coding",
            id="unknown-field",
        ),
        pytest.param(
            "codings:\n  - {doc: d, code: t, quote: x, sentences: abc}\n",
            ".yaml",
            ":2:5: bad sentence number 'abc'",
            id="bad-sentence",
        ),
        pytest.param("doc,code\nd,t\n", ".csv", ":1:1: no 'quote' column", id="csv-no-quote"),
        pytest.param(
            "doc,code,quote\nd,t\n", ".csv", ":2:1: 2 fields, the header has 3", id="csv-short-row"
        ),
        pytest.param('[{"doc": "d"', ".json", ":1:13: not valid JSON", id="broken-json"),
        pytest.param("", ".yaml", ": file is empty", id="empty"),
        pytest.param("x", ".txt", ": cannot tell the format", id="unknown-suffix"),
    ],
)
def test_bad_files_get_one_clear_line(
    tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_codings(path)
    assert err.value.lines()[0].startswith(f"{path}{message}")
