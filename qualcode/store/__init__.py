"""The store: the only package that talks SQL.

``open_project`` returns a :class:`Project`; every user action is one of its methods,
one transaction each, returning ``qualcode.core`` dataclasses.
"""

from qualcode.store.project import Project, open_project

__all__ = ["Project", "open_project"]
