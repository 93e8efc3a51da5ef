// Page figures for `make bench` (never asserted). Prints one JSON line.
//   node tests/browser/bench-page.mjs            everything but the whole lenet-mnist preset
//   BENCH_LENET=1 node tests/browser/bench-page.mjs   also the whole lenet-mnist preset (minutes)
//   BENCH_ONLY=webgpu (or cpu) node tests/browser/bench-page.mjs   one half
//   BENCH_ONLY=ticket-pad node tests/browser/bench-page.mjs   only the ticket pad: LeNet's 3.6% ticket, batch 1
//   BENCH_ONLY=main-thread node tests/browser/bench-page.mjs   only the main thread during a lenet-mnist round
//   BENCH_ONLY=side-by-side node tests/browser/bench-page.mjs  only the lenet-mnist step against TensorFlow.js's
//   BENCH_ONLY=workers node tests/browser/bench-page.mjs   only 1 worker against all cores (demo reps=5; BENCH_LENET=1: lenet-mnist)
//
// - load: first paint, app ready, first step after Train (spiral, CPU path);
// - WebGPU work per training step, counted in the real page on Chromium's
//   WebGPU (SwiftShader here: the counts do not depend on the adapter) by
//   wrapping the WebGPU calls in an init script; per step = the difference of
//   two runs of different lengths (same evaluations), so set-up is excluded;
//   the kernels of one step are listed by pipeline label;
// - the CPU path (burn-flex in wasm): ms per lenet-mnist step (difference of
//   a 100- and a 400-step run, evaluation only at the ends), the fixed cost
//   of a one-round run, where its round end goes, and whole presets' wall time;
// - what backend=auto picks here, and the line it shows;
// - the main thread during a lenet-mnist round: tasks over 50 ms and how long a click waits;
// - side by side: the demo with reps=5 and (BENCH_LENET=1 or BENCH_ONLY=workers) the whole lenet-mnist preset, with
//   one engine worker and with one per core (workers=0), wall time and ratio;
// - the engine trains in Web Workers: the WebGPU counters are installed in the worker (workers=1), not the page;
// - TensorFlow.js (bench/tfjs) on the same masked LeNet-300-100 Adam step in the same Chromium: its wasm backend
//   against the CPU path (ms per step), its webgpu backend against ours (WebGPU calls per step).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, root, serve } from './harness.js';

const STEP_RUNS = [100, 400];
const GPU_RUNS = [6, 16];
/** Steps per round of the ticket pad's LeNet (its 15 rounds of pruning, not a trained network: see ticketPad). */
const PAD_STEPS = 20;

/** Counts every WebGPU call that costs a round trip or an allocation. */
function countWebgpu() {
  const c = { dispatches: 0, submits: 0, writes: 0, buffers: 0, maps: 0, pipelines: 0, kernels: {} };
  globalThis.__gpuCounts = c;
  const wrap = (proto, name, f) => {
    const orig = proto?.[name];
    if (!orig) return;
    proto[name] = function (...args) { f.call(this, ...args); return orig.apply(this, args); };
  };
  const labels = new WeakMap();
  const current = new WeakMap();
  const P = globalThis.GPUComputePassEncoder?.prototype;
  const createPipeline = globalThis.GPUDevice?.prototype.createComputePipeline;
  if (createPipeline) {
    GPUDevice.prototype.createComputePipeline = function (desc, ...rest) {
      c.pipelines++;
      const p = createPipeline.call(this, desc, ...rest);
      labels.set(p, desc?.label || desc?.compute?.entryPoint || 'unlabelled');
      return p;
    };
  }
  wrap(P, 'setPipeline', function (p) { current.set(this, labels.get(p) ?? 'unknown'); });
  const dispatch = function () {
    c.dispatches++;
    const k = current.get(this) ?? 'unknown';
    c.kernels[k] = (c.kernels[k] ?? 0) + 1;
  };
  wrap(P, 'dispatchWorkgroups', dispatch);
  wrap(P, 'dispatchWorkgroupsIndirect', dispatch);
  wrap(globalThis.GPUQueue?.prototype, 'submit', function () { c.submits++; });
  wrap(globalThis.GPUQueue?.prototype, 'writeBuffer', function () { c.writes++; });
  // New buffers by usage (GPUBufferUsage bits: 1 MAP_READ, 4 COPY_SRC, 8 COPY_DST, 64 UNIFORM, 128 STORAGE)
  // and size, so each one can be named.
  c.bufferKinds = {};
  wrap(globalThis.GPUDevice?.prototype, 'createBuffer', function (desc) {
    c.buffers++;
    const k = `usage ${desc?.usage} size ${desc?.size}${desc?.mappedAtCreation ? ' mapped' : ''}`;
    c.bufferKinds[k] = (c.bufferKinds[k] ?? 0) + 1;
  });
  wrap(globalThis.GPUBuffer?.prototype, 'mapAsync', function () { c.maps++; });
}

/** The page's first engine worker (it starts as the page loads). */
async function engineWorker(page) {
  return page.workers()[0] ?? page.waitForEvent('worker');
}

async function runOnce(browser, query, { init, workerInit, timeoutMs = 900_000 } = {}) {
  const { page } = await open(browser, query, { init });
  const worker = workerInit ? await engineWorker(page) : null;
  if (worker) await worker.evaluate(workerInit);
  const loaded = await page.evaluate(() => ({
    firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    appMs: performance.now(),
  }));
  const clickMs = await page.evaluate(() => performance.now());
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#status')?.dataset.state), null, { timeout: timeoutMs, polling: 50 });
  const m = await page.evaluate(() => ({
    first: performance.getEntriesByName('lottery:first-step')[0]?.startTime ?? null,
    done: performance.getEntriesByName('lottery:done')[0]?.startTime ?? null,
    backend: document.querySelector('#backend').textContent,
    kind: document.querySelector('#backend').dataset.kind,
    state: document.querySelector('#status').dataset.state,
    status: document.querySelector('#status').textContent,
    counts: globalThis.__gpuCounts ?? null,
    roundEnds: globalThis.__lotteryRoundEnds ?? [],
  }));
  if (worker) m.counts = await worker.evaluate(() => globalThis.__gpuCounts ?? null);
  await page.context().close();
  if (m.state !== 'done') throw new Error(`${query}: ${m.status}`);
  return { ...loaded, clickMs, ...m, wallMs: m.done - clickMs };
}

const round = (x, d = 2) => (x == null ? null : +x.toFixed(d));

/** Main-thread tasks over 50 ms (Long Tasks API) and how long a click waits for its handler, while training. */
function watchMainThread() {
  const m = { longTasks: [] };
  globalThis.__mainThread = m;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) m.longTasks.push([e.startTime, e.duration]); })
    .observe({ type: 'longtask', buffered: true });
  // When each click reached a handler (wall clock, as the driver's send time is: the same machine's clock; the
  // event's own timeStamp is set only once the busy main thread takes the input, so it cannot see the wait).
  m.clicksHandled = [];
  addEventListener('click', (e) => { if (e.target?.id === 'clicker') m.clicksHandled.push(Date.now()); }, true);
}

/** TensorFlow.js's same masked LeNet-300-100 step (bench/tfjs/step.js) on `backend`, in this browser. */
async function tfjsStep(browser, base, backend, runs, init) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  await page.goto(`${base}step.html`);
  const r = await page.evaluate(([b, n]) => globalThis.tfjsStep(b, n), [backend, runs]);
  await context.close();
  const n = runs[1] - runs[0];
  const per = (k) => (r.counts[1] ? round((r.counts[1][k] - r.counts[0][k]) / n, 2) : null);
  return {
    library: `TensorFlow.js ${r.version}`, backend: r.backend, runs, step_ms: round((r.times_ms[1] - r.times_ms[0]) / n),
    dispatches_per_step: per('dispatches'), submits_per_step: per('submits'), buffer_writes_per_step: per('writes'),
    buffers_created_per_step: per('buffers'), buffer_maps_per_step: per('maps'),
  };
}

/** Our lenet-mnist step on the CPU path: the difference of two runs of STEP_RUNS steps (evaluation at the ends). */
async function lenetCpuStep(browser, base) {
  const runs = [];
  for (const steps of STEP_RUNS) {
    runs.push(await runOnce(browser, `${base}?preset=lenet-mnist&rounds=0&steps=${steps}&eval=${steps}&backend=cpu`));
  }
  const stepMs = (runs[1].wallMs - runs[0].wallMs) / (STEP_RUNS[1] - STEP_RUNS[0]);
  return {
    step_ms: round(stepMs),
    fixed_cost_ms: round(runs[0].wallMs - STEP_RUNS[0] * stepMs, 0),
    runs: STEP_RUNS.map((st, i) => ({ steps: st, wall_ms: round(runs[i].wallMs, 0), round_end: runs[i].roundEnds[0] })),
    backend: runs[0].backend,
  };
}

const CLICK_EVERY_MS = 500;

/** Train `query` on the page while a user clicks a blank spot every CLICK_EVERY_MS. */
async function mainThreadDuring(browser, query) {
  const { page } = await open(browser, query, { init: watchMainThread });
  await page.evaluate(() => {
    const spot = Object.assign(document.createElement('div'), { id: 'clicker' });
    spot.style.cssText = 'position:fixed;right:0;bottom:0;width:8px;height:8px';
    document.body.append(spot);
  });
  const started = await page.evaluate(() => performance.now());
  await page.click('#train');
  const box = await (await page.$('#clicker')).boundingBox();
  const isDone = () => page.evaluate(() => ['done', 'error'].includes(document.querySelector('#status')?.dataset.state));
  const sent = [];
  while (!(await isDone())) {
    sent.push(Date.now());
    await page.mouse.click(box.x + 4, box.y + 4);
    await page.waitForTimeout(CLICK_EVERY_MS);
  }
  await page.waitForTimeout(1000); // the last round's drawing
  const m = await page.evaluate((t0) => ({
    ...globalThis.__mainThread, wallMs: performance.getEntriesByName('lottery:done')[0]?.startTime - t0,
    backend: document.querySelector('#backend').textContent,
  }), started);
  await page.context().close();
  // Only the tasks after Train (the observer also sees the page's load).
  const tasks = m.longTasks.filter(([at]) => at >= started).map(([, d]) => d);
  const atLoad = m.longTasks.filter(([at]) => at < started).map(([, d]) => round(d, 0));
  const during = m.longTasks.filter(([at]) => at >= started).map(([at, d]) => [round(at - started, 0), round(d, 0)]);
  const waits = m.clicksHandled.map((t, i) => t - sent[i]);
  return {
    wall_s: round(m.wallMs / 1000, 1), backend: m.backend, long_tasks: tasks.length,
    blocked_s: round(tasks.reduce((a, b) => a + b, 0) / 1000, 1), longest_task_ms: round(Math.max(0, ...tasks), 0),
    clicks: waits.length, longest_click_wait_ms: round(Math.max(0, ...waits), 0),
    long_tasks_at_load_ms: atLoad, long_tasks_while_training: during,
  };
}

/** Wall time of `query` with one engine worker and with one per core; the ratio is what side by side saves. */
async function sideBySide(browser, query, timeoutMs) {
  const one = await runOnce(browser, `${query}&workers=1`, { timeoutMs });
  const all = await runOnce(browser, `${query}&workers=0`, { timeoutMs });
  const cores = await (async () => {
    const { page } = await open(browser, query);
    const n = await page.evaluate(() => navigator.hardwareConcurrency);
    await page.context().close();
    return n;
  })();
  return { one_worker_s: round(one.wallMs / 1000, 1), all_cores_s: round(all.wallMs / 1000, 1), cores,
    ratio: round(all.wallMs / one.wallMs, 2), backend: one.backend };
}

async function webgpuPerStep(browser, base, name) {
  const runs = [];
  for (const steps of GPU_RUNS) {
    runs.push(await runOnce(browser, `${base}&steps=${steps}&eval=${steps}&rounds=0&reinit=0&backend=webgpu&workers=1`,
      { workerInit: countWebgpu }));
  }
  const n = GPU_RUNS[1] - GPU_RUNS[0];
  const [x, y] = runs.map((r) => r.counts);
  const per = (k) => round((y[k] - x[k]) / n, 2);
  const kernels = Object.fromEntries(Object.keys(y.kernels).map((k) => [k, round((y.kernels[k] - (x.kernels[k] ?? 0)) / n, 2)])
    .filter(([, v]) => v > 0).sort((p, q) => q[1] - p[1]));
  const bufferKinds = Object.fromEntries(Object.keys(y.bufferKinds).map((k) => [k, round((y.bufferKinds[k] - (x.bufferKinds[k] ?? 0)) / n, 2)])
    .filter(([, v]) => v > 0).sort((p, q) => q[1] - p[1]));
  return {
    preset: name, backend: runs[1].backend, runs: GPU_RUNS, buffers_created_per_step_by_kind: bufferKinds,
    dispatches_per_step: per('dispatches'), submits_per_step: per('submits'), buffer_writes_per_step: per('writes'),
    buffers_created_per_step: per('buffers'), buffer_maps_per_step: per('maps'), pipelines_created_per_step: per('pipelines'),
    kernels_per_step: kernels,
  };
}

/**
 * The ticket pad on the page's CPU path: LeNet-300-100 pruned the preset's 15 rounds to 3.6% with few steps per
 * round (the kernels' time depends on the shapes, the surviving weights and which inputs are non-zero, not on how
 * well it trained), then a digit drawn on the pad: the dense network of round 0 through the dense product and the
 * ticket through the sparse kernel, each timed by the page over repeated passes (µs per input, batch 1).
 */
async function ticketPad(browser, base) {
  const page = await browser.newPage();
  await page.goto(`${base}?preset=lenet-mnist&steps=${PAD_STEPS}&eval=${PAD_STEPS}&reinit=0&random=0&backend=cpu`);
  await page.waitForSelector('#train');
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null,
    { timeout: 1_800_000, polling: 500 });
  await page.locator('#ticket-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#ticket-pad').boundingBox();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * (0.5 - 0.01 * i), box.y + box.height * (0.2 + 0.05 * i));
  await page.mouse.up();
  await page.waitForSelector('.try-predictions tbody tr[data-micros]:not([data-micros=""])', { timeout: 60000 });
  const rows = await page.$$eval('.try-predictions tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.micros)));
  const remaining = await page.$eval('#rounds tbody tr:last-child .remaining', (td) => Number(td.textContent));
  const int8 = await page.$eval('.ticket-sizes tr[data-form=compact-int8]', (tr) => Number(tr.dataset.bytes));
  const dense = await page.$eval('.ticket-sizes tr[data-form=dense-f32]', (tr) => Number(tr.dataset.bytes));
  await page.close();
  return { weights_remaining_pct: remaining, dense_us: rows[0], sparse_us: rows[1], speedup: round(rows[0] / rows[1], 2),
    compact_int8_bytes: int8, dense_f32_bytes: dense };
}

const server = await serve();
// TensorFlow.js from bench/tfjs (scripts/bench.py installs it there; without it its figures are left out).
const tfjsDir = join(root, 'bench', 'tfjs');
const tfjs = existsSync(join(tfjsDir, 'node_modules', '@tensorflow', 'tfjs')) ? await serve({ dir: tfjsDir }) : null;
const out = {};
const only = process.env.BENCH_ONLY;
try {
  if (only === 'side-by-side') {
    // Only the lenet-mnist step against TensorFlow.js's: the CPU path against its wasm backend (ms per step), our
    // WebGPU step against its webgpu backend (dispatches per step; SwiftShader's times say nothing of a GPU).
    const cpu = await launch({ webgpu: false });
    try {
      out.lenet_cpu = await lenetCpuStep(cpu, server.url);
      out.tfjs_wasm = await tfjsStep(cpu, tfjs.url, 'wasm', STEP_RUNS);
    } finally {
      await cpu.close();
    }
    const gpu = await launch({ webgpu: true });
    try {
      out.webgpu = [await webgpuPerStep(gpu, `${server.url}?preset=lenet-mnist&n=1000`, 'lenet-mnist')];
      out.tfjs_webgpu = await tfjsStep(gpu, tfjs.url, 'webgpu', GPU_RUNS, countWebgpu);
    } finally {
      await gpu.close();
    }
  } else if (only === 'workers') {
    const cpu = await launch({ webgpu: false });
    try {
      out.workers_demo_reps5 = await sideBySide(cpu, `${server.url}?preset=demo&reps=5&backend=cpu`, 900_000);
      if (process.env.BENCH_LENET === '1') {
        out.workers_lenet_preset = await sideBySide(cpu, `${server.url}?preset=lenet-mnist&backend=cpu`, 3_600_000);
      }
    } finally {
      await cpu.close();
    }
  } else if (only === 'ticket-pad') {
    const cpu = await launch({ webgpu: false });
    try {
      out.ticket_pad = await ticketPad(cpu, server.url);
    } finally {
      await cpu.close();
    }
  } else if (only === 'main-thread') {
    const cpu = await launch({ webgpu: false });
    try {
      out.main_thread_lenet = await mainThreadDuring(cpu, `${server.url}?preset=lenet-mnist&rounds=0&backend=cpu`);
    } finally {
      await cpu.close();
    }
  } else if (only !== 'webgpu') {
  const cpu = await launch({ webgpu: false });
  try {
    // Load and the spiral preset on the CPU path (the whole preset: 8 rounds, ticket and controls).
    const s = await runOnce(cpu, `${server.url}?preset=spiral&backend=cpu`);
    out.load = { first_paint_ms: round(s.firstPaintMs, 0), app_ready_ms: round(s.appMs, 0), first_step_after_train_ms: round(s.first - s.clickMs, 0) };
    out.spiral_preset_cpu = { wall_s: round(s.wallMs / 1000), backend: s.backend };
    // lenet-mnist steps on the CPU path, and TensorFlow.js's wasm backend on the same step beside them.
    out.lenet_cpu = await lenetCpuStep(cpu, server.url);
    if (tfjs) out.tfjs_wasm = await tfjsStep(cpu, tfjs.url, 'wasm', STEP_RUNS);
    // The modular preset's transformer step on the CPU path, and the whole preset (its budget: 90 s here).
    const modular = [];
    for (const steps of STEP_RUNS) {
      modular.push(await runOnce(cpu, `${server.url}?preset=modular&rounds=0&steps=${steps}&eval=${steps}&backend=cpu`));
    }
    const modularStepMs = (modular[1].wallMs - modular[0].wallMs) / (STEP_RUNS[1] - STEP_RUNS[0]);
    out.modular_cpu = { step_ms: round(modularStepMs), backend: modular[0].backend };
    const whole = await runOnce(cpu, `${server.url}?preset=modular&backend=cpu`);
    out.modular_preset_cpu = { wall_s: round(whole.wallMs / 1000, 1), backend: whole.backend };
    // The main thread while one lenet-mnist round trains (round 0: the dense network, 300 steps).
    out.main_thread_lenet = await mainThreadDuring(cpu, `${server.url}?preset=lenet-mnist&rounds=0&backend=cpu`);
    // The ticket pad: LeNet's 3.6% ticket against the dense network, batch 1, on this page's CPU path.
    out.ticket_pad = await ticketPad(cpu, server.url);
    // Side by side: the demo with 5 replicates on 1 worker and on every core.
    out.workers_demo_reps5 = await sideBySide(cpu, `${server.url}?preset=demo&reps=5&backend=cpu`, 900_000);
    if (process.env.BENCH_LENET === '1') {
      const l = await runOnce(cpu, `${server.url}?preset=lenet-mnist&backend=cpu`, { timeoutMs: 3_600_000 });
      out.lenet_preset_cpu = { wall_s: round(l.wallMs / 1000, 1), backend: l.backend, round_ends: l.roundEnds };
      out.workers_lenet_preset = await sideBySide(cpu, `${server.url}?preset=lenet-mnist&backend=cpu`, 3_600_000);
    }
  } finally {
    await cpu.close();
  }
  }
  if (!['cpu', 'main-thread', 'side-by-side', 'workers', 'ticket-pad'].includes(only)) {
  const gpu = await launch({ webgpu: true });
  try {
    out.webgpu = [
      await webgpuPerStep(gpu, `${server.url}?preset=digits`, 'digits'),
      await webgpuPerStep(gpu, `${server.url}?preset=lenet-mnist&n=1000`, 'lenet-mnist'),
      await webgpuPerStep(gpu, `${server.url}?preset=modular`, 'modular'),
    ];
    if (tfjs) out.tfjs_webgpu = await tfjsStep(gpu, tfjs.url, 'webgpu', GPU_RUNS, countWebgpu);
    // What auto picks on this machine (SwiftShader against burn-flex), and why.
    const auto = await runOnce(gpu, `${server.url}?preset=spiral&rounds=0&steps=100&backend=auto`);
    out.auto_spiral = { kind: auto.kind, backend: auto.backend };
  } finally {
    await gpu.close();
  }
  }
} finally {
  server.stop();
  tfjs?.stop();
}
console.log(JSON.stringify(out));
