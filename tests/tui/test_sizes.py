"""Every screen at 80x24, 100x30, 120x40 and 200x50: panes sized to the work,
documents reachable at every size, whole labels and counts, Tab and help saying
what exists, pane widths kept in the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from textual.widgets import Footer

from qualcode.settings import Settings, load_settings
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import NARROW, CodingScreen, pane_widths
from qualcode.tui.screens.documents import DocumentSwitcher, matches
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.document_list import DocumentList
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.tui.waits import settled

SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
LONG = "time.late_letters"
LONG_LABEL = "Surat tidak selesai sesuai waktu SOP"


def ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


# ---------------------------------------------------------------------- pane widths


@pytest.mark.parametrize("width", [80, 99, 100, 101, 120, 160, 200, 300])
@pytest.mark.parametrize("codebook", [20, 44, 90])
@pytest.mark.parametrize("documents", [16, 33, 70])
def test_the_transcript_gets_the_most_width(width: int, codebook: int, documents: int) -> None:
    docs, codes = pane_widths(width, codebook, documents)
    transcript = width - docs - codes
    assert transcript > codes and transcript > docs
    assert codes <= width // 3  # the codebook grows up to a third
    assert docs <= width // 5
    assert (docs == 0) is (width < NARROW)
    assert codes == max(min(codebook, width // 3), 20)  # as wide as it needs when it can


@pytest.mark.parametrize("width", [80, 100, 120, 200])
@pytest.mark.parametrize("chosen", [8, 30, 60, 150])
def test_a_chosen_width_is_kept_while_the_transcript_stays_widest(width: int, chosen: int) -> None:
    docs, codes = pane_widths(width, 40, 30, {"codebook": chosen, "documents": chosen})
    transcript = width - docs - codes
    assert transcript > codes and transcript > docs
    if chosen <= (width - docs - 1) // 2 and chosen >= 20:
        assert codes == chosen


def test_the_document_filter_takes_words_in_any_order() -> None:
    assert matches("wawancara_01_pedagang_pasar", "pasar 01")
    assert matches("wawancara_01_pedagang_pasar", "PEDAGANG")
    assert not matches("wawancara_01_pedagang_pasar", "petani")


# ---------------------------------------------------------------------- every size


def tree_line(tree: CodeTree, code_id: str) -> str:
    for y in range(tree.last_line + 1):
        node = tree.get_node_at_line(y)
        if node is not None and node.data == code_id:
            tree.scroll_to_node(node, animate=False)
            strip = tree.render_line(y - int(tree.scroll_offset.y))
            return "".join(seg.text for seg in strip).rstrip()
    raise AssertionError(code_id)


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_each_pane_shows_its_title_whole_labels_and_counts(
    make_app: Callable[..., QualcodeApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("semicolon", "2", "a", "j", "semicolon", "2", "a")  # two codings
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        tree = screen.query_one(CodeTree)
        view = screen.query_one(TranscriptView)
        assert tree.border_title == "Codebook (30)"
        assert view.border_title == "interview_07_ngo_observer"
        assert view.border_subtitle == "2 codings · 1% coded"
        line = tree_line(tree, LONG)
        assert line.endswith(" 2"), line  # the count is never cut
        if LONG_LABEL not in line:
            assert "…" in line  # the label is
        assert (
            tree.outer_size.width + (screen.query_one(DocumentList).outer_size.width)
            < (size[0] - tree.outer_size.width)
            or size[0] < NARROW
        )
        # the highlighted code's whole label and counts, under the tree
        tree.focus()
        for y in range(tree.last_line + 1):
            node = tree.get_node_at_line(y)
            if node is not None and node.data == LONG:
                tree.move_cursor(node)
        await pilot.pause()
        info = str(screen.query_one("#code-info").render())
        assert info.startswith(f"{LONG_LABEL}\nLetters not finished within the SOP's time\n")
        assert "2 codings in 1 document" in info
        documents = screen.query_one(DocumentList)
        if size[0] >= NARROW:
            assert documents.display and documents.border_title == "Documents (8)"
            prompt = str(documents.get_option_at_index(0).prompt)
            assert prompt.startswith("interview_07_ngo_observer")  # whole, wrapped if need be
        else:
            assert not documents.display


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_any_document_opens_at_every_size(
    make_app: Callable[..., QualcodeApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("o")
        switcher = app.screen
        assert isinstance(switcher, DocumentSwitcher)
        await pilot.press(*"guru", "enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen) and coding.current_doc == "wawancara_06_guru"
        view = coding.query_one(TranscriptView)
        assert view.document is not None and view.document.name == "wawancara_06_guru"
        assert view.has_focus
        # and through the command palette, by name
        titles = [c.title for c in app.get_system_commands(app.screen)]
        names = [t.removeprefix("Open document: ") for t in titles if t.startswith("Open doc")]
        assert names == app.project.documents.document_names()  # type: ignore[union-attr]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=ids)
async def test_tab_and_help_describe_what_exists_at_this_size(
    make_app: Callable[..., QualcodeApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in range(4):
            await pilot.press("tab")
            seen.append(type(screen.focused).__name__)
        narrow = size[0] < NARROW
        if narrow:
            assert set(seen) == {"TranscriptView", "CodeTree"}
        else:
            assert set(seen) == {"TranscriptView", "CodeTree", "DocumentList"}
        assert screen.query_one(Footer).compact is narrow
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        intro = str(help_screen.query_one("#help-intro").render())
        table = str(help_screen.query_one("#help-table").render())
        if narrow:
            assert intro.startswith("At this width the document list is hidden: tab / shift+tab")
            assert "Document list" not in table  # its keys would not work here
        else:
            assert intro.startswith("Keys follow the focused pane: tab / shift+tab move between")
            assert "the document list, the transcript and the codebook" in intro
            assert "Document list" in table
        assert "o opens" in intro


async def test_pane_widths_change_with_keys_and_are_kept_in_the_settings(
    make_app: Callable[..., QualcodeApp],
) -> None:
    settings_file = load_settings.__globals__["config_dir"]() / "settings.yaml"
    settings_file.parent.mkdir(parents=True, exist_ok=True)
    settings_file.write_text("# my settings\ntheme: textual-dark\n", encoding="utf-8")
    app = make_app(load_settings())
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one("#codebook-pane")
        before = pane.outer_size.width
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert pane.outer_size.width == before + 6
        docs = app.screen.query_one(DocumentList)
        docs.focus()
        docs_before = docs.outer_size.width
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert docs.outer_size.width == docs_before - 2
    text = settings_file.read_text(encoding="utf-8")
    assert text.startswith("# my settings\ntheme: textual-dark\n")  # kept as written
    assert yaml.safe_load(text)["pane_widths"] == {
        "codebook": before + 6,
        "documents": docs_before - 2,
    }
    again = make_app(load_settings())
    async with again.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        assert again.screen.query_one("#codebook-pane").outer_size.width == before + 6
        await pilot.press("equals_sign")  # fit to content again
        await pilot.pause()
        assert again.screen.query_one("#codebook-pane").outer_size.width == before
    assert "pane_widths" not in yaml.safe_load(settings_file.read_text(encoding="utf-8"))


def test_bad_pane_widths_in_the_settings_are_one_line(tmp_path: Path) -> None:
    from qualcode.errors import InputError

    path = tmp_path / "settings.yaml"
    path.write_text("pane_widths: {codebook: wide}\n", encoding="utf-8")
    with pytest.raises(InputError, match="'pane_widths' must map codebook and documents"):
        load_settings(path)
    path.write_text("pane_widths: {transcript: 40}\n", encoding="utf-8")
    with pytest.raises(InputError, match="'pane_widths' must map"):
        load_settings(path)
    path.write_text("pane_widths: {codebook: 44}\n", encoding="utf-8")
    assert load_settings(path) == Settings(pane_widths={"codebook": 44})
