"""The command line: exact output, exit codes, and one line per bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import CODEBOOK, DATA, dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(*args: str, project: Path | None = None) -> Result:
    argv = (["--project", str(project)] if project else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False, prog_name="qualcode")


def test_init_import_code_codings_export(tmp_path: Path) -> None:
    db = tmp_path / "qualcode.db"
    shutil.copyfile(CODEBOOK, tmp_path / "cb.yaml")
    r = run("init", "--codebook", str(tmp_path / "cb.yaml"), project=db)
    assert r.exit_code == 0
    assert r.stdout == f"created {db} with 30 codes from {tmp_path / 'cb.yaml'}\n"
    t = tmp_path / "wawancara_x.txt"
    t.write_text(
        "Pewawancara: Berapa lama antre?\n\nNarasumber: Dua jam. Lama sekali.\n", encoding="utf-8"
    )
    r = run("import", str(t), project=db)
    assert r.exit_code == 0
    assert r.stdout == (
        f"{t}: imported as 'wawancara_x' (2 turns, 3 sentences)\n"
        "  speakers: interviewer: Pewawancara (1 turn) · participant: Narasumber (1)\n"
        "  language: Indonesian (id), guessed\n"
    )
    r = run("import", str(t), project=db)
    assert r.exit_code == 0
    assert r.stdout == f"{t}: already in the project as 'wawancara_x', skipped\n"
    r = run("code", "wawancara_x", "time.long_wait", "--sentence", "2", project=db)
    assert r.exit_code == 0
    assert r.stdout == "coded wawancara_x [45:53] time.long_wait: Dua jam.\n"
    r = run("code", "wawancara_x", "time.long_wait", "--sentence", "2", project=db)
    assert r.stdout == "already coded wawancara_x [45:53] time.long_wait: Dua jam.\n"
    r = run("code", "wawancara_x", "cost", "--turn", "2", project=db)
    assert r.stdout == "coded wawancara_x [45:66] cost: Dua jam. Lama sekali.\n"
    r = run("code", "wawancara_x", "time", "--match", "antre", project=db)
    assert r.stdout == "coded wawancara_x [25:30] time: antre\n"
    r = run("code", "wawancara_x", "time", "--start", "0", "--end", "11", project=db)
    assert r.stdout == "coded wawancara_x [0:11] time: Pewawancara\n"
    r = run("codings", project=db)
    assert r.stdout.splitlines() == [
        "wawancara_x\t0\t11\ttime\ttester\tPewawancara",
        "wawancara_x\t25\t30\ttime\ttester\tantre",
        "wawancara_x\t45\t53\ttime.long_wait\ttester\tDua jam.",
        "wawancara_x\t45\t66\tcost\ttester\tDua jam. Lama sekali.",
    ]
    rows = json.loads(run("codings", "--json", "--code", "cost", project=db).stdout)
    assert len(rows) == 1
    assert set(rows[0]) >= {
        "guid",
        "doc",
        "code",
        "start",
        "end",
        "coder",
        "origin",
        "status",
        "review",
        "anchor",
        "quote",
    }
    assert rows[0]["quote"] == "Dua jam. Lama sekali."
    r = run("uncode", "wawancara_x", "time", "--start", "0", "--end", "11", project=db)
    assert r.stdout == "removed wawancara_x [0:11] time\n"
    out = tmp_path / "freq.csv"
    r = run("export", "frequency", "--by", "document", "-o", str(out), project=db)
    assert r.stdout == f"wrote {out}: 30 codes x 1 documents, 3 codings\n"
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "code,label,wawancara_x,total"
    assert "time,Waktu penyelesaian,1,1" in lines
    assert lines[-1] == "total,,3,3"


def test_turns_and_sentences_listing(demo_dir: Path) -> None:
    r = run("turns", DOC, "--json", project=demo_dir)
    turns = json.loads(r.stdout)
    assert turns[0]["turn"] == 1
    assert turns[0]["speaker"] == "Pewawancara"
    assert turns[0]["role"] == "interviewer"
    assert turns[1]["role"] == "participant"
    r = run("sentences", DOC, project=demo_dir)
    assert r.stdout.splitlines()[0].startswith("    1  t1")


def test_ambiguous_match_is_refused_with_the_count(demo_dir: Path) -> None:
    r = run("code", DOC, "time", "--match", "antre", project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: 'antre' occurs 2 times in '{DOC}' (add --nth K or --all, or a longer --match)\n"
    )
    r = run("code", DOC, "time", "--match", "antre", "--all", project=demo_dir)
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 2


def test_codebook_validate_ok_and_show(demo_dir: Path) -> None:
    r = run("codebook", "validate", str(CODEBOOK))
    assert r.stdout == f"{CODEBOOK}: valid, 30 codes (6 top-level)\n"
    r = run("codebook", "show", project=demo_dir)
    assert r.stdout.splitlines()[0] == "procedure [1] Prosedur pelayanan (0)"
    assert r.stdout.splitlines()[1] == "  procedure.not_sop [1a] Pelayanan tidak sesuai SOP (0)"
    r = run("codebook", "show", "--lang", "en", project=demo_dir)
    assert r.stdout.splitlines()[0] == "procedure [1] Service procedure (0)"


def test_codebook_sync_uses_the_linked_file(demo_dir: Path) -> None:
    cb = demo_dir / "kepmenpan-63.yaml"
    cb.write_text(
        cb.read_text(encoding="utf-8").replace("Prosedur pelayanan,", "Prosedur layanan,"),
        encoding="utf-8",
    )
    r = run("codebook", "sync", project=demo_dir)
    assert r.exit_code == 0
    assert r.stdout == "codebook synced: 0 added, 1 updated, 0 removed, 29 unchanged\n"


def test_help_lists_every_command() -> None:
    r = run("--help")
    for name in (
        "init",
        "demo",
        "import",
        "code",
        "uncode",
        "codings",
        "codebook",
        "export",
        "turns",
        "documents",
    ):
        assert f"  {name}" in r.stdout


BAD = DATA / "bad"


T = DATA / "bad" / "transcripts"


def _bad_cases(demo_dir: Path, tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    broken = BAD / "codebooks" / "broken_yaml.yaml"
    dup = BAD / "codebooks" / "duplicate_ids.yaml"
    return {
        "codebook-sync-broken-yaml": (
            ["codebook", "sync", str(broken)],
            f"error: {broken}:4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of stream "
            "(check indentation and quoting)\n",
        ),
        "codebook-sync-duplicate-ids": (
            ["codebook", "sync", str(dup)],
            f"error: {dup}:8:13: duplicate code id 'procedure', first defined on line 3 (every id must be unique)\n",
        ),
        "import-binary": (
            ["import", str(BAD / "transcripts" / "binary.txt")],
            f"error: {BAD / 'transcripts' / 'binary.txt'}: is a binary file, not a text transcript "
            "(import .txt, .md and other supported formats)\n",
        ),
        "import-empty": (
            ["import", str(BAD / "transcripts" / "empty.txt")],
            f"error: {BAD / 'transcripts' / 'empty.txt'}: file is empty (nothing to import)\n",
        ),
        "import-missing": (
            ["import", str(tmp_path / "missing.txt")],
            f"error: {tmp_path / 'missing.txt'}: file not found (check the path)\n",
        ),
        "import-folder": (
            ["import", str(tmp_path)],
            f"error: {tmp_path}: is a folder, not a file (name the files, e.g. folder/*.txt)\n",
        ),
        "import-undecidable-encoding": (
            ["import", str(BAD / "transcripts" / "undecidable.txt")],
            f"error: {BAD / 'transcripts' / 'undecidable.txt'}: cannot tell the text encoding "
            "(not UTF-8, and no other encoding fits) (save the file as UTF-8, or pass --encoding)\n",
        ),
        "import-zip-not-docx": (
            ["import", str(T / "not_a_docx.docx")],
            f"error: {T / 'not_a_docx.docx'}: is a ZIP archive but not a Word document (.docx) "
            "(it has no word/document.xml) (import the transcript itself, saved as .docx)\n",
        ),
        "import-truncated-docx": (
            ["import", str(T / "truncated.docx")],
            f"error: {T / 'truncated.docx'}: is a corrupt Word document (.docx) (File is not a zip "
            "file) (open and save it again as .docx)\n",
        ),
        "import-old-word-as-docx": (
            ["import", str(T / "old_word.docx")],
            f"error: {T / 'old_word.docx'}: is an old binary Office file, not a Word document "
            "(.docx) (open it and save it as .docx)\n",
        ),
        "import-pdf-without-text-layer": (
            ["import", str(T / "scan.pdf")],
            f"error: {T / 'scan.pdf'}: has no text layer (a scanned PDF) (run OCR first, e.g. "
            "ocrmypdf, then import the result)\n",
        ),
        "import-text-named-pdf": (
            ["import", str(T / "not_a_pdf.pdf")],
            f"error: {T / 'not_a_pdf.pdf'}: is not a PDF file (no %PDF header)\n",
        ),
        "import-malformed-srt": (
            ["import", str(T / "malformed.srt")],
            f"error: {T / 'malformed.srt'}:1: is a malformed SubRip file (a cue is not "
            "'number / time --> time / text')\n",
        ),
        "import-over-size-limit": (
            ["import", str(T / "latin1.txt")],
            f"error: {T / 'latin1.txt'}: file is too large (55 bytes; the limit is 50) "
            "(split it, or raise QUALCODE_MAX_IMPORT_BYTES)\n",
        ),
        "import-replace-unknown-document": (
            ["import", "--replace", str(T / "latin1.txt")],
            f"error: {T / 'latin1.txt'}: no document named 'latin1' to replace (import it "
            "without --replace, or name the file after the document)\n",
        ),
        "search-no-word": (
            ["search", "***"],
            "error: no word to search for in '***' (search for at least one word)\n",
        ),
        "attributes-missing-file": (
            ["attributes", "import", str(tmp_path / "none.csv")],
            f"error: {tmp_path / 'none.csv'}: file not found (check the path)\n",
        ),
        "speakers-bad-pattern": (
            ["speakers", "set", "--pattern", "^(?P<who>x"],
            "error: bad speaker pattern '^(?P<who>x': missing ), unterminated subpattern at "
            "position 1 (a Python regular expression)\n",
        ),
        "code-unknown-code": (
            ["code", DOC, "nope", "--sentence", "1"],
            "error: unknown code 'nope' ('qualcode codebook show' lists the codes)\n",
        ),
        "code-unknown-document": (
            ["code", "nope", "cost", "--sentence", "1"],
            "error: no document named 'nope' ('qualcode documents' lists them)\n",
        ),
        "code-offsets-out-of-range": (
            ["code", DOC, "cost", "--start", "5", "--end", "999999"],
            f"error: span [5:999999] is outside '{DOC}' (0..8688) or empty (start must be below end, both within the text)\n",
        ),
        "code-sentence-out-of-range": (
            ["code", DOC, "cost", "--sentence", "9999"],
            f"error: '{DOC}' has 154 sentences; there is no sentence 9999 (sentences count from 1)\n",
        ),
        "code-no-selector": (
            ["code", DOC, "cost"],
            "error: name exactly one passage: --start N --end M, --sentence K, --turn K or --match TEXT\n",
        ),
        "code-match-absent": (
            ["code", DOC, "cost", "--match", "zzzz"],
            f"error: 'zzzz' does not occur in '{DOC}'\n",
        ),
        "uncode-nothing-there": (
            ["uncode", DOC, "cost", "--sentence", "1"],
            f"error: no coding of yours to remove in '{DOC}' at [13:33]\n",
        ),
        "export-unknown-suffix": (
            ["export", "frequency", "-o", str(tmp_path / "out.xyz")],
            "error: cannot tell the format from 'out.xyz' (pass --format csv|xlsx|md|json|sqlite|html)\n",
        ),
        "export-into-missing-folder": (
            ["export", "frequency", "-o", str(tmp_path / "no" / "out.csv")],
            f"error: {tmp_path / 'no' / 'out.csv'}: folder {tmp_path / 'no'} does not exist (create it first)\n",
        ),
        "bad-option": (
            ["code", DOC, "cost", "--sentence", "x"],
            "error: Invalid value for '--sentence': 'x' is not a valid integer. (see 'qualcode code --help')\n",
        ),
    }


CASE_IDS = [
    "codebook-sync-broken-yaml",
    "codebook-sync-duplicate-ids",
    "import-binary",
    "import-empty",
    "import-missing",
    "import-folder",
    "import-undecidable-encoding",
    "import-zip-not-docx",
    "import-truncated-docx",
    "import-old-word-as-docx",
    "import-pdf-without-text-layer",
    "import-text-named-pdf",
    "import-malformed-srt",
    "import-over-size-limit",
    "import-replace-unknown-document",
    "search-no-word",
    "attributes-missing-file",
    "speakers-bad-pattern",
    "code-unknown-code",
    "code-unknown-document",
    "code-offsets-out-of-range",
    "code-sentence-out-of-range",
    "code-no-selector",
    "code-match-absent",
    "uncode-nothing-there",
    "export-unknown-suffix",
    "export-into-missing-folder",
    "bad-option",
]


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_gives_one_line_nonzero_exit_and_unchanged_project(
    case: str, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args, expected = _bad_cases(demo_dir, tmp_path)[case]
    if case == "import-over-size-limit":
        monkeypatch.setattr("qualcode.importers.decode.MAX_BYTES", 50)
    db = demo_dir / "qualcode.db"
    before = dump_db(db)
    r = run(*args, project=demo_dir)
    assert r.exit_code != 0
    assert r.stderr == expected
    assert r.stdout == ""
    assert dump_db(db) == before


def test_bad_input_table_covers_every_case(demo_dir: Path, tmp_path: Path) -> None:
    assert sorted(_bad_cases(demo_dir, tmp_path)) == sorted(CASE_IDS)


def test_missing_project_gives_one_line(tmp_path: Path) -> None:
    r = run("codings", project=tmp_path / "none.db")
    assert r.exit_code == 1
    assert (
        r.stderr
        == f"error: no project at {tmp_path / 'none.db'} (run 'qualcode init' here, or pass --project PATH)\n"
    )


def test_batch_with_a_bad_file_imports_the_good_ones(tmp_path: Path, empty_project: object) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: Hi?\nParticipant: Hello.\n", encoding="utf-8")
    bad = BAD / "transcripts" / "binary.txt"
    r = run("import", str(good), str(bad), project=tmp_path)
    assert r.exit_code == 1
    assert r.stdout == (
        f"{good}: imported as 'good' (2 turns, 2 sentences)\n"
        "  speakers: interviewer: Interviewer (1 turn) · participant: Participant (1)\n"
        "  language: English (en), guessed\n"
    )
    assert r.stderr.splitlines()[-1] == "1 imported, 0 skipped, 1 failed"


def test_strict_batch_imports_nothing(tmp_path: Path, empty_project: object) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Interviewer: Hi?\nParticipant: Hello.\n", encoding="utf-8")
    before = dump_db(tmp_path / "qualcode.db")
    r = run(
        "import", "--strict", str(good), str(BAD / "transcripts" / "empty.txt"), project=tmp_path
    )
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.splitlines()[-1] == "nothing imported: 1 of 2 files are bad (--strict)"
    assert dump_db(tmp_path / "qualcode.db") == before


def test_init_with_a_shipped_codebook_by_name_copies_it_beside_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("init", "--codebook", "kepmenpan-63", project=tmp_path / "qualcode.db")
    assert r.exit_code == 0, r.stderr
    copy = tmp_path / "kepmenpan-63.yaml"
    assert r.stdout == (
        f"created {tmp_path / 'qualcode.db'} with 30 codes from kepmenpan-63 "
        f"(a copy of the shipped codebook: {copy})\n"
    )
    assert copy.read_bytes() == CODEBOOK.read_bytes()
    r = run("init", "--codebook", "no-such-codebook", project=tmp_path / "other.db")
    assert r.exit_code != 0
    assert r.stderr.count("\n") == 1 and "no-such-codebook" in r.stderr
    assert not (tmp_path / "other.db").exists()


def test_init_refuses_to_overwrite(tmp_path: Path, empty_project: object) -> None:
    r = run("init", project=tmp_path)
    assert r.exit_code == 1
    assert r.stderr == f"error: a project already exists at {tmp_path / 'qualcode.db'}\n"


def test_demo_builds_once_in_the_data_folder(tmp_path: Path) -> None:
    r = run("demo", "--no-open")
    assert r.exit_code == 0
    db = Path(r.stdout.strip())
    assert db.name == "qualcode.db"
    assert db.parent.name == "demo"
    r2 = run("--project", str(db), "documents", "--json")
    docs = json.loads(r2.stdout)
    assert len(docs) == 8
    assert sum(1 for d in docs if d["lang"] == "id") >= 4
    assert sum(1 for d in docs if d["lang"] == "en") >= 1
    assert all(d["turns"] >= 20 for d in docs)
    cases = json.loads(run("--project", str(db), "cases", "--json").stdout)
    assert len(cases) == 8  # one per interview, with the attributes of attributes.csv
    pasar = next(c for c in cases if c["name"] == "wawancara_01_pedagang_pasar")
    assert pasar["attributes"]["occupation"] == "pedagang"
    # a second run opens the same project without rebuilding it
    mtime = db.stat().st_mtime_ns
    assert run("demo", "--no-open").stdout.strip() == str(db)
    assert db.stat().st_mtime_ns == mtime
