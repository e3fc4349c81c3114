"""Fixtures for driving the workbench headless."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.message import Message

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text fields keep their cursor shown: a blink phase depends on how long a step
    took (a loaded machine), and a snapshot must not."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def make_app(demo_dir: Path) -> Iterator[Callable[..., QualcodeApp]]:
    """Build apps on a private copy of the demo project (closed after the test)."""
    apps: list[QualcodeApp] = []

    def build(settings: Settings | None = None) -> QualcodeApp:
        app = QualcodeApp(
            open_project(str(demo_dir)), location=str(demo_dir), settings=settings or Settings()
        )
        apps.append(app)
        return app

    yield build
    for app in apps:
        if app.project is not None:
            app.project.close()


class Messages(list[Message]):
    """Messages posted while an app ran (``app.run_test(message_hook=messages.append)``)."""

    def of(self, kind: type[Message]) -> list[Message]:
        """Only the messages of one class, each once (a bubbling message is seen by
        every node it passes)."""
        seen: set[int] = set()
        out = []
        for m in self:
            if isinstance(m, kind) and id(m) not in seen:
                seen.add(id(m))
                out.append(m)
        return out

    def notices(self) -> list[str]:
        """The text of every notification the app showed."""
        from textual.notifications import Notify

        return [str(m.notification.message) for m in self if isinstance(m, Notify)]


@pytest.fixture
def messages() -> Messages:
    """Collects posted messages."""
    return Messages()
