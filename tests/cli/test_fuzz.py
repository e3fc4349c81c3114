"""Fuzzed input: hypothesis writes hundreds of malformed codebooks, transcripts and
exchange files per run and feeds each to the command line, into a project.

Each generator says what it makes. A *broken* file (a defect by construction: a
duplicate id, a zip without its document, XML with an entity declaration, a
subtitle file without cues...) must be refused: a non-zero exit, exactly one line
on stderr, ``error: FILE: ...`` naming the file, nothing on stdout, no traceback,
and the project byte for byte as it was. A *mutated* file (random damage to a valid
one) may turn out valid: then it is imported (exit 0) and the project still passes
``PRAGMA integrity_check``; if it is refused, the refusal must follow the same
rules, except that damage in several places may give one ``error:`` line per
problem (a codebook reports every problem it has, each on its own line). Failures found here are fixed in the code and kept as files in
``tests/data/bad/fuzz/`` (``test_fuzz_regressions``, with the exact line each gives).

Each run is derandomized (the same inputs every time) and feeds 270 broken, 130
randomly damaged and 60 hostile files (issue 16: parent chains and nested codes
deeper than 100 levels, code ids with control characters, subtitle times of
billions of hours); the last test checks the count. To hunt for new failures::

    QUALCODE_FUZZ_EXPLORE=1 QUALCODE_FUZZ_SAVE=/tmp/fuzz pytest tests/cli/test_fuzz.py \
        --hypothesis-seed=7

runs ten times as many fresh inputs and keeps every failing one in ``/tmp/fuzz``.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.cli import cli
from tests.conftest import DATA, dump_db

REGRESSIONS = DATA / "bad" / "fuzz"

EXPLORE = os.environ.get("QUALCODE_FUZZ_EXPLORE") == "1"
"""``QUALCODE_FUZZ_EXPLORE=1``: fresh random examples (and ten times as many) to hunt
for new failures; the default run is derandomized, the same inputs every time."""


def fuzz(examples: int) -> settings:
    return settings(
        derandomize=not EXPLORE,
        deadline=None,
        database=None,
        max_examples=examples * (10 if EXPLORE else 1),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---------------------------------------------------------------------- the project


BASE_CODEBOOK: dict[str, Any] = {
    "version": 1,
    "name": "Fuzz codebook",
    "languages": ["id", "en"],
    "codes": [
        {
            "id": "time",
            "label": {"id": "Waktu", "en": "Time"},
            "color": "#1f77b4",
            "key": "1",
            "description": "How long things take.",
            "rules": {"keywords": {"id": ["antre"], "en": ["queue"]}, "scope": "sentence"},
            "children": [
                {"id": "time.long_wait", "label": {"id": "Lama", "en": "Long wait"}, "key": "1a"}
            ],
        },
        {
            "id": "cost",
            "label": {"id": "Biaya", "en": "Cost"},
            "key": "2",
            "rules": {"regex": ["\\bRp\\.? ?\\d"], "negative": ["gratis"]},
        },
        {"id": "facilities", "label": "Facilities", "aliases": ["sarana"]},
    ],
}

TRANSCRIPT = (
    "Pewawancara: Selamat pagi, Bu. Berapa lama Ibu mengantre?\n\n"
    "Narasumber: Lama sekali. Saya menunggu dua jam di kantor camat.\n\n"
    "Pewawancara: Apakah ada biaya?\n\n"
    "Narasumber: Ada, Rp. 50.000 tanpa kuitansi.\n"
)


class Template:
    """A small project (codebook, one document, two codings) and valid files of
    every kind to damage."""

    def __init__(self, folder: Path, valid: dict[str, bytes]) -> None:
        self.folder = folder
        self.valid = valid

    def __repr__(self) -> str:  # hypothesis prints it with every failing example
        return f"Template({self.folder})"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    from qualcode import services
    from tests.importers import writers

    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_CODER", "tester")
    mp.setenv("QUALCODE_FAKE_NOW", "2026-01-15T09:30:00Z")
    try:
        folder = tmp_path_factory.mktemp("fuzz-template")
        cb = folder / "codebook.yaml"
        cb.write_text(yaml.safe_dump(BASE_CODEBOOK, allow_unicode=True, sort_keys=False))
        project = services.init_project(str(folder / "qualcode.db"), cb)
        try:
            src = folder / "wawancara_fuzz.txt"
            src.write_text(TRANSCRIPT, encoding="utf-8")
            report = services.import_transcripts(project, [src])
            assert not report.errors
            project.codings.apply_coding("wawancara_fuzz", "time.long_wait", 71, 113)
            project.codings.apply_coding("wawancara_fuzz", "cost", 151, 160)
            files = tmp_path_factory.mktemp("fuzz-valid")
            services.export_qdc(project, files / "codebook.qdc")
            services.export_qdpx(project, files / "project.qdpx")
        finally:
            project.close()
        src.unlink()
        valid = {
            ".yaml": cb.read_bytes(),
            ".txt": TRANSCRIPT.encode("utf-8"),
            ".md": ("---\ntitle: Wawancara\n---\n\n" + TRANSCRIPT).encode("utf-8"),
            ".rtf": (
                b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 "
                b"{\\b Pewawancara:} Berapa lama Ibu mengantre?\\par\\par "
                b"{\\b Narasumber:} Lama sekali, caf\\'e9 tutup. Saya menunggu dua jam.\\par}"
            ),
            ".qdc": (files / "codebook.qdc").read_bytes(),
            ".qdpx": (files / "project.qdpx").read_bytes(),
        }
        with zipfile.ZipFile(files / "project.qdpx") as z:
            valid[".qde"] = z.read("project.qde")
        for suffix, write in (
            (".docx", writers.write_docx),
            (".odt", writers.write_odt),
            (".pdf", writers.write_pdf_fpdf),
            (".html", writers.write_html),
            (".vtt", writers.write_vtt),
            (".srt", writers.write_srt),
        ):
            valid[suffix] = write(files).read_bytes()
        return Template(folder, valid)
    finally:
        mp.undo()


@contextmanager
def fresh_project(t: Template) -> Iterator[Path]:
    """A private copy of the template project, linked to its own codebook file."""
    tmp = Path(tempfile.mkdtemp(prefix="qualcode-fuzz-"))
    try:
        folder = tmp / "project"
        shutil.copytree(t.folder, folder)
        con = sqlite3.connect(folder / "qualcode.db")
        con.execute(
            "UPDATE settings SET value = ? WHERE key = 'codebook_path'",
            (json.dumps(str(folder / "codebook.yaml")),),
        )
        con.commit()
        con.close()
        yield folder
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def snapshot(folder: Path) -> tuple[list[str], dict[str, bytes]]:
    files = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in ("qualcode.db", "qualcode.db-wal", "qualcode.db-shm")
    }
    return dump_db(folder / "qualcode.db"), files


@dataclass(frozen=True)
class Case:
    """One generated input and what must happen to it."""

    what: str
    suffix: str
    data: bytes
    refuse: bool
    """True: broken by construction, must be refused; False: may be valid."""


SAVE = os.environ.get("QUALCODE_FUZZ_SAVE")
"""A folder: every input that fails is written there (hypothesis shrinks it, so the
newest file of a kind is the smallest), to be kept in ``tests/data/bad/fuzz/``."""


def report(test: str, counts: Counts) -> None:
    """One line per fuzz test (shown with -s): the figures docs/reliability.md quotes."""
    print(
        f"fuzz {test}: {counts['fed']} fed, {counts['broken']} broken refused, "
        f"{counts['refused'] - counts['broken']} damaged refused, "
        f"{counts['accepted']} damaged accepted"
    )


Counts = Counter[str]
"""outcome (fed, accepted, refused, broken) -> how many inputs one test fed."""


def feed(t: Template, case: Case, command: Callable[[Path], list[str]], counts: Counts) -> None:
    """Run the command on the case's file in a fresh project; check the outcome."""
    try:
        _feed(t, case, command, counts)
    except AssertionError:
        if SAVE:
            import hashlib

            name = f"{case.what.split(':')[0].replace(' ', '-')}-{hashlib.sha1(case.data).hexdigest()[:8]}"
            Path(SAVE).mkdir(parents=True, exist_ok=True)
            (Path(SAVE) / f"{name}{case.suffix}").write_bytes(case.data)
        raise


def _feed(t: Template, case: Case, command: Callable[[Path], list[str]], counts: Counts) -> None:
    counts["fed"] += 1
    with fresh_project(t) as folder:
        path = folder.parent / f"input{case.suffix}"
        path.write_bytes(case.data)
        before = snapshot(folder)
        args = command(path)
        r = CliRunner().invoke(
            cli, ["--project", str(folder / "qualcode.db"), *args], prog_name="qualcode"
        )
        about = f"{case.what} ({len(case.data)} bytes): exit {r.exit_code}, stderr {r.stderr!r}"
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            import traceback

            trace = "".join(traceback.format_exception(r.exception))
            raise AssertionError(f"{about}\n{trace}")
        if r.exit_code == 0:
            assert not case.refuse, f"a broken file was accepted: {about}"
            counts["accepted"] += 1
            con = sqlite3.connect(folder / "qualcode.db")
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            con.close()
            return
        lines = r.stderr.splitlines()
        assert lines, f"a refusal without a word: {about}"
        if case.refuse:  # one defect: one line
            assert len(lines) == 1, f"not one line: {about}"
        for line in lines:  # random damage may make several problems: one line each
            assert line.startswith(f"error: {path}"), f"a line does not name the file: {about}"
            assert len(line) < 600, f"a line too long: {about}"
        assert "Traceback" not in r.stderr, about
        assert r.stdout == "", f"output on a refusal: {about}; stdout {r.stdout!r}"
        assert snapshot(folder) == before, f"the project changed on a refusal: {about}"
        counts["refused"] += 1
        if case.refuse:
            counts["broken"] += 1


# ---------------------------------------------------------------------- regressions

REGRESSIONS_EXPECTED: dict[str, str] = {
    # found by this fuzzer; each crashed with a traceback or lost text before its fix
    "alias_bomb.yaml": "3:15: aliases expand to more than 10,000 repeated values "
    "(write the values out, or use fewer aliases)",
    "recursive_alias.yaml": "2:8: an alias refers to a value that contains it (remove the alias)",
    "deep_nesting.yaml": "2:108: nested more than 100 levels deep (use a flatter codebook)",
    "control_character.yaml": "4:16: YAML does not allow the character U+0007 here "
    "(remove it, or save the file again from a text editor)",
    "bare_list_bad_colour.yaml": "3:10: bad colour 'reddish' for code 'time' "
    "(write it as #RRGGBB or #RGB)",
    "cue_without_time.vtt": "6: a cue without a valid time line, whose text would be lost "
    "(a cue starts with 'HH:MM:SS.mmm --> HH:MM:SS.mmm')",
    "cue_glued.srt": "5: is a malformed SubRip file (a cue is not 'number / time --> time / text')",
    "damaged_member.docx": " is a corrupt Word document (.docx) (Error -3 while decompressing "
    "data: invalid code lengths set) (open and save it again as .docx)",
    "damaged_member.odt": " is a corrupt OpenDocument text (.odt) (Error -3 while decompressing "
    "data: invalid code lengths set) (open and save it again as .odt)",
    "damaged_member.qdpx": " the archive is damaged (project.qde: Error -3 while decompressing "
    "data: invalid code lengths set) (export it again)",
    "unknown_xml_encoding.qdc": "1: the XML declares the encoding 'ut0-8', which cannot be read "
    '(unknown encoding: ut0-8) (REFI-QDA files are UTF-8: write encoding="utf-8")',
    "multibyte_xml_encoding.qde": "1: the XML declares the encoding 'shift_jis', which cannot be "
    "read (multi-byte encodings are not supported) (REFI-QDA files are UTF-8: write "
    'encoding="utf-8")',
}
"""File in ``tests/data/bad/fuzz/`` -> the rest of its one error line after ``error: FILE:``."""


@pytest.mark.parametrize("name", sorted(REGRESSIONS_EXPECTED))
def test_fuzz_regressions(template: Template, name: str) -> None:
    path = REGRESSIONS / name
    command = ["codebook", "sync"] if path.suffix == ".yaml" else ["import"]
    with fresh_project(template) as folder:
        before = snapshot(folder)
        r = CliRunner().invoke(
            cli,
            ["--project", str(folder / "qualcode.db"), *command, str(path)],
            prog_name="qualcode",
        )
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        assert r.exit_code == 1
        assert r.stderr == f"error: {path}:{REGRESSIONS_EXPECTED[name]}\n"
        assert r.stdout == ""
        assert snapshot(folder) == before


def test_every_regression_file_is_in_the_table() -> None:
    assert sorted(p.name for p in REGRESSIONS.iterdir()) == sorted(REGRESSIONS_EXPECTED)


# ---------------------------------------------------------------------- damage


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """Random damage to valid bytes: cut, overwrite, insert, delete, duplicate."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "overwrite", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "cut":
            del out[at:]
        elif kind == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            out[at : at + len(chunk)] = chunk
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            out[at:at] = out[at : at + draw(st.integers(1, 64))]
    return bytes(out)


def rezip(data: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    """The zip ``data`` with its members changed."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {info.filename: z.read(info) for info in z.infolist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in change(members).items():
            z.writestr(name, content)
    return buf.getvalue()


# ---------------------------------------------------------------------- codebooks

ALLOWED_CODE_FIELDS = {
    "id", "label", "description", "inclusion", "exclusion", "examples", "color", "key",
    "children", "aliases", "rules", "memo", "parent", "conflict",
}  # fmt: skip


def _codes(cb: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def walk(codes: list[dict[str, Any]]) -> None:
        for c in codes:
            out.append(c)
            walk(c.get("children", []))

    walk(cb["codes"])
    return out


@st.composite
def broken_codebook(draw: st.DrawFn, valid: bytes) -> Case:
    """A codebook with one defect, at the YAML or the codebook level."""
    import copy

    cb = copy.deepcopy(BASE_CODEBOOK)
    codes = _codes(cb)
    code = draw(st.sampled_from(codes))
    kind = draw(
        st.sampled_from(
            [
                "duplicate id", "unknown field", "bad colour", "bad key", "no label",
                "wrong type", "bad version", "bad rule", "not a mapping", "bad id",
                "unknown parent", "parent cycle", "yaml syntax", "duplicate yaml key",
                "invalid utf-8", "alias bomb", "python tag", "empty", "codes missing",
            ]
        )
    )  # fmt: skip
    text: str | None = None
    raw: bytes | None = None
    if kind == "duplicate id":
        other = draw(st.sampled_from([c for c in codes if c is not code]))
        other["id"] = code["id"]
    elif kind == "unknown field":
        name = draw(st.from_regex(r"[a-z_]{3,12}", fullmatch=True).filter(
            lambda n: n not in ALLOWED_CODE_FIELDS
        ))  # fmt: skip
        code[name] = draw(st.sampled_from(["x", 1, [1], {"a": 1}]))
    elif kind == "bad colour":
        code["color"] = draw(
            st.text(min_size=0, max_size=9).filter(
                lambda s: not __import__("re").fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", s)
            )
        )
    elif kind == "bad key":
        code["key"] = draw(st.sampled_from(["ABCD", "a b", "!", "", "1234", "é", "K"]))
    elif kind == "no label":
        if draw(st.booleans()):
            code.pop("label")
        else:
            code["label"] = draw(st.sampled_from(["", "   ", None, {}]))
    elif kind == "wrong type":
        field = draw(
            st.sampled_from(["label", "children", "aliases", "examples", "rules", "description"])
        )
        code[field] = draw(st.sampled_from([12, 3.5, True, {"x": {"y": 1}}]))
    elif kind == "bad version":
        cb["version"] = draw(st.sampled_from([2, 0, "one", [1], None]))
    elif kind == "bad rule":
        rule = draw(
            st.sampled_from(
                [
                    {"regex": ["(unclosed"]}, {"scope": "page"}, {"speaker": "nobody"},
                    {"keywords": 5}, {"match": "fuzzy"}, {"frobnicate": [1]},
                    {"patterns": [[{"LOWR": "x"}]]}, {"min_score": "many"},
                ]
            )
        )  # fmt: skip
        code["rules"] = rule
    elif kind == "not a mapping":
        text = draw(st.sampled_from(["- just a string\n", "just text\n", "42\n", "null\n", "[]\n"]))
    elif kind == "bad id":
        code["id"] = draw(st.sampled_from(["has space", "a/b", "", None, "ü ber", "a:b"]))
    elif kind == "unknown parent":
        cb["codes"].append({"id": "orphan", "label": "Orphan", "parent": "no_such_code"})
    elif kind == "parent cycle":
        cb["codes"].append({"id": "a", "label": "A", "parent": "b"})
        cb["codes"].append({"id": "b", "label": "B", "parent": "a"})
    elif kind == "yaml syntax":
        broken = draw(
            st.sampled_from(
                ["extra: [unclosed", 'extra: "open', "extra: {a: 1", "- a list after a mapping",
                 "\tindented: with a tab", "extra: value: again", "? [a"]
            )
        )  # fmt: skip
        text = valid.decode("utf-8") + broken + "\n"
    elif kind == "duplicate yaml key":
        text = valid.decode("utf-8").replace(
            "name: Fuzz codebook\n", "name: Fuzz codebook\nname: Again\n"
        )
    elif kind == "invalid utf-8":
        at = draw(st.integers(0, len(valid) - 1))
        raw = (
            valid[:at]
            + draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\x80\x80", b"\xed\xa0\x80"]))
            + valid[at:]
        )
    elif kind == "alias bomb":
        levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in range(1, 9):
            levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
        text = "version: 1\nlaughs:\n" + "\n".join("  " + x for x in levels) + "\ncodes: *a8\n"
    elif kind == "python tag":
        text = "version: 1\ncodes: !!python/object/apply:os.system ['echo hi']\n"
    elif kind == "empty":
        text = draw(st.sampled_from(["", "\n", "# only a comment\n", "---\n"]))
    else:
        cb.pop("codes")
    if raw is None:
        if text is None:
            text = yaml.safe_dump(cb, allow_unicode=True, sort_keys=False)
        raw = text.encode("utf-8")
    return Case(f"codebook: {kind}", ".yaml", raw, refuse=True)


def test_broken_codebooks_are_refused(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(90)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(broken_codebook(template.valid[".yaml"]))
        feed(template, case, lambda path: ["codebook", "sync", str(path)], counts)

    run()
    report("test_broken_codebooks_are_refused", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)
    assert counts["broken"] >= 80, dict(counts)  # this many broken files, every run


def test_damaged_codebooks_are_refused_or_synced(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(30)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        raw = data.draw(damaged(template.valid[".yaml"]))
        case = Case("codebook: random damage", ".yaml", raw, refuse=False)
        feed(template, case, lambda path: ["codebook", "sync", str(path)], counts)

    run()
    report("test_damaged_codebooks_are_refused_or_synced", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)


# ---------------------------------------------------------------------- transcripts

TRANSCRIPT_SUFFIXES = [".txt", ".md", ".docx", ".odt", ".rtf", ".pdf", ".vtt", ".srt", ".html"]
MAIN_MEMBER = {".docx": "word/document.xml", ".odt": "content.xml"}


@st.composite
def binary_junk(draw: st.DrawFn) -> bytes:
    """Bytes no text format explains: NULs among random bytes."""
    body = draw(st.binary(min_size=16, max_size=400))
    return b"\x00\x01\x02\x03\xff\xfe\x00\x00" + body + b"\x00" * draw(st.integers(1, 32))


@st.composite
def broken_transcript(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    """A transcript with a defect that makes it unreadable or empty."""
    suffix = draw(st.sampled_from(TRANSCRIPT_SUFFIXES))
    kinds = ["empty", "binary junk"]
    if suffix in (".txt", ".md", ".html", ".vtt", ".srt", ".rtf"):
        kinds.append("whitespace only")
    if suffix in MAIN_MEMBER:
        kinds += ["not a zip", "zip without the document", "document not XML",
                  "document XML cut", "zip cut", "zip of something else"]  # fmt: skip
    if suffix == ".pdf":
        kinds += ["PDF header and junk", "not a PDF"]
    if suffix == ".vtt":
        kinds += ["no WEBVTT header", "header and no cues", "bad timestamps"]
    if suffix == ".srt":
        kinds += ["no cues", "bad timestamps"]
    if suffix == ".html":
        kinds += ["no text"]
    if suffix == ".rtf":
        kinds += ["RTF with no text"]
    kind = draw(st.sampled_from(kinds))
    data: bytes
    if kind == "empty":
        data = b""
    elif kind == "binary junk":
        data = draw(binary_junk())
    elif kind == "whitespace only":
        data = draw(st.text(alphabet=" \t\r\n\u00a0\u3000", min_size=1, max_size=40)).encode()
    elif kind == "not a zip":
        data = draw(st.binary(min_size=1, max_size=300).filter(lambda b: not b.startswith(b"PK")))
    elif kind in ("zip without the document", "document not XML", "document XML cut"):
        member = MAIN_MEMBER[suffix]

        def change(members: dict[str, bytes]) -> dict[str, bytes]:
            if kind == "zip without the document":
                members.pop(member)
            elif kind == "document not XML":
                members[member] = draw(st.binary(min_size=0, max_size=200))
            else:
                xml = members[member]
                members[member] = xml[: draw(st.integers(0, len(xml) - 10))]
            return members

        data = rezip(valid[suffix], change)
    elif kind == "zip cut":
        whole = valid[suffix]
        data = whole[: draw(st.integers(1, len(whole) * 9 // 10))]
    elif kind == "zip of something else":
        data = rezip(valid[".docx"], lambda m: {"notes.txt": TRANSCRIPT.encode("utf-8")})
    elif kind == "PDF header and junk":
        data = b"%PDF-1.7\n" + draw(st.binary(min_size=0, max_size=400))
    elif kind == "not a PDF":
        data = TRANSCRIPT.encode("utf-8")
    elif kind == "no WEBVTT header":
        data = valid[".vtt"].replace(b"WEBVTT", draw(st.sampled_from([b"", b"WEBVT", b"VTT"])), 1)
    elif kind == "header and no cues":
        data = b"WEBVTT\n\n" + draw(st.sampled_from([b"", b"NOTE just a note\n", b"\n\n"]))
    elif kind == "bad timestamps":
        sep = b"." if suffix == ".vtt" else b","
        data = valid[suffix].replace(
            b"00:00:01" + sep + b"000 --> ",
            draw(st.sampled_from([b"00:00:xx", b"1:2:3 -> ", b"99"])),
            1,
        )
    elif kind == "no cues":
        data = draw(st.text(alphabet="abc :\n", min_size=1, max_size=60)).encode() + b"\n"
        data = b"1\n" + data  # an index without a time line
    elif kind == "no text":
        data = draw(
            st.sampled_from(
                [b"<html><body></body></html>", b"<script>var a = 1;</script>",
                 b"<html><head><title></title><style>p {}</style></head><body>\n</body></html>"]
            )
        )  # fmt: skip
    else:  # RTF with no text
        data = draw(
            st.sampled_from([b"{\\rtf1}", b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\par\\par}"])
        )
    return Case(f"transcript {suffix}: {kind}", suffix, data, refuse=True)


@st.composite
def damaged_transcript(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    """A valid transcript with random damage (to the document XML inside a package)."""
    suffix = draw(st.sampled_from(TRANSCRIPT_SUFFIXES))
    if suffix in MAIN_MEMBER and draw(st.booleans()):
        member = MAIN_MEMBER[suffix]
        inner = draw(damaged(_member(valid[suffix], member)))
        data = rezip(valid[suffix], lambda m: {**m, member: inner})
        return Case(f"transcript {suffix}: damaged document XML", suffix, data, refuse=False)
    return Case(
        f"transcript {suffix}: random damage", suffix, draw(damaged(valid[suffix])), refuse=False
    )


def _member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def test_broken_transcripts_are_refused(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(90)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(broken_transcript(template.valid))
        feed(template, case, lambda path: ["import", str(path)], counts)

    run()
    report("test_broken_transcripts_are_refused", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)
    assert counts["broken"] >= 80, dict(counts)  # this many broken files, every run


def test_damaged_transcripts_are_refused_or_imported(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(50)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(damaged_transcript(template.valid))
        feed(template, case, lambda path: ["import", str(path)], counts)

    run()
    report("test_damaged_transcripts_are_refused_or_imported", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)


# ---------------------------------------------------------------------- exchange files

EXCHANGE_SUFFIXES = [".qdpx", ".qdc", ".qde"]
ROOT_END = {".qdc": b"</CodeBook>", ".qde": b"</Project>"}

_ENTITY_BOMB = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>\n'
)
_EXTERNAL = b'<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'


def _after_declaration(xml: bytes, insert: bytes) -> bytes:
    end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + b"\n" + insert + xml[end:].lstrip(b"\n")


@st.composite
def broken_xml(draw: st.DrawFn, xml: bytes, root: bytes) -> tuple[str, bytes]:
    """A REFI-QDA XML document (``.qdc`` or ``.qde``) with one defect that refuses it."""
    kind = draw(
        st.sampled_from(
            ["empty", "not XML", "XML cut", "entity declarations", "external entity",
             "wrong root", "binary junk", "unclosed element", "two roots"]
        )
    )  # fmt: skip
    if kind == "empty":
        return kind, b""
    if kind == "not XML":
        text = draw(st.text(min_size=1, max_size=80).filter(lambda s: "<" not in s))
        return kind, ("not xml " + text).encode("utf-8")
    if kind == "XML cut":  # always before the root is closed
        return kind, xml[: draw(st.integers(1, xml.rindex(root)))]
    if kind == "entity declarations":
        name = root[2:-1]
        data = _after_declaration(xml, _ENTITY_BOMB.replace(b"lolz", name))
        return kind, data.replace(b"<Codes>", b"<Codes>&lol2;", 1)
    if kind == "external entity":
        name = root[2:-1]
        data = _after_declaration(xml, _EXTERNAL.replace(b"DOCTYPE x", b"DOCTYPE " + name))
        return kind, data.replace(b"<Codes>", b"<Codes>&ext;", 1)
    if kind == "wrong root":
        name = root[2:-1]
        other = draw(st.sampled_from([b"html", b"Projekt", b"QDA", b"Codes", b"Book"]))
        return kind, xml.replace(b"<" + name, b"<" + other, 1).replace(root, b"</" + other + b">")
    if kind == "binary junk":
        return kind, draw(binary_junk())
    if kind == "unclosed element":
        at = xml.index(b"</Code>")
        return kind, xml[:at] + xml[at + len(b"</Code>") :]
    # two roots: a second document glued after the first
    return kind, xml + xml[xml.index(b"<", 2) :] if xml.startswith(b"<?xml") else xml + xml


@st.composite
def broken_exchange(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    """A ``.qdpx``, ``.qdc`` or ``.qde`` file with one defect that refuses it."""
    suffix = draw(st.sampled_from(EXCHANGE_SUFFIXES))
    if suffix == ".qdc":
        kind, data = draw(broken_xml(valid[".qdc"], ROOT_END[".qdc"]))
        return Case(f"exchange {suffix}: {kind}", suffix, data, refuse=True)
    if suffix == ".qde" and draw(st.booleans()):
        kind, data = draw(broken_xml(valid[".qde"], ROOT_END[".qde"]))
        return Case(f"exchange {suffix}: {kind}", suffix, data, refuse=True)
    if suffix == ".qde":  # a bare project whose source path leaves its folder
        bad = draw(st.sampled_from(SOURCE_ESCAPES))
        data = re.sub(rb'plainTextPath="[^"]*"', b'plainTextPath="' + bad + b'"', valid[".qde"])
        return Case(f"exchange {suffix}: source path {bad.decode()}", suffix, data, refuse=True)
    kind = draw(
        st.sampled_from(
            ["empty", "not a zip", "zip cut", "no project.qde", "project.qde broken",
             "member escapes", "source path escapes", "zip bomb", "nothing but a folder"]
        )
    )  # fmt: skip
    qdpx = valid[".qdpx"]
    if kind == "empty":
        data = b""
    elif kind == "not a zip":
        data = draw(st.binary(min_size=1, max_size=300).filter(lambda b: not b.startswith(b"PK")))
    elif kind == "zip cut":  # the central directory at the end is lost
        data = qdpx[: draw(st.integers(1, len(qdpx) - 23))]
    elif kind == "no project.qde":
        data = rezip(qdpx, lambda m: {k: v for k, v in m.items() if not k.endswith(".qde")})
    elif kind == "project.qde broken":
        inner, member = draw(broken_xml(valid[".qde"], ROOT_END[".qde"]))
        kind = f"project.qde: {inner}"
        data = rezip(qdpx, lambda m: {**m, "project.qde": member})
    elif kind == "member escapes":
        name = draw(st.sampled_from(["../evil.txt", "/etc/evil", "sources/../../evil", "C:/evil"]))
        data = rezip(qdpx, lambda m: {**m, name: b"evil"})
    elif kind == "source path escapes":
        bad = draw(st.sampled_from(SOURCE_ESCAPES))

        def change(m: dict[str, bytes]) -> dict[str, bytes]:
            xml = re.sub(
                rb'plainTextPath="[^"]*"', b'plainTextPath="' + bad + b'"', m["project.qde"]
            )
            return {**m, "project.qde": xml}

        data = rezip(qdpx, change)
    elif kind == "zip bomb":
        data = _zip_bomb(qdpx)
    else:
        data = rezip(qdpx, lambda m: {"project/": b""})
    return Case(f"exchange {suffix}: {kind}", suffix, data, refuse=True)


SOURCE_ESCAPES = [
    b"internal://../../../etc/passwd",
    b"internal:///etc/passwd",
    b"relative://../secret.txt",
    b"internal://C:/Windows/win.ini",
    b"../outside.txt",
]

_BOMB: dict[bytes, bytes] = {}


def _zip_bomb(qdpx: bytes) -> bytes:
    """The project with a 12 MiB member of zeros (1000:1): made once per run."""
    if qdpx not in _BOMB:
        _BOMB[qdpx] = rezip(qdpx, lambda m: {**m, "sources/zeros.txt": b"0" * (12 * 1024**2)})
    return _BOMB[qdpx]


@st.composite
def damaged_meta(draw: st.DrawFn, qde: bytes) -> bytes:
    """The project XML with qualcode's own extra fields (its ``qualcode-extras``
    instruction) damaged: a field of a code or of the project given a wrong value,
    or the instruction's JSON broken."""
    m = re.search(rb"<\?qualcode-extras (\{.*?\})\?>", qde, re.S)
    assert m is not None
    if draw(st.booleans()):
        broken = draw(st.sampled_from([b"{", b"[]", b'{"items": 7}', b"not json", b""]))
        return qde[: m.start(1)] + broken + qde[m.end(1) :]
    data = json.loads(m.group(1).decode("ascii"))
    items = data["items"]
    key = draw(st.sampled_from(sorted(k for k, v in items.items() if "id" in v or k == "project")))
    field = draw(st.sampled_from(["id", "key", "label", "rules", "aliases", "codebook", "color"]))
    items[key][field] = draw(
        st.sampled_from(
            [None, 7, "", "has space", [1, 2], {"x": {"y": 1}}, {"regex": ["(unclosed"]},
             {"scope": "page"}, "#zzz", "é"]
        )
    )  # fmt: skip
    text = json.dumps(data, ensure_ascii=True).replace(">", "\\u003e")
    return qde[: m.start(1)] + text.encode("ascii") + qde[m.end(1) :]


@st.composite
def damaged_exchange(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    """A valid exchange file with random damage, or with qualcode's metadata damaged."""
    if draw(st.booleans()):
        suffix = draw(st.sampled_from(EXCHANGE_SUFFIXES))
        if suffix == ".qdpx" and draw(st.booleans()):
            inner = draw(damaged(valid[".qde"]))
            data = rezip(valid[".qdpx"], lambda m: {**m, "project.qde": inner})
            return Case("exchange .qdpx: damaged project.qde", suffix, data, refuse=False)
        return Case(
            f"exchange {suffix}: random damage", suffix, draw(damaged(valid[suffix])), refuse=False
        )
    qde = draw(damaged_meta(valid[".qde"]))
    if draw(st.booleans()):
        return Case("exchange .qde: damaged qualcode metadata", ".qde", qde, refuse=False)
    data = rezip(valid[".qdpx"], lambda m: {**m, "project.qde": qde})
    return Case("exchange .qdpx: damaged qualcode metadata", ".qdpx", data, refuse=False)


def test_broken_exchange_files_are_refused(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(90)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(broken_exchange(template.valid))
        feed(template, case, lambda path: ["import", str(path)], counts)

    run()
    report("test_broken_exchange_files_are_refused", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)
    assert counts["broken"] >= 80, dict(counts)  # this many broken files, every run


def test_damaged_exchange_files_are_refused_or_imported(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(50)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(damaged_exchange(template.valid))
        feed(template, case, lambda path: ["import", str(path)], counts)

    run()
    report("test_damaged_exchange_files_are_refused_or_imported", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)


# ---------------------------------------------------------------------- hostile (issue 16)


def _deep_parents(depth: int) -> bytes:
    lines = ["version: 1", "codes:", "  - id: c0", "    label: C0"]
    for i in range(1, depth):
        lines += [f"  - id: c{i}", f"    label: C{i}", f"    parent: c{i - 1}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _nested_qdc(depth: int) -> bytes:
    opening = "".join(
        f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="c{i}" isCodable="true">'
        for i in range(depth)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="fuzz"><Codes>'
        + opening
        + "</Code>" * depth
        + "</Codes></CodeBook>"
    ).encode("utf-8")


CONTROLS = [chr(c) for c in (*range(0, 9), *range(11, 32), 127, 0x85, 0x202E, 0x2028, 0x2066)]


@st.composite
def hostile_case(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    """The inputs issue 16 found taking the program down, with random sizes and places."""
    kind = draw(
        st.sampled_from(
            ["parent chain", "control character in an id", "nested codes", "subtitle hours"]
        )
    )
    if kind == "parent chain":
        depth = draw(st.integers(101, 1200))
        return Case(f"hostile: parent chain {depth} deep", ".yaml", _deep_parents(depth), True)
    if kind == "control character in an id":
        ch = draw(st.sampled_from(CONTROLS))
        at = draw(st.integers(0, 4))
        code_id = "cost"[:at] + ch + "cost"[at:]
        escaped = json.dumps(code_id)  # a YAML double-quoted scalar
        text = f"version: 1\ncodes:\n  - id: {escaped}\n    label: Cost\n"
        return Case(f"hostile: id with U+{ord(ch):04X}", ".yaml", text.encode("utf-8"), True)
    if kind == "nested codes":
        depth = draw(st.integers(101, 6000))
        return Case(f"hostile: {depth} nested codes", ".qdc", _nested_qdc(depth), True)
    suffix = draw(st.sampled_from([".srt", ".vtt"]))
    hours = draw(st.integers(10**4, 10**14))
    sep = "," if suffix == ".srt" else "."
    stamp = f"{hours}:00:00{sep}000 --> {hours}:00:01{sep}000"
    data = valid[suffix].decode("utf-8")
    first = re.search(r"\d+:\d{2}:\d{2}[.,]\d{3} --> \d+:\d{2}:\d{2}[.,]\d{3}", data)
    assert first is not None
    text = data[: first.start()] + stamp + data[first.end() :]
    return Case(f"hostile: {suffix} hour {hours}", suffix, text.encode("utf-8"), True)


def test_hostile_inputs_are_refused(template: Template) -> None:
    counts: Counts = Counter()

    @fuzz(60)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        case = data.draw(hostile_case(template.valid))
        command = ["codebook", "sync"] if case.suffix == ".yaml" else ["import"]
        feed(template, case, lambda path: [*command, str(path)], counts)

    run()
    report("test_hostile_inputs_are_refused", counts)
    assert counts["fed"] == counts["accepted"] + counts["refused"] > 0, dict(counts)
    assert counts["broken"] >= 50, dict(counts)  # this many broken files, every run
