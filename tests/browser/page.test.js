// The first page: press Train, a masked MLP trains, the loss falls, and the
// page says which backend runs it. On the CPU path (no WebGPU) and on
// WebGPU (Chromium's SwiftShader adapter, so the run is tiny).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

async function lossOf(page) {
  return page.$eval('#loss-chart', (el) => ({
    first: parseFloat(el.dataset.firstLoss), last: parseFloat(el.dataset.lastLoss), points: parseInt(el.dataset.points, 10),
  }));
}

test('without WebGPU the CPU path trains and the label says so', { timeout: 240_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, requests } = await open(browser, `${server.url}?preset=spiral&steps=400&eval=50&rounds=1&reinit=0`);
    const end = await trainToEnd(page, 200_000);
    assert.equal(end.state, 'done', end.text);
    const kind = await page.$eval('#backend', (el) => el.dataset.kind);
    const label = await page.textContent('#backend');
    assert.equal(kind, 'cpu');
    assert.match(label, /^CPU \(burn-flex\): .*(no WebGPU|no adapter)/);
    const loss = await lossOf(page);
    assert.ok(loss.points >= 5, `only ${loss.points} loss points`);
    assert.ok(loss.last < 0.7 * loss.first, `loss went from ${loss.first} to ${loss.last}`);
    await screenshot(page, 'cpu-spiral');
    assert.deepEqual(errors, []);
    // The page asks nothing of any other origin.
    assert.ok(requests.length > 0);
    assert.deepEqual(requests.filter((u) => !u.startsWith(server.url)), []);
  } finally {
    await browser.close();
  }
});

test('with --enable-unsafe-webgpu it trains on WebGPU (SwiftShader)', { timeout: 420_000 }, async () => {
  const browser = await launch({ webgpu: true });
  try {
    const { page, errors } = await open(browser, `${server.url}?data=xor&n=100&noise=0&hidden=6&steps=16&eval=8&rounds=0&reinit=0&lr=0.05&batch=32&backend=webgpu`);
    const end = await trainToEnd(page, 400_000);
    assert.equal(end.state, 'done', end.text);
    const kind = await page.$eval('#backend', (el) => el.dataset.kind);
    const label = await page.textContent('#backend');
    assert.equal(kind, 'webgpu', label);
    assert.match(label, /^WebGPU \(.*swiftshader.*\): chosen in the settings$/);
    const loss = await lossOf(page);
    assert.equal(loss.points, 3);
    assert.ok(loss.last < 0.95 * loss.first, `loss went from ${loss.first} to ${loss.last}`);
    await screenshot(page, 'webgpu-xor');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the page answers while it trains, and rounds fill the table and chart', { timeout: 240_000 }, async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors } = await open(browser, `${server.url}?preset=spiral&steps=1500&eval=50&rounds=2&backend=cpu`);
    await page.click('#train');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'running', null, { timeout: 60_000 });
    // Pause answers mid-run.
    await page.click('#pause');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'paused', null, { timeout: 30_000 });
    await page.click('#pause');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null, { timeout: 200_000, polling: 250 });
    const rows = await page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => tr.querySelector('.remaining').textContent));
    assert.equal(rows.length, 3);
    assert.equal(rows[0], '100.0');
    const points = await page.$eval('#accuracy-chart', (el) => [el.dataset.ticketPoints, el.dataset.reinitPoints]);
    assert.deepEqual(points, ['3', '2']);
    const drawn = await page.$$eval('#network line.link', (ls) => ls.length);
    const declared = await page.$eval('#network svg', (el) => parseInt(el.dataset.connections, 10));
    assert.equal(drawn, declared);
    await screenshot(page, 'cpu-spiral-rounds');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
