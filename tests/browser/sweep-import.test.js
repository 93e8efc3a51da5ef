// A sweep's summary.json (`lottery sweep merge`; the fixture is the merged
// docs/sweeps/spiral-schedules.toml sweep) imports through the ticket button,
// recognised by its format tag: its configurations are drawn side by side with
// their bands and named by what differs. A bad summary gets a message, and the
// experiment is untouched either way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, root, serve, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const fixture = readFileSync(join(root, 'tests', 'browser', 'fixtures', 'sweep-summary.json'), 'utf8');
const upload = (page, name, text) =>
  page.setInputFiles('#import-ticket', { name, mimeType: 'application/json', buffer: Buffer.from(text) });

test('a sweep summary draws its configurations with bands, named by what differs', { timeout: 60_000 }, async () => {
  const { page, errors } = await open(browser, server.url + '?preset=spiral&backend=cpu');
  await upload(page, 'summary.json', fixture);
  await page.waitForSelector('#sweep-chart');
  assert.match(await page.textContent('#ticket-message'), /Imported the sweep summary\.json: 2 configurations/);
  assert.equal(await page.$eval('#sweep-chart', (el) => el.dataset.configurations), '2');
  const legend = await page.$$eval('#sweep-chart .sweep-legend li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(legend, ['sched=iterative (n=2)', 'sched=oneshot (n=2)']);
  const lines = await page.$$eval('#sweep-chart polyline.sweep-line:not(.control)', (ls) => ls.map((l) => l.getAttribute('points').trim().split(/\s+/).length));
  assert.deepEqual(lines, [4, 4], 'one mean point per round (0..3) for each configuration');
  const bands = await page.$$eval('#sweep-chart polygon.sweep-band', (ps) => ps.map((p) => p.getAttribute('points').trim().split(/\s+/).length));
  assert.deepEqual(bands, [8, 8], 'two replicates: a min–max band, upper edge and lower edge');
  const colours = await page.$$eval('#sweep-chart polyline.sweep-line:not(.control)', (ls) => ls.map((l) => l.getAttribute('stroke')));
  assert.notEqual(colours[0], colours[1]);
  // The experiment itself is untouched.
  assert.equal(await page.$eval('#status', (el) => el.dataset.state), 'idle');
  assert.equal(await page.$$eval('#rounds tbody tr', (trs) => trs.length), 0);
  await screenshot(page, 'sweep-import');
  await page.click('#close-sweep');
  assert.equal(await page.$('#sweep-chart'), null);
  assert.deepEqual(errors, []);
});

test('a bad sweep summary is refused with the reason', { timeout: 60_000 }, async () => {
  const { page, errors } = await open(browser, server.url + '?preset=spiral&backend=cpu');
  const future = JSON.parse(fixture);
  future.version = 99;
  await upload(page, 'future.json', JSON.stringify(future));
  await page.waitForSelector('#ticket-message');
  assert.match(await page.textContent('#ticket-message'), /Could not import the sweep future\.json: sweep summary version 99 is not supported/);
  const broken = JSON.parse(fixture);
  broken.configurations[1].rounds[2].ticket.test_accuracy.mean = 7;
  await upload(page, 'broken.json', JSON.stringify(broken));
  await page.waitForFunction(() => document.querySelector('#ticket-message')?.textContent.includes('broken.json'));
  assert.match(await page.textContent('#ticket-message'), /round 2: a figure is not a number in its range/);
  assert.equal(await page.$('#sweep-chart'), null);
  assert.deepEqual(errors, []);
});
