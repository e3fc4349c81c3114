"""The package as a user installs it (``pipx install .`` / ``pip install .``): the wheel
carries the shipped codebook and demo interviews, and works away from the repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (found,) = out.glob("qualcode-*.whl")
    return found


def test_the_version_is_one_number_in_two_places() -> None:
    """pyproject.toml carries the version statically; ``qualcode.__version__`` agrees,
    and the CHANGELOG's newest release is that version."""
    import qualcode

    with (ROOT / "pyproject.toml").open("rb") as f:
        project = tomllib.load(f)["project"]
    assert "version" not in project.get("dynamic", [])
    assert project["version"] == qualcode.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", qualcode.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.M)
    assert releases and releases[0] == qualcode.__version__


@pytest.mark.slow
def test_the_wheel_carries_the_codebooks_and_the_demo(wheel: Path) -> None:
    import qualcode

    assert wheel.name.startswith(f"qualcode-{qualcode.__version__}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"qualcode/_data/codebooks/{p.name}" for p in (ROOT / "codebooks").glob("*.yaml")}
    demo = {
        f"qualcode/_data/transcripts/{p.name}"
        for p in (ROOT / "transcripts").iterdir()
        if p.is_file()
    }
    assert shipped and shipped <= names
    assert demo <= names
    assert "qualcode/tui/qualcode.tcss" in names
    assert "qualcode/py.typed" in names
    assert "qualcode/locale/id/LC_MESSAGES/qualcode.mo" in names  # the compiled catalog
    assert any(n.startswith("qualcode/store/migrations/versions/") for n in names)
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "qualcode = qualcode.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


@pytest.mark.slow
def test_the_installed_package_works_away_from_the_repository(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(target),  # the installed copy, not the checkout
        "QUALCODE_DATA_DIR": str(tmp_path / "data"),
        "QUALCODE_CONFIG_DIR": str(tmp_path / "config"),
    }

    def qualcode(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qualcode", *args],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import qualcode; print(qualcode.__file__)"],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(target))
    built = qualcode("demo", "--no-open")
    assert built.returncode == 0, built.stderr
    assert Path(built.stdout.strip()).exists()
    docs = qualcode("--project", built.stdout.strip(), "documents")
    assert docs.returncode == 0, docs.stderr
    assert "wawancara_01_pedagang_pasar" in docs.stdout
    shipped = target / "qualcode" / "_data" / "codebooks" / "kepmenpan-63.yaml"
    init = qualcode("init", "--codebook", str(shipped))
    assert init.returncode == 0, init.stderr
    assert "30 codes" in init.stdout
    # the installed file is copied beside the project, never linked (edits write back)
    assert (folder / "kepmenpan-63.yaml").read_bytes() == shipped.read_bytes()
    assert f"a copy of the shipped codebook: {folder / 'kepmenpan-63.yaml'}" in init.stdout
