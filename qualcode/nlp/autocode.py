"""Matching a codebook's rules against documents: sentences and turns -> suggestions.

How a code's ``rules`` match a unit of text (a sentence, or a speaker turn when the
rules say ``scope: turn``):

- ``keywords``: a word whose lemma equals the keyword's lemma (``match: lemma``, the
  default: ``menunggu``, ``ditunggu``, ``nungguin`` all reach ``tunggu``), or whose
  lowercased form equals the keyword (``match: exact``);
- ``phrases``: consecutive words, each compared like a keyword;
- ``regex``: a regular expression searched in the unit's text, case-insensitive;
- ``patterns``: spaCy Matcher token patterns over the unit (``LEMMA`` is the lemma
  used here);
- ``negative``: a word or phrase that vetoes the code anywhere in the same unit;
- ``speaker``: ``participant`` skips interviewer turns (a unit without a speaker
  label counts as a participant's), ``interviewer`` keeps only those;
- ``min_score``: how many different entries must match (default 1).

Speed: the units are not run through spaCy. Words come from one regular expression
over the unit's text and their lemmas from the lookup table (cached per distinct
word form), so matching costs a few dictionary look-ups per word. Only token
patterns need spaCy's tokenizer, and only on units that contain one of the
pattern's required words (a pattern with no literal word runs on every unit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from qualcode.core.autocode import Suggestion
from qualcode.core.codebook import TRAINED_ATTRS, Code, Codebook, Rules
from qualcode.core.model import Document, Sentence
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.nlp.morph import WORD_RE, Lemmatizer
from qualcode.nlp.pipeline import SUPPORTED

PATTERN_OVERLAP = 10_000
"""Characters two windows share when token patterns run over a unit longer than
spaCy's ``max_length``."""


@dataclass(frozen=True, slots=True)
class _Hit:
    """What a word form triggers: single-word entries (code, label), vetoes,
    codes whose token patterns must run, phrases to check in place, and the
    required-word sets of regexes it satisfies."""

    singles: tuple[tuple[int, str], ...]
    vetoes: frozenset[int]
    patterns: frozenset[int]
    phrases: tuple[_Entry, ...]
    reqs: frozenset[int]
    primaries: tuple[int, ...]  # reqs that are the first set of a sentence-scope regex


@dataclass(frozen=True, slots=True)
class _Entry:
    """A keyword, phrase or pattern trigger of one code."""

    code: int
    label: str
    keys: tuple[str, ...]
    exact: bool
    negative: bool = False
    pattern: int | None = None  # a trigger for token pattern N of the code
    offset: int = 0  # the phrase is indexed under keys[offset] (its longest word)


@dataclass(frozen=True)
class _Regex:
    """A compiled ``regex`` entry of one code."""

    id: int
    code: int
    label: str
    pattern: re.Pattern[str]
    keys: tuple[frozenset[Key], ...]  # a unit must hold a word of each set (none: always run)
    reqs: tuple[int, ...] = ()  # the ids of those sets


@dataclass
class _CodeRules:
    index: int
    id: str
    scope: str
    speaker: str
    min_score: int
    regex: list[_Regex] = field(default_factory=list)
    patterns: int = 0
    # patterns with no required literal word: every unit must be tokenized
    unfiltered_patterns: list[int] = field(default_factory=list)


def _role_passes(speaker: str, role: str | None | tuple[str | None, ...]) -> bool:
    """Whether a rule for ``speaker`` applies to a turn of ``role`` (a joint turn's
    roles: the rule applies when any of its speakers has the role)."""
    if speaker == "any":
        return True
    roles = role if isinstance(role, tuple) else (role,)
    if speaker == "interviewer":
        return any(r == "interviewer" for r in roles)
    return any(r != "interviewer" for r in roles)


def _vocabulary(selected: list[Code], lang: str) -> set[str]:
    """Every word of the codes' keywords, phrases and negative words (for the
    lemmatizer to prepare)."""
    vocabulary: set[str] = set()
    for code in selected:
        rules = code.rules
        assert rules is not None
        for name in ("keywords", "phrases", "negative"):
            for item in rules.for_language(name, lang):
                vocabulary.update(WORD_RE.findall(str(item).lower()))
    return vocabulary


class RuleMatcher:
    """The compiled rules of a codebook for one language.

    Args:
        codebook: the codes and their rules.
        lang: ``id`` or ``en``; the rules' ``*`` lists and this language's lists apply.
        codes: only these code ids (``None``: every code with rules).

    Raises:
        InputError: a token pattern spaCy refuses, or one that needs a trained
            pipeline when none is installed.
    """

    def __init__(self, codebook: Codebook, lang: str, codes: Collection[str] | None = None) -> None:
        self.lang = lang if lang in SUPPORTED else "en"
        self.codes: list[_CodeRules] = []
        self._regex_count = 0
        entries: list[_Entry] = []
        raw_patterns: dict[int, list[Any]] = {}
        selected = [
            c
            for c in codebook
            if c.rules is not None and not c.rules.is_empty() and (codes is None or c.id in codes)
        ]
        self.lemma = Lemmatizer(self.lang, _vocabulary(selected, lang))
        for code in selected:
            self._compile(code, entries, raw_patterns)
        ids = {c.id for c in self.codes}
        self._ancestors: dict[str, tuple[str, ...]] = {
            c.id: tuple(a for a in codebook.path(c.id)[:-1] if a in ids) for c in self.codes
        }
        self._ancestors = {k: v for k, v in self._ancestors.items() if v}
        self._entries_by_form: dict[str, list[_Entry]] = {}
        self._entries_by_lemma: dict[str, list[_Entry]] = {}
        for e in entries:
            target = self._entries_by_form if e.exact else self._entries_by_lemma
            target.setdefault(e.keys[e.offset], []).append(e)
        # per distinct word form: the entries and regexes it triggers (cached)
        self._hits: dict[str, _Hit] = {}
        self._seen: set[str] = set()
        self._triggers: set[str] = set()
        self._index_regexes()
        self._matcher: Any = None
        self._nlp: Any = None
        self._pattern_lemmas = False
        if raw_patterns:
            self._build_matcher(codebook, raw_patterns)

    def _index_regexes(self) -> None:
        """Give each required word set of each regex an id and index it by word: a
        regex is tried on a unit only when the unit holds a word of every one of
        its sets."""
        self._regexes: list[_Regex] = []
        self._req_owner: list[int] = []
        self._rx_index: dict[tuple[bool, bool], dict[str, list[int]]] = {
            (a, b): {} for a in (True, False) for b in (True, False)
        }
        for c in self.codes:
            for i, rx in enumerate(c.regex):
                reqs = []
                # a unit must hold a word of every set: more sets, fewer searches
                useful = list(rx.keys[:3])
                for keys in useful:
                    req = len(self._req_owner)
                    self._req_owner.append(rx.id)
                    reqs.append(req)
                    for word, at_start, at_end in keys:
                        self._rx_index[(at_start, at_end)].setdefault(word, []).append(req)
                rx = replace(rx, reqs=tuple(reqs))
                c.regex[i] = rx
                self._regexes.append(rx)
        # for the first set of each regex: (regex, its scope is "sentence", other sets)
        self._primary: dict[int, tuple[int, bool, tuple[int, ...]]] = {
            rx.reqs[0]: (rx.id, self.codes[rx.code].scope == "sentence", rx.reqs[1:])
            for rx in self._regexes
            if rx.reqs
        }
        self._turn_reqs = {
            q for rx in self._regexes if self.codes[rx.code].scope == "turn" for q in rx.reqs
        }
        self._always = {
            scope: tuple(
                rx.id for rx in self._regexes if not rx.keys and self.codes[rx.code].scope == scope
            )
            for scope in ("sentence", "turn")
        }
        self._rx_lengths = {
            kind: sorted({len(w) for w in index}) for kind, index in self._rx_index.items()
        }

    # ------------------------------------------------------------------ compile

    def _compile(
        self, code: Code, entries: list[_Entry], raw_patterns: dict[int, list[Any]]
    ) -> None:
        rules: Rules | None = code.rules
        assert rules is not None
        index = len(self.codes)
        cr = _CodeRules(
            index,
            code.id,
            rules.scope,
            rules.speaker,
            max(1, int(rules.min_score)) if rules.min_score is not None else 1,
        )
        exact = rules.match == "exact"
        for name in ("keywords", "phrases", "negative"):
            for item in rules.for_language(name, self.lang):
                words = WORD_RE.findall(str(item).lower())
                if not words:
                    continue
                keys = tuple(words) if exact else tuple(self.lemma(w) for w in words)
                # index a phrase under its longest word: "yang ganti" is looked at
                # only where "ganti" occurs, not at every "yang"
                common = _common_words()
                offset = max(
                    range(len(keys)),
                    key=lambda k: (words[k] not in common, len(keys[k]), -k),
                )
                entries.append(
                    _Entry(
                        index, str(item), keys, exact, negative=name == "negative", offset=offset
                    )
                )
        for item in rules.for_language("regex", self.lang):
            cr.regex.append(
                _Regex(
                    self._regex_count,
                    index,
                    f"/{item}/",
                    re.compile(str(item), re.IGNORECASE),
                    required_sets(str(item)),
                )
            )
            self._regex_count += 1
        patterns = rules.for_language("patterns", self.lang)
        for n, pattern in enumerate(patterns):
            plain = _plain(pattern)
            raw_patterns.setdefault(index, []).append(plain)
            trigger = self._trigger(plain)
            if trigger is None:
                cr.unfiltered_patterns.append(n)
            else:
                is_exact, words = trigger
                for w in words:
                    key = w if is_exact else self.lemma(w)
                    entries.append(_Entry(index, f"pattern {n + 1}", (key,), is_exact, pattern=n))
        cr.patterns = len(patterns)
        self.codes.append(cr)

    def _trigger(self, pattern: list[dict[str, Any]]) -> tuple[bool, list[str]] | None:
        """The words one of which a unit must contain for ``pattern`` to match: the
        smallest literal set of a required token (``None`` when there is none)."""
        best: tuple[bool, list[str]] | None = None
        for token in pattern:
            spec = {str(k).upper(): v for k, v in token.items()}
            op = spec.get("OP")
            if op in ("?", "*", "!") or (isinstance(op, str) and re.match(r"^\{0?,", op)):
                continue
            for attr in ("LOWER", "ORTH", "TEXT", "NORM", "LEMMA"):
                if attr not in spec:
                    continue
                value = spec[attr]
                listed = value.get("IN", value.get("in")) if isinstance(value, dict) else None
                if isinstance(value, str):
                    words = [value.lower()]
                elif isinstance(listed, list):
                    words = [str(v).lower() for v in listed]
                else:
                    continue
                # a literal with spaces or punctuation is not one word of WORD_RE
                if not all(WORD_RE.fullmatch(w) for w in words):
                    continue
                candidate = (attr != "LEMMA", words)
                if best is None or len(words) < len(best[1]):
                    best = candidate
        return best

    def _build_matcher(self, codebook: Codebook, raw: dict[int, list[Any]]) -> None:
        from spacy.errors import MatchPatternError
        from spacy.matcher import Matcher

        from qualcode.nlp.pipeline import get_pipeline

        attrs = {
            str(k).upper() for patterns in raw.values() for p in patterns for t in p for k in t
        }
        trained = sorted(attrs & set(TRAINED_ATTRS))
        nlp = get_pipeline(self.lang)
        if trained:
            nlp = _trained_pipeline(self.lang)
            if nlp is None:
                code = next(
                    self.codes[i].id
                    for i, ps in raw.items()
                    if any(str(k).upper() in trained for p in ps for t in p for k in t)
                )
                raise InputError(
                    _(
                        "the token patterns of {code!r} use {trained}, which needs a trained spaCy pipeline for {self.lang!r}; none is installed"
                    ).format(code=code, trained=", ".join(trained), self=self),
                    hint=_(
                        "use LOWER, LEMMA, ORTH or the IS_/LIKE_ flags, or install a trained pipeline package (it is never downloaded)"
                    ),
                )
        self._pattern_lemmas = "LEMMA" in attrs
        matcher = Matcher(nlp.vocab, validate=True)
        for index, patterns in raw.items():
            for n, pattern in enumerate(patterns):
                try:
                    matcher.add(f"{index}:{n}", [pattern])
                except (MatchPatternError, ValueError) as exc:
                    detail = " ".join(str(exc).split())
                    raise InputError(
                        _("token pattern {n} of {id!r} is not valid: {detail}").format(
                            n=n + 1, id=self.codes[index].id, detail=detail
                        ),
                        hint=_("see spaCy's Matcher documentation for the pattern format"),
                    ) from None
        self._matcher = matcher
        self._nlp = nlp

    # ------------------------------------------------------------------ matching

    @property
    def empty(self) -> bool:
        """True when no code has rules for this language."""
        return not self.codes

    def _compute(self, form: str) -> _Hit | None:
        """What one word form triggers (cached per distinct form)."""
        entries = list(self._entries_by_form.get(form, ()))
        entries += self._entries_by_lemma.get(self.lemma(form), ())
        reqs = self._regex_reqs(form)
        self._seen.add(form)
        if not entries and not reqs:
            return None
        singles = tuple(
            (e.code, e.label)
            for e in entries
            if len(e.keys) == 1 and e.pattern is None and not e.negative
        )
        vetoes = frozenset(e.code for e in entries if len(e.keys) == 1 and e.negative)
        patterns = frozenset(e.code for e in entries if e.pattern is not None)
        phrases = tuple(e for e in entries if len(e.keys) > 1)
        primaries = tuple(r for r in set(reqs) if r in self._primary and self._primary[r][1])
        hit = _Hit(singles, vetoes, patterns, phrases, frozenset(reqs), primaries)
        self._hits[form] = hit
        self._triggers.add(form)
        return hit

    def _regex_reqs(self, form: str) -> list[int]:
        """The required word sets (of regexes) a word form satisfies: by the whole
        word, a start or an end of it or of its hyphen/apostrophe pieces, or any
        part of it."""
        reqs: list[int] = []
        pieces = [form]
        if "-" in form or "'" in form or "’" in form:
            pieces.extend(_PIECES.split(form))
        index = self._rx_index
        for piece in pieces:
            reqs.extend(index[(True, True)].get(piece, ()))
            size = len(piece)
            for k in self._rx_lengths[(True, False)]:
                if k <= size:
                    reqs.extend(index[(True, False)].get(piece[:k], ()))
            for k in self._rx_lengths[(False, True)]:
                if k <= size:
                    reqs.extend(index[(False, True)].get(piece[-k:], ()))
        size = len(form)
        for k in self._rx_lengths[(False, False)]:
            for i in range(size - k + 1):
                reqs.extend(index[(False, False)].get(form[i : i + k], ()))
        return reqs

    def _scan(
        self, words: list[str]
    ) -> tuple[dict[int, set[str]], set[int], set[int], set[int], list[int]]:
        """Keyword, phrase and pattern-trigger hits of one unit.

        Returns:
            labels matched per code, codes vetoed, codes whose patterns must run,
            the required-word sets (of regexes) the unit holds, and those of them
            that are the first set of a sentence-scope regex.
        """
        found: dict[int, set[str]] = {}
        vetoed: set[int] = set()
        patterns: set[int] = set()
        reqs: set[int] = set()
        primaries: list[int] = []
        if not self._seen.issuperset(words):
            for form in set(words).difference(self._seen):
                self._compute(form)
        triggered = self._triggers.intersection(words)
        if not triggered:
            return found, vetoed, patterns, reqs, primaries
        cache = self._hits
        for form in triggered:
            hit = cache[form]
            for code, label in hit.singles:
                labels = found.get(code)
                if labels is None:
                    found[code] = {label}
                else:
                    labels.add(label)
            if hit.vetoes:
                vetoed.update(hit.vetoes)
            if hit.patterns:
                patterns.update(hit.patterns)
            if hit.reqs:
                reqs.update(hit.reqs)
                if hit.primaries:
                    primaries.extend(hit.primaries)
            if hit.phrases:
                n = len(words)
                at = [i for i, w in enumerate(words) if w == form]
                for e in hit.phrases:
                    for i in at:
                        first = i - e.offset
                        if first < 0 or first + len(e.keys) > n:
                            continue
                        if not self._rest_matches(e, words, first):
                            continue
                        if e.negative:
                            vetoed.add(e.code)
                        else:
                            found.setdefault(e.code, set()).add(e.label)
                        break
        return found, vetoed, patterns, reqs, primaries

    def _rest_matches(self, e: _Entry, words: Sequence[str], first: int) -> bool:
        for j, key in enumerate(e.keys):
            if j == e.offset:
                continue
            w = words[first + j]
            if w != key and (e.exact or self.lemma(w) != key):
                return False
        return True

    def _run_patterns(self, text: str, codes: Iterable[int]) -> dict[int, set[str]]:
        limit = int(self._nlp.max_length)
        if len(text) > limit:
            # a unit over spaCy's max_length (E088): overlapping windows, cut at white
            # space; a token pattern spans a few words, far less than the overlap
            merged: dict[int, set[str]] = {}
            overlap = PATTERN_OVERLAP
            codes = list(codes)
            pos = 0
            while pos < len(text):
                end = min(len(text), pos + limit)
                if end < len(text):
                    cut = text.rfind(" ", pos + overlap + 1, end)
                    end = cut if cut > pos else end
                for code, labels in self._run_patterns(text[pos:end], codes).items():
                    merged.setdefault(code, set()).update(labels)
                if end >= len(text):
                    break
                back = text.rfind(" ", pos + 1, end - overlap)
                pos = back if back > pos else end
            return merged
        wanted = set(codes)
        doc = self._nlp.make_doc(text)
        if self._pattern_lemmas:
            for tok in doc:
                tok.lemma_ = self.lemma(tok.lower_)
        out: dict[int, set[str]] = {}
        for match_id, _start, _end in self._matcher(doc):
            index, _, n = self._nlp.vocab.strings[match_id].partition(":")
            code = int(index)
            if code in wanted:
                out.setdefault(code, set()).add(f"pattern {int(n) + 1}")
        return out

    def match_text(self, text: str, role: str | None = None) -> dict[str, tuple[str, ...]]:
        """What each code's rules find in one piece of text taken as one unit.

        Returns:
            code id -> evidence, for the codes that would be suggested.
        """
        found, vetoed, _ = self._unit(text, "sentence", whole=True)
        return {
            self.codes[c].id: tuple(sorted(v))
            for c, v in found.items()
            if self._keeps(c, v, vetoed, role)
        }

    def _keeps(
        self,
        c: int,
        labels: set[str],
        vetoed: set[int],
        role: str | None | tuple[str | None, ...],
    ) -> bool:
        cr = self.codes[c]
        return c not in vetoed and len(labels) >= cr.min_score and _role_passes(cr.speaker, role)

    def _sentence_words(self, text: str, sentences: Sequence[Sentence]) -> list[list[str]]:
        """The lowercased words of every sentence, found with one regular-expression
        pass over the document (sentences joined by a separator word), and every
        new word form looked up once for the whole document."""
        low = text.lower()
        findall = WORD_RE.findall
        if len(low) != len(text) or _SEPARATOR in low:
            # lowercasing changed a length, or the separator occurs: one by one
            out = [findall(text[s.start : s.end].lower()) for s in sentences]
            every: list[str] = [w for ws in out for w in ws]
        else:
            joined = f" {_SEPARATOR} ".join(low[s.start : s.end] for s in sentences)
            every = findall(joined)
            out = []
            pos = 0
            index = every.index
            for _ in sentences:
                try:
                    nxt = index(_SEPARATOR, pos)
                except ValueError:
                    nxt = len(every)
                out.append(every[pos:nxt])
                pos = nxt + 1
        if not self._seen.issuperset(every):
            for form in set(every).difference(self._seen):
                if form != _SEPARATOR:
                    self._compute(form)
        return out

    def _candidates(self, firsts: Iterable[int], reqs: set[int], whole: bool) -> list[int]:
        """Regexes worth trying: their first required set is among ``firsts`` and
        every other one among ``reqs`` (sentence-scope ones only, unless ``whole``)."""
        out: list[int] = []
        primary = self._primary
        for req in set(firsts):
            info = primary.get(req)
            if info is None:
                continue
            rid, sentence_scope, others = info
            if not whole and not sentence_scope:
                continue
            if not others or all(q in reqs for q in others):
                out.append(rid)
        return out

    def _unit(
        self, text: str, scope: str, whole: bool = False, words: list[str] | None = None
    ) -> tuple[dict[int, set[str]], set[int], set[int]]:
        """Raw hits of one unit: labels per code (rules of ``scope``, or every
        scope when ``whole``), the codes a negative entry vetoes, and the regexes
        of turn-scope codes worth trying on the unit's turn."""
        if words is None:
            words = WORD_RE.findall(text.lower())
        found, vetoed, patterns, regexes, primaries = self._scan(words)
        if self._matcher is not None:
            patterns.update(c.index for c in self.codes if c.unfiltered_patterns)
            if patterns:
                for code, labels in self._run_patterns(text, patterns).items():
                    found.setdefault(code, set()).update(labels)
        if whole:
            candidates = self._candidates(regexes, regexes, True)
            candidates.extend(self._always["sentence"])
            candidates.extend(self._always["turn"])
            turn_reqs: set[int] = set()
        else:
            always = self._always[scope]
            if not regexes and not always:
                return found, vetoed, _NO_REQS
            candidates = self._candidates(primaries, regexes, False) if primaries else []
            candidates.extend(always)
            # required words of turn-scope regexes are gathered over the whole turn
            turn_reqs = regexes & self._turn_reqs if self._turn_reqs else _NO_REQS
        regex_list = self._regexes
        for rid in candidates:
            rx = regex_list[rid]
            have = found.get(rx.code)
            if have is None or rx.label not in have:
                if rx.pattern.search(text):
                    found.setdefault(rx.code, set()).add(rx.label)
        return found, vetoed, turn_reqs

    def match(self, doc: Document) -> list[Suggestion]:
        """Suggestions for one document, in text order (sentences before their turn)."""
        if not self.codes:
            return []
        text = doc.text
        roles: dict[int, str | None | tuple[str | None, ...]] = {
            t.number: t.roles if len(t.roles) > 1 else t.role for t in doc.turns
        }
        turn_codes = [c for c in self.codes if c.scope == "turn"]
        sentence_codes = {c.index for c in self.codes if c.scope == "sentence"}
        out: list[Suggestion] = []
        # per turn: labels found in its sentences for turn-scope codes, and vetoes
        turn_found: dict[int, dict[int, set[str]]] = {}
        turn_vetoed: dict[int, set[int]] = {}
        turn_regexes: dict[int, set[int]] = {}
        sentences = doc.sentences
        words_of = self._sentence_words(text, sentences)
        unit = self._unit
        name = doc.name
        has_turn_codes = bool(turn_codes)
        for s, words in zip(sentences, words_of, strict=True):
            found, vetoed, turn_rx = unit(text[s.start : s.end], "sentence", False, words)
            if not found and not vetoed:
                if turn_rx and has_turn_codes and s.turn is not None:
                    turn_regexes.setdefault(s.turn, set()).update(turn_rx)
                continue
            if turn_rx and s.turn is not None:
                turn_regexes.setdefault(s.turn, set()).update(turn_rx)
            self._sentence_hits(name, s, roles, found, vetoed, sentence_codes, turn_found, out)
            if has_turn_codes and s.turn is not None and vetoed:
                turn_vetoed.setdefault(s.turn, set()).update(vetoed)
        if turn_codes:
            out.extend(
                self._turn_suggestions(doc, turn_codes, turn_found, turn_vetoed, turn_regexes)
            )
        out.sort(key=lambda s: (s.start, -s.end, s.code))
        return self._most_specific(out)

    def _sentence_hits(
        self,
        name: str,
        s: Sentence,
        roles: dict[int, str | None | tuple[str | None, ...]],
        found: dict[int, set[str]],
        vetoed: set[int],
        sentence_codes: set[int],
        turn_found: dict[int, dict[int, set[str]]],
        out: list[Suggestion],
    ) -> None:
        """A sentence's hits: a suggestion per sentence-scope code that passes, the
        labels of turn-scope codes kept for the sentence's turn."""
        codes = self.codes
        role = roles.get(s.turn) if s.turn is not None else None
        for c, labels in found.items():
            if c in sentence_codes:
                cr = codes[c]
                if (
                    c not in vetoed
                    and len(labels) >= cr.min_score
                    and _role_passes(cr.speaker, role)
                ):
                    out.append(
                        Suggestion(
                            name, cr.id, s.start, s.end, "sentence", s.number, tuple(sorted(labels))
                        )
                    )
            elif s.turn is not None:
                turn_found.setdefault(s.turn, {}).setdefault(c, set()).update(labels)

    def _turn_suggestions(
        self,
        doc: Document,
        turn_codes: list[_CodeRules],
        turn_found: dict[int, dict[int, set[str]]],
        turn_vetoed: dict[int, set[int]],
        turn_regexes: dict[int, set[int]],
    ) -> list[Suggestion]:
        """Suggestions of turn-scope codes: the labels their sentences found, and
        their regexes tried on the whole turn when its words allow a match."""
        out: list[Suggestion] = []
        for t in doc.turns:
            hits = turn_found.get(t.number, {})
            candidates = self._turn_candidates(turn_regexes.get(t.number, set()))
            if candidates:
                chunk = doc.text[t.start : t.end]
                for rid in candidates:
                    rx = self._regexes[rid]
                    if rx.pattern.search(chunk):
                        hits.setdefault(rx.code, set()).add(rx.label)
            turn_veto = turn_vetoed.get(t.number, set())
            for cr in turn_codes:
                got = hits.get(cr.index)
                if (
                    not got
                    or cr.index in turn_veto
                    or len(got) < cr.min_score
                    or not _role_passes(cr.speaker, t.roles if len(t.roles) > 1 else t.role)
                    or t.end <= t.start
                ):
                    continue
                out.append(
                    Suggestion(
                        doc.name, cr.id, t.start, t.end, "turn", t.number, tuple(sorted(got))
                    )
                )
        return out

    def _turn_candidates(self, reqs: set[int]) -> list[int]:
        """Turn-scope regexes worth trying on a turn holding the required word sets
        ``reqs``, and those that always run."""
        candidates = []
        for r in reqs:
            info = self._primary.get(r)
            if info is not None and all(q in reqs for q in info[2]):
                candidates.append(info[0])
        candidates.extend(self._always["turn"])
        return candidates

    def _most_specific(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        """Drop a suggestion when a sub-code of its code is suggested for the same
        unit: the sub-code already says it (and rolls up to it), and the coder
        reviews one decision instead of two."""
        if not self._ancestors:
            return suggestions
        covered: set[tuple[int, int, str]] = set()
        for s in suggestions:
            for a in self._ancestors.get(s.code, ()):
                covered.add((s.start, s.end, a))
        if not covered:
            return suggestions
        return [s for s in suggestions if (s.start, s.end, s.code) not in covered]


_MIN_KEY = 2
_SEPARATOR = "0qcsep0"  # a word that joins sentences for one findall per document
_NO_REQS: set[int] = set()  # shared and never changed: units without regex candidates
_PIECES = re.compile("[-'’]")

Key = tuple[str, bool, bool]
"""A required word fragment: ``(text, at a word start, at a word end)``."""


def required_sets(pattern: str, limit: int = 4) -> tuple[frozenset[Key], ...]:
    """Sets of word fragments such that every match of ``pattern`` contains one
    fragment of each set, the most selective first.

    Worked out from the expression's tree (:mod:`qualcode.nlp.regex_tree`): literal runs, alternations of literals
    and repeats of at least one, each with whether a word boundary must surround
    it (``\\bsalah\\b`` needs the word ``salah``; ``\\bsyarat\\w*`` a word starting
    with ``syarat``). A unit whose words miss one set cannot match, so the
    expression is not even tried on it. Empty when nothing certain can be said
    (the expression is then tried on every unit). Fragments are lowercased.
    """
    from qualcode.nlp import regex_tree

    try:
        parsed = regex_tree.parse(pattern)
    except (re.error, regex_tree.Unsupported):
        return ()  # tried on every unit
    return tuple(_required(parsed, regex_tree, False, False)[:limit])


def _exact(seq: list[Any], sp: Any, limit: int = 64) -> set[str] | None:
    """The strings an all-literal sequence matches, or ``None``."""
    out = {""}
    for op, av in seq:
        if op is sp.LITERAL:
            out = {s + chr(av) for s in out}
        elif op is sp.SUBPATTERN:
            inner = _exact(list(av[-1]), sp, limit)
            if inner is None:
                return None
            out = {s + t for s in out for t in inner}
        elif op is sp.BRANCH:
            alts = [_exact(list(a), sp, limit) for a in av[1]]
            if any(a is None for a in alts):
                return None
            out = {s + t for s in out for a in alts if a for t in a}
        else:
            return None
        if len(out) > limit:
            return None
    return out


def _boundary(item: tuple[Any, Any] | None, sp: Any) -> bool:
    """Whether ``item`` (the element before or after a literal) guarantees a word
    boundary there: ``\\b``, the start or end of the text, or at least one
    non-word character."""
    if item is None:
        return False
    op, av = item
    if op is sp.AT:
        return av in (
            sp.AT_BOUNDARY,
            sp.AT_BEGINNING,
            sp.AT_BEGINNING_STRING,
            sp.AT_END,
            sp.AT_END_STRING,
        )
    if op is sp.LITERAL:
        return not re.match(r"\w", chr(av))
    if op in (sp.MAX_REPEAT, sp.MIN_REPEAT) and av[0] >= 1 and len(av[2]) == 1:
        return _boundary(av[2][0], sp)
    if op is sp.IN:
        return list(av) in (
            [(sp.CATEGORY, sp.CATEGORY_SPACE)],
            [(sp.CATEGORY, sp.CATEGORY_NOT_WORD)],
        )
    return False


def _keys(strings: set[str], before: bool, after: bool) -> frozenset[Key] | None:
    keys: set[Key] = set()
    for text in strings:
        runs = list(re.finditer(r"[^\W_]+", text.lower()))
        if not runs:
            return None
        if before and after and WORD_RE.fullmatch(text.lower()):
            keys.add((text.lower(), True, True))  # a whole word, hyphenated or not
            continue
        run = max(runs, key=lambda m: len(m.group()))
        if len(run.group()) < _MIN_KEY:
            return None
        starts = before if run.start() == 0 else True
        ends = after if run.end() == len(text) else True
        keys.add((run.group(), starts, ends))
    return frozenset(keys)


def _required(
    seq: list[Any], sp: Any, outer_before: bool, outer_after: bool
) -> list[frozenset[Key]]:
    """Every required set found in ``seq``, the most selective first.

    ``outer_before`` / ``outer_after``: whether a word boundary is certain just
    before / after ``seq`` (it is a group or an alternative inside a longer
    expression)."""
    candidates: list[frozenset[Key]] = []
    current = {""}
    began: tuple[Any, Any] | None = None  # the element before the literal run
    previous: tuple[Any, Any] | None = None

    def flush(following: tuple[Any, Any] | None, last: bool = False) -> None:
        nonlocal current
        if current != {""}:
            before = _boundary(began, sp) if began is not None else outer_before
            after = outer_after if last else _boundary(following, sp)
            keys = _keys(current, before, after)
            if keys:
                candidates.append(keys)
        current = {""}

    for n, (op, av) in enumerate(seq):
        exact = _exact([(op, av)], sp) if op in (sp.LITERAL, sp.SUBPATTERN, sp.BRANCH) else None
        if exact is not None and len(current) * len(exact) <= 64:
            if current == {""}:
                began = previous
            current = {s + t for s in current for t in exact}
            previous = (op, av)
            continue
        flush((op, av))
        before = _boundary(previous, sp) if previous is not None else outer_before
        after = _boundary(seq[n + 1], sp) if n + 1 < len(seq) else outer_after
        if op is sp.SUBPATTERN:
            candidates.extend(_required(list(av[-1]), sp, before, after))
        elif op is sp.BRANCH:
            parts = [_required(list(a), sp, before, after) for a in av[1]]
            if all(parts):
                candidates.append(frozenset().union(*(p[0] for p in parts)))
        elif op in (sp.MAX_REPEAT, sp.MIN_REPEAT) and av[0] >= 1:
            candidates.extend(_required(list(av[2]), sp, False, False))
        previous = (op, av)
    flush(None, last=True)
    common = _common_words()

    def cost(keys: frozenset[Key]) -> tuple[bool, float, int, int]:
        # prefer sets without a frequent word, then whole words, long, few
        frequent = any(k in common for k, _, _ in keys)
        loose = sum(not (a and b) for _, a, b in keys) / len(keys)
        return (frequent, loose, -min(len(k) for k, _, _ in keys), len(keys))

    return sorted(set(candidates), key=cost)


_COMMON: set[str] = set()


def _common_words() -> set[str]:
    """Frequent words (spaCy's stop words for id and en plus colloquial ones): a
    poor choice of required word, since nearly every unit holds one."""
    if not _COMMON:
        from qualcode.nlp.morph import spacy_stop_words
        from qualcode.nlp.textstats import COLLOQUIAL_STOP_WORDS

        _COMMON.update(spacy_stop_words("en"), spacy_stop_words("id"), COLLOQUIAL_STOP_WORDS)
    return _COMMON


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _trained_pipeline(lang: str) -> Any:
    """An installed trained pipeline for ``lang`` (never downloaded), or ``None``."""
    import spacy
    from spacy.util import get_installed_models, get_package_path

    for name in sorted(get_installed_models()):
        try:
            meta = spacy.util.get_model_meta(get_package_path(name))
        except Exception:  # noqa: BLE001 - a broken package is skipped
            continue
        if meta.get("lang") == lang:
            return spacy.load(name, exclude=["ner"] if lang != "en" else [])
    return None


class RuleSet:
    """The compiled rules of a codebook, one :class:`RuleMatcher` per language (lazily).

    Args:
        codebook: the codes and their rules.
        codes: only these code ids (``None``: every code with rules).
    """

    def __init__(self, codebook: Codebook, codes: Collection[str] | None = None) -> None:
        self.codebook = codebook
        self.codes = codes
        self._by_lang: dict[str, RuleMatcher] = {}

    def for_language(self, lang: str | None) -> RuleMatcher:
        """The matcher for ``lang`` (``en`` for an unknown language)."""
        key = lang if lang in SUPPORTED else "en"
        m = self._by_lang.get(key)
        if m is None:
            m = self._by_lang[key] = RuleMatcher(self.codebook, key, self.codes)
        return m

    def match(self, doc: Document) -> list[Suggestion]:
        """Suggestions for one document."""
        return self.for_language(doc.lang).match(doc)

    def match_all(
        self,
        docs: Iterable[Document],
        *,
        progress: Callable[[int, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> list[Suggestion]:
        """Suggestions for several documents; stops early when ``cancelled()``."""
        out: list[Suggestion] = []
        for i, doc in enumerate(docs, start=1):
            if cancelled is not None and cancelled():
                break
            out.extend(self.match(doc))
            if progress is not None:
                progress(i, doc.name)
        return out
