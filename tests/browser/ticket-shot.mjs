// Not a test: renders docs/ticket-panel.png (the panel "What the ticket saves" on the digits preset after a short
// run, a "3" drawn on the pad, at 1366×768) and docs/ticket-panel-phone.png (the same panel at 390 wide), and
// under tests/browser/artifacts the savings chart (ticket-savings-chart.png); docs/ticket-speed-chart.png: every
// round timed on the page, dense against sparse, with the break-even.
//   node tests/browser/ticket-shot.mjs
import { join } from 'node:path';
import { launch, open, root, serve } from './harness.js';

/** A "3" on the pad: two arcs, as fractions of its side. */
const STROKES = [
  [[0.3, 0.2], [0.5, 0.15], [0.7, 0.22], [0.7, 0.38], [0.5, 0.48]],
  [[0.5, 0.48], [0.72, 0.58], [0.72, 0.75], [0.5, 0.85], [0.3, 0.8]],
];

async function draw(page) {
  await page.locator('#ticket-pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#ticket-pad').boundingBox();
  for (const stroke of STROKES) {
    const [x0, y0] = stroke[0];
    await page.mouse.move(box.x + box.width * x0, box.y + box.height * y0);
    await page.mouse.down();
    for (const [x, y] of stroke.slice(1)) {
      await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 6 });
    }
    await page.mouse.up();
  }
  await page.waitForSelector('.try-predictions tbody tr[data-micros]:not([data-micros=""])');
}

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await open(browser, `${server.url}?preset=digits&rounds=6&reps=1&backend=cpu`);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null,
    { timeout: 900_000, polling: 500 });
  await draw(page);
  await page.locator('#ticket-panel').screenshot({ path: join(root, 'docs', 'ticket-panel.png') });
  await page.locator('#savings-chart').screenshot({ path: join(root, 'tests', 'browser', 'artifacts', 'ticket-savings-chart.png') });
  await page.click('#speed-chart button.time-rounds');
  await page.waitForSelector('#speed-chart .speed-point');
  await page.locator('#speed-chart').screenshot({ path: join(root, 'docs', 'ticket-speed-chart.png') });
  await page.evaluate(() => document.getElementById('ticket-panel')?.scrollIntoView());
  await page.screenshot({ path: join(root, 'tests', 'browser', 'artifacts', 'ticket-1366.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.evaluate(() => document.getElementById('ticket-panel')?.scrollIntoView());
  await page.screenshot({ path: join(root, 'docs', 'ticket-panel-phone.png') });
  await page.evaluate(() => document.getElementById('speed-chart')?.scrollIntoView());
  await page.screenshot({ path: join(root, 'tests', 'browser', 'artifacts', 'ticket-speed-phone.png') });
  console.log('docs/ticket-panel.png and docs/ticket-panel-phone.png written');
} finally {
  await browser.close();
  server.stop();
}
