"""Words for people, in one place.

Every count a person reads goes through :func:`plural`, with both forms written
out whole (``plural(n, "{n} passage", "{n} passages")``), so a translation can map
it onto gettext's ``ngettext`` without finding sentences assembled from fragments.
"""

from __future__ import annotations


def plural(n: int, one: str, many: str, **values: object) -> str:
    """``one`` when ``n`` is 1, else ``many``, with ``{n}`` and ``values`` filled in.

    Args:
        n: the count.
        one: the message for one thing (``"{n} coding"``).
        many: the message for any other count (``"{n} codings"``).
        values: other placeholders of the message.

    Returns:
        The message, e.g. ``"1 coding"`` or ``"3 codings"``.
    """
    return (one if n == 1 else many).format(n=n, **values)


def _(message: str) -> str:
    """The interface's words for ``message`` (an English msgid, marked for extraction).

    Today the identity; the gettext catalogs plug in here, so every user-visible string
    is wrapped in ``_()`` where it is written (``_("coded {passage} with {code}")``,
    formatted after translation).
    """
    return message


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (module-level tables
    whose entries are translated with :func:`_` when shown)."""
    return message
