"""REFI-QDA out: export a project (``.qdpx``) or its codebook (``.qdc``).

Export builds the REFI-QDA model (:class:`~qualcode.core.refi.RefiProject`) from the
project: GUIDs are the stored ones (a selection's and a memo-note's are derived from
their coding's), so every export of a project agrees. What the standard has no
element for travels in the file's ``<?qualcode-extras ...?>`` processing instruction,
a map from GUIDs to fields (see :func:`qualcode.core.refi.extras_instruction` and
``docs/refi-qda.md``); the descriptions stay the user's text:

==================  =========================================================
element (by GUID)   its extra fields
==================  =========================================================
Code                id, label (both languages), inclusion, exclusion,
                    examples, key, aliases, rules, auto_color
Coding              origin, status, review, reviewer, reviewed_at, anchor,
                    comments
Case                speakers: [{source, speaker}] (a case that is one speaker)
TextSource          lang, format
Note                kind (project, document, code, code-field, case, coding),
                    target (the GUID it is about)
``project``         codebook (name, description, languages, version)
==================  =========================================================

Files written by earlier qualcode releases carry the same fields in a
``[qualcode:meta/1]`` block at the end of a ``Description``; they still import.

Import is :mod:`qualcode.services.refi_import`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.core.model import (
    Anchor,
    Coding,
    Memo,
    Origin,
    Review,
    Status,
)
from qualcode.core.pseudonyms import Pseudonymizer
from qualcode.core.refi import (
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiEdge,
    RefiGraph,
    RefiLink,
    RefiNote,
    RefiProject,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
    RefiVertex,
    derived_guid,
)
from qualcode.i18n import _, plural

if TYPE_CHECKING:
    from qualcode.store import Project

PROJECT_NAME = "project_name"
"""Project setting: the name other tools show (from an imported project)."""


# ---------------------------------------------------------------------- export


def selection_guid(coding_guid: str) -> str:
    """The selection GUID of a coding made in qualcode (derived, so stable)."""
    return derived_guid("selection", coding_guid)


def memo_note_guid(kind: str, guid: str) -> str:
    """The note GUID for a coding's memo or a code's memo field (derived, so stable)."""
    return derived_guid(f"{kind}-memo", guid)


def refi_model(project: Project, *, codebook_only: bool = False) -> RefiProject:
    """The project (or only its codebook) as the REFI-QDA model."""
    cb = project.codebook()
    lang = cb.languages[0] if cb.languages else None
    records = project.refi.code_records()
    codebook_meta: dict[str, Any] = {
        k: v
        for k, v in (
            ("name", cb.name),
            ("description", cb.description),
            ("languages", list(cb.languages)),
            ("version", cb.version),
        )
        if v
    }
    if cb.relations is not None:
        codebook_meta["relations"] = _relations_meta(cb.relations)
    memos = [] if codebook_only else project.memos.memos()
    code_notes: dict[str, list[str]] = {}
    for m in memos:
        if m.kind == "code" and m.target:
            code_notes.setdefault(m.target, []).append(m.guid)
    codes = [
        _refi_code(
            code,
            cb,
            lang,
            records,
            [] if codebook_only else list(code_notes.get(code.id, [])),
            with_memo=not codebook_only,
        )
        for code in cb.codes
    ]
    name = project.get_setting(PROJECT_NAME) or (
        Path(project.path).parent.name if project.path else "qualcode project"
    )
    if codebook_only:
        return RefiProject(
            name=name,
            kind="codebook",
            codes=tuple(codes),
            meta={"codebook": codebook_meta} if codebook_meta else {},
        )
    return _project_model(project, cb, codes, memos, name, codebook_meta)


def _project_model(
    project: Project,
    cb: Any,
    codes: list[RefiCode],
    memos: list[Memo],
    name: str,
    codebook_meta: dict[str, Any],
) -> RefiProject:
    code_guid = {c.meta["id"]: c.guid for c in codes}
    users = project.refi.coder_guids(project.refi.people())
    docs = project.refi.document_records()
    doc_guid = {n: r["guid"] for n, r in docs.items()}
    cases = project.cases.cases()
    tree = project.themes.themes()
    theme_guid = {t.id: t.guid for t in tree}
    targets = {
        "document": doc_guid,
        "code": code_guid,
        "case": {c.name: c.guid for c in cases},
        "theme": theme_guid,
    }
    notes, doc_notes, project_notes = _memo_notes(memos, targets, users)
    notes.extend(_code_field_notes(cb, code_guid))
    sources = _sources(project, docs, code_guid, users, doc_notes, notes)
    attributes = project.cases.attributes()
    variables = [RefiVariable(a["guid"], a["name"], a["type"]) for a in attributes]
    var_guid = {a["name"]: a["guid"] for a in attributes}
    refi_cases = [_refi_case(case, doc_guid, var_guid) for case in cases]
    exported = {c.guid for src in sources for c in src.codings}
    sets = [_theme_set(t, cb, code_guid, theme_guid, exported) for t in tree]
    links = _links(project, exported)
    graphs, map_extras = _map_graphs(project, exported, {link.guid for link in links})
    return RefiProject(
        extras=map_extras,
        name=name,
        sets=tuple(sets),
        links=tuple(links),
        graphs=graphs,
        users=tuple(RefiUser(g, n) for n, g in sorted(users.items())),
        codes=tuple(codes),
        variables=tuple(variables),
        cases=tuple(refi_cases),
        sources=tuple(sources),
        notes=tuple(notes),
        project_notes=tuple(project_notes),
        creating_user=users.get(project.coder),
        meta={"codebook": codebook_meta} if codebook_meta else {},
    )


def _refi_code(
    code: Any,
    cb: Any,
    lang: str | None,
    records: Mapping[str, Any],
    notes: list[str],
    *,
    with_memo: bool,
) -> RefiCode:
    """One code as a REFI-QDA code; what the standard has no place for goes in meta."""
    rec = records[code.id]
    meta: dict[str, Any] = {"id": code.id}
    if isinstance(code.label, dict) or code.label != code.label_in(lang):
        meta["label"] = code.label
    for name in ("inclusion", "exclusion", "key", "valence"):
        if getattr(code, name):
            meta[name] = getattr(code, name)
    if code.examples:
        meta["examples"] = list(code.examples)
    if code.aliases:
        meta["aliases"] = list(code.aliases)
    if code.rules is not None and code.rules.to_data():
        meta["rules"] = code.rules.to_data()
    if not code.color:
        meta["auto_color"] = True
    if code.memo and with_memo:
        notes.append(memo_note_guid("code", rec["guid"]))
    return RefiCode(
        guid=rec["guid"],
        name=code.label_in(lang),
        codable=rec["codable"],
        color=cb.color_of(code.id),
        description=code.description,
        parent=records[code.parent]["guid"] if code.parent else None,
        notes=tuple(notes),
        meta=meta,
    )


def _memo_notes(
    memos: list[Memo], targets: Mapping[str, Mapping[str, str]], users: Mapping[str, str]
) -> tuple[list[RefiNote], dict[str, list[str]], list[str]]:
    """A note per memo, the notes of each document, and the project's notes (a
    theme's memo and a memo of no document, code or case)."""
    notes: list[RefiNote] = []
    doc_notes: dict[str, list[str]] = {}
    project_notes: list[str] = []
    for m in memos:
        target = None
        if m.kind in targets and m.target:
            target = targets[m.kind].get(m.target)
        if m.kind == "document" and m.target:
            doc_notes.setdefault(m.target, []).append(m.guid)
        elif m.kind not in ("code", "case") or not m.target:
            project_notes.append(m.guid)
        notes.append(
            RefiNote(
                guid=m.guid,
                name=m.title,
                text=m.text,
                author=users.get(m.author),
                created=m.created,
                modified=m.updated,
                meta={"kind": m.kind, **({"target": target} if target else {})},
            )
        )
    return notes, doc_notes, project_notes


def _code_field_notes(cb: Any, code_guid: Mapping[str, str]) -> list[RefiNote]:
    """A note for the memo field of every code that has one."""
    notes: list[RefiNote] = []
    for code in cb.codes:
        if code.memo:
            guid = code_guid[code.id]
            notes.append(
                RefiNote(
                    guid=memo_note_guid("code", guid),
                    name=f"memo on {code.id}",
                    text=code.memo,
                    meta={"kind": "code-field", "target": guid},
                )
            )
    return notes


def _sources(
    project: Project,
    docs: Mapping[str, Any],
    code_guid: Mapping[str, str],
    users: Mapping[str, str],
    doc_notes: Mapping[str, list[str]],
    notes: list[RefiNote],
) -> list[RefiSource]:
    """Every document with its accepted codings (a coding's memo is added to
    ``notes``)."""
    selections = project.refi.selection_guids()
    threads = project.refi.review_threads()
    by_doc: dict[str, list[Coding]] = {}
    for c in project.codings.codings(status=Status.ACCEPTED.value):
        by_doc.setdefault(c.doc, []).append(c)
    texts = project.refi.document_texts()
    sources: list[RefiSource] = []
    for summary in project.documents.documents():
        record = docs[summary.name]
        refi_codings: list[RefiCoding] = []
        spans: dict[str, tuple[int, int]] = {}
        for c in by_doc.get(summary.name, []):
            sel = selections.get(c.guid) or selection_guid(c.guid)
            if spans.setdefault(sel, (c.start, c.end)) != (c.start, c.end):
                sel = selection_guid(c.guid)
            refi_codings.append(_refi_coding(c, sel, code_guid, users, threads, notes))
        doc_meta = record["meta"]
        meta_s: dict[str, Any] = {"format": summary.source_format}
        if summary.lang:
            meta_s["lang"] = summary.lang
        sources.append(
            RefiSource(
                guid=record["guid"],
                name=summary.name,
                text=texts[summary.name],
                codings=tuple(refi_codings),
                description=str(doc_meta.get("description", "")),
                notes=tuple(doc_notes.get(summary.name, [])),
                created=record["imported_at"],
                meta=meta_s,
            )
        )
    return sources


def _refi_coding(
    c: Coding,
    sel: str,
    code_guid: Mapping[str, str],
    users: Mapping[str, str],
    threads: Mapping[str, Any],
    notes: list[RefiNote],
) -> RefiCoding:
    """One coding on its selection (its memo becomes a note added to ``notes``)."""
    coding_notes: tuple[str, ...] = ()
    if c.memo:
        note_guid = memo_note_guid("coding", c.guid)
        coding_notes = (note_guid,)
        notes.append(
            RefiNote(
                guid=note_guid,
                name=f"memo on a coding of {c.code}",
                text=c.memo,
                author=users.get(c.coder),
                created=c.created,
                meta={"kind": "coding", "target": c.guid},
            )
        )
    return RefiCoding(
        guid=c.guid,
        code=code_guid[c.code],
        start=c.start,
        end=c.end,
        coder=users.get(c.coder),
        created=c.created,
        selection=sel,
        notes=coding_notes,
        meta=_coding_meta(c, threads),
    )


def _coding_meta(c: Coding, threads: Mapping[str, Any]) -> dict[str, Any]:
    """What a coding holds beyond the standard: origin, review, anchor, comments."""
    meta: dict[str, Any] = {}
    if c.origin != Origin.MANUAL.value:
        meta["origin"] = c.origin
    if c.review != Review.UNREVIEWED.value:
        meta["review"] = c.review
    for key in ("reviewer", "reviewed_at"):
        if getattr(c, key):
            meta[key] = getattr(c, key)
    if c.anchor != Anchor.EXACT.value:
        meta["anchor"] = c.anchor
    if c.guid in threads:
        meta["comments"] = threads[c.guid]
    return meta


def _refi_case(case: Any, doc_guid: Mapping[str, str], var_guid: Mapping[str, str]) -> RefiCase:
    """One case with its attribute values, documents and speakers."""
    speakers = [
        {"source": doc_guid[s.doc], "speaker": s.speaker} for s in case.sources if s.speaker
    ]
    return RefiCase(
        guid=case.guid,
        name=case.name,
        description=case.description,
        values={var_guid[k]: v for k, v in case.attributes.items() if k in var_guid},
        sources=tuple((doc_guid[s.doc], s.speaker) for s in case.sources),
        meta={"speakers": speakers} if speakers else {},
    )


def _relations_meta(types: Any) -> list[dict[str, Any]]:
    """The codebook's relation vocabulary for the extras: the YAML shape, with each
    bilingual label's language order (the extras are written with sorted keys)."""
    from qualcode.core.codebook import relations_to_data

    return [
        {**item, "label_order": list(item["label"])} if isinstance(item["label"], dict) else item
        for item in relations_to_data(types)
    ]


def _theme_set(
    t: Any,
    cb: Any,
    code_guid: Mapping[str, str],
    theme_guid: Mapping[str, str],
    exported: set[str],
) -> RefiSet:
    """A theme as a set of codes; the theme itself (and its exported extracts) in meta."""
    return RefiSet(
        guid=t.guid,
        name=t.label_in(cb.languages[0] if cb.languages else None),
        description=t.definition,
        codes=tuple(code_guid[c] for c in t.codes if c in code_guid),
        meta={
            "theme": {
                "id": t.id,
                "label": t.label,
                # the extras are written with sorted keys: keep which language comes first
                **({"label_order": list(t.label)} if isinstance(t.label, dict) else {}),
                "status": t.status,
                "reason": t.reason,
                "parent": theme_guid.get(t.parent) if t.parent else None,
                "position": t.position,
                "color": t.color,
                "coder": t.coder,
                "created": t.created,
                "version": t.version,
                "extracts": [
                    {"guid": e.guid, "coding": e.coding, "translation": e.translation}
                    for e in t.extracts
                    if e.coding in exported
                ],
            }
        },
    )


def _links(project: Project, exported: set[str]) -> list[RefiLink]:
    """A link per relation whose two ends are in the file."""
    types = {r.id: r for r in project.themes.relation_types()}
    links = []
    for r in project.themes.relations():
        ends = (r.source, r.target)
        if any(n.kind == "passage" and n.guid not in exported for n in ends) or any(
            not n.name for n in ends
        ):
            continue  # an end that is not in the file (a suggestion, a deleted passage)
        kind = types.get(r.type)
        links.append(
            RefiLink(
                guid=r.guid,
                name=kind.label_in("en") if kind else r.type,
                direction="OneWay" if r.directed else "Associative",
                origin=r.source.guid,
                target=r.target.guid,
                meta={
                    "relation": {
                        "type": r.type,
                        "source_kind": r.source.kind,
                        "target_kind": r.target.kind,
                        "memo": r.memo,
                        "coder": r.coder,
                        "created": r.created,
                    }
                },
            )
        )
    return links


def _map_graphs(
    project: Project, exported: set[str], link_guids: set[str]
) -> tuple[tuple[RefiGraph, ...], dict[str, dict[str, Any]]]:
    """The thematic map as one ``Graph``: a vertex per node at its place (its box:
    ``firstX/Y`` top left, ``secondX/Y`` bottom right, centred on the node), an edge
    per line; a relation's edge represents its ``Link``. The schema's corners are
    whole numbers: a place that is not goes exactly in qualcode's extras too."""
    from qualcode.services.thematic_map import map_layout

    if not project.themes.themes().themes:
        return (), {}
    laid = map_layout(project)
    vertices: list[RefiVertex] = []
    vertex_of: dict[str, str] = {}
    extras: dict[str, dict[str, Any]] = {}
    for p in laid.placed:
        n = p.node
        if n.kind == "passage" and n.guid not in exported:
            continue
        x, y, r = round(p.x), round(p.y), max(1, round(p.r))
        guid = derived_guid("map-vertex", n.key)
        vertex_of[n.key] = guid
        if (x, y) != (p.x, p.y):
            extras[guid] = {"map": {"x": p.x, "y": p.y}}
        vertices.append(
            RefiVertex(
                guid=guid,
                represented=n.guid or None,
                name=n.label,
                first=(x - r, y - r),
                second=(x + r, y + r),
                color=n.color,
            )
        )
    edges: list[RefiEdge] = []
    for i, e in enumerate(laid.data.edges):
        a, b = vertex_of.get(e.source), vertex_of.get(e.target)
        if a is None or b is None:
            continue
        relation = e.kind == "relation" and e.guid in link_guids
        edges.append(
            RefiEdge(
                guid=derived_guid("map-edge", e.source, e.target, e.kind, e.guid or str(i)),
                source=a,
                target=b,
                represented=e.guid if relation else None,
                name=e.label if e.kind == "relation" else e.kind,
                direction=("OneWay" if e.directed else "Associative")
                if e.kind == "relation"
                else "OneWay",
            )
        )
    return (
        RefiGraph(
            guid=derived_guid("map-graph", "thematic map"),
            name="Thematic map",
            vertices=tuple(vertices),
            edges=tuple(edges),
        ),
    ), extras


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, for the one line the CLI prints."""

    path: Path
    counts: Mapping[str, int]

    def line(self) -> str:
        """``wrote FILE: 31 codes, 8 sources, ...``."""
        parts = ", ".join(_count(k, n) for k, n in self.counts.items())
        return _("wrote {path}: {parts}").format(path=self.path, parts=parts)


def _count(kind: str, n: int) -> str:
    """``31 codes``, ``1 source`` (one line of an export summary)."""
    if kind == "codes":
        return plural(n, "{n} code", "{n} codes")
    if kind == "sources":
        return plural(n, "{n} source", "{n} sources")
    if kind == "codings":
        return plural(n, "{n} coding", "{n} codings")
    if kind == "notes":
        return plural(n, "{n} note", "{n} notes")
    if kind == "cases":
        return plural(n, "{n} case", "{n} cases")
    if kind == "variables":
        return plural(n, "{n} variable", "{n} variables")
    if kind == "users":
        return plural(n, "{n} user", "{n} users")
    return f"{n} {kind}"


def pseudonymized(model: RefiProject, names: Pseudonymizer) -> RefiProject:
    """The model with every name replaced: the sources' texts (their selections moved
    onto the changed text, so each still covers its passage), and every name, memo,
    description and value; GUIDs, code ids and positions' meaning stay."""
    if not names:
        return model
    sources: list[RefiSource] = []
    for source in model.sources:
        text, moved = names.text_map(source.text or "")
        codings = tuple(
            replace(names.apply(c), start=moved.start(c.start), end=moved.end(c.end))
            for c in source.codings
        )
        notes = tuple(
            replace(names.apply(p), start=moved.start(p.start), end=moved.end(p.end))
            for p in source.passage_notes
        )
        rest = names.apply(replace(source, text=None, codings=(), passage_notes=()))
        sources.append(replace(rest, text=text, codings=codings, passage_notes=notes))
    rest_model = names.apply(replace(model, sources=()))
    return replace(rest_model, sources=tuple(sources))


def export_qdpx(
    project: Project, output: Path, *, pseudonyms: Path | Mapping[str, str] | None = None
) -> ExportSummary:
    """Write the whole project as a ``.qdpx`` (with ``pseudonyms``, every name replaced
    and every selection recomputed for the changed text)."""
    from qualcode.exporters.refi_qda import write_qdpx
    from qualcode.services.reports import names_from

    model = pseudonymized(refi_model(project), names_from(pseudonyms))
    write_qdpx(model, output)
    return ExportSummary(
        output,
        {
            "codes": len(model.codes),
            "sources": len(model.sources),
            "codings": sum(len(s.codings) for s in model.sources),
            "notes": len(model.notes),
            "cases": len(model.cases),
            "variables": len(model.variables),
            "users": len(model.users),
        },
    )


def export_qdc(project: Project, output: Path) -> ExportSummary:
    """Write the project's codebook as a ``.qdc``."""
    from qualcode.exporters.refi_qda import write_qdc

    model = refi_model(project, codebook_only=True)
    write_qdc(model, output)
    return ExportSummary(output, {"codes": len(model.codes)})
