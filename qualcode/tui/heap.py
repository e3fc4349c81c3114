"""The workbench's heap and Python's cyclic garbage collector.

Once the workbench has started, most objects alive are there for the whole session:
the modules, Textual's and SQLAlchemy's machinery, the app, the coding screen and the
open project (about 150,000 objects). A full (generation 2) collection walks every one
of them, and drawing a screen as large as the themes screen allocates enough to start
one: on the 2-core machine that was 120 to 400 ms in the middle of opening it, as much
as everything else the opening does.

:func:`settle` moves the objects alive at that moment into the collector's permanent
generation (``gc.freeze``): a later collection walks only what was made after it.
Nothing is lost by it. An object in the permanent generation is still freed as soon
as nothing refers to it (reference counting); only a reference cycle among them is not
collected, which at start-up is a handful of small objects. It costs no collection
(``gc.freeze`` moves one list) and is done once, after the first screen is drawn.
"""

from __future__ import annotations

import gc

_settled = False


def settle() -> int:
    """Keep the collector off the objects alive now (once per process); the number
    of objects put aside (0 when it was done before)."""
    global _settled
    if _settled:
        return 0
    _settled = True
    gc.freeze()
    return gc.get_freeze_count()


class Held:
    """The collector held off while a screen is built and drawn the first time.

    A screen as large as the themes screen allocates tens of thousands of objects
    that live as long as it does (Textual's lines and their caches); counting them,
    the collector starts generation after generation in the middle of the opening,
    and the last one walks all of them. :meth:`hold` (when the screen is made) stops
    it, :meth:`release` (after its first frame, and at the latest when it goes)
    starts it again: what the opening left is then collected once, after the
    researcher sees the screen. Nothing is kept from the collector for longer.
    """

    def __init__(self) -> None:
        self.held = False

    def hold(self) -> None:
        """Stop the collector (unless someone else stopped it: then leave it)."""
        if gc.isenabled():
            gc.disable()
            self.held = True

    def release(self) -> None:
        """Start the collector again if :meth:`hold` stopped it."""
        if self.held:
            self.held = False
            gc.enable()


__all__ = ["Held", "settle"]
