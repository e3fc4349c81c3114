"""The workbench's first frame before the store: a project read through
:mod:`qualcode.store.lite` (Python's ``sqlite3`` alone) while the full
:class:`~qualcode.store.Project` (SQLAlchemy, the schema check, the action log) is
opened in a thread as the transcript goes on screen.

:class:`OpeningProject` answers the few reads the coding screen makes for its first
frame (the codebook and its counts, the document names, the document shown and its
codings, the memos' targets, where the coder left off) from the light path, with the
same values the full project gives. Anything else (every write, every other read)
opens the full project first and is answered by it: a key that needs the store waits
for it (the status line says the project is being opened), and is never lost or
answered from the light path. Once the full project is open every call goes to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from qualcode.core.codebook import Codebook
from qualcode.core.model import CodeCount, Coding, Document, DocumentSummary, Memo

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.lite import LiteProject

T = TypeVar("T")


class _Part:
    """One named part (``project.documents``, ...): its light reads here, the rest
    from the full project's part of the same name."""

    def __init__(self, owner: OpeningProject, name: str) -> None:
        self._owner = owner
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(self._owner.full(), self._name), attr)


class _Documents(_Part):
    def document_names(self) -> list[str]:
        return self._owner.read(lambda lite: lite.document_names(), "documents", "document_names")

    def document(self, name: str) -> Document:
        return self._owner.read(lambda lite: lite.document(name), "documents", "document", name)

    def documents(self) -> list[DocumentSummary]:
        return self._owner.read(lambda lite: lite.documents(), "documents", "documents")


class _Codings(_Part):
    def codings(self, *, doc: str | None = None, **kw: Any) -> list[Coding]:
        if kw:  # another filter than the document's: the full project answers
            return list(self._owner.full().codings.codings(doc=doc, **kw))
        return self._owner.read(lambda lite: lite.codings(doc=doc), "codings", "codings", doc=doc)


class _Memos(_Part):
    def memos(self, kind: str | None = None, target: str | None = None) -> list[Memo]:
        if kind not in ("document", "code"):
            return list(self._owner.full().memos.memos(kind, target))
        return self._owner.read(
            lambda lite: lite.memos(kind, target), "memos", "memos", kind, target
        )


class _CodebookSync(_Part):
    def code_counts(self) -> dict[str, CodeCount]:
        return self._owner.read(lambda lite: lite.code_counts(), "codebook_sync", "code_counts")


class _Workbench(_Part):
    def workbench_state(self, *, coder: str | None = None) -> dict[str, Any]:
        who = coder or self._owner.coder
        return self._owner.read(
            lambda lite: lite.workbench_state(who), "workbench", "workbench_state", coder=who
        )


class OpeningProject:
    """A project being opened: light reads now, the full project on first need."""

    def __init__(
        self,
        lite: LiteProject,
        opener: Callable[[], Project],
        *,
        coder: str,
        where: str,
        path: str | None,
    ) -> None:
        self._lite: LiteProject | None = lite
        self._opener = opener
        self._project: Project | None = None
        self._lock = threading.Lock()
        """Held while the full project opens (in the opening thread, or in the
        workbench's own on a key that needs the store first)."""
        self.coder = coder
        self.where = where
        self.path = path
        self.location = "sqlite:///" + path if path else where
        self.window: str | None = None
        """This window's id (see ``QualcodeApp._claim_window``): given to the full
        project as it opens."""
        self.documents = _Documents(self, "documents")
        self.codings = _Codings(self, "codings")
        self.memos = _Memos(self, "memos")
        self.codebook_sync = _CodebookSync(self, "codebook_sync")
        self.workbench = _Workbench(self, "workbench")
        self._codebook: Codebook | None = None

    @property
    def opened(self) -> bool:
        """Whether the full project is open."""
        return self._project is not None

    def full(self) -> Project:
        """The full project (opened now, once, if it is not yet; waiting for the
        thread that is opening it, if one is).

        Raises:
            QualcodeError: the project cannot be opened (as ``open_project`` says).
        """
        project = self._project
        if project is not None:
            return project
        with self._lock:
            if self._project is None:
                opened = self._opener()
                opened.window = self.window
                self._project = opened
            return self._project

    def close(self) -> None:
        """Close whatever is open (after the opening thread, if one is running; the
        full project is not opened to be closed)."""
        self.close_lite()
        with self._lock:
            if self._project is not None:
                self._project.close()

    def close_lite(self) -> None:
        """Close the light connection (in the thread that opened it)."""
        if self._lite is not None:
            self._lite.close()
            self._lite = None

    def read(
        self, light: Callable[[LiteProject], T], part: str, name: str, *a: Any, **kw: Any
    ) -> T:
        """``light(lite)`` before the full project is open, else the full project's
        ``part.name(*a, **kw)``."""
        if self._project is None and self._lite is not None:
            return light(self._lite)
        return cast(T, getattr(getattr(self.full(), part), name)(*a, **kw))

    def codebook(self) -> Codebook:
        if self._project is not None or self._lite is None:
            return self.full().codebook()
        if self._codebook is None:
            self._codebook = self._lite.codebook()
        return self._codebook

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.full(), attr)
