"""The qualcode workbench (Textual)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from qualcode.i18n import N_, _
from qualcode.settings import Settings, default_coder, load_settings

if TYPE_CHECKING:
    from qualcode.errors import QualcodeError
    from qualcode.services.history import WindowClaim
    from qualcode.store import Project
    from qualcode.tui.opening import OpeningProject

_SCREEN_ACTIONS = ("open_suggestions", "open_text_analysis", "open_themes", "open_map")
"""Screens opened from the workbench's main screen only (one ``action_open_*`` each)."""

FILE_CHECK_S = 1.0
"""How often the workbench looks whether its project file is still there."""


def _rescue_suggestion() -> Path:
    """Where to save a project whose file went: a new file in the home folder."""
    from qualcode.clock import now

    stamp = now().replace(":", "").replace("-", "")[:15]
    base = Path.home() / f"qualcode-rescued-{stamp}.db"
    n = 1
    out = base
    while out.exists():
        n += 1
        out = base.with_name(f"{base.stem}-{n}.db")
    return out


class QualcodeApp(App[None]):
    """The workbench: a coding screen over one project."""

    CSS_PATH = str(Path(__file__).parent / "qualcode.tcss")
    TITLE = "qualcode"
    BINDINGS = [
        Binding(
            "q",
            "quit",
            N_("Quit"),
            id="quit",
            tooltip=N_("Leave qualcode (everything is already saved)."),
        ),
        Binding("ctrl+c", "quit", N_("Quit"), show=False, priority=True, id="quit-now"),
        Binding(
            "question_mark,f1",
            "help",
            N_("Keys"),
            id="help",
            tooltip=N_("Every key of the workbench (remappable by id in settings.yaml)."),
        ),
        Binding(
            "ctrl+t",
            "toggle_theme",
            N_("Theme"),
            show=False,
            id="toggle-theme",
            tooltip=N_("Switch between the dark and the light theme."),
        ),
        Binding(
            "A",
            "adjudicate",
            N_("Adjudicate"),
            show=False,
            id="adjudicate",
            tooltip=N_("Compare two coders on this document and build a consensus."),
        ),
        Binding(
            "S",
            "open_suggestions",
            N_("Suggestions"),
            show=False,
            id="open-suggestions",
            tooltip=N_("Review auto-code suggestions (and run the rules)."),
        ),
        Binding(
            "T",
            "open_text_analysis",
            N_("Words/KWIC"),
            show=False,
            id="open-text-analysis",
            tooltip=N_("Word frequencies and keyword in context."),
        ),
        Binding(
            "E",
            "open_themes",
            N_("Themes"),
            show=False,
            id="open-themes",
            tooltip=N_("Themes: organise codes into themes while reading their passages."),
        ),
        Binding(
            "P",
            "open_map",
            N_("Map"),
            show=False,
            id="open-map",
            tooltip=N_("The thematic map (peta): themes, their codes and relations."),
        ),
        Binding(
            "V",
            "open_review",
            N_("Review"),
            id="open-review",
            # kept out of the footer so the coding screen looks as its owner drew it
            show=False,
            tooltip=N_("Review the matrix: the quotes behind each count, approve or dispute them."),
        ),
    ]
    """Keys that work on every screen (``ctrl+p`` opens the command palette)."""

    LIGHT = "textual-light"
    DARK = "textual-dark"

    def __init__(
        self,
        project: Project | None,
        *,
        location: str = "",
        settings: Settings | None = None,
        coder: str | None = None,
    ) -> None:
        super().__init__()
        from qualcode.tui.words import localize_bindings

        localize_bindings(self)
        self.project = project
        self.location = location
        self.coder = coder
        self.settings = settings or Settings()
        self._window: WindowClaim | None = None
        self.lost: str | None = None
        """Why the project file can no longer be used (gone or replaced), once noticed."""
        self.exit_message = ""
        """Said on stderr after the workbench closes (``run``)."""
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)

    @property
    def label_lang(self) -> str | None:
        """The codebook labels' language: ``label_lang`` in the settings, else the
        interface language when someone chose one and the codebook has it."""
        return self.label_lang_of(self.project)

    def label_lang_of(self, project: Project | None) -> str | None:
        """:attr:`label_lang` for ``project``."""
        if self.settings.label_lang:
            return self.settings.label_lang
        from qualcode.i18n import chosen

        lang = chosen()
        if lang and project is not None and lang in project.codebook().languages:
            return lang
        return None

    def push_screen(self, *args: Any, **kw: Any) -> Any:
        """Every screen shows its keys in the interface language."""
        from qualcode.tui.words import localize_bindings

        screen = args[0] if args else kw.get("screen")
        localize_bindings(*([screen] if isinstance(screen, Screen) else []))
        return super().push_screen(*args, **kw)

    def switch_screen(self, screen: Any) -> Any:
        from qualcode.tui.words import localize_bindings

        localize_bindings(*([screen] if isinstance(screen, Screen) else []))
        return super().switch_screen(screen)

    def action_command_palette(self) -> None:
        """Textual's command palette, with its placeholder in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def search_themes(self) -> None:
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        elif self.settings.theme:
            self.notify(
                _("settings: unknown theme {theme!r} (use {DARK} or {LIGHT})").format(
                    theme=self.settings.theme, DARK=self.DARK, LIGHT=self.LIGHT
                ),
                severity="warning",
            )
        if self.settings.keymap:
            from qualcode.tui.keymap import binding_ids

            unknown = sorted(set(self.settings.keymap) - set(binding_ids()))
            if unknown:
                self.notify(
                    _(
                        "settings: keymap names unknown binding ids: {ids} (press ? for the ids)"
                    ).format(ids=", ".join(unknown)),
                    severity="warning",
                    timeout=10,
                )
        if self.project is None:
            from qualcode.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(self.location, coder=self.coder))
        else:
            from qualcode.tui.screens.coding import CodingScreen

            self._claim_window(self.project)
            self.sub_title = self.project.where
            self.push_screen(CodingScreen(self.project, label_lang=self.label_lang))
            if getattr(self.project, "opened", True):
                self._watch_file()
                self._settle_heap()

    def _settle_heap(self) -> None:
        """Once the first screen is drawn: keep the garbage collector off what the
        whole session keeps (see :mod:`qualcode.tui.heap`)."""
        from qualcode.tui.heap import settle

        self.call_after_refresh(settle)

    def on_ready(self) -> None:
        """The first frame is on screen: open the full project behind it."""
        if not getattr(self.project, "opened", True):
            self._open_in_thread()

    @work(thread=True, exclusive=True, group="open-project", exit_on_error=False)
    def _open_in_thread(self) -> None:
        """Open the full project behind the light one the first frame was read from
        (:mod:`qualcode.tui.opening`), beside the event loop."""
        from qualcode.errors import QualcodeError
        from qualcode.tui.opening import OpeningProject

        opening: object = self.project
        if not isinstance(opening, OpeningProject):
            return
        try:
            project = opening.full()
        except QualcodeError as exc:
            self.call_from_thread(self._not_opened, exc)
            return
        self.call_from_thread(self._opened, opening, project)

    def _opened(self, opening: OpeningProject, project: Project) -> None:
        """The full project is open: it answers from now on (the screens keep the
        opening project, which hands every call to it)."""
        opening.close_lite()
        self.project = project
        self._watch_file()
        self._settle_heap()
        for screen in self.screen_stack:
            ready = getattr(screen, "project_opened", None)
            if callable(ready):
                ready()

    def _not_opened(self, exc: QualcodeError) -> None:
        """The project cannot be opened after all: close, saying why, as the command
        line would have."""
        opening = self.project
        self.project = None
        if opening is not None:
            opening.close()
        self.exit_message = "\n".join(_("error: {line}").format(line=line) for line in exc.lines())
        self.exit(return_code=exc.exit_code)

    def open_project(self, project: Project, message: str = "", *, warn: bool = False) -> None:
        """Put the coding screen of ``project`` in place of the first-run screen."""
        from qualcode.tui.screens.coding import CodingScreen

        self.project = project
        self._claim_window(project)
        self.location = project.where
        self.sub_title = project.where
        self.switch_screen(CodingScreen(project, label_lang=self.label_lang_of(project)))
        self._watch_file()
        if message:
            self.notify(message, severity="warning" if warn else "information", timeout=8)

    # ------------------------------------------------------------------ the file

    def _watch_file(self) -> None:
        """Keep the project file open (so its content can be saved if it goes) and
        look every second whether it is still there."""
        if self.project is None or self.project.path is None:
            return
        self.project.hold_file()
        self.set_interval(FILE_CHECK_S, self.check_project_file, name="project-file")

    def check_project_file(self) -> None:
        """Notice a project file deleted, moved away or replaced."""
        if self.project is None or self.lost is not None:
            return
        problem = self.project.file_problem()
        if problem is not None:
            self.project_lost(problem)

    def project_lost(self, problem: str) -> None:
        """The project file is gone or replaced: nothing more is acknowledged; offer
        to save the whole project (as this window still holds it) to a new file, then
        close with a non-zero exit status."""
        if self.lost is not None:
            return
        self.lost = problem
        self.notify(
            _("{problem}: nothing more is saved. Save the whole project to a new file now.").format(
                problem=problem
            ),
            severity="error",
            timeout=60,
        )
        self._ask_rescue(str(_rescue_suggestion()))

    def _ask_rescue(self, suggestion: str) -> None:
        from qualcode.errors import QualcodeError
        from qualcode.tui.screens.modals import TextPrompt

        problem = self.lost or _("the project file is gone")

        def chosen(text: str | None) -> None:
            if text is None or not text.strip():
                self.exit_message = _(
                    "error: {problem}; the project was not saved elsewhere"
                ).format(problem=problem)
                self.exit(return_code=1)
                return
            assert self.project is not None
            try:
                saved = self.project.save_copy(Path(text.strip()))
            except QualcodeError as exc:
                self.notify(str(exc), severity="error", timeout=10)
                self._ask_rescue(text.strip())
                return
            self.exit_message = _(
                "error: {problem}; everything up to your last action was saved to {saved}"
            ).format(problem=problem, saved=saved)
            self.exit(return_code=1)

        self.push_screen(
            TextPrompt(
                _("The project file is gone. Save the whole project to:"),
                suggestion,
                hint=_("enter saves (a new file); escape closes without saving"),
                input_id="rescue-path",
            ),
            chosen,
        )

    def action_open_review(self) -> None:
        """Open the supervisor's review screen (issue #5)."""
        if self.project is None:
            return
        from qualcode.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(self.project, label_lang=self.label_lang))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _SCREEN_ACTIONS:
            # only from the workbench's main screen, and never while a code-key
            # prefix is being typed (the key belongs to the prefix then)
            if self.project is None or len(self.screen_stack) > 2:
                return False
        if action in ("quit", "help", "adjudicate", "open_review", *_SCREEN_ACTIONS) and getattr(
            self.screen, "prefix_active", False
        ):
            return False
        return True

    def action_adjudicate(self) -> None:
        """Open the adjudication screen on the current document (issue 7)."""
        from qualcode.services.team import adjudication_pair
        from qualcode.tui.screens.adjudicate import AdjudicateScreen

        doc = getattr(self.screen, "current_doc", None)
        if self.project is None or doc is None or isinstance(self.screen, AdjudicateScreen):
            return
        pair = adjudication_pair(self.project, doc)
        if pair is None:
            self.notify(
                _("adjudication needs two coders' codings in this document"), severity="warning"
            )
            return
        self.push_screen(
            AdjudicateScreen(self.project, doc, *pair, label_lang=self.label_lang),
            self._back_to_coding,
        )

    def _back_to_coding(self, _result: object = None) -> None:
        reload = getattr(self.screen, "reload", None)
        if callable(reload):
            reload()

    def action_open_suggestions(self) -> None:
        from qualcode.tui.screens.suggestions import SuggestionsScreen

        assert self.project is not None
        self.push_screen(
            SuggestionsScreen(self.project, label_lang=self.label_lang),
            self._back_to_coding,
        )

    def action_open_text_analysis(self) -> None:
        from qualcode.tui.screens.text_analysis import TextAnalysisScreen

        assert self.project is not None
        self.push_screen(TextAnalysisScreen(self.project))

    def action_open_themes(self) -> None:
        """Open the themes screen; enter on a passage there comes back to it here."""
        from qualcode.tui.screens.themes import ThemesScreen

        assert self.project is not None
        coding = self.screen
        self.push_screen(
            ThemesScreen(self.project, label_lang=self.settings.label_lang),
            getattr(coding, "jump", None),
        )

    def action_open_map(self) -> None:
        """Open the thematic map; a passage chosen from it comes back to the coding
        screen."""
        from qualcode.tui.screens.thematic_map import MapScreen

        assert self.project is not None
        coding = self.screen
        self.push_screen(
            MapScreen(self.project, label_lang=self.settings.label_lang),
            getattr(coding, "jump", None),
        )

    def action_help(self) -> None:
        from qualcode.tui.screens.coding import CodingScreen
        from qualcode.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            coding = self.screen if isinstance(self.screen, CodingScreen) else None
            self.push_screen(
                HelpScreen(
                    self.settings.keymap,
                    narrow=coding.narrow if coding is not None else self.size.width < 100,
                )
            )

    def action_toggle_theme(self) -> None:
        self.theme = self.LIGHT if self.theme != self.LIGHT else self.DARK

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette: every action of the workbench, then Textual's own."""
        from qualcode.tui.keymap import key_table, pretty
        from qualcode.tui.screens.coding import CodingScreen

        coding = screen if isinstance(screen, CodingScreen) else None
        targets: dict[str, DOMNode | None] = {"app": self, "screen": coding}
        if coding is not None:
            from qualcode.tui.widgets.code_tree import CodeTree
            from qualcode.tui.widgets.document_list import DocumentList
            from qualcode.tui.widgets.transcript_view import TranscriptView

            targets["transcript"] = coding.query_one(TranscriptView)
            targets["codebook"] = coding.query_one(CodeTree)
            targets["documents"] = coding.query_one(DocumentList)
        from qualcode.tui.screens.themes import ThemesScreen

        if isinstance(screen, ThemesScreen):
            # the themes screen's own actions by name too
            targets["themes"] = screen
        seen: set[str] = set()
        for row in key_table(self.settings.keymap):
            node = targets.get(row.owner)
            if node is None or row.action in seen:
                continue
            seen.add(row.action)
            action = row.action
            if row.id.startswith("code-key-0"):
                continue
            if action.startswith("screen."):
                if coding is None:
                    continue
                node, action = coding, action.removeprefix("screen.")
            title = row.description.rstrip(".")
            yield SystemCommand(
                title,
                f"{pretty(row.keys)} · {row.area} · {row.id}",
                partial(self._palette_run, action, node),
            )
        if coding is not None and self.project is not None:
            for name in self.project.documents.document_names():
                yield SystemCommand(
                    _("Open document: {name}").format(name=name),
                    _("show it in the transcript pane"),
                    partial(coding.open_document_named, name),
                )
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    async def _palette_run(self, action: str, node: DOMNode) -> None:
        await self.run_action(action, node)

    def on_key(self, event: events.Key) -> None:
        # Keys that no binding took arrive here in the order they were typed; while
        # a code-key prefix is open they belong to it.
        # This handler runs before App._on_key checks the bindings, so the key is
        # taken here and the default (binding) handling is prevented: the key that
        # completes a prefix must not also fire a binding once the prefix is closed.
        screen = self.screen
        if getattr(screen, "prefix_active", False):
            event.stop()
            event.prevent_default()
            screen.prefix_key(event)  # type: ignore[attr-defined]

    def _claim_window(self, project: Project) -> None:
        """Give the project this window's id, so that ``u`` undoes only what this
        window did (and a window opened again continues its history)."""
        from qualcode.services.history import claim_window

        if self._window is not None:
            self._window.release()
        self._window = claim_window(project.location, project.coder)
        project.window = self._window.id

    def on_unmount(self) -> None:
        if self.project is not None:
            from qualcode.tui.screens.coding import CodingScreen

            for screen in self.screen_stack:
                if isinstance(screen, CodingScreen):
                    screen.keep_place()  # before the project closes
            self.project.close()
        if self._window is not None:
            self._window.release()
            self._window = None


def run(location: str | None, *, coder: str | None = None, blind: bool = False) -> None:
    """Open the workbench on the project at ``location`` (or the first-run screen,
    which makes one).

    A SQLite project at the newest schema shows its transcript from the light read
    path (:mod:`qualcode.tui.opening`) before SQLAlchemy is even imported; the full
    project opens right after the first frame. Anything else opens the ordinary way
    first (upgrading, checking and explaining as the command line does)."""
    from qualcode.store.lite import open_lite, project_file

    settings = load_settings()
    # the settings are read here, at the edge: the store is given the coder
    coder = coder or default_coder(settings)
    path = project_file(location)
    if path is not None and not path.exists():
        QualcodeApp(None, location=str(path), settings=settings, coder=coder).run()
        return
    lite = open_lite(location, blind=blind) if path is not None else None
    project: Project
    if lite is not None:
        from qualcode.tui.opening import OpeningProject

        url = "sqlite:///" + str(path)

        def full() -> Project:
            from qualcode.store import open_project

            return open_project(location, coder=coder, blind=blind)

        opening = OpeningProject(lite, full, coder=coder, where=str(path), path=str(path))
        # it answers every call a Project does (the first frame's reads itself)
        project = cast("Project", opening)
    else:
        from qualcode.store import open_project
        from qualcode.store.engine import resolve_location

        url = resolve_location(location)
        project = open_project(location, coder=coder, blind=blind)
    app = QualcodeApp(project, location=url, settings=settings)
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    if app.return_code:
        sys.exit(app.return_code)
