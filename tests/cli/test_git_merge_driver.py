"""A real git repository merges codebook branches through `qualcode codebook merge-driver`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.importers.codebook_yaml import check_codebook, load_codebook
from tests.conftest import CODEBOOK, require

pytestmark = pytest.mark.external

FILE = "codebooks/kepmenpan-63.yaml"
COST_LABEL = "    label: {id: Biaya pelayanan, en: Service cost}"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require("git")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "checkout", "-q", "-b", "main")
    git(repo, "config", "user.name", "Tester")
    git(repo, "config", "user.email", "tester@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    # the lines the codebook guide shows
    (repo / ".gitattributes").write_text("codebooks/*.yaml merge=qualcode\n", encoding="utf-8")
    git(repo, "config", "merge.qualcode.name", "qualcode codebook merge")
    git(
        repo,
        "config",
        "merge.qualcode.driver",
        f"{sys.executable} -m qualcode codebook merge-driver %O %A %B %P",
    )
    (repo / "codebooks").mkdir()
    (repo / FILE).write_text(CODEBOOK.read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "codebook")
    return repo


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
        "GIT_TERMINAL_PROMPT": "0",
    }
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stdout}{result.stderr}")
    return result


def edit(repo: Path, *pairs: tuple[str, str]) -> None:
    path = repo / FILE
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def test_branches_edited_on_both_sides_merge_cleanly(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "alice")
    edit(
        repo,
        (COST_LABEL, "    label: {id: Biaya layanan, en: Service cost}"),
        (
            "      - id: cost.free_as_promised",
            "      - id: cost.broker\n        label: {id: Calo, en: Broker}\n"
            "      - id: cost.free_as_promised",
        ),
    )
    git(repo, "commit", "-q", "-am", "alice: relabel cost in Indonesian, add cost.broker")
    git(repo, "checkout", "-q", "main")
    edit(
        repo,
        (COST_LABEL, "    label: {id: Biaya pelayanan, en: Cost of the service}"),
        ("        key: 3a\n", "        key: 3z\n"),
    )
    git(repo, "commit", "-q", "-am", "main: relabel cost in English, rekey")
    # the same line changed on both branches: a line-based merge would conflict
    base = git(repo, "show", f"HEAD~1:{FILE}").stdout
    theirs = git(repo, "show", f"alice:{FILE}").stdout
    for name, text in (("b", base), ("t", theirs)):
        (repo.parent / name).write_text(text, encoding="utf-8")
    ours_copy = repo.parent / "o"
    ours_copy.write_text((repo / FILE).read_text(encoding="utf-8"), encoding="utf-8")
    line_merge = git(
        repo,
        "merge-file",
        "-p",
        str(ours_copy),
        str(repo.parent / "b"),
        str(repo.parent / "t"),
        check=False,
    )
    assert line_merge.returncode > 0
    # through the driver it merges cleanly
    result = git(repo, "merge", "--no-edit", "alice", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    merged = load_codebook(repo / FILE)
    assert merged["cost"].label == {"id": "Biaya layanan", "en": "Cost of the service"}
    assert merged["cost.broker"].parent == "cost"
    assert merged["cost.unofficial_fee"].key == "3z"
    assert git(repo, "status", "--porcelain").stdout == ""
    assert git(repo, "log", "-1", "--format=%P").stdout.count(" ") == 1  # a merge commit


def test_conflicting_branches_stop_the_merge_with_conflicts_in_the_file(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "alice")
    edit(repo, (COST_LABEL, "    label: {id: Biaya A, en: Service cost}"))
    git(repo, "commit", "-q", "-am", "alice")
    git(repo, "checkout", "-q", "main")
    edit(repo, (COST_LABEL, "    label: {id: Biaya B, en: Service cost}"))
    git(repo, "commit", "-q", "-am", "main")
    result = git(repo, "merge", "--no-edit", "alice", check=False)
    assert result.returncode != 0
    assert "qualcode: 1 codebook conflict in codebooks/kepmenpan-63.yaml" in result.stderr
    assert git(repo, "status", "--porcelain").stdout == f"UU {FILE}\n"
    problems = check_codebook(repo / FILE)
    assert [p.message for p in problems] == ["unresolved merge conflict in code 'cost': label.id"]
    # resolve: keep theirs, delete the block, add, commit
    text = (repo / FILE).read_text(encoding="utf-8")
    start = text.index("    label: {id: Biaya B")
    end = text.index("    color:", start)
    (repo / FILE).write_text(
        text[:start] + "    label: {id: Biaya A, en: Service cost}\n" + text[end:], encoding="utf-8"
    )
    assert check_codebook(repo / FILE) == []
    git(repo, "add", FILE)
    git(repo, "commit", "-q", "--no-edit")
    assert load_codebook(repo / FILE)["cost"].label_in("id") == "Biaya A"


def test_the_guide_shows_the_lines_this_test_uses() -> None:
    readme = (Path(__file__).resolve().parents[2] / "docs" / "codebook.md").read_text(
        encoding="utf-8"
    )
    assert "echo 'codebooks/*.yaml merge=qualcode' >> .gitattributes" in readme
    assert 'git config merge.qualcode.name "qualcode codebook merge"' in readme
    assert 'git config merge.qualcode.driver "qualcode codebook merge-driver %O %A %B %P"' in readme
