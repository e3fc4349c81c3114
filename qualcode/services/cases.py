"""Cases and their attributes: importing attribute tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import Problem

if TYPE_CHECKING:
    from qualcode.store import Project


@dataclass
class AttributeReport:
    """What ``attributes import`` did.

    Attributes:
        cases: cases whose attributes were set.
        values: attribute values written.
        created: cases created (with ``create``).
        problems: one per unknown case or bad row (nothing of those rows is written).
        written: false when ``strict`` refused the whole file.
    """

    cases: int = 0
    values: int = 0
    created: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = True


def import_attributes(
    project: Project, path: Path, *, create: bool = False, strict: bool = False
) -> AttributeReport:
    """Set case attributes from a CSV or YAML file (one action).

    Args:
        project: the open project.
        path: the file (see :mod:`qualcode.importers.attributes`).
        create: make a case for every unknown name instead of reporting it.
        strict: write nothing when any row is bad or names an unknown case.

    Raises:
        InputError: the file cannot be read at all.
    """
    from qualcode.importers.attributes import read_attributes

    table = read_attributes(path)
    report = AttributeReport(problems=list(table.problems))
    known = {c.name for c in project.cases()}
    values: dict[str, dict[str, str | None]] = {}
    for row in table.rows:
        if row.case not in known and not create:
            near = _near(row.case, known)
            report.problems.append(
                Problem(
                    f"unknown case {row.case!r}",
                    str(path),
                    row.line or None,
                    hint=(f"did you mean {near!r}? " if near else "")
                    + "'qualcode cases' lists them; --create makes new ones",
                )
            )
            continue
        values[row.case] = {k: v for k, v in row.values.items() if v is not None}
    if strict and report.problems:
        report.written = False
        return report
    report.created = sorted(c for c in values if c not in known)
    if values:
        report.values = project.set_attributes(values, create=create)
        report.cases = len(values)
    return report


def _near(name: str, known: set[str]) -> str | None:
    from rapidfuzz import process

    found = process.extractOne(name, sorted(known), score_cutoff=80)
    return found[0] if found else None
