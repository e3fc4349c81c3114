"""The auto-coder's regex reading (qualcode/nlp/regex_tree.py): public APIs only, and
its required-word prefilter never turns away a text the expression matches."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.nlp import regex_tree
from qualcode.nlp.autocode import required_sets
from qualcode.nlp.morph import WORD_RE
from tests.conftest import hypothesis_examples

ROOT = Path(__file__).resolve().parents[2] / "qualcode"

WORDS = (
    "salah", "ketik", "syarat", "bingung", "itu", "yang", "jadi-jadi", "biaya",
    "pungli", "kantor", "antre", "lama", "o'clock", "surat", "camat", "nya", "di",
    "officer", "waiting", "kafé", "ß", "x",
)  # fmt: skip
FILLER = st.lists(
    st.sampled_from([*WORDS, " ", ", ", ". ", "-", "'", "\n", "12", "_", "Éé"]), max_size=6
).map("".join)


def holds(keys: frozenset[tuple[str, bool, bool]], text: str) -> bool:
    """Whether ``text`` has a word the way the prefilter looks for one of ``keys``:
    a whole word (or a piece of a hyphenated one), a word start, a word end, or
    anywhere inside a word."""
    words = WORD_RE.findall(text.lower())
    pieces = {p for w in words for p in re.split("[-'’]", w)} | set(words)
    return any(
        (a and b and k in pieces)
        or (a and not b and any(p.startswith(k) for p in pieces))
        or (b and not a and any(p.endswith(k) for p in pieces))
        or (not a and not b and any(k in w for w in words))
        for k, a, b in keys
    )


def cased(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))


@st.composite
def piece(draw: st.DrawFn, depth: int = 0) -> tuple[str, str]:
    """A piece of an expression and a text it matches."""
    kinds = ["word", "word", "boundary", "space", "nonword", "wordchars", "any", "class"]
    if depth < 2:
        kinds += ["group", "alternatives", "optional", "repeat", "lookahead", "notahead"]
    kind = draw(st.sampled_from(kinds))
    if kind == "word":
        word = draw(st.sampled_from(WORDS))
        return re.escape(word), cased(draw, word)
    if kind == "boundary":
        return r"\b", ""
    if kind == "space":
        return r"\s+", draw(st.sampled_from([" ", "  ", "\n", "\t "]))
    if kind == "nonword":
        return r"\W", draw(st.sampled_from([" ", ",", "-", "'", "."]))
    if kind == "wordchars":
        return r"\w*", draw(st.sampled_from(["", "nya", "kan", "_1", "é"]))
    if kind == "any":
        return r".{0,3}", draw(st.text(alphabet="ab -'é", max_size=3))
    if kind == "class":
        return "[a-z]+", draw(st.sampled_from(["a", "zz", "kan"]))
    inner, sample = draw(sequence(depth + 1))
    if kind == "group":
        return f"({inner})", sample
    if kind == "alternatives":
        other, other_sample = draw(sequence(depth + 1))
        first = draw(st.booleans())
        return f"(?:{inner}|{other})", sample if first else other_sample
    if kind == "optional":
        return f"(?:{inner})?", sample if draw(st.booleans()) else ""
    if kind == "repeat":
        return f"(?:{inner}){{1,2}}", sample * draw(st.integers(1, 2))
    if kind == "lookahead":
        return f"(?={inner})", ""
    return f"(?!{inner})", ""


@st.composite
def sequence(draw: st.DrawFn, depth: int = 0) -> tuple[str, str]:
    parts = draw(st.lists(piece(depth), min_size=1, max_size=4))
    return "".join(p for p, _ in parts), "".join(s for _, s in parts)


@settings(derandomize=True, max_examples=hypothesis_examples(400), deadline=None)
@given(sequence(), FILLER, FILLER)
def test_the_prefilter_never_turns_away_a_matching_text(
    expression: tuple[str, str], before: str, after: str
) -> None:
    pattern, sample = expression
    text = before + sample + after
    if not re.compile(pattern, re.IGNORECASE).search(text):
        return  # a boundary or lookahead the filler broke: nothing to check
    for keys in required_sets(pattern):
        assert holds(keys, text), (pattern, text, keys)


@settings(derandomize=True, max_examples=hypothesis_examples(200), deadline=None)
@given(st.text(alphabet="ab()[]|?*+{}\\^$.:=!<>P-,0123456789sWbBAZwdxu", max_size=12))
def test_any_expression_is_read_or_refused_cleanly(pattern: str) -> None:
    """Random text: an invalid expression raises re.error, a valid one is read or
    refused as Unsupported; never another exception, never a hang."""
    try:
        re.compile(pattern)
    except re.error:
        with pytest.raises(re.error):
            regex_tree.parse(pattern)
        assert required_sets(pattern) == ()
        return
    try:
        regex_tree.parse(pattern)
    except regex_tree.Unsupported:
        assert required_sets(pattern) == ()


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            r"\bsalah\s+ketik",
            [("at", "at_boundary"), ("literal", "salah"), ("repeat", "1"), ("literal", "ketik")],
        ),
        (r"(?i)\Abiaya\Z", [("at", "b"), ("literal", "biaya"), ("at", "e")]),
        (r"a\x41\u00e9\N{LATIN SMALL LETTER SHARP S}\0\n", [("literal", "aAéß\0\n")]),
    ],
)
def test_trees_of_plain_expressions(pattern: str, expected: list[tuple[str, str]]) -> None:
    def flat(nodes: list[regex_tree.Node]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for op, av in nodes:
            if op == regex_tree.LITERAL and out and out[-1][0] == "literal":
                out[-1] = ("literal", out[-1][1] + chr(av))
            elif op == regex_tree.LITERAL:
                out.append(("literal", chr(av)))
            elif op == regex_tree.AT:
                out.append(("at", "b" if "beginning" in av else "e" if "end" in av else av))
            elif op == regex_tree.MAX_REPEAT:
                out.append(("repeat", str(av[0])))
            elif op == regex_tree.IN:
                out.append(("in", "space" if av[0][1] == regex_tree.CATEGORY_SPACE else "?"))
        return out

    assert flat(regex_tree.parse(pattern)) == expected


@pytest.mark.parametrize(
    "pattern",
    [r"(?x)salah ketik", r"(?a)\bsalah\b", r"(?a:\bsalah)", r"(a)?(?(1)salah|benar)"],
)
def test_expressions_read_unsafely_are_refused(pattern: str) -> None:
    with pytest.raises(regex_tree.Unsupported):
        regex_tree.parse(pattern)
    assert required_sets(pattern) == ()


def test_required_words_through_groups_repeats_and_lookarounds() -> None:
    assert {("surat", True, True)} in [
        set(s) for s in required_sets(r"(?:\bsurat\b)+(?=\s)(?!x)\s*\d+")
    ]
    # a word only inside a negative lookahead is never required
    assert required_sets(r"(?!\bpungli\b)\w+") == ()
    # a back-reference or an optional word is not required either
    assert required_sets(r"(\w+) \1") == () and required_sets(r"(?:pungli)?") == ()


def _imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def private_stdlib(name: str) -> bool:
    """Whether ``name`` (a module, or a module's attribute) is a private part of the
    standard library: an ``_``-prefixed module or name in it, or the old ``sre_*``."""
    parts = name.split(".")
    if parts[0] in {"sre_parse", "sre_compile", "sre_constants"}:
        return True
    if parts[0] not in sys.stdlib_module_names:
        return False
    return any(p.startswith("_") and not p.startswith("__") for p in parts)


def test_no_module_imports_a_private_stdlib_module() -> None:
    """No module of qualcode/ imports a private module of the standard library
    (``re._parser``, ``sre_parse``, ``_thread``...): they change without notice."""
    found = [
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in sorted(ROOT.rglob("*.py"))
        for name in _imported(ast.parse(path.read_text(encoding="utf-8")))
        if private_stdlib(name)
    ]
    assert found == []


def test_the_private_import_check_tells_them_apart() -> None:
    tree = ast.parse(
        "from re import _parser\nimport sre_parse\nimport _thread\nimport os.path\n"
        "from __future__ import annotations\nfrom qualcode import _private\nimport re"
    )
    private = [n for n in _imported(tree) if private_stdlib(n)]
    assert private == ["re._parser", "sre_parse", "_thread"]
