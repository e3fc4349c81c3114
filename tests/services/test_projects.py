"""Making a project on the first run: what is found in a folder, where the codebook goes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode import services
from qualcode.errors import InputError, ProjectError
from tests.conftest import demo_files


def test_find_transcripts_takes_importable_files_and_skips_tool_folders(tmp_path: Path) -> None:
    files = {
        "a.txt": True,
        "b.docx": True,
        "sub/c.vtt": True,
        "sub/deeper/d.srt": True,
        "sub/deeper/deepest/too/far.txt": False,  # below three levels
        "notes.xlsx": False,
        "codebook.yaml": False,
        ".git/x.txt": False,
        ".venv/lib/y.md": False,
        "node_modules/z.html": False,
        "exports/matrix.md": False,
    }
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = {str(p.relative_to(tmp_path)) for p in services.find_transcripts(tmp_path)}
    assert found == {name for name, wanted in files.items() if wanted}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("README.md", False), ("readme.txt", False), ("LICENSE.txt", False), ("w01.txt", True)],
    ids=["readme", "readme-lower", "licence", "interview"],
)
def test_looks_like_transcript(name: str, expected: bool) -> None:
    assert services.looks_like_transcript(Path(name)) is expected


def test_find_codebooks_needs_a_codes_key(tmp_path: Path) -> None:
    (tmp_path / "cb.yaml").write_text("version: 1\ncodes:\n  - id: a\n", encoding="utf-8")
    (tmp_path / "list.yml").write_text("- id: a\n  label: A\n", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("settings: {a: 1}\n", encoding="utf-8")
    names = sorted(p.name for p in services.find_codebooks(tmp_path))
    assert names == ["cb.yaml", "list.yml"]


def test_a_shipped_codebook_is_copied_once_and_a_different_file_is_never_overwritten(
    tmp_path: Path,
) -> None:
    shipped = services.default_codebook()
    first = services.adopt_codebook(shipped, tmp_path)
    assert first == tmp_path / shipped.name and first.read_bytes() == shipped.read_bytes()
    assert services.adopt_codebook(shipped, tmp_path) == first  # the same text: reused
    first.write_text(first.read_text(encoding="utf-8") + "# my edits\n", encoding="utf-8")
    second = services.adopt_codebook(shipped, tmp_path)
    assert second == tmp_path / f"{shipped.stem}-2{shipped.suffix}"
    assert "# my edits" in first.read_text(encoding="utf-8")
    own = tmp_path / "mine.yaml"
    shutil.copyfile(shipped, own)
    assert services.adopt_codebook(own, tmp_path) == own  # the researcher's own file: linked


def test_start_project_with_a_bad_codebook_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncodes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n")
    with pytest.raises(InputError) as info:
        services.start_project(str(tmp_path / "qualcode.db"), bad, demo_files()[:1])
    assert "duplicate code id 'a'" in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_start_project_imports_and_refuses_an_existing_project(tmp_path: Path) -> None:
    steps: list[tuple[int, int, str]] = []
    project, report = services.start_project(
        str(tmp_path / "qualcode.db"),
        services.default_codebook(),
        demo_files()[:3],
        progress=lambda d, t, w: steps.append((d, t, w)),
    )
    try:
        assert len(report.imported) == 3 and not report.errors
        assert len(project.documents.documents()) == 3 and len(project.codebook()) == 30
    finally:
        project.close()
    assert steps[0][2] == "creating the project"
    with pytest.raises(ProjectError):
        services.start_project(str(tmp_path / "qualcode.db"), None, [])
