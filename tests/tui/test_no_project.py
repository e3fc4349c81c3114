"""A folder without a project shows how to make one."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from qualcode.tui.app import NoProjectScreen, QualcodeApp


async def test_folder_without_a_project_explains_how_to_make_one(tmp_path: Path) -> None:
    app = QualcodeApp(None, location=str(tmp_path / "qualcode.db"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoProjectScreen)
        text = str(app.screen.query_one("#no-project-text", Static).render())
        assert "No qualcode project here" in text
        assert "qualcode init --codebook" in text
        assert "qualcode demo" in text
        await pilot.press("q")
    assert app.return_code == 0
