"""The interface in English and Bahasa Indonesia (issue 17, point 8).

The catalog is complete and current, uses the glossary's terms, the language comes
from ``--ui-lang``, ``ui_language`` and the locale, and a pseudo-locale (every marked
string transformed) shows no unmarked word in ``--help``, click's own texts, CLI
error lines and the workbench's screens.
"""

from __future__ import annotations

import gettext
import html
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode import i18n
from qualcode.i18n import _, plural
from tests.tui.waits import settled

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import catalog  # noqa: E402


@pytest.fixture(scope="module")
def template() -> Any:
    """Every msgid extracted from qualcode/ now (source, click help, click's words)."""
    return catalog.template()


@pytest.fixture
def indonesian() -> Iterator[None]:
    i18n.set_language("id")
    yield
    i18n.set_language(None)


# ------------------------------------------------------------------ the catalog


def test_every_extracted_string_has_an_indonesian_entry(template: Any) -> None:
    """A user-visible string without an Indonesian entry (missing, empty, fuzzy) fails."""
    po = catalog.read(catalog.po_path("id"), "id")
    missing = []
    for message in template:
        if not message.id:
            continue
        entry = po.get(message.id)
        if entry is None or entry.fuzzy or not catalog.translated(entry.string):
            missing.append(message.id)
    assert missing == [], f"{len(missing)} untranslated; run docs/catalog.py and translate"


def test_the_committed_catalogs_are_current() -> None:
    """The .pot, .po and the compiled .mo the wheel ships agree with the source."""
    assert catalog.main(["--check"]) == 0, "run .venv/bin/python docs/catalog.py"


def test_placeholders_survive_translation(template: Any) -> None:
    """Every {placeholder} of a msgid is one the translation may use, and none is new."""
    po = catalog.read(catalog.po_path("id"), "id")
    field = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z_0-9]*)")
    for message in po:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id or ())
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        allowed = {name for text in ids for name in field.findall(text)}
        for text in strings:
            assert set(field.findall(text)) <= allowed, (message.id, text)


GLOSSARY = ROOT / "docs" / "glossary-id.md"


def glossary() -> list[tuple[str, list[str]]]:
    """(English term, Indonesian forms any of which the msgstr must hold)."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("English", "") or set(cells[0]) <= {"-", " "}:
            continue
        if cells[2] == "checked":
            rows.append((cells[0], [f.strip() for f in cells[1].split(",")]))
    return rows


EXCEPTIONS = {
    # option values named in a text stay as the command line takes them
    "{value!r}: use document, case, speaker or attribute:NAME",
    "Only turns of this role (interviewer, participant) or speaker label.",
    "Whose codings (default: the file's 'coder').",
    "use --by document, case, speaker or attribute:NAME",
    # the field names of a codings file
    "a coding must be a mapping with doc, code and quote",
}


def test_the_catalog_uses_the_glossary_terms() -> None:
    """Where a msgid holds a glossary term, its translation holds the Indonesian one."""
    po = catalog.read(catalog.po_path("id"), "id")
    terms = glossary()
    assert len(terms) >= 12
    wrong = []
    for message in po:
        if not message.id or message.id in EXCEPTIONS:
            continue
        if str(message.id).startswith("Read and write one memo"):  # 'qualcode undo'
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        translated = (
            message.string if isinstance(message.string, str) else (message.string or [""])[0]
        )
        # words of options, commands and placeholders are not prose
        prose = re.sub(
            r"'qualcode\s[^']*'|\bqualcode(\s[a-z][a-z-]*){1,2}|<[^<>]*>|--?[\w-]+|\{[^}]*\}|'[^']*'"
            r"|`[^`]*`|\S+\.\w+|\b[A-Z][A-Z_]+\b",
            " ",
            english,
        )
        for term, forms in terms:
            if re.search(rf"\b{re.escape(term)}\b", prose, flags=re.I) and not any(
                f.lower() in translated.lower() for f in forms
            ):
                wrong.append((term, english, translated))
    assert wrong == []


# ------------------------------------------------------------------ choosing the language


def run(args: list[str], env: dict[str, str] | None = None) -> Any:
    from qualcode.cli import cli

    return CliRunner().invoke(cli, args, env=env, prog_name="qualcode", catch_exceptions=False)


def test_english_by_default() -> None:
    assert "Show this message and exit." in run(["--help"]).output
    assert i18n.language() == "en"


def test_ui_lang_option_selects_indonesian() -> None:
    out = run(["--ui-lang", "id", "--help"]).output
    assert out.startswith("Penggunaan: ")
    assert "Tampilkan pesan ini lalu keluar." in out
    assert "Bahasa antarmuka: en (bahasa Inggris) atau id (Bahasa Indonesia)" in " ".join(
        out.split()
    )


def test_the_locale_selects_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    out = run(["code", "--help"]).output
    assert "Kode sebuah penggalan DOC dengan CODE (id atau alias)." in out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert "Code a passage of DOC with CODE" in run(["code", "--help"]).output


def test_the_settings_select_indonesian(tmp_path: Path) -> None:
    from qualcode.settings import config_dir, load_settings

    (config_dir()).mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.yaml").write_text("ui_language: id\n", encoding="utf-8")
    assert load_settings().ui_language == "id"
    assert "Tampilkan pesan ini lalu keluar." in run(["--help"]).output
    # --ui-lang wins over the settings
    assert "Show this message and exit." in run(["--ui-lang", "en", "--help"]).output


def test_a_bad_ui_language_setting_is_one_clear_line(tmp_path: Path) -> None:
    from qualcode.errors import InputError
    from qualcode.settings import config_dir, load_settings

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.yaml").write_text("ui_language: klingon\n", encoding="utf-8")
    with pytest.raises(InputError, match="'ui_language' must be en or id, not 'klingon'"):
        load_settings()


def test_click_errors_and_ours_in_indonesian() -> None:
    result = run(["--ui-lang", "id", "import", "--bogus"])
    assert result.exit_code == 2
    assert (
        result.output.strip() == "galat: Tidak ada opsi '--bogus'. (lihat 'qualcode import --help')"
    )


def test_plural_in_both_languages(indonesian: None) -> None:
    assert plural(1, "{n} coding", "{n} codings") == "1 penandaan"
    assert plural(3, "{n} coding", "{n} codings") == "3 penandaan"
    i18n.set_language("en")
    assert plural(1, "{n} coding", "{n} codings") == "1 coding"
    assert plural(3, "{n} coding", "{n} codings") == "3 codings"


def test_english_pins_english_in_its_block_only(indonesian: None) -> None:
    """Text that is stored is written in English whatever the interface language."""
    assert _("file not found") == "berkas tidak ditemukan"
    with i18n.english():
        assert _("file not found") == "file not found"
        assert plural(2, "{n} coding", "{n} codings") == "2 codings"
    assert _("file not found") == "berkas tidak ditemukan"


def test_an_undo_is_logged_in_english_and_said_in_indonesian(
    indonesian: None, demo_dir: Path
) -> None:
    from qualcode.store import open_project

    doc = "wawancara_01_pedagang_pasar"
    project = open_project(str(demo_dir), coder="nia")
    try:
        s = project.documents.document(doc).sentences[3]
        project.codings.apply_coding(doc, "cost", s.start, s.end)
        step = project.history.undo()
        assert step is not None
        said = f"diurungkan: code {doc} [{s.start}:{s.end}] with cost"
        assert step.describe() == said
        newest = project.log.actions(1)[0]
        assert newest["kind"] == "undo"
        assert newest["summary"] == f"undid: code {doc} [{s.start}:{s.end}] with cost"
        assert project.history.undo() is None
        from qualcode.services.history import nothing_left

        assert nothing_left(project, "undo") == "tidak ada yang dapat diurungkan"
    finally:
        project.close()


def test_undo_narration_of_themes_and_memos_in_indonesian(indonesian: None) -> None:
    from qualcode.core.narrate import Fact, describe_action, describe_step

    theme = Fact("theme.add", "insert", "themes", label="Antrean panjang")
    assert describe_action("theme.add", [theme], str) == "membuat tema Antrean panjang"
    member = Fact("theme.codes", "insert", "theme_codes", code="time", label="Antrean panjang")
    assert describe_action("theme.codes", [member], lambda c: "Waktu tunggu") == (
        "memasukkan Waktu tunggu ke Antrean panjang"
    )
    memo = Fact("memo.edit", "update", "memos", target_kind="code", target="time")
    assert describe_action("memo.edit", [memo], lambda c: "Waktu tunggu") == (
        "menyunting memo pada kode Waktu tunggu"
    )
    relation = Fact("relation.delete", "delete", "relations")
    assert describe_step("undo", [("relation.delete", [relation])], str) == (
        "diurungkan: menghapus sebuah relasi"
    )
    assert describe_step("redo", [], str) == "tidak ada yang diulangi"


def test_a_merge_conflict_is_english_in_the_file_and_translated_on_screen(
    indonesian: None,
) -> None:
    from qualcode.core.codebook_merge import MISSING, Conflict

    conflict = Conflict(
        "cost",
        "id",
        "id",
        MISSING,
        "cost",
        "cost",
        "both sides use the id {code_id!r} for different codes; theirs is kept as {new!r} "
        "until you give it another id (or merge the two)",
        None,
        (("code_id", "cost"), ("new", "cost_2")),
    )
    assert conflict.block()["why"] == (
        "both sides use the id 'cost' for different codes; theirs is kept as 'cost_2' "
        "until you give it another id (or merge the two)"
    )
    assert conflict.describe() == (
        "kode 'cost': id: kedua sisi memakai id 'cost' untuk kode yang berbeda; milik mereka "
        "disimpan sebagai 'cost_2' sampai Anda memberinya id lain (atau menggabungkan "
        "keduanya) (milik kita 'cost'; milik mereka 'cost')"
    )


def test_refi_summary_names_kinds_in_indonesian(indonesian: None, tmp_path: Path) -> None:
    from qualcode.services.refi_import import RefiImportReport, Tally

    report = RefiImportReport(tmp_path / "x.qdpx")
    report.coding_kinds = {"text": 3, "PDF area": 2}
    report.kinds = {"text": Tally(in_file=3, added=3)}
    report.skipped = {"sets": 1, "PDF area codings": 2}
    lines = report.lines()
    assert lines[3] == (
        "penandaan menurut jenis: 3 teks (3 ditambahkan, 0 dicocokkan, 0 dilewati); "
        "2 area PDF (tidak diimpor: area halaman PDF tidak memiliki teks untuk penandaan kode)"
    )
    assert lines[-1] == "tidak diimpor: 2 penandaan kode pada area PDF, 1 set"


def test_stdlib_gettext_only_at_start_up() -> None:
    """Start-up imports no Babel (the catalogs are read with the stdlib)."""
    import subprocess

    code = "import qualcode.cli, qualcode.i18n as i; i.set_language('id'); i._('Quit'); import sys; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_label_language_follows_the_interface(demo_dir: Path) -> None:
    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp

    project = open_project(str(demo_dir))
    try:
        langs = project.codebook().languages
        app = QualcodeApp(project, location=str(demo_dir), settings=Settings())
        assert app.label_lang is None  # nothing chosen: the codebook's first language
        i18n.set_language("en")
        assert app.label_lang == ("en" if "en" in langs else None)
        app.settings.label_lang = "id"
        assert app.label_lang == "id"  # set: it stays
    finally:
        project.close()
        i18n.set_language(None)


# ------------------------------------------------------------------ the pseudo-locale

ACCENTS = str.maketrans("aeiouAEIOUcnyszCNYSZ", "áéíóúÁÉÍÓÚçñýšžÇÑÝŠŽ")
KEEP = re.compile(r"(\{[^{}]*\}|%\([a-z_]+\)[sd]|\[/?[a-z #0-9]*\]|\x08)")


def pseudo(message: str) -> str:
    """⟦message⟧ with its letters accented, placeholders and markup kept."""
    parts = KEEP.split(message)
    out = "".join(p if KEEP.fullmatch(p) else p.translate(ACCENTS) for p in parts)
    return f"⟦{out}⟧"


class Pseudo(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


@pytest.fixture
def pseudo_locale(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(i18n, "translation", lambda: Pseudo())
    i18n.install_click()
    yield


def test_the_pseudo_locale_transforms_marked_strings(pseudo_locale: None) -> None:
    assert _("coded {passage} with {code}").startswith("⟦çódéd {passage} wíth {code}")
    assert plural(2, "{n} coding", "{n} codings") == "⟦2 çódíñgš⟧"


TOKEN = re.compile(r"[^\s⟦⟧│┃─━╭╮╰╯▏▕▔▁|·…()\[\]{},;:=\"'“”«»<>]+")


def _outside(chunk: str, depth: int) -> tuple[str, int]:
    """The characters of ``chunk`` outside ⟦…⟧ (others blanked), and the nesting depth
    at its end, starting at ``depth``."""
    out = []
    for ch in chunk:
        if ch == "⟦":
            depth += 1
            out.append(" ")
        elif ch == "⟧":
            depth = max(depth - 1, 0)
            out.append(" ")
        else:
            out.append(" " if depth else ch)
    return "".join(out), depth


def _closes_first(rest: str) -> bool:
    """Whether ``rest`` closes a string it did not open (so a string still open on the
    row above continues down to there, around any strings nested in it)."""
    depth = 0
    for ch in rest:
        if ch == "⟦":
            depth += 1
        elif ch == "⟧":
            depth -= 1
            if depth < 0:
                return True
    return False


def unmarked(text: str, allowed: set[str], *, lines: bool = False) -> list[str]:
    """Words of ``text`` outside ⟦…⟧ that are not data, keys, options or paths.

    With ``lines``, ``text`` is one pane's (one widget's) text, row by row: a string
    still open at the end of a row continues on the rows below when the next bracket
    there closes it (wrapped text); one that never closes was cut at the pane's edge
    and ends with its row. The first row opens inside a string when it closes one
    before opening any (scrolled up past the start). A word cut at the end of a row
    (a name wrapped mid-word) is read together with the start of the next row.
    """
    rows = text.split("\n") if lines else [text]
    seen_rows = []
    depth = 1 if lines and _closes_first(text) else 0
    for i, row in enumerate(rows):
        seen, depth = _outside(row, depth)
        seen_rows.append(seen)
        if depth and not _closes_first("\n".join(rows[i + 1 :])):
            depth = 0
    # a word cut at the end of a row (before the pane's border) continues at the start
    # of the next row (after its border and indent)
    joined: list[str] = []
    for seen in seen_rows:
        if joined:
            end = re.search(r"([A-Za-z0-9_]+)[\s│┃▕▏|]*$", joined[-1])
            start = re.match(r"^([\s│┃▕▏|]*)([A-Za-z0-9_]+)", seen)
            if end and start:
                whole = end.group(1) + start.group(2)
                parts = re.findall(r"[A-Za-z]{2,}", whole)
                if parts and all(p.lower() in allowed for p in parts):
                    a, b = end.span(1)
                    joined[-1] = joined[-1][:a] + " " * (b - a) + joined[-1][b:]
                    c, d = start.span(2)
                    seen = seen[:c] + " " * (d - c) + seen[d:]
        joined.append(seen)
    found = []
    for seen in joined:
        # a label or name cut with … (or by the pane's edge, in a pane's last column)
        # shows the start of a data word
        seen = re.sub(
            r"([A-Za-z]+)…",
            lambda m: (
                " " * len(m.group(1)) + "…"
                if any(a.startswith(m.group(1).lower()) for a in allowed)
                else m.group(0)
            ),
            seen,
        )
        if lines:
            # text cut by a pane's edge or a snippet's end: the start of a data word at a
            # row's end, the end of one at a row's start or right after "… "
            seen = re.sub(
                r"([A-Za-z]{2,})(?=[\s│┃▕|]*$)",
                lambda m: (
                    " " if any(a.startswith(m.group(1).lower()) for a in allowed) else m.group(0)
                ),
                seen,
            )
            seen = re.sub(
                r"(?:^[\s│┃▏|]*|…\s+)([A-Za-z]{2,})",
                lambda m: (
                    m.group(0).replace(m.group(1), " " * len(m.group(1)))
                    if any(a.endswith(m.group(1).lower()) for a in allowed)
                    else m.group(0)
                ),
                seen,
            )
        for token in TOKEN.findall(seen):
            word = token.strip(".!?-_/+*#%^@")
            if not re.search(r"[A-Za-z]{2}", word):
                continue
            parts = re.findall(r"[A-Za-z]{2,}", word)
            if parts and all(p.lower() in allowed for p in parts):
                continue
            if (
                token.startswith("-")
                or re.fullmatch(r"[A-Z][A-Z0-9_]*(\.\.\.)?", word)
                or "/" in token
                or re.search(r"\.\w", word)
                or word.lower() in allowed
            ):
                continue
            found.append(token)
    return found


def cli_words() -> set[str]:
    """Command names, metavars and choices: the contract stays as it is."""
    from qualcode.cli import cli

    words = {"qualcode", "options", "command", "args", "en", "id"}
    for _path, cmd in catalog._walk(cli, "qualcode"):
        words.update(re.findall(r"[a-z]+", (cmd.name or "").lower()))
        words.add((cmd.name or "").lower())
        for param in cmd.params:
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", str(param.metavar or "")))
            choices = getattr(param.type, "choices", None) or ()
            words.update(str(c).lower() for c in choices)
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", str(param.default or "")))
    return words


def test_every_help_text_is_marked(pseudo_locale: None) -> None:
    """Every ``--help`` (click's own words included) under the pseudo-locale."""
    from qualcode.cli import cli

    allowed = cli_words()
    bad: dict[str, list[str]] = {}
    for path, _cmd in catalog._walk(cli, "qualcode"):
        out = run([*path.split()[1:], "--help"]).output
        words = unmarked(out, allowed)
        if words:
            bad[path] = words
    assert bad == {}


@pytest.mark.parametrize(
    "args",
    [
        ["import", "--bogus"],
        ["export", "matrix", "--by", "nope"],
        ["code"],
        ["--project", "/nonexistent/x.db", "documents"],
        ["nosuchcommand"],
    ],
    ids=lambda a: "-".join(a).strip("-/")[:30],
)
def test_error_lines_are_marked(pseudo_locale: None, args: list[str], tmp_path: Path) -> None:
    result = run(args)
    assert result.exit_code != 0
    allowed = cli_words() | {"nope", "nosuchcommand", "bogus", "x", "db", "nonexistent"}
    assert unmarked(result.output, allowed) == []


BAD_CODEBOOK = """\
version: 1
languages: [id, en]
codes:
  - id: a
    label: Satu
    colour: "#zzz"
  - id: a
    label: Dua
"""


def _project_error_cases() -> list[Any]:
    """Typical error lines raised in store/, services/, core/, importers/ and
    exporters/, run against the demo project (``DEMO`` and ``FILE`` are filled in)."""
    doc = "wawancara_01_pedagang_pasar"
    cases = {
        "selector-sentence": ["code", doc, "1a", "--sentence", "9999"],
        "selector-match": ["code", doc, "1a", "--match", "zzzqqq"],
        "unknown-code": ["code", doc, "nosuchcode", "--sentence", "1"],
        "unknown-document": ["sentences", "nosuchdoc"],
        "merge-into-itself": ["codebook", "merge-code", "1a", "1a"],
        "import-unsupported": ["import", "FILE.xyz"],
        "import-missing": ["import", "FILE-missing.txt"],
        "import-binary": ["import", "FILE.bin.txt"],
        "codebook-invalid": ["codebook", "validate", "FILE.yaml"],
        "codings-file": ["import-codings", "FILE.yaml"],
        "export-folder": ["export", "quotes", "-o", "DEMO"],
        "restore-missing": ["restore", "FILE-missing.db"],
        "merge-itself": ["merge", "DEMO"],
        "words-grouping": ["words", "--by", "nosuchgrouping"],
    }
    return [pytest.param(args, id=name) for name, args in cases.items()]


@pytest.mark.parametrize("args", _project_error_cases())
def test_error_lines_of_the_packages_are_marked(
    pseudo_locale: None, args: list[str], demo_dir: Path, tmp_path: Path
) -> None:
    """A user's mistake reported from below the CLI (the store, the services, the
    core, an importer or an exporter) is one marked line under the pseudo-locale."""
    (tmp_path / "FILE.xyz").write_text("text", encoding="utf-8")
    (tmp_path / "FILE.bin.txt").write_bytes(b"\x00\x01\x02\x03" * 400)
    (tmp_path / "FILE.yaml").write_text(BAD_CODEBOOK, encoding="utf-8")
    filled = [
        str(demo_dir) if a == "DEMO" else str(tmp_path / a) if a.startswith("FILE") else a
        for a in args
    ]
    result = run(["--project", str(demo_dir / "qualcode.db"), *filled])
    assert result.exit_code != 0, result.output
    assert "⟦" in result.output, result.output
    allowed = (
        cli_words()
        | {w.lower() for w in re.findall(r"[A-Za-z]+", str(tmp_path))}
        | {w.lower() for a in args for w in re.findall(r"[A-Za-z]+", a)}
        | {"wawancara", "pedagang", "pasar", "qualcode", "db", "yaml", "xyz", "txt", "bin"}
        | {"satu", "dua", "zzz", "demo", "nosuchcode", "nosuchdoc", "zzzqqq", "file"}
    )
    assert unmarked(result.output, allowed) == [], result.output


def screen_text(app: Any) -> str:
    """The screen's characters, line by line (from Textual's SVG export)."""
    svg = app.export_screenshot()
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, body in re.findall(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(body).replace("\xa0", " ")))
    return "\n".join("".join(t for _x, t in sorted(parts)) for _y, parts in sorted(rows.items()))


def screen_panes(app: Any) -> dict[str, str]:
    """The text of each widget on the top screen, read inside its own region.

    Every cell of the screen belongs to the deepest visible widget covering it (a
    pane's border and title to the pane, its lines to the list or text inside), so
    panes side by side are read apart and a string wrapped over rows of one pane
    reads on; under a dialog, the screen below is left out. Keys name the widget
    (type and id) for the failure message.
    """
    screen = app.screen
    grid = [strip.text for strip in screen._compositor.render_strips()]
    height = len(grid)
    width = max((len(row) for row in grid), default=0)
    owner: list[list[Any]] = [[None] * width for _ in range(height)]
    visible = screen._compositor.visible_widgets
    by_depth = sorted(
        enumerate(visible.items()), key=lambda item: (len(item[1][0].ancestors), item[0])
    )
    for _order, (widget, (region, clip)) in by_depth:
        area = region.intersection(clip)
        for y in range(max(area.y, 0), min(area.bottom, height)):
            row = owner[y]
            for x in range(max(area.x, 0), min(area.right, width)):
                row[x] = widget
    panes: dict[Any, list[str]] = {}
    for y in range(height):
        line = grid[y].ljust(width)
        cells: dict[Any, list[str]] = {}
        for x in range(width):
            if owner[y][x] is screen and screen.is_modal:
                continue  # the screen below a dialog (read in its own story)
            cells.setdefault(owner[y][x], []).append(line[x])
        for widget, chars in cells.items():
            panes.setdefault(widget, []).append("".join(chars).rstrip())
    out = {}
    for widget, rows in panes.items():
        name = "screen" if widget is None else f"{type(widget).__name__}#{widget.id or ''}"
        text = "\n".join(rows).strip("\n")
        if text.strip():
            out[f"{name}@{id(widget)}"] = text
    return out


def data_words(project: Any) -> set[str]:
    """Words that are the researcher's data: document text and names, code labels,
    ids, aliases and definitions, coder names; and key names."""
    words: set[str] = set()

    def add(text: str) -> None:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))

    for name in project.documents.document_names():
        add(name)
        add(project.documents.document(name).text)
    for code in project.codebook():
        add(code.id)
        for label in code.labels().values():
            add(label)
        # every text of the code: description, when to use it and when not, examples
        for value in vars(code).values():
            if isinstance(value, str):
                add(value)
            elif isinstance(value, (tuple, list)):
                add(" ".join(str(v) for v in value))
    add("tester qualcode esc enter tab shift ctrl del space PgDn PgUp ^p db demo")
    # the help lists each key's binding id, the name a settings file's keymap uses
    from qualcode.tui.keymap import binding_ids

    for binding_id in binding_ids():
        words.add(binding_id.lower())
        add(binding_id)
    return words


def document_words(demo_dir: Path) -> set[str]:
    words: set[str] = set()
    for path in (ROOT / "transcripts").iterdir():
        if path.suffix in (".txt", ".md"):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", path.read_text("utf-8")))
    words.update(w.lower() for w in re.findall(r"[A-Za-z]+", str(demo_dir)))
    # the word lists show lemmas (pelayanan -> layan)
    from qualcode.nlp.morph import indonesian_analyses

    words |= {root.lower() for w in list(words) for root, _n, _cost in indonesian_analyses(w)}
    # the interface's own words are never taken for data, even where a transcript has them
    return words - UI_WORDS


UI_WORDS = {
    "turn",
    "sentence",
    "word",
    "words",
    "coding",
    "codings",
    "coded",
    "document",
    "documents",
    "codebook",
    "memo",
    "open",
    "search",
    "filter",
    "keys",
    "help",
    "back",
    "close",
    "cancel",
    "next",
    "previous",
    "quit",
    "palette",
    "extend",
    "visual",
    "undo",
}


async def _story(app: Any, size: tuple[int, int], keys: list[str]) -> dict[str, str]:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await settled(pilot)
        return screen_panes(app)


STORIES: dict[str, list[str]] = {
    "coding": ["semicolon", "2", "a", "j"],
    "help": ["question_mark"],
    "documents": ["o"],
    "picker": ["c"],
    "review": ["V"],
    "search": ["slash", "a", "n", "t", "r", "e", "enter"],
    "suggestions": ["S"],
    "adjudicate": ["A"],
    "text-analysis": ["T"],
    "retrieval": ["R"],
    "first-run": [],
}

SIZES: dict[str, list[tuple[int, int]]] = {
    "coding": [(80, 24), (100, 30), (120, 40), (200, 50)],
    "first-run": [(80, 24), (100, 30), (120, 40), (200, 50)],
}
"""Every story at 80x24 and 120x40; the cheap ones at 100x30 and 200x50 too."""


def _screen_cases() -> list[Any]:
    cases = []
    for story in sorted(STORIES):
        for size in SIZES.get(story, [(80, 24), (120, 40)]):
            cases.append(pytest.param(story, size, id=f"{story}-{size[0]}x{size[1]}"))
    return cases


@pytest.mark.parametrize(("story", "size"), _screen_cases())
async def test_screens_show_only_marked_words(
    pseudo_locale: None, demo_dir: Path, tmp_path: Path, story: str, size: tuple[int, int]
) -> None:
    """Every pane of the screen, read on its own with wrapped strings followed, shows
    only marked strings and data (document text and names, code labels, keys)."""
    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp

    if story == "first-run":
        folder = tmp_path / "new"
        folder.mkdir()
        app = QualcodeApp(None, location=str(folder / "qualcode.db"), coder="tester")
        allowed = {"tester", "qualcode", "db", "new", "esc", "enter", "tab", "space"} | {
            w.lower() for w in re.findall(r"[A-Za-z]+", str(tmp_path))
        }
        panes = await _story(app, size, STORIES[story])
    else:
        project = open_project(str(demo_dir))
        app = QualcodeApp(project, location=str(demo_dir), settings=Settings())
        try:
            allowed = data_words(project) | document_words(demo_dir)
            panes = await _story(app, size, STORIES[story])
        finally:
            project.close()
    assert any("⟦" in text for text in panes.values())
    bad = {
        name: words
        for name, text in panes.items()
        if (words := unmarked(text, allowed, lines=True))
    }
    assert bad == {}, "\n\n".join(f"{n}:\n{panes[n]}" for n in bad)


def test_the_pane_reader_follows_wrapped_strings() -> None:
    """A string wrapped over rows of a pane, scrolled past its start, or a name cut
    mid-word at a row's end reads as marked; an unmarked word still shows."""
    allowed = {"wawancara", "pedagang", "pasar", "bilang", "banyak"}
    assert unmarked("⟦çódéd wíth\nthé çódé⟧ next", allowed, lines=True) == ["next"]
    assert unmarked("stíll wráppéd⟧ ⟦ók⟧\nplain", allowed, lines=True) == ["plain"]
    assert unmarked("⟦cut at the edge\nloose ⟦ók⟧", allowed, lines=True) == ["loose"]
    assert unmarked("wawancara_01_peda\ngang_pasar ⟦ók⟧", allowed, lines=True) == []
    assert unmarked("│ wawancara_01_p │\n│ edagang_pasar  │", allowed, lines=True) == []
    assert unmarked("wawancara_01_pe… gang bilang ba\nwords", allowed, lines=True) == ["words"]
    assert unmarked("⟦á ⟦nested⟧ still⟧ out", allowed, lines=True) == ["out"]
    assert unmarked("⟦wrapped\nstill ⟦nested⟧ in⟧ out", allowed, lines=True) == ["out"]
    assert unmarked("01 pedagang…  02 pedag│\nwords", allowed, lines=True) == ["words"]


# ------------------------------------------------------------------ Indonesian snapshots

INDONESIAN: dict[str, Callable[..., Any]] = {}


@pytest.mark.parametrize("story", ["coding", "help", "documents"])
def test_indonesian_snapshots(
    snap_compare: Any, demo_dir: Path, story: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The main screens in Bahasa Indonesia at 100x30."""
    from textual.widgets import Input

    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp

    # the text field keeps its cursor shown, as tests/tui/conftest.py's steady_cursor
    # does there: a blink phase depends on how long a step took on a loaded machine
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    i18n.set_language("id")
    project = open_project(str(demo_dir))

    async def before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.pause()
        for key in STORIES[story]:
            await pilot.press(key)
            await pilot.pause()
        await settled(pilot)

    try:
        app = QualcodeApp(project, location="demo", settings=Settings())
        assert snap_compare(app, terminal_size=(100, 30), run_before=before)
    finally:
        project.close()
        i18n.set_language(None)
