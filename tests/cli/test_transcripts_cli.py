"""Re-import, search, speakers, cases and attributes from the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import dump_db

INTERVIEW = (
    "Pewawancara: Berapa lama Ibu mengantre di kantor camat?\n\n"
    "Narasumber: Saya mengantre dua jam karena petugasnya datang terlambat. Iya, betul.\n\n"
    "Pewawancara: Apakah ada biaya tambahan?\n\n"
    "Narasumber: Ada uang rokok lima puluh ribu, tanpa kuitansi.\n"
)


def run(*args: str, project: Path) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], prog_name="qualcode")


@pytest.fixture
def coded(tmp_path: Path, empty_project: object) -> Path:
    """A project with one interview and three codings (one approved)."""
    path = tmp_path / "wawancara_09.txt"
    path.write_text(INTERVIEW, encoding="utf-8")
    assert run("import", str(path), project=tmp_path).exit_code == 0
    for code, match in [
        ("time.long_wait", "Saya mengantre dua jam karena petugasnya datang terlambat."),
        ("cost", "uang rokok lima puluh ribu"),
        ("procedure", "Iya, betul."),
    ]:
        r = run("code", "wawancara_09", code, "--match", match, project=tmp_path)
        assert r.exit_code == 0, r.stderr
    con = sqlite3.connect(tmp_path / "qualcode.db")
    con.execute("UPDATE codings SET review = 'approved', reviewer = 'sup' WHERE quote LIKE 'uang%'")
    con.commit()
    con.close()
    return tmp_path


def test_replace_reanchors_every_coding_and_reports_counts(coded: Path) -> None:
    edited = coded / "wawancara_09.txt"
    edited.write_text(
        "Wawancara 9, Kantor Camat, 12 Mei.\n\n"
        + INTERVIEW.replace(
            "lima puluh ribu", "lima puluh rb"
        ).replace(  # a typo inside a coded passage
            "Apakah ada biaya tambahan?", "Iya, betul. Apakah ada biaya tambahan?"
        ),
        encoding="utf-8",
    )
    r = run("import", "--replace", str(edited), project=coded)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "wawancara_09: replaced (5 turns, 7 sentences); codings: 0 exact, 2 moved, 1 needs-review\n"
    )
    backups = list((coded / "backups").glob("qualcode-*-before-replace.db"))
    assert len(backups) == 1
    assert r.stderr == f"backup: {backups[0]}\n"
    project = open_project(str(coded))
    codings = {c.code: c for c in project.codings.codings()}
    text = project.documents.document("wawancara_09").text
    project.close()
    assert len(codings) == 3  # nothing lost
    assert codings["time.long_wait"].anchor == "moved"
    assert text[codings["time.long_wait"].start : codings["time.long_wait"].end] == (
        "Saya mengantre dua jam karena petugasnya datang terlambat."
    )
    assert codings["cost"].anchor == "moved"
    assert codings["cost"].quote == "uang rokok lima puluh rb"
    assert codings["cost"].review == "approved"  # review status survives
    assert codings["cost"].reviewer == "sup"
    assert codings["procedure"].anchor == "needs-review"  # "Iya, betul." now twice
    assert codings["procedure"].quote == "Iya, betul."
    # the backup holds the project as it was
    old = open_project(str(backups[0]))
    assert old.documents.document("wawancara_09").text == INTERVIEW
    old.close()


def test_replace_with_the_same_text_changes_nothing(coded: Path) -> None:
    before = dump_db(coded / "qualcode.db")
    r = run("import", "--replace", str(coded / "wawancara_09.txt"), project=coded)
    assert r.exit_code == 0
    assert r.stdout == "wawancara_09: the text is unchanged, nothing to do\n"
    assert dump_db(coded / "qualcode.db") == before
    assert not (coded / "backups").exists()


def test_replace_json_output(coded: Path) -> None:
    edited = coded / "wawancara_09.txt"
    edited.write_text(INTERVIEW + "\nPewawancara: Terima kasih.\n", encoding="utf-8")
    r = run("import", "--replace", "--json", str(edited), project=coded)
    out = json.loads(r.stdout)
    assert out["replaced"] == [
        {
            "name": "wawancara_09",
            "unchanged": False,
            "exact": 3,
            "moved": 0,
            "needs_review": 0,
            "turns": 5,
            "sentences": 6,
        }
    ]


def test_search_words_lemmas_code_and_speaker(coded: Path) -> None:
    r = run("search", "antre", "--json", project=coded)
    assert r.exit_code == 1 and json.loads(r.stdout) == []  # no word "antre" as such
    r = run("search", "antre", "--lemma", "--json", project=coded)
    hits = json.loads(r.stdout)
    assert [(h["sentence"], h["turn"], h["role"]) for h in hits] == [
        (1, 1, "interviewer"),
        (2, 2, "participant"),
    ]
    assert hits[1]["text"] == "Saya mengantre dua jam karena petugasnya datang terlambat."
    assert hits[1]["after"] == " Iya, betul."
    assert set(hits[0]) == {
        "doc", "sentence", "turn", "start", "end", "speaker", "role", "text", "before", "after"
    }  # fmt: skip
    r = run("search", "mengantre", "--lemma", "--speaker", "participant", "--json", project=coded)
    assert [h["sentence"] for h in json.loads(r.stdout)] == [2]
    r = run("search", "uang", "--code", "cost", "--json", project=coded)
    assert [h["text"] for h in json.loads(r.stdout)] == [
        "Ada uang rokok lima puluh ribu, tanpa kuitansi."
    ]
    r = run("search", "uang", "--code", "time.long_wait", project=coded)
    assert r.exit_code == 1
    r = run("search", '"dua jam"', project=coded)
    assert r.exit_code == 0
    assert r.stdout.startswith("wawancara_09  s2 t2  [")
    assert r.stderr == "1 hit\n"


def test_search_follows_a_replace(coded: Path) -> None:
    edited = coded / "wawancara_09.txt"
    edited.write_text(INTERVIEW.replace("kuitansi", "tanda terima"), encoding="utf-8")
    assert run("import", "--replace", str(edited), project=coded).exit_code == 0
    assert run("search", "kuitansi", project=coded).exit_code == 1
    assert run("search", "tanda terima", project=coded).exit_code == 0


def test_interviewer_label_is_stored_and_applied(tmp_path: Path, empty_project: object) -> None:
    path = tmp_path / "fg.txt"
    path.write_text("Bu Ani: Apa?\nPak Budi: Ini.\nBu Ani: Oh.\nPak Budi: Ya.\n", encoding="utf-8")
    r = run("import", "--interviewer-label", "Bu Ani", str(path), project=tmp_path)
    assert r.exit_code == 0, r.stderr
    r = run("turns", "fg", "--json", project=tmp_path)
    assert [t["role"] for t in json.loads(r.stdout)] == [
        "interviewer",
        "participant",
        "interviewer",
        "participant",
    ]
    r = run("speakers", "show", "--json", project=tmp_path)
    assert json.loads(r.stdout)["roles"] == {"Bu Ani": "interviewer"}
    # changing the setting re-applies roles to imported turns
    r = run("speakers", "set", "--participant-label", "Bu Ani", project=tmp_path)
    assert r.exit_code == 0
    r = run("turns", "fg", "--json", project=tmp_path)
    assert {t["role"] for t in json.loads(r.stdout)} == {"participant"}


def test_speaker_pattern_adds_a_label_style(tmp_path: Path, empty_project: object) -> None:
    r = run("speakers", "set", "--pattern", r"^<(?P<name>[A-Z]+)>\s*", project=tmp_path)
    assert r.exit_code == 0
    path = tmp_path / "angle.txt"
    path.write_text("<INT> Hello there.\n<RESP> Hi.\n", encoding="utf-8")
    run("import", str(path), project=tmp_path)
    r = run("turns", "angle", "--json", project=tmp_path)
    assert [t["speaker"] for t in json.loads(r.stdout)] == ["INT", "RESP"]


def test_case_per_speaker_and_attributes(tmp_path: Path, empty_project: object) -> None:
    fg = tmp_path / "fgd_1.txt"
    fg.write_text(
        "Moderator: Apa pendapat Bapak Ibu?\nBu Sari: Lama.\nPak Darto: Mahal.\nBu Sari: Iya.\n",
        encoding="utf-8",
    )
    r = run("import", "--case-per-speaker", str(fg), project=tmp_path)
    assert r.exit_code == 0, r.stderr
    attrs = tmp_path / "attributes.csv"
    attrs.write_text(
        "informan;pekerjaan;jenis kelamin;kelurahan\n"
        "Bu Sari;pedagang;P;Sukamaju\n"
        "Pak Darto;petani;L;\n"
        "Bu Sary;guru;P;Mekar\n"
        "Pak Budi;ojek\n",
        encoding="utf-8-sig",
    )
    before = dump_db(tmp_path / "qualcode.db")
    r = run("attributes", "import", "--strict", str(attrs), project=tmp_path)
    assert r.exit_code == 1
    assert dump_db(tmp_path / "qualcode.db") == before
    r = run("attributes", "import", str(attrs), project=tmp_path)
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"error: {attrs}:5: row has 2 cells, the header has 4 (check separators and quotes)",
        f"error: {attrs}:4: no case or document named 'Bu Sary' (did you mean 'Bu Sari'? "
        "'qualcode cases' and 'qualcode documents' list them; --create makes new cases)",
    ]
    assert r.stdout == f"{attrs}: 5 values set on 2 cases\n"
    r = run("cases", "--json", project=tmp_path)
    cases = {c["name"]: c for c in json.loads(r.stdout)}
    assert set(cases) == {"Bu Sari", "Pak Darto"}
    assert cases["Bu Sari"]["attributes"] == {
        "jenis kelamin": "P",
        "kelurahan": "Sukamaju",
        "pekerjaan": "pedagang",
    }
    assert cases["Pak Darto"]["sources"] == [{"doc": "fgd_1", "speaker": "Pak Darto"}]


def test_attributes_from_yaml_and_case_pattern(tmp_path: Path, empty_project: object) -> None:
    for n in (1, 2):
        (tmp_path / f"wawancara_0{n}_x.txt").write_text(
            f"Pewawancara: Halo {n}?\nNarasumber: Hai {n}.\n", encoding="utf-8"
        )
    r = run(
        "import",
        "--case-pattern",
        r"wawancara_(\d+)",
        str(tmp_path / "wawancara_01_x.txt"),
        str(tmp_path / "wawancara_02_x.txt"),
        project=tmp_path,
    )
    assert r.exit_code == 0, r.stderr
    yaml = tmp_path / "attrs.yaml"
    yaml.write_text("'01': {gender: F, age group: 30-39}\n'02':\n  gender: M\n", encoding="utf-8")
    r = run("attributes", "import", str(yaml), project=tmp_path)
    assert r.exit_code == 0, r.stderr
    r = run("documents", "--json", project=tmp_path)
    assert [d["case"] for d in json.loads(r.stdout)] == ["01", "02"]
    r = run("cases", "--json", project=tmp_path)
    assert [c["attributes"] for c in json.loads(r.stdout)] == [
        {"age group": "30-39", "gender": "F"},
        {"gender": "M"},
    ]


def test_progress_bar_for_a_batch(
    tmp_path: Path, empty_project: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_PROGRESS", "1")
    files = []
    for n in range(3):
        f = tmp_path / f"t{n}.txt"
        f.write_text(f"Interviewer: Question {n}?\nParticipant: Answer {n}.\n", encoding="utf-8")
        files.append(str(f))
    r = run("import", *files, project=tmp_path)
    assert r.exit_code == 0
    assert "3/3" in r.stderr and "[##############################]" in r.stderr
    r = run("import", "--quiet", *files, project=tmp_path)
    assert "[#" not in r.stderr


def test_a_legacy_encoding_is_detected_and_reported(tmp_path: Path, empty_project: object) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(
        "Pewawancara: Bagaimana pelayanannya?\r\nNarasumber: Petugasnya ramah, kafé di depan “bagus”.\r\n".encode(
            "cp1252"
        )
    )
    r = run("import", str(path), project=tmp_path)
    assert r.exit_code == 0
    assert r.stderr == (
        f"notice: {path}: not UTF-8; read as cp1252 (check accented letters, or pass --encoding)\n"
        "notice: language Indonesian (id) guessed from few words; if it is wrong, import the "
        "file again with --lang\n"
    )
    r = run("turns", "windows", "--json", project=tmp_path)
    assert json.loads(r.stdout)[1]["text"] == "Petugasnya ramah, kafé di depan “bagus”."
    r = run("documents", "--json", project=tmp_path)
    assert json.loads(r.stdout)[0]["lang"] == "id"


def test_lang_is_detected_per_document_or_given(tmp_path: Path, empty_project: object) -> None:
    en = tmp_path / "en.txt"
    en.write_text("Interviewer: How long did you wait?\nParticipant: It was two hours.\n")
    idn = tmp_path / "id.txt"
    idn.write_text("Pewawancara: Berapa lama Ibu menunggu?\nNarasumber: Dua jam, Mas.\n")
    forced = tmp_path / "forced.txt"
    forced.write_text("Interviewer: Hello there.\nParticipant: Hi.\n")
    assert run("import", str(en), str(idn), project=tmp_path).exit_code == 0
    assert run("import", "--lang", "id", str(forced), project=tmp_path).exit_code == 0
    r = run("documents", "--json", project=tmp_path)
    assert {d["name"]: d["lang"] for d in json.loads(r.stdout)} == {
        "en": "en",
        "id": "id",
        "forced": "id",
    }


def test_the_real_qualcoder_focus_group(tmp_path: Path, empty_project: object) -> None:
    """QualCoder's example (MIT, see tests/data/transcripts/README.md): speakers as
    cases, and 'struggling' found twice, both times from id2."""
    from tests.conftest import DATA

    path = DATA / "transcripts" / "qualcoder_transcript.txt"
    r = run("import", "--case-per-speaker", str(path), project=tmp_path)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0].endswith("(7 turns, 16 sentences)")
    r = run("cases", "--json", project=tmp_path)
    assert [c["name"] for c in json.loads(r.stdout)] == ["id1", "id2", "id3"]
    r = run("search", "struggling", "--json", project=tmp_path)
    assert [(h["speaker"], h["turn"]) for h in json.loads(r.stdout)] == [("id2", 2), ("id2", 7)]
    r = run("search", "struggle", "--lemma", "--json", project=tmp_path)
    assert [h["speaker"] for h in json.loads(r.stdout)] == ["id2", "id2"]
    r = run("search", "struggle", "--json", project=tmp_path)
    assert r.exit_code == 1


def test_strict_replace_writes_nothing_when_one_file_has_no_document(coded: Path) -> None:
    edited = coded / "wawancara_09.txt"
    edited.write_text(INTERVIEW.replace("kuitansi", "tanda terima"), encoding="utf-8")
    stranger = coded / "unknown.txt"
    stranger.write_text("Pewawancara: Halo?\nNarasumber: Hai.\n", encoding="utf-8")
    before = dump_db(coded / "qualcode.db")
    r = run("import", "--replace", "--strict", str(edited), str(stranger), project=coded)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[-1] == "nothing imported: 1 of 2 files are bad (--strict)"
    assert dump_db(coded / "qualcode.db") == before
    assert not (coded / "backups").exists()
