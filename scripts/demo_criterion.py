#!/usr/bin/env python3
"""The demonstration preset's criterion (issue 36), seed by seed, from a sweep's summary.json.

A sweep of one replicate per configuration, the seed a list (docs/sweeps/demo-candidates-3.toml, -4.toml): each
configuration is one seed's run. A page seed s with K replicates (--reps K) shows the mean of seeds s .. s+K-1
(replicate i runs seed s + i, src/engine/records/replicates.rs); this script averages those runs itself. Only
rounds up to --rounds R are judged (the rounds before R do not depend on how many follow).

For every page seed 1-10 the winning round is the sparsest pruned round whose ticket is within 1 point of the dense
network's test accuracy (round 0); the seed meets the criterion when the random reinit is at least 5 points below
the ticket there. A candidate (the settings without the seed) meets it when every page seed does. Prints a Markdown
table per candidate (every seed's dense, winning round, weights left, ticket and reinit) and one line per candidate:
median and min-max of the ticket-minus-reinit gap at the winning round.

    python3 scripts/demo_criterion.py docs/sweeps/demo-candidates-4 [--reps 3] [--rounds 10] [--only]
"""
import argparse
import gzip
import json
import re
import statistics
import sys
from collections import defaultdict

TICKET_WITHIN = 0.01
REINIT_BELOW_BY = 0.05
PAGE_SEEDS = range(1, 11)


def load(folder):
    """The sweep's summary.json, or the summary.json.gz committed in its place (the per-round figures of 100+
    runs are megabytes as JSON, about 100 KB compressed)."""
    try:
        return json.load(open(f"{folder}/summary.json"))
    except FileNotFoundError:
        return json.load(gzip.open(f"{folder}/summary.json.gz"))


def mean(network, key="test_accuracy"):
    return network[key]["mean"] if network and key in network else None


def averaged(runs, seed, reps, rounds):
    """The rounds a page seed shows: each round's ticket and reinit, the mean over its replicates' runs."""
    chosen = [runs[seed + i] for i in range(reps)]
    out = []
    for k in range(rounds + 1):
        tickets = [mean(r[k]["ticket"]) for r in chosen]
        reinits = [mean(r[k].get("reinit")) for r in chosen]
        out.append({
            "round": k,
            "weights_remaining": chosen[0][k]["weights_remaining"],
            "ticket": statistics.fmean(tickets),
            "reinit": None if None in reinits else statistics.fmean(reinits),
        })
    return out


def judge(rounds):
    """(dense, winning round or None, met) of one page seed's averaged rounds."""
    dense = rounds[0]["ticket"]
    matching = [r for r in rounds[1:] if r["ticket"] >= dense - TICKET_WITHIN]
    if not matching:
        return dense, None, False
    win = min(matching, key=lambda r: r["weights_remaining"])
    met = win["reinit"] is not None and win["reinit"] <= win["ticket"] - REINIT_BELOW_BY
    return dense, win, met


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--reps", type=int, default=1, help="replicates a page seed averages (default 1)")
    parser.add_argument("--rounds", type=int, default=None, help="judge rounds 1..R only (default: all)")
    parser.add_argument("--only", action="store_true", help="print the candidates' lines only")
    args = parser.parse_args()
    summary = load(args.folder)
    candidates = defaultdict(dict)
    for c in summary["configurations"]:
        if c["replicates"] != 1:
            sys.exit(f"{c['settings']}: {c['replicates']} replicates; the criterion is seed by seed (reps = 1)")
        settings = re.sub(r"(^|&)seed=\d+", "", c["settings"]).strip("&")
        candidates[settings][c["config"]["seed"]] = c["rounds"]
    lines = []
    for settings, runs in candidates.items():
        rounds = min(len(r) for r in runs.values()) - 1 if args.rounds is None else args.rounds
        missing = [s + i for s in PAGE_SEEDS for i in range(args.reps) if s + i not in runs]
        if missing:
            sys.exit(f"{settings}: no run of seed {missing[0]} (page seeds 1-10 with {args.reps} replicates)")
        table = [f"\n### {settings}, {args.reps} replicate(s), rounds 1-{rounds}\n",
                 "| seed | dense % | winning round | weights % | ticket % | reinit % | met |",
                 "|---:|---:|---:|---:|---:|---:|---|"]
        gaps, met_all = [], True
        for seed in PAGE_SEEDS:
            dense, win, met = judge(averaged(runs, seed, args.reps, rounds))
            met_all &= met
            if win is None:
                table.append(f"| {seed} | {dense * 100:.1f} | none | – | – | – | no |")
                continue
            reinit = win["reinit"]
            gaps.append(float("nan") if reinit is None else (win["ticket"] - reinit) * 100)
            reinit_text = "–" if reinit is None else f"{reinit * 100:.1f}"
            table.append(f"| {seed} | {dense * 100:.1f} | {win['round']} | {win['weights_remaining'] * 100:.1f} | "
                         f"{win['ticket'] * 100:.1f} | {reinit_text} | {'yes' if met else 'no'} |")
        if not args.only:
            print("\n".join(table))
        spread = (f"gap median {statistics.median(gaps):.1f} points (min {min(gaps):.1f}, max {max(gaps):.1f})"
                  if gaps else "no seed has a winning round")
        lines.append(f"{'MET' if met_all else 'not met'} ({sum(1 for _ in PAGE_SEEDS)} seeds): {settings}: {spread}")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
