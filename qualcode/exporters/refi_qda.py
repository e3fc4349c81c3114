"""Writing REFI-QDA files: ``.qdc`` codebooks and ``.qdpx`` projects.

The XML follows the official schemas (QDA-XML 1.0; the tests validate every export
against them): elements in the order the schema wants, GUIDs as stored, colours as
``#rrggbb``, times as ``xsd:dateTime``, positions as Unicode code points with the
end exclusive, sources as UTF-8 text files without BOM under ``sources/`` referred to
as ``internal://GUID.txt``. What the standard has no element for travels in one
``<?qualcode-extras ...?>`` processing instruction, the root's first child, that maps
GUIDs to qualcode's fields (see :func:`qualcode.core.refi.extras_instruction`): the
descriptions stay the user's own text, which NVivo, ATLAS.ti and MAXQDA show.

A ``.qdpx`` is deterministic: members in a fixed order with a fixed timestamp, so the
same project gives the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ProcessingInstruction, SubElement, indent, tostring

from qualcode import __version__
from qualcode.core.refi import (
    CODEBOOK_NS,
    CODEBOOK_XSD,
    EXTRAS_TARGET,
    PROJECT_NS,
    PROJECT_XSD,
    VALUE_ELEMENTS,
    VARIABLE_TYPES,
    XSI_NS,
    RefiCode,
    RefiCoding,
    RefiGraph,
    RefiProject,
    RefiSource,
    extras_instruction,
)
from qualcode.errors import InputError
from qualcode.exporters.base import atomic_path
from qualcode.i18n import _

ORIGIN = f"qualcode {__version__}"
"""Written as ``origin`` so other tools know where a file came from."""

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every member of a ``.qdpx`` (deterministic output)."""

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATETIME = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_DATE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$")


def _clean(value: str) -> str:
    """Characters XML 1.0 cannot hold become U+FFFD."""
    return _ILLEGAL.sub("\ufffd", value)


def _set(el: Element, name: str, value: str | None) -> None:
    if value is not None and value != "":
        el.set(name, _clean(value))


def _text_child(parent: Element, tag: str, text: str) -> None:
    if text:
        SubElement(parent, tag).text = _clean(text)


def _when(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value) else None


def selection_name(quote: str, limit: int = 80) -> str:
    """A selection's ``name``: its text, on one line, cut at ``limit`` characters."""
    one = " ".join(quote.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _value(type_: str, value: str) -> tuple[str, str]:
    """The ``VariableValue`` child and text for a value; text when it does not parse."""
    v = value.strip()
    if type_ == "boolean":
        low = v.lower()
        if low in ("true", "1", "yes", "ya", "y"):
            return "BooleanValue", "true"
        if low in ("false", "0", "no", "tidak", "n"):
            return "BooleanValue", "false"
    elif type_ == "integer" and re.fullmatch(r"[+-]?\d+", v):
        return "IntegerValue", str(int(v))
    elif type_ == "float":
        try:
            number = Decimal(v)
            if number.is_finite():
                return "FloatValue", format(number, "f")
        except InvalidOperation:
            pass
    elif type_ == "date" and _DATE.match(v):
        return "DateValue", v
    elif type_ == "datetime" and _DATETIME.match(v):
        return "DateTimeValue", v
    return VALUE_ELEMENTS["text"], value


def _code(parent: Element, code: RefiCode, project: RefiProject, *, with_notes: bool) -> None:
    el = SubElement(parent, "Code")
    el.set("guid", code.guid)
    el.set("name", _clean(code.name))
    el.set("isCodable", "true" if code.codable else "false")
    _set(el, "color", code.color)
    _text_child(el, "Description", code.description)
    if with_notes:
        for note_guid in code.notes:
            SubElement(el, "NoteRef").set("targetGUID", note_guid)
    for child in project.code_children(code.guid):
        _code(el, child, project, with_notes=with_notes)


def _root(tag: str, ns: str, xsd: str) -> Element:
    el = Element(tag)
    el.set("xmlns", ns)
    el.set("xmlns:xsi", XSI_NS)
    el.set("xsi:schemaLocation", f"{ns} {xsd}")
    return el


def extras_of(project: RefiProject) -> dict[str, dict[str, Any]]:
    """qualcode's extra fields of every element, by GUID (``project``: the project),
    as :func:`~qualcode.core.refi.extras_instruction` carries them."""
    out: dict[str, dict[str, Any]] = {}

    def put(guid: str, meta: Mapping[str, Any]) -> None:
        if meta:
            out.setdefault(guid, {}).update(meta)

    put("project", project.meta)
    for code in project.codes:
        put(code.guid, code.meta)
    for case in project.cases:
        put(case.guid, case.meta)
    for source in project.sources:
        put(source.guid, source.meta)
        for coding in source.codings:
            put(coding.guid, coding.meta)
    for note in project.notes:
        put(note.guid, note.meta)
    for theme_set in project.sets:
        put(theme_set.guid, theme_set.meta)
    for link in project.links:
        put(link.guid, link.meta)
    for guid, meta in project.extras.items():
        put(guid, meta)
    return out


def _add_extras(root: Element, project: RefiProject) -> None:
    """The extra fields as the root's first child: one processing instruction, which
    validates and which other tools pass over (the descriptions stay the user's)."""
    extras = extras_of(project)
    if extras:
        root.insert(0, ProcessingInstruction(EXTRAS_TARGET, extras_instruction(extras)))


def _serialize(root: Element) -> bytes:
    indent(root, space="  ")
    body = tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def codebook_xml(project: RefiProject) -> bytes:
    """The ``.qdc`` document for the project's codes.

    Raises:
        InputError: when there are no codes (the schema wants at least one).
    """
    if not project.codes:
        raise InputError(
            _("the codebook has no codes; a .qdc needs at least one"),
            hint=_("add codes first ('qualcode codebook add')"),
        )
    root = _root("CodeBook", CODEBOOK_NS, CODEBOOK_XSD)
    root.set("origin", ORIGIN)
    codes = SubElement(root, "Codes")
    for code in project.code_children(None):
        _code(codes, code, project, with_notes=False)
    _add_extras(root, project)
    return _serialize(root)


def _selections(source: RefiSource) -> list[tuple[str, list[RefiCoding]]]:
    groups: dict[str, list[RefiCoding]] = {}
    for coding in source.codings:
        groups.setdefault(coding.selection, []).append(coding)
    return sorted(groups.items(), key=lambda g: (g[1][0].start, g[1][0].end, g[0]))


def project_xml(project: RefiProject) -> bytes:
    """The ``project.qde`` document (sources referred to as ``internal://GUID.txt``)."""
    root = _root("Project", PROJECT_NS, PROJECT_XSD)
    root.set("name", _clean(project.name) or "qualcode project")
    root.set("origin", ORIGIN)
    _set(root, "creatingUserGUID", project.creating_user)
    _set(root, "creationDateTime", _when(project.created))
    if project.users:
        users = SubElement(root, "Users")
        for u in project.users:
            el = SubElement(users, "User")
            el.set("guid", u.guid)
            el.set("name", _clean(u.name))
    if project.codes:
        codes = SubElement(SubElement(root, "CodeBook"), "Codes")
        for code in project.code_children(None):
            _code(codes, code, project, with_notes=True)
    types = {v.guid: v.type for v in project.variables}
    _variables_xml(root, project)
    _cases_xml(root, project, types)
    if project.sources:
        sources = SubElement(root, "Sources")
        for source in project.sources:
            _source_xml(sources, source, types)
    _notes_xml(root, project)
    _links_xml(root, project)
    _sets_xml(root, project)
    if project.graphs:
        graphs = SubElement(root, "Graphs")
        for graph in project.graphs:
            _graph_xml(graphs, graph)
    _text_child(root, "Description", project.description)
    for note_guid in project.project_notes:
        SubElement(root, "NoteRef").set("targetGUID", note_guid)
    _add_extras(root, project)
    return _serialize(root)


def _variables_xml(root: Element, project: RefiProject) -> None:
    if not project.variables:
        return
    variables = SubElement(root, "Variables")
    for v in project.variables:
        el = SubElement(variables, "Variable")
        el.set("guid", v.guid)
        el.set("name", _clean(v.name))
        el.set("typeOfVariable", VARIABLE_TYPES.get(v.type, "Text"))
        _text_child(el, "Description", v.description)


def _cases_xml(root: Element, project: RefiProject, types: dict[str, str]) -> None:
    if not project.cases:
        return
    cases = SubElement(root, "Cases")
    for case in project.cases:
        el = SubElement(cases, "Case")
        el.set("guid", case.guid)
        el.set("name", _clean(case.name))
        _text_child(el, "Description", case.description)
        _values(el, case.values, types)
        for source_guid in dict.fromkeys(g for g, _doc in case.sources):
            SubElement(el, "SourceRef").set("targetGUID", source_guid)


def _source_xml(sources: Element, source: RefiSource, types: dict[str, str]) -> None:
    """A ``TextSource`` with its selections, their codings, notes and values."""
    el = SubElement(sources, "TextSource")
    el.set("guid", source.guid)
    el.set("name", _clean(source.name))
    el.set("plainTextPath", f"internal://{source.guid}.txt")
    _set(el, "creatingUser", source.creating_user)
    _set(el, "creationDateTime", _when(source.created))
    _text_child(el, "Description", source.description)
    text = source.text or ""
    for selection, codings in _selections(source):
        _selection_xml(el, selection, codings, text)
    for note_guid in source.notes:
        SubElement(el, "NoteRef").set("targetGUID", note_guid)
    _values(el, source.values, types)


def _selection_xml(el: Element, selection: str, codings: list[RefiCoding], text: str) -> None:
    """A ``PlainTextSelection`` (named and dated by its first coding) and its codings."""
    first = codings[0]
    sel = SubElement(el, "PlainTextSelection")
    sel.set("guid", selection)
    sel.set("name", _clean(selection_name(text[first.start : first.end])))
    sel.set("startPosition", str(first.start))
    sel.set("endPosition", str(first.end))
    _set(sel, "creatingUser", first.coder)
    _set(sel, "creationDateTime", _when(first.created))
    for coding in codings:
        cel = SubElement(sel, "Coding")
        cel.set("guid", coding.guid)
        _set(cel, "creatingUser", coding.coder)
        _set(cel, "creationDateTime", _when(coding.created))
        SubElement(cel, "CodeRef").set("targetGUID", coding.code)
        for note_guid in coding.notes:
            SubElement(cel, "NoteRef").set("targetGUID", note_guid)


def _notes_xml(root: Element, project: RefiProject) -> None:
    if not project.notes:
        return
    notes = SubElement(root, "Notes")
    for note in project.notes:
        el = SubElement(notes, "Note")
        el.set("guid", note.guid)
        _set(el, "name", note.name)
        _set(el, "creatingUser", note.author)
        _set(el, "creationDateTime", _when(note.created))
        _set(el, "modifiedDateTime", _when(note.modified))
        SubElement(el, "PlainTextContent").text = _clean(note.text)


def _links_xml(root: Element, project: RefiProject) -> None:
    if not project.links:
        return
    links = SubElement(root, "Links")
    for link in project.links:
        el = SubElement(links, "Link")
        el.set("guid", link.guid)
        _set(el, "name", _clean(link.name) if link.name else None)
        _set(el, "direction", link.direction)
        _set(el, "color", link.color)
        _set(el, "originGUID", link.origin)
        _set(el, "targetGUID", link.target)
        for note_guid in link.notes:
            SubElement(el, "NoteRef").set("targetGUID", note_guid)


def _sets_xml(root: Element, project: RefiProject) -> None:
    if not project.sets:
        return
    sets = SubElement(root, "Sets")
    for theme_set in project.sets:
        el = SubElement(sets, "Set")
        el.set("guid", theme_set.guid)
        el.set("name", _clean(theme_set.name) or theme_set.guid)
        _text_child(el, "Description", theme_set.description)
        for code_guid in theme_set.codes:
            SubElement(el, "MemberCode").set("targetGUID", code_guid)
        for source_guid in theme_set.sources:
            SubElement(el, "MemberSource").set("targetGUID", source_guid)
        for note_guid in theme_set.notes:
            SubElement(el, "MemberNote").set("targetGUID", note_guid)


def _graph_xml(graphs: Element, graph: RefiGraph) -> None:
    """A ``Graph`` with its vertices and edges."""
    gel = SubElement(graphs, "Graph")
    gel.set("guid", graph.guid)
    _set(gel, "name", _clean(graph.name) if graph.name else None)
    for vertex in graph.vertices:
        el = SubElement(gel, "Vertex")
        el.set("guid", vertex.guid)
        _set(el, "representedGUID", vertex.represented)
        _set(el, "name", _clean(vertex.name) if vertex.name else None)
        el.set("firstX", str(vertex.first[0]))
        el.set("firstY", str(vertex.first[1]))
        if vertex.second is not None:
            el.set("secondX", str(vertex.second[0]))
            el.set("secondY", str(vertex.second[1]))
        el.set("shape", "Oval")
        _set(el, "color", vertex.color)
    for edge in graph.edges:
        el = SubElement(gel, "Edge")
        el.set("guid", edge.guid)
        _set(el, "representedGUID", edge.represented)
        _set(el, "name", _clean(edge.name) if edge.name else None)
        el.set("sourceVertex", edge.source)
        el.set("targetVertex", edge.target)
        _set(el, "color", edge.color)
        _set(el, "direction", edge.direction)


def _values(el: Element, values: object, types: dict[str, str]) -> None:
    assert isinstance(values, dict)
    for var_guid, value in values.items():
        if value is None:
            continue
        tag, text = _value(types.get(var_guid, "text"), str(value))
        vv = SubElement(el, "VariableValue")
        SubElement(vv, "VariableRef").set("targetGUID", var_guid)
        SubElement(vv, tag).text = _clean(text)


def qdpx_members(project: RefiProject) -> list[tuple[str, bytes]]:
    """The members of the ``.qdpx``, in the order they are written."""
    members = [("project.qde", project_xml(project))]
    for source in sorted(project.sources, key=lambda s: s.guid):
        members.append((f"sources/{source.guid}.txt", (source.text or "").encode("utf-8")))
    return members


def write_zip(path: Path, members: Iterable[tuple[str, bytes]]) -> None:
    """Write a deterministic zip (fixed times and order) atomically."""
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                zf.writestr(info, data)


def write_qdpx(project: RefiProject, path: Path) -> None:
    """Write ``project`` as a ``.qdpx`` archive."""
    write_zip(path, qdpx_members(project))


def write_qdc(project: RefiProject, path: Path) -> None:
    """Write the project's codes as a ``.qdc`` codebook."""
    data = codebook_xml(project)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
