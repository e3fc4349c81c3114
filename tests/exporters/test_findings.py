"""``qualcode findings``: the findings chapter on the demo project, in every format.

The .docx reads back with its headings and tables; LibreOffice turns the .docx and
the .odt into PDFs holding every key extract; the .md and .html are golden files;
a pseudonymised chapter names nobody anywhere in its files; both languages.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import services
from qualcode.cli import cli
from qualcode.core.findings import Chapter, Heading, Quote
from qualcode.services.findings import write_findings
from qualcode.services.reports import load_pseudonyms
from qualcode.store import Project, open_project
from tests.conftest import DATA, FAKE_NOW, dump_db, require

NAMES = DATA / "findings" / "pseudonyms.yaml"


def headings(chapter: Chapter) -> list[tuple[int, str]]:
    """Every heading of ``chapter`` with its level, in order."""
    return [(b.level, b.text) for b in chapter.blocks if isinstance(b, Heading)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project as ``qualcode demo`` builds it (themes, extracts, relations)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    mp.setenv("QUALCODE_CODER", "tester")
    try:
        return services.build_demo()
    finally:
        mp.undo()


@pytest.fixture
def demo_project(demo_db: Path) -> Iterator[Project]:
    project = open_project(str(demo_db))
    yield project
    project.close()


def _style(item: object) -> str:
    style = getattr(item, "style", None)
    return str(style.name) if style is not None else ""


def _chapter(project: Project, path: Path, **kw: object) -> Chapter:
    return write_findings(project, path, **kw).chapter  # type: ignore[arg-type]


EN_HEADINGS = [
    ("Heading 1", "Findings"),
    ("Heading 2", "Residents' time lost"),
    ("Heading 3", "Key extracts"),
    ("Heading 3", "Sub-theme: Nobody at the desk"),
    ("Heading 2", "Paying to get it done"),
    ("Heading 3", "Key extracts"),
    ("Heading 2", "Requirements that keep changing"),
    ("Heading 3", "Key extracts"),
    ("Heading 2", "Officers who help"),
    ("Heading 3", "Key extracts"),
    ("Heading 2", "Facilities under strain"),
    ("Heading 3", "Key extracts"),
    ("Heading 2", "Discarded themes"),
    ("Heading 2", "Dimension scorecard"),
    ("Heading 2", "Appendix: codebook"),
]


def test_docx_reads_back_with_its_headings_tables_and_styles(
    demo_project: Project, tmp_path: Path
) -> None:
    import docx

    out = tmp_path / "findings.docx"
    chapter = _chapter(demo_project, out, lang="en")
    document = docx.Document(str(out))
    styled = [(_style(p), p.text) for p in document.paragraphs if "Heading" in _style(p)]
    assert styled == EN_HEADINGS
    assert headings(chapter) == [(int(s[-1]), t) for s, t in EN_HEADINGS]
    tables = document.tables
    # one prevalence table per theme and sub-theme, the scorecard, the codebook
    assert len(tables) == 8
    rows = [[c.text for c in r.cells] for r in tables[0].rows]
    assert rows == [
        ["Group", "Passages", "Documents", "Participants"],
        ["All informants", "60", "8", "8"],
        ["officer", "15", "2", "2"],
        ["resident", "45", "6", "6"],
    ]
    # the header row repeats on every page: a real header row
    tr_pr = tables[0].rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.xpath("./w:tblHeader")
    assert all(_style(t) == "Table Grid" for t in tables)
    card = [[c.text for c in r.cells] for r in tables[6].rows]
    assert card[0] == [
        "Dimension",
        "Group",
        "Negative passages",
        "Negative participants",
        "Positive passages",
        "Positive participants",
    ]
    assert card[1] == ["Service procedure", "officer", "12", "2", "1", "1"]
    assert len(card) == 1 + 6 * 2
    appendix = [[c.text for c in r.cells] for r in tables[7].rows]
    assert appendix[0] == ["Code", "Label", "Description", "Valence", "Themes"]
    assert appendix[1][:2] == ["procedure", "Service procedure"]
    assert len(appendix) == 1 + len(demo_project.codebook().codes)
    long_wait = next(r for r in appendix if r[0] == "time.long_wait")
    assert long_wait[3:] == ["negative", "Residents' time lost"]
    captions = [p.text for p in document.paragraphs if _style(p) == "Caption"]
    assert captions[1] == "Table 1. Prevalence of the theme 'Residents' time lost'"
    assert captions[-1] == "Table 8. The codebook"
    quotes = [p.text for p in document.paragraphs if _style(p) == "Quote"]
    extracts = chapter.quotes()
    assert len(extracts) == 13
    for q in extracts:
        assert any(text.startswith(q.text) for text in quotes), q.text
        if q.translation:
            assert q.translation in quotes
    first = extracts[0]
    assert first.source == "Narasumber, resident, wawancara_01_pedagang_pasar, turn 22"
    assert first.translation.startswith("Four days, miss.")
    # the thematic map as a picture (PNG drawn from the SVG) with its caption
    (shape,) = document.inline_shapes
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    png = document.part.related_parts[blip.embed].blob
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    assert "Figure 1. Thematic map" in captions
    props = document.core_properties
    assert (props.title, props.author, props.last_modified_by, props.comments) == (
        "Findings",
        "tester",
        "tester",
        "",
    )


def test_both_languages_write_their_own_headings(demo_project: Project, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "temuan.docx"
    _chapter(demo_project, out, lang="id")
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if "Heading" in _style(p)]
    assert headings == [
        "Temuan",
        "Waktu warga yang terbuang",
        "Kutipan kunci",
        "Subtema: Petugas tidak di tempat",
        "Membayar di luar ketentuan",
        "Kutipan kunci",
        "Syarat yang berubah-ubah",
        "Kutipan kunci",
        "Petugas yang menolong",
        "Kutipan kunci",
        "Sarana yang tidak memadai",
        "Kutipan kunci",
        "Tema yang dibuang",
        "Kartu skor dimensi",
        "Lampiran: buku kode",
    ]
    assert [c.text for c in document.tables[0].rows[0].cells] == [
        "Kelompok",
        "Penggalan",
        "Dokumen",
        "Informan",
    ]
    captions = [p.text for p in document.paragraphs if _style(p) == "Caption"]
    assert captions[1] == "Tabel 1. Prevalensi tema 'Waktu warga yang terbuang'"


def test_by_dimensions_weighs_negative_against_positive(
    demo_project: Project, tmp_path: Path
) -> None:
    chapter = _chapter(demo_project, tmp_path / "d.md", lang="en", by="dimensions")
    heads = headings(chapter)
    assert heads[:4] == [
        (1, "Findings"),
        (2, "Service procedure"),
        (3, "Negative"),
        (3, "Positive"),
    ]
    assert [t for level, t in heads if level == 2] == [
        "Service procedure",
        "Completion time",
        "Service cost",
        "Service product",
        "Facilities and infrastructure",
        "Competence of service providers",
        "Dimension scorecard",
        "Appendix: codebook",
    ]
    text = (tmp_path / "d.md").read_text(encoding="utf-8")
    assert "| All informants | 85 | 8 | 8 | 53 | 10 |" in text
    assert "**Sub-codes**: No hand-over to the next officer (23); " in text


def _no_guids(text: str) -> str:
    """The map's element ids carry the demo's guids, new with every build."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<guid>", text)


def test_markdown_and_html_golden(
    demo_project: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    for lang in ("en", "id"):
        for fmt in ("md", "html"):
            out = tmp_path / f"findings-{lang}.{fmt}"
            _chapter(demo_project, out, lang=lang)
            golden(f"findings-{lang}.{fmt}.txt", _no_guids(out.read_text(encoding="utf-8")))
    out = tmp_path / "findings-dimensions.md"
    _chapter(demo_project, out, lang="id", by="dimensions", memos=True)
    golden("findings-dimensions-id.md.txt", out.read_text(encoding="utf-8"))


def test_the_map_is_a_figure_in_every_format(demo_project: Project, tmp_path: Path) -> None:
    from qualcode.core.findings import Figure

    chapter = _chapter(demo_project, tmp_path / "f.md", lang="id")
    (figure,) = [b for b in chapter.blocks if isinstance(b, Figure)]
    assert figure.caption == "Gambar 1. Peta tematik"
    assert "Waktu warga yang terbuang" in figure.svg
    svg = tmp_path / "f-map.svg"
    assert svg.read_text(encoding="utf-8") == figure.svg
    assert "![Gambar 1. Peta tematik](f-map.svg)" in (tmp_path / "f.md").read_text(encoding="utf-8")
    _chapter(demo_project, tmp_path / "f.html", lang="id")
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "<figure>\n<svg" in page and "<figcaption>Gambar 1. Peta tematik</figcaption>" in page
    _chapter(demo_project, tmp_path / "f.odt", lang="id")
    parts = _part_texts(tmp_path / "f.odt")
    pictures = [n for n in parts if n.startswith("Pictures/")]
    assert len(pictures) == 1
    with zipfile.ZipFile(tmp_path / "f.odt") as z:
        assert z.read(pictures[0]).startswith(b"\x89PNG")
    assert pictures[0] in parts["content.xml"]


def test_memos_are_included_when_asked(demo_project: Project, tmp_path: Path) -> None:
    memo = demo_project.memos.memos("theme")[0]
    without = _chapter(demo_project, tmp_path / "a.md", lang="en")
    with_memos = _chapter(demo_project, tmp_path / "b.md", lang="en", memos=True)
    assert (3, "Memos") not in headings(without)
    assert (3, "Memos") in headings(with_memos)
    assert " ".join(memo.text.split()) in (tmp_path / "b.md").read_text(encoding="utf-8")


def _part_texts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


@pytest.mark.parametrize("fmt", ["docx", "odt", "md", "html"])
def test_pseudonyms_leave_no_real_name_anywhere(
    demo_project: Project, tmp_path: Path, fmt: str
) -> None:
    names = load_pseudonyms(NAMES)
    out = tmp_path / f"findings.{fmt}"
    result = write_findings(demo_project, out, lang="en", names=names, memos=True)
    if fmt in ("docx", "odt"):
        parts = _part_texts(out)
        assert any(n.endswith(("core.xml", "meta.xml")) for n in parts)
    else:
        parts = {out.name: out.read_text(encoding="utf-8")}
    for real in names.names:
        pattern = re.compile(rf"(?<!\w){re.escape(real)}(?!\w)", re.IGNORECASE)
        for name, text in parts.items():
            assert not pattern.search(text), (real, name)
    sources = [q.source for q in result.chapter.quotes()]
    assert "Informan 3, resident, wawancara_03_petani, turn 16" in sources
    assert result.chapter.author == "Peneliti"
    # without the map the real name is there: the test can fail
    plain = write_findings(demo_project, tmp_path / f"plain.{fmt}", lang="en").chapter
    assert any("Darto" in q.source for q in plain.quotes())


def _pdf_text(path: Path) -> str:
    from pdfminer.high_level import extract_text

    # a line broken after a hyphen ("Orang-/orang") reads back as "Orang- orang"
    return re.sub(r"-\s+", "-", " ".join(extract_text(str(path)).split()))


def _words(text: str) -> str:
    return re.sub(r"-\s+", "-", " ".join(text.split()))


@pytest.mark.slow
def test_libreoffice_converts_docx_and_odt_with_every_key_extract(
    demo_project: Project, tmp_path: Path
) -> None:
    require("soffice")
    files = []
    chapters = []
    for fmt in ("docx", "odt"):
        out = tmp_path / f"chapter-{fmt}.{fmt}"
        chapters.append(_chapter(demo_project, out, lang="id"))
        files.append(out)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    for path, chapter in zip(files, chapters, strict=True):
        pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
        assert pdf.exists(), f"LibreOffice made no PDF of {path.name}"
        text = _pdf_text(pdf)
        assert "Temuan" in text and "Lampiran: buku kode" in text
        quotes = chapter.quotes()
        assert len(quotes) == 13
        for q in quotes:
            assert _words(q.text) in text, (path.name, q.text[:40])
            if q.translation:
                assert _words(q.translation) in text


def test_a_timed_transcript_gives_the_time_instead_of_the_turn(
    empty_project: Project, tmp_path: Path
) -> None:
    services.import_transcripts(empty_project, [DATA / "transcripts" / "styles" / "timestamps.txt"])
    doc = empty_project.documents.documents()[0].name
    text = empty_project.documents.document(doc).text
    start = text.index("Saya, minggu lalu")
    coding, _new = empty_project.codings.apply_coding(doc, "time.long_wait", start, start + 17)
    empty_project.themes.add_theme("Waiting", codes=["time.long_wait"])
    empty_project.themes.add_extracts("waiting", [coding.guid], translation="Me, last week.")
    chapter = _chapter(empty_project, tmp_path / "t.md", lang="en")
    (quote,) = chapter.quotes()
    assert quote == Quote(
        text="Saya, minggu lalu",
        source=f"Participant 3, participant, {doc}, 00:26",
        translation="Me, last week.",
    )


def test_cli_writes_the_chapter_and_says_what_it_guessed(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bab4.docx"
    result = CliRunner().invoke(
        cli,
        ["--project", str(demo_db), "findings", "-o", str(out), "--lang", "id",
         "--pseudonyms", str(NAMES)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (13 key extracts)\n"
    assert result.stderr == "informant groups: the case attribute 'role'\n"
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/bab4.pdf"], "cannot write a findings chapter as '.pdf'"),
        (["-o", "{tmp}/missing/bab4.docx"], "the folder {tmp}/missing does not exist"),
        (["-o", "{tmp}/bab4.docx", "--pseudonyms", "{tmp}/none.yaml"], "none.yaml"),
    ],
)
def test_cli_bad_input_is_one_line_and_changes_nothing(
    demo_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    before = dump_db(demo_db)
    result = CliRunner().invoke(
        cli, ["--project", str(demo_db), "findings", *(a.format(tmp=tmp_path) for a in args)]
    )
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert message.format(tmp=tmp_path) in lines[0]
    assert "Traceback" not in result.output
    assert dump_db(demo_db) == before
    assert not list(tmp_path.glob("bab4*"))


def test_unknown_language_is_refused(demo_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--project", str(demo_db), "findings", "-o", str(tmp_path / "a.md"), "--lang", "fr"]
    )
    assert result.exit_code == 2
    assert "'fr' is not one of 'id', 'en'" in result.stderr


def test_headings_follow_the_interface_language_by_default(
    demo_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_UI_LANG", "id")
    chapter = _chapter(demo_project, tmp_path / "a.md")
    assert chapter.blocks[0] == Heading(1, "Temuan")
    monkeypatch.setenv("QUALCODE_UI_LANG", "en")
    chapter = _chapter(demo_project, tmp_path / "b.md")
    assert chapter.blocks[0] == Heading(1, "Findings")


@pytest.mark.parametrize("fmt", ["docx", "odt", "md", "html"])
def test_a_project_without_themes_still_gets_a_chapter(
    empty_project: Project, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"empty.{fmt}"
    result = write_findings(empty_project, out, lang="en")
    assert result.files == (out,) and not result.figure and result.quotes == 0
    assert headings(result.chapter) == [
        (1, "Findings"),
        (2, "Dimension scorecard"),
        (2, "Appendix: codebook"),
    ]
    assert result.chapter.blocks[2].text.startswith("No theme has been made yet")  # type: ignore[union-attr]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("empty", ".empty"))) == [
        out.name
    ]


def test_a_failed_write_leaves_the_earlier_chapter_and_no_half_file(
    demo_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.exporters import findings as render

    out = tmp_path / "bab4.docx"
    out.write_bytes(b"the researcher's earlier draft")

    def broken(chapter: Chapter, path: Path) -> None:
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(render, "write_docx", broken)
    with pytest.raises(OSError, match="disk full"):
        write_findings(demo_project, out, lang="en")
    assert out.read_bytes() == b"the researcher's earlier draft"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bab4.docx"]
