// Early-bird tickets: the dense run's mask distance is charted per
// evaluation, the iteration from which it stays under the threshold is
// marked, and "Ticket at early-bird" draws the first mask there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SMALL = { data: 'moons', n: '300', noise: '0.2', hidden: '8,6', steps: '150', eval: '10', rounds: '1', reinit: '0', seed: '2', eb: '0.3', backend: 'cpu' };
const link = (extra) => '?' + new URLSearchParams({ ...SMALL, ...extra }).toString();

for (const ticketThere of [false, true]) {
  test(`the early-bird chart marks where the masks settle${ticketThere ? ', and the ticket is drawn there' : ''}`, { timeout: 120_000 }, async () => {
    const { page, errors } = await open(browser, server.url + link(ticketThere ? { ebticket: '1' } : {}));
    assert.equal((await trainToEnd(page, 100_000)).state, 'done');
    const chart = await page.$eval('#early-bird-chart', (el) => ({ points: el.dataset.points, iteration: el.dataset.iteration }));
    assert.equal(chart.points, '15', 'one distance per evaluation of the 150-step dense run');
    assert.match(chart.iteration, /^\d+$/, 'the masks settled under 0.3');
    const text = await page.textContent('#early-bird-text');
    assert.ok(text.includes(`iteration ${chart.iteration} of 150`), text);
    assert.equal(await page.$eval('#early-bird-chart circle.early-bird', (c) => c.dataset.iteration), chart.iteration);
    if (ticketThere) {
      assert.match(text, new RegExp(`The first mask was drawn there, ${150 - Number(chart.iteration)} dense steps before the end`));
      await screenshot(page, 'early-bird');
    } else {
      assert.match(text, /"Ticket at early-bird" draws the first mask there/);
    }
    assert.deepEqual(errors, []);
  });
}
