"""Cases and their attributes: importing attribute tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import Problem
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.importers.attributes import AttributeRow
    from qualcode.store import Project


@dataclass
class AttributeReport:
    """What ``attributes import`` did.

    Attributes:
        cases: cases whose attributes were set.
        values: attribute values written.
        created: cases created (with ``create``, or one per document matched by name).
        linked: case -> the document a row was matched to by its name (a case of
            that name was created for it and linked to it).
        matched: row's name -> the case of the document it names (the document
            already belonged to that one case).
        problems: one per unknown case or bad row (nothing of those rows is written).
        written: false when ``strict`` refused the whole file.
    """

    cases: int = 0
    values: int = 0
    created: list[str] = field(default_factory=list)
    linked: dict[str, str] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    written: bool = True


def import_attributes(
    project: Project, path: Path, *, create: bool = False, strict: bool = False
) -> AttributeReport:
    """Set case attributes from a CSV or YAML file (one action).

    A row names a case. When no case of that name exists but a document does (the
    name, ignoring case and a file suffix such as ``.txt``), a case named after the
    document is created and linked to it: after a plain ``import``, the rows of an
    attributes sheet find their interviews. A row that matches neither is reported.

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
    all_cases = project.cases.cases()
    known = {c.name for c in all_cases}
    docs = project.documents.document_names()
    by_key = {_doc_key(d): d for d in docs}
    case_of: dict[str, list[str]] = {}
    for c in all_cases:
        for src in c.sources:
            if src.speaker is None:
                case_of.setdefault(src.doc, []).append(c.name)
    values: dict[str, dict[str, str | None]] = {}
    for row in table.rows:
        case = row.case
        if case not in known and not create:
            found = _case_for_row(row, known, docs, by_key, case_of, report, path)
            if found is None:
                continue
            case = found
        values[case] = {k: v for k, v in row.values.items() if v is not None}
    if strict and report.problems:
        report.written = False
        report.linked = {}
        return report
    report.created = sorted(c for c in values if c not in known)
    if values:
        report.values = project.cases.set_attributes(values, create=True, link=report.linked)
        report.cases = len(values)
    return report


def _case_for_row(
    row: AttributeRow,
    known: set[str],
    docs: list[str],
    by_key: dict[str, str],
    case_of: dict[str, list[str]],
    report: AttributeReport,
    path: Path,
) -> str | None:
    """The case a row naming no known case is for: its document's own case, or a new
    case linked to the document of that name; ``None`` (and a problem) otherwise."""
    doc = by_key.get(_doc_key(row.case))
    if doc is not None and len(case_of.get(doc, ())) == 1:
        case = case_of[doc][0]  # the document's own case
        report.matched[row.case] = case
        return case
    if doc is not None:
        case = doc if doc not in known else row.case
        report.linked[case] = doc
        return case
    near = _near(row.case, known | set(docs))
    report.problems.append(
        Problem(
            _("no case or document named {row.case!r}").format(row=row),
            str(path),
            row.line or None,
            hint=(
                _(
                    "did you mean {near!r}? 'qualcode cases' and 'qualcode documents' list them; --create makes new cases"
                ).format(near=near)
                if near
                else _(
                    "'qualcode cases' and 'qualcode documents' list them; --create makes new cases"
                )
            ),
        )
    )
    return None


def _doc_key(name: str) -> str:
    """A document name as a row may write it: case-insensitive, no file suffix."""
    low = name.strip().lower()
    for suffix in (".txt", ".md", ".docx", ".odt", ".rtf", ".pdf", ".vtt", ".srt", ".html"):
        if low.endswith(suffix):
            return low[: -len(suffix)]
    return low


def _near(name: str, known: set[str]) -> str | None:
    from rapidfuzz import process

    found = process.extractOne(name, sorted(known), score_cutoff=80)
    return found[0] if found else None
