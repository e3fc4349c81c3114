"""Near-duplicate codes: the same meaning under different ids, in either language.

Two coders who each add "waktu tunggu lama" and "lama waktu menunggu", or
"Facilities & infrastructure" and "facilities and infrastructure", mean one code.
This module finds such pairs between two sets of codes and scores them, while
refusing pairs of opposite meaning ("petugas ramah" / "petugas tidak ramah",
"clear requirements" / "unclear requirements", "biaya murah" / "biaya mahal").

Labels are normalised before they are compared: lowercased, ``&`` read as "and",
punctuation dropped, stop words of both languages removed, and each word reduced
to a stem by a small built-in affix stripper (Indonesian meN-/peN-/ber-/ter-/di-/
ke-/se- prefixes with nasal restoration, -kan/-an/-i suffixes and particles; English
plural, -ing, -ed and -ment endings). The core cannot load spaCy, so the stripper is
rule-based; where a nasal prefix may hide the first letter of the root (menunggu
-> tunggu, memukul -> pukul; but mengantre -> antre, mengirim -> kirim), the root
seen elsewhere in the labels wins. Words are then sorted, so word order does not matter, and the
sorted strings are scored with :func:`rapidfuzz.fuzz.ratio` (0-100).

``token_set_ratio`` is not used: it scores 100 whenever one label's words are a
subset of the other's, which is exactly the shape of a negated label.

Only codes added on different sides are compared, and pairs are blocked by shared
stems (and 4-letter stem prefixes, for typos), so two codebooks of thousands of
codes are searched in milliseconds.

This module is pure: rapidfuzz and the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from qualcode.core.codebook import Code

DEFAULT_THRESHOLD = 85.0
"""Pairs scoring at least this (0-100) are suggested."""

STOP_ID = frozenset(
    """yang dan di ke dari untuk pada dengan atau oleh dalam para si sang itu ini akan
    adalah ialah serta juga secara terhadap tentang bagi karena sebagai agar sudah telah
    masih saja sangat amat lebih paling yg dgn dll dsb tsb nya pun lah kah""".split()
)
STOP_EN = frozenset(
    """a an the and or of to for in on at by with from as is are be been was were about
    into onto per its it their there this that these those very too so""".split()
)
STOP_WORDS = STOP_ID | STOP_EN
"""Words that carry no meaning of their own in a code label."""

NEGATIONS = frozenset(
    """tidak tak bukan belum kurang tanpa gak nggak enggak ngga ga tdk jangan
    not no never without lack lacking lacks nor none cannot non""".split()
)
"""Words that turn a label into its opposite (both languages)."""

NEGATING_PREFIXES = ("non", "dis", "un", "in", "im", "il", "ir")
"""English prefixes that negate a word ("unclear", "impolite", "non-SOP")."""

ANTONYMS: tuple[tuple[str, str], ...] = (
    # Bahasa Indonesia
    ("cepat", "lambat"),
    ("cepat", "lama"),
    ("lama", "singkat"),
    ("lama", "sebentar"),
    ("mahal", "murah"),
    ("mudah", "sulit"),
    ("mudah", "sukar"),
    ("mudah", "susah"),
    ("baik", "buruk"),
    ("baik", "jelek"),
    ("bagus", "jelek"),
    ("bagus", "buruk"),
    ("bersih", "kotor"),
    ("ramah", "kasar"),
    ("ramah", "ketus"),
    ("ramah", "judes"),
    ("sopan", "kasar"),
    ("puas", "kecewa"),
    ("tinggi", "rendah"),
    ("banyak", "sedikit"),
    ("besar", "kecil"),
    ("luas", "sempit"),
    ("nyaman", "sesak"),
    ("terbuka", "tertutup"),
    ("tepat", "terlambat"),
    ("tepat", "telat"),
    ("disiplin", "telat"),
    ("hadir", "absen"),
    ("positif", "negatif"),
    ("naik", "turun"),
    ("resmi", "liar"),
    ("jelas", "samar"),
    ("jelas", "bingung"),
    ("sesuai", "menyimpang"),
    ("setuju", "menolak"),
    ("terima", "tolak"),
    ("awal", "akhir"),
    # English
    ("fast", "slow"),
    ("quick", "slow"),
    ("long", "short"),
    ("cheap", "expensive"),
    ("easy", "difficult"),
    ("easy", "hard"),
    ("simple", "complicated"),
    ("simple", "complex"),
    ("good", "bad"),
    ("good", "poor"),
    ("clean", "dirty"),
    ("friendly", "rude"),
    ("friendly", "hostile"),
    ("polite", "rude"),
    ("kind", "rude"),
    ("clear", "vague"),
    ("clear", "confusing"),
    ("satisfied", "disappointed"),
    ("high", "low"),
    ("many", "few"),
    ("more", "less"),
    ("large", "small"),
    ("big", "small"),
    ("spacious", "cramped"),
    ("early", "late"),
    ("punctual", "late"),
    ("timely", "late"),
    ("open", "closed"),
    ("positive", "negative"),
    ("present", "absent"),
    ("accept", "reject"),
    ("approve", "reject"),
    ("success", "failure"),
    ("increase", "decrease"),
    ("follow", "violate"),
    ("follow", "deviate"),
    ("official", "illicit"),
    ("official", "bribe"),
    ("complete", "missing"),
)
"""Word pairs of opposite meaning; a pair of labels that differ by one is refused."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

# ----------------------------------------------------------------------------
# Stemming


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


_NOT = re.compile(r"n['’]t\b")


def tokens(text: str) -> list[str]:
    """Lowercased words of ``text``: ``&`` read as "and", ``n't`` as "not",
    accents and punctuation dropped, hyphenated and dotted words split."""
    text = _strip_accents(text).lower().replace("&", " and ").replace("+", " and ")
    if "'" in text or "’" in text:
        text = _NOT.sub(" not", text)
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group(0).replace("’", "'")
        if "'" in word:
            word = word.split("'")[0]  # officer's -> officer
        if word:
            out.append(word)
    return out


_ID_PARTICLES = ("lah", "kah", "tah", "pun")
_ID_POSSESSIVES = ("nya", "ku", "mu")
_ID_SUFFIXES = ("kan", "an", "i")
_VOWELS = frozenset("aeiou")
_MIN_ROOT = 4
_MIN_NASAL_ROOT = 3  # mengadu -> adu; a nasal prefix is rarely part of a root


def _id_suffix(word: str) -> str:
    for group in (_ID_PARTICLES, _ID_POSSESSIVES, _ID_SUFFIXES):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_NASAL_ROOT:
                word = word[: -len(suffix)]
                break
    return word


def _id_prefix_options(word: str) -> list[str]:
    """Ways to take one derivational prefix off ``word`` (most likely first)."""
    nasal = word.startswith(("meng", "peng", "meny", "peny", "mem", "pem", "men", "pen"))
    # a nasal prefix is rarely part of a root (mengadu -> adu); ber-, di-, ke-, se-
    # often are (berkas, dinas), so they need a longer root
    least = _MIN_NASAL_ROOT if nasal else _MIN_ROOT
    return [o for o in _id_prefix_raw(word) if len(o) >= least]


def _id_prefix_raw(word: str) -> list[str]:
    for nasal in ("me", "pe"):
        if word.startswith(nasal):
            return _nasal_prefix_options(nasal, word[2:])
    for prefix in ("ber", "ter", "per", "di", "ke", "se", "be"):
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            if prefix == "be" and not rest.startswith("kerj"):
                continue  # be- only before -kerja
            return [rest]
    return []


def stem_id(word: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """A light Indonesian stem: particles, possessives, one suffix, up to three prefixes.

    Args:
        word: one lowercased word.
        vocabulary: words seen elsewhere; when a nasal prefix could hide either of two
            roots, the one in the vocabulary wins.
    """
    if word.startswith("ketidak") and len(word) > 9:
        return stem_id(word[7:], vocabulary)  # ketidakjelasan -> jelas (negation kept apart)
    current = _id_suffix(word)
    for _ in range(3):
        options = _id_prefix_options(current)
        if not options:
            break
        chosen = next((o for o in options if o in vocabulary), options[0])
        current = chosen
    return current


def stem_en(word: str) -> str:
    """A light English stem: plural, -ing, -ed, -ment endings and a final e."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ment", "ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stopping -> stop
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("i") and word.endswith(("ies", "ied")):
        w = w[:-1] + "y"
    return w


def _stemmer(lang: str) -> str:
    if lang.startswith(("id", "ms")):
        return "id"
    if lang.startswith("en"):
        return "en"
    return "raw"


# ----------------------------------------------------------------------------
# Label views


@dataclass(frozen=True)
class LabelView:
    """One label of a code, normalised for comparison.

    Attributes:
        mode: the stemmer used: ``id``, ``en`` or ``raw``.
        text: the label as written.
        stems: the label's meaningful stems, sorted.
        key: ``stems`` joined by spaces (what is scored).
        negations: how many negating words (or negated stems) it holds.
        words: every stem, negations and stop words included.
        negatable: (stem, root) for stems that may be a negating prefix plus a root
            ("unclear" -> "clear").
    """

    mode: str
    text: str
    stems: tuple[str, ...]
    key: str
    negations: int
    words: frozenset[str]
    negatable: tuple[tuple[str, str], ...] = ()


class Normaliser:
    """Turns labels into :class:`LabelView` s, sharing one vocabulary for nasal roots."""

    def __init__(self, texts: Iterable[str] = ()) -> None:
        words: set[str] = set()
        for text in set(texts):
            words.update(tokens(text))
        self.vocabulary = frozenset(words | {_id_suffix(w) for w in words})
        self._antonyms: dict[str, dict[str, set[str]]] = {}
        self._stems: dict[tuple[str, str], str] = {}
        self._views: dict[tuple[str, str], LabelView] = {}

    def stem(self, word: str, mode: str) -> str:
        """The stem of one lowercased word under ``mode``."""
        found = self._stems.get((word, mode))
        if found is None:
            if mode == "id":
                found = stem_id(word, self.vocabulary)
            elif mode == "en":
                found = stem_en(word)
            else:
                found = word
            self._stems[(word, mode)] = found
        return found

    def antonyms(self, mode: str) -> dict[str, set[str]]:
        """Stem -> stems of opposite meaning, under ``mode``."""
        table = self._antonyms.get(mode)
        if table is None:
            table = {}
            for a, b in ANTONYMS:
                sa, sb = self.stem(a, mode), self.stem(b, mode)
                table.setdefault(sa, set()).add(sb)
                table.setdefault(sb, set()).add(sa)
            self._antonyms[mode] = table
        return table

    def view(self, text: str, mode: str) -> LabelView:
        """Normalise one label text under ``mode`` (``id``, ``en`` or ``raw``)."""
        found = self._views.get((text, mode))
        if found is None:
            found = self._views[(text, mode)] = self._view(text, mode)
        return found

    def _view(self, text: str, mode: str) -> LabelView:
        words = tokens(text)
        stems: list[str] = []
        every: set[str] = set()
        negations = 0
        for word in words:
            if word in NEGATIONS:
                negations += 1
                every.add(word)
                continue
            if word.startswith("ketidak") and len(word) > 9:
                negations += 1
            if word in STOP_WORDS:
                continue
            s = self.stem(word, mode)
            every.add(s)
            every.add(word)
            stems.append(s)
        stems.sort()
        negatable = tuple(
            (s, s[len(p) :].lstrip("-"))
            for s in stems
            for p in NEGATING_PREFIXES
            if s.startswith(p) and len(s) - len(p) >= 3
        )
        return LabelView(
            mode, text, tuple(stems), " ".join(stems), negations, frozenset(every), negatable
        )


def _views(code: Code, norm: Normaliser) -> list[LabelView]:
    out: list[LabelView] = []
    for lang, text in code.labels().items():
        if lang == "*":
            # a plain label can be in either language: view it both ways
            out.append(norm.view(text, "id"))
            out.append(norm.view(text, "en"))
        else:
            out.append(norm.view(text, _stemmer(lang)))
    return out


def _prefix_negated(a: LabelView, b: LabelView) -> int:
    """Stems of ``a`` that are a negating prefix plus a stem that only ``b`` has."""
    count = 0
    seen: set[str] = set()
    for stem, root in a.negatable:
        if stem not in seen and root in b.words and root not in a.words:
            seen.add(stem)
            count += 1
    return count


def opposite(a: LabelView, b: LabelView, norm: Normaliser) -> str | None:
    """Why ``a`` and ``b`` mean opposite things, or ``None`` when they do not.

    A pair is opposite when one is negated and the other not ("petugas ramah" /
    "petugas tidak ramah", "clear" / "unclear"), or when one holds a word whose
    antonym the other holds ("biaya murah" / "biaya mahal").
    """
    neg_a = a.negations + _prefix_negated(a, b)
    neg_b = b.negations + _prefix_negated(b, a)
    if neg_a % 2 != neg_b % 2:
        return "one is negated"
    table = norm.antonyms(a.mode)
    for s in a.stems:
        for other in table.get(s, ()):
            if other in b.stems and other not in a.stems and s not in b.stems:
                return f"{s!r} and {other!r} are opposites"
    return None


# ----------------------------------------------------------------------------
# Pairs


@dataclass(frozen=True)
class NearDuplicate:
    """Two codes (one per side) that look like one code.

    Attributes:
        ours: the id on our side.
        theirs: the id on their side.
        score: 0-100, the best score over the labels compared.
        ours_label: the label of ours that scored best.
        theirs_label: the label of theirs that scored best.
    """

    ours: str
    theirs: str
    score: float
    ours_label: str
    theirs_label: str

    def to_json(self) -> dict[str, object]:
        """A plain mapping for ``--json``."""
        return {
            "ours": self.ours,
            "theirs": self.theirs,
            "score": round(self.score, 1),
            "ours_label": self.ours_label,
            "theirs_label": self.theirs_label,
        }


def _compatible(a: LabelView, b: LabelView) -> bool:
    return a.mode == b.mode


def score_pair(
    a: Code, b: Code, norm: Normaliser | None = None
) -> tuple[float, str, str, str | None]:
    """Score two codes by their labels.

    Returns:
        (best score, label of ``a``, label of ``b``, why they are opposites or ``None``).
    """
    norm = norm or Normaliser([t for c in (a, b) for t in c.labels().values()])
    return _score(_views(a, norm), _views(b, norm), norm)


def _score(
    va: Sequence[LabelView],
    vb: Sequence[LabelView],
    norm: Normaliser,
    threshold: float | None = None,
) -> tuple[float, str, str, str | None]:
    """The best score over comparable label pairs, and why they are opposites if they are.

    With ``threshold``, a pair scoring below it is not checked for opposites (it will
    not be suggested anyway).
    """
    best = (0.0, "", "")
    pairs = [(x, y) for x in va for y in vb if _compatible(x, y) and x.key and y.key]
    for x, y in pairs:
        s = fuzz.ratio(x.key, y.key)
        if s > best[0]:
            best = (s, x.text, y.text)
    if threshold is not None and best[0] < threshold:
        return best[0], best[1], best[2], None
    why: str | None = None
    for x, y in pairs:
        why = opposite(x, y, norm)
        if why is not None:
            break
    return best[0], best[1], best[2], why


def _nasal_prefix_options(nasal: str, rest: str) -> list[str]:
    """Roots under a ``me-``/``pe-`` prefix (``nasal``), ``rest`` the word after it."""
    if rest.startswith("ny") and len(rest) > 2 and rest[2] in _VOWELS:
        return ["s" + rest[2:]]  # menyapu -> sapu
    assimilated = _nasal_consonant_options(rest)
    if assimilated is not None:
        return assimilated
    if nasal == "pe" and rest.startswith("r") and len(rest) > 1 and rest[1] not in _VOWELS:
        return [rest[1:]]  # persyaratan -> syarat
    if rest[:1] and rest[0] not in _VOWELS:
        return [rest]  # melayani -> layani, petugas -> tugas, pedagang -> dagang
    return []


def _nasal_consonant_options(rest: str) -> list[str] | None:
    """Roots after a nasal ``ng``, ``m`` or ``n`` (which may stand for a root's first
    consonant); ``None`` when ``rest`` starts otherwise."""
    if rest.startswith("ng"):
        tail = rest[2:]
        if tail[:1] in _VOWELS:
            return [tail, "k" + tail]  # mengantre -> antre, mengirim -> kirim
        return [tail]  # menggunakan -> guna, penghasilan -> hasil
    if rest.startswith("m"):
        tail = rest[1:]
        if tail[:1] in _VOWELS:
            return ["p" + tail, tail]  # memukul -> pukul
        return [tail]  # membayar -> bayar, memperbaiki -> perbaik
    if rest.startswith("n"):
        tail = rest[1:]
        if tail[:1] in _VOWELS:
            return ["t" + tail, tail]  # menunggu -> tunggu, penerima -> terima
        if tail[:1] in ("d", "c", "j", "z", "s"):
            return [tail]  # mendapat -> dapat, pencarian -> cari
    return None


def _block_keys(view: LabelView) -> list[tuple[str, str]]:
    """Keys under which a label is filed: its whole key, each stem, each stem's prefix."""
    keys = [(view.mode, "=" + view.key)]
    for s in view.stems:
        keys.append((view.mode, s))
        if len(s) >= 5:
            keys.append((view.mode, s[:4] + "…"))
    return keys


def find_near_duplicates(
    ours: Sequence[Code],
    theirs: Sequence[Code],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    vocabulary: Iterable[str] = (),
) -> list[NearDuplicate]:
    """Pairs of codes (one from each side) whose labels mean the same.

    Each code appears in at most one pair (the best-scoring first); pairs of
    opposite meaning are never returned.

    Args:
        ours: codes added on our side.
        theirs: codes added on their side.
        threshold: the lowest score suggested (0-100).
        vocabulary: more label texts whose words help choose nasal roots.

    Returns:
        Pairs, highest score first.
    """
    if not ours or not theirs:
        return []
    texts = [t for c in (*ours, *theirs) for t in c.labels().values()]
    norm = Normaliser([*texts, *vocabulary])
    views_o = [_views(c, norm) for c in ours]
    views_t = [_views(c, norm) for c in theirs]
    index = _block_index(views_t)
    cap = max(50, len(theirs) // 10)
    scored: list[tuple[float, int, int, str, str]] = []
    for i, views in enumerate(views_o):
        for j in _candidates(views, index, cap):
            score, la, lb, why = _score(views, views_t[j], norm, threshold)
            if score >= threshold and why is None:
                scored.append((score, i, j, la, lb))
    scored.sort(key=lambda t: (-t[0], ours[t[1]].id, theirs[t[2]].id))
    used_o: set[int] = set()
    used_t: set[int] = set()
    out: list[NearDuplicate] = []
    for score, i, j, la, lb in scored:
        if i in used_o or j in used_t:
            continue
        used_o.add(i)
        used_t.add(j)
        out.append(NearDuplicate(ours[i].id, theirs[j].id, score, la, lb))
    return out


def _block_index(views_t: Sequence[Sequence[LabelView]]) -> dict[tuple[str, str], list[int]]:
    """Their codes by block key: (mode, stem) and (mode, stem prefix)."""
    index: dict[tuple[str, str], list[int]] = {}
    for j, views in enumerate(views_t):
        keys: set[tuple[str, str]] = set()
        for v in views:
            keys.update(_block_keys(v))
        for k in keys:
            index.setdefault(k, []).append(j)
    return index


def _candidates(
    views: Sequence[LabelView], index: Mapping[tuple[str, str], list[int]], cap: int
) -> set[int]:
    """Their codes sharing a block with one of our code's views; a very common stem
    (more than ``cap`` codes) is no block, a whole label always is."""
    candidates: set[int] = set()
    for v in views:
        exact = "=" + v.key
        for k in _block_keys(v):
            hits = index.get(k, ())
            if len(hits) <= cap or k[1] == exact:
                candidates.update(hits)
    return candidates


def label_similarity(a: str, b: str, lang: str = "*") -> tuple[float, str | None]:
    """Score two label texts (0-100) and say why they are opposites, if they are.

    A convenience for tests and the command line: ``lang`` ``*`` views each text both
    as Indonesian and as English.
    """
    ca = Code(id="a", label={lang: a} if lang != "*" else a)
    cb = Code(id="b", label={lang: b} if lang != "*" else b)
    score, _, _, why = score_pair(ca, cb)
    return score, why


def labels_of(codes: Iterable[Code]) -> list[str]:
    """Every label text of ``codes`` (for a shared vocabulary)."""
    return [t for c in codes for t in c.labels().values()]


__all__ = [
    "ANTONYMS",
    "DEFAULT_THRESHOLD",
    "NEGATIONS",
    "LabelView",
    "NearDuplicate",
    "Normaliser",
    "find_near_duplicates",
    "label_similarity",
    "labels_of",
    "opposite",
    "score_pair",
    "stem_en",
    "stem_id",
    "tokens",
]
