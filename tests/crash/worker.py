"""The process that ``tests/crash/harness.py`` kills: a lean fork server.

It starts once, imports qualcode's store, services and command line (never
Textual; spaCy only when an import scenario asks for it), and then, for every
``spawn`` request on stdin, forks a child that runs one scenario against a
project and is killed from outside with SIGKILL. Forking from a warmed-up
parent makes every victim a real, separate process that starts in milliseconds
instead of the 1-3 s an interpreter needs to import SQLAlchemy and spaCy, so a
hundred kills fit in a CI run.

Protocol: one JSON object per message on a SOCK_SEQPACKET socket whose file
descriptor is the only argument. The server sends ``{"ready": ...}`` and then
answers each request:

* ``{"op": "nlp"}``: load the blank spaCy pipelines now (before forking);
* ``{"op": "spawn", "scenario": {...}, "log": FILE}`` with the write end of a pipe
  attached (SCM_RIGHTS): fork a child, answer ``{"pid": PID}``. The child writes
  one line per acknowledged action into that pipe *after* the call that made it
  returned (i.e. after its commit), then ``end`` and exits 0; on an error it
  writes ``error ...`` and exits 3. When it dies the pipe reaches end of file;
* ``{"op": "reap", "pid": PID}``: wait for the child; answer
  ``{"signal": N | null, "exit": N | null}``;
* ``{"op": "quit"}``.

The child runs in its own process group (the driver kills the whole group) with
stdout and stderr sent to ``log``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import traceback
from pathlib import Path
from typing import Any


class Ack:
    """The child's acknowledgement channel: unbuffered writes to a pipe."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __call__(self, line: str) -> None:
        os.write(self.fd, (line.rstrip("\n") + "\n").encode("utf-8"))


# ---------------------------------------------------------------------- scenarios


def run_coding(s: dict[str, Any], ack: Ack) -> None:
    """Apply, remove and annotate codings through the Project API, one action each."""
    from qualcode.store import open_project

    project = open_project(s["project"], coder=s["coder"])
    early = bool(s.get("ack_early"))  # a deliberately broken victim, to test the checks
    try:
        for i in range(s["start"], len(s["actions"])):
            kind, doc, code, start, end, memo = s["actions"][i]
            if early:
                ack(f"done {i}")
            if kind == "apply":
                project.codings.apply_coding(doc, code, start, end)
            else:
                (coding,) = [
                    c
                    for c in project.codings.codings(doc=doc, code=code, coder=s["coder"])
                    if c.start == start and c.end == end
                ]
                if kind == "remove":
                    project.codings.remove_coding(coding.guid)
                else:
                    project.memos.set_coding_memo(coding.guid, memo)
            if not early:
                ack(f"done {i}")
    finally:
        project.close()


def run_import(s: dict[str, Any], ack: Ack) -> None:
    """A batch import; each document is acknowledged once its transaction committed."""
    from qualcode import services
    from qualcode.store import open_project

    project = open_project(s["project"], coder=s["coder"])
    try:
        report = services.import_transcripts(
            project,
            [Path(p) for p in s["files"]],
            progress=lambda _done, _total, name: ack(f"done {name}"),
        )
        if report.errors:
            raise RuntimeError(f"import errors: {report.errors[0]}")
    finally:
        project.close()


def run_cli(s: dict[str, Any], ack: Ack) -> None:
    """One ``qualcode`` command, in this process (``qualcode merge``, ``export``...)."""
    from qualcode.cli import main

    ack("start")
    try:
        main(s["argv"])
    except SystemExit as exc:
        ack(f"exit {exc.code or 0}")
        if exc.code:
            raise RuntimeError(f"qualcode {' '.join(s['argv'])} exited {exc.code}") from None
    else:
        ack("exit 0")


def run_finish_index(s: dict[str, Any], ack: Ack) -> None:
    """After a kill: write the search entries an import left pending (what opening
    the project does once the importer's heartbeat is old)."""
    from qualcode.store import open_project

    project = open_project(s["project"], backup=False)
    try:
        project.search.index_pending()
    finally:
        project.close()


SCENARIOS = {
    "coding": run_coding,
    "import": run_import,
    "cli": run_cli,
    "finish-index": run_finish_index,
}


def child(request: dict[str, Any], ack_fd: int, control: socket.socket) -> None:
    """The forked child: run one scenario, never return."""
    code = 0
    try:
        control.close()
        os.setpgid(0, 0)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        ack = Ack(ack_fd)
        try:
            scenario = request["scenario"]
            SCENARIOS[scenario["kind"]](scenario, ack)
            ack("end")
        except BaseException as exc:  # report, then exit non-zero
            traceback.print_exc()
            ack(f"error {type(exc).__name__}: {exc}".replace("\n", " "))
            code = 3
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(control: socket.socket) -> None:
    """Answer requests until ``quit`` or the end of the connection."""
    import qualcode.cli  # noqa: F401  (click commands registered before forking)
    import qualcode.services  # noqa: F401
    import qualcode.store  # noqa: F401

    def answer(obj: dict[str, Any]) -> None:
        control.send(json.dumps(obj).encode("utf-8"))

    answer({"ready": True, "modules": sorted(m for m in ("textual", "spacy") if m in sys.modules)})
    while True:
        data, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 1)
        if not data:
            return
        request = json.loads(data)
        op = request["op"]
        if op == "nlp":
            from qualcode.nlp.segment import segment

            for lang in ("id", "en"):
                segment("Satu dua tiga. Empat lima.", (), lang)
            answer({"ok": True, "modules": sorted(m for m in ("spacy",) if m in sys.modules)})
        elif op == "spawn":
            pid = os.fork()
            if pid == 0:
                child(request, fds[0], control)
            os.close(fds[0])  # only the child holds the write end: its death is EOF
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass  # the child did it first (or is already gone)
            answer({"pid": pid})
        elif op == "reap":
            _, status = os.waitpid(request["pid"], 0)
            answer(
                {
                    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                    "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                }
            )
        elif op == "quit":
            return
        else:
            answer({"error": f"unknown op {op!r}"})


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
