"""The researcher's words for what an action did: codes by label, documents by
name, passages by their first words; never offsets or GUIDs.

The store reads an action's recorded row changes into :class:`Fact` objects (with
document names, code ids and quotes already resolved); :func:`describe_action`
and :func:`describe_step` turn them into one line, naming codes through the
caller's ``label`` function (so the label language is the one on screen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from qualcode.core.codebook import Label as CodeLabel
from qualcode.core.codebook import label_text
from qualcode.i18n import N_, _, plural

PASSAGE_WORDS = 32
"""At most this many characters of a passage's first words."""


def first_words(text: str, limit: int = PASSAGE_WORDS) -> str:
    """The first words of ``text`` on one line, cut at a word boundary with ``…``.

    >>> first_words("Saya datang jam delapan pagi, antre sampai siang.", 24)
    'Saya datang jam delapan…'
    """
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    if cut < limit // 2:  # one long word: cut inside it
        cut = limit - 1
    return line[:cut].rstrip(" ,.;:!?") + "…"


def passage(text: str, limit: int = PASSAGE_WORDS) -> str:
    """A passage as the researcher recognises it: ``«Saya datang jam delapan…»``."""
    return f"«{first_words(text, limit)}»"


@dataclass(frozen=True)
class Fact:
    """One row an action changed, resolved to names.

    Attributes:
        kind: the action's kind (``code``, ``uncode``, ``memo.add``, ``codebook.edit``, ...).
        op: ``insert``, ``delete`` or ``update`` as the action did it (not as an undo
            reverses it).
        what: the table (``codings``, ``codes``, ``memos``, ...).
        doc: the document's name (codings; memos on a document).
        code: the code's id (codings, codes; memos on a code).
        quote: the coded passage (codings).
        target_kind: what a memo is about (``document``, ``code``, ``project``, ``case``).
        target: the memo's subject: a document name, a code id or a case name.
        other: a second code: the target of a merge, the new parent of a move.
        fields: the columns an update changed.
        label: the code's label as the row held it (a code since deleted is still
            named by it).
    """

    kind: str
    op: str
    what: str
    doc: str | None = None
    code: str | None = None
    quote: str | None = None
    target_kind: str | None = None
    target: str | None = None
    other: str | None = None
    fields: tuple[str, ...] = ()
    label: CodeLabel | None = None
    ends: tuple[tuple[str, Any], ...] = ()
    """A relation's two ends as ``(kind, name)``: a code by its id, a theme by its
    label, a document by its name, a passage by its quote (empty for other rows)."""
    directed: bool = True
    """Whether a relation is directed."""


Label = Callable[[str], str]


def labeller(
    facts: Iterable[Fact], lang: str | None, current: Callable[[str], str | None]
) -> Label:
    """Code id -> label: the codebook's label (``current``) when the code exists,
    else the label a changed row held, else the id. ``relation:TYPE`` is the label
    of a relation type the facts name (code ids hold no ``:``)."""
    held: dict[str, CodeLabel] = {}
    for f in facts:
        if f.what == "relations" and f.label and f.other:
            held[f"relation:{f.other}"] = f.label  # a relation type, by its id
        elif f.code and f.label:
            held[f.code] = f.label

    def label(code_id: str) -> str:
        now = current(code_id)
        if now is not None:
            return now
        if code_id in held:
            return label_text(held[code_id], lang)
        return code_id

    return label


MEMO_SENTENCES = {
    ("memo.add", "document"): N_("memo on the document {name}"),
    ("memo.add", "code"): N_("memo on the code {name}"),
    ("memo.add", "case"): N_("memo on the case {name}"),
    ("memo.add", "project"): N_("memo on the project"),
    ("memo.edit", "document"): N_("edited the memo on the document {name}"),
    ("memo.edit", "code"): N_("edited the memo on the code {name}"),
    ("memo.edit", "case"): N_("edited the memo on the case {name}"),
    ("memo.edit", "project"): N_("edited the memo on the project"),
    ("memo.delete", "document"): N_("deleted the memo on the document {name}"),
    ("memo.delete", "code"): N_("deleted the memo on the code {name}"),
    ("memo.delete", "case"): N_("deleted the memo on the case {name}"),
    ("memo.delete", "project"): N_("deleted the memo on the project"),
}
"""A memo action by its subject, as whole sentences (for the translations)."""


def _memo_sentence(kind: str, fact: Fact | None, label: Label) -> str:
    """``memo on the code Waktu tunggu lama``, ``edited the memo on the project``."""
    subject, name = "project", ""
    if fact is not None and fact.target and fact.target_kind in ("document", "code", "case"):
        subject = fact.target_kind
        name = label(fact.target) if subject == "code" else fact.target
    verb = kind if kind in ("memo.add", "memo.edit") else "memo.delete"
    return _(MEMO_SENTENCES[(verb, subject)]).format(name=name)


def _first(facts: Sequence[Fact], what: str, op: str | None = None) -> Fact | None:
    for f in facts:
        if f.what == what and (op is None or f.op == op):
            return f
    return None


_BOOKKEEPING = {"position", "version"}


def _code_fact(kind: str, facts: Sequence[Fact]) -> Fact | None:
    """The code an action on the codebook is about (a merge also moves codings,
    reorders siblings and bumps versions: those rows are not its subject)."""
    codes = [f for f in facts if f.what == "codes"]
    if kind in ("codebook.merge", "codebook.delete"):
        wanted = [f for f in codes if f.op == "delete"]
    elif kind in ("codebook.add", "codebook.split"):
        wanted = [f for f in codes if f.op == "insert"]
    elif kind == "codebook.move":
        wanted = [f for f in codes if "parent_pk" in f.fields]
    else:
        wanted = [f for f in codes if f.op != "update" or set(f.fields) - _BOOKKEEPING]
    found = wanted or codes
    return found[0] if found else None


def describe_action(kind: str, facts: Sequence[Fact], label: Label) -> str:
    """One action in the researcher's words (``coded «Saya datang…» with Waktu tunggu lama``).

    Args:
        kind: the action's kind.
        facts: the rows it changed.
        label: code id -> label in the label language shown.
    """
    describer = _BY_KIND.get(kind)
    said = describer(kind, facts, label) if describer is not None else None
    if said is None:
        said = _by_prefix(kind, facts, label)
    if said is None:
        said = _(GENERIC.get(kind.split(".")[0], CHANGE))
    return said


_Describer = Callable[[str, Sequence[Fact], Label], "str | None"]
"""(kind, facts, label) -> the sentence, or None when the rows do not fit the kind."""


def _by_prefix(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """The sentence of a family of kinds (``memo.``, ``theme.``, ...)."""
    for prefix, describer in _BY_PREFIX:
        if kind.startswith(prefix):
            return describer(kind, facts, label)
    return None


def _imported(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``imported a.docx and b.docx`` (a transcript import), else its codings."""
    if _first(facts, "codings") is None:
        docs = imported_documents(facts)
        return _("imported {names}").format(names=name_list(docs)) if docs else None
    return _coded(kind, facts, label)


def _coded(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``coded «Saya datang…» with Waktu tunggu lama``, ``coded 5 passages``."""
    coding = _first(facts, "codings")
    if coding is None:
        return None
    added = [f for f in facts if f.what == "codings" and f.op in ("insert", "update")]
    codes = {f.code for f in added}
    if len(added) > 1 and len(codes) == 1 and coding.code:
        return plural(
            len(added),
            "coded {n} passage with {code}",
            "coded {n} passages with {code}",
            code=label(coding.code),
        )
    if len(added) > 1:
        return plural(len(added), "coded {n} passage", "coded {n} passages")
    return _("coded {passage} with {code}").format(
        passage=passage(coding.quote or ""), code=label(coding.code or "")
    )


def _uncoded(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``removed Waktu tunggu lama from «Saya datang…»``."""
    coding = _first(facts, "codings")
    if coding is None:
        return None
    n_codings = sum(1 for f in facts if f.what == "codings")
    if n_codings > 1:
        return plural(
            n_codings,
            "removed {n} coding from {passage}",
            "removed {n} codings from {passage}",
            passage=passage(coding.quote or ""),
        )
    return _("removed {code} from {passage}").format(
        code=label(coding.code or ""), passage=passage(coding.quote or "")
    )


def _coding_memo(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``memo on Waktu tunggu lama at «Saya datang…»``."""
    coding = _first(facts, "codings")
    if coding is None:
        return None
    return _("memo on {code} at {passage}").format(
        code=label(coding.code or ""), passage=passage(coding.quote or "")
    )


def _recoded(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``moved 3 codings to Waktu tunggu lama``."""
    coding = _first(facts, "codings")
    if coding is None:
        return None
    return plural(
        sum(1 for f in facts if f.what == "codings"),
        "moved {n} coding to {code}",
        "moved {n} codings to {code}",
        code=label(coding.code or ""),
    )


def _rejected(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``rejected 2 suggestions``."""
    return plural(
        sum(1 for f in facts if f.what == "suggestion_rejections"),
        "rejected {n} suggestion",
        "rejected {n} suggestions",
    )


def _team_done(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """A coder marked a document done (no coding among the rows)."""
    return _("marked a document done") if _first(facts, "codings") is None else None


def _reviewed(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``review of «Saya datang…»``."""
    coding = _first(facts, "codings")
    if coding is None:
        return None
    return _("review of {passage}").format(passage=passage(coding.quote or ""))


def _memo(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    return _memo_sentence(kind, _first(facts, "memos"), label)


def _cases(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    return _("changed the cases")


def _relation(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """``related Waiting -> theme Slow service (leads to)``: both ends and the type
    by their names (a relation whose ends are unknown: the bare sentence)."""
    edge = next((f for f in facts if f.what == "relations" and len(f.ends) == 2), None)
    if edge is None or kind not in RELATION_ENDS:
        return _(RELATION_SENTENCES.get(kind, RELATION_MEMO))
    a, b = (_end(k, name, label) for k, name in edge.ends)
    words = label(f"relation:{edge.other}") if edge.label else (edge.other or "")
    return _(RELATION_ENDS[kind]).format(
        a=a, arrow="->" if edge.directed else "<->", b=b, type=words
    )


def _end(kind: str, name: Any, label: Label) -> str:
    """One end of a relation as the researcher names it."""
    if not name:
        return _("{kind} (deleted)").format(kind=_(kind))
    if kind == "code":
        return label(str(name))
    if kind == "passage":
        return passage(str(name))
    return f"{_(kind)} {label_text(name) if not isinstance(name, str) else name}"


def _code_edited(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    """``renamed the code X``, ``recoloured …``, ``changed the key of …``."""
    name = label(code.code or "")
    if "label" in code.fields:
        return _("renamed the code {code}").format(code=name)
    if "color" in code.fields:
        return _("recoloured the code {code}").format(code=name)
    if "key" in code.fields:
        return _("changed the key of {code}").format(code=name)
    return _("edited the code {code}").format(code=name)


def _code_moved(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    """``moved X under Y``, ``moved X to the top level``."""
    if code.other:
        return _("moved {code} under {parent}").format(
            code=label(code.code or ""), parent=label(code.other)
        )
    return _("moved {code} to the top level").format(code=label(code.code or ""))


def _code_merged(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    """``merged X into Y``."""
    alias = _first(facts, "code_aliases", "insert")
    if alias is not None and alias.code:
        return _("merged {code} into {target}").format(
            code=label(code.code or ""), target=label(alias.code)
        )
    return _("merged {code} into another code").format(code=label(code.code or ""))


def _code_added(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    return _("added the code {code}").format(code=label(code.code or ""))


def _code_deleted(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    return _("deleted the code {code}").format(code=label(code.code or ""))


def _code_id_set(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    return _("changed the id of {code}").format(code=label(code.code or ""))


def _code_split(code: Fact, facts: Sequence[Fact], label: Label) -> str:
    return _("split {code}").format(code=label(code.code or ""))


_CODEBOOK: dict[str, Callable[[Fact, Sequence[Fact], Label], str]] = {
    "codebook.add": _code_added,
    "codebook.edit": _code_edited,
    "codebook.move": _code_moved,
    "codebook.merge": _code_merged,
    "codebook.delete": _code_deleted,
    "codebook.set-id": _code_id_set,
    "codebook.split": _code_split,
}
"""An action on the codebook by its kind, given the code it is about."""


def _codebook(kind: str, facts: Sequence[Fact], label: Label) -> str | None:
    """An action on one code (the code the rows are about)."""
    code = _code_fact(kind, facts)
    return _CODEBOOK[kind](code, facts, label) if code is not None else None


def _theme_action(kind: str, facts: Sequence[Fact], label: Label) -> str:
    """A change to the themes: the theme by its name, codes by their labels."""
    named = [f for f in facts if f.label]
    theme = label_text(named[0].label, None) if named and named[0].label else _("a theme")
    if kind == "theme.codes":
        return _theme_codes(facts, label, theme)
    if kind == "theme.extracts":
        return _theme_extracts(facts, theme)
    sentence = _THEME_SENTENCES.get(kind)
    if sentence is None:
        fields = {x for f in facts if f.what == "themes" for x in f.fields}
        sentence = next((s for field, s in _THEME_FIELDS if field in fields), _THEME_EDITED)
    return _(sentence).format(theme=theme)


def _theme_codes(facts: Sequence[Fact], label: Label, theme: str) -> str:
    """``put X into T``, ``took 2 codes out of T``."""
    members = [f for f in facts if f.what == "theme_codes" and f.code]
    added = [f for f in members if f.op == "insert"]
    gone = [f for f in members if f.op == "delete"]
    if len(added) == 1 and not gone:
        return _("put {code} into {theme}").format(code=label(added[0].code or ""), theme=theme)
    if added and not gone:
        return plural(
            len(added), "put {n} code into {theme}", "put {n} codes into {theme}", theme=theme
        )
    if len(gone) == 1:
        return _("took {code} out of {theme}").format(code=label(gone[0].code or ""), theme=theme)
    return plural(
        len(gone), "took {n} code out of {theme}", "took {n} codes out of {theme}", theme=theme
    )


def _theme_extracts(facts: Sequence[Fact], theme: str) -> str:
    """A key extract added, removed or reordered."""
    ops = {f.op for f in facts if f.what == "theme_extracts"}
    if ops == {"insert"}:
        return _("a key extract of {theme}").format(theme=theme)
    if "delete" in ops:
        return _("removed a key extract of {theme}").format(theme=theme)
    return _("the order of the key extracts of {theme}").format(theme=theme)


_THEME_SENTENCES = {
    "theme.add": N_("made the theme {theme}"),
    "theme.delete": N_("deleted the theme {theme}"),
    "theme.move": N_("moved the theme {theme}"),
    "theme.status": N_("the status of {theme}"),
}
"""Actions on a theme with a sentence of their own."""
_THEME_FIELDS = (
    ("label", N_("renamed the theme {theme}")),
    ("definition", N_("the definition of {theme}")),
)
"""An edit of a theme by the first of these fields it changed."""
_THEME_EDITED = N_("edited the theme {theme}")

_BY_KIND: dict[str, _Describer] = {
    "import": _imported,
    "code": _coded,
    "accept": _coded,
    "autocode": _coded,
    "uncode": _uncoded,
    "memo.coding": _coding_memo,
    **dict.fromkeys(_CODEBOOK, _codebook),
    "recode": _recoded,
    "reject": _rejected,
    "team.done": _team_done,
}
"""The describer of each kind with a sentence of its own."""

_BY_PREFIX: tuple[tuple[str, _Describer], ...] = (
    ("memo.", _memo),
    ("review", _reviewed),
    ("case", _cases),
    ("theme.", _theme_action),
    ("relation.", _relation),
)
"""Families of kinds, tried in order when a kind has no sentence of its own."""


RELATION_SENTENCES = {
    "relation.add": N_("a relation"),
    "relation.delete": N_("deleted a relation"),
}
"""Actions on relations (any other: an edit of a relation's memo)."""
RELATION_ENDS = {
    "relation.add": N_("related {a} {arrow} {b} ({type})"),
    "relation.delete": N_("deleted the relation {a} {arrow} {b} ({type})"),
}
"""The same, naming both ends and the type."""
RELATION_MEMO = N_("the memo of a relation")

GENERIC = {
    "codebook": N_("a change to the codebook"),
    "setting": N_("a project setting"),
    "speakers": N_("the speaker roles"),
    "team": N_("a team change"),
}
"""Kinds without a sentence of their own (by the part before the dot)."""
CHANGE = N_("a change to the project")
"""Any other kind."""


def describe_step(action: str, entries: Sequence[tuple[str, Sequence[Fact]]], label: Label) -> str:
    """What an undo or redo did, in the researcher's words.

    Args:
        action: ``undo`` or ``redo``.
        entries: the actions undone or redone, oldest first, each as (kind, facts).
        label: code id -> label in the label language shown.

    Returns:
        ``undid: coded «Saya datang jam delapan…» with Waktu tunggu lama``; a group
        of codings of one code reads ``undid: coded 5 passages with …``.
    """
    if not entries:
        return _("undid nothing") if action == "undo" else _("redid nothing")
    kinds = {k for k, _f in entries}
    facts = [f for _k, fs in entries for f in fs]
    if kinds == {"import"} and imported_documents(facts):
        return describe_imports(action, imported_documents(facts))
    if len(entries) > 1 and kinds <= {"code", "accept", "autocode", "import"}:
        what = describe_action("code", facts, label)
        more = ""
    else:
        kind, first = entries[-1] if action == "undo" else entries[0]
        what = describe_action(kind, first, label)
        more = (
            plural(
                len(entries) - 1,
                " (and {n} more action in the same step)",
                " (and {n} more actions in the same step)",
            )
            if len(entries) > 1
            else ""
        )
    if action == "undo":
        return _("undid: {what}{more}").format(what=what, more=more)
    return _("redid: {what}{more}").format(what=what, more=more)


def imported_documents(facts: Iterable[Fact]) -> list[str]:
    """The names of the documents that transcript imports added (their log markers)."""
    return [f.doc for f in facts if f.what == "documents" and f.op == "import" and f.doc]


def name_list(names: Sequence[str], most: int = 5) -> str:
    """``a``, ``a and b``, ``a, b and c``, ``a, b, c, d, e and 3 more``."""
    if not names:
        return ""
    if len(names) > most:
        return _("{names} and {n} more").format(names=", ".join(names[:most]), n=len(names) - most)
    if len(names) == 1:
        return names[0]
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def describe_imports(action: str, names: Sequence[str], notes: Sequence[str] = ()) -> str:
    """An undone (redone) transcript import in the researcher's words:
    ``undid the import of a.txt and b.txt: both documents are removed``.

    Args:
        action: ``undo`` or ``redo``.
        names: the documents, in import order.
        notes: what else the step did (the person's own codings it took along).
    """
    n = len(names)
    if action == "undo":
        if n == 2:
            what = _("both documents are removed")
        else:
            what = plural(n, "the document is removed", "the {n} documents are removed")
        line = _("undid the import of {names}: {what}")
    else:
        if n == 2:
            what = _("both documents are back")
        else:
            what = plural(n, "the document is back", "the {n} documents are back")
        line = _("redid the import of {names}: {what}")
    return line.format(names=name_list(names), what=what) + "".join(f"; {x}" for x in notes)
