"""PDF transcripts: the text layer, read with pdfminer.six.

pdfminer's layout analysis groups lines into text boxes; each box becomes a
paragraph (a blank line between boxes), lines inside a box stay lines, so a
hard-wrapped answer continues its turn. Page breaks are paragraph breaks. A PDF
without a text layer (a scan) is refused: it needs OCR first.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from qualcode.core.model import ImportedDocument
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.importers.blocks import Block, assemble, bold_block
from qualcode.importers.decode import read_bytes
from qualcode.importers.speakers import SpeakerConfig

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+|halaman\s+)?\d{1,4}(?:\s*(?:/|of|dari)\s*\d{1,4})?\s*$", re.I
)


def read_pdf(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import the text layer of a PDF transcript.

    Raises:
        InputError: not a PDF, damaged, encrypted, or without a text layer.
    """
    data = read_bytes(path)
    if not data.lstrip()[:1024].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError(_("is not a PDF file (no %PDF header)"), path=path)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        paragraphs = _paragraphs(data)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(
            _("is an encrypted PDF"), path=path, hint=_("save an unprotected copy and import that")
        ) from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            _("is a damaged PDF ({reason})").format(reason=reason[:100]),
            path=path,
            hint=_("open it and save or print it to PDF again"),
        ) from None
    blocks: list[Block] = []
    for runs in paragraphs:
        merged = _merge_runs(runs)
        text = "".join(t for t, _ in merged)
        if not text.strip() or _PAGE_NUMBER.match(text):
            continue
        blocks.append(bold_block(merged))
    if not any(re.search(r"\w", b.text) for b in blocks):
        raise InputError(
            _("has no text layer (a scanned PDF)"),
            path=path,
            hint=_("run OCR first, e.g. ocrmypdf, then import the result"),
        )
    return assemble(path, blocks, fmt="pdf", speakers=speakers, name=name)


def _paragraphs(data: bytes) -> list[list[tuple[str, bool]]]:
    """The (text, bold) runs of every paragraph: one per pdfminer text box, and a
    new one at each line that starts in bold."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer

    paragraphs: list[list[tuple[str, bool]]] = []
    for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
        for box in page:
            if not isinstance(box, LTTextContainer):
                continue
            current: list[tuple[str, bool]] = []
            for line in box:
                runs = _line_runs(line)
                starts_bold = bool(runs) and runs[0][1]
                # a line that starts in bold (a speaker label, a heading) starts
                # a paragraph even inside one of pdfminer's text boxes
                if current and starts_bold:
                    paragraphs.append(current)
                    current = []
                current.extend(runs)
            if current:
                paragraphs.append(current)
    return paragraphs


def _line_runs(line: object) -> list[tuple[str, bool]]:
    """(character, bold) of one text line; a layout space takes the bold of the
    character before it."""
    from pdfminer.layout import LTAnno, LTChar

    runs: list[tuple[str, bool]] = []
    bold = False
    for obj in line if hasattr(line, "__iter__") else ():
        if isinstance(obj, LTChar):
            font = obj.fontname.lower()
            bold = "bold" in font or "black" in font or "heavy" in font
            runs.append((obj.get_text(), bold))
        elif isinstance(obj, LTAnno):
            runs.append((obj.get_text(), bold))
    return runs


def _merge_runs(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Join neighbouring runs of the same weight, drop form feeds and the spaces
    pdfminer leaves before a line's newline."""
    merged: list[tuple[str, bool]] = []
    for t, is_bold in runs:
        t = t.replace("\x0c", "")
        if merged and merged[-1][1] == is_bold:
            merged[-1] = (merged[-1][0] + t, is_bold)
        else:
            merged.append((t, is_bold))
    # pdfminer ends every line with a newline and sometimes a space before it
    return [(re.sub(r"[ \t]+\n", "\n", t), is_bold) for t, is_bold in merged]
