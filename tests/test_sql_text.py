"""No value or identifier is pasted into SQL text in qualcode/ (issue 18 point 2).

Values are bound parameters, queries are SQLAlchemy Core or constant text; the
statements that must name things (row-level security, roles and grants, the search
table, pragmas) are built in one module, ``qualcode/store/ddl.py``, from fixed lists
of names, quoted by SQLAlchemy's identifier preparer. This test reads the syntax
tree of every module and fails on SQL text built any other way: an f-string, a
``%`` or ``.format`` on SQL text, a ``+``/``+=`` joining SQL text with something
that is not constant text, or SQL text joining a list (``" AND ".join(...)``).
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qualcode"
DDL = "qualcode/store/ddl.py"

SQL = re.compile(
    r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|CREATE|DROP|ALTER|GRANT|REVOKE|PRAGMA|"
    r"WHERE|FROM|JOIN|AND|OR|ORDER BY|GROUP BY|LIMIT|VALUES|EXISTS|POLICY|UNION)\b"
)
"""Upper-case SQL words (prose in messages is not written in capitals)."""

KNOWN: dict[str, int] = {
    # Not SQL: the full-text query (FTS5's own syntax, with AND and OR) is the value of
    # a bound parameter (:q).
    "qualcode/store/search.py": 2,
}
"""Files with SQL text still built by pasting, and how many places: a new one fails."""


def _text(node: ast.AST) -> str:
    return " ".join(
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    )


def _constant(node: ast.AST) -> bool:
    """Constant text: string literals joined by ``+`` (an implicit join is one literal)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant(node.left) and _constant(node.right)
    return False


def _module_strings(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to text (``FUNCTIONS = \"\"\"CREATE ...\"\"\"``)."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and _text(node.value):
                out[target.id] = _text(node.value)
    return out


def pasted_sql(source: str) -> list[int]:
    """Lines of ``source`` where SQL text is built by pasting."""
    tree = ast.parse(source)
    named = _module_strings(tree)
    lines: list[int] = []
    for node in ast.walk(tree):
        hit = False
        if isinstance(node, ast.JoinedStr):
            hit = any(isinstance(v, ast.FormattedValue) for v in node.values) and bool(
                SQL.search(_text(node))
            )
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            hit = bool(SQL.search(_text(node.left)))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            hit = not _constant(node) and bool(SQL.search(_text(node)))
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
            hit = bool(SQL.search(_text(node.value)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            text = named.get(receiver.id, "") if isinstance(receiver, ast.Name) else _text(receiver)
            if isinstance(receiver, ast.Name | ast.Constant | ast.JoinedStr):
                hit = node.func.attr in ("format", "join") and bool(SQL.search(text))
        if hit:
            lines.append(getattr(node, "lineno", 0))
    return sorted(set(lines))


def test_no_sql_text_is_built_by_pasting_outside_ddl() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == DDL:
            continue
        lines = pasted_sql(path.read_text(encoding="utf-8"))
        if lines:
            found[name] = len(lines)
            where[name] = lines
    assert {n: c for n, c in found.items() if KNOWN.get(n) != c} == {}, where
    assert set(KNOWN) <= set(found), "a file of KNOWN is clean now: remove it from KNOWN"


def test_the_check_finds_each_way_of_pasting() -> None:
    source = """
name, value, where, schema = "t", 1, ["a = 1"], "s"
a = f"SELECT * FROM {name}"
b = "DELETE FROM t WHERE x = %s" % value
c = "SELECT x FROM " + name
d = "UPDATE t SET x = {}".format(value)
e = " AND ".join(where)
sql = "SELECT 1"
sql += f" LIMIT {value}"
FUNCTIONS = "CREATE FUNCTION {schema}.f()"
f = FUNCTIONS.format(schema=schema)
ok1 = "SELECT x FROM t WHERE y = :y"
ok2 = ("SELECT x FROM t " "WHERE y = :y")
ok3 = "SELECT x " + "FROM t"
ok4 = f"cannot open {name}: select another file"
"""
    assert pasted_sql(source) == [3, 4, 5, 6, 7, 9, 11]


def test_ddl_quotes_names_and_refuses_unknown_ones() -> None:
    import pytest

    from qualcode.store import ddl

    assert ddl.create_policy("qc_x", "codings", "SELECT", "true", None) == (
        'CREATE POLICY "qc_x" ON "codings" FOR SELECT USING (true)'
    )
    with pytest.raises(ValueError):
        ddl.create_login_role('o"neil', "x")  # not a coder's name
    with pytest.raises(ValueError):
        ddl.table("codings; DROP TABLE codings")
    with pytest.raises(ValueError):
        ddl.create_policy("qc_x", "codings", "SELECT; DROP", None, None)
    with pytest.raises(ValueError):
        ddl.grant_table("ALL PRIVILEGES", "codings", "ani")
    with pytest.raises(ValueError):
        ddl.search_insert("pk) VALUES (1); --")
    assert ddl.quoted('50% "x"') == '"50% ""x"""'  # no % doubled, quotes doubled
    assert ddl.export_plain_table("t", [("a b", "TEXT")]) == (
        'CREATE TABLE "t" (position INTEGER PRIMARY KEY, "a b" TEXT)'
    )
    with pytest.raises(ValueError):
        ddl.export_long_table("t", "TEXT); DROP TABLE x; --")
    assert ddl.set_role_password("ani.b-1", "it's") == "ALTER ROLE \"ani.b-1\" PASSWORD 'it''s'"
    assert ddl.grant_table('INSERT, UPDATE (memo, "end")', "codings", "ani") == (
        'GRANT INSERT, UPDATE (memo, "end") ON "codings" TO "ani"'
    )


def test_ddl_composes_policies_and_functions_from_fixed_names() -> None:
    import pytest

    from qualcode.store import ddl

    sup = "EXISTS (SELECT 1 FROM coders q WHERE q.role = 'supervisor')"
    assert ddl.either("coder = current_user", ddl.group(ddl.both(sup, "x")), ddl.negate("y")) == (
        f"coder = current_user OR ({sup} AND x) OR NOT y"
    )
    template = "SET search_path = {schema}; {schema}.{kept} {immutable_new} {immutable_old}"
    assert ddl.functions(
        template, schema="public", kept="qc_review_kept", immutable=("pk", "anchor")
    ) == (
        "SET search_path = public; public.qc_review_kept (NEW.pk, NEW.anchor) (OLD.pk, OLD.anchor)"
    )
    # quoted where PostgreSQL's quote_ident() quotes: capitals, spaces, quotes, reserved words
    assert ddl.functions("{schema}", schema='Tim "A"') == '"Tim ""A"""'
    assert ddl.functions("{schema}", schema="user") == '"user"'
    with pytest.raises(ValueError):
        ddl.functions("{kept}", kept="pg_authid")  # not a table of the project
    with pytest.raises(ValueError):
        ddl.functions("{immutable_new}", immutable=("pk); DROP TABLE codings; --",))
    with pytest.raises(ValueError):
        ddl.functions("{schema}", schema="")
    with pytest.raises(ValueError):
        ddl.schema_name(None)  # type: ignore[arg-type]  # current_schema() gave NULL
    with pytest.raises(KeyError):
        ddl.functions("{schema}")  # a name the caller did not give is not left as text
