// Where the page's time goes in one run: a Chromium CPU profile (CDP
// Profiler) of a run on the CPU path, summed by function (self time). Build
// the page with LTL_WASM_OPT=0 (scripts/build-page.sh) so the wasm keeps its
// function names; the release page's are stripped by wasm-opt.
//   node tests/browser/profile-round.mjs ['?preset=lenet-mnist&rounds=0&steps=100&backend=cpu'] [top]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, launch, open, serve } from './harness.js';

const query = process.argv[2] ?? '?preset=lenet-mnist&rounds=0&steps=100&backend=cpu';
const top = parseInt(process.argv[3] ?? '25', 10);
const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, server.url + query);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#train');
  await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#status')?.dataset.state), null, { timeout: 900_000, polling: 100 });
  const t1 = await page.evaluate(() => performance.now());
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(join(artifacts, 'round.cpuprofile'), JSON.stringify(profile));
  const ends = await page.evaluate(() => globalThis.__lotteryRoundEnds ?? []);
  // Self time per function: samples × interval.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url ? f.url.split('/').pop() : ''}`.trim();
    self.set(name, (self.get(name) ?? 0) + (dt[i + 1] ?? 0) / 1000);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`${query}: ${(t1 - t0).toFixed(0)} ms from Train to done`);
  console.log('round ends (ms):', JSON.stringify(ends));
  for (const [name, ms] of rows) console.log(`${ms.toFixed(0).padStart(8)} ms  ${name.slice(0, 150)}`);
  console.log(`profile written to ${join(artifacts, 'round.cpuprofile')} (open it in Chrome's DevTools, Performance)`);
} finally {
  await browser.close();
  server.stop();
}
