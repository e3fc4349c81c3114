"""Import hygiene: start-up never pays for what it does not use."""

from __future__ import annotations

import ast
import json
import os
import sqlite3
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


def _class_bases(tree: ast.AST) -> list[tuple[str, int, list[str]]]:
    """Every class in ``tree`` (nested ones too) with the names of its bases."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names = []
            for base in node.bases:
                names.append(ast.unparse(base))
            out.append((node.name, node.lineno, names))
    return out


def test_every_workbench_message_lives_in_messages_py() -> None:
    """A Message subclass defined anywhere in qualcode/tui but tui/messages.py fails,
    both as written (any class whose base is ``Message`` or a message defined in
    messages.py) and as loaded (every subclass of textual's Message whose module is in
    qualcode.tui)."""
    root = Path(__file__).resolve().parents[1] / "qualcode" / "tui"
    defined = {
        name for name, _line, _bases in _class_bases(ast.parse((root / "messages.py").read_text()))
    }
    bad = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "messages.py" and path.parent == root:
            continue
        for name, line, bases in _class_bases(ast.parse(path.read_text(encoding="utf-8"))):
            if any(b.split(".")[-1] in {"Message", *defined} for b in bases):
                bad.append(f"{path.relative_to(root.parent.parent)}:{line} {name}")
    assert bad == []
    code = (
        "import importlib, pkgutil, qualcode.tui\n"
        "from textual.message import Message\n"
        "for m in pkgutil.walk_packages(qualcode.tui.__path__, 'qualcode.tui.'):\n"
        "    importlib.import_module(m.name)\n"
        "seen, todo = set(), [Message]\n"
        "while todo:\n"
        "    cls = todo.pop()\n"
        "    for sub in cls.__subclasses__():\n"
        "        if sub not in seen:\n"
        "            seen.add(sub); todo.append(sub)\n"
        "print(sorted(f'{c.__module__}.{c.__qualname__}' for c in seen "
        "if c.__module__.startswith('qualcode.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found = ast.literal_eval(out.stdout.strip().splitlines()[-1])
    assert found == [
        "qualcode.tui.messages.CodingApplied",
        "qualcode.tui.messages.CountsComputed",
        "qualcode.tui.messages.KwicFound",
        "qualcode.tui.messages.ReviewComputed",
        "qualcode.tui.messages.SelectionChanged",
        "qualcode.tui.messages.TableExported",
        "qualcode.tui.messages.WordsCounted",
    ]


def test_the_store_never_reads_the_settings(tmp_path: Path) -> None:
    """Opening a project through the store imports no qualcode.settings and reads no
    settings file: a settings file naming another coder is ignored by the store, and
    the front end (the CLI) passes that coder in."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.yaml").write_text("coder: from_settings\n", encoding="utf-8")
    env = {"QUALCODE_CONFIG_DIR": str(config)}
    env_without_coder = {k: v for k, v in os.environ.items() if k != "QUALCODE_CODER"}
    code = (
        "from qualcode.store import open_project\n"
        f"p = open_project({str(tmp_path / 'p.db')!r}, create=True)\n"
        "print('CODER', p.coder)\n"
        "p.close()\n"
        "import sys\n"
        "assert 'qualcode.settings' not in sys.modules, 'the store imported the settings'\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**env_without_coder, **env, "QUALCODE_CODER": "from_env"},
    )
    assert "CODER from_env" in out.stdout
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from qualcode.cli import cli\n"
            "from qualcode.cli._base import Context\n"
            f"print('WHO', Context({str(tmp_path / 'p.db')!r}, None).who())\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**env_without_coder, **env},
    )
    assert "WHO from_settings" in shown.stdout


LIGHT = ("documents", "codings")
"""Reading commands answered without SQLAlchemy on a SQLite project at the current schema."""


@pytest.mark.parametrize(
    "args",
    [
        ["code", "wawancara_a", "cost", "--start", "0", "--end", "20"],
        ["code", "wawancara_a", "time", "--start", "0", "--end", "20", "--json"],
        ["memo", "set", "--doc", "wawancara_a", "a memo"],
        ["memo", "append", "--code", "cost", "more"],
        ["memo", "show", "--project"],
        ["memos"],
        ["memos", "--json"],
    ],
    ids=["code", "code-json", "memo-set", "memo-append", "memo-show", "memos", "memos-json"],
)
def test_code_and_memo_load_no_sqlalchemy(args: list[str], tmp_path: Path) -> None:
    """``code`` and ``memo`` write through qualcode.store.lite_write: sqlite3 alone
    (and change the project: the light path did the work)."""
    import shutil

    shutil.copyfile(DATA / "projects" / "schema-0001.db", tmp_path / "qualcode.db")
    from qualcode.store import open_project

    open_project(str(tmp_path)).close()
    db = tmp_path / "qualcode.db"
    seed = ["memo", "set", "--project", "seed"]
    argv = ["--project", str(tmp_path), "--coder", "nia"]
    code = (
        "from qualcode.cli import cli\n"
        f"for args in ({seed!r}, {args!r}):\n"
        "    try:\n"
        f"        cli.main({argv!r} + args, prog_name='qualcode')\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
    )
    loaded = loaded_after(code)
    assert not loaded & {"sqlalchemy", "spacy", "textual", "alembic"}
    con = sqlite3.connect(db)
    try:
        kinds = [k for (k,) in con.execute("SELECT kind FROM actions WHERE \"window\" = 'cli'")]
    finally:
        con.close()
    assert kinds[0] == "memo.add"
    if args[0] in ("code", "memo") and args[1] != "show":
        assert len(kinds) == 2
