"""REFI-QDA import: files from real tools differ from the standard, and hostile files.

Every fixture is built here (``tests/refi_files.py``): one deviation per test, the
warning it must raise, and what must come in anyway.
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import pytest

from qualcode import services
from qualcode.errors import InputError
from qualcode.importers import refi_qda
from qualcode.importers.refi_qda import read_refi
from qualcode.store import Project
from tests.conftest import dump_db
from tests.refi_files import (
    G_CASE,
    G_CODE_A,
    G_CODE_B,
    G_CODING,
    G_NOTE,
    G_SEL,
    G_SOURCE,
    G_USER,
    TEXT,
    codebook_xml,
    codes,
    project_xml,
    qdpx,
    selection,
    simple_project,
    source,
    users,
)


def warnings_of(path: Path) -> list[str]:
    return [p.message for p in read_refi(path).problems]


def notices_of(path: Path) -> list[str]:
    return read_refi(path).notices


def has(messages: list[str], fragment: str) -> bool:
    return any(fragment in m for m in messages)


# ---------------------------------------------------------------- a standard file


def test_a_standard_file_reads_without_warnings(tmp_path: Path) -> None:
    read = read_refi(simple_project(tmp_path))
    assert read.problems == []
    project = read.project
    assert [u.name for u in project.users] == ["Sari Peneliti"]
    assert [(c.name, c.parent) for c in project.codes] == [
        ("Waktu tunggu", None),
        ("Petugas ramah", G_CODE_A),
    ]
    assert project.codes[1].color == "#0000ff"
    (src,) = project.sources
    (coding,) = src.codings
    assert src.text is not None
    assert src.text[coding.start : coding.end] == "Berapa lama antrenya?"
    assert coding.coder == G_USER


def test_import_into_an_empty_project_keeps_guids_colours_and_hierarchy(
    empty_project: Project, tmp_path: Path
) -> None:
    report = services.import_refi(empty_project, simple_project(tmp_path))
    assert report.tallies["codes"].added == 2
    records = empty_project.refi.code_records()
    cb = empty_project.codebook()
    child = cb.get("waktu_tunggu.petugas_ramah")
    assert child is not None and child.parent == "waktu_tunggu"
    assert records["waktu_tunggu"]["guid"] == G_CODE_A
    assert cb["waktu_tunggu"].color == "#ff0000"
    assert cb["waktu_tunggu"].description == "Lama menunggu."
    (coding,) = empty_project.codings.codings(doc="Wawancara Sari")
    assert (coding.guid, coding.coder, coding.quote) == (
        G_CODING,
        "Sari Peneliti",
        "Berapa lama antrenya?",
    )
    assert coding.origin == "import"
    assert empty_project.refi.coder_guids()["Sari Peneliti"] == G_USER
    lines = report.lines()
    assert lines[0] == "codes: 2 in the file, 2 added, 0 matched, 0 skipped"
    assert lines[1] == "sources: 1 in the file, 1 added, 0 matched, 0 skipped"
    assert lines[2] == "codings: 1 in the file, 1 added, 0 matched, 0 skipped"
    assert lines[-1] == "users: 1 in the file, 1 added, 0 matched, 0 skipped"


# ---------------------------------------------------------------- namespaces


@pytest.mark.parametrize(
    ("ns", "fragment"),
    [
        ("urn:QDA-XML:codebook:1:0", "namespace written 'urn:QDA-XML:codebook:1:0'"),
        (None, "the XML has no namespace"),
        ("urn:QDA-XML:project:1.0", "namespace written 'urn:QDA-XML:project:1.0'"),
    ],
    ids=["codebook-1-colon-0", "no-namespace", "project-namespace-in-qdc"],
)
def test_codebook_namespace_variants_are_read_with_a_warning(
    tmp_path: Path, ns: str | None, fragment: str
) -> None:
    path = tmp_path / "cb.qdc"
    path.write_text(
        codebook_xml(
            f'<Codes><Code guid="{G_CODE_A}" name="Waktu" isCodable="true"/></Codes>', ns=ns
        ),
        encoding="utf-8",
    )
    read = read_refi(path)
    assert has([p.message for p in read.problems], fragment)
    assert [c.name for c in read.project.codes] == ["Waktu"]


def test_a_schema_location_elsewhere_is_only_a_notice(tmp_path: Path) -> None:
    """Legal (MAXQDA and NVivo write relative or old locations): never a warning."""
    path = tmp_path / "cb.qdc"
    path.write_text(
        codebook_xml(
            f'<Codes><Code guid="{G_CODE_A}" name="Waktu" isCodable="true"/></Codes>',
            attrs='xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="urn:QDA-XML:codebook:0.9 file:///C:/old/Codebook.xsd"',
        ),
        encoding="utf-8",
    )
    assert warnings_of(path) == []
    assert has(notices_of(path), "xsi:schemaLocation 'urn:QDA-XML:codebook:0.9 file:///C:/old")
    services.read_refi_file(path, strict=True)  # valid: --strict lets it in


# ---------------------------------------------------------------- the container


def _members(project: str, text: str = TEXT) -> dict[str, str | bytes]:
    return {"project.qde": project, f"sources/{G_SOURCE}.txt": text}


def _body(src: str) -> str:
    return users() + codes() + f"<Sources>{src}</Sources>"


def test_project_file_named_after_the_project(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "x.qdpx",
        {
            "Kantor Camat.qde": project_xml(_body(source(selection(13, 34)))),
            f"sources/{G_SOURCE}.txt": TEXT,
        },
    )
    read = read_refi(path)
    assert has([p.message for p in read.problems], "the project file is 'Kantor Camat.qde'")
    assert read.project.sources[0].text == TEXT


def test_sources_folder_with_a_capital_s(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "x.qdpx",
        {
            "project.qde": project_xml(_body(source(selection(13, 34)))),
            f"Sources/{G_SOURCE}.txt": TEXT,
        },
    )
    read = read_refi(path)
    assert has([p.message for p in read.problems], "sources are in 'Sources/'")
    assert read.project.sources[0].text == TEXT


def test_bare_source_path_without_internal(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "x.qdpx",
        _members(project_xml(_body(source(selection(13, 34), path=f"{G_SOURCE}.txt")))),
    )
    read = read_refi(path)
    assert has([p.message for p in read.problems], "has no internal://")
    assert read.project.sources[0].codings[0].start == 13


def test_a_missing_source_file_is_reported_not_a_crash(
    tmp_path: Path, empty_project: Project
) -> None:
    path = qdpx(tmp_path / "x.qdpx", {"project.qde": project_xml(_body(source(selection(1, 5))))})
    report = services.import_refi(empty_project, path)
    messages = [p.message for p in report.warnings]
    assert has(messages, "is missing")
    assert report.tallies["sources"].skipped == 1
    assert report.tallies["codings"].skipped == 1
    assert empty_project.documents.documents() == []


# ---------------------------------------------------------------- positions


CRLF_TEXT = "Pewawancara: Sudah lama?\r\nBu Sari: Dua jam.\r\nPewawancara: Lalu?\r\nBu Sari: Pulang saja.\r\n"


def test_crlf_counted_as_one_character_is_detected_and_converted(
    tmp_path: Path, empty_project: Project
) -> None:
    stored = CRLF_TEXT.replace("\r\n", "\n")
    spans = [("Dua jam.", stored.index("Dua jam.")), ("Pulang saja.", stored.index("Pulang saja."))]
    sels = "".join(
        selection(
            s,
            s + len(q),
            guid=f"cccccccc-0000-4000-8000-00000000000{i}",
            coding=f"dddddddd-0000-4000-8000-00000000000{i}",
            name=q,
        )
        for i, (q, s) in enumerate(spans)
    )
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(_body(source(sels))), CRLF_TEXT))
    report = services.import_refi(empty_project, path)
    assert has(
        [p.message for p in report.warnings], "each Windows line break (CRLF) counted as one"
    )
    assert [c.quote for c in empty_project.codings.codings()] == ["Dua jam.", "Pulang saja."]
    assert empty_project.documents.document("Wawancara Sari").text == stored


def test_crlf_counted_as_two_characters_is_the_standard(
    tmp_path: Path, empty_project: Project
) -> None:
    start = CRLF_TEXT.index("Pulang saja.")
    sels = selection(start, start + len("Pulang saja."), name="Pulang saja.")
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(_body(source(sels))), CRLF_TEXT))
    services.read_refi_file(path, strict=True)  # CRLF is the standard's too: no refusal
    report = services.import_refi(empty_project, path)
    messages = [p.message for p in report.warnings]
    assert not has(messages, "positions read as")
    assert messages == []
    assert report.notes == [
        "source 'Wawancara Sari': Windows line ends (CRLF) in the text; stored as \\n"
    ]
    assert [c.quote for c in empty_project.codings.codings()] == ["Pulang saja."]


def test_text_not_in_nfc_is_kept_as_it_came(tmp_path: Path, empty_project: Project) -> None:
    text = "Bu Sari: Cafe\u0301 di depan kantor, petugasnya ramah.\n"
    assert unicodedata.normalize("NFC", text) != text
    start = text.index("petugasnya")
    path = qdpx(
        tmp_path / "x.qdpx",
        _members(project_xml(_body(source(selection(start, start + 17)))), text),
    )
    services.import_refi(empty_project, path)
    assert empty_project.documents.document("Wawancara Sari").text == text
    assert empty_project.codings.codings()[0].quote == "petugasnya ramah."


def test_positions_are_code_points_so_an_emoji_is_one(
    tmp_path: Path, empty_project: Project
) -> None:
    text = "Bu Sari: Antre 😡😡 lama sekali, petugasnya ramah 👍.\n"
    start = text.index("petugasnya")
    path = qdpx(
        tmp_path / "x.qdpx",
        _members(
            project_xml(_body(source(selection(start, start + 16, name="petugasnya ramah")))), text
        ),
    )
    report = services.import_refi(empty_project, path)
    assert not has([p.message for p in report.warnings], "UTF-16")
    assert empty_project.codings.codings()[0].quote == "petugasnya ramah"


def test_utf16_counting_is_detected_from_selection_names(
    tmp_path: Path, empty_project: Project
) -> None:
    text = "Bu Sari: Antre 😡😡 lama sekali, petugasnya ramah 👍.\n"
    start = len(text[: text.index("petugasnya")].encode("utf-16-le")) // 2
    path = qdpx(
        tmp_path / "x.qdpx",
        _members(
            project_xml(_body(source(selection(start, start + 16, name="petugasnya ramah")))), text
        ),
    )
    report = services.import_refi(empty_project, path)
    assert has([p.message for p in report.warnings], "UTF-16 units")
    assert empty_project.codings.codings()[0].quote == "petugasnya ramah"


@pytest.mark.parametrize(
    ("start", "end", "fragment", "quote"),
    [
        (34, 13, "ends (13) before it starts (34); swapped", "Berapa lama antrenya?"),
        (80, 500, "past the end of the text", TEXT[80:]),
        (400, 500, "starts at 400, past the end", None),
        (-3, 4, "starts before the text", TEXT[:4]),
        (5, 5, "is empty", None),
    ],
    ids=["end-before-start", "end-past-text", "start-past-text", "negative-start", "empty"],
)
def test_bad_selection_positions_are_reported_never_a_crash(
    tmp_path: Path, empty_project: Project, start: int, end: int, fragment: str, quote: str | None
) -> None:
    path = simple_project(tmp_path, selections=selection(start, end))
    report = services.import_refi(empty_project, path)
    assert has([p.message for p in report.warnings], fragment)
    assert [c.quote for c in empty_project.codings.codings()] == ([quote] if quote else [])


def test_positions_that_are_not_numbers_are_skipped(tmp_path: Path) -> None:
    sel = selection(1, 2).replace('startPosition="1"', 'startPosition="x"')
    read = read_refi(simple_project(tmp_path, selections=sel))
    assert has([p.message for p in read.problems], "not numbers; skipped")
    assert read.project.sources[0].codings == ()


# ---------------------------------------------------------------- GUIDs and colours


def test_guids_in_any_case_with_or_without_braces(tmp_path: Path, empty_project: Project) -> None:
    upper = "{" + G_CODE_A.upper() + "}"
    body = (
        users()
        + f'<CodeBook><Codes><Code guid="{upper}" name="Waktu" isCodable="true"/></Codes></CodeBook>'
        + f"<Sources>{source(selection(13, 34, code=G_CODE_A.upper()))}</Sources>"
    )
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(body)))
    report = services.import_refi(empty_project, path)
    assert has([p.message for p in report.warnings], "GUIDs are written in braces")
    assert empty_project.refi.code_records()["waktu"]["guid"] == G_CODE_A
    assert [c.code for c in empty_project.codings.codings()] == ["waktu"]


def test_a_reused_guid_gets_a_new_one(tmp_path: Path, empty_project: Project) -> None:
    body = (
        "<CodeBook><Codes>"
        f'<Code guid="{G_CODE_A}" name="Waktu" isCodable="true"/>'
        f'<Code guid="{G_CODE_A.upper()}" name="Biaya" isCodable="true"/>'
        "</Codes></CodeBook>"
    )
    path = qdpx(tmp_path / "x.qdpx", {"project.qde": project_xml(body)})
    report = services.import_refi(empty_project, path)
    assert has([p.message for p in report.warnings], "reuses the GUID")
    records = empty_project.refi.code_records()
    assert records["waktu"]["guid"] == G_CODE_A
    assert records["biaya"]["guid"] != G_CODE_A


@pytest.mark.parametrize(
    ("color", "stored", "fragment"),
    [
        ("#F00", "#ff0000", None),
        ("#12AB34", "#12ab34", None),
        ("#12AB34CC", "#12ab34", "alpha channel"),
        ("#FF12AB34", "#12ab34", "read as #AARRGGBB"),
        ("rgb(18, 171, 52)", "#12ab34", "rgb(...)"),
        ("rgba(18,171,52,0.5)", "#12ab34", "rgb(...)"),
        ("12AB34", "#12ab34", "has no '#'"),
        ("purple-ish", None, "is not a colour"),
    ],
    ids=["rgb3", "rgb6", "rgba8", "argb8", "rgb-fn", "rgba-fn", "no-hash", "garbage"],
)
def test_colours_as_real_tools_write_them(
    tmp_path: Path, empty_project: Project, color: str, stored: str | None, fragment: str | None
) -> None:
    body = f'<CodeBook><Codes><Code guid="{G_CODE_A}" name="Waktu" isCodable="true" color="{color}"/></Codes></CodeBook>'
    path = qdpx(tmp_path / "x.qdpx", {"project.qde": project_xml(body)})
    report = services.import_refi(empty_project, path)
    messages = [p.message for p in report.warnings]
    assert has(messages, fragment) if fragment else not has(messages, "colour")
    assert empty_project.codebook()["waktu"].color == stored


# ---------------------------------------------------------------- structure


def test_empty_codes_and_sets_in_a_codebook(tmp_path: Path) -> None:
    path = tmp_path / "cb.qdc"
    path.write_text(codebook_xml("<Codes/><Sets/>"), encoding="utf-8")
    messages = warnings_of(path)
    assert has(messages, "empty <Codes/>")
    assert has(messages, "empty <Sets/>")


def test_every_code_codable_parents_too(tmp_path: Path) -> None:
    messages = warnings_of(simple_project(tmp_path))
    assert not has(messages, "every code is marked codable")
    path = tmp_path / "cb.qdc"
    path.write_text(
        codebook_xml(
            f'<Codes><Code guid="{G_CODE_A}" name="Waktu" isCodable="true">'
            f'<Code guid="{G_CODE_B}" name="Lama" isCodable="true"/></Code></Codes>'
        ),
        encoding="utf-8",
    )
    # legal: a notice, no warning, and --strict lets it in
    assert warnings_of(path) == []
    assert has(notices_of(path), "every code is marked codable, parents too")
    services.read_refi_file(path, strict=True)


def test_a_non_codable_parent_is_kept(tmp_path: Path, empty_project: Project) -> None:
    path = tmp_path / "cb.qdc"
    path.write_text(
        codebook_xml(
            f'<Codes><Code guid="{G_CODE_A}" name="Waktu" isCodable="false">'
            f'<Code guid="{G_CODE_B}" name="Lama" isCodable="true"/></Code></Codes>'
        ),
        encoding="utf-8",
    )
    report = services.import_refi(empty_project, path)
    assert report.warnings == []
    assert empty_project.refi.code_records()["waktu"]["codable"] is False


def test_a_selection_with_a_memo_but_no_coding_becomes_a_document_memo(
    tmp_path: Path, empty_project: Project
) -> None:
    sel = (
        f'<PlainTextSelection guid="{G_SEL}" startPosition="13" endPosition="34">'
        "<Description>Nada suaranya ragu.</Description></PlainTextSelection>"
    )
    report = services.import_refi(empty_project, simple_project(tmp_path, selections=sel))
    assert has(report.notes, "a selection has a memo but no coding")
    (memo,) = empty_project.memos.memos("document", "Wawancara Sari")
    assert memo.text == "«Berapa lama antrenya?»\n\nNada suaranya ragu."
    assert empty_project.codings.codings() == []


def test_a_coding_that_points_at_a_case_links_the_case(
    tmp_path: Path, empty_project: Project
) -> None:
    cases = f'<Cases><Case guid="{G_CASE}" name="Bu Sari"/></Cases>'
    body = (
        users() + codes() + cases + f"<Sources>{source(selection(13, 34, code=G_CASE))}</Sources>"
    )
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(body)))
    report = services.import_refi(empty_project, path)
    assert has([p.message for p in report.warnings], "points at the case 'Bu Sari', not a code")
    assert [s.doc for s in empty_project.cases.case("Bu Sari").sources] == ["Wawancara Sari"]
    assert empty_project.codings.codings() == []


def test_memos_cases_and_variables_come_in(tmp_path: Path, empty_project: Project) -> None:
    body = (
        users()
        + codes()
        + '<Variables><Variable guid="99999999-0000-4000-8000-000000000001" name="Umur" '
        'typeOfVariable="Integer"/></Variables>'
        + f'<Cases><Case guid="{G_CASE}" name="Bu Sari"><VariableValue>'
        '<VariableRef targetGUID="99999999-0000-4000-8000-000000000001"/><IntegerValue>42</IntegerValue>'
        f'</VariableValue><SourceRef targetGUID="{G_SOURCE}"/></Case></Cases>'
        + f"<Sources>{source(selection(13, 34, extra=''))}</Sources>"
        + f'<Notes><Note guid="{G_NOTE}" name="Catatan" creatingUser="{G_USER}">'
        "<PlainTextContent>Wawancara di pasar.</PlainTextContent></Note></Notes>"
        + f'<NoteRef targetGUID="{G_NOTE}"/>'
    )
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(body)))
    report = services.import_refi(empty_project, path)
    assert report.warnings == []
    case = empty_project.cases.case("Bu Sari")
    assert case.attributes == {"Umur": "42"}
    assert case.guid == G_CASE
    assert [a["type"] for a in empty_project.cases.attributes()] == ["integer"]
    (memo,) = empty_project.memos.memos("project")
    assert (memo.guid, memo.title, memo.text, memo.author) == (
        G_NOTE,
        "Catatan",
        "Wawancara di pasar.",
        "Sari Peneliti",
    )


def test_skipped_elements_are_listed(tmp_path: Path, empty_project: Project) -> None:
    extra = (
        f'<Sets><Set guid="{G_NOTE}" name="S"><MemberCode targetGUID="{G_CODE_A}"/></Set></Sets>'
    )
    body = (
        users()
        + codes()
        + (
            f'<Sources>{source(selection(13, 34))}<PDFSource guid="{G_CASE}" name="scan"/></Sources>'
        )
        + extra
    )
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(body)))
    report = services.import_refi(empty_project, path)
    # a set of codes is a theme now (issue 19); the PDF still has no text
    assert report.lines()[-2:] == [
        "themes: 1 in the file, 1 added, 0 matched, 0 skipped",
        "not imported: 1 PDF sources without a text representation",
    ]


# ---------------------------------------------------------------- strict


def test_strict_refuses_a_deviating_file_and_writes_nothing(
    tmp_path: Path, empty_project: Project
) -> None:
    path = qdpx(
        tmp_path / "x.qdpx", _members(project_xml(_body(source(selection(13, 34))), ns=None))
    )
    db = Path(empty_project.path or "")
    before = dump_db(db)
    with pytest.raises(InputError) as err:
        services.import_refi(empty_project, path, strict=True)
    lines = err.value.lines()
    assert lines[0].startswith(f"{path}: refused (--strict): 1 problem that the REFI-QDA schema")
    assert lines[1].startswith(f"{path}: not valid against Project.xsd at /Project:")
    assert dump_db(db) == before


# ---------------------------------------------------------------- hostile files


@pytest.mark.parametrize(
    ("member", "fragment"),
    [
        ("../evil.txt", "escapes the folder"),
        ("sources/../../evil.txt", "escapes the folder"),
        ("/etc/evil.txt", "is an absolute path"),
        ("C:/Windows/evil.txt", "is an absolute path"),
        ("..\\evil.txt", "escapes the folder"),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "drive-letter", "backslash-dotdot"],
)
def test_archive_members_that_escape_are_refused(
    tmp_path: Path, empty_project: Project, member: str, fragment: str
) -> None:
    path = qdpx(tmp_path / "x.qdpx", {**_members(project_xml(_body(source()))), member: "pwned"})
    db = Path(empty_project.path or "")
    before = dump_db(db)
    with pytest.raises(InputError) as err:
        services.import_refi(empty_project, path)
    assert fragment in str(err.value)
    assert "nothing imported" in str(err.value)
    assert dump_db(db) == before
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    "plain_path",
    ["internal://../../etc/passwd", "/etc/passwd", "internal://C:/x.txt"],
    ids=["internal-dotdot", "absolute", "drive"],
)
def test_source_paths_that_escape_are_refused(tmp_path: Path, plain_path: str) -> None:
    path = qdpx(tmp_path / "x.qdpx", _members(project_xml(_body(source(path=plain_path)))))
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert "refused, nothing imported" in str(err.value)


def test_a_bare_qde_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    folder = tmp_path / "p"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "link.txt").symlink_to(tmp_path / "secret.txt")
    qde = folder / "project.qde"
    qde.write_text(project_xml(_body(source(path="internal://link.txt"))), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_refi(qde)
    assert "escapes the project folder" in str(err.value)


def test_a_bare_qde_reads_its_sources_folder(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{G_SOURCE}.txt").write_text(TEXT, encoding="utf-8")
    qde = tmp_path / "project.qde"
    qde.write_text(project_xml(_body(source(selection(13, 34)))), encoding="utf-8")
    read = read_refi(qde)
    assert read.problems == []
    assert read.project.sources[0].text == TEXT


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "bomb.qdpx",
        {**_members(project_xml(_body(source()))), "sources/big.txt": b"\0" * (40 * 1024**2)},
    )
    assert path.stat().st_size < 1024**2
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert "zip bomb" in str(err.value)


def test_a_zip_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(refi_qda, "MAX_ARCHIVE_BYTES", 1000)
    path = qdpx(tmp_path / "big.qdpx", _members(project_xml(_body(source())), "x" * 2000))
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert "over the limit of 1,000" in str(err.value)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>
"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["entity-expansion", "external-entity"])
@pytest.mark.parametrize("container", ["qdpx", "qde"])
def test_xml_entities_are_refused(tmp_path: Path, xml: str, container: str) -> None:
    if container == "qdpx":
        path = qdpx(tmp_path / "x.qdpx", {"project.qde": xml})
    else:
        path = tmp_path / "project.qde"
        path.write_text(xml, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert "XML with entity declarations or external references is refused" in str(err.value)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"not a zip at all", "not a .qdpx"),
        (b"PK\x03\x04garbage", "not a readable zip archive"),
    ],
    ids=["not-zip", "broken-zip"],
)
def test_broken_archives_are_one_line(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "x.qdpx"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert fragment in str(err.value)


def test_not_refi_xml_and_broken_xml(tmp_path: Path) -> None:
    path = tmp_path / "x.qdc"
    path.write_text("<html/>", encoding="utf-8")
    with pytest.raises(InputError, match="not a REFI-QDA file"):
        read_refi(path)
    path.write_text("<CodeBook><Codes>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_refi(path)
    assert err.value.problem.line == 1


def test_an_archive_without_a_project_file(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "x.qdpx", {"readme.txt": "hi"})
    with pytest.raises(InputError, match="no project.qde"):
        read_refi(path)


def test_a_project_inside_a_folder_of_the_archive(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "x.qdpx",
        {
            "Export/project.qde": project_xml(_body(source(selection(13, 34)))),
            f"Export/sources/{G_SOURCE}.txt": TEXT,
        },
    )
    read = read_refi(path)
    assert has([p.message for p in read.problems], "inside a folder")
    assert read.project.sources[0].text == TEXT


def test_the_zip_is_never_extracted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    assert read_refi(simple_project(tmp_path)).project.sources


def test_identifiers_that_are_not_guids_still_connect(
    tmp_path: Path, empty_project: Project
) -> None:
    body = (
        '<CodeBook><Codes><Code guid="code-1" name="Theme A"/></Codes></CodeBook>'
        '<Sources><TextSource guid="doc-1" name="interview.txt" plainTextPath="internal://Sources/x.txt">'
        '<PlainTextSelection guid="sel-1" startPosition="0" endPosition="11">'
        '<Coding><CodeRef targetGUID="CODE-1"/></Coding></PlainTextSelection></TextSource></Sources>'
    )
    path = qdpx(
        tmp_path / "x.qdpx",
        {"project.qde": project_xml(body), "Sources/x.txt": "Hello world, this is a test."},
    )
    report = services.import_refi(empty_project, path)
    messages = [p.message for p in report.warnings]
    assert has(messages, "1 code identifier is not a GUID ('code-1')")
    assert has(messages, "1 coding has no GUID")
    assert has(messages, "1 code has no isCodable")
    (coding,) = empty_project.codings.codings()
    assert (coding.code, coding.quote) == ("theme_a", "Hello world")


def test_a_codebook_written_by_taguette(empty_project: Project) -> None:
    """A real tool's file: Taguette 1.5.2 writes uppercase GUIDs and an empty <Sets/>."""
    from tests.conftest import DATA

    path = DATA / "refi-qda" / "taguette-1.5.2-codebook.qdc"
    report = services.import_refi(empty_project, path)
    assert [p.message for p in report.warnings] == [
        "empty <Sets/> (the schema wants at least one set)"
    ]
    records = empty_project.refi.code_records()
    assert records["waktu.antre_lama"]["guid"] == "d87c2009-260d-5643-a7ba-ec14849aa0e3"
    assert {"biaya.pungli", "petugas_ramah", "sarana_prasarana"} <= set(records)
    assert empty_project.codebook()["sarana_prasarana"].label == "Sarana & prasarana"
    assert report.tallies["codes"].added == 4


def test_a_pdf_with_a_text_representation_comes_in_as_a_document(
    tmp_path: Path, empty_project: Project
) -> None:
    pdf = (
        f'<PDFSource guid="{G_CASE}" name="Laporan.pdf" path="internal://{G_CASE}.pdf">'
        f'<PDFSelection guid="{G_NOTE}" page="1" firstX="1" firstY="1" secondX="9" secondY="9"/>'
        f'<Representation guid="{G_SOURCE}" plainTextPath="internal://{G_SOURCE}.txt">'
        f"{selection(13, 34)}</Representation></PDFSource>"
    )
    body = users() + codes() + f"<Sources>{pdf}</Sources>"
    path = qdpx(
        tmp_path / "x.qdpx", {**_members(project_xml(body)), f"sources/{G_CASE}.pdf": b"%PDF"}
    )
    report = services.import_refi(empty_project, path)
    assert report.warnings == []
    assert "its text representation is imported as a document" in report.notes[0]
    (doc,) = empty_project.documents.documents()
    assert (doc.name, doc.guid) == ("Laporan.pdf", G_CASE)
    assert [c.quote for c in empty_project.codings.codings()] == ["Berapa lama antrenya?"]
    assert report.skipped == {}  # the area selection holds no coding
