"""Names people and files give things: refused with control characters, shown escaped.

A coder name, a document name or a code id is printed in tables, logs, status
lines and messages; a newline or an escape sequence in one would break a table,
fake a line of output or restyle a terminal. Such names are refused where they
come in (:func:`check_name`) and, wherever one is shown anyway (an old project, a
row written by other means), it is shown escaped (:func:`escape`): ``a\\nb``.
"""

from __future__ import annotations

import re
import unicodedata
from os import PathLike, fspath

from qualcode.errors import InputError
from qualcode.i18n import N_, _

_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "]")
"""Characters a name may not hold: C0 and C1 controls (newline, tab, escape, ...),
DEL, the Unicode line and paragraph separators, and the bidirectional controls
that make text display in another order than it reads."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def control_character(text: str) -> str | None:
    """The first control character in ``text`` as ``U+000A``, or ``None``."""
    m = CONTROL.search(text)
    return f"U+{ord(m.group()):04X}" if m else None


def escape(text: str) -> str:
    """``text`` with every control character written visibly (``\\n``, ``\\x1b``,
    ``\\u202e``); text without one is returned as it is (a backslash is doubled
    only when something else was escaped, so ordinary names are unchanged)."""
    if not CONTROL.search(text):
        return text

    def one(ch: str) -> str:
        if ch in _NAMED:
            return _NAMED[ch]
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return "".join(one(ch) if ch == "\\" or CONTROL.fullmatch(ch) else ch for ch in text)


NAME_KINDS = (N_("coder name"), N_("document name"))
"""What :func:`check_name` checks (its ``what``), translated in its messages."""


def check_name(
    value: str,
    what: str,
    *,
    limit: int = 200,
    path: str | PathLike[str] | None = None,
    hint: str | None = None,
) -> str:
    """A name that may be stored: not blank, at most ``limit`` characters, no control
    character.

    Args:
        value: the name.
        what: what it names, for the message (``coder name``, ``document name``).
        limit: the longest name accepted.
        path: the file the name came from, if any.
        hint: what to do instead.

    Returns:
        The name, NFC-normalised.

    Raises:
        InputError: one line naming the problem.
    """
    where = fspath(path) if path is not None else None
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            _("the {what} is empty").format(what=_(what) if what in NAME_KINDS else what),
            path=where,
            hint=hint or _("give a name"),
        )
    bad = control_character(value)
    if bad is not None:
        raise InputError(
            _("the {what} '{value}' holds a control character ({bad}); refused").format(
                what=_(what) if what in NAME_KINDS else what, value=escape(value), bad=bad
            ),
            path=where,
            hint=hint or _("use letters, digits, spaces and punctuation"),
        )
    value = unicodedata.normalize("NFC", value)
    if len(value) > limit:
        raise InputError(
            _("the {what} '{value}…' is {n} characters long (at most {limit})").format(
                what=_(what) if what in NAME_KINDS else what,
                value=escape(value[:40]),
                n=len(value),
                limit=limit,
            ),
            path=where,
            hint=hint or _("use a shorter name"),
        )
    return value
