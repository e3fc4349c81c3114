"""XLSX writers side by side on a quote sheet of 1.6 million cells (issue 18 point 9).

    python bench/xlsx_writers.py [--rows 100000] [--repeat 3] [--json]

The sheet is the shape of a large project's quote export (100,000 codings x 16
columns: document, case, speaker, code, label, sentence numbers, offsets, coder,
review state, the quote of 20-60 words): generated here with a fixed seed, so every
writer writes the same cells. Each writer gives what qualcode's sheets have: a bold
header, frozen header row and key column, an autofilter, column widths and wrapped
quote cells; strings stay strings. Timed: process CPU and wall time of writing
the file (median of ``--repeat``), and its size. Writers:

* ``qualcode``: :func:`qualcode.exporters.xlsx.to_xlsx`, the hand-made streaming writer;
* ``xlsxwriter``: ``constant_memory`` mode (rows written in order, flushed as they go);
* ``pyexcelerate``, ``rustpy_xlsxwriter`` and ``rvgsrust_xlsxwriter``, when
  installed (they are not dependencies: ``pip install pyexcelerate rustpy-xlsxwriter
  rvgsrust-xlsxwriter`` to measure them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

COLUMNS = (
    "document",
    "case",
    "speaker",
    "role",
    "code",
    "label",
    "top_level",
    "sentence_from",
    "sentence_to",
    "start",
    "end",
    "coder",
    "origin",
    "review",
    "memo",
    "quote",
)
KINDS = (
    ("key", "text", "text", "text", "text", "text", "text")
    + ("int",) * 4
    + (
        "text",
        "text",
        "text",
        "text",
        "quote",
    )
)
WORDS = (
    "saya menunggu lama sekali di loket kantor camat petugas datang terlambat biaya "
    "tidak jelas surat selesai tepat waktu pelayanan ramah antre nomor berkas ditolak "
    "the officer asked for money queue waiting room was hot letter took two weeks"
).split()


def make_rows(n: int, seed: int = 1) -> list[tuple[object, ...]]:
    """``n`` rows of the quote sheet (deterministic)."""
    rng = random.Random(seed)
    rows: list[tuple[object, ...]] = []
    for i in range(n):
        doc = f"wawancara_{i % 1000:04d}"
        s = rng.randrange(1, 300)
        start = rng.randrange(0, 200_000)
        quote = " ".join(rng.choices(WORDS, k=rng.randrange(20, 61)))
        rows.append(
            (
                doc,
                f"P{i % 1000:04d}",
                rng.choice(["Budi", "Ani", "Pak Rahmat"]),
                "participant",
                f"time.code{i % 200:03d}",
                f"Waktu tunggu {i % 200}",
                "time",
                s,
                s + rng.randrange(0, 3),
                start,
                start + len(quote),
                rng.choice(["ani", "budi"]),
                "manual",
                "unreviewed",
                "",
                quote,
            )
        )
    return rows


def write_qualcode(rows: list[tuple[object, ...]], path: Path) -> None:
    from qualcode.core.tables import Cell, Sheet, Workbook
    from qualcode.exporters.xlsx import to_xlsx

    cells = cast("tuple[tuple[Cell, ...], ...]", tuple(rows))
    sheet = Sheet("quotes", "Quotes", COLUMNS, cells, KINDS, key_columns=1)
    to_xlsx(Workbook("quotes", "Quotes", (sheet,)), path)


def write_rvgsrust(rows: list[tuple[object, ...]], path: Path) -> None:
    """rvgsrust-xlsxwriter: the only library measured that also has what the other
    sheets need (per-cell formats for total rows, title rows, list validation, hidden
    sheets); rows go in chunks of 2,000 through ``write_rows`` (one call per chunk)."""
    import re

    from rvgsrust_xlsxwriter import Format, Workbook

    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    book = Workbook(str(path))
    sheet = book.add_worksheet("quotes", constant_memory=True)
    header = Format().set_bold().set_text_wrap().set_vertical_align("top").set_border("thin")
    wrap = Format().set_text_wrap().set_vertical_align("top")
    top = Format().set_vertical_align("top")
    for c, name in enumerate(COLUMNS):
        sheet.set_column_format(c, wrap if name == "quote" else top)
        sheet.set_column_width(c, 60 if name == "quote" else 14)
    sheet.write_row(0, 0, list(COLUMNS), header)
    for start in range(0, len(rows), 2000):
        chunk = [
            [
                (illegal.sub("\ufffd", v) if illegal.search(v) else v or None)
                if type(v) is str
                else v
                for v in row
            ]
            for row in rows[start : start + 2000]
        ]
        sheet.write_rows(start + 1, 0, chunk)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    book.close()


def write_xlsxwriter(rows: list[tuple[object, ...]], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("quotes")
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    top = book.add_format({"valign": "top"})
    for c, name in enumerate(COLUMNS):
        sheet.set_column(c, c, 60 if name == "quote" else 14, wrap if name == "quote" else top)
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(rows), len(COLUMNS) - 1)
    sheet.write_row(0, 0, COLUMNS, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value, wrap if c == 15 else top)
            else:
                sheet.write_number(r, c, value, top)
    book.close()


def write_pyexcelerate(rows: list[tuple[object, ...]], path: Path) -> None:
    from pyexcelerate import Style, Workbook
    from pyexcelerate.Alignment import Alignment
    from pyexcelerate.Font import Font

    book = Workbook()
    sheet = book.new_sheet("quotes", data=[list(COLUMNS), *map(list, rows)])
    sheet.set_row_style(1, Style(font=Font(bold=True)))
    sheet.set_col_style(16, Style(alignment=Alignment(wrap_text=True, vertical="top")))
    sheet.panes = __import__("pyexcelerate").Panes(1, 1)
    book.save(str(path))


def write_rustpy(rows: list[tuple[object, ...]], path: Path) -> None:
    from rustpy_xlsxwriter import FastExcel

    records = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    widths = [60.0 if name == "quote" else 14.0 for name in COLUMNS]
    (
        FastExcel(str(path))
        .format(bold_headers=True)
        .sheet("quotes", records, column_widths=widths, autofilter=True)
        .freeze(row=1, col=1)
        .save()
    )


WRITERS: dict[str, Callable[[list[tuple[object, ...]], Path], None]] = {
    "qualcode": write_qualcode,
    "rvgsrust_xlsxwriter": write_rvgsrust,
    "xlsxwriter": write_xlsxwriter,
    "pyexcelerate": write_pyexcelerate,
    "rustpy_xlsxwriter": write_rustpy,
}


def run_once(name: str, rows: list[tuple[object, ...]], path: Path) -> tuple[float, float, int]:
    """Write the sheet once with ``name``: (CPU seconds, wall seconds, file size)."""
    c0, w0 = time.process_time(), time.perf_counter()
    WRITERS[name](rows, path)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    size = path.stat().st_size
    path.unlink()
    return cpu, wall, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=sorted(WRITERS))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = make_rows(args.rows)
    figures: dict[str, Any] = {"rows": args.rows, "cells": args.rows * len(COLUMNS)}
    names = args.only or list(WRITERS)
    runs: dict[str, list[tuple[float, float, int]]] = {n: [] for n in names}
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # interleaved: one run of each writer in turn, so a busy neighbour hits all alike
        for i in range(args.repeat):
            for name in names:
                if name in results:  # skipped
                    continue
                try:
                    runs[name].append(run_once(name, rows, Path(tmp) / f"{name}-{i}.xlsx"))
                except ImportError as exc:
                    results[name] = {"skipped": f"not installed: {exc.name}"}
    for name, got in runs.items():
        if got:
            results[name] = {
                "cpu_s": round(statistics.median(r[0] for r in got), 2),
                "wall_s": round(statistics.median(r[1] for r in got), 2),
                "cpu_runs": [round(r[0], 2) for r in got],
                "bytes": got[-1][2],
            }
    figures["writers"] = results
    base = results.get("qualcode", {}).get("cpu_s")
    for r in results.values():
        if base and "cpu_s" in r:
            r["x_of_qualcode"] = round(r["cpu_s"] / base, 2)
    if args.json:
        print(json.dumps(figures))
    else:
        for name, r in results.items():
            print(f"{name:18} {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
