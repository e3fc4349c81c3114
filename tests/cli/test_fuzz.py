"""Fuzzed input: hypothesis writes hundreds of malformed codebooks, transcripts and
exchange files per run and feeds each to the command line, into a project.

Each generator says what it makes. A *broken* file (a defect by construction: a
duplicate id, a zip without its document, XML with an entity declaration, a
subtitle file without cues...) must be refused: a non-zero exit, exactly one line
on stderr, ``error: FILE: ...`` naming the file, nothing on stdout, no traceback,
and the project byte for byte as it was. A *mutated* file (random damage to a valid
one) may turn out valid: then it is imported (exit 0) and the project still passes
``PRAGMA integrity_check``; if it is refused, the refusal must follow the same
rules. Failures found here are fixed in the code and kept as files in
``tests/data/bad/fuzz/`` (``test_fuzz_regressions``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
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
            project.apply_coding("wawancara_fuzz", "time.long_wait", 71, 113)
            project.apply_coding("wawancara_fuzz", "cost", 151, 160)
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
    strict: bool = False


def feed(t: Template, case: Case, command: Callable[[Path], list[str]]) -> None:
    """Run the command on the case's file in a fresh project; check the outcome."""
    with fresh_project(t) as folder:
        path = folder.parent / f"input{case.suffix}"
        path.write_bytes(case.data)
        before = snapshot(folder)
        args = command(path) + (["--strict"] if case.strict else [])
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


@st.composite
def codebook_case(draw: st.DrawFn, valid: bytes) -> Case:
    if draw(st.integers(0, 3)) == 0:
        return Case("codebook: random damage", ".yaml", draw(damaged(valid)), refuse=False)
    return draw(broken_codebook(valid))


@fuzz(100)
@given(data=st.data())
def test_fuzzed_codebooks(template: Template, data: st.DataObject) -> None:
    case = data.draw(codebook_case(template.valid[".yaml"]))
    feed(template, case, lambda path: ["codebook", "sync", str(path)])


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
def transcript_case(draw: st.DrawFn, valid: dict[str, bytes]) -> Case:
    if draw(st.integers(0, 2)) == 0:
        suffix = draw(st.sampled_from(TRANSCRIPT_SUFFIXES))
        if suffix in MAIN_MEMBER and draw(st.booleans()):
            member = MAIN_MEMBER[suffix]
            inner = draw(damaged(valid[suffix][:0] or _member(valid[suffix], member)))
            data = rezip(valid[suffix], lambda m: {**m, member: inner})
            return Case(f"transcript {suffix}: damaged document XML", suffix, data, refuse=False)
        return Case(
            f"transcript {suffix}: random damage",
            suffix,
            draw(damaged(valid[suffix])),
            refuse=False,
        )
    return draw(broken_transcript(valid))


def _member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


@fuzz(150)
@given(data=st.data())
def test_fuzzed_transcripts(template: Template, data: st.DataObject) -> None:
    case = data.draw(transcript_case(template.valid))
    feed(template, case, lambda path: ["import", str(path)])
