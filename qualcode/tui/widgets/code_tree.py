"""The codebook as a tree: key, label and number of codings per code.

A label longer than the pane is cut with ``…``; the count after it never is. The
whole label of the highlighted code is in the detail box under the tree.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets._tree import TOGGLE_STYLE
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
            show=False,
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
            show=False,
            tooltip="Give the code another colour (#RRGGBB).",
        ),
        Binding(
            "K",
            "screen.rekey_code",
            "Key",
            id="codebook-rekey",
            show=False,
            tooltip="Give the code another key (empty: none).",
        ),
        Binding(
            "p",
            "screen.move_code",
            "Move",
            id="codebook-move",
            show=False,
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
        self._parts: dict[str, tuple[Text, str, Text]] = {}
        """Code id -> (colour square and key, label, memo mark and count)."""
        self._depth: dict[str, int] = {}
        self.memo_codes: set[str] = set()
        """Codes that have a memo (shown with a ✎)."""
        self.focus_code: str | None = None
        """The code to highlight when the tree is next rebuilt (an added, moved or
        merged-into code); otherwise the highlighted code stays."""

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
        if self.focus_code is not None:
            wanted = codebook.get(self.focus_code)
            self.focus_code = None
            if wanted is not None:
                highlighted = wanted.id
        self._counts = dict(counts)
        self.codebook = codebook
        self.label_lang = label_lang
        self.clear()
        self._parts = {}
        self._depth = {}
        nodes: dict[str, TreeNode[str]] = {}
        for code in codebook:
            parent = nodes.get(code.parent) if code.parent else self.root
            assert parent is not None
            self._depth[code.id] = self._depth[code.parent] + 1 if code.parent else 0
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
        head = Text()
        head.append("■ ", style=codebook.color_of(code_id))
        if code.key:
            head.append(f"{code.key:<3}", style="bold")
        else:
            head.append("   ")
        tail = Text()
        if code.memo or code_id in self.memo_codes:
            tail.append(" ✎", style="italic")
        if n:
            tail.append(f" {n}", style="dim")
        label = code.label_in(self.label_lang)
        self._parts[code_id] = (head, label, tail)
        return Text.assemble(head, label, tail)

    def _indent(self, code_id: str, expandable: bool) -> int:
        """Cells left of a code's label: the tree guides and the expand icon."""
        return self._depth.get(code_id, 0) * self.guide_depth + (
            len(self.ICON_NODE) if expandable else 0
        )

    def wanted_width(self) -> int:
        """Columns the pane needs to show every label whole, borders and scrollbar
        included."""
        if self.codebook is None:
            return 0
        return self.width_needed(
            self.codebook, self._counts, self.label_lang, self.memo_codes, self.guide_depth
        )

    @staticmethod
    def width_needed(
        codebook: Codebook,
        counts: dict[str, CodeCount],
        label_lang: str | None,
        memo_codes: set[str],
        guide_depth: int = 2,
    ) -> int:
        """What :meth:`wanted_width` will be once the tree shows ``codebook`` (so the
        pane can have its width before the first frame)."""
        need = 0
        depth: dict[str, int] = {}
        with_children = {c.parent for c in codebook if c.parent}
        for code in codebook:
            depth[code.id] = depth[code.parent] + 1 if code.parent in depth else 0
            n = counts[code.id].codings if code.id in counts else 0
            tail = (2 if code.memo or code.id in memo_codes else 0) + (len(str(n)) + 1 if n else 0)
            indent = depth[code.id] * guide_depth + (
                len(CodeTree.ICON_NODE) if code.id in with_children else 0
            )
            need = max(need, indent + 5 + Text(code.label_in(label_lang)).cell_len + tail)
        return need + 3  # the border (2) and the scrollbar (1)

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """The label cut with ``…`` to the pane's width; the count stays whole."""
        parts = self._parts.get(node.data) if node.data else None
        if parts is None:
            return super().render_label(node, base_style, style)
        head, label, tail = parts
        # the scrollbar's column is always kept free: a label cut for the width with
        # no scrollbar would lose its last letters (and its count) when one appears
        width = self.size.width - self.styles.scrollbar_size_vertical
        room = width - self._indent(node.data or "", node.allow_expand)
        room -= head.cell_len + tail.cell_len
        shown = Text(label)
        if width and shown.cell_len > room:
            shown.truncate(max(room, 1), overflow="ellipsis")
        text = Text.assemble(head, shown, tail)
        text.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE_STYLE), text)
        return text

    def on_resize(self) -> None:
        # labels are cut to the width: draw them again
        self._invalidate()

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
