"""A small parser of the regular expressions auto-coding rules use, with public APIs
only, so that the auto-coder can find the words a match must contain.

It reads Python's syntax into a tree shaped like the one CPython's own (private)
parser makes, for the part of it the auto-coder's required-word analysis looks at:
literal characters, groups, alternatives, repeats, anchors and word boundaries,
``\\s`` and ``\\W``. Everything else (character classes, ``.``, ``\\w``, lookarounds,
back-references) becomes an opaque element that the analysis skips, which is always
safe: it only means fewer words are known to be required. Expressions whose meaning
this reading could get wrong raise :class:`Unsupported` (verbose mode, ASCII or
locale matching, conditional groups); the caller then tries the expression on every
unit. A pattern is compiled with :func:`re.compile` first, so that only valid
expressions are read.

Node kinds (the constants below) and their arguments:

* ``(LITERAL, codepoint)``
* ``(AT, where)``: ``AT_BOUNDARY`` ``\\b``, ``AT_NON_BOUNDARY`` ``\\B``,
  ``AT_BEGINNING`` ``^``, ``AT_BEGINNING_STRING`` ``\\A``, ``AT_END`` ``$``,
  ``AT_END_STRING`` ``\\Z``
* ``(IN, [(CATEGORY, CATEGORY_SPACE)])`` for ``\\s``, ``(IN, [(CATEGORY,
  CATEGORY_NOT_WORD)])`` for ``\\W``, ``(IN, [(OPAQUE, None)])`` for other classes
* ``(SUBPATTERN, (None, 0, 0, items))``: a group
* ``(BRANCH, (None, [items, items, ...]))``: alternatives
* ``(MAX_REPEAT, (least, most, items))``: a repeat (lazy and possessive alike)
* ``(OPAQUE, None)``: anything else
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

LITERAL = "literal"
AT = "at"
IN = "in"
CATEGORY = "category"
SUBPATTERN = "subpattern"
BRANCH = "branch"
MAX_REPEAT = "max_repeat"
MIN_REPEAT = "min_repeat"  # never made: lazy repeats are MAX_REPEAT (same strings)
OPAQUE = "opaque"
AT_BOUNDARY = "at_boundary"
AT_NON_BOUNDARY = "at_non_boundary"
AT_BEGINNING = "at_beginning"
AT_BEGINNING_STRING = "at_beginning_string"
AT_END = "at_end"
AT_END_STRING = "at_end_string"
CATEGORY_SPACE = "category_space"
CATEGORY_NOT_WORD = "category_not_word"
MAXREPEAT = -1
"""``most`` of an unbounded repeat."""

Node = tuple[str, Any]

_CONTROL = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
_HEX = {"x": 2, "u": 4, "U": 8}
_CLASSES = {"s": CATEGORY_SPACE, "W": CATEGORY_NOT_WORD}
_ANCHORS = {"b": AT_BOUNDARY, "B": AT_NON_BOUNDARY, "A": AT_BEGINNING_STRING, "Z": AT_END_STRING}
_BRACES = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_UNSAFE_FLAGS = frozenset("xaL")
"""Inline flags that change what the tree means: verbose, ASCII, locale."""


class Unsupported(ValueError):
    """The expression uses syntax this reading does not follow safely."""


def parse(pattern: str) -> list[Node]:
    """The tree of ``pattern`` (a list of nodes, matched one after another).

    Raises:
        re.error: ``pattern`` is not a valid expression.
        Unsupported: it uses syntax read here only unsafely.
    """
    re.compile(pattern)
    parser = _Parser(pattern)
    items = parser.alternatives()
    if parser.pos != len(pattern):  # an unbalanced ")" (re.compile refused it already)
        raise Unsupported(pattern)
    return items


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.pos = 0

    def _peek(self, text: str) -> bool:
        return self.src.startswith(text, self.pos)

    def alternatives(self) -> list[Node]:
        """Items up to the end or a ``)``: one sequence, or one BRANCH of several."""
        branches = [self.sequence()]
        while self._peek("|"):
            self.pos += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        return [(BRANCH, (None, branches))]

    def sequence(self) -> list[Node]:
        items: list[Node] = []
        while self.pos < len(self.src) and not self._peek("|") and not self._peek(")"):
            item = self.atom()
            if item is None:
                continue
            items.append(self.repeat(item))
        return items

    def repeat(self, item: Node) -> Node:
        while True:
            char = self.src[self.pos : self.pos + 1]
            if char in ("*", "+", "?"):
                least, most = {"*": (0, MAXREPEAT), "+": (1, MAXREPEAT), "?": (0, 1)}[char]
                self.pos += 1
            elif char == "{" and (m := _BRACES.match(self.src, self.pos)):
                least = int(m.group(1) or 0)
                if m.group(2) is None:
                    most = least
                else:
                    most = int(m.group(3)) if m.group(3) else MAXREPEAT
                self.pos = m.end()
            else:
                return item
            if self.src[self.pos : self.pos + 1] in ("?", "+"):  # lazy or possessive
                self.pos += 1
            item = (MAX_REPEAT, (least, most, [item]))

    def atom(self) -> Node | None:
        char = self.src[self.pos]
        self.pos += 1
        if char == "(":
            return self.group()
        if char == "[":
            self.skip_class()
            return (IN, [(OPAQUE, None)])
        if char == ".":
            return (OPAQUE, None)
        if char == "^":
            return (AT, AT_BEGINNING)
        if char == "$":
            return (AT, AT_END)
        if char == "\\":
            return self.escape()
        return (LITERAL, ord(char))

    def escape(self) -> Node:
        char = self.src[self.pos]
        self.pos += 1
        if char in _ANCHORS:
            return (AT, _ANCHORS[char])
        if char in _CLASSES:
            return (IN, [(CATEGORY, _CLASSES[char])])
        if char in "wSdD":
            return (IN, [(OPAQUE, None)])
        if char in _CONTROL:
            return (LITERAL, _CONTROL[char])
        if char in _HEX:
            digits = self.src[self.pos : self.pos + _HEX[char]]
            self.pos += _HEX[char]
            return (LITERAL, int(digits, 16))
        if char == "N":
            end = self.src.index("}", self.pos)
            name = self.src[self.pos + 1 : end]
            self.pos = end + 1
            return (LITERAL, ord(unicodedata.lookup(name)))
        if char == "0":
            octal = "0"
            while len(octal) < 3 and self.src[self.pos : self.pos + 1] in tuple("01234567"):
                octal += self.src[self.pos]
                self.pos += 1
            return (LITERAL, int(octal, 8))
        if char.isdigit():  # a back-reference (or an octal escape: also opaque)
            while self.src[self.pos : self.pos + 1].isdigit():
                self.pos += 1
            return (OPAQUE, None)
        return (LITERAL, ord(char))

    def skip_class(self) -> None:
        """Move past a character class (its ``[`` already read)."""
        if self._peek("^"):
            self.pos += 1
        if self._peek("]"):  # a "]" first is a literal
            self.pos += 1
        while not self._peek("]"):
            self.pos += 2 if self._peek("\\") else 1
        self.pos += 1

    def group(self) -> Node | None:
        """A group (its ``(`` already read); ``None`` for a comment or global flags."""
        if not self._peek("?"):
            return self.close((SUBPATTERN, (None, 0, 0, self.alternatives())))
        self.pos += 1
        if self._peek("#"):
            self.pos = self.src.index(")", self.pos) + 1
            return None
        if self._peek(":") or self._peek(">"):  # plain or atomic
            self.pos += 1
            return self.close((SUBPATTERN, (None, 0, 0, self.alternatives())))
        if self._peek("P<"):
            self.pos = self.src.index(">", self.pos) + 1
            return self.close((SUBPATTERN, (None, 0, 0, self.alternatives())))
        if self._peek("P="):  # a named back-reference
            self.pos = self.src.index(")", self.pos) + 1
            return (OPAQUE, None)
        for look in ("=", "!", "<=", "<!"):
            if self._peek(look):
                self.pos += len(look)
                self.alternatives()  # zero-width: what it holds is never required
                return self.close((OPAQUE, None))
        if self._peek("("):
            raise Unsupported("a conditional group")
        flags = re.match(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", self.src[self.pos :])
        if flags is None:
            raise Unsupported(self.src)
        if _UNSAFE_FLAGS & set(flags.group(1) + (flags.group(2) or "")):
            raise Unsupported(f"the flags {flags.group(1)}")
        self.pos += flags.end()
        if flags.group(3) == ")":
            return None
        return self.close((SUBPATTERN, (None, 0, 0, self.alternatives())))

    def close(self, node: Node) -> Node:
        if not self._peek(")"):
            raise Unsupported(self.src)
        self.pos += 1
        return node
