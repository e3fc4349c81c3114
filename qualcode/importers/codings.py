"""Codings from a file: a gold standard, or another coder's work, anchored by quote.

Three shapes are read, one coding per entry:

- YAML: ``{version: 1, coder: gold, codings: [{doc, code, quote, sentences}, ...]}``
  (or a bare list), the form of ``transcripts/gold/codings.yaml``;
- JSON: the output of ``qualcode codings --json`` (a list of objects), or
  ``{"coder": ..., "codings": [...]}``;
- CSV: a header row naming ``doc``, ``code``, ``quote`` and optionally
  ``sentences`` (or ``sentence``), ``start``, ``end``, ``coder``, ``memo``.

An entry is anchored by its ``quote``, the exact coded text, which must occur in
the document; ``sentences`` (``"27-31"`` or ``27``) says which occurrence when there
are several, and ``start``/``end`` are used when the text there still equals the
quote. Offsets alone are never trusted, so the file survives a re-import or a
different sentence splitter. Everything here is pure: documents come in as
:class:`~qualcode.core.model.Document`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualcode.core.model import Document
from qualcode.errors import InputError, Problem
from qualcode.i18n import _, plural

FIELDS = ("doc", "code", "quote", "sentences", "sentence", "start", "end", "coder", "memo")


@dataclass(frozen=True)
class CodingRecord:
    """One coding as written in a file, before it is anchored.

    Attributes:
        doc: document name.
        code: code id (or alias).
        quote: the coded text.
        sentence: the first sentence number given (a hint), if any.
        start: an offset given in the file, if any.
        end: its end.
        coder: the entry's coder, if the file names one per entry.
        memo: a memo on the coding.
        line: where the entry is in the file (for errors).
        column: its column.
    """

    doc: str
    code: str
    quote: str
    sentence: int | None = None
    start: int | None = None
    end: int | None = None
    coder: str | None = None
    memo: str | None = None
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class CodingFile:
    """The entries of a codings file and the coder it names (if any)."""

    path: str
    coder: str | None
    records: tuple[CodingRecord, ...]


MAX_CODINGS_BYTES = 200 * 1024 * 1024
"""Largest codings file read (a million codings as CSV is about 150 MB)."""


def read_codings(path: Path) -> CodingFile:
    """Read a YAML, JSON or CSV codings file.

    Raises:
        InputError: one line per problem (``FILE:LINE:COL: message``).
    """
    from qualcode.files import read_limited

    raw = read_limited(path, limit=MAX_CODINGS_BYTES, what="codings file")
    if b"\x00" in raw[:8192]:
        raise InputError(_("is a binary file, not a codings file"), path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            _("not valid UTF-8 (byte 0x{raw:02x})").format(raw=raw[exc.start]),
            path=path,
            hint=_("save it as UTF-8"),
        ) from None
    if not text.strip():
        raise InputError(_("file is empty"), path=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _from_csv(text, str(path))
    if suffix == ".json":
        return _from_json(text, str(path))
    if suffix in (".yaml", ".yml"):
        return _from_yaml(text, str(path))
    raise InputError(
        _("cannot tell the format of {path.name!r}").format(path=path),
        path=path,
        hint=_("use .yaml, .json or .csv"),
    )


def _sentence_hint(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.match(r"^\s*(\d+)\s*(?:-\s*\d+\s*)?$", str(value))
    if not m:
        raise ValueError(_("bad sentence number {value!r} (write 12 or 12-14)").format(value=value))
    return int(m.group(1))


def _int_or_none(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(
            _("{name!r} must be a whole number, not {value!r}").format(name=name, value=value)
        ) from None


def _record(
    item: Any, source: str, line: int | None, column: int | None, problems: list[Problem]
) -> CodingRecord | None:
    if not isinstance(item, Mapping):
        problems.append(
            Problem(_("a coding must be a mapping with doc, code and quote"), source, line, column)
        )
        return None
    unknown = [k for k in item if str(k) not in FIELDS and str(k) not in _IGNORED]
    if unknown:
        problems.append(
            Problem(
                _("unknown field {unknown!r} in a coding").format(unknown=unknown[0]),
                source,
                line,
                column,
                "use " + ", ".join(FIELDS),
            )
        )
        return None
    missing = [k for k in ("doc", "code", "quote") if not str(item.get(k) or "").strip()]
    if missing:
        problems.append(
            Problem(
                _("a coding without {missing!r}").format(missing=missing[0]), source, line, column
            )
        )
        return None
    try:
        hint = _sentence_hint(item.get("sentences", item.get("sentence")))
        start = _int_or_none(item.get("start"), "start")
        end = _int_or_none(item.get("end"), "end")
    except ValueError as exc:
        problems.append(Problem(str(exc), source, line, column))
        return None
    coder = item.get("coder")
    memo = item.get("memo")
    return CodingRecord(
        doc=str(item["doc"]),
        code=str(item["code"]),
        quote=str(item["quote"]),
        sentence=hint,
        start=start,
        end=end,
        coder=str(coder) if coder not in (None, "") else None,
        memo=str(memo) if memo not in (None, "") else None,
        line=line,
        column=column,
    )


# fields of `qualcode codings --json` that are read but not needed
_IGNORED = ("guid", "created", "origin", "status", "review", "anchor")


def _finish(
    source: str, coder: Any, records: list[CodingRecord], problems: list[Problem]
) -> CodingFile:
    if problems:
        raise InputError.from_problems(problems)
    if not records:
        raise InputError(_("the file holds no codings"), path=source)
    return CodingFile(source, str(coder) if coder not in (None, "") else None, tuple(records))


def _from_yaml(text: str, source: str) -> CodingFile:
    from qualcode.importers.codebook_yaml import load_yaml

    loaded = load_yaml(text, source)
    problems = list(loaded.problems)
    data = loaded.data
    coder = None
    if isinstance(data, Mapping):
        coder = data.get("coder")
        items = data.get("codings")
        prefix: tuple[str | int, ...] = ("codings",)
        if not isinstance(items, list):
            line, col = loaded.positions.get((), (None, None))
            raise InputError(_("expected a 'codings:' list"), path=source, line=line, column=col)
    elif isinstance(data, list):
        items, prefix = data, ()
    else:
        raise InputError(_("expected a 'codings:' list"), path=source, line=1, column=1)
    records = []
    for i, item in enumerate(items):
        line, col = loaded.positions.get((*prefix, i), (None, None))
        rec = _record(item, source, line, col, problems)
        if rec is not None:
            records.append(rec)
    return _finish(source, coder, records, problems)


def _from_json(text: str, source: str) -> CodingFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            _("not valid JSON: {exc.msg}").format(exc=exc),
            path=source,
            line=exc.lineno,
            column=exc.colno,
        ) from None
    coder = None
    if isinstance(data, Mapping):
        coder = data.get("coder")
        data = data.get("codings")
    if not isinstance(data, list):
        raise InputError(_("expected a list of codings"), path=source)
    problems: list[Problem] = []
    records = []
    for i, item in enumerate(data, start=1):
        rec = _record(item, source, None, None, problems)
        if problems and problems[-1].line is None and rec is None:
            last = problems.pop()
            problems.append(
                Problem(
                    _("coding {i}: {last.message}").format(i=i, last=last),
                    source,
                    None,
                    None,
                    last.hint,
                )
            )
        if rec is not None:
            records.append(rec)
    return _finish(source, coder, records, problems)


def _from_csv(text: str, source: str) -> CodingFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(_("file is empty"), path=source) from None
    for need in ("doc", "code", "quote"):
        if need not in header:
            raise InputError(
                _("no {need!r} column in the header").format(need=need),
                path=source,
                line=1,
                column=1,
            )
    problems: list[Problem] = []
    records = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(
                Problem(
                    _("{fields} fields, the header has {header}").format(
                        fields=len(row), header=len(header)
                    ),
                    source,
                    line,
                    1,
                )
            )
            continue
        item = {h: v for h, v in zip(header, row, strict=True) if h}
        rec = _record(item, source, line, 1, problems)
        if rec is not None:
            records.append(rec)
    return _finish(source, None, records, problems)


def anchor(record: CodingRecord, doc: Document, source: str | None = None) -> tuple[int, int]:
    """Where ``record``'s quote is in ``doc``.

    Raises:
        InputError: the quote is not in the document, or occurs several times and
            the sentence hint does not pick one.
    """
    quote = record.quote
    text = doc.text
    if (
        record.start is not None
        and record.end is not None
        and text[record.start : record.end] == quote
    ):
        return record.start, record.end
    where = {"path": source, "line": record.line, "column": record.column}
    hits = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not hits:
        raise InputError(
            _("the quote {quote!r} is not in {doc.name!r}").format(quote=_clip(quote), doc=doc),
            hint=_("the quote must be the exact text of the document"),
            **where,  # type: ignore[arg-type]
        )
    if len(hits) == 1:
        return hits[0], hits[0] + len(quote)
    if record.sentence is not None and 1 <= record.sentence <= len(doc.sentences):
        s = doc.sentences[record.sentence - 1]
        inside = [h for h in hits if s.start <= h < s.end]
        if len(inside) == 1:
            return inside[0], inside[0] + len(quote)
    raise InputError(
        plural(
            len(hits),
            "the quote {quote!r} occurs once in {doc.name!r}",
            "the quote {quote!r} occurs {n} times in {doc.name!r}",
            quote=_clip(quote),
            doc=doc,
        ),
        hint=_("give the sentence number it starts in ('sentences: 12') or a longer quote"),
        **where,  # type: ignore[arg-type]
    )


def anchor_all(
    records: Sequence[CodingRecord], docs: Mapping[str, Document], source: str | None = None
) -> list[tuple[CodingRecord, int, int]]:
    """Anchor every record; every problem is reported at once.

    Raises:
        InputError: unknown documents and quotes not found, one problem each.
    """
    out: list[tuple[CodingRecord, int, int]] = []
    problems: list[Problem] = []
    missing: dict[str, list[CodingRecord]] = {}
    for rec in records:
        doc = docs.get(rec.doc)
        if doc is None:
            missing.setdefault(rec.doc, []).append(rec)
            continue
        try:
            start, end = anchor(rec, doc, source)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        out.append((rec, start, end))
    for name, recs in missing.items():
        # one line per missing document, at its first entry
        first = recs[0]
        more = f" (and {len(recs) - 1} more codings of it)" if len(recs) > 1 else ""
        problems.append(
            Problem(
                _("no document named {name!r} in the project{more}").format(name=name, more=more),
                source,
                first.line,
                first.column,
                _("import the transcripts first ('qualcode documents' lists them)"),
            )
        )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise InputError.from_problems(problems)
    return out


def _clip(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
