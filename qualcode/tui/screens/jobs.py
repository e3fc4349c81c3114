"""Long work in a thread worker with a progress bar and a Cancel button.

:class:`JobModal` runs any ``job(progress, cancelled) -> result`` in a Textual thread
worker, so the screen keeps redrawing and answering keys. The job reports through
``progress(done, total, what)`` (the services' :data:`~qualcode.core.model.Progress`
callback); once Cancel is pressed, the next call to ``progress`` raises
:class:`Cancelled`, so a job stops between two of its units of work (an import stops
after the current document's transaction). Import, export and, later, auto-coding
use it.

:class:`ImportDialog` and :class:`ExportDialog` ask for the paths and build the jobs.
"""

from __future__ import annotations

import glob
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from qualcode.core.model import Progress
from qualcode.errors import InputError, QualcodeError
from qualcode.i18n import N_, _
from qualcode.tui.screens.modals import TextPrompt

T = TypeVar("T")

Job = Callable[[Progress, threading.Event], T]
"""A unit of long work: ``job(progress, cancelled)``."""


class Cancelled(Exception):
    """Raised inside a job by ``progress`` once the user pressed Cancel."""


@dataclass(frozen=True)
class JobResult(Generic[T]):
    """How a job ended: its value, or cancelled, or an error message."""

    value: T | None = None
    cancelled: bool = False
    error: str | None = None


class JobModal(ModalScreen[JobResult[T]]):
    """Run a job in a thread worker, show its progress, let the user cancel it."""

    BINDINGS = [
        Binding(
            "escape,ctrl+c",
            "cancel",
            N_("Cancel"),
            id="job-cancel",
            tooltip=N_("Stop after the current unit of work."),
            priority=True,
        )
    ]

    def __init__(self, title: str, job: Job[T]) -> None:
        super().__init__()
        self.title_text = title
        self.job = job
        self.cancel_event = threading.Event()
        self.steps: list[tuple[int, int, str]] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="job", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield ProgressBar(id="job-progress", show_eta=False)
            yield Static(_("starting…"), id="job-what")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Cancel (esc)"), id="job-cancel-button", variant="error")

    def on_mount(self) -> None:
        # the worker belongs to the app: dismissing the modal does not cancel it
        self.app.run_worker(
            self._run, thread=True, group="job", description=self.title_text, exit_on_error=False
        )

    def _progress(self, done: int, total: int, what: str) -> None:
        # called in the worker thread
        if self.cancel_event.is_set():
            raise Cancelled
        self.app.call_from_thread(self._show, done, total, what)

    def _show(self, done: int, total: int, what: str) -> None:
        self.steps.append((done, total, what))
        bar = self.query_one(ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        self.query_one("#job-what", Static).update(f"{done}/{total} {what}")

    def _run(self) -> None:
        result: JobResult[T]
        try:
            result = JobResult(value=self.job(self._progress, self.cancel_event))
        except Cancelled:
            result = JobResult(cancelled=True)
        except QualcodeError as exc:
            result = JobResult(error=str(exc))
        except OSError as exc:
            result = JobResult(error=str(exc))
        self.app.call_from_thread(self.dismiss, result)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "job-cancel-button":
            self.action_cancel()

    def action_cancel(self) -> None:
        self.cancel_event.set()
        self.query_one("#job-what", Static).update(_("cancelling after the current step…"))


def expand_paths(text: str, base: Path) -> list[Path]:
    """Paths and globs (space-separated; quotes allowed) -> existing files, sorted.

    Raises:
        InputError: nothing given, or a pattern that matches no file.
    """
    import shlex

    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise InputError(_("cannot read the paths: {exc}").format(exc=exc)) from None
    if not parts:
        raise InputError(_("give one or more files or patterns, e.g. transcripts/*.txt"))
    out: list[Path] = []
    for part in parts:
        pattern = str(Path(part).expanduser())
        if not Path(pattern).is_absolute():
            pattern = str(base / pattern)
        found = sorted(Path(p) for p in glob.glob(pattern, recursive=True) if Path(p).is_file())
        if not found:
            raise InputError(
                _("{part!r} matches no file").format(part=part),
                hint=_("paths are relative to {base}").format(base=base),
            )
        out.extend(p for p in found if p not in out)
    return out


def import_dialog(base: Path) -> TextPrompt:
    """The dialog that asks which transcripts to import."""
    return TextPrompt(
        _("Import transcripts"),
        "",
        hint=_(
            "files or patterns, space-separated, relative to the project's folder ({name}/), e.g. transcripts/*.txt · enter import · esc cancel"
        ).format(name=base.name),
        input_id="import-paths",
    )


def export_dialog(default: str) -> TextPrompt:
    """The dialog that asks where to write the frequency matrix."""
    return TextPrompt(
        _("Export the code × document frequency matrix"),
        default,
        hint=_("the suffix picks the format: .csv, .md or .sqlite · enter export · esc cancel"),
        input_id="export-path",
    )


def import_job(project: Any, paths: list[Path]) -> Job[Any]:
    """A job importing ``paths`` (one transaction per document)."""
    from qualcode import services

    def job(progress: Progress, cancelled: threading.Event) -> Any:
        return services.import_transcripts(project, paths, progress=progress)

    return job


def refi_import_job(project: Any, paths: list[Path]) -> Job[Any]:
    """A job importing REFI-QDA files (``.qdpx``, ``.qdc``, ``.qde``) into the open
    project: every file read and checked first, then each one imported behind its own
    backup (:func:`qualcode.services.import_refi_reads`, as ``qualcode import`` does)."""
    from qualcode import services

    def job(progress: Progress, cancelled: threading.Event) -> Any:
        total = len(paths)
        progress(0, total, _("reading {name}").format(name=paths[0].name))
        reads = services.read_refi_files(paths)
        if reads.nothing_to_import:
            raise InputError(reads.refused[0][1][0])
        done = [0]

        def tick(result: Any) -> None:
            done[0] += 1
            progress(done[0], total, result.path.name)

        run = services.import_refi_reads(project, reads, on_file=tick)
        return run

    return job


def export_job(project: Any, output: Path) -> Job[Any]:
    """A job writing the frequency matrix to ``output`` (with the project's pseudonyms,
    ``pseudonyms.csv`` beside it, when there is such a file)."""
    from qualcode import services
    from qualcode.services.reports import project_pseudonyms

    def job(progress: Progress, cancelled: threading.Event) -> Any:
        progress(0, 1, _("computing the matrix for {name}").format(name=output.name))
        output.parent.mkdir(parents=True, exist_ok=True)
        matrix = services.export_frequency(project, output, pseudonyms=project_pseudonyms(project))
        progress(1, 1, f"wrote {output}")
        return matrix

    return job
