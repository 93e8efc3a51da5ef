// Replicates in the page: `reps=3` trains seeds 7, 8 and 9 one after the
// other; the accuracy chart draws the mean with a min–max band, the table
// mean ± sd, and the drawing stays replicate 1's ticket (the reps=1 run's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SMALL = {
  data: 'moons', n: '300', noise: '0.2', hidden: '8,6', steps: '150', eval: '50', rate: '0.3', rounds: '2',
  reinit: '1', random: '0', seed: '7', backend: 'cpu',
};
const link = (extra) => '?' + new URLSearchParams({ ...SMALL, ...extra }).toString();

/** "x,y x,y …" → [[x, y], …] */
const parsePoints = (text) => text.trim().split(/\s+/).filter(Boolean).map((p) => p.split(',').map(Number));

test('reps=3: the mean with a min–max band, mean ± sd in the table, replicate 1 drawn', { timeout: 240_000 }, async () => {
  const { page, errors } = await open(browser, server.url + link({ reps: '3' }));
  const end = await trainToEnd(page, 230_000);
  assert.equal(end.state, 'done', end.text);
  const chart = await page.$eval('#accuracy-chart', (el) => ({ replicates: el.dataset.replicates, ticket: el.dataset.ticketPoints }));
  assert.deepEqual(chart, { replicates: '3', ticket: '3' }, 'three replicates, one mean point per round');

  const band = parsePoints(await page.$eval('#accuracy-chart polygon.band.ticket', (el) => el.getAttribute('points')));
  const mean = parsePoints(await page.$eval('#accuracy-chart polyline.series.ticket', (el) => el.getAttribute('points')));
  assert.equal(band.length, 6, 'upper edge over 3 rounds, lower edge back');
  assert.equal(mean.length, 3);
  // SVG y grows downwards: the band's upper edge (max) is at or above the mean, its lower edge (min) at or below.
  for (let i = 0; i < 3; i++) {
    const [upper, lower] = [band[i], band[5 - i]];
    assert.equal(upper[0], mean[i][0]);
    assert.ok(upper[1] <= mean[i][1] + 1e-9 && mean[i][1] <= lower[1] + 1e-9, `round ${i}: ${upper} ${mean[i]} ${lower}`);
  }
  const cells = await page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(cells.length, 3);
  assert.match(cells[1][2], /^\d+\.\d ± \d+\.\d$/, 'ticket accuracy as mean ± sd');
  assert.match(cells[1][4], /^\d+\.\d ± \d+\.\d$/, 'reinit accuracy as mean ± sd');
  assert.match(await page.textContent('#replicate-note'), /3 replicates: the drawings show replicate 1 \(seed 7\)/);
  assert.equal(await page.$eval('#run-progress', (el) => el.value), 1);
  // Which connections survive (and their signs) differs from seed to seed: the drawing's signature.
  const signature = (p) => p.$$eval('#network line.link', (ls) => ls.map((l) =>
    [l.getAttribute('x1'), l.getAttribute('y1'), l.getAttribute('x2'), l.getAttribute('y2'), l.getAttribute('class')].join(' ')).join('|'));
  const drawn = await signature(page);
  await screenshot(page, 'replicates');

  // The drawing is replicate 1's ticket: the same as the single run of seed 7.
  const single = await open(browser, server.url + link({}));
  const alone = await trainToEnd(single.page, 120_000);
  assert.equal(alone.state, 'done', alone.text);
  assert.equal(await signature(single.page), drawn);
  const singleCells = await single.page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => tr.children[2].textContent));
  assert.ok(singleCells.every((c) => !c.includes('±')), 'one replicate: plain figures');
  assert.equal(await single.page.$eval('#accuracy-chart polygon.band.ticket', (el) => el.getAttribute('points')), '');
  assert.deepEqual(errors, []);
});
