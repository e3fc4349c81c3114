"""REFI-QDA exchange, the pure part: the model, GUIDs, colours, positions, metadata.

REFI-QDA (the Rotterdam Exchange Format Initiative's QDA-XML 1.0) moves codebooks
(``.qdc``) and whole projects (``.qdpx``: a zip holding ``project.qde`` and the
sources) between NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette and qualcode. The
importer (:mod:`qualcode.importers.refi_qda`) reads a file into the dataclasses
here, the exporter (:mod:`qualcode.exporters.refi_qda`) writes them; this module
holds what both need and what needs no I/O:

* :class:`RefiProject` and its parts, with GUIDs normalised (lowercase, no braces);
* :func:`parse_guid`, :func:`parse_color`: the variants real tools write;
* :func:`split_meta`: the ``[qualcode:meta/1]`` block that
  carries, inside a ``Description``, what the standard has no element for;
* :class:`SourcePositions`: a tool's positions in a source file mapped onto the
  stored text, with the counting convention guessed from the selections;
* :func:`slug_id` and :func:`plan_code_import`: readable ids for imported codes and
  the matching of imported codes with a project's (GUID, then id/alias, then name).
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from qualcode.core.codebook import Code
from qualcode.core.model import Coding, ImportedDocument, Memo, SentenceSpan
from qualcode.i18n import N_, _

PROJECT_NS = "urn:QDA-XML:project:1.0"
"""The namespace of ``project.qde``."""
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
"""The namespace of a ``.qdc`` codebook."""
PROJECT_XSD = "http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_XSD = "http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

META_TAG = "[qualcode:meta/1]"
"""Starts the metadata block at the end of a ``Description`` (see :func:`split_meta`)."""

VARIABLE_TYPES = {
    "text": "Text",
    "boolean": "Boolean",
    "integer": "Integer",
    "float": "Float",
    "date": "Date",
    "datetime": "DateTime",
}
"""qualcode attribute type -> REFI-QDA ``typeOfVariable``."""

VALUE_ELEMENTS = {
    "text": "TextValue",
    "boolean": "BooleanValue",
    "integer": "IntegerValue",
    "float": "FloatValue",
    "date": "DateValue",
    "datetime": "DateTimeValue",
}
"""qualcode attribute type -> the ``VariableValue`` child that holds it."""

_NAMESPACE = uuid.UUID("8f0b7a52-4a7e-4d8e-9c1e-2b5d5c0f4a11")


# --------------------------------------------------------------------- the model


@dataclass(frozen=True)
class RefiUser:
    """A ``User``: someone who coded or wrote memos."""

    guid: str
    name: str


@dataclass(frozen=True)
class RefiCode:
    """A ``Code`` of the code tree.

    Attributes:
        guid: normalised GUID.
        name: the name shown by every tool (qualcode: the label in the first language).
        codable: ``isCodable``.
        color: ``#rrggbb`` or ``None``.
        description: the description text, metadata block removed.
        parent: the parent code's GUID, ``None`` at the top.
        notes: GUIDs of notes attached with ``NoteRef``.
        meta: the qualcode metadata block (id, labels, inclusion, ...), if any.
    """

    guid: str
    name: str
    codable: bool = True
    color: str | None = None
    description: str = ""
    parent: str | None = None
    notes: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiVariable:
    """A ``Variable`` (qualcode: a case attribute); ``type`` is qualcode's name."""

    guid: str
    name: str
    type: str = "text"
    description: str = ""


@dataclass(frozen=True)
class RefiCase:
    """A ``Case``: its variable values and the sources (or speakers) it covers.

    Attributes:
        values: variable GUID -> value as text (``None``: no value).
        sources: ``(source GUID, speaker or None)``; a speaker only travels in ``meta``.
    """

    guid: str
    name: str
    description: str = ""
    values: Mapping[str, str | None] = field(default_factory=dict)
    sources: tuple[tuple[str, str | None], ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiCoding:
    """One ``Coding`` inside one ``PlainTextSelection``.

    Attributes:
        guid: the coding's GUID.
        code: the GUID of the code it applies.
        start: start position in the stored text (after mapping), end exclusive.
        end: end position.
        coder: GUID of the user who coded (``None`` when unknown).
        created: ``creationDateTime``.
        selection: GUID of the selection that holds it.
        notes: GUIDs of notes on the coding (and on its selection).
        memo: memo text that came inline (a selection's description).
        meta: qualcode state (origin, status, review, ...).
    """

    guid: str
    code: str
    start: int
    end: int
    coder: str | None = None
    created: str | None = None
    selection: str = ""
    notes: tuple[str, ...] = ()
    memo: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "text"
    """``text`` (a text source) or ``PDF text`` (a PDF's text representation)."""


CODING_KINDS = (N_("text"), N_("PDF text"), N_("PDF area"), N_("picture"), N_("audio"), N_("video"))
"""The kinds of codings an exchange file holds, by what they select (marked: the
import summary names them translated)."""
NOT_IMPORTED = {
    "PDF area": N_("an area of a PDF page has no text for a coding"),
    "picture": N_("a picture has no text for a coding"),
    "audio": N_("a recording has no text for a coding (qualcode codes transcripts)"),
    "video": N_("a recording has no text for a coding (qualcode codes transcripts)"),
}
"""Why codings of a kind do not come in (translated when shown)."""


@dataclass(frozen=True)
class RefiPassageNote:
    """A selection with a memo but no coding: a memo about a passage."""

    guid: str
    start: int
    end: int
    text: str = ""
    notes: tuple[str, ...] = ()
    author: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class RefiSource:
    """A ``TextSource`` with its text and codings.

    Attributes:
        text: the text as stored (line breaks ``\\n``), ``None`` when missing.
        codings: codings, positions already mapped onto ``text``.
        values: variable values on the source (variable GUID -> value).
        passage_notes: selections that carry a memo but no coding.
    """

    guid: str
    name: str
    text: str | None
    codings: tuple[RefiCoding, ...] = ()
    description: str = ""
    notes: tuple[str, ...] = ()
    values: Mapping[str, str | None] = field(default_factory=dict)
    creating_user: str | None = None
    created: str | None = None
    passage_notes: tuple[RefiPassageNote, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiNote:
    """A ``Note`` (a memo): a text source of its own."""

    guid: str
    name: str
    text: str
    author: str | None = None
    created: str | None = None
    modified: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiSet:
    """A ``Set``: qualcode writes a theme as a set of its member codes.

    Attributes:
        guid: the set's GUID (qualcode: the theme's).
        name: its name (qualcode: the theme's label in the first language).
        description: its description (qualcode: the theme's definition).
        codes: GUIDs of its ``MemberCode`` elements.
        sources: GUIDs of its ``MemberSource`` elements (other tools' sets of documents).
        notes: GUIDs of its ``MemberNote`` elements.
        meta: qualcode's extra fields (id, labels, status, reason, parent, extracts ...).
    """

    guid: str
    name: str
    description: str = ""
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


LINK_DIRECTIONS = ("Associative", "OneWay", "Bidirectional")
"""REFI-QDA's link directions: qualcode writes a directed relation as ``OneWay`` and
an undirected one as ``Associative``."""


@dataclass(frozen=True)
class RefiLink:
    """A ``Link`` between two objects of the project (qualcode: a relation).

    Attributes:
        guid: the link's GUID.
        name: its name (qualcode: the relation type's label).
        direction: one of :data:`LINK_DIRECTIONS` (``None`` when the file gives none).
        origin: the GUID of the object it starts at.
        target: the GUID of the object it ends at.
        color: ``#rrggbb`` or ``None``.
        notes: GUIDs of notes on it.
        meta: qualcode's extra fields (type, kinds of both ends, memo).
    """

    guid: str
    name: str = ""
    direction: str | None = None
    origin: str | None = None
    target: str | None = None
    color: str | None = None
    notes: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefiVertex:
    """A ``Vertex`` of a graph (qualcode: a node of the thematic map).

    Attributes:
        guid: the vertex's GUID.
        represented: the GUID of the object it shows (a code, a set, a source, a
            selection), or ``None`` for a free-standing shape.
        name: its name.
        first: the top-left corner (``firstX``, ``firstY``).
        second: the bottom-right corner, or ``None``.
        color: ``#rrggbb`` or ``None``.
    """

    guid: str
    represented: str | None = None
    name: str = ""
    first: tuple[int, int] = (0, 0)
    second: tuple[int, int] | None = None
    color: str | None = None

    @property
    def centre(self) -> tuple[float, float]:
        """The middle of the vertex's box (its first corner when it has no second)."""
        if self.second is None:
            return float(self.first[0]), float(self.first[1])
        return (self.first[0] + self.second[0]) / 2, (self.first[1] + self.second[1]) / 2


@dataclass(frozen=True)
class RefiEdge:
    """An ``Edge`` of a graph between two of its vertices.

    Attributes:
        guid: the edge's GUID.
        source: the GUID of the vertex it starts at.
        target: the GUID of the vertex it ends at.
        represented: the GUID of the object it shows (qualcode: a link), or ``None``.
        name: its name.
        direction: one of :data:`LINK_DIRECTIONS`, or ``None``.
        color: ``#rrggbb`` or ``None``.
    """

    guid: str
    source: str
    target: str
    represented: str | None = None
    name: str = ""
    direction: str | None = None
    color: str | None = None


@dataclass(frozen=True)
class RefiGraph:
    """A ``Graph`` (qualcode: the thematic map, with vertex positions).

    Attributes:
        guid: the graph's GUID.
        name: its name.
        vertices: its vertices.
        edges: its edges.
    """

    guid: str
    name: str = ""
    vertices: tuple[RefiVertex, ...] = ()
    edges: tuple[RefiEdge, ...] = ()


@dataclass(frozen=True)
class RefiProject:
    """A whole ``.qdpx`` / ``.qde`` project, or a ``.qdc`` codebook (``kind``).

    Attributes:
        kind: ``project`` or ``codebook``.
        skipped: what was in the file but has no place in qualcode, by kind
            (``sets``, ``links``, ``graphs``, ``pdf sources``, ...), with counts.
        coding_kinds: codings in the file by kind (text, PDF text, PDF area, ...).
        extras: qualcode's extra fields by GUID (an export of qualcode's).
    """

    name: str
    kind: str = "project"
    origin: str = ""
    users: tuple[RefiUser, ...] = ()
    codes: tuple[RefiCode, ...] = ()
    variables: tuple[RefiVariable, ...] = ()
    cases: tuple[RefiCase, ...] = ()
    sources: tuple[RefiSource, ...] = ()
    notes: tuple[RefiNote, ...] = ()
    project_notes: tuple[str, ...] = ()
    description: str = ""
    creating_user: str | None = None
    created: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    skipped: Mapping[str, int] = field(default_factory=dict)
    coding_kinds: Mapping[str, int] = field(default_factory=dict)
    """How many codings of each kind (:data:`CODING_KINDS`) the file holds."""
    extras: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """qualcode's extra fields by GUID (``project`` for the project itself): written
    where other tools do not show them (see :func:`extras_instruction`)."""
    sets: tuple[RefiSet, ...] = ()
    """Sets (qualcode: themes as sets of codes; other tools' sets of documents too)."""
    links: tuple[RefiLink, ...] = ()
    """Links (qualcode: relations)."""
    graphs: tuple[RefiGraph, ...] = ()
    """Graphs (qualcode: the thematic map with vertex positions)."""

    def code_children(self, parent: str | None) -> list[RefiCode]:
        """The direct children of the code with GUID ``parent`` (``None``: top level)."""
        return [c for c in self.codes if c.parent == parent]


# --------------------------------------------------------------------- GUIDs

_GUID_RE = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)
_GUID_BARE = re.compile(r"^\{?([0-9a-fA-F]{32})\}?\Z")


def parse_guid(value: str | None) -> str | None:
    """A GUID as qualcode stores it (lowercase, no braces), or ``None`` when invalid.

    Accepts upper or lower case, with or without braces, and the 32 hex digits
    without hyphens that some tools write.
    """
    if value is None:
        return None
    v = value.strip()
    m = _GUID_RE.match(v)
    if m and (v.startswith("{") == v.endswith("}")):
        return m.group(1).lower()
    m = _GUID_BARE.match(v)
    if m and (v.startswith("{") == v.endswith("}")):
        return str(uuid.UUID(m.group(1)))
    return None


def derived_guid(*parts: str) -> str:
    """A GUID derived from ``parts``: the same parts give the same GUID, everywhere.

    Used for what qualcode has no GUID of its own for (the selection of a coding,
    the note that carries a coding's memo), so repeated exports agree.
    """
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


# --------------------------------------------------------------------- colours

_HEX = re.compile(r"^#?([0-9a-fA-F]+)\Z")
_RGB_FN = re.compile(
    r"^rgba?\(\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$",
    re.IGNORECASE,
)


def parse_color(value: str | None) -> tuple[str | None, str | None]:
    """A colour as ``#rrggbb``, and a note when the file wrote it another way.

    Accepts ``#RGB`` and ``#RRGGBB`` (the standard), ``#RGBA``, ``#RRGGBBAA`` and
    ``#AARRGGBB`` (alpha dropped; a leading ``FF`` alpha is read as ARGB),
    ``rgb(r, g, b)`` / ``rgba(...)``, hex without ``#`` and a decimal integer.

    Returns:
        ``(colour or None, note or None)``: the note says what was unusual.
    """
    if value is None:
        return None, None
    v = value.strip()
    if not v:
        return None, None
    m = _HEX.match(v)
    if m and (v.startswith("#") or len(m.group(1)) in (6, 8)) and not v.isdigit():
        return _hex_color(v, m.group(1).lower())
    m = _RGB_FN.match(v)
    if m:
        return _rgb_color(v, m.groups()[:3])
    if v.isdigit() and int(v) <= 0xFFFFFF:
        return f"#{int(v):06x}", _("colour {v!r} written as a number").format(v=v)
    return None, _("colour {v!r} is not a colour, ignored").format(v=v)


def _hex_color(v: str, digits: str) -> tuple[str | None, str | None]:
    """A colour written in hex digits (``v`` as written, ``digits`` lowercase)."""
    note = None if v.startswith("#") else _("colour {v!r} has no '#'").format(v=v)
    if len(digits) == 3:
        return "#" + "".join(ch * 2 for ch in digits), note
    if len(digits) == 6:
        return "#" + digits, note
    if len(digits) == 4:
        return "#" + "".join(ch * 2 for ch in digits[:3]), _(
            "colour {v!r} has an alpha channel"
        ).format(v=v)
    if len(digits) == 8:
        if digits.startswith("ff") and not digits.endswith("ff"):
            return "#" + digits[2:], _(
                "colour {v!r} has an alpha channel (read as #AARRGGBB)"
            ).format(v=v)
        return "#" + digits[:6], _("colour {v!r} has an alpha channel").format(v=v)
    return None, _("colour {v!r} is not a colour, ignored").format(v=v)


def _rgb_color(v: str, parts: Sequence[str]) -> tuple[str | None, str | None]:
    """A colour written as ``rgb(r, g, b)`` (numbers or percentages)."""
    channels: list[int] = []
    for part in parts:
        try:
            number = float(part.rstrip("%"))
        except ValueError:
            return None, _("colour {v!r} is not a colour, ignored").format(v=v)
        if part.endswith("%"):
            number = number * 255 / 100
        channels.append(max(0, min(255, round(number))))
    return "#" + "".join(f"{c:02x}" for c in channels), _(
        "colour {v!r} written as rgb(...)"
    ).format(v=v)


# --------------------------------------------------------------------- metadata block


def split_meta(text: str | None) -> tuple[str, dict[str, Any], str | None]:
    """Split a ``Description`` into its text and the qualcode metadata block.

    Returns:
        ``(text, meta, problem)``: ``meta`` is empty when there is no block; a
        block that is not a JSON object is left in the text and ``problem`` says so.
    """
    if not text:
        return "", {}, None
    index = text.rfind(META_TAG)
    if index < 0 or (index > 0 and text[index - 1] != "\n"):
        return text, {}, None
    raw = text[index + len(META_TAG) :].strip()
    try:
        meta = json.loads(raw)
    except ValueError:
        return text, {}, _("a qualcode metadata block is not valid JSON; kept as text")
    if not isinstance(meta, dict):
        return text, {}, _("a qualcode metadata block is not a JSON object; kept as text")
    body = text[:index]
    if body.endswith("\n\n"):
        body = body[:-2]
    elif body.endswith("\n"):
        body = body[:-1]
    return body, meta, None


EXTRAS_TARGET = "qualcode-extras"
"""The processing instruction that carries qualcode's extra fields in a REFI-QDA file."""
EXTRAS_FORMAT = "qualcode-extras/1"


def extras_instruction(extras: Mapping[str, Mapping[str, Any]]) -> str:
    """The text of the ``<?qualcode-extras ...?>`` processing instruction.

    qualcode's own fields (ids, second-language labels, inclusion and exclusion
    criteria, keys, aliases, auto-coding rules, review state, ...) have no element in
    the standard. They travel in one processing instruction, the first child of the
    root element, as JSON: ``{"format": "qualcode-extras/1", "items": {GUID: {field:
    value}}}`` (the key ``project`` for the project itself). A processing
    instruction validates against the schemas and every XML reader passes over it, so
    other tools neither show nor mind it, and the descriptions stay the user's text.
    The JSON is ASCII with ``>`` escaped, so it can never end the instruction early.
    """
    body = json.dumps(
        {"format": EXTRAS_FORMAT, "items": {k: dict(v) for k, v in extras.items() if v}},
        ensure_ascii=True,
        sort_keys=True,
        separators=(",", ":"),
    )
    return body.replace(">", "\\u003e")


def read_extras(text: str | None) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The extra fields of a ``qualcode-extras`` instruction, and a problem (``None``
    when it is fine)."""
    if not text:
        return {}, None
    try:
        data = json.loads(text)
    except ValueError:
        return {}, _("the qualcode-extras instruction is not valid JSON; ignored")
    if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
        return {}, _("the qualcode-extras instruction has no items; ignored")
    items = {str(k).lower(): v for k, v in data["items"].items() if isinstance(v, dict)}
    return items, None


def tidy(text: str | None) -> str:
    """A description or memo as a person wrote it: the indentation an XML writer gave
    its lines removed (also when the first line starts at once), line ends ``\\n``,
    blank lines and spaces trimmed at both ends."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first, rest = lines[0], textwrap.dedent("\n".join(lines[1:])).split("\n")
    if not first.strip():
        body = textwrap.dedent("\n".join(lines)).split("\n")
    else:
        body = [first.strip(), *rest] if len(lines) > 1 else [first]
    return "\n".join(line.rstrip() for line in body).strip()


# --------------------------------------------------------------------- positions


@dataclass(frozen=True)
class PositionScheme:
    """How a tool counted positions in a text file.

    The standard: Unicode code points of the file, every character counted (so a
    Windows line break ``\\r\\n`` is two), end exclusive.

    Attributes:
        crlf_as_one: each ``\\r\\n`` counted as one character.
        utf16: UTF-16 code units counted (a character outside the Basic
            Multilingual Plane, such as an emoji, is two).
        inclusive_end: ``endPosition`` is the last character, not the one after.
    """

    crlf_as_one: bool = False
    utf16: bool = False
    inclusive_end: bool = False

    @property
    def standard(self) -> bool:
        """True for the standard's counting."""
        return not (self.crlf_as_one or self.utf16 or self.inclusive_end)

    def describe(self) -> str:
        """What differs from the standard, in words."""
        parts = []
        if self.crlf_as_one:
            parts.append(_("each Windows line break (CRLF) counted as one character"))
        if self.utf16:
            parts.append(_("UTF-16 units (an emoji counted as two)"))
        if self.inclusive_end:
            parts.append(_("end positions inclusive"))
        return "; ".join(parts) or _("the standard's (code points, end exclusive)")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def normalize_line_breaks(raw: str) -> str:
    """``\\r\\n`` and a lone ``\\r`` become ``\\n``; nothing else changes (no NFC)."""
    return raw.replace("\r\n", "\n").replace("\r", "\n")


class SourcePositions:
    """Maps a tool's positions in a source file onto the stored text.

    The stored text is the file's text (UTF-8 decoded, BOM removed) with line
    breaks made ``\\n`` and nothing else changed: text that is not in NFC stays as
    it came, so positions keep referring to the same characters. A position in the
    file (every ``\\r`` counted) loses one for each ``\\r\\n`` before it.

    Args:
        raw: the decoded text of the file.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = normalize_line_breaks(raw)
        # indices (in raw) of the \r of every \r\n pair
        self._cr = [m.start() for m in re.finditer("\r\n", raw)]
        self.has_crlf = bool(self._cr)
        self._astral_raw = [m.start() for m in _ASTRAL.finditer(raw)]
        self._astral_text = [m.start() for m in _ASTRAL.finditer(self.text)]
        self.has_astral = bool(self._astral_raw)

    def schemes(self) -> list[PositionScheme]:
        """The schemes worth trying for this text, the standard first."""
        crlf = (False, True) if self.has_crlf else (False,)
        utf16 = (False, True) if self.has_astral else (False,)
        return [
            PositionScheme(c, u, i)
            for i, c, u in product((False, True), crlf, utf16)  # standard first
        ]

    def to_text(self, position: int, scheme: PositionScheme) -> int:
        """A position in the file (counted as ``scheme`` says) -> index into :attr:`text`."""
        p = position
        if scheme.utf16:
            astral = self._astral_text if scheme.crlf_as_one else self._astral_raw
            # the k-th astral character (0-based) starts at UTF-16 unit a_k + k
            lo, hi = 0, len(astral)
            while lo < hi:
                mid = (lo + hi) // 2
                if astral[mid] + mid + 2 <= p:
                    lo = mid + 1
                else:
                    hi = mid
            p -= lo
        if not scheme.crlf_as_one:
            p -= bisect_left(self._cr, p)
        return p

    def span(self, start: int, end: int, scheme: PositionScheme) -> tuple[int, int]:
        """``(start, end)`` in the file -> ``(start, end)`` in :attr:`text`, end exclusive."""
        if scheme.inclusive_end:
            end += 1
        return self.to_text(start, scheme), self.to_text(end, scheme)

    def guess(
        self, selections: Sequence[tuple[int, int, str | None]]
    ) -> tuple[PositionScheme, int]:
        """The counting that fits ``(start, end, name)`` selections best.

        Each candidate scheme is scored on every selection: a passage that starts
        with the selection's name (many tools name a selection after its text)
        scores 10, a boundary that does not cut a word 1 each, a span outside the
        text -5. The standard wins ties, so a file that fits it is never re-read.

        Returns:
            The scheme and the number of selections whose name confirmed it.
        """
        candidates = self.schemes()
        # an empty or reversed selection is broken whatever the counting: no evidence
        selections = [(s, e, n) for s, e, n in selections if s < e]
        if len(candidates) == 1 or not selections:
            return candidates[0], 0
        best: tuple[int, int, PositionScheme] | None = None
        for scheme in candidates:
            score = 0
            names = 0
            for start, end, name in selections:
                s, e = self.span(start, end, scheme)
                if s < 0 or e > len(self.text) or s >= e:
                    score -= 5
                    continue
                if name and _name_matches(self.text[s:e], name):
                    score += 10
                    names += 1
                score += _boundary(self.text, s) + _boundary(self.text, e)
            if best is None or score > best[0]:
                best = (score, names, scheme)
        assert best is not None
        return best[2], best[1]


def _boundary(text: str, i: int) -> int:
    if i <= 0 or i >= len(text):
        return 1
    return 0 if (text[i - 1].isalnum() and text[i].isalnum()) else 1


_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*$")


def _name_matches(passage: str, name: str) -> bool:
    """True when the selection's name is the passage's text (or its truncated start)."""
    n = " ".join(_ELLIPSIS.sub("", name).split())
    if len(n) < 3:
        return False
    p = " ".join(passage.split())
    return p == n or (p.startswith(n) and len(n) >= 8)


# --------------------------------------------------------------------- ids and matching

ID_CHARS = re.compile(r"[^a-z0-9]+")
_ID_OK = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")


def slug(name: str, limit: int = 48) -> str:
    """``"Waktu tunggu lama!"`` -> ``"waktu_tunggu_lama"`` (ASCII, lowercase, ``_``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    s = ID_CHARS.sub("_", ascii_name.lower()).strip("_")
    return s[:limit].rstrip("_")


def valid_id(code_id: object) -> bool:
    """True for a string that is a valid qualcode code id."""
    return isinstance(code_id, str) and bool(_ID_OK.match(code_id)) and len(code_id) <= 200


def unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... when it is taken (then taken)."""
    candidate = wanted
    n = 2
    while candidate in taken:
        candidate = f"{wanted}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class ExistingCode:
    """A project code as the matcher sees it."""

    id: str
    guid: str
    parent: str | None = None
    labels: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass
class CodeImportPlan:
    """How imported codes meet a project's codes.

    Attributes:
        ids: incoming code GUID -> the project code id it becomes (matched or new).
        matched: incoming GUID -> how it matched (``guid``, ``id``, ``alias``, ``name``).
        added: incoming codes to create, parents first.
        parents: id of each added code -> its parent id.
        guids: id of each added code -> the GUID it gets.
        notes: remarks for the user (a code matched by name, ...).
    """

    ids: dict[str, str] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)
    added: list[RefiCode] = field(default_factory=list)
    parents: dict[str, str | None] = field(default_factory=dict)
    guids: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _norm_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def plan_code_import(
    existing: Sequence[ExistingCode], incoming: Sequence[RefiCode]
) -> CodeImportPlan:
    """Match imported codes with the project's: by GUID, then id or alias, then name.

    This is the codebook merge rule for imports: no code is ever dropped (project
    codes the file lacks stay), each project code takes at most one imported code,
    a name match prefers a code under the same (matched) parent and otherwise needs
    the name to be unique in the project, and codes that match nothing are added
    under their (matched or added) parent with an id derived from the metadata
    block's id or from their name. Kept in one place (:class:`_CodeMatcher`) so that
    it can later use the shared codebook merge of :mod:`qualcode.core`.

    Args:
        existing: the project's codes.
        incoming: the file's codes, parents before children.
    """
    matcher = _CodeMatcher(existing)
    for code in incoming:
        matcher.place(code)
    return matcher.plan


class _CodeMatcher:
    """The project's codes indexed by GUID, id, alias and name; places imported
    codes one by one into a :class:`CodeImportPlan`."""

    def __init__(self, existing: Sequence[ExistingCode]) -> None:
        self.plan = CodeImportPlan()
        self.by_guid = {c.guid.lower(): c for c in existing}
        self.by_id = {c.id: c for c in existing}
        self.by_alias = {a: c for c in existing for a in c.aliases}
        self.by_name: dict[str, list[ExistingCode]] = {}
        for c in existing:
            for label in dict.fromkeys(_norm_name(x) for x in c.labels if x):
                self.by_name.setdefault(label, []).append(c)
        self.used: set[str] = set()
        self.taken = set(self.by_id) | set(self.by_alias)
        self.existing_guids = set(self.by_guid)

    def place(self, code: RefiCode) -> None:
        """Match ``code`` by GUID, then id or alias, then name; else add it."""
        hit = self.by_guid.get(code.guid)
        if hit is not None and hit.id not in self.used:
            self.take(code, hit, "guid")
            return
        raw_id: Any = code.meta.get("id")
        meta_id: str | None = raw_id if valid_id(raw_id) else None
        if self.by_meta(code, meta_id):
            return
        parent_id = self.plan.ids.get(code.parent) if code.parent else None
        if not self.by_label(code, parent_id):
            self.add(code, meta_id, parent_id)

    def take(self, code: RefiCode, target: ExistingCode, how: str) -> None:
        """``code`` becomes the project's ``target``."""
        self.plan.ids[code.guid] = target.id
        self.plan.matched[code.guid] = how
        self.used.add(target.id)
        if how == "name":
            self.plan.notes.append(
                _("code {code.name!r} matched the project's {target.id!r} by name").format(
                    code=code, target=target
                )
            )

    def by_meta(self, code: RefiCode, meta_id: str | None) -> bool:
        """Match by the id or an alias of the code's metadata block."""
        meta_aliases = [a for a in code.meta.get("aliases", ()) or () if isinstance(a, str)]
        for candidate in ([meta_id] if meta_id else []) + meta_aliases:
            target = self.by_id.get(candidate)
            how = "id"
            if target is None:
                target, how = self.by_alias.get(candidate), "alias"
            if target is not None and target.id not in self.used:
                self.take(code, target, how)
                return True
        return False

    def by_label(self, code: RefiCode, parent_id: str | None) -> bool:
        """Match by name or label: one under the same parent, or the only one."""
        names = {_norm_name(code.name)}
        labels: Any = code.meta.get("label")
        if isinstance(labels, dict):
            names.update(_norm_name(v) for v in labels.values() if isinstance(v, str))
        names.discard("")
        candidates = list(
            {
                c.id: c for n in names for c in self.by_name.get(n, []) if c.id not in self.used
            }.values()
        )
        same_parent = [c for c in candidates if c.parent == parent_id]
        if same_parent:
            self.take(code, same_parent[0], "name")
            return True
        if len(candidates) == 1 and all(len(self.by_name.get(n, [])) <= 1 for n in names):
            self.take(code, candidates[0], "name")
            return True
        return False

    def add(self, code: RefiCode, meta_id: str | None, parent_id: str | None) -> None:
        """``code`` becomes a new project code, with a free id and GUID."""
        wanted = meta_id or _new_code_id(code.name, parent_id)
        new_id = unique_id(wanted, self.taken)
        if new_id != wanted and meta_id:
            self.plan.notes.append(
                _("code id {wanted!r} is taken in the project; imported as {new_id!r}").format(
                    wanted=wanted, new_id=new_id
                )
            )
        self.plan.ids[code.guid] = new_id
        self.plan.added.append(code)
        self.plan.parents[new_id] = parent_id
        guid = code.guid
        if guid in self.existing_guids:
            guid = derived_guid("reissued", code.guid, new_id)
        self.existing_guids.add(guid)
        self.plan.guids[new_id] = guid


def _new_code_id(name: str, parent_id: str | None) -> str:
    """The id a new code wants from its name, under its parent's id."""
    # a name that is already an id (Taguette's "waktu.antre_lama") stays one
    plain = name.strip().lower()
    base = plain if valid_id(plain) else (slug(name) or "code")
    if not base[0].isalnum():
        base = "code_" + base
    return f"{parent_id}.{base}" if parent_id and not base.startswith(parent_id + ".") else base


def tree_ordered(codes: Iterable[RefiCode]) -> list[RefiCode]:
    """Codes with every parent before its children (file order among siblings)."""
    codes = list(codes)
    known = {c.guid for c in codes}
    children: dict[str | None, list[RefiCode]] = {}
    for c in codes:
        children.setdefault(c.parent if c.parent in known else None, []).append(c)
    out: list[RefiCode] = []
    seen: set[str] = set()

    def visit(parent: str | None) -> None:
        for child in children.get(parent, []):
            if child.guid not in seen:
                seen.add(child.guid)
                out.append(child)
                visit(child.guid)

    visit(None)
    out.extend(c for c in codes if c.guid not in seen)
    return out


# --------------------------------------------------------------------- what the store writes


@dataclass
class ImportPlan:
    """Everything one REFI-QDA import writes, resolved to project names and ids.

    Built by :mod:`qualcode.services.refi_import` (no database access needed to read it),
    written by the store in one transaction, so a refused import writes nothing.

    Attributes:
        coders: ``(name, guid)`` of coders to create.
        new_codes: ``(code, guid, codable)``, parents first; ``code.parent`` is an id.
        code_fills: code id -> fields to fill where the project's code has none.
        documents: ``(document, sentences, guid)`` of new documents.
        codings: ``(coding, selection guid)``; ``coding.doc`` / ``coding.code`` are
            project names and ids.
        memos: memos to create (``Memo.target`` a document name, code id or case name).
        attributes: ``(name, guid, type)`` of new case attributes.
        cases: ``(name, guid, description)`` of new cases.
        case_sources: ``(case, document, speaker)`` links.
        case_values: ``(case, attribute, value)``, set only where the case has none.
        comments: review comments (``guid, coding_guid, author, at, kind, text``).
        settings: project settings to set where they are unset.
        themes: theme rows to create (``guid, id, label, definition, status, reason,
            color, parent`` (a guid), ``coder, created, version``), parents first.
        theme_codes: ``(theme guid, code id, membership guid)``.
        theme_extracts: ``(theme guid, coding guid, translation, extract guid)``, in order.
        relations: relation rows to create (``guid, source_kind, source_guid,
            target_kind, target_guid, type, directed, memo, coder, created``).
    """

    coders: list[tuple[str, str]] = field(default_factory=list)
    new_codes: list[tuple[Code, str, bool]] = field(default_factory=list)
    code_fills: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: list[tuple[ImportedDocument, Sequence[SentenceSpan], str]] = field(
        default_factory=list
    )
    codings: list[tuple[Coding, str | None]] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    cases: list[tuple[str, str, str]] = field(default_factory=list)
    case_sources: list[tuple[str, str, str | None]] = field(default_factory=list)
    case_values: list[tuple[str, str, str | None]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    themes: list[dict[str, Any]] = field(default_factory=list)
    theme_codes: list[tuple[str, str, str]] = field(default_factory=list)
    theme_extracts: list[tuple[str, str, str, str]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
