"""The findings chapter as .docx, .odt, .md and .html.

Every format says the same thing (:class:`~qualcode.core.findings.Chapter`):

- .docx (python-docx): Word's own styles, so the researcher's template and table of
  contents take them: ``Heading 1/2/3``, ``Quote`` for key extracts, ``Caption`` for
  table and figure captions, real tables (``Table Grid``) whose first row is a
  header row that repeats on every page; the map as a PNG picture.
- .odt (odfdo): ``Heading 1/2/3`` outline headings, ``Quotations``, ``Caption``,
  tables with a header row; the map as a PNG picture.
- .md: headings, ``>`` block quotes, pipe tables; the map as an SVG file beside the
  chapter (``NAME-map.svg``).
- .html: one self-contained page (styles inline, the map as inline SVG).

The document properties (title, author, comments, last modified by) are set from
the chapter, so a pseudonymised chapter names nobody there either. The SVG map is
turned into a PNG by resvg (a wheel from PyPI with its renderer inside: nothing
to install beside it).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from qualcode.core.findings import Block, Chapter, Figure, Heading, Paragraph, Quote, Table

# ---------------------------------------------------------------------- markdown


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or " "


def to_markdown(chapter: Chapter, figure_file: str = "") -> str:
    """The chapter as Markdown (the map linked as ``figure_file`` when given)."""
    out: list[str] = []
    for block in chapter.blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            label = f"**{block.label}**" if block.label else ""
            if block.text and label:
                out.append(f"{label}: {block.text}")
            else:
                out.append(label or block.text)
        elif isinstance(block, Quote):
            lines = [f"> {block.text}", ">", f"> — {block.source}"]
            if block.translation:
                lines += [">", f"> *{block.translation}*"]
            out.append("\n".join(lines))
        elif isinstance(block, Table):
            rows = [
                "| " + " | ".join(_md_cell(h) for h in block.header) + " |",
                "|" + "|".join("---:" if n else "---" for n in _flags(block)) + "|",
                *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.body),
            ]
            out.append(f"*{block.caption}*\n\n" + "\n".join(rows))
        elif isinstance(block, Figure) and figure_file:
            out.append(f"![{block.caption}]({figure_file})\n\n*{block.caption}*")
    return "\n\n".join(out) + "\n"


def _flags(table: Table) -> tuple[bool, ...]:
    return table.numeric or tuple(False for _ in table.header)


# ---------------------------------------------------------------------- html

_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 46em; margin: 2em auto;
  padding: 0 1em; line-height: 1.5; color: #222; }
h1, h2, h3 { font-family: 'Helvetica Neue', Arial, sans-serif; line-height: 1.2; }
blockquote { margin: 1em 0 1em 1.5em; padding-left: 1em; border-left: 3px solid #999; }
blockquote .source { display: block; font-size: 0.9em; color: #555; margin-top: 0.3em; }
blockquote .translation { display: block; font-style: italic; margin-top: 0.4em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; vertical-align: top; text-align: left; }
th { background: #eee; }
td.num, th.num { text-align: right; }
caption, figcaption { font-style: italic; text-align: left; padding: 0.3em 0; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
""".strip()


def to_html(chapter: Chapter) -> str:
    """The chapter as one self-contained HTML page."""
    e = html.escape
    body: list[str] = []
    for block in chapter.blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            label = f"<strong>{e(block.label)}</strong>" if block.label else ""
            sep = ": " if label and block.text else ""
            body.append(f"<p>{label}{sep}{e(block.text)}</p>")
        elif isinstance(block, Quote):
            parts = [f"<blockquote><p>{e(block.text)}",
                     f'<span class="source">— {e(block.source)}</span>']  # fmt: skip
            if block.translation:
                parts.append(f'<span class="translation">{e(block.translation)}</span>')
            body.append("\n".join(parts) + "</p></blockquote>")
        elif isinstance(block, Table):
            flags = _flags(block)
            cls = [' class="num"' if n else "" for n in flags]
            head = "".join(f"<th{c}>{e(h)}</th>" for h, c in zip(block.header, cls, strict=True))
            rows = "\n".join(
                "<tr>" + "".join(f"<td{c}>{e(v)}</td>" for v, c in zip(row, cls, strict=True))
                + "</tr>"
                for row in block.body
            )  # fmt: skip
            body.append(
                f"<table>\n<caption>{e(block.caption)}</caption>\n"
                f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
            )
        elif isinstance(block, Figure):
            svg = block.svg
            if svg.startswith("<?xml"):
                svg = svg.split("?>", 1)[1].lstrip()
            body.append(f"<figure>\n{svg}\n<figcaption>{e(block.caption)}</figcaption>\n</figure>")
    return (
        f'<!DOCTYPE html>\n<html lang="{e(chapter.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(chapter.title)}</title>\n"
        f'<meta name="generator" content="qualcode">\n'
        f"<style>\n{_CSS}\n</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------- png


def svg_to_png(svg: str, width: int = 1600) -> bytes:
    """Render an SVG to PNG (white background) with resvg."""
    import resvg_py  # a Rust renderer in the wheel: loaded only when a map is drawn

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", width=width))


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _when(chapter: Chapter) -> datetime:
    try:
        return datetime.fromisoformat(chapter.created.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


# ---------------------------------------------------------------------- docx


def write_docx(chapter: Chapter, path: Path) -> None:
    """Write the chapter as a Word document."""
    import io

    import docx  # python-docx, loaded only for this format
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Inches

    document = docx.Document()
    props = document.core_properties
    props.title = chapter.title
    props.author = chapter.author
    props.last_modified_by = chapter.author
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    when = _when(chapter)
    props.created = when
    props.modified = when
    props.last_printed = when
    props.language = chapter.lang
    for block in chapter.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=min(max(block.level, 1), 3))
        elif isinstance(block, Paragraph):
            p = document.add_paragraph()
            if block.label:
                p.add_run(block.label + (": " if block.text else "")).bold = True
            if block.text:
                p.add_run(block.text)
        elif isinstance(block, Quote):
            p = document.add_paragraph(style="Quote")
            p.add_run(block.text)
            p.add_run().add_break()
            p.add_run("— " + block.source).italic = False
            if block.translation:
                t = document.add_paragraph(style="Quote")
                t.add_run(block.translation).italic = True
        elif isinstance(block, Table):
            document.add_paragraph(block.caption, style="Caption")
            flags = _flags(block)
            table = document.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            head = table.rows[0]
            tr_pr = head._tr.get_or_add_trPr()
            marker = OxmlElement("w:tblHeader")
            marker.set(qn("w:val"), "true")
            tr_pr.append(marker)
            for cell, text, numeric in zip(head.cells, block.header, flags, strict=True):
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = True
                if numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for row in block.body:
                cells = table.add_row().cells
                for cell, text, numeric in zip(cells, row, flags, strict=True):
                    cell.text = text
                    if numeric:
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            document.add_paragraph()
        elif isinstance(block, Figure):
            png = svg_to_png(block.svg)
            w, h = _png_size(png)
            width = 6.0 if w >= h else 6.0 * w / max(h, 1)
            document.add_picture(io.BytesIO(png), width=Inches(min(width, 6.0)))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            document.add_paragraph(block.caption, style="Caption")
    document.save(str(path))


# ---------------------------------------------------------------------- odt


def _odt_styles(document: object) -> None:
    from odfdo import Element, Style

    styles = [
        Style(
            "paragraph",
            name="Quotations",
            display_name="Quotations",
            parent_style="Standard",
            area="paragraph",
            margin_left="1cm",
            margin_right="1cm",
            margin_top="0.2cm",
            margin_bottom="0.3cm",
        ),
        Style("text", name="Strong_20_Emphasis", display_name="Strong Emphasis"),
        Style("text", name="Emphasis", display_name="Emphasis"),
        Style(
            "paragraph",
            name="Table_20_Heading",
            display_name="Table Heading",
            parent_style="Standard",
        ),
        Style(
            "paragraph",
            name="Table_20_Contents",
            display_name="Table Contents",
            parent_style="Standard",
        ),
    ]
    styles[1].append(Element.from_tag('<style:text-properties fo:font-weight="bold"/>'))
    styles[2].append(Element.from_tag('<style:text-properties fo:font-style="italic"/>'))
    styles[3].append(Element.from_tag('<style:text-properties fo:font-weight="bold"/>'))
    for style in styles:
        document.insert_style(style)  # type: ignore[attr-defined]
    # headings unnumbered ("Temuan", not "1.Temuan"): the researcher's template numbers
    for level in document.get_part("styles.xml").get_elements(  # type: ignore[attr-defined]
        "//text:outline-level-style"
    ):
        level.set_attribute("style:num-format", "")
        for name in ("style:num-suffix", "loext:num-list-format"):
            if level.get_attribute(name) is not None:
                level.del_attribute(name)


def write_odt(chapter: Chapter, path: Path) -> None:
    """Write the chapter as an OpenDocument text."""
    import io

    from odfdo import Cell, Document, Frame, Header, Row, Span
    from odfdo import Paragraph as OdfParagraph
    from odfdo import Table as OdfTable

    document = Document("text")
    _odt_styles(document)
    meta = document.meta
    meta.set_title(chapter.title)
    meta.set_creator(chapter.author)
    meta.set_initial_creator(chapter.author)
    meta.set_description("")
    meta.set_subject("")
    meta.set_keywords("")
    meta.set_generator("qualcode")
    when = _when(chapter).replace(tzinfo=None)
    meta.set_creation_date(when)
    meta.set_modification_date(when)
    meta.set_language(chapter.lang)
    body = document.body
    body.clear()
    tables = 0
    images = 0

    def paragraph(text: str, style: str = "Standard") -> OdfParagraph:
        p = OdfParagraph(style=style)
        p.append(text)
        return p

    for block in chapter.blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 3)
            heading = Header(level, block.text)
            heading.set_attribute("text:style-name", f"Heading_20_{level}")
            body.append(heading)
        elif isinstance(block, Paragraph):
            p = OdfParagraph(style="Text_20_body")
            if block.label:
                p.append(
                    Span(block.label + (": " if block.text else ""), style="Strong_20_Emphasis")
                )
            if block.text:
                p.append(block.text)
            body.append(p)
        elif isinstance(block, Quote):
            body.append(paragraph(block.text, "Quotations"))
            body.append(paragraph("— " + block.source, "Quotations"))
            if block.translation:
                p = OdfParagraph(style="Quotations")
                p.append(Span(block.translation, style="Emphasis"))
                body.append(p)
        elif isinstance(block, Table):
            tables += 1
            body.append(paragraph(block.caption, "Caption"))
            table = OdfTable(f"Table{tables}")
            from odfdo import Element

            header = Element.from_tag("table:table-header-rows")
            row = Row()
            for text in block.header:
                cell = Cell()
                cell.append(paragraph(text, "Table_20_Heading"))
                row.append(cell)
            header.append(row)
            for _n in block.header:
                table.append(Element.from_tag("<table:table-column/>"))
            table.append(header)
            for values in block.body:
                row = Row()
                for text in values:
                    cell = Cell()
                    cell.append(paragraph(text, "Table_20_Contents"))
                    row.append(cell)
                table.append(row)
            body.append(table)
        elif isinstance(block, Figure):
            images += 1
            png = svg_to_png(block.svg)
            w, h = _png_size(png)
            width_cm = 16.0
            height_cm = width_cm * h / max(w, 1)
            url = document.add_file(io.BytesIO(png))
            frame = Frame.image_frame(
                url,
                name=f"Map{images}",
                size=(f"{width_cm:.2f}cm", f"{height_cm:.2f}cm"),
                anchor_type="as-char",
            )
            holder = OdfParagraph(style="Standard")
            holder.append(frame)
            body.append(holder)
            body.append(paragraph(block.caption, "Caption"))
    document.save(str(path))


# ---------------------------------------------------------------------- any


def write(chapter: Chapter, path: Path, fmt: str) -> list[Path]:
    """Write ``chapter`` to ``path`` as ``fmt`` (docx, odt, md, html).

    Each file is written beside its place under a temporary name and moved there when
    complete, so a failure leaves no half-written chapter (and an earlier one intact).

    Returns:
        Every file written (for .md with a map: the chapter and ``NAME-map.svg``).
    """
    import os

    if fmt not in ("docx", "odt", "md", "html"):
        raise ValueError(fmt)
    outputs: list[tuple[Path, Path]] = []

    def temporary(final: Path) -> Path:
        tmp = final.with_name(f".{final.name}.writing")
        outputs.append((tmp, final))
        return tmp

    try:
        if fmt == "docx":
            write_docx(chapter, temporary(path))
        elif fmt == "odt":
            write_odt(chapter, temporary(path))
        elif fmt == "html":
            temporary(path).write_text(to_html(chapter), encoding="utf-8")
        else:
            figure = next((b for b in chapter.blocks if isinstance(b, Figure)), None)
            name = ""
            if figure is not None:
                svg_path = path.with_name(f"{path.stem}-map.svg")
                temporary(svg_path).write_text(figure.svg, encoding="utf-8")
                name = svg_path.name
            temporary(path).write_text(to_markdown(chapter, name), encoding="utf-8")
        for tmp, final in outputs:
            os.replace(tmp, final)
    finally:
        for tmp, _final in outputs:
            tmp.unlink(missing_ok=True)
    return [final for _tmp, final in sorted(outputs, key=lambda o: o[1] != path)]


__all__ = ["Block", "svg_to_png", "to_html", "to_markdown", "write", "write_docx", "write_odt"]
