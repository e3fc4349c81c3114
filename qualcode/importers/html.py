"""HTML transcripts (``.html``, ``.htm``), read with the standard library's parser.

Block elements (``p``, ``div``, ``li``, headings, table rows, ``br``) make
paragraphs and lines; ``script``, ``style`` and ``head`` are skipped; a ``b`` /
``strong`` at the start of a paragraph is a candidate speaker label, and a table
row ``speaker | words`` is one turn, as in Word files.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from qualcode.core.model import ImportedDocument
from qualcode.importers.blocks import Block, assemble, bold_block
from qualcode.importers.decode import decode_text, read_bytes
from qualcode.importers.office import table_block
from qualcode.importers.speakers import SpeakerConfig

_BLOCK = frozenset(
    "p div li dt dd h1 h2 h3 h4 h5 h6 blockquote pre section article header footer "
    "main aside nav ul ol dl table tbody thead tfoot figure figcaption address hr".split()
)
_SKIP = frozenset("script style head template noscript svg math title".split())
_BOLD = frozenset("b strong".split())
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.I)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.runs: list[tuple[str, bool]] = []
        self.skip = 0
        self.bold = 0
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.pre = 0
        self.title = ""
        self._in_title = False

    def flush(self) -> None:
        if self.cell is not None:
            return
        if any(t.strip() for t, _ in self.runs):
            runs = [(self._squash(t), b) for t, b in self.runs]
            self.blocks.append(bold_block(runs))
        self.runs = []

    def _squash(self, text: str) -> str:
        if self.pre:
            return text
        # whitespace collapses in HTML, but <br> made real newlines
        return re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", re.sub(r"[ \t\r\f\v]+", " ", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._text("\n", raw=True)
        elif tag == "tr":
            self.flush()
            self.cells = []
        elif tag in ("td", "th") and self.cells is not None:
            self.cell = []
        elif tag in _BLOCK:
            self.flush()
            if tag == "pre":
                self.pre += 1
        elif tag in _BOLD:
            self.bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in ("td", "th") and self.cells is not None and self.cell is not None:
            self.cells.append(self._squash("".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.cells is not None:
            block = table_block(self.cells)
            if block is not None:
                self.blocks.append(block)
            self.cells = None
        elif tag in _BLOCK:
            self.flush()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in _BOLD:
            self.bold = max(0, self.bold - 1)

    def _text(self, data: str, raw: bool = False) -> None:
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.runs.append((data, self.bold > 0))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self.skip:
            return
        self._text(data)


def read_html(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import an HTML transcript.

    The encoding is the one the file declares (``<meta charset>``), else detected
    as for text files.

    Raises:
        InputError: binary, undecodable, or no text.
    """
    data = read_bytes(path)
    declared = _META_CHARSET.search(data[:4096])
    enc = encoding
    if (
        enc is None
        and declared
        and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    ):
        name_ = declared.group(1).decode("ascii").lower()
        try:
            "".encode(name_)
            enc = name_
        except LookupError:
            enc = None
    decoded = decode_text(data, path, encoding=enc)
    reader = _Reader()
    reader.feed(decoded.text)
    reader.close()
    reader.flush()
    title = " ".join(reader.title.split())
    return assemble(
        path,
        reader.blocks,
        fmt="html",
        speakers=speakers,
        name=name,
        encoding=decoded.encoding,
        notices=decoded.notices,
        meta={"title": title} if title else None,
    )
