"""Word forms -> lemmas for rule matching and word counts, without a trained model.

The spacy-lookups-data table for Indonesian knows about 37,000 inflected forms but
misses many that interviews are full of: ``ditunggu``, ``tunggunya``, ``dilayani``,
``antriannya``, ``kursinya``, and the colloquial Jakartan forms (``nungguin``,
``ngantri``, ``dibenerin``). :class:`Lemmatizer` looks a form up in the table first
and, only for a form the table lacks, strips Indonesian affixes (the rules of
Nazief and Adriani's stemmer: particles ``-lah -kah -pun``, possessives ``-nya -ku
-mu``, suffixes ``-kan -an -i`` and colloquial ``-in``; prefixes ``di- ke- se- ter-
ber- me(N)- pe(N)- per-`` with their sound changes, and colloquial ``N-``/``nge-``),
accepting a candidate only when it is a known root: a lemma of the table or a word
the caller adds (the words of the rules, or of the corpus). Reduplicated forms
(``dioper-oper``, ``minta-minta``) map to their base.

A few lemmas of the table conflate words a codebook must keep apart
(``petugas`` -> ``tugas``: *officer* -> *task*; ``sekali`` -> ``kali``): those are
overridden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from qualcode.nlp.pipeline import SUPPORTED

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
"""A word: letters and digits, hyphenated or with an apostrophe inside."""

MIN_ROOT = 3
"""The shortest root a stripped form may leave."""

# Lemmas of the lookup table that merge words with different meanings in the
# service-quality domain (and two that STACK.md measured as over-stemmed).
ID_OVERRIDES = {
    "petugas": "petugas",
    "petugasnya": "petugas",
    "sekali": "sekali",
    "sebelum": "sebelum",
    "pegawai": "pegawai",
    "pegawainya": "pegawai",
    "pelicin": "pelicin",
    "pungli": "pungli",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan",
}

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "in", "i")
_VOWELS = "aeiou"
_HYPHEN_PREFIXES = ("ber", "di", "ke", "se", "ter", "me", "pe", "nge", "ng")


def _strip_suffixes(word: str) -> list[str]:
    """``word`` and every form left by stripping suffixes, least stripped first."""
    out = [word]
    stage = [word]
    for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
        nxt: list[str] = []
        for w in stage:
            for suf in group:
                if w.endswith(suf) and len(w) - len(suf) >= MIN_ROOT:
                    nxt.append(w[: -len(suf)])
        out.extend(nxt)
        stage = stage + nxt
    return out


def _strip_prefix(word: str) -> list[str]:
    """Every root one prefix could have been added to (with its sound change)."""
    out: list[str] = []

    def add(root: str) -> None:
        if len(root) >= MIN_ROOT:
            out.append(root)

    for pre in ("di", "ke", "se", "ku"):
        if word.startswith(pre):
            add(word[len(pre) :])
    for pre in ("ter", "ber", "per"):
        if word.startswith(pre):
            add(word[3:])
            if word[3:4] == "r":  # ber+renang -> berenang
                add("r" + word[3:])
    if word.startswith(("be", "te", "pe")) and not word.startswith(("ber", "ter", "per")):
        add(word[2:])  # bekerja, terbang->te?, pekerja
    if word.startswith("bel"):
        add(word[3:])  # belajar
    for me in ("me", "pe"):
        if not word.startswith(me):
            continue
        rest = word[2:]
        if rest.startswith("ng"):
            r = rest[2:]
            add(r)  # mengantre -> antre, menggambar -> gambar
            add("k" + r)  # mengirim -> kirim
            if r.startswith("e"):
                add(r[1:])  # mengecek -> cek
        elif rest.startswith("ny"):
            add("s" + rest[2:])  # menyapu -> sapu
            add("c" + rest[2:])  # menyari (colloquial) -> cari
        elif rest.startswith("m"):
            add(rest[1:])  # membaca -> baca
            add("p" + rest[1:])  # memukul -> pukul
        elif rest.startswith("n"):
            add(rest[1:])  # mendengar -> dengar
            add("t" + rest[1:])  # menulis -> tulis
        else:
            add(rest)  # melayani -> layan(i), merawat -> rawat
    # colloquial nasal prefixes: nunggu, ngantri, nyari, ngecek, mukul
    if word.startswith("nge"):
        add(word[3:])
    if word.startswith("ng"):
        r = word[2:]
        add(r)
        add("k" + r)
    elif word.startswith("ny"):
        add("c" + word[2:])
        add("s" + word[2:])
    elif word.startswith("n") and word[1:2] in _VOWELS:
        add("t" + word[1:])
    elif word.startswith("m") and word[1:2] in _VOWELS:
        add("p" + word[1:])
    return out


def indonesian_candidates(word: str) -> list[str]:
    """Roots ``word`` could come from, fewest affixes stripped first (``word`` first)."""
    seen: dict[str, None] = {}
    suffixed = _strip_suffixes(word)
    for w in suffixed:
        seen.setdefault(w, None)
    for w in suffixed:
        for r1 in _strip_prefix(w):
            seen.setdefault(r1, None)
    for w in suffixed:
        for r1 in _strip_prefix(w):
            for r2 in _strip_prefix(r1):  # diperbaiki, memperbaiki, keberatan
                seen.setdefault(r2, None)
    return list(seen)


class Lemmatizer:
    """Lowercased word form -> lemma, cached per form.

    Args:
        lang: ``id`` or ``en`` (anything else uses the English table).
        extra_roots: words that count as roots beside the table's lemmas (the
            keywords of the rules, say), so that ``antriannya`` reaches ``antri``.
    """

    def __init__(self, lang: str, extra_roots: Iterable[str] = ()) -> None:
        self.lang = lang if lang in SUPPORTED else "en"
        self._table: Any = _raw_table(self.lang)
        self._roots = _table_lemmas(self.lang)
        self._cache: dict[str, str] = {}
        self._overrides = ID_OVERRIDES if self.lang == "id" else {}
        self.add_roots(extra_roots)

    def add_roots(self, words: Iterable[str]) -> None:
        """Count the lemmas of ``words`` as roots too (clears the cache).

        A word is lemmatized first, so that an inflected keyword (``dioper``) adds
        its root (``oper``), not itself; shorter words go first, so that of
        ``toilet`` and ``toiletnya`` only ``toilet`` becomes a root.
        """
        for word in sorted({w.lower() for w in words}, key=lambda w: (len(w), w)):
            self._roots.add(self._lemma(word))
        self._cache.clear()

    def is_root(self, word: str) -> bool:
        """Whether ``word`` is a known root."""
        return word in self._roots

    def __call__(self, form: str) -> str:
        """The lemma of a lowercased form."""
        hit = self._cache.get(form)
        if hit is None:
            hit = self._lemma(form)
            if hit != form:
                # the tables are not closed under lookup (warnings -> warning -> warn)
                hit = self._lemma(hit)
            if len(self._cache) < 500_000:
                self._cache[form] = hit
        return hit

    def _lemma(self, form: str) -> str:
        over = self._overrides.get(form)
        if over is not None:
            return over
        if self.lang == "en":
            for tail in ("'s", "’s"):
                if form.endswith(tail):
                    form = form[: -len(tail)]
            return str(self._table.get(form, form)) if self._table is not None else form
        found = self._table.get(form, None) if self._table is not None else None
        if found is not None:
            return str(found)
        if form in self._roots:
            return form
        if "-" in form:
            return self._reduplicated(form)
        for cand in indonesian_candidates(form)[1:]:
            if cand in self._roots:
                return cand
            found = self._table.get(cand, None) if self._table is not None else None
            if found is not None:
                return str(found)
        return form

    def _reduplicated(self, form: str) -> str:
        parts = form.split("-")
        if len(parts) == 2 and parts[1] in (*_POSSESSIVES, *_PARTICLES):
            return self(parts[0])  # SOP-nya, KTP-nya, bank-nya
        if len(parts) == 2 and parts[0] in _HYPHEN_PREFIXES and len(parts[1]) >= 2:
            return self(parts[1])  # ber-AC, di-SMS, di-WA
        if len(parts) == 2:
            first, second = (self(p) for p in parts)
            a, b = parts
            # minta-minta, dioper-oper, ketawa-ketawa, pungutan-pungutan
            if first == second or a.endswith(b) or b.endswith(a) or first.endswith(second):
                return second if len(second) <= len(first) else first
        return form

    def words(self, text: str) -> list[str]:
        """The lowercased word forms of ``text``."""
        return WORD_RE.findall(text.lower())

    def lemmas(self, text: str) -> list[str]:
        """The lemmas of the words of ``text``."""
        return [self(w) for w in WORD_RE.findall(text.lower())]


_ROOTS: dict[str, frozenset[str]] = {}
_TABLES: dict[str, Any] = {}


def _raw_table(lang: str) -> Any:
    """The lookup table of ``lang`` as a plain ``dict`` (form -> lemma).

    Read straight from spacy-lookups-data's compressed JSON, which is the data
    spaCy's own lookup lemmatizer uses: importing spaCy costs seconds, and a
    ``dict`` looks a word up faster than spaCy's hashed ``Table``. Falls back to
    spaCy's loader when the file is not where the package keeps it.
    """
    table = _TABLES.get(lang)
    if table is None:
        try:
            import gzip
            import json
            from importlib.resources import files

            data = files("spacy_lookups_data").joinpath("data", f"{lang}_lemma_lookup.json.gz")
            table = json.loads(gzip.decompress(data.read_bytes()))
        except Exception:  # noqa: BLE001 - no such file: ask spaCy
            from qualcode.nlp.pipeline import lemma_table

            table = getattr(lemma_table(lang), "_table", None)
        _TABLES[lang] = table
    return table


def _table_lemmas(lang: str) -> set[str]:
    roots = _ROOTS.get(lang)
    if roots is None:
        table = _raw_table(lang)
        roots = frozenset(str(v) for v in table.values()) if table is not None else frozenset()
        _ROOTS[lang] = roots
    return set(roots)


_STOP: dict[str, frozenset[str]] = {}


def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for ``lang``, without importing spaCy (seconds).

    The list lives in ``spacy/lang/<lang>/stop_words.py``, a module with no
    imports; it is executed on its own. Falls back to a normal import.
    """
    lang = lang if lang in SUPPORTED else "en"
    words = _STOP.get(lang)
    if words is None:
        try:
            import importlib.util
            from pathlib import Path

            spec = importlib.util.find_spec("spacy")
            assert spec is not None and spec.submodule_search_locations
            path = (
                Path(next(iter(spec.submodule_search_locations))) / "lang" / lang / "stop_words.py"
            )
            namespace: dict[str, Any] = {}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
            words = frozenset(namespace["STOP_WORDS"])
        except Exception:  # noqa: BLE001
            import importlib

            module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
            words = frozenset(module.STOP_WORDS)
        _STOP[lang] = words
    return words
