"""The workbench's words in the interface language, including Textual's own.

Key bindings are declared at class level with English descriptions (marked with
``N_``); Textual copies a class's bindings into each widget it creates, so
:func:`localize_bindings` puts the descriptions of every qualcode class into the
language in use (again whenever a screen is pushed, since screens' modules load
lazily). Textual's own words that qualcode shows (the footer's "palette", the
command palette's placeholder, its system commands) are translated here too.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from qualcode.i18n import N_, _

TEXTUAL_WORDS = (
    N_("palette"),
    N_("Open the command palette"),
    N_("Search for commands…"),
    N_("Search for themes…"),
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
    N_("No matches found"),
)
"""Textual's texts that qualcode shows, for extraction."""


def translated(binding: Binding) -> Binding:
    """``binding`` with its description and tooltip in the interface language."""
    return replace(
        binding,
        description=_(binding.description) if binding.description else binding.description,
        tooltip=_(binding.tooltip) if binding.tooltip else binding.tooltip,
    )


def _localize_map(owner: object, bindings: BindingsMap) -> None:
    originals = owner.__dict__.get("_qc_en_bindings")
    if originals is None:
        originals = {k: list(v) for k, v in bindings.key_to_bindings.items()}
        try:
            owner.__dict__["_qc_en_bindings"] = originals
        except TypeError:  # a class's __dict__ is a mappingproxy
            type.__setattr__(owner, "_qc_en_bindings", originals)
    bindings.key_to_bindings = {k: [translated(b) for b in v] for k, v in originals.items()}


def _subclasses(cls: type[DOMNode]) -> list[type[DOMNode]]:
    out: list[type[DOMNode]] = []
    stack: list[type[DOMNode]] = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            out.append(sub)
            stack.append(sub)
    return out


def localize_bindings(*nodes: DOMNode) -> None:
    """Translate the bindings of every qualcode widget class (and of ``nodes``, already
    created) into the interface language; idempotent, from the English originals."""
    for cls in _subclasses(DOMNode):
        if cls.__module__.startswith("qualcode.") and cls._merged_bindings is not None:
            _localize_map(cls, cls._merged_bindings)
    for node in nodes:
        _localize_map(node, node._bindings)
