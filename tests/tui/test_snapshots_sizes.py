"""One SVG snapshot per screen and size: 80x24, 100x30, 120x40 and 200x50 (fixed
clock, coder and project copy)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from qualcode.tui.app import QualcodeApp
from qualcode.tui.widgets.code_tree import CodeTree
from tests.tui.waits import settled, wait_for

SIZES = [(80, 24), (100, 30), (120, 40), (200, 50)]
CODED = ["semicolon", "2", "a", "j", "1", "J", "semicolon", "6", "a", "j", "semicolon", "3", "a"]
"""A few codings, one of them under the longest label (2a)."""

Run = Callable[[Pilot[None]], Awaitable[None]]


def ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


def keys(*pressed: str) -> Run:
    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*pressed)
        await settled(pilot)  # the counts follow a frame later

    return run


async def codebook_detail(pilot: Pilot[None]) -> None:
    """Codings, then the codebook focused on its longest label."""
    await keys(*CODED)(pilot)
    tree = pilot.app.screen.query_one(CodeTree)
    tree.focus()
    for y in range(tree.last_line + 1):
        node = tree.get_node_at_line(y)
        if node is not None and node.data == "time.late_letters":
            tree.move_cursor(node, animate=False)
    await settled(pilot)


async def review(pilot: Pilot[None]) -> None:
    await keys(*CODED, "V")(pilot)
    pilot.app.screen.query_one("#review-matrix", DataTable).move_cursor(row=8, column=1)
    await pilot.pause()


async def documents(pilot: Pilot[None]) -> None:
    """The switcher over the transcript, once the counts have settled behind it."""
    await keys(*CODED)(pilot)
    await pilot.press("o")
    await settled(pilot)


async def search(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("slash", *"antre", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("space")
    await pilot.pause()


async def themes(pilot: Pilot[None]) -> None:
    """The themes screen: a few codings, two codes marked into a new theme, the
    theme highlighted with its passages beside it."""
    await keys(*CODED, "E")(pilot)
    await pilot.press("space", "space", "n", *"Antre lama", "enter")
    await settled(pilot)
    await pilot.press("tab")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: getattr(screen, "people_ready", True), "the participants")
    await pilot.app.workers.wait_for_complete()
    pilot.app.clear_notifications()  # a toast's lifetime depends on the machine's speed
    await settled(pilot)


STORIES: dict[str, Run] = {
    "coding": keys(*CODED),
    "codebook_detail": codebook_detail,
    "documents": documents,
    "prefix": keys("semicolon", "2"),
    "picker": keys("c", *"syarat tidak"),
    "search": search,
    "review": review,
    "help": keys("question_mark"),
    "themes": themes,
}


@pytest.mark.parametrize("size", SIZES, ids=ids)
@pytest.mark.parametrize("story", sorted(STORIES))
def test_every_screen_at_every_size(
    snap_compare: Any, make_app: Callable[..., QualcodeApp], story: str, size: tuple[int, int]
) -> None:
    """The workbench's screens at the four sizes."""
    assert snap_compare(make_app(), terminal_size=size, run_before=STORIES[story])


def test_without_colour(
    snap_compare: Any, make_app: Callable[..., QualcodeApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: coded text is underlined, the gutter's shapes mark the codings."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*CODED, "j", "j"))


def test_themes_without_colour(
    snap_compare: Any, make_app: Callable[..., QualcodeApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: the themes screen's marks, status and extracts are shapes, not tints."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=themes)
