"""Pseudonyms on every output that shows a name or a quote (issue 15, point 6).

Over the demo project, with a name map of its real names (the speakers, people they
mention, a village), every output — kwic, words, agreement, adjudicate, segments,
quotes, frequency, report, the REFI-QDA export — is searched for every real name of
the map, and none is found; without the map they are there (so the search could
fail). The workbench's own exports: ``tests/tui/test_pseudonym_exports.py``.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import TRANSCRIPTS
from tests.refi_files import schema

NAME_MAP = """\
real,pseudonym
Pak Hendra,Informan A
Hendra,Informan A
Pak Darto,Informan B
Darto,Informan B
Mbak Rina,Informan C
Rina,Informan C
Yoga,Informan D
Kang Ujang,Warga 1
Ujang,Warga 1
Bu Yati,Warga 2
Yati,Warga 2
Bu Nia,Warga 3
Nia,Warga 3
Pasirjati,Kelurahan 1
"""
REAL = tuple(line.split(",")[0] for line in NAME_MAP.splitlines()[1:])
"""Every real name of the map (whole words, any case)."""
DOC = "wawancara_03_petani"  # Pak Darto tells of Kang Ujang


def run(project: Path, *args: str, coder: str = "tester") -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", coder, *args], prog_name="qualcode"
    )


def text_of(path: Path) -> str:
    """Everything a file holds, as text: zip members (XLSX, .qdpx), SQLite rows, text."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in sorted(z.namelist()))
    if data[:16] == b"SQLite format 3\x00":
        con = sqlite3.connect(path)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()
    return data.decode("utf-8-sig")


def found(text: str) -> set[str]:
    return {
        n
        for n in REAL
        if re.search(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])", text, re.IGNORECASE)
    }


@pytest.fixture
def prepared(demo_dir: Path) -> Path:
    """The demo with cases and attributes, the gold coder, and a second coder's
    codings (accepted auto-code suggestions), so agreement and adjudication have
    disagreements with quotes."""
    r = run(demo_dir, "attributes", "import", str(TRANSCRIPTS / "attributes.csv"), "--create")
    assert r.exit_code == 0, r.output
    r = run(demo_dir, "import-codings", str(TRANSCRIPTS / "gold" / "codings.yaml"))
    assert r.exit_code == 0, r.output
    assert run(demo_dir, "autocode").exit_code == 0
    for code in ("procedure", "time", "cost", "product", "facilities", "competence"):
        r = run(demo_dir, "suggestions", "accept", "--code", code, "--children")
        assert r.exit_code == 0, r.output
    r = run(demo_dir, "memo", "set", "--doc", DOC, "Pak Darto minta namanya disamarkan.")
    assert r.exit_code == 0
    return demo_dir


def outputs(project: Path, out: Path, *names: str) -> dict[str, str]:
    """Every output, with the given extra options (``--pseudonyms FILE`` or none)."""
    out.mkdir()
    texts: dict[str, str] = {}

    def cmd(label: str, *args: str, file: Path | None = None) -> None:
        r = run(project, *args, *names)
        assert r.exit_code == 0, (label, r.output)
        texts[label] = r.stdout + r.stderr + (text_of(file) if file else "")

    cmd("kwic", "kwic", "datang", "--width", "80")
    cmd("kwic-name", "kwic", "Rina", "--width", "30", "-o", str(out / "k.csv"), file=out / "k.csv")
    cmd("kwic-xlsx", "kwic", "pak", "-o", str(out / "k.xlsx"), file=out / "k.xlsx")
    for by in ("document", "case", "speaker"):
        cmd(
            f"words-{by}",
            "words",
            "--by",
            by,
            "-o",
            str(out / f"w-{by}.csv"),
            file=out / f"w-{by}.csv",
        )
    cmd("words-print", "words", "--by", "document", "--top", "500")
    for fmt in ("table", "json"):
        cmd(
            f"agreement-{fmt}",
            "agreement",
            "--coders",
            "tester",
            "gold",
            "--include-unfinished",
            "--unit",
            "sentence",
            "--format",
            fmt,
        )
    cmd(
        "agreement-csv",
        "agreement",
        "--coders",
        "tester",
        "gold",
        "--include-unfinished",
        "--format",
        "csv",
        "-o",
        str(out / "a.csv"),
        file=out / "a.csv",
    )
    texts["agreement-csv"] += text_of(out / "a-disagreements.csv")
    cmd(
        "agreement-xlsx",
        "agreement",
        "--coders",
        "tester",
        "gold",
        "--include-unfinished",
        "--format",
        "xlsx",
        "-o",
        str(out / "a.xlsx"),
        file=out / "a.xlsx",
    )
    cmd("adjudicate", "adjudicate", DOC, "--coders", "tester", "gold")
    cmd("adjudicate-json", "adjudicate", DOC, "--coders", "tester", "gold", "--json")
    for kind in ("segments", "quotes", "frequency", "memos"):
        for fmt in ("csv", "xlsx", "md", "json", "sqlite", "html"):
            f = out / f"{kind}.{fmt}"
            extra = ("--by", "case") if kind in ("quotes", "frequency") else ()
            cmd(f"{kind}-{fmt}", "export", kind, *extra, "-o", str(f), file=f)
    cmd("report", "report", "--by", "case", "-o", str(out / "r.html"), file=out / "r.html")
    cmd("qdpx", "export", "qdpx", "-o", str(out / "p.qdpx"), file=out / "p.qdpx")
    return texts


@pytest.mark.slow
def test_no_real_name_of_the_map_survives_in_any_output(prepared: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(NAME_MAP, encoding="utf-8")
    plain = outputs(prepared, tmp_path / "plain")
    # without the map the names are there: the search below could fail
    assert set().union(*(found(t) for t in plain.values())) == set(REAL)
    for label in ("kwic-name", "adjudicate-json", "agreement-json", "qdpx", "words-document"):
        assert found(plain[label]), label
    masked = outputs(prepared, tmp_path / "masked", "--pseudonyms", str(names))
    leaks = {label: found(text) for label, text in masked.items() if found(text)}
    assert leaks == {}
    assert "Informan C" in masked["kwic-name"] and "Warga 1" in masked["adjudicate-json"]


def test_refi_export_with_pseudonyms_moves_every_selection_onto_the_changed_text(
    demo_dir: Path, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    from qualcode.store import open_project

    names = tmp_path / "names.csv"
    names.write_text(NAME_MAP, encoding="utf-8")
    with open_project(str(demo_dir)) as p:
        text = p.documents.document(DOC).text
        quotes = {}
        # a passage that holds a name, one that starts right after one, one that ends in one
        for phrase in ("Pak Darto", "Darto:", "Ujang"):
            start = text.find(phrase)
            if start < 0:
                continue
            end = min(len(text), start + 60)
            coding, _ = p.codings.apply_coding(DOC, "cost", max(0, start - 7), end)
            quotes[coding.guid] = coding.quote
    r = run(demo_dir, "export", "qdpx", "--pseudonyms", str(names), "-o", str(tmp_path / "p.qdpx"))
    assert r.exit_code == 0, r.output
    from qualcode.core.pseudonyms import Pseudonymizer
    from qualcode.importers.pseudonyms import read_pseudonyms

    masker = Pseudonymizer(read_pseudonyms(names))
    with zipfile.ZipFile(tmp_path / "p.qdpx") as z:
        qde = z.read("project.qde")
        schema("Project").validate(qde.decode("utf-8"))
        root = ET.fromstring(qde)
        ns = {"q": "urn:QDA-XML:project:1.0"}
        checked = 0
        for source in root.iterfind(".//q:TextSource", ns):
            body = z.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
            assert not found(body), source.get("name")
            for sel in source.iterfind("q:PlainTextSelection", ns):
                s, e = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
                for cel in sel.iterfind("q:Coding", ns):
                    g = cel.get("guid")
                    if g in quotes:
                        assert body[s:e] == masker.text(quotes[g])
                        checked += 1
    assert checked == len(quotes) >= 2
    assert isinstance(schema("Project"), xmlschema.XMLSchema10)
