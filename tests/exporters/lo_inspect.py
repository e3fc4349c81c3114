"""Open a workbook in LibreOffice (over UNO) and print what LibreOffice sees, as JSON.

Run with the system Python that has LibreOffice's ``uno`` module (Debian
``python3-uno``): ``/usr/bin/python3 lo_inspect.py FILE.xlsx PROFILE_DIR``. Prints,
per sheet: its name, whether panes are frozen and where, the autofilter range, and
every cell's text of the first rows. Used by ``test_real_programs.py``; not part of
the package (it needs LibreOffice's own Python).
"""

# mypy: ignore-errors
from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    path, profile = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pipe = f"qualcode_test_{os.getpid()}"
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        ctx = None
        for _ in range(240):
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.25)
        if ctx is None:
            print(json.dumps({"error": "LibreOffice did not start"}))
            return 2
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (hidden,))
        controller = doc.getCurrentController()
        ranges = doc.getPropertyValue("UnnamedDatabaseRanges")
        out = []
        sheets = doc.getSheets()
        for i in range(sheets.getCount()):
            sheet = sheets.getByIndex(i)
            controller.setActiveSheet(sheet)
            autofilter = None
            if ranges.hasByTable(i):
                db = ranges.getByTable(i)
                if db.getPropertyValue("AutoFilter"):
                    a = db.getDataArea()
                    autofilter = [a.StartColumn, a.StartRow, a.EndColumn, a.EndRow]
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            last_col, last_row = cursor.getRangeAddress().EndColumn, cursor.getRangeAddress().EndRow
            cells = [
                [sheet.getCellByPosition(c, r).getString() for c in range(last_col + 1)]
                for r in range(min(last_row, 50) + 1)
            ]
            out.append(
                {
                    "name": sheet.getName(),
                    "frozen": bool(controller.hasFrozenPanes()),
                    "split_column": controller.getSplitColumn(),
                    "split_row": controller.getSplitRow(),
                    "autofilter": autofilter,
                    "cells": cells,
                }
            )
        doc.close(True)
        print(json.dumps(out, ensure_ascii=False))
        try:
            desktop.terminate()
        except Exception:
            pass
        return 0
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


if __name__ == "__main__":
    sys.exit(main())
