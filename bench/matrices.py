"""Matrices at scale: 100,000 codings over 1,000 documents and 200 codes.

    python bench/matrices.py [--docs 1000] [--codes 200] [--codings 100000] [--json]

Builds the project directly in the store (the codebook through the Project API, the
documents, turns, sentences, cases and codings by bulk insert, which a benchmark's
set-up may do), then times, once each after one warm-up read:

- ``frequency_s``: the frequency matrix by document (codings, documents, cases and
  share of text coded, with totals) through ``Project.frequency_table``;
- ``frequency_case_s``: the same by case, rolled up to dimensions;
- ``xlsx_quotes_s``: ``export quotes --format xlsx`` (framework matrix + one row per
  quote with review columns);
- ``xlsx_all_s``: ``export all --format xlsx`` (every matrix, quotes, segments,
  co-occurrence and the codebook appendix in one workbook).

Each figure is wall time; ``*_cpu_s`` is this process's CPU time for the same step
and ``load_avg_1m`` the machine's load when it finished, since the machines are
shared and a busy neighbour stretches wall time.

The counts are checked: the frequency total equals the number of codings. Targets
(issue #5): frequency under 1 s, the full XLSX with quotes under 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

WORDS = (
    "pelayanan antre lama petugas telat biaya mahal ruang tunggu panas surat selesai "
    "tidak sesuai prosedur ramah cepat kantor camat warga menunggu jam hari"
).split()


def build(path: Path, docs: int, codes: int, codings: int, seed: int = 1) -> None:
    """A project with ``docs`` documents, ``codes`` codes and ``codings`` codings."""
    from qualcode.core.codebook import Code, Codebook
    from qualcode.store import open_project

    rng = random.Random(seed)
    dims = ["procedure", "time", "cost", "product", "facilities", "competence"]
    code_list = [Code(id=d, label={"id": d.title(), "en": d.title()}) for d in dims]
    for i in range(codes - len(dims)):
        parent = dims[i % len(dims)]
        code_list.append(
            Code(
                id=f"{parent}.c{i:03d}", label={"id": f"Kode {i}", "en": f"Code {i}"}, parent=parent
            )
        )
    project = open_project(str(path), create=True, coder="bench")
    try:
        project.codebook_sync.sync_codebook(
            Codebook(codes=tuple(code_list), languages=("id", "en"))
        )
    finally:
        project.close()
    con = sqlite3.connect(path)
    code_pks = [pk for (pk,) in con.execute("SELECT pk FROM codes ORDER BY pk")]
    now = "2026-01-01T00:00:00Z"
    con.execute("BEGIN")
    attr_pk = con.execute(
        "INSERT INTO attributes (guid, name, type) VALUES (?, 'gender', 'text')",
        (str(uuid.uuid4()),),
    ).lastrowid
    per_doc = codings // docs
    coding_rows = []
    for d in range(docs):
        turns: list[tuple[int, int, int, str, str]] = []
        sentences: list[tuple[int, int, int]] = []
        parts: list[str] = []
        pos = 0
        for t in range(20):
            label = "I: " if t % 2 == 0 else "P: "
            start = pos + len(label)
            body_parts = []
            for _ in range(2):
                sentence = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + "."
                body_parts.append(sentence)
            body = " ".join(body_parts)
            s = start
            for sentence in body_parts:
                sentences.append((len(turns), s, s + len(sentence)))
                s += len(sentence) + 1
            turns.append(
                (
                    t + 1,
                    start,
                    start + len(body),
                    "I" if t % 2 == 0 else "P",
                    "interviewer" if t % 2 == 0 else "participant",
                )
            )
            parts.append(label + body + "\n")
            pos += len(label) + len(body) + 1
        text = "".join(parts)
        doc_pk = con.execute(
            "INSERT INTO documents (guid, name, text, sha256, chars, lang, source_path, source_format, "
            "encoding, imported_at, meta, version) VALUES (?, ?, ?, ?, ?, 'id', NULL, 'txt', 'utf-8', ?, '{}', 1)",
            (str(uuid.uuid4()), f"interview_{d:04d}", text, uuid.uuid4().hex, len(text), now),
        ).lastrowid
        turn_pks = []
        for ordinal, start, end, speaker, role in turns:
            turn_pks.append(
                con.execute(
                    'INSERT INTO turns (document_pk, ordinal, start, "end", label_start, speaker, role) '
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (doc_pk, ordinal, start, end, start - 3, speaker, role),
                ).lastrowid
            )
        con.executemany(
            "INSERT INTO sentences (document_pk, turn_pk, ordinal, start, \"end\", lemmas) VALUES (?, ?, ?, ?, ?, '')",
            [(doc_pk, turn_pks[ti], i + 1, s, e) for i, (ti, s, e) in enumerate(sentences)],
        )
        case_pk = con.execute(
            "INSERT INTO cases (guid, name, description) VALUES (?, ?, '')",
            (str(uuid.uuid4()), f"P{d:04d}"),
        ).lastrowid
        con.execute(
            "INSERT INTO case_sources (case_pk, document_pk, speaker) VALUES (?, ?, NULL)",
            (case_pk, doc_pk),
        )
        con.execute(
            "INSERT INTO case_attributes (case_pk, attribute_pk, value) VALUES (?, ?, ?)",
            (case_pk, attr_pk, rng.choice(["f", "m"])),
        )
        seen: set[tuple[int, int, int]] = set()
        while len(seen) < per_doc:
            ti, s, e = rng.choice(sentences)
            if rng.random() < 0.3:  # a turn-long coding, overlapping sentence codings
                _, s, e, _, _ = turns[ti]
            code = rng.choice(code_pks)
            if (code, s, e) in seen:
                continue
            seen.add((code, s, e))
            coding_rows.append(
                (
                    str(uuid.uuid4()),
                    doc_pk,
                    code,
                    s,
                    e,
                    "bench",
                    now,
                    text[s:e],
                    "manual",
                    "accepted",
                    "unreviewed",
                    "exact",
                )
            )
    con.executemany(
        'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, quote, memo, origin, '
        "status, review, reviewer, reviewed_at, anchor, batch, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL, ?, NULL, 1)",
        coding_rows,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()


def run(docs: int, codes: int, codings: int, workdir: Path) -> dict[str, float | int]:
    """Build, then time the matrices and exports; returns the figures."""
    from qualcode import services
    from qualcode.core.filters import Filters
    from qualcode.store import open_project

    db = workdir / "bench.db"
    started = time.perf_counter()
    build(db, docs, codes, codings)
    build_s = time.perf_counter() - started
    project = open_project(str(db), coder="bench")
    try:
        project.codebook()  # warm-up: connection and schema check
        cpu: dict[str, float] = {}

        def clock() -> tuple[float, float]:
            return time.perf_counter(), time.process_time()

        def since(name: str, start: tuple[float, float]) -> float:
            cpu[name] = round(time.process_time() - start[1], 2)
            return time.perf_counter() - start[0]

        t0 = clock()
        freq = project.matrices.frequency_table(Filters(), by="document")
        frequency_s = since("frequency_cpu_s", t0)
        total = int(freq.codings.total())
        if total != codings:
            raise SystemExit(f"frequency total {total} != {codings} codings")
        t0 = clock()
        project.matrices.frequency_table(Filters(rollup=True), by="case")
        frequency_case_s = since("frequency_case_cpu_s", t0)
        t0 = clock()
        book = services.export_matrix(project, "quotes", workdir / "quotes.xlsx")
        xlsx_quotes_s = since("xlsx_quotes_cpu_s", t0)
        quote_rows = len(book.sheet("quotes").rows)
        if quote_rows != codings:
            raise SystemExit(f"{quote_rows} quote rows != {codings} codings")
        t0 = clock()
        services.export_matrix(project, "all", workdir / "all.xlsx")
        xlsx_all_s = since("xlsx_all_cpu_s", t0)
    finally:
        project.close()
    return {
        "documents": docs,
        "codes": codes,
        "codings": codings,
        "build_s": round(build_s, 2),
        "frequency_s": round(frequency_s, 3),
        "frequency_case_s": round(frequency_case_s, 3),
        "xlsx_quotes_s": round(xlsx_quotes_s, 2),
        "xlsx_all_s": round(xlsx_all_s, 2),
        "xlsx_all_mb": round((workdir / "all.xlsx").stat().st_size / 1e6, 1),
        **cpu,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--codings", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.codings % args.docs:
        parser.error("--codings must be a multiple of --docs")
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args.docs, args.codes, args.codings, Path(tmp))
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:<18}{value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
