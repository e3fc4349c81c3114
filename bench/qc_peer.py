"""The qc side of ``bench/peers.py``: ``qualitative-coding`` 1.7.8 (the ``qc`` command
line) driven through the functions its commands run, in one process, phase by phase.

Run with the interpreter of the environment that has it (``bench/peers.py`` does)::

    /tmp/qc-venv/bin/python bench/qc_peer.py --corpus DIR --work DIR

``DIR`` holds the ``.txt`` transcripts and ``plan.json`` from ``synth.py``. One JSON
line out: ``ready_at`` (the epoch second the imports were done, so the caller can
time start-up from its spawn), ``seconds`` per phase, ``counts`` and ``problems``.

qc codes lines, not character spans, and keeps the codebook as a YAML tree of names
(letters, digits, ``_`` and ``-``: a synth id ``service.procedure`` becomes
``service_procedure``). Per phase it does what these commands do after their start-up:

* setup: ``qc init`` (settings, folders, database) and a ``codebook.yaml`` listing
  every code;
* import: ``qc corpus import --recursive --importer verbatim DIR`` (copy each ``.txt``
  into the corpus, register it and index its paragraphs);
* coding: ``qc code bench --pattern NAME.txt`` for each transcript: qc writes the
  codes file, runs the editor, reads the file back and stores the document's coded
  lines in one transaction, then updates the codebook. The "editor" is ``cp`` of a
  codes file prepared before the clock (the planned codes on the line of each
  planned passage: what a coder would type);
* export: ``qc export project.qdpx`` (REFI-QDA: codebook, sources, codings),
  ``qc codes stats --zeros --outfile codebook.csv`` (the codebook with counts),
  ``qc codes find --json`` and ``qc codes find`` of every code (every coded passage,
  as JSON and as text) and ``qc codes find CODE`` once per code (one file each).

Checked against the plan: the coded lines qc counts per code equal the distinct
(document, line, code) triples of the plan, and so do the counts in its stats CSV.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

PHASES = ("setup", "import", "coding", "export")


def qc_name(code_id: str) -> str:
    """A synth code id as a qc code name (qc allows letters, digits, ``_``, ``-``)."""
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in code_id)


def planned_lines(
    txt: dict[str, str], plan: list[dict[str, Any]]
) -> dict[str, dict[int, set[str]]]:
    """Document -> line number -> qc code names: each planned passage's codes on the
    line holding its start (a turn is one line)."""
    out: dict[str, dict[int, set[str]]] = {}
    for c in plan:
        line = txt[c["doc"]].count("\n", 0, c["start"])
        out.setdefault(c["doc"], {}).setdefault(line, set()).update(qc_name(x) for x in c["codes"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args(argv)

    from qualitative_coding.corpus import QCCorpus
    from qualitative_coding.media_importers import media_importers  # noqa: F401
    from qualitative_coding.refi_qda.writer import REFIQDAWriter
    from qualitative_coding.views.viewer import QCCorpusViewer

    ready_at = time.time()
    seconds: dict[str, float] = {}
    problems: list[str] = []
    plan = json.loads((args.corpus / "plan.json").read_text(encoding="utf-8"))
    names = sorted(p.stem for p in args.corpus.glob("*.txt"))
    txt = {n: (args.corpus / f"{n}.txt").read_text(encoding="utf-8") for n in names}
    codes = [qc_name(c["id"]) for c in plan["codebook"]]
    lines = planned_lines(txt, plan["codings"])

    work = args.work
    sources = work / "sources"  # the transcripts alone, as the import's folder
    prepared = work / "typed"  # the codes files the "editor" puts in place
    project = work / "project"
    for folder in (sources, prepared, project):
        folder.mkdir(parents=True)
    for n in names:
        (sources / f"{n}.txt").write_text(txt[n], encoding="utf-8")
        count = len(txt[n].splitlines())
        coded = lines.get(n, {})
        (prepared / f"{n}.txt").write_text(
            "".join(", ".join(sorted(coded.get(i, ()))) + "\n" for i in range(count)),
            encoding="utf-8",
        )
    settings = project / "settings.yaml"

    t0 = time.perf_counter()
    QCCorpus.initialize(str(settings), True)
    import yaml

    data = yaml.safe_load(settings.read_text())
    data["editor"] = "bench"
    data["editors"] = {
        "bench": {
            "name": "bench",
            "code_command": f'cp "{prepared}/$(basename "{{corpus_file_path}}")" "{{codes_file_path}}"',
            "memo_command": "true",
        }
    }
    settings.write_text(yaml.dump(data))
    QCCorpus.initialize(str(settings))
    (project / "codebook.yaml").write_text("".join(f"- {c}\n" for c in codes))
    seconds["setup"] = time.perf_counter() - t0
    from qualitative_coding.logs import configure_logger

    configure_logger(str(settings))  # as every qc command does first: its log file

    t0 = time.perf_counter()
    corpus = QCCorpus(str(settings))
    with corpus.session():
        corpus.import_media(str(sources), recursive=True, importer="verbatim")
    seconds["import"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for n in names:
        viewer = QCCorpusViewer(QCCorpus(str(settings)))
        viewer.open_editor(f"{n}.txt", "bench")
    seconds["coding"] = time.perf_counter() - t0

    out = work / "export"
    (out / "codes").mkdir(parents=True)
    t0 = time.perf_counter()
    corpus = QCCorpus(str(settings))
    with corpus.session():
        corpus.update_codebook()
    REFIQDAWriter(str(settings)).write(str(out / "project.qdpx"))
    viewer = QCCorpusViewer(QCCorpus(str(settings)))
    viewer.show_stats((), zeros=True, outfile=str(out / "codebook.csv"))
    with open(out / "passages.json", "w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        viewer.show_coded_text_json(codes)
    with open(out / "passages.txt", "w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        viewer.show_coded_text(codes)
    for c in codes:
        with open(out / "codes" / f"{c}.txt", "w", encoding="utf-8") as fh:
            with contextlib.redirect_stdout(fh):
                viewer.show_coded_text([c])
    seconds["export"] = time.perf_counter() - t0

    want: dict[str, int] = {}
    for per_line in lines.values():
        for names_on_line in per_line.values():
            for c in names_on_line:
                want[c] = want.get(c, 0) + 1
    corpus = QCCorpus(str(settings))
    with corpus.session():
        got = {k: v for k, v in corpus.count_codes(unit="line").items() if v}
    if got != want:
        problems.append("qc's coded-line counts differ from the plan")
    with open(out / "codebook.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    stats = {r[0]: int(r[1]) for r in rows[1:] if len(r) > 1 and r[1].isdigit() and int(r[1])}
    if stats != want:
        problems.append("qc's stats CSV differs from the plan")
    files = [p for p in out.rglob("*") if p.is_file()]
    print(
        json.dumps(
            {
                "ready_at": ready_at,
                "seconds": seconds,
                "counts": {
                    "documents": len(names),
                    "coded_lines": sum(want.values()),
                    "export_files": len(files),
                    "export_bytes": sum(p.stat().st_size for p in files),
                },
                "problems": problems,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
