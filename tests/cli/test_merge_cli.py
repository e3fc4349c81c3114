"""`codebook diff`, `codebook merge-files`, `codebook merge` (codes, and its deprecated file
form), `merge-driver`, `split` and `recode`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.importers.codebook_yaml import load_codebook
from tests.conftest import CODEBOOK, DATA, dump_db

SHIPPED = CODEBOOK.read_text(encoding="utf-8")
COST_LABEL = "    label: {id: Biaya pelayanan, en: Service cost}"
DOC = "wawancara_01_pedagang_pasar"


def run(*args: str, project: Path | None = None, stdin: str | None = None) -> Result:
    argv = (["--project", str(project)] if project else []) + list(args)
    return CliRunner().invoke(cli, argv, input=stdin, catch_exceptions=False, prog_name="qualcode")


def write(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = SHIPPED
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "base": write(tmp_path, "base.yaml"),
        "ours": write(
            tmp_path, "ours.yaml", (COST_LABEL, "    label: {id: Biaya A, en: Service cost}")
        ),
        "theirs": write(
            tmp_path,
            "theirs.yaml",
            (COST_LABEL, "    label: {id: Biaya pelayanan, en: Costs}"),
            ("        key: 3a\n", "        key: 3z\n"),
        ),
        "conflicting": write(
            tmp_path, "conflicting.yaml", (COST_LABEL, "    label: {id: Biaya B, en: Service cost}")
        ),
    }


# ---------------------------------------------------------------------- diff


def test_diff_text_and_exit_status(files: dict[str, Path]) -> None:
    r = run("codebook", "diff", str(files["base"]), str(files["theirs"]))
    assert r.exit_code == 1
    assert r.stdout == (
        "relabelled cost [en]: 'Service cost' -> 'Costs'\n"
        "changed    cost.unofficial_fee: key: '3a' -> '3z'\n"
    )
    r = run("codebook", "diff", str(files["base"]), str(files["base"]))
    assert r.exit_code == 0
    assert r.stdout == f"{files['base']} and {files['base']} hold the same codebook\n"


def test_diff_json(files: dict[str, Path]) -> None:
    r = run("codebook", "diff", str(files["base"]), str(files["theirs"]), "--json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["relabelled"] == [
        {"id": "cost", "lang": "en", "old": "Service cost", "new": "Costs"}
    ]
    assert data["changed"] == [
        {"id": "cost.unofficial_fee", "field": "key", "old": "3a", "new": "3z"}
    ]


def test_diff_shows_the_relation_vocabulary(tmp_path: Path) -> None:
    """Added, removed and changed relation types (the default is the vocabulary in
    force where a file names none)."""
    mine = write(
        tmp_path,
        "mine.yaml",
        (
            "languages: [id, en]\ncodes:",
            "languages: [id, en]\nrelations:\n"
            "  - {id: leads_to, label: {id: mengarah ke, en: leads to}, direction: directed}\n"
            "  - {id: causes, label: {id: menyebabkan, en: causes}, direction: directed}\n"
            "codes:",
        ),
    )
    theirs = write(
        tmp_path,
        "theirs2.yaml",
        (
            "languages: [id, en]\ncodes:",
            "languages: [id, en]\nrelations:\n"
            "  - {id: leads_to, label: {id: menuju ke, en: leads to}, direction: undirected}\n"
            "  - {id: sits_with, label: sits with, direction: undirected}\n"
            "codes:",
        ),
    )
    r = run("codebook", "diff", str(mine), str(theirs))
    assert r.exit_code == 1
    assert r.stdout == (
        "relation   leads_to: label.id: 'mengarah ke' -> 'menuju ke'\n"
        "relation   leads_to: direction: 'directed' -> 'undirected'\n"
        "relation   removed causes: {id: 'menyebabkan', en: 'causes'}\n"
        "relation   added sits_with: 'sits with'\n"
    )
    data = json.loads(run("codebook", "diff", str(mine), str(theirs), "--json").stdout)
    assert data["relations"][2:] == [
        {
            "id": "causes",
            "field": "removed",
            "old": {"id": "menyebabkan", "en": "causes"},
            "new": None,
        },
        {"id": "sits_with", "field": "added", "old": None, "new": "sits with"},
    ]
    # the shipped file names no vocabulary: the default is in force
    r = run("codebook", "diff", str(write(tmp_path, "plain.yaml")), str(mine))
    assert r.stdout.splitlines()[:2] == [
        "relation   removed is_part_of: {en: 'is part of', id: 'bagian dari'}",
        "relation   removed contradicts: {en: 'contradicts', id: 'bertentangan dengan'}",
    ]
    assert "relation   added causes: {id: 'menyebabkan', en: 'causes'}" in r.stdout


# ---------------------------------------------------------------------- merge: files


def test_file_merge_clean(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["theirs"]),
        "--base",
        str(files["base"]),
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        f"merged {files['ours']} and {files['theirs']} (base {files['base']}) into {out}: "
        "30 codes; from theirs: 2 changed; from ours: 1 changed; 0 conflicts\n"
    )
    merged = load_codebook(out)
    assert merged["cost"].label == {"id": "Biaya A", "en": "Costs"}
    assert merged["cost.unofficial_fee"].key == "3z"


def test_file_merge_with_conflicts_exits_1(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["conflicting"]),
        "--base",
        str(files["base"]),
        "-o",
        str(out),
    )
    assert r.exit_code == 1
    assert r.stdout.splitlines() == [
        f"merged {files['ours']} and {files['conflicting']} (base {files['base']}) into {out}: "
        "30 codes; 1 conflict",
        "conflict: code 'cost': label.id: changed differently on both sides (base 'Biaya "
        "pelayanan'; ours 'Biaya A'; theirs 'Biaya B')",
        f"resolve the conflicts in {out}: keep the value you want in each field, delete each "
        "'conflict:' block, then 'qualcode codebook validate' it",
    ]
    v = run("codebook", "validate", str(out))
    assert v.exit_code == 1
    assert "unresolved merge conflict in code 'cost': label.id" in v.stderr


def test_file_merge_to_stdout_and_json(files: dict[str, Path]) -> None:
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["theirs"]),
        "--base",
        str(files["base"]),
        "-o",
        "-",
        "--json",
    )
    assert r.exit_code == 0
    assert r.stdout.startswith("# Codebook: quality of public services")
    report = json.loads(r.stderr)
    assert report["clean"] is True
    assert report["output"] is None
    assert {(c["id"], c["what"], c["side"]) for c in report["changes"]} == {
        ("cost", "label.en", "theirs"),
        ("cost", "label.id", "ours"),
        ("cost.unofficial_fee", "key", "theirs"),
    }


def test_two_way_lists_every_difference(files: dict[str, Path], tmp_path: Path) -> None:
    added = write(
        tmp_path,
        "added.yaml",
        (
            "      - id: cost.free_as_promised",
            "      - id: cost.broker\n        label: Calo\n      - id: cost.free_as_promised",
        ),
        ('    color: "#2ca02c"\n', ""),
    )
    r = run(
        "codebook", "merge-files", str(files["base"]), str(added), "-o", str(tmp_path / "o.yaml")
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[1:] == [
        "  ours: changed cost: color = '#2ca02c'",  # set on one side only: kept, and said so
        "  theirs: added cost.broker",
    ]
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["theirs"]),
        "-o",
        str(tmp_path / "o.yaml"),
    )
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert "(two-way, no base)" in lines[0]
    assert lines[1].startswith("conflict: code 'cost': label.id: different values on the two sides")
    assert lines[2].startswith("conflict: code 'cost': label.en")
    assert lines[3].startswith("conflict: code 'cost.unofficial_fee': key")


def test_near_duplicate_suggestions_on_the_command_line(tmp_path: Path) -> None:
    anchor = "      - id: time.short_wait"
    base = write(tmp_path, "base.yaml")
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
    out = tmp_path / "out.yaml"
    r = run("codebook", "merge-files", str(ours), str(theirs), "--base", str(base), "-o", str(out))
    assert r.exit_code == 0
    assert r.stdout.splitlines()[-1] == (
        "suggested merge (score 100): ours time.queue_long 'Waktu tunggu lama' = theirs "
        "time.lama_menunggu 'Lama waktu menunggu' (--apply-suggestions merges it)"
    )
    r = run(
        "codebook",
        "merge-files",
        str(ours),
        str(theirs),
        "--base",
        str(base),
        "-o",
        str(out),
        "--apply-suggestions",
    )
    assert r.stdout.splitlines()[-1].startswith("merged (score 100): ours time.queue_long")
    assert load_codebook(out)["time.queue_long"].aliases == ("time.lama_menunggu",)
    r = run(
        "codebook",
        "merge-files",
        str(ours),
        str(theirs),
        "--base",
        str(base),
        "-o",
        str(out),
        "--threshold",
        "101",
    )
    assert r.exit_code == 2
    assert r.stderr == "error: bad threshold 101.0 (a near-duplicate score is between 0 and 100)\n"


BAD = DATA / "bad"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "broken-yaml",
            "error: {bad}:4:12: YAML syntax error while scanning a quoted scalar: found unexpected end of stream (in theirs) (check indentation and quoting)\n",
        ),
        (
            "invalid",
            "error: {bad}:8:13: duplicate code id 'procedure', first defined on line 3 (in theirs) (every id must be unique)\n",
        ),
        (
            "unresolved",
            "error: {bad}:7:5: unresolved merge conflict in code 'cost': description (keep the value you want in each field (ours is there now; base and theirs are in the block), then delete the 'conflict:' block)\n",
        ),
        ("missing", "error: {bad}: file not found (in theirs) (check the path)\n"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    files: dict[str, Path], tmp_path: Path, case: str, expected: str
) -> None:
    bad = {
        "broken-yaml": BAD / "codebooks" / "broken_yaml.yaml",
        "invalid": BAD / "codebooks" / "duplicate_ids.yaml",
        "unresolved": BAD / "merge" / "unresolved.yaml",
        "missing": tmp_path / "nope.yaml",
    }[case]
    out = tmp_path / "out.yaml"
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(bad),
        "--base",
        str(files["base"]),
        "-o",
        str(out),
    )
    assert r.exit_code == 2
    assert r.stderr == expected.format(bad=bad)
    assert r.stdout == ""
    assert not out.exists()


def test_base_that_is_no_ancestor(files: dict[str, Path], tmp_path: Path) -> None:
    other = BAD / "merge" / "not_ancestor.yaml"
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["theirs"]),
        "--base",
        str(other),
        "-o",
        str(tmp_path / "o.yaml"),
    )
    assert r.exit_code == 2
    assert r.stderr == (
        f"error: {other}: is not an ancestor of {files['ours']}: only 0 of its 2 codes are in "
        f"{files['ours']} (pass the common ancestor with --base, or leave --base out for a "
        "two-way merge)\n"
    )


def test_file_merge_needs_an_output(files: dict[str, Path]) -> None:
    r = run(
        "codebook",
        "merge-files",
        str(files["ours"]),
        str(files["theirs"]),
        "--base",
        str(files["base"]),
    )
    assert r.exit_code == 2
    assert "Missing option '-o' / '--output'" in r.stderr
    r = run(
        "codebook", "merge", str(files["ours"]), str(files["theirs"]), "--base", str(files["base"])
    )
    assert r.exit_code == 1
    assert r.stderr == DEPRECATED + "error: a file merge needs -o OUT (or -o - for stdout)\n"


DEPRECATED = (
    "warning: 'qualcode codebook merge OURS THEIRS -o OUT' is deprecated and goes in the next "
    "release: use 'qualcode codebook merge-files OURS THEIRS -o OUT'\n"
)


@pytest.mark.parametrize("extra", [[], ["--json"], ["-v", "--apply-suggestions"]])
def test_old_file_form_still_merges_with_one_deprecation_line(
    files: dict[str, Path], tmp_path: Path, extra: list[str]
) -> None:
    """The file form of `codebook merge` (with -o or --base) works for one more release:
    the same files, output and exit status as `merge-files`, plus one line on stderr."""
    common = [str(files["ours"]), str(files["conflicting"]), "--base", str(files["base"])]
    new = run("codebook", "merge-files", *common, "-o", str(tmp_path / "new.yaml"), *extra)
    old = run("codebook", "merge", *common, "-o", str(tmp_path / "old.yaml"), *extra)
    assert new.exit_code == old.exit_code == 1
    assert old.stderr == DEPRECATED + new.stderr
    assert old.stdout == new.stdout.replace("new.yaml", "old.yaml")
    assert (tmp_path / "old.yaml").read_bytes() == (tmp_path / "new.yaml").read_bytes()
    # to stdout too
    clean = [str(files["ours"]), str(files["theirs"]), "--base", str(files["base"]), "-o", "-"]
    new = run("codebook", "merge-files", *clean, *extra)
    old = run("codebook", "merge", *clean, *extra)
    assert new.exit_code == old.exit_code == 0
    assert old.stdout == new.stdout
    assert old.stderr == DEPRECATED + new.stderr


# ---------------------------------------------------------------------- merge: codes


def test_code_merge_form_still_merges_codes(demo_dir: Path) -> None:
    from qualcode.store import open_project

    with open_project(str(demo_dir)) as p:
        p.codings.apply_coding(DOC, "time.short_wait", 10, 20)
    r = run("codebook", "merge", "time.short_wait", "time.long_wait", project=demo_dir)
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == (
        f"merged time.short_wait into time.long_wait (written to {demo_dir / 'kepmenpan-63.yaml'})"
    )
    assert r.stdout.splitlines()[1] == "  carried over: 7 phrases, its description"
    with open_project(str(demo_dir)) as p:
        assert [c.code for c in p.codings.codings(doc=DOC)] == ["time.long_wait"]
    r = run("codebook", "merge-code", "time.on_time", "time.late_letters", project=demo_dir)
    assert r.exit_code == 0
    assert load_codebook(demo_dir / "kepmenpan-63.yaml")["time.late_letters"].aliases == (
        "time.on_time",
    )


def test_code_merge_form_with_file_names_hints_at_o(demo_dir: Path, files: dict[str, Path]) -> None:
    before = dump_db(demo_dir / "qualcode.db")
    r = run("codebook", "merge", str(files["ours"]), str(files["theirs"]), project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: unknown code '{files['ours']}' (to merge codebook files: qualcode "
        f"codebook merge-files {files['ours']} {files['theirs']} -o merged.yaml)\n"
    )
    r = run("codebook", "merge", "cost", "time", "--json", project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr.startswith(
        "error: --apply-suggestions, --threshold, --json and --verbose are for merging codebook "
        "files: qualcode codebook merge-files OURS THEIRS -o OUT"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_help_says_which_merge_does_what() -> None:
    text = run("codebook", "merge-files", "--help").stdout
    assert "qualcode codebook merge-files OURS THEIRS [--base BASE] -o OUT" in text
    text = run("codebook", "merge", "--help").stdout
    assert text.startswith("Usage: qualcode codebook merge [OPTIONS] SOURCE TARGET\n")
    assert "Merging codebook files is 'qualcode codebook merge-files'." in text
    assert "--base" not in text and "--output" not in text  # the old form's options are hidden
    driver = run("codebook", "merge-driver", "--help").stdout
    assert 'git config merge.qualcode.driver "qualcode codebook merge-driver %O %A %B %P"' in driver


# ---------------------------------------------------------------------- merge-driver


def test_merge_driver_writes_into_ours(files: dict[str, Path]) -> None:
    r = run(
        "codebook",
        "merge-driver",
        str(files["base"]),
        str(files["ours"]),
        str(files["theirs"]),
        "cb.yaml",
    )
    assert r.exit_code == 0, r.output
    assert load_codebook(files["ours"])["cost"].label == {"id": "Biaya A", "en": "Costs"}
    r = run(
        "codebook",
        "merge-driver",
        str(files["base"]),
        str(files["ours"]),
        str(files["conflicting"]),
        "cb.yaml",
    )
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == "qualcode: 1 codebook conflict in cb.yaml"
    assert "conflict:\n      label.id:" in files["ours"].read_text(encoding="utf-8")


def test_merge_driver_leaves_ours_alone_on_a_bad_side(files: dict[str, Path]) -> None:
    before = files["ours"].read_text(encoding="utf-8")
    bad = BAD / "codebooks" / "broken_yaml.yaml"
    r = run("codebook", "merge-driver", str(files["base"]), str(files["ours"]), str(bad))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: {bad}:4:12: YAML syntax error")
    assert files["ours"].read_text(encoding="utf-8") == before


# ---------------------------------------------------------------------- split / recode


def test_split_and_recode(demo_dir: Path) -> None:
    from qualcode.store import open_project

    with open_project(str(demo_dir)) as p:
        a, _ = p.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
        b, _ = p.codings.apply_coding(DOC, "cost.unofficial_fee", 30, 40)
    r = run(
        "codebook",
        "split",
        "cost.unofficial_fee",
        "cost.broker_fee",
        "--label",
        "Uang calo",
        "--lang",
        "id",
        "--coding",
        a.guid,
        project=demo_dir,
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        f"split cost.unofficial_fee: created cost.broker_fee (written to {demo_dir / 'kepmenpan-63.yaml'})",
        "moved 1 codings to cost.broker_fee",
    ]
    cb = load_codebook(demo_dir / "kepmenpan-63.yaml")
    assert cb["cost.broker_fee"].parent == "cost"
    assert cb["cost.broker_fee"].label == {"id": "Uang calo"}
    r = run(
        "recode",
        "--to",
        "cost.broker_fee",
        "--codings-file",
        "-",
        project=demo_dir,
        stdin=b.guid + "\n",
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"recoded {b.guid} {DOC} [30:40] -> cost.broker_fee: ")
    with open_project(str(demo_dir)) as p:
        assert {c.code for c in p.codings.codings(doc=DOC)} == {"cost.broker_fee"}
        assert [x["kind"] for x in p.log.actions(2)] == ["recode", "codebook.split"]
    r = run("recode", "nope", "--to", "cost", project=demo_dir)
    assert r.exit_code == 1
    assert (
        r.stderr
        == "error: no coding with guid 'nope' ('qualcode codings --json' lists the guids)\n"
    )
    r = run("codebook", "split", "cost", "cost.x", "--label", "X", project=demo_dir)
    assert r.exit_code == 1
    assert (
        r.stderr
        == "error: name the codings that move with --coding GUID (or --codings-file FILE)\n"
    )


def test_sync_refuses_an_unresolved_file_on_the_command_line(demo_dir: Path) -> None:
    before = dump_db(demo_dir / "qualcode.db")
    bad = BAD / "merge" / "unresolved.yaml"
    r = run("codebook", "sync", str(bad), project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr.startswith(
        f"error: {bad}:7:5: unresolved merge conflict in code 'cost': description"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_output_in_a_missing_folder_is_refused_before_merging(
    files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "nope" / "out.yaml"
    r = run("codebook", "merge-files", str(files["ours"]), str(files["theirs"]), "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr == f"error: {out}: folder {out.parent} does not exist (create it first)\n"
