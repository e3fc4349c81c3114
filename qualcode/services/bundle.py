"""The export bundle: the codebook and every coded passage in the formats people hand on.

``qualcode export bundle -o FOLDER`` writes, in one go, the set of files a QDA tool's
"export everything" gives (the set Taguette's export menu writes):

* ``codebook.qdc`` (REFI-QDA), ``codebook.csv`` and ``codebook.xlsx`` (the codebook
  appendix: definitions, criteria, examples, counts; the XLSX adds the memos);
* ``segments.csv``, ``segments.xlsx`` and ``segments.html``: every coded passage,
  one row per coding (the XLSX is a review sheet ``review apply`` reads back);
* ``codes/<code id>.csv``: one file per code with the codings of that code and its
  sub-codes (what ``export segments --code ID`` writes).

The codings are read once and shared by every file that lists them; each file is
written atomically, as every export is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.filters import Filters
from qualcode.errors import InputError

if TYPE_CHECKING:
    from qualcode.core.matrices import Segment
    from qualcode.store import Project

CODES_FOLDER = "codes"
"""The sub-folder holding one CSV per code."""


@dataclass(frozen=True)
class BundleSummary:
    """What ``export bundle`` wrote.

    Attributes:
        folder: the folder written into.
        files: every file written, in the order written.
        codings: the coded passages listed (rows of ``segments.csv``).
        codes: the codes given a file of their own.
    """

    folder: Path
    files: tuple[Path, ...]
    codings: int
    codes: int


def _prepare(folder: Path) -> None:
    from qualcode.i18n import _

    if folder.exists() and not folder.is_dir():
        raise InputError(_("is a file; name a folder for the bundle"), path=folder)
    if not folder.parent.exists():
        raise InputError(
            _("folder {folder} does not exist").format(folder=folder.parent),
            path=folder,
            hint=_("create it first"),
        )
    try:
        (folder / CODES_FOLDER).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            _("cannot create the folder: {reason}").format(reason=exc.strerror),
            path=folder,
            hint=_("choose a folder you can write to"),
        ) from None


def code_file_names(code_ids: list[str]) -> dict[str, str]:
    """Code id -> file name under ``codes/``: the id itself (ids are letters, digits,
    ``_ . -``), with ``~2``, ``~3`` ... when two ids differ only by case, so that no
    file overwrites another on a case-insensitive disk."""
    seen: dict[str, int] = {}
    out: dict[str, str] = {}
    for cid in code_ids:
        key = cid.casefold()
        n = seen.get(key, 0) + 1
        seen[key] = n
        out[cid] = f"{cid}.csv" if n == 1 else f"{cid}~{n}.csv"
    return out


def _rows_by_code(segments: list[Segment], code_ids: list[str]) -> dict[str, list[int]]:
    """Each code's rows (indexes into ``segments``): the codings of the code and of
    its sub-codes, in text order."""
    wanted = set(code_ids)
    groups: dict[str, list[int]] = {cid: [] for cid in code_ids}
    for i, s in enumerate(segments):
        for cid in dict.fromkeys(s.path or (s.code,)):
            if cid in wanted:
                groups[cid].append(i)
    return groups


def export_bundle(
    project: Project,
    folder: Path,
    *,
    filters: Filters | None = None,
    label_lang: str | None = None,
    pseudonyms: Path | Mapping[str, str] | None = None,
) -> BundleSummary:
    """Write the codebook and every coded passage into ``folder`` (created when missing).

    Args:
        project: the open project.
        folder: where the files go; files of an earlier bundle there are replaced.
        filters: which codings are listed and counted (``codes`` also limits the
            per-code files to those codes).
        label_lang: the language of code labels.
        pseudonyms: a name-map file, or the map itself, applied to every CSV, XLSX
            and HTML file (the ``.qdc`` holds the codebook alone).

    Returns:
        The files written and what they hold.
    """
    from qualcode.clock import new_guid
    from qualcode.core import tables
    from qualcode.exporters import sheets as render
    from qualcode.exporters.base import batched_writes
    from qualcode.exporters.xlsx import to_xlsx
    from qualcode.services.refi_export import export_qdc
    from qualcode.services.reports import names_from

    filters = filters or Filters()
    names = names_from(pseudonyms)
    _prepare(folder)
    codebook = project.codebook()
    langs = list(codebook.languages)
    written: list[Path] = []

    def out(name: str) -> Path:
        path = folder / name
        written.append(path)
        return path

    code_ids = [c.id for c in codebook]
    if filters.codes:
        asked = {code.id for code in map(codebook.get, filters.codes) if code is not None}
        code_ids = [c for c in code_ids if asked.intersection(codebook.path(c))]
    files = code_file_names(code_ids)
    # every file is synced at the end, together, and only then moved into place
    with batched_writes():
        export_qdc(project, out("codebook.qdc"))
        appendix = tables.appendix_workbook(
            names.apply(project.matrices.appendix(filters, label_lang=label_lang)),
            names.apply(project.matrices.memo_rows(filters)),
            langs,
            filters.describe(),
        )
        render.to_csv(appendix, out("codebook.csv"))
        to_xlsx(appendix, out("codebook.xlsx"))

        # the codings, read once: every file below lists some of the same rows
        segments = names.apply(project.matrices.segments(filters, label_lang=label_lang))
        attributes = [names.text(a) for a in project.matrices.attribute_names()]
        book = tables.segments_workbook(
            segments, attributes, langs, filters.describe(), sheet_id=new_guid()
        )
        header, lines = render.csv_lines(book.sheets[0])
        render.write_csv_text(out("segments.csv"), header + "".join(lines))
        to_xlsx(book, out("segments.xlsx"))
        render.to_html(book, out("segments.html"))
        for cid, rows in _rows_by_code(segments, code_ids).items():
            text = header + "".join(lines[i] for i in rows)
            render.write_csv_text(out(f"{CODES_FOLDER}/{files[cid]}"), text)
    return BundleSummary(folder, tuple(written), len(segments), len(code_ids))
