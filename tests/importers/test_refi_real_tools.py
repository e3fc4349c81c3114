"""Exchange files as NVivo, ATLAS.ti and MAXQDA write them come in whole (issue 15,
point 7).

The fixtures are built here, imitating what those tools' exports hold (there are no
such files in the repository): a bare ATLAS.ti ``.qde`` whose sources sit in
``Sources/`` (or elsewhere, given with ``--sources``) and whose codings select PDF
areas, pictures and video too; an NVivo ``.qdpx`` whose sources exist only as
``.docx`` (``richTextPath``) or as an empty ``.txt`` beside one, with pretty-printed
descriptions and parent codes marked codable; a MAXQDA ``.qdpx`` with sources
without a ``name`` and a relative ``schemaLocation``. Each must import whole, pass
``--strict`` (every one validates against the schema), and be reported by kind.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from qualcode import services
from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.importers.refi_qda import read_refi
from qualcode.store import Project, open_project
from tests.conftest import dump_db
from tests.refi_files import project_xml, qdpx, schema

U_ANA = "0B1C2D3E-4F50-4617-8A9B-0C1D2E3F4A5B"
C_TIME = "A1000000-0000-4000-8000-000000000001"
C_LONG = "A1000000-0000-4000-8000-000000000002"
C_COST = "A1000000-0000-4000-8000-000000000003"
S_ONE = "B1000000-0000-4000-8000-000000000001"
S_TWO = "B1000000-0000-4000-8000-000000000002"
S_PDF = "B1000000-0000-4000-8000-000000000003"
S_PIC = "B1000000-0000-4000-8000-000000000004"
S_VID = "B1000000-0000-4000-8000-000000000005"
S_REP = "B1000000-0000-4000-8000-000000000006"

TEXT_ONE = (
    "Pewawancara: Berapa lama antrenya?\nBu Sari: Lama sekali, dua jam. Biayanya juga mahal.\n"
)
TEXT_TWO = "Interviewer: How long did you wait?\nPak Darto: Three hours, and nobody said why.\n"

_n = 0


def guid() -> str:
    """A fresh upper-case GUID in the form ATLAS.ti and MAXQDA write."""
    global _n
    _n += 1
    return f"C1000000-0000-4000-8000-{_n:012X}"


def codes_xml(indent_descriptions: bool = False) -> str:
    """Three codes; the parent is codable, as MAXQDA and NVivo mark every code."""
    desc = (
        "<Description>\n          Berapa lama warga menunggu.\n          Termasuk antre.\n"
        "        </Description>"
        if indent_descriptions
        else "<Description>Berapa lama warga menunggu.</Description>"
    )
    return (
        "<CodeBook><Codes>"
        f'<Code guid="{C_TIME}" name="Waktu" isCodable="true" color="#E6550D">{desc}'
        f'<Code guid="{C_LONG}" name="Antre lama" isCodable="true" color="#FD8D3C"/>'
        "</Code>"
        f'<Code guid="{C_COST}" name="Biaya" isCodable="true" color="#3182BD"/>'
        "</Codes></CodeBook>"
    )


def users_xml() -> str:
    return f'<Users><User guid="{U_ANA}" name="Ana"/></Users>'


def sel(text: str, phrase: str, code: str) -> str:
    start = text.index(phrase)
    return (
        f'<PlainTextSelection guid="{guid()}" name="{phrase}" startPosition="{start}" '
        f'endPosition="{start + len(phrase)}" creatingUser="{U_ANA}">'
        f'<Coding guid="{guid()}" creatingUser="{U_ANA}"><CodeRef targetGUID="{code}"/></Coding>'
        "</PlainTextSelection>"
    )


def coding(code: str) -> str:
    return f'<Coding guid="{guid()}" creatingUser="{U_ANA}"><CodeRef targetGUID="{code}"/></Coding>'


def media_sources() -> tuple[str, str]:
    """A PDF with a text representation and two area codings, a picture with one
    coding, a video with a coded clip and a coded transcript passage."""
    rep_text = "Laporan: antrean panjang setiap pagi."
    return (
        f'<PDFSource guid="{S_PDF}" name="Laporan.pdf" path="internal://{S_PDF}.pdf">'
        f'<PDFSelection guid="{guid()}" page="1" firstX="10" firstY="10" secondX="90" secondY="40">'
        f"{coding(C_TIME)}</PDFSelection>"
        f'<PDFSelection guid="{guid()}" page="2" firstX="10" firstY="10" secondX="90" secondY="40">'
        f"{coding(C_COST)}</PDFSelection>"
        f'<Representation guid="{S_REP}" plainTextPath="internal://{S_REP}.txt">'
        f"{sel(rep_text, 'antrean panjang', C_LONG)}</Representation></PDFSource>"
        f'<PictureSource guid="{S_PIC}" name="Loket.jpg" path="internal://{S_PIC}.jpg">'
        f'<PictureSelection guid="{guid()}" firstX="1" firstY="1" secondX="5" secondY="5">'
        f"{coding(C_TIME)}</PictureSelection></PictureSource>"
        f'<VideoSource guid="{S_VID}" name="Rekaman.mp4" path="internal://{S_VID}.mp4">'
        f'<VideoSelection guid="{guid()}" begin="1000" end="5000">{coding(C_LONG)}</VideoSelection>'
        "</VideoSource>"
    ), rep_text


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", "nia", *args], prog_name="qualcode"
    )


# ---------------------------------------------------------------- ATLAS.ti: a bare .qde


def atlas_qde(folder: Path, *, sources_in: str | None = "Sources") -> Path:
    """``Kantor Camat.qde`` as ATLAS.ti exports it: upper-case GUIDs, text sources
    without ``internal://`` in their own folder, media codings of every kind."""
    media, rep_text = media_sources()
    body = (
        users_xml()
        + codes_xml()
        + "<Sources>"
        + f'<TextSource guid="{S_ONE}" name="Wawancara Bu Sari" plainTextPath="internal://{S_ONE}.txt">'
        + sel(TEXT_ONE, "Lama sekali, dua jam.", C_LONG)
        + sel(TEXT_ONE, "Biayanya juga mahal.", C_COST)
        + "</TextSource>"
        + f'<TextSource guid="{S_TWO}" name="Interview Pak Darto" plainTextPath="internal://{S_TWO}.txt">'
        + sel(TEXT_TWO, "Three hours", C_LONG)
        + "</TextSource>"
        + media
        + "</Sources>"
    )
    qde = folder / "Kantor Camat.qde"
    folder.mkdir(parents=True, exist_ok=True)
    qde.write_text(project_xml(body, attrs='name="Kantor Camat" origin="ATLAS.ti 23.2"'), "utf-8")
    schema("Project").validate(qde.read_text("utf-8"))  # a valid file, as the tool wrote it
    if sources_in is not None:
        where = folder / sources_in
        where.mkdir(parents=True, exist_ok=True)
        (where / f"{S_ONE}.txt").write_text(TEXT_ONE, "utf-8")
        (where / f"{S_TWO}.txt").write_text(TEXT_TWO, "utf-8")
        (where / f"{S_REP}.txt").write_text(rep_text, "utf-8")
    return qde


def test_a_bare_qde_finds_its_sources_in_a_capital_s_folder_and_counts_codings_by_kind(
    tmp_path: Path, empty_project: Project
) -> None:
    qde = atlas_qde(tmp_path / "export")
    report = services.import_refi(empty_project, qde, strict=True)
    assert sorted(d.name for d in empty_project.documents.documents()) == [
        "Interview Pak Darto",
        "Laporan.pdf",
        "Wawancara Bu Sari",
    ]
    assert len(empty_project.codings.codings()) == 4
    lines = report.lines()
    assert lines[2] == "codings: 8 in the file, 4 added, 0 matched, 4 skipped"
    assert lines[3] == (
        "codings by kind: 3 text (3 added, 0 matched, 0 skipped); "
        "1 PDF text (1 added, 0 matched, 0 skipped); "
        "2 PDF area (not imported: an area of a PDF page has no text for a coding); "
        "1 picture (not imported: a picture has no text for a coding); "
        "1 video (not imported: a recording has no text for a coding (qualcode codes transcripts))"
    )


def test_a_bare_qde_without_its_sources_says_where_it_looked_and_how_to_say_where(
    tmp_path: Path, empty_project: Project
) -> None:
    export = tmp_path / "export"
    qde = atlas_qde(export, sources_in=None)
    elsewhere = tmp_path / "somewhere else"
    atlas_qde(elsewhere, sources_in=".")  # the text files, kept by the user elsewhere
    read = read_refi(qde)
    summary = [p.message for p in read.problems if "looked in" in p.message]
    assert summary == [
        "3 sources have no text file (Wawancara Bu Sari and more), so they and their 4 "
        f"codings are skipped: looked in {export / 'sources'}, {export / 'Sources'}; "
        "pass --sources DIR to say where the source files are"
    ]
    with pytest.raises(InputError) as err:  # missing files: --strict refuses
        services.read_refi_file(qde, strict=True)
    assert "its text file 'internal://" in "\n".join(err.value.lines())
    db = tmp_path / "p.db"
    r = run(db, "import", str(qde), "--sources", str(elsewhere))
    assert r.exit_code == 0, r.stderr
    assert "  codings: 8 in the file, 4 added, 0 matched, 4 skipped" in r.stdout
    assert "looked in" not in r.stderr
    with open_project(str(db)) as p:
        assert len(p.documents.documents()) == 3


def test_sources_on_a_transcript_import_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Pewawancara: Halo.\n", "utf-8")
    r = run(tmp_path / "p.db", "import", str(tmp_path / "a.txt"), "--sources", str(tmp_path))
    assert r.exit_code == 2
    assert r.stderr.startswith("error: --sources is for REFI-QDA files (.qde, .qdpx)")
    assert not (tmp_path / "p.db").exists()


# ---------------------------------------------------------------- NVivo: .docx sources


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def nvivo_qdpx(path: Path) -> Path:
    """NVivo's way: every source also a ``.docx`` (``richTextPath``); one source has
    only the ``.docx``, another an empty ``.txt`` beside it; descriptions and memos
    pretty-printed with the XML's indentation; parents codable."""
    one_paras = TEXT_ONE.rstrip("\n").split("\n")
    two_paras = TEXT_TWO.rstrip("\n").split("\n")
    note = "D1000000-0000-4000-8000-000000000001"
    body = (
        users_xml()
        + codes_xml(indent_descriptions=True)
        + "<Sources>"
        + f'<TextSource guid="{S_ONE}" name="Wawancara Bu Sari" richTextPath="internal://{S_ONE}.docx">'
        + sel(TEXT_ONE, "Lama sekali, dua jam.", C_LONG)
        + "</TextSource>"
        + f'<TextSource guid="{S_TWO}" name="Interview Pak Darto" plainTextPath="internal://{S_TWO}.txt" '
        + f'richTextPath="internal://{S_TWO}.docx">'
        + sel(TEXT_TWO, "nobody said why", C_TIME)
        + f'<NoteRef targetGUID="{note}"/></TextSource>'
        + "</Sources>"
        + f'<Notes><Note guid="{note}" name="Catatan" creatingUser="{U_ANA}"><PlainTextContent>\n'
        + "        Pak Darto kesal.\n        Dia menunggu tiga jam.\n      </PlainTextContent></Note></Notes>"
    )
    xml = project_xml(
        body,
        attrs='name="Kecamatan" origin="NVivo 14" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd"',
    )
    schema("Project").validate(xml)
    return qdpx(
        path,
        {
            "project.qde": xml,
            f"sources/{S_ONE}.docx": docx_bytes(one_paras),
            f"sources/{S_TWO}.txt": "",
            f"sources/{S_TWO}.docx": docx_bytes(two_paras),
        },
    )


def test_docx_sources_descriptions_and_memos_from_nvivo(
    tmp_path: Path, empty_project: Project
) -> None:
    report = services.import_refi(empty_project, nvivo_qdpx(tmp_path / "n.qdpx"), strict=True)
    assert report.warnings == []
    docs = {d.name: d for d in empty_project.documents.documents()}
    assert set(docs) == {"Wawancara Bu Sari", "Interview Pak Darto"}
    one = empty_project.documents.document("Wawancara Bu Sari")
    assert one.text == TEXT_ONE.rstrip("\n")  # the .docx's paragraphs, one per line
    quotes = sorted(c.quote for c in empty_project.codings.codings())
    assert quotes == ["Lama sekali, dua jam.", "nobody said why"]  # positions fit the text
    assert any("its plain text is empty; the text of" in n for n in report.notes)
    assert any("its plain text is not given; the text of" in n for n in report.notes)
    waktu = empty_project.codebook()["waktu"]
    assert waktu.description == "Berapa lama warga menunggu.\nTermasuk antre."
    (memo,) = empty_project.memos.memos("document", "Interview Pak Darto")
    assert memo.text == "Pak Darto kesal.\nDia menunggu tiga jam."


def test_plain_text_wins_over_the_docx_when_both_are_there(tmp_path: Path) -> None:
    path = qdpx(
        tmp_path / "x.qdpx",
        {
            "project.qde": project_xml(
                users_xml()
                + codes_xml()
                + f'<Sources><TextSource guid="{S_TWO}" name="Darto" plainTextPath="internal://{S_TWO}.txt" '
                f'richTextPath="internal://{S_TWO}.docx">{sel(TEXT_TWO, "Three hours", C_LONG)}'
                "</TextSource></Sources>"
            ),
            f"sources/{S_TWO}.txt": TEXT_TWO,
            f"sources/{S_TWO}.docx": docx_bytes(["Something else entirely."]),
        },
    )
    read = read_refi(path)
    (source,) = read.project.sources
    assert source.text == TEXT_TWO
    (c,) = source.codings
    assert source.text[c.start : c.end] == "Three hours"


# ---------------------------------------------------------------- MAXQDA: sources without names


def test_sources_without_a_name_are_named_after_their_file_or_first_words(
    tmp_path: Path, empty_project: Project
) -> None:
    body = (
        users_xml()
        + codes_xml()
        + "<Sources>"
        + f'<TextSource guid="{S_ONE}" plainTextPath="internal://{S_ONE}.txt" '
        + 'richTextPath="relative://Interviews/Interview%20Bu%20Sari.docx">'
        + sel(TEXT_ONE, "Lama sekali, dua jam.", C_LONG)
        + "</TextSource>"
        + f'<TextSource guid="{S_TWO}" plainTextPath="internal://{S_TWO}.txt">'
        + sel(TEXT_TWO, "Three hours", C_LONG)
        + "</TextSource></Sources>"
    )
    xml = project_xml(body, attrs='name="m" origin="MAXQDA 2024"')
    schema("Project").validate(xml)
    path = qdpx(
        tmp_path / "m.qdpx",
        {"project.qde": xml, f"sources/{S_ONE}.txt": TEXT_ONE, f"sources/{S_TWO}.txt": TEXT_TWO},
    )
    services.import_refi(empty_project, path, strict=True)
    names = sorted(d.name for d in empty_project.documents.documents())
    assert names == ["Interview Bu Sari", "Interviewer How long did you wait"]
    assert not any(n.startswith("source-") for n in names)


# ---------------------------------------------------------------- --strict: what it refuses


def _valid_body(selections: str, *, text_path: str = f"internal://{S_ONE}.txt") -> str:
    return (
        users_xml()
        + codes_xml()
        + f'<Sources><TextSource guid="{S_ONE}" name="a" plainTextPath="{text_path}">'
        + selections
        + "</TextSource></Sources>"
    )


REFUSED = {
    "dangling-code": (
        _valid_body(
            f'<PlainTextSelection guid="{S_TWO}" startPosition="0" endPosition="5">'
            f'<Coding guid="{S_PDF}"><CodeRef targetGUID="{S_VID}"/></Coding></PlainTextSelection>'
        ),
        "1 codings refer to a code the file does not have",
    ),
    "outside-the-text": (
        _valid_body(
            f'<PlainTextSelection guid="{S_TWO}" startPosition="10" endPosition="5000">'
            f'<Coding guid="{S_PDF}"><CodeRef targetGUID="{C_TIME}"/></Coding></PlainTextSelection>'
        ),
        "past the end of the text",
    ),
    "duplicate-guid": (
        _valid_body(
            f'<PlainTextSelection guid="{S_TWO}" startPosition="0" endPosition="5">'
            f'<Coding guid="{S_PDF}"><CodeRef targetGUID="{C_TIME}"/></Coding></PlainTextSelection>'
            + f'<PlainTextSelection guid="{S_TWO}" startPosition="6" endPosition="9">'
            f'<Coding guid="{S_REP}"><CodeRef targetGUID="{C_TIME}"/></Coding></PlainTextSelection>'
        ),
        "reuses the GUID",
    ),
    "missing-file": (
        _valid_body("", text_path=f"internal://{S_PIC}.txt"),
        "its text file 'internal://",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_strict_refuses_what_the_standard_refuses_and_nothing_is_written(
    case: str, tmp_path: Path, empty_project: Project
) -> None:
    body, fragment = REFUSED[case]
    path = qdpx(
        tmp_path / "x.qdpx",
        {"project.qde": project_xml(body), f"sources/{S_ONE}.txt": TEXT_ONE},
    )
    db = Path(empty_project.path or "")
    before = dump_db(db)
    services.read_refi_file(path)  # without --strict: warnings, not a refusal
    with pytest.raises(InputError) as err:
        services.import_refi(empty_project, path, strict=True)
    lines = err.value.lines()
    assert "refused (--strict)" in lines[0]
    assert any(fragment in line for line in lines[1:]), lines
    assert dump_db(db) == before


def test_every_qualcode_export_passes_strict(demo: Project, tmp_path: Path) -> None:
    services.export_qdpx(demo, tmp_path / "d.qdpx")
    services.export_qdc(demo, tmp_path / "d.qdc")
    for name in ("d.qdpx", "d.qdc"):
        read = services.read_refi_file(tmp_path / name, strict=True)
        assert read.problems == [] and read.schema_errors == []


# ---------------------------------------------------------------- qualcode's extra fields


def test_extras_leave_descriptions_alone_and_still_round_trip(
    demo: Project, tmp_path: Path
) -> None:
    import zipfile

    services.export_qdc(demo, tmp_path / "d.qdc")
    services.export_qdpx(demo, tmp_path / "d.qdpx")
    qdc = (tmp_path / "d.qdc").read_text("utf-8")
    qde = zipfile.ZipFile(tmp_path / "d.qdpx").read("project.qde").decode("utf-8")
    for text in (qdc, qde):
        assert "[qualcode:meta" not in text  # no JSON in any description
        assert text.count("<?qualcode-extras {") == 1
    schema("Codebook").validate(qdc)
    schema("Project").validate(qde)
    fresh = open_project(str(tmp_path / "back.db"), create=True)
    try:
        services.import_refi(fresh, tmp_path / "d.qdc")
        before, after = demo.codebook(), fresh.codebook()
        assert [c.id for c in after.codes] == [c.id for c in before.codes]
        for code in before.codes:
            other = after[code.id]
            assert (other.label, other.rules, other.key, other.examples, other.inclusion) == (
                code.label,
                code.rules,
                code.key,
                code.examples,
                code.inclusion,
            )
        assert after.languages == before.languages and after.name == before.name
    finally:
        fresh.close()


def test_files_with_the_old_meta_blocks_still_import(tmp_path: Path) -> None:
    old = (
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="qualcode 0.1.0"><Codes>'
        f'<Code guid="{C_TIME}" name="Waktu" isCodable="true"><Description>Lama menunggu.\n\n'
        '[qualcode:meta/1] {"id": "time", "key": "2", "label": {"en": "Time", "id": "Waktu"}, '
        '"rules": {"keywords": ["antre"]}}</Description></Code></Codes></CodeBook>'
    )
    (tmp_path / "old.qdc").write_text(old, "utf-8")
    with open_project(str(tmp_path / "new.db"), create=True) as project:
        services.import_refi(project, tmp_path / "old.qdc", strict=True)
        code = project.codebook()["time"]
    assert (code.label, code.key, code.description) == (
        {"en": "Time", "id": "Waktu"},
        "2",
        "Lama menunggu.",
    )
    assert code.rules is not None and code.rules.keywords == {"*": ("antre",)}


def test_a_pseudonymised_copy_of_a_real_tools_file_round_trips(
    tmp_path: Path, empty_project: Project
) -> None:
    """Import a tool's file, export it again: the export validates and keeps the
    other tool's GUIDs and passages."""
    qde = atlas_qde(tmp_path / "export")
    services.import_refi(empty_project, qde)
    services.export_qdpx(empty_project, tmp_path / "again.qdpx")
    read = services.read_refi_file(tmp_path / "again.qdpx", strict=True)
    quotes = sorted(
        (s.text or "")[c.start : c.end] for s in read.project.sources for c in s.codings
    )
    assert quotes == sorted(
        ["Lama sekali, dua jam.", "Biayanya juga mahal.", "Three hours", "antrean panjang"]
    )
    shutil.rmtree(tmp_path / "export")
