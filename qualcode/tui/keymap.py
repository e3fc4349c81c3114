"""Every key of the workbench in one table: for the help screen and the command
palette (docs/workbench.md lists the keys for readers).

Each binding has an id; ``keymap`` in the settings file maps an id to other keys
(``{"undo": "z", "apply-code-picker": "enter,space"}``) and :func:`keys_for`
reports the keys in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class KeyInfo:
    """One binding as the help screen lists it."""

    area: str
    id: str
    keys: str
    action: str
    description: str
    owner: str


def _areas() -> list[tuple[str, str, list[BindingType]]]:
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.screens.documents import DocumentSwitcher
    from qualcode.tui.screens.jobs import JobModal
    from qualcode.tui.screens.modals import MemoEditor
    from qualcode.tui.screens.picker import CodePicker
    from qualcode.tui.screens.retrieval import RetrievalScreen
    from qualcode.tui.screens.search import SearchScreen
    from qualcode.tui.screens.themes import CodeList, PassageList, ThemesScreen, ThemeTree
    from qualcode.tui.widgets.code_tree import CodeTree
    from qualcode.tui.widgets.document_list import DocumentList
    from qualcode.tui.widgets.transcript_view import TranscriptView

    return [
        ("Everywhere", "app", list(QualcodeApp.BINDINGS)),
        ("Coding", "screen", list(CodingScreen.BINDINGS)),
        ("Transcript: moving and selecting", "transcript", list(TranscriptView.BINDINGS)),
        ("Codebook pane", "codebook", list(CodeTree.BINDINGS)),
        ("Document list", "documents", list(DocumentList.BINDINGS)),
        ("Document switcher (o)", "switcher", list(DocumentSwitcher.BINDINGS)),
        ("Code picker", "picker", list(CodePicker.BINDINGS)),
        ("Search screen", "search", list(SearchScreen.BINDINGS)),
        ("Retrieval screen", "retrieval", list(RetrievalScreen.BINDINGS)),
        ("Themes screen (E)", "themes", list(ThemesScreen.BINDINGS)),
        ("Themes: code list", "themes-codes", list(CodeList.BINDINGS)),
        ("Themes: theme tree", "themes-tree", list(ThemeTree.BINDINGS)),
        ("Themes: passages", "themes-passages", list(PassageList.BINDINGS)),
        ("Memo editor", "memo", list(MemoEditor.BINDINGS)),
        ("Progress of long work", "job", list(JobModal.BINDINGS)),
    ]


def pretty(keys: str) -> str:
    """``shift+down,J`` -> ``⇧↓ / J``."""
    names = {
        "semicolon": ";",
        "slash": "/",
        "question_mark": "?",
        "number_sign": "#",
        "right_square_bracket": "]",
        "left_square_bracket": "[",
        "greater_than_sign": ">",
        "less_than_sign": "<",
        "equals_sign": "=",
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "shift+": "⇧",
        "ctrl+": "^",
        "escape": "esc",
        "delete": "del",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "space": "space",
    }
    out = []
    for key in keys.split(","):
        key = key.strip()
        for a, b in names.items():
            key = key.replace(a, b)
        out.append(key)
    return " / ".join(out)


def keys_for(binding: Binding, keymap: Mapping[str, str]) -> str:
    """The keys of ``binding`` in force under ``keymap``."""
    if binding.id and binding.id in keymap:
        return keymap[binding.id]
    return binding.key


def key_table(keymap: Mapping[str, str] | None = None) -> list[KeyInfo]:
    """Every binding with an id (digits folded into one row), keys as remapped."""
    keymap = keymap or {}
    rows: list[KeyInfo] = []
    for area, owner, bindings in _areas():
        seen_digits = False
        for b in bindings:
            if not isinstance(b, Binding) or not b.id:
                continue
            if b.id.startswith("code-key-") and b.id != "code-key-prefix":
                if seen_digits:
                    continue
                seen_digits = True
                rows.append(
                    KeyInfo(
                        area,
                        "code-key-0 … code-key-9",
                        "0-9",
                        b.action,
                        "Apply the code with that one-digit key",
                        owner,
                    )
                )
                continue
            rows.append(
                KeyInfo(
                    area,
                    b.id,
                    keys_for(b, keymap),
                    b.action,
                    b.tooltip or b.description,
                    owner,
                )
            )
    return rows


def binding_ids() -> list[str]:
    """Every binding id (for checking a settings file's keymap)."""
    return [
        b.id for _, _, bindings in _areas() for b in bindings if isinstance(b, Binding) and b.id
    ]
