"""Automatic backups before every merge, codebook sync, REFI-QDA import and re-import,
on SQLite and PostgreSQL: a copy appears, it opens, it holds the state before the
change; ``qualcode restore`` puts it back. (The backup before a migration:
``tests/store/test_migrations.py``.)"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from qualcode.store.engine import resolve_location, sqlite_path
from tests import refi_files as rf
from tests.conftest import TRANSCRIPTS, dump_db
from tests.pg import dump_pg


def run(project: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", project, *args], prog_name="qualcode")


def _file(project: str) -> Path | None:
    """The SQLite file, or None for a PostgreSQL URL."""
    return sqlite_path(resolve_location(project))


def state(project: str) -> object:
    """Every row of the project, to compare states."""
    path = _file(project)
    return dump_db(path) if path is not None else dump_pg(project)


def backups_of(project: str, label: str) -> list[Path]:
    """The backups labelled ``label``: beside a SQLite file, in ./backups for PostgreSQL."""
    path = _file(project)
    folder = (path.parent if path is not None else Path.cwd()) / "backups"
    suffix = ".db" if path is not None else ".dump"
    return sorted(folder.glob(f"*-{label}{suffix}")) if folder.exists() else []


def _merge(project: str, tmp: Path, demo: Path) -> list[str]:
    return ["merge", str(demo)]


def _codebook_sync(project: str, tmp: Path, demo: Path) -> list[str]:
    p = open_project(project)
    try:
        from qualcode.exporters.codebook_yaml import write_codebook

        write_codebook(p.codebook(), tmp / "merged.yaml")
    finally:
        p.close()
    data = yaml.safe_load((tmp / "merged.yaml").read_text(encoding="utf-8"))
    data["codes"].append({"id": "waiting_room", "label": "Ruang tunggu"})
    (tmp / "merged.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ["codebook", "sync", str(tmp / "merged.yaml")]


def _refi_import(project: str, tmp: Path, demo: Path) -> list[str]:
    qdc = tmp / "theirs.qdc"
    qdc.write_text(
        rf.codebook_xml(rf.codes().removeprefix("<CodeBook>").removesuffix("</CodeBook>"))
    )
    return ["import", str(qdc)]


def _reimport(project: str, tmp: Path, demo: Path) -> list[str]:
    name = "wawancara_01_pedagang_pasar.txt"
    text = (TRANSCRIPTS / name).read_text(encoding="utf-8")
    (tmp / name).write_text("Catatan: dikoreksi.\n\n" + text, encoding="utf-8")
    return ["import", "--replace", str(tmp / name)]


TRIGGERS: dict[str, tuple[Callable[[str, Path, Path], list[str]], str, str]] = {
    # trigger: (command, label of the copy, what stderr says)
    "project-merge": (_merge, "before-merge", "backed up to {}"),
    "codebook-sync": (_codebook_sync, "before-codebook-sync", "backup: {}"),
    "refi-import": (_refi_import, "before-import", "backup: {}"),
    "re-import": (_reimport, "before-replace", "backup: {}"),
}


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_a_change_is_preceded_by_a_backup_that_holds_the_state_before(
    trigger: str,
    backend: str,
    demo_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # PostgreSQL dumps go to ./backups
    make, label, said = TRIGGERS[trigger]
    args = make(backend, tmp_path, demo_dir)
    before = state(backend)
    r = run(backend, *args)
    assert r.exit_code == 0, r.stderr
    after = state(backend)
    assert after != before  # the change was made
    copies = backups_of(backend, label)
    assert len(copies) == 1, copies
    assert said.format(copies[0]) in r.stderr.splitlines()
    path = _file(backend)
    if path is not None:
        # the copy is a project that opens, and holds the state before
        assert dump_db(copies[0]) == before
        old = open_project(str(copies[0]))
        assert old.documents.documents()
        old.close()
    # restore puts the state before back (pg_restore on PostgreSQL)
    r = run(backend, "restore", str(copies[0]))
    assert r.exit_code == 0, r.stderr
    assert state(backend) == before
    kept = backups_of(backend, "before-restore")
    assert len(kept) == 1  # the state that was replaced is kept too
    r = run(backend, "restore", str(kept[0]))
    assert r.exit_code == 0, r.stderr
    assert state(backend) == after


def test_no_copy_is_kept_when_the_change_is_refused_or_changes_nothing(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    p = open_project(backend)
    try:
        from qualcode.exporters.codebook_yaml import write_codebook

        write_codebook(p.codebook(), tmp_path / "same.yaml")
        data = yaml.safe_load((tmp_path / "same.yaml").read_text(encoding="utf-8"))
        code = data["codes"][-1]["id"]  # a top-level code
        p.codings.apply_coding(p.documents.document_names()[0], code, 0, 10)
    finally:
        p.close()
    # the same codebook: no code changes, the copy is removed again
    r = run(backend, "codebook", "sync", str(tmp_path / "same.yaml"))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("codebook synced: 0 added, 0 updated, 0 removed")
    assert r.stderr == ""
    before = state(backend)
    # a codebook that drops a coded code is refused after the copy was made: removed
    data["codes"] = [c for c in data["codes"] if c["id"] != code]
    (tmp_path / "drops.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    r = run(backend, "codebook", "sync", str(tmp_path / "drops.yaml"))
    assert r.exit_code == 1
    assert "drops codes that still have codings" in r.stderr
    assert state(backend) == before
    path = _file(backend)
    folder = (path.parent if path is not None else tmp_path) / "backups"
    assert not folder.exists()


def test_without_its_copy_a_change_is_not_made(
    tmp_path: Path, team_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.pg import sqlite_copy

    project = sqlite_copy(team_template, tmp_path / "p")
    args = _codebook_sync(project, tmp_path, tmp_path)
    before = state(project)
    (tmp_path / "p" / "backups").write_text("a file where the folder should be")
    r = run(project, *args)
    assert r.exit_code == 1
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("error: cannot make the backup folder")
    assert state(project) == before
    r = run(project, *args, "--no-backup")
    assert r.exit_code == 0, r.stderr
    assert state(project) != before


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_no_backup_makes_the_change_without_a_copy(
    trigger: str, team_template: Path, demo_dir: Path, tmp_path: Path
) -> None:
    from tests.pg import sqlite_copy

    project = sqlite_copy(team_template, tmp_path / "p")
    make, _label, _said = TRIGGERS[trigger]
    before = state(project)
    r = run(project, *make(project, tmp_path, demo_dir), "--no-backup")
    assert r.exit_code == 0, r.stderr
    assert state(project) != before
    assert not (tmp_path / "p" / "backups").exists()


@pytest.mark.parametrize("kind", ["other-kind", "damaged"])
def test_a_backup_of_the_wrong_kind_or_damaged_is_refused(
    kind: str, backend: str, team_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    on_sqlite = _file(backend) is not None
    other = tmp_path / ("other.dump" if on_sqlite == (kind == "other-kind") else "other.db")
    if kind == "other-kind" and on_sqlite:
        other.write_bytes(b"PGDMP" + bytes(200))
        expected = (
            "is a PostgreSQL dump, not a SQLite backup (restore it into a PostgreSQL "
            "project: qualcode --project postgresql://... restore)"
        )
    elif kind == "other-kind":
        shutil.copyfile(team_template, other)
        expected = (
            "is a SQLite backup, not a PostgreSQL dump (restore it into a SQLite project: "
            "qualcode --project FILE.db restore ...)"
        )
    elif on_sqlite:
        other.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
        expected = "not a qualcode backup (no schema version)"
    else:
        other.write_bytes(b"PGDMP" + b"\x01\x0e\x00" + bytes(300))
        expected = "the dump is damaged (pg_restore: error: "
    before = state(backend)
    r = run(backend, "restore", str(other))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"error: {other}: {expected}"), r.stderr
    assert state(backend) == before
    path = _file(backend)
    assert not ((path.parent if path is not None else tmp_path) / "backups").exists()


def _noop_merge(project: str, tmp: Path, template: Path) -> list[str]:
    return ["merge", str(template)]  # the project holds the template's content already


def _noop_sync(project: str, tmp: Path, template: Path) -> list[str]:
    p = open_project(project)
    try:
        from qualcode.exporters.codebook_yaml import write_codebook

        write_codebook(p.codebook(), tmp / "same.yaml")
    finally:
        p.close()
    return ["codebook", "sync", str(tmp / "same.yaml")]


def _noop_qdc(project: str, tmp: Path, template: Path) -> list[str]:
    r = run(project, "codebook", "export", "-o", str(tmp / "own.qdc"))
    assert r.exit_code == 0, r.stderr
    return ["import", str(tmp / "own.qdc")]  # every code matches


def _noop_qdpx(project: str, tmp: Path, template: Path) -> list[str]:
    r = run(project, "export", "qdpx", "-o", str(tmp / "own.qdpx"))
    assert r.exit_code == 0, r.stderr
    return ["import", str(tmp / "own.qdpx")]  # every code, source and coding matches


def _noop_reimport(project: str, tmp: Path, template: Path) -> list[str]:
    from tests.pg import TEAM_DOCS

    shutil.copyfile(TRANSCRIPTS / TEAM_DOCS[0], tmp / TEAM_DOCS[0])
    return ["import", "--replace", str(tmp / TEAM_DOCS[0])]  # the same text


NO_OPS: dict[str, tuple[Callable[[str, Path, Path], list[str]], str]] = {
    "project-merge": (_noop_merge, "before-merge"),
    "codebook-sync": (_noop_sync, "before-codebook-sync"),
    "qdc-import": (_noop_qdc, "before-import"),
    "qdpx-import": (_noop_qdpx, "before-import"),
    "re-import": (_noop_reimport, "before-replace"),
}


@pytest.mark.parametrize("trigger", sorted(NO_OPS))
def test_a_change_that_changes_nothing_leaves_no_backup(
    trigger: str,
    backend: str,
    team_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 15: a merge that changed nothing, or a .qdc import that matched every code,
    left a backup file behind; on SQLite and PostgreSQL the copy is gone again."""
    monkeypatch.chdir(tmp_path)  # PostgreSQL dumps go to ./backups
    make, label = NO_OPS[trigger]
    args = make(backend, tmp_path, team_template)
    before = state(backend)
    r = run(backend, *args)
    assert r.exit_code == 0, r.stderr
    assert backups_of(backend, label) == [], r.stderr  # made, then removed again
    assert not any("backup" in line and "no backup" not in line for line in r.stderr.splitlines())
    after = state(backend)
    assert _content(after) == _content(before)


def _content(dump: object) -> object:
    """A state without the action log and the link to the codebook file (a sync of
    another file with the same codes links the project to it: no change a backup
    protects)."""
    if isinstance(dump, list) and dump and isinstance(dump[0], str):
        return [
            x
            for x in dump
            if not x.startswith('INSERT INTO "actions"') and "'codebook_path'" not in x
        ]
    assert isinstance(dump, list)
    return [
        (t, [r for r in rows if not (t == "settings" and r[0] == "codebook_path")])
        for t, rows in dump
        if t != "actions"
    ]
