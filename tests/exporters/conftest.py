"""Golden files: ``QUALCODE_UPDATE_GOLDEN=1 pytest tests/exporters`` rewrites them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qualcode.store import Project, open_project
from tests.conftest import DATA

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def small_project(tmp_path: Path) -> Iterator[Project]:
    """The committed first-schema project: two documents, four codings, fixed content."""
    shutil.copyfile(DATA / "projects" / "schema-0001.db", tmp_path / "small.db")
    project = open_project(str(tmp_path / "small.db"))
    yield project
    project.close()


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``golden/NAME`` (or rewrite it when asked to)."""

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("QUALCODE_UPDATE_GOLDEN"):
            path.write_bytes(actual.encode("utf-8"))
        assert path.exists(), f"golden file {name} missing: run with QUALCODE_UPDATE_GOLDEN=1"
        assert actual == path.read_bytes().decode("utf-8"), name

    return check
