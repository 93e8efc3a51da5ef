"""What LeNet-300-100's ticket saves over seeds 1-10: every round's files (from the run's report) and round 15's
accuracies at each precision and its times (from `lottery export --json` per replicate), as Markdown.

    lottery run --preset lenet-mnist --set rounds=15 --set reinit=0 --set random=0 --set reps=10 --out r.json
    python3 scripts/ticket_savings.py r.json OUT_DIR        # writes OUT_DIR/exports.jsonl and OUT_DIR/summary.md

The report holds each round's `ticket_bytes` (the lengths of files really written) and the ticket's test accuracy;
the export trains round 15 again from θ0 ⊙ m (the report keeps masks only) and measures the compact files read
back through the sparse kernel, and the time per sample, dense against sparse, on this machine.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROUND = 15
LOTTERY = os.environ.get("LOTTERY") or os.path.expanduser(
    "~/.cache/lottery-ticket-lab/target-native/release/lottery")


def spread(values, digits=2):
    """Median (min-max) of a list."""
    fmt = f"{{:,.{digits}f}}"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def mean_sd(values, digits=2):
    fmt = f"{{:.{digits}f}}"
    return f"{fmt.format(statistics.mean(values))} ± {fmt.format(statistics.stdev(values))}"


def main(report_path, out_dir):
    report = json.load(open(report_path))
    replicates = report["replicates"]
    os.makedirs(out_dir, exist_ok=True)
    exports_path = os.path.join(out_dir, "exports.jsonl")
    exports = []
    if os.path.exists(exports_path):
        exports = [json.loads(line) for line in open(exports_path)]
    for n in range(len(exports), len(replicates)):
        out = subprocess.run([LOTTERY, "export", "--from", report_path, "--replicate", str(n + 1), "--round",
                              str(ROUND), "--precision", "int8", "--out", os.path.join(tempfile.gettempdir(), "ticket.ltlc"),
                              "--json"], check=True, capture_output=True, text=True).stdout
        exports.append(json.loads(out))
        with open(exports_path, "a") as f:
            f.write(json.dumps(exports[-1]) + "\n")
    seeds = [r["config"]["seed"] for r in replicates]
    lines = [f"# LeNet-300-100's ticket as files, seeds {min(seeds)}–{max(seeds)}", "",
             f"`{' '.join(sys.argv)}` on `{os.path.basename(report_path)}` ({len(replicates)} replicates, "
             "the preset's recipe, the ticket alone). Median (min–max) over the seeds.", "",
             "## Every round (the report's `ticket_bytes` and the ticket's test accuracy)", "",
             "| round | weights % | gzipped dense B | compact f32 B | f16 B | int8 B | int8 share of dense f32 "
             "| ticket test acc % |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k in range(len(replicates[0]["rounds"])):
        rounds = [r["rounds"][k] for r in replicates]
        b = [r["ticket_bytes"] for r in rounds]
        share = [x["dense_f32"] / x["compact_int8"] for x in b]
        lines.append(f"| {k} | {rounds[0]['weights_remaining'] * 100:.2f} | "
                     f"{spread([x['dense_gzip'] for x in b], 0)} | {spread([x['compact_f32'] for x in b], 0)} | "
                     f"{spread([x['compact_f16'] for x in b], 0)} | {spread([x['compact_int8'] for x in b], 0)} | "
                     f"1/{spread(share, 1)} | {spread([r['ticket']['test_accuracy'] * 100 for r in rounds])} |")
    lines += ["", f"## Round {ROUND}: each precision's accuracy and the time per sample (`lottery export --json`)", "",
              "| seed | f32 ticket acc % | f16 | int8 | int8 − f32 (points) | f32 disagreements | batch 1 µs dense / sparse "
              "| speed-up | batch 256 µs dense / sparse |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for seed, e in zip(seeds, exports):
        a, t = e["agreement"], e["timing"]
        lines.append(f"| {seed} | {a['dense_accuracy'] * 100:.2f} | {a['sparse_f16_accuracy'] * 100:.2f} | "
                     f"{a['sparse_int8_accuracy'] * 100:.2f} | "
                     f"{(a['sparse_int8_accuracy'] - a['dense_accuracy']) * 100:+.2f} | {a['f32_disagreements']} | "
                     f"{t[0]['dense_us']:.1f} / {t[0]['sparse_us']:.1f} | {t[0]['dense_us'] / t[0]['sparse_us']:.1f}× | "
                     f"{t[1]['dense_us']:.1f} / {t[1]['sparse_us']:.1f} |")
    a = [e["agreement"] for e in exports]
    t = [e["timing"] for e in exports]
    b = [e["bytes"] for e in exports]
    drop = [(x["sparse_int8_accuracy"] - x["dense_accuracy"]) * 100 for x in a]
    lines += ["", "Over the seeds:", "",
              f"- int8 file: 1/{mean_sd([x['dense_f32'] / x['compact_int8'] for x in b], 1)} of the dense f32 bytes "
              f"(mean ± sd; goal at most 1/25), f16 1/{mean_sd([x['dense_f32'] / x['compact_f16'] for x in b], 1)}",
              f"- int8 − f32 test accuracy: {mean_sd(drop)} points, largest drop {-min(drop):.2f} (goal within 0.2)",
              f"- batch-1 speed-up, sparse against dense: {spread([x[0]['dense_us'] / x[0]['sparse_us'] for x in t], 1)}"
              "× (goal 5×)",
              f"- batch 256, the sparse kernel's speed-up (dense µs / sparse µs; below 1 it is slower): "
              f"{spread([x[1]['dense_us'] / x[1]['sparse_us'] for x in t], 2)}×",
              f"- f32 sparse kernel against the dense network: {sum(x['f32_disagreements'] for x in a)} rows "
              f"disagree in all, logits within {max(x['f32_largest_relative_difference'] for x in a):.1e} (relative)",
              f"- machine: {exports[0]['backend']}, times the median of 41 passes"]
    open(os.path.join(out_dir, "summary.md"), "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
