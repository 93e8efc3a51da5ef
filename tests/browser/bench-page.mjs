// Page figures for `make bench` (never asserted): time to first paint, to the
// app, to the first training steps after Train, and steps per second for the
// spiral preset, on the CPU path and on WebGPU (Chromium's SwiftShader, a
// software adapter: a real GPU is far faster). Prints one JSON line.
//   node tests/browser/bench-page.mjs
import { launch, open, serve } from './harness.js';

async function measure(browser, query) {
  const { page } = await open(browser, query);
  const loaded = await page.evaluate(() => ({
    firstPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    appMs: performance.now(),
  }));
  const clickMs = await page.evaluate(() => performance.now());
  await page.click('#train');
  await page.waitForFunction(() => performance.getEntriesByName('lottery:first-step').length > 0, null, { timeout: 300_000, polling: 20 });
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#status')?.dataset.state), null, { timeout: 600_000, polling: 50 });
  const marks = await page.evaluate(() => ({
    first: performance.getEntriesByName('lottery:first-step')[0].startTime,
    done: performance.getEntriesByName('lottery:done')[0]?.startTime ?? null,
    nav: performance.timeOrigin,
    backend: document.querySelector('#backend').textContent,
    state: document.querySelector('#status').dataset.state,
  }));
  await page.context().close();
  return { ...loaded, clickMs, ...marks };
}

const server = await serve();
const out = {};
try {
  for (const [name, webgpu, query, steps] of [
    ['cpu', false, '?preset=spiral&rounds=0&backend=cpu', 1500],
    ['webgpu', true, '?preset=spiral&rounds=0&steps=150&eval=50&backend=webgpu', 150],
  ]) {
    const browser = await launch({ webgpu });
    try {
      const m = await measure(browser, server.url + query);
      out[name] = {
        backend: m.backend,
        state: m.state,
        first_paint_ms: m.firstPaintMs,
        app_ready_ms: m.appMs,
        // Train is pressed as soon as the app is there.
        first_step_after_train_ms: m.first - m.clickMs,
        navigation_to_first_step_ms: m.first,
        steps,
        steps_per_s: m.done ? steps / ((m.done - m.first) / 1000) : null,
      };
    } finally {
      await browser.close();
    }
  }
} finally {
  server.stop();
}
console.log(JSON.stringify(out));
