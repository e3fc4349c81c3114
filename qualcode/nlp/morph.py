"""Word forms -> lemmas for search, rule matching and word counts, without a trained model.

Indonesian. A form is reduced to its root (*kata dasar*) by stripping affixes and
checking every candidate against the KBBI root list that PySastrawi ships (about
30,000 roots): particles ``-lah -kah -tah -pun``, possessives ``-nya -ku -mu``,
suffixes ``-kan -an -i`` and colloquial ``-in``; prefixes ``di- ke- se- ter- ber-
per- me(N)- pe(N)-`` with their sound changes (``menulis`` <- ``tulis``,
``memakai`` <- ``pakai``, ``menyapu`` <- ``sapu``, ``mengirim`` <- ``kirim``,
``mengecek`` <- ``cek``), up to three of them (``memperhatikan``,
``mengetahui``); the Jakartan colloquial prefixes ``nge- ng- ny- n- m-``
(``ngajarin``, ``nungguin``, ``nyariin``, ``makein``) and vowels (``bener``,
``dapet``, ``pake``); reduplication (``surat-surat``, ``dioper-oper``). Among
the candidates that are roots, the one with the fewest affixes stripped wins (a
confix such as pe(N)-an counts once), then the one whose prefix allowed no other
reading, then the one spaCy's lookup table gives for the form, then the root more
forms of that table lead to (``nyari`` -> ``cari``, not ``sari``). Spelling
variants go to the standard spelling (``antri`` -> ``antre``, ``ijin`` -> ``izin``).
Only a form that leads to no root falls back to spaCy's lookup table (whose
lemmas are accepted only when affix stripping can reach them) and then to the form
without its clitics.

English and the other languages with a spacy-lookups-data table (fr, es, de, nl,
pt, ...) look the lowercased form up in their table; a language without one keeps
every word as it is (lemma search then finds exact words).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
"""A word: letters and digits, hyphenated or with an apostrophe inside."""

MIN_ROOT = 3
"""The shortest root a stripped form may leave."""

# Forms whose lemma is fixed: nouns naming an office or a position that a codebook
# keeps apart from their root (``petugas`` is an officer, ``tugas`` a task), and a
# few common misspellings that stripping would send elsewhere.
ID_OVERRIDES = {
    "petugas": "petugas",
    "pegawai": "pegawai",
    "pelicin": "pelicin",
    "pungli": "pungli",
    "kecamatan": "kecamatan",
    "kelurahan": "kelurahan",
    "penduduk": "penduduk",
    "perangkat": "perangkat",
    "pemilu": "pemilu",
    "merubah": "ubah",
    "dirubah": "ubah",
    "rubahnya": "ubah",
}

ID_EXTRA_ROOTS = frozenset(
    """sebelum sesudah setelah selama sementara sebab semoga seolah sebagai setuju
    petugas kecamatan kelurahan pungli calo legalisir online offline print
    upload download scan email admin""".split()
)
"""Roots the KBBI list lacks: lexicalised function words that begin with se- (kept
whole, as the list keeps ``sekarang`` and ``sesuai``), the offices above, and
loans common in service interviews."""

ID_VARIANTS = {
    # spelling variants -> the standard (KBBI) spelling
    "antri": "antre",
    "ijin": "izin",
    "praktek": "praktik",
    "resiko": "risiko",
    "nasehat": "nasihat",
    "jadual": "jadwal",
    "kwitansi": "kuitansi",
    "sistim": "sistem",
    "aktifitas": "aktivitas",
    "efektifitas": "efektivitas",
    "kreatifitas": "kreativitas",
    "produktifitas": "produktivitas",
    "fotocopy": "fotokopi",
    "fotocopi": "fotokopi",
    "potokopi": "fotokopi",
    "tehnis": "teknis",
    "tehnik": "teknik",
    "ijasah": "ijazah",
    "hutang": "utang",
    "silahkan": "silakan",
    "sekedar": "sekadar",
    "propinsi": "provinsi",
    "nomer": "nomor",
    "telpon": "telepon",
    "tilpon": "telepon",
    "standart": "standar",
    "kwalitas": "kualitas",
    "kwantitas": "kuantitas",
    "apotik": "apotek",
    "obyek": "objek",
    "subyek": "subjek",
    "analisa": "analisis",
    "jaman": "zaman",
    "rejeki": "rezeki",
    "nafas": "napas",
    "karir": "karier",
    "sholat": "salat",
    "shalat": "salat",
    "mushola": "musala",
    "musholla": "musala",
    "ustadz": "ustaz",
    # Jakartan colloquial roots -> the standard root
    "ketemu": "temu",
    "liat": "lihat",
    "tau": "tahu",
    "pake": "pakai",
    "sampe": "sampai",
    "udah": "sudah",
    "dah": "sudah",
    "aja": "saja",
    "emang": "memang",
    "bener": "benar",
    "denger": "dengar",
    "simpen": "simpan",
    "catet": "catat",
    "anter": "antar",
    "dapet": "dapat",
    "inget": "ingat",
    "cape": "capek",
    "bales": "balas",
    "pinter": "pintar",
    "males": "malas",
}
"""Non-standard roots -> the standard root, checked before the root list (which
holds ``liat``, clay, as well as ``lihat``)."""

ID_COMPOUNDS = {
    "kerjasama": "kerja sama",
    "tandatangan": "tanda tangan",
    "tanggungjawab": "tanggung jawab",
    "tindaklanjut": "tindak lanjut",
    "beritahu": "beri tahu",
    "ambilalih": "ambil alih",
    "campurtangan": "campur tangan",
    "salahguna": "salah guna",
    "terimakasih": "terima kasih",
    "sebarluas": "sebar luas",
    "lipatganda": "lipat ganda",
    "ikutserta": "ikut serta",
    "pertanggungjawab": "tanggung jawab",
}
"""Compounds (*gabungan kata*) written as one word once affixed: their lemma is both
words, so a search for either finds them (``bekerjasama`` -> ``kerja sama``)."""

_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_SUFFIXES = ("kan", "an", "in", "i")
_CLITICS = (*_PARTICLES, *_POSSESSIVES)
_VOWELS = "aeiou"
_HYPHEN_PREFIXES = ("ber", "di", "ke", "se", "ter", "me", "pe", "nge", "ng", "men", "mem", "peng")


def _suffix_splits(word: str) -> list[tuple[str, int, bool]]:
    """``(stem, suffixes stripped, ends in -an)`` for ``word`` and every form left by
    stripping a particle, a possessive and a derivational suffix (in that order from
    the end)."""
    out = [(word, 0, False)]
    stage = [(word, 0, False)]
    for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
        nxt: list[tuple[str, int, bool]] = []
        for w, n, _an in stage:
            for suf in group:
                if w.endswith(suf) and len(w) - len(suf) >= MIN_ROOT:
                    nxt.append((w[: -len(suf)], n + 1, suf == "an"))
        out.extend(nxt)
        stage = stage + nxt
    return out


_CONFIX_PREFIXES = frozenset({"pe", "per", "ke", "ber"})
"""Prefixes that form a confix with -an (pe(N)-an, per-an, ke-an, ber-an): the pair
counts as one affix (``pengawasan`` is peN-an + ``awas``)."""


def _prefix_strips(word: str) -> list[tuple[str, int, str]]:
    """``(root, cost, prefix)`` for every root one prefix could have been added to.

    A reading costs one where the prefix's sound rules allow two roots (``memesan``:
    ``pesan`` or ``mesan``; ``mengetik``: ``ketik`` or ``etik``) or the prefix is
    colloquial; a tie is then settled by how productive each root is.
    """
    readings = _plain_prefix_strips(word)
    me = word[:2]
    if me in ("me", "pe"):
        for root, cost in _nasal_roots(word[2:]):
            readings.append((root, cost, me))
    if word[:1] in ("n", "m"):  # the colloquial prefixes all start so
        readings.extend(_colloquial_strips(word))
    return [r for r in readings if len(r[0]) >= MIN_ROOT]


def _plain_prefix_strips(word: str) -> list[tuple[str, int, str]]:
    """Readings with a prefix that does not change the root's first sound: di-, ke-,
    se-, ku-, ter-, ber-, per- (and be-, te-, pe-, bel-, pel-)."""
    out: list[tuple[str, int, str]] = []
    for pre in ("di", "ke", "se", "ku"):
        if word.startswith(pre):
            out.append((word[2:], 0, pre))
    for pre in ("ter", "ber", "per"):
        if word.startswith(pre):
            out.append((word[3:], 0, pre))
            if word[3:4] in _VOWELS:  # ber+renang -> berenang, ter+rasa -> terasa
                out.append(("r" + word[3:], 1, pre))
    if word.startswith(("be", "te", "pe")) and not word.startswith(("ber", "ter", "per")):
        out.append((word[2:], 0, word[:2]))  # bekerja, pedagang, petani
    for pre in ("bel", "pel"):
        if word.startswith(pre) and word[3:4] in _VOWELS:
            out.append((word[3:], 0, pre[0] + "e"))  # belajar, pelajaran
    return out


def _nasal_roots(rest: str) -> list[tuple[str, int]]:
    """``(root, cost)`` for what follows me-/pe- by the nasal's sound rules:
    meng+vowel/g/h/k (k dropped before a vowel), meny+vowel (s dropped),
    mem+b/f/v/p (p dropped before a vowel), men+d/c/j/z/s/t (t dropped before a
    vowel), me+l/m/n/ny/ng/r/w/y."""
    second = rest[2:3] if rest.startswith(("ng", "ny")) else rest[1:2]
    if rest.startswith("ng"):
        return _ng_roots(rest[2:], second, rest)
    # (nasal, the root's first sound it replaced, the sounds it stays before)
    for nasal, dropped, kept in (("ny", "s", ""), ("m", "p", "bfvp"), ("n", "t", "dcjzst")):
        if rest.startswith(nasal):
            if second in _VOWELS:
                # menyanyi -> nyanyi, menyapu -> sapu; memulai -> mulai, memakai ->
                # pakai; menilai -> nilai, menulis -> tulis
                return [(rest, 1), (dropped + rest[len(nasal) :], 1)]
            if second and second in kept:
                return [(rest[1:], 0)]  # membaca -> baca, mendengar -> dengar
            return [(rest, 0)]
    return [(rest, 0)]  # melayani -> layan(i), merasa -> rasa


def _ng_roots(r: str, second: str, rest: str) -> list[tuple[str, int]]:
    """``(root, cost)`` after meng-/peng-: ``r`` is what follows the ``ng``."""
    if second in _VOWELS:
        out = [(r, 1), ("k" + r, 1)]  # mengambil -> ambil, mengirim -> kirim
        if r.startswith("e") and sum(ch in _VOWELS for ch in r[1:]) == 1:
            out.append((r[1:], 1))  # mengecek -> cek (a one-syllable root)
        return out
    if second in "ghk":
        return [(r, 0)]  # menggunakan -> guna, menghitung -> hitung
    return [(rest, 0)]


def _colloquial_strips(word: str) -> list[tuple[str, int, str]]:
    """Readings with a colloquial nasal prefix: ngecek, ngantri, ngirim, nyari,
    nunggu, mikir."""
    out: list[tuple[str, int, str]] = []
    if word.startswith("nge") and word[3:4] and word[3:4] not in _VOWELS:
        out.append((word[3:], 1, "nge"))  # ngecek, ngeprint, ngebantuin
    if word.startswith("ng") and word[2:3] in _VOWELS:
        out.append((word[2:], 1, "nge"))  # ngajarin, ngurus
        out.append(("k" + word[2:], 1, "nge"))  # ngirim, ngasih, ngabarin
        out.append(("h" + word[2:], 1, "nge"))  # ngitung, ngilang
    elif word.startswith("ny") and word[2:3] in _VOWELS:
        out.append(("c" + word[2:], 1, "nge"))  # nyari, nyatet
        out.append(("s" + word[2:], 1, "nge"))  # nyapu, nyuruh
    elif word.startswith("n") and word[1:2] in _VOWELS:
        out.append(("t" + word[1:], 1, "nge"))  # nunggu, nulis
    elif word.startswith("m") and word[1:2] in _VOWELS:
        out.append(("p" + word[1:], 1, "nge"))  # makai, mikir
    return out


def indonesian_analyses(word: str, max_prefixes: int = 3) -> list[tuple[str, int, int]]:
    """``(root, affixes stripped, cost)`` for every way to read ``word`` as affixes
    around a root (``word`` itself first), fewest affixes first; a confix (pe-an,
    per-an, ke-an, ber-an) counts as one affix."""
    seen: dict[str, tuple[int, int]] = {}

    def note(stem: str, affixes: int, cost: int) -> None:
        have = seen.get(stem)
        if have is None or (affixes, cost) < have:
            seen[stem] = (affixes, cost)

    for stem, n, ends_an in _suffix_splits(word):
        note(stem, n, 0)
        frontier = [(stem, n, 0)]
        for depth in range(max_prefixes):
            nxt = []
            for w, a, c in frontier:
                for root, cost, prefix in _prefix_strips(w):
                    confix = depth == 0 and ends_an and prefix in _CONFIX_PREFIXES
                    affixes = a if confix else a + 1
                    note(root, affixes, c + cost)
                    nxt.append((root, affixes, c + cost))
            frontier = nxt
    ranked = sorted(seen.items(), key=lambda kv: kv[1])
    return [(stem, a, c) for stem, (a, c) in ranked]


def _colloquial_roots(stem: str) -> list[str]:
    """Standard roots a colloquial stem may stand for: ``bener`` -> ``benar`` (e for a
    in the last syllable), ``sampe`` -> ``sampai``, ``liat`` -> ``lihat``."""
    out = []
    m = re.fullmatch(r"(.*[^aeiou]?)e([^aeiou]+)", stem)
    if m:
        out.append(f"{m.group(1)}a{m.group(2)}")
    if stem.endswith("e"):
        out.append(stem[:-1] + "ai")
    for i in range(1, len(stem) - 1):
        if stem[i] in _VOWELS and stem[i + 1] in _VOWELS and stem[i] != stem[i + 1]:
            out.append(stem[: i + 1] + "h" + stem[i + 1 :])
    return out


LEMMA_LANGS = frozenset(
    {
        "ca", "cs", "da", "de", "en", "es", "fr", "grc", "hr", "hu", "id", "it", "lb",
        "lt", "mk", "nb", "nl", "pt", "ro", "ru", "sr", "sv", "tl", "tr", "ur",
    }
)  # fmt: skip
"""Languages with lemmas: Indonesian (affix rules and the KBBI roots) and those
whose lookup table spacy-lookups-data ships as one ``<lang>_lemma_lookup`` file."""

EN_OVERRIDES = {
    "does": "do",
    "worse": "bad",
    "worst": "bad",
    "data": "data",
    "media": "media",
}
"""English forms the lookup table gets wrong (``does`` -> *doe*, ``worse`` ->
*wrong*)."""


def has_lemmas(lang: str | None) -> bool:
    """Whether words of ``lang`` get lemmas (otherwise each word is its own lemma)."""
    return (lang or "") in LEMMA_LANGS


class _Forms(dict[str, str]):
    """Lemmas by form: a form not seen yet is computed (and kept, up to
    :data:`MAX_FORMS` forms)."""

    def __init__(self, compute: Callable[[str], str]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, form: str) -> str:
        hit = self._compute(form)
        if len(self) < MAX_FORMS:
            self[form] = hit
        return hit


MAX_FORMS = 500_000
"""Forms one lemmatizer remembers (a 50 MB transcript has about 150,000)."""


class Lemmatizer:
    """Lowercased word form -> lemma, cached per form.

    Args:
        lang: a language code; ``id`` uses the affix rules, a language with a lookup
            table uses it, any other keeps words as they are.
        extra_roots: words that count as roots beside the dictionary, so that a rule
            keyword such as ``antri`` is reached from ``antriannya``.
    """

    def __init__(self, lang: str | None, extra_roots: Iterable[str] = ()) -> None:
        self.lang = lang or "en"
        self._table: dict[str, str] | None = (
            _raw_table(self.lang) if self.lang in LEMMA_LANGS else None
        )
        self._cache = _Forms(self._computed)
        if self.lang == "id":
            self._roots = set(_id_roots())
            self._productive = _productivity("id")
        else:
            self._roots = set()
            self._productive = Counter()
        self.add_roots(extra_roots)

    def add_roots(self, words: Iterable[str]) -> None:
        """Count the lemmas of ``words`` as roots too (clears the cache).

        A word is lemmatized first, so that an inflected keyword (``dioper``) adds
        its root (``oper``), not itself; shorter words go first, so that of
        ``toilet`` and ``toiletnya`` only ``toilet`` becomes a root.
        """
        for word in sorted({w.lower() for w in words}, key=lambda w: (len(w), w)):
            lemma = self._lemma(word)
            if " " not in lemma:
                self._roots.add(lemma)
        self._cache.clear()

    def __call__(self, form: str) -> str:
        """The lemma of a lowercased form (two words for a compound: ``kerja sama``)."""
        return self._cache[form]

    @property
    def lookup(self) -> Callable[[str], str]:
        """:meth:`__call__` as the cache's own ``__getitem__``: a form seen before costs
        one dictionary look-up in C (for ``map`` over a sentence's words)."""
        return self._cache.__getitem__

    def _computed(self, form: str) -> str:
        """The lemma of ``form``, not yet in the cache."""
        hit = self._lemma(form)
        if hit != form and self.lang != "id" and " " not in hit:
            # the tables are not closed under lookup (warnings -> warning -> warn)
            hit = self._lemma(hit)
        return hit

    def _lemma(self, form: str) -> str:
        if self.lang == "id":
            return self._indonesian(form)
        if self.lang == "en":
            over = EN_OVERRIDES.get(form)
            if over is not None:
                return over
            for tail in ("'s", "’s"):
                if form.endswith(tail) and len(form) > len(tail):
                    form = form[: -len(tail)]
        if self._table is None:
            return form
        return str(self._table.get(form, form))

    # ------------------------------------------------------------------ Indonesian

    def _indonesian(self, form: str) -> str:
        over = ID_OVERRIDES.get(form)
        if over is not None:
            return over
        if "-" in form:
            return self._reduplicated(form)
        found = self._root_of(form)
        if found is not None:
            return found
        analyses = indonesian_analyses(form)
        table = self._table.get(form) if self._table is not None else None
        best: tuple[tuple[int, int, int, int], str] | None = None
        for stem, affixes, cost in analyses[1:]:
            root = self._root_of(stem)
            extra = 0
            if root is None:
                for variant in _colloquial_roots(stem):
                    if variant in self._roots:
                        root, extra = variant, 1
                        break
            if root is None:
                continue
            key = (
                affixes,
                cost + extra,
                0 if root == table else 1,
                -self._productive.get(root, 0),
            )
            if best is None or key < best[0]:
                best = (key, root)
        if best is not None:
            return best[1]
        if table is not None and table in {stem for stem, _, _ in analyses}:
            return str(table)
        for clitic in _CLITICS:
            if form.endswith(clitic) and len(form) - len(clitic) >= MIN_ROOT:
                return form[: -len(clitic)]
        return form

    def _root_of(self, stem: str) -> str | None:
        """The standard root ``stem`` is, if it is one (variants and compounds mapped)."""
        variant = ID_VARIANTS.get(stem)
        if variant is not None:
            return variant
        compound = ID_COMPOUNDS.get(stem)
        if compound is not None:
            return compound
        if stem in self._roots:
            return stem
        return None

    def _reduplicated(self, form: str) -> str:
        parts = form.split("-")
        if len(parts) == 2 and parts[1] in _CLITICS:
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
        """The lemmas of the words of ``text`` (a compound gives both its words)."""
        out: list[str] = []
        for w in WORD_RE.findall(text.lower()):
            out.extend(self(w).split(" "))
        return out


_TABLES: dict[str, dict[str, str] | None] = {}
_PRODUCTIVE: dict[str, Counter[str]] = {}
_ID_ROOTS: list[frozenset[str]] = []


def _raw_table(lang: str) -> dict[str, str] | None:
    """The lookup table of ``lang`` as a plain ``dict`` (form -> lemma), or ``None``.

    Read straight from spacy-lookups-data's compressed JSON, which is the data
    spaCy's own lookup lemmatizer uses: importing spaCy costs seconds, and a
    ``dict`` looks a word up faster than spaCy's hashed ``Table``.
    """
    if lang in _TABLES:
        return _TABLES[lang]
    table: dict[str, str] | None
    try:
        import gzip
        import json
        from importlib.resources import files

        data = files("spacy_lookups_data").joinpath("data", f"{lang}_lemma_lookup.json.gz")
        raw = json.loads(gzip.decompress(data.read_bytes()))
        # some tables (French) give a list of lemmas: the first is the usual one
        table = {
            str(k): str(v[0]) if isinstance(v, list) and v else str(v)
            for k, v in raw.items()
            if not isinstance(v, list) or v
        }
    except (OSError, ValueError, ModuleNotFoundError):
        table = None
    _TABLES[lang] = table
    return table


def _productivity(lang: str) -> Counter[str]:
    """How many forms of the lookup table lead to each lemma (a root's productivity)."""
    counts = _PRODUCTIVE.get(lang)
    if counts is None:
        table = _raw_table(lang) or {}
        counts = _PRODUCTIVE[lang] = Counter(str(v) for v in table.values())
    return counts


def _id_roots() -> frozenset[str]:
    """The KBBI root words PySastrawi ships, and the extra roots above."""
    if not _ID_ROOTS:
        from importlib.resources import files

        try:
            raw = files("Sastrawi").joinpath("Stemmer", "data", "kata-dasar.txt").read_text("utf-8")
            roots = {w.strip().lower() for w in raw.splitlines() if w.strip()}
        except (OSError, ModuleNotFoundError):  # pragma: no cover - a broken install
            table = _raw_table("id") or {}
            roots = {str(v) for v in table.values()}
        _ID_ROOTS.append(frozenset(roots | ID_EXTRA_ROOTS))
    return _ID_ROOTS[0]


_STOP: dict[str, frozenset[str]] = {}


def spacy_stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list for ``lang``, without importing spaCy (seconds).

    The list lives in ``spacy/lang/<lang>/stop_words.py``, a module with no
    imports; it is executed on its own. A language spaCy has no list for has no
    stop words.
    """
    words = _STOP.get(lang)
    if words is None:
        import importlib.util
        from pathlib import Path

        words = frozenset()
        spec = importlib.util.find_spec("spacy")
        if spec is not None and spec.submodule_search_locations and lang.isalpha():
            path = (
                Path(next(iter(spec.submodule_search_locations))) / "lang" / lang / "stop_words.py"
            )
            if path.is_file():
                namespace: dict[str, Any] = {}
                exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
                words = frozenset(namespace.get("STOP_WORDS", ()))
        _STOP[lang] = words
    return words
