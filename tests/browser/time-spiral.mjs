// Times a preset's rounds (the spiral's, or PRESET's) in headless Chromium on
// the CPU path. Not a test (timings are never asserted): prints a table and
// writes artifacts/<preset>-timing.json.
//   node tests/browser/time-spiral.mjs [extra query]      PRESET=demo node tests/browser/time-spiral.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, launch, open, serve } from './harness.js';

const extra = process.argv[2] ? `&${process.argv[2]}` : '';
const preset = process.env.PRESET ?? 'spiral';
const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, `${server.url}?preset=${preset}&backend=cpu${extra}`);
  const t0 = Date.now();
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'running', null, { timeout: 60_000 });
  const firstStep = (Date.now() - t0) / 1000;
  const times = [];
  for (;;) {
    const [rows, state] = await page.evaluate(() => [document.querySelectorAll('#rounds tbody tr').length, document.querySelector('#status').dataset.state]);
    while (times.length < rows) times.push((Date.now() - t0) / 1000);
    if (state === 'done' || state === 'error') break;
    await page.waitForTimeout(50);
  }
  const rounds = times.map((t, i) => ({ round: i, seconds: +(t - (i ? times[i - 1] : firstStep)).toFixed(2) }));
  console.log(`time to first step: ${firstStep.toFixed(2)} s`);
  for (const r of rounds) console.log(`round ${String(r.round).padStart(2)}: ${r.seconds.toFixed(2)} s`);
  console.log(`total: ${times.at(-1).toFixed(2)} s for ${rounds.length} rounds (CPU path, burn-flex in wasm)`);
  writeFileSync(join(artifacts, `${preset}-timing.json`), JSON.stringify({ firstStep, rounds, total: times.at(-1) }, null, 2));
} finally {
  await browser.close();
  server.stop();
}
