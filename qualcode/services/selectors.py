"""Turning CLI selectors (sentence, turn, match) into spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.core.spans import find_all
from qualcode.errors import InputError

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- selectors


def resolve_span(
    project: Project,
    doc: str,
    *,
    start: int | None = None,
    end: int | None = None,
    sentence: int | None = None,
    turn: int | None = None,
    match: str | None = None,
    nth: int | None = None,
    all_matches: bool = False,
) -> list[tuple[int, int]]:
    """The span(s) a CLI selector names in ``doc``.

    Exactly one of ``start``+``end``, ``sentence``, ``turn`` or ``match`` is given.
    A ``match`` that occurs more than once is refused with the count unless
    ``nth`` (1-based) or ``all_matches``.

    Raises:
        InputError: no selector, several, out of range, or an ambiguous match.
    """
    given = [
        name
        for name, value in (
            ("--start/--end", start if start is not None else end),
            ("--sentence", sentence),
            ("--turn", turn),
            ("--match", match),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise InputError(
            "name exactly one passage: --start N --end M, --sentence K, --turn K or --match TEXT"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if start is not None or end is not None:
        if start is None or end is None:
            raise InputError("--start and --end go together")
        return [(start, end)]
    document = project.documents.document(doc)
    if sentence is not None:
        if not 1 <= sentence <= len(document.sentences):
            raise InputError(
                f"{doc!r} has {len(document.sentences)} sentences; there is no sentence {sentence}",
                hint="sentences count from 1",
            )
        s = document.sentences[sentence - 1]
        return [(s.start, s.end)]
    if turn is not None:
        if not 1 <= turn <= len(document.turns):
            raise InputError(
                f"{doc!r} has {len(document.turns)} turns; there is no turn {turn}",
                hint="turns count from 1",
            )
        t = document.turns[turn - 1]
        if t.start >= t.end:
            raise InputError(f"turn {turn} of {doc!r} is empty")
        return [(t.start, t.end)]
    assert match is not None
    if not match:
        raise InputError("--match needs some text")
    hits = find_all(document.text, match)
    if not hits:
        raise InputError(f"{match!r} does not occur in {doc!r}")
    spans = [(h, h + len(match)) for h in hits]
    if all_matches:
        return spans
    if nth is not None:
        if not 1 <= nth <= len(spans):
            raise InputError(
                f"{match!r} occurs {len(spans)} times in {doc!r}; there is no --nth {nth}"
            )
        return [spans[nth - 1]]
    if len(spans) > 1:
        raise InputError(
            f"{match!r} occurs {len(spans)} times in {doc!r}",
            hint="add --nth K or --all, or a longer --match",
        )
    return spans
