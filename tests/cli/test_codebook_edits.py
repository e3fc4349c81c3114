"""Codebook edits lose nothing (issue 15, point 4).

Merging codes carries the merged code's keywords, phrases, regular expressions,
examples and description into the target, keeps the target's negative words, scope
and speaker, and reports every difference it did not carry over; the YAML write-back
keeps each list's style (flow or block), quoting and comments, so a one-keyword edit
is a one-line diff.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from qualcode import services
from qualcode.cli import cli
from qualcode.core.codebook import Code, Rules
from qualcode.core.codebook_merge import fold_code
from qualcode.core.model import ImportedDocument
from qualcode.importers.codebook_yaml import load_codebook
from qualcode.store import open_project
from tests.conftest import CODEBOOK

CODEBOOK_TEXT = """\
# a small codebook: comments, flow and block lists, quoted and folded text
version: 1
name: Antrean
languages: [id, en]
codes:
  - id: time
    label: {id: Waktu, en: Time}
    color: "#e6550d"
    key: "2"
    description: >-
      Berapa lama pelayanan berlangsung.
    examples:
      - "Dua jam saya menunggu."
    rules:
      keywords:
        id: [tunggu, lama]   # lemmas
        en: [wait]
      negative: [sebentar]
      speaker: participant
    children:
      # the code that stays
      - id: time.queue
        label: {id: Antre lama, en: Long queue}
        color: "#fd8d3c"
        key: 2a
        description: Antrean yang panjang di loket.
        examples:
          - "Antreannya sampai ke jalan."
        rules:
          keywords: {id: [antre, antri], en: [queue]}
          regex:
            id:
              - '\\bnomor (antre|antrian)\\b'
          negative: [minyak]
          scope: sentence
          speaker: participant
      # the code merged into it
      - id: time.line
        label: {id: Baris antrean, en: Waiting line}
        color: "#fdd0a2"
        key: 2b
        description: Orang berbaris menunggu giliran.
        inclusion: Barisan orang di depan loket.
        examples:
          - "Barisnya panjang sekali."
          - "Antreannya sampai ke jalan."
        rules:
          keywords: {id: [baris, antre], en: [line]}
          phrases: [berdiri lama]
          regex:
            id:
              - '\\bberbaris\\b'
          negative: [upacara]
          scope: turn
          speaker: any
  - id: cost
    label: {id: Biaya, en: Cost}
    key: "3"
"""


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", "nia", *args], prog_name="qualcode"
    )


def _project(tmp_path: Path) -> Path:
    book = tmp_path / "antrean.yaml"
    book.write_text(CODEBOOK_TEXT, encoding="utf-8")
    r = run(tmp_path / "p.db", "init", "--codebook", str(book))
    assert r.exit_code == 0, r.output
    return tmp_path / "p.db"


def test_fold_code_carries_lists_and_description_and_reports_the_rest() -> None:
    target = Code(
        id="t",
        label="T",
        description="Target.",
        examples=("a",),
        rules=Rules(keywords={"id": ("x",)}, negative={"*": ("no",)}, speaker="participant"),
    )
    source = Code(
        id="s",
        label="S",
        description="Source.",
        inclusion="When.",
        examples=("a", "b"),
        key="9",
        rules=Rules(
            keywords={"id": ("x", "y"), "en": ("z",)},
            phrases={"*": ("p q",)},
            regex={"*": (r"\bq",)},
            negative={"*": ("no", "nah")},
            patterns={"*": (({"LOWER": "uang"},),)},
            scope="turn",
        ),
    )
    folded = fold_code(target, source)
    rules = folded.code.rules
    assert rules is not None
    assert rules.keywords == {"id": ("x", "y"), "en": ("z",)}
    assert (rules.phrases, rules.regex) == ({"*": ("p q",)}, {"*": (r"\bq",)})
    assert (rules.negative, rules.patterns) == ({"*": ("no",)}, {})  # the target's kept
    assert (rules.scope, rules.speaker) == ("sentence", "participant")
    assert folded.code.examples == ("a", "b")
    assert folded.code.description == "Target.\n\nMerged from s (S):\nSource."
    assert folded.carried == ("2 keywords", "1 phrase", "1 regex", "1 example", "its description")
    assert folded.not_carried == (
        "label of s not carried over: 'S' (its id stays as an alias of t)",
        "inclusion of s not carried over: 'When.' (kept t's: none)",
        "key of s not carried over: '9' (kept t's: none)",
        "rules.negative of s not carried over: ['nah'] (they would change what t matches)",
        "rules.patterns of s not carried over: [[{LOWER: 'uang'}]] (they would change what t "
        "matches)",
        "rules.scope of s not carried over: 'turn' (kept t's: 'sentence')",
    )


def test_codebook_merge_writes_everything_into_the_target_and_says_what_it_left(
    tmp_path: Path,
) -> None:
    """The issue: ``codebook merge A B`` dropped A's rules, examples and description from
    the YAML without a word."""
    db = _project(tmp_path)
    book = tmp_path / "antrean.yaml"
    p = open_project(str(db))
    text = "Orang berbaris di depan loket."
    p.documents.add_document(ImportedDocument(name="d", text=text, turns=(), lang="id"), [])
    p.codings.apply_coding("d", "time.line", 0, 14)
    p.close()
    r = run(db, "codebook", "merge", "time.line", "time.queue")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == f"merged time.line into time.queue (written to {book})"
    assert lines[1] == ("  carried over: 2 keywords, 1 phrase, 1 regex, 1 example, its description")
    assert lines[2:] == [
        "  label of time.line not carried over: {id: 'Baris antrean', en: 'Waiting line'} "
        "(its id stays as an alias of time.queue)",
        "  inclusion of time.line not carried over: 'Barisan orang di depan loket.' "
        "(kept time.queue's: none)",
        "  colour of time.line not carried over: '#fdd0a2' (kept time.queue's: '#fd8d3c')",
        "  key of time.line not carried over: '2b' (kept time.queue's: '2a')",
        "  rules.negative of time.line not carried over: ['upacara'] (they would change what "
        "time.queue matches)",
        "  rules.scope of time.line not carried over: 'turn' (kept time.queue's: 'sentence')",
    ]
    written = book.read_text(encoding="utf-8")
    assert "      - id: time.line" not in written
    # the target's block in the file: lists keep their style, quotes and comments
    assert "          keywords: {id: [antre, antri, baris], en: [queue, line]}\n" in written
    assert "          phrases: [berdiri lama]\n" in written
    assert (
        "            id:\n"
        "              - '\\bnomor (antre|antrian)\\b'\n"
        "              - '\\bberbaris\\b'\n"
    ) in written
    assert (
        '        examples:\n          - "Antreannya sampai ke jalan."\n'
        '          - "Barisnya panjang sekali."\n'
    ) in written
    assert (
        "        description: |-\n          Antrean yang panjang di loket.\n\n"
        "          Merged from time.line (Baris antrean):\n"
        "          Orang berbaris menunggu giliran.\n"
    ) in written
    assert "        aliases: [time.line]\n" in written
    assert "          negative: [minyak]\n" in written  # the target's negative words stay
    assert "          scope: sentence\n          speaker: participant\n" in written
    assert "      # the code that stays\n" in written and "# a small codebook" in written
    cb = load_codebook(book)
    queue = cb["time.queue"]
    assert queue.description == (
        "Antrean yang panjang di loket.\n\nMerged from time.line (Baris antrean):\n"
        "Orang berbaris menunggu giliran."
    )
    assert queue.aliases == ("time.line",)
    with open_project(str(db)) as p:
        assert [c.code for c in p.codings.codings(doc="d")] == ["time.queue"]
    # the whole merge is one undoable action: the file comes back as it was, but for
    # the merged code's own comment and a default it spelt out (it is written anew)
    r = run(db, "undo")
    assert r.exit_code == 0 and r.stdout == "undid: merge code time.line into time.queue\n"
    assert _diff(CODEBOOK_TEXT, book.read_text(encoding="utf-8")) == [
        "-      # the code merged into it",
        "-          speaker: any",
    ]


def _diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_a_one_keyword_edit_is_a_one_line_diff(demo_dir: Path) -> None:
    """The issue: every write-back turned flow lists into block lists, so adding one
    keyword was a 41-line diff."""
    book = demo_dir / "kepmenpan-63.yaml"
    before = book.read_text(encoding="utf-8")
    with open_project(str(demo_dir)) as p:
        code = p.codebook()["procedure"]
        assert code.rules is not None
        keywords = dict(code.rules.keywords)
        keywords["id"] = (*keywords["id"], "antrean")
        p.codes.update_code("procedure", rules=dataclasses.replace(code.rules, keywords=keywords))
        services.write_back(p)
    after = book.read_text(encoding="utf-8")
    changed = _diff(before, after)
    assert len(changed) == 2, changed  # one line out, one line in
    assert changed[0].startswith("-        id: [syarat, persyaratan, sop,")
    assert changed[1] == changed[0].replace("-", "+", 1).replace("bingung]", "bingung, antrean]")


def test_other_edits_touch_only_their_lines(demo_dir: Path) -> None:
    book = demo_dir / "kepmenpan-63.yaml"
    before = book.read_text(encoding="utf-8")
    with open_project(str(demo_dir)) as p:
        code = p.codebook()["procedure.not_sop"]
        assert code.rules is not None
        regex = {k: v for k, v in code.rules.regex.items()}
        regex["en"] = (*regex["en"], r"\bskipped a step\b")
        p.codes.update_code("procedure.not_sop", rules=dataclasses.replace(code.rules, regex=regex))
        p.codes.update_code(
            "procedure.not_sop", examples=(*code.examples, "Saya dilempar ke meja lain.")
        )
        services.write_back(p)
    changed = _diff(before, book.read_text(encoding="utf-8"))
    # two added lines, each quoted like its neighbours
    assert changed == [
        '+          - "Saya dilempar ke meja lain."',
        "+              - '\\bskipped a step\\b'",
    ]


def test_a_changed_folded_description_stays_folded(tmp_path: Path) -> None:
    shutil.copyfile(CODEBOOK, tmp_path / "cb.yaml")
    db = tmp_path / "p.db"
    assert run(db, "init", "--codebook", str(tmp_path / "cb.yaml")).exit_code == 0
    new = "Tata cara pelayanan. " * 12
    r = run(db, "codebook", "describe", "procedure", "--description", new.strip())
    assert r.exit_code == 0, r.output
    written = (tmp_path / "cb.yaml").read_text(encoding="utf-8")
    block = written.split("    description: >-\n", 1)[1].split("    inclusion:", 1)[0]
    assert all(len(line) <= 90 for line in block.splitlines())
    assert load_codebook(tmp_path / "cb.yaml")["procedure"].description == new.strip()
