"""What the coding screen shows first, read ahead of it."""

from __future__ import annotations

from typing import NamedTuple

from qualcode.core.model import Coding, Document, Memo


class FirstDocument(NamedTuple):
    """The first document with its codings and memos."""

    name: str
    document: Document
    codings: list[Coding]
    memos: list[Memo]
