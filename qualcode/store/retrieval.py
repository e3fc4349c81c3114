"""Retrieval: every passage coded with a code, with its context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select

from qualcode.core.model import Coding
from qualcode.core.search import one_line

if TYPE_CHECKING:
    from qualcode.store.project import Codings

from qualcode.store.base import T_CODINGS, T_DOCS, ProjectBase

CONTEXT_BATCH = 400
"""Codings whose context one query reads (below every backend's parameter limit)."""


@dataclass(frozen=True)
class Passage:
    """A coded passage with the text around it (keyword in context).

    Attributes:
        coding: the coding.
        left: up to ``width`` characters before it, on one line.
        right: up to ``width`` characters after it, on one line.
    """

    coding: Coding
    left: str
    right: str


class Retrieval:
    """Reading coded passages back."""

    def __init__(self, store: ProjectBase, codings: Codings) -> None:
        self.store = store
        self.codings = codings

    def passages(
        self,
        code: str,
        *,
        include_children: bool = True,
        coder: str | None = None,
        width: int = 60,
    ) -> list[Passage]:
        """Every passage coded with ``code`` (and its sub-codes), in document and text
        order, with ``width`` characters of context either side.

        Raises:
            NotFoundError: an unknown code.
        """
        codings = self.codings.codings(code=code, include_children=include_children, coder=coder)
        out: list[Passage] = []
        with self.store.read() as conn:
            for c in codings:
                lo = max(0, c.start - width * 2)
                left, right = conn.execute(
                    select(
                        func.substr(T_DOCS.c.text, lo + 1, c.start - lo),
                        func.substr(T_DOCS.c.text, c.end + 1, width * 2),
                    ).where(T_DOCS.c.name == c.doc)
                ).one()
                out.append(Passage(c, one_line(left)[-width:], one_line(right)[:width]))
        return out

    def contexts(self, codings: Sequence[Coding], *, width: int = 60) -> list[Passage]:
        """``codings`` (in their order) with ``width`` characters of context either
        side, as :meth:`passages` gives them, read in one query per few hundred
        codings (no document's whole text is read). A coding gone from the project
        meanwhile gets no context."""
        wanted = list(codings)
        found: dict[str, tuple[str, str]] = {}
        lo = case((T_CODINGS.c.start > width * 2, T_CODINGS.c.start - width * 2), else_=0)
        with self.store.read() as conn:
            for at in range(0, len(wanted), CONTEXT_BATCH):
                guids = {c.guid for c in wanted[at : at + CONTEXT_BATCH]}
                rows = conn.execute(
                    select(
                        T_CODINGS.c.guid,
                        func.substr(T_DOCS.c.text, lo + 1, T_CODINGS.c.start - lo),
                        func.substr(T_DOCS.c.text, T_CODINGS.c.end + 1, width * 2),
                    )
                    .select_from(T_CODINGS.join(T_DOCS, T_DOCS.c.pk == T_CODINGS.c.document_pk))
                    .where(T_CODINGS.c.guid.in_(guids))
                )
                for guid, left, right in rows:
                    found[guid] = (left or "", right or "")
        out: list[Passage] = []
        for c in wanted:
            left, right = found.get(c.guid, ("", ""))
            out.append(Passage(c, one_line(left)[-width:], one_line(right)[:width]))
        return out
