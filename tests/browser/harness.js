// Shared by the browser tests: serve dist/ on 127.0.0.1, start Debian's
// Chromium through playwright-core (never a downloaded browser), and collect
// what the page says in its console.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

const BASE_FLAGS = [
  '--headless=new', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

/** Serve `dir` (dist/ unless given) on loopback, on `port` (a free one unless given). Resolves to { url, port, stop }. */
export function serve({ dir = join(root, 'dist'), port = 0 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn('python3', [join(root, 'scripts', 'serve.py'), '--dir', dir, '--port', String(port)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    proc.on('error', reject);
    proc.stdout.on('data', (chunk) => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(chunk.toString());
      if (m) resolve({ url: m[0], port: Number(m[1]), stop: () => new Promise((done) => { proc.once('exit', done); proc.kill(); }) });
    });
    setTimeout(() => reject(new Error('server did not start')), 15000);
  });
}

/** Launch Chromium; `webgpu` adds --enable-unsafe-webgpu (SwiftShader's adapter). */
export async function launch({ webgpu }) {
  const args = [...BASE_FLAGS];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args });
}

/** Run `f(browser)` with a fresh Chromium, closed afterwards whatever happens. */
export async function withBrowser({ webgpu }, f) {
  const browser = await launch({ webgpu });
  try {
    return await f(browser);
  } finally {
    await browser.close();
  }
}

/** Keys of a link that do not set up an experiment of the test's own. */
const NOT_AN_EXPERIMENT = new Set(['backend', 'tour', 'class', 'preset', 'workers']);

/** A test's own small experiment trains one replicate unless its link names `reps`: the default experiment (the
 *  demo) runs 3, which would triple every such test's training. Links to the default, to a tour step or to a
 *  preset are left as they are. */
export function oneReplicate(url) {
  const query = new URL(url).searchParams;
  const own = [...query.keys()].some((k) => !NOT_AN_EXPERIMENT.has(k));
  return own && !query.has('reps') && !query.has('preset') ? `${url}&reps=1` : url;
}

/** Open a page that records console errors, uncaught exceptions and requests.
 *  `init` (a function) runs in the page before any of its scripts. */
export async function open(browser, url, { init } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(oneReplicate(url));
  await page.waitForSelector('#train');
  return { page, errors, requests };
}

/** Press Train and wait for the run to end (done or error); returns the state. */
export async function trainToEnd(page, timeoutMs) {
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#status')?.dataset.state),
    null, { timeout: timeoutMs, polling: 250 });
  return page.$eval('#status', (el) => ({ state: el.dataset.state, text: el.textContent }));
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** The rounds table, one string per row. */
export async function roundRows(page) {
  return page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => tr.textContent));
}

/** Wait until `#status` is in one of `states`. */
export async function waitState(page, states, timeoutMs) {
  await page.waitForFunction((s) => s.includes(document.querySelector('#status')?.dataset.state), states,
    { timeout: timeoutMs, polling: 100 });
}

// A part of a ticket file's weights (src/engine/networks/model.rs `Weights`): its f32 values, little-endian,
// base64 without padding.
export function floats(base64) {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

// The raw outputs of an MLP from a ticket file's weights, for one input: ReLU between layers, none after the last
// (rows are inputs: `w[r * fan_out + o]`). Written here, apart from the engine, to check what the page shows.
export function mlp(weights, input) {
  let a = Array.from(input);
  weights.layers.forEach((layer, i) => {
    const [w, b] = [floats(layer.w), floats(layer.b)];
    const z = Array.from(b);
    a.forEach((v, r) => { for (let o = 0; o < layer.fan_out; o++) z[o] += v * w[r * layer.fan_out + o]; });
    a = i < weights.layers.length - 1 ? z.map((v) => Math.max(v, 0)) : z;
  });
  return a;
}

// The report's runs of a round by control, as `#verdict li[data-control]` names them.
const CONTROL_RUNS = [['reinit', 'reinit'], ['random-mask', 'random_mask'], ['same-signs', 'same_signs'],
  ['shuffled', 'shuffled'], ['constant-signs', 'constant_signs']];

/**
 * The verdict box against an exported report's rounds, its rule worked out here apart from the engine: the
 * sparsest pruned round whose ticket is not worse than round 0's by more than `tie` (else the sparsest round);
 * there the ticket wins against a control it beats by more than `tie`, loses to one that beats it so, else ties;
 * `value(run)` is the task's figure of a report's run, null for never. The ticket's figure the box quotes is the
 * rounds table's cell of that round. Returns the box's data.
 */
export async function checkVerdict(page, rounds, { value, tie, higher }) {
  const beats = (a, b) => a !== null && (b === null || (higher ? a - b > tie : b - a > tie));
  const sparsest = (list) => list.reduce((a, r) => (a === null || r.weights_remaining < a.weights_remaining ? r : a), null);
  const dense = value(rounds[0].ticket);
  const pruned = rounds.filter((r) => r.round > 0);
  const match = sparsest(pruned.filter((r) => value(r.ticket) !== null && !beats(dense, value(r.ticket))));
  const judged = match ?? sparsest(pruned);
  const box = await page.$eval('#verdict', (el) => ({ ...el.dataset, text: el.textContent,
    controls: [...el.querySelectorAll('li[data-control]')].map((li) => [li.dataset.control, li.dataset.outcome]) }));
  assert.equal(box.round, String(judged.round), box.text);
  assert.equal(box.matches, String(match !== null), box.text);
  const ticket = value(judged.ticket);
  const expected = CONTROL_RUNS.filter(([, key]) => judged[key]).map(([name, key]) => {
    const control = value(judged[key]);
    return [name, beats(ticket, control) ? 'wins' : beats(control, ticket) ? 'loses' : 'ties'];
  });
  assert.deepEqual(box.controls, expected, box.text);
  const cell = await page.$$eval('#rounds tbody tr', (trs, round) =>
    trs.find((tr) => tr.children[0].textContent === String(round))?.querySelector('td.ticket')?.textContent,
  judged.round);
  assert.equal(box.ticket.replace('%', ''), cell, `the verdict quotes the table's round ${judged.round}: ${box.text}`);
  return box;
}
