"""Codebook editing in the workbench, memos, and undo/redo across restarts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.modals import MemoEditor, TextPrompt
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.conftest import dump_content
from tests.tui.conftest import Messages

FIRST_DOC = "interview_07_ngo_observer"


async def focus_code(app: QualcodeApp, pilot: object, code_id: str) -> CodeTree:
    tree = app.screen.query_one(CodeTree)
    tree.focus()
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == code_id:
            tree.move_cursor(node)
            break
    await pilot.pause()  # type: ignore[attr-defined]
    assert tree.highlighted_code == code_id
    return tree


async def test_codebook_edits_in_the_tree_reach_the_database_and_the_yaml(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    yaml_file = demo_dir / "kepmenpan-63.yaml"
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("j", "semicolon", "3", "a")  # a coding of cost.unofficial_fee
        await focus_code(app, pilot, "cost")
        await pilot.press("e")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"Ongkos layanan", "enter")
        await pilot.press("number_sign", "ctrl+a", "ctrl+k", *"#123456", "enter")
        await pilot.press("K", "ctrl+a", "ctrl+k", "9", "enter")
        await pilot.press("a")  # a sub-code of cost
        await pilot.press(*"broker", "tab", *"Calo", "enter", "enter", "enter")
        await pilot.pause()
        await focus_code(app, pilot, "cost.unofficial_fee")
        await pilot.press("M", *"calo", "enter")  # merge into the new code
        await pilot.pause()
        await focus_code(app, pilot, "time.on_time")
        await pilot.press("p", *"Prosedur pelayanan", "enter")  # move under procedure
        await pilot.pause()
        await focus_code(app, pilot, "time.short_wait")
        await pilot.press("d")
        await pilot.pause()
    project = open_project(str(demo_dir))
    cb = project.codebook()
    codings = project.codings.codings(doc=FIRST_DOC)
    project.close()
    cost = cb["cost"]
    assert cost.label == {"id": "Ongkos layanan", "en": "Service cost"}
    assert (cost.color, cost.key) == ("#123456", "9")
    assert cb["cost.broker"].label == "Calo" and cb["cost.broker"].parent == "cost"
    assert "cost.unofficial_fee" not in cb and cb.get("cost.unofficial_fee") == cb["cost.broker"]
    assert [c.code for c in codings] == ["cost.broker"]  # the coding followed the merge
    assert cb["time.on_time"].parent == "procedure"
    assert "time.short_wait" not in cb
    text = yaml_file.read_text(encoding="utf-8")
    assert "Ongkos layanan" in text and "#123456" in text and "id: cost.broker" in text
    assert "# Codebook: quality of public services" in text  # comments kept
    assert messages.notices() == [
        "renamed Biaya pelayanan to Ongkos layanan",
        "recoloured Ongkos layanan",
        "gave Ongkos layanan the key 9",
        "added the code Calo",
        "merged Pungutan tidak resmi into Calo; its codings follow (u undoes)",
        "carried over: 14 keywords, 13 phrases, 2 regex, 1 example, its description\n"
        "label of cost.unofficial_fee not carried over: {id: 'Pungutan tidak resmi', en: "
        "'Unofficial fees'} (its id stays as an alias of cost.broker)\n"
        "colour of cost.unofficial_fee not carried over: '#006d2c' (kept cost.broker's: none)\n"
        "key of cost.unofficial_fee not carried over: '3a' (kept cost.broker's: none)\n"
        "rules.speaker of cost.unofficial_fee not carried over: 'participant' "
        "(kept cost.broker's: 'any')",
        "moved Selesai tepat waktu under Prosedur pelayanan",
        "deleted the code Waktu tunggu singkat",
    ]


async def test_a_code_with_codings_is_never_deleted(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    """The refusal points to the workbench's merge key (as remapped), not to the CLI."""
    app = make_app(Settings(keymap={"codebook-merge": "G"}))
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("semicolon", "4", "a")  # product.error
        await focus_code(app, pilot, "product.error")
        await pilot.press("d")
        await pilot.pause()
        await focus_code(app, pilot, "product")
        await pilot.press("d")
        await pilot.pause()
    project = open_project(str(demo_dir))
    assert {"product", "product.error"} <= set(c.id for c in project.codebook())
    project.close()
    assert messages.notices()[-2:] == [
        "Produk salah atau perlu revisi has 1 coding and is never deleted: press G to merge "
        "it into another code (its coding follows)",
        "Produk pelayanan has 2 sub-codes: move or delete them first",
    ]


async def test_memos_on_a_coding_a_document_and_a_code(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("2", "m")
        assert isinstance(app.screen, MemoEditor)
        await pilot.press(*"waited two hours", "ctrl+s")
        await pilot.press("M", *"strong on time", "ctrl+s")
        await focus_code(app, pilot, "time")
        await pilot.press("m", *"late officers", "ctrl+s")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        strip = view.render_line(view.line_of(view.selection.start) - view.scroll_offset.y)  # type: ignore[union-attr]
        assert "✎" in "".join(seg.text for seg in strip)[:8]
        assert view.border_subtitle == "1 coding · 1% coded · ✎ 1 memo"
    project = open_project(str(demo_dir))
    (c,) = project.codings.codings(doc=FIRST_DOC)
    assert c.memo == "waited two hours"
    assert [m.text for m in project.memos.memos("document", FIRST_DOC)] == ["strong on time"]
    assert [m.text for m in project.memos.memos("code", "time")] == ["late officers"]
    project.close()


async def test_undo_and_redo_in_the_workbench_also_after_a_restart(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    db = demo_dir / "qualcode.db"
    start = dump_content(db)
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("1", "j", "2", "m", *"note", "ctrl+s")
        await pilot.press("u")  # the memo
        await pilot.pause()
        project = open_project(str(demo_dir))
        assert [c.memo for c in project.codings.codings(doc=FIRST_DOC)] == [None, None]
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert sorted(str(c.memo) for c in project.codings.codings(doc=FIRST_DOC)) == [
            "None",
            "note",
        ]
        project.close()
    assert "undid: memo on Waktu penyelesaian at «Is it all right if I record the…»" in (
        messages.notices()
    )
    app = make_app()  # opened again: the history is still there
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("u", "u", "u")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert len(view.index) == 0
    assert dump_content(db) == start


async def test_two_windows_of_one_coder_never_undo_each_other(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    """Two workbenches open as the same coder: each ``u`` takes back that window's own
    coding (issue 16's symptom "two workbenches undo each other's codings")."""
    first, second = make_app(), make_app()
    async with first.run_test(size=(120, 35)) as one:
        async with second.run_test(size=(120, 35), message_hook=messages.append) as two:
            await one.pause()
            await two.pause()
            assert first.project is not None and second.project is not None
            assert first.project.window != second.project.window
            await one.press("1")  # window 1 codes sentence 1 with procedure
            await one.pause()
            await two.press("j", "j", "2")  # window 2 codes sentence 3 with time
            await two.pause()
            await one.press("u")  # window 1 undoes its own coding, not window 2's newer one
            await one.pause()
            check = open_project(str(demo_dir))
            assert [c.code for c in check.codings.codings(doc=FIRST_DOC)] == ["time"]
            await two.press("u")
            await two.pause()
            assert check.codings.codings(doc=FIRST_DOC) == []
            await two.press("u")  # nothing of window 2's left, and window 1's is undone
            await two.pause()
            check.close()
    assert messages.notices()[-1].startswith("nothing to undo in this window (")


async def test_the_workbench_and_the_command_line_share_memos(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    from click.testing import CliRunner
    from textual.widgets import TextArea

    from qualcode.cli import cli

    def memo(*args: str) -> str:
        r = CliRunner().invoke(cli, ["--project", str(demo_dir), "memo", *args])
        assert r.exit_code == 0, r.stderr
        return r.stdout

    memo("set", "--doc", FIRST_DOC, "written on the command line")
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("M")  # the document memo: the same memo
        assert isinstance(app.screen, MemoEditor)
        assert app.screen.query_one(TextArea).text == "written on the command line"
        await pilot.press(*" and in the workbench", "ctrl+s")
        await focus_code(app, pilot, "time")
        await pilot.press("m", *"a code memo", "ctrl+s")
        await pilot.pause()
    shown = memo("show", "--doc", FIRST_DOC)
    assert shown.splitlines()[1:] == ["  written on the command line and in the workbench"]
    assert memo("show", "--code", "time").splitlines()[1:] == ["  a code memo"]
    assert shown.startswith("tester, ")  # the author is kept
