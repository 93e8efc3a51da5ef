// Offline after the first visit (web/service-worker.js, web/offline.js, src/ui/run/offline.rs): the page is stored
// on the first visit; with the server gone a reload opens it and the demo trains to the end; "Make available
// offline" stores every data set; a new build is offered as "Reload to update", and until then the page keeps
// every file of the version it loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, serve, withBrowser, trainToEnd, screenshot } from './harness.js';

const NEW_BUILD = '<meta name="lab-test-build" content="2">';
const DEMO_MS = 180_000;

test('the page works offline after one visit and offers a new build as an update', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-offline-'));
  cpSync(join(root, 'dist'), dir, { recursive: true }); // a build of our own: this test makes it new later
  let server = await serve({ dir });
  try {
    await withBrowser({ webgpu: false }, async (browser) => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (err) => errors.push(String(err)));
      await page.goto(`${server.url}?backend=cpu`);
      await page.waitForSelector('#offline[data-state="ready"]', { timeout: 120_000 });
      assert.match(await page.textContent('#offline'), /Works offline; data sets: 0 of 4 stored/);

      await page.click('#offline-data');
      await page.waitForFunction(() => /data sets: 4 of 4 stored/.test(document.querySelector('#offline')?.textContent),
        null, { timeout: 120_000 });
      assert.equal(await page.$('#offline-data'), null, 'nothing is left to store');

      // The server is gone: the page, its WebAssembly and a data set still come, and the demo trains.
      const { port } = server;
      await server.stop();
      server = null;
      await page.reload();
      await page.waitForSelector('#train', { timeout: 60_000 });
      assert.equal(await page.evaluate(() => fetch('data/digits.ltd').then((r) => r.status)), 200);
      const end = await trainToEnd(page, DEMO_MS);
      assert.equal(end.state, 'done', end.text);

      // A new build: the same files but index.html, and its own service worker.
      const index = join(dir, 'index.html');
      writeFileSync(index, readFileSync(index, 'utf8').replace('<head>', `<head>${NEW_BUILD}`));
      execFileSync('python3', [join(root, 'scripts', 'service_worker.py'), dir]);
      server = await serve({ dir, port });
      await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
      await page.waitForSelector('#update-ready', { timeout: 60_000 });
      await screenshot(page, 'update-ready');
      // Until the user says so, every file is the version the page loaded.
      assert.ok(!(await page.evaluate(() => fetch('index.html').then((r) => r.text()))).includes('lab-test-build'));
      assert.equal(await page.$('meta[name="lab-test-build"]'), null);

      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.click('#reload-update')]);
      await page.waitForSelector('#train', { timeout: 60_000 });
      assert.notEqual(await page.$('meta[name="lab-test-build"]'), null, 'the reload brought the new build');
      await page.waitForSelector('#offline[data-state="ready"]', { timeout: 60_000 });
      assert.deepEqual(errors, []);
      await context.close();
    });
  } finally {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the manifest lets the lab be installed', async () => {
  const manifest = JSON.parse(readFileSync(join(root, 'dist', 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.name, 'Lottery Ticket Lab');
  assert.equal(manifest.display, 'standalone');
  assert.ok(manifest.icons.every((i) => readFileSync(join(root, 'dist', i.src)).length > 0), 'its icons are shipped');
  // Chromium's own verdict: nothing keeps the page from being installed but the test's private window.
  const server = await serve();
  try {
    await withBrowser({ webgpu: false }, async (browser) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('#offline[data-state="ready"]', { timeout: 120_000 });
      const cdp = await context.newCDPSession(page);
      const manifestErrors = (await cdp.send('Page.getAppManifest')).errors;
      assert.deepEqual(manifestErrors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
      await context.close();
    });
  } finally {
    await server.stop();
  }
});
