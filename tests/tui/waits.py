"""Waiting in workbench tests: for a condition, never for a fixed time.

A fixed pause passes on an idle machine and fails on a loaded one; these helpers
give the app's event loop and its worker threads turns until the condition holds,
and fail with what they waited for after a generous deadline.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

DEADLINE_S = 60.0
"""How long a condition may take before the test fails (a loaded 2-core machine)."""


async def wait_for(pilot: Any, ready: Callable[[], bool], what: str = "the condition") -> None:
    """Give the app turns until ``ready()`` holds.

    Args:
        pilot: the test's Pilot.
        ready: the condition, checked after every turn.
        what: named in the failure.
    """
    deadline = time.monotonic() + DEADLINE_S
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause()
        # a turn for worker threads too (pause() alone returns as soon as the loop idles)
        await asyncio.sleep(0.005)


def _busy(pilot: Any, groups: tuple[str, ...]) -> bool:
    """A worker of one of ``groups`` still runs, or a screen has messages (a worker's
    result) it has not handled yet: what the screen shows may still change."""
    app = pilot.app
    if any(w.group in groups and not w.is_finished for w in app.workers):
        return True
    return any(s.message_queue_size for s in app.screen_stack)


def counts_pending(pilot: Any) -> bool:
    """The coding screen's side-pane counts follow a change one coalesced frame later
    (``CodingScreen._after_change`` starts a timer, which starts a counting worker):
    true while that update is still due, also under a dialog or another screen pushed
    over it."""
    timer = any(getattr(s, "_counts_timer", None) is not None for s in pilot.app.screen_stack)
    return timer or _busy(pilot, ("code-counts",))


def data_pending(pilot: Any) -> bool:
    """A screen that computes its data in a worker (the review screen's matrix and
    quotes, the text analysis's words and concordance, the coding screen's document
    list, the document switcher's list, the thematic map, the full project opening
    behind the first frame) has not shown the newest result yet."""
    return _busy(
        pilot,
        (
            "review-data",
            "text-words",
            "text-kwic",
            "document-list",
            "document-switcher",
            "thematic-map",
            "open-project",
        ),
    )


async def settled(pilot: Any) -> None:
    """Wait until the workers are done, their results are on the screen, the deferred
    count update has run and every animation (a list scrolling to its highlighted
    entry) has finished."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await wait_for(pilot, lambda: not data_pending(pilot), "the worker's data to show")
    await wait_for(pilot, lambda: not counts_pending(pilot), "the counts to follow")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
