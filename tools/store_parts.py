"""Rewrite call sites of the project's methods to the part that now holds them.

Issue 18 point 1 turns ``Project``'s mixins into parts (``project.memos``,
``project.cases``, ...). This script rewrites every ``<receiver>.add_memo(`` into
``<receiver>.memos.add_memo(`` over qualcode/, tests/, bench/ and docs/*.py, using
the method -> part map below. It is idempotent (a call already on its part is left)
and prints each change, so it can be re-run on a merged tree to fix the call sites
other branches added meanwhile::

    .venv/bin/python tools/store_parts.py          # rewrite, print what changed
    .venv/bin/python tools/store_parts.py --check  # only list, exit 1 if any

A bare ``self.add_memo(`` is never rewritten (inside a part it calls the part
itself; elsewhere ``self`` is not a project); nor a call on a module (``services``,
``core`` ...) or a class. A method whose name other objects also have
(:data:`AMBIGUOUS`) is rewritten only on a receiver named like a project.
In qualcode/store/, a part class's own body is rewritten too: a method another
branch added to the mixin the part came from still calls the base through ``self``
(``self._read()``, ``self.coder``), which becomes ``self.store.read()``,
``self.store.coder``. A new public method must be added to :data:`PARTS` by hand
(tests/test_store_parts.py says which). mypy --strict and the tests catch what is left.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS: dict[str, tuple[str, ...]] = {
    "memos": (
        "add_memo",
        "update_memo",
        "clear_memo",
        "delete_memo",
        "memos",
        "own_memo",
        "coding_memos",
        "set_coding_memo",
        "write_memo",
    ),
    "workbench": ("workbench_state", "save_workbench_state"),
    "narration": ("action_facts", "pending_step"),
    "map": ("map_positions", "code_guids", "codings_by_code", "map_at"),
    "cases": (
        "link_case",
        "set_attribute",
        "set_attributes",
        "case",
        "cases",
        "attributes",
    ),
    "themes": (
        "themes",
        "theme",
        "code_valences",
        "has_cases",
        "relation_types",
        "relations",
        "resolve_node",
        "add_theme",
        "rename_theme",
        "define_theme",
        "set_theme_status",
        "move_theme",
        "delete_theme",
        "add_theme_codes",
        "remove_theme_codes",
        "theme_with_codes",
        "add_extracts",
        "remove_extracts",
        "order_extracts",
        "add_relation",
        "delete_relation",
        "relations_of",
    ),
    "history": ("can_undo", "history_end", "undo", "redo"),
    "document_edits": ("rename_document", "document_codings", "delete_document"),
    "reimport": ("replace_document", "restructure_document", "reassign_roles"),
    "search": ("index_pending", "search"),
    "kwic": ("search_text",),
    "review": (
        "review_coding",
        "comment_review",
        "reply_review",
        "revise_coding",
        "review_thread",
        "coding_by_guid",
        "review_queue",
        "apply_reviews",
    ),
    "refi": (
        "coder_guids",
        "people",
        "code_records",
        "document_records",
        "document_texts",
        "selection_guids",
        "review_threads",
        "known_guids",
        "identical_codings",
        "import_refi",
    ),
    "merge": ("merge_from",),
    "team": (
        "coder_role",
        "add_coder",
        "team_members",
        "is_blind",
        "set_blind",
        "mark_done",
        "done_marks",
        "agreement",
        "compare",
        "adjudicate",
    ),
    "codebook_sync": ("sync_codebook", "code_counts"),
    "documents": (
        "find_text",
        "unique_name",
        "add_document",
        "discard_stale_imports",
        "documents",
        "document",
        "document_names",
    ),
    "codings": ("apply_coding", "remove_coding", "remove_codings", "codings", "coding"),
    "log": ("actions",),
    "retrieval": ("passages", "contexts"),
    "suggestions": (
        "documents_full",
        "add_suggestions",
        "import_codings",
        "suggestions",
        "accept_suggestions",
        "reject_suggestions",
    ),
    "codes": (
        "add_code",
        "update_code",
        "set_label",
        "move_code",
        "change_code_id",
        "merge_code",
        "delete_code",
    ),
    "recode": ("recode_codings", "split_code"),
    "matrices": (
        "frequency",
        "frequency_table",
        "segments",
        "quote_matrix",
        "cooccurrence",
        "overlapping_pairs",
        "appendix",
        "memo_rows",
        "attribute_names",
    ),
}
"""Part attribute -> the methods it took from ``Project``, names kept."""

NEW: dict[str, tuple[str, ...]] = {
    "history": ("stacks",),
    "team": ("visible_coder",),
    "codes": ("check_free_id", "check_free_key", "reorder"),
}
"""Part attribute -> public methods it has that ``Project`` never had (what other
parts call on it); nothing to rewrite."""

RENAMED: dict[str, dict[str, str]] = {}
"""Part attribute -> {old method name: its shorter name in the part}."""

AMBIGUOUS = frozenset(
    {
        "memos",
        "cases",
        "case",
        "attributes",
        "set_attribute",
        "themes",
        "theme",
        "relations",
        "search",
        "segments",
        "suggestions",
        "passages",
        "agreement",
        "frequency",
        "people",
        "compare",
        "undo",
        "redo",
        "code_guids",
        "cooccurrence",
        "appendix",
        "memo_rows",
        "set_label",
        "remove_coding",
        "documents",
        "document",
        "codings",
        "coding",
        "actions",
        "unique_name",
        "relation_types",
        "has_cases",
        "resolve_node",
    }
)
"""Names other objects have too: rewritten only on a receiver in :data:`PROJECTS`."""

PROJECTS = frozenset(
    {
        "project",
        "proj",
        "p",
        "demo",
        "demo_project",
        "empty_project",
        "small_project",
        "matrix_project",
        "project_obj",
        "reviewed",
        "ani",
        "budi",
        "sri",
        "dewi",
        "owner",
        "pa",
        "pb",
        "pg",
        "other",
        "again",
        "staged",
        "blind",
        "look",
        "reopened",
        "coder",
        "copy",
        "check",
        "setup",
        "window",
        "old",
        "final",
        "o",
        "rich",
        "b",
    }
)
"""Receivers (last name of the chain) that are projects in this code base."""

NOT_PROJECTS = frozenset(
    {
        "services",
        "core",
        "store",
        "screens",
        "exporters",
        "importers",
        "refi",
        "re",
        "os",
        "sys",
        "json",
        "cli",
        "tui",
        "nlp",
        "screen",
        "app",
        "focused",
        "lite",
    }
)
"""Receivers that are modules or other objects (the light read path), never projects."""

GLOBS = ("qualcode/**/*.py", "tests/**/*.py", "bench/**/*.py", "docs/*.py")
SKIP = ("qualcode/importers/", "qualcode/exporters/", "tests/test_store_parts.py")
"""Never given a project (files in, files out: their ``project`` is a REFI-QDA
model), and the test of this script (its samples are the old calls)."""

_NAME = r"[A-Za-z_]\w*"
_CALL = re.compile(
    rf"(?P<recv>(?<![\w.]){_NAME}(?:\.{_NAME})*|\))\.(?P<meth>{_NAME})\b(?!\s*\.)(?!\s*=[^=])(?P<call>(?=\())?"
)


def _part_of() -> dict[str, str]:
    owner: dict[str, str] = {}
    for part, methods in PARTS.items():
        for method in methods:
            owner[method] = part
    return owner


def rewrite(text: str) -> tuple[str, list[str]]:
    """``text`` with its calls moved onto their parts, and one line per change."""
    owner = _part_of()
    changes: list[str] = []

    def sub(m: re.Match[str]) -> str:
        recv, meth = m.group("recv"), m.group("meth")
        part = owner.get(meth)
        if part is None:
            return m.group(0)
        last = recv.rsplit(".", 1)[-1]
        if last == part or recv == "self" or last in NOT_PROJECTS or last.lstrip("_")[:1].isupper():
            return m.group(0)
        if meth in AMBIGUOUS and (last not in PROJECTS or m.group("call") is None):
            return m.group(0)
        new = RENAMED.get(part, {}).get(meth, meth)
        out = f"{recv}.{part}.{new}"
        changes.append(f"{m.group(0)} -> {out}")
        return out

    return _CALL.sub(sub, text), changes


PART_CLASSES = frozenset(
    {
        "ActionHistory",
        "ActionLog",
        "Cases",
        "CodebookSync",
        "Codes",
        "CodingReview",
        "Codings",
        "DocumentEdits",
        "Documents",
        "KwicSearch",
        "Matrices",
        "Memos",
        "Narration",
        "ProjectMerge",
        "Recode",
        "Refi",
        "Reimport",
        "Retrieval",
        "Search",
        "Suggestions",
        "Team",
        "Themes",
        "ThematicMap",
        "Workbench",
    }
)
"""The part classes in qualcode/store/ (a method another branch added to the mixin
a part came from lands in the part, still calling the base through ``self``)."""

STORE = {
    "_read": "read",
    "_write": "write",
    "_code_pks": "code_pks",
    "_code_pk": "code_pk",
    "_codebook": "read_codebook",
    "_doc": "document_key",
    "_coding_select": "coding_select",
    "_delete_coding": "delete_coding",
    "_ensure_coder": "ensure_coder",
    "_set": "put_setting",
    "_owns_project": "owns_project",
    "_code_ids": "code_ids",
    "_visible_coder": "visible_coder",
    **{
        name: name
        for name in (
            "coder",
            "engine",
            "window",
            "dialect",
            "location",
            "get_setting",
            "set_setting",
            "codebook",
            "languages",
            "where",
            "path",
            "read_only",
            "document_guids",
            "sentence_lemmas",
        )
    },
}
"""What a mixin called on ``self`` -> the name on the store a part is given."""

_SELF = re.compile(r"\bself\.(?P<name>_?[A-Za-z]\w*)\b")
_CACHES = (
    (re.compile(r"self\._code_pk_cache = None"), "self.store.forget_codes()"),
    (re.compile(r"self\._doc_cache\.clear\(\)"), "self.store.forget_documents()"),
)


def rewrite_parts(text: str) -> tuple[str, list[str]]:
    """A store module's part classes with their calls on the base moved to
    ``self.store`` (``self._read()`` -> ``self.store.read()``), one line per change."""
    import ast

    lines = text.splitlines(keepends=True)
    changes: list[str] = []
    for node in ast.parse(text).body:
        if not isinstance(node, ast.ClassDef) or node.name not in PART_CLASSES:
            continue
        own = {
            b.name for b in node.body if isinstance(b, ast.FunctionDef | ast.AsyncFunctionDef)
        } | {
            b.target.id
            for b in node.body
            if isinstance(b, ast.AnnAssign) and isinstance(b.target, ast.Name)
        }
        own |= {
            t.attr
            for n in ast.walk(node)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Attribute)
            and isinstance(t.value, ast.Name)
            and t.value.id == "self"
        }
        start, end = node.lineno - 1, node.end_lineno or node.lineno
        body = "".join(lines[start:end])

        def sub(
            m: re.Match[str], own: set[str] = own, cls: str = node.name, log: list[str] = changes
        ) -> str:
            name = m.group("name")
            if name in own or name not in STORE:
                return m.group(0)
            new = f"self.store.{STORE[name]}"
            if name == "_visible_coder":
                new = "self.team.visible_coder"
            log.append(f"{cls}: {m.group(0)} -> {new}")
            return new

        for pattern, repl in _CACHES:
            body, n = pattern.subn(repl, body)
            changes += [f"{node.name}: {pattern.pattern} -> {repl}"] * n
        body = _SELF.sub(sub, body)
        lines[start:end] = [body]
    return "".join(lines), changes


def main(argv: list[str]) -> int:
    check = "--check" in argv
    total = 0
    for pattern in GLOBS:
        for path in sorted(ROOT.glob(pattern)):
            rel = path.relative_to(ROOT)
            if path.resolve() == Path(__file__).resolve() or str(rel).startswith(SKIP):
                continue
            text = path.read_text(encoding="utf-8")
            new, changes = rewrite(text)
            if str(rel).startswith("qualcode/store/"):
                new, more = rewrite_parts(new)
                changes += more
            if not changes:
                continue
            total += len(changes)
            for line in changes:
                print(f"{rel}: {line}")
            if not check:
                path.write_text(new, encoding="utf-8")
    print(f"{total} call(s) {'to rewrite' if check else 'rewritten'}")
    return 1 if check and total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
