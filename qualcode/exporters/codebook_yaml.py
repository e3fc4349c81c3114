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
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    SingleQuotedScalarString,
)

from qualcode.core.codebook import (
    Code,
    Codebook,
    code_to_data,
    codebook_to_data,
    relations_to_data,
)
from qualcode.errors import InputError
from qualcode.exporters.base import atomic_text
from qualcode.i18n import _

FIELD_ORDER = (
    "id",
    "label",
    "parent",
    "color",
    "key",
    "valence",
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
    """Make ``node`` describe ``code``, touching only what differs: a changed list or
    mapping is edited in place, item by item, so it keeps its style (flow ``[a, b]`` or
    block), its items' quoting and its comments; a changed text keeps its quoting or
    block style. Adding one keyword to a flow list changes that one line."""
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
        if key in node:
            _assign(node, key, value)
        else:
            index = _insert_index(node, key)
            node.insert(index, key, _like_map(node, value))


SAME_AS_ABSENT = {"scope": "sentence", "speaker": "any", "match": "lemma"}
"""Rule settings whose default a file may spell out: written back as the file has them."""


def _same_as_absent(key: Any, value: Any) -> bool:
    """Whether a key the model leaves out may stay in the file (it says the default)."""
    plain = _plain(value)
    return plain in ([], {}, "", None) or SAME_AS_ABSENT.get(str(key)) == plain


def _assign(parent: Any, key: Any, value: Any) -> None:
    """Make ``parent[key]`` equal ``value``, editing the node there in place."""
    current = parent[key]
    if _plain(current) == _plain(value):
        return
    if isinstance(current, CommentedMap) and isinstance(value, dict):
        _update_map(current, value)
    elif isinstance(current, CommentedSeq) and isinstance(value, list | tuple):
        _update_seq(current, list(value))
    else:
        parent[key] = _styled(current, value)


def _update_map(node: CommentedMap, wanted: dict[str, Any]) -> None:
    """Edit a mapping in place: keys gone are removed, changed ones assigned, new
    ones added after the keys that come before them in ``wanted``."""
    for key in list(node.keys()):
        if key not in wanted and not _same_as_absent(key, node[key]):
            del node[key]
    order = list(wanted)
    for key, value in wanted.items():
        if key in node:
            _assign(node, key, value)
            continue
        index = len(node)
        for i, existing in enumerate(node.keys()):
            if existing in order and order.index(existing) > order.index(key):
                index = i
                break
        node.insert(index, key, _like_map(node, value))


def _update_seq(seq: CommentedSeq, wanted: list[Any]) -> None:
    """Edit a list in place with the fewest insertions and deletions (difflib), so the
    items that stay keep their quoting and comments, and the list its style."""
    import difflib
    import json

    def sig(v: Any) -> str:
        return json.dumps(_plain(v), sort_keys=True, ensure_ascii=False, default=str)

    have = [sig(v) for v in seq]
    want = [sig(v) for v in wanted]
    ops = difflib.SequenceMatcher(a=have, b=want, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                _assign(seq, i1 + k, wanted[j1 + k])
            continue
        for i in range(i2 - 1, i1 - 1, -1):
            del seq[i]
        for offset, item in enumerate(wanted[j1:j2]):
            seq.insert(i1 + offset, _like_item(seq, item))


def _quote_style(values: Any) -> type | None:
    """The quoting the strings of a list (or mapping) share, if they share one."""
    kinds = {type(v) for v in values if isinstance(v, str)}
    if len(kinds) == 1:
        kind = next(iter(kinds))
        if kind in (DoubleQuotedScalarString, SingleQuotedScalarString):
            return kind
    return None


def _like_item(seq: CommentedSeq, item: Any) -> Any:
    """A new list item written like its siblings (their quotes)."""
    if isinstance(item, str):
        style = _quote_style(seq)
        if style is not None:
            return style(item)
        return item
    return _commented(item)


def _like_map(node: CommentedMap, value: Any) -> Any:
    """A new value of a mapping written like its siblings: a list of plain words in
    flow style (``[a, b]``) when a sibling is written in flow style, text quoted as
    the sibling texts are."""
    if isinstance(value, str):
        style = _quote_style(node.values())
        return style(value) if style is not None else value
    made = _commented(value)
    flow = any(
        isinstance(v, CommentedMap | CommentedSeq) and v.fa.flow_style() for v in node.values()
    )
    if flow and _short_words(value):
        made.fa.set_flow_style()
    return made


def _flowed(value: Any) -> Any:
    """A new code's lists of short words (keywords, aliases) in flow style, as the
    shipped codebooks write them; longer items (examples, expressions) stay blocks."""
    if isinstance(value, CommentedSeq) and _short_words(value):
        value.fa.set_flow_style()
    elif isinstance(value, CommentedMap):
        if (
            value
            and all(isinstance(v, CommentedSeq) for v in value.values())
            and _short_words(value)
        ):
            value.fa.set_flow_style()
        else:
            for k in list(value.keys()):
                value[k] = _flowed(value[k])
    return value


def _short_words(value: Any) -> bool:
    """A list (or a mapping of lists) of short plain words, fit for one flow line."""
    if isinstance(value, dict):
        return all(_short_words(v) for v in value.values())
    if isinstance(value, list | tuple):
        return (
            all(
                isinstance(v, str) and len(v) <= 40 and not re.search(r"[\[\]{}:,#'\"\\]", v)
                for v in value
            )
            and sum(len(v) + 2 for v in value) <= 100
        )
    return False


def _styled(old: Any, new: Any) -> Any:
    """``new`` written in ``old``'s style: the same quotes, or the same block scalar."""
    if not isinstance(new, str):
        return _commented(new)
    if isinstance(old, LiteralScalarString) and "\n" in new:
        return LiteralScalarString(new)
    if isinstance(old, FoldedScalarString):
        folded = FoldedScalarString(new)
        folded.fold_pos = _fold_positions(new)
        return folded
    if "\n" in new:
        return LiteralScalarString(new)  # several lines: a block, not "...\n..."
    if isinstance(old, DoubleQuotedScalarString | SingleQuotedScalarString):
        return type(old)(new)
    if isinstance(old, LiteralScalarString):
        return PlainScalarString(new)  # one line again (ruamel would keep the block)
    return new


FOLD_WIDTH = 78
"""Where a changed folded (``>-``) text is folded again, as people write them."""


def _fold_positions(text: str, width: int = FOLD_WIDTH) -> list[int]:
    """Indices of the spaces where a folded scalar's lines break (greedy, ``width``)."""
    out: list[int] = []
    offset = 0
    for line in text.split("\n"):
        length = 0
        pos = 0
        for word in line.split(" "):
            if length and length + 1 + len(word) > width:
                out.append(offset + pos - 1)  # the space before this word
                length = len(word)
            else:
                length += (1 if length else 0) + len(word)
            pos += len(word) + 1
        offset += len(line) + 1
    return out


def _insert_index(node: CommentedMap, key: str) -> int:
    order = FIELD_ORDER.index(key) if key in FIELD_ORDER else len(FIELD_ORDER)
    for i, existing in enumerate(node.keys()):
        if existing in FIELD_ORDER and FIELD_ORDER.index(existing) > order:
            return i
    return len(node)


def _new_mapping(
    code: Code,
    *,
    flat: bool,
    hints: dict[tuple[str, ...], type] | None = None,
    languages: Sequence[str] = (),
) -> CommentedMap:
    """A new code's mapping, written as the file writes its codes: short word lists in
    flow style, and each field's texts quoted as the other codes quote them
    (``hints``, from :func:`_style_hints`)."""
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
                if key not in ("examples", "description", "inclusion", "exclusion", "memo"):
                    value = _flowed(value)
            if key != "key":  # a key is quoted only when it must be ("1", not 1a)
                value = _hinted(value, (key,), hints or {})
            node[key] = _by_language(value, languages)
    return node


def _by_language(value: Any, languages: Sequence[str]) -> Any:
    """Per-language mappings (rule lists) in the codebook's language order."""
    if not isinstance(value, CommentedMap) or not languages:
        return value
    for k in list(value.keys()):
        value[k] = _by_language(value[k], languages)
    if value and all(k in languages or k == "*" for k in value):
        rank = {lang: i for i, lang in enumerate(["*", *languages])}
        ordered = sorted(value.items(), key=lambda kv: rank[kv[0]])
        flow = value.fa.flow_style()
        value.clear()
        value.update(ordered)
        if flow:
            value.fa.set_flow_style()
    return value


def _path_key(path: tuple[str, ...]) -> tuple[str, ...]:
    """A field path with languages and list positions made general: ``rules.regex.*.[]``."""
    out: list[str] = []
    for i, part in enumerate(path):
        if i >= 2 and path[0] == "rules" and part not in ("[]",) and i == 2:
            out.append("*")  # the language of a per-language rule list
        else:
            out.append(part)
    return tuple(out)


def _style_hints(codes: Mapping[str, Any]) -> dict[tuple[str, ...], type]:
    """How the file quotes each field's texts (the first quoted text found per field)."""
    hints: dict[tuple[str, ...], type] = {}

    def visit(value: Any, path: tuple[str, ...]) -> None:
        if isinstance(value, DoubleQuotedScalarString | SingleQuotedScalarString):
            hints.setdefault(_path_key(path), type(value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if k != "children":
                    visit(v, (*path, str(k)))
        elif isinstance(value, list):
            for v in value:
                visit(v, (*path, "[]"))

    for node in codes.values():
        for key, value in node.items():
            if key not in ("children", "id", "conflict"):
                visit(value, (str(key),))
    return hints


def _hinted(value: Any, path: tuple[str, ...], hints: dict[tuple[str, ...], type]) -> Any:
    if isinstance(value, str) and not isinstance(value, LiteralScalarString | FoldedScalarString):
        style = hints.get(_path_key(path))
        return style(value) if style is not None else value
    if isinstance(value, CommentedMap):
        for k in list(value.keys()):
            value[k] = _hinted(value[k], (*path, str(k)), hints)
    elif isinstance(value, CommentedSeq):
        for i in range(len(value)):
            value[i] = _hinted(value[i], (*path, "[]"), hints)
    return value


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
            raise InputError(
                _("no code {code_id!r} to attach a merge conflict to").format(code_id=code_id)
            )


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
            _("the codebook file is not a mapping; cannot write the codebook back into it")
        )
    existing: dict[str, Any] = {}
    nested = _walk(doc.get("codes"), existing)
    hints = _style_hints(existing)
    leading: dict[str, Any] = {}
    end_token = _pop_tail(doc.get("codes"))
    _detach_comments(doc.get("codes"), leading, {})
    flat = _stays_flat(codebook, existing, nested)
    _update_metadata(doc, codebook)
    codes = _CodeNodes(codebook, existing, flat=flat, hints=hints)
    if flat:
        seq = doc["codes"] if isinstance(doc.get("codes"), CommentedSeq) else CommentedSeq()
        items = [codes.node_for(c) for c in codebook.codes]
        del seq[:]
        seq.extend(items)
        doc["codes"] = seq
    else:
        doc["codes"] = codes.build(None, doc.get("codes"))
    # comments between codes go back before the code they introduced (or, when that
    # code is gone, nowhere); the comment after the last code stays at the end
    # conflicts go in first, so that comments between codes follow the whole code
    _add_conflicts(doc, conflicts)
    _attach_comments(doc["codes"], leading)
    _put_tail(doc["codes"], end_token)
    buf = io.StringIO()
    y.dump(doc, buf)
    return buf.getvalue()


def _stays_flat(codebook: Codebook, existing: Mapping[str, Any], nested: bool) -> bool:
    """Whether the file lists its codes flat with ``parent:`` fields (and stays so)."""
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
    return flat


def _update_metadata(doc: CommentedMap, codebook: Codebook) -> None:
    """The file's name, description, languages, version and relations, where they changed."""
    for key, value in (("name", codebook.name), ("description", codebook.description)):
        if value and doc.get(key) != value:
            doc[key] = value
    if codebook.languages and list(doc.get("languages") or []) != list(codebook.languages):
        langs = CommentedSeq(codebook.languages)
        langs.fa.set_flow_style()
        doc["languages"] = langs
    if "version" not in doc:
        doc.insert(0, "version", codebook.version)
    if codebook.relations is not None:
        wanted = relations_to_data(codebook.relations)
        if "relations" in doc:
            _assign(doc, "relations", wanted)
        else:
            at = list(doc.keys()).index("codes") if "codes" in doc else len(doc)
            doc.insert(at, "relations", _commented(wanted))
    elif "relations" in doc:
        del doc["relations"]


class _CodeNodes:
    """The file's code mappings, updated in place (a new code gets a new one)."""

    def __init__(
        self,
        codebook: Codebook,
        existing: Mapping[str, Any],
        *,
        flat: bool,
        hints: dict[tuple[str, ...], type],
    ) -> None:
        self.codebook = codebook
        self.existing = existing
        self.flat = flat
        self.hints = hints

    def node_for(self, code: Code) -> Any:
        """The code's mapping: its old one (found by id or alias) updated, or a new one."""
        node = self.existing.get(code.id)
        if node is None:
            for alias in code.aliases:
                if alias in self.existing:
                    node = self.existing[alias]
                    break
        if node is None:
            return _new_mapping(
                code, flat=self.flat, hints=self.hints, languages=list(self.codebook.languages)
            )
        _update_mapping(node, code, flat=self.flat)
        return node

    def build(self, parent: str | None, old_seq: Any) -> CommentedSeq:
        """The nested list of ``parent``'s children, in the old list object."""
        codebook = self.codebook
        seq = old_seq if isinstance(old_seq, CommentedSeq) else CommentedSeq()
        items = [self.node_for(c) for c in codebook.children(parent)]
        if self.flat:
            items = []
        # keep the sequence object (its comments) and replace its items
        del seq[:]
        seq.extend(items)
        if not self.flat:
            for code, node in zip(codebook.children(parent), items, strict=True):
                kids = codebook.children(code.id)
                if kids:
                    node["children"] = self.build(code.id, node.get("children"))
                elif "children" in node:
                    del node["children"]
        return seq


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
                _("the linked codebook is not valid UTF-8; not overwritten"),
                path=path,
                hint=_("save it as UTF-8, or link another file"),
            ) from None
    text = render(codebook, original)
    with atomic_text(path) as fh:
        fh.write(text)
