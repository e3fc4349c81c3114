"""``export bundle``: Taguette's export set in one go, each file the same as the single
export that writes it; the batched, synced writes behind it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import services
from qualcode.cli import cli
from qualcode.core.filters import Filters
from qualcode.errors import InputError
from qualcode.exporters import base
from qualcode.store import Project
from tests.conftest import DATA
from tests.exporters.test_matrices import NAME_MAP, REAL, xlsx_text

FILES = (
    "codebook.qdc",
    "codebook.csv",
    "codebook.xlsx",
    "segments.csv",
    "segments.xlsx",
    "segments.html",
)


@pytest.fixture
def reviewed(small_project: Project) -> Iterator[Project]:
    """The small fixed project with cases, an attribute and one disputed coding."""
    small_project.cases.link_case("Ibu A", "wawancara_a")
    small_project.cases.link_case("Participant B", "interview_b", speaker="Participant")
    small_project.cases.set_attributes({"Ibu A": {"gender": "f"}, "Participant B": {"gender": "m"}})
    small_project.review.review_coding(
        "1cbc4432-056b-4605-b3f7-dd97ae664e84", "disputed", "Biaya resmi?", reviewer="dosen"
    )
    yield small_project


def _listing(folder: Path) -> str:
    return "".join(f"{p.relative_to(folder).as_posix()}\n" for p in sorted(folder.rglob("*")))


def test_the_bundle_holds_taguettes_set_each_file_as_its_own_export_writes_it(
    reviewed: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "bundle"
    summary = services.export_bundle(reviewed, out, label_lang="en")
    golden("bundle.listing.txt", _listing(out))
    codes = [c.id for c in reviewed.codebook()]
    assert summary.files == (
        *(out / n for n in FILES),
        *(out / "codes" / f"{c}.csv" for c in codes),
    )
    assert (summary.codings, summary.codes) == (4, len(codes))
    single = tmp_path / "single"
    single.mkdir()

    def alone(kind: str, suffix: str, **kw: object) -> Path:
        path = single / f"{kind}-{len(list(single.iterdir()))}.{suffix}"
        services.export_matrix(reviewed, kind, path, label_lang="en", **kw)  # type: ignore[arg-type]
        return path

    assert (out / "codebook.csv").read_bytes() == alone("appendix", "csv").read_bytes()
    assert (out / "segments.csv").read_bytes() == alone("segments", "csv").read_bytes()
    assert (out / "segments.html").read_bytes() == alone("segments", "html").read_bytes()
    assert xlsx_text(out / "codebook.xlsx") == xlsx_text(alone("appendix", "xlsx"))
    assert xlsx_text(out / "segments.xlsx") == xlsx_text(alone("segments", "xlsx"))
    services.export_qdc(reviewed, single / "c.qdc")
    assert (out / "codebook.qdc").read_bytes() == (single / "c.qdc").read_bytes()
    for code in codes:  # what `export segments --code CODE` writes (sub-codes too)
        want = alone("segments", "csv", filters=Filters(codes=(code,))).read_bytes()
        assert (out / "codes" / f"{code}.csv").read_bytes() == want, code
    # a parent code's file lists its sub-codes' codings
    assert (out / "codes" / "time.csv").read_text(encoding="utf-8-sig").count("\n") == 1 + 2
    assert not list(out.rglob(".*.tmp"))


def test_a_second_bundle_replaces_the_first(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    services.export_bundle(reviewed, out)
    (out / "mine.txt").write_text("kept", encoding="utf-8")
    reviewed.review.review_coding(
        "ca3d1c33-3f40-4aef-99dd-21a29abffd8c", "approved", reviewer="dosen"
    )
    services.export_bundle(reviewed, out)
    assert "approved" in (out / "segments.csv").read_text(encoding="utf-8-sig")
    assert (out / "mine.txt").read_text(encoding="utf-8") == "kept"


def test_code_filter_limits_the_rows_and_the_per_code_files(
    reviewed: Project, tmp_path: Path
) -> None:
    out = tmp_path / "bundle"
    summary = services.export_bundle(reviewed, out, filters=Filters(codes=("time",)))
    per_code = sorted(p.name for p in (out / "codes").iterdir())
    assert per_code == ["time.csv", "time.long_wait.csv"]
    assert summary.codings == 2 and summary.codes == 2


def test_no_real_name_survives_in_the_bundle(reviewed: Project, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text(NAME_MAP, encoding="utf-8")
    out = tmp_path / "bundle"
    services.export_bundle(reviewed, out, pseudonyms=names)
    for path in out.rglob("*"):
        if path.suffix in (".csv", ".html"):
            text = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            text = xlsx_text(path)
        else:
            continue
        for real in REAL:
            assert real not in text, (path.name, real)


def test_a_bad_target_is_one_clear_error(reviewed: Project, tmp_path: Path) -> None:
    afile = tmp_path / "a.txt"
    afile.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="is a file; name a folder for the bundle"):
        services.export_bundle(reviewed, afile)
    with pytest.raises(InputError, match="does not exist"):
        services.export_bundle(reviewed, tmp_path / "missing" / "bundle")
    assert afile.read_text(encoding="utf-8") == "x"


def test_code_file_names_never_collide_on_a_case_blind_disk() -> None:
    from qualcode.services.bundle import code_file_names

    assert code_file_names(["a.b", "A.b", "c", "a.B"]) == {
        "a.b": "a.b.csv",
        "A.b": "A.b~2.csv",
        "c": "c.csv",
        "a.B": "a.B~3.csv",
    }


def test_cli_export_bundle(tmp_path: Path) -> None:
    db = tmp_path / "small.db"
    shutil.copyfile(DATA / "projects" / "schema-0001.db", db)
    out = tmp_path / "bundle"
    r = CliRunner().invoke(
        cli,
        ["--project", str(db), "export", "bundle", "-o", str(out), "--label-lang", "en"],
        catch_exceptions=False,
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
    n = len(list(out.rglob("*.*")))
    codes = len(list((out / "codes").iterdir()))
    assert r.stdout == f"wrote {out}: {n} files, 4 coded passages, {codes} per-code CSVs\n"
    r = CliRunner().invoke(
        cli,
        ["--project", str(db), "export", "bundle", "-o", str(db)],
        prog_name="qualcode",
    )
    assert r.exit_code != 0
    assert "is a file; name a folder for the bundle" in r.output
    assert "Traceback" not in r.output


# ---------------------------------------------------------------------- batched writes


def _write(path: Path, text: str) -> None:
    with base.atomic_text(path) as fh:
        fh.write(text)


def test_batched_writes_appear_together_at_the_end(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old", encoding="utf-8")
    with base.batched_writes():
        _write(a, "new a")
        _write(b, "new b")
        assert a.read_text(encoding="utf-8") == "old" and not b.exists()
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")) == ("new a", "new b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_failure_in_the_batch_touches_no_target(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), base.batched_writes():
        _write(a, "new a")
        _write(b, "new b")
        raise RuntimeError("the export failed half-way")
    assert a.read_text(encoding="utf-8") == "old" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_a_failed_sync_is_one_clear_error_and_touches_no_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old", encoding="utf-8")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(InputError, match="No space left on device"), base.batched_writes():
        _write(a, "new a")
        _write(b, "new b")
    assert a.read_text(encoding="utf-8") == "old" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]
