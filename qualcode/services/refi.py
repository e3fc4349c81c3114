"""REFI-QDA exchange use cases: export a project or codebook, import a file.

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

Import reads the file (no database), refuses it under ``strict`` when the schema or
its rules refuse it, then plans everything against the project (codes matched by
GUID, then id/alias, then name; nothing dropped) and writes it in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.core.codebook import Code, Rules, check_key, parse_codebook
from qualcode.core.model import (
    MEMO_KINDS,
    Anchor,
    Coding,
    ImportedDocument,
    Memo,
    Origin,
    Review,
    Status,
)
from qualcode.core.pseudonyms import Pseudonymizer
from qualcode.core.refi import (
    CODING_KINDS,
    NOT_IMPORTED,
    ExistingCode,
    ImportPlan,
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSource,
    RefiUser,
    RefiVariable,
    derived_guid,
    plan_code_import,
    tree_ordered,
)
from qualcode.errors import InputError, Problem, QualcodeError
from qualcode.i18n import N_, _, plural

if TYPE_CHECKING:
    from qualcode.store import Project

PROJECT_NAME = "project_name"
"""Project setting: the name other tools show (from an imported project)."""

CATEGORIES = (
    N_("codes"),
    N_("sources"),
    N_("codings"),
    N_("memos"),
    N_("cases"),
    N_("variables"),
    N_("users"),
)
"""The lines of an import summary, in order (shown translated)."""


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
    records = project.code_records()
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
    memos = [] if codebook_only else project.memos()
    code_notes: dict[str, list[str]] = {}
    for m in memos:
        if m.kind == "code" and m.target:
            code_notes.setdefault(m.target, []).append(m.guid)
    codes: list[RefiCode] = []
    for code in cb.codes:
        rec = records[code.id]
        meta: dict[str, Any] = {"id": code.id}
        if isinstance(code.label, dict) or code.label != code.label_in(lang):
            meta["label"] = code.label
        for name in ("inclusion", "exclusion", "key"):
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
        notes = [] if codebook_only else list(code_notes.get(code.id, []))
        if code.memo and not codebook_only:
            notes.append(memo_note_guid("code", rec["guid"]))
        codes.append(
            RefiCode(
                guid=rec["guid"],
                name=code.label_in(lang),
                codable=rec["codable"],
                color=cb.color_of(code.id),
                description=code.description,
                parent=records[code.parent]["guid"] if code.parent else None,
                notes=tuple(notes),
                meta=meta,
            )
        )
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
    users = project.coder_guids(project.people())
    docs = project.document_records()
    doc_guid = {n: r["guid"] for n, r in docs.items()}
    selections = project.selection_guids()
    threads = project.review_threads()
    notes: list[RefiNote] = []
    doc_notes: dict[str, list[str]] = {}
    project_notes: list[str] = []
    cases = project.cases()
    case_guid = {c.name: c.guid for c in cases}
    for m in memos:
        target = None
        if m.kind == "document" and m.target:
            target = doc_guid.get(m.target)
            doc_notes.setdefault(m.target, []).append(m.guid)
        elif m.kind == "code" and m.target:
            target = code_guid.get(m.target)
        elif m.kind == "case" and m.target:
            target = case_guid.get(m.target)
        else:
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
    sources: list[RefiSource] = []
    all_codings = project.codings(status=Status.ACCEPTED.value)
    by_doc: dict[str, list[Coding]] = {}
    for c in all_codings:
        by_doc.setdefault(c.doc, []).append(c)
    texts = project.document_texts()
    for summary in project.documents():
        record = docs[summary.name]
        refi_codings: list[RefiCoding] = []
        spans: dict[str, tuple[int, int]] = {}
        for c in by_doc.get(summary.name, []):
            sel = selections.get(c.guid) or selection_guid(c.guid)
            if spans.setdefault(sel, (c.start, c.end)) != (c.start, c.end):
                sel = selection_guid(c.guid)
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
            refi_codings.append(
                RefiCoding(
                    guid=c.guid,
                    code=code_guid[c.code],
                    start=c.start,
                    end=c.end,
                    coder=users.get(c.coder),
                    created=c.created,
                    selection=sel,
                    notes=coding_notes,
                    meta=meta,
                )
            )
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
    attributes = project.attributes()
    variables = [RefiVariable(a["guid"], a["name"], a["type"]) for a in attributes]
    var_guid = {a["name"]: a["guid"] for a in attributes}
    refi_cases = []
    for case in cases:
        speakers = [
            {"source": doc_guid[s.doc], "speaker": s.speaker} for s in case.sources if s.speaker
        ]
        refi_cases.append(
            RefiCase(
                guid=case.guid,
                name=case.name,
                description=case.description,
                values={var_guid[k]: v for k, v in case.attributes.items() if k in var_guid},
                sources=tuple((doc_guid[s.doc], s.speaker) for s in case.sources),
                meta={"speakers": speakers} if speakers else {},
            )
        )
    return RefiProject(
        name=name,
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


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, for the one line the CLI prints."""

    path: Path
    counts: Mapping[str, int]

    def line(self) -> str:
        """``wrote FILE: 31 codes, 8 sources, ...``."""
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"wrote {self.path}: {parts}"


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


# ---------------------------------------------------------------------- import


@dataclass
class Tally:
    """Counts for one category of an import summary."""

    in_file: int = 0
    added: int = 0
    matched: int = 0
    skipped: int = 0
    how: dict[str, int] = field(default_factory=dict)

    def line(self, name: str) -> str:
        """``codes: 31 in the file, 25 added, 6 matched (4 by guid, 2 by name), 0 skipped``."""
        how = ", ".join(_("{n} by {how}").format(n=n, how=k) for k, n in sorted(self.how.items()))
        values = dict(
            name=_(name),
            in_file=self.in_file,
            added=self.added,
            matched=self.matched,
            how=how,
            skipped=self.skipped,
        )
        if how:
            return _(
                "{name}: {in_file} in the file, {added} added, {matched} matched ({how}), "
                "{skipped} skipped"
            ).format(**values)
        return _(
            "{name}: {in_file} in the file, {added} added, {matched} matched, {skipped} skipped"
        ).format(**values)


@dataclass
class RefiImportReport:
    """What a REFI-QDA import did: counts per category, warnings, remarks."""

    path: Path
    tallies: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in CATEGORIES})
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    created_project: bool = False
    coding_kinds: dict[str, int] = field(default_factory=dict)
    """Codings in the file by kind (text, PDF text, PDF area, picture, audio, video)."""
    kinds: dict[str, Tally] = field(default_factory=dict)
    """What became of the codings of each kind that can come in."""
    codebook_file: Path | None = None
    backup: Path | None = None
    """The copy of the project made before the import (removed when nothing changed)."""
    changed: bool = True
    """Whether the import wrote anything (every code and source matched: nothing)."""

    def kinds_line(self) -> str:
        """``codings by kind: 40 text (38 added, 0 matched, 2 skipped); 5 PDF area (not
        imported: ...)``."""
        parts = []
        for kind in CODING_KINDS:
            n = self.coding_kinds.get(kind, 0)
            if not n:
                continue
            if kind in NOT_IMPORTED:
                parts.append(
                    _("{n} {kind} (not imported: {why})").format(
                        n=n, kind=kind, why=NOT_IMPORTED[kind]
                    )
                )
                continue
            t = self.kinds.get(kind, Tally())
            skipped = max(n - t.added - t.matched, 0)
            parts.append(
                _("{n} {kind} ({added} added, {matched} matched, {skipped} skipped)").format(
                    n=n, kind=kind, added=t.added, matched=t.matched, skipped=skipped
                )
            )
        return _("codings by kind: {parts}").format(parts="; ".join(parts))

    def lines(self) -> list[str]:
        """The summary: one line per category (the codings also by kind: how many came
        in and why the others did not), then what was skipped."""
        out = []
        for c in CATEGORIES:
            out.append(self.tallies[c].line(c))
            if c == "codings" and self.coding_kinds:
                out.append(self.kinds_line())
        if self.skipped:
            out.append(
                _("not imported: {counts}").format(
                    counts=", ".join(f"{n} {k}" for k, n in sorted(self.skipped.items()))
                )
            )
        return out


def read_refi_file(path: Path, *, strict: bool = False, sources: Path | None = None) -> Any:
    """Read a REFI-QDA file.

    Under ``strict`` the file is checked against the official schema, and refused
    (nothing imported) when it does not validate or breaks one of the standard's
    rules: a dangling reference, a position outside the text, a GUID used twice, a
    missing source file. What the standard allows (parent codes marked codable, a
    schemaLocation that points elsewhere, ...) never refuses a file.

    Args:
        path: the file.
        strict: refuse what the schema or its rules refuse.
        sources: where a bare ``.qde``'s source files are (``--sources DIR``).

    Raises:
        InputError: unreadable, hostile, or (strict) invalid.
    """
    from qualcode.importers.refi_qda import read_refi

    read = read_refi(path, sources=sources, validate=strict)
    refused = [*read.schema_errors, *read.violations]
    if strict and refused:
        first = Problem(
            plural(
                len(refused),
                "refused (--strict): {n} problem that the REFI-QDA schema or its rules refuse; "
                "nothing imported",
                "refused (--strict): {n} problems that the REFI-QDA schema or its rules refuse; "
                "nothing imported",
            ),
            str(path),
            hint=_("import without --strict to import what can be, with warnings"),
        )
        raise InputError.from_problems([first, *refused])
    return read


def import_refi(
    project: Project,
    path: Path,
    *,
    strict: bool = False,
    read: Any = None,
    backup: bool = True,
) -> RefiImportReport:
    """Import a ``.qdc`` / ``.qdpx`` / ``.qde`` file into ``project`` (one transaction).

    The file is read and planned against the project first; then the project is
    backed up (``backups/...-before-import.db``; removed again when the import
    fails), unless ``backup`` is false (a project the import itself created).

    Raises:
        InputError: the file is unreadable, hostile, or (``strict``) non-standard.
        ProjectError: the backup cannot be made (nothing is imported).
    """
    if read is None:
        read = read_refi_file(path, strict=strict)
    refi: RefiProject = read.project
    report = RefiImportReport(
        path, warnings=list(read.problems), notes=list(read.notices), skipped=dict(refi.skipped)
    )
    planner = _Planner(project, refi, report)
    plan = planner.build()
    n_docs = len(plan.documents)
    from qualcode.services.backups import auto_backup_to

    wrote, saved = auto_backup_to(
        project,
        "before-import",
        lambda copy: project.import_refi(
            plan,
            summary=f"import {path.name}: {len(plan.new_codes)} codes, {n_docs} sources, "
            f"{len(plan.codings)} codings",
            backup=str(copy) if copy else None,
        ),
        changed=bool,
        enabled=backup,
    )
    report.backup = saved
    report.changed = wrote
    if plan.new_codes or plan.code_fills:
        from qualcode.services.codebook import write_back

        try:
            report.codebook_file = write_back(project)
        except (OSError, QualcodeError) as exc:
            report.notes.append(_("the codebook file was not updated: {exc}").format(exc=exc))
    return report


_ORIGINS = {o.value for o in Origin}
_STATUSES = {s.value for s in Status}
_REVIEWS = {r.value for r in Review}
_ANCHORS = {a.value for a in Anchor}


class _Planner:
    """Resolves a REFI-QDA file against a project into an :class:`ImportPlan`."""

    def __init__(self, project: Project, refi: RefiProject, report: RefiImportReport) -> None:
        self.project = project
        self.refi = refi
        self.report = report
        self.plan = ImportPlan()
        self.label = str(report.path)
        self.t = report.tallies
        self.from_qualcode = refi.origin.startswith("qualcode")

    def warn(self, message: str) -> None:
        self.report.warnings.append(Problem(message, self.label))

    def build(self) -> ImportPlan:
        self.users()
        self.codes()
        if self.refi.kind == "project":
            self.sources()
            self.variables()
            self.cases()
            self.codings()
            self.memos()
            if self.refi.name and not self.project.document_names():
                # a project made from the file takes its name; one that already
                # holds documents keeps its own
                self.plan.settings[PROJECT_NAME] = self.refi.name
        meta = self.refi.meta.get("codebook")
        if isinstance(meta, dict) and meta:
            from qualcode.store.base import CODEBOOK_META

            languages = meta.get("languages")
            settings = {
                "name": str(meta.get("name") or ""),
                "description": str(meta.get("description") or ""),
                "languages": [x for x in languages if isinstance(x, str)]
                if isinstance(languages, list)
                else [],
                "version": 1,
            }
            if settings["name"] or settings["description"] or settings["languages"]:
                self.plan.settings[CODEBOOK_META] = settings
        return self.plan

    # ---------------------------------------------------------------- users

    def users(self) -> None:
        existing = self.project.coder_guids()
        by_guid = {g: n for n, g in existing.items()}
        self.coder_of: dict[str, str] = {}
        taken = set(existing)
        self.t["users"].in_file = len(self.refi.users)
        for user in self.refi.users:
            if user.guid in by_guid:
                self.coder_of[user.guid] = by_guid[user.guid]
                self.t["users"].matched += 1
                self.t["users"].how["guid"] = self.t["users"].how.get("guid", 0) + 1
            elif user.name in existing:
                self.coder_of[user.guid] = user.name
                self.t["users"].matched += 1
                self.t["users"].how["name"] = self.t["users"].how.get("name", 0) + 1
            elif user.name in taken:  # two users of one name in the file
                self.coder_of[user.guid] = user.name
                self.t["users"].matched += 1
            else:
                self.coder_of[user.guid] = user.name
                self.plan.coders.append((user.name, user.guid))
                taken.add(user.name)
                self.t["users"].added += 1
        default = self.coder_of.get(self.refi.creating_user or "", None)
        self.default_coder = default or self.project.coder

    def coder(self, guid: str | None, what: str) -> str:
        if guid and guid in self.coder_of:
            return self.coder_of[guid]
        if guid:
            name = f"user-{guid[:8]}"
            if name not in {n for n, _ in self.plan.coders}:
                self.warn(
                    _("{what}: user {guid} is not among the users; called {name!r}").format(
                        what=what, guid=guid, name=name
                    )
                )
                self.plan.coders.append((name, guid))
                self.t["users"].added += 1
            self.coder_of[guid] = name
            return name
        return self.default_coder

    # ---------------------------------------------------------------- codes

    def codes(self) -> None:
        cb = self.project.codebook()
        records = self.project.code_records()
        existing = [
            ExistingCode(
                id=c.id,
                guid=records[c.id]["guid"],
                parent=c.parent,
                labels=tuple(c.labels().values()),
                aliases=c.aliases,
            )
            for c in cb.codes
        ]
        incoming = tree_ordered(self.refi.codes)
        plan = plan_code_import(existing, incoming)
        self.code_ids = plan.ids
        self.report.notes.extend(plan.notes)
        tally = self.t["codes"]
        tally.in_file = len(incoming)
        tally.matched = len(plan.matched)
        for how in plan.matched.values():
            tally.how[how] = tally.how.get(how, 0) + 1
        keys = {c.key for c in cb.codes if c.key}
        taken_ids = {c.id for c in cb.codes} | {a for c in cb.codes for a in c.aliases}
        self.code_field_memos: dict[str, str] = {}
        for code in plan.added:
            new_id = plan.ids[code.guid]
            built = self._code(code, new_id, plan.parents[new_id], keys, taken_ids)
            self.plan.new_codes.append((built, plan.guids[new_id], code.codable))
            tally.added += 1
        by_id = {c.id: c for c in cb.codes}
        self.code_memos = {c.id: c.memo for c in cb.codes if c.memo}
        for code in incoming:
            if code.guid in plan.matched:
                project_code = by_id[plan.ids[code.guid]]
                fills: dict[str, Any] = {}
                if code.description and not project_code.description:
                    fills["description"] = code.description
                if code.color and not code.meta.get("auto_color") and not project_code.color:
                    fills["color"] = code.color
                if fills:
                    self.plan.code_fills[project_code.id] = fills

    def _code(
        self,
        code: RefiCode,
        code_id: str,
        parent: str | None,
        keys: set[str],
        taken_ids: set[str],
    ) -> Code:
        meta = dict(code.meta)
        label: Any = meta.get("label")
        if not (
            isinstance(label, str)
            and label.strip()
            or isinstance(label, dict)
            and label
            and all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in label.items()
            )
        ):
            label = code.name
        data: dict[str, Any] = {"id": code_id, "label": label}
        for name in ("inclusion", "exclusion", "examples", "key", "aliases", "rules"):
            if name in meta:
                data[name] = meta[name]
        try:
            built = parse_codebook({"codes": [data]}).codes[0]
        except QualcodeError as exc:
            self.warn(
                _("code {code.name!r}: its qualcode metadata is not valid ({exc}); ignored").format(
                    code=code, exc=exc
                )
            )
            built = Code(id=code_id, label=label if isinstance(label, str | dict) else code.name)
        key = built.key
        if key:
            try:
                check_key(key)
            except QualcodeError:
                key = None
            if key in keys:
                self.warn(
                    _("code {code.name!r}: key {key!r} is taken in the project; dropped").format(
                        code=code, key=key
                    )
                )
                key = None
            if key:
                keys.add(key)
        aliases = tuple(a for a in built.aliases if a not in taken_ids)
        taken_ids.add(code_id)
        taken_ids.update(aliases)
        rules: Rules | None = built.rules
        return Code(
            id=code_id,
            label=built.label,
            parent=parent,
            description=code.description,
            inclusion=built.inclusion,
            exclusion=built.exclusion,
            examples=built.examples,
            color=None if meta.get("auto_color") else code.color,
            key=key,
            aliases=aliases,
            rules=rules,
            memo="",
        )

    # ---------------------------------------------------------------- sources

    def sources(self) -> None:
        from qualcode.core.lang import detect_language
        from qualcode.importers.speakers import find_turns
        from qualcode.nlp.segment import segment
        from qualcode.services.imports import speaker_config
        from qualcode.store.base import sha256_text

        records = self.project.document_records()
        by_guid = {r["guid"]: n for n, r in records.items()}
        by_sha = {r["sha256"]: n for n, r in records.items()}
        names = set(records)
        speakers = speaker_config(self.project)
        self.doc_of: dict[str, str] = {}
        self.source_texts: dict[str, str] = {}
        tally = self.t["sources"]
        tally.in_file = len(self.refi.sources) + self.refi.skipped.get("sources without text", 0)
        tally.skipped = self.refi.skipped.get("sources without text", 0)
        new_guids: set[str] = set()
        for source in self.refi.sources:
            text = source.text or ""
            digest = sha256_text(text)
            if source.guid in by_guid and records[by_guid[source.guid]]["sha256"] == digest:
                self.doc_of[source.guid] = by_guid[source.guid]
                tally.matched += 1
                tally.how["guid"] = tally.how.get("guid", 0) + 1
                continue
            if digest in by_sha:
                self.doc_of[source.guid] = by_sha[digest]
                tally.matched += 1
                tally.how["text"] = tally.how.get("text", 0) + 1
                continue
            if not text.strip():
                self.warn(_("source {source.name!r} has no text; skipped").format(source=source))
                tally.skipped += 1
                continue
            guid = source.guid
            if guid in by_guid or guid in new_guids:
                self.warn(
                    _(
                        "source {source.name!r}: a different text with this GUID is in the project; imported as a new document"
                    ).format(source=source)
                )
                guid = derived_guid("reissued", source.guid, digest)
            new_guids.add(guid)
            name = _unique(source.name.strip() or guid[:8], names)
            lang = source.meta.get("lang")
            if lang not in ("id", "en"):
                lang = detect_language(text)
            fmt = source.meta.get("format")
            meta: dict[str, str] = {"refi_origin": self.refi.origin} if self.refi.origin else {}
            if source.description:
                meta["description"] = source.description
            if source.created:
                meta["created"] = source.created
            doc = ImportedDocument(
                name=name,
                text=text,
                turns=tuple(find_turns(text, speakers)),
                source_path=f"{self.label}#{source.guid}",
                source_format=fmt if isinstance(fmt, str) and fmt else "refi",
                encoding="utf-8",
                lang=str(lang),
                meta=meta,
            )
            sentences = segment(doc.text, doc.turns, doc.lang or "en")
            self.plan.documents.append((doc, tuple(sentences), guid))
            self.doc_of[source.guid] = name
            by_sha[digest] = name
            tally.added += 1
        for source in self.refi.sources:
            if source.guid in self.doc_of:
                self.source_texts[source.guid] = source.text or ""

    # ---------------------------------------------------------------- variables and cases

    def variables(self) -> None:
        existing = {a["name"]: a for a in self.project.attributes()}
        by_guid = {a["guid"]: a["name"] for a in existing.values()}
        self.attr_of: dict[str, str] = {}
        self.attr_type: dict[str, str] = {}
        tally = self.t["variables"]
        tally.in_file = len(self.refi.variables)
        planned: set[str] = set()
        for v in self.refi.variables:
            if v.guid in by_guid:
                self.attr_of[v.guid] = by_guid[v.guid]
                tally.matched += 1
                tally.how["guid"] = tally.how.get("guid", 0) + 1
            elif v.name in existing or v.name in planned:
                self.attr_of[v.guid] = v.name
                tally.matched += 1
                tally.how["name"] = tally.how.get("name", 0) + 1
            else:
                self.attr_of[v.guid] = v.name
                self.plan.attributes.append((v.name, v.guid, v.type))
                planned.add(v.name)
                tally.added += 1
            self.attr_type[v.guid] = v.type

    def cases(self) -> None:
        existing = {c.name: c for c in self.project.cases()}
        by_guid = {c.guid: c.name for c in existing.values()}
        self.case_of: dict[str, str] = {}
        tally = self.t["cases"]
        tally.in_file = len(self.refi.cases)
        planned: set[str] = set()
        selection_source = {c.selection: s.guid for s in self.refi.sources for c in s.codings} | {
            p.guid: s.guid for s in self.refi.sources for p in s.passage_notes
        }
        for case in self.refi.cases:
            if case.guid in by_guid:
                name = by_guid[case.guid]
                tally.matched += 1
                tally.how["guid"] = tally.how.get("guid", 0) + 1
            elif case.name in existing or case.name in planned:
                name = case.name
                tally.matched += 1
                tally.how["name"] = tally.how.get("name", 0) + 1
            else:
                name = case.name
                self.plan.cases.append((name, case.guid, case.description))
                planned.add(name)
                tally.added += 1
            self.case_of[case.guid] = name
            for source_guid, speaker in case.sources:
                doc = self.doc_of.get(source_guid)
                if doc is None:
                    self.warn(
                        _("case {case.name!r} refers to an unknown or skipped source").format(
                            case=case
                        )
                    )
                    continue
                self.plan.case_sources.append((name, doc, speaker))
            for sel in case.meta.get("selections", []) or []:
                doc = self.doc_of.get(selection_source.get(sel, ""))
                if doc is not None:
                    self.plan.case_sources.append((name, doc, None))
            self._values(name, case.values, f"case {case.name!r}")
        for source in self.refi.sources:
            if source.values and source.guid in self.doc_of:
                doc = self.doc_of[source.guid]
                name = doc
                if name not in existing and name not in planned:
                    self.plan.cases.append((name, derived_guid("source-case", source.guid), ""))
                    planned.add(name)
                    tally.added += 1
                self.warn(
                    _(
                        "source {source.name!r} has variable values; kept on the case {name!r} (qualcode keeps attributes on cases)"
                    ).format(source=source, name=name)
                )
                self.plan.case_sources.append((name, doc, None))
                self._values(name, source.values, f"source {source.name!r}")

    def _values(self, case: str, values: Mapping[str, str | None], what: str) -> None:
        for var_guid, value in values.items():
            attr = self.attr_of.get(var_guid)
            if attr is None:
                self.warn(
                    _("{what}: a value of an unknown variable {var_guid}; skipped").format(
                        what=what, var_guid=var_guid
                    )
                )
                continue
            self.plan.case_values.append((case, attr, value))

    # ---------------------------------------------------------------- codings

    def codings(self) -> None:
        known = self.project.known_guids()
        self.known = known
        identical = self.project.identical_codings()
        notes = {n.guid: n for n in self.refi.notes}
        self.consumed: set[str] = set()
        self.coding_guids: set[str] = set()
        case_guids = {c.guid for c in self.refi.cases}
        tally = self.t["codings"]
        tally.in_file = sum(len(s.codings) for s in self.refi.sources)
        for kind in (
            "codings of sources without text",
            "codings outside the text",
            "codings without a code",
        ):
            tally.in_file += self.refi.skipped.get(kind, 0)
            tally.skipped += self.refi.skipped.get(kind, 0)
        for source in self.refi.sources:
            doc = self.doc_of.get(source.guid)
            if doc is None:
                tally.skipped += len(source.codings)
                continue
            text = self.source_texts[source.guid]
            for c in source.codings:
                what = f"source {source.name!r}: coding {c.guid}"
                code_id = self.code_ids.get(c.code)
                if code_id is None:
                    if c.code in case_guids:
                        case = self.case_of[c.code]
                        self.warn(
                            _(
                                "{what} points at the case {case!r}, not a code; the source is linked to the case instead"
                            ).format(what=what, case=case)
                        )
                        self.plan.case_sources.append((case, doc, None))
                    # else: a dangling reference, which the reader reported
                    tally.skipped += 1
                    continue
                by_kind = self.report.kinds.setdefault(c.kind, Tally())
                if c.guid in known["coding"]:
                    tally.matched += 1
                    by_kind.matched += 1
                    tally.how["guid"] = tally.how.get("guid", 0) + 1
                    continue
                if c.guid in known["tombstone"]:
                    self.report.notes.append(
                        _("{what} was deleted in the project; not brought back").format(what=what)
                    )
                    tally.skipped += 1
                    continue
                coder = self.coder(c.coder, what)
                key = (doc, code_id, c.start, c.end, coder)
                if key in identical:
                    tally.matched += 1
                    by_kind.matched += 1
                    tally.how["span"] = tally.how.get("span", 0) + 1
                    continue
                identical.add(key)
                memo_parts = []
                for note_guid in c.notes:
                    note = notes.get(note_guid)
                    if note is None:  # a dangling reference, which the reader reported
                        continue
                    self.consumed.add(note_guid)
                    if note.text.strip():
                        memo_parts.append(note.text)
                if c.memo.strip():
                    memo_parts.append(c.memo)
                meta = c.meta
                state = {
                    "origin": _pick(meta.get("origin"), _ORIGINS, Origin.IMPORT.value),
                    "status": _pick(meta.get("status"), _STATUSES, Status.ACCEPTED.value),
                    "review": _pick(meta.get("review"), _REVIEWS, Review.UNREVIEWED.value),
                    "anchor": _pick(meta.get("anchor"), _ANCHORS, Anchor.EXACT.value),
                }
                if "origin" not in meta:
                    # qualcode leaves out the default (manual); other tools' codings came in
                    state["origin"] = (
                        Origin.MANUAL.value if self.from_qualcode else Origin.IMPORT.value
                    )
                reviewer = meta.get("reviewer") if isinstance(meta.get("reviewer"), str) else None
                reviewed_at = (
                    meta.get("reviewed_at") if isinstance(meta.get("reviewed_at"), str) else None
                )
                coding = Coding(
                    guid=c.guid,
                    doc=doc,
                    code=code_id,
                    start=c.start,
                    end=c.end,
                    coder=coder,
                    created=c.created or _now(),
                    quote=text[c.start : c.end],
                    memo="\n\n".join(memo_parts) or None,
                    reviewer=reviewer,
                    reviewed_at=reviewed_at,
                    **state,
                )
                self.plan.codings.append((coding, c.selection or None))
                self.coding_guids.add(c.guid)
                tally.added += 1
                by_kind.added += 1
                for comment in meta.get("comments", []) or []:
                    if (
                        isinstance(comment, dict)
                        and isinstance(comment.get("guid"), str)
                        and comment["guid"] not in known["comment"]
                    ):
                        self.plan.comments.append(
                            {
                                "guid": comment["guid"],
                                "coding_guid": c.guid,
                                "author": str(comment.get("author") or coder),
                                "at": str(comment.get("at") or c.created or _now()),
                                "kind": str(comment.get("kind") or "comment"),
                                "text": str(comment.get("text") or ""),
                            }
                        )
                        known["comment"].add(comment["guid"])

        kinds = dict(self.refi.coding_kinds)
        self.report.coding_kinds = kinds
        if kinds:
            # every coding of the file, of every kind (those of pictures, recordings
            # and PDF areas cannot come in: they are counted and skipped)
            tally.in_file = sum(kinds.values())
            tally.skipped = tally.in_file - tally.added - tally.matched

    # ---------------------------------------------------------------- memos

    def memos(self) -> None:
        notes = {n.guid: n for n in self.refi.notes}
        tally = self.t["memos"]
        refs: dict[str, tuple[str, str | None]] = {}
        for guid in self.refi.project_notes:
            refs.setdefault(guid, ("project", None))
        for source in self.refi.sources:
            for guid in source.notes:
                doc = self.doc_of.get(source.guid)
                if doc is not None:
                    refs.setdefault(guid, ("document", doc))
        for code in self.refi.codes:
            for guid in code.notes:
                refs.setdefault(guid, ("code", self.code_ids.get(code.guid)))
        doc_by_guid = self.doc_of
        code_by_guid = self.code_ids
        case_by_guid = self.case_of
        tally.in_file = len(self.refi.notes) + sum(len(s.passage_notes) for s in self.refi.sources)
        field_memos: dict[str, list[str]] = {}
        in_passages = {g for s in self.refi.sources for p in s.passage_notes for g in p.notes}
        for note in self.refi.notes:
            if note.guid in in_passages and note.guid not in refs:
                continue  # its text goes into the passage's memo below
            if note.guid in self.consumed:
                tally.added += 1  # it became the memo of the coding that refers to it
                continue
            if note.guid in self.known["memo"]:
                tally.matched += 1
                tally.how["guid"] = tally.how.get("guid", 0) + 1
                continue
            if note.guid in self.known["tombstone"]:
                tally.skipped += 1
                continue
            kind = note.meta.get("kind")
            target_guid = note.meta.get("target")
            target: str | None = None
            if kind == "code-field" and isinstance(target_guid, str):
                code_id = code_by_guid.get(target_guid)
                if code_id is not None:
                    if self.code_memos.get(code_id) == note.text:
                        tally.matched += 1
                        tally.how["text"] = tally.how.get("text", 0) + 1
                    else:
                        field_memos.setdefault(code_id, []).append(note.text)
                        tally.added += 1
                    continue
            if kind == "coding":
                # a coding memo whose coding was not imported: already there, or skipped
                if target_guid in self.known["coding"]:
                    tally.matched += 1
                    tally.how["coding"] = tally.how.get("coding", 0) + 1
                else:
                    tally.skipped += 1
                continue
            if kind in MEMO_KINDS and isinstance(target_guid, str):
                target = {
                    "document": doc_by_guid,
                    "code": code_by_guid,
                    "case": case_by_guid,
                }.get(str(kind), {}).get(target_guid)
                if target is None:
                    kind = "project"
            elif kind == "project":
                target = None
            elif note.guid in refs:
                kind, target = refs[note.guid]
                if target is None and kind != "project":
                    kind = "project"
            else:
                self.warn(
                    _("note {value!r} is attached to nothing; kept as a project memo").format(
                        value=note.name or note.guid
                    )
                )
                kind = "project"
            self.plan.memos.append(
                Memo(
                    guid=note.guid,
                    kind=str(kind),
                    target=target if kind != "project" else None,
                    author=self.coder(note.author, f"note {note.name or note.guid!r}"),
                    created=note.created or _now(),
                    updated=note.modified or note.created or _now(),
                    title=note.name,
                    text=note.text,
                )
            )
            tally.added += 1
        for code_id, texts in field_memos.items():
            self.plan.code_fills.setdefault(code_id, {})["memo"] = "\n\n".join(texts)
        for source in self.refi.sources:
            doc = self.doc_of.get(source.guid)
            for p in source.passage_notes:
                if doc is None or p.guid in self.known["memo"]:
                    tally.skipped += 1
                    continue
                text = self.source_texts[source.guid]
                parts = [f"«{text[p.start : p.end]}»"]
                if p.text.strip():
                    parts.append(p.text)
                for guid in p.notes:
                    if guid in notes:
                        parts.append(notes[guid].text)
                self.plan.memos.append(
                    Memo(
                        guid=p.guid,
                        kind="document",
                        target=doc,
                        author=self.coder(p.author, f"source {source.name!r}"),
                        created=p.created or _now(),
                        updated=p.created or _now(),
                        title=f"passage {p.start}–{p.end}",
                        text="\n\n".join(parts),
                    )
                )
                self.known["memo"].add(p.guid)
                tally.added += 1


def _pick(value: object, allowed: set[str], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _now() -> str:
    from qualcode.clock import now

    return now()


def _unique(name: str, taken: set[str]) -> str:
    candidate = name
    i = 2
    while candidate in taken:
        candidate = f"{name}-{i}"
        i += 1
    taken.add(candidate)
    return candidate
