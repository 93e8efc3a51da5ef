// Regression in the page (CPU path, a small MLP on Playground's six bumps): the rounds table and the error chart
// quote the report's test mean squared error for the ticket and each control, the accuracy charts give way to the
// error chart, and the plane shows the ticket's own output: each cell's colour leans the way the ticket's exported
// weights, run through an MLP written in the test, predict there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, mlp, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const TINY = { data: 'reg-gauss', noise: '0', hidden: '8,8', steps: '300', eval: '100', rounds: '1', random: '1',
  seed: '2', backend: 'cpu', workers: '1' };
// The decision view's plane and grid (ui/views/classifier/network_view.rs: PLANE_EXTENT, REGION_GRID).
const EXTENT = 1.2;
const GRID = 36;
// Cells whose predicted value is this far from 0 must lean clearly to one colour.
const CLEAR = 0.1;

test('?data=reg-gauss judges the ticket by test MSE and draws its output over the plane', { timeout: 240_000 },
  async () => {
    const { page } = await open(browser, server.url + '?' + new URLSearchParams(TINY).toString());
    await page.click('#train');
    const state = await trainToEnd(page, 180_000);
    assert.equal(state.state, 'done', state.text);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
    const report = JSON.parse(await readFile(await download.path(), 'utf8'));
    const round1 = report.rounds[1];
    const networks = [['ticket', round1.ticket], ['random reinit', round1.reinit], ['random mask', round1.random_mask]];

    // The table leads with the task's headline figure, the report's to four decimals.
    const heads = await page.$$eval('#rounds thead th', (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(heads.slice(2, 6), ['ticket test MSE', 'early stop', 'reinit test MSE', 'random mask test MSE']);
    const cells = await page.$$eval('#rounds tbody tr:nth-child(2) td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual([cells[2], cells[4], cells[5]], networks.map(([, run]) => run.test_mse.toFixed(4)));

    // The error chart stands where the accuracy charts were, and its round-1 read-out is the report's.
    assert.equal(await page.$('#accuracy-chart'), null, 'no accuracy chart for a regression');
    const readouts = await page.$eval('#error-chart', (el) => el.dataset.readouts);
    const said = readouts.split(' | ').find((line) => line.startsWith('round 1:'));
    for (const [label, run] of networks) {
      assert.ok(said.includes(`${label} MSE ${run.test_mse.toFixed(4)}`), `${label} in ${said}`);
    }

    // The plane: every clearly positive or negative cell leans blue or orange as the ticket's weights predict.
    const caption = await page.$eval('#decision figcaption', (el) => el.textContent);
    assert.match(caption, /round 1 ticket predicts over the plane after training/);
    const fills = await page.$$eval('#decision rect', (rs) => rs.map((r) => r.getAttribute('fill')));
    assert.equal(fills.length, GRID * GRID);
    const step = 2 * EXTENT / GRID;
    let checked = 0;
    fills.forEach((fill, i) => {
      const [gx, gy] = [i % GRID, Math.floor(i / GRID)];
      const value = mlp(round1.trained, [-EXTENT + (gx + 0.5) * step, EXTENT - (gy + 0.5) * step])[0];
      if (Math.abs(value) < CLEAR) return;
      const [r, , b] = fill.match(/[\d.]+/g).map(Number);
      assert.equal(b > r, value > 0, `cell ${gx},${gy}: ${fill} for ${value}`);
      checked += 1;
    });
    assert.ok(checked > GRID, `${checked} cells checked`);
    await screenshot(page, 'regression');
  });
