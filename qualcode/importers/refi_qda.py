"""Reading REFI-QDA files: ``.qdc`` codebooks, ``.qdpx`` projects and bare ``.qde``.

Files from real tools differ from the standard; this reader copes and says so. Every
difference becomes a :class:`~qualcode.errors.Problem` in :attr:`RefiRead.problems`
(the CLI prints each as ``warning: FILE: ...``; ``--strict`` refuses the file when
there is any). What it copes with:

* the namespace written ``urn:QDA-XML:codebook:1:0``, another one, or none; a stale
  ``xsi:schemaLocation``;
* the inner project named ``Name.qde`` (or inside a folder) instead of
  ``project.qde``; ``Sources/`` with a capital S; source paths without
  ``internal://``; a zip written with backslashes;
* Windows line ends counted as one character, UTF-16 counting, inclusive ends
  (guessed per source from the selections, see :class:`~qualcode.core.refi.SourcePositions`);
* GUIDs in either case, with or without braces, or reused; colours as ``#RGB``,
  ``#RRGGBB``, with alpha, or ``rgb(...)``; ``isCodable`` written ``True``;
* empty ``<Codes/>`` / ``<Sets/>``; every code codable, parents too; a selection
  with a memo but no coding; a coding that points at a case; selections whose end
  is before their start or past the text; missing source files.

What it refuses, with one line and before anything is written (:class:`InputError`):
member names or source paths that escape the archive or folder (``..``, absolute,
a drive letter), a zip whose uncompressed size is over the limit or whose
compression ratio is a zip bomb's, XML with entity declarations (entity expansion)
or external entities (parsed with defusedxml), files that are not REFI-QDA at all.
Nothing is ever extracted to disk: the members are read into memory, bounded.
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, ProcessingInstruction, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, fromstring

from qualcode.core.codebook import MAX_DEPTH
from qualcode.core.refi import (
    CODEBOOK_NS,
    CODEBOOK_XSD,
    EXTRAS_TARGET,
    LINK_DIRECTIONS,
    PROJECT_NS,
    PROJECT_XSD,
    XSI_NS,
    PositionScheme,
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiEdge,
    RefiGraph,
    RefiLink,
    RefiNote,
    RefiPassageNote,
    RefiProject,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
    RefiVertex,
    SourcePositions,
    derived_guid,
    parse_color,
    parse_guid,
    read_extras,
    split_meta,
    tidy,
)
from qualcode.errors import InputError, Problem
from qualcode.files import open_regular, read_limited
from qualcode.i18n import N_, _, plural
from qualcode.importers.zips import ZIP_ERRORS, zip_reason

REFI_SUFFIXES = (".qdc", ".qdpx", ".qde")
"""File suffixes that ``qualcode import`` hands to this reader."""

MAX_ARCHIVE_BYTES = int(os.environ.get("QUALCODE_MAX_QDPX_BYTES", 8 * 1024**3))
"""Largest total uncompressed size of a ``.qdpx`` (8 GiB: video sources are large)."""
MAX_MEMBER_BYTES = int(os.environ.get("QUALCODE_MAX_QDPX_MEMBER_BYTES", 256 * 1024**2))
"""Largest ``project.qde`` or text source read into memory (256 MiB)."""
MAX_RATIO = 100
"""A member over 10 MiB that compresses better than 100:1 is taken for a zip bomb
(interview text compresses about 3:1, project XML about 15:1)."""
MAX_MEMBERS = 100_000

_VARIABLE_TYPES = {
    "text": "text",
    "boolean": "boolean",
    "integer": "integer",
    "float": "float",
    "date": "date",
    "datetime": "datetime",
}
_VALUE_TAGS = {
    "TextValue": "text",
    "BooleanValue": "boolean",
    "IntegerValue": "integer",
    "FloatValue": "float",
    "DateValue": "date",
    "DateTimeValue": "datetime",
}
_DRIVE = re.compile(r"^[A-Za-z]:")


MEDIA_SKIPPED = {
    "picture": (N_("picture sources"), N_("picture codings")),
    "audio": (N_("audio sources"), N_("audio codings")),
    "video": (N_("video sources"), N_("video codings")),
}
"""What the summary says was not imported, for sources of each medium."""


@dataclass
class RefiRead:
    """What :func:`read_refi` found: the content and every difference from the standard.

    Attributes:
        project: the content.
        problems: every way the file differs from the standard or is unusual, one
            warning each (the import goes on).
        notices: what qualcode did that is no difference from the standard.
        violations: the problems the standard's rules refuse (a dangling reference, a
            position outside the text, a GUID used twice, a missing file, ...); they
            are among ``problems`` too. ``--strict`` refuses a file with any.
        schema_errors: where the XML does not validate against the official schema
            (checked only when asked, as ``--strict`` does).
    """

    project: RefiProject
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    violations: list[Problem] = field(default_factory=list)
    schema_errors: list[Problem] = field(default_factory=list)


# --------------------------------------------------------------------- containers


def _unsafe(name: str) -> str | None:
    """Why a path inside an archive or project folder is refused, or ``None``."""
    if "\x00" in name:
        return "contains a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "escapes the folder ('..')"
    return None


class _Files:
    """The files a project refers to: zip members or a folder, read with limits."""

    def __init__(self, label: str, problems: list[Problem]) -> None:
        self.label = label
        self.problems = problems
        self.base = ""  # folder of project.qde inside the archive
        self.fallback: _Files | None = None
        """Another place to look (``--sources DIR``) when a file is not here."""

    def looked_in(self) -> list[str]:
        """Where sources were looked for, for the message about a missing one."""
        return [f"{self.label}: sources/"] + (self.fallback.looked_in() if self.fallback else [])

    def get(self, name: str) -> bytes | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def find(self, name: str) -> str | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def warn(self, message: str) -> None:
        self.problems.append(Problem(message, self.label))

    def source(self, path: str, what: str) -> bytes | None:
        """The bytes of a source referred to by ``path`` (a REFI-QDA URL), or ``None``.

        Raises:
            InputError: a path that escapes the folder or is absolute.
        """
        raw = path.strip()
        scheme, sep, rest = raw.partition("://")
        if not sep:
            scheme, rest = "", raw
        scheme = scheme.lower()
        if scheme == "absolute" or (scheme == "file"):
            self.warn(
                _("{what}: {raw!r} is a file outside the project; not read").format(
                    what=what, raw=raw
                )
            )
            return None
        why = _unsafe(rest)
        if why:
            raise InputError(
                _("{what}: source path {raw!r} {why}; refused, nothing imported").format(
                    what=what, raw=raw, why=why
                ),
                path=self.label,
                hint=_("a REFI-QDA source lives inside the project as internal://GUID.txt"),
            )
        if scheme not in ("internal", "relative", ""):
            self.warn(
                _("{what}: unknown path scheme in {raw!r}; read as internal://").format(
                    what=what, raw=raw
                )
            )
        if not scheme:
            self.warn(
                _("{what}: source path {raw!r} has no internal:// (read from sources/)").format(
                    what=what, raw=raw
                )
            )
        rest = rest.replace("\\", "/")
        name = rest.split("/")[-1] if rest.lower().startswith("sources/") else rest
        for candidate in (f"{self.base}sources/{name}", f"{self.base}{rest}", name):
            found = self.find(candidate)
            if found is None:
                continue
            if found != candidate:
                if found.lower().startswith(
                    f"{self.base}sources/".lower()
                ) and not found.startswith(f"{self.base}sources/"):
                    folder = found[len(self.base) :].split("/")[0]
                    self.warn(
                        _("{what}: sources are in {folder!r}, not 'sources/'").format(
                            what=what, folder=folder + "/"
                        )
                    )
                else:
                    self.warn(
                        _("{what}: {raw!r} found as {found!r}").format(
                            what=what, raw=raw, found=found
                        )
                    )
            elif candidate != f"{self.base}sources/{name}":
                self.warn(
                    _("{what}: {raw!r} is not in sources/; found as {found!r}").format(
                        what=what, raw=raw, found=found
                    )
                )
            if scheme == "relative":
                self.warn(
                    _("{what}: relative:// path {raw!r} read from inside the project").format(
                        what=what, raw=raw
                    )
                )
            return self.get(found)
        if self.fallback is not None:
            for candidate in (name, rest):
                found = self.fallback.find(candidate)
                if found is not None:
                    return self.fallback.get(found)
        return None


class _ZipFiles(_Files):
    def __init__(self, zf: zipfile.ZipFile, label: str, problems: list[Problem]) -> None:
        super().__init__(label, problems)
        self.zf = zf
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.lower: dict[str, str] = {}
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            self.members[name] = info
            self.lower.setdefault(name.lower(), name)

    def find(self, name: str) -> str | None:
        if name in self.members:
            return name
        return self.lower.get(name.lower())

    def get(self, name: str) -> bytes | None:
        info = self.members[name]
        try:
            with self.zf.open(info) as fh:
                data = fh.read(MAX_MEMBER_BYTES + 1)
        except ZIP_ERRORS as exc:  # zlib, seek and EOF errors from a damaged member
            raise InputError(
                _("the archive is damaged ({name}: {exc})").format(name=name, exc=zip_reason(exc)),
                path=self.label,
                hint=_("export it again"),
            ) from None
        if len(data) > MAX_MEMBER_BYTES:
            raise InputError(
                _("{name} is larger than {MAX_MEMBER_BYTES:,} bytes; refused").format(
                    name=name, MAX_MEMBER_BYTES=MAX_MEMBER_BYTES
                ),
                path=self.label,
                hint=_("raise QUALCODE_MAX_QDPX_MEMBER_BYTES if the file is genuine"),
            )
        return data


class _FolderFiles(_Files):
    def __init__(self, root: Path, label: str, problems: list[Problem]) -> None:
        super().__init__(label, problems)
        self.root = root.resolve()

    def looked_in(self) -> list[str]:
        here = [str(self.root / "sources"), str(self.root / "Sources")]
        return here + (self.fallback.looked_in() if self.fallback else [])

    def find(self, name: str) -> str | None:
        path = self.root / name
        if path.is_file():
            return name
        # case-insensitive, one level at a time
        current = self.root
        parts = [p for p in name.split("/") if p]
        found: list[str] = []
        for part in parts:
            if not current.is_dir():
                return None
            match = next((c for c in current.iterdir() if c.name.lower() == part.lower()), None)
            if match is None:
                return None
            found.append(match.name)
            current = match
        return "/".join(found) if current.is_file() else None

    def get(self, name: str) -> bytes | None:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise InputError(
                _(
                    "source {name!r} escapes the project folder (a link); refused, nothing imported"
                ).format(name=name),
                path=self.label,
            )
        try:
            return read_limited(path, limit=MAX_MEMBER_BYTES)
        except InputError as exc:
            raise InputError(
                _("source {name!r}: {exc.problem.message}").format(name=name, exc=exc),
                path=self.label,
                hint=exc.problem.hint,
            ) from None


class _DirFiles(_FolderFiles):
    """``--sources DIR``: source files straight in DIR (or in its sources/)."""

    def looked_in(self) -> list[str]:
        return [str(self.root)]

    def find(self, name: str) -> str | None:
        base = name.replace("\\", "/").split("/")[-1]
        for candidate in (base, f"sources/{base}"):
            found = super().find(candidate)
            if found is not None:
                return found
        return None


def _check_archive(zf: zipfile.ZipFile, label: str, problems: list[Problem]) -> None:
    """Refuse a hostile archive before reading any member."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise InputError(
            _("the archive has {n:,} members; refused").format(n=len(infos)), path=label
        )
    total = 0
    backslashes = False
    for info in infos:
        name = info.filename
        why = _unsafe(name)
        if why:
            raise InputError(
                _("archive member {name!r} {why}; refused, nothing imported").format(
                    name=name, why=why
                ),
                path=label,
                hint=_("the file may be hostile; ask for a fresh export"),
            )
        if "\\" in name:
            backslashes = True
        total += info.file_size
        if info.file_size > 10 * 1024**2 and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputError(
                _(
                    "archive member {name!r} expands {ratio:,} times ({info.file_size:,} bytes): a zip bomb; refused, nothing imported"
                ).format(name=name, ratio=ratio, info=info),
                path=label,
            )
    if total > MAX_ARCHIVE_BYTES:
        raise InputError(
            _(
                "the archive expands to {total:,} bytes, over the limit of {MAX_ARCHIVE_BYTES:,}: a zip bomb?; refused, nothing imported"
            ).format(total=total, MAX_ARCHIVE_BYTES=MAX_ARCHIVE_BYTES),
            path=label,
            hint=_("raise QUALCODE_MAX_QDPX_BYTES if the file is genuine"),
        )
    if backslashes:
        problems.append(Problem(_("archive member names use '\\' instead of '/'"), label))


# --------------------------------------------------------------------- XML


def _parse_xml(data: bytes, label: str, *, instructions: bool = False) -> Element:
    """Parse XML with entity declarations and external references refused (processing
    instructions kept as elements when ``instructions``: the extras travel in one)."""
    try:
        if instructions:
            parser = DefusedXMLParser(
                target=TreeBuilder(insert_pis=True),
                forbid_dtd=False,
                forbid_entities=True,
                forbid_external=True,
            )
            parser.feed(data)
            root: Element = parser.close()
        else:
            root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            _(
                "XML with entity declarations or external references is refused ({name}); nothing imported"
            ).format(name=type(exc).__name__),
            path=label,
            hint=_("REFI-QDA files never need them; the file may be hostile"),
        ) from None
    except (LookupError, ValueError) as exc:  # expat asks Python for the declared encoding
        encoding = re.search(rb"""encoding\s*=\s*["']([^"']*)""", data[:200])
        name = encoding.group(1).decode("ascii", "replace") if encoding else "?"
        raise InputError(
            _("the XML declares the encoding {name!r}, which cannot be read ({exc})").format(
                name=name, exc=_first(exc)
            ),
            path=label,
            line=1,
            hint=_('REFI-QDA files are UTF-8: write encoding="utf-8"'),
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        raise InputError(
            _("not well-formed XML: {reason}").format(reason=str(exc).split(":")[0]),
            path=label,
            line=line,
            column=(column + 1) if column is not None else None,
        ) from None
    return root


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:120]


def _strip_namespaces(root: Element) -> set[str]:
    """Make every tag its local name; returns the namespaces that were used."""
    found: set[str] = set()
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            ns, _, local = tag[1:].partition("}")
            found.add(ns)
            el.tag = local
    return found


def _check_namespace(
    root: Element, label: str, problems: list[Problem], notices: list[str] | None = None
) -> str:
    """Check the root, the namespace and ``schemaLocation``; returns ``project``/``codebook``.

    A ``schemaLocation`` that points elsewhere (a relative path, an old URL) is legal
    and only noted; a wrong or missing namespace is a difference from the standard.
    """
    location = root.get(f"{{{XSI_NS}}}schemaLocation")
    no_ns_location = root.get(f"{{{XSI_NS}}}noNamespaceSchemaLocation")
    namespaces = _strip_namespaces(root)
    tag = root.tag
    if tag == "Project":
        kind, want, xsd = "project", PROJECT_NS, PROJECT_XSD
    elif tag == "CodeBook":
        kind, want, xsd = "codebook", CODEBOOK_NS, CODEBOOK_XSD
    elif isinstance(tag, str) and tag.lower() in ("project", "codebook"):
        kind = "project" if tag.lower() == "project" else "codebook"
        want, xsd = (PROJECT_NS, PROJECT_XSD) if kind == "project" else (CODEBOOK_NS, CODEBOOK_XSD)
        problems.append(Problem(_("root element written <{tag}>").format(tag=tag), label))
    else:
        raise InputError(
            _("not a REFI-QDA file: the root element is <{tag}>").format(tag=tag),
            path=label,
            hint=_("expected <Project> (.qde/.qdpx) or <CodeBook> (.qdc)"),
        )
    ns = sorted(namespaces - {XSI_NS})
    if not ns:
        problems.append(
            Problem(_("the XML has no namespace (the standard: {want!r})").format(want=want), label)
        )
    elif ns != [want]:
        problems.append(
            Problem(
                _("namespace written {written} (the standard: {want!r})").format(
                    written=", ".join(repr(n) for n in ns), want=want
                ),
                label,
            )
        )
    if location is not None:
        parts = location.split()
        if parts != [want, xsd] and notices is not None:
            notices.append(
                _("xsi:schemaLocation {parts!r} (the official schemas are used)").format(
                    parts=" ".join(parts)
                )
            )
    if no_ns_location is not None and notices is not None:
        notices.append(
            _(
                "xsi:noNamespaceSchemaLocation {no_ns_location!r} (the official schemas are used)"
            ).format(no_ns_location=no_ns_location)
        )
    return kind


def _children(el: Element | None, tag: str) -> list[Element]:
    return [] if el is None else [c for c in el if c.tag == tag]


def _child(el: Element | None, tag: str) -> Element | None:
    return None if el is None else next((c for c in el if c.tag == tag), None)


def _text(el: Element | None) -> str:
    return "" if el is None or el.text is None else el.text


def _descendants(el: Element, tag: str) -> list[Element]:
    return [c for c in el.iter() if c.tag == tag]


def _unquote(value: str) -> str:
    from urllib.parse import unquote

    return unquote(value)


# --------------------------------------------------------------------- reader


class _Reader:
    """One pass over a parsed project or codebook."""

    def __init__(self, label: str, problems: list[Problem], files: _Files | None) -> None:
        self.label = label
        self.problems = problems
        self.files = files
        self.guids: dict[str, set[str]] = {}
        self.skipped: dict[str, int] = {}
        self._anon = 0
        self._said: set[str] = set()
        self._invalid: dict[str, list[str]] = {}
        self._missing: dict[str, list[str]] = {}
        self.origin = ""
        self.notices: list[str] = []
        self.violations: list[Problem] = []
        self.extras: dict[str, dict[str, Any]] = {}
        self.kinds: dict[str, int] = {}
        self.missing_sources: list[tuple[str, int]] = []
        self.user_refs: list[tuple[str, str]] = []  # (what, user GUID) to check at the end
        self._unnamed = 0

    def warn(self, message: str) -> None:
        self.problems.append(Problem(message, self.label))

    def violation(self, message: str) -> None:
        """A difference the standard's rules refuse (``--strict`` refuses the file)."""
        problem = Problem(message, self.label)
        self.problems.append(problem)
        self.violations.append(problem)

    def count(self, kind: str, n: int) -> None:
        """``n`` codings of ``kind`` in the file (for the summary by kind)."""
        if n:
            self.kinds[kind] = self.kinds.get(kind, 0) + n

    def take_extras(self, root: Element) -> None:
        """Read (and drop from the tree) the ``qualcode-extras`` instruction."""
        pi: Any = ProcessingInstruction
        for child in list(root):
            tag: Any = child.tag
            if tag is pi:
                target, _, body = (child.text or "").partition(" ")
                if target == EXTRAS_TARGET:
                    items, problem = read_extras(body)
                    if problem:
                        self.warn(problem)
                    self.extras.update(items)
                root.remove(child)

    def skip(self, what: str, n: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + n

    def guid(self, el: Element, kind: str, attr: str = "guid", *, unique: bool = True) -> str:
        """The element's GUID, normalised; a missing, invalid or reused one is replaced.

        An identifier that is not a GUID (``code-1``) gets a GUID derived from it, the
        same for the element and for every reference to it; such differences are
        counted and reported once per kind (see :meth:`finish`).
        """
        raw = el.get(attr)
        name = el.get("name") or ""
        if raw is None or not raw.strip():
            self._anon += 1
            self._missing.setdefault(kind, []).append(name)
            return derived_guid(self.label, kind, name, str(self._anon))
        guid = parse_guid(raw)
        if guid is None:
            self._invalid.setdefault(kind, []).append(raw)
            guid = derived_guid("id", raw.strip().lower())
        elif raw.strip().startswith("{"):
            self._note_once("braces", _("GUIDs are written in braces {...}"))
        if unique:
            seen = self.guids.setdefault(kind, set())
            if guid in seen:
                self._anon += 1
                new = derived_guid(self.label, kind, guid, str(self._anon))
                self.violation(
                    _(
                        "{kind} {name!r} reuses the GUID {guid} of another {kind}; given a new one"
                    ).format(kind=kind, name=name, guid=guid)
                )
                return new
            seen.add(guid)
        return guid

    def as_guid(self, raw: str | None) -> str | None:
        """A reference as a GUID: normalised, or derived from an identifier that is not one."""
        if raw is None or not raw.strip():
            return None
        return parse_guid(raw) or derived_guid("id", raw.strip().lower())

    def finish(self) -> None:
        """Report the identifiers that were missing or not GUIDs, once per kind."""
        for kind, raws in self._invalid.items():
            self.warn(
                plural(
                    len(raws),
                    "{n} {kind} identifier is not a GUID ({raws!r}); given a GUID derived from it",
                    "{n} {kind} identifiers are not GUIDs (e.g. {raws!r}); given GUIDs derived "
                    "from them",
                    kind=kind,
                    raws=raws[0],
                )
            )
        for kind, names in self._missing.items():
            self.warn(
                plural(
                    len(names),
                    "{n} {kind} has no GUID; given a new one",
                    "{n} {kind} elements have no GUID; given new ones",
                    kind=kind,
                )
            )

    def _note_once(self, key: str, message: str) -> None:
        if key not in self._said:
            self._said.add(key)
            self.warn(message)

    def ref(self, el: Element | None, attr: str = "targetGUID") -> str | None:
        if el is None:
            return None
        return self.as_guid(el.get(attr))

    def refs(self, el: Element | None, tag: str) -> tuple[str, ...]:
        return tuple(g for g in (self.ref(c) for c in _children(el, tag)) if g)

    def description(
        self, el: Element | None, what: str, guid: str | None = None
    ) -> tuple[str, dict[str, Any]]:
        """The element's description (its writer's indentation removed, trimmed) and
        qualcode's extra fields for it: from the file's ``qualcode-extras``
        instruction, else from an old ``[qualcode:meta/1]`` block at its end."""
        text, meta, problem = split_meta(_text(_child(el, "Description")))
        if problem:
            self.warn(f"{what}: {problem}")
        if guid is not None and guid in self.extras:
            meta = dict(self.extras[guid])
        return tidy(text), meta

    # ---------------------------------------------------------------- codes

    def codes(self, codebook: Element | None) -> list[RefiCode]:
        codes_el = _child(codebook, "Codes")
        if codebook is not None and codes_el is None:
            self.warn(_("the codebook has no <Codes>"))
        out: list[RefiCode] = []
        if codes_el is not None and not len(codes_el):
            self.warn(_("empty <Codes/> (the schema wants at least one code)"))

        def walk(parent_el: Element, parent: str | None, depth: int = 1) -> None:
            if depth > MAX_DEPTH:
                raise InputError(
                    _("codes are nested more than {MAX_DEPTH} levels deep; refused").format(
                        MAX_DEPTH=MAX_DEPTH
                    ),
                    path=self.label,
                    hint=_("a codebook that deep cannot be shown or written back"),
                )
            for el in _children(parent_el, "Code"):
                guid = self.guid(el, "code")
                name = el.get("name")
                if not name or not name.strip():
                    name = f"code {guid[:8]}"
                    self.warn(_("a code has no name; called it {name!r}").format(name=name))
                raw_codable = el.get("isCodable")
                codable = True
                if raw_codable is None:
                    no_codable.append(name)
                elif raw_codable.strip() in ("true", "1"):
                    codable = True
                elif raw_codable.strip() in ("false", "0"):
                    codable = False
                elif raw_codable.strip().lower() in ("true", "yes", "false", "no"):
                    codable = raw_codable.strip().lower() in ("true", "yes")
                    self._note_once(
                        "codable-case",
                        _("isCodable written {raw_codable!r} (the standard: true/false)").format(
                            raw_codable=raw_codable
                        ),
                    )
                else:
                    self.warn(
                        _(
                            "code {name!r}: isCodable {raw_codable!r} is not a boolean; taken as true"
                        ).format(name=name, raw_codable=raw_codable)
                    )
                color, note = parse_color(el.get("color"))
                if note:
                    self.warn(_("code {name!r}: {note}").format(name=name, note=note))
                text, meta = self.description(el, _("code {name!r}").format(name=name), guid)
                out.append(
                    RefiCode(
                        guid=guid,
                        name=name,
                        codable=codable,
                        color=color,
                        description=text,
                        parent=parent,
                        notes=self.refs(el, "NoteRef"),
                        meta=meta,
                    )
                )
                walk(el, guid, depth + 1)

        no_codable: list[str] = []
        if codes_el is not None:
            walk(codes_el, None)
        if no_codable:
            self.warn(
                plural(
                    len(no_codable),
                    "{n} code has no isCodable ({no_codable!r}); taken as codable",
                    "{n} codes have no isCodable (e.g. {no_codable!r}); taken as codable",
                    no_codable=no_codable[0],
                )
            )
        parents = {c.parent for c in out if c.parent}
        if (
            parents
            and all(c.codable for c in out if c.guid in parents)
            and not self.origin.startswith("qualcode")
        ):
            # legal (isCodable is any code's own), and kept: any code can be applied
            self.notices.append(_("every code is marked codable, parents too (kept as it is)"))
        return out

    # ---------------------------------------------------------------- users, variables, cases

    def users(self, root: Element) -> list[RefiUser]:
        out = []
        users_el = _child(root, "Users")
        if users_el is not None and not len(users_el):
            self.warn(_("empty <Users/>"))
        for el in _children(users_el, "User"):
            guid = self.guid(el, "user")
            name = (el.get("name") or el.get("id") or "").strip()
            if not name:
                name = f"user-{guid[:8]}"
                self.warn(
                    _("user {guid} has no name; called {name!r}").format(guid=guid, name=name)
                )
            out.append(RefiUser(guid, name))
        return out

    def variables(self, root: Element) -> list[RefiVariable]:
        out = []
        for el in _children(_child(root, "Variables"), "Variable"):
            guid = self.guid(el, "variable")
            name = (el.get("name") or "").strip() or f"variable-{guid[:8]}"
            raw = (el.get("typeOfVariable") or "Text").strip()
            type_ = _VARIABLE_TYPES.get(raw.lower())
            if type_ is None:
                self.warn(
                    _("variable {name!r}: unknown typeOfVariable {raw!r}; read as text").format(
                        name=name, raw=raw
                    )
                )
                type_ = "text"
            elif raw not in ("Text", "Boolean", "Integer", "Float", "Date", "DateTime"):
                self.warn(
                    _("variable {name!r}: typeOfVariable written {raw!r}").format(
                        name=name, raw=raw
                    )
                )
            text, _meta = self.description(el, _("variable {name!r}").format(name=name))
            out.append(RefiVariable(guid, name, type_, text))
        return out

    def values(self, el: Element) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for vv in _children(el, "VariableValue"):
            ref = self.ref(_child(vv, "VariableRef"))
            if ref is None:
                self.warn(_("a <VariableValue> has no <VariableRef>; skipped"))
                continue
            value_el = next((c for c in vv if c.tag in _VALUE_TAGS), None)
            out[ref] = None if value_el is None else (value_el.text or "").strip()
        return out

    def cases(self, root: Element) -> list[RefiCase]:
        out = []
        for el in _children(_child(root, "Cases"), "Case"):
            guid = self.guid(el, "case")
            name = (el.get("name") or "").strip() or f"case-{guid[:8]}"
            text, meta = self.description(el, _("case {name!r}").format(name=name), guid)
            speakers = {
                (parse_guid(s.get("source")) or "", s.get("speaker"))
                for s in meta.get("speakers", []) or []
                if isinstance(s, dict)
            }
            sources = [(g, None) for g in self.refs(el, "SourceRef")]
            # a SourceRef stands for the whole source unless the block names speakers in it
            by_source = {g for g, sp in speakers if sp}
            sources = [(g, sp) for g, sp in sources if g not in by_source] + sorted(
                (g, sp) for g, sp in speakers if g and sp
            )
            selection_refs = self.refs(el, "SelectionRef")
            if _children(el, "CodeRef"):
                self.skip(N_("case code references"), len(_children(el, "CodeRef")))
            out.append(
                RefiCase(
                    guid=guid,
                    name=name,
                    description=text,
                    values=self.values(el),
                    sources=tuple(sources),
                    meta={**meta, "selections": list(selection_refs)} if selection_refs else meta,
                )
            )
        return out

    # ---------------------------------------------------------------- notes and sources

    def read_text(self, el: Element, what: str) -> str | None:
        """The text of a text source or note: inline, from its ``plainTextPath``, or
        (when that is missing or empty) from its ``richTextPath`` ``.docx``.

        When a source has both, the plain text is the one its positions count in (the
        standard's rule); the rich text is read only when the plain one is missing or
        empty, and then its paragraphs, one per line, are the text.
        """
        inline = _child(el, "PlainTextContent")
        path = el.get("plainTextPath")
        rich = el.get("richTextPath")
        if inline is not None:
            if path:
                self.violation(
                    _(
                        "{what}: both PlainTextContent and plainTextPath (the standard allows one); the inline text is used"
                    ).format(what=what)
                )
            return _text(inline)
        plain, missing = self._plain_file(path, what) if path else (None, False)
        if plain is not None and (plain.strip() or not rich):
            return plain
        if rich and self.files is not None:
            text = self._rich_text(rich, what, had_plain=plain is not None, had_path=bool(path))
            if text is not None:
                return text
        if plain is not None:
            return plain
        if missing or (rich and self.files is not None):
            self.missing_sources.append((what, 0))
            self.violation(
                _("{what}: its text file {value!r} is missing (and so is {rich!r})").format(
                    what=what, value=path or rich, rich=rich
                )
                if path and rich
                else _("{what}: its text file {value!r} is missing").format(
                    what=what, value=path or rich
                )
            )
            return None
        self.violation(_("{what}: has neither text nor a plainTextPath").format(what=what))
        return None

    def _plain_file(self, path: str, what: str) -> tuple[str | None, bool]:
        """The text of a ``plainTextPath``, and whether the file is missing."""
        if self.files is None:
            self.warn(
                _("{what}: its text is in {path!r}, which a bare file cannot hold").format(
                    what=what, path=path
                )
            )
            return None, False
        data = self.files.source(path, what)
        if data is None:
            return None, True
        return self._decode(data, what), False

    def _rich_text(self, rich: str, what: str, *, had_plain: bool, had_path: bool) -> str | None:
        """The text of a ``richTextPath`` .docx, used (with a notice saying why) when
        it holds any; None otherwise."""
        assert self.files is not None
        data = self.files.source(rich, what)
        if data is None:
            return None
        text = self._docx_text(data, what, rich)
        if text is None or not text.strip():
            return None
        why = "is empty" if had_plain else ("is missing" if had_path else "is not given")
        self.notices.append(
            _(
                "{what}: its plain text {why}; the text of {rich!r} is used (paragraphs one per line; positions are counted in it)"
            ).format(what=what, why=why, rich=rich)
        )
        return text

    def _docx_text(self, data: bytes, what: str, name: str) -> str | None:
        """The paragraphs of a ``.docx`` (one per line; tabs and line breaks kept)."""
        import io

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                info = docx.getinfo("word/document.xml")
                if info.file_size > MAX_MEMBER_BYTES:
                    self.warn(
                        _("{what}: {name!r} is too large to read").format(what=what, name=name)
                    )
                    return None
                xml = docx.read(info)
        except (KeyError, *ZIP_ERRORS):  # type: ignore[misc]
            self.warn(_("{what}: {name!r} is not a readable .docx").format(what=what, name=name))
            return None
        try:
            root = fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except (DefusedXmlException, ParseError, ValueError):
            self.warn(_("{what}: {name!r} is not a readable .docx").format(what=what, name=name))
            return None
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        lines: list[str] = []
        for para in root.iter(f"{w}p"):
            parts: list[str] = []
            for node in para.iter():
                if node.tag == f"{w}t":
                    parts.append(node.text or "")
                elif node.tag == f"{w}tab":
                    parts.append("\t")
                elif node.tag in (f"{w}br", f"{w}cr"):
                    parts.append("\n")
            lines.append("".join(parts))
        return "\n".join(lines)

    def _decode(self, data: bytes, what: str) -> str:
        if data.startswith(codecs.BOM_UTF8):
            data = data[3:]
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.violation(
                _("{what}: the text file is UTF-16, not UTF-8 (the standard's)").format(what=what)
            )
            return data.decode("utf-16", errors="replace")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.violation(
                _(
                    "{what}: the text file is not UTF-8 (byte 0x{data:02x} at {exc.start}); read as cp1252"
                ).format(what=what, data=data[exc.start], exc=exc)
            )
            return data.decode("cp1252", errors="replace")

    def notes(self, root: Element) -> list[RefiNote]:
        out = []
        notes_el = _child(root, "Notes")
        if notes_el is not None and not len(notes_el):
            self.warn(_("empty <Notes/>"))
        for el in _children(notes_el, "Note"):
            guid = self.guid(el, "note")
            name = el.get("name") or ""
            what = _("note {name!r}").format(name=name or guid)
            text = self.read_text(el, what)
            _desc, meta = self.description(el, what, guid)
            out.append(
                RefiNote(
                    guid=guid,
                    name=name.strip(),
                    text=tidy(text),
                    author=self.as_guid(el.get("creatingUser")),
                    created=el.get("creationDateTime"),
                    modified=el.get("modifiedDateTime"),
                    meta=meta,
                )
            )
        return out

    def sets(self, root: Element) -> list[RefiSet]:
        """``<Sets>``: qualcode's themes (sets of codes) and other tools' sets."""
        out: list[RefiSet] = []
        sets_el = _child(root, "Sets")
        if sets_el is not None and not len(sets_el):
            self.warn(_("empty <Sets/> (the schema wants at least one set)"))
        for el in _children(sets_el, "Set"):
            guid = self.guid(el, "set")
            name = (el.get("name") or "").strip()
            description, meta = self.description(
                el, _("set {name!r}").format(name=name or guid), guid
            )
            out.append(
                RefiSet(
                    guid=guid,
                    name=name,
                    description=description,
                    codes=self.refs(el, "MemberCode"),
                    sources=self.refs(el, "MemberSource"),
                    notes=self.refs(el, "MemberNote"),
                    meta=meta,
                )
            )
        return out

    def links(self, root: Element) -> list[RefiLink]:
        """``<Links>``: qualcode's relations, and other tools' links."""
        out: list[RefiLink] = []
        links_el = _child(root, "Links")
        if links_el is not None and not len(links_el):
            self.warn(_("empty <Links/> (the schema wants at least one link)"))
        for el in _children(links_el, "Link"):
            guid = self.guid(el, "link")
            direction = el.get("direction")
            color, _problem = parse_color(el.get("color"))
            out.append(
                RefiLink(
                    guid=guid,
                    name=(el.get("name") or "").strip(),
                    direction=direction if direction in LINK_DIRECTIONS else None,
                    origin=self.as_guid(el.get("originGUID")),
                    target=self.as_guid(el.get("targetGUID")),
                    color=color,
                    notes=self.refs(el, "NoteRef"),
                    meta=dict(self.extras.get(guid, {})),
                )
            )
        return out

    def sources(self, root: Element) -> list[RefiSource]:
        out: list[RefiSource] = []
        sources_el = _child(root, "Sources")
        if sources_el is not None and not len(sources_el):
            self.warn(_("empty <Sources/>"))
        self.source_guids: set[str] = set()
        for el in list(sources_el) if sources_el is not None else []:
            if el.tag == "PDFSource":
                source = self._pdf_source(el)
            elif el.tag != "TextSource":
                self._media_source(el)
                continue
            else:
                source = self.text_source(el)
            if source is not None:
                out.append(source)
        return out

    def _pdf_source(self, el: Element) -> RefiSource | None:
        """A PDF's text representation as a text source under the PDF's GUID and
        name (its area codings are counted and skipped)."""
        areas = sum(len(_descendants(a, "Coding")) for a in _children(el, "PDFSelection"))
        self.count("PDF area", areas)
        if areas:
            self.skip(N_("PDF area codings"), areas)
        representation = _child(el, "Representation")
        pdf_guid = self.guid(el, "source")
        self.source_guids.add(pdf_guid)
        name = (el.get("name") or "").strip()
        if representation is None:
            self.count("PDF text", len(_children(el, "Coding")))
            if _children(el, "Coding"):
                self.skip(N_("PDF codings without a text"), len(_children(el, "Coding")))
            self.skip(N_("PDF sources without a text representation"))
            return None
        # a PDF's text representation is a text source: import it as a document
        # under the PDF's GUID and name; the PDF's area selections cannot follow
        if not representation.get("name") and name:
            representation.set("name", name)
        for attr in ("path", "currentPath"):
            if el.get(attr) and not representation.get(attr):
                representation.set(attr, el.get(attr) or "")
        # codings of the whole PDF apply to its whole text
        for whole in _children(el, "Coding"):
            representation.append(whole)
        source = self.text_source(representation, kind="PDF text", register=False)
        if source is None:
            return None
        self.notices.append(
            _(
                "PDF source {source.name!r}: its text representation is imported as a document"
            ).format(source=source)
        )
        return replace(source, guid=pdf_guid, notes=source.notes + self.refs(el, "NoteRef"))

    def _media_source(self, el: Element) -> None:
        """Count and skip a picture, audio or video source (or an unknown element)."""
        kind = {
            "PictureSource": "picture",
            "AudioSource": "audio",
            "VideoSource": "video",
        }.get(str(el.tag))
        self.source_guids.add(self.guid(el, "source"))
        if kind is None:
            self.skip(f"<{el.tag}> elements")
            return
        codings = len(_descendants(el, "Coding"))
        self.count(kind, codings)
        self.skip(MEDIA_SKIPPED[kind][0])
        if codings:
            self.skip(MEDIA_SKIPPED[kind][1], codings)

    def source_name(self, el: Element, guid: str, text: str | None) -> str:
        """A source's ``name``; else its file's name (when that is no GUID); else its
        first words; never a GUID fragment."""
        name = (el.get("name") or "").strip()
        if name:
            return name
        for attr in ("richTextPath", "plainTextPath", "currentPath", "path"):
            value = (el.get(attr) or "").strip()
            if not value:
                continue
            base = re.split(r"[\\/]", value.partition("://")[2] or value)[-1]
            stem = base.rsplit(".", 1)[0] if "." in base else base
            stem = _unquote(stem).strip()
            if stem and parse_guid(stem) is None:
                self.notices.append(
                    _("a source has no name; named {stem!r} after its file").format(stem=stem)
                )
                return stem
        words = re.findall(r"\w[\w'-]*", text or "")[:6]
        if words:
            first = " ".join(words)[:48].strip()
            self.notices.append(
                _("a source has no name; named {first!r} after its first words").format(first=first)
            )
            return first
        self._unnamed += 1
        return f"untitled source {self._unnamed}"

    def text_source(
        self, el: Element, *, kind: str = "text", register: bool = True
    ) -> RefiSource | None:
        guid = self.guid(el, "source")
        if register:
            self.source_guids.add(guid)
        label = (el.get("name") or "").strip()
        what = (
            _("source {name!r}").format(name=label)
            if label
            else _("a source without a name ({guid})").format(guid=guid)
        )
        selections = _children(el, "PlainTextSelection")
        whole = _children(el, "Coding")
        n_codings = sum(len(_children(s, "Coding")) for s in selections) + len(whole)
        self.count(kind, n_codings)
        raw = self.read_text(el, what)
        name = self.source_name(el, guid, raw)
        what = _("source {name!r}").format(name=name)
        description, meta = self.description(el, what, guid)
        if raw is None:
            self._no_text(what, name, n_codings)
            return None
        positions = SourcePositions(raw)
        parsed = self._selection_positions(selections, what)
        scheme, confirmed = positions.guess(
            [(min(s, e), max(s, e), sel.get("name")) for sel, s, e in parsed]
        )
        self._report_scheme(positions, scheme, confirmed, what)
        text = positions.text
        codings: list[RefiCoding] = []
        passage_notes: list[RefiPassageNote] = []
        for sel, start, end in parsed:
            span = self._span(positions, scheme, start, end, what, sel.get("guid") or "?")
            self._selection(sel, span, what, kind, codings, passage_notes)
        for cel in whole:
            coding = self._coding(cel, 0, len(text), derived_guid("whole", guid), None, None, what)
            if coding is not None and len(text):
                codings.append(replace(coding, kind=kind, meta=self.extras.get(coding.guid, {})))
        return RefiSource(
            guid=guid,
            name=name,
            text=text,
            codings=tuple(codings),
            description=description,
            notes=self.refs(el, "NoteRef"),
            values=self.values(el),
            creating_user=self.as_guid(el.get("creatingUser")),
            created=el.get("creationDateTime"),
            passage_notes=tuple(passage_notes),
            meta=meta,
        )

    def _no_text(self, what: str, name: str, n_codings: int) -> None:
        """Report a source without text: it and its codings are skipped."""
        if self.missing_sources and self.missing_sources[-1][1] == 0:
            self.missing_sources[-1] = (name, n_codings)
        self.warn(
            _("{what}: no text, so the source and its {n_codings} codings are skipped").format(
                what=what, n_codings=n_codings
            )
        )
        self.skip(N_("sources without text"))
        self.skip(N_("codings of sources without text"), n_codings)

    def _selection_positions(
        self, selections: list[Element], what: str
    ) -> list[tuple[Element, int, int]]:
        """(selection, start, end) of every selection whose positions are numbers
        (the others are reported and skipped)."""
        parsed: list[tuple[Element, int, int]] = []
        for sel in selections:
            try:
                start = int((sel.get("startPosition") or "").strip())
                end = int((sel.get("endPosition") or "").strip())
            except ValueError:
                self.violation(
                    _(
                        "{what}: selection {guid} has positions {start!r}..{end!r}, not numbers; skipped"
                    ).format(
                        what=what,
                        guid=sel.get("guid"),
                        start=sel.get("startPosition"),
                        end=sel.get("endPosition"),
                    )
                )
                self.skip(N_("selections with bad positions"))
                self.skip(N_("codings outside the text"), len(_children(sel, "Coding")))
                continue
            parsed.append((sel, start, end))
        return parsed

    def _report_scheme(
        self, positions: SourcePositions, scheme: PositionScheme, confirmed: int, what: str
    ) -> None:
        """Say how positions were read when not as the standard says, or that CRLF
        line ends were made \\n."""
        if not scheme.standard:
            self.warn(
                _(
                    "{what}: positions read as {scheme} ({confirmed} selection names confirm it)"
                ).format(what=what, scheme=scheme.describe(), confirmed=confirmed)
                if confirmed
                else _("{what}: positions read as {scheme}").format(
                    what=what, scheme=scheme.describe()
                )
            )
        elif positions.has_crlf:
            self.notices.append(
                _("{what}: Windows line ends (CRLF) in the text; stored as \\n").format(what=what)
            )

    def _selection(
        self,
        sel: Element,
        span: tuple[int, int] | None,
        what: str,
        kind: str,
        codings: list[RefiCoding],
        passage_notes: list[RefiPassageNote],
    ) -> None:
        """The codings of one selection (added to ``codings``), or its memo when it
        has no coding (added to ``passage_notes``)."""
        sel_guid = self.guid(sel, "selection")
        sel_text, sel_meta = self.description(sel, f"{what} selection {sel_guid}")
        sel_notes = self.refs(sel, "NoteRef")
        per_coding = (
            sel_meta.get("codings", {}) if isinstance(sel_meta.get("codings"), dict) else {}
        )
        coding_els = _children(sel, "Coding")
        if span is None:
            self.skip(N_("codings outside the text"), len(coding_els))
            return
        s, e = span
        sel_user = self.as_guid(sel.get("creatingUser"))
        if sel_user:
            self.user_refs.append(
                (_("{what}: selection {guid}").format(what=what, guid=sel_guid), sel_user)
            )
        if not coding_els:
            if sel_text.strip() or sel_notes:
                self.notices.append(
                    _(
                        "{what}: a selection has a memo but no coding; kept as a memo on the document"
                    ).format(what=what)
                )
                passage_notes.append(
                    RefiPassageNote(
                        sel_guid, s, e, sel_text, sel_notes, sel_user, sel.get("creationDateTime")
                    )
                )
            else:
                self.skip(N_("selections without coding or memo"))
            return
        for cel in coding_els:
            coding = self._coding(cel, s, e, sel_guid, sel_user, sel, what)
            if coding is None:
                continue
            meta_c = self.extras.get(coding.guid) or per_coding.get(coding.guid, {})
            codings.append(
                replace(
                    coding,
                    notes=coding.notes + sel_notes,
                    memo=sel_text,
                    meta=meta_c if isinstance(meta_c, dict) else {},
                    kind=kind,
                )
            )

    def _span(
        self,
        positions: SourcePositions,
        scheme: PositionScheme,
        start: int,
        end: int,
        what: str,
        sel: str,
    ) -> tuple[int, int] | None:
        if end < start:
            self.violation(
                _(
                    "{what}: selection {sel} ends ({end}) before it starts ({start}); swapped"
                ).format(what=what, sel=sel, end=end, start=start)
            )
            start, end = end, start
        s, e = positions.span(start, end, scheme)
        n = len(positions.text)
        if s < 0:
            self.violation(
                _("{what}: selection {sel} starts before the text ({start}); starts at 0").format(
                    what=what, sel=sel, start=start
                )
            )
            s = 0
        if s >= n:
            self.violation(
                _(
                    "{what}: selection {sel} starts at {start}, past the end of the text ({n} characters); skipped"
                ).format(what=what, sel=sel, start=start, n=n)
            )
            return None
        if e > n:
            self.violation(
                _(
                    "{what}: selection {sel} ends at {end}, past the end of the text ({n} characters); cut at the end"
                ).format(what=what, sel=sel, end=end, n=n)
            )
            e = n
        if e <= s:
            self.violation(
                _("{what}: selection {sel} is empty ({start}..{end}); skipped").format(
                    what=what, sel=sel, start=start, end=end
                )
            )
            return None
        return s, e

    def _coding(
        self,
        cel: Element,
        start: int,
        end: int,
        selection: str,
        sel_user: str | None,
        sel: Element | None,
        what: str,
    ) -> RefiCoding | None:
        guid = self.guid(cel, "coding")
        code = self.ref(_child(cel, "CodeRef"))
        if code is None:
            self.violation(
                _("{what}: coding {guid} has no CodeRef; skipped").format(what=what, guid=guid)
            )
            self.skip(N_("codings without a code"))
            return None
        user = self.as_guid(cel.get("creatingUser"))
        if user:
            self.user_refs.append((_("{what}: coding {guid}").format(what=what, guid=guid), user))
        return RefiCoding(
            guid=guid,
            code=code,
            start=start,
            end=end,
            coder=user or sel_user,
            created=cel.get("creationDateTime")
            or (sel.get("creationDateTime") if sel is not None else None),
            selection=selection,
            notes=self.refs(cel, "NoteRef"),
        )

    # ---------------------------------------------------------------- whole files

    def check_references(self, project: RefiProject) -> None:
        """Every reference must name an element of the file (the standard's rule); a
        dangling one is a violation, reported once per kind of reference."""
        codes = {c.guid for c in project.codes}
        notes = {n.guid for n in project.notes}
        variables = {v.guid for v in project.variables}
        sources = getattr(self, "source_guids", set()) | {s.guid for s in project.sources}
        dangling: dict[str, list[str]] = {}
        for what, example in chain(
            _source_refs(project, codes, notes, variables),
            _code_and_set_refs(project, codes, notes),
            _link_refs(project, codes | sources | notes),
            _case_refs(project, sources, variables),
            self._user_refs(project),
        ):
            dangling.setdefault(what, []).append(example)
        for what, examples in dangling.items():
            self.violation(
                _("{n} {what} (e.g. {example})").format(
                    n=len(examples), what=_(what), example=examples[0]
                )
            )

    def _user_refs(self, project: RefiProject) -> Iterator[tuple[str, str]]:
        """References to a user the file does not list (in a whole project)."""
        if project.kind != "project":
            return
        users = {u.guid for u in project.users}
        refs = list(self.user_refs)
        refs += [
            (_("note {name!r}").format(name=n.name or n.guid), n.author)
            for n in project.notes
            if n.author
        ]
        refs += [("the project", project.creating_user)] if project.creating_user else []
        for what, user in refs:
            if user and user not in users:
                yield N_("references to a user the file does not list"), f"{what}: {user}"

    def project(self, root: Element, kind: str, default_name: str) -> RefiProject:
        read = self._project(root, kind, default_name)
        self.check_references(read)
        if self.missing_sources and self.files is not None:
            n = len(self.missing_sources)
            codings = sum(c for _, c in self.missing_sources)
            first = self.missing_sources[0][0]
            files = ", ".join(self.files.looked_in())
            sources = (
                plural(
                    n,
                    "{n} source has no text file ({first} and more)",
                    "{n} sources have no text file ({first} and more)",
                    first=first,
                )
                if n > 1
                else _("1 source has no text file ({first})").format(first=first)
            )
            skipped = plural(
                codings,
                "so it and its {n} coding are skipped",
                "so they and their {n} codings are skipped",
            )
            self.warn(
                _(
                    "{sources}, {skipped}: looked in {files}; pass --sources DIR to say where "
                    "the source files are"
                ).format(sources=sources, skipped=skipped, files=files)
            )
        return replace(read, coding_kinds=dict(self.kinds), extras=dict(self.extras))

    def _project(self, root: Element, kind: str, default_name: str) -> RefiProject:
        self.origin = root.get("origin") or ""
        self.take_extras(root)
        if kind == "codebook":
            codes = self.codes(root)
            sets = _child(root, "Sets")
            if sets is not None:
                if not len(sets):
                    self.warn(_("empty <Sets/> (the schema wants at least one set)"))
                else:
                    self.skip(N_("sets"), len(_children(sets, "Set")))
            first_meta = codes[0].meta if codes else {}
            project_meta = self.extras.get("project", {})
            codebook_meta = project_meta.get("codebook") or first_meta.get("codebook")
            self.finish()
            return RefiProject(
                name=default_name,
                kind="codebook",
                origin=root.get("origin") or "",
                codes=tuple(codes),
                meta={"codebook": codebook_meta} if isinstance(codebook_meta, dict) else {},
                skipped=self.skipped,
            )
        users = self.users(root)
        codes = self.codes(_child(root, "CodeBook"))
        variables = self.variables(root)
        cases = self.cases(root)
        sources = self.sources(root)
        notes = self.notes(root)
        theme_sets = self.sets(root)
        link_list = self.links(root)
        graph_list = self.graphs(root)
        description, meta = self.description(root, "project", "project")
        self.finish()
        return RefiProject(
            name=(root.get("name") or "").strip() or default_name,
            kind="project",
            origin=root.get("origin") or "",
            users=tuple(users),
            codes=tuple(codes),
            variables=tuple(variables),
            cases=tuple(cases),
            sources=tuple(sources),
            notes=tuple(notes),
            project_notes=self.refs(root, "NoteRef"),
            description=description,
            creating_user=self.as_guid(root.get("creatingUserGUID")),
            created=root.get("creationDateTime"),
            meta=meta,
            skipped=self.skipped,
            sets=tuple(theme_sets),
            links=tuple(link_list),
            graphs=tuple(graph_list),
        )

    def graphs(self, root: Element) -> list[RefiGraph]:
        """``<Graphs>``: maps with vertex positions (qualcode's thematic map, or another
        tool's network); a vertex without a readable position is left out, said so."""
        out: list[RefiGraph] = []
        graphs_el = _child(root, "Graphs")
        if graphs_el is not None and not len(graphs_el):
            self.warn(_("empty <Graphs/> (the schema wants at least one element)"))
        for gel in _children(graphs_el, "Graph"):
            guid = self.guid(gel, "graph")
            name = (gel.get("name") or "").strip()
            vertices: list[RefiVertex] = []
            for el in _children(gel, "Vertex"):
                vguid = self.guid(el, "vertex")
                try:
                    first = (int(el.get("firstX", "")), int(el.get("firstY", "")))
                except ValueError:
                    self.warn(
                        _(
                            "graph {graph!r}: vertex {vertex!r} has no whole-number "
                            "firstX/firstY; left out"
                        ).format(graph=name or guid, vertex=el.get("name") or vguid)
                    )
                    continue
                try:
                    second: tuple[int, int] | None = (
                        int(el.get("secondX", "")),
                        int(el.get("secondY", "")),
                    )
                except ValueError:
                    second = None
                color, _problem = parse_color(el.get("color"))
                vertices.append(
                    RefiVertex(
                        guid=vguid,
                        represented=self.as_guid(el.get("representedGUID")),
                        name=(el.get("name") or "").strip(),
                        first=first,
                        second=second,
                        color=color,
                    )
                )
            edges: list[RefiEdge] = []
            for el in _children(gel, "Edge"):
                source = self.as_guid(el.get("sourceVertex"))
                target = self.as_guid(el.get("targetVertex"))
                if source is None or target is None:
                    continue
                direction = el.get("direction")
                color, _problem = parse_color(el.get("color"))
                edges.append(
                    RefiEdge(
                        guid=self.guid(el, "edge"),
                        source=source,
                        target=target,
                        represented=self.as_guid(el.get("representedGUID")),
                        name=(el.get("name") or "").strip(),
                        direction=direction if direction in LINK_DIRECTIONS else None,
                        color=color,
                    )
                )
            out.append(RefiGraph(guid, name, tuple(vertices), tuple(edges)))
        return out


# --------------------------------------------------------------------- entry points


def _find_project_member(files: _ZipFiles, label: str, problems: list[Problem]) -> str:
    names = list(files.members)
    if "project.qde" in files.members:
        return "project.qde"
    qdes = [n for n in names if n.lower().endswith(".qde")]
    top = [n for n in qdes if "/" not in n]
    if top:
        chosen = sorted(top)[0]
        problems.append(
            Problem(
                _("the project file is {chosen!r}, not 'project.qde'").format(chosen=chosen), label
            )
        )
        return chosen
    if qdes:
        chosen = sorted(qdes, key=lambda n: (n.count("/"), n))[0]
        problems.append(
            Problem(
                _("the project file is {chosen!r}, inside a folder").format(chosen=chosen), label
            )
        )
        files.base = chosen.rsplit("/", 1)[0] + "/"
        return chosen
    raise InputError(
        _("no project.qde in the archive"),
        path=label,
        hint=_("a .qdpx holds project.qde and a sources/ folder"),
    )


def _source_refs(
    project: RefiProject, codes: set[str], notes: set[str], variables: set[str]
) -> Iterator[tuple[str, str]]:
    """Dangling references of the sources: codings' codes and notes, passages',
    sources' notes, variable values."""
    missing_note = N_("references to a missing note")
    for source in project.sources:
        for c in source.codings:
            if c.code not in codes:
                yield (
                    N_("codings refer to a code the file does not have"),
                    f"{source.name}: {c.code}",
                )
            for n in c.notes:
                if n not in notes:
                    yield missing_note, n
        for p in source.passage_notes:
            for n in p.notes:
                if n not in notes:
                    yield missing_note, n
        for n in source.notes:
            if n not in notes:
                yield missing_note, n
        for v in source.values:
            if v not in variables:
                yield N_("values of a variable the file does not have"), v


def _code_and_set_refs(
    project: RefiProject, codes: set[str], notes: set[str]
) -> Iterator[tuple[str, str]]:
    """Dangling notes of codes and of the project, and codes of sets."""
    for code in project.codes:
        for n in code.notes:
            if n not in notes:
                yield N_("references to a missing note"), n
    for n in project.project_notes:
        if n not in notes:
            yield N_("references to a missing note"), n
    for st in project.sets:
        for g in st.codes:
            if g not in codes:
                yield N_("sets refer to a code the file does not have"), f"{st.name}: {g}"


def _link_refs(project: RefiProject, known: set[str]) -> Iterator[tuple[str, str]]:
    """Link ends that are none of the file's codes, sources, notes, sets, codings,
    selections or cases."""
    known = (
        known
        | {st.guid for st in project.sets}
        | {c.guid for s in project.sources for c in s.codings}
        | {c.selection for s in project.sources for c in s.codings}
        | {k.guid for k in project.cases}
    )
    for link in project.links:
        for end in (link.origin, link.target):
            if end is not None and end not in known:
                yield N_("links refer to something the file does not have"), f"{link.name}: {end}"


def _case_refs(
    project: RefiProject, sources: set[str], variables: set[str]
) -> Iterator[tuple[str, str]]:
    """Cases' sources and variable values that the file does not have."""
    for case in project.cases:
        for g, _speaker in case.sources:
            if g not in sources:
                yield N_("cases refer to a source the file does not have"), f"{case.name}: {g}"
        for v in case.values:
            if v not in variables:
                yield N_("values of a variable the file does not have"), v


def read_refi(path: Path, *, sources: Path | None = None, validate: bool = False) -> RefiRead:
    """Read a ``.qdc``, ``.qdpx`` or ``.qde`` file.

    Args:
        path: the file.
        sources: another folder holding the source files (``--sources DIR``): a bare
            ``.qde`` looks for them in ``sources/`` and ``Sources/`` beside it, then here.
        validate: check the XML against the official schema (``--strict``); the
            errors are in :attr:`RefiRead.schema_errors`.

    Returns:
        The content and every difference from the standard (as warnings).

    Raises:
        InputError: a missing, unreadable, hostile or non-REFI-QDA file, or a
            ``sources`` that is not a folder.
    """
    label = str(path)
    problems: list[Problem] = []
    notices: list[str] = []
    if not path.exists():
        raise InputError(_("file not found"), path=path, hint=_("check the path"))
    if path.is_dir():
        raise InputError(_("is a folder, not a file"), path=path)
    extra: _Files | None = None
    if sources is not None:
        if not sources.is_dir():
            raise InputError(
                _("is not a folder"),
                path=sources,
                hint=_("--sources names the folder of the sources"),
            )
        extra = _DirFiles(sources, label, problems)
    suffix = path.suffix.lower()
    fh = open_regular(path)  # a FIFO, a device or a folder is refused at once
    try:
        head = fh.read(4)
    except OSError as exc:
        fh.close()
        raise InputError(
            _("cannot read the file: {reason}").format(reason=exc.strerror or exc), path=path
        ) from None
    is_zip = head.startswith(b"PK")
    if not (suffix == ".qdpx" or is_zip):
        fh.close()
    else:
        if not is_zip:
            fh.close()
            raise InputError(
                _("not a .qdpx (a .qdpx is a zip archive)"),
                path=path,
                hint=_("export the project again"),
            )
        try:
            zf = zipfile.ZipFile(fh)
        except ZIP_ERRORS as exc:
            fh.close()
            raise InputError(
                _("not a readable zip archive: {exc}").format(exc=zip_reason(exc)), path=path
            ) from None
        with fh, zf:
            _check_archive(zf, label, problems)
            files = _ZipFiles(zf, label, problems)
            files.fallback = extra
            member = _find_project_member(files, label, problems)
            data = files.get(member) or b""
            where = f"{label}:{member}" if member != "project.qde" else label
            root = _parse_xml(data, where, instructions=True)
            errors = _schema_errors(data, where) if validate else []
            kind = _check_namespace(root, label, problems, notices)
            reader = _Reader(label, problems, files)
            reader.notices.extend(notices)
            project = reader.project(root, kind, path.stem)
        return RefiRead(project, problems, reader.notices, reader.violations, errors)
    data = read_limited(
        path,
        limit=MAX_MEMBER_BYTES,
        hint=_("raise QUALCODE_MAX_QDPX_MEMBER_BYTES if the file is genuine"),
    )
    if not data:
        raise InputError(_("file is empty"), path=path, hint=_("nothing to import"))
    root = _parse_xml(data, label, instructions=True)
    errors = _schema_errors(data, label) if validate else []
    kind = _check_namespace(root, label, problems, notices)
    folder_files = _FolderFiles(path.parent, label, problems)
    folder_files.fallback = extra
    if kind == "project" and suffix == ".qdc":
        problems.append(Problem(_("a .qdc file holds a whole <Project>"), label))
    if kind == "codebook" and suffix in (".qde", ".qdpx"):
        problems.append(
            Problem(_("a {suffix} file holds only a <CodeBook>").format(suffix=suffix), label)
        )
    reader = _Reader(label, problems, folder_files)
    reader.notices.extend(notices)
    project = reader.project(root, kind, path.stem)
    return RefiRead(project, problems, reader.notices, reader.violations, errors)


SCHEMAS = Path(__file__).parent / "refi_schemas"
"""The official REFI-QDA schemas (QDA-XML 1.0, MIT-licensed by REFI), shipped."""
MAX_SCHEMA_ERRORS = 20


def _schema_errors(data: bytes, label: str) -> list[Problem]:
    """Where the XML does not validate against the official schema (one problem each,
    at most :data:`MAX_SCHEMA_ERRORS`). The XML is parsed again with entities refused."""
    root = _parse_xml(data, label)
    tag = root.tag if isinstance(root.tag, str) else ""
    name = "Codebook" if tag.endswith("CodeBook") else "Project"
    schema = _schema(name)
    out: list[Problem] = []
    for error in schema.iter_errors(root):
        where = error.path or "/"
        reason = (error.reason or str(error)).strip().splitlines()[0]
        out.append(
            Problem(
                _("not valid against {name}.xsd at {where}: {reason}").format(
                    name=name, where=where, reason=reason
                ),
                label,
            )
        )
        if len(out) == MAX_SCHEMA_ERRORS:
            out.append(Problem(_("(further schema errors not listed)"), label))
            break
    return out


_SCHEMA_CACHE: dict[str, Any] = {}


def _schema(name: str) -> Any:
    if name not in _SCHEMA_CACHE:
        import xmlschema

        _SCHEMA_CACHE[name] = xmlschema.XMLSchema10(str(SCHEMAS / f"{name}.xsd"))
    return _SCHEMA_CACHE[name]


def is_refi(path: Path) -> bool:
    """True for a file that :func:`read_refi` reads (by suffix)."""
    return path.suffix.lower() in REFI_SUFFIXES
