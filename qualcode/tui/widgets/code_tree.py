"""The codebook as a tree: key, label and number of codings per code."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from qualcode.core.codebook import Codebook
from qualcode.core.model import CodeCount


class CodeTree(Tree[str]):
    """Codes in codebook order; the node data is the code id.

    With the codebook focused, its keys edit the highlighted code; every edit is one
    undoable action and is written back to the codebook's YAML file.
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="codebook-down"),
        Binding("k", "cursor_up", "Up", show=False, id="codebook-up"),
        Binding(
            "a",
            "screen.add_code(False)",
            "Add sub-code",
            id="codebook-add",
            tooltip="Add a sub-code under the highlighted code.",
        ),
        Binding(
            "A",
            "screen.add_code(True)",
            "Add code",
            id="codebook-add-top",
            tooltip="Add a top-level code.",
        ),
        Binding(
            "e",
            "screen.rename_code",
            "Rename",
            id="codebook-rename",
            tooltip="Rename the code's label (in the label language shown).",
        ),
        Binding(
            "number_sign",
            "screen.recolor_code",
            "Colour",
            id="codebook-recolor",
            tooltip="Give the code another colour (#RRGGBB).",
        ),
        Binding(
            "K",
            "screen.rekey_code",
            "Key",
            id="codebook-rekey",
            tooltip="Give the code another key (empty: none).",
        ),
        Binding(
            "p",
            "screen.move_code",
            "Move",
            id="codebook-move",
            tooltip="Move the code (with its sub-codes) under another parent.",
        ),
        Binding(
            "M",
            "screen.merge_code",
            "Merge",
            id="codebook-merge",
            tooltip="Merge the code into another; its codings follow.",
        ),
        Binding(
            "d,delete",
            "screen.delete_code",
            "Delete",
            id="codebook-delete",
            tooltip="Delete a code without codings (a coded code is merged instead).",
        ),
        Binding(
            "m", "screen.code_memo", "Memo", id="codebook-memo", tooltip="Write a memo on the code."
        ),
        Binding(
            "R",
            "screen.retrieve",
            "Retrieve",
            id="codebook-retrieve",
            show=False,
            tooltip="Every passage coded with the code.",
        ),
    ]
    """Keys of the codebook pane (they act on the highlighted code)."""

    DEFAULT_CSS = """
    CodeTree {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("Codebook", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.codebook: Codebook | None = None
        self.label_lang: str | None = None
        self._counts: dict[str, CodeCount] = {}
        self.memo_codes: set[str] = set()
        """Codes that have a memo (shown with a ✎)."""

    @property
    def highlighted_code(self) -> str | None:
        """The id of the highlighted code."""
        node = self.cursor_node
        return node.data if node is not None else None

    def show(
        self, codebook: Codebook, counts: dict[str, CodeCount], label_lang: str | None
    ) -> None:
        """(Re)build the tree, keeping the highlighted code when it still exists."""
        highlighted = self.cursor_node.data if self.cursor_node is not None else None
        self._counts = dict(counts)
        self.codebook = codebook
        self.label_lang = label_lang
        self.clear()
        nodes: dict[str, TreeNode[str]] = {}
        for code in codebook:
            parent = nodes.get(code.parent) if code.parent else self.root
            assert parent is not None
            label = self._label(codebook, code.id, counts)
            has_children = bool(codebook.children(code.id))
            if has_children:
                node = parent.add(label, data=code.id, expand=True)
            else:
                node = parent.add_leaf(label, data=code.id)
            nodes[code.id] = node
        if highlighted in nodes:
            self.last_line  # noqa: B018  (builds the tree's lines, so the node has its line)
            self.move_cursor(nodes[highlighted], animate=False)

    def _label(self, codebook: Codebook, code_id: str, counts: dict[str, CodeCount]) -> Text:
        code = codebook[code_id]
        n = counts[code_id].codings if code_id in counts else 0
        text = Text()
        text.append("■ ", style=codebook.color_of(code_id))
        if code.key:
            text.append(f"{code.key:<3}", style="bold")
        else:
            text.append("   ")
        text.append(code.label_in(self.label_lang))
        if code.memo or code_id in self.memo_codes:
            text.append(" ✎", style="italic")
        if n:
            text.append(f" {n}", style="dim")
        return text

    def update_counts(self, counts: dict[str, CodeCount]) -> None:
        """Refresh the counts that changed, without rebuilding the tree."""
        if self.codebook is None:
            return
        before = self._counts
        self._counts = dict(counts)
        changed = {
            cid
            for cid in set(before) | set(counts)
            if (before[cid].codings if cid in before else 0)
            != (counts[cid].codings if cid in counts else 0)
        }
        if not changed:
            return

        def walk(node: TreeNode[str]) -> None:
            for child in node.children:
                if child.data in changed and self.codebook is not None:
                    child.set_label(self._label(self.codebook, child.data, counts))
                walk(child)

        walk(self.root)
