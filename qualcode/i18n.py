"""Words for people, in one place: English or Bahasa Indonesia through gettext.

Every user-visible string is written in English where it is used and wrapped there:
``_("coded {passage} with {code}").format(...)`` (formatted after translation), counts
through :func:`plural` with both forms written out whole
(``plural(n, "{n} passage", "{n} passages")``, gettext's ``ngettext``), and entries of
module-level tables with :func:`N_` (marked for extraction, translated with :func:`_`
when shown). The catalogs live in ``qualcode/locale/<lang>/LC_MESSAGES/qualcode.mo``
(compiled from the committed ``.po`` files; see CONTRIBUTING.md).

The language is chosen once per process, lazily, on the first translated string:
:func:`set_language` (the front ends call it with ``--ui-lang`` or ``ui_language``
from the settings), else ``QUALCODE_UI_LANG``, else the locale (``LANGUAGE``,
``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starting with ``id``), else English. Only the
standard library's :mod:`gettext` is used at run time (no Babel), and this module
imports nothing of qualcode, so the pure core may use it.
"""

from __future__ import annotations

import gettext as _gettext
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "qualcode"
"""The gettext domain of qualcode's catalogs."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
"""Where the compiled catalogs are (``<lang>/LC_MESSAGES/qualcode.mo``)."""

LANGUAGES = ("en", "id")
"""The interface languages: English (the msgids) and Bahasa Indonesia."""

_chosen: str | None = None
"""The language set by a front end (``None``: from the environment)."""

_translation: _gettext.NullTranslations | None = None
"""The catalog in use, loaded on first use."""

_ENGLISH = _gettext.NullTranslations()
_pinned = threading.local()
"""Per thread: English pinned by :func:`english` (text that is stored, not shown)."""


def normalize(value: str | None) -> str | None:
    """``"id"``, ``"en"`` or ``None`` for a language name as a person or a locale
    writes it (``id_ID.UTF-8``, ``ID``, ``in``, ``en_GB``, ``C``)."""
    if not value:
        return None
    code = value.strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    if code in ("id", "in", "ind", "indonesian", "indonesia", "bahasa"):
        return "id"
    if code in ("en", "eng", "english", "c", "posix"):
        return "en"
    return None


def chosen() -> str | None:
    """The language someone chose (``--ui-lang``, ``ui_language``, ``QUALCODE_UI_LANG``
    or a locale naming ``id`` or ``en``), ``None`` when English is only the fallback
    (no locale, or ``C``/``POSIX``). Codebook labels follow a chosen language."""
    if _chosen:
        return _chosen
    explicit = normalize(os.environ.get("QUALCODE_UI_LANG"))
    if explicit:
        return explicit
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            first = value.split(":")[0].strip().lower()
            if first in ("c", "posix") or first.startswith(("c.", "posix.")):
                return None
            return normalize(first)
    return None


def from_environment() -> str:
    """The language the environment asks for: ``QUALCODE_UI_LANG``, then the first
    of ``LANGUAGE`` (a colon-separated list), ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
    that is set; Indonesian when it names ``id``, English otherwise."""
    explicit = normalize(os.environ.get("QUALCODE_UI_LANG"))
    if explicit:
        return explicit
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if not value:
            continue
        for part in value.split(":"):
            lang = normalize(part)
            if lang:
                return lang
        return "en"
    return "en"


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``"id"``, ``"en"``, or ``None`` for the environment's choice) for
    every string translated from now on.

    Returns:
        The language in use (``"en"`` or ``"id"``).

    Raises:
        ValueError: ``lang`` is given but is not a language qualcode speaks.
    """
    global _chosen, _translation
    if lang is not None and normalize(lang) is None:
        raise ValueError(lang)
    _chosen = normalize(lang)
    _translation = None
    _install_click()
    return language()


def language() -> str:
    """The interface language in use (``"en"`` or ``"id"``)."""
    return _chosen or from_environment()


@contextmanager
def english() -> Iterator[None]:
    """English in this thread while the block runs, whatever the interface language:
    for text that is stored (an action log summary) and translated when shown."""
    before = getattr(_pinned, "on", False)
    _pinned.on = True
    try:
        yield
    finally:
        _pinned.on = before


def translation() -> _gettext.NullTranslations:
    """The catalog of the language in use (English: the identity)."""
    global _translation
    if getattr(_pinned, "on", False):
        return _ENGLISH
    if _translation is None:
        lang = language()
        if lang == "en":
            _translation = _gettext.NullTranslations()
        else:
            _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
    return _translation


def _(message: str) -> str:
    """The interface's words for ``message`` (an English msgid)."""
    return translation().gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (module-level tables
    whose entries are translated with :func:`_` when shown)."""
    return message


def plural(n: int, one: str, many: str, **values: object) -> str:
    """The message for ``n`` things (gettext's ``ngettext``), with ``{n}`` and
    ``values`` filled in.

    Args:
        n: the count.
        one: the English message for one thing (``"{n} coding"``).
        many: the English message for any other count (``"{n} codings"``).
        values: other placeholders of the message.

    Returns:
        The message, e.g. ``"1 coding"``, ``"3 codings"`` or ``"3 penandaan"``.
    """
    return translation().ngettext(one, many, n).format(n=n, **values)


def _click_gettext(message: str) -> str:
    return translation().gettext(message)


def _click_ngettext(singular: str, plural_: str, n: int) -> str:
    return translation().ngettext(singular, plural_, n)


_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.termui",
    "click.utils",
    "click._termui_impl",
    "click.shell_completion",
)


def _install_click() -> None:
    """Let click's own words ("Usage:", "Options:", its error texts) come from our
    catalog: click calls the module-level ``gettext``/``ngettext`` it imported, so
    those names are pointed at the language chosen here (only in click modules
    already loaded; :func:`install_click` is called again after importing click)."""
    import sys

    for name in _CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


install_click = _install_click
