"""Sentence boundaries in interview speech, by rule: one scan, no model.

A sentence ends at ``.``, ``?``, ``!`` or an ellipsis (``...``, ``…``), with any
closing quotes and brackets after it, followed by whitespace. Not every such place is
a boundary:

* ``?`` and ``!`` end a sentence, unless a closing quote follows and the next word is
  lowercase (``"Why?" he asked``).
* An ellipsis ends a sentence when the next word is capitalised (``... Eh
  ternyata``), but not before English *I* (``Well... I suppose so``).
* A period after a title or honorific that stands before a name (*Pak.*, *Bu.*,
  *Bpk.*, *Ibu.*, *dr.*, *Dr.*, *H.*, *Hj.*, *Mr.*, *Mrs.*, *Prof.*, *Jl.*, *Kel.*,
  *Kec.*, *Kab.*, *PT.*, an initial) never ends a sentence, except *Pak.*, *Bu.*,
  *Ibu.*, *Bapak.* used to address someone (after a comma, or before a function word:
  "Iya, Bu. Terima kasih").
* A period after a word that comes before a number (*No.*, *Rp.*, *RT.*, *RW.*,
  *hal.*, *Tgl.*, *Vol.*, *p.*) does not end a sentence before a digit.
* A period after *a.n.*, *u.p.*, *e.g.*, *i.e.*, *vs.*, *cf.* never ends a sentence.
* A period after any other abbreviation-like word (*dll.*, *dsb.*, *dst.*,
  *etc.*, *S.Pd.*, *M.Si.*, *a.m.*, a month, a word with inner periods such as
  *U.S.*, an all-capitals word such as *RW* or *SMP*) ends a sentence only before a
  capitalised word: "surat pengantar RT RW. Pas di kecamatan" is two sentences,
  "KTP, KK, akta, dsb. untuk berkas" one.
* A period after an ordinary word or a number ends a sentence, whatever follows
  (auto-transcribed text is often all lowercase).

Numbers (``08.00``, ``Rp50.000``, ``2.5``) and web or e-mail addresses hold no
boundary, since no whitespace follows their periods.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TITLES = frozenset(
    """pak bu bpk bp ibu bapak sdr sdri sdra dr drg drs dra prof ir h hj kh mr mrs ms
    mx st lt col gen capt sgt rev fr jl jln gg kel kec kab prov ds pt cv yth""".split()
)
"""Words before a name: a period after them does not end a sentence."""

VOCATIVES = frozenset({"pak", "bu", "ibu", "bapak"})
"""Titles that also address someone at the end of a sentence ("Iya, Bu.")."""

BEFORE_NUMBERS = frozenset(
    """no nr nomor hal tgl p pp vol ch rt rw rp approx ca fig art ps psl pasal""".split()
)
"""Words before a number: a period after them does not end a sentence before a digit."""

NEVER_END = frozenset({"a.n", "u.p", "e.g", "i.e", "cf", "vs", "viz", "s.d", "d.a", "c.q"})
"""Abbreviations always followed by more of their sentence."""

ABBREVIATIONS = frozenset(
    """dll dsb dst dkk etc al jr sr inc ltd co corp bros min hrs hr sec km kg jan feb mar
    apr jun jul aug agu agt sep sept oct okt nov dec des mon tue tues wed thu thur thurs
    fri sat sun dept gov govt univ assoc est ref tel ext sekcam kasi kades lurah ket""".split()
)
"""Other abbreviations: a period after them ends a sentence only before a capital."""

_END = re.compile(r"[.?!…]+[\"'”’)\]»]*(?=\s|$)")
"""A terminator followed by whitespace or the end."""
_CLOSERS = "\"'”’)]»"
_OPENERS = "\"'“‘([«"
_FOLLOWING = re.compile(r"[\s\"'“‘(\[«]*(\S*)")
"""Group 1: the word after a position, past spaces and opening quotes."""
_INNER_DOTS = re.compile(r"^(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}$")
_CAPS = re.compile(r"^[A-Z][A-Z0-9]{0,5}$")
_ENGLISH_I = re.compile(r"I(?:\W|$)")
_KINDS: dict[str, str] = {}
""":func:`_kind` of the words seen in this process (a few thousand distinct forms)."""


def _bare(word: str) -> str:
    """``word`` without the quotes and brackets around it."""
    return word.strip("\"'“”‘’()[]«»")


def _kind(word: str) -> str:
    """How a period after ``word`` behaves: ``title``, ``number``, ``never``,
    ``abbr`` (ends a sentence only before a capital) or ``word``."""
    if not word:
        return "word"
    low = word.lower()
    if len(word) == 1 and word.isalpha():
        return "title" if word.isupper() else "number" if low == "p" else "abbr"
    if low in NEVER_END:
        return "never"
    if low in TITLES:
        return "title"
    if low in BEFORE_NUMBERS:
        return "number"
    if low in ABBREVIATIONS or _INNER_DOTS.match(word) or _CAPS.match(word):
        return "abbr"
    return "word"


def _kind_before(before: str) -> tuple[str, str]:
    """The bare word of ``before`` (the text between the whitespace before a period
    and the period) and its :func:`_kind`, remembered per form."""
    kind = _KINDS.get(before)
    if kind is None:
        kind = _kind(_bare(before))
        if len(_KINDS) < 100_000:
            _KINDS[before] = kind
    return _bare(before), kind


def _is_boundary(
    text: str, start: int, end: int, stop_words: frozenset[str], english: bool
) -> bool:
    """Whether the terminator ``text[start:end]`` ends a sentence."""
    term = text[start:end]
    core = term.rstrip(_CLOSERS)
    word, kind = "", "word"
    if core == ".":
        # the common case first: a period after an ordinary word ends its sentence
        # whatever follows, so the next word is only looked at after the others
        begin = start
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        word, kind = _kind_before(text[begin:start])
        if kind == "word":
            return True
    following = _FOLLOWING.match(text, end).group(1)  # type: ignore[union-attr]
    if not following:
        return True
    first = following[0]
    capital = first.isupper()
    if "?" in core or "!" in core:
        return not (len(core) < len(term) and first.islower())
    if "…" in core or ".." in core:
        if not capital:
            return False
        return not (english and _ENGLISH_I.match(following))
    if kind == "never":
        return False
    if kind == "title":
        if word.lower() not in VOCATIVES or not capital:
            return False
        # "Iya, Bu. Terima kasih": the title addresses someone and ends the sentence
        head = text[: start - len(word)].rstrip()
        return head.endswith(",") or _bare(following).lower() in stop_words
    # a number word, or another abbreviation: a boundary before a capital only
    return capital


def split_sentences(
    text: str, lang: str | None = None, stop_words: Iterable[str] = ()
) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text``, trimmed of whitespace.

    Args:
        text: one paragraph (or any text: newlines are ordinary spaces here).
        lang: its language (English adds the *I* rule after an ellipsis).
        stop_words: the language's function words, lowercased: a vocative title
            before one of them ends its sentence ("Bu. Terima kasih").
    """
    stops = stop_words if isinstance(stop_words, frozenset) else frozenset(stop_words)
    english = lang == "en"
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _END.finditer(text):
        start, end = m.span()
        if _is_boundary(text, start, end, stops, english):
            spans.append((begin, end))
            begin = end
    spans.append((begin, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
