"""Where each coder left the workbench, kept in the project (revision 0017).

The state is a small JSON object (document, scroll position, selection, code
filter, how search hits are coded) per coder. Saving it is not a user action: it is
written outside the action log, so it is never undone, merged or audited, and a
failed save costs nothing but the place to return to.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import DBAPIError, OperationalError

from qualcode.clock import now
from qualcode.errors import ProjectError
from qualcode.i18n import _
from qualcode.store.base import ProjectBase
from qualcode.store.schema import WorkbenchStateRow

T_STATE: Table = WorkbenchStateRow.__table__  # type: ignore[assignment]

MAX_STATE = 20_000
"""Characters of JSON a state may take (it holds a few names and numbers)."""


class Workbench:
    """The per-coder workbench state."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def workbench_state(self, *, coder: str | None = None) -> dict[str, Any]:
        """The state ``coder`` (default: the project's coder) left; ``{}`` when none,
        or when it cannot be read."""
        try:
            with self.store.read() as conn:
                raw = conn.execute(
                    select(T_STATE.c.state).where(T_STATE.c.coder == (coder or self.store.coder))
                ).scalar()
        except (ProjectError, DBAPIError):
            return {}
        try:
            state = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return state if isinstance(state, dict) else {}

    def save_workbench_state(self, state: dict[str, Any], *, coder: str | None = None) -> None:
        """Keep ``state`` as the place ``coder`` left the workbench (replacing the last).

        Raises:
            ProjectError: the project cannot be written (read-only file, a role
                without the grant), or the state is not small JSON.
        """
        encoded = json.dumps(state, ensure_ascii=False, sort_keys=True)
        if len(encoded) > MAX_STATE:
            raise ProjectError(_("the workbench state is too large to keep"))
        who = coder or self.store.coder
        try:
            with self.store.engine.begin() as conn:
                exists = conn.execute(select(T_STATE.c.coder).where(T_STATE.c.coder == who)).first()
                values = {"state": encoded, "updated": now()}
                if exists:
                    conn.execute(T_STATE.update().where(T_STATE.c.coder == who).values(**values))
                else:
                    conn.execute(T_STATE.insert().values(coder=who, **values))
        except (OperationalError, DBAPIError) as exc:
            raise ProjectError(
                _("could not keep where you left the workbench: {reason}").format(
                    reason=str(exc.orig or exc)[:200]
                )
            ) from None
