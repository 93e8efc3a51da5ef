// Transfer from the page: the round shown of a finished run (or of an
// imported ticket file) moves to another
// 2D set (same network shape), and one chart compares it with the dense
// network, the same mask from fresh weights, a random mask and the ticket
// found on the target. Datasets of another shape are not offered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

// The native CLI, built by `make native-test` (the Makefile passes its path).
const LOTTERY = process.env.LOTTERY;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SMALL = '?data=gauss&n=300&noise=0.3&hidden=8,6&steps=150&eval=50&rate=0.3&rounds=2&reinit=0&seed=5&reps=1&backend=cpu';

test('a ticket transfers between two 2D sets, beside its four comparisons, on one chart', { timeout: 180_000 }, async () => {
  const { page, errors } = await open(browser, server.url + SMALL);
  assert.equal(await page.isVisible('#transfer'), false, 'nothing to transfer before a run');
  assert.equal((await trainToEnd(page, 120_000)).state, 'done');
  const offered = await page.$$eval('#transfer-target option', (os) => os.map((o) => o.value));
  assert.ok(offered.includes('xor') && offered.includes('moons'), offered.join());
  assert.ok(!offered.includes('gauss') && !offered.includes('digits') && !offered.includes('mnist'), 'only other sets of the same shape');
  await page.selectOption('#transfer-target', 'xor');
  await page.click('#transfer-run');
  await page.waitForSelector('#transfer-chart', { timeout: 150_000 });
  const caption = await page.textContent('#transfer-chart figcaption');
  assert.match(caption, /Round-2 ticket of gauss \(seed 5\) on xor, at \d+\.\d% of weights/);
  const rows = await page.$$eval('#transfer-chart .bar-row', (rs) => rs.map((r) => [r.dataset.network, r.querySelector('.bar-value').textContent]));
  assert.deepEqual(rows.map((r) => r[0]), ['Transferred', 'Dense', 'Reinit', 'RandomMask', 'TargetTicket']);
  await screenshot(page, 'transfer');

  // Two bars are figures another route computes: the dense network from the source's θ0 on xor is round 0 of the
  // same configuration run on xor, and the ticket found on the target is that run's round 2. The page's own module
  // trains that run under Node (`lottery run --page-exact`: the page's arithmetic, bit for bit), through the
  // experiment's rounds rather than the transfer's.
  assert.ok(LOTTERY, 'LOTTERY names the native lottery binary (make browser-test sets it after make native-test)');
  const out = join(await mkdtemp(join(tmpdir(), 'transfer-')), 'xor.json');
  await promisify(execFile)(LOTTERY, ['run', '--link', SMALL.replace('data=gauss', 'data=xor'), '--page-exact',
    '--page-dir', join(ROOT, 'dist'), '--out', out], { cwd: ROOT, maxBuffer: 1 << 24 });
  const onXor = JSON.parse(await readFile(out, 'utf8')).rounds;
  const bar = Object.fromEntries(rows.map(([network, value]) => [network, Number(value.replace('%', ''))]));
  const near = (shown, accuracy, what) =>
    assert.ok(Math.abs(shown - accuracy * 100) <= 0.05 + 1e-9, `${what}: the bar shows ${shown}%, the run ${accuracy * 100}%`);
  near(bar.Dense, onXor[0].ticket.test_accuracy, 'dense network on xor (round 0 of the xor run)');
  near(bar.TargetTicket, onXor[2].ticket.test_accuracy, 'ticket found on xor (round 2 of the xor run)');

  // From a ticket file: a fresh page that imports it offers the same transfer.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);

  // The page and the CLI start from the same bits: `lottery transfer` of the exported ticket starts from the same
  // θ0 ⊙ m and trains on the same xor rows (CRC-32 of their bits; README "Reproducibility").
  const shown = await page.$eval('#transfer-chart', (el) => ({ start: el.dataset.start, data: el.dataset.data }));
  const { stderr } = await promisify(execFile)(LOTTERY,
    ['transfer', '--from', await download.path(), '--round', '2', '--data', 'xor'], { cwd: ROOT });
  const said = stderr.match(/weights CRC-32 ([0-9a-f]{8}); xor rows CRC-32 ([0-9a-f]{8})/);
  assert.ok(said, stderr);
  assert.match(stderr, /replicate 1 \(seed 5\)/);
  assert.deepEqual({ start: said[1], data: said[2] }, shown, 'the CLI starts where the page started');

  const fresh = await open(browser, `${server.url}?backend=cpu`);
  await fresh.page.setInputFiles('#import-ticket', await download.path());
  await fresh.page.waitForSelector('#transfer-target');
  assert.deepEqual(await fresh.page.$$eval('#transfer-target option', (os) => os.map((o) => o.value)), offered);
  assert.deepEqual(errors, []);
  assert.deepEqual(fresh.errors, []);
});
