// The cart-pole task in the page (CPU path, a small actor so Chromium trains it in
// seconds): `?preset=cartpole` trains, the episode plays on canvases (frames advance,
// the pole's angle changes), the return charts have the ticket and its controls, the
// inputs the ticket reads are listed, and a copied link reproduces the same ticket.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const TINY = { preset: 'cartpole', hidden: '16,16', batch: '4', steps: '60', eval: '20', rounds: '1', seed: '2',
  backend: 'cpu' };
const query = () => '?' + new URLSearchParams(TINY).toString();

test('?preset=cartpole trains a policy, plays its episode beside its controls; a copied link gives the same ticket',
  { timeout: 240_000 }, async () => {
    const a = await open(browser, server.url + query());
    const state = await trainToEnd(a.page, 120_000);
    assert.equal(state.state, 'done', state.text);

    const view = await a.page.$eval('#cartpole-view', (el) => ({ ...el.dataset }));
    assert.equal(view.networks, '3', 'round 1: the ticket, random reinit and random mask each play');
    assert.equal(await a.page.$$eval('#cartpole-view canvas', (cs) => cs.length), 3);
    // Frames advance and the pole moves (an untrained policy's pole still tilts as it falls).
    const sample = () => a.page.$eval('#cartpole-view', (el) => ({
      frame: Number(el.dataset.frame),
      angle: el.querySelector('.cartpole-panel.ticket').dataset.angle,
    }));
    await a.page.click('#cartpole-view .speed:nth-of-type(2)'); // 4×: short episodes end quickly, so restart first
    const first = await sample();
    await a.page.waitForFunction((f) => Number(document.querySelector('#cartpole-view').dataset.frame) > f + 3,
      first.frame, { timeout: 10_000 });
    const later = await sample();
    assert.ok(later.frame > first.frame, `frames advance: ${first.frame} → ${later.frame}`);
    assert.notEqual(later.angle, first.angle, 'the pole angle changes');
    const pixels = await a.page.$eval('#cartpole-view .cartpole-panel.ticket canvas',
      (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0));
    assert.ok(pixels, 'the canvas is drawn');

    const returns = await a.page.$eval('#returns-chart', (el) => ({ ...el.dataset }));
    assert.equal(returns.networks, '3');
    assert.ok(Number(returns.ticketPoints) >= 2, 'the return over training has points');
    const chart = await a.page.$eval('#return-chart', (el) => ({ ...el.dataset }));
    assert.deepEqual([chart.ticketPoints, chart.reinitPoints, chart.randomPoints], ['2', '1', '1']);
    assert.equal(await a.page.$('#accuracy-chart'), null, 'a policy has returns, not accuracies');
    assert.equal(await a.page.$$eval('#inputs-kept [data-input]', (rows) => rows.length), 4);
    assert.ok(await a.page.$('#network svg'), 'the actor is drawn with its surviving links');

    await a.page.click('#copy-link');
    const link = await a.page.$eval('#share-link', (el) => el.value);
    for (const key of ['data=cartpole', 'hidden=16,16', 'batch=4']) {
      assert.ok(decodeURIComponent(link).includes(key), `${key} in ${link}`);
    }
    const b = await open(browser, link);
    await trainToEnd(b.page, 120_000);
    assert.deepEqual(
      await b.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
      await a.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
    );
    assert.deepEqual(
      await b.page.$$eval('#inputs-kept [data-input]', (rows) => rows.map((r) => r.dataset.kept)),
      await a.page.$$eval('#inputs-kept [data-input]', (rows) => rows.map((r) => r.dataset.kept)),
      'the same mask',
    );
    await screenshot(a.page, 'cartpole-tiny');
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
