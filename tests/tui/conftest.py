"""Fixtures for driving the workbench headless."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp


@pytest.fixture
def make_app(demo_dir: Path) -> Iterator[type[QualcodeApp]]:
    """Build apps on a private copy of the demo project (closed after the test)."""
    apps: list[QualcodeApp] = []

    class _App(QualcodeApp):
        def __init__(self) -> None:
            super().__init__(
                open_project(str(demo_dir)), location=str(demo_dir), settings=Settings()
            )
            apps.append(self)

    yield _App
    for app in apps:
        if app.project is not None:
            app.project.close()
