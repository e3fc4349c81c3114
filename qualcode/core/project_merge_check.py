"""A project merge trusts nothing: every incoming row is checked as an import is.

:func:`sanitize` takes the other project's rows (table name -> rows as plain dicts,
as :func:`qualcode.store.project_merge.read_project` reads them) and returns the
rows that may be merged plus one line per refusal, in the researcher's words:

* documents: a name without control characters, a text, turns and sentences
  inside it (the hash and length are computed again, never taken on trust);
* codes: ids and aliases that are valid ids, and every field valid as in a YAML
  codebook (the store's check), a parent that exists, no cycle;
* codings: a document and a code that came through, ``0 <= start < end <=
  length``, known states, a coder name without control characters;
* memos, review comments, done marks, coders, cases, adjudications, tombstones:
  known kinds and valid names, and what they refer to came through.

A refused row takes what depends on it along (a refused document its codings,
turns and marks; a refused code its codings and sub-codes), and the refusal says
how many. Whether a *tombstone* may delete a coding is decided during the merge,
where both sides are known (:func:`tombstone_honoured`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from qualcode.core.codebook import ID_RE
from qualcode.core.model import Anchor, Origin, Review, Status
from qualcode.core.names import control_character, escape
from qualcode.core.team import DECISIONS
from qualcode.i18n import _, plural

Row = dict[str, Any]
Rows = dict[str, list[Row]]

STATUSES = {s.value for s in Status}
ORIGINS = {o.value for o in Origin}
REVIEWS = {r.value for r in Review}
ANCHORS = {a.value for a in Anchor}
MEMO_KINDS = {"project", "document", "code", "case", "theme"}
CODER_ROLES = {"coder", "supervisor", "consensus"}
TURN_ROLES = {None, "interviewer", "participant"}


@dataclass
class Checked:
    """The rows that may be merged and what was refused.

    Attributes:
        rows: table name -> the rows that passed.
        refused: one line per refused row (or group of rows).
    """

    rows: Rows
    refused: list[str] = field(default_factory=list)


def _int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _name_problem(value: Any, what: str, *, limit: int = 200, empty: bool = False) -> str | None:
    if value is None and empty:
        return None
    if not isinstance(value, str) or (not value.strip() and not empty):
        return f"{what} is missing"
    bad = control_character(value)
    if bad is not None:
        return f"{what} '{escape(value)}' holds a control character ({bad})"
    if len(value) > limit:
        return f"{what} is {len(value)} characters long (at most {limit})"
    return None


def _guid_problem(value: Any) -> str | None:
    return _name_problem(value, "guid", limit=64)


def first_words(text: Any, n: int = 6) -> str:
    words = str(text or "").split()
    short = " ".join(words[:n])
    return escape(short + ("…" if len(words) > n else ""))


def document_problem(doc: Row, turns: list[Row], sentences: list[Row]) -> str | None:
    """Why a document cannot be merged (its own fields, turns and sentences), or ``None``."""
    problem = _name_problem(doc.get("name"), "its name", limit=400)
    if problem:
        return problem
    text = doc.get("text")
    if not isinstance(text, str) or not text:
        return "it has no text"
    n = len(text)
    turn_pks = set()
    ordinals: set[Any] = set()
    for t in turns:
        problem = _turn_problem(t, n, ordinals)
        if problem:
            return problem
        ordinals.add(t.get("ordinal"))
        turn_pks.add(t.get("pk"))
    ordinals = set()
    for sentence in sentences:
        problem = _sentence_problem(sentence, n, ordinals, turn_pks)
        if problem:
            return problem
        ordinals.add(sentence.get("ordinal"))
    return None


def _turn_problem(t: Row, n: int, ordinals: set[Any]) -> str | None:
    """Why a turn of a document of ``n`` characters is wrong (``ordinals``: those before)."""
    s, e, o = t.get("start"), t.get("end"), t.get("ordinal")
    if not (_int(s) and _int(e) and _int(o)) or not 0 <= s <= e <= n or o in ordinals:
        return f"its turn {o!r} [{s!r}:{e!r}] is outside its text (0..{n}) or repeated"
    label = t.get("label_start")
    if label is not None and not (_int(label) and 0 <= label <= s):
        return f"its turn {o} has a label outside its text"
    if t.get("role") not in TURN_ROLES:
        return f"its turn {o} has an unknown role {t.get('role')!r}"
    speaker = t.get("speaker")
    if speaker is not None and _name_problem(speaker, "a speaker"):
        return f"its turn {o}: {_name_problem(speaker, 'the speaker')}"
    return None


def _sentence_problem(sentence: Row, n: int, ordinals: set[Any], turn_pks: set[Any]) -> str | None:
    """Why a sentence of a document of ``n`` characters is wrong."""
    s, e, o = sentence.get("start"), sentence.get("end"), sentence.get("ordinal")
    if not (_int(s) and _int(e) and _int(o)) or not 0 <= s < e <= n or o in ordinals:
        return f"its sentence {o!r} [{s!r}:{e!r}] is outside its text (0..{n}) or repeated"
    if sentence.get("turn_pk") is not None and sentence.get("turn_pk") not in turn_pks:
        return f"its sentence {o} belongs to no turn of the document"
    if not isinstance(sentence.get("lemmas"), str):
        return f"its sentence {o} has no lemmas"
    return None


def coding_problem(c: Row, length: int) -> str | None:
    """Why a coding cannot be merged, given its document's length, or ``None``."""
    s, e = c.get("start"), c.get("end")
    if not (_int(s) and _int(e)):
        return "its span is not two whole numbers"
    if not 0 <= s < e <= length:
        return f"its span [{s}:{e}] is empty or outside the document (0..{length})"
    for problem in (
        _guid_problem(c.get("guid")),
        _name_problem(c.get("coder"), "its coder"),
        _name_problem(c.get("reviewer"), "its reviewer", empty=True),
        _name_problem(c.get("run_by"), "its runner", empty=True),
    ):
        if problem:
            return problem
    if c.get("status") not in STATUSES:
        return f"unknown status {c.get('status')!r}"
    if c.get("origin") not in ORIGINS:
        return f"unknown origin {c.get('origin')!r}"
    if c.get("review") not in REVIEWS:
        return f"unknown review {c.get('review')!r}"
    if c.get("anchor") not in ANCHORS:
        return f"unknown anchor {c.get('anchor')!r}"
    if not isinstance(c.get("quote"), str) or not isinstance(c.get("memo"), str | None):
        return "its quote or memo is not text"
    version = c.get("version")
    if not _int(version) or version < 1:
        return f"bad version {version!r}"
    return None


def _refuse_docs(rows: Rows, refused: list[str]) -> dict[int, int]:
    """Check the documents; returns their pk -> text length for those that pass."""
    turns: dict[Any, list[Row]] = {}
    for t in rows.get("turns", []):
        turns.setdefault(t.get("document_pk"), []).append(t)
    sents: dict[Any, list[Row]] = {}
    for s in rows.get("sentences", []):
        sents.setdefault(s.get("document_pk"), []).append(s)
    kept: list[Row] = []
    lengths: dict[int, int] = {}
    for doc in rows.get("documents", []):
        problem = document_problem(doc, turns.get(doc.get("pk"), []), sents.get(doc.get("pk"), []))
        if problem:
            name = doc.get("name")
            shown = escape(name) if isinstance(name, str) else repr(name)
            refused.append(
                _("document {shown!r}: {problem}; refused with everything in it").format(
                    shown=shown, problem=problem
                )
            )
            continue
        text = doc["text"]
        # never trusted: computed again from the text
        doc["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        doc["chars"] = len(text)
        kept.append(doc)
        lengths[doc["pk"]] = len(text)
    rows["documents"] = kept
    rows["turns"] = [t for t in rows.get("turns", []) if t.get("document_pk") in lengths]
    rows["sentences"] = [s for s in rows.get("sentences", []) if s.get("document_pk") in lengths]
    return lengths


def _refuse_codes(
    rows: Rows,
    code_problem: Callable[[Row, list[str]], str | None],
    refused: list[str],
    known: frozenset[str],
) -> set[int]:
    """Check the codes (fields, aliases, parents); returns the pks that pass.

    A code whose guid is one of ours (``known``) is matched to ours and only its
    codings come in (our fields are kept): it is never refused, though an id of
    it that is not a valid id is never added as an alias (the store sees to that).
    """
    aliases, alias_rows = _refuse_aliases(rows, refused)
    by_pk: dict[Any, Row] = {c.get("pk"): c for c in rows.get("codes", [])}
    ok: set[int] = set()
    ids: set[str] = set()
    for code in rows.get("codes", []):
        if code.get("guid") in known:
            ok.add(code["pk"])
            ids.add(str(code.get("id")))
            continue
        problem = _guid_problem(code.get("guid")) or code_problem(
            code, aliases.get(code.get("pk"), [])
        )
        if problem is None and code.get("parent_pk") is not None and code["parent_pk"] not in by_pk:
            problem = "its parent is not in the project"
        if problem is None and str(code.get("id")) in ids:
            problem = "its id is used twice"
        if problem:
            shown = escape(str(code.get("id")))
            refused.append(
                _("code {shown!r}: {problem}; refused").format(shown=shown, problem=problem)
            )
            continue
        ok.add(code["pk"])
        ids.add(str(code.get("id")))
    _refuse_orphans(by_pk, ok, known, refused)
    rows["codes"] = [c for c in rows.get("codes", []) if c.get("pk") in ok]
    rows["code_aliases"] = [a for a in alias_rows if a.get("code_pk") in ok]
    return ok


def _refuse_aliases(rows: Rows, refused: list[str]) -> tuple[dict[Any, list[str]], list[Row]]:
    """The aliases that are valid ids: by code pk, and their rows."""
    aliases: dict[Any, list[str]] = {}
    alias_rows: list[Row] = []
    for a in rows.get("code_aliases", []):
        problem = _name_problem(a.get("alias"), "alias")
        if problem is None and not ID_RE.match(str(a.get("alias"))):
            problem = f"alias '{escape(str(a.get('alias')))}' is not a valid id"
        if problem:
            refused.append(
                _("{problem}; refused (their code keeps its other names)").format(problem=problem)
            )
            continue
        aliases.setdefault(a.get("code_pk"), []).append(a["alias"])
        alias_rows.append(a)
    return aliases, alias_rows


def _refuse_orphans(
    by_pk: Mapping[Any, Row], ok: set[int], known: frozenset[str], refused: list[str]
) -> None:
    """A parent chain must end at the top; a refused or cyclic parent takes its children
    (a code matched to ours goes to the top level instead: our parent is kept anyway)."""
    changed = True
    while changed:
        changed = False
        for pk in sorted(ok, key=str):
            bad = _parent_problem(by_pk, ok, pk)
            if bad and by_pk[pk].get("guid") in known:
                by_pk[pk]["parent_pk"] = None  # matched to ours: our parent is kept anyway
                changed = True
            elif bad:
                ok.discard(pk)
                refused.append(
                    _("code '{value}': {bad}; refused").format(
                        value=escape(str(by_pk[pk].get("id"))), bad=bad
                    )
                )
                changed = True


def _parent_problem(by_pk: Mapping[Any, Row], ok: set[int], pk: int) -> str | None:
    """Why the parents of a code do not lead to the top through codes that pass."""
    seen = {pk}
    parent = by_pk[pk].get("parent_pk")
    while parent is not None:
        if parent in seen:
            return "its parents go round in a circle"
        if parent not in ok:
            return f"its parent '{escape(str(by_pk.get(parent, {}).get('id')))}' was refused"
        seen.add(parent)
        parent = by_pk[parent].get("parent_pk")
    return None


def sanitize(
    rows: Mapping[str, list[Row]],
    code_problem: Callable[[Row, list[str]], str | None],
    known_codes: frozenset[str] = frozenset(),
) -> Checked:
    """Check every incoming row; drop what fails and what depends on it.

    Args:
        rows: the other project's rows (not changed; copies are returned).
        code_problem: the store's check of one code row with its aliases (parses
            its JSON fields and validates it as a YAML codebook would), ``None``
            when it is fine.
        known_codes: the guids of our codes (theirs with these guids match ours).

    Returns:
        The rows to merge and one line per refusal.
    """
    out: Rows = {t: [dict(r) for r in rs] for t, rs in rows.items()}
    refused: list[str] = []
    lengths = _refuse_docs(out, refused)
    codes = _refuse_codes(out, code_problem, refused, known_codes)
    _refuse_codings(out, lengths, codes, refused)
    _keep(out, refused, "tombstones", _tombstone_problem, lambda r: "a deletion record")
    _keep(
        out,
        refused,
        "memos",
        _memo_problem,
        lambda r: f"memo by '{escape(str(r.get('author')))}'",
    )
    _keep(
        out,
        refused,
        "review_comments",
        _comment_problem,
        lambda r: f"review comment by '{escape(str(r.get('author')))}'",
    )
    _refuse_people_and_cases(out, lengths, refused)
    return Checked(out, refused)


def _keep(
    out: Rows,
    refused: list[str],
    table: str,
    check: Callable[[Row], str | None],
    what: Callable[[Row], str],
) -> None:
    """Keep the rows of ``table`` that pass ``check``; one line per refused row."""
    good = []
    for r in out.get(table, []):
        problem = check(r)
        if problem:
            refused.append(_("{r}: {problem}; refused").format(r=what(r), problem=problem))
        else:
            good.append(r)
    out[table] = good


def _refuse_codings(
    out: Rows, lengths: Mapping[Any, int], codes: set[int], refused: list[str]
) -> None:
    """Keep the codings that pass, in documents and of codes that passed; one line
    per refused coding, and a count of those lost with a document or a code."""
    doc_names = {d["pk"]: d["name"] for d in out["documents"]}
    code_ids = {c["pk"]: c["id"] for c in out["codes"]}
    kept: list[Row] = []
    lost_to_code: dict[Any, int] = {}
    lost_to_doc = 0
    for c in out.get("codings", []):
        if c.get("document_pk") not in lengths:
            lost_to_doc += 1
            continue
        if c.get("code_pk") not in codes:
            lost_to_code[c.get("code_pk")] = lost_to_code.get(c.get("code_pk"), 0) + 1
            continue
        problem = coding_problem(c, lengths[c["document_pk"]])
        if problem:
            refused.append(
                _(
                    "coding of '{code_ids}' in '{doc_names}' by '{coder}' ('{quote}'): {problem}; refused"
                ).format(
                    code_ids=escape(str(code_ids[c["code_pk"]])),
                    doc_names=escape(doc_names[c["document_pk"]]),
                    coder=escape(str(c.get("coder"))),
                    quote=first_words(c.get("quote")),
                    problem=problem,
                )
            )
            continue
        kept.append(c)
    if lost_to_doc:
        refused.append(
            plural(
                lost_to_doc,
                "{n} coding in refused documents not added",
                "{n} codings in refused documents not added",
            )
        )
    for _pk, n in sorted(lost_to_code.items(), key=lambda kv: str(kv[0])):
        refused.append(
            plural(
                n,
                "{n} coding of a refused or unknown code not added",
                "{n} codings of a refused or unknown code not added",
            )
        )
    out["codings"] = kept


def _tombstone_problem(r: Row) -> str | None:
    return (
        _guid_problem(r.get("guid"))
        or _name_problem(r.get("coder"), "its coder")
        or _name_problem(r.get("kind"), "its kind", limit=20)
    )


def _memo_problem(r: Row) -> str | None:
    return (
        _guid_problem(r.get("guid"))
        or _name_problem(r.get("author"), "its author")
        or (
            None if r.get("target_kind") in MEMO_KINDS else f"unknown kind {r.get('target_kind')!r}"
        )
        or (
            None
            if isinstance(r.get("text"), str) and isinstance(r.get("title"), str)
            else "no text"
        )
    )


def _comment_problem(r: Row) -> str | None:
    return (
        _guid_problem(r.get("guid"))
        or _guid_problem(r.get("coding_guid"))
        or _name_problem(r.get("author"), "its author")
        or _name_problem(r.get("kind"), "its kind", limit=20)
        or (None if isinstance(r.get("text"), str) else "no text")
    )


def _adjudication_problem(r: Row, lengths: Mapping[Any, int]) -> str | None:
    return (
        (None if r.get("document_pk") in lengths else "its document was refused")
        or (None if r.get("decision") in DECISIONS else f"unknown decision {r.get('decision')!r}")
        or _guid_problem(r.get("guid"))
        or _name_problem(r.get("consensus"), "its consensus coder")
    )


def _refuse_people_and_cases(out: Rows, lengths: Mapping[Any, int], refused: list[str]) -> None:
    """Done marks, coders, cases and their documents and attributes, adjudications."""
    _keep(
        out,
        refused,
        "document_marks",
        lambda r: (
            (None if r.get("document_pk") in lengths else "its document was refused")
            or _name_problem(r.get("coder"), "its coder")
        ),
        lambda r: f"done mark of '{escape(str(r.get('coder')))}'",
    )
    _keep(
        out,
        refused,
        "coders",
        lambda r: (
            _name_problem(r.get("name"), "the name")
            or (None if r.get("role") in CODER_ROLES else f"unknown role {r.get('role')!r}")
        ),
        lambda r: f"coder '{escape(str(r.get('name')))}'",
    )
    _keep(
        out,
        refused,
        "cases",
        lambda r: _name_problem(r.get("name"), "the name", limit=400),
        lambda r: f"case '{escape(str(r.get('name')))}'",
    )
    case_pks = {r.get("pk") for r in out.get("cases", [])}
    _keep(
        out,
        refused,
        "case_sources",
        lambda r: (
            None
            if r.get("case_pk") in case_pks and r.get("document_pk") in lengths
            else "its case or document was refused"
        ),
        lambda r: "a case's document",
    )
    _keep(
        out,
        refused,
        "attributes",
        lambda r: _name_problem(r.get("name"), "the name"),
        lambda r: f"attribute '{escape(str(r.get('name')))}'",
    )
    attr_pks = {r.get("pk") for r in out.get("attributes", [])}
    _keep(
        out,
        refused,
        "case_attributes",
        lambda r: (
            None
            if r.get("case_pk") in case_pks and r.get("attribute_pk") in attr_pks
            else "its case or attribute was refused"
        ),
        lambda r: "an attribute value",
    )
    _keep(
        out,
        refused,
        "adjudications",
        lambda r: _adjudication_problem(r, lengths),
        lambda r: "an adjudication decision",
    )


def tombstone_honoured(
    tomb: Mapping[str, Any], coding: Mapping[str, Any], consensus: set[str]
) -> bool:
    """Whether a tombstone may delete this coding: only its own coder's, or a pending
    suggestion (its runner's, or any for one made before runners were recorded),
    or a consensus coding (an adjudication rebuilds those)."""
    who = tomb.get("coder")
    if who == coding.get("coder"):
        return True
    if coding.get("status") == Status.SUGGESTED.value:
        return coding.get("run_by") in (None, who)
    return coding.get("coder") in consensus
