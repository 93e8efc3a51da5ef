#!/usr/bin/env python3
"""`make bench`: the figures of issue #6, printed as a table and written as
JSON under bench-results/ (git-ignored).

- native step time of LeNet-300-100 (batch 60, Adam, masks kept) on burn's
  CPU backend (burn-flex) and on wgpu where an adapter exists (lavapipe here),
- the same step in JAX (jit) from bench/step_jax.py, in a virtual
  environment this script makes; PyTorch (eager) only with BENCH_TORCH=1
  (PyPI's wheel pulls ~5 GB of CUDA libraries),
- the theoretical floor: the step's FLOPs over the measured matmul peak
  (numpy's sgemm with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for that one
  measurement: the machine sets them, and they hold OpenBLAS to Haswell code),
- the release page's weight (wasm + JS, raw and gzipped),
- TensorFlow.js (bench/tfjs, npm) on the same masked LeNet step in the same browser: wasm and webgpu;
- the page in headless Chromium (tests/browser/bench-page.mjs): WebGPU
  dispatches, submits, writes, new buffers and maps per step; the CPU path's
  lenet-mnist step, a run's fixed cost, whole presets' wall time
  (BENCH_LENET=1 adds the whole lenet-mnist preset, minutes).
Everything runs on BENCH_THREADS threads (default 1), the references too.
"""
import datetime
import glob
import gzip
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("CACHE", os.path.expanduser("~/.cache/lottery-ticket-lab"))
VENV = os.path.join(CACHE, "bench-venv")
TARGET = os.path.join(CACHE, "target-native")
THREADS = os.environ.get("BENCH_THREADS", "1")
ENV = {**os.environ, "BENCH_THREADS": THREADS, "RAYON_NUM_THREADS": THREADS, "CARGO_TARGET_DIR": TARGET}
# The machine's OpenBLAS settings hold numpy's sgemm to Haswell kernels; the
# peak (and so the floor) is measured without them. Nothing else changes them.
PEAK_ENV = {k: v for k, v in ENV.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def say(msg):
    print(f"\033[1mbench:\033[0m {msg}", file=sys.stderr, flush=True)


def run_json(cmd, env=None, **kw):
    """Run a command whose last stdout line is JSON; None (and the reason) on failure."""
    p = subprocess.run(cmd, cwd=ROOT, env=env or ENV, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        say(f"{' '.join(cmd[:3])}… failed: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else p.returncode}")
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def venv(packages):
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        say(f"making a virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    missing = [p for p in packages if subprocess.run([py, "-c", f"import {p}"], capture_output=True).returncode != 0]
    if missing:
        say(f"pip install {' '.join(missing)}")
        subprocess.run([py, "-m", "pip", "install", "--quiet", *missing], check=True)
    return py


def leb(data, i):
    """An unsigned LEB128 at data[i:]: (value, next index)."""
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def wasm_sections(path):
    """Bytes per section of a wasm module (code, data, custom sections by name):
    where the page's weight sits, even in a stripped module."""
    data = open(path, "rb").read()
    names = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
             7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}
    out, i = {}, 8
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        name = names.get(sid, str(sid))
        if sid == 0:
            n, k = leb(data, j)
            name = "custom:" + data[k:k + n].decode("utf-8", "replace")
        if sid == 10:
            out["functions"], _ = leb(data, j)
        out[name] = out.get(name, 0) + size
        i = j + size
    return out


def gz(path):
    data = open(path, "rb").read()
    return len(data), len(gzip.compress(data, 9))


def main():
    cargo = os.path.expanduser("~/.cargo/bin/cargo")
    cargo = cargo if os.path.exists(cargo) else "cargo"
    say("building the native lottery command")
    # `cargo test --no-run` builds `lottery` with the same resolved features as
    # `make test` (dev-dependencies unify some), so the two share one build.
    subprocess.run([cargo, "test", "--release", "--locked", "--no-run"], cwd=ROOT, env=ENV, check=True)
    lottery = os.path.join(TARGET, "release", "lottery")
    results = {"machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "threads": int(THREADS)},
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    try:
        results["machine"]["cpu"] = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass

    say("timing the burn step on the CPU (burn-flex)")
    results["burn_flex"] = run_json([lottery, "bench-step", "--backend", "cpu"])
    say("timing the burn step on wgpu (lavapipe where there is no GPU)")
    results["burn_wgpu"] = run_json([lottery, "bench-step", "--backend", "wgpu", "--blocks", "7", "--steps", "10"])
    say("timing the modular preset's transformer step on the CPU (burn-flex)")
    results["modular_flex"] = run_json([lottery, "bench-step", "--backend", "cpu", "--preset", "modular"])
    density = json.dumps((results["burn_flex"] or {}).get("layer_density", [0.8, 0.8, 0.9]))

    say("the paper's LeNet-300-100 ticket at 3.6% (lenet-mnist, 15 rounds, the ticket alone): what it saves")
    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    lenet = os.path.join(ROOT, "bench-results", "lenet-mnist-15-rounds.json")
    if not os.path.exists(lenet):
        subprocess.run([lottery, "run", "--preset", "lenet-mnist", "--set", "rounds=15", "--set", "reinit=0",
                        "--set", "random=0", "--out", lenet], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)
    results["ticket"] = run_json([lottery, "export", "--from", lenet, "--round", "15", "--precision", "int8",
                                  "--out", os.path.join(ROOT, "bench-results", "lenet-ticket-int8.ltlc"), "--json"])

    py = venv(["jax", "optax", "numpy", "threadpoolctl"])
    say("timing the JAX step (jit, CPU)")
    results["jax"] = run_json([py, "bench/step_jax.py", density])
    if os.environ.get("BENCH_TORCH") == "1":
        py = venv(["torch"])
        say("timing the PyTorch step (eager, CPU)")
        results["torch"] = run_json([py, "bench/step_torch.py", density])
    results["matmul"] = run_json([py, "bench/matmul_peak.py"], env=PEAK_ENV)

    widths = [784, 300, 100, 10]
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    flops = 6 * weights * 60
    if results["matmul"]:
        results["floor_ms"] = flops / (results["matmul"]["matmul_gflops"] * 1e9) * 1000
    results["step_flops"] = flops

    wasm = sorted(glob.glob(os.path.join(ROOT, "dist", "*.wasm")))
    js = [p for p in glob.glob(os.path.join(ROOT, "dist", "*.js")) if not p.endswith("gpu-watch.js")] + glob.glob(os.path.join(ROOT, "dist", "gpu-watch.js"))
    if wasm:
        w, wz = gz(wasm[0])
        j = [gz(p) for p in js]
        results["page"] = {"wasm_bytes": w, "wasm_gzip_bytes": wz, "js_bytes": sum(x for x, _ in j), "js_gzip_bytes": sum(z for _, z in j),
                           "wasm_sections": wasm_sections(wasm[0])}
        results["page_gzip_bytes"] = wz + results["page"]["js_gzip_bytes"]
    else:
        say("no dist/*.wasm: build the page first (make page)")

    tfjs = os.path.join(ROOT, "bench", "tfjs")
    if not os.path.isdir(os.path.join(tfjs, "node_modules", "@tensorflow", "tfjs")):
        say("npm ci (TensorFlow.js 4.22, for the same step side by side in the page's browser)")
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=tfjs, check=False)
    say("timing the page in headless Chromium (minutes; BENCH_LENET=1 adds the whole lenet-mnist preset)")
    results["browser"] = run_json(["node", "tests/browser/bench-page.mjs"], timeout=7200)

    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        with open(os.path.join(ROOT, "bench-results", name), "w") as f:
            json.dump(results, f, indent=2)
    print_table(results)
    say(f"written to bench-results/bench-{stamp}.json and bench-results/latest.json")


def fmt(x, unit="", digits=2):
    return "–" if x is None else f"{x:.{digits}f}{unit}"


def print_table(r):
    m = lambda k: (r.get(k) or {}).get("median_ms")  # noqa: E731
    print(f"\nLottery Ticket Lab benchmark, {r['date']}, {r['machine']['cpu']}, {r['machine']['cores']} cores, {r['machine']['threads']} thread(s)\n")
    print("| LeNet-300-100 step (batch 60, Adam, masked) | median ms |")
    print("|---|---:|")
    print(f"| burn-flex (CPU, native) | {fmt(m('burn_flex'))} |")
    print(f"| burn-wgpu ({'lavapipe' if os.path.exists('/usr/share/vulkan/icd.d/lvp_icd.x86_64.json') else 'wgpu'}, native) | {fmt(m('burn_wgpu'))} |")
    print(f"| JAX {(r.get('jax') or {}).get('version', '')} jit (CPU) | {fmt(m('jax'))} |")
    if "torch" in r:
        print(f"| PyTorch {(r.get('torch') or {}).get('version', '')} eager (CPU) | {fmt(m('torch'))} |")
    mm = r.get("matmul") or {}
    print(f"| floor: {r['step_flops'] / 1e6:.1f} MFLOP at {fmt(mm.get('matmul_gflops'), ' GFLOP/s', 1)} ({mm.get('kernel', '?')}) | {fmt(r.get('floor_ms'))} |")
    b = r.get("browser") or {}
    lc = b.get("lenet_cpu") or {}
    print(f"| the page's CPU path (burn-flex, wasm SIMD128, Chromium) | {fmt(lc.get('step_ms'))} |")
    page = r.get("page")
    if page:
        print(f"\npage: wasm {page['wasm_bytes']:,} B ({page['wasm_gzip_bytes']:,} B gzipped), JS {page['js_bytes']:,} B ({page['js_gzip_bytes']:,} B gzipped)")
        sec = page.get("wasm_sections", {})
        print("wasm sections: " + ", ".join(f"{k} {v:,} B" for k, v in sorted(sec.items(), key=lambda kv: -kv[1]) if k != "functions" and v > 1000)
              + f" ({sec.get('functions', 0):,} functions)")
    if b.get("load"):
        ld = b["load"]
        print(f"load (spiral, CPU path): first paint {fmt(ld.get('first_paint_ms'), ' ms', 0)}, app {fmt(ld.get('app_ready_ms'), ' ms', 0)}, "
              f"first step {fmt(ld.get('first_step_after_train_ms'), ' ms', 0)} after Train")
    for g in b.get("webgpu") or []:
        print(f"\nWebGPU, {g['preset']} ({g['backend']}), per step (runs of {g['runs'][0]} and {g['runs'][1]} steps):")
        print(f"  webgpu_dispatches_per_step[{g['preset']}]: {g['dispatches_per_step']}  submits {g['submits_per_step']}, "
              f"buffer writes {g['buffer_writes_per_step']}, new buffers {g['buffers_created_per_step']}, buffer maps {g['buffer_maps_per_step']}, "
              f"new pipelines {g['pipelines_created_per_step']}")
        print("  kernels: " + ", ".join(f"{k} ×{v}" for k, v in g["kernels_per_step"].items()))
        print("  new buffers: " + ", ".join(f"{k} ×{v}" for k, v in g.get("buffers_created_per_step_by_kind", {}).items()))
    print()
    if lc:
        print(f"page_cpu_step_ms[lenet-mnist]: {fmt(lc.get('step_ms'))}  (native {fmt(m('burn_flex'))}: "
              f"{fmt(lc['step_ms'] / m('burn_flex') if lc.get('step_ms') and m('burn_flex') else None)}×)")
        print(f"page_cpu_fixed_cost_ms[lenet-mnist, one round]: {fmt(lc.get('fixed_cost_ms'), '', 0)}  round end {json.dumps(lc['runs'][0].get('round_end'))}")
    mc, mf = b.get("modular_cpu") or {}, r.get("modular_flex") or {}
    if mc or mf:
        print(f"native_cpu_step_ms[modular]: {fmt(mf.get('median_ms'))}  ({mf.get('network', '?')}, full batch)")
        print(f"page_cpu_step_ms[modular]: {fmt(mc.get('step_ms'))}")
        print(f"page_cpu_wall_s[modular preset]: {fmt((b.get('modular_preset_cpu') or {}).get('wall_s'), '', 1)}")
    if b.get("spiral_preset_cpu"):
        print(f"page_cpu_wall_s[spiral preset]: {fmt(b['spiral_preset_cpu']['wall_s'])}")
    if b.get("lenet_preset_cpu"):
        print(f"page_cpu_wall_s[lenet-mnist preset]: {fmt(b['lenet_preset_cpu']['wall_s'], '', 1)}")
    for key, name in (("workers_demo_reps5", "demo reps=5"), ("workers_lenet_preset", "lenet-mnist preset")):
        w = b.get(key)
        if w:
            print(f"page_cpu_wall_s[{name}, 1 worker / {w['cores']} workers]: {fmt(w['one_worker_s'], '', 1)} / "
                  f"{fmt(w['all_cores_s'], '', 1)}  ratio {fmt(w['ratio'])} (target ≤ 0.6 on 2 cores)")
    tw, tg = b.get("tfjs_wasm"), b.get("tfjs_webgpu")
    if tw and lc.get("step_ms"):
        print(f"page_cpu_step_vs_tfjs_wasm[lenet-mnist]: {fmt(lc['step_ms'] / tw['step_ms'])}  "
              f"(ours {fmt(lc['step_ms'])} ms, {tw['library']} wasm {fmt(tw['step_ms'])} ms per step, same browser)")
    ours = next((g for g in b.get("webgpu") or [] if g.get("preset") == "lenet-mnist"), None)
    if tg and ours:
        print(f"webgpu_dispatches_vs_tfjs[lenet-mnist]: {fmt(ours['dispatches_per_step'] / tg['dispatches_per_step'])}  "
              f"(ours {ours['dispatches_per_step']}, {tg['library']} webgpu {tg['dispatches_per_step']} dispatches per step; "
              f"submits {ours['submits_per_step']} / {tg['submits_per_step']}, buffer writes {ours['buffer_writes_per_step']} / "
              f"{tg['buffer_writes_per_step']}, new buffers {ours['buffers_created_per_step']} / {tg['buffers_created_per_step']})")
    mt = b.get("main_thread_lenet")
    if mt:
        print(f"main_thread_longest_task_ms[lenet-mnist round]: {fmt(mt['longest_task_ms'], '', 0)}  "
              f"({mt['long_tasks']} tasks over 50 ms, {fmt(mt['blocked_s'], '', 1)} s of {fmt(mt['wall_s'], '', 1)} s blocked)")
        print(f"main_thread_click_wait_ms[lenet-mnist round]: {fmt(mt['longest_click_wait_ms'], '', 0)}  "
              f"(the longest of {mt['clicks']} clicks, one every 500 ms)")
    tp = b.get("ticket_pad")
    if tp:
        print(f"ticket_batch1_speedup_page_cpu: {fmt(tp['speedup'])}  (LeNet-300-100 at {tp['weights_remaining_pct']}% "
              f"on the pad: dense {fmt(tp['dense_us'])} µs, sparse {fmt(tp['sparse_us'])} µs per input; compact int8 "
              f"{tp['compact_int8_bytes']:,} B of dense f32 {tp['dense_f32_bytes']:,} B)")
    if b.get("auto_spiral"):
        print(f"auto on spiral here: {b['auto_spiral']['backend']}")
    t = r.get("ticket")
    if t and t.get("agreement"):
        b_, a_ = t["bytes"], t["agreement"]
        print(f"\nWhat the ticket saves: LeNet-300-100 round {t['round']}, {t['weights_remaining'] * 100:.2f}% of the weights "
              f"(bytes; test accuracy of the sparse kernel on the file read back)")
        print("| form | bytes | of dense f32 | test acc % |\n|---|---:|---:|---:|")
        print(f"| dense f32 (masked, burn {t['backend']}) | {b_['dense_f32']:,} | 1 | {a_['dense_accuracy'] * 100:.2f} |")
        print(f"| dense f32, gzipped | {b_['dense_gzip']:,} | 1/{b_['dense_f32'] / b_['dense_gzip']:.1f} | |")
        for p in ("f32", "f16", "int8"):
            n = b_[f"compact_{p}"]
            print(f"| compact {p} | {n:,} | 1/{b_['dense_f32'] / n:.1f} | {a_[f'sparse_{p}_accuracy'] * 100:.2f} |")
        print("| batch | dense µs/sample | sparse µs/sample | speed-up |\n|---:|---:|---:|---:|")
        for x in t["timing"]:
            print(f"| {x['batch']} | {x['dense_us']:.2f} | {x['sparse_us']:.2f} | {x['dense_us'] / x['sparse_us']:.1f}x |")
        print(f"ticket_compact_int8_share_of_dense: 1/{b_['dense_f32'] / b_['compact_int8']:.1f}")
        print(f"ticket_batch1_speedup_native: {t['timing'][0]['dense_us'] / t['timing'][0]['sparse_us']:.1f}")
    if m("burn_flex") and m("jax"):
        print(f"step_ratio_vs_jax: {m('burn_flex') / m('jax'):.2f}")
    if m("burn_flex") and r.get("floor_ms"):
        print(f"step_ratio_vs_floor: {m('burn_flex') / r['floor_ms']:.2f}")
    if m("burn_flex") and m("torch"):
        print(f"step_ratio_vs_torch: {m('burn_flex') / m('torch'):.2f}")
    if "page_gzip_bytes" in r:
        print(f"page_gzip_bytes: {r['page_gzip_bytes']}")
    if (b.get("load") or {}).get("first_paint_ms") is not None:
        print(f"first_paint_ms: {fmt(b['load']['first_paint_ms'], '', 0)}")


if __name__ == "__main__":
    main()
