"""An agreement report as a plain-text table, CSV, XLSX or JSON.

The statistics are written with full precision in CSV, XLSX and JSON; the text
table rounds them for reading. Each format carries the disagreements with their
quotes: a second table in the text, a ``-disagreements.csv`` file beside the CSV,
a second sheet in the workbook, a list in the JSON.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qualcode.core.agreement import AgreementReport, CodeAgreement, Disagreement
from qualcode.errors import InputError
from qualcode.exporters.base import atomic_text
from qualcode.exporters.csvsafe import safe_rows
from qualcode.i18n import _, plural

FORMATS = ("table", "csv", "xlsx", "json")

FORMULAS = (
    ("percent agreement", "share of pairable units (values from 2+ coders) on which all agree"),
    ("Cohen's kappa", "(p_o - p_e) / (1 - p_e), p_e = sum_k p_1k p_2k; two coders only"),
    (
        "Krippendorff's alpha",
        "nominal: 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k over the coincidences o_ck",
    ),
    ("overall", "pooled over codes: every (unit, code) pair is one unit"),
    ("unit", "a unit is coded by a coder when any of that coder's codings of the code overlaps it"),
    ("missing", "a document a coder has not marked done is missing data for that coder"),
)
"""What every figure means (the About sheet and the JSON ``about``)."""


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _mark(value: bool | None) -> str:
    return "?" if value is None else ("+" if value else "-")


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def stats_rows(report: AgreementReport) -> list[list[Any]]:
    """Header plus one row per code plus the pooled row (full precision)."""
    header: list[Any] = [
        "code",
        "units",
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
        *[f"coded_by_{c}" for c in report.coders],
    ]
    rows: list[list[Any]] = [header]
    for row in (*report.codes, report.overall):
        rows.append([row.code, row.units, row.percent, row.kappa, row.alpha, *row.coded])
    return rows


def disagreement_rows(report: AgreementReport) -> list[list[Any]]:
    """Header plus one row per disagreement (``1`` coded, ``0`` not, empty: missing)."""
    header: list[Any] = ["doc", "unit", "start", "end", "code", *report.coders, "quote"]
    rows: list[list[Any]] = [header]
    for d in report.disagreements:
        rows.append(
            [
                d.doc,
                d.unit if d.unit is not None else "",
                d.start,
                d.end,
                d.code,
                *["" if v is None else int(v) for v in d.values],
                d.quote,
            ]
        )
    return rows


def _title(report: AgreementReport) -> str:
    who = _("{coders} and {last}").format(
        coders=", ".join(report.coders[:-1]), last=report.coders[-1]
    )
    return plural(
        len(report.documents),
        "Agreement of {who}: unit {unit}, {n} document",
        "Agreement of {who}: unit {unit}, {n} documents",
        who=who,
        unit=report.unit,
    )


def to_table(report: AgreementReport, *, quote_width: int = 60) -> str:
    """A plain-text report: statistics per code and pooled, then the disagreements."""
    codes = [*report.codes, report.overall]
    width = max([len(r.code) for r in codes] + [len("overall (pooled)"), 4])
    who = [c[:10] for c in report.coders]
    lines = [_title(report), ""]
    head = f"{'code':<{width}}  {'units':>8}  {'agree':>6}  {'kappa':>6}  {'alpha':>6}"
    head += "".join(f"  {c:>10}" for c in who)
    lines.append(head)

    def line(row: CodeAgreement, name: str) -> str:
        text = (
            f"{name:<{width}}  {row.units:>8}  {_pct(row.percent):>6}  "
            f"{_num(row.kappa):>6}  {_num(row.alpha):>6}"
        )
        return text + "".join(f"  {n:>10}" for n in row.coded)

    lines += [line(r, r.code) for r in report.codes]
    lines.append(line(report.overall, "overall (pooled)"))
    lines.append("")
    n = len(report.disagreements)
    lines.append(
        plural(
            n,
            "{n} disagreement (+ coded, - not coded, ? not done)",
            "{n} disagreements (+ coded, - not coded, ? not done)",
        )
    )
    if n:
        dw = max(len(d.doc) for d in report.disagreements)
        cw = max(len(d.code) for d in report.disagreements)
        head = f"{'doc':<{dw}}  {'unit':>5}  {'start':>6}  {'end':>6}  {'code':<{cw}}"
        head += "".join(f"  {c:>4.4}" for c in report.coders) + "  quote"
        lines.append(head)
        for d in report.disagreements:
            text = (
                f"{d.doc:<{dw}}  {d.unit if d.unit is not None else '':>5}  {d.start:>6}  "
                f"{d.end:>6}  {d.code:<{cw}}"
            )
            text += "".join(f"  {_mark(v):>4}" for v in d.values)
            lines.append(text + "  " + _clip(d.quote, quote_width))
    return "\n".join(lines) + "\n"


def _csv_text(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        safe_rows([["" if v is None else v for v in r] for r in rows])
    )
    return buf.getvalue()


def to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as plain JSON data (schema in docs/team.md)."""

    def row(r: CodeAgreement) -> dict[str, Any]:
        return {
            "code": r.code,
            "units": r.units,
            "percent_agreement": r.percent,
            "cohen_kappa": r.kappa,
            "krippendorff_alpha": r.alpha,
            "coded": dict(zip(report.coders, r.coded, strict=True)),
        }

    def dis(d: Disagreement) -> dict[str, Any]:
        return {
            "doc": d.doc,
            "code": d.code,
            "unit": d.unit,
            "start": d.start,
            "end": d.end,
            "values": dict(zip(report.coders, d.values, strict=True)),
            "quote": d.quote,
        }

    return {
        "coders": list(report.coders),
        "unit": report.unit,
        "documents": list(report.documents),
        "codes": [row(r) for r in report.codes],
        "overall": row(report.overall),
        "disagreements": [dis(d) for d in report.disagreements],
        "about": dict(FORMULAS),
    }


def to_xlsx(report: AgreementReport, path: Path) -> None:
    """A workbook: Agreement (per code and pooled), Disagreements, About."""
    from qualcode.exporters.xlsx import Grid, GridCell, write_grids

    rows = stats_rows(report)
    stats: list[list[GridCell]] = [[(_title(report), "bold")], []]
    stats.append([(value, "bold") for value in rows[0]])
    for row in rows[1:]:
        stats.append(
            [
                (value, "share" if c == 2 else "fixed" if c in (3, 4) else "plain")
                for c, value in enumerate(row)
            ]
        )
    widths = {0: float(max(12, *(len(str(r[0])) for r in rows)))}
    widths.update({c: 14.0 for c in range(1, len(rows[0]) + 1)})
    drows = disagreement_rows(report)
    about: list[list[GridCell]] = [[("what", "bold"), ("meaning", "bold")]]
    about += [
        [k, v]
        for k, v in (
            ("coders", ", ".join(report.coders)),
            ("unit", report.unit),
            ("documents", ", ".join(report.documents)),
            *FORMULAS,
        )
    ]
    # text stays text: a quote written "=HYPERLINK(...)" is never a formula
    write_grids(
        [
            Grid("Agreement", stats, freeze=(3, 1), widths=widths),
            Grid(
                "Disagreements",
                [[(value, "bold") for value in drows[0]], *drows[1:]],
                freeze=(1, 0),
                widths={len(drows[0]) - 1: 80},
            ),
            Grid("About", about, widths={0: 22, 1: 100}),
        ],
        path,
        _title(report),
    )


def write_agreement(report: AgreementReport, fmt: str, output: Path | None) -> str | None:
    """Write (or render) the report.

    Args:
        report: the agreement report.
        fmt: ``table``, ``csv``, ``xlsx`` or ``json``.
        output: the file to write; ``None`` returns the text instead (not for xlsx).

    Returns:
        The text when ``output`` is ``None``, else ``None``.

    Raises:
        InputError: an unknown format, or ``xlsx`` without an output file.
    """
    if fmt not in FORMATS:
        raise InputError(
            _("unknown format {fmt!r}").format(fmt=fmt),
            hint=_("use {FORMATS}").format(FORMATS=", ".join(FORMATS)),
        )
    if fmt == "xlsx":
        if output is None:
            raise InputError(_("an xlsx report needs a file"), hint=_("add -o FILE.xlsx"))
        to_xlsx(report, output)
        return None
    if fmt == "table":
        text = to_table(report)
    elif fmt == "json":
        text = json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"
    else:
        stats = _csv_text(stats_rows(report))
        disagreements = _csv_text(disagreement_rows(report))
        if output is not None:
            with atomic_text(output, encoding="utf-8-sig", newline="") as fh:
                fh.write(stats)
            side = output.with_name(f"{output.stem}-disagreements{output.suffix or '.csv'}")
            with atomic_text(side, encoding="utf-8-sig", newline="") as fh:
                fh.write(disagreements)
            return None
        return stats + "\n" + disagreements
    if output is None:
        return text
    with atomic_text(output, encoding="utf-8") as fh:
        fh.write(text)
    return None
