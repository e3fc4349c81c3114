"""Reading YAML codebooks with a line and column for every problem.

PyYAML's composer gives every node its position; we build plain data from the node
tree ourselves so that duplicate keys are caught (PyYAML silently keeps the last)
and every value's place is known to the validator in :mod:`qualcode.core.codebook`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from qualcode.core.codebook import (
    Codebook,
    parse_codebook,
    validate_codebook_data,
)
from qualcode.core.codebook import (
    Path as DataPath,
)
from qualcode.errors import InputError, Problem
from qualcode.i18n import _

# the C loader (libyaml) is ~10x faster on large codebooks
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_REPEATED_NODES = 10_000
"""How many values aliases may repeat (``*name``) before a file is refused."""
MAX_DEPTH = 100
"""How deeply mappings and lists may nest (a code tree of about 50 levels)."""


class YamlData:
    """Plain data and node positions of one YAML document."""

    def __init__(
        self, data: Any, positions: dict[DataPath, tuple[int, int]], problems: list[Problem]
    ) -> None:
        self.data = data
        self.positions = positions
        self.problems = problems


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(text: str, source: str | None = None) -> YamlData:
    """Parse YAML text into plain data with positions; duplicate keys are problems.

    Raises:
        InputError: on a YAML syntax error (with its line and column).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # the context mark is where the broken construct starts (an unclosed quote),
        # which is where the user has to look; the problem mark is where it was noticed
        mark = exc.context_mark or exc.problem_mark
        what = f" {exc.context}" if exc.context and exc.context_mark else ""
        raise InputError(
            _("YAML syntax error{what}: {problem}").format(
                what=what, problem=exc.problem or exc.context
            ),
            path=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint=_("check indentation and quoting"),
        ) from None
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow (control characters, U+FFFE ...)
        at = max(0, min(exc.position, len(text)))
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise InputError(
            _("YAML does not allow the character U+{char:04X} here").format(char=ord(char)),
            path=source,
            line=text.count("\n", 0, at) + 1,
            column=at - (text.rfind("\n", 0, at) + 1) + 1,
            hint=_("remove it, or save the file again from a text editor"),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(_("YAML error: {exc}").format(exc=_first_line(exc)), path=source) from None
    finally:
        loader.dispose()
    positions: dict[DataPath, tuple[int, int]] = {}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")
    built: set[int] = set()
    on_path: set[int] = set()
    repeated = 0

    def refuse(n: yaml.Node, message: str, hint: str) -> InputError:
        line, col = _mark(n)
        return InputError(message, path=source, line=line, column=col, hint=hint)

    def build(n: yaml.Node, path: DataPath) -> Any:
        nonlocal repeated
        # aliases make a graph of the node tree: bound what they can expand to, so
        # a "billion laughs" file is refused at once instead of filling the memory
        key = id(n)
        if key in on_path:
            raise refuse(n, _("an alias refers to a value that contains it"), _("remove the alias"))
        if key in built:
            repeated += 1
            if repeated > MAX_REPEATED_NODES:
                raise refuse(
                    n,
                    _("aliases expand to more than {MAX_REPEATED_NODES:,} repeated values").format(
                        MAX_REPEATED_NODES=MAX_REPEATED_NODES
                    ),
                    _("write the values out, or use fewer aliases"),
                )
        built.add(key)
        if len(path) > MAX_DEPTH:
            raise refuse(
                n,
                _("nested more than {MAX_DEPTH} levels deep").format(MAX_DEPTH=MAX_DEPTH),
                _("use a flatter codebook"),
            )
        if isinstance(n, yaml.MappingNode | yaml.SequenceNode):
            on_path.add(key)
            try:
                return build_collection(n, path)
            finally:
                on_path.discard(key)
        positions[path] = _mark(n)
        try:
            return constructor.construct_object(n, deep=True)
        except yaml.YAMLError as exc:
            line, col = _mark(n)
            problems.append(
                Problem(_("bad value: {exc}").format(exc=_first_line(exc)), source, line, col)
            )
            return None

    def build_collection(n: yaml.Node, path: DataPath) -> Any:
        positions[path] = _mark(n)
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in n.value:
                key = build(key_node, (*path, "<key-node>"))
                if isinstance(key, list | dict):
                    line, col = _mark(key_node)
                    problems.append(
                        Problem(_("a mapping key must be a plain value"), source, line, col)
                    )
                    continue
                key_s = key if isinstance(key, str) else str(key)
                if key_s in out:
                    line, col = _mark(key_node)
                    problems.append(
                        Problem(
                            _("duplicate key {key_s!r} in the same mapping").format(key_s=key_s),
                            source,
                            line,
                            col,
                        )
                    )
                positions[(*path, key_s, "<key>")] = _mark(key_node)
                out[key_s] = build(value_node, (*path, key_s))
            positions.pop((*path, "<key-node>"), None)
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        try:
            return constructor.construct_object(n, deep=True)
        except yaml.YAMLError as exc:
            line, col = _mark(n)
            problems.append(
                Problem(_("bad value: {exc}").format(exc=_first_line(exc)), source, line, col)
            )
            return None

    data = build(node, ()) if node is not None else None
    positions.pop(("<key-node>",), None)
    return YamlData(data, positions, problems)


MAX_CODEBOOK_BYTES = 20 * 1024 * 1024
"""Largest codebook file read (the shipped one of 30 codes is about 20 kB)."""


def read_codebook_text(path: Path) -> str:
    """The file's text, with one-line refusals for missing, binary or undecodable files."""
    from qualcode.files import read_limited

    data = read_limited(
        path,
        limit=MAX_CODEBOOK_BYTES,
        what="codebook file",
        hint=_("a codebook is a few hundred kilobytes at most"),
    )
    if b"\x00" in data[:8192]:
        raise InputError(_("is a binary file, not a YAML codebook"), path=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            _("not valid UTF-8"), path=path, line=line, hint=_("save the codebook as UTF-8")
        ) from None


def check_codebook(path: Path) -> list[Problem]:
    """Every problem in a codebook file (empty when it is valid).

    Raises:
        InputError: when the file cannot be read or is not YAML at all.
    """
    source = str(path)
    parsed = load_yaml(read_codebook_text(path), source)
    problems = parsed.problems + validate_codebook_data(parsed.data, parsed.positions, source)
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def load_codebook(path: Path) -> Codebook:
    """Read and validate a YAML codebook.

    Raises:
        InputError: with one problem per defect, each ``FILE:LINE:COL: message``.
    """
    source = str(path)
    parsed = load_yaml(read_codebook_text(path), source)
    if parsed.problems:
        raise InputError.from_problems(
            parsed.problems + validate_codebook_data(parsed.data, parsed.positions, source)
        )
    return parse_codebook(parsed.data, parsed.positions, source)
