"""The store: the only package that talks SQL.

``open_project`` returns a :class:`Project`; every user action is one of its methods,
one transaction each, returning ``qualcode.core`` dataclasses. Both are loaded on
first use (with SQLAlchemy and every table), so a light command reading through
:mod:`qualcode.store.lite` never pays for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qualcode.store.project import Project, open_project

__all__ = ["Project", "open_project"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from qualcode.store import project

        return getattr(project, name)
    raise AttributeError(f"module 'qualcode.store' has no attribute {name!r}")
