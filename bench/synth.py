#!/usr/bin/env python3
"""Deterministic synthetic interview corpus and coding plan.

Used by qualcode's benchmarks and by side-by-side comparisons with other QDA
tools (Taguette among them): every side consumes the *same* transcripts, the
*same* codebook and the *same* list of codings. (Vendored from the team's shared
bench folder, unchanged but for this note, so that ``make bench`` needs no file from
outside the repository; the reference digests in docs/benchmarks.md hold for it.)

Everything is derived from string seeds (``random.Random("1/doc/7")``), which
Python hashes with SHA-512, so the output is identical across runs, machines
and PYTHONHASHSEED values. Document *i* depends only on (seed, i, words): the
N=20 corpus is exactly the first 20 files of the N=100 corpus, and the same
holds for the coding plan.

Text is plain ASCII (no '&', '<', '>'), so character offsets (qualcode, Python
``str`` index) and UTF-8 byte offsets (as some other tools count) coincide.

File layout of a transcript (``Transcript.to_txt``)::

    Interviewer: question text ...
    <blank line>
    Participant: answer text ...
    <blank line>
    ...

i.e. ``"\\n\\n".join("Speaker: text" for each turn) + "\\n"``.

CLI::

    python synth.py --n 100 --words 3000 --seed 1 --out DIR \\
        [--tags 30 --per-doc 20 --max-codes 3] [--html] [--no-plan]

writes DIR/interview_0001.txt ... and DIR/plan.json (codebook + codings with
character offsets into the .txt text), plus DIR/codebook.yaml for convenience.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import sys
from dataclasses import dataclass, field

MAX_DOCS = 9999
MAX_WORDS = 50000
MAX_TAGS = 2000
MAX_PER_DOC = 1000

# --------------------------------------------------------------------------
# Vocabulary: a public-service interview at a sub-district office, in English.

OFFICES = [
    "the sub-district office",
    "the front counter",
    "the service desk",
    "the registration room",
    "the village office",
    "the civil registry",
]
DOCUMENTS = [
    "ID card",
    "family card",
    "birth certificate",
    "business permit",
    "residence letter",
    "land certificate",
    "marriage certificate",
    "police clearance letter",
    "building permit",
    "death certificate",
]
OFFICERS = [
    "the officer",
    "the counter officer",
    "the head of section",
    "the staff member",
    "the clerk",
    "the security guard",
    "the young officer",
    "the supervisor",
]
RELATIVES = [
    "my wife",
    "my husband",
    "my neighbour",
    "my brother",
    "my sister",
    "my mother",
    "my father",
    "my cousin",
    "a friend",
    "my son",
    "my daughter",
    "someone from the mosque",
]
DURATIONS = [
    "two hours",
    "three days",
    "almost a week",
    "half a day",
    "two weeks",
    "forty minutes",
    "more than a month",
    "one morning",
    "ten days",
    "the whole afternoon",
]
FEELINGS = [
    "frustrated",
    "confused",
    "relieved",
    "tired",
    "annoyed",
    "grateful",
    "worried",
    "surprised",
    "disappointed",
    "satisfied",
    "embarrassed",
    "angry",
]
ADJ_GOOD = [
    "friendly",
    "fast",
    "clear",
    "helpful",
    "polite",
    "organised",
    "quick",
    "patient",
    "professional",
    "simple",
]
ADJ_BAD = [
    "slow",
    "unclear",
    "crowded",
    "rude",
    "confusing",
    "expensive",
    "late",
    "complicated",
    "hot",
    "disorganised",
    "unfair",
    "dirty",
]
FACILITIES = [
    "waiting room",
    "queue number machine",
    "parking area",
    "toilet",
    "fan",
    "notice board",
    "photocopy machine",
    "chairs",
    "drinking water",
    "computer",
    "printer",
]
COSTS = [
    "five thousand",
    "twenty thousand",
    "fifty thousand",
    "one hundred thousand",
    "two hundred thousand",
    "nothing at all",
]
STEPS = [
    "fill in the form",
    "bring a copy of the family card",
    "get a cover letter from the neighbourhood head",
    "take a queue number",
    "wait for the signature",
    "come back the next day",
    "pay at the other window",
    "show the original documents",
    "photocopy everything twice",
    "ask the village head for a stamp",
]
FILLERS = [
    "you know",
    "I mean",
    "honestly",
    "to be honest",
    "well",
    "actually",
    "sort of",
    "basically",
    "I think",
    "in a way",
]
TIMES = [
    "last year",
    "in March",
    "two months ago",
    "after Eid",
    "during the rainy season",
    "on a Monday",
    "before the election",
    "last week",
    "when my child was born",
    "at the start of the year",
]

PARTICIPANT_TEMPLATES = [
    "When I went to {office} {time}, {officer} told me to {step}.",
    "I had to wait {duration} for my {doc}, and nobody explained why.",
    "{Filler}, the {facility} was {bad} and there was nowhere to sit.",
    "{Officer} was {good} with me, but the procedure itself was {bad}.",
    "{Relative} said that they paid {cost} for the {doc}, which surprised me.",
    "I felt {feeling} because I had to {step} and then {step2}.",
    "The {facility} was {bad}, {filler}, so many people were standing outside.",
    "Nobody told us the official cost, so some people paid {cost} and others paid nothing.",
    "{Filler}, I think the officers are {good} when the supervisor is there.",
    "The second time it was better, the {doc} was ready in {duration}.",
    "I came at eight but {officer} only arrived at ten, so the queue was very long.",
    "They asked me to {step}, but that was not written anywhere on the notice board.",
    "If you know someone inside, the {doc} is finished in {duration}, otherwise you wait.",
    "{Relative} had a similar experience with the {doc} {time}.",
    "I do not blame {officer}, they were {feeling} too, there were so many people.",
    "The letter was supposed to be finished in three days but it took {duration}.",
    "I would say the service is {good} now compared to before, but still {bad}.",
    "There was no clear information about which window to go to, so I asked {officer}.",
    "When I complained, {officer} just told me to {step}.",
    "I was {feeling}, because I had taken a day off work for this.",
    "Sometimes the {facility} does not work, so they write everything by hand.",
    "Honestly the {doc} itself was fine, there were no mistakes in the names.",
    "{Officer} did not pass my file to the next person, so it was lost for {duration}.",
    "It depends on the day, on a good day it is {good}, on a bad day it is {bad}.",
    "My neighbours say the same thing, the {facility} is the biggest problem.",
    "I think they need more staff at {office}, one person cannot serve everyone.",
    "At first I did not know I had to {step}, so I had to come back {time2}.",
    "The rules keep changing, {time} it was different from what they told me now.",
]
INTERVIEWER_TEMPLATES = [
    "Can you tell me about the last time you went to {office}?",
    "How long did it take to get your {doc}?",
    "What did you think of the {facility}?",
    "How did {officer} treat you?",
    "Did you have to pay anything for the {doc}?",
    "How did you feel about that?",
    "Can you give me an example?",
    "What happened after that?",
    "Was the procedure explained to you before you started?",
    "Why do you think it took so long?",
    "Did you make a complaint? What happened?",
    "Would you say things have changed compared to before?",
    "What would you change about the service if you could?",
    "Who helped you with the process?",
    "Was the information on the notice board useful?",
]

# Codebook: category x aspect, no name is a prefix of another (Taguette's
# per-tag export matches tag paths by prefix).
CODE_CATEGORIES = [
    ("procedure", "service procedure"),
    ("time", "completion time"),
    ("cost", "service cost"),
    ("product", "service product"),
    ("facilities", "facilities and infrastructure"),
    ("competence", "competence of service providers"),
    ("information", "information and transparency"),
    ("attitude", "officer attitude"),
    ("complaint", "complaint handling"),
    ("access", "access and distance"),
    ("fairness", "fairness and favours"),
    ("workload", "staffing and workload"),
]
CODE_ASPECTS = [
    ("positive", "positive experience"),
    ("negative", "negative experience"),
    ("change", "change over time"),
    ("suggestion", "suggestion for improvement"),
    ("example", "concrete example"),
    ("emotion", "emotional reaction"),
    ("comparison", "comparison with other offices"),
    ("sop_gap", "deviation from the SOP"),
    ("hearsay", "second-hand account"),
    ("cause", "perceived cause"),
]


# --------------------------------------------------------------------------
# Data model


@dataclass
class Turn:
    speaker: str  # "Interviewer" or "Participant"
    text: str  # turn text, without the "Speaker: " label
    sentences: list = field(default_factory=list)  # [(start, end)] in text

    @property
    def line(self) -> str:
        return f"{self.speaker}: {self.text}"

    @property
    def label_len(self) -> int:
        return len(self.speaker) + 2


@dataclass
class Transcript:
    index: int  # 0-based
    name: str  # "interview_0001"
    turns: list

    def to_txt(self) -> str:
        return "\n\n".join(t.line for t in self.turns) + "\n"

    def to_html(self) -> str:
        """One <p> per turn, no whitespace between elements, so the HTML text
        content is "".join(turn lines) (Taguette counts offsets over text
        nodes only)."""
        body = "".join(f"<p>{html.escape(t.line, quote=False)}</p>" for t in self.turns)
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f"<title>{self.name}</title></head><body>{body}</body></html>"
        )

    def turn_txt_starts(self) -> list:
        """Offset of each turn line's first character in to_txt()."""
        starts, pos = [], 0
        for t in self.turns:
            starts.append(pos)
            pos += len(t.line) + 2
        return starts

    @property
    def words(self) -> int:
        return sum(len(t.line.split()) for t in self.turns)


# --------------------------------------------------------------------------
# Generation


def _fill(rng: random.Random, template: str) -> str:
    step = rng.choice(STEPS)
    step2 = rng.choice([s for s in STEPS if s != step])
    time1 = rng.choice(TIMES)
    values = {
        "office": rng.choice(OFFICES),
        "doc": rng.choice(DOCUMENTS),
        "officer": rng.choice(OFFICERS),
        "relative": rng.choice(RELATIVES),
        "duration": rng.choice(DURATIONS),
        "feeling": rng.choice(FEELINGS),
        "good": rng.choice(ADJ_GOOD),
        "bad": rng.choice(ADJ_BAD),
        "facility": rng.choice(FACILITIES),
        "cost": rng.choice(COSTS),
        "step": step,
        "step2": step2,
        "filler": rng.choice(FILLERS),
        "time": time1,
        "time2": rng.choice([t for t in TIMES if t != time1]),
    }
    for key in ("officer", "relative", "filler"):
        values[key.capitalize()] = values[key][0].upper() + values[key][1:]
    return template.format(**values)


def _turn(rng: random.Random, speaker: str, n_sentences: int) -> Turn:
    templates = PARTICIPANT_TEMPLATES if speaker == "Participant" else INTERVIEWER_TEMPLATES
    parts, spans, pos = [], [], 0
    for i in range(n_sentences):
        s = _fill(rng, rng.choice(templates))
        if speaker == "Participant" and rng.random() < 0.15:
            first, rest = s.split(" ", 1)
            if first != "I":
                first = first.lower()
            s = f"{rng.choice(FILLERS).capitalize()}, {first} {rest}"
        if i:
            pos += 1  # the joining space
        spans.append((pos, pos + len(s)))
        parts.append(s)
        pos += len(s)
    return Turn(speaker, " ".join(parts), spans)


def make_transcript(index: int, words: int = 3000, seed: int = 1) -> Transcript:
    """Transcript number ``index`` (0-based); depends only on (seed, index,
    words). Stops at the first turn boundary at or past ``words`` words,
    always ending on a Participant turn."""
    if not 0 <= index < MAX_DOCS:
        raise ValueError(f"index must be in [0, {MAX_DOCS})")
    words = max(50, min(int(words), MAX_WORDS))
    rng = random.Random(f"{seed}/doc/{index}")
    turns, count = [], 0
    for _ in range(10 * words):  # hard bound; exits far earlier
        if count >= words and turns and turns[-1].speaker == "Participant":
            break
        speaker = "Interviewer" if len(turns) % 2 == 0 else "Participant"
        n = rng.randint(1, 2) if speaker == "Interviewer" else rng.randint(3, 11)
        t = _turn(rng, speaker, n)
        turns.append(t)
        count += len(t.line.split())
    return Transcript(index, f"interview_{index + 1:04d}", turns)


def make_corpus(n: int, words: int = 3000, seed: int = 1) -> list:
    if not 0 <= n <= MAX_DOCS:
        raise ValueError(f"n must be in [0, {MAX_DOCS}]")
    return [make_transcript(i, words, seed) for i in range(n)]


def make_codebook(t: int, seed: int = 1) -> list:
    """``t`` codes as dicts {id, label, description}; ids are dotted keys
    (``time.negative``), none a prefix of another. Deterministic order."""
    if not 0 <= t <= MAX_TAGS:
        raise ValueError(f"t must be in [0, {MAX_TAGS}]")
    rng = random.Random(f"{seed}/codebook")
    combos = [(c, a) for c in CODE_CATEGORIES for a in CODE_ASPECTS]
    rng.shuffle(combos)
    codes = []
    for (cid, clabel), (aid, alabel) in combos[:t]:
        codes.append(
            {
                "id": f"{cid}.{aid}",
                "label": f"{clabel}: {alabel}",
                "description": f"Passages about {clabel} ({alabel}).",
            }
        )
    for k in range(len(codes), t):
        codes.append(
            {
                "id": f"misc.code{k:04d}",
                "label": f"misc code {k}",
                "description": "Extra synthetic code.",
            }
        )
    return codes


def _pick_codes(rng: random.Random, n_codes: int, max_codes: int) -> list:
    # Zipf-like popularity so code frequencies differ, as in real coding.
    weights = [1.0 / (r + 1) ** 0.8 for r in range(n_codes)]
    k = rng.choices([1, 2, 3, 4], weights=[70, 22, 6, 2])[0]
    k = max(1, min(k, max_codes, n_codes))
    chosen = []
    for _ in range(50):  # bounded retry for distinct codes
        if len(chosen) == k:
            break
        c = rng.choices(range(n_codes), weights=weights)[0]
        if c not in chosen:
            chosen.append(c)
    return sorted(chosen)


def plan_for_document(
    doc: Transcript, codebook: list, per_doc: int, seed: int = 1, max_codes: int = 3
) -> list:
    """``per_doc`` codings for one transcript. Each is 1-4 whole consecutive
    sentences inside one turn (Participant turns ~85%), with 1..max_codes
    codes. Offsets are character offsets into ``doc.to_txt()``; ``turn`` is
    the turn index (the HTML text offset is ``start - 2 * turn``)."""
    if not 0 <= per_doc <= MAX_PER_DOC:
        raise ValueError(f"per_doc must be in [0, {MAX_PER_DOC}]")
    if not codebook:
        return []
    rng = random.Random(f"{seed}/plan/{doc.index}")
    starts = doc.turn_txt_starts()
    part = [i for i, t in enumerate(doc.turns) if t.speaker == "Participant"]
    intv = [i for i, t in enumerate(doc.turns) if t.speaker == "Interviewer"]
    out = []
    for _ in range(per_doc):
        pool = part if (rng.random() < 0.85 or not intv) else intv
        ti = rng.choice(pool)
        turn = doc.turns[ti]
        k = min(len(turn.sentences), rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0])
        s0 = rng.randrange(0, len(turn.sentences) - k + 1)
        base = starts[ti] + turn.label_len
        start = base + turn.sentences[s0][0]
        end = base + turn.sentences[s0 + k - 1][1]
        codes = [codebook[c]["id"] for c in _pick_codes(rng, len(codebook), max_codes)]
        out.append({"doc": doc.name, "turn": ti, "start": start, "end": end, "codes": codes})
    return out


def make_plan(
    corpus: list, codebook: list, per_doc: int, seed: int = 1, max_codes: int = 3
) -> list:
    plan = []
    for doc in corpus:
        plan.extend(plan_for_document(doc, codebook, per_doc, seed, max_codes))
    return plan


def expected_frequencies(plan: list) -> dict:
    """{code id: (number of codings, number of distinct documents)}."""
    hl, docs = {}, {}
    for c in plan:
        for code in c["codes"]:
            hl[code] = hl.get(code, 0) + 1
            docs.setdefault(code, set()).add(c["doc"])
    return {k: (hl[k], len(docs[k])) for k in hl}


def corpus_digest(corpus: list) -> str:
    """SHA-256 over every transcript's name and .txt text, in order: two
    runs fed the same corpus iff their digests match."""
    h = hashlib.sha256()
    for doc in corpus:
        h.update(doc.name.encode() + b"\n" + doc.to_txt().encode() + b"\0")
    return h.hexdigest()


def plan_digest(codebook: list, plan: list) -> str:
    """SHA-256 of the canonical JSON of codebook + codings."""
    blob = json.dumps(
        {"codebook": codebook, "codings": plan}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(blob.encode()).hexdigest()


# --------------------------------------------------------------------------
# CLI


def _yaml_str(s: str) -> str:
    return json.dumps(s)  # JSON strings are valid YAML scalars


def write_corpus(
    out: str,
    n: int,
    words: int,
    seed: int,
    tags: int,
    per_doc: int,
    max_codes: int,
    html_too: bool,
    plan: bool,
) -> dict:
    os.makedirs(out, exist_ok=True)
    corpus = make_corpus(n, words, seed)
    total_words = total_chars = 0
    for doc in corpus:
        txt = doc.to_txt()
        total_words += doc.words
        total_chars += len(txt)
        with open(os.path.join(out, doc.name + ".txt"), "w", encoding="utf-8", newline="\n") as fp:
            fp.write(txt)
        if html_too:
            with open(
                os.path.join(out, doc.name + ".html"), "w", encoding="utf-8", newline="\n"
            ) as fp:
                fp.write(doc.to_html())
    summary = {
        "documents": n,
        "words": total_words,
        "chars": total_chars,
        "seed": seed,
        "words_per_doc_target": words,
        "corpus_sha256": corpus_digest(corpus),
    }
    if plan:
        codebook = make_codebook(tags, seed)
        codings = make_plan(corpus, codebook, per_doc, seed, max_codes)
        with open(os.path.join(out, "plan.json"), "w", encoding="utf-8") as fp:
            json.dump(
                {
                    "generator": "synth.py",
                    "seed": seed,
                    "documents": n,
                    "words": words,
                    "tags": tags,
                    "per_doc": per_doc,
                    "max_codes": max_codes,
                    "offsets": "character offsets into the .txt text",
                    "codebook": codebook,
                    "codings": codings,
                },
                fp,
                indent=1,
            )
        with open(os.path.join(out, "codebook.yaml"), "w", encoding="utf-8") as fp:
            fp.write("codes:\n")
            for c in codebook:
                fp.write(
                    f"  - id: {_yaml_str(c['id'])}\n"
                    f"    label: {_yaml_str(c['label'])}\n"
                    f"    description: {_yaml_str(c['description'])}\n"
                )
        summary.update(
            tags=len(codebook),
            codings=len(codings),
            code_links=sum(len(c["codes"]) for c in codings),
            plan_sha256=plan_digest(codebook, codings),
        )
    return summary


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=20, help="number of transcripts")
    p.add_argument("--words", type=int, default=3000, help="approximate words per transcript")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--tags", type=int, default=30, help="codes in codebook")
    p.add_argument("--per-doc", type=int, default=20, help="codings per transcript in plan.json")
    p.add_argument("--max-codes", type=int, default=3, help="max codes on one coding")
    p.add_argument(
        "--html", action="store_true", help="also write the .html form uploaded to Taguette"
    )
    p.add_argument("--no-plan", action="store_true", help="only write transcripts")
    a = p.parse_args(argv)
    if not 0 <= a.n <= MAX_DOCS:
        p.error(f"--n must be in [0, {MAX_DOCS}]")
    if not 0 <= a.tags <= MAX_TAGS or not 0 <= a.per_doc <= MAX_PER_DOC:
        p.error("--tags or --per-doc out of range")
    summary = write_corpus(
        a.out, a.n, a.words, a.seed, a.tags, a.per_doc, max(1, a.max_codes), a.html, not a.no_plan
    )
    json.dump(summary, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
