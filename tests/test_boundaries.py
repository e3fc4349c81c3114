"""Import hygiene: start-up never pays for what it does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

HEAVY = ("textual", "sqlalchemy", "spacy", "alembic", "rich", "yaml", "ruamel")


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    probe = (
        code
        + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_is_pure() -> None:
    loaded = loaded_after(
        "import qualcode.core.codebook, qualcode.core.model, qualcode.core.spans, qualcode.core.matrices"
    )
    assert not loaded & set(HEAVY)


def test_help_loads_neither_spacy_nor_textual_nor_sqlalchemy() -> None:
    code = (
        "import sys\nfrom qualcode.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='qualcode')\nexcept SystemExit:\n    pass\n"
    )
    loaded = loaded_after(code)
    assert not loaded & {"spacy", "textual", "sqlalchemy", "alembic"}


@pytest.mark.parametrize(
    "args",
    [
        ["codings"],
        ["codings", "--json"],
        ["export", "frequency", "-o", "{tmp}/f.csv"],
        ["export", "quotes", "-o", "{tmp}/q.xlsx"],
        ["export", "all", "-o", "{tmp}/all.sqlite"],
        ["report", "-o", "{tmp}/r.html"],
        ["documents"],
        ["export", "qdpx", "-o", "{tmp}/p.qdpx"],
        ["codebook", "export", "-o", "{tmp}/c.qdc"],
    ],
    ids=[
        "codings",
        "codings-json",
        "export",
        "export-quotes-xlsx",
        "export-all",
        "report",
        "documents",
        "export-qdpx",
        "export-qdc",
    ],
)
def test_reading_commands_load_neither_spacy_nor_textual(args: list[str], tmp_path: Path) -> None:
    import shutil

    shutil.copyfile(DATA / "projects" / "schema-0001.db", tmp_path / "qualcode.db")
    # bring the old fixture to the current schema first: a reading command on a
    # current project must not load Alembic (an old one is migrated once, on open)
    from qualcode.store import open_project

    open_project(str(tmp_path)).close()
    argv = ["--project", str(tmp_path)] + [a.replace("{tmp}", str(tmp_path)) for a in args]
    code = (
        "from qualcode.cli import cli\n"
        f"try:\n    cli.main({argv!r}, prog_name='qualcode')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
    )
    loaded = loaded_after(code)
    if args[0] in LIGHT:
        # read through qualcode.store.lite: sqlite3 alone
        assert "sqlalchemy" not in loaded
    else:
        assert "sqlalchemy" in loaded  # it did open the project
    assert not loaded & {"spacy", "textual", "alembic"}


LIGHT = ("documents", "codings")
"""Reading commands answered without SQLAlchemy on a SQLite project at the current schema."""
