"""Creating projects and the demo project."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.model import Progress
from qualcode.errors import QualcodeError
from qualcode.files import read_head
from qualcode.i18n import _
from qualcode.services.cases import import_attributes
from qualcode.services.codebook import load_codebook
from qualcode.services.imports import ImportReport, import_transcripts
from qualcode.services.resources import default_codebook, resource_dir

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- projects


def init_project(
    location: str | None,
    codebook: Path | None = None,
    *,
    coder: str | None = None,
    copy_shipped: bool = False,
) -> Project:
    """Create a project (refusing to overwrite one) and link a codebook.

    A shipped codebook named by its name (``kepmenpan-63``), a codebook file inside
    the installation, and with ``copy_shipped`` any shipped codebook, is copied beside
    the project first (see :func:`adopt_codebook`).

    Raises:
        ProjectError: when a project already exists there.
    """
    from qualcode.errors import ProjectError
    from qualcode.store import open_project
    from qualcode.store.engine import existing_project, resolve_location, sqlite_path

    url = resolve_location(location)
    found = existing_project(url)
    if found is not None:
        raise ProjectError(_("a project already exists at {found}").format(found=found))
    by_name = False
    if codebook is not None:
        named = shipped_by_name(codebook)
        by_name, codebook = named != codebook, named
    cb = load_codebook(codebook) if codebook is not None else None
    if codebook is not None and (by_name or copy_shipped or _installed(codebook)):
        # checked first (a bad codebook writes nothing); a shipped one is copied
        # beside the project: edits are written back to the linked file
        path = sqlite_path(url)
        codebook = adopt_codebook(codebook, Path(path).parent if path else Path.cwd())
    project = open_project(location, create=True, coder=coder)
    if cb is not None and codebook is not None:
        project.codebook_sync.sync_codebook(cb, str(codebook.resolve()))
    return project


def demo_location() -> Path:
    """Where ``qualcode demo`` keeps its project."""
    from qualcode.settings import data_dir

    return data_dir() / "demo"


def demo_transcripts() -> list[Path]:
    """The shipped demo interviews."""
    return sorted(
        p
        for p in resource_dir("transcripts").iterdir()
        if p.suffix in (".txt", ".md") and p.name != "README.md"
    )


def build_demo(*, rebuild: bool = False, progress: Progress | None = None) -> Path:
    """Build the demo project (once): the shipped codebook, copied into the demo
    folder so edits stay there, and the shipped transcripts, each its own case with
    the attributes of ``transcripts/attributes.csv``, their hand-coded passages
    (``transcripts/gold/codings.yaml``, coder ``gold``) and the thematic analysis of
    :mod:`qualcode.services.demo_analysis` (themes, relations, key extracts).

    Returns:
        The project file.
    """
    from qualcode.store import open_project

    folder = demo_location()
    db = folder / "qualcode.db"
    if db.exists() and not rebuild:
        return db
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "qualcode.db.building"
    for leftover in folder.glob("qualcode.db.building*"):
        leftover.unlink()
    codebook_copy = folder / "kepmenpan-63.yaml"
    shutil.copyfile(default_codebook(), codebook_copy)
    project = open_project(str(tmp), create=True, coder="demo")
    try:
        project.codebook_sync.sync_codebook(load_codebook(codebook_copy), str(codebook_copy))
        files = demo_transcripts()
        # each interview is its own case (named by the file), with the participants'
        # attributes from attributes.csv, so the matrices by case and attribute work
        report = import_transcripts(project, files, case_pattern=r"^(.+)$", progress=progress)
        if report.errors:
            raise report.errors[0]
        import_attributes(project, resource_dir("transcripts") / "attributes.csv", strict=True)
        # the hand-coded passages (coder "gold") and the thematic analysis built on them
        from qualcode.services.autocode import import_codings
        from qualcode.services.demo_analysis import build_demo_analysis

        import_codings(project, resource_dir("transcripts") / "gold" / "codings.yaml")
        build_demo_analysis(project)
    finally:
        project.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(db)
    return db


# ---------------------------------------------------------------------- first run

_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", "exports"}
_NOT_TRANSCRIPTS = {"readme", "changelog", "license", "licence", "contributing", "notes"}


def _walk(folder: Path, max_depth: int) -> list[Path]:
    """Files under ``folder`` down to ``max_depth`` levels, skipping hidden and
    tool folders, in a stable order (a folder's files before its sub-folders')."""
    out: list[Path] = []
    level = [folder]
    for _depth in range(max_depth + 1):
        nxt: list[Path] = []
        for d in level:
            try:
                entries = sorted(d.iterdir(), key=lambda p: p.name.lower())
            except OSError:
                continue
            for p in entries:
                if p.name.startswith("."):
                    continue
                if p.is_dir():
                    if p.name not in _SKIP_DIRS:
                        nxt.append(p)
                elif p.is_file():
                    out.append(p)
        level = nxt
    return out


def _installed(path: Path) -> bool:
    """Whether ``path`` is a file inside the installed qualcode package."""
    package = Path(__file__).resolve().parent.parent
    return path.resolve().is_relative_to(package)


def shipped_by_name(codebook: Path) -> Path:
    """``codebook`` itself, or the shipped codebook it names (``kepmenpan-63``) when
    no such file exists."""
    if codebook.exists():
        return codebook
    for shipped in shipped_codebooks():
        if str(codebook) in (shipped.stem, shipped.name):
            return shipped
    return codebook


def shipped_codebooks() -> list[Path]:
    """The codebooks that come with qualcode."""
    try:
        folder = resource_dir("codebooks")
    except QualcodeError:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def find_codebooks(folder: Path, *, max_depth: int = 2) -> list[Path]:
    """YAML files under ``folder`` that look like codebooks (a ``codes:`` key)."""
    found = []
    for p in _walk(folder, max_depth):
        if p.suffix.lower() not in (".yaml", ".yml"):
            continue
        try:
            head = read_head(p, 256 * 1024)
        except QualcodeError:
            continue
        if b"\ncodes:" in b"\n" + head or head.lstrip().startswith(b"- id:"):
            found.append(p)
    return found


def find_transcripts(folder: Path, *, max_depth: int = 3, limit: int = 2000) -> list[Path]:
    """Files under ``folder`` that qualcode can import as transcripts (at most ``limit``)."""
    from qualcode.importers.base import supported_suffixes

    suffixes = set(supported_suffixes())
    out = [p for p in _walk(folder, max_depth) if p.suffix.lower() in suffixes]
    return out[:limit]


def looks_like_transcript(path: Path) -> bool:
    """False for a README, a changelog, a licence: files that sit beside transcripts."""
    return path.stem.lower() not in _NOT_TRANSCRIPTS


def codebook_title(path: Path) -> tuple[str, int]:
    """A codebook's name and number of codes (for a chooser).

    Raises:
        InputError: the file is not a valid codebook.
    """
    cb = load_codebook(path)
    return cb.name or path.stem, len(cb.codes)


def adopt_codebook(codebook: Path, folder: Path) -> Path:
    """The codebook file a new project in ``folder`` links to.

    A shipped codebook is copied into the folder first, so that the project's edits
    are written back to the researcher's copy, never into the installation. A copy
    that is already there with the same text is reused; a different file of that
    name is kept and the copy gets a numbered name.
    """
    shipped = {p.resolve() for p in shipped_codebooks()}
    if codebook.resolve() not in shipped:
        return codebook
    data = codebook.read_bytes()
    target = folder / codebook.name
    n = 1
    while target.exists() and target.read_bytes() != data:
        n += 1
        target = folder / f"{codebook.stem}-{n}{codebook.suffix}"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


def start_project(
    location: str | None,
    codebook: Path | None,
    transcripts: Sequence[Path],
    *,
    coder: str | None = None,
    progress: Progress | None = None,
) -> tuple[Project, ImportReport]:
    """Create a project, link a codebook (a shipped one is copied beside the
    project) and import transcripts: what the first-run screen does.

    The codebook is read before anything is written, so a bad codebook leaves the
    folder as it was. Each transcript is its own transaction; a bad one is reported
    in the returned report and the others are imported.

    Raises:
        InputError: the codebook is invalid.
        ProjectError: a project already exists there.
    """
    if progress is not None:
        progress(0, max(len(transcripts), 1), "creating the project")
    project = init_project(location, codebook, coder=coder, copy_shipped=True)
    try:
        report = (
            import_transcripts(project, list(transcripts), progress=progress)
            if transcripts
            else ImportReport()
        )
    except BaseException:
        project.close()
        raise
    return project, report
