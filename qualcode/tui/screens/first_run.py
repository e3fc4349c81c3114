"""The first run: ``qualcode`` in a folder without a project.

One screen makes the project in three choices, each with a sensible default, so a
researcher gets from an empty folder to the coding screen without reading anything:

1. the project file (``./qualcode.db``);
2. a codebook: the shipped ones (copied beside the project, so edits are written
   back to the researcher's copy), the YAML codebooks found in the folder, or none;
3. the transcripts found in the folder (every importable file, README-like files
   left unticked), and the shipped demo interviews.

``c`` (or ``ctrl+s``) creates the project and imports in a worker with a progress
bar; ``d`` opens the demo project instead. A bad codebook is one line on the screen
and nothing is written.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from qualcode.core.model import Progress
from qualcode.errors import QualcodeError
from qualcode.i18n import plural
from qualcode.tui.widgets.tick_list import TickList

DEMO = "@demo"
"""The value standing for the shipped demo interviews in the transcript list."""
NO_CODEBOOK = "@none"


def shown(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when it is inside it."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


class FirstRunScreen(Screen[None]):
    """Create a project: a codebook, transcripts, go."""

    BINDINGS = [
        Binding("c", "create", "Create project", id="first-run-create"),
        Binding("d", "demo", "Open the demo", id="first-run-demo"),
        Binding("a", "toggle_all", "All/none", id="first-run-all", show=False),
        Binding("ctrl+s", "create", "Create", show=False, priority=True, id="first-run-save"),
    ]

    def __init__(self, location: str, *, coder: str | None = None) -> None:
        super().__init__()
        self.location = Path(location)
        self.folder = self.location.parent
        self.coder = coder
        self.codebook_values: list[str] = []
        self.found_transcripts: list[Path] = []
        self.busy = False

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        from qualcode import services

        cwd = Path.cwd()
        here = self.folder.resolve() == cwd.resolve()
        where = f"this folder ({cwd.name})" if here else str(self.folder.resolve())
        with VerticalScroll(id="first-run"):
            yield Static("[b]Welcome to qualcode[/b]", id="first-run-title")
            yield Static(
                f"There is no project in {where} yet. Choose a codebook and the "
                "transcripts, then press [b]c[/b] to create the project and start coding. "
                "[b]d[/b] opens the demo project instead.",
                id="first-run-intro",
            )
            yield Static("[b]1[/b]  Project file", classes="first-run-step")
            yield Input(shown(self.location, cwd), id="first-run-location")
            yield Static(
                "[b]2[/b]  Codebook  [dim](↑↓ choose · enter next)[/dim]", classes="first-run-step"
            )
            options: list[Option] = []
            for path in services.shipped_codebooks():
                try:
                    title, n = services.codebook_title(path)
                except QualcodeError:
                    continue
                options.append(
                    Option(
                        plural(
                            n,
                            "{title}  [dim]{n} code · shipped; a copy is saved beside the "
                            "project[/dim]",
                            "{title}  [dim]{n} codes · shipped; a copy is saved beside the "
                            "project[/dim]",
                            title=title,
                        ),
                        id=f"cb-{len(options)}",
                    )
                )
                self.codebook_values.append(str(path))
            for path in services.find_codebooks(self.folder):
                options.append(
                    Option(
                        f"{shown(path, self.folder)}  [dim]found here[/dim]",
                        id=f"cb-{len(options)}",
                    )
                )
                self.codebook_values.append(str(path))
            options.append(
                Option(
                    "No codebook yet  [dim]add codes while coding[/dim]", id=f"cb-{len(options)}"
                )
            )
            self.codebook_values.append(NO_CODEBOOK)
            yield OptionList(*options, id="first-run-codebooks")
            yield Static(
                "[b]3[/b]  Transcripts  [dim](space tick · a all/none)[/dim]",
                classes="first-run-step",
            )
            self.found_transcripts = services.find_transcripts(self.folder)
            items: list[tuple[str, str, bool]] = [
                (shown(p, self.folder), str(p), services.looks_like_transcript(p))
                for p in self.found_transcripts
            ]
            items.append(
                (
                    "The eight demo interviews shipped with qualcode (Indonesian and English)",
                    DEMO,
                    not self.found_transcripts,
                )
            )
            yield TickList[str](*items, id="first-run-transcripts")
            yield Static(
                plural(
                    len(self.found_transcripts),
                    "{n} importable file found here (.txt .md .docx .odt .rtf .pdf .vtt "
                    ".srt .html); more can be imported later with ctrl+o or `qualcode import`.",
                    "{n} importable files found here (.txt .md .docx .odt .rtf .pdf .vtt "
                    ".srt .html); more can be imported later with ctrl+o or `qualcode import`.",
                ),
                id="first-run-found",
            )
            yield Static("", id="first-run-status")
            with Horizontal(id="first-run-buttons"):
                yield Button("Create project (c)", id="first-run-create-button", variant="primary")
                yield Button("Open the demo (d)", id="first-run-demo-button")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#first-run-codebooks", OptionList).highlighted = 0
        self.query_one("#first-run-codebooks", OptionList).focus()

    # ------------------------------------------------------------------ choices

    def chosen_codebook(self) -> Path | None:
        """The highlighted codebook (``None``: start without one)."""
        index = self.query_one("#first-run-codebooks", OptionList).highlighted
        value = self.codebook_values[index if index is not None else 0]
        return None if value == NO_CODEBOOK else Path(value)

    def chosen_transcripts(self) -> list[Path]:
        """The ticked transcripts, the demo interviews expanded."""
        from qualcode import services

        out: list[Path] = []
        for value in self.query_one("#first-run-transcripts", SelectionList).selected:
            if value == DEMO:
                out.extend(services.demo_transcripts())
            else:
                out.append(Path(value))
        return out

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#first-run-transcripts", SelectionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#first-run-codebooks", OptionList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "first-run-create-button":
            self.action_create()
        elif event.button.id == "first-run-demo-button":
            self.action_demo()

    def action_toggle_all(self) -> None:
        sl = self.query_one("#first-run-transcripts", SelectionList)
        files = [str(p) for p in self.found_transcripts]
        if files and all(v in sl.selected for v in files):
            for v in files:
                sl.deselect(v)
        else:
            for v in files:
                sl.select(v)

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#first-run-status", Static)
        status.set_class(error, "-error")
        status.update(text)

    # ------------------------------------------------------------------ actions

    def action_create(self) -> None:
        if self.busy:
            return
        from qualcode import services
        from qualcode.tui.screens.jobs import JobModal, JobResult

        text = self.query_one("#first-run-location", Input).value.strip()
        location = str(Path(text).expanduser()) if text else str(self.location)
        if Path(location).is_dir():
            location = str(Path(location) / "qualcode.db")
        codebook = self.chosen_codebook()
        transcripts = self.chosen_transcripts()
        coder = self.coder

        def job(progress: Progress, cancelled: threading.Event) -> Any:
            return services.start_project(
                location, codebook, transcripts, coder=coder, progress=progress
            )

        def done(result: JobResult[Any] | None) -> None:
            self.busy = False
            if result is None or result.cancelled:
                if Path(location).exists():
                    # cancelled during the import: the project and the documents
                    # already stored are kept; open it
                    self._open(location, "import cancelled; the documents already read are kept")
                else:
                    self.say("cancelled; nothing was created")
                return
            if result.error or result.value is None:
                self.say(f"error: {result.error}", error=True)
                return
            project, report = result.value
            errors = report.errors
            message = "created {where}: {codes}, {imported}".format(
                where=project.where,
                codes=plural(len(project.codebook()), "{n} code", "{n} codes"),
                imported=plural(
                    len(report.imported), "{n} transcript imported", "{n} transcripts imported"
                ),
            )
            if errors:
                message = plural(
                    len(errors),
                    "{message}, {n} refused: {first}",
                    "{message}, {n} refused, the first: {first}",
                    message=message,
                    first=errors[0],
                )
            self.app.open_project(project, message, warn=bool(errors))  # type: ignore[attr-defined]

        self.busy = True
        self.say("")
        n = len(transcripts)
        title = plural(
            n,
            "Creating the project and importing {n} transcript",
            "Creating the project and importing {n} transcripts",
        )
        self.app.push_screen(JobModal(title, job), done)

    def _open(self, location: str, message: str) -> None:
        from qualcode.store import open_project

        try:
            project = open_project(location, coder=self.coder)
        except QualcodeError as exc:
            self.say(f"error: {exc}", error=True)
            return
        self.app.open_project(project, message)  # type: ignore[attr-defined]

    def action_demo(self) -> None:
        if self.busy:
            return
        from qualcode import services
        from qualcode.tui.screens.jobs import JobModal, JobResult

        def job(progress: Progress, cancelled: threading.Event) -> Any:
            return services.build_demo(progress=progress)

        def done(result: JobResult[Any] | None) -> None:
            self.busy = False
            if result is None or result.value is None:
                self.say(result.error if result and result.error else "cancelled", error=True)
                return
            self._open(str(result.value), f"the demo project ({result.value})")

        self.busy = True
        self.app.push_screen(JobModal("Building the demo project", job), done)
