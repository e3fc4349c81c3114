"""Crash safety: real processes killed with SIGKILL while they code, import, merge
and export; after every kill the project must be whole.

    python -m tests.crash.harness [--kills 120] [--seed 1] [--workdir DIR] [--json]

A fork server (``tests/crash/worker.py``: qualcode's store, services and command
line, no Textual; spaCy only for the import scenario) forks one victim process per
run. The victim acknowledges each action on a pipe only after the call that made
it returned (after its commit). The driver waits for the N-th acknowledgement
(N drawn from a seeded generator) -- a barrier, not a guess -- then waits a
further random fraction of a typical action and kills the victim's whole process
group with SIGKILL. It reads every acknowledgement the victim managed to write,
and checks the project with plain ``sqlite3`` (this driver imports nothing of
qualcode):

* ``PRAGMA integrity_check`` is ``ok``, ``PRAGMA foreign_key_check`` is empty and
  the FTS5 search index passes its own ``integrity-check``;
* **coding**: the codings are exactly the state after every acknowledged action,
  or after one more (the action in flight committed, its acknowledgement not yet
  written): nothing acknowledged is lost, nothing half done;
* **import** (a batch, which commits without waiting for the disk and checkpoints
  at the end): every acknowledged document is there, and every document has all
  its turns, sentences and search entries (the counts of a clean import) and its
  action-log entry: no half-imported document (a document whose search entries a
  kill cut off must be listed as pending, and qualcode's catch-up, run as opening
  the project after a crash runs it, must complete them);
* **merge** (``qualcode merge OTHER``, backup first, one transaction): the project
  is exactly as before or exactly as after a complete merge, its linked codebook
  file is the old or the new one, never a mix; a backup under its final name is a
  whole copy; the other project is untouched;
* **export** (``export frequency``, ``export qdpx``, ``codebook export``): the
  target is absent, the previous file, or the complete export, never a partial
  file; the project is unchanged.

Every run is seeded, so a failure can be replayed with the same ``--seed``. With
``--json`` one line of figures; the exit status is 1 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
WORKER = Path(__file__).resolve().parent / "worker.py"
CODEBOOK = ROOT / "codebooks" / "kepmenpan-63.yaml"
DEMO = sorted(
    p
    for p in (ROOT / "transcripts").iterdir()
    if p.suffix in (".txt", ".md") and p.name != "README.md"
)
TIMEOUT = 120.0
"""Seconds a victim may go without writing before the run is declared hung."""

# kills per scenario out of every 100 asked for
SHARES = {"coding": 40, "import": 20, "merge": 20, "export": 20}


class CrashCheckFailed(AssertionError):
    """A project was not whole after a kill."""


# ---------------------------------------------------------------------- processes


class Victim:
    """A forked child of the fork server, with its acknowledgement pipe."""

    def __init__(self, server: ForkServer, pid: int, fd: int) -> None:
        self.server = server
        self.pid = pid
        self.fd = fd
        self.buffer = b""
        self.lines: list[str] = []
        self.eof = False
        self.status: dict[str, Any] | None = None

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            raise TimeoutError(f"process {self.pid} wrote nothing for {timeout:.0f} s")
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.eof = True
            return False
        self.buffer += chunk
        *complete, self.buffer = self.buffer.split(b"\n")
        self.lines += [line.decode("utf-8") for line in complete]
        return True

    def wait_for(self, predicate: Callable[[list[str]], bool]) -> None:
        """Read acknowledgements until ``predicate`` holds or the victim is gone."""
        while not self.eof and not predicate(self.lines):
            self._read(TIMEOUT)

    def wait_acks(self, n: int) -> None:
        """Wait for the ``n``-th acknowledged action (a barrier)."""
        self.wait_for(lambda lines: _count(lines, "done ") >= n)

    def kill(self) -> None:
        """SIGKILL the victim's process group, read what it wrote, reap it."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.finish()

    def finish(self) -> None:
        """Read to the end of the pipe and reap the process."""
        while not self.eof:
            self._read(TIMEOUT)
        os.close(self.fd)
        self.status = self.server.request({"op": "reap", "pid": self.pid})

    @property
    def killed(self) -> bool:
        """Killed by our SIGKILL (not finished on its own)."""
        return self.status is not None and self.status["signal"] == signal.SIGKILL

    @property
    def error(self) -> str | None:
        """The victim's own error line, if it failed by itself."""
        for line in self.lines:
            if line.startswith("error "):
                return line
        if self.status is not None and self.status["exit"] not in (None, 0):
            return f"exit status {self.status['exit']}"
        return None


class ForkServer:
    """``tests/crash/worker.py`` in its own interpreter, forking victims on request."""

    def __init__(
        self, workdir: Path, python: str = sys.executable, env: dict[str, str] | None = None
    ) -> None:
        self.workdir = workdir
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ if env is None else env)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
        )
        self.log = workdir / "victims.log"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [python, str(WORKER), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                cwd=workdir,
            )
        theirs.close()
        self.ready = self._answer()
        self.count = 0

    def _answer(self) -> dict[str, Any]:
        ready, _, _ = select.select([self.sock], [], [], TIMEOUT)
        if not ready:
            raise TimeoutError("the fork server did not answer")
        data = self.sock.recv(1 << 20)
        if not data:
            raise RuntimeError(f"the fork server died; see {self.log}")
        answer: dict[str, Any] = json.loads(data)
        return answer

    def request(self, obj: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        """Send one request (with file descriptors) and return the answer."""
        socket.send_fds(self.sock, [json.dumps(obj).encode("utf-8")], fds or [])
        return self._answer()

    def spawn(self, scenario: dict[str, Any]) -> Victim:
        """Fork a victim running ``scenario``."""
        read_fd, write_fd = os.pipe()
        try:
            answer = self.request(
                {"op": "spawn", "scenario": scenario, "log": str(self.log)}, [write_fd]
            )
        finally:
            os.close(write_fd)
        self.count += 1
        return Victim(self, answer["pid"], read_fd)

    def run(self, scenario: dict[str, Any]) -> Victim:
        """Run a scenario to its end; raise when it failed."""
        victim = self.spawn(scenario)
        victim.finish()
        if victim.error or "end" not in victim.lines:
            raise RuntimeError(
                f"{scenario['kind']} {scenario.get('argv', '')} failed: {victim.error}; "
                f"see {self.log}"
            )
        return victim

    def cli(self, *argv: str) -> Victim:
        """Run ``qualcode ARGV`` in a victim to its end."""
        return self.run({"kind": "cli", "argv": list(argv)})

    def close(self) -> None:
        try:
            self.sock.send(json.dumps({"op": "quit"}).encode("utf-8"))
        except OSError:
            pass
        self.sock.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------------- checks


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(path)
    try:
        yield con
    finally:
        con.close()


def check_integrity(path: Path, what: str) -> None:
    """SQLite's integrity check, foreign keys, and the FTS5 index's own check."""
    try:
        with connect(path) as con:
            result = con.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise CrashCheckFailed(f"{what}: integrity_check: {result[:3]}")
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise CrashCheckFailed(f"{what}: foreign_key_check: {broken[:3]}")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            if "sentence_search" in tables:
                con.execute(
                    "INSERT INTO sentence_search(sentence_search) VALUES('integrity-check')"
                )
                con.rollback()
    except sqlite3.DatabaseError as exc:
        raise CrashCheckFailed(f"{what}: {exc}") from None


def dump(path: Path) -> list[str]:
    with connect(path) as con:
        return list(con.iterdump())


def fresh_copy(template: Path, target: Path, codebook: Path | None = None) -> None:
    """A copy of a project file (no WAL left over), linked to its own codebook file."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(target.parent / "backups", ignore_errors=True)
    with connect(template) as src, connect(target) as dst:
        src.backup(dst)
    if codebook is not None:
        with connect(target) as con:
            con.execute(
                "UPDATE settings SET value = ? WHERE key = 'codebook_path'",
                (json.dumps(str(codebook)),),
            )
            con.commit()


def projection(path: Path) -> dict[str, Any]:
    """What a merge may change, without times and generated ids: compared whole."""
    with connect(path) as con:
        return {
            "codings": sorted(
                con.execute(
                    'SELECT k.guid, d.name, c.id, k.start, k."end", k.coder, k.memo, k.quote '
                    "FROM codings k JOIN documents d ON d.pk = k.document_pk "
                    "JOIN codes c ON c.pk = k.code_pk"
                ).fetchall()
            ),
            "documents": sorted(
                con.execute(
                    "SELECT d.name, d.sha256, (SELECT count(*) FROM turns t WHERE "
                    "t.document_pk = d.pk), (SELECT count(*) FROM sentences s WHERE "
                    "s.document_pk = d.pk) FROM documents d"
                ).fetchall()
            ),
            "codes": sorted(con.execute("SELECT id, label FROM codes").fetchall()),
            "aliases": sorted(con.execute("SELECT alias FROM code_aliases").fetchall()),
            "tombstones": con.execute("SELECT count(*) FROM tombstones").fetchone()[0],
        }


# ---------------------------------------------------------------------- results


@dataclass
class ScenarioResult:
    """What one scenario did."""

    name: str
    kills: int = 0
    finished: int = 0
    acknowledged: int = 0
    seconds: float = 0.0
    outcomes: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def saw(self, outcome: str) -> None:
        """Count what a kill left behind."""
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@dataclass
class Setup:
    """Projects and files every scenario starts from."""

    workdir: Path
    empty: Path
    base: Path
    codebook: Path
    docs: list[tuple[str, int]]
    codes: list[str]


def setup(server: ForkServer, workdir: Path) -> Setup:
    """An empty project and the demo project, made by qualcode in victims run to the end."""
    tpl = workdir / "templates"
    tpl.mkdir(parents=True, exist_ok=True)
    codebook = tpl / "codebook.yaml"
    shutil.copyfile(CODEBOOK, codebook)
    empty = tpl / "empty.db"
    server.cli("--project", str(empty), "init", "--codebook", str(codebook))
    base = tpl / "base.db"
    fresh_copy(empty, base, codebook)
    server.request({"op": "nlp"})
    server.cli("--project", str(base), "import", "--quiet", *map(str, DEMO))
    with connect(base) as con:
        docs = [(r[0], r[1]) for r in con.execute("SELECT name, chars FROM documents ORDER BY pk")]
        codes = [r[0] for r in con.execute("SELECT id FROM codes WHERE codable ORDER BY pk")]
    return Setup(workdir, empty, base, codebook, docs, codes)


# ---------------------------------------------------------------------- coding


def coding_actions(
    rng: random.Random, docs: list[tuple[str, int]], codes: list[str], n: int
) -> tuple[list[list[Any]], list[dict[tuple[str, str, int, int], str | None]]]:
    """``n`` actions (apply, remove, memo) and the codings after each prefix."""
    actions: list[list[Any]] = []
    states: list[dict[tuple[str, str, int, int], str | None]] = [{}]
    present: dict[tuple[str, str, int, int], str | None] = {}
    for i in range(n):
        roll = rng.random()
        if present and roll < 0.2:
            key = rng.choice(sorted(present))
            del present[key]
            actions.append(["remove", *key, None])
        elif present and roll < 0.35:
            key = rng.choice(sorted(present))
            present[key] = f"memo {i}: note with ümlaut and ‘quotes’"
            actions.append(["memo", *key, present[key]])
        else:
            doc, chars = rng.choice(docs)
            start = rng.randrange(0, chars - 2)
            end = min(chars, start + rng.randint(2, 300))
            key = (doc, rng.choice(codes), start, end)
            present.setdefault(key, None)
            actions.append(["apply", *key, None])
        states.append(dict(present))
    return actions, states


def coding_state(path: Path, coder: str) -> dict[tuple[str, str, int, int], str | None]:
    with connect(path) as con:
        rows = con.execute(
            'SELECT d.name, c.id, k.start, k."end", k.memo FROM codings k '
            "JOIN documents d ON d.pk = k.document_pk JOIN codes c ON c.pk = k.code_pk "
            "WHERE k.coder = ?",
            (coder,),
        ).fetchall()
    return {(r[0], r[1], r[2], r[3]): r[4] for r in rows}


def scenario_coding(
    server: ForkServer, s: Setup, rng: random.Random, kills: int, *, ack_early: bool = False
) -> ScenarioResult:
    """Codings applied, removed and annotated through the Project API, killed at random.

    ``ack_early`` makes the victim acknowledge each action *before* doing it, a
    broken program the checks must catch.
    """
    result = ScenarioResult("coding")
    t0 = time.perf_counter()
    project = s.workdir / "coding" / "qualcode.db"
    project.parent.mkdir(exist_ok=True)
    coder = "crash"
    actions, states = coding_actions(rng, s.docs, s.codes, 600)
    fresh_copy(s.base, project, s.codebook)
    nxt = 0
    while result.kills < kills:
        if nxt >= len(actions):
            fresh_copy(s.base, project, s.codebook)
            nxt = 0
            result.finished += 1
        want = rng.randint(1, 12)
        victim = server.spawn(
            {
                "kind": "coding",
                "project": str(project),
                "coder": coder,
                "actions": actions,
                "start": nxt,
                "ack_early": ack_early,
            }
        )
        victim.wait_acks(want)
        time.sleep(0 if ack_early else rng.uniform(0, 0.006))
        victim.kill()
        if victim.error:
            raise CrashCheckFailed(f"coding victim failed by itself: {victim.error}")
        done = [int(line.split()[1]) for line in victim.lines if line.startswith("done ")]
        result.kills += victim.killed
        result.acknowledged += len(done)
        if done != list(range(nxt, nxt + len(done))):
            raise CrashCheckFailed(f"acknowledgements out of order: {done[:5]}...")
        first_unacked = nxt + len(done)
        check_integrity(project, f"coding, kill {result.kills}")
        got = coding_state(project, coder)
        if got == states[first_unacked]:
            nxt = first_unacked
            result.saw("acknowledged actions only")
        elif first_unacked < len(actions) and got == states[first_unacked + 1]:
            nxt = first_unacked + 1  # the action in flight committed; its ack did not get out
            result.saw("one more, committed but not yet acknowledged")
        else:
            want_state = states[first_unacked]
            missing = sorted(set(want_state.items()) - set(got.items()))[:3]
            extra = sorted(set(got.items()) - set(want_state.items()))[:3]
            raise CrashCheckFailed(
                f"coding, kill {result.kills}: after {first_unacked} acknowledged actions the "
                f"codings differ: missing {missing}, unexpected {extra}"
            )
    result.seconds = time.perf_counter() - t0
    return result


def _count(lines: list[str], prefix: str) -> int:
    return sum(1 for line in lines if line.startswith(prefix))


# ---------------------------------------------------------------------- import


WORDS_ID = (
    "pelayanan kantor camat antre lama petugas loket surat biaya ramah datang pagi "
    "berkas syarat fotokopi tunggu jam kursi ruang tunggu panas kipas formulir"
).split()
WORDS_EN = (
    "service office queue long officer counter letter fee friendly arrived morning "
    "documents requirement copy wait hours chair waiting room hot fan form"
).split()


def make_transcripts(folder: Path, rng: random.Random, n: int) -> list[Path]:
    """``n`` small interviews in five formats, each with its own text."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        words = WORDS_ID if i % 2 == 0 else WORDS_EN
        ask, answer = (
            ("Pewawancara", "Narasumber") if i % 2 == 0 else ("Interviewer", "Participant")
        )
        turns = []
        for t in range(rng.randint(6, 14)):
            sentences = [
                " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))).capitalize() + "."
                for _ in range(rng.randint(1, 5))
            ]
            turns.append((ask if t % 2 == 0 else answer, f"{i} {t}. " + " ".join(sentences)))
        suffix = (".txt", ".md", ".html", ".vtt", ".srt")[i % 5]
        path = folder / f"crash_{i:02d}{suffix}"
        if suffix in (".txt", ".md"):
            body = "\n\n".join(f"{who}: {text}" for who, text in turns) + "\n"
        elif suffix == ".html":
            body = "<html><body>" + "".join(f"<p><b>{who}:</b> {text}</p>" for who, text in turns)
            body += "</body></html>\n"
        else:
            cues = []
            for k, (who, text) in enumerate(turns):
                a, b = divmod(k * 10, 60), divmod(k * 10 + 9, 60)
                if suffix == ".vtt":
                    start, end = f"00:{a[0]:02d}:{a[1]:02d}.000", f"00:{b[0]:02d}:{b[1]:02d}.000"
                    cues.append(f"{start} --> {end}\n<v {who}>{text}")
                else:
                    start, end = f"00:{a[0]:02d}:{a[1]:02d},000", f"00:{b[0]:02d}:{b[1]:02d},000"
                    cues.append(f"{k + 1}\n{start} --> {end}\n{who}: {text}")
            body = ("WEBVTT\n\n" if suffix == ".vtt" else "") + "\n\n".join(cues) + "\n"
        path.write_text(body, encoding="utf-8")
        files.append(path)
    return files


def import_state(path: Path) -> dict[str, tuple[int, int, int]]:
    """Document -> (turns, sentences, search entries)."""
    with connect(path) as con:
        rows = con.execute(
            "SELECT d.name, (SELECT count(*) FROM turns t WHERE t.document_pk = d.pk), "
            "(SELECT count(*) FROM sentences s WHERE s.document_pk = d.pk), "
            "(SELECT count(*) FROM sentence_search f WHERE f.rowid IN "
            "(SELECT pk FROM sentences s WHERE s.document_pk = d.pk)) FROM documents d "
            "WHERE d.state IS NULL"  # a large document still being staged is not there yet
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def pending_indexing(path: Path) -> set[str]:
    """The documents an import listed as still being indexed for search (a kill cut
    their search entries off; opening the project finishes them)."""
    with connect(path) as con:
        row = con.execute("SELECT value FROM settings WHERE key = 'search.pending'").fetchone()
        names = dict(con.execute("SELECT pk, name FROM documents").fetchall())
    pending = json.loads(row[0]) if row and row[0] else {}
    return {names[int(k)] for k in pending if int(k) in names}


def check_import(
    path: Path,
    reference: dict[str, tuple[int, int, int]],
    what: str,
    finish: Callable[[], object] | None = None,
) -> None:
    before = import_state(path)
    pending = pending_indexing(path)
    if finish is not None:
        finish()  # qualcode's own catch-up, as opening the project after a crash
    for name, counts in before.items():
        whole = reference.get(name)
        if counts != whole and not (
            name in pending and whole is not None and counts[:2] == whole[:2]
        ):
            raise CrashCheckFailed(
                f"{what}: half-imported document {name!r}: turns, sentences, search entries "
                f"{counts}, a whole import has {whole} (and it was not listed for indexing)"
            )
    state = import_state(path)
    for name, counts in state.items():
        if counts != reference.get(name):
            raise CrashCheckFailed(
                f"{what}: half-imported document {name!r}: turns, sentences, search entries "
                f"{counts}, a whole import has {reference.get(name)}"
            )
    with connect(path) as con:
        logged = {
            json.loads(r[0]).get("document")
            for r in con.execute("SELECT payload FROM actions WHERE kind = 'import'")
        }
        orphans = con.execute(
            "SELECT (SELECT count(*) FROM turns WHERE document_pk NOT IN "
            "(SELECT pk FROM documents)) + (SELECT count(*) FROM sentences WHERE document_pk "
            "NOT IN (SELECT pk FROM documents)) + (SELECT count(*) FROM sentence_search WHERE "
            "rowid NOT IN (SELECT pk FROM sentences))"
        ).fetchone()[0]
    if set(state) - logged:
        raise CrashCheckFailed(
            f"{what}: documents without their action-log entry: {sorted(set(state) - logged)}"
        )
    if orphans:
        raise CrashCheckFailed(f"{what}: {orphans} turns/sentences/search rows without a document")


def scenario_import(server: ForkServer, s: Setup, rng: random.Random, kills: int) -> ScenarioResult:
    """A batch import of transcripts in five formats, killed at random."""
    result = ScenarioResult("import")
    t0 = time.perf_counter()
    folder = s.workdir / "import"
    files = make_transcripts(folder / "transcripts", rng, 16)
    project = folder / "qualcode.db"
    scenario = {"kind": "import", "project": str(project), "coder": "crash", "files": []}
    scenario["files"] = [str(f) for f in files]
    fresh_copy(s.empty, project, s.codebook)
    server.run(scenario)
    reference = import_state(project)
    if len(reference) != len(files) or any(0 in counts for counts in reference.values()):
        raise RuntimeError(f"the reference import is incomplete: {reference}")
    fresh_copy(s.empty, project, s.codebook)
    while result.kills < kills:
        want = rng.randint(0, len(files) - 1)
        victim = server.spawn(scenario)
        victim.wait_acks(want)
        time.sleep(rng.uniform(0, 0.03))
        victim.kill()
        if victim.error:
            raise CrashCheckFailed(f"import victim failed by itself: {victim.error}")
        result.kills += victim.killed
        acked = {line.split(" ", 1)[1] for line in victim.lines if line.startswith("done ")}
        result.acknowledged += len(acked)
        what = f"import, kill {result.kills}"
        check_integrity(project, what)
        check_import(
            project,
            reference,
            what,
            finish=lambda: server.run({"kind": "finish-index", "project": str(project)}),
        )
        stored = set(import_state(project))
        lost = sorted(acked - stored)
        if lost:
            raise CrashCheckFailed(f"{what}: acknowledged documents missing: {lost}")
        result.saw(
            "one more document than acknowledged"
            if stored - acked
            else "acknowledged documents only"
        )
        if len(stored) == len(files):
            result.finished += 1
            fresh_copy(s.empty, project, s.codebook)
    result.seconds = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------------- merge


def scenario_merge(server: ForkServer, s: Setup, rng: random.Random, kills: int) -> ScenarioResult:
    """``qualcode merge OTHER`` killed at random moments (backup, merge, codebook file)."""
    result = ScenarioResult("merge")
    t0 = time.perf_counter()
    folder = s.workdir / "merge"
    # theirs: another coder's codings, a new code, a new document
    theirs_dir = folder / "theirs"
    theirs_dir.mkdir(parents=True, exist_ok=True)
    theirs = theirs_dir / "qualcode.db"
    theirs_cb = theirs_dir / "codebook.yaml"
    shutil.copyfile(s.codebook, theirs_cb)
    fresh_copy(s.base, theirs, theirs_cb)
    actions, _ = coding_actions(rng, s.docs, s.codes, 400)
    server.run(
        {"kind": "coding", "project": str(theirs), "coder": "budi", "actions": actions, "start": 0}
    )
    server.cli("--project", str(theirs), "codebook", "add", "budi_new", "--label", "From Budi")
    extra = make_transcripts(folder / "extra", rng, 2)
    server.cli("--project", str(theirs), "import", "--quiet", *map(str, extra))
    # ours: this coder's codings
    ours_tpl = folder / "ours-template.db"
    ours_cb_tpl = folder / "ours-codebook.yaml"
    shutil.copyfile(s.codebook, ours_cb_tpl)
    fresh_copy(s.base, ours_tpl, ours_cb_tpl)
    actions, _ = coding_actions(rng, s.docs, s.codes, 200)
    server.run(
        {"kind": "coding", "project": str(ours_tpl), "coder": "ani", "actions": actions, "start": 0}
    )
    theirs_before = dump(theirs)
    run_dir = folder / "run"
    run_dir.mkdir(exist_ok=True)
    project = run_dir / "qualcode.db"
    codebook = run_dir / "codebook.yaml"

    def reset() -> None:
        shutil.copyfile(ours_cb_tpl, codebook)
        fresh_copy(ours_tpl, project, codebook)

    reset()
    before = dump(project)
    before_proj = projection(project)

    argv = ["--project", str(project), "merge", str(theirs)]
    # the merge run to its end: what "after" looks like, and how long it takes
    reset()
    victim = server.spawn({"kind": "cli", "argv": argv})
    victim.wait_for(lambda lines: "start" in lines)
    t_start = time.perf_counter()
    victim.finish()
    duration = time.perf_counter() - t_start
    if victim.error:
        raise RuntimeError(f"the reference merge failed: {victim.error}")
    after_proj = projection(project)
    after_cb = codebook.read_bytes()
    before_cb = ours_cb_tpl.read_bytes()
    if after_proj == before_proj or after_cb == before_cb:
        raise RuntimeError("the reference merge changed nothing")
    result.notes.append(f"a whole merge takes {duration:.2f} s")
    attempts = 0
    while result.kills < kills:
        attempts += 1
        if attempts > kills * 4:
            raise RuntimeError(f"only {result.kills} of {attempts} merges were killed in time")
        reset()
        victim = server.spawn({"kind": "cli", "argv": argv})
        victim.wait_for(lambda lines: "start" in lines)
        time.sleep(rng.uniform(0, duration))
        victim.kill()
        if victim.error:
            raise CrashCheckFailed(f"merge victim failed by itself: {victim.error}")
        what = f"merge, kill {result.kills + 1}"
        check_integrity(project, what)
        state = projection(project)
        if victim.killed:
            result.kills += 1
        else:
            result.finished += 1
        if "exit 0" in victim.lines:
            result.acknowledged += 1
            if state != after_proj:
                raise CrashCheckFailed(f"{what}: an acknowledged merge is not all there")
        if state == before_proj:
            if dump(project) != before:
                raise CrashCheckFailed(f"{what}: not merged, yet the project changed")
            result.saw("as before the merge")
        elif state == after_proj:
            result.saw("merged" + ("" if "exit 0" in victim.lines else ", not yet acknowledged"))
        else:
            raise CrashCheckFailed(f"{what}: a half-done merge (neither before nor after)")
        cb = codebook.read_bytes()
        if cb not in (before_cb, after_cb):
            raise CrashCheckFailed(f"{what}: the codebook file is neither the old nor the new one")
        if state == before_proj and cb != before_cb:
            raise CrashCheckFailed(f"{what}: the codebook file changed, the project did not")
        for backup in (run_dir / "backups").glob("[!.]*"):
            check_integrity(backup, f"{what}: backup {backup.name}")
            if dump(backup) != before:
                raise CrashCheckFailed(f"{what}: backup {backup.name} is not the project as it was")
    if dump(theirs) != theirs_before:
        raise CrashCheckFailed("merge: the other project was written")
    result.seconds = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------------- export


def scenario_export(server: ForkServer, s: Setup, rng: random.Random, kills: int) -> ScenarioResult:
    """Exports killed at random moments: never a partial file under the target's name."""
    result = ScenarioResult("export")
    t0 = time.perf_counter()
    folder = s.workdir / "export"
    out = folder / "out"
    out.mkdir(parents=True, exist_ok=True)
    project = folder / "qualcode.db"
    merged = s.workdir / "merge" / "run" / "qualcode.db"
    fresh_copy(merged if merged.exists() else s.base, project, s.codebook)
    with connect(project) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    project_before = dump(project)
    jobs = {
        "frequency.csv": ["export", "frequency", "--by", "document", "-o"],
        "frequency.sqlite": ["export", "frequency", "--format", "sqlite", "-o"],
        "project.qdpx": ["export", "qdpx", "-o"],
        "codebook.qdc": ["codebook", "export", "-o"],
    }
    reference: dict[str, bytes | list[str]] = {}
    durations: dict[str, float] = {}
    for name, args in jobs.items():
        target = out / name
        victim = server.spawn(
            {"kind": "cli", "argv": ["--project", str(project), *args, str(target)]}
        )
        victim.wait_for(lambda lines: "start" in lines)
        t_start = time.perf_counter()
        victim.finish()
        durations[name] = time.perf_counter() - t_start
        if victim.error:
            raise RuntimeError(f"the reference export {name} failed: {victim.error}")
        reference[name] = dump(target) if name.endswith(".sqlite") else target.read_bytes()
        target.unlink()
    old = b"an earlier export, complete\n"
    names = list(jobs)
    i = 0
    while result.kills < kills:
        name = names[i % len(names)]
        i += 1
        target = out / name
        had_old = rng.random() < 0.5
        if had_old:
            target.write_bytes(old)
        victim = server.spawn(
            {"kind": "cli", "argv": ["--project", str(project), *jobs[name], str(target)]}
        )
        victim.wait_for(lambda lines: "start" in lines)
        time.sleep(rng.uniform(0, durations[name]))
        victim.kill()
        if victim.error:
            raise CrashCheckFailed(f"export victim failed by itself: {victim.error}")
        if victim.killed:
            result.kills += 1
        else:
            result.finished += 1
        what = f"export {name}, kill {result.kills}"
        if target.exists():
            content = target.read_bytes()
            if content == old and had_old:
                result.saw("the previous file")
            elif name.endswith(".sqlite"):
                if content[:16] != b"SQLite format 3\x00" or dump(target) != reference[name]:
                    raise CrashCheckFailed(f"{what}: a partial export under the target's name")
            elif content != reference[name]:
                raise CrashCheckFailed(f"{what}: a partial export under the target's name")
            if content != old:
                result.saw("the whole new file")
        elif had_old:
            raise CrashCheckFailed(f"{what}: the previous file is gone and no new one is there")
        elif "exit 0" in victim.lines:
            raise CrashCheckFailed(f"{what}: acknowledged, yet no file")
        else:
            result.saw("no file yet")
        visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        if any(v not in jobs for v in visible):
            raise CrashCheckFailed(f"{what}: stray files in the output folder: {visible}")
        target.unlink(missing_ok=True)
        check_integrity(project, what)
    if dump(project) != project_before:
        raise CrashCheckFailed("export: the project changed")
    result.notes.append(
        "whole exports take " + ", ".join(f"{k} {v:.2f} s" for k, v in durations.items())
    )
    result.seconds = time.perf_counter() - t0
    return result


# ---------------------------------------------------------------------- main


SCENARIOS: dict[str, Callable[[ForkServer, Setup, random.Random, int], ScenarioResult]] = {
    "coding": scenario_coding,
    "import": scenario_import,
    "merge": scenario_merge,
    "export": scenario_export,
}


def run_scenarios(
    server: ForkServer, s: Setup, *, kills: int, seed: int, only: list[str] | None = None
) -> list[ScenarioResult]:
    """The scenarios (all, or ``only``) with ``kills`` kills in all, shared as
    :data:`SHARES`; each scenario draws from its own generator seeded by ``seed``."""
    names = [name for name in SCENARIOS if not only or name in only]
    total = sum(SHARES[name] for name in names)
    results = []
    for name in names:
        share = max(1, -(-kills * SHARES[name] // total))
        results.append(SCENARIOS[name](server, s, random.Random(f"{seed}-{name}"), share))
    return results


def run_all(
    workdir: Path, *, kills: int = 100, seed: int = 1, only: list[str] | None = None
) -> tuple[list[ScenarioResult], dict[str, Any]]:
    """Start a fork server, set up the projects, run the scenarios."""
    server = ForkServer(workdir)
    try:
        info: dict[str, Any] = {"victim_modules_at_start": server.ready["modules"]}
        t0 = time.perf_counter()
        s = setup(server, workdir)
        info["setup_s"] = round(time.perf_counter() - t0, 2)
        results = run_scenarios(server, s, kills=kills, seed=seed, only=only)
        info["processes"] = server.count
        return results, info
    finally:
        server.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=120, help="kills in all (default 120)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", action="append", choices=sorted(SHARES), help="one scenario")
    parser.add_argument("--workdir", type=Path, help="keep the projects here")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    os.environ.setdefault("QUALCODE_CODER", "crash")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qualcode-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        results, info = run_all(workdir, kills=args.kills, seed=args.seed, only=args.only)
    except CrashCheckFailed as exc:
        print(f"FAILED: {exc} (seed {args.seed}, projects in {workdir})", file=sys.stderr)
        return 1
    finally:
        if args.workdir is None and "results" in locals():
            shutil.rmtree(workdir, ignore_errors=True)
    figures = {
        "seed": args.seed,
        "kills": sum(r.kills for r in results),
        "seconds": round(time.perf_counter() - t0, 1),
        **info,
        "scenarios": [
            {
                "name": r.name,
                "kills": r.kills,
                "finished": r.finished,
                "acknowledged": r.acknowledged,
                "seconds": round(r.seconds, 1),
                "outcomes": r.outcomes,
                "notes": r.notes,
            }
            for r in results
        ],
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for r in results:
            print(
                f"{r.name:<8} {r.kills:>4} kills  {r.finished:>3} runs finished  "
                f"{r.acknowledged:>5} acknowledged  {r.seconds:6.1f} s  {'; '.join(r.notes)}"
            )
            for outcome, n in sorted(r.outcomes.items()):
                print(f"{'':<14}{n:>4} x {outcome}")
        print(f"all      {figures['kills']:>4} kills, every check passed, {figures['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
