"""The workbench on a PostgreSQL project: the same screens, the database role as coder."""

from __future__ import annotations

from pathlib import Path

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.adjudicate import AdjudicateScreen
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.pg import ROLE_PASSWORD, PgDatabase, postgres_copy

FIRST_DOC = "interview_07_ngo_observer"


async def test_code_with_a_key_on_postgresql_as_a_coder_role(
    pg_db: PgDatabase, team_template: Path
) -> None:
    url = postgres_copy(team_template, pg_db)
    owner = open_project(url)
    ani = pg_db.role("ani")
    owner.team.add_coder(ani, password=ROLE_PASSWORD)
    owner.codings.apply_coding(FIRST_DOC, "cost", 0, 30)
    owner.close()
    project = open_project(pg_db.url_as(ani), coder="ignored")
    app = QualcodeApp(project, location=url, settings=Settings())
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert "***" in app.sub_title and ROLE_PASSWORD not in app.sub_title
        view = app.screen.query_one(TranscriptView)
        await pilot.press("j", "j")
        sel = view.selection
        assert sel is not None
        await pilot.press("2")  # key 2: time
        await pilot.pause()
        await pilot.press("A")  # the owner and ani both coded this document
        await pilot.pause()
        assert isinstance(app.screen, AdjudicateScreen)
        await pilot.press("a")  # ani is a coder, not a supervisor: refused, shown
        await pilot.pause()
        assert any("may not" in str(n.message) for n in app._notifications)
    project.close()
    check = open_project(url)
    mine = check.codings.codings(coder=ani)
    check.close()
    assert [(c.code, c.start, c.end) for c in mine] == [("time", sel.start, sel.end)]
