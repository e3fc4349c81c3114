"""Documents and cases after import: rename, delete (with undo), refresh, link,
attributes matched by document name, import --dry-run and the import summary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import DATA, dump_db

STYLES = DATA / "transcripts" / "styles"


def run(project: Path | str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], prog_name="qualcode")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    db = tmp_path / "qualcode.db"
    assert run(db, "init", "--codebook", "kepmenpan-63").exit_code == 0
    r = run(db, "import", "-q", str(STYLES / "joint.txt"), str(STYLES / "wrapped.txt"))
    assert r.exit_code == 0, r.stderr
    return db


def test_import_summary_lists_speakers_roles_language_and_warnings(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run(db, "init")
    r = run(
        db, "import", str(STYLES / "interviewer_numbered.txt"), str(STYLES / "minority_labels.txt")
    )
    assert r.exit_code == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[1] == (
        "  speakers: interviewer: Interviewer 1 (2 turns), Interviewer 2 (1) · "
        "participant: Interviewee (3)"
    )
    assert out[2] == "  language: English (en), detected"
    assert out[4] == "  speakers: no speaker labels found"
    assert r.stderr.splitlines() == [
        "warning: minority_labels: 3 paragraphs look like speaker labels that were not "
        "recognised (each is a turn without a speaker): lines 6, 10, 12"
    ]


def test_import_summary_names_the_guess(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run(db, "init")
    r = run(db, "import", str(STYLES / "otter.txt"), "--json")
    data = json.loads(r.stdout)
    assert data["imported"][0]["speakers"] == [
        {"name": "Speaker 1", "role": "interviewer", "how": "guessed", "turns": 3, "forms": []},
        {"name": "Speaker 2", "role": "participant", "how": "default", "turns": 3, "forms": []},
    ]
    assert (data["imported"][0]["lang"], data["imported"][0]["lang_how"]) == ("en", "detected")


def test_dry_run_prints_everything_and_writes_nothing(project: Path) -> None:
    before = dump_db(project)
    r = run(project, "import", "--dry-run", str(STYLES / "podcast.md"), str(STYLES / "joint.txt"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{STYLES / 'podcast.md'}: would import as 'podcast' (11 turns, 20 sentences)",
        "  speakers: interviewer: Gita (5 turns) · participant: Kiki (4), Budi Santoso (2) · "
        "guessed: Gita",
        "  language: Indonesian (id), detected",
        "  front matter -> case 'podcast': title, date, guests, tags",
        f"{STYLES / 'joint.txt'}: already in the project as 'joint', would be skipped",
    ]
    assert r.stderr.splitlines()[-1] == "dry run: nothing was written"
    assert dump_db(project) == before


def test_dry_run_of_a_replace_says_where_the_codings_would_go(
    project: Path, tmp_path: Path
) -> None:
    assert run(project, "code", "joint", "cost", "--match", "biaya").exit_code == 0
    edited = tmp_path / "joint.txt"
    edited.write_text(
        (STYLES / "joint.txt").read_text("utf-8").replace("Pak RT: Surat", "Pak RT: Nah, surat"),
        encoding="utf-8",
    )
    before = dump_db(project)
    r = run(project, "import", "--replace", "--dry-run", str(edited))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "joint: would be replaced (6 turns, 6 sentences); codings: 0 exact, 1 moved, 0 needs-review\n"
    )
    assert dump_db(project) == before


def test_front_matter_keys_become_case_attributes(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run(db, "init")
    r = run(db, "import", str(STYLES / "interviews.md"))
    assert r.exit_code == 0, r.stderr
    cases = json.loads(run(db, "cases", "--json").stdout)
    assert [(c["name"], c["attributes"], c["sources"]) for c in cases] == [
        (
            "interviews",
            {
                "date": "2024-11-02",
                "guests": "Ibu Sari",
                "interviewer": "Rina",
                "title": "Interview 3 - market vendor",
            },
            [{"doc": "interviews", "speaker": None}],
        )
    ]
    text = json.loads(run(db, "turns", "interviews", "--json").stdout)
    assert all("---" not in t["text"] and "title:" not in t["text"] for t in text)


def test_lang_accepts_any_code_and_refuses_a_non_code(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run(db, "init")
    r = run(db, "import", str(STYLES / "francais.txt"), "--lang", "jv")
    assert r.exit_code == 0, r.stderr
    assert "  language: Javanese (jv), given" in r.stdout.splitlines()
    assert (
        "notice: Javanese (jv) has no lemma table: sentences and exact search work, lemma "
        "search and rule keywords match the words as written"
    ) in r.stderr.splitlines()
    before = dump_db(db)
    r = run(db, "import", str(STYLES / "otter.txt"), "--lang", "english")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: unknown language 'english' (give a language code (ISO 639), e.g. id, en, ms, "
        "fr, es, de, nl, pt)\n"
    )
    assert dump_db(db) == before


def test_french_is_detected_and_gets_french_lemmas(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run(db, "init")
    r = run(db, "import", str(STYLES / "francais.txt"))
    assert "  language: French (fr), detected" in r.stdout.splitlines()
    hits = run(db, "search", "--lemma", "naître", "--json")
    assert [h["text"] for h in json.loads(hits.stdout)] == ["Mes parents sont nés ici aussi."]


def test_rename_and_undo(project: Path) -> None:
    r = run(project, "documents", "rename", "joint", "RT RW")
    assert (r.exit_code, r.stdout) == (0, "renamed 'joint' to 'RT RW'\n")
    names = [d["name"] for d in json.loads(run(project, "documents", "--json").stdout)]
    assert names == ["RT RW", "wrapped"]
    r = run(project, "documents", "rename", "RT RW", "wrapped")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: a document named 'wrapped' is already in the project "
        "(choose another name, or rename that one first)\n"
    )
    assert run(project, "undo").stdout == "undid: rename document joint to RT RW\n"
    names = [d["name"] for d in json.loads(run(project, "documents", "--json").stdout)]
    assert names == ["joint", "wrapped"]


def test_delete_needs_force_with_codings_and_undo_brings_everything_back(project: Path) -> None:
    assert run(project, "code", "joint", "cost", "--match", "biaya").exit_code == 0
    assert run(project, "code", "joint", "procedure", "--turn", "4").exit_code == 0
    project_obj = open_project(str(project))
    try:
        project_obj.memos.add_memo("document", "joint", "ditulis sebelum dihapus", title="catatan")
        project_obj.cases.link_case("Warga", "joint")
    finally:
        project_obj.close()
    before = dump_db(project)
    r = run(project, "documents", "delete", "joint")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: 'joint' has 2 codings (by tester) (pass --force to delete it with them; "
        "'qualcode undo' brings them back)\n"
    )
    assert dump_db(project) == before
    r = run(project, "documents", "delete", "joint", "--force")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "deleted 'joint' with 2 codings and 1 memo; it was part of case Warga (kept); "
        "'qualcode undo' restores it\n"
    )
    assert [d["name"] for d in json.loads(run(project, "documents", "--json").stdout)] == [
        "wrapped"
    ]
    assert run(project, "search", "biaya").exit_code == 1
    con = sqlite3.connect(project)
    kinds = sorted(k for (k,) in con.execute("SELECT kind FROM tombstones"))
    con.close()
    assert kinds == ["coding", "coding", "document", "memo"]
    assert run(project, "undo").stdout == "undid: delete document joint\n"

    # every row is back as it was (the log has two more entries; the search index's
    # own storage differs, its answers are checked below)
    def rows(dump: list[str]) -> list[str]:
        return [
            line
            for line in dump
            if not line.startswith(('INSERT INTO "actions"', 'INSERT INTO "sentence_search'))
        ]

    assert rows(dump_db(project)) == rows(before)
    hits = json.loads(run(project, "search", "biaya", "--json").stdout)
    assert [(h["doc"], h["speaker"]) for h in hits] == [("joint", "Bu RW")]
    assert run(project, "redo").stdout == "redid: delete document joint\n"
    assert run(project, "search", "biaya").exit_code == 1


def test_cases_link_creates_the_case(project: Path) -> None:
    r = run(project, "cases", "link", "wrapped", "Responden A")
    assert (r.exit_code, r.stdout) == (0, "linked 'wrapped' to case 'Responden A' (a new case)\n")
    r = run(project, "cases", "link", "joint", "Responden A")
    assert r.stdout == "linked 'joint' to case 'Responden A'\n"
    cases = json.loads(run(project, "cases", "--json").stdout)
    assert [(c["name"], [s["doc"] for s in c["sources"]]) for c in cases] == [
        ("Responden A", ["joint", "wrapped"])
    ]
    r = run(project, "cases", "link", "nope", "X")
    assert r.exit_code == 1
    assert r.stderr == "error: no document named 'nope' ('qualcode documents' lists them)\n"


def test_attributes_import_matches_rows_to_documents(project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "a.csv"
    sheet.write_text("case,gender\nJoint.txt,female\nwrapped,male\nsomeone,x\n", "utf-8")
    assert run(project, "cases", "link", "wrapped", "Responden B").exit_code == 0
    r = run(project, "attributes", "import", str(sheet))
    assert r.exit_code == 1
    assert (
        r.stdout
        == f"{sheet}: 2 values set on 2 cases, 1 cases created (2 matched to documents by name)\n"
    )
    assert r.stderr.splitlines() == [
        f"error: {sheet}:4: no case or document named 'someone' ('qualcode cases' and "
        "'qualcode documents' list them; --create makes new cases)",
        "notice: 'wrapped' is a document of case 'Responden B': its values went there",
    ]
    cases = json.loads(run(project, "cases", "--json").stdout)
    assert [(c["name"], c["attributes"], [s["doc"] for s in c["sources"]]) for c in cases] == [
        ("Responden B", {"gender": "male"}, ["wrapped"]),
        ("joint", {"gender": "female"}, ["joint"]),
    ]


def test_speakers_set_for_one_document(project: Path) -> None:
    r = run(project, "speakers", "set", "--doc", "joint", "--interviewer-label", "Pak RT")
    assert r.exit_code == 0, r.stderr
    roles = {
        t["speaker"]: t["role"] for t in json.loads(run(project, "turns", "joint", "--json").stdout)
    }
    assert roles["Pak RT"] == "interviewer"
    # the project-wide setting does not undo a document's own roles
    assert run(project, "speakers", "set", "--participant-label", "Bu RW").exit_code == 0
    roles = {
        t["speaker"]: t["role"] for t in json.loads(run(project, "turns", "joint", "--json").stdout)
    }
    assert (roles["Pak RT"], roles["Bu RW"]) == ("interviewer", "participant")
    r = run(project, "speakers", "set", "--doc", "joint", "--pattern", "^(?P<name>X):")
    assert r.exit_code == 1
    assert r.stderr == (
        "error: label patterns are for the whole project, not one document "
        "(give --pattern without --doc)\n"
    )


def _old_style(project: Path) -> None:
    """A document as the earlier rules stored it: TOML front matter and Markdown in
    the text, every label merged into one turn, one sentence per paragraph."""
    from qualcode.core.model import ImportedDocument, SentenceSpan, TurnSpan

    text = (STYLES / "podcast.md").read_text("utf-8")
    turns = (TurnSpan(0, len(text.rstrip()), None),)
    sentences = []
    pos = 0
    for para in text.split("\n\n"):
        if para.strip():
            start = text.index(para, pos)
            sentences.append(SentenceSpan(start, start + len(para.rstrip()), 0, ""))
            pos = start + len(para)
    p = open_project(str(project))
    try:
        p.documents.add_document(
            ImportedDocument("podcast", text, turns, source_format="md", lang="id"), sentences
        )
        start = text.index("Selamat datang, Pak Budi")
        p.codings.apply_coding(
            "podcast", "competence", start, start + len("Selamat datang, Pak Budi")
        )
        start = text.index("kuotanya cuma lima puluh")
        p.codings.apply_coding("podcast", "time", start, start + len("kuotanya cuma lima puluh"))
    finally:
        p.close()


def test_refresh_segments_old_documents_again_and_keeps_every_coding(project: Path) -> None:
    _old_style(project)
    before = dump_db(project)
    r = run(project, "documents", "refresh", "podcast", "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == (
        "podcast: would change: turns 1 -> 11; sentences 15 -> 20; "
        "text 263 characters shorter (front matter, markup)"
    )
    assert dump_db(project) == before
    r = run(project, "documents", "refresh", "podcast")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        "podcast: refreshed: turns 1 -> 11; sentences 15 -> 20; text 263 characters shorter "
        "(front matter, markup); codings: 0 exact, 2 moved, 0 needs-review",
        "  speakers: interviewer: Gita (5 turns) · participant: Kiki (4), Budi Santoso (2) · "
        "guessed: Gita",
        "  before:   no speakers",
    ]
    codings = json.loads(run(project, "codings", "--json").stdout)
    assert sorted((c["code"], c["quote"], c["anchor"]) for c in codings) == [
        ("competence", "Selamat datang, Pak Budi", "moved"),
        ("time", "kuotanya cuma lima puluh", "moved"),
    ]
    turns = json.loads(run(project, "turns", "podcast", "--json").stdout)
    joint = turns[7]
    assert (joint["speakers"], joint["text"]) == (["Gita", "Kiki"], "Selamat datang, Pak Budi!")
    cases = json.loads(run(project, "cases", "--json").stdout)
    assert [(c["name"], sorted(c["attributes"])) for c in cases] == [
        ("podcast", ["date", "guests", "tags", "title"])
    ]
    # refreshed again: nothing left to change; the other documents were already current
    r = run(project, "documents", "refresh")
    assert r.stdout.splitlines() == ["joint: unchanged", "podcast: unchanged", "wrapped: unchanged"]
    r = run(project, "documents", "refresh", "nope")
    assert r.exit_code == 1
    assert r.stderr == "error: no document named 'nope' ('qualcode documents' lists them)\n"
