// Runs side by side: two finished runs kept with "Keep this run" are drawn
// beside a third, each named in the legend by what differs from it; they
// survive a reload, export, and import back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SMALL = { data: 'moons', n: '300', noise: '0.2', hidden: '8,6', steps: '150', eval: '50', rate: '0.3', rounds: '2', reinit: '0', seed: '4', backend: 'cpu', reps: '1' };
const link = (extra) => '?' + new URLSearchParams({ ...SMALL, ...extra }).toString();
const legend = (page) => page.$$eval('#accuracy-chart .pinned-legend li', (lis) => lis.map((li) => li.textContent));

test('two kept runs are drawn beside the current one, named by what differs; they survive a reload and export', { timeout: 300_000 }, async () => {
  const { page, errors } = await open(browser, server.url + link({ sched: 'oneshot' }));
  assert.equal(await page.isDisabled('#pin-run'), true, 'nothing to keep before a run');
  assert.equal((await trainToEnd(page, 120_000)).state, 'done');
  await page.click('#pin-run');
  await page.goto(server.url + link({ rate: '0.5' }));
  await page.waitForSelector('#train');
  assert.equal((await trainToEnd(page, 120_000)).state, 'done');
  await page.click('#pin-run');
  await page.goto(server.url + link({}));
  await page.waitForSelector('#train');
  assert.equal((await trainToEnd(page, 120_000)).state, 'done');

  assert.deepEqual(await legend(page), ['kept: one-shot (n=1)', 'kept: rate=0.5 (n=1)']);
  const lines = await page.$$eval('#accuracy-chart polyline.pinned-line', (ls) => ls.map((l) => l.getAttribute('points').trim().split(/\s+/).length));
  assert.deepEqual(lines, [3, 3], 'each kept ticket drawn over its 3 rounds');
  assert.equal((await page.$$eval('#early-stop-chart polyline.pinned-line', (ls) => ls.length)), 2);
  assert.match(await page.textContent('#pinned'), /A link carries the current run only/);
  await screenshot(page, 'pinned-runs');

  // A reload keeps them; export writes them; removing both and importing the file brings them back.
  await page.reload();
  await page.waitForSelector('#train');
  assert.deepEqual(await legend(page), ['kept: one-shot (n=1)', 'kept: rate=0.5 (n=1)']);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-pinned')]);
  const text = await readFile(await download.path(), 'utf8');
  assert.equal(JSON.parse(text).format, 'lottery-ticket-lab/pinned-runs');
  await page.click('#pinned-list li:first-child button.unpin');
  await page.click('#pinned-list li:first-child button.unpin');
  assert.deepEqual(await legend(page), []);
  await page.setInputFiles('#import-ticket', { name: 'pinned-runs.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelectorAll('#accuracy-chart .pinned-legend li').length === 2);
  assert.match(await page.textContent('#pinned-message'), /Imported 2 pinned runs from pinned-runs\.json/);
  assert.deepEqual(errors, []);
});
