"""A workbench window's identity: the lowest number no open window holds."""

from __future__ import annotations

from pathlib import Path

from qualcode.services.history import claim_window


def test_open_windows_get_different_ids_and_a_closed_one_is_taken_again(tmp_path: Path) -> None:
    one = claim_window("sqlite:///p.db", "nia", folder=tmp_path)
    two = claim_window("sqlite:///p.db", "nia", folder=tmp_path)
    assert one.id != two.id
    assert one.id.endswith(":1") and two.id.endswith(":2")
    other_coder = claim_window("sqlite:///p.db", "ani", folder=tmp_path)
    assert other_coder.id.endswith(":1")  # numbered per coder (and project)
    one.release()
    again = claim_window("sqlite:///p.db", "nia", folder=tmp_path)
    assert again.id == one.id  # opened again: the same window, the same history
    for claim in (two, other_coder, again):
        claim.release()
