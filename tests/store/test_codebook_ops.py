"""Codebook edits that carry codings, and the YAML written back with comments kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import services
from qualcode.cli import cli
from qualcode.core.codebook import Code
from qualcode.errors import ConflictError, InputError
from qualcode.importers.codebook_yaml import load_codebook
from qualcode.store import Project
from tests.conftest import code_version, dump_db

DOC = "wawancara_01_pedagang_pasar"


def test_add_edit_and_keys(demo: Project) -> None:
    demo.codes.add_code(
        Code(id="cost.broker", label={"id": "Calo", "en": "Broker"}, parent="cost", key="3e")
    )
    cb = demo.codebook()
    assert cb["cost.broker"].parent == "cost"
    assert [c.id for c in cb.children("cost")][-1] == "cost.broker"
    with pytest.raises(InputError, match="key '3e' is already used by 'cost.broker'"):
        demo.codes.update_code("cost", key="3e")
    with pytest.raises(InputError, match="bad colour"):
        demo.codes.update_code("cost", color="blue")
    demo.codes.update_code("cost", color="#ABC", description="Fees.")
    assert demo.codebook()["cost"].color == "#aabbcc"
    with pytest.raises(InputError, match="already exists"):
        demo.codes.add_code(Code(id="cost", label="x"))


def test_set_label_in_one_language(demo: Project) -> None:
    demo.codes.set_label("cost", "Costs of the service", lang="en")
    assert demo.codebook()["cost"].label == {"id": "Biaya pelayanan", "en": "Costs of the service"}
    demo.codes.set_label("cost", "Ongkos")
    assert demo.codebook()["cost"].label_in("id") == "Ongkos"


def test_move_keeps_the_id_and_refuses_cycles(demo: Project) -> None:
    demo.codes.move_code("time.short_wait", "procedure", position=0)
    cb = demo.codebook()
    assert cb["time.short_wait"].parent == "procedure"
    assert cb.children("procedure")[0].id == "time.short_wait"
    with pytest.raises(InputError, match="under its own sub-code"):
        demo.codes.move_code("procedure", "time.short_wait")
    demo.codes.move_code("time.short_wait", None)
    assert demo.codebook().children(None)[-1].id == "time.short_wait"


def test_merge_moves_codings_and_keeps_the_old_id_as_alias(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "time.short_wait", 10, 20)
    demo.codings.apply_coding(
        DOC, "time.long_wait", 10, 20
    )  # identical span: stored once after merge
    demo.codings.apply_coding(DOC, "time.short_wait", 30, 40)
    demo.memos.add_memo("code", "time.short_wait", "merge me")
    demo.codes.merge_code("time.short_wait", "time.long_wait")
    assert [(c.code, c.start) for c in demo.codings.codings(doc=DOC)] == [
        ("time.long_wait", 10),
        ("time.long_wait", 30),
    ]
    cb = demo.codebook()
    assert cb.get("time.short_wait") is cb.get("time.long_wait")
    assert [m.target for m in demo.memos.memos("code")] == ["time.long_wait"]
    with pytest.raises(InputError, match="into its own sub-code"):
        demo.codes.merge_code("time", "time.late_letters")


def test_change_id_keeps_codings_and_alias(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
    demo.codes.change_code_id("cost.unofficial_fee", "cost.pungli")
    assert [c.code for c in demo.codings.codings()] == ["cost.pungli"]
    assert demo.codebook()["cost.pungli"].aliases == ("cost.unofficial_fee",)
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", 30, 40)  # the old id still resolves
    assert len(demo.codings.codings(code="cost.pungli")) == 2


def test_a_code_with_codings_is_never_deleted(demo: Project, demo_dir: Path) -> None:
    demo.codings.apply_coding(DOC, "cost.clear_cost", 10, 20)
    before = dump_db(demo_dir / "qualcode.db")
    with pytest.raises(InputError, match="has 1 coding and is never deleted outright"):
        demo.codes.delete_code("cost.clear_cost")
    with pytest.raises(InputError, match="has sub-codes"):
        demo.codes.delete_code("product")
    assert dump_db(demo_dir / "qualcode.db") == before
    demo.codes.delete_code("product.correct")
    assert "product.correct" not in demo.codebook()


def test_optimistic_version_check(demo: Project) -> None:
    v = code_version(demo, "cost")
    demo.codes.update_code("cost", description="first", expected_version=v)
    with pytest.raises(ConflictError, match="changed by someone else"):
        demo.codes.update_code("cost", description="second", expected_version=v)


def test_edits_are_written_back_with_comments_and_order(demo: Project, demo_dir: Path) -> None:
    path = demo_dir / "kepmenpan-63.yaml"
    original = path.read_text(encoding="utf-8")
    demo.codes.set_label("procedure", "Prosedur layanan", lang="id")
    demo.codes.add_code(
        Code(id="cost.broker", label={"id": "Calo", "en": "Broker"}, parent="cost", key="3e")
    )
    services.write_back(demo)
    text = path.read_text(encoding="utf-8")
    assert text.count("# ----") == original.count("# ----")
    assert text.splitlines()[:16] == original.splitlines()[:16]  # the header comment block
    assert "label: {id: Prosedur layanan, en: Service procedure}" in text
    assert load_codebook(path) == demo.codebook()
    # changed lines only: everything else is byte-identical
    changed = [line for line in text.splitlines() if line not in original.splitlines()]
    assert changed == [
        "    label: {id: Prosedur layanan, en: Service procedure}",
        "      - id: cost.broker",
        "        label: {id: Calo, en: Broker}",
        "        key: 3e",
    ]


def test_cli_edits_update_project_and_file(demo_dir: Path) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        r = runner.invoke(cli, ["--project", str(demo_dir), *args], prog_name="qualcode")
        assert r.exit_code == 0, r.output
        return r.stdout

    path = demo_dir / "kepmenpan-63.yaml"
    assert (
        run("codebook", "rename", "cost", "Ongkos layanan", "--lang", "id")
        == f"renamed cost (written to {path})\n"
    )
    run("codebook", "recolor", "cost", "#123456")
    run("codebook", "rekey", "cost", "9")
    run("codebook", "move", "product.error", "--parent", "cost")
    run("codebook", "add", "cost.broker", "--label", "Calo", "--lang", "id", "--parent", "cost")
    run("codebook", "merge", "cost.broker", "cost.unofficial_fee")
    run("codebook", "set-id", "cost.unofficial_fee", "cost.pungli")
    cb = load_codebook(path)
    assert cb["cost"].label_in("id") == "Ongkos layanan"
    assert cb["cost"].color == "#123456"
    assert cb["cost"].key == "9"
    assert cb["product.error"].parent == "cost"
    assert cb["cost.pungli"].aliases == ("cost.broker", "cost.unofficial_fee")
    r = runner.invoke(
        cli,
        ["--project", str(demo_dir), "codebook", "rekey", "cost", "BAD KEY"],
        prog_name="qualcode",
    )
    assert r.exit_code == 1
    assert r.stderr == "error: bad key 'BAD KEY' (a key is 1 to 3 lowercase letters or digits)\n"
