"""Extract, update and compile the interface's gettext catalogs (Babel).

    .venv/bin/python docs/catalog.py          # extract + update the .po + compile the .mo
    .venv/bin/python docs/catalog.py --check  # exit 1 when the committed files are stale

Sources of msgids, in this order:

1. every ``_("...")``, ``N_("...")`` and ``plural(n, "{n} one", "{n} many")`` in
   ``qualcode/`` (Babel's Python extractor with the mapping in ``babel.cfg``);
2. every click help text of the command tree (command docstrings, ``help=`` of every
   option), exactly as click shows them; ``qualcode.cli._base.localize`` translates
   them when a command runs;
3. click's own words (``Usage:``, ``Options:``, its error texts), extracted from the
   installed click, since qualcode shows them too.

The template goes to ``qualcode/locale/qualcode.pot``; each ``.po`` under
``qualcode/locale/<lang>/LC_MESSAGES/`` is updated from it (translations kept, new
entries empty, entries no longer extracted dropped) and compiled to the ``.mo`` next
to it, which the wheel ships and the program reads with the standard library.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "qualcode" / "locale"
POT = LOCALE / "qualcode.pot"
LANGS = ("id",)
KEYWORDS = {**DEFAULT_KEYWORDS, "plural": (2, 3)}
"""``_``, ``N_``, ``ngettext`` (Babel's defaults) and qualcode's ``plural``."""
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""Header dates stay fixed, so a catalog changes only when its messages do."""


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "qualcode.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "qualcode.mo"


def _wanted(message: str) -> bool:
    return any(ch.isalpha() for ch in message)


def source_messages() -> Iterator[tuple[str | tuple[str, ...], str, list[str]]]:
    """``(msgid, location, comments)`` of every marked string in ``qualcode/``."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    for filename, _lineno, message, comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        yield message, filename, list(comments)


def _walk(cmd: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.commands):
            yield from _walk(cmd.commands[name], f"{path} {name}")


def help_messages() -> Iterator[tuple[str, str, list[str]]]:
    """The click help texts of every command and option (English, as click shows them)."""
    from qualcode.cli import cli
    from qualcode.cli._base import localize
    from qualcode.i18n import set_language

    set_language("en")
    localize(cli)
    for path, cmd in _walk(cli, "qualcode"):
        for attr in ("help", "short_help", "epilog"):
            text = getattr(cmd, attr, None)
            if text:
                yield inspect.cleandoc(text).partition("\f")[0], "click help", [path]
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text:
                yield text, "click help", [f"{path} {param.opts[0]}"]


def click_messages() -> Iterator[tuple[str | tuple[str, ...], str, list[str]]]:
    """click's own words (its ``_()`` and ``ngettext()`` calls)."""
    folder = Path(click.__file__).parent
    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui"):
        for _lineno, message, _comments, _context in extract_from_file(
            "python", str(folder / f"{name}.py"), keywords={"_": None, "ngettext": (1, 2)}
        ):
            yield message, f"click/{name}.py", []


def template() -> Catalog:
    """The catalog template: every msgid qualcode shows, once."""
    catalog = Catalog(
        project="qualcode",
        version="",
        copyright_holder="qualcode developers",
        msgid_bugs_address="",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        fuzzy=False,
    )
    for source in (source_messages(), help_messages(), click_messages()):
        for message, location, comments in source:
            key = message if isinstance(message, str) else message[0]
            if not key or not _wanted(key):
                continue
            existing = catalog.get(key)
            if existing is not None:
                if (location, 0) not in existing.locations:
                    existing.locations.append((location, 0))
                continue
            catalog.add(message, locations=[(location, 0)], auto_comments=comments)
    return catalog


def render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def read(path: Path, lang: str | None = None) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang)


def updated(lang: str, pot: Catalog) -> Catalog:
    """The ``lang`` catalog brought up to ``pot`` (translations kept, no fuzzy guesses)."""
    path = po_path(lang)
    if path.exists():
        catalog = read(path, lang)
    else:
        catalog = Catalog(locale=lang, project="qualcode", creation_date=FIXED_DATE)
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    return catalog


def main(argv: list[str]) -> int:
    check = "--check" in argv
    pot = template()
    stale = []
    outputs: dict[Path, bytes] = {POT: render_po(pot)}
    for lang in LANGS:
        catalog = updated(lang, pot)
        outputs[po_path(lang)] = render_po(catalog)
        outputs[mo_path(lang)] = render_mo(read_bytes_po(outputs[po_path(lang)], lang))
    for path, data in outputs.items():
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path.relative_to(ROOT)}")
    for lang in LANGS:
        catalog = read_bytes_po(outputs[po_path(lang)], lang)
        missing = [m for m in catalog if m.id and (m.fuzzy or not translated(m.string))]
        if missing:
            print(f"{lang}: {len(missing)} of {len(catalog)} messages untranslated")
    return 1 if check and stale else 0


def translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """Whether a msgstr (or every plural msgstr) is filled in."""
    return bool(string) if isinstance(string, str) else bool(string) and all(string or ())


def read_bytes_po(data: bytes, lang: str) -> Catalog:
    return read_po(io.BytesIO(data), locale=lang)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
