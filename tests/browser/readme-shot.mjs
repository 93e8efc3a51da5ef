// Not a test: renders docs/screenshot.png for the README from a finished run
// of the default (demo) preset on the CPU path: what a 1366×768 projector shows, no scrolling.  node tests/browser/readme-shot.mjs
import { join } from 'node:path';
import { launch, open, root, serve } from './harness.js';

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, `${server.url}?preset=demo&backend=cpu`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null, { timeout: 600_000, polling: 500 });
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
  console.log('docs/screenshot.png written');
} finally {
  await browser.close();
  server.stop();
}
