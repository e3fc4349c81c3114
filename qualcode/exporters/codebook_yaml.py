"""Writing a codebook back to its YAML file, keeping the file's comments and order.

The project is the working master; after every codebook edit the linked YAML file is
brought up to date. ruamel.yaml's round-trip mode keeps comments, key order, quoting
and flow style; each code's mapping is reused (so its comments travel with it), only
the fields that changed are touched, new codes are appended where the tree puts
them, and removed codes disappear. A file written as a flat ``codes:`` list with
``parent:`` fields stays flat; a nested one stays nested.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from qualcode.core.codebook import Code, Codebook, code_to_data, codebook_to_data
from qualcode.errors import InputError
from qualcode.exporters.base import atomic_text

FIELD_ORDER = (
    "id",
    "label",
    "parent",
    "color",
    "key",
    "description",
    "inclusion",
    "exclusion",
    "examples",
    "aliases",
    "memo",
    "rules",
    "children",
)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-fold the user's lines
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _walk(seq: Any, out: dict[str, Any]) -> bool:
    """Index every code mapping by id; True when any code has ``children``."""
    nested = False
    if not isinstance(seq, list):
        return False
    for item in seq:
        if isinstance(item, dict) and "id" in item:
            out[str(item["id"])] = item
            if item.get("children"):
                nested = True
                nested |= _walk(item["children"], out)
    return nested


def _tail_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment that follows ``node``'s last line."""
    if isinstance(node, CommentedMap) and len(node):
        last = list(node.keys())[-1]
        value = node[last]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value):
            return _tail_slot(value)
        return node, last, 2
    if isinstance(node, CommentedSeq) and len(node):
        value = node[-1]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value):
            return _tail_slot(value)
        return node, len(node) - 1, 0
    return None


def _pop_tail(node: Any) -> Any:
    slot = _tail_slot(node)
    if slot is None:
        return None
    owner, key, index = slot
    entry = owner.ca.items.get(key)
    if not entry or len(entry) <= index or entry[index] is None:
        return None
    token = entry[index]
    value = token.value
    if not value.startswith("\n") and "\n" in value:
        # an end-of-line comment ("label: B  # note") belongs to its line and stays;
        # only the whole-line comments after it belong between the codes
        inline, rest = value.split("\n", 1)
        token.value = inline + "\n"
        if not rest.strip():
            return None
        moved = copy.copy(token)
        moved.start_mark = copy.copy(token.start_mark)  # its column is the mark's
        moved.value = rest
        first = rest.lstrip("\n").split("\n", 1)[0]
        moved.column = len(first) - len(first.lstrip(" \t"))
        return moved
    entry[index] = None
    return token


def _put_tail(node: Any, token: Any) -> None:
    slot = _tail_slot(node)
    if slot is None or token is None:
        return
    owner, key, index = slot
    # after a block scalar (which ends its own line) the comment starts at once;
    # after a plain value it needs a line break first
    text = token.value.lstrip("\n").lstrip(" \t")
    value = owner[key]
    entry = owner.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) <= index:
        entry.append(None)
    kept = entry[index]
    if kept is not None and kept.value.endswith("\n"):
        # the line already ends with its own comment: the moved lines follow it
        kept.value += " " * (token.column or 0) + text
        return
    if isinstance(value, FoldedScalarString | LiteralScalarString):
        token.value = text  # ruamel indents it by the token's column
    else:
        token.value = "\n" + " " * (token.column or 0) + text
    entry[index] = token


def _detach_comments(seq: Any, leading: dict[str, Any], after: dict[str, Any]) -> None:
    """Comments between codes belong to the code that follows them (``leading``);
    the comment after a list's last code belongs after that whole list (``after``,
    keyed by the id of the code that owns the list, ``""`` for the top level)."""
    if not isinstance(seq, list):
        return
    codes = [item for item in seq if isinstance(item, dict) and "id" in item]
    for item, following in zip(codes, codes[1:], strict=False):
        token = _pop_tail(item)
        if token is not None:
            leading[str(following["id"])] = token
    for item in codes:
        _detach_comments(item.get("children"), leading, after)


def _attach_comments(seq: Any, leading: dict[str, Any]) -> None:
    if not isinstance(seq, list):
        return
    codes = [item for item in seq if isinstance(item, dict) and "id" in item]
    for item in codes:
        _attach_comments(item.get("children"), leading)
    for item, following in zip(codes, codes[1:], strict=False):
        token = leading.pop(str(following["id"]), None)
        if token is not None:
            _put_tail(item, token)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _commented(value: Any) -> Any:
    """Lists and mappings as ruamel's commented kinds, so a comment can follow their
    last item (a plain list takes a trailing comment before its items)."""
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return CommentedSeq(_commented(v) for v in value)
    return value


def _update_mapping(node: CommentedMap, code: Code, *, flat: bool) -> None:
    """Make ``node`` describe ``code``, touching only what differs."""
    wanted = code_to_data(code)
    wanted.pop("children", None)
    if flat and code.parent:
        wanted["parent"] = code.parent
    for key in list(node.keys()):
        if key in ("children",):
            continue
        if key == "parent" and not flat:
            del node[key]
            continue
        if key not in wanted:
            del node[key]
    for key, value in wanted.items():
        current = node.get(key)
        if _plain(current) == _plain(value):
            continue
        if key == "label" and isinstance(current, dict) and isinstance(value, dict):
            # keep the flow style {id: ..., en: ...} and the language order
            for lang in list(current.keys()):
                if lang not in value:
                    del current[lang]
            for lang, text in value.items():
                current[lang] = text
            continue
        if key in node:
            node[key] = _commented(value)
        else:
            index = _insert_index(node, key)
            node.insert(index, key, _commented(value))


def _insert_index(node: CommentedMap, key: str) -> int:
    order = FIELD_ORDER.index(key) if key in FIELD_ORDER else len(FIELD_ORDER)
    for i, existing in enumerate(node.keys()):
        if existing in FIELD_ORDER and FIELD_ORDER.index(existing) > order:
            return i
    return len(node)


def _new_mapping(code: Code, *, flat: bool) -> CommentedMap:
    node = CommentedMap()
    data = code_to_data(code)
    data.pop("children", None)
    if flat and code.parent:
        data["parent"] = code.parent
    for key in FIELD_ORDER:
        if key in data:
            value = data[key]
            if key == "label" and isinstance(value, dict):
                flow = CommentedMap(value)
                flow.fa.set_flow_style()
                value = flow
            else:
                value = _commented(value)
            node[key] = value
    return node


Conflicts = Mapping[str | None, Mapping[str, Any]]
"""Conflict blocks by code id (``None``: the codebook itself), then field."""


def _code_nodes(seq: Any, out: dict[str, Any]) -> dict[str, Any]:
    if isinstance(seq, list):
        for item in seq:
            if isinstance(item, dict) and "id" in item:
                out[str(item["id"])] = item
                _code_nodes(item.get("children"), out)
    return out


def _put_conflict(node: Any, block: Mapping[str, Any], after: tuple[str, ...]) -> None:
    """Set ``node["conflict"]`` right after the first of ``after`` it has (else first)."""
    keys = list(node.keys())
    index = 0
    for name in after:
        if name in keys:
            index = keys.index(name) + 1
            break
    value = CommentedMap(
        (k, CommentedMap(v) if isinstance(v, Mapping) else v) for k, v in block.items()
    )
    if isinstance(node, CommentedMap):
        if "conflict" in node:
            del node["conflict"]
        node.insert(index, "conflict", value)
        return
    items = [(k, v) for k, v in node.items() if k != "conflict"]
    items.insert(index, ("conflict", value))
    node.clear()
    node.update(items)


def _add_conflicts(doc: Any, conflicts: Conflicts | None) -> None:
    if not conflicts:
        return
    nodes = _code_nodes(doc.get("codes"), {})
    for code_id, block in conflicts.items():
        if code_id is None:
            _put_conflict(doc, block, ("languages", "description", "name", "version"))
        elif code_id in nodes:
            _put_conflict(nodes[code_id], block, ("label", "id"))
        else:  # pragma: no cover - the merge only reports conflicts on codes it keeps
            raise InputError(f"no code {code_id!r} to attach a merge conflict to")


def render(
    codebook: Codebook, original: str | None = None, *, conflicts: Conflicts | None = None
) -> str:
    """The YAML text of ``codebook``, as an edit of ``original`` when given.

    Args:
        codebook: what to write.
        original: the file's current text (its comments, order and style are kept).
        conflicts: unresolved merge conflicts to leave in the file as ``conflict:``
            blocks (which the validator refuses until a person resolves them).
    """
    y = _yaml()
    if original is None or not original.strip():
        doc = CommentedMap(codebook_to_data(codebook))
        _add_conflicts(doc, conflicts)
        buf = io.StringIO()
        y.dump(doc, buf)
        return buf.getvalue()
    doc = y.load(original)
    if isinstance(doc, list):
        doc = CommentedMap([("codes", doc)])
    if not isinstance(doc, dict):
        raise InputError(
            "the codebook file is not a mapping; cannot write the codebook back into it"
        )
    existing: dict[str, Any] = {}
    nested = _walk(doc.get("codes"), existing)
    leading: dict[str, Any] = {}
    end_token = _pop_tail(doc.get("codes"))
    _detach_comments(doc.get("codes"), leading, {})
    flat = (
        not nested
        and any(c.parent for c in codebook.codes)
        and any("parent" in n for n in existing.values())
    )
    if (
        not nested
        and not any("parent" in n for n in existing.values())
        and any(c.parent for c in codebook)
    ):
        flat = False  # a flat file gains its first sub-code: nest it
    if not existing:
        flat = False
    # top-level metadata
    for key, value in (("name", codebook.name), ("description", codebook.description)):
        if value and doc.get(key) != value:
            doc[key] = value
    if codebook.languages and list(doc.get("languages") or []) != list(codebook.languages):
        langs = CommentedSeq(codebook.languages)
        langs.fa.set_flow_style()
        doc["languages"] = langs
    if "version" not in doc:
        doc.insert(0, "version", codebook.version)

    def node_for(code: Code) -> Any:
        node = existing.get(code.id)
        if node is None:
            for alias in code.aliases:
                if alias in existing:
                    node = existing[alias]
                    break
        if node is None:
            return _new_mapping(code, flat=flat)
        _update_mapping(node, code, flat=flat)
        return node

    def build(parent: str | None, old_seq: Any) -> CommentedSeq:
        seq = old_seq if isinstance(old_seq, CommentedSeq) else CommentedSeq()
        items = [node_for(c) for c in codebook.children(parent)]
        if flat:
            items = []
        # keep the sequence object (its comments) and replace its items
        del seq[:]
        seq.extend(items)
        if not flat:
            for code, node in zip(codebook.children(parent), items, strict=True):
                kids = codebook.children(code.id)
                if kids:
                    node["children"] = build(code.id, node.get("children"))
                elif "children" in node:
                    del node["children"]
        return seq

    if flat:
        seq = doc["codes"] if isinstance(doc.get("codes"), CommentedSeq) else CommentedSeq()
        items = [node_for(c) for c in codebook.codes]
        del seq[:]
        seq.extend(items)
        doc["codes"] = seq
    else:
        doc["codes"] = build(None, doc.get("codes"))
    # comments between codes go back before the code they introduced (or, when that
    # code is gone, nowhere); the comment after the last code stays at the end
    # conflicts go in first, so that comments between codes follow the whole code
    _add_conflicts(doc, conflicts)
    _attach_comments(doc["codes"], leading)
    _put_tail(doc["codes"], end_token)
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def write_codebook(codebook: Codebook, path: Path) -> None:
    """Write ``codebook`` to ``path``: an edit of the existing file (comments and order
    kept) or a new file. Atomic: the file is replaced only when complete."""
    original = None
    if path.exists():
        from qualcode.files import read_limited

        raw = read_limited(path, limit=20 * 1024 * 1024, what="codebook file")
        try:
            original = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                "the linked codebook is not valid UTF-8; not overwritten",
                path=path,
                hint="save it as UTF-8, or link another file",
            ) from None
    text = render(codebook, original)
    with atomic_text(path) as fh:
        fh.write(text)
