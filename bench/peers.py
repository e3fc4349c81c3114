"""qualcode next to a peer: the same synthetic corpus, codebook and codings through
qualcode and through Taguette, in one run, timed per phase.

    python bench/peers.py [--n 100] [--seed 1] [--taguette-python /tmp/peer-venv/bin/python]
                          [--no-peer] [--json]

The corpus, codebook and coding plan come from ``synth.py`` (``bench/synth.py``
beside the repository, or ``--synth PATH``): the same seed gives both tools the same
transcripts, the same codes and the same code applications.

* **qualcode**: the services the command line and the workbench use, on a real
  SQLite project file: ``init`` with the codebook (setup), ``import`` of the ``.txt``
  transcripts (speaker turns, spaCy sentences, lemmas, search index), every code
  application through the Project API (one transaction each), then the frequency
  matrix and the coded-segments list as CSV (export). The spaCy pipeline is loaded
  before the clock starts ("startup"), as Taguette's server is started before its
  clock starts.
* **Taguette** (when ``--taguette-python`` has it, e.g. ``pip install
  taguette==1.5.2`` into ``/tmp/peer-venv``): its real server, started on a free
  port of 127.0.0.1 with a fresh SQLite database, driven over its HTTP API as its
  web page does: a project and one tag per code (setup), one upload per transcript
  (the HTML form: Taguette converts ``.txt`` with Calibre, which is slower and
  often missing), one highlight per planned passage carrying its codes (coding),
  then the codebook CSV (counts per tag) and the highlights CSV (export). Its
  start-up call to its message server is switched off, and the child process
  refuses any connection that is not to 127.0.0.1.

Both sides are checked against the plan (counts per code and document; every
highlight's text), so a faster wrong answer cannot pass; a mismatch exits 1. When
Taguette is not installed its side is skipped with a message and qualcode's figures
are still printed. The table gives wall-clock seconds per phase and the ratio
taguette/qualcode (above 1: qualcode is faster), with the machine and versions.
"""

from __future__ import annotations

import argparse
import csv
import html.parser
import http.client
import importlib.util
import io
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAGUETTE_PYTHON = "/tmp/peer-venv/bin/python"
LOOPBACK = "127.0.0.1"
PHASES = ("setup", "import", "coding", "export")
"""The phases compared (start-up is reported, not compared)."""


def find_synth(given: Path | None = None) -> Path | None:
    """``synth.py``: ``given``, ``$QUALCODE_SYNTH``, else the repository's own
    ``bench/synth.py``."""
    candidates = [given] if given else []
    if os.environ.get("QUALCODE_SYNTH"):
        candidates.append(Path(os.environ["QUALCODE_SYNTH"]))
    candidates.append(ROOT / "bench" / "synth.py")
    return next((p for p in candidates if p is not None and p.is_file()), None)


def load_synth(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)
    spec.loader.exec_module(module)
    return module


@dataclass
class Side:
    """One tool's run: seconds per phase, what it made, and what went wrong."""

    tool: str
    version: str = ""
    phases: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None


class Clock:
    def __init__(self, side: Side, phase: str) -> None:
        self.side, self.phase = side, phase

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.side.phases[self.phase] = time.perf_counter() - self.t0


# ---------------------------------------------------------------------- the corpus


@dataclass
class Corpus:
    folder: Path
    names: list[str]
    codebook: list[dict[str, str]]
    plan: list[dict[str, Any]]
    html: dict[str, str]
    txt: dict[str, str]
    words: int
    digest: str


def make_corpus(synth: ModuleType, folder: Path, args: argparse.Namespace) -> Corpus:
    synth.write_corpus(
        str(folder), args.n, args.words, args.seed, args.tags, args.per_doc, args.max_codes,
        True, True,
    )  # fmt: skip
    plan = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    docs = synth.make_corpus(args.n, args.words, args.seed)
    return Corpus(
        folder=folder,
        names=[d.name for d in docs],
        codebook=plan["codebook"],
        plan=plan["codings"],
        html={d.name: d.to_html() for d in docs},
        txt={d.name: d.to_txt() for d in docs},
        words=sum(d.words for d in docs),
        digest=synth.corpus_digest(docs),
    )


def expected_per_code(plan: list[dict[str, Any]], *, distinct: bool) -> dict[str, int]:
    """Code -> applications in the plan (``distinct``: an identical coding once)."""
    seen: set[tuple[str, str, int, int]] = set()
    counts: dict[str, int] = {}
    for c in plan:
        for code in c["codes"]:
            key = (code, c["doc"], c["start"], c["end"])
            if distinct and key in seen:
                continue
            seen.add(key)
            counts[code] = counts.get(code, 0) + 1
    return counts


# ---------------------------------------------------------------------- qualcode


def run_qualcode(corpus: Corpus, workdir: Path) -> Side:
    import qualcode
    from qualcode import services

    side = Side("qualcode", qualcode.__version__)
    with Clock(side, "startup"):
        from qualcode.nlp.pipeline import get_pipeline

        get_pipeline("en")
    with Clock(side, "setup"):
        project = services.init_project(
            str(workdir / "qualcode.db"), corpus.folder / "codebook.yaml", coder="bench"
        )
    try:
        files = [corpus.folder / f"{name}.txt" for name in corpus.names]
        with Clock(side, "import"):
            report = services.import_transcripts(project, files, lang="en")
        if report.errors:
            side.problems.append(f"import: {report.errors[0]}")
        applications = 0
        with Clock(side, "coding"):
            for c in corpus.plan:
                for code in c["codes"]:
                    project.codings.apply_coding(c["doc"], code, c["start"], c["end"])
                    applications += 1
        frequency, segments = workdir / "frequency.csv", workdir / "segments.csv"
        with Clock(side, "export"):
            services.export_frequency(project, frequency)
            services.export_matrix(project, "segments", segments, fmt="csv")
        stored = len(project.codings.codings())
    finally:
        project.close()
    side.counts.update(documents=len(report.results), applications=applications, codings=stored)
    _check_qualcode(side, corpus, frequency, segments)
    return side


def _check_qualcode(side: Side, corpus: Corpus, frequency: Path, segments: Path) -> None:
    want = expected_per_code(corpus.plan, distinct=True)
    with open(frequency, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    got = {row[0]: int(row[-1]) for row in rows[1:-1] if int(row[-1])}
    if got != want:
        side.problems.append(
            f"frequency export differs from the plan: {sorted(set(got.items()) ^ set(want.items()))[:3]}"
        )
    with open(segments, encoding="utf-8-sig", newline="") as fh:
        seg = list(csv.DictReader(fh))
    if len(seg) != side.counts["codings"]:
        side.problems.append(
            f"segments export has {len(seg)} rows, {side.counts['codings']} codings stored"
        )
    bad = sum(
        1 for r in seg if corpus.txt[r["document"]][int(r["start"]) : int(r["end"])] != r["quote"]
    )
    if bad:
        side.problems.append(f"{bad} exported quotes differ from the planned passages")


# ---------------------------------------------------------------------- Taguette

_CHILD = r"""
import ipaddress, socket, sys
_connect = socket.socket.connect
def _guard(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            ok = ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            ok = address[0] == "localhost"
        if not ok:
            raise PermissionError("peers.py: only 127.0.0.1 may be contacted")
    return _connect(self, address)
socket.socket.connect = _guard
import taguette.web.base as base
def _no_messages(self):
    self.messages = []
    self.messages_event.set()
base.Application.check_messages = _no_messages
import taguette.main
sys.argv = ["taguette"] + sys.argv[1:]
taguette.main.main()
"""


def taguette_version(python: str) -> str | None:
    """Taguette's version in that interpreter, or None when it is not installed."""
    if not Path(python).exists():
        return None
    done = subprocess.run(
        [python, "-c", "import taguette; print(taguette.exact_version())"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
        return port


class _Text(html.parser.HTMLParser):
    """The text of an HTML fragment (what Taguette counts highlight offsets over)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(fragment: str) -> str:
    p = _Text()
    p.feed(fragment)
    p.close()
    return "".join(p.parts)


class TaguetteServer:
    """Taguette's own server on a free 127.0.0.1 port, and a client for its HTTP API."""

    def __init__(self, python: str, tmp: Path) -> None:
        self.tmp = tmp
        self.port = _free_port()
        env = dict(os.environ, HOME=str(tmp), XDG_DATA_HOME=str(tmp / "xdg"), TMPDIR=str(tmp))
        env["PYTHONUNBUFFERED"] = "1"
        self.out = open(tmp / "server.out", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [python, "-c", _CHILD, "--no-browser", "--bind", LOOPBACK, "--port", str(self.port),
             "--database", str(tmp / "taguette.sqlite3")],
            stdout=self.out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=tmp,
        )  # fmt: skip
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.token = self._wait_ready()

    def _wait_ready(self, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            m = re.search(rb"\?token=([0-9a-f]+)", (self.tmp / "server.out").read_bytes())
            if m:
                try:
                    _, _, body = self.request("GET", "/health")
                    if body == b"Ok":
                        return m.group(1).decode()
                except OSError:
                    self.conn = None
            time.sleep(0.05)
        raise RuntimeError("Taguette did not start: " + self.log()[-500:])

    def log(self) -> str:
        return (self.tmp / "server.out").read_bytes().decode("utf-8", "replace")

    def request(
        self, method: str, path: str, body: bytes | None = None, ctype: str | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = {"Host": f"{LOOPBACK}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and "_xsrf" in self.cookies:
            headers["X-XSRFToken"] = self.cookies["_xsrf"].strip('"')
        if ctype:
            headers["Content-Type"] = ctype
        if self.conn is None:
            self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=300)
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, val = value.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = val.strip()
        if resp.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status} {data[:200]!r}")
        return resp.status, resp.headers, data

    def post_json(self, path: str, obj: dict[str, Any]) -> Any:
        _, _, data = self.request("POST", path, json.dumps(obj).encode(), "application/json")
        return json.loads(data)

    def upload(self, path: str, fields: dict[str, str], filename: str, content: bytes) -> Any:
        boundary = "qualcodePeersBoundary0b9e"
        out = io.BytesIO()
        for k, v in fields.items():
            out.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            )
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"'
            f"\r\nContent-Type: text/html\r\n\r\n".encode()
        )
        out.write(content + f"\r\n--{boundary}--\r\n".encode())
        _, _, data = self.request(
            "POST", path, out.getvalue(), f"multipart/form-data; boundary={boundary}"
        )
        return json.loads(data)

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.out.close()


def run_taguette(corpus: Corpus, python: str, version: str, workdir: Path) -> Side:
    side = Side("taguette", version)
    with Clock(side, "startup"):
        server = TaguetteServer(python, workdir)
    try:
        _drive_taguette(server, corpus, side)
    finally:
        server.stop()
    if re.search(r" ERROR: ", server.log()):
        side.problems.append("ERROR lines in Taguette's log")
    return side


def _drive_taguette(s: TaguetteServer, corpus: Corpus, side: Side) -> None:
    with Clock(side, "setup"):
        s.request("GET", f"/?token={s.token}")
        s.request("GET", "/project/new")  # the _xsrf cookie
        form = urllib.parse.urlencode(
            {"name": "peers", "description": "", "_xsrf": s.cookies["_xsrf"].strip('"')}
        ).encode()
        _, headers, _ = s.request("POST", "/project/new", form, "application/x-www-form-urlencoded")
        m = re.search(r"/project/(\d+)", headers.get("Location", ""))
        if m is None:
            raise RuntimeError("Taguette did not create the project")
        pid = int(m.group(1))
        tags = {
            c["id"]: s.post_json(
                f"/api/project/{pid}/tag/new", {"path": c["id"], "description": c["label"]}
            )["id"]
            for c in corpus.codebook
        }
    docs: dict[str, int] = {}
    with Clock(side, "import"):
        for name in corpus.names:
            docs[name] = s.upload(
                f"/api/project/{pid}/document/new",
                {"name": name, "description": "", "text_direction": "LEFT_TO_RIGHT"},
                f"{name}.html",
                corpus.html[name].encode("utf-8"),
            )["created"]
    # where each planned passage is in Taguette's stored text (UTF-8 byte offsets);
    # the web page knows this from the document it shows, so it is not timed
    requests = []
    for name in corpus.names:
        _, _, body = s.request("GET", f"/api/project/{pid}/document/{docs[name]}/contents")
        text = _text("".join(ch["contents"] for ch in json.loads(body)["contents"]))
        for c in (c for c in corpus.plan if c["doc"] == name):
            want = corpus.txt[name][c["start"] : c["end"]]
            at = c["start"] - 2 * c["turn"]  # the HTML form drops the blank lines
            if text[at : at + len(want)] != want:
                at = text.find(want)
            if at < 0:
                side.problems.append(f"a planned passage of {name} is not in Taguette's text")
                continue
            b0 = len(text[:at].encode("utf-8"))
            requests.append(
                (docs[name], b0, b0 + len(want.encode("utf-8")), [tags[x] for x in c["codes"]])
            )
    with Clock(side, "coding"):
        for did, b0, b1, tids in requests:
            s.post_json(
                f"/api/project/{pid}/document/{did}/highlight/new",
                {"start_offset": b0, "end_offset": b1, "tags": sorted(tids)},
            )
    with Clock(side, "export"):
        _, _, codebook = s.request("GET", f"/project/{pid}/export/codebook.csv")
        _, _, highlights = s.request("GET", f"/project/{pid}/export/highlights/.csv")
    side.counts.update(
        documents=len(docs),
        highlights=len(requests),
        applications=sum(len(r[3]) for r in requests),
    )
    expected = expected_per_code(corpus.plan, distinct=False)
    rows = list(csv.DictReader(io.StringIO(codebook.decode("utf-8"))))
    got = {r["tag"]: int(r["number of highlights"]) for r in rows if int(r["number of highlights"])}
    if got != expected:
        side.problems.append("Taguette's codebook counts differ from the plan")
    hl_rows = list(csv.reader(io.StringIO(highlights.decode("utf-8"))))[1:]
    if len(hl_rows) != side.counts["applications"]:
        side.problems.append(
            f"Taguette's highlights CSV has {len(hl_rows)} rows, {side.counts['applications']} expected"
        )


# ---------------------------------------------------------------------- report


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def table(sides: list[Side]) -> str:
    q = sides[0]
    t = sides[1] if len(sides) > 1 and sides[1].skipped is None else None
    lines = [
        "| phase | qualcode | taguette | taguette / qualcode |",
        "| --- | ---: | ---: | ---: |",
    ]
    for phase in (*PHASES, "startup"):
        qs = q.phases.get(phase)
        ts = t.phases.get(phase) if t else None
        ratio = f"{ts / qs:.1f}" if ts is not None and qs else "-"
        if phase == "startup":
            ratio = "(not compared)"
        lines.append(
            f"| {phase} | {qs:.2f} s | "
            + (f"{ts:.2f} s" if ts is not None else "-")
            + f" | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="transcripts (default 100)")
    parser.add_argument("--words", type=int, default=3000, help="words per transcript")
    parser.add_argument("--tags", type=int, default=30, help="codes")
    parser.add_argument("--per-doc", type=int, default=20, help="coded passages per transcript")
    parser.add_argument("--max-codes", type=int, default=3, help="codes on one passage, at most")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synth", type=Path, help="synth.py (default: bench/synth.py)")
    parser.add_argument("--taguette-python", default=DEFAULT_TAGUETTE_PYTHON,
                        help="the interpreter that has Taguette installed")  # fmt: skip
    parser.add_argument("--no-peer", action="store_true", help="run qualcode's side only")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    synth_path = find_synth(args.synth)
    if synth_path is None:
        print("error: synth.py not found (pass --synth PATH)", file=sys.stderr)
        return 2
    synth = load_synth(synth_path)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    with tempfile.TemporaryDirectory(prefix="qualcode-peers-") as tmp:
        work = Path(tmp)
        (work / "corpus").mkdir()
        (work / "qualcode").mkdir()
        (work / "taguette").mkdir()
        corpus = make_corpus(synth, work / "corpus", args)
        sides = [run_qualcode(corpus, work / "qualcode")]
        peer = Side("taguette")
        version = None if args.no_peer else taguette_version(args.taguette_python)
        if args.no_peer:
            peer.skipped = "--no-peer"
        elif version is None:
            peer.skipped = (
                f"Taguette is not installed in {args.taguette_python} (python3 -m venv "
                "/tmp/peer-venv && /tmp/peer-venv/bin/pip install taguette==1.5.2)"
            )
        else:
            peer = run_taguette(corpus, args.taguette_python, version, work / "taguette")
        sides.append(peer)
    about = {
        "corpus": {
            "transcripts": args.n,
            "words": corpus.words,
            "codes": len(corpus.codebook),
            "passages": len(corpus.plan),
            "applications": sum(len(c["codes"]) for c in corpus.plan),
            "seed": args.seed,
            "sha256": corpus.digest[:16],
        },
        "machine": machine(),
    }
    ok = not any(s.problems for s in sides)
    if args.json:
        print(
            json.dumps(
                about
                | {
                    "sides": [
                        {
                            "tool": s.tool,
                            "version": s.version,
                            "skipped": s.skipped,
                            "seconds": {k: round(v, 3) for k, v in s.phases.items()},
                            "counts": s.counts,
                            "problems": s.problems,
                        }
                        for s in sides
                    ],
                    "ratios": {
                        p: round(peer.phases[p] / sides[0].phases[p], 2)
                        for p in PHASES
                        if peer.skipped is None and p in peer.phases and sides[0].phases.get(p)
                    },
                    "ok": ok,
                }
            )
        )
    else:
        c, m = about["corpus"], about["machine"]
        print(
            f"corpus: {c['transcripts']} transcripts, {c['words']:,} words, {c['codes']} codes, "
            f"{c['passages']:,} passages, {c['applications']:,} code applications "
            f"(seed {c['seed']}, sha256 {c['sha256']})"
        )
        print(
            f"machine: {m['cpu']}, {m['cores']} cores, {m['os']}, Python {m['python']}, SQLite {m['sqlite']}"
        )
        print(
            f"qualcode {sides[0].version}"
            + (f", Taguette {peer.version}" if peer.skipped is None else "")
        )
        if peer.skipped:
            print(f"taguette skipped: {peer.skipped}")
        print(table(sides))
        for s in sides:
            for problem in s.problems:
                print(f"{s.tool}: CHECK FAILED: {problem}", file=sys.stderr)
        if ok:
            print("every export matches the plan" + ("" if peer.skipped else " on both sides"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
