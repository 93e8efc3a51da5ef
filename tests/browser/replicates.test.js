// Replicates in the page: `reps=3` trains seeds 7, 8 and 9 one after the
// other; the accuracy chart draws the mean with a min–max band, the table
// mean ± sd, and the drawing stays replicate 1's ticket (the reps=1 run's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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

test('reps=3: the mean with a min–max band, mean ± sd in the table, replicate 1 drawn and transferred', { timeout: 420_000 }, async () => {
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
  assert.match(await page.textContent('#replicate-note'),
    /3 replicates: the drawings, the stability and the transfer panels show replicate 1 \(seed 7\)/);
  assert.match(await page.textContent('#stability .hint'), /of replicate 1 \(seed 7\)/);
  assert.equal(await page.$eval('#run-progress', (el) => el.value), 1);
  // Which connections survive (and their signs) differs from seed to seed: the drawing's signature.
  const signature = (p) => p.$$eval('#network line.link', (ls) => ls.map((l) =>
    [l.getAttribute('x1'), l.getAttribute('y1'), l.getAttribute('x2'), l.getAttribute('y2'), l.getAttribute('class')].join(' ')).join('|'));
  const drawn = await signature(page);
  await screenshot(page, 'replicates');
  const started = await transferStart(page);

  // The drawing is replicate 1's ticket: the same as the single run of seed 7.
  const single = await open(browser, server.url + link({}));
  const alone = await trainToEnd(single.page, 120_000);
  assert.equal(alone.state, 'done', alone.text);
  assert.equal(await signature(single.page), drawn);
  const singleCells = await single.page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => tr.children[2].textContent));
  assert.ok(singleCells.every((c) => !c.includes('±')), 'one replicate: plain figures');
  assert.equal(await single.page.$eval('#accuracy-chart polygon.band.ticket', (el) => el.getAttribute('points')), '');
  // The transfer panel moved replicate 1's mask with replicate 1's θ0: the single run's start weights, bit for bit
  // (CRC-32 of θ0 ⊙ m), where the last replicate's mask on seed 7's θ0 would give other weights.
  assert.deepEqual(await transferStart(single.page), started);
  assert.deepEqual(errors, []);
});

/** Transfer the round shown onto xor; the transferred network's source seed and start weights (CRC-32). */
async function transferStart(page) {
  await page.selectOption('#transfer-target', 'xor');
  await page.click('#transfer-run');
  await page.waitForSelector('#transfer-chart', { timeout: 150_000 });
  return page.$eval('#transfer-chart', (el) => ({ seed: el.dataset.seed, start: el.dataset.start }));
}

/** The exported ticket file of the finished run: every replicate's rounds, at full precision. */
async function exportedRounds(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
  const ticket = JSON.parse(await readFile(await download.path(), 'utf8'));
  return { rounds: ticket.rounds, finished: ticket.finished_replicates, seed: ticket.config.seed };
}

test('side by side: 2 workers give the rounds of 1 worker, replicates or a round\'s controls apart; the steps run in the workers', { timeout: 420_000 }, async () => {
  const runs = {};
  // reps=3 on 1 worker; on 2, a replicate each; reps=1 on 2 workers: the ticket on one, each round's control on the other.
  for (const [name, extra, busy] of [['one', { reps: '3', workers: '1' }, 1], ['two', { reps: '3', workers: '2' }, 2],
    ['apart', { workers: '2' }, 2]]) {
    const { page, errors } = await open(browser, server.url + link({ ...extra, rounds: '1' }));
    const end = await trainToEnd(page, 140_000);
    assert.equal(end.state, 'done', end.text);
    // The engine ran in the page's workers: each counts the chunks it trained; the page's own thread trained none.
    const chunks = await Promise.all(page.workers().map((w) => w.evaluate(() => self.__lotteryChunks ?? 0)));
    assert.equal(chunks.filter((c) => c > 0).length, busy, `${name}: chunks per worker ${chunks}`);
    assert.equal(await page.evaluate(() => window.__lotteryChunks), undefined, 'no training on the main thread');
    runs[name] = await exportedRounds(page);
    assert.deepEqual(errors, []);
    await page.context().close();
  }
  assert.equal(runs.one.finished.length, 2);
  assert.deepEqual(runs.two, runs.one, 'the same rounds, bit for bit, whichever worker trained which replicate');
  assert.ok(runs.apart.rounds[1].reinit, 'the control trained apart is in its round');
  assert.deepEqual(runs.apart.rounds, runs.one.finished[0], 'controls trained apart: replicate 1\'s rounds, bit for bit');
});
