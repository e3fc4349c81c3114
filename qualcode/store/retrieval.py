"""Retrieval: every passage coded with a code, with its context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from qualcode.core.model import Coding
from qualcode.core.search import one_line

if TYPE_CHECKING:
    from qualcode.store.project import Codings

from qualcode.store.base import T_DOCS, ProjectBase


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

    def document_text(self, name: str) -> str:
        """The normalized text of one document.

        Raises:
            NotFoundError: no such document.
        """
        with self.store.read() as conn:
            pk = self.store.document_key(conn, name)[0]
            return str(conn.execute(select(T_DOCS.c.text).where(T_DOCS.c.pk == pk)).scalar_one())
