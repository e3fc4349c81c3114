"""File merges: our comments survive, conflicts are left in a form every tool refuses,
and every bad input is one line with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode import services
from qualcode.errors import InputError, QualcodeError
from qualcode.importers.codebook_yaml import check_codebook, load_codebook
from qualcode.store import Project
from tests.conftest import CODEBOOK, DATA, dump_db

BAD = DATA / "bad"
SHIPPED = CODEBOOK.read_text(encoding="utf-8")


def write(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = SHIPPED
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


COST_LABEL = "    label: {id: Biaya pelayanan, en: Service cost}"
NEW_CODE = (
    "      - id: cost.broker\n"
    "        label: {id: Calo, en: Broker}\n"
    "        key: 3e\n"
    "      - id: cost.free_as_promised"
)


@pytest.fixture
def sides(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = write(tmp_path, "base.yaml")
    ours = write(
        tmp_path,
        "ours.yaml",
        (COST_LABEL, "    label: {id: Biaya layanan, en: Service cost}"),
        (
            "# ---------------------------------------------------------------",
            "# OUR NOTE\n  # ----",
        ),
    )
    theirs = write(
        tmp_path,
        "theirs.yaml",
        (COST_LABEL, "    label: {id: Biaya pelayanan, en: Cost of the service}"),
        ("      - id: cost.free_as_promised", NEW_CODE),
    )
    return base, ours, theirs


def test_clean_merge_keeps_our_comments_and_takes_theirs(
    sides: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    base, ours, theirs = sides
    out = tmp_path / "out.yaml"
    report = services.merge_files(ours, theirs, base, out)
    assert report.result.clean
    text = out.read_text(encoding="utf-8")
    assert "# OUR NOTE" in text
    assert text.splitlines()[:9] == SHIPPED.splitlines()[:9]  # the header comment block
    assert "    label: {id: Biaya layanan, en: Cost of the service}" in text
    merged = load_codebook(out)
    assert merged["cost.broker"].parent == "cost"
    assert merged == report.result.codebook
    # only the lines that changed differ from ours
    changed = [line for line in text.splitlines() if line not in ours.read_text().splitlines()]
    assert changed == [
        "    label: {id: Biaya layanan, en: Cost of the service}",
        "      - id: cost.broker",
        "        label: {id: Calo, en: Broker}",
        "        key: 3e",
    ]


@pytest.fixture
def conflicted(tmp_path: Path) -> tuple[Path, Path, Path]:
    base = write(tmp_path, "base.yaml")
    ours = write(tmp_path, "ours.yaml", (COST_LABEL, "    label: {id: Biaya A, en: Service cost}"))
    theirs = write(
        tmp_path, "theirs.yaml", (COST_LABEL, "    label: {id: Biaya B, en: Service cost}")
    )
    return base, ours, theirs


def test_conflicts_are_left_in_the_file_and_refused_until_resolved(
    conflicted: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    base, ours, theirs = conflicted
    out = tmp_path / "out.yaml"
    report = services.merge_files(ours, theirs, base, out)
    assert [(c.code, c.field) for c in report.result.conflicts] == [("cost", "label.id")]
    text = out.read_text(encoding="utf-8")
    block = (
        "    label: {id: Biaya A, en: Service cost}\n"
        "    conflict:\n"
        "      label.id:\n"
        "        base: Biaya pelayanan\n"
        "        ours: Biaya A\n"
        "        theirs: Biaya B\n"
        "        why: changed differently on both sides\n"
    )
    assert block in text
    line = text[: text.index("    conflict:")].count("\n") + 1
    # validate refuses it with FILE:LINE:COL
    (problem,) = check_codebook(out)
    assert problem.format() == (
        f"{out}:{line}:5: unresolved merge conflict in code 'cost': label.id (keep the value "
        "you want in each field (ours is there now; base and theirs are in the block), then "
        "delete the 'conflict:' block)"
    )
    # feeding it back into a merge is refused too, with one line
    with pytest.raises(InputError) as err:
        services.merge_files(out, theirs, base, tmp_path / "again.yaml")
    assert err.value.lines() == [problem.format()]
    assert not (tmp_path / "again.yaml").exists()
    # a person resolves it: keeps theirs, deletes the block
    resolved = text.replace(block, "    label: {id: Biaya B, en: Service cost}\n")
    out.write_text(resolved, encoding="utf-8")
    assert check_codebook(out) == []
    assert load_codebook(out)["cost"].label == {"id": "Biaya B", "en": "Service cost"}


def test_sync_refuses_an_unresolved_file(empty_project: Project, tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    before = dump_db(tmp_path / "qualcode.db")
    shutil.copyfile(BAD / "merge" / "unresolved.yaml", path)
    with pytest.raises(InputError) as err:
        services.sync_codebook(empty_project, path)
    assert err.value.lines()[0].startswith(f"{path}:7:5: unresolved merge conflict in code 'cost'")
    assert dump_db(tmp_path / "qualcode.db") == before


def test_two_way_merge_without_base(sides: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, ours, theirs = sides
    report = services.merge_files(ours, theirs, None, tmp_path / "out.yaml")
    assert report.result.two_way
    # without a base nobody knows who changed the label: both languages are conflicts
    assert [(c.code, c.field) for c in report.result.conflicts] == [
        ("cost", "label.id"),
        ("cost", "label.en"),
    ]
    assert "cost.broker" in report.result.codebook


def test_near_duplicates_are_reported_and_applied_in_the_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml")
    anchor = "      - id: time.short_wait"
    ours = write(
        tmp_path,
        "ours.yaml",
        (anchor, "      - id: time.queue_long\n        label: {id: Waktu tunggu lama}\n" + anchor),
    )
    theirs = write(
        tmp_path,
        "theirs.yaml",
        (
            anchor,
            "      - id: time.lama_menunggu\n        label: {id: Lama waktu menunggu}\n" + anchor,
        ),
    )
    report = services.merge_files(ours, theirs, base, tmp_path / "out.yaml")
    assert [(s.ours, s.theirs, s.score) for s in report.result.suggestions] == [
        ("time.queue_long", "time.lama_menunggu", 100.0)
    ]
    assert {"time.queue_long", "time.lama_menunggu"} <= {
        c.id for c in load_codebook(tmp_path / "out.yaml")
    }
    services.merge_files(ours, theirs, base, tmp_path / "out.yaml", apply_suggestions=True)
    merged = load_codebook(tmp_path / "out.yaml")
    assert merged["time.queue_long"].aliases == ("time.lama_menunggu",)
    assert "time.lama_menunggu" not in [c.id for c in merged]


BAD_INPUTS: list[tuple[str, str, str]] = [
    # (id, which side, expected one line with {path} for the bad file)
    (
        "invalid-yaml-ours",
        "ours",
        "{path}:4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of "
        "stream (in ours) (check indentation and quoting)",
    ),
    (
        "invalid-yaml-theirs",
        "theirs",
        "{path}:4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of "
        "stream (in theirs) (check indentation and quoting)",
    ),
    (
        "invalid-yaml-base",
        "base",
        "{path}:4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of "
        "stream (in base) (check indentation and quoting)",
    ),
]


@pytest.mark.parametrize(
    ("role", "expected"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS]
)
def test_broken_yaml_on_any_side_is_one_line(
    sides: tuple[Path, Path, Path], tmp_path: Path, role: str, expected: str
) -> None:
    paths = dict(zip(("base", "ours", "theirs"), sides, strict=True))
    paths[role] = BAD / "codebooks" / "broken_yaml.yaml"
    out = tmp_path / "out.yaml"
    with pytest.raises(QualcodeError) as err:
        services.merge_files(paths["ours"], paths["theirs"], paths["base"], out)
    assert err.value.lines() == [expected.format(path=paths[role])]
    assert err.value.exit_code == 2
    assert not out.exists()


def test_an_invalid_codebook_is_one_line_with_a_count(
    sides: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "many.yaml"
    bad.write_text(
        "codes:\n  - {id: a, label: A, key: '1'}\n  - {id: a, label: B, key: '1'}\n"
        "  - {id: c, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(QualcodeError) as err:
        services.merge_files(sides[1], bad, sides[0], tmp_path / "out.yaml")
    assert err.value.lines() == [
        f"{bad}:3:10: duplicate code id 'a', first defined on line 2 (in theirs) (every id must "
        f"be unique; 3 more problems: qualcode codebook validate {bad})"
    ]


def test_a_base_that_is_no_ancestor_is_refused(
    sides: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, ours, theirs = sides
    other = BAD / "merge" / "not_ancestor.yaml"
    with pytest.raises(QualcodeError) as err:
        services.merge_files(ours, theirs, other, tmp_path / "out.yaml")
    assert err.value.lines() == [
        f"{other}: is not an ancestor of {ours}: only 0 of its 2 codes are in {ours} (pass the "
        "common ancestor with --base, or leave --base out for a two-way merge)"
    ]
    assert not (tmp_path / "out.yaml").exists()


def test_an_unresolved_file_fed_back_in_is_refused(
    sides: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    base, ours, _ = sides
    bad = BAD / "merge" / "unresolved.yaml"
    with pytest.raises(QualcodeError) as err:
        services.merge_files(ours, bad, base, tmp_path / "out.yaml")
    assert err.value.lines() == [
        f"{bad}:7:5: unresolved merge conflict in code 'cost': description (keep the value you "
        "want in each field (ours is there now; base and theirs are in the block), then delete "
        "the 'conflict:' block)"
    ]


def test_merge_driver_with_an_empty_base_merges_two_ways(
    sides: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, ours, theirs = sides
    empty = tmp_path / "empty"
    empty.write_text("", encoding="utf-8")
    report = services.merge_driver(empty, ours, theirs)
    assert report.result.two_way
    assert report.output == ours
    assert len(report.result.conflicts) == 2
    assert "- id: cost.broker" in ours.read_text(encoding="utf-8")


def test_diff_files(sides: tuple[Path, Path, Path]) -> None:
    base, ours, _ = sides
    diff = services.diff_files(base, ours)
    assert [(c.code, c.field, c.new) for c in diff.relabelled] == [
        ("cost", "label.id", "Biaya layanan")
    ]
    with pytest.raises(QualcodeError, match="empty.yaml: the codebook is empty"):
        services.diff_files(BAD / "merge" / "not_ancestor.yaml", BAD / "codebooks" / "empty.yaml")


def test_their_new_id_reaches_our_codings_through_the_merge(demo: Project, demo_dir: Path) -> None:
    """Alice gives a code a new id in her file; we merge her file into ours and sync:
    our codings follow the code under its new id, and the old id still resolves."""
    linked = demo_dir / "kepmenpan-63.yaml"
    base = demo_dir / "base.yaml"
    shutil.copyfile(linked, base)
    coding, _ = demo.codings.apply_coding(
        "wawancara_01_pedagang_pasar", "cost.unofficial_fee", 10, 20
    )
    demo.codes.set_label("cost", "Ongkos", lang="id")  # our own edit, written back to our file
    services.write_back(demo)
    alice = demo_dir / "alice.yaml"
    alice.write_text(
        base.read_text(encoding="utf-8").replace(
            "      - id: cost.unofficial_fee\n",
            "      - id: cost.pungli\n        aliases: [cost.unofficial_fee]\n",
        ),
        encoding="utf-8",
    )
    report = services.merge_files(linked, alice, base, linked)
    assert report.result.clean
    services.sync_codebook(demo)
    assert demo.codings.coding(coding.guid).code == "cost.pungli"
    assert demo.codebook()["cost"].label_in("id") == "Ongkos"
    demo.codings.apply_coding("wawancara_01_pedagang_pasar", "cost.unofficial_fee", 30, 40)
    assert len(demo.codings.codings(code="cost.pungli")) == 2
