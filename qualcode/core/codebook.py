"""The codebook model and its validation.

A codebook is a tree of codes. Each code has a stable ``id`` (dotted by convention,
``time.late_letters``) that never changes when the code moves; renamed ids stay as
``aliases``. The YAML form is read by :mod:`qualcode.importers.codebook_yaml`, which
hands this module plain Python data plus a map from *paths* (tuples of keys and list
indices) to source positions, so that every problem found here is reported as
``FILE:LINE:COL: message``.

This module is pure: no YAML, no database, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from qualcode.errors import InputError, Problem
from qualcode.i18n import N_, _

FORMAT_VERSION = 1
"""The codebook format version this release reads and writes."""

Path = tuple[str | int, ...]
"""A path into the raw codebook data, e.g. ``("codes", 0, "children", 2, "label")``."""

Label = str | dict[str, str]
"""A label: one plain string, or translations keyed by language (``{"id": ..., "en": ...}``)."""

TOP_LEVEL_FIELDS = ("version", "name", "description", "languages", "relations", "codes")
CODE_FIELDS = (
    "id",
    "label",
    "description",
    "inclusion",
    "exclusion",
    "examples",
    "color",
    "key",
    "children",
    "aliases",
    "rules",
    "parent",
    "memo",
    "valence",
)
VALENCES = ("negative", "positive", "neutral", "mixed")
"""A code's ``valence``: how a passage coded with it weighs in the dimension scorecard."""
RELATION_FIELDS = ("id", "label", "direction")
RELATION_DIRECTIONS = ("directed", "undirected")
RELATION_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}\Z")
"""A relation type id: lowercase letters, digits and ``_`` (``leads_to``)."""
RULE_FIELDS = (
    "keywords",
    "phrases",
    "regex",
    "patterns",
    "negative",
    "scope",
    "speaker",
    "match",
    "min_score",
)
RULE_LIST_FIELDS = ("keywords", "phrases", "regex", "patterns", "negative")
RULE_SCOPES = ("sentence", "turn")
RULE_SPEAKERS = ("any", "participant", "interviewer")
RULE_MATCH = ("lemma", "exact")

MAX_DEPTH = 100
"""The deepest a code may sit under its top-level code (as YAML nesting is limited)."""

ID_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")
KEY_RE = re.compile(r"^[a-z0-9]{1,3}\Z")
COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z")

# A colour-blind-friendly palette (Okabe-Ito plus Tol's muted set) for codes
# that have no colour of their own; chosen by position so it is stable.
PALETTE = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
    "#88ccee",
    "#44aa99",
    "#117733",
    "#999933",
    "#ddcc77",
    "#cc6677",
    "#882255",
    "#aa4499",
    "#332288",
)


@dataclass(frozen=True)
class Rules:
    """Auto-coding rules of one code.

    List fields map a language (``"id"``, ``"en"``) or ``"*"`` (every language) to
    their entries, so that ``keywords: [antre]`` and ``keywords: {id: [antre]}`` are
    both kept as written.

    Attributes:
        keywords: single words, matched on lemma (or exact form, see ``match``).
        phrases: multi-word phrases, matched on lowercased tokens.
        regex: regular expressions over the unit's text (case-insensitive).
        patterns: spaCy Matcher token patterns (lists of token dicts).
        negative: words that veto a match in the same unit.
        scope: the unit a match codes: ``sentence`` or ``turn``.
        speaker: only units spoken by this role (``any`` for all).
        match: ``lemma`` or ``exact`` for keywords.
        min_score: reserved for weighted rules; kept as written.
    """

    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regex: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    negative: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scope: str = "sentence"
    speaker: str = "any"
    match: str = "lemma"
    min_score: float | None = None

    def for_language(self, name: str, lang: str) -> tuple[Any, ...]:
        """Entries of list field ``name`` that apply to language ``lang``."""
        values: dict[str, tuple[Any, ...]] = getattr(self, name)
        return values.get("*", ()) + values.get(lang, ())

    def is_empty(self) -> bool:
        """True when the rules would never match anything."""
        return not any(getattr(self, n) for n in ("keywords", "phrases", "regex", "patterns"))

    def to_data(self) -> dict[str, Any]:
        """The rules as plain data in the YAML shape (defaults left out)."""
        out: dict[str, Any] = {}
        for name in RULE_LIST_FIELDS:
            values: dict[str, tuple[Any, ...]] = getattr(self, name)
            if not values:
                continue
            if set(values) == {"*"}:
                out[name] = [_plain(v) for v in values["*"]]
            else:
                out[name] = {lang: [_plain(v) for v in items] for lang, items in values.items()}
        if self.scope != "sentence":
            out["scope"] = self.scope
        if self.speaker != "any":
            out["speaker"] = self.speaker
        if self.match != "lemma":
            out["match"] = self.match
        if self.min_score is not None:
            out["min_score"] = self.min_score
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Attributes:
        id: the stable identifier (never a path; moving a code keeps it).
        label: a plain string or translations by language.
        parent: id of the parent code, ``None`` for a top-level code.
        description: the definition coders apply.
        inclusion: when to use the code.
        exclusion: when not to use it (and what to use instead).
        examples: example passages.
        color: ``#rrggbb``; ``None`` means a palette colour chosen by position.
        key: the key sequence that applies it in the workbench.
        aliases: earlier ids that still resolve to this code.
        rules: auto-coding rules, or ``None``.
        memo: a free memo about the code.
        valence: ``negative``, ``positive``, ``neutral`` or ``mixed``; ``None``
            when the code carries none (the scorecard then looks at its parent).
    """

    id: str
    label: Label
    parent: str | None = None
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    color: str | None = None
    key: str | None = None
    aliases: tuple[str, ...] = ()
    rules: Rules | None = None
    memo: str = ""
    valence: str | None = None

    def label_in(self, lang: str | None = None) -> str:
        """The label in ``lang``, falling back to the first translation given."""
        return label_text(self.label, lang)

    def labels(self) -> dict[str, str]:
        """Every translation (a plain label appears under ``"*"``)."""
        if isinstance(self.label, str):
            return {"*": self.label}
        return dict(self.label)


def label_text(label: Label, lang: str | None = None) -> str:
    """Pick the text of ``label`` in ``lang`` (or the first one given)."""
    if isinstance(label, str):
        return label
    if lang and lang in label:
        return label[lang]
    return next(iter(label.values()), "")


@dataclass(frozen=True)
class RelationType:
    """One entry of the relation vocabulary (``relations:`` in the codebook YAML).

    Attributes:
        id: the stable id (``leads_to``), used on the command line and in files.
        label: its words, plain or by language.
        directed: whether it reads from source to target (``A leads to B``) or both
            ways alike (``A contradicts B``).
    """

    id: str
    label: Label
    directed: bool = True

    def label_in(self, lang: str | None = None) -> str:
        """The label in ``lang`` (or the first one given)."""
        return label_text(self.label, lang)


DEFAULT_RELATION_TYPES: tuple[RelationType, ...] = (
    RelationType("is_part_of", {"en": "is part of", "id": "bagian dari"}, True),
    RelationType("leads_to", {"en": "leads to", "id": "mengarah ke"}, True),
    RelationType("contradicts", {"en": "contradicts", "id": "bertentangan dengan"}, False),
    RelationType(
        "is_associated_with", {"en": "is associated with", "id": "berkaitan dengan"}, False
    ),
    RelationType("illustrates", {"en": "illustrates", "id": "mengilustrasikan"}, True),
    RelationType("refines", {"en": "refines", "id": "memperjelas"}, True),
)
"""The vocabulary of a thematic analysis, used when the codebook names none."""


@dataclass(frozen=True)
class Codebook:
    """A validated codebook: codes in codebook order (pre-order over the tree).

    Attributes:
        codes: every code, parents before their children, siblings in file order.
        name: a title for the codebook.
        description: what the codebook is for.
        languages: label languages in preference order (the first is the default).
        version: the format version.
        relations: the relation vocabulary the file names (``None``: it names none,
            and :data:`DEFAULT_RELATION_TYPES` apply).
    """

    codes: tuple[Code, ...]
    name: str = ""
    description: str = ""
    languages: tuple[str, ...] = ()
    version: int = FORMAT_VERSION
    relations: tuple[RelationType, ...] | None = None

    @property
    def relation_types(self) -> tuple[RelationType, ...]:
        """The relation vocabulary in force: the file's, or the default."""
        return self.relations if self.relations is not None else DEFAULT_RELATION_TYPES

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {c.id: c for c in self.codes})
        position: dict[str, int] = {}
        for i, c in enumerate(self.codes):
            position.setdefault(c.id, i)
        # a code's place for its palette colour, without a scan per lookup
        object.__setattr__(self, "_position", position)
        aliases: dict[str, str] = {}
        for c in self.codes:
            for a in c.aliases:
                aliases[a] = c.id
        object.__setattr__(self, "_aliases", aliases)

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id  # type: ignore[attr-defined]

    def get(self, code_id: str) -> Code | None:
        """The code with this id or alias, or ``None``."""
        by_id: dict[str, Code] = self._by_id  # type: ignore[attr-defined]
        if code_id in by_id:
            return by_id[code_id]
        aliases: dict[str, str] = self._aliases  # type: ignore[attr-defined]
        target = aliases.get(code_id)
        return by_id[target] if target else None

    def __getitem__(self, code_id: str) -> Code:
        code = self.get(code_id)
        if code is None:
            raise KeyError(code_id)
        return code

    def children(self, code_id: str | None) -> list[Code]:
        """Direct children of ``code_id`` (``None``: the top level), in order."""
        return [c for c in self.codes if c.parent == code_id]

    def top_level(self, code_id: str) -> str:
        """The id of the top-level ancestor (a code without a parent is its own)."""
        seen: set[str] = set()
        current = self[code_id]
        while current.parent is not None and current.parent not in seen:
            seen.add(current.id)
            current = self[current.parent]
        return current.id

    def depth(self, code_id: str) -> int:
        """0 for a top-level code, 1 for its children, and so on."""
        depth = 0
        current = self[code_id]
        while current.parent is not None:
            depth += 1
            current = self[current.parent]
        return depth

    def path(self, code_id: str) -> list[str]:
        """Ids from the top-level ancestor down to ``code_id``."""
        out = [code_id]
        current = self[code_id]
        while current.parent is not None:
            out.append(current.parent)
            current = self[current.parent]
        return list(reversed(out))

    def color_of(self, code_id: str) -> str:
        """The code's colour, or a stable palette colour by position."""
        code = self[code_id]
        if code.color:
            return normalize_color(code.color)
        index: int = self._position[code.id]  # type: ignore[attr-defined]
        return PALETTE[index % len(PALETTE)]

    def by_key(self) -> dict[str, Code]:
        """Codes that have a key, by key."""
        return {c.key: c for c in self.codes if c.key}


def check_color(color: str) -> str:
    """A valid colour, normalised to ``#rrggbb``.

    Raises:
        InputError: for anything but ``#RGB`` / ``#RRGGBB``.
    """
    if not COLOR_RE.match(color.strip()):
        raise InputError(
            _("bad colour {color!r}").format(color=color), hint=_("write it as #RRGGBB or #RGB")
        )
    return normalize_color(color)


def check_key(key: str) -> str:
    """A valid code key (1 to 3 lowercase letters or digits).

    Raises:
        InputError: otherwise.
    """
    if not KEY_RE.match(key):
        raise InputError(
            _("bad key {key!r}").format(key=key),
            hint=_("a key is 1 to 3 lowercase letters or digits"),
        )
    return key


def check_id(code_id: str) -> str:
    """A valid code id.

    Raises:
        InputError: otherwise.
    """
    if not ID_RE.match(code_id):
        raise InputError(
            _("bad code id {code_id!r}").format(code_id=code_id),
            hint=_("use letters, digits, '_', '-' and '.', no spaces"),
        )
    return code_id


def normalize_color(color: str) -> str:
    """``#ABC`` -> ``#aabbcc``; ``#AABBCC`` -> ``#aabbcc``."""
    c = color.strip().lower()
    if len(c) == 4:
        c = "#" + "".join(ch * 2 for ch in c[1:])
    return c


def tree_order(codes: Iterable[Code]) -> list[Code]:
    """Re-order codes so parents come before children and siblings keep their order."""
    codes = list(codes)
    children: dict[str | None, list[Code]] = {}
    known = {c.id for c in codes}
    for c in codes:
        parent = c.parent if c.parent in known else None
        children.setdefault(parent, []).append(c)
    out: list[Code] = []
    seen: set[str] = set()
    # depth first without recursion: a chain of parents may be a thousand codes deep
    stack: list[Iterator[Code]] = [iter(children.get(None, []))]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        if child.id in seen:
            continue
        seen.add(child.id)
        out.append(child)
        stack.append(iter(children.get(child.id, [])))
    # codes caught in a cycle are unreachable from the top; keep them, in order
    out.extend(c for c in codes if c.id not in seen)
    return out


# --------------------------------------------------------------------------
# Parsing and validation of raw data


class _Collector:
    def __init__(self, source: str | None, positions: Mapping[Path, tuple[int, int]]) -> None:
        self.source = source
        self.positions = positions
        self.problems: list[Problem] = []

    def where(self, path: Path) -> tuple[int | None, int | None]:  # noqa: D102
        # fall back to the nearest enclosing node that has a position
        p = path
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        found = self.positions.get(())
        return (found[0], found[1]) if found else (None, None)

    def add(self, path: Path, message: str, hint: str | None = None) -> None:
        line, column = self.where(path)
        self.problems.append(Problem(message, self.source, line, column, hint))


def parse_codebook(
    data: Any,
    positions: Mapping[Path, tuple[int, int]] | None = None,
    source: str | None = None,
) -> Codebook:
    """Validate raw codebook data and build a :class:`Codebook`.

    Args:
        data: the parsed YAML document (mappings, lists, strings).
        positions: 1-based (line, column) of each node, keyed by path. A key's own
            position is stored under ``path + ("<key>",)``.
        source: the file name used in problems.

    Returns:
        The codebook, codes in pre-order.

    Raises:
        InputError: with one problem per defect (unknown fields, duplicate ids or
            keys, missing labels, bad colours, unknown parents, parent cycles, bad rules).
    """
    problems = validate_codebook_data(data, positions or {}, source)
    if problems:
        raise InputError.from_problems(problems)
    return _build(data)


def validate_codebook_data(
    data: Any,
    positions: Mapping[Path, tuple[int, int]] | None = None,
    source: str | None = None,
) -> list[Problem]:
    """Every problem in raw codebook data, in file order; empty when valid."""
    if isinstance(data, list):  # a bare list of codes: the same as 'codes:'
        data = {"codes": data}
        positions = {("codes", *k): v for k, v in (positions or {}).items()} | {
            k: v for k, v in (positions or {}).items() if k == ()
        }
    col = _Collector(source, positions or {})
    if data is None:
        col.add((), _("the codebook is empty"), _("add a 'codes:' list"))
        return col.problems
    if not isinstance(data, Mapping):
        col.add((), _("a codebook must be a mapping with a 'codes:' list"))
        return col.problems
    _check_top_level(col, data)
    codes = _codes_list(col, data)
    if codes is None:
        return col.problems
    walk = _CodeWalk(col)
    walk.codes(codes, ("codes",), None)
    _check_alias_ids(col, walk.seen_aliases, walk.seen_ids)
    _check_unknown_parents(col, walk.parents, walk.seen_ids)
    _check_parent_chains(col, walk.parents)
    col.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return col.problems


def _check_top_level(col: _Collector, data: Mapping[Any, Any]) -> None:
    """Problems of the codebook's own fields (everything but its codes)."""
    if "conflict" in data:
        _unresolved(col, ("conflict",), data["conflict"], "the codebook")
    for key in data:
        if key != "conflict" and key not in TOP_LEVEL_FIELDS:
            col.add(
                (str(key), "<key>"),
                _("unknown field {key!r}").format(key=key),
                _("allowed at the top: {TOP_LEVEL_FIELDS}").format(
                    TOP_LEVEL_FIELDS=", ".join(TOP_LEVEL_FIELDS)
                ),
            )
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        col.add(
            ("version",),
            _("unsupported codebook version {version!r}").format(version=version),
            _("this release reads version: 1"),
        )
    for name in ("name", "description"):
        if name in data and not isinstance(data[name], str | None):
            col.add((name,), _("{name!r} must be text").format(name=name))
    languages = data.get("languages")
    if languages is not None and (
        not isinstance(languages, list) or not all(isinstance(x, str) for x in languages)
    ):
        col.add(("languages",), _("'languages' must be a list of language codes such as [id, en]"))
    if data.get("relations") is not None:
        _check_relations(col, data["relations"])


def _codes_list(col: _Collector, data: Mapping[Any, Any]) -> list[Any] | None:
    """The ``codes:`` list, or None (with the problem said) when there is none."""
    codes = data.get("codes")
    if "codes" not in data or codes is None:
        col.add(
            ("codes",) if "codes" in data else (),
            _("the codebook has no codes"),
            _("add a 'codes:' list"),
        )
        return None
    if not isinstance(codes, list):
        col.add(("codes",), _("'codes' must be a list"))
        return None
    return codes


class _CodeWalk:
    """Checks every code of the tree in file order, collecting ids, keys, aliases
    and parents for the checks across codes."""

    def __init__(self, col: _Collector) -> None:
        self.col = col
        self.seen_ids: dict[str, Path] = {}
        self.seen_keys: dict[str, str] = {}
        self.seen_aliases: dict[str, str] = {}
        self.parents: dict[str, tuple[str | None, Path]] = {}

    def codes(self, items: list[Any], base: Path, parent: str | None) -> None:
        """Check the codes of one list (the top level or a code's children)."""
        for i, item in enumerate(items):
            path = (*base, i)
            if not isinstance(item, Mapping):
                self.col.add(path, _("a code must be a mapping with at least 'id' and 'label'"))
                continue
            self.code(item, path, parent)

    def code(self, item: Mapping[Any, Any], path: Path, parent: str | None) -> None:
        """Check one code, then its children."""
        col = self.col
        if "conflict" in item:
            _unresolved(col, (*path, "conflict"), item["conflict"], f"code {item.get('id')!r}")
        self.fields(item, path)
        code_id_s = self.code_id(item, path)
        _check_label(col, item, path, code_id_s)
        _check_code_texts(col, item, path, code_id_s)
        _check_color(col, item.get("color"), path, code_id_s)
        self.key(item.get("key"), path, code_id_s)
        self.aliases(item.get("aliases"), path, code_id_s)
        _check_valence(col, item.get("valence"), path, code_id_s)
        if "rules" in item and item["rules"] is not None:
            _check_rules(col, item["rules"], (*path, "rules"), code_id_s)
        self.parent(item.get("parent"), path, code_id_s, parent)
        children = item.get("children")
        if children is not None:
            if not isinstance(children, list):
                col.add(
                    (*path, "children"),
                    _("'children' of {code_id_s!r} must be a list").format(code_id_s=code_id_s),
                )
            else:
                self.codes(children, (*path, "children"), code_id_s)

    def fields(self, item: Mapping[Any, Any], path: Path) -> None:
        """Unknown fields of a code."""
        for key in item:
            if key != "conflict" and key not in CODE_FIELDS:
                self.col.add(
                    (*path, str(key), "<key>"),
                    _("unknown field {key!r} in code {value!r}").format(
                        key=key, value=item.get("id", "?")
                    ),
                    _("allowed: {CODE_FIELDS}").format(CODE_FIELDS=", ".join(CODE_FIELDS)),
                )

    def code_id(self, item: Mapping[Any, Any], path: Path) -> str | None:
        """The code's id as text, or None when it has none or a bad one."""
        code_id = item.get("id")
        if code_id is None:
            self.col.add(
                path,
                _("a code has no 'id'"),
                _("give every code a stable id such as time.late_letters"),
            )
            return None
        if not isinstance(code_id, str | int) or not ID_RE.match(str(code_id)):
            self.col.add(
                (*path, "id"),
                _("bad code id {code_id!r}").format(code_id=code_id),
                _("use letters, digits, '_', '-' and '.', no spaces"),
            )
            return None
        code_id_s = str(code_id)
        if code_id_s in self.seen_ids:
            first = self.col.where(self.seen_ids[code_id_s])
            self.col.add(
                (*path, "id"),
                _("duplicate code id {code_id_s!r}, first defined on line {first}").format(
                    code_id_s=code_id_s, first=first[0]
                ),
                _("every id must be unique"),
            )
        else:
            self.seen_ids[code_id_s] = (*path, "id")
        return code_id_s

    def key(self, key: Any, path: Path, code_id_s: str | None) -> None:
        """A bad or duplicate shortcut key."""
        if key is None:
            return
        key_s = str(key)
        if not KEY_RE.match(key_s):
            self.col.add(
                (*path, "key"),
                _("bad key {key!r} for code {code_id_s!r}").format(key=key, code_id_s=code_id_s),
                _("a key is 1 to 3 lowercase letters or digits"),
            )
        elif key_s in self.seen_keys:
            self.col.add(
                (*path, "key"),
                _("duplicate key {key_s!r}: code {code_id_s!r} and code {seen_keys!r}").format(
                    key_s=key_s, code_id_s=code_id_s, seen_keys=self.seen_keys[key_s]
                ),
                _("give each code its own key"),
            )
        else:
            self.seen_keys[key_s] = code_id_s or "?"

    def aliases(self, aliases: Any, path: Path, code_id_s: str | None) -> None:
        """Bad aliases, and an alias two codes claim."""
        if aliases is None:
            return
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and ID_RE.match(a) for a in aliases
        ):
            self.col.add(
                (*path, "aliases"),
                _("'aliases' of {code_id_s!r} must be a list of ids").format(code_id_s=code_id_s),
            )
            return
        for j, alias in enumerate(aliases):
            if alias in self.seen_aliases and self.seen_aliases[alias] != code_id_s:
                self.col.add(
                    (*path, "aliases", j),
                    _("alias {alias!r} is used by {seen_aliases!r} and {code_id_s!r}").format(
                        alias=alias,
                        seen_aliases=self.seen_aliases[alias],
                        code_id_s=code_id_s,
                    ),
                )
            self.seen_aliases[alias] = code_id_s or "?"

    def parent(
        self, explicit_parent: Any, path: Path, code_id_s: str | None, parent: str | None
    ) -> None:
        """A code both nested and naming a parent; records its parent."""
        if explicit_parent is not None and parent is not None:
            self.col.add(
                (*path, "parent"),
                _(
                    "code {code_id_s!r} is nested under {parent!r} and also names parent {explicit_parent!r}"
                ).format(code_id_s=code_id_s, parent=parent, explicit_parent=explicit_parent),
                _("use either 'children' or 'parent', not both"),
            )
        if code_id_s is not None and code_id_s not in self.parents:
            effective = (
                parent
                if parent is not None
                else (str(explicit_parent) if explicit_parent is not None else None)
            )
            self.parents[code_id_s] = (effective, (*path, "parent") if explicit_parent else path)


def _check_code_texts(
    col: _Collector, item: Mapping[Any, Any], path: Path, code_id_s: str | None
) -> None:
    """The text fields and the examples of a code."""
    for text_field in ("description", "inclusion", "exclusion", "memo"):
        if text_field in item and not isinstance(item[text_field], str | None):
            col.add(
                (*path, text_field),
                _("{text_field!r} of {code_id_s!r} must be text").format(
                    text_field=text_field, code_id_s=code_id_s
                ),
            )
    if "examples" in item:
        ex = item["examples"]
        if not isinstance(ex, str) and (
            not isinstance(ex, list | None) or not all(isinstance(e, str) for e in ex or [])
        ):
            col.add(
                (*path, "examples"),
                _("'examples' of {code_id_s!r} must be a list of texts").format(
                    code_id_s=code_id_s
                ),
            )


def _check_color(col: _Collector, color: Any, path: Path, code_id_s: str | None) -> None:
    if color is not None and (not isinstance(color, str) or not COLOR_RE.match(color.strip())):
        col.add(
            (*path, "color"),
            _("bad colour {color!r} for code {code_id_s!r}").format(
                color=color, code_id_s=code_id_s
            ),
            _("write it as #RRGGBB or #RGB"),
        )


def _check_valence(col: _Collector, valence: Any, path: Path, code_id_s: str | None) -> None:
    if valence is not None and valence not in VALENCES:
        col.add(
            (*path, "valence"),
            _("bad valence {valence!r} for code {code!r}").format(valence=valence, code=code_id_s),
            _("use one of: {v}").format(v=", ".join(VALENCES)),
        )


def _check_alias_ids(
    col: _Collector, seen_aliases: Mapping[str, str], seen_ids: Mapping[str, Path]
) -> None:
    """An id that is also another code's alias."""
    for alias, owner in seen_aliases.items():
        if alias in seen_ids and alias != owner:
            col.add(
                seen_ids[alias],
                _("id {alias!r} is also an alias of {owner!r}").format(alias=alias, owner=owner),
            )


def _check_unknown_parents(
    col: _Collector,
    parents: Mapping[str, tuple[str | None, Path]],
    seen_ids: Mapping[str, Path],
) -> None:
    for code_id, (parent, path) in parents.items():
        if parent is not None and parent not in seen_ids:
            col.add(
                path,
                _("code {code_id!r} names unknown parent {parent!r}").format(
                    code_id=code_id, parent=parent
                ),
            )


def _check_parent_chains(col: _Collector, parents: Mapping[str, tuple[str | None, Path]]) -> None:
    """Cycles through explicit 'parent' fields, and chains of parents too deep to show."""
    reported: set[str] = set()
    depth: dict[str, int] = {}
    too_deep = False
    for start in parents:
        chain, current = _parent_chain(start, parents, depth)
        if current is None or current not in chain:
            too_deep = _record_depths(col, chain, current, parents, depth, too_deep)
            continue
        cycle = chain[chain.index(current) :]
        key = min(cycle)
        if key not in reported:
            reported.add(key)
            col.add(
                parents[current][1],
                _("parent cycle: {value}").format(value=" -> ".join([*cycle, current])),
                _("a code cannot be its own ancestor"),
            )


def _parent_chain(
    start: str, parents: Mapping[str, tuple[str | None, Path]], depth: Mapping[str, int]
) -> tuple[list[str], str | None]:
    """The codes from ``start`` up to the first one that is a root, unknown, already
    measured or already in the chain (a cycle), and that one."""
    chain: list[str] = []
    in_chain: set[str] = set()
    current: str | None = start
    while current is not None and current in parents and current not in in_chain:
        if current in depth:
            break
        chain.append(current)
        in_chain.add(current)
        current = parents[current][0]
    return chain, current


def _record_depths(
    col: _Collector,
    chain: list[str],
    current: str | None,
    parents: Mapping[str, tuple[str | None, Path]],
    depth: dict[str, int],
    too_deep: bool,
) -> bool:
    """Each code's depth along a chain without a cycle; says the first too deep.
    Returns whether one was said (now or before)."""
    base = depth.get(current, 0) if current is not None else 0
    for i, code_id in enumerate(reversed(chain), start=1):
        depth[code_id] = base + i
        if base + i > MAX_DEPTH and not too_deep:
            too_deep = True
            col.add(
                parents[code_id][1],
                _("code {code_id!r} is {base} levels deep (at most {MAX_DEPTH})").format(
                    code_id=code_id, base=base + i, MAX_DEPTH=MAX_DEPTH
                ),
                _("use a flatter codebook"),
            )
    return too_deep


"""The field a merge leaves on a code (or the codebook) with an unresolved conflict."""

UNRESOLVED = N_("unresolved merge conflict")
"""The words every refusal of an unresolved merge result starts with."""


def _check_relations(col: _Collector, relations: Any) -> None:
    """Problems of the ``relations:`` list (id, label, direction per entry)."""
    if not isinstance(relations, list):
        col.add(
            ("relations",),
            _("'relations' must be a list of relation types"),
            _("each with id, label and direction (directed or undirected)"),
        )
        return
    seen: dict[str, int] = {}
    for i, item in enumerate(relations):
        path: Path = ("relations", i)
        if not isinstance(item, Mapping):
            col.add(path, _("a relation type must be a mapping with 'id' and 'label'"))
            continue
        for key in item:
            if key not in RELATION_FIELDS:
                col.add(
                    (*path, str(key), "<key>"),
                    _("unknown field {key!r} in relation type {id!r}").format(
                        key=key, id=item.get("id", "?")
                    ),
                    _("allowed: {allowed}").format(allowed=", ".join(RELATION_FIELDS)),
                )
        rid = item.get("id")
        if not isinstance(rid, str) or not RELATION_ID_RE.match(rid):
            col.add(
                (*path, "id") if "id" in item else path,
                _("bad relation type id {id!r}").format(id=rid),
                _("use lowercase letters, digits and '_', e.g. leads_to"),
            )
        elif rid in seen:
            col.add(
                (*path, "id"),
                _("duplicate relation type id {id!r}").format(id=rid),
                _("every id must be unique"),
            )
        else:
            seen[rid] = i
        label = item.get("label")
        if label is None:
            col.add(path, _("relation type {id!r} has no 'label'").format(id=rid))
        elif isinstance(label, Mapping):
            if not label or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in label.items()
            ):
                col.add(
                    (*path, "label"),
                    _("the label of relation type {id!r} must map languages to texts").format(
                        id=rid
                    ),
                )
        elif not isinstance(label, str) or not label.strip():
            col.add(
                (*path, "label"),
                _("the label of relation type {id!r} must be text").format(id=rid),
            )
        direction = item.get("direction", "directed")
        if direction not in RELATION_DIRECTIONS:
            col.add(
                (*path, "direction"),
                _("bad direction {direction!r} for relation type {id!r}").format(
                    direction=direction, id=rid
                ),
                _("use directed or undirected"),
            )


def relations_from_data(data: Any) -> tuple[RelationType, ...] | None:
    """The vocabulary from validated ``relations:`` data (``None`` when absent)."""
    if data is None:
        return None
    out: list[RelationType] = []
    for item in data:
        out.append(
            RelationType(
                id=str(item["id"]),
                label=_label(item["label"]),
                directed=str(item.get("direction", "directed")) == "directed",
            )
        )
    return tuple(out)


def relations_to_data(types: Sequence[RelationType]) -> list[dict[str, Any]]:
    """The vocabulary in the YAML shape."""
    return [
        {
            "id": t.id,
            "label": dict(t.label) if isinstance(t.label, dict) else t.label,
            "direction": "directed" if t.directed else "undirected",
        }
        for t in types
    ]


def _unresolved(col: _Collector, path: Path, block: Any, where: str) -> None:
    fields = ", ".join(str(k) for k in block) if isinstance(block, Mapping) and block else "?"
    col.add(
        (*path, "<key>"),
        # TRANSLATORS: starts with the translation of "unresolved merge conflict"
        _("unresolved merge conflict in {where}: {fields}").format(where=where, fields=fields),
        _(
            "keep the value you want in each field (ours is there now; base and theirs are in the block), then delete the 'conflict:' block"
        ),
    )


def _check_label(col: _Collector, item: Mapping[str, Any], path: Path, code_id: str | None) -> None:
    label = item.get("label")
    if label is None or (isinstance(label, str) and not label.strip()):
        col.add(
            (*path, "label") if "label" in item else path,
            _("code {code_id!r} has no label").format(code_id=code_id),
            _("add 'label: ...' or 'label: {id: ..., en: ...}'"),
        )
    elif isinstance(label, Mapping):
        if not label:
            col.add(
                (*path, "label"), _("code {code_id!r} has an empty label").format(code_id=code_id)
            )
        for lang, text in label.items():
            if not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}([_-][A-Za-z]{2,4})?$", lang):
                col.add(
                    (*path, "label", str(lang), "<key>"),
                    _("bad language {lang!r} in label of {code_id!r}").format(
                        lang=lang, code_id=code_id
                    ),
                )
            elif not isinstance(text, str) or not text.strip():
                col.add(
                    (*path, "label", lang),
                    _("empty {lang!r} label for code {code_id!r}").format(
                        lang=lang, code_id=code_id
                    ),
                )
    elif not isinstance(label, str):
        col.add(
            (*path, "label"),
            _("label of {code_id!r} must be text or {{id: ..., en: ...}}").format(code_id=code_id),
        )


def _check_rules(col: _Collector, rules: Any, path: Path, code_id: str | None) -> None:
    if not isinstance(rules, Mapping):
        col.add(path, _("'rules' of {code_id!r} must be a mapping").format(code_id=code_id))
        return
    for key, value in rules.items():
        if key not in RULE_FIELDS:
            col.add(
                (*path, str(key), "<key>"),
                _("unknown rule field {key!r} in code {code_id!r}").format(
                    key=key, code_id=code_id
                ),
                _("allowed: {RULE_FIELDS}").format(RULE_FIELDS=", ".join(RULE_FIELDS)),
            )
        elif key in RULE_LIST_FIELDS:
            _check_rule_list(col, key, value, (*path, key), code_id)
        else:
            _check_rule_setting(col, key, value, (*path, key), code_id)


def _check_rule_list(
    col: _Collector, key: str, value: Any, path: Path, code_id: str | None
) -> None:
    """A list rule (words, patterns, regex, ...): one list, or one per language."""
    per_lang: Mapping[Any, Any]
    if isinstance(value, list):
        per_lang = {"*": value}
        lang_paths: dict[Any, Path] = {"*": path}
    elif isinstance(value, Mapping):
        per_lang = value
        lang_paths = {lang: (*path, lang) for lang in value}
    else:
        col.add(
            path,
            _("rule {key!r} of {code_id!r} must be a list or {{id: [...], en: [...]}}").format(
                key=key, code_id=code_id
            ),
        )
        return
    for lang, entries in per_lang.items():
        lpath = lang_paths[lang]
        if not isinstance(entries, list):
            col.add(
                lpath,
                _("rule {key!r} of {code_id!r} for {lang!r} must be a list").format(
                    key=key, code_id=code_id, lang=lang
                ),
            )
            continue
        for j, entry in enumerate(entries):
            _check_rule_entry(col, key, entry, (*lpath, j), code_id)


def _check_rule_entry(
    col: _Collector, key: str, entry: Any, path: Path, code_id: str | None
) -> None:
    """One entry of a list rule: a token pattern, a word or a regular expression."""
    if key == "patterns":
        _check_pattern(col, entry, path, code_id)
    elif not isinstance(entry, str) or not entry.strip():
        col.add(
            path,
            _("rule {key!r} of {code_id!r} has an empty or non-text entry").format(
                key=key, code_id=code_id
            ),
        )
    elif key == "regex":
        try:
            re.compile(entry)
        except re.error as exc:
            col.add(
                path,
                _("bad regular expression {entry!r} in {code_id!r}: {exc}").format(
                    entry=entry, code_id=code_id, exc=exc
                ),
            )


def _check_rule_setting(
    col: _Collector, key: str, value: Any, path: Path, code_id: str | None
) -> None:
    """A rule's scope, speaker, match or min_score."""
    if key == "scope" and value not in RULE_SCOPES:
        col.add(
            path,
            _("bad rule scope {value!r} in {code_id!r}").format(value=value, code_id=code_id),
            _("use sentence or turn"),
        )
    elif key == "speaker" and value not in RULE_SPEAKERS:
        col.add(
            path,
            _("bad rule speaker {value!r} in {code_id!r}").format(value=value, code_id=code_id),
            _("use any, participant or interviewer"),
        )
    elif key == "match" and value not in RULE_MATCH:
        col.add(
            path,
            _("bad rule match {value!r} in {code_id!r}").format(value=value, code_id=code_id),
            _("use lemma or exact"),
        )
    elif key == "min_score" and not isinstance(value, int | float):
        col.add(
            path,
            _("'min_score' of {code_id!r} must be a number").format(code_id=code_id),
        )


# spaCy's Matcher token-pattern schema (spacy.schemas.TokenPattern), mirrored here so
# that the core stays free of spaCy; tests/nlp compares the two lists.
PATTERN_STRING_ATTRS = (
    "ORTH",
    "TEXT",
    "LOWER",
    "POS",
    "TAG",
    "MORPH",
    "DEP",
    "LEMMA",
    "SHAPE",
    "ENT_TYPE",
    "ENT_IOB",
    "ENT_ID",
    "ENT_KB_ID",
    "NORM",
)
PATTERN_NUMBER_ATTRS = ("LENGTH",)
PATTERN_BOOL_ATTRS = (
    "SPACY",
    "IS_ALPHA",
    "IS_ASCII",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_TITLE",
    "IS_PUNCT",
    "IS_SPACE",
    "IS_BRACKET",
    "IS_QUOTE",
    "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT",
    "IS_CURRENCY",
    "IS_STOP",
    "IS_SENT_START",
    "SENT_START",
    "LIKE_NUM",
    "LIKE_URL",
    "LIKE_EMAIL",
)
PATTERN_ATTRS = (*PATTERN_STRING_ATTRS, *PATTERN_NUMBER_ATTRS, *PATTERN_BOOL_ATTRS, "OP", "_")
PATTERN_LIST_PREDICATES = ("IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS")
PATTERN_STRING_PREDICATES = (
    "REGEX",
    *PATTERN_LIST_PREDICATES,
    "FUZZY",
    *(f"FUZZY{i}" for i in range(1, 10)),
)
PATTERN_NUMBER_PREDICATES = (
    "REGEX",
    *PATTERN_LIST_PREDICATES,
    "==",
    "!=",
    ">=",
    "<=",
    ">",
    "<",
)
PATTERN_OPS = ("+", "*", "?", "!")
_OP_RANGE = re.compile(r"^(\{\d+\}|\{\d+,\d*\}|\{\d*,\d+\})$")
TRAINED_ATTRS = ("POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "ENT_ID", "ENT_KB_ID")
"""Attributes that only a trained pipeline sets (a blank one leaves them empty)."""


def _check_pattern(col: _Collector, entry: Any, path: Path, code_id: str | None) -> None:
    if not isinstance(entry, list) or not entry:
        col.add(
            path,
            _("a token pattern of {code_id!r} must be a non-empty list of token specs").format(
                code_id=code_id
            ),
        )
        return
    for k, token in enumerate(entry):
        if not isinstance(token, Mapping) or not token:
            col.add(
                (*path, k),
                _(
                    "a token spec in a pattern of {code_id!r} must be a mapping like {{LOWER: antre}}"
                ).format(code_id=code_id),
            )
            continue
        for attr, value in token.items():
            _check_token_attr(col, str(attr), value, (*path, k, str(attr)), code_id)


def _check_token_attr(
    col: _Collector, attr: str, value: Any, path: Path, code_id: str | None
) -> None:
    name = attr.upper()
    where = _("in a token pattern of {code!r}").format(code=code_id)
    if name not in PATTERN_ATTRS:
        col.add(
            (*path, "<key>"),
            _("unknown token attribute {attr!r} {where}").format(attr=attr, where=where),
            _(
                "use one of spaCy's Matcher attributes, e.g. LOWER, LEMMA, ORTH, IS_DIGIT, LIKE_NUM, OP"
            ),
        )
    elif name == "OP":
        if not isinstance(value, str) or not (value in PATTERN_OPS or _OP_RANGE.match(value)):
            col.add(
                path,
                _("bad OP {value!r} {where}").format(value=value, where=where),
                _("use +, *, ?, !, {n}, {n,m}, {n,} or {,m}"),
            )
    elif name == "_":
        if not isinstance(value, Mapping):
            col.add(path, _("'_' {where} must map custom attributes to values").format(where=where))
    elif name in PATTERN_BOOL_ATTRS:
        if not isinstance(value, bool):
            col.add(
                path,
                _("{name} {where} must be true or false, not {value!r}").format(
                    name=name, where=where, value=value
                ),
            )
    elif isinstance(value, Mapping):
        for pred, arg in value.items():
            _check_token_predicate(col, name, pred, arg, (*path, str(pred)), where)
    else:
        _check_token_value(col, name, value, path, where)


def _check_token_predicate(
    col: _Collector, name: str, pred: Any, arg: Any, path: Path, where: str
) -> None:
    """One predicate of a token attribute (``{IN: [a, b]}``, ``{REGEX: ...}``, ``{>=: 3}``)."""
    number = name in PATTERN_NUMBER_ATTRS
    allowed = PATTERN_NUMBER_PREDICATES if number else PATTERN_STRING_PREDICATES
    pred_s = str(pred).upper()
    if pred_s not in allowed:
        col.add(
            (*path, "<key>"),
            _("unknown predicate {pred!r} for {name} {where}").format(
                pred=pred, name=name, where=where
            ),
            _("allowed: {allowed}").format(allowed=", ".join(allowed)),
        )
    elif pred_s in PATTERN_LIST_PREDICATES:
        item = int if number else str
        if not isinstance(arg, list) or not all(
            isinstance(a, item) and not isinstance(a, bool) for a in arg
        ):
            line = (
                _("{pred_s} for {name} {where} must be a list of numbers")
                if item is int
                else _("{pred_s} for {name} {where} must be a list of texts")
            )
            col.add(path, line.format(pred_s=pred_s, name=name, where=where))
    elif pred_s == "REGEX":
        _check_token_regex(col, name, arg, path, where)
    elif number:
        if not isinstance(arg, int) or isinstance(arg, bool):
            col.add(
                path,
                _("{pred_s} for {name} {where} must be a whole number").format(
                    pred_s=pred_s, name=name, where=where
                ),
            )
    elif not isinstance(arg, str):
        col.add(
            path,
            _("{pred_s} for {name} {where} must be text").format(
                pred_s=pred_s, name=name, where=where
            ),
        )


def _check_token_regex(col: _Collector, name: str, arg: Any, path: Path, where: str) -> None:
    if not isinstance(arg, str):
        col.add(path, _("REGEX for {name} {where} must be text").format(name=name, where=where))
        return
    try:
        re.compile(arg)
    except re.error as exc:
        col.add(
            path,
            _("bad regular expression {arg!r} {where}: {exc}").format(
                arg=arg, where=where, exc=exc
            ),
        )


def _check_token_value(col: _Collector, name: str, value: Any, path: Path, where: str) -> None:
    """A token attribute given a plain value (not a predicate mapping)."""
    if name in PATTERN_NUMBER_ATTRS:
        if not isinstance(value, int) or isinstance(value, bool):
            col.add(
                path,
                _("{name} {where} must be a whole number or a predicate mapping").format(
                    name=name, where=where
                ),
            )
    elif name == "ENT_IOB":
        if value not in ("", "I", "O", "B", 0, 1, 2, 3):
            col.add(path, _("ENT_IOB {where} must be one of I, O, B or ''").format(where=where))
    elif not isinstance(value, str):
        col.add(
            path,
            _(
                "{name} {where} must be text or a predicate mapping like {{IN: [a, b]}}, not {value!r}"
            ).format(name=name, where=where, value=value),
        )


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return {k: _freeze(v) for k, v in value.items()}
    return value


def rules_from_data(raw: Mapping[str, Any] | None) -> Rules | None:
    """A code's auto-coding rules from their data form (YAML or the stored JSON)."""
    if not raw:
        return None
    lists: dict[str, dict[str, tuple[Any, ...]]] = {}
    for name in RULE_LIST_FIELDS:
        value = raw.get(name)
        if value is None:
            lists[name] = {}
        elif isinstance(value, list):
            lists[name] = {"*": tuple(_freeze(v) for v in value)}
        else:
            lists[name] = {
                str(lang): tuple(_freeze(v) for v in items) for lang, items in value.items()
            }
    return Rules(
        keywords=lists["keywords"],
        phrases=lists["phrases"],
        regex=lists["regex"],
        patterns=lists["patterns"],
        negative=lists["negative"],
        scope=raw.get("scope", "sentence"),
        speaker=raw.get("speaker", "any"),
        match=raw.get("match", "lemma"),
        min_score=raw.get("min_score"),
    )


def _label(value: Any) -> Label:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return str(value)


def code_from_data(item: Mapping[str, Any], parent: str | None) -> Code:
    """Build one :class:`Code` from its (already validated) raw mapping."""
    color = item.get("color")
    return Code(
        id=str(item["id"]),
        label=_label(item["label"]),
        parent=parent,
        description=item.get("description") or "",
        inclusion=item.get("inclusion") or "",
        exclusion=item.get("exclusion") or "",
        examples=_as_list(item.get("examples")),
        color=normalize_color(color) if color else None,
        key=str(item["key"]) if item.get("key") is not None else None,
        aliases=_as_list(item.get("aliases")),
        rules=rules_from_data(item.get("rules")),
        memo=item.get("memo") or "",
        valence=str(item["valence"]) if item.get("valence") is not None else None,
    )


def _build(data: Any) -> Codebook:
    if isinstance(data, list):
        data = {"codes": data}
    flat: list[Code] = []

    def walk(items: Sequence[Mapping[str, Any]], parent: str | None) -> None:
        for item in items:
            explicit = item.get("parent")
            own_parent = parent if parent is not None else (str(explicit) if explicit else None)
            flat.append(code_from_data(item, own_parent))
            if item.get("children"):
                walk(item["children"], str(item["id"]))

    walk(data["codes"], None)
    return Codebook(
        codes=tuple(tree_order(flat)),
        name=data.get("name") or "",
        description=data.get("description") or "",
        languages=tuple(data.get("languages") or ()),
        version=int(data.get("version", FORMAT_VERSION)),
        relations=relations_from_data(data.get("relations")),
    )


def code_to_data(code: Code, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One code in the YAML shape, defaults left out, nested children included."""
    out: dict[str, Any] = {"id": code.id}
    out["label"] = dict(code.label) if isinstance(code.label, dict) else code.label
    for name in ("description", "inclusion", "exclusion"):
        value = getattr(code, name)
        if value:
            out[name] = value
    if code.examples:
        out["examples"] = list(code.examples)
    if code.color:
        out["color"] = code.color
    if code.key:
        out["key"] = code.key
    if code.aliases:
        out["aliases"] = list(code.aliases)
    if code.memo:
        out["memo"] = code.memo
    if code.valence:
        out["valence"] = code.valence
    if code.rules is not None and code.rules.to_data():
        out["rules"] = code.rules.to_data()
    if children:
        out["children"] = children
    return out


def codebook_to_data(codebook: Codebook) -> dict[str, Any]:
    """The whole codebook in the nested YAML shape (``version: 1`` first)."""

    def subtree(parent: str | None) -> list[dict[str, Any]]:
        return [code_to_data(c, subtree(c.id)) for c in codebook.children(parent)]

    out: dict[str, Any] = {"version": codebook.version}
    if codebook.name:
        out["name"] = codebook.name
    if codebook.description:
        out["description"] = codebook.description
    if codebook.languages:
        out["languages"] = list(codebook.languages)
    if codebook.relations is not None:
        out["relations"] = relations_to_data(codebook.relations)
    out["codes"] = subtree(None)
    return out
