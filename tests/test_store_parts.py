"""The store's parts (issue 18 point 1) and tools/store_parts.py, which moves call
sites onto them: the map matches the parts, the rewrite is exact and idempotent, and
no call site in the tree is left on the old flat API."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

from qualcode.store import Project

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("store_parts", ROOT / "tools" / "store_parts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


def test_every_mapped_method_is_on_its_part_and_every_public_method_is_mapped(
    empty_project: Project,
) -> None:
    for name, methods in TOOL.PARTS.items():
        part = getattr(empty_project, name)
        public = {
            m
            for m, _ in inspect.getmembers(type(part), inspect.isfunction)
            if not m.startswith("_")
        }
        renamed = TOOL.RENAMED.get(name, {})
        new = set(TOOL.NEW.get(name, ()))
        assert {renamed.get(m, m) for m in methods} | new == public, name


def test_no_part_method_is_left_on_the_project() -> None:
    flat = {m for methods in TOOL.PARTS.values() for m in methods}
    on_project = {m for m in flat if callable(getattr(Project, m, None))}
    assert on_project == set()
    assert [c.__name__ for c in Project.__mro__] == ["Project", "ProjectBase", "object"]


def test_rewrite_moves_calls_onto_parts_and_is_idempotent() -> None:
    text = (
        "project.add_memo('project', None, 'x')\n"
        "self.app.project.apply_coding(doc, code, 0, 4)\n"
        "demo.memos(kind='code')\n"
        "p.undo()\n"
        "open_project(url).merge_from(other)\n"
    )
    new, changes = TOOL.rewrite(text)
    assert new == (
        "project.memos.add_memo('project', None, 'x')\n"
        "self.app.project.codings.apply_coding(doc, code, 0, 4)\n"
        "demo.memos.memos(kind='code')\n"
        "p.history.undo()\n"
        "open_project(url).merge.merge_from(other)\n"
    )
    assert len(changes) == 5
    assert TOOL.rewrite(new) == (new, [])


def test_rewrite_leaves_what_is_not_a_project() -> None:
    text = (
        "self.add_memo(kind)\n"  # inside a part, or a screen's own method
        "services.import_refi(project, path)\n"  # a module
        "re.search(pattern, text)\n"  # a module, and an ambiguous name
        "monkeypatch.undo()\n"  # an ambiguous name on something else
        "view.document\n"  # an attribute, not a call
        'Binding("n", "screen.rename_document")\n'  # an action string on a screen
        "project.memos = []\n"  # an assignment
    )
    assert TOOL.rewrite(text) == (text, [])


def test_a_method_merged_into_a_part_is_given_the_store() -> None:
    text = (
        "class Memos:\n"
        "    def __init__(self, store):\n"
        "        self.store = store\n"
        "\n"
        "    def pinned(self, kind):\n"
        "        with self._read() as conn:\n"
        "            self._code_pk_cache = None\n"
        "            return self._memo(conn, self.coder, self._codebook(conn))\n"
        "\n"
        "    def _memo(self, conn, coder, book):\n"
        "        return self.store\n"
        "\n"
        "\n"
        "class Other:\n"
        "    def f(self):\n"
        "        return self._read()\n"
    )
    new, changes = TOOL.rewrite_parts(text)
    assert new == text.replace(
        "        with self._read() as conn:\n"
        "            self._code_pk_cache = None\n"
        "            return self._memo(conn, self.coder, self._codebook(conn))\n",
        "        with self.store.read() as conn:\n"
        "            self.store.forget_codes()\n"
        "            return self._memo(conn, self.store.coder, self.store.read_codebook(conn))\n",
    )
    assert len(changes) == 4
    assert TOOL.rewrite_parts(new) == (new, [])


def test_no_call_site_is_left_on_the_flat_api() -> None:
    """Re-run after a merge: call sites other branches added are listed here."""
    left: list[str] = []
    for pattern in TOOL.GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            rel = str(path.relative_to(ROOT))
            if rel.startswith(TOOL.SKIP) or rel.startswith("tools/"):
                continue
            text = path.read_text(encoding="utf-8")
            _, changes = TOOL.rewrite(text)
            if rel.startswith("qualcode/store/"):
                changes += TOOL.rewrite_parts(text)[1]
            left += [f"{rel}: {c}" for c in changes]
    assert left == [], "run: .venv/bin/python tools/store_parts.py"
