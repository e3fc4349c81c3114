"""The workbench's own exports carry the project's pseudonyms (``pseudonyms.csv``
beside the project): the frequency matrix (``ctrl+e``), word frequencies and keyword
in context (``T``, then ``e`` / ``E``)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.text_analysis import TextAnalysisScreen
from tests.tui.conftest import Messages
from tests.tui.waits import settled

NAMES = "real,pseudonym\nwawancara_03_petani,Wawancara 3\nPak Darto,Informan B\nDarto,Informan B\n"


def _has(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){name}(?![A-Za-z])", text, re.IGNORECASE) is not None


async def test_workbench_exports_apply_the_projects_pseudonyms(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    (demo_dir / "pseudonyms.csv").write_text(NAMES, encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one(Input).value = "out/freq.csv"
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("T", "b")  # words by document
        await pilot.pause()
        assert isinstance(app.screen, TextAnalysisScreen)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("k", *"darto", "enter")
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
    freq = (demo_dir / "out" / "freq.csv").read_text(encoding="utf-8-sig")
    assert "Wawancara 3" in freq and not _has(freq, "wawancara_03_petani")
    words = (demo_dir / "exports" / "words-by-document.csv").read_text(encoding="utf-8-sig")
    assert "Wawancara 3" in words and not _has(words, "wawancara_03_petani")
    assert not _has(words, "darto")  # counted on the text with the names replaced
    kwic = demo_dir / "exports" / "kwic-Informan_B.xlsx"
    with zipfile.ZipFile(kwic) as z:
        body = "".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert "Informan B" in body and not _has(body, "darto")
    assert any("(pseudonyms from pseudonyms.csv)" in n for n in messages.notices())
