// The lab as a classroom uses it: a shared link restores every control,
// rounds fill the charts and the drawing, and "Copy link" reproduces the
// same ticket in a new page. CPU path (WebGPU numerics are not bit-equal).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SHARED = {
  data: 'moons', n: '300', noise: '0.1', hidden: '8,6', opt: 'adam', lr: '0.02', batch: '16', steps: '150', eval: '50',
  method: 'magnitude', scope: 'layer', sched: 'iterative', rate: '0.3', orate: '0.15', rounds: '2', reset: 'init',
  reinit: '1', random: '1', seed: '7', backend: 'cpu',
};
const query = () => '?' + new URLSearchParams(SHARED).toString();

test('a shared link restores every control', { timeout: 60_000 }, async () => {
  const { page, errors } = await open(browser, server.url + query());
  for (const [key, value] of Object.entries(SHARED)) {
    const shown = await page.$eval(`#ctl-${key}`, (el) => el.value);
    assert.equal(shown, value, `control ${key}`);
  }
  // The URL keeps following the controls (replaced, not pushed).
  const entries = await page.evaluate(() => history.length);
  await page.fill('#ctl-seed', '8');
  await page.press('#ctl-seed', 'Tab');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('seed') === '8');
  assert.equal(await page.evaluate(() => history.length), entries);
  assert.deepEqual(errors, []);
});

test('rounds fill the charts; the drawing shows exactly the surviving weights', { timeout: 180_000 }, async () => {
  const { page, errors } = await open(browser, server.url + query());
  const end = await trainToEnd(page, 170_000);
  assert.equal(end.state, 'done', end.text);
  const points = await page.$eval('#accuracy-chart', (el) => [el.dataset.ticketPoints, el.dataset.reinitPoints, el.dataset.randomPoints]);
  assert.deepEqual(points, ['3', '2', '2'], 'one ticket point per round (0, 1, 2); controls from round 1');
  // After the run the loss chart is the last round's ticket, not the control that trained last.
  const loss = await page.$eval('#loss-chart', (el) => [el.dataset.phase, el.querySelector('figcaption').textContent]);
  assert.deepEqual(loss, ['ticket', "Loss of the last round's ticket"]);
  // Readable axes: grid lines at round values, and the dense network's accuracy as a reference line.
  assert.ok(await page.$$eval('#accuracy-chart line.grid', (ls) => ls.length) >= 2, 'grid lines');
  const dense = Number(await page.$eval('#accuracy-chart line.reference.dense', (el) => el.dataset.value));
  const round0 = Number(await page.$eval('#rounds tbody tr td:nth-child(3)', (td) => td.textContent));
  assert.ok(Math.abs(dense - round0) < 0.051, `reference ${dense} vs round 0's ${round0}`);
  // Surviving weights: 2-8-6-2, 30% per round in hidden layers and 15% in the output layer.
  const shapes = [[2, 8], [8, 6], [6, 2]];
  let kept = shapes.map(([a, b]) => a * b);
  const expected = [100];
  for (let r = 1; r <= 2; r++) {
    kept = kept.map((k, l) => k - Math.round(k * (l === shapes.length - 1 ? 0.15 : 0.3)));
    expected.push(kept.reduce((a, b) => a + b, 0));
  }
  const total = shapes.reduce((a, [x, y]) => a + x * y, 0);
  const remaining = await page.$$eval('#rounds tbody .remaining', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(remaining, ['100.0', (100 * expected[1] / total).toFixed(1), (100 * expected[2] / total).toFixed(1)]);
  const drawn = await page.$$eval('#network line.link', (ls) => ls.length);
  assert.equal(drawn, expected[2]);
  const caption = await page.textContent('#network figcaption');
  assert.match(caption, new RegExp(`round 2: ${expected[2]} of ${total} weights`));
  // Scrub back to round 1: more connections, some dashed (they die in round 2).
  await page.$eval('#round-slider', (el) => { el.value = '1'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  assert.equal(await page.$$eval('#network line.link', (ls) => ls.length), expected[1]);
  assert.equal(await page.$$eval('#network line.dies', (ls) => ls.length), expected[1] - expected[2]);
  assert.ok(await page.$('#decision svg rect'), 'decision regions are drawn for a 2D set');
  await screenshot(page, 'lab-moons-rounds');
  assert.deepEqual(errors, []);
});

test('"Copy link" opens the same experiment and draws the same ticket', { timeout: 240_000 }, async () => {
  const a = await open(browser, server.url + query());
  await trainToEnd(a.page, 110_000);
  await a.page.click('#copy-link');
  const link = await a.page.$eval('#share-link', (el) => el.value);
  assert.ok(link.startsWith(server.url), link);
  const drawingA = await a.page.$eval('#network svg', (el) => el.innerHTML);
  assert.match(link, /[?&]t=3\./, 'a small ticket travels in the link');
  const b = await open(browser, link);
  // The drawing shows before anything re-runs ...
  assert.equal(await b.page.$eval('#network svg', (el) => el.innerHTML), drawingA);
  assert.equal(await b.page.$eval('#status', (el) => el.dataset.state), 'idle');
  // ... and re-running gives the same ticket.
  await trainToEnd(b.page, 110_000);
  const drawingB = await b.page.$eval('#network svg', (el) => el.innerHTML);
  assert.equal(drawingB, drawingA);
  assert.deepEqual(
    await b.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
    await a.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
  );
  await screenshot(b.page, 'lab-copied-link');
  assert.deepEqual([...a.errors, ...b.errors], []);
});

test('hidden controls and bad link values', { timeout: 60_000 }, async () => {
  const { page, errors } = await open(browser, `${server.url}?preset=spiral&lr_hide=1&steps=abc&zzz=<b>x</b>`);
  assert.equal(await page.isVisible('#ctl-lr'), false);
  assert.equal(await page.isVisible('#ctl-steps'), true);
  const notices = await page.textContent('#notices');
  assert.match(notices, /steps 'abc' is not a number; using 1500/);
  assert.match(notices, /<b>x<\/b>|zzz/);
  assert.equal(await page.$('#notices b'), null, 'link text is never rendered as HTML');
  assert.deepEqual(errors, []);
});

test('on WebGPU (SwiftShader) a tiny run fills the same views', { timeout: 420_000 }, async () => {
  const gpu = await launch({ webgpu: true });
  try {
    const { page, errors } = await open(gpu, `${server.url}?data=xor&n=100&noise=0&hidden=6&steps=12&eval=6&rounds=2&reinit=0&lr=0.05&rate=0.3&orate=0.15&backend=webgpu`);
    const end = await trainToEnd(page, 400_000);
    assert.equal(end.state, 'done', end.text);
    assert.equal(await page.$eval('#backend', (el) => el.dataset.kind), 'webgpu');
    assert.equal(await page.$eval('#accuracy-chart', (el) => el.dataset.ticketPoints), '3');
    // 2-6-2: 12 + 12 weights; two rounds of 30% (hidden) and 15% (output).
    let kept = [12, 12];
    for (let r = 0; r < 2; r++) kept = [kept[0] - Math.round(kept[0] * 0.3), kept[1] - Math.round(kept[1] * 0.15)];
    assert.equal(await page.$$eval('#network line.link', (ls) => ls.length), kept[0] + kept[1]);
    await screenshot(page, 'lab-webgpu-xor');
    assert.deepEqual(errors, []);
  } finally {
    await gpu.close();
  }
});
