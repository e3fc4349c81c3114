"""Turning CLI selectors (sentence, turn, match) into spans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.core.spans import find_all
from qualcode.errors import InputError
from qualcode.i18n import _, plural

if TYPE_CHECKING:
    from qualcode.core.model import Document
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
    _check_one_selector(start, end, sentence, turn, match)
    if start is not None or end is not None:
        if start is None or end is None:
            raise InputError(_("--start and --end go together"))
        return [(start, end)]
    document = project.documents.document(doc)
    if sentence is not None:
        return [_sentence_span(document, doc, sentence)]
    if turn is not None:
        return [_turn_span(document, doc, turn)]
    assert match is not None
    return _match_spans(document, doc, match, nth=nth, all_matches=all_matches)


def _check_one_selector(
    start: int | None, end: int | None, sentence: int | None, turn: int | None, match: str | None
) -> None:
    """Refuse no selector, or more than one."""
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
            _(
                "name exactly one passage: --start N --end M, --sentence K, --turn K or --match TEXT (got {given})"
            ).format(given=", ".join(given))
            if given
            else _(
                "name exactly one passage: --start N --end M, --sentence K, --turn K or --match TEXT"
            )
        )


def _sentence_span(document: Document, doc: str, sentence: int) -> tuple[int, int]:
    """The span of the 1-based ``sentence`` of a document."""
    if not 1 <= sentence <= len(document.sentences):
        raise InputError(
            plural(
                len(document.sentences),
                "{doc!r} has {n} sentence; there is no sentence {sentence}",
                "{doc!r} has {n} sentences; there is no sentence {sentence}",
                doc=doc,
                sentence=sentence,
            ),
            hint=_("sentences count from 1"),
        )
    s = document.sentences[sentence - 1]
    return (s.start, s.end)


def _turn_span(document: Document, doc: str, turn: int) -> tuple[int, int]:
    """The span of the 1-based ``turn`` of a document (refused when empty)."""
    if not 1 <= turn <= len(document.turns):
        raise InputError(
            plural(
                len(document.turns),
                "{doc!r} has {n} turn; there is no turn {turn}",
                "{doc!r} has {n} turns; there is no turn {turn}",
                doc=doc,
                turn=turn,
            ),
            hint=_("turns count from 1"),
        )
    t = document.turns[turn - 1]
    if t.start >= t.end:
        raise InputError(_("turn {turn} of {doc!r} is empty").format(turn=turn, doc=doc))
    return (t.start, t.end)


def _match_spans(
    document: Document, doc: str, match: str, *, nth: int | None, all_matches: bool
) -> list[tuple[int, int]]:
    """Where ``match`` occurs: every place, the ``nth``, or the only one."""
    if not match:
        raise InputError(_("--match needs some text"))
    hits = find_all(document.text, match)
    if not hits:
        raise InputError(_("{match!r} does not occur in {doc!r}").format(match=match, doc=doc))
    spans = [(h, h + len(match)) for h in hits]
    if all_matches:
        return spans
    if nth is not None:
        if not 1 <= nth <= len(spans):
            raise InputError(
                plural(
                    len(spans),
                    "{match!r} occurs once in {doc!r}; there is no --nth {nth}",
                    "{match!r} occurs {n} times in {doc!r}; there is no --nth {nth}",
                    match=match,
                    doc=doc,
                    nth=nth,
                )
            )
        return [spans[nth - 1]]
    if len(spans) > 1:
        raise InputError(
            _("{match!r} occurs {n} times in {doc!r}").format(match=match, n=len(spans), doc=doc),
            hint=_("add --nth K or --all, or a longer --match"),
        )
    return spans
