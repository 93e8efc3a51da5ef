// Not a test: renders the README's screenshots from finished runs of the default (demo) preset on the CPU path:
// docs/screenshot.png, what a 1366×768 projector shows with no scrolling, and docs/class-mode-phone.png, the first
// screen of a 390×844 phone (class mode, the default there).  node tests/browser/readme-shot.mjs
import { join } from 'node:path';
import { launch, root, serve } from './harness.js';

const SHOTS = [
  { file: 'screenshot.png', viewport: { width: 1366, height: 768 } },
  { file: 'class-mode-phone.png', viewport: { width: 390, height: 844 } },
];

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  for (const { file, viewport } of SHOTS) {
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.url}?preset=demo&backend=cpu`);
    await page.waitForSelector('#train');
    await page.click('#train');
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null,
      { timeout: 600_000, polling: 500 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(root, 'docs', file) });
    console.log(`docs/${file} written`);
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
}
