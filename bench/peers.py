"""qualcode next to its peers: the same synthetic corpus, codebook and codings through
qualcode, Taguette and qc, in one run, timed per phase, interleaved, median of 3.

    python bench/peers.py [--n 100] [--runs 3] [--quick] [--json]
                          [--taguette-python /tmp/peer-venv/bin/python]
                          [--qc-python /tmp/qc-venv/bin/python] [--no-peer]

The corpus, codebook and coding plan come from ``synth.py`` (``bench/synth.py``, or
``--synth PATH``): the same seed gives every tool the same transcripts, the same codes
and the same code applications. Each run gives every tool a fresh project; the runs
are interleaved (run 1: qualcode, Taguette, qc; run 2 starts with Taguette; ...) so a
machine that gets busier mid-way weighs on every tool alike. Per phase the table gives
the median and the range of the runs, and the ratio of medians (above 1: qualcode is
faster). ``--quick`` is 20 transcripts and one run (a check that everything works;
its figures mean little).

Start-up is timed from spawning the tool's process to the tool being ready; import,
coding and export are timed after start-up (as Taguette's server is started before its
clock starts):

* **qualcode** (this repository, in its own process): start-up is the interpreter,
  the services and spaCy's pipeline loaded; setup is ``init`` with the codebook;
  import is ``import`` of the ``.txt`` transcripts (speaker turns, spaCy sentences,
  lemmas, search index); coding is every code application through the Project API,
  one transaction each; export is ``qualcode export bundle``: the codebook as
  ``.qdc``, CSV and XLSX, every coded passage as CSV, XLSX and HTML, one CSV per code.
* **Taguette** 1.5.2 (``pip install taguette==1.5.2`` into ``/tmp/peer-venv``): its
  real server on a free port of 127.0.0.1 with a fresh SQLite database, driven over
  its HTTP API as its web page does: a project and one tag per code (setup), one
  upload per transcript in the HTML form (import; ``.txt`` goes through Calibre, which
  is slower and often missing), one highlight per planned passage with its codes
  (coding), and its export menu (export: the codebook as ``.qdc``, CSV and XLSX, every
  highlight as CSV, XLSX and HTML, one CSV per tag; each response written to a file).
  Start-up is spawning the server until ``/health`` answers. Its start-up call to its
  message server is switched off, and the child refuses any connection that is not
  to 127.0.0.1.
* **qc** (``qualitative-coding`` 1.7.8, ``pip install qualitative-coding==1.7.8`` into
  ``/tmp/qc-venv``): the functions its commands run, in one process
  (``bench/qc_peer.py`` says exactly what per phase). qc codes whole lines, so its
  coding is the closest equivalent: per transcript, what ``qc code`` does with the
  planned codes on the line of each planned passage. A user runs one ``qc`` process
  per command, and pays its start-up each time (once per transcript when coding).

Every side is checked against the plan from the files it wrote (counts per code and
document, every exported quote, one file per code), so a faster wrong answer cannot
pass; a mismatch exits 1. A peer that is not installed is skipped with a message and
the others' figures are still printed.
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
import statistics
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
if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench import pipeline  # noqa: E402

DEFAULT_TAGUETTE_PYTHON = "/tmp/peer-venv/bin/python"
DEFAULT_QC_PYTHON = "/tmp/qc-venv/bin/python"
LOOPBACK = "127.0.0.1"
PHASES = ("setup", "import", "coding", "export")
"""The phases compared; start-up is reported beside them."""
TOOLS = ("qualcode", "taguette", "qc")
TAGUETTE_EXPORTS = (
    ("codebook.csv", "codebook.csv"),
    ("codebook.qdc", "codebook.qdc"),
    ("codebook.xlsx", "codebook.xlsx"),
    ("highlights.csv", "highlights/.csv"),
    ("highlights.xlsx", "highlights/.xlsx"),
    ("highlights.html", "highlights/.html"),
)
"""Taguette's export menu: file written -> path under ``/project/P/export/``."""


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
        False, True,
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


def _spawn_json(
    cmd: list[str], workdir: Path, timeout: float = 3600
) -> tuple[float, dict[str, Any]]:
    """Run a side's child process; (the epoch second it was spawned, its JSON line).
    Its chatter goes to ``child.log`` in ``workdir``."""
    with open(workdir / "child.log", "wb") as log:
        spawned = time.time()
        done = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
            timeout=timeout, cwd=workdir,
        )  # fmt: skip
    if done.returncode != 0:
        tail = (workdir / "child.log").read_text(encoding="utf-8", errors="replace")[-600:]
        raise RuntimeError(f"exit {done.returncode}: {tail}")
    lines = done.stdout.decode("utf-8").strip().splitlines()
    return spawned, json.loads(lines[-1])


# ---------------------------------------------------------------------- qualcode


def qualcode_child(corpus: Path, work: Path) -> dict[str, Any]:
    """qualcode's phases in this (fresh) process; what the parent prints as JSON."""
    import qualcode
    from qualcode import services
    from qualcode.nlp.pipeline import get_pipeline

    get_pipeline("en")
    ready_at = time.time()
    plan = json.loads((corpus / "plan.json").read_text(encoding="utf-8"))
    files = sorted(corpus.glob("*.txt"))
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    project = services.init_project(
        str(work / "qualcode.db"), corpus / "codebook.yaml", coder="bench"
    )
    seconds["setup"] = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        report = services.import_transcripts(project, files, lang="en")
        seconds["import"] = time.perf_counter() - t0
        applications = 0
        t0 = time.perf_counter()
        for c in plan["codings"]:
            for code in c["codes"]:
                project.codings.apply_coding(c["doc"], code, c["start"], c["end"])
                applications += 1
        seconds["coding"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        services.export_bundle(project, work / "export")
        seconds["export"] = time.perf_counter() - t0
        stored = len(project.codings.codings())
    finally:
        project.close()
    return {
        "version": qualcode.__version__,
        "ready_at": ready_at,
        "seconds": seconds,
        "counts": {
            "documents": len(report.results),
            "applications": applications,
            "codings": stored,
        },
        "errors": [str(e) for e in report.errors][:3],
    }


def run_qualcode(corpus: Corpus, workdir: Path) -> Side:
    side = Side("qualcode")
    script = str(ROOT / "bench" / "peers.py")
    cmd = [sys.executable, script, "--child-qualcode", str(corpus.folder), str(workdir)]
    spawned, out = _spawn_json(cmd, workdir)
    side.version = out["version"]
    side.phases = {"startup": out["ready_at"] - spawned, **out["seconds"]}
    side.counts.update(out["counts"])
    if out["errors"]:
        side.problems.append(f"import: {out['errors'][0]}")
    _check_qualcode(side, corpus, workdir / "export")
    return side


def _check_qualcode(side: Side, corpus: Corpus, bundle: Path) -> None:
    plan = {"codings": corpus.plan}
    side.problems += pipeline.check_bundle(bundle, plan, corpus.txt)
    with open(bundle / "segments.csv", encoding="utf-8-sig", newline="") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    if rows != side.counts["codings"]:
        side.problems.append(
            f"segments.csv has {rows} rows, {side.counts['codings']} codings stored"
        )
    side.counts["export_files"], side.counts["export_bytes"] = pipeline.bundle_size(bundle)


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
        _drive_taguette(server, corpus, side, workdir / "export")
    finally:
        server.stop()
    if re.search(r" ERROR: ", server.log()):
        side.problems.append("ERROR lines in Taguette's log")
    return side


def _drive_taguette(s: TaguetteServer, corpus: Corpus, side: Side, out: Path) -> None:
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
                (
                    docs[name],
                    b0,
                    b0 + len(want.encode("utf-8")),
                    [tags[x] for x in c["codes"]],
                    want,
                )
            )
    with Clock(side, "coding"):
        for did, b0, b1, tids, _want in requests:
            s.post_json(
                f"/api/project/{pid}/document/{did}/highlight/new",
                {"start_offset": b0, "end_offset": b1, "tags": sorted(tids)},
            )
    (out / "tags").mkdir(parents=True)
    base = f"/project/{pid}/export"
    with Clock(side, "export"):
        for filename, path in TAGUETTE_EXPORTS:
            (out / filename).write_bytes(s.request("GET", f"{base}/{path}")[2])
        for c in corpus.codebook:
            q = urllib.parse.quote(c["id"], safe="")
            (out / "tags" / f"{c['id']}.csv").write_bytes(
                s.request("GET", f"{base}/highlights/{q}.csv")[2]
            )
    side.counts.update(
        documents=len(docs),
        highlights=len(requests),
        applications=sum(len(r[3]) for r in requests),
    )
    side.counts["export_files"], side.counts["export_bytes"] = pipeline.bundle_size(out)
    _check_taguette(side, corpus, out, [r[4] for r in requests])


def _check_taguette(side: Side, corpus: Corpus, out: Path, texts: list[str]) -> None:
    expected = expected_per_code(corpus.plan, distinct=False)
    rows = list(csv.DictReader(io.StringIO((out / "codebook.csv").read_text(encoding="utf-8"))))
    got = {r["tag"]: int(r["number of highlights"]) for r in rows if int(r["number of highlights"])}
    if got != expected:
        side.problems.append("Taguette's codebook counts differ from the plan")
    hl_rows = list(csv.reader(io.StringIO((out / "highlights.csv").read_text(encoding="utf-8"))))[
        1:
    ]
    if len(hl_rows) != side.counts["applications"]:
        side.problems.append(
            f"Taguette's highlights CSV has {len(hl_rows)} rows, {side.counts['applications']} expected"
        )
    planned = {" ".join(t.split()) for t in texts}
    bad = sum(1 for r in hl_rows if " ".join(r[3].split()) not in planned)
    if bad:
        side.problems.append(f"{bad} highlights in Taguette's CSV differ from the planned passages")
    for code, n in expected.items():
        path = out / "tags" / f"{code}.csv"
        per_tag = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
        if len({r[0] for r in per_tag}) != n:
            side.problems.append(
                f"Taguette's CSV of tag {code} has {len(per_tag)} rows, {n} expected"
            )
            break
    for name in ("codebook.qdc", "codebook.xlsx", "highlights.xlsx", "highlights.html"):
        if not (out / name).stat().st_size:
            side.problems.append(f"Taguette wrote an empty {name}")


# ---------------------------------------------------------------------- qc


def qc_version(python: str) -> str | None:
    """qc's version in that interpreter, or None when it is not installed."""
    if not Path(python).exists():
        return None
    done = subprocess.run(
        [
            python,
            "-c",
            "from importlib.metadata import version; print(version('qualitative-coding'))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def run_qc(corpus: Corpus, python: str, version: str, workdir: Path) -> Side:
    side = Side("qc", version)
    cmd = [python, str(ROOT / "bench" / "qc_peer.py"), "--corpus", str(corpus.folder)]
    spawned, out = _spawn_json([*cmd, "--work", str(workdir / "qc")], workdir)
    side.phases = {"startup": out["ready_at"] - spawned, **out["seconds"]}
    side.counts.update(out["counts"])
    side.problems += out["problems"]
    return side


# ---------------------------------------------------------------------- runs


@dataclass
class Tool:
    """A tool over every run: each run's :class:`Side`."""

    name: str
    version: str = ""
    skipped: str | None = None
    runs: list[Side] = field(default_factory=list)

    def seconds(self, phase: str) -> list[float]:
        return [r.phases[phase] for r in self.runs if phase in r.phases]

    def median(self, phase: str) -> float | None:
        values = self.seconds(phase)
        return statistics.median(values) if values else None

    @property
    def problems(self) -> list[str]:
        return [
            p for i, r in enumerate(self.runs) for p in (f"run {i + 1}: {x}" for x in r.problems)
        ]


def run_one(tool: Tool, corpus: Corpus, python: str | None, workdir: Path) -> Side:
    workdir.mkdir(parents=True)
    try:
        if tool.name == "qualcode":
            return run_qualcode(corpus, workdir)
        assert python is not None
        if tool.name == "taguette":
            return run_taguette(corpus, python, tool.version, workdir)
        return run_qc(corpus, python, tool.version, workdir)
    except (RuntimeError, OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        side = Side(tool.name, tool.version)
        side.problems.append(f"the run failed: {exc}")
        return side


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = ""
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": load,
    }


def _cell(tool: Tool, phase: str) -> str:
    values = tool.seconds(phase)
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.2f} s"
    return f"{med:.2f} s ({min(values):.2f}-{max(values):.2f})"


def ratios(tools: list[Tool]) -> dict[str, dict[str, float]]:
    """Peer -> phase -> the peer's median / qualcode's median."""
    ours = tools[0]
    out: dict[str, dict[str, float]] = {}
    for peer in tools[1:]:
        if peer.skipped is not None:
            continue
        per: dict[str, float] = {}
        for phase in (*PHASES, "startup"):
            a, b = ours.median(phase), peer.median(phase)
            if a and b is not None:
                per[phase] = round(b / a, 2)
        out[peer.name] = per
    return out


LABELS = {
    "qualcode": "qualcode",
    "taguette": "Taguette",
    "qc": "qc",
}


def table(tools: list[Tool]) -> str:
    shown = [t for t in tools if t.skipped is None]
    peers = [t for t in shown if t.name != "qualcode"]
    head = [
        "phase",
        *(LABELS[t.name] for t in shown),
        *(f"{LABELS[t.name]} / qualcode" for t in peers),
    ]
    lines = ["| " + " | ".join(head) + " |", "| --- |" + " ---: |" * (len(head) - 1)]
    r = ratios(tools)
    for phase in (*PHASES, "startup"):
        cells = [phase, *(_cell(t, phase) for t in shown)]
        cells += [f"{r[t.name][phase]:.1f}x" if phase in r.get(t.name, {}) else "-" for t in peers]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def work_lines(tools: list[Tool], about: dict[str, Any]) -> list[str]:
    """What each side did, so a reader can see the work matches."""
    c = about["corpus"]
    lines = []
    for t in tools:
        if t.skipped is not None or not t.runs:
            continue
        k = t.runs[-1].counts
        if t.name == "qualcode":
            lines.append(
                f"qualcode: imported {k.get('documents', 0)} transcripts (turns, sentences, lemmas, "
                f"search index); {k.get('applications', 0):,} code applications, one transaction each "
                f"({k.get('codings', 0):,} distinct codings stored); export bundle: "
                f"{k.get('export_files', 0)} files, {k.get('export_bytes', 0):,} bytes (codebook "
                ".qdc/.csv/.xlsx, coded passages .csv/.xlsx/.html, one CSV per code)"
            )
        elif t.name == "taguette":
            lines.append(
                f"Taguette: uploaded {k.get('documents', 0)} transcripts (HTML); "
                f"{k.get('highlights', 0):,} highlights carrying {k.get('applications', 0):,} tags; "
                f"export menu: {k.get('export_files', 0)} files, {k.get('export_bytes', 0):,} bytes "
                "(codebook .qdc/.csv/.xlsx, highlights .csv/.xlsx/.html, one CSV per tag)"
            )
        else:
            lines.append(
                f"qc: imported {k.get('documents', 0)} transcripts (verbatim); coded "
                f"{k.get('coded_lines', 0):,} (line, code) pairs, one `qc code` per transcript; "
                f"export: {k.get('export_files', 0)} files, {k.get('export_bytes', 0):,} bytes "
                "(project .qdpx, codebook stats CSV, coded passages JSON and text, one text file "
                "per code)"
            )
    lines.append(
        f"plan: {c['passages']:,} passages carrying {c['applications']:,} code applications "
        f"over {c['codes']} codes"
    )
    return lines


def _child_main(argv: list[str]) -> int:
    os.environ.setdefault("QUALCODE_CODER", "bench")
    print(json.dumps(qualcode_child(Path(argv[0]), Path(argv[1]))))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="transcripts (default 100; --quick 20)")
    parser.add_argument("--words", type=int, default=3000, help="words per transcript")
    parser.add_argument("--tags", type=int, default=30, help="codes")
    parser.add_argument("--per-doc", type=int, default=20, help="coded passages per transcript")
    parser.add_argument("--max-codes", type=int, default=3, help="codes on one passage, at most")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--runs", type=int, default=None, help="interleaved runs (default 3; --quick 1)"
    )
    parser.add_argument("--quick", action="store_true", help="20 transcripts, one run")
    parser.add_argument("--synth", type=Path, help="synth.py (default: bench/synth.py)")
    parser.add_argument("--taguette-python", default=DEFAULT_TAGUETTE_PYTHON,
                        help="the interpreter that has Taguette installed")  # fmt: skip
    parser.add_argument("--qc-python", default=DEFAULT_QC_PYTHON,
                        help="the interpreter that has qualitative-coding installed")  # fmt: skip
    parser.add_argument("--no-peer", action="store_true", help="run qualcode's side only")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    return parser


def _peers(args: argparse.Namespace) -> list[Tool]:
    tools = [Tool("qualcode")]
    found = {
        "taguette": (args.taguette_python, taguette_version, "taguette==1.5.2", "/tmp/peer-venv"),
        "qc": (args.qc_python, qc_version, "qualitative-coding==1.7.8", "/tmp/qc-venv"),
    }
    for name, (python, version_of, pin, venv) in found.items():
        tool = Tool(name)
        if args.no_peer:
            tool.skipped = "--no-peer"
        else:
            version = version_of(python)
            if version is None:
                tool.skipped = (
                    f"{LABELS[name]} is not installed in {python} (python3 -m venv {venv} && "
                    f"{venv}/bin/pip install {pin})"
                )
            else:
                tool.version = version
        tools.append(tool)
    return tools


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-qualcode"]:
        return _child_main(argv[1:])
    args = _parser().parse_args(argv)
    args.n = args.n or (20 if args.quick else 100)
    args.runs = max(1, args.runs or (1 if args.quick else 3))
    synth_path = find_synth(args.synth)
    if synth_path is None:
        print("error: synth.py not found (pass --synth PATH)", file=sys.stderr)
        return 2
    synth = load_synth(synth_path)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    tools = _peers(args)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    pythons = {"qualcode": None, "taguette": args.taguette_python, "qc": args.qc_python}
    with tempfile.TemporaryDirectory(prefix="qualcode-peers-") as tmp:
        work = Path(tmp)
        corpus = make_corpus(synth, work / "corpus", args)
        active = [t for t in tools if t.skipped is None]
        for run in range(args.runs):
            order = active[run % len(active) :] + active[: run % len(active)]
            for tool in order:
                side = run_one(tool, corpus, pythons[tool.name], work / f"run{run + 1}" / tool.name)
                tool.version = tool.version or side.version
                tool.runs.append(side)
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
        "runs": args.runs,
        "machine": machine(),
        "date": started,
    }
    ok = not any(t.problems for t in tools)
    if args.json:
        print(
            json.dumps(
                about | {"sides": [_side_json(t) for t in tools], "ratios": ratios(tools), "ok": ok}
            )
        )
    else:
        _print_text(tools, about, ok)
    return 0 if ok else 1


def _side_json(t: Tool) -> dict[str, Any]:
    phases = (*PHASES, "startup")
    return {
        "tool": t.name,
        "version": t.version,
        "skipped": t.skipped,
        "seconds": {p: round(m, 3) for p in phases if (m := t.median(p)) is not None},
        "range": {p: [round(min(v), 3), round(max(v), 3)] for p in phases if (v := t.seconds(p))},
        "runs": [{k: round(v, 3) for k, v in r.phases.items()} for r in t.runs],
        "counts": t.runs[-1].counts if t.runs else {},
        "problems": t.problems,
    }


def _print_text(tools: list[Tool], about: dict[str, Any], ok: bool) -> None:
    c, m = about["corpus"], about["machine"]
    print(
        f"corpus: {c['transcripts']} transcripts, {c['words']:,} words, {c['codes']} codes, "
        f"{c['passages']:,} passages, {c['applications']:,} code applications "
        f"(seed {c['seed']}, sha256 {c['sha256']})"
    )
    print(
        f"machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']}, Python {m['python']}, "
        f"SQLite {m['sqlite']}, load at the end {m['load']}; started {about['date']}"
    )
    print(", ".join(f"{LABELS[t.name]} {t.version}" for t in tools if t.skipped is None))
    for t in tools:
        if t.skipped:
            print(f"{LABELS[t.name]} skipped: {t.skipped}")
    print(f"median of {about['runs']} interleaved runs (range in parentheses), wall clock:")
    print(table(tools))
    print("work done (last run):")
    for line in work_lines(tools, about):
        print(f"  {line}")
    for t in tools:
        for problem in t.problems:
            print(f"{t.name}: CHECK FAILED: {problem}", file=sys.stderr)
    if ok:
        print("every export matches the plan")


if __name__ == "__main__":
    sys.exit(main())
