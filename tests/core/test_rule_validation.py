"""Auto-coding rules in a codebook: every bad rule is one FILE:LINE:COL line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.importers.codebook_yaml import check_codebook
from tests.conftest import CODEBOOK, DATA

BAD = DATA / "bad" / "rules"

CASES: list[tuple[str, list[str]]] = [
    (
        "bad_pattern_attr.yaml",
        [
            "7:28: unknown token attribute 'LOWR' in a token pattern of 'cost' (use one of spaCy's "
            "Matcher attributes, e.g. LOWER, LEMMA, ORTH, IS_DIGIT, LIKE_NUM, OP)"
        ],
    ),
    (
        "bad_pattern_values.yaml",
        [
            "7:25: IN for LOWER in a token pattern of 'cost' must be a list of texts",
            "7:38: bad OP '++' in a token pattern of 'cost' (use +, *, ?, !, {n}, {n,m}, {n,} or {,m})",
            "8:28: >= for LENGTH in a token pattern of 'cost' must be a whole number",
            "8:47: IS_DIGIT in a token pattern of 'cost' must be true or false, not 'yes'",
            "8:71: bad regular expression '(bad' in a token pattern of 'cost': missing ), "
            "unterminated subpattern at position 0",
        ],
    ),
    (
        "bad_rule_speaker.yaml",
        [
            "6:30: rule 'keywords' of 'time' has an empty or non-text entry",
            "7:16: bad rule speaker 'respondent' in 'time' (use any, participant or interviewer)",
            "8:14: bad rule match 'fuzzy' in 'time' (use lemma or exact)",
            "9:7: unknown rule field 'colour' in code 'time' (allowed: keywords, phrases, regex, "
            "patterns, negative, scope, speaker, match, min_score)",
        ],
    ),
]


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[n for n, _ in CASES])
def test_bad_rules_are_reported_with_their_place(name: str, expected: list[str]) -> None:
    path = BAD / name
    try:
        got = [p.format() for p in check_codebook(path)]
    except InputError as exc:
        got = exc.lines()
    assert got == [f"{path}:{e}" for e in expected]


def test_the_cli_prints_one_line_per_bad_rule_and_fails(tmp_path: Path) -> None:
    path = BAD / "bad_pattern_attr.yaml"
    result = CliRunner().invoke(cli, ["codebook", "validate", str(path)], prog_name="qualcode")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {path}:{CASES[0][1][0]}"]
    assert "Traceback" not in result.output


def test_the_shipped_codebook_and_its_rules_are_valid() -> None:
    assert check_codebook(CODEBOOK) == []
