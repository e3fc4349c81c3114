"""One set of filters shared by every matrix, report and review screen.

A :class:`Filters` value says which codings a matrix counts: whose (coders), in
which state (status, review), of which codes (a code includes its sub-codes), in
which documents and cases, spoken by which role, and whether sub-codes are rolled
up to their top-level dimension. Empty tuples mean "no restriction".
"""

from __future__ import annotations

from dataclasses import dataclass

BY_CHOICES = ("document", "case", "speaker")
"""Matrix columns besides ``attribute:NAME``."""

STATUS_ALL = "all"
"""``--status all``: suggestions and accepted codings alike."""


@dataclass(frozen=True)
class Filters:
    """Which codings a matrix counts.

    Attributes:
        coders: only codings by these coders.
        status: only codings with these statuses (``accepted`` by default; empty: any).
        review: only codings with these review states (unreviewed / approved / disputed).
        codes: only these codes and their sub-codes (ids or aliases).
        documents: only these documents (by name).
        cases: only codings that belong to these cases.
        speaker_role: only codings whose turn (the turn holding the coding's start) has
            one of these roles (``interviewer``, ``participant``).
        rollup: count every sub-code under its top-level ancestor (the dimension).
    """

    coders: tuple[str, ...] = ()
    status: tuple[str, ...] = ("accepted",)
    review: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    speaker_role: tuple[str, ...] = ()
    rollup: bool = False

    def describe(self) -> dict[str, str]:
        """The filters in words, for the "about" sheet and table (stable order)."""
        out: dict[str, str] = {
            "status": ", ".join(self.status) if self.status else STATUS_ALL,
        }
        for name, values in (
            ("coders", self.coders),
            ("review", self.review),
            ("codes", self.codes),
            ("documents", self.documents),
            ("cases", self.cases),
            ("speaker role", self.speaker_role),
        ):
            if values:
                out[name] = ", ".join(values)
        if self.rollup:
            out["rollup"] = "sub-codes counted under their top-level dimension"
        return out


def parse_by(value: str) -> tuple[str, str | None]:
    """Split ``--by`` into its kind and, for ``attribute:NAME``, the attribute name.

    Raises:
        ValueError: for anything else (the caller turns it into a one-line error).
    """
    if value in BY_CHOICES:
        return value, None
    if value.startswith("attribute:") and value[len("attribute:") :].strip():
        return "attribute", value[len("attribute:") :].strip()
    raise ValueError(value)
