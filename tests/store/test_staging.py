"""A large transcript is stored in short transactions and stays invisible until its
last one: every read leaves it out meanwhile, a coder's coding goes through between
two of them, a failure or a kill leaves nothing visible (opening the project removes
what a kill left), and the document that appears is the same as one stored at once.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from qualcode import services
from qualcode.store import Project, open_project, staging
from qualcode.store.base import T_DOCS, TABLES
from qualcode.store.project import Documents
from tests.conftest import CODEBOOK

TEXT = "".join(
    f"Interviewer: Question {i} about the queue?\n\n"
    f"Participant: Answer {i} is long. The clerk came late. A fee of {i} thousand.\n\n"
    for i in range(40)
)
"""80 turns and 160 sentences."""


def new_project(folder: Path) -> Project:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CODEBOOK, folder / "codebook.yaml")
    return services.init_project(str(folder / "qualcode.db"), folder / "codebook.yaml")


def rows(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    """Turns, joint speakers and sentences, and the document without its guid."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with project.engine.connect() as conn:
        for name in ("turns", "turn_speakers", "sentences"):
            t = TABLES[name]
            out[name] = [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))]
        out["documents"] = [
            tuple(v for k, v in r._mapping.items() if k != "guid")
            for r in conn.execute(select(T_DOCS).order_by(T_DOCS.c.pk))
        ]
    return out


@pytest.fixture
def small_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stage every document, 7 rows per transaction."""
    monkeypatch.setattr(staging, "STAGE_MIN_ROWS", 1)
    monkeypatch.setattr(staging, "STAGE_CHUNK", 7)


def write(folder: Path, name: str = "queue.txt") -> Path:
    path = folder / name
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_staged_document_is_the_same_as_one_stored_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path)
    at_once = new_project(tmp_path / "a")
    try:
        services.import_transcripts(at_once, [src])
        expected = rows(at_once)
    finally:
        at_once.close()
    monkeypatch.setattr(staging, "STAGE_MIN_ROWS", 1)
    monkeypatch.setattr(staging, "STAGE_CHUNK", 7)
    calls: list[int] = []
    monkeypatch.setattr(staging, "_pause", lambda s: calls.append(1))
    staged = new_project(tmp_path / "b")
    try:
        report = services.import_transcripts(staged, [src])
        assert [r.status for r in report.results] == ["imported"]
        assert rows(staged) == expected
        assert len(expected["turns"]) == 80 and len(expected["sentences"]) == 160
        # 80 + 160 rows less the 2 reserved, 7 per transaction, then the import itself
        assert len(calls) == 12 + 23 + 2  # and before and after the last one
        assert [h.doc for h in staged.search.search("clerk")][:1] == ["queue"]
        step = staged.history.undo()
        assert step is not None and staged.documents.document_names() == []
        assert staged.history.redo() is not None
        assert rows(staged) == expected
    finally:
        staged.close()


def test_while_staged_every_read_leaves_it_out_and_a_coder_codes_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None
) -> None:
    project = new_project(tmp_path / "p")
    first = tmp_path / "first.txt"
    first.write_text("Interviewer: Hello?\n\nBudi: I waited two hours.\n", encoding="utf-8")
    services.import_transcripts(project, [first])
    src = write(tmp_path)
    seen: list[dict[str, Any]] = []

    def look(_seconds: float) -> None:
        if len(seen) == 3:
            return
        other = open_project(str(tmp_path / "p"), coder="rina")
        try:
            s = other.documents.document("first").sentences[0]
            other.codings.apply_coding("first", "cost", s.start, s.end)
            with other.engine.connect() as conn:
                staged_rows = conn.execute(
                    select(T_DOCS.c.name).where(T_DOCS.c.state == staging.IMPORTING)
                ).all()
            seen.append(
                {
                    "documents": [d.name for d in other.documents.documents()],
                    "names": other.documents.document_names(),
                    "guids": sorted(other.document_guids()),
                    "texts": sorted(other.refi.document_texts()),
                    "hits": [h.doc for h in other.search.search("clerk")],
                    "staged": len(staged_rows),
                    "codings": len(other.codings.codings(coder="rina")),
                }
            )
        finally:
            other.close()

    monkeypatch.setattr(staging, "_pause", look)
    try:
        services.import_transcripts(project, [src])
    finally:
        project.close()
    assert len(seen) == 3
    for s in seen:
        assert s["documents"] == s["names"] == s["guids"] == s["texts"] == ["first"]
        assert s["hits"] == []
        assert s["staged"] == 1
        assert s["codings"] == 1  # the same span again: stored once
    final = open_project(str(tmp_path / "p"))
    try:
        assert final.documents.document_names() == ["first", "queue"]
    finally:
        final.close()


def test_a_failed_staged_import_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None
) -> None:
    project = new_project(tmp_path / "p")
    try:
        before = rows(project)
        n = 0

        def boom(_seconds: float) -> None:
            nonlocal n
            n += 1
            if n == 5:
                raise OSError("disk gone")

        monkeypatch.setattr(staging, "_pause", boom)
        with pytest.raises(OSError, match="disk gone"):
            services.import_transcripts(project, [write(tmp_path)])
        assert n > 5  # the rows written before were removed, in transactions of their own
        assert rows(project) == before
    finally:
        project.close()


def test_what_a_kill_left_is_invisible_and_removed_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_stages: None
) -> None:
    project = new_project(tmp_path / "p")
    before = rows(project)
    n = 0

    class Killed(BaseException):
        pass

    def kill(_seconds: float) -> None:
        nonlocal n
        n += 1
        if n == 6:
            raise Killed

    monkeypatch.setattr(staging, "_pause", kill)
    discard: Callable[..., None] = Documents._discard_staged
    monkeypatch.setattr(Documents, "_discard_staged", lambda self, pk: None)  # a kill: no cleanup
    with pytest.raises(Killed):
        services.import_transcripts(project, [write(tmp_path)])
    project.close()
    monkeypatch.setattr(Documents, "_discard_staged", discard)
    monkeypatch.setattr(staging, "_pause", lambda s: None)

    # within the heartbeat's time, another open leaves it (its importer may be running)
    again = open_project(str(tmp_path / "p"))
    try:
        assert again.documents.document_names() == []
        assert len(rows(again)["documents"]) == 1 and rows(again)["turns"]
    finally:
        again.close()
    monkeypatch.setattr(staging, "STALE_STAGING_S", 0.0)
    again = open_project(str(tmp_path / "p"))
    try:
        assert rows(again) == before
        report = services.import_transcripts(again, [write(tmp_path)])
        assert [r.status for r in report.results] == ["imported"]
        assert again.documents.document_names() == ["queue"]
    finally:
        again.close()


KILLER = """
import sys
from pathlib import Path
from qualcode import services
from qualcode.store import open_project, staging

staging.STAGE_MIN_ROWS = 1
staging.STAGE_CHUNK = 5

def pause(_seconds):
    print("step", flush=True)
    sys.stdin.readline()  # the test kills this process here, or lets it go on

staging._pause = pause
project = open_project(sys.argv[1])
services.import_transcripts(project, [Path(sys.argv[2])])
print("done", flush=True)
"""


@pytest.mark.parametrize("steps", [1, 9, 40])
def test_a_real_kill_while_staging_leaves_no_visible_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, steps: int
) -> None:
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    project = new_project(tmp_path / "p")
    project.close()
    src = write(tmp_path)
    victim = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(tmp_path / "p" / "qualcode.db"), str(src)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert victim.stdin is not None and victim.stdout is not None
    try:
        for i in range(steps):
            assert victim.stdout.readline() == "step\n"
            if i < steps - 1:
                victim.stdin.write("\n")
                victim.stdin.flush()
        victim.send_signal(signal.SIGKILL)  # in the middle of staging, between two chunks
    finally:
        victim.wait(timeout=60)
    look = open_project(str(tmp_path / "p"))
    try:
        assert look.documents.document_names() == [] and look.documents.documents() == []
        assert look.search.search("clerk") == []
    finally:
        look.close()
    monkeypatch.setattr(staging, "STALE_STAGING_S", 0.0)
    cleaned = open_project(str(tmp_path / "p"))
    try:
        leftover = rows(cleaned)
        assert leftover["documents"] == leftover["turns"] == leftover["sentences"] == []
    finally:
        cleaned.close()
