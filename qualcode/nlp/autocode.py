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
from dataclasses import dataclass, field
from typing import Any

from qualcode.core.autocode import Suggestion
from qualcode.core.codebook import TRAINED_ATTRS, Code, Codebook, Rules
from qualcode.core.model import Document
from qualcode.errors import InputError
from qualcode.nlp.morph import WORD_RE, Lemmatizer
from qualcode.nlp.pipeline import SUPPORTED


@dataclass(frozen=True)
class _Entry:
    """A keyword, phrase or pattern trigger of one code."""

    code: int
    label: str
    keys: tuple[str, ...]
    exact: bool
    negative: bool = False
    pattern: int | None = None  # a trigger for token pattern N of the code


@dataclass
class _CodeRules:
    index: int
    id: str
    scope: str
    speaker: str
    min_score: int
    regex: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    patterns: int = 0
    # patterns with no required literal word: every unit must be tokenized
    unfiltered_patterns: list[int] = field(default_factory=list)


def _role_passes(speaker: str, role: str | None) -> bool:
    if speaker == "any":
        return True
    if speaker == "interviewer":
        return role == "interviewer"
    return role != "interviewer"


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
        entries: list[_Entry] = []
        raw_patterns: dict[int, list[Any]] = {}
        selected = [
            c
            for c in codebook
            if c.rules is not None and not c.rules.is_empty() and (codes is None or c.id in codes)
        ]
        vocabulary: set[str] = set()
        for code in selected:
            rules = code.rules
            assert rules is not None
            for name in ("keywords", "phrases", "negative"):
                for item in rules.for_language(name, lang):
                    vocabulary.update(WORD_RE.findall(str(item).lower()))
        self.lemma = Lemmatizer(self.lang, vocabulary)
        for code in selected:
            self._compile(code, entries, raw_patterns)
        self._entries_by_form: dict[str, list[_Entry]] = {}
        self._entries_by_lemma: dict[str, list[_Entry]] = {}
        for e in entries:
            target = self._entries_by_form if e.exact else self._entries_by_lemma
            target.setdefault(e.keys[0], []).append(e)
        self._hits: dict[str, tuple[_Entry, ...]] = {}
        self._regex_any = {
            scope: _combine([rx for c in self.codes if c.scope == scope for _, rx in c.regex])
            for scope in ("sentence", "turn")
        }
        self._matcher: Any = None
        self._nlp: Any = None
        self._pattern_lemmas = False
        if raw_patterns:
            self._build_matcher(codebook, raw_patterns)

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
                entries.append(_Entry(index, str(item), keys, exact, negative=name == "negative"))
        for item in rules.for_language("regex", self.lang):
            cr.regex.append((f"/{item}/", re.compile(str(item), re.IGNORECASE)))
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
                    f"the token patterns of {code!r} use {', '.join(trained)}, which needs a "
                    f"trained spaCy pipeline for {self.lang!r}; none is installed",
                    hint="use LOWER, LEMMA, ORTH or the IS_/LIKE_ flags, or install a trained "
                    "pipeline package (it is never downloaded)",
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
                        f"token pattern {n + 1} of {self.codes[index].id!r} is not valid: {detail}",
                        hint="see spaCy's Matcher documentation for the pattern format",
                    ) from None
        self._matcher = matcher
        self._nlp = nlp

    # ------------------------------------------------------------------ matching

    @property
    def empty(self) -> bool:
        """True when no code has rules for this language."""
        return not self.codes

    def _entries_for(self, form: str) -> tuple[_Entry, ...]:
        hit = self._hits.get(form)
        if hit is None:
            found = list(self._entries_by_form.get(form, ()))
            found += self._entries_by_lemma.get(self.lemma(form), ())
            hit = tuple(found)
            if len(self._hits) < 500_000:
                self._hits[form] = hit
        return hit

    def _scan(self, words: Sequence[str]) -> tuple[dict[int, set[str]], set[int], set[int]]:
        """Keyword, phrase and pattern-trigger hits of one unit.

        Returns:
            labels matched per code, codes vetoed, codes whose patterns must run.
        """
        found: dict[int, set[str]] = {}
        vetoed: set[int] = set()
        patterns: set[int] = set()
        entries_for = self._entries_for
        n = len(words)
        for i, form in enumerate(words):
            hits = entries_for(form)
            if not hits:
                continue
            for e in hits:
                if len(e.keys) > 1:
                    if i + len(e.keys) > n or not self._rest_matches(e, words, i):
                        continue
                if e.pattern is not None:
                    patterns.add(e.code)
                elif e.negative:
                    vetoed.add(e.code)
                else:
                    found.setdefault(e.code, set()).add(e.label)
        return found, vetoed, patterns

    def _rest_matches(self, e: _Entry, words: Sequence[str], i: int) -> bool:
        for j, key in enumerate(e.keys[1:], start=1):
            w = words[i + j]
            if w != key and (e.exact or self.lemma(w) != key):
                return False
        return True

    def _run_patterns(self, text: str, codes: Iterable[int]) -> dict[int, set[str]]:
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
        found, vetoed = self._unit(text, "sentence", whole=True)
        return {
            self.codes[c].id: tuple(sorted(v))
            for c, v in found.items()
            if self._keeps(c, v, vetoed, role)
        }

    def _keeps(self, c: int, labels: set[str], vetoed: set[int], role: str | None) -> bool:
        cr = self.codes[c]
        return c not in vetoed and len(labels) >= cr.min_score and _role_passes(cr.speaker, role)

    def _unit(
        self, text: str, scope: str, *, whole: bool = False
    ) -> tuple[dict[int, set[str]], set[int]]:
        """Raw hits of one unit: labels per code (rules of ``scope``, or every
        scope when ``whole``) and the codes a negative entry vetoes."""
        found, vetoed, patterns = self._scan(WORD_RE.findall(text.lower()))
        if self._matcher is not None:
            patterns.update(c.index for c in self.codes if c.unfiltered_patterns)
            if patterns:
                for code, labels in self._run_patterns(text, patterns).items():
                    found.setdefault(code, set()).update(labels)
        scopes = ("sentence", "turn") if whole else (scope,)
        for sc in scopes:
            prefilter = self._regex_any[sc]
            if prefilter is not None and prefilter.search(text) is None:
                continue
            for c in self.codes:
                if c.scope == sc and c.regex:
                    for label, rx in c.regex:
                        if rx.search(text):
                            found.setdefault(c.index, set()).add(label)
        return found, vetoed

    def match(self, doc: Document) -> list[Suggestion]:
        """Suggestions for one document, in text order (sentences before their turn)."""
        if not self.codes:
            return []
        text = doc.text
        roles = {t.number: t.role for t in doc.turns}
        turn_codes = [c for c in self.codes if c.scope == "turn"]
        sentence_codes = {c.index for c in self.codes if c.scope == "sentence"}
        out: list[Suggestion] = []
        # per turn: labels found in its sentences for turn-scope codes, and vetoes
        turn_found: dict[int, dict[int, set[str]]] = {}
        turn_vetoed: dict[int, set[int]] = {}
        for s in doc.sentences:
            role = roles.get(s.turn) if s.turn is not None else None
            found, vetoed = self._unit(text[s.start : s.end], "sentence")
            for c, labels in found.items():
                if c in sentence_codes:
                    if self._keeps(c, labels, vetoed, role):
                        out.append(
                            Suggestion(
                                doc.name,
                                self.codes[c].id,
                                s.start,
                                s.end,
                                "sentence",
                                s.number,
                                tuple(sorted(labels)),
                            )
                        )
                elif s.turn is not None:
                    turn_found.setdefault(s.turn, {}).setdefault(c, set()).update(labels)
            if turn_codes and s.turn is not None and vetoed:
                turn_vetoed.setdefault(s.turn, set()).update(vetoed)
        if turn_codes:
            turn_regex = self._regex_any["turn"]
            for t in doc.turns:
                hits = turn_found.get(t.number, {})
                if turn_regex is not None:
                    chunk = text[t.start : t.end]
                    if turn_regex.search(chunk):
                        for cr in turn_codes:
                            for label, rx in cr.regex:
                                if rx.search(chunk):
                                    hits.setdefault(cr.index, set()).add(label)
                turn_veto = turn_vetoed.get(t.number, set())
                for cr in turn_codes:
                    got = hits.get(cr.index)
                    if (
                        not got
                        or cr.index in turn_veto
                        or len(got) < cr.min_score
                        or not _role_passes(cr.speaker, t.role)
                        or t.end <= t.start
                    ):
                        continue
                    out.append(
                        Suggestion(
                            doc.name, cr.id, t.start, t.end, "turn", t.number, tuple(sorted(got))
                        )
                    )
        out.sort(key=lambda s: (s.start, -s.end, s.code))
        return out


def _combine(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex that finds anything any of ``patterns`` finds (a pre-filter), or
    ``None`` when there are none or they cannot be combined (back-references)."""
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


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
