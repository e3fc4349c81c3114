"""Team codebooks: diff, two- and three-way merge of YAML files, git's merge driver.

The merge itself is pure (:mod:`qualcode.core.codebook_merge`); this module reads the files
(each bad input is refused with one line naming the file and place), checks that a
base looks like an ancestor, and writes the result as an edit of our file, so that
our comments and order survive. Conflicts are left in the result as ``conflict:``
blocks, which ``codebook validate``, ``codebook sync`` and a further merge refuse
until a person resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.core.codebook import UNRESOLVED, Codebook, parse_codebook, validate_codebook_data
from qualcode.core.codebook_merge import MergeResult, merge_codebooks, shared_ids
from qualcode.core.diff import CodebookDiff, diff_codebooks
from qualcode.core.neardup import DEFAULT_THRESHOLD
from qualcode.errors import InputError, QualcodeError
from qualcode.i18n import _, plural

MIN_SHARED = 0.25
"""A base must share at least this share of its codes with each side to be an ancestor."""


class MergeInputError(InputError):
    """A file handed to diff or merge cannot be used (exit status 2, as diff(1))."""

    exit_code = 2


def _refuse(exc: QualcodeError, path: Path, role: str) -> MergeInputError:
    """One line for a file with problems: the most telling one, and how many more."""
    problems = exc.problems
    first = next(
        (p for p in problems if p.message.startswith((UNRESOLVED, _(UNRESOLVED)))), problems[0]
    )
    hint = first.hint or ""
    if len(problems) > 1:
        more = plural(
            len(problems) - 1,
            "{n} more problem: qualcode codebook validate {path}",
            "{n} more problems: qualcode codebook validate {path}",
            path=path,
        )
        hint = f"{hint}; {more}" if hint else more
    message = first.message
    if role and not message.startswith((UNRESOLVED, _(UNRESOLVED))):
        message = _("{message} (in {role})").format(message=message, role=role)
    return MergeInputError(
        message, path=first.path or path, line=first.line, column=first.column, hint=hint or None
    )


def load_side(path: Path, role: str = "") -> tuple[Codebook, str]:
    """Read and validate one codebook for a diff or merge; returns it and its text.

    Raises:
        MergeInputError: one line: missing, binary, not UTF-8, bad YAML, invalid, or an
            unresolved merge result.
    """
    from qualcode.importers.codebook_yaml import load_yaml, read_codebook_text

    source = str(path)
    try:
        text = read_codebook_text(path)
        parsed = load_yaml(text, source)
        problems = parsed.problems + validate_codebook_data(parsed.data, parsed.positions, source)
        if problems:
            problems.sort(key=lambda p: (p.line or 0, p.column or 0))
            raise InputError.from_problems(problems)
        return parse_codebook(parsed.data, parsed.positions, source), text
    except MergeInputError:
        raise
    except QualcodeError as exc:
        raise _refuse(exc, path, role) from None


def check_ancestor(base: Codebook, base_path: Path, sides: list[tuple[Codebook, Path]]) -> None:
    """Refuse a base that shares too few codes with a side to be their common ancestor.

    Raises:
        MergeInputError: naming the base, the side and the count.
    """
    if not len(base):
        raise MergeInputError(
            _("the base codebook has no codes, so it cannot be the common ancestor"),
            path=base_path,
            hint=_("pass the common ancestor with --base, or leave --base out for a two-way merge"),
        )
    for side, path in sides:
        shared = shared_ids(base, side)
        if shared == 0 or shared < MIN_SHARED * len(base):
            raise MergeInputError(
                plural(
                    len(base),
                    "is not an ancestor of {path}: only {shared} of its {n} code is in {path}",
                    "is not an ancestor of {path}: only {shared} of its {n} codes are in {path}",
                    path=path,
                    shared=shared,
                ),
                path=base_path,
                hint=_(
                    "pass the common ancestor with --base, or leave --base out for a two-way merge"
                ),
            )


def diff_files(a: Path, b: Path) -> CodebookDiff:
    """What changed from codebook file ``a`` to ``b`` (one line for a bad file)."""
    old, _ = load_side(a)
    new, _ = load_side(b)
    return diff_codebooks(old, new)


@dataclass(frozen=True)
class MergeReport:
    """A file merge: the result, the YAML text written, and where.

    Attributes:
        result: the merged codebook, conflicts, changes and suggestions.
        text: the merged file's text (conflicts left in as ``conflict:`` blocks).
        output: where it was written (``None``: not written).
    """

    result: MergeResult
    text: str
    output: Path | None


def merge_files(
    ours: Path,
    theirs: Path,
    base: Path | None = None,
    output: Path | None = None,
    *,
    apply_suggestions: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    check_base: bool = True,
) -> MergeReport:
    """Merge codebook files: three-way against ``base``, or a two-way union without.

    The result is written (atomically, only after every input was read) as an edit of
    ``ours``' text, so our comments and order are kept.

    Args:
        ours: our codebook file.
        theirs: their codebook file.
        base: the common ancestor, or ``None``.
        output: where to write the result (``None``: do not write).
        apply_suggestions: merge suggested near-duplicate pairs.
        threshold: the lowest near-duplicate score suggested (0-100).
        check_base: refuse a base that does not look like an ancestor.

    Raises:
        MergeInputError: a bad input (nothing is written).
    """
    from qualcode.exporters.base import check_target
    from qualcode.exporters.codebook_yaml import render

    if output is not None:
        try:
            check_target(output)
        except QualcodeError as exc:
            raise _refuse(exc, output, "") from None
    o, text = load_side(ours, "ours")
    t, _text = load_side(theirs, "theirs")
    b = None
    if base is not None:
        b, _text = load_side(base, "base")
        if check_base:
            check_ancestor(b, base, [(o, ours), (t, theirs)])
    if not 0 <= threshold <= 100:
        raise MergeInputError(
            _("bad threshold {threshold}").format(threshold=threshold),
            hint=_("a near-duplicate score is between 0 and 100"),
        )
    result = merge_codebooks(o, t, b, threshold=threshold, apply_suggestions=apply_suggestions)
    merged = render(result.codebook, text, conflicts=result.conflict_blocks())
    if output is not None:
        _write(output, merged)
    return MergeReport(result, merged, output)


def _write(path: Path, text: str) -> None:
    from qualcode.exporters.base import atomic_text

    with atomic_text(path) as fh:
        fh.write(text)


def merge_driver(
    base: Path, ours: Path, theirs: Path, *, apply_suggestions: bool = False
) -> MergeReport:
    """git's merge driver: merge ``theirs`` and ``base`` into ``ours`` in place.

    git hands three temporary files (``%O %A %B``) and takes the result from ``%A``.
    An empty base (the file was added on both branches) gives a two-way merge. git
    has already chosen the base, so it is not checked for being an ancestor.

    Raises:
        MergeInputError: a side is not a valid codebook (``ours`` is left as it was).
    """
    base_text = base.read_bytes() if base.exists() else b""
    return merge_files(
        ours,
        theirs,
        base if base_text.strip() else None,
        ours,
        apply_suggestions=apply_suggestions,
        check_base=False,
    )
