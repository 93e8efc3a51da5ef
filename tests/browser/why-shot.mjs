// The README's picture of the Why and stability panels (docs/why-panel.png): the demo preset with 3 replicates at
// 1366×768, the why experiments and the stability measured (on the replicate the drawings show). Run by hand:
//   cd tests/browser && node why-shot.mjs
import { join } from 'node:path';
import { launch, open, root, serve, trainToEnd } from './harness.js';

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page, errors } = await open(browser, `${server.url}?preset=demo&reps=3&backend=cpu`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#why-run');
  const state = await trainToEnd(page, 600_000);
  if (state.state !== 'done') throw new Error(state.text);
  await page.waitForFunction(() => document.querySelector('#why-findings')?.hasAttribute('data-ready'));
  await page.click('#stability-run');
  await page.waitForFunction(() => document.querySelector('#stability')?.dataset.state === 'done', null,
    { timeout: 300_000 });
  const box = await page.evaluate(() => {
    const rects = ['#why-panel', '#stability'].map((s) => document.querySelector(s).getBoundingClientRect());
    const x = Math.min(...rects.map((r) => r.left)) + window.scrollX;
    const y = Math.min(...rects.map((r) => r.top)) + window.scrollY;
    const right = Math.max(...rects.map((r) => r.right)) + window.scrollX;
    const bottom = Math.max(...rects.map((r) => r.bottom)) + window.scrollY;
    return { x, y, width: right - x, height: bottom - y };
  });
  await page.screenshot({ path: join(root, 'docs', 'why-panel.png'), clip: box, fullPage: true });
  if (errors.length) throw new Error(errors.join('\n'));
  console.log('docs/why-panel.png', box);
} finally {
  await browser.close();
  server.stop();
}
