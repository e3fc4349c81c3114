"""The key that completes a `;` prefix applies the code and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen

FIRST_DOC = "interview_07_ngo_observer"


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        (["semicolon", "3", "a"], "cost.unofficial_fee"),  # `a` is also the case-info key
        (["semicolon", "1", "c"], "procedure.unclear_requirements"),  # `c` opens the picker
        (["semicolon", "6", "e"], "competence.skilled"),
    ],
    ids=["3a-not-case-info", "1c-not-picker", "6e"],
)
async def test_completing_key_fires_no_binding(
    make_app: Callable[[], QualcodeApp], demo_dir: Path, keys: list[str], code: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("j", *keys)
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)  # no modal opened by the last key
        assert app.screen.prefix_active is False
    project = open_project(str(demo_dir))
    got = [c.code for c in project.codings.codings(doc=FIRST_DOC)]
    project.close()
    assert got == [code]
