"""Both databases give the same answers: every matrix, export, report and agreement
figure of the demo project, computed on SQLite and on PostgreSQL, equal value by value.

The demo project (the shipped transcripts, each its own case with its attributes) is
coded as the workbench's screenshots have it: the gold codings (coder ``gold``), the
rules' suggestions, and the time and cost suggestions accepted by ``researcher``,
plus memos. The PostgreSQL project is that project merged into an empty database, linked to the
same codebook file (a project merge carries the codes, not the codebook's name and
languages, which decide the label columns).
Every export is written as JSON (typed values, rows in the order the export defines)
and compared with the other backend's row by row, in that order; numbers to 1e-9.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from tests.conftest import FAKE_NOW
from tests.pg import ROLE_PASSWORD, PgServer

pytestmark = pytest.mark.external

_counter = itertools.count()


@dataclass(frozen=True)
class Backends:
    sqlite: str
    postgresql: str


@pytest.fixture(scope="module")
def backends(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    """The coded demo project on SQLite, and the same project on PostgreSQL."""
    from qualcode import services
    from qualcode.importers.codebook_yaml import load_codebook
    from qualcode.store import open_project
    from qualcode.store.project_merge import read_project

    home = tmp_path_factory.mktemp("same-answers")
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_DATA_DIR", str(home / "data"))
    mp.setenv("QUALCODE_CONFIG_DIR", str(home / "config"))
    mp.setenv("QUALCODE_CODER", "researcher")
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    suffix = f"same_{os.getpid()}_{next(_counter)}"
    name, owner = f"qc_{suffix}", f"owner_{suffix}"
    try:
        db = services.build_demo()
        project = open_project(str(db), coder="researcher")
        try:
            services.import_codings(
                project, services.resource_dir("transcripts") / "gold" / "codings.yaml"
            )
            services.autocode(project)
            for code in ("time", "cost"):
                services.accept_all(project, code, coder="researcher", include_children=True)
            project.memos.add_memo("project", None, "Pelayanan di kantor camat: catatan awal.")
            project.memos.add_memo("code", "cost", "Watch for pungli.")
        finally:
            project.close()
        with pg_server.admin() as conn:
            conn.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{ROLE_PASSWORD}'")
            conn.execute(f"CREATE DATABASE {name} OWNER {owner}")
        url = pg_server.url(name, owner, ROLE_PASSWORD)
        pg = open_project(url)
        try:
            pg.merge.merge_from(read_project(str(db)))
            # a project merge carries codes, not the codebook's own name and languages:
            # the team's shared project reads the same codebook file, as `codebook sync`
            codebook = db.parent / "kepmenpan-63.yaml"
            pg.codebook_sync.sync_codebook(load_codebook(codebook), str(codebook))
        finally:
            pg.close()
        yield Backends(str(db), url)
    finally:
        with pg_server.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            roles = [
                r[0]
                for r in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"%{suffix}",)
                )
            ]
            for role in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
        mp.undo()


def export(location: str, out: Path, args: list[str]) -> Any:
    """Run ``qualcode ARGS -o OUT`` on one backend; the JSON it wrote (or printed)."""
    argv = [a.replace("{out}", str(out)) for a in args]
    r = CliRunner().invoke(
        cli, ["--project", location, *argv], catch_exceptions=False, prog_name="qualcode"
    )
    assert r.exit_code == 0, (args, r.stderr)
    if "{out}" in " ".join(args):
        return json.loads(out.read_text(encoding="utf-8"))
    return json.loads(r.stdout)


def differences(a: Any, b: Any, where: str = "") -> list[str]:
    """Every place where ``a`` and ``b`` differ (floats to 1e-9), in order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a is b else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, int | float) and isinstance(b, int | float):
        same = math.isclose(a, b, rel_tol=0, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
        return [] if same else [f"{where}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}: keys {sorted(a)} != {sorted(b)}"] if list(a) != list(b) else []
        for k in a:
            if k in b:
                out += differences(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [f"{where}: {len(a)} rows != {len(b)} rows"] if len(a) != len(b) else []
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += differences(x, y, f"{where}[{i}]")
        return out
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def without_location(data: Any, backends: Backends) -> Any:
    """The project's location (a file path or a URL) is the one thing that differs."""
    text = json.dumps(data, ensure_ascii=False)
    text = text.replace(json.dumps(backends.sqlite)[1:-1], "PROJECT")
    text = text.replace(json.dumps(backends.postgresql)[1:-1], "PROJECT")
    return json.loads(text)


FILTERS = ["--coder", "gold", "--coder", "researcher"]

EXPORTS: dict[str, list[str]] = {
    "frequency-document": ["export", "frequency", "-o", "{out}"],
    "frequency-document-rollup": ["export", "frequency", "--rollup", "-o", "{out}"],
    "frequency-case": ["export", "frequency", "--by", "case", "-o", "{out}"],
    "frequency-speaker": ["export", "frequency", "--by", "speaker", "-o", "{out}"],
    "frequency-attribute": ["export", "frequency", "--by", "attribute:gender", "-o", "{out}"],
    "frequency-participants-gold": [
        "export",
        "frequency",
        "--speaker-role",
        "participant",
        "--coder",
        "gold",
        "--code",
        "time",
        "-o",
        "{out}",
    ],
    "frequency-suggested": ["export", "frequency", "--status", "all", "-o", "{out}"],
    "quotes": ["export", "quotes", "-o", "{out}"],
    "quotes-rollup-case": ["export", "quotes", "--rollup", "--by", "case", "-o", "{out}"],
    "cooccurrence": ["export", "cooccurrence", "-o", "{out}"],
    "segments": ["export", "segments", "-o", "{out}"],
    "appendix": ["export", "appendix", "-o", "{out}"],
    "memos": ["export", "memos", "-o", "{out}"],
    "all": ["export", "all", *FILTERS, "-o", "{out}"],
    "all-by-attribute": ["export", "all", "--by", "attribute:occupation", "-o", "{out}"],
}
AGREEMENT: dict[str, list[str]] = {
    f"agreement-{unit}": [
        "agreement",
        "--coders",
        "gold",
        "researcher",
        "--unit",
        unit,
        "--include-unfinished",
        "--format",
        "json",
    ]
    for unit in ("char", "sentence", "turn", "document")
}


@pytest.mark.parametrize("name", [*EXPORTS, *AGREEMENT])
def test_both_databases_give_the_same_answer(backends: Backends, tmp_path: Path, name: str) -> None:
    args = EXPORTS.get(name) or AGREEMENT[name]
    if args[-2:] == ["-o", "{out}"]:  # written as JSON: typed values, the export's row order
        args = [*args[:-2], "--format", "json", "-o", "{out}"]
    on_sqlite = export(backends.sqlite, tmp_path / "sqlite.json", args)
    on_pg = export(backends.postgresql, tmp_path / "pg.json", args)
    a, b = without_location(on_sqlite, backends), without_location(on_pg, backends)
    assert a, f"{name}: the export is empty"
    found = differences(a, b)
    assert not found, f"{name}: {len(found)} differences, first: {found[:10]}"


def test_the_html_report_is_the_same(backends: Backends, tmp_path: Path) -> None:
    pages = []
    for location, out in ((backends.sqlite, "s.html"), (backends.postgresql, "p.html")):
        r = CliRunner().invoke(
            cli,
            ["--project", location, "report", "-o", str(tmp_path / out)],
            catch_exceptions=False,
            prog_name="qualcode",
        )
        assert r.exit_code == 0, r.stderr
        page = (tmp_path / out).read_text(encoding="utf-8")
        pages.append(
            page.replace(backends.sqlite, "PROJECT").replace(backends.postgresql, "PROJECT")
        )
    assert pages[0] == pages[1]
