// Which backend trains, and why the page says so: `auto` times the network
// on the GPU (SwiftShader here) and on the CPU (burn-flex in wasm) and keeps
// the faster; `cpu` and `webgpu` force one. And a browser that cannot run the
// module gets a message instead of a page stuck on "Loading…".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { open, screenshot, serve, trainToEnd, withBrowser } from './harness.js';

let server;
before(async () => { server = await serve(); });
after(() => server?.stop());

const TINY = 'data=xor&n=100&noise=0&hidden=6&steps=30&eval=10&rounds=0&reinit=0&lr=0.05&batch=32';

test('auto times both devices, keeps the faster and says so', { timeout: 420_000 }, async () => {
  await withBrowser({ webgpu: true }, async (browser) => {
    const { page, errors } = await open(browser, `${server.url}?${TINY}&backend=auto`);
    const end = await trainToEnd(page, 400_000);
    assert.equal(end.state, 'done', end.text);
    const kind = await page.$eval('#backend', (el) => el.dataset.kind);
    const label = await page.textContent('#backend');
    const m = /^(CPU \(burn-flex\)|WebGPU \(.*swiftshader.*\)): ([\d.]+) steps\/s against ([\d.]+) (on this GPU \(.*\)|on the CPU) for this network/.exec(label);
    assert.ok(m, label);
    assert.equal(kind, m[1].startsWith('CPU') ? 'cpu' : 'webgpu', label);
    assert.ok(parseFloat(m[2]) >= parseFloat(m[3]), `kept the slower one: ${label}`);
    await screenshot(page, 'backend-auto');
    assert.match(label, /\(timed at the start\)$/);
    // Training the same network again keeps the choice instead of timing it again.
    const again = await trainToEnd(page, 400_000);
    assert.equal(again.state, 'done', again.text);
    assert.equal(await page.$eval('#backend', (el) => el.dataset.kind), kind);
    assert.equal(await page.textContent('#backend'), label.replace('(timed at the start)', '(timed earlier on this page)'));
    assert.deepEqual(errors, []);
  });
});

test('backend=cpu is taken as asked, even where WebGPU is there', { timeout: 120_000 }, async () => {
  await withBrowser({ webgpu: true }, async (browser) => {
    const { page, errors } = await open(browser, `${server.url}?${TINY}&backend=cpu`);
    const end = await trainToEnd(page, 100_000);
    assert.equal(end.state, 'done', end.text);
    assert.equal(await page.$eval('#backend', (el) => el.dataset.kind), 'cpu');
    assert.equal(await page.textContent('#backend'), 'CPU (burn-flex): chosen in the settings');
    await screenshot(page, 'backend-cpu');
    assert.deepEqual(errors, []);
  });
});

test('a browser without wasm SIMD gets a message, not a stuck page', { timeout: 60_000 }, async () => {
  await withBrowser({ webgpu: false }, async (browser) => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    // Such a browser: SIMD128 does not validate, and the module does not compile.
    await context.addInitScript(() => { WebAssembly.validate = () => false; });
    await context.route('**/*.wasm', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForSelector('#boot-error');
    assert.match(await page.textContent('#boot-error'), /lacks WebAssembly SIMD.*Chrome or Edge 91\+, Firefox 89\+ and Safari 16\.4\+/);
    await screenshot(page, 'backend-no-simd');
    // Where SIMD is there but the module cannot be fetched, the reason is shown too.
    const other = await context.browser().newContext();
    await other.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const p2 = await other.newPage();
    await p2.goto(server.url);
    await p2.waitForSelector('#boot-error');
    assert.match(await p2.textContent('#boot-error'), /^The lab could not start: /);
  });
});
