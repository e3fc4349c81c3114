"""Writing a codebook back keeps end-of-line comments on their line and the closing
comment at the end (the merge writes OUT as an edit of OURS through the same code)."""

from __future__ import annotations

from dataclasses import replace

from qualcode.core.codebook import Code, Codebook
from qualcode.exporters.codebook_yaml import render
from tests.conftest import codebook_from_text

ORIGINAL = """\
version: 1
codes:
  - id: a
    label: A  # the first
    # between a and b
  - id: b
    label: B  # the last
# the end
"""


def replaced(cb: Codebook, code: Code) -> Codebook:
    """``cb`` with ``code`` in place of the code of the same id."""
    return replace(cb, codes=tuple(code if c.id == code.id else c for c in cb.codes))


def test_end_of_line_comments_stay_on_their_line() -> None:
    cb = codebook_from_text(ORIGINAL)
    cb = replaced(cb, replace(cb["a"], label="A2"))
    # the comment keeps its column: one space less before it
    assert render(cb, ORIGINAL) == ORIGINAL.replace("label: A  #", "label: A2 #")


def test_the_closing_comment_follows_a_new_list_field() -> None:
    cb = codebook_from_text(ORIGINAL)
    cb = replaced(cb, replace(cb["b"], aliases=("old_b",)))
    assert render(cb, ORIGINAL) == ORIGINAL.replace(
        "    label: B  # the last\n", "    label: B  # the last\n    aliases:\n      - old_b\n"
    )
