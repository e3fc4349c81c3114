"""Merging two team codebooks of 2,000 codes each, with near-duplicate detection.

    python bench/codebook_merge.py [--codes 2000] [--seed 1] [--repeat 5] [--json]

A deterministic base codebook (ten themes, each with sub-themes and leaf codes,
bilingual labels, descriptions, keys and keywords) is edited on two sides the way
coders do: labels and descriptions changed, codes moved, renamed (old id kept as an
alias), deleted and added; some of the same edits made on both sides, some fields
changed differently on both sides (the planned conflicts), and codes added on
different sides that mean the same (word order, meN-/-an forms, "&" for "and": the
planned near duplicates) or the opposite ("tidak ..."; never to be suggested).

Timed in-process, after one warm-up run:

* ``merge_s``: :func:`qualcode.core.codebook_merge.merge_codebooks` with near-duplicate
  detection (the target is under 1 s for 2,000 x 2,000 codes);
* ``files_s``: the same merge from three YAML files to a written result
  (:func:`qualcode.services.merge_files`: reading, validating, merging, and writing
  our file back with its comments kept by ruamel.yaml).

The result is checked: every planned conflict and near duplicate is found, no
opposite pair is suggested, every id of both sides is in the result. A mismatch
exits with status 1. ``--json`` prints one line with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from qualcode.core.codebook import Code, Codebook, Rules, tree_order

WORDS = [
    ("waktu", "time"),
    ("biaya", "cost"),
    ("petugas", "officer"),
    ("loket", "counter"),
    ("surat", "letter"),
    ("antrean", "queue"),
    ("syarat", "requirement"),
    ("ruang", "room"),
    ("kursi", "chair"),
    ("parkir", "parking"),
    ("informasi", "information"),
    ("pengaduan", "complaint"),
    ("berkas", "file"),
    ("tanda", "receipt"),
    ("camat", "head"),
    ("kelurahan", "village"),
    ("warga", "resident"),
    ("pedagang", "trader"),
    ("izin", "permit"),
    ("akta", "certificate"),
    ("nomor", "number"),
    ("papan", "board"),
    ("jadwal", "schedule"),
    ("meja", "desk"),
    ("toilet", "toilet"),
    ("listrik", "power"),
    ("komputer", "computer"),
    ("printer", "printer"),
    ("formulir", "form"),
    ("stempel", "stamp"),
    ("tarif", "tariff"),
    ("pungutan", "levy"),
    ("kwitansi", "invoice"),
    ("prosedur", "procedure"),
    ("alur", "flow"),
    ("tahap", "stage"),
    ("verifikasi", "verification"),
    ("tanggapan", "response"),
    ("sikap", "attitude"),
    ("keahlian", "skill"),
]
ADJECTIVES = [
    ("lambat", "slow"),
    ("baru", "new"),
    ("rusak", "broken"),
    ("penuh", "full"),
    ("resmi", "official"),
    ("lengkap", "complete"),
    ("tertulis", "written"),
    ("terpisah", "separate"),
    ("harian", "daily"),
    ("khusus", "special"),
]
PREFIX_FORMS = [("tunggu", "menunggu"), ("layanan", "pelayanan"), ("bayar", "pembayaran")]


def _label(rng: random.Random, n: int) -> dict[str, str]:
    words = rng.sample(WORDS, n - 1) + [rng.choice(ADJECTIVES)]
    return {"id": " ".join(w[0] for w in words), "en": " ".join(w[1] for w in words)}


def make_base(n_codes: int, rng: random.Random) -> Codebook:
    """Ten themes, twenty sub-themes each, the rest as leaf codes spread evenly."""
    codes: list[Code] = []
    keys = [str(d) for d in range(1, 10)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    two = [a + b for a in "123456789" for b in "abcdefghijklmnopqrstuvwxyz"]
    themes = [f"t{i}" for i in range(10)]
    for i, t in enumerate(themes):
        codes.append(
            Code(id=t, label=_label(rng, 2), key=keys[i], description=f"Theme {i}.", color=None)
        )
    mids: list[str] = []
    for i in range(200):
        mid = f"{themes[i % 10]}.m{i}"
        mids.append(mid)
        codes.append(
            Code(
                id=mid,
                label=_label(rng, 3),
                parent=themes[i % 10],
                key=two[i],
                description=f"Sub-theme {i}: what residents say about it.",
            )
        )
    for i in range(n_codes - len(codes)):
        parent = mids[i % len(mids)]
        kw = rng.sample(WORDS, 2)
        codes.append(
            Code(
                id=f"{parent}.c{i}",
                label=_label(rng, 3),
                parent=parent,
                description=f"Leaf {i}. Use it when the passage is about this.",
                rules=Rules(keywords={"id": (kw[0][0],), "en": (kw[1][1],)})
                if i % 5 == 0
                else None,
            )
        )
    return Codebook(tuple(tree_order(codes)), name="Bench", languages=("id", "en"))


class Plan:
    """What the two sides did, so the result can be checked."""

    def __init__(self) -> None:
        self.conflicts: set[tuple[str, str]] = set()
        self.near: set[tuple[str, str]] = set()
        self.opposite: set[tuple[str, str]] = set()


def _edit(
    base: Codebook, rng: random.Random, side: str, plan: Plan, shared: random.Random
) -> Codebook:
    codes = {c.id: c for c in base.codes}
    leaves = [c.id for c in base.codes if c.id.count(".") == 2]
    mids = [c.id for c in base.codes if c.id.count(".") == 1]
    n = len(leaves)
    # edits on this side only
    for cid in rng.sample(leaves, n // 20):
        c = codes[cid]
        label = dict(c.label) if isinstance(c.label, dict) else {}
        label["id"] = label.get("id", "") + " " + rng.choice(ADJECTIVES)[0]
        codes[cid] = replace(c, label=label)
    for cid in rng.sample(leaves, n // 20):
        codes[cid] = replace(codes[cid], description=codes[cid].description + f" ({side})")
    for cid in rng.sample(leaves, n // 100):
        codes[cid] = replace(codes[cid], parent=rng.choice(mids))
    for cid in rng.sample(leaves, n // 100):
        if cid in codes:
            del codes[cid]
    renamed = 0
    for cid in rng.sample(leaves, n // 100):
        if cid in codes:
            c = codes.pop(cid)
            new = f"{cid}.{side}"
            codes[new] = replace(c, id=new, aliases=(*c.aliases, cid))
            renamed += 1
    # the same edits on both sides (taken once), and conflicting ones (shared choice)
    same = shared.sample(mids, 20)
    for cid in same[:10]:
        codes[cid] = replace(codes[cid], description="Agreed on both sides.")
    for cid in same[10:]:
        codes[cid] = replace(codes[cid], description=f"Changed by {side}.")
        plan.conflicts.add((cid, "description"))
    # new codes: some mean the same as the other side's (near duplicates), some the opposite
    for i in range(100):
        parent = rng.choice(mids)
        cid = f"{parent}.{side}{i}"
        codes[cid] = Code(id=cid, label=_label(rng, 3), parent=parent)
    pairs = shared.sample(range(len(WORDS)), 30)
    for j, w in enumerate(pairs[:24]):
        a, b = WORDS[w], WORDS[(w + 7) % len(WORDS)]
        root, formed = PREFIX_FORMS[j % len(PREFIX_FORMS)]
        if side == "ours":
            label = {"id": f"{a[0]} {b[0]} {root}", "en": f"{a[1]} & {b[1]}"}
        else:
            label = {"id": f"{formed} {b[0]} {a[0]}", "en": f"{b[1]} and {a[1]}s"}
        cid = f"n.{side}.{j}"
        codes[cid] = Code(id=cid, label=label, parent=mids[w])
        if side == "theirs":
            plan.near.add((f"n.ours.{j}", cid))
    for j, w in enumerate(pairs[24:]):
        a, b = WORDS[w], WORDS[(w + 3) % len(WORDS)]
        neg = "tidak " if side == "theirs" else ""
        cid = f"x.{side}.{j}"
        codes[cid] = Code(id=cid, label={"id": f"{a[0]} {neg}{b[0]} ramah"}, parent=mids[w])
        if side == "theirs":
            plan.opposite.add((f"x.ours.{j}", cid))
    return Codebook(tuple(tree_order(codes.values())), name=base.name, languages=base.languages)


def make_sides(n_codes: int, seed: int) -> tuple[Codebook, Codebook, Codebook, Plan]:
    """The base and the two edited sides, with the plan of what to expect."""
    base = make_base(n_codes, random.Random(f"{seed}/base"))
    plan = Plan()
    ours = _edit(base, random.Random(f"{seed}/ours"), "ours", plan, random.Random(f"{seed}/shared"))
    theirs = _edit(
        base, random.Random(f"{seed}/theirs"), "theirs", plan, random.Random(f"{seed}/shared")
    )
    return base, ours, theirs, plan


def check(base: Codebook, ours: Codebook, theirs: Codebook, plan: Plan) -> list[str]:
    """Merge once and compare with the plan; returns the problems (empty when right)."""
    from qualcode.core.codebook_merge import ids_and_aliases, merge_codebooks

    result = merge_codebooks(ours, theirs, base)
    problems = []
    found = {(c.code, c.field) for c in result.conflicts if c.code is not None}
    if not plan.conflicts <= found:
        problems.append(f"missed conflicts: {sorted(plan.conflicts - found)[:5]}")
    suggested = {(s.ours, s.theirs) for s in result.suggestions}
    if not plan.near <= suggested:
        problems.append(f"missed near duplicates: {sorted(plan.near - suggested)[:5]}")
    if suggested & plan.opposite:
        problems.append(f"suggested opposites: {sorted(suggested & plan.opposite)[:5]}")
    known = ids_and_aliases(result.codebook) | {c.code for c in result.conflicts}
    removed = {ch.code for ch in result.changes if ch.what == "removed"}
    lost = [c.id for cb in (ours, theirs) for c in cb if c.id not in known | removed]
    if lost:
        problems.append(f"ids lost: {lost[:5]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=2000, help="codes in the base codebook")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (the median is kept)")
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    parser.add_argument(
        "--no-files", action="store_true", help="skip the files-to-file run (ruamel is slow)"
    )
    args = parser.parse_args(argv)

    from qualcode import services
    from qualcode.core.codebook_merge import merge_codebooks
    from qualcode.exporters.codebook_yaml import render

    base, ours, theirs, plan = make_sides(args.codes, args.seed)
    problems = check(base, ours, theirs, plan)
    result = merge_codebooks(ours, theirs, base)  # warm-up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = merge_codebooks(ours, theirs, base)
        times.append(time.perf_counter() - t0)
    files_s = None
    if not args.no_files:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            paths = {}
            for name, cb in (("base", base), ("ours", ours), ("theirs", theirs)):
                paths[name] = folder / f"{name}.yaml"
                paths[name].write_text(render(cb), encoding="utf-8")
            t0 = time.perf_counter()
            services.merge_files(paths["ours"], paths["theirs"], paths["base"], folder / "out.yaml")
            files_s = time.perf_counter() - t0
    figures = {
        "codes_ours": len(ours),
        "codes_theirs": len(theirs),
        "codes_result": len(result.codebook),
        "conflicts": len(result.conflicts),
        "changes": len(result.changes),
        "suggestions": len(result.suggestions),
        "merge_s": round(statistics.median(times), 4),
        "merge_max_s": round(max(times), 4),
        "files_s": None if files_s is None else round(files_s, 3),
        "problems": problems,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"base {len(base)} codes; ours {len(ours)}, theirs {len(theirs)}; result "
            f"{len(result.codebook)} codes, {len(result.conflicts)} conflicts, "
            f"{len(result.changes)} changes taken, {len(result.suggestions)} near duplicates"
        )
        print(
            f"merge + near duplicates (in-process, median of {args.repeat}): {figures['merge_s']:.3f} s"
        )
        if files_s is not None:
            print(
                f"files to file (read, validate, merge, write with comments kept): {files_s:.2f} s"
            )
        for p in problems:
            print(f"problem: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
