"""The findings draft: a chapter a researcher edits, as plain blocks.

:func:`build_chapter` turns the themes (or the dimensions of the codebook), their
usage, key extracts, memos, the dimension scorecard and the codebook into a
:class:`Chapter`: a list of headings, paragraphs, block quotes, tables and one
figure, with every heading, caption and table head in the chosen language. The
exporters (``qualcode.exporters.findings``) write the same chapter as .docx, .odt,
.md and .html, so the four files say the same thing.

The words of the chapter are English msgids (marked with :func:`~qualcode.i18n.N_`)
looked up in :data:`INDONESIAN` for ``lang="id"``: the chapter's language is chosen
per file (``--lang``), independently of the interface language of the process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.core.codebook import Code, Codebook
from qualcode.core.matrices import Segment
from qualcode.core.thematic import (
    NO_VALUE,
    Review,
    Scorecard,
    ScoreRow,
    Usage,
    split_usage,
    usage,
    valence_of,
)
from qualcode.core.themes import Theme, ThemeTree
from qualcode.i18n import N_

LANGS = ("en", "id")
"""The languages a chapter is written in."""

BY = ("themes", "dimensions")
"""What the chapter is organised by."""

# ---------------------------------------------------------------------- words

INDONESIAN: dict[str, str] = {
    N_("Findings"): "Temuan",
    N_("Theme"): "Tema",
    N_("Sub-theme"): "Subtema",
    N_("Sub-themes"): "Subtema",
    N_("Definition"): "Definisi",
    N_("Key extracts"): "Kutipan kunci",
    N_("Memos"): "Memo",
    N_("Translation"): "Terjemahan",
    N_("Prevalence"): "Prevalensi",
    N_("Group"): "Kelompok",
    N_("All informants"): "Semua informan",
    N_("Passages"): "Penggalan",
    N_("Documents"): "Dokumen",
    N_("Participants"): "Informan",
    N_("Cases"): "Kasus",
    N_("Dimension"): "Dimensi",
    N_("Negative"): "Negatif",
    N_("Positive"): "Positif",
    N_("Negative passages"): "Penggalan negatif",
    N_("Negative participants"): "Informan negatif",
    N_("Positive passages"): "Penggalan positif",
    N_("Positive participants"): "Informan positif",
    N_("Dimension scorecard"): "Kartu skor dimensi",
    N_("Thematic map"): "Peta tematik",
    N_("Appendix: codebook"): "Lampiran: buku kode",
    N_("Code"): "Kode",
    N_("Label"): "Label",
    N_("Description"): "Deskripsi",
    N_("Valence"): "Valensi",
    N_("Themes"): "Tema",
    N_("negative"): "negatif",
    N_("positive"): "positif",
    N_("neutral"): "netral",
    N_("mixed"): "campuran",
    N_("Table"): "Tabel",
    N_("Figure"): "Gambar",
    N_("Discarded themes"): "Tema yang dibuang",
    N_("turn"): "giliran",
    N_("participant"): "informan",
    N_("interviewer"): "pewawancara",
    N_("Sub-codes"): "Subkode",
    N_("Themes in this dimension"): "Tema dalam dimensi ini",
    N_("Prevalence of the theme {name}"): "Prevalensi tema {name}",
    N_("Prevalence of the dimension {name}"): "Prevalensi dimensi {name}",
    N_("Negative and positive passages per dimension"): (
        "Penggalan negatif dan positif per dimensi"
    ),
    N_("The codebook"): "Buku kode",
    N_("Informant groups are the values of the case attribute '{name}'."): (
        "Kelompok informan adalah nilai atribut kasus '{name}'."
    ),
    N_("Participants are cases."): "Informan dihitung per kasus.",
    N_("Participants are the speakers with the participant role."): (
        "Informan dihitung per penutur dengan peran informan."
    ),
    N_(
        "A draft written by qualcode on {date} from {themes} and {passages} "
        "in {documents}. Edit it freely: the counts are the project's as of that day."
    ): (
        "Draf yang ditulis qualcode pada {date} dari {themes} dan {passages} "
        "dalam {documents}. Silakan disunting: angka-angkanya adalah angka proyek "
        "pada hari itu."
    ),
    N_(
        "A draft written by qualcode on {date} from {dimensions} and {passages} "
        "in {documents}. Edit it freely: the counts are the project's as of that day."
    ): (
        "Draf yang ditulis qualcode pada {date} dari {dimensions} dan {passages} "
        "dalam {documents}. Silakan disunting: angka-angkanya adalah angka proyek "
        "pada hari itu."
    ),
    N_("No key extract has been chosen yet."): "Belum ada kutipan kunci yang dipilih.",
    N_("No definition yet."): "Belum ada definisi.",
    N_("No theme has been made yet: 'qualcode theme add' or the themes screen makes one."): (
        "Belum ada tema: buat dengan 'qualcode theme add' atau di layar tema."
    ),
    N_("No passage is coded under this dimension yet."): (
        "Belum ada penggalan yang dikode dalam dimensi ini."
    ),
    N_("Reason: {reason}"): "Alasan: {reason}",
}
"""The chapter's words in Bahasa Indonesia (msgid -> text)."""

_COUNTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "themes": (("{n} theme", "{n} themes"), ("{n} tema", "{n} tema")),
    "dimensions": (("{n} dimension", "{n} dimensions"), ("{n} dimensi", "{n} dimensi")),
    "passages": (("{n} passage", "{n} passages"), ("{n} penggalan", "{n} penggalan")),
    "documents": (("{n} document", "{n} documents"), ("{n} dokumen", "{n} dokumen")),
}


@dataclass(frozen=True)
class Words:
    """The chapter's words in one language.

    Args:
        lang: ``"en"`` or ``"id"``.
    """

    lang: str = "en"

    def __call__(self, msgid: str) -> str:
        """``msgid`` in the chapter's language."""
        if self.lang == "id":
            return INDONESIAN.get(msgid, msgid)
        return msgid

    def count(self, what: str, n: int) -> str:
        """``n`` things (``"3 passages"``, ``"3 penggalan"``)."""
        en, ind = _COUNTS[what]
        one, many = ind if self.lang == "id" else en
        return (one if n == 1 else many).format(n=n)

    def date(self, iso: str) -> str:
        """An ISO date or time as a person writes it (``15 January 2026``)."""
        months_en = (
            "January February March April May June July August September October November December"
        ).split()
        months_id = (
            "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
        ).split()
        try:
            year, month, day = int(iso[0:4]), int(iso[5:7]), int(iso[8:10])
            name = (months_id if self.lang == "id" else months_en)[month - 1]
        except (ValueError, IndexError):
            return iso
        return f"{day} {name} {year}"


# ---------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A heading (level 1 is the chapter's title, 2 a theme, 3 a part of it)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``label`` (bold, before the text) when given."""

    text: str
    label: str = ""


@dataclass(frozen=True)
class Quote:
    """A key extract as a block quote.

    Attributes:
        text: the passage's words.
        source: who said it and where (``Bu Rina, resident, wawancara_01, turn 12``).
        translation: its translation, or empty.
    """

    text: str
    source: str
    translation: str = ""


@dataclass(frozen=True)
class Table:
    """A table with a header row and a numbered caption.

    Attributes:
        caption: ``Table 2. Prevalence of the theme ...``.
        header: the column heads.
        body: the rows below the header, as text.
        numeric: which columns hold numbers (right-aligned).
    """

    caption: str
    header: tuple[str, ...]
    body: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()


@dataclass(frozen=True)
class Figure:
    """The thematic map as an SVG image with a numbered caption."""

    caption: str
    svg: str


Block = Heading | Paragraph | Quote | Table | Figure


@dataclass(frozen=True)
class Chapter:
    """A findings chapter.

    Attributes:
        title: the chapter's title (also the file's title property).
        lang: the language it is written in.
        blocks: its content in reading order.
        author: who the file names as its author (the coder, pseudonymised).
        created: when it was written (ISO-8601).
    """

    title: str
    lang: str
    blocks: tuple[Block, ...]
    author: str = ""
    created: str = ""

    def quotes(self) -> list[Quote]:
        """Every key extract quoted, in order."""
        return [b for b in self.blocks if isinstance(b, Quote)]


# ---------------------------------------------------------------------- input


@dataclass(frozen=True)
class FindingsInput:
    """What a chapter is written from (read from a project by the service).

    Attributes:
        codebook: the codes.
        tree: the themes.
        segments: every accepted coding.
        review: the theme review (with the split by ``attribute`` when given).
        scorecard: the dimension scorecard (by ``attribute`` when given).
        valences: code id -> valence.
        use_cases: whether participants are cases.
        attribute: the case attribute of the informant groups, or ``None``.
        memos: theme id -> memo texts (``title``, ``text``), when memos are asked for.
        times: coding guid -> the time of its turn (``00:12:05``) where the
            transcript has times.
        map_svg: the thematic map, or empty for no figure.
        created: when the chapter is written (ISO-8601).
        author: the coder writing it.
        label_lang: the language of code and theme labels (default: ``lang``).
    """

    codebook: Codebook
    tree: ThemeTree
    segments: Sequence[Segment]
    review: Review
    scorecard: Scorecard
    valences: Mapping[str, str | None]
    use_cases: bool
    attribute: str | None = None
    memos: Mapping[str, Sequence[tuple[str, str]]] = field(default_factory=dict)
    times: Mapping[str, str] = field(default_factory=dict)
    map_svg: str = ""
    created: str = ""
    author: str = ""
    label_lang: str | None = None


def timestamp(ms: int) -> str:
    """A transcript time as ``hh:mm:ss`` (``mm:ss`` under an hour)."""
    seconds = max(ms, 0) // 1000
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class _Writer:
    def __init__(self, data: FindingsInput, lang: str, memos: bool) -> None:
        self.data = data
        self.w = Words(lang)
        self.labels = data.label_lang or lang
        self.memos = memos
        self.blocks: list[Block] = []
        self.tables = 0
        self.figures = 0
        self.segments = {s.guid: s for s in data.segments}
        self.translations: dict[str, str] = {}
        for t in data.tree.themes:
            for e in t.extracts:
                if e.translation and e.coding not in self.translations:
                    self.translations[e.coding] = e.translation

    # -- pieces

    def add(self, block: Block) -> None:
        self.blocks.append(block)

    def table(
        self, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 0
    ) -> None:
        """A numbered table; the last ``numeric`` columns hold numbers."""
        self.tables += 1
        caption = f"{self.w('Table')} {self.tables}. {title}"
        flags = tuple(i >= len(header) - numeric for i in range(len(header)))
        self.add(Table(caption, tuple(header), tuple(tuple(r) for r in rows), flags))

    def code_label(self, code_id: str) -> str:
        cb = self.data.codebook
        return cb[code_id].label_in(self.labels) if code_id in cb else code_id

    def theme_label(self, theme: Theme) -> str:
        return theme.label_in(self.labels)

    def role_of(self, seg: Segment) -> str:
        if self.data.attribute:
            value = seg.attributes.get(self.data.attribute, "")
            if value:
                return value
        if seg.role:
            return self.w(seg.role) if seg.role in ("participant", "interviewer") else seg.role
        return ""

    def source(self, seg: Segment) -> str:
        parts = [p for p in (seg.speaker or "", self.role_of(seg), seg.doc) if p]
        time = self.data.times.get(seg.guid)
        if time:
            parts.append(time)
        elif seg.turn is not None:
            parts.append(f"{self.w('turn')} {seg.turn}")
        return ", ".join(parts)

    def quote(self, coding: str, translation: str = "") -> None:
        seg = self.segments.get(coding)
        if seg is None:
            return
        text = " ".join(seg.quote.split())
        self.add(Quote(text, self.source(seg), translation or self.translations.get(coding, "")))

    def prevalence_rows(self, use: Usage, segs: Sequence[Segment]) -> list[list[str]]:
        rows = [
            [self.w("All informants"), str(use.passages), str(use.documents), str(use.participants)]
        ]
        if self.data.attribute:
            split = split_usage(segs, self.data.attribute, self.data.use_cases)
            for group, u in split.items():
                name = "-" if group == NO_VALUE else group
                rows.append([name, str(u.passages), str(u.documents), str(u.participants)])
        return rows

    def prevalence_head(self) -> list[str]:
        return [self.w("Group"), self.w("Passages"), self.w("Documents"), self.w("Participants")]

    # -- themes

    def theme_segments(self, theme_id: str) -> list[Segment]:
        from qualcode.core.thematic import by_code, theme_segments

        return theme_segments(self.data.tree, theme_id, by_code(self.data.segments))

    def theme_body(self, theme: Theme, use: Usage, *, sub: bool) -> None:
        definition = theme.definition.strip() or self.w("No definition yet.")
        self.add(Paragraph(definition, label=self.w("Definition")))
        name = f"'{self.theme_label(theme)}'"
        self.table(
            self.w("Prevalence of the theme {name}").format(name=name),
            self.prevalence_head(),
            self.prevalence_rows(use, self.theme_segments(theme.id)),
            numeric=3,
        )
        if sub:
            if theme.extracts:
                self.add(Paragraph("", label=self.w("Key extracts")))
        else:
            self.add(Heading(3, self.w("Key extracts")))
        if not theme.extracts and not sub:
            self.add(Paragraph(self.w("No key extract has been chosen yet.")))
        for e in theme.extracts:
            self.quote(e.coding, e.translation)
        notes = self.data.memos.get(theme.id, ()) if self.memos else ()
        if notes:
            if sub:
                self.add(Paragraph("", label=self.w("Memos")))
            else:
                self.add(Heading(3, self.w("Memos")))
            for title, text in notes:
                self.add(Paragraph(" ".join(text.split()), label=title))

    def by_themes(self) -> None:
        tree = self.data.tree
        reviews = {r.theme.id: r for r in self.data.review.themes}
        live = [t for t in tree.themes if t.status != "discarded"]
        if not live:
            self.add(
                Paragraph(
                    self.w(
                        "No theme has been made yet: 'qualcode theme add' or the themes "
                        "screen makes one."
                    )
                )
            )
        for theme in live:
            if theme.parent is not None and tree.get(theme.parent) is not None:
                continue
            self.add(Heading(2, self.theme_label(theme)))
            self.theme_body(theme, reviews[theme.id].usage, sub=False)
            for child_id in tree.descendants(theme.id):
                child = tree.get(child_id)
                if child is None or child.status == "discarded":
                    continue
                self.add(Heading(3, f"{self.w('Sub-theme')}: {self.theme_label(child)}"))
                self.theme_body(child, reviews[child.id].usage, sub=True)
        discarded = [t for t in tree.themes if t.status == "discarded"]
        if discarded:
            self.add(Heading(2, self.w("Discarded themes")))
            for t in discarded:
                reason = self.w("Reason: {reason}").format(reason=t.reason) if t.reason else ""
                self.add(
                    Paragraph(" ".join(p for p in (t.definition.strip(), reason) if p),
                              label=self.theme_label(t))
                )  # fmt: skip

    # -- dimensions

    def by_dimensions(self) -> None:
        cb = self.data.codebook
        rows_of: dict[str, list[ScoreRow]] = {}
        for row in self.data.scorecard.rows:
            rows_of.setdefault(row.dimension, []).append(row)
        theme_of = self.themes_by_dimension()
        for dim in (c for c in cb.codes if c.parent is None):
            segs = [
                s for s in self.data.segments if s.code in cb and cb.top_level(s.code) == dim.id
            ]
            self.add(Heading(2, dim.label_in(self.labels)))
            if dim.description.strip():
                self.add(Paragraph(" ".join(dim.description.split()), label=self.w("Definition")))
            if not segs:
                self.add(Paragraph(self.w("No passage is coded under this dimension yet.")))
                continue
            dim_rows = rows_of.get(dim.id, [])
            self.dimension_table(dim, segs, dim_rows)
            themes = theme_of.get(dim.id, [])
            if themes:
                self.add(
                    Paragraph(
                        "; ".join(self.theme_label(t) for t in themes),
                        label=self.w("Themes in this dimension"),
                    )
                )
            by_group = {r.group: r for r in dim_rows}
            for valence, title in (("negative", "Negative"), ("positive", "Positive")):
                self.add(Heading(3, self.w(title)))
                self.dimension_valence(valence, segs, by_group)

    def themes_by_dimension(self) -> dict[str, list[Theme]]:
        """The themes (not discarded) holding a code of each dimension, by its id."""
        cb = self.data.codebook
        theme_of: dict[str, list[Theme]] = {}
        for t in self.data.tree.themes:
            if t.status == "discarded":
                continue
            for c in t.codes:
                if c in cb:
                    dims = theme_of.setdefault(cb.top_level(c), [])
                    if t not in dims:
                        dims.append(t)
        return theme_of

    def dimension_table(self, dim: Code, segs: list[Segment], dim_rows: list[ScoreRow]) -> None:
        """A dimension's prevalence, with its negative and positive passages per group."""
        use = usage(segs, self.data.use_cases)
        head = [*self.prevalence_head(), self.w("Negative"), self.w("Positive")]
        rows = self.prevalence_rows(use, segs)
        by_group = {r.group: r for r in dim_rows}
        all_neg = sum(r.negative.usage.passages for r in dim_rows)
        all_pos = sum(r.positive.usage.passages for r in dim_rows)
        if self.data.attribute:
            # the whole dimension: each passage once, whatever groups it is in
            negs = [s for s in segs if self.valence(s) == "negative"]
            poss = [s for s in segs if self.valence(s) == "positive"]
            all_neg, all_pos = len(negs), len(poss)
        rows[0] += [str(all_neg), str(all_pos)]
        for cells in rows[1:]:
            found = by_group.get(NO_VALUE if cells[0] == "-" else cells[0])
            cells += [
                str(found.negative.usage.passages if found else 0),
                str(found.positive.usage.passages if found else 0),
            ]
        self.table(
            self.w("Prevalence of the dimension {name}").format(
                name=f"'{dim.label_in(self.labels)}'"
            ),
            head,
            rows,
            numeric=5,
        )

    def dimension_valence(
        self, valence: str, segs: list[Segment], by_group: Mapping[str, ScoreRow]
    ) -> None:
        """The sub-codes of one valence in a dimension, most used first, and its extracts."""
        counts: dict[str, int] = {}
        for s in segs:
            if self.valence(s) == valence:
                counts[s.code] = counts.get(s.code, 0) + 1
        ranked = sorted(counts.items(), key=lambda x: (-x[1], x[0]))
        if ranked:
            self.add(
                Paragraph(
                    "; ".join(f"{self.code_label(c)} ({n})" for c, n in ranked),
                    label=self.w("Sub-codes"),
                )
            )
        seen: set[str] = set()
        for g in self.data.scorecard.groups:
            r = by_group.get(g)
            for guid in r.extracts if r else ():
                seg = self.segments.get(guid)
                if guid in seen or seg is None or self.valence(seg) != valence:
                    continue
                seen.add(guid)
                self.quote(guid)

    def valence(self, seg: Segment) -> str | None:
        return valence_of(self.data.codebook, seg.code, self.data.valences)

    # -- shared parts

    def intro(self, by: str) -> None:
        segs = self.data.segments
        docs = len({s.doc for s in segs})
        if by == "dimensions":
            n = sum(1 for c in self.data.codebook.codes if c.parent is None)
            text = self.w(
                "A draft written by qualcode on {date} from {dimensions} and {passages} "
                "in {documents}. Edit it freely: the counts are the project's as of that day."
            ).format(
                date=self.w.date(self.data.created),
                dimensions=self.w.count("dimensions", n),
                passages=self.w.count("passages", len(segs)),
                documents=self.w.count("documents", docs),
            )
        else:
            n = sum(1 for t in self.data.tree.themes if t.status != "discarded")
            text = self.w(
                "A draft written by qualcode on {date} from {themes} and {passages} "
                "in {documents}. Edit it freely: the counts are the project's as of that day."
            ).format(
                date=self.w.date(self.data.created),
                themes=self.w.count("themes", n),
                passages=self.w.count("passages", len(segs)),
                documents=self.w.count("documents", docs),
            )
        who = (
            self.w("Participants are cases.")
            if self.data.use_cases
            else self.w("Participants are the speakers with the participant role.")
        )
        groups = (
            " "
            + self.w("Informant groups are the values of the case attribute '{name}'.").format(
                name=self.data.attribute
            )
            if self.data.attribute
            else ""
        )
        self.add(Paragraph(f"{text} {who}{groups}"))

    def figure(self) -> None:
        if not self.data.map_svg:
            return
        self.figures += 1
        caption = f"{self.w('Figure')} {self.figures}. {self.w('Thematic map')}"
        self.add(Figure(caption, self.data.map_svg))

    def scorecard(self) -> None:
        card = self.data.scorecard
        cb = self.data.codebook
        self.add(Heading(2, self.w("Dimension scorecard")))
        head = [self.w("Dimension")]
        if card.attribute:
            head.append(self.w("Group"))
        head += [
            self.w("Negative passages"),
            self.w("Negative participants"),
            self.w("Positive passages"),
            self.w("Positive participants"),
        ]
        rows = []
        for r in card.rows:
            row = [cb[r.dimension].label_in(self.labels) if r.dimension in cb else r.dimension]
            if card.attribute:
                row.append("-" if r.group == NO_VALUE else r.group)
            row += [
                str(r.negative.usage.passages),
                str(r.negative.usage.participants),
                str(r.positive.usage.passages),
                str(r.positive.usage.participants),
            ]
            rows.append(row)
        self.table(self.w("Negative and positive passages per dimension"), head, rows, numeric=4)

    def codebook(self) -> None:
        cb = self.data.codebook
        self.add(Heading(2, self.w("Appendix: codebook")))
        themes_of: dict[str, list[str]] = {}
        for t in self.data.tree.themes:
            if t.status == "discarded":
                continue
            for member in t.codes:
                themes_of.setdefault(member, []).append(self.theme_label(t))
        entries = []
        for c in cb.codes:
            indent = "\u2003" * cb.depth(c.id)
            valence = self.data.valences.get(c.id)
            entries.append(
                [
                    c.id,
                    indent + c.label_in(self.labels),
                    " ".join(c.description.split()),
                    self.w(valence) if valence else "",
                    "; ".join(themes_of.get(c.id, [])),
                ]
            )
        self.table(
            self.w("The codebook"),
            [
                self.w("Code"),
                self.w("Label"),
                self.w("Description"),
                self.w("Valence"),
                self.w("Themes"),
            ],
            entries,
        )


def build_chapter(
    data: FindingsInput, *, lang: str = "en", by: str = "themes", memos: bool = False
) -> Chapter:
    """Write the findings chapter.

    Args:
        data: the project's themes, codes, codings and counts.
        lang: the language of headings, captions, table heads and the connecting
            sentences (``en`` or ``id``).
        by: ``themes`` (a section per theme with its sub-themes) or ``dimensions``
            (a section per top-level code, negative against positive).
        memos: include the themes' memos.

    Returns:
        The chapter: title, introduction, the thematic map as a figure (when
        ``data.map_svg`` is given), the sections, the scorecard table and the codebook
        as an appendix.
    """
    if lang not in LANGS:
        raise ValueError(lang)
    if by not in BY:
        raise ValueError(by)
    writer = _Writer(data, lang, memos)
    title = writer.w("Findings")
    writer.add(Heading(1, title))
    writer.intro(by)
    writer.figure()
    if by == "dimensions":
        writer.by_dimensions()
    else:
        writer.by_themes()
    writer.scorecard()
    writer.codebook()
    return Chapter(title, lang, tuple(writer.blocks), author=data.author, created=data.created)


__all__ = [
    "BY",
    "INDONESIAN",
    "LANGS",
    "Block",
    "Chapter",
    "Figure",
    "FindingsInput",
    "Heading",
    "Paragraph",
    "Quote",
    "Table",
    "Words",
    "build_chapter",
    "timestamp",
]
