// Not a test: renders docs/PRESET.png (1366×768, what a projector shows) and docs/PRESET-phone.png
// (390 wide, the whole page) from a finished run of a preset on the CPU path (PRESET: modular by default).
//   node tests/browser/preset-shot.mjs            PRESET=cartpole node tests/browser/preset-shot.mjs
// SHOW=id,id also writes the phone's view of those elements under tests/browser/artifacts, for a look.
// QUERY='signs=1&constant=1' adds keys to the link; NAME=why-demo names the files instead of the preset.
import { join } from 'node:path';
import { launch, open, root, serve } from './harness.js';

const preset = process.env.PRESET ?? 'modular';
const name = process.env.NAME ?? preset;
const extra = process.env.QUERY ? `&${process.env.QUERY}` : '';
const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, `${server.url}?preset=${preset}&backend=cpu${extra}`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null, { timeout: 600_000, polling: 500 });
  await page.screenshot({ path: join(root, 'docs', `${name}.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(root, 'docs', `${name}-phone.png`), fullPage: true });
  for (const id of (process.env.SHOW ?? '').split(',').filter(Boolean)) {
    await page.evaluate((i) => document.getElementById(i)?.scrollIntoView(), id);
    await page.screenshot({ path: join(root, 'tests', 'browser', 'artifacts', `${name}-phone-${id}.png`) });
  }
  console.log(`docs/${name}.png and docs/${name}-phone.png written`);
} finally {
  await browser.close();
  server.stop();
}
