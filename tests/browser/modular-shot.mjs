// Not a test: renders docs/modular.png (1366×768, what a projector shows) and docs/modular-phone.png
// (390 wide, the whole page) from a finished run of the modular preset on the CPU path.
//   node tests/browser/modular-shot.mjs
import { join } from 'node:path';
import { launch, open, root, serve } from './harness.js';

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, `${server.url}?preset=modular&backend=cpu`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null, { timeout: 600_000, polling: 500 });
  await page.screenshot({ path: join(root, 'docs', 'modular.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(root, 'docs', 'modular-phone.png'), fullPage: true });
  if (process.env.SHOW) { // SHOW=1: also the phone's view of the transformer and the grokking chart, for a look
    for (const id of ['transformer-view', 'grokking-chart']) {
      await page.evaluate((i) => document.getElementById(i)?.scrollIntoView(), id);
      await page.screenshot({ path: join(root, 'tests', 'browser', 'artifacts', `modular-phone-${id}.png`) });
    }
  }
  console.log('docs/modular.png and docs/modular-phone.png written');
} finally {
  await browser.close();
  server.stop();
}
