"""Word (``.docx``), OpenDocument (``.odt``) and RTF transcripts.

``.docx`` is read with python-docx, ``.odt`` with odfdo, ``.rtf`` with striprtf.
Paragraphs (and table rows, which transcription templates often use: time |
speaker | words) become blocks; a bold run at the start of a paragraph is a
candidate speaker label (see :mod:`qualcode.importers.blocks`). Each library loads
only when a file of its format is imported.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qualcode.core.model import ImportedDocument
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.importers.blocks import Block, assemble, bold_block, plausible_label
from qualcode.importers.decode import read_bytes
from qualcode.importers.speakers import SpeakerConfig, parse_timestamp
from qualcode.importers.zips import ZIP_ERRORS, zip_reason

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 1024 * 1024 * 1024
"""Largest total size of a ``.docx`` / ``.odt`` package's parts once unpacked (1 GB):
a ZIP bomb is refused before any part is read."""
_TIMESTAMP = re.compile(r"^\[?\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?\]?$")


def _check_package(path: Path, data: bytes, *, member: str, kind: str, save_as: str) -> None:
    """Refuse, with one line, a file that is not the ZIP package ``kind`` needs."""
    if data.startswith(_OLE):
        raise InputError(
            _("is an old binary Office file, not {kind}").format(kind=kind),
            path=path,
            hint=_("open it and save it as {save_as}").format(save_as=save_as),
        )
    if not data.startswith(b"PK"):
        raise InputError(
            _("is not {kind} (not a ZIP package)").format(kind=kind),
            path=path,
            hint=_("save it as {save_as}").format(save_as=save_as),
        )
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if member not in names:
                raise InputError(
                    _("is a ZIP archive but not {kind} (it has no {member})").format(
                        kind=kind, member=member
                    ),
                    path=path,
                    hint=_("import the transcript itself, saved as {save_as}").format(
                        save_as=save_as
                    ),
                )
            unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > MAX_UNPACKED:
                raise InputError(
                    _("unpacks to {unpacked:,} bytes, more than {MAX_UNPACKED:,}").format(
                        unpacked=unpacked, MAX_UNPACKED=MAX_UNPACKED
                    ),
                    path=path,
                    hint=_("is it really a transcript? save the text alone as .docx or .txt"),
                )
            bad = zf.testzip()
            if bad is not None:
                raise InputError(
                    _("is a corrupt {kind} (damaged part {bad})").format(
                        kind=kind.split(" ", 1)[1], bad=bad
                    ),
                    path=path,
                    hint=_("open and save it again as {save_as}").format(save_as=save_as),
                )
    except ZIP_ERRORS as exc:  # a damaged member raises zlib, seek or EOF errors
        raise InputError(
            _("is a corrupt {kind} ({exc})").format(
                kind=kind.split(" ", 1)[1], exc=zip_reason(exc)
            ),
            path=path,
            hint=_("open and save it again as {save_as}").format(save_as=save_as),
        ) from None


def table_block(cells: list[str]) -> Block | None:
    """A transcript table row (``[time |] speaker | words``) as one block."""
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        return None
    ts = None
    if len(cells) >= 3 and _TIMESTAMP.match(cells[0]):
        ts = parse_timestamp(cells[0].strip("[]"))
        cells = cells[1:]
    text = "\t".join(cells)
    if len(cells) >= 2 and plausible_label(cells[0].rstrip(":")) and "\n" not in cells[0]:
        return Block(
            text, label=cells[0].rstrip(":").strip(), body="\n".join(cells[1:]), timestamp_ms=ts
        )
    return Block(text, timestamp_ms=ts)


# ---------------------------------------------------------------------- docx


def _style_bold(style: Any) -> bool | None:
    """Bold as a style (or the styles it is based on) sets it, ``None`` when unset."""
    seen = 0
    while style is not None and seen < 20:
        if style.font.bold is not None:
            return bool(style.font.bold)
        style = style.base_style
        seen += 1
    return None


def _docx_paragraph(paragraph: Any) -> Block:
    from docx.text.hyperlink import Hyperlink

    para_bold = _style_bold(paragraph.style)
    runs: list[tuple[str, bool]] = []
    for item in paragraph.iter_inner_content():
        for run in item.runs if isinstance(item, Hyperlink) else [item]:
            bold = run.bold
            if bold is None:
                bold = _style_bold(run.style)
            if bold is None:
                bold = para_bold
            runs.append((run.text, bool(bold)))
    return bold_block(runs)


def _docx_blocks(container: Any) -> Iterator[Block]:
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell repeats
                        continue
                    seen.add(id(cell._tc))
                    cells.append("\n".join(p.text for p in cell.paragraphs))
                block = table_block(cells)
                if block is not None:
                    yield block
        else:
            yield _docx_paragraph(item)


def read_docx(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import a Word ``.docx`` transcript (python-docx): paragraphs, tables, bold labels.

    Raises:
        InputError: not a ZIP, a ZIP that is not a Word document, a corrupt file.
    """
    data = read_bytes(path)
    _check_package(
        path, data, member="word/document.xml", kind="a Word document (.docx)", save_as=".docx"
    )
    import io

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(_docx_blocks(document))
    except InputError:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged XML
        raise InputError(
            _("is a corrupt Word document ({exc})").format(exc=_reason(exc)),
            path=path,
            hint=_("open it in Word or LibreOffice and save it again"),
        ) from None
    title = (document.core_properties.title or "").strip()
    return assemble(
        path,
        blocks,
        fmt="docx",
        speakers=speakers,
        name=name,
        meta={"title": title} if title else None,
    )


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return text[:120]


# ---------------------------------------------------------------------- odt

_ODF_TEXT = "application/vnd.oasis.opendocument.text"


class _OdtReader:
    """Walks an odfdo document: paragraphs, headings, lists and tables, in order."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._bold: dict[tuple[str, str], bool | None] = {}

    def style_bold(self, family: str, name: str | None) -> bool | None:
        """Bold as the named style (or its parents) sets it, ``None`` when unset."""
        if not name:
            return None
        key = (family, name)
        if key not in self._bold:
            value: bool | None = None
            seen: set[str] = set()
            current: str | None = name
            while current and current not in seen:
                seen.add(current)
                style = self.document.get_style(family, current)
                if style is None:
                    break
                weight = (style.get_properties() or {}).get("fo:font-weight")
                if weight is not None:
                    value = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
                    break
                current = style.get_attribute("style:parent-style-name")
            self._bold[key] = value
        return self._bold[key]

    def runs(self, element: Any, bold: bool) -> Iterator[tuple[str, bool]]:
        if element.text:
            yield element.text, bold
        for child in element.children:
            tag = child.tag
            if tag == "text:s":
                yield " " * int(child.get_attribute("text:c") or 1), bold
            elif tag == "text:tab":
                yield "\t", bold
            elif tag == "text:line-break":
                yield "\n", bold
            elif tag in ("office:annotation", "text:note", "text:bookmark", "text:soft-page-break"):
                pass
            else:
                child_bold = self.style_bold("text", child.get_attribute("text:style-name"))
                yield from self.runs(child, bold if child_bold is None else child_bold)
            if child.tail:
                yield child.tail, bold

    def paragraph(self, element: Any) -> Block:
        bold = bool(self.style_bold("paragraph", element.get_attribute("text:style-name")))
        return bold_block(list(self.runs(element, bold)))

    def blocks(self, element: Any) -> Iterator[Block]:
        for child in element.children:
            tag = child.tag
            if tag in ("text:p", "text:h"):
                yield self.paragraph(child)
            elif tag == "table:table":
                for row in child.get_elements("descendant::table:table-row"):
                    cells = [
                        "\n".join(str(p).rstrip("\n") for p in cell.get_paragraphs())
                        for cell in row.get_elements("table:table-cell")
                    ]
                    block = table_block(cells)
                    if block is not None:
                        yield block
            elif tag in ("text:sequence-decls", "office:forms", "text:tracked-changes"):
                continue
            else:
                yield from self.blocks(child)


def read_odt(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import an OpenDocument text (``.odt``) transcript with odfdo.

    Raises:
        InputError: not a ZIP, a ZIP that is not an OpenDocument text, a corrupt file.
    """
    data = read_bytes(path)
    _check_package(
        path, data, member="content.xml", kind="an OpenDocument text (.odt)", save_as=".odt"
    )
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            mimetype = zf.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        mimetype = _ODF_TEXT
    except ZIP_ERRORS as exc:
        raise InputError(
            _("is a corrupt OpenDocument text ({exc})").format(exc=zip_reason(exc)),
            path=path,
            hint=_("open it in LibreOffice and save it again"),
        ) from None
    if mimetype != _ODF_TEXT:
        raise InputError(
            _("is an OpenDocument file but not a text document ({mimetype})").format(
                mimetype=mimetype
            ),
            path=path,
            hint=_("import the transcript as .odt, .docx or .txt"),
        )
    import odfdo

    try:
        document = odfdo.Document(io.BytesIO(data))
        blocks = list(_OdtReader(document).blocks(document.body))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            _("is a corrupt OpenDocument text ({exc})").format(exc=_reason(exc)),
            path=path,
            hint=_("open it in LibreOffice and save it again"),
        ) from None
    return assemble(path, blocks, fmt="odt", speakers=speakers, name=name)


# ---------------------------------------------------------------------- rtf

_RTF_TOKEN = re.compile(
    rb"(?P<u>\\u-?\d+ ?(?:\\'[0-9a-fA-F]{2}|[^\\{}\r\n])?)"
    rb"|(?P<hex>\\'[0-9a-fA-F]{2})"
    rb"|(?P<word>\\[a-zA-Z]+(?P<arg>-?\d+)? ?)"
    rb"|(?P<sym>\\[^a-zA-Z])"
    rb"|(?P<open>\{)|(?P<close>\})"
    rb"|(?P<text>[^\\{}\r\n]+)"
    rb"|(?P<nl>[\r\n]+)"
)
_RTF_CPG = re.compile(rb"\\ansicpg(\d+)")
BOLD_ON = "\ue000"
BOLD_OFF = "\ue001"
_MARK_ON = rb"{\uc1\u57344?}"
_MARK_OFF = rb"{\uc1\u57345?}"


def mark_rtf_bold(data: bytes) -> bytes:
    r"""Put a private-use marker before every piece of text saying whether it is bold.

    striprtf keeps text only; the markers survive it, so a bold speaker label at the
    start of a paragraph can be recognised as in Word files. ``\par`` is doubled so
    that paragraphs become blank-line separated while ``\line`` stays a line break.
    """
    out: list[bytes] = []
    bold = False
    stack: list[bool] = []
    for m in _RTF_TOKEN.finditer(data):
        kind = m.lastgroup if m.lastgroup != "arg" else "word"
        tok = m.group(0)
        if kind == "open":
            stack.append(bold)
        elif kind == "close":
            bold = stack.pop() if stack else False
        elif m.group("word") is not None:
            word = tok.rstrip(b" ").rstrip(b"-0123456789")
            arg = m.group("arg")
            if word == b"\\b":
                bold = arg is None or arg != b"0"
            elif word == b"\\plain":
                bold = False
            elif word == b"\\par":
                tok = b"\\par\\par "
        elif kind in ("u", "hex", "text") or (
            kind == "sym" and tok in (b"\\\\", b"\\{", b"\\}", b"\\~", b"\\_")
        ):
            out.append(_MARK_ON if bold else _MARK_OFF)
        out.append(tok)
    return b"".join(out)


def marked_runs(paragraph: str) -> list[tuple[str, bool]]:
    """Split text carrying :data:`BOLD_ON` / :data:`BOLD_OFF` markers into runs."""
    runs: list[tuple[str, bool]] = []
    bold = False
    for piece in re.split(f"([{BOLD_ON}{BOLD_OFF}])", paragraph):
        if piece == BOLD_ON:
            bold = True
        elif piece == BOLD_OFF:
            bold = False
        elif piece:
            if runs and runs[-1][1] == bold:
                runs[-1] = (runs[-1][0] + piece, bold)
            else:
                runs.append((piece, bold))
    return runs


def read_rtf(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    r"""Import an RTF transcript with striprtf.

    ``\par`` ends a paragraph (a blank line in the text we store) and ``\line`` a
    line; 8-bit escapes are decoded in the code page the file declares
    (``\ansicpg``, Windows-1252 by default) and ``\u`` escapes as Unicode; bold
    labels are recognised as in Word files.

    Raises:
        InputError: not an RTF file, or one with no text.
    """
    data = read_bytes(path)
    if not data.lstrip().startswith(b"{\\rtf"):
        raise InputError(_("is not an RTF file (it does not start with {\\rtf)"), path=path)
    m = _RTF_CPG.search(data[:4096])
    codepage = encoding or (f"cp{int(m.group(1))}" if m else "cp1252")
    try:
        "".encode(codepage)
    except LookupError:
        codepage = "cp1252"
    from striprtf.striprtf import rtf_to_text

    try:
        text = rtf_to_text(  # type: ignore[no-untyped-call]
            mark_rtf_bold(data).decode("latin-1"), encoding=codepage, errors="replace"
        )
    except Exception as exc:
        raise InputError(
            _("is a damaged RTF file ({exc})").format(exc=_reason(exc)),
            path=path,
            hint=_("open it in Word or LibreOffice and save it again"),
        ) from None
    text = text.replace("\r", "")
    blocks = []
    for para in re.split(r"\n(?:[ \t\ue000\ue001]*\n)+", text):
        runs = marked_runs(para)
        if any(t.strip() for t, _ in runs):
            blocks.append(bold_block(runs))
    return assemble(path, blocks, fmt="rtf", speakers=speakers, name=name, encoding=codepage)
