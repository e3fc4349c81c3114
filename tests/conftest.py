"""Shared fixtures: the developer's machine stays out, the clock and coder are fixed."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.core.codebook import Codebook
from qualcode.core.model import ImportedDocument, SentenceSpan
from qualcode.store import Project, open_project

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CODEBOOK = ROOT / "codebooks" / "kepmenpan-63.yaml"
TRANSCRIPTS = ROOT / "transcripts"
FAKE_NOW = "2026-01-15T09:30:00Z"


@pytest.fixture(autouse=True)
def no_discovered_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No user settings, data folder or project leak in; clock and coder are fixed."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("QUALCODE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("QUALCODE_CODER", "tester")
    monkeypatch.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    # the interface in English (the msgids) unless a test is about the translation:
    # LANGUAGE=C comes first among the locale variables and chooses no language
    monkeypatch.delenv("QUALCODE_UI_LANG", raising=False)
    monkeypatch.setenv("LANGUAGE", "C")
    from qualcode import i18n

    i18n.set_language(None)
    monkeypatch.setattr(i18n, "_chosen", None)  # reset again after the test


# ------------------------------------------------------------ property tests

TEST_FAST = "QUALCODE_TEST_FAST"
"""Set by ``make test-fast``: property tests try a fifth of their examples (at least
10); ``make test`` and ``make check`` try them all. The examples stay derandomized, so
the fast run tries the first ones of the full run."""


def hypothesis_examples(n: int) -> int:
    """How many examples a property test tries: ``n``, or ``n // 5`` (at least 10) fast."""
    if os.environ.get(TEST_FAST) == "1":
        return max(10, n // 5)
    return n


if os.environ.get(TEST_FAST) == "1":
    from hypothesis import settings as _hypothesis_settings

    # property tests that name no count (Hypothesis's default is 100)
    _hypothesis_settings.register_profile("fast", max_examples=20)
    _hypothesis_settings.load_profile("fast")


# ------------------------------------------------------------ new projects, cheaply

MIGRATE_EACH = "QUALCODE_TEST_MIGRATE_EACH"
"""``1``: every new project runs Alembic again (the A/B measure of the template)."""

_REAL_UPGRADE: list[object] = []
"""Alembic's upgrade, as the package defines it (the session fixture replaces it)."""

_EMPTY_TEMPLATE: list[Path] = []
"""This worker's empty project at the schema head (built once, by Alembic, on first use)."""


def _empty_template(real_upgrade: object, folder: Path) -> Path:
    """The new-project template: a SQLite file migrated to the head by Alembic once."""
    if not _EMPTY_TEMPLATE:
        from qualcode.store.engine import make_engine

        path = folder / "empty-head.db"
        engine = make_engine(f"sqlite:///{path}", create=True)
        try:
            from qualcode.store.engine import enable_wal

            enable_wal(engine)
            real_upgrade(engine)  # type: ignore[operator]
        finally:
            engine.dispose()
        _EMPTY_TEMPLATE.append(path)
    return _EMPTY_TEMPLATE[0]


@pytest.fixture(scope="session", autouse=True)
def _new_projects_from_a_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A new SQLite project gets the head schema copied from a template, not migrated.

    Running the migrations from nothing costs ~0.1 s of CPU per project (Alembic), the
    copy ~5 ms, and hundreds of tests create a project. The template is built once per
    worker by the same Alembic upgrade, and a fresh project holds nothing else (the
    schema, ``alembic_version`` and the empty search index), so the copy is the same
    database; ``tests/store/test_migrations.py`` checks that and runs the real
    migrations (fixture ``real_migrations``). An existing project, a revision other than
    the head and PostgreSQL still go through Alembic.
    """
    from qualcode.store import migrate
    from qualcode.store.engine import current_revision

    real_upgrade = migrate.upgrade
    folder = tmp_path_factory.mktemp("empty-template")

    def upgrade(engine: object, revision: str = "head") -> None:
        eng = engine  # an sqlalchemy Engine
        if (
            revision == "head"
            and eng.dialect.name == "sqlite"  # type: ignore[attr-defined]
            and current_revision(eng) is None  # type: ignore[arg-type]
        ):
            template = sqlite3.connect(_empty_template(real_upgrade, folder))
            try:
                with eng.connect() as conn:  # type: ignore[attr-defined]
                    template.backup(conn.connection.driver_connection)
            finally:
                template.close()
            return
        real_upgrade(engine, revision)  # type: ignore[arg-type]

    mp = pytest.MonkeyPatch()
    if os.environ.get(MIGRATE_EACH) != "1":
        mp.setattr(migrate, "upgrade", upgrade)
    _REAL_UPGRADE.append(real_upgrade)
    yield
    mp.undo()
    _REAL_UPGRADE.clear()


@pytest.fixture
def real_migrations(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test runs Alembic for a new project too (the migrations are what it tests)."""
    from qualcode.store import migrate

    monkeypatch.setattr(migrate, "upgrade", _REAL_UPGRADE[0])


NO_EXTERNAL = "QUALCODE_NO_EXTERNAL"
"""Set by ``make test-fast``: tests that need a program outside Python are skipped."""


def require(tool: str) -> None:
    """Skip when ``tool`` is missing on a developer's machine; fail in CI.

    Under ``make test-fast`` (``QUALCODE_NO_EXTERNAL`` set) every such test is skipped.
    """
    if os.environ.get(NO_EXTERNAL):
        pytest.skip(f"{tool}: no external programs in make test-fast")
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is required in CI (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed")


def dump_db(path: Path) -> list[str]:
    """Every statement that rebuilds the database: equal dumps mean equal contents."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def demo_files() -> list[Path]:
    """The shipped demo transcripts."""
    return sorted(
        p for p in TRANSCRIPTS.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md"
    )


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project built once per test session (spaCy segmentation is slow)."""
    from qualcode import services

    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    mp.setenv("QUALCODE_CODER", "tester")
    folder = tmp_path_factory.mktemp("demo-template")
    shutil.copyfile(CODEBOOK, folder / "kepmenpan-63.yaml")
    project = services.init_project(str(folder / "qualcode.db"), folder / "kepmenpan-63.yaml")
    try:
        report = services.import_transcripts(project, demo_files())
        assert not report.errors, report.errors
    finally:
        project.close()
        mp.undo()
    return folder


@pytest.fixture
def demo_dir(_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project folder (project file plus its codebook)."""
    target = tmp_path / "demo"
    shutil.copytree(_demo_template, target)
    # the project remembers its codebook file by absolute path: point it at the copy
    con = sqlite3.connect(target / "qualcode.db")
    con.execute(
        "UPDATE settings SET value = ? WHERE key = 'codebook_path'",
        ('"' + str(target / "kepmenpan-63.yaml") + '"',),
    )
    con.commit()
    con.close()
    return target


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Project]:
    """The demo project, opened."""
    project = open_project(str(demo_dir))
    yield project
    project.close()


@pytest.fixture
def empty_project(tmp_path: Path) -> Iterator[Project]:
    """A new project linked to the shipped codebook, no documents."""
    from qualcode import services

    shutil.copyfile(CODEBOOK, tmp_path / "codebook.yaml")
    project = services.init_project(str(tmp_path / "qualcode.db"), tmp_path / "codebook.yaml")
    yield project
    project.close()


# PostgreSQL: a throwaway cluster per session, a database per test (tests/pg.py)
from tests.pg import backend, pg_db, pg_server, team_template  # noqa: E402, F401

# ---------------------------------------------------------------------- matrices

D1 = "I: Berapa lama antre?\nP: Dua jam antre. Petugas datang telat. Biaya mahal sekali.\n"
D2 = "I: Ada biaya?\nP: Tidak ada biaya. Ruang tunggu panas.\n"


def _doc(name: str, text: str) -> tuple[ImportedDocument, list[SentenceSpan]]:
    """An ImportedDocument with two turns (interviewer, participant) and its sentences."""
    from qualcode.core.model import TurnSpan

    first_end = text.index("\n")
    second = first_end + 1
    turns = (
        TurnSpan(3, first_end, "I", 0, "interviewer"),
        TurnSpan(second + 3, len(text) - 1, "P", second, "participant"),
    )
    sentences = [SentenceSpan(3, first_end, 0)]
    pos = second + 3
    body = text[pos : len(text) - 1]
    for part in body.split(". "):
        chunk = part if part.endswith(".") else part + "."
        start = text.index(chunk, pos)
        sentences.append(SentenceSpan(start, start + len(chunk), 1))
        pos = start + len(chunk)
    return ImportedDocument(name=name, text=text, turns=turns, lang="id"), sentences


MATRIX_CODEBOOK = {
    "version": 1,
    "name": "Matrix test",
    "languages": ["id", "en"],
    "codes": [
        {
            "id": "time",
            "label": {"id": "Waktu", "en": "Time"},
            "description": "Waktu penyelesaian.",
            "inclusion": "Lama menunggu.",
            "exclusion": "Biaya.",
            "examples": ["Dua jam."],
            "children": [
                {"id": "time.long_wait", "label": {"id": "Antre lama", "en": "Long wait"}},
                {"id": "time.late", "label": {"id": "Petugas telat", "en": "Officer late"}},
            ],
        },
        {"id": "cost", "label": {"id": "Biaya", "en": "Cost"}},
        {
            "id": "facilities",
            "label": {"id": "Sarana", "en": "Facilities"},
            "children": [{"id": "facilities.room", "label": {"id": "Ruang", "en": "Room"}}],
        },
    ],
}


def code_version(project: Project, code_id: str) -> int:
    """A code's version number as stored (what ``update_code(expected_version=...)``
    compares with)."""
    from sqlalchemy import select

    from qualcode.store.base import T_CODES

    with project.read() as conn:
        return int(conn.execute(select(T_CODES.c.version).where(T_CODES.c.id == code_id)).one()[0])


def codebook_from_text(text: str, name: str = "codebook.yaml") -> Codebook:
    """A codebook from YAML text, read as the program reads a codebook file
    (:func:`~qualcode.importers.codebook_yaml.load_codebook`)."""
    import tempfile

    from qualcode.importers.codebook_yaml import load_codebook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return load_codebook(path)


def place_map_nodes(project: Project, positions: dict[str, tuple[float, float]]) -> None:
    """Place map nodes by hand, as a REFI-QDA import places them (the program has no
    other way to store a position): one logged action on the ``map.positions`` setting."""
    from qualcode.store.thematic_map import POSITIONS_KEY

    current = project.map.map_positions()
    current.update(positions)
    value = {k: [x, y] for k, (x, y) in sorted(current.items())}
    with project.write("map.positions", f"place {len(positions)} map nodes") as tx:
        project.put_setting(tx, POSITIONS_KEY, value)


def span(text: str, needle: str) -> tuple[int, int]:
    """The span of ``needle`` in ``text`` (it must occur once)."""
    assert text.count(needle) == 1, needle
    start = text.index(needle)
    return start, start + len(needle)


def build_matrix_project(path: Path) -> dict[str, str]:
    """A hand-made project for matrix tests; returns coding guids by name (c1..c9).

    d1 (case "Bu Siti", whole document): c5 time.long_wait on the interviewer's question;
    c1 time.long_wait on "Dua jam antre.", c2 time.late on "Petugas datang telat.",
    c3 time on both sentences (nesting c1 and c2), c4 cost on "Biaya mahal sekali.".
    d2 (case "Pak Budi" = speaker P only): c6 cost "Tidak ada biaya." (coder budi),
    c7 facilities.room "Ruang tunggu panas.", c8 cost "biaya. Ruang" (overlaps c6
    and c7), c9 time.late on "Ruang tunggu panas." (a suggestion).
    """
    from qualcode.core.codebook import parse_codebook

    project = open_project(str(path), create=True, coder="ana")
    try:
        project.codebook_sync.sync_codebook(parse_codebook(MATRIX_CODEBOOK))
        for name, text in (("d1", D1), ("d2", D2)):
            doc, sents = _doc(name, text)
            project.documents.add_document(doc, sents)
        project.cases.link_case("Bu Siti", "d1")
        project.cases.link_case("Pak Budi", "d2", speaker="P")
        project.cases.set_attributes(
            {
                "Bu Siti": {"gender": "f", "occupation": "pedagang"},
                "Pak Budi": {"gender": "m"},
            }
        )
        guids: dict[str, str] = {}
        plan = [
            ("c1", "d1", "time.long_wait", span(D1, "Dua jam antre."), "ana", "accepted"),
            ("c2", "d1", "time.late", span(D1, "Petugas datang telat."), "ana", "accepted"),
            (
                "c3",
                "d1",
                "time",
                span(D1, "Dua jam antre. Petugas datang telat."),
                "ana",
                "accepted",
            ),
            ("c4", "d1", "cost", span(D1, "Biaya mahal sekali."), "ana", "accepted"),
            ("c5", "d1", "time.long_wait", span(D1, "Berapa lama antre?"), "ana", "accepted"),
            ("c6", "d2", "cost", span(D2, "Tidak ada biaya."), "budi", "accepted"),
            ("c7", "d2", "facilities.room", span(D2, "Ruang tunggu panas."), "ana", "accepted"),
            ("c8", "d2", "cost", span(D2, "biaya. Ruang"), "ana", "accepted"),
            ("c9", "d2", "time.late", span(D2, "Ruang tunggu panas."), "rules", "suggested"),
        ]
        for key, doc_name, code, (start, end), coder, status in plan:
            coding, _ = project.codings.apply_coding(
                doc_name,
                code,
                start,
                end,
                coder=coder,
                status=status,
                origin="rules" if status == "suggested" else "manual",
            )
            guids[key] = coding.guid
        project.memos.set_coding_memo(guids["c1"], "Dua jam: menunggu lama")
        project.memos.add_memo("project", None, "Catatan proyek", title="Proyek")
    finally:
        project.close()
    return guids


@pytest.fixture(scope="session")
def _matrix_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_FAKE_NOW", FAKE_NOW)
    folder = tmp_path_factory.mktemp("matrix-template")
    guids = build_matrix_project(folder / "qualcode.db")
    mp.undo()
    return folder / "qualcode.db", guids


@pytest.fixture
def matrix_path(_matrix_template: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A private copy of the hand-made matrix project."""
    target = tmp_path / "matrix.db"
    shutil.copyfile(_matrix_template[0], target)
    return target


@pytest.fixture
def matrix_guids(_matrix_template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """The coding guids of the matrix project, by name (c1..c9)."""
    return dict(_matrix_template[1])


@pytest.fixture
def matrix_project(matrix_path: Path) -> Iterator[Project]:
    """The hand-made matrix project, opened (coder ``ana``)."""
    project = open_project(str(matrix_path), coder="ana")
    yield project
    project.close()


def dump_content(path: Path) -> list[str]:
    """The database's content without the action log, the coders' reference rows
    (a coder's row is made the first time they code and is not part of an action,
    so undo leaves it) and where each coder left the workbench (not an action
    either): equal dumps mean the same project content."""
    return [
        line
        for line in dump_db(path)
        if not line.startswith(
            ('INSERT INTO "actions"', 'INSERT INTO "coders"', 'INSERT INTO "workbench_state"')
        )
    ]


PG_FIXTURES = frozenset({"pg_server", "pg_db"})
"""Fixtures that start PostgreSQL: a test using one is marked ``external``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that run on PostgreSQL ``external`` (``make test-fast`` leaves
    them out); the ``backend`` fixture's PostgreSQL half too, its SQLite half not."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        on_pg = bool(names & PG_FIXTURES) or (
            "backend" in names
            and callspec is not None
            and callspec.params.get("backend") == "postgresql"
        )
        if on_pg:
            item.add_marker(pytest.mark.external)
