"""Case attributes from a spreadsheet (CSV) or YAML file.

CSV: one row per case; the case's column is the one headed ``case`` (or ``name``,
``participant``, ``kasus``, ``informan``, ``partisipan``), else the first; every
other column is an attribute. Excel's comma, semicolon (Indonesian and European
locales) and tab separators are recognised, and the encoding is detected as for
transcripts (Excel writes UTF-8 with a BOM, or Windows-1252).

YAML: a mapping ``case: {attribute: value}``, or a list of mappings each with a
``case`` key.

An empty cell leaves the attribute unset for that case. Every bad row is one
problem with its line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.errors import InputError, Problem
from qualcode.i18n import _
from qualcode.importers.decode import decode_text, normalize, read_bytes

CASE_HEADERS = ("case", "name", "participant", "kasus", "informan", "partisipan", "nama")


@dataclass(frozen=True)
class AttributeRow:
    """One case's attribute values, and where they were written."""

    line: int
    case: str
    values: dict[str, str | None]


@dataclass
class AttributeTable:
    """What an attributes file holds: good rows and problems (one per bad row)."""

    rows: list[AttributeRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)


def read_attributes(path: Path) -> AttributeTable:
    """Read an attributes file (``.csv``, ``.tsv``, ``.yaml``, ``.yml``).

    Raises:
        InputError: an unreadable file, an unknown suffix, a file with no rows.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".yaml", ".yml"):
        raise InputError(
            _("unsupported attributes file {suffix!r}").format(suffix=suffix or "(none)"),
            path=path,
            hint=_("use .csv or .yaml"),
        )
    data = read_bytes(path)
    decoded = decode_text(data, path)
    text = normalize(decoded.text)
    table = _read_yaml(path, text) if suffix in (".yaml", ".yml") else _read_csv(path, text)
    if not table.rows and not table.problems:
        raise InputError(
            _("has no cases"), path=path, hint=_("one row per case, with a header row")
        )
    return table


def _read_csv(path: Path, text: str) -> AttributeTable:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    table = AttributeTable()
    if not rows:
        return table
    header = [h.strip() for h in rows[0]]
    lowered = [h.lower() for h in header]
    key = next((lowered.index(h) for h in CASE_HEADERS if h in lowered), 0)
    names = [h for i, h in enumerate(header) if i != key]
    table.problems.extend(_header_problems(path, header, key, names))
    table.attributes = [h for h in names if h]
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problem = _csv_row_problem(path, header, key, row, line_no, seen)
        if problem is not None:
            table.problems.append(problem)
            continue
        case = row[key].strip()
        seen[case] = line_no
        values = {
            h: (cell.strip() or None)
            for i, (h, cell) in enumerate(zip(header, row, strict=True))
            if i != key and h
        }
        table.rows.append(AttributeRow(line_no, case, values))
    return table


def _header_problems(path: Path, header: list[str], key: int, names: list[str]) -> list[Problem]:
    """A problem for every unnamed column and every column named twice."""
    problems: list[Problem] = []
    for i, h in enumerate(header):
        if i != key and not h:
            problems.append(
                Problem(
                    _("column {i} has no name").format(i=i + 1),
                    str(path),
                    1,
                    None,
                    _("name every column"),
                )
            )
    seen_headers = set()
    for h in names:
        if h and h.lower() in seen_headers:
            problems.append(Problem(_("column {h!r} appears twice").format(h=h), str(path), 1))
        seen_headers.add(h.lower())
    return problems


def _csv_row_problem(
    path: Path, header: list[str], key: int, row: list[str], line_no: int, seen: dict[str, int]
) -> Problem | None:
    """What is wrong with one non-empty row (cell count, case name), or None."""
    if len(row) != len(header):
        return Problem(
            _("row has {cells} cells, the header has {header}").format(
                cells=len(row), header=len(header)
            ),
            str(path),
            line_no,
            hint=_("check separators and quotes"),
        )
    case = row[key].strip()
    if not case:
        return Problem(_("row has no case name"), str(path), line_no)
    if case in seen:
        return Problem(
            _("case {case!r} already given on line {seen}").format(case=case, seen=seen[case]),
            str(path),
            line_no,
        )
    return None


def _read_yaml(path: Path, text: str) -> AttributeTable:
    from qualcode.importers.codebook_yaml import load_yaml

    parsed = load_yaml(text, str(path))
    table = AttributeTable(problems=list(parsed.problems))
    data = parsed.data
    items: list[tuple[Any, str, Any]] = []  # (position key, case, attributes)
    if isinstance(data, dict):
        items = [((name,), str(name), attrs) for name, attrs in data.items()]
    elif isinstance(data, list):
        for i, entry in enumerate(data):
            if isinstance(entry, dict) and "case" in entry:
                attrs = {k: v for k, v in entry.items() if k != "case"}
                items.append(((i,), str(entry["case"]), attrs))
            else:
                line = parsed.positions.get((i,), (None, None))[0]
                table.problems.append(Problem(_("an entry without a 'case' key"), str(path), line))
    elif data is not None:
        raise InputError(
            _("is not a mapping of cases to attributes"),
            path=path,
            hint=_("write 'case name: {attribute: value}' per case"),
        )
    names: list[str] = []
    for pos, case, attrs in items:
        line = parsed.positions.get(pos, (None, None))[0] or 0
        if not isinstance(attrs, dict):
            table.problems.append(
                Problem(
                    _("the attributes of {case!r} are not a mapping").format(case=case),
                    str(path),
                    line,
                )
            )
            continue
        values: dict[str, str | None] = {}
        bad = False
        for k, v in attrs.items():
            if isinstance(v, dict | list):
                table.problems.append(
                    Problem(
                        _("attribute {k!r} of {case!r} is not a single value").format(
                            k=k, case=case
                        ),
                        str(path),
                        line,
                    )
                )
                bad = True
                break
            values[str(k)] = None if v is None else str(v)
            if str(k) not in names:
                names.append(str(k))
        if not bad:
            table.rows.append(AttributeRow(line, case, values))
    table.attributes = names
    return table
