"""REFI-QDA in: import a ``.qdc``, ``.qdpx`` or ``.qde`` file into the project.

Import reads the file (no database), refuses it under ``strict`` when the schema or
its rules refuse it, then plans everything against the project (codes matched by
GUID, then id/alias, then name; nothing dropped) and writes it in one transaction.

What an export writes, and the extra fields it carries, is described in
:mod:`qualcode.services.refi_export`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.core.codebook import Code, RelationType, Rules, check_key, parse_codebook
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
from qualcode.core.refi import (
    CODING_KINDS,
    NOT_IMPORTED,
    ExistingCode,
    ImportPlan,
    RefiCode,
    RefiCoding,
    RefiLink,
    RefiNote,
    RefiProject,
    RefiSet,
    RefiSource,
    RefiVertex,
    derived_guid,
    parse_color,
    plan_code_import,
    tree_ordered,
)
from qualcode.errors import InputError, Problem, QualcodeError
from qualcode.i18n import N_, _, plural

if TYPE_CHECKING:
    from qualcode.importers.speakers import SpeakerConfig
    from qualcode.store import Project

from qualcode.services.refi_export import PROJECT_NAME

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
THEME_CATEGORIES = (N_("themes"), N_("relations"))
"""Shown in the summary only when the file has them (sets of codes, links)."""


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
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {c: Tally() for c in (*CATEGORIES, *THEME_CATEGORIES)}
    )
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
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
                        n=n, kind=_(kind), why=_(NOT_IMPORTED[kind])
                    )
                )
                continue
            t = self.kinds.get(kind, Tally())
            skipped = max(n - t.added - t.matched, 0)
            parts.append(
                _("{n} {kind} ({added} added, {matched} matched, {skipped} skipped)").format(
                    n=n, kind=_(kind), added=t.added, matched=t.matched, skipped=skipped
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
        for c in THEME_CATEGORIES:
            if self.tallies[c].in_file:
                out.append(self.tallies[c].line(c))
        if self.skipped:
            out.append(
                _("not imported: {counts}").format(
                    counts=", ".join(f"{n} {_(k)}" for k, n in sorted(self.skipped.items()))
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
        lambda copy: project.refi.import_refi(
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


REFI_SUFFIXES = (".qdc", ".qdpx", ".qde")
"""The files the REFI-QDA import reads (the transcript import reads the others)."""


@dataclass
class RefiReads:
    """Every file of one import read and checked, before the project is touched."""

    reads: list[tuple[Path, Any]] = field(default_factory=list)
    """The files that can be imported, with what was read from each."""
    refused: list[tuple[Path, list[str]]] = field(default_factory=list)
    """The files refused, each with its error lines."""
    strict: bool = False

    @property
    def nothing_to_import(self) -> bool:
        """A refused file under ``strict`` refuses them all; so does no readable file."""
        return bool(self.refused) and (self.strict or not self.reads)


@dataclass
class RefiFileResult:
    """What became of one file: its report, or the error lines that refused it."""

    path: Path
    report: RefiImportReport | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class RefiImportRun:
    """One REFI-QDA import of one or more files: the lifecycle's outcome."""

    results: list[RefiFileResult] = field(default_factory=list)
    created: Path | None = None
    """The SQLite project this import created (kept only when a file came in)."""
    refused: int = 0
    """Files refused (read or import)."""

    @property
    def imported(self) -> int:
        """Files imported."""
        return sum(1 for r in self.results if r.report is not None)


def read_refi_files(
    files: Sequence[Path], *, strict: bool = False, sources: Path | None = None
) -> RefiReads:
    """Read and check every file (no project touched): the first step of an import."""
    out = RefiReads(strict=strict)
    for path in files:
        try:
            out.reads.append((path, read_refi_file(path, strict=strict, sources=sources)))
        except QualcodeError as exc:
            out.refused.append((path, exc.lines()))
    return out


def import_refi_reads(
    project: Project,
    reads: RefiReads,
    *,
    backup: bool = True,
    on_file: Callable[[RefiFileResult], None] | None = None,
) -> RefiImportRun:
    """Import the files :func:`read_refi_files` read into an open project, each in its
    own transaction and behind its own backup (``backup``); a file refused by the
    import does not stop the others.

    Args:
        project: the open project.
        reads: what was read.
        backup: back the project up before each file (removed when nothing changed).
        on_file: called after each file (a front end shows it at once).
    """
    run = RefiImportRun(refused=len(reads.refused))
    for path, read in reads.reads:
        result = RefiFileResult(path)
        try:
            result.report = import_refi(project, path, read=read, backup=backup)
        except QualcodeError as exc:
            run.refused += 1
            result.errors = exc.lines()
        run.results.append(result)
        if on_file is not None:
            on_file(result)
    return run


def import_refi_project(
    location: str | None,
    reads: RefiReads,
    *,
    coder: str,
    window: str | None = None,
    backup: bool = True,
    on_open: Callable[[Project], None] | None = None,
    on_file: Callable[[RefiFileResult], None] | None = None,
) -> RefiImportRun:
    """The whole REFI-QDA import lifecycle of ``qualcode import FILE.qdpx``: open the
    project at ``location`` (an SQLite one is created when missing), import every file
    read (:func:`import_refi_reads`; no backup of a project this import created), close
    it, and, when the import created the project but no file came in, remove the new
    file with its ``-wal`` and ``-shm`` companions: a failed import leaves no project
    behind.

    Args:
        location: ``--project`` value (file, folder, URL) or ``None``.
        reads: the files read and checked (:func:`read_refi_files`).
        coder: the coder (read from the settings by the front end).
        window: the window recorded on the actions.
        backup: back an existing project up before each file.
        on_open: called with the open project (the front end reports a schema upgrade).
        on_file: called after each file.

    Raises:
        ProjectError: the project cannot be opened or created (nothing imported).
    """
    from qualcode.store import open_project
    from qualcode.store.engine import resolve_location, sqlite_path

    db = sqlite_path(resolve_location(location))
    created = db is not None and not db.exists()
    project = open_project(location, create=created, coder=coder, window=window)
    run = RefiImportRun()
    try:
        if on_open is not None:
            on_open(project)
        run = import_refi_reads(project, reads, backup=backup and not created, on_file=on_file)
    finally:
        project.close()
        if created and not run.imported and db is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    if created and run.imported:
        run.created = db
    return run


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
            self.themes()
            self.relations()
            self.map_positions()
            if self.refi.name and not self.project.documents.document_names():
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
            relations = _relations_of(meta.get("relations"))
            if relations is not None:
                settings["relations"] = relations
            if any(settings[k] for k in ("name", "description", "languages")) or relations:
                self.plan.settings[CODEBOOK_META] = settings
        return self.plan

    # ---------------------------------------------------------------- users

    def users(self) -> None:
        existing = self.project.refi.coder_guids()
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
        records = self.project.refi.code_records()
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
        for name in ("inclusion", "exclusion", "examples", "key", "aliases", "rules", "valence"):
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
            valence=built.valence,
        )

    # ---------------------------------------------------------------- sources

    def sources(self) -> None:
        from qualcode.nlp.segment import segment
        from qualcode.services.imports import speaker_config
        from qualcode.store.base import sha256_text

        records = self.project.refi.document_records()
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
            doc = self._source_document(source, name, text, speakers)
            sentences = segment(doc.text, doc.turns, doc.lang or "en")
            self.plan.documents.append((doc, tuple(sentences), guid))
            self.doc_of[source.guid] = name
            by_sha[digest] = name
            tally.added += 1
        for source in self.refi.sources:
            if source.guid in self.doc_of:
                self.source_texts[source.guid] = source.text or ""

    def _source_document(
        self, source: RefiSource, name: str, text: str, speakers: SpeakerConfig
    ) -> ImportedDocument:
        """A new document from a source: its language (given, else detected), its
        format and its description and creation time."""
        from qualcode.core.lang import detect_language
        from qualcode.importers.speakers import find_turns

        lang = source.meta.get("lang")
        if lang not in ("id", "en"):
            lang = detect_language(text)
        fmt = source.meta.get("format")
        meta: dict[str, str] = {"refi_origin": self.refi.origin} if self.refi.origin else {}
        if source.description:
            meta["description"] = source.description
        if source.created:
            meta["created"] = source.created
        return ImportedDocument(
            name=name,
            text=text,
            turns=tuple(find_turns(text, speakers)),
            source_path=f"{self.label}#{source.guid}",
            source_format=fmt if isinstance(fmt, str) and fmt else "refi",
            encoding="utf-8",
            lang=str(lang),
            meta=meta,
        )

    # ---------------------------------------------------------------- variables and cases

    def variables(self) -> None:
        existing = {a["name"]: a for a in self.project.cases.attributes()}
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
        existing = {c.name: c for c in self.project.cases.cases()}
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
            self._values(name, case.values, _("case {name!r}").format(name=case.name))
        self._source_cases(set(existing), planned)

    def _source_cases(self, existing: set[str], planned: set[str]) -> None:
        """Variable values on a source go to the case of its document (made when
        there is none), with a warning."""
        tally = self.t["cases"]
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
                self._values(name, source.values, _("source {name!r}").format(name=source.name))

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
        known = self.project.refi.known_guids()
        self.known = known
        identical = self.project.refi.identical_codings()
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
                self._coding(source, c, doc, text, identical, notes, case_guids)

        kinds = dict(self.refi.coding_kinds)
        self.report.coding_kinds = kinds
        if kinds:
            # every coding of the file, of every kind (those of pictures, recordings
            # and PDF areas cannot come in: they are counted and skipped)
            tally.in_file = sum(kinds.values())
            tally.skipped = tally.in_file - tally.added - tally.matched

    def _coding(
        self,
        source: RefiSource,
        c: RefiCoding,
        doc: str,
        text: str,
        identical: set[tuple[str, str, int, int, str]],
        notes: Mapping[str, RefiNote],
        case_guids: set[str],
    ) -> None:
        """Plan one coding of a source, or count it as matched or skipped."""
        tally = self.t["codings"]
        what = _("source {name!r}: coding {guid}").format(name=source.name, guid=c.guid)
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
            return
        by_kind = self.report.kinds.setdefault(c.kind, Tally())
        if c.guid in self.known["coding"]:
            tally.matched += 1
            by_kind.matched += 1
            tally.how["guid"] = tally.how.get("guid", 0) + 1
            return
        if c.guid in self.known["tombstone"]:
            self.report.notes.append(
                _("{what} was deleted in the project; not brought back").format(what=what)
            )
            tally.skipped += 1
            return
        coder = self.coder(c.coder, what)
        key = (doc, code_id, c.start, c.end, coder)
        if key in identical:
            tally.matched += 1
            by_kind.matched += 1
            tally.how["span"] = tally.how.get("span", 0) + 1
            return
        identical.add(key)
        meta = c.meta
        reviewer = meta.get("reviewer") if isinstance(meta.get("reviewer"), str) else None
        reviewed_at = meta.get("reviewed_at") if isinstance(meta.get("reviewed_at"), str) else None
        coding = Coding(
            guid=c.guid,
            doc=doc,
            code=code_id,
            start=c.start,
            end=c.end,
            coder=coder,
            created=c.created or _now(),
            quote=text[c.start : c.end],
            memo=self._coding_memo(c, notes),
            reviewer=reviewer,
            reviewed_at=reviewed_at,
            **self._coding_state(meta),
        )
        self.plan.codings.append((coding, c.selection or None))
        self.coding_guids.add(c.guid)
        tally.added += 1
        by_kind.added += 1
        self._comments(c, coder)

    def _coding_memo(self, c: RefiCoding, notes: Mapping[str, RefiNote]) -> str | None:
        """The coding's memo: the text of the notes it refers to (each then counts as
        used) and its own memo."""
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
        return "\n\n".join(memo_parts) or None

    def _coding_state(self, meta: Mapping[str, Any]) -> dict[str, str]:
        """Origin, status, review and anchor from the coding's extras (defaults for
        values qualcode does not know)."""
        state = {
            "origin": _pick(meta.get("origin"), _ORIGINS, Origin.IMPORT.value),
            "status": _pick(meta.get("status"), _STATUSES, Status.ACCEPTED.value),
            "review": _pick(meta.get("review"), _REVIEWS, Review.UNREVIEWED.value),
            "anchor": _pick(meta.get("anchor"), _ANCHORS, Anchor.EXACT.value),
        }
        if "origin" not in meta:
            # qualcode leaves out the default (manual); other tools' codings came in
            state["origin"] = Origin.MANUAL.value if self.from_qualcode else Origin.IMPORT.value
        return state

    def _comments(self, c: RefiCoding, coder: str) -> None:
        """The review comments on a coding the project does not hold yet."""
        known = self.known
        for comment in c.meta.get("comments", []) or []:
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

    # ---------------------------------------------------------------- memos

    def memos(self) -> None:
        theme_by_guid = {t.guid: t.guid for t in self.project.themes.themes()} | {
            st.guid: st.guid for st in self.refi.sets if isinstance(st.meta.get("theme"), dict)
        }
        targets: dict[str, Mapping[str, str]] = {
            "document": self.doc_of,
            "code": self.code_ids,
            "case": self.case_of,
            "theme": theme_by_guid,
        }
        tally = self.t["memos"]
        refs = self._note_refs()
        tally.in_file = len(self.refi.notes) + sum(len(s.passage_notes) for s in self.refi.sources)
        field_memos: dict[str, list[str]] = {}
        in_passages = {g for s in self.refi.sources for p in s.passage_notes for g in p.notes}
        for note in self.refi.notes:
            if note.guid in in_passages and note.guid not in refs:
                continue  # its text goes into the passage's memo below
            if self._note_counted(note) or self._field_or_coding_note(note, field_memos):
                continue
            kind, target = self._note_target(note, refs, targets)
            self.plan.memos.append(
                Memo(
                    guid=note.guid,
                    kind=str(kind),
                    target=target if kind != "project" else None,
                    author=self.coder(
                        note.author, _("note {name!r}").format(name=note.name or note.guid)
                    ),
                    created=note.created or _now(),
                    updated=note.modified or note.created or _now(),
                    title=note.name,
                    text=note.text,
                )
            )
            tally.added += 1
        for code_id, texts in field_memos.items():
            self.plan.code_fills.setdefault(code_id, {})["memo"] = "\n\n".join(texts)
        self._passage_memos()

    def _note_refs(self) -> dict[str, tuple[str, str | None]]:
        """note guid -> (kind, target) of what refers to it: the project, a source,
        a code."""
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
        return refs

    def _note_counted(self, note: RefiNote) -> bool:
        """Count a note that became a coding's memo, is in the project, or was
        deleted there; False for one still to place."""
        tally = self.t["memos"]
        if note.guid in self.consumed:
            tally.added += 1  # it became the memo of the coding that refers to it
            return True
        if note.guid in self.known["memo"]:
            tally.matched += 1
            tally.how["guid"] = tally.how.get("guid", 0) + 1
            return True
        if note.guid in self.known["tombstone"]:
            tally.skipped += 1
            return True
        return False

    def _field_or_coding_note(self, note: RefiNote, field_memos: dict[str, list[str]]) -> bool:
        """A code's memo field (kept for the code) or the memo of a coding not
        imported (counted); False for any other note."""
        tally = self.t["memos"]
        kind = note.meta.get("kind")
        target_guid = note.meta.get("target")
        if kind == "code-field" and isinstance(target_guid, str):
            code_id = self.code_ids.get(target_guid)
            if code_id is not None:
                if self.code_memos.get(code_id) == note.text:
                    tally.matched += 1
                    tally.how["text"] = tally.how.get("text", 0) + 1
                else:
                    field_memos.setdefault(code_id, []).append(note.text)
                    tally.added += 1
                return True
        if kind == "coding":
            # a coding memo whose coding was not imported: already there, or skipped
            if target_guid in self.known["coding"]:
                tally.matched += 1
                tally.how["coding"] = tally.how.get("coding", 0) + 1
            else:
                tally.skipped += 1
            return True
        return False

    def _note_target(
        self,
        note: RefiNote,
        refs: Mapping[str, tuple[str, str | None]],
        targets: Mapping[str, Mapping[str, str]],
    ) -> tuple[Any, str | None]:
        """The memo kind and target of a note: from its extras, else from what refers
        to it, else a project memo (with a warning)."""
        kind = note.meta.get("kind")
        target_guid = note.meta.get("target")
        target: str | None = None
        if kind in MEMO_KINDS and isinstance(target_guid, str):
            target = targets.get(str(kind), {}).get(target_guid)
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
        return kind, target

    def _passage_memos(self) -> None:
        """A document memo per note on a passage, quoting the passage."""
        tally = self.t["memos"]
        notes = {n.guid: n for n in self.refi.notes}
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
                        author=self.coder(p.author, _("source {name!r}").format(name=source.name)),
                        created=p.created or _now(),
                        updated=p.created or _now(),
                        title=f"passage {p.start}–{p.end}",
                        text="\n\n".join(parts),
                    )
                )
                self.known["memo"].add(p.guid)
                tally.added += 1

    # ---------------------------------------------------------------- themes

    def themes(self) -> None:
        """Sets of codes become themes (qualcode's own with every field from the
        extras); sets of documents are reported as skipped."""
        tally = self.t["themes"]
        tally.in_file = len(self.refi.sets)
        existing = self.project.themes.themes()
        by_guid = {t.guid: t for t in existing}
        taken = {t.id for t in existing}
        known = self.project.refi.known_guids()
        self.theme_guids: set[str] = set(by_guid)
        records = self.project.refi.code_records()
        self.code_guid_of = {cid: r["guid"] for cid, r in records.items()}
        for built, guid, _codable in self.plan.new_codes:
            self.code_guid_of[built.id] = guid
        codings_here = known["coding"] | self.coding_guids
        planned: list[tuple[RefiSet, dict[str, Any]]] = []
        for st in self.refi.sets:
            meta = st.meta.get("theme") if isinstance(st.meta.get("theme"), dict) else None
            set_name = st.name or st.guid
            codes = [self.code_ids[g] for g in st.codes if g in self.code_ids]
            if self._set_not_imported(st, meta, codes, set(by_guid), known["tombstone"]):
                continue
            row = self._theme_row(st, meta, taken)
            planned.append((st, row))
            self.theme_guids.add(st.guid)
            for code_id in dict.fromkeys(codes):
                self.plan.theme_codes.append(
                    (st.guid, code_id, derived_guid("member", st.guid, code_id))
                )
            self._theme_extracts(st, meta, set_name, codings_here)
            tally.added += 1
        self.plan.themes = self._parents_first(planned)

    def _set_not_imported(
        self,
        st: RefiSet,
        meta: dict[str, Any] | None,
        codes: list[str],
        here: set[str],
        tombstones: set[str],
    ) -> bool:
        """Count and report a set that does not become a theme: one of documents or
        notes only, one already here or deleted here, one of no code this import
        knows. (Documents and notes in any set are counted as skipped.)"""
        tally = self.t["themes"]
        set_name = st.name or st.guid
        if st.sources or st.notes:
            n = len(st.sources) + len(st.notes)
            in_sets = N_("documents or notes in sets")
            self.report.skipped[in_sets] = self.report.skipped.get(in_sets, 0) + n
            if not st.codes and meta is None:
                self.warn(
                    _(
                        "set {name!r} holds documents or notes, not codes: skipped "
                        "(a qualcode theme is a set of codes)"
                    ).format(name=set_name)
                )
                tally.skipped += 1
                return True
        if st.guid in here:
            tally.matched += 1
            tally.how["guid"] = tally.how.get("guid", 0) + 1
            return True
        if st.guid in tombstones:
            tally.skipped += 1
            self.report.notes.append(
                _("set {name!r}: deleted in this project; not imported again").format(name=set_name)
            )
            return True
        if not codes and meta is None:
            self.warn(
                _("set {name!r} has no code this import knows: skipped").format(name=set_name)
            )
            tally.skipped += 1
            return True
        return False

    def _theme_row(
        self, st: RefiSet, meta: dict[str, Any] | None, taken: set[str]
    ) -> dict[str, Any]:
        """The theme a set becomes: its own id when free, label, status, colour,
        parent, place and author (from qualcode's extras when the set has them)."""
        from qualcode.core.themes import THEME_ID_RE, free_id, slug

        m = meta or {}
        wanted = m.get("id")
        base = (
            str(wanted)
            if isinstance(wanted, str) and THEME_ID_RE.match(wanted)
            else slug(st.name or "theme")
        )
        theme_id = free_id(base, taken)
        taken.add(theme_id)
        label: Any = st.name or theme_id
        if isinstance(m.get("label"), str | dict):
            raw = m["label"]
            label = _in_order(raw, m.get("label_order")) if isinstance(raw, dict) else raw
        status, reason = _theme_status(m)
        color = m.get("color")
        row = {
            "guid": st.guid,
            "id": theme_id,
            "label": label,
            "definition": st.description,
            "status": status,
            "reason": reason,
            "color": color if isinstance(color, str) and parse_color(color)[0] else None,
            "parent": m.get("parent"),
            "position": m.get("position", 0),
            "coder": self.coder(None, _("set {name!r}").format(name=st.name or st.guid)),
            "created": str(m.get("created") or _now()),
            "version": int(m.get("version") or 1),
        }
        if isinstance(m.get("coder"), str):
            row["coder"] = m["coder"]
        return row

    def _theme_extracts(
        self, st: RefiSet, meta: dict[str, Any] | None, set_name: str, codings_here: set[str]
    ) -> None:
        """A set's key extracts whose passages are in the project."""
        for e in (meta or {}).get("extracts", []) if meta else []:
            if not isinstance(e, dict) or not isinstance(e.get("coding"), str):
                continue
            if e["coding"] not in codings_here:
                self.warn(
                    _(
                        "set {name!r}: a key extract's passage is not in the project; skipped"
                    ).format(name=set_name)
                )
                continue
            ex_guid = e.get("guid") if isinstance(e.get("guid"), str) else None
            self.plan.theme_extracts.append(
                (
                    st.guid,
                    e["coding"],
                    str(e.get("translation") or ""),
                    ex_guid or derived_guid("extract", st.guid, e["coding"]),
                )
            )

    def _parents_first(self, planned: list[tuple[RefiSet, dict[str, Any]]]) -> list[dict[str, Any]]:
        """The planned themes, parents first; a parent neither here nor in the file
        makes a top-level theme."""
        order = {st.guid: i for i, (st, _) in enumerate(planned)}
        rows = [row for _, row in planned]
        for row in rows:
            if row["parent"] not in self.theme_guids:
                row["parent"] = None

        def depth(row: dict[str, Any]) -> int:
            n, seen, parent = 0, set(), row["parent"]
            by = {r["guid"]: r for r in rows}
            while parent in by and parent not in seen:
                seen.add(parent)
                n += 1
                parent = by[parent]["parent"]
            return n

        return sorted(rows, key=lambda r: (depth(r), order[r["guid"]]))

    def relations(self) -> None:
        """Links become relations; their ends may be codes, themes, sources (documents)
        and codings (passages)."""
        from qualcode.core.themes import NODE_KINDS

        tally = self.t["relations"]
        tally.in_file = len(self.refi.links)
        if not self.refi.links:
            return
        types = self.project.themes.relation_types()
        existing = {r.guid for r in self.project.themes.relations()}
        known = self.project.refi.known_guids()
        ends = _Ends(self, known["coding"])
        for link in self.refi.links:
            link_name = link.name or link.guid
            if link.guid in existing:
                tally.matched += 1
                tally.how["guid"] = tally.how.get("guid", 0) + 1
                continue
            if link.guid in known["tombstone"]:
                tally.skipped += 1
                continue
            a, b = ends.end(link.origin), ends.end(link.target)
            if a is None or b is None or a == b:
                self.warn(
                    _("link {name!r}: one of its ends is not in the project; skipped").format(
                        name=link_name
                    )
                )
                tally.skipped += 1
                continue
            meta = link.meta.get("relation") if isinstance(link.meta.get("relation"), dict) else {}
            assert isinstance(meta, dict)
            kind, memo = _link_type(link, types, str(meta.get("memo") or ""), meta.get("type"))
            directed = meta.get("directed")
            if not isinstance(directed, bool):
                directed = link.direction in ("OneWay",) if link.direction else kind.directed
            if a[0] not in NODE_KINDS or b[0] not in NODE_KINDS:  # pragma: no cover
                continue
            self.plan.relations.append(
                {
                    "guid": link.guid,
                    "source_kind": a[0],
                    "source_guid": a[1],
                    "target_kind": b[0],
                    "target_guid": b[1],
                    "type": kind.id,
                    "directed": directed,
                    "memo": memo,
                    "coder": str(meta.get("coder") or self.project.coder),
                    "created": str(meta.get("created") or _now()),
                }
            )
            tally.added += 1

    def map_positions(self) -> None:
        """The vertices of a graph (qualcode's thematic map, else the file's first
        graph) place the map's nodes they represent; a node the project has already
        placed keeps its place."""
        from qualcode.store.thematic_map import POSITIONS_KEY

        if not self.refi.graphs:
            return
        ours = derived_guid("map-graph", "thematic map")
        graph = next((g for g in self.refi.graphs if g.guid == ours), self.refi.graphs[0])
        theme_id = {t.guid: t.id for t in self.project.themes.themes()}
        theme_id.update({row["guid"]: row["id"] for row in self.plan.themes})
        ends = _Ends(self, self.project.refi.known_guids()["coding"])
        placed: dict[str, list[float]] = {}
        missing = 0
        for v in graph.vertices:
            key = ends.node_key(v.represented, theme_id)
            if key is None:
                missing += 1
                continue
            placed[key] = list(_vertex_place(v, self.refi.extras.get(v.guid)))
        if placed:
            self.plan.settings[POSITIONS_KEY] = dict(sorted(placed.items()))
            self.report.notes.append(_placed_line(graph.name or graph.guid, len(placed), missing))
        if len(self.refi.graphs) > 1:
            self.report.skipped[N_("graphs")] = len(self.refi.graphs) - 1


def _relations_of(raw: Any) -> list[dict[str, Any]] | None:
    """The relation vocabulary a codebook's extras carry, in the YAML shape, each
    label in its language order; ``None`` when there is none or it does not
    validate as the codebook's ``relations:`` would (then the default applies)."""
    from qualcode.core.codebook import validate_codebook_data

    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        return None
    items = [
        {
            **{k: v for k, v in item.items() if k != "label_order"},
            **(
                {"label": _in_order(item["label"], item.get("label_order"))}
                if isinstance(item.get("label"), dict)
                else {}
            ),
        }
        for item in raw
    ]
    if validate_codebook_data({"version": 1, "codes": [], "relations": items}, {}, "extras"):
        return None
    return items


def _vertex_place(v: RefiVertex, meta: Mapping[str, Any] | None) -> tuple[float, float]:
    """Where a vertex puts its node: the exact place qualcode's extras keep (the
    schema's corners are whole numbers), unless the vertex was moved since (its
    centre is more than a unit away), else the centre of its box."""
    x, y = v.centre
    place = (meta or {}).get("map")
    if isinstance(place, dict):
        ex, ey = place.get("x"), place.get("y")
        if (
            isinstance(ex, int | float)
            and isinstance(ey, int | float)
            and not isinstance(ex, bool)
            and not isinstance(ey, bool)
            and abs(ex - x) <= 1
            and abs(ey - y) <= 1
        ):
            return float(ex), float(ey)
    return x, y


def _in_order(raw: Mapping[Any, Any], order: Any) -> dict[str, str]:
    """A bilingual label with its languages in the order the exporting project had
    them (``label_order``; the extras are written with sorted keys), the first being
    the label's main language; languages the order does not name follow as written."""
    label = {str(k): str(v) for k, v in raw.items()}
    first = [str(k) for k in order if str(k) in label] if isinstance(order, list) else []
    return {k: label[k] for k in dict.fromkeys([*first, *label])}


def _theme_status(meta: Mapping[str, Any]) -> tuple[Any, str]:
    """A theme's status and reason: a candidate unless a known status is given (a
    discarded theme needs its reason)."""
    from qualcode.core.themes import THEME_STATUSES

    status = meta.get("status")
    reason = str(meta.get("reason") or "")
    if status not in THEME_STATUSES or (status == "discarded" and not reason.strip()):
        status = "candidate"
    return status, reason


class _Ends:
    """What a GUID in the file stands for once the plan is made: a code, a theme, a
    document or a passage (for the ends of links and the vertices of a graph)."""

    def __init__(self, planner: _Planner, known_codings: set[str]) -> None:
        self.planner = planner
        docs = planner.project.refi.document_records()
        self.doc_guid = {n: r["guid"] for n, r in docs.items()}
        for doc, _sentences, guid in planner.plan.documents:
            self.doc_guid[doc.name] = guid
        self.codings_here = known_codings | planner.coding_guids
        self.selections = {c.selection: c.guid for s in planner.refi.sources for c in s.codings}

    def end(self, guid: str | None) -> tuple[str, str] | None:
        """(node kind, node guid) of a link's end, or None."""
        p = self.planner
        if guid is None:
            return None
        if guid in p.code_ids:
            code_guid = p.code_guid_of.get(p.code_ids[guid])
            return ("code", code_guid) if code_guid else None
        if guid in p.theme_guids:
            return ("theme", guid)
        if guid in p.doc_of:
            return ("document", self.doc_guid[p.doc_of[guid]])
        guid = self.selections.get(guid, guid)
        if guid in self.codings_here:
            return ("passage", guid)
        return None

    def node_key(self, rep: str | None, theme_id: Mapping[str, str]) -> str | None:
        """The map key (``kind:id``) of the node a graph vertex represents, or None."""
        p = self.planner
        if rep is None:
            return None
        if rep in p.code_ids:
            return f"code:{p.code_ids[rep]}"
        if rep in theme_id:
            return f"theme:{theme_id[rep]}"
        if rep in p.doc_of:
            return f"document:{self.doc_guid[p.doc_of[rep]]}"
        if self.selections.get(rep, rep) in self.codings_here:
            return f"passage:{self.selections.get(rep, rep)}"
        return None


def _link_type(
    link: RefiLink, types: tuple[RelationType, ...], memo: str, type_id: object
) -> tuple[RelationType, str]:
    """A link's relation type: the one its extras name, else one its name names,
    else "is associated with" with the link's name kept at the head of the memo."""
    from qualcode.core.themes import relation_type

    kind = next((t for t in types if t.id == type_id), None)
    if kind is None:
        try:
            kind = relation_type(types, link.name) if link.name else None
        except QualcodeError:
            kind = None
    if kind is None:
        kind = next((t for t in types if t.id == "is_associated_with"), types[0])
        if link.name:
            memo = (f"[{link.name}] " + memo).strip()
    return kind, memo


def _placed_line(name: str, placed: int, missing: int) -> str:
    """The note on how many vertices of a graph were placed (and left out)."""
    line = plural(
        placed,
        "graph {name!r}: {n} vertex placed on the thematic map",
        "graph {name!r}: {n} vertices placed on the thematic map",
        name=name,
    )
    if missing:
        line = plural(
            missing,
            "{line}; {n} stands for nothing in the project and was left out",
            "{line}; {n} stand for nothing in the project and were left out",
            line=line,
        )
    return line


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
