"""REFI-QDA export: the golden .qdpx of the demo project, schema validation of every
export, passages that match their positions, and qualcode-to-qualcode round trips."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode import clock, services
from qualcode.cli import cli
from qualcode.core.codebook import DEFAULT_RELATION_TYPES
from qualcode.core.refi import parse_guid
from qualcode.store import Project, open_project
from qualcode.store.base import T_CASES
from tests.conftest import CODEBOOK, demo_files, dump_db
from tests.refi_files import schema

EMOJI_TEXT = (
    "Pewawancara: Bagaimana pelayanan di kantor camat? 🙂\n\n"
    "Bu Ani: Antrenya lama sekali 😡😡, dua jam baru dipanggil. "
    "Petugasnya ramah 👍🏽 tapi suratnya belum jadi.\n\n"
    "Pewawancara: Ada biaya tambahan?\n\n"
    "Bu Ani: Ada 𝕦𝕒𝕟𝕘 𝕣𝕠𝕜𝕠𝕜 lima puluh ribu, katanya biar cepat.\n"
)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line."""
    out, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _build(folder: Path) -> None:
    """The demo project plus codings, cases, variables, memos and review state, with
    fixed GUIDs and times, so the export is the same on every machine."""
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_GUIDS", "golden")
    mp.setenv("QUALCODE_CODER", "tester")
    clock.reset_fake_guids()
    try:
        shutil.copyfile(CODEBOOK, folder / "kepmenpan-63.yaml")
        project = services.init_project(str(folder / "qualcode.db"), folder / "kepmenpan-63.yaml")
        (folder / "wawancara_09_emoji.txt").write_text(EMOJI_TEXT, encoding="utf-8")
        report = services.import_transcripts(
            project, [*demo_files(), folder / "wawancara_09_emoji.txt"]
        )
        assert not report.errors
        docs = project.documents.document_names()
        plan = [
            ("time.long_wait", 2, "tester", None),
            ("time.long_wait", 5, "ana", "lama sekali menurut Ibu ini"),
            ("cost", 7, "ana", None),
            ("competence", 9, "budi", "nada suaranya kesal 😤"),
            ("procedure.not_sop", 4, "tester", None),
        ]
        for i, doc in enumerate(docs):
            # spans are whole lines of the text (not sentences), so the golden file
            # does not move when sentence splitting changes
            lines = _lines(project.documents.document(doc).text)
            for code, k, coder, memo in plan[: 2 + i % 4]:
                start, end = lines[min(k + i, len(lines) - 1)]
                project.codings.apply_coding(doc, code, start, end, coder=coder, memo=memo)
        text = project.documents.document("wawancara_09_emoji").text
        for quote, code in (("Petugasnya ramah 👍🏽", "competence"), ("𝕦𝕒𝕟𝕘 𝕣𝕠𝕜𝕠𝕜", "cost")):
            start = text.index(quote)
            project.codings.apply_coding(
                "wawancara_09_emoji", code, start, start + len(quote), coder="ana", memo="emoji 😡"
            )
        project.codings.apply_coding(
            docs[0], "facilities", 0, 11, status="suggested", origin="rules"
        )
        # cases made as an attribute sheet makes them; only a REFI-QDA import brings a
        # case description, so that one is set in the table
        project.cases.set_attributes({"Bu Sari": {}}, create=True)
        with project.engine.begin() as conn:
            conn.execute(
                T_CASES.update()
                .where(T_CASES.c.name == "Bu Sari")
                .values(description="Pedagang pasar, 52 tahun.")
            )
        project.cases.link_case("Bu Sari", "wawancara_01_pedagang_pasar")
        project.cases.link_case(
            "Pewawancara A", "wawancara_01_pedagang_pasar", speaker="Pewawancara"
        )
        project.cases.set_attributes({"Pak Budi": {}}, create=True)
        project.cases.link_case("Pak Budi", "wawancara_03_petani")
        for name, value, type_ in (
            ("pekerjaan", "pedagang", "text"),
            ("umur", "52", "integer"),
            ("menikah", "true", "boolean"),
            ("skor", "3.5", "float"),
            ("tanggal", "2025-03-01", "date"),
            ("waktu", "2025-03-01T10:00:00Z", "datetime"),
        ):
            project.cases.set_attribute("Bu Sari", name, value, type=type_)
        project.cases.set_attribute("Pak Budi", "pekerjaan", "petani")
        project.memos.add_memo("project", None, "Catatan umum proyek.", title="Umum")
        project.memos.add_memo(
            "document", "wawancara_03_petani", "Wawancara di sawah.", title="Tempat"
        )
        project.memos.add_memo(
            "code", "cost", "Pungli dan uang rokok.", title="Biaya", author="ana"
        )
        project.memos.add_memo("case", "Bu Sari", "Ramah, terbuka.", title="Kesan")
        project.codes.update_code("time", memo="Waktu: lihat SOP.")
        project.codes.add_code(
            services.load_codebook(CODEBOOK)
            .codes[0]
            .__class__(id="procedure.folder", label="Folder only", parent="procedure")
        )
        first = project.codings.codings()[0].guid
    finally:
        project.close()
        mp.undo()
    con = sqlite3.connect(folder / "qualcode.db")
    con.execute("UPDATE codes SET codable = 0 WHERE id = 'procedure.folder'")
    con.execute(
        "UPDATE codings SET review = 'disputed', reviewer = 'supervisor', "
        "reviewed_at = '2026-01-16T10:00:00Z', anchor = 'moved' WHERE guid = ?",
        (first,),
    )
    con.execute(
        "INSERT INTO review_comments (guid, coding_guid, author, at, kind, text) VALUES "
        "('0c0c0c0c-0000-4000-8000-000000000001', ?, 'supervisor', '2026-01-16T10:00:00Z', "
        "'dispute', 'Ini bukan soal waktu.')",
        (first,),
    )
    con.commit()
    con.close()
    # the reviewer has no coder row yet: give it its GUID now, under the fixed sequence
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_GUIDS", "golden-coders")
    clock.reset_fake_guids()
    project = open_project(str(folder))
    try:
        project.refi.coder_guids(project.refi.people())
    finally:
        project.close()
        mp.undo()


@pytest.fixture(scope="module")
def _rich_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_NOW", "2026-01-15T09:30:00Z")
    mp.setenv("QUALCODE_CONFIG_DIR", str(tmp_path_factory.mktemp("cfg")))
    mp.setenv("QUALCODE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    folder = tmp_path_factory.mktemp("rich")
    try:
        _build(folder)
    finally:
        mp.undo()
    return folder


@pytest.fixture
def rich(_rich_template: Path, tmp_path: Path) -> Iterator[Project]:
    """A copy of the rich demo project, opened."""
    target = tmp_path / "rich"
    shutil.copytree(_rich_template, target)
    project = open_project(str(target))
    project.set_setting("codebook_path", str(target / "kepmenpan-63.yaml"))
    yield project
    project.close()


def validate_qdpx(path: Path) -> bytes:
    """Validate project.qde against Project.xsd and check every selection's passage."""
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde")
        texts = {
            n.removeprefix("sources/").removesuffix(".txt"): zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("sources/")
        }
    schema("Project").validate(io.BytesIO(qde))
    from qualcode.exporters.refi_qda import selection_name

    for _, name, passage in passages(qde, texts):
        assert passage and name == selection_name(passage)
    return qde


def passages(qde: bytes, texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(selection guid, name, text[start:end]) for every selection."""
    from xml.etree.ElementTree import fromstring

    ns = "{urn:QDA-XML:project:1.0}"
    out = []
    for src in fromstring(qde).iter(f"{ns}TextSource"):
        text = texts[src.get("guid", "")]
        for sel in src.iter(f"{ns}PlainTextSelection"):
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            out.append((sel.get("guid", ""), sel.get("name", ""), text[start:end]))
    return out


def read_members(path: Path) -> tuple[bytes, dict[str, str]]:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde"), {
            n.removeprefix("sources/").removesuffix(".txt"): zf.read(n).decode("utf-8")
            for n in zf.namelist()
            if n.startswith("sources/")
        }


# ---------------------------------------------------------------- the golden export


def test_golden_qdpx_of_the_demo_project(
    rich: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    qde = validate_qdpx(out)
    golden("demo.qdpx.project.qde", qde.decode("utf-8"))
    with zipfile.ZipFile(out) as zf:
        listing = "".join(
            f"{i.filename}\t{i.file_size}\t{hashlib.sha256(zf.read(i)).hexdigest()}\t"
            f"{'-'.join(str(x) for x in i.date_time)}\n"
            for i in zf.infolist()
        )
    golden("demo.qdpx.members.tsv", listing)


def test_the_export_holds_every_element_with_the_database_counts(
    rich: Project, tmp_path: Path
) -> None:
    from xml.etree.ElementTree import fromstring

    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    root = fromstring(validate_qdpx(out))
    ns = "{urn:QDA-XML:project:1.0}"

    def count(tag: str) -> int:
        return sum(1 for _ in root.iter(ns + tag))

    codings = rich.codings.codings()
    memos = rich.memos.memos()
    coding_memos = [c for c in codings if c.memo]
    code_memo_fields = [c for c in rich.codebook().codes if c.memo]
    db = sqlite3.connect(rich.path or "")
    n_coders = db.execute("SELECT count(*) FROM coders").fetchone()[0]
    db.close()
    assert count("User") == n_coders == 4  # tester, ana, budi, supervisor
    assert count("Code") == len(rich.codebook()) == 31
    # date and title: the front matter of the demo's Markdown interview, on its case
    assert count("Variable") == len(rich.cases.attributes()) == 8
    assert count("Case") == len(rich.cases.cases()) == 4
    assert count("TextSource") == len(rich.documents.documents()) == 9
    assert count("Coding") == len(codings) == count("PlainTextSelection")
    assert len(rich.codings.codings(status=None)) == len(codings) + 1  # the suggestion stays home
    assert count("Note") == len(memos) + len(coding_memos) + len(code_memo_fields) == 4 + 15 + 1
    assert count("VariableValue") == 9
    nested = root.find(f"{ns}CodeBook/{ns}Codes/{ns}Code/{ns}Code")
    assert nested is not None
    assert {n.get("guid") for n in root.iter(ns + "Code") if n.get("isCodable") == "false"} == {
        rich.refi.code_records()["procedure.folder"]["guid"]
    }


def test_every_selection_is_its_coded_passage(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    qde, texts = read_members(out)
    found = passages(qde, texts)
    quotes = sorted(c.quote for c in rich.codings.codings())
    assert sorted(p for _, _, p in found) == quotes
    assert any("👍🏽" in p for _, _, p in found)
    for _, name, passage in found:
        assert " ".join(passage.split()).startswith(name.rstrip("…"))


def test_exports_are_deterministic(rich: Project, tmp_path: Path) -> None:
    services.export_qdpx(rich, tmp_path / "a.qdpx")
    services.export_qdpx(rich, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_the_codebook_export_validates(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "cb.qdc"
    summary = services.export_qdc(rich, out)
    schema("Codebook").validate(str(out))
    assert summary.counts == {"codes": 31}


def test_an_empty_codebook_cannot_be_a_qdc(tmp_path: Path) -> None:
    project = open_project(str(tmp_path / "e.db"), create=True)
    with pytest.raises(Exception, match="the codebook has no codes"):
        services.export_qdc(project, tmp_path / "cb.qdc")
    assert not (tmp_path / "cb.qdc").exists()
    out = tmp_path / "e.qdpx"
    services.export_qdpx(project, out)
    validate_qdpx(out)
    project.close()


# ---------------------------------------------------------------- round trips


def _state(project: Project) -> dict[str, Any]:
    records = project.refi.code_records()
    coders = project.refi.coder_guids()
    return {
        "codebook": project.codebook(),
        "code_guids": {k: (v["guid"], v["codable"]) for k, v in records.items()},
        "codings": sorted(
            (
                c.guid,
                c.doc,
                c.code,
                c.start,
                c.end,
                c.coder,
                c.memo,
                c.quote,
                c.origin,
                c.review,
                c.reviewer,
                c.reviewed_at,
                c.anchor,
                c.created,
            )
            for c in project.codings.codings()
        ),
        "memos": sorted(
            (m.guid, m.kind, m.target, m.title, m.text, m.author) for m in project.memos.memos()
        ),
        "cases": project.cases.cases(),
        "attributes": project.cases.attributes(),
        "coders": {n: coders[n] for n in project.refi.people()},
        "documents": {d.name: (d.guid, d.chars, d.lang) for d in project.documents.documents()},
        "texts": {
            n: project.documents.document(n).text for n in project.documents.document_names()
        },
        "threads": project.refi.review_threads(),
    }


def test_round_trip_loses_nothing(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    copy = open_project(str(tmp_path / "copy.db"), create=True)
    report = services.import_refi(copy, out)
    assert report.warnings == []
    before, after = _state(rich), _state(copy)
    for key in before:
        assert after[key] == before[key], key
    # and the copy exports the same file
    services.export_qdpx(copy, tmp_path / "again.qdpx")
    assert read_members(tmp_path / "again.qdpx") == read_members(out)
    copy.close()


def test_round_trip_keeps_positions_in_indonesian_text_with_emoji(
    rich: Project, tmp_path: Path
) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    copy = open_project(str(tmp_path / "copy.db"), create=True)
    services.import_refi(copy, out)
    original = {
        (c.guid, c.start, c.end, c.quote) for c in rich.codings.codings(doc="wawancara_09_emoji")
    }
    again = {
        (c.guid, c.start, c.end, c.quote) for c in copy.codings.codings(doc="wawancara_09_emoji")
    }
    assert again == original
    assert {q for *_, q in again} >= {"Petugasnya ramah 👍🏽", "𝕦𝕒𝕟𝕘 𝕣𝕠𝕜𝕠𝕜"}
    copy.close()


def test_importing_the_export_into_its_own_project_changes_nothing(
    rich: Project, tmp_path: Path
) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    before = _state(rich)
    report = services.import_refi(rich, out)
    assert report.tallies["codes"].added == 0
    assert report.tallies["codes"].how == {"guid": 31}
    assert report.tallies["codings"].added == 0
    assert report.tallies["sources"].added == 0
    assert report.tallies["memos"].added == 0
    assert _state(rich) == before


def test_codebook_round_trip_through_qdc(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "cb.qdc"
    services.export_qdc(rich, out)
    copy = open_project(str(tmp_path / "copy.db"), create=True)
    report = services.import_refi(copy, out)
    assert report.warnings == []
    original = rich.codebook()
    imported = copy.codebook()
    assert [
        (c.id, c.label, c.parent, c.color, c.key, c.description, c.inclusion, c.rules)
        for c in imported
    ] == [
        (c.id, c.label, c.parent, c.color, c.key, c.description, c.inclusion, c.rules)
        for c in original
    ]
    assert (imported.name, imported.languages) == (original.name, original.languages)
    assert copy.refi.code_records().keys() == rich.refi.code_records().keys()
    copy.close()


def test_a_merge_into_a_project_matches_by_name_and_adds_the_rest(
    empty_project: Project, tmp_path: Path
) -> None:
    from tests.refi_files import G_CODE_A, codebook_xml

    path = tmp_path / "nvivo.qdc"
    path.write_text(
        codebook_xml(
            f'<Codes><Code guid="{G_CODE_A}" name="Biaya pelayanan" isCodable="true">'
            '<Code guid="aaaaaaaa-0000-4000-8000-0000000000f1" name="Pungli di loket" isCodable="true"/>'
            "</Code></Codes>"
        ),
        encoding="utf-8",
    )
    n_before = len(empty_project.codebook())
    report = services.import_refi(empty_project, path)
    cb = empty_project.codebook()
    assert report.tallies["codes"].how == {"name": 1}
    assert len(cb) == n_before + 1
    new = cb.get("cost.pungli_di_loket")
    assert new is not None and new.parent == "cost"
    assert any("matched the project's 'cost' by name" in n for n in report.notes)
    assert "pungli_di_loket" in (tmp_path / "codebook.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- the command line


def test_cli_export_and_import(rich: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    project_dir = str(Path(rich.path or "").parent)
    out = tmp_path / "x.qdpx"
    result = runner.invoke(
        cli, ["--project", project_dir, "export", "qdpx", "-o", str(out)], prog_name="qualcode"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}: 31 codes, 9 sources, ")
    validate_qdpx(out)
    qdc = tmp_path / "cb.qdc"
    result = runner.invoke(
        cli, ["--project", project_dir, "codebook", "export", "-o", str(qdc)], prog_name="qualcode"
    )
    assert result.exit_code == 0, result.stderr
    schema("Codebook").validate(str(qdc))
    result = runner.invoke(
        cli,
        [
            "--project",
            project_dir,
            "codebook",
            "export",
            "--format",
            "qdc",
            "-o",
            str(tmp_path / "cb.xml"),
        ],
        prog_name="qualcode",
    )
    assert result.exit_code == 0
    schema("Codebook").validate(str(tmp_path / "cb.xml"))
    new = tmp_path / "new.db"
    result = runner.invoke(cli, ["--project", str(new), "import", str(out)], prog_name="qualcode")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"imported {out} into {new}"
    assert lines[1].startswith("  codes: 31 in the file, 31 added")
    assert [ln.split(":")[0].strip() for ln in lines[1:9]] == [
        "codes",
        "sources",
        "codings",
        "codings by kind",
        "memos",
        "cases",
        "variables",
        "users",
    ]
    assert f"notice: created the project {new}" in result.stderr


def test_cli_strict_refuses_with_nothing_written(empty_project: Project, tmp_path: Path) -> None:
    from tests.refi_files import simple_project

    path = simple_project(tmp_path)
    with zipfile.ZipFile(path) as zf:
        qde = zf.read("project.qde").decode().replace(' xmlns="urn:QDA-XML:project:1.0"', "")
        text = zf.read(zf.namelist()[1])
        name = zf.namelist()[1]
    from tests.refi_files import qdpx

    qdpx(path, {"project.qde": qde, name: text})
    db = Path(empty_project.path or "")
    before = dump_db(db)
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--project", str(db), "import", "--strict", str(path)], prog_name="qualcode"
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"error: {path}: refused (--strict)")
    assert dump_db(db) == before
    result = runner.invoke(cli, ["--project", str(db), "import", str(path)], prog_name="qualcode")
    assert result.exit_code == 0
    assert f"warning: {path}: the XML has no namespace" in result.stderr


def test_cli_hostile_file_is_one_line_and_no_project_created(tmp_path: Path) -> None:
    from tests.refi_files import qdpx

    path = qdpx(tmp_path / "evil.qdpx", {"project.qde": "<Project/>", "../../evil.txt": "x"})
    runner = CliRunner()
    new = tmp_path / "new.db"
    result = runner.invoke(cli, ["--project", str(new), "import", str(path)], prog_name="qualcode")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: archive member '../../evil.txt' escapes the folder ('..'); refused, "
        "nothing imported (the file may be hostile; ask for a fresh export)\n"
    )
    assert not new.exists()


def test_guids_written_are_valid(rich: Project, tmp_path: Path) -> None:
    out = tmp_path / "demo.qdpx"
    services.export_qdpx(rich, out)
    qde, _ = read_members(out)
    import re

    for guid in re.findall(rb'(?:guid|GUID)="([^"]+)"', qde):
        assert parse_guid(guid.decode()) == guid.decode()


def test_a_project_imported_from_a_messy_file_exports_valid_xml(
    empty_project: Project, tmp_path: Path
) -> None:
    from tests.refi_files import (
        G_CASE,
        G_SOURCE,
        TEXT,
        codes,
        project_xml,
        qdpx,
        selection,
        source,
        users,
    )

    sel_memo = (
        '<PlainTextSelection guid="sel-9" startPosition="13" endPosition="34">'
        "<Description>ragu sekali</Description></PlainTextSelection>"
    )
    body = (
        users()
        + codes()
        + '<Variables><Variable guid="v-1" name="Menikah" typeOfVariable="boolean"/></Variables>'
        + f'<Cases><Case guid="{G_CASE}" name="Bu Sari"><VariableValue><VariableRef targetGUID="v-1"/>'
        "<BooleanValue>ya</BooleanValue></VariableValue></Case></Cases>"
        + f"<Sources>{source(selection(13, 34, code=G_CASE) + sel_memo)}</Sources>"
        + '<Notes><Note guid="n-1" name="Lepas" creationDateTime="kemarin">'
        "<PlainTextContent>tanpa tempat</PlainTextContent></Note></Notes>"
    )
    path = qdpx(
        tmp_path / "messy.qdpx",
        {"project.qde": project_xml(body, ns=None), f"sources/{G_SOURCE}.txt": TEXT},
    )
    services.import_refi(empty_project, path)
    # text pasted from a word processor: control characters XML 1.0 cannot hold
    empty_project.memos.add_memo("project", None, "baris\x0bbaru\x0c", title="tab\x01")
    empty_project.codes.update_code("time", description="Waktu\x0b tunggu")
    out = tmp_path / "again.qdpx"
    services.export_qdpx(empty_project, out)
    validate_qdpx(out)
    assert empty_project.cases.case("Bu Sari").attributes == {"Menikah": "ya"}


def test_the_relation_vocabulary_travels_in_the_qdc(rich: Project, tmp_path: Path) -> None:
    """The codebook's ``relations:`` goes into the .qdc as qualcode's extra (the file
    still validates) and comes back whole: ids, labels in their language order,
    direction; a .qdc without it leaves the default vocabulary."""
    yaml_path = Path(str(rich.get_setting("codebook_path")))
    text = yaml_path.read_text(encoding="utf-8")
    vocabulary = (
        "relations:\n"
        "  - {id: causes, label: {id: menyebabkan, en: causes}, direction: directed}\n"
        "  - {id: sits_with, label: {en: sits with, id: sejalan dengan}, direction: undirected}\n"
        "  - {id: echoes, label: echoes, direction: directed}\n"
    )
    yaml_path.write_text(
        text.replace("\ncodes:", "\n" + vocabulary + "codes:", 1), encoding="utf-8"
    )
    services.sync_codebook(rich, yaml_path, backup=False)
    before = rich.themes.relation_types()
    assert [(t.id, t.label, t.directed) for t in before][:1] == [
        ("causes", {"id": "menyebabkan", "en": "causes"}, True)
    ]
    out = tmp_path / "cb.qdc"
    services.export_qdc(rich, out)
    schema("Codebook").validate(str(out))
    copy = open_project(str(tmp_path / "copy.db"), create=True)
    try:
        services.import_refi(copy, out)
        after = copy.themes.relation_types()
        assert [(t.id, list(t.label.items()) if isinstance(t.label, dict) else t.label,
                 t.directed) for t in after] == [
            ("causes", [("id", "menyebabkan"), ("en", "causes")], True),
            ("sits_with", [("en", "sits with"), ("id", "sejalan dengan")], False),
            ("echoes", "echoes", True),
        ]  # fmt: skip
        assert copy.codebook().relations == rich.codebook().relations
    finally:
        copy.close()
    plain = open_project(str(tmp_path / "plain.db"), create=True)
    try:
        yaml_path.write_text(text, encoding="utf-8")
        services.sync_codebook(rich, yaml_path, backup=False)
        services.export_qdc(rich, tmp_path / "plain.qdc")
        services.import_refi(plain, tmp_path / "plain.qdc")
        assert plain.themes.relation_types() == DEFAULT_RELATION_TYPES
    finally:
        plain.close()
