// Faults a classroom meets: hostile links, bad ticket files, a reload in the
// middle of a run, a full storage, and a GPU that disappears. Each test reads
// what the page shows, as a user would, and every request stays same-origin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, roundRows, screenshot, serve, trainToEnd, waitState } from './harness.js';

let server;
let browser;
const requests = [];
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => {
  await browser?.close();
  server?.stop();
});

/** Open a page and keep its requests for the same-origin check at the end. */
async function openPage(url, options) {
  const opened = await open(browser, url, options);
  opened.page.on('request', (r) => requests.push(r.url()));
  requests.push(url);
  return opened;
}

const TINY = 'data=xor&n=200&noise=0&hidden=8&steps=60&eval=20&lr=0.05&rate=0.3&orate=0.15&reinit=1&random=0&seed=3&backend=cpu';

// [query, a key the notice must name]
const HOSTILE = [
  ['steps=1e309', 'steps'],
  ['lr=NaN', 'lr'],
  ['hidden=99999,99999,99999', 'hidden'],
  ['rounds=-5', 'rounds'],
  ['seed=%FF%FE%00', 'seed'],
  ['data=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E', 'data'],
  ['zzz=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E', 'zzz'],
  ['t=AAAA', 't'],
  [`t=${'A'.repeat(9000)}`, 't'],
  [`${'a=1&'.repeat(5000)}`, '(link)'],
  ['steps=5&steps=7', 'steps'],
  ['rate=1.5', 'rate'],
  ['preset=%22%3E%3Csvg%20onload%3Dalert(1)%3E', 'preset'],
  ['batch=0', 'batch'],
  ['opt=%F0%9F%92%A5', 'opt'],
  ['noise=-0.5', 'noise'],
  ['eval=999999999999999999999999', 'eval'],
  ['data=mnist&conv=64,64,64,64,64', 'conv'],
  ['%00=%00&lr_hide=%3Cb%3E', ''],
  ['javascript:alert(1)=1&backend=javascript:alert(1)', 'backend'],
];

test('20 hostile links each render the page with a message, and run no script', { timeout: 240_000 }, async () => {
  const { page, errors } = await openPage(server.url);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  for (const [query, key] of HOSTILE) {
    await page.goto(`${server.url}?${query}`);
    await page.waitForSelector('#train', { timeout: 30_000 });
    const notices = await page.$$eval('#notices li', (lis) => lis.map((li) => li.textContent));
    assert.ok(notices.length >= 1, `no message for ?${query.slice(0, 60)}`);
    if (key) assert.ok(notices.some((n) => n.includes(key)), `?${query.slice(0, 60)}: ${JSON.stringify(notices)}`);
    // Text only: no element from the link, and nothing it carried ran.
    assert.equal(await page.$$eval('#notices script, #notices img, #notices svg, #notices b', (els) => els.length), 0);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // Whatever the link said, the bench holds a configuration the engine accepts.
    assert.ok(await page.$eval('#ctl-steps', (el) => /^\d+$/.test(el.value)));
  }
  assert.deepEqual(dialogs, []);
  assert.deepEqual(errors, []);
});

test('a ticket exports, a corrupt one is refused, and a good one imports and continues', { timeout: 240_000 }, async () => {
  // A finished 2-round experiment, exported.
  const a = await openPage(`${server.url}?${TINY}&rounds=2`);
  assert.equal((await trainToEnd(a.page, 120_000)).state, 'done');
  const rowsA = await roundRows(a.page);
  const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.click('#export-ticket')]);
  assert.match(download.suggestedFilename(), /^ticket-xor-round2\.json$/);
  const ticket = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(ticket.format, 'lottery-ticket-lab/ticket');
  assert.equal(ticket.version, 1);
  assert.equal(ticket.config.seed, 3);
  assert.equal(ticket.rounds.length, 3);

  // Another page, another experiment: bad files leave it as it was.
  const b = await openPage(`${server.url}?preset=spiral`);
  const url = b.page.url();
  const bad = [
    ['notes.json', 'hello, world', /not a ticket file/],
    ['future.json', JSON.stringify({ ...ticket, version: 99 }), /version 99 is not supported/],
    ['other.json', JSON.stringify({ ...ticket, format: 'something-else' }), /not a Lottery Ticket Lab ticket/],
    ['shape.json', JSON.stringify({ ...ticket, rounds: ticket.rounds.map((r, i) => (i === 1 ? { ...r, mask: { layers: [r.mask.layers[1], r.mask.layers[0]] } } : r)) }), /round 1, layer 1/],
    ['truncated.json', JSON.stringify(ticket).slice(0, 500), /not a ticket file/],
    ['nan.json', JSON.stringify(ticket).replace('"test_accuracy":', '"test_accuracy":9,"x":'), /between 0 and 1|duplicate field/],
  ];
  for (const [name, text, reason] of bad) {
    await b.page.setInputFiles('#import-ticket', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await b.page.waitForFunction((n) => document.querySelector('#ticket-message')?.textContent.includes(n), name);
    const message = await b.page.textContent('#ticket-message');
    assert.match(message, /^Could not import /);
    assert.match(message, reason, message);
    assert.match(message, /The experiment is unchanged\.$/);
    assert.equal(b.page.url(), url, 'the configuration is untouched');
    assert.deepEqual(await roundRows(b.page), []);
  }
  await screenshot(b.page, 'robust-corrupt-ticket');

  // The good file, with its last round taken off: it imports, and Continue
  // trains that round again to the same result (same seed, CPU).
  const partial = { ...ticket, rounds: ticket.rounds.slice(0, 2), next_mask: ticket.rounds[2].mask };
  await b.page.setInputFiles('#import-ticket', { name: 'partial.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(partial)) });
  await b.page.waitForSelector('#resumable');
  assert.match(await b.page.textContent('#resumable'), /^2 finished rounds imported from partial\.json/);
  assert.deepEqual(await roundRows(b.page), rowsA.slice(0, 2));
  assert.equal(await b.page.$eval('#ctl-data', (el) => el.value), 'xor', 'the imported configuration is shown');
  assert.equal(await b.page.$$eval('#network line.link', (ls) => ls.length) > 0, true);
  await b.page.click('#continue');
  await waitState(b.page, ['done', 'error'], 120_000);
  assert.deepEqual(await roundRows(b.page), rowsA);
  assert.deepEqual([...a.errors, ...b.errors], []);
});

test('a reload mid-run keeps the finished rounds and continues from the last', { timeout: 300_000 }, async () => {
  const query = `${TINY.replace('steps=60', 'steps=500').replace('eval=20', 'eval=100')}&rounds=4`;
  const whole = await openPage(`${server.url}?${query}`);
  assert.equal((await trainToEnd(whole.page, 200_000)).state, 'done');
  const rowsWhole = await roundRows(whole.page);
  assert.equal(rowsWhole.length, 5);

  const { page, errors } = await openPage(`${server.url}?${query}`);
  await page.click('#train');
  await page.waitForFunction(() => document.querySelectorAll('#rounds tbody tr').length >= 2, null, { timeout: 120_000, polling: 50 });
  await page.reload();
  await page.waitForSelector('#resumable');
  const saved = Number(await page.$eval('#resumable', (el) => el.dataset.rounds));
  assert.ok(saved >= 2 && saved < 5, `${saved} rounds saved`);
  assert.match(await page.textContent('#resumable'), new RegExp(`^${saved} finished rounds saved in this browser`));
  assert.deepEqual(await roundRows(page), rowsWhole.slice(0, saved), 'restored rounds are drawn again');
  assert.equal(await page.$eval('#status', (el) => el.dataset.state), 'idle');
  assert.equal(await page.textContent('#continue'), `Continue from round ${saved}`);
  await screenshot(page, 'robust-reloaded');
  await page.click('#continue');
  await waitState(page, ['done', 'error'], 200_000);
  assert.deepEqual(await roundRows(page), rowsWhole, 'the continued run ends where an uninterrupted one does');

  // Clear: nothing comes back after the next reload.
  await page.click('#clear-saved');
  assert.match(await page.textContent('#storage-message'), /^Cleared 1 saved experiment from this browser\./);
  await page.reload();
  await page.waitForSelector('#train');
  assert.equal(await page.$('#resumable'), null);
  assert.deepEqual(await roundRows(page), []);
  assert.deepEqual([...whole.errors, ...errors], []);
});

test('a full storage is a message, and the run goes on', { timeout: 120_000 }, async () => {
  const { page, errors } = await openPage(`${server.url}?${TINY}&rounds=2`, {
    init: () => {
      Storage.prototype.setItem = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
    },
  });
  const end = await trainToEnd(page, 100_000);
  assert.equal(end.state, 'done', end.text);
  assert.equal((await roundRows(page)).length, 3);
  const message = await page.textContent('#storage-message');
  assert.match(message, /could not be saved in this browser: its storage is full \(QuotaExceededError/);
  assert.deepEqual(errors, []);
});

test('the GPU device destroyed mid-run: a notice, and the run finishes on the CPU', { timeout: 480_000 }, async () => {
  const gpu = await launch({ webgpu: true });
  try {
    const context = await gpu.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    // The engine trains in a Web Worker the page starts as it loads: keep every device that worker creates,
    // so the test can destroy it.
    const [worker] = await Promise.all([
      page.waitForEvent('worker'),
      page.goto(`${server.url}?data=xor&n=100&noise=0&hidden=6&steps=12&eval=6&rounds=3&reinit=0&lr=0.05&rate=0.3&orate=0.15&backend=webgpu&workers=1&reps=1`),
    ]);
    await worker.evaluate(() => {
      self.__devices = [];
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (...args) {
        const device = await request.apply(this, args);
        self.__devices.push(device);
        return device;
      };
    });
    await page.click('#train');
    await page.waitForFunction(() => document.querySelectorAll('#rounds tbody tr').length >= 1, null, { timeout: 400_000, polling: 100 });
    assert.equal(await page.$eval('#backend', (el) => el.dataset.kind), 'webgpu');
    const before = await roundRows(page);
    const destroyed = await worker.evaluate(() => { self.__devices.forEach((d) => d.destroy()); return self.__devices.length; });
    assert.ok(destroyed >= 1);
    await waitState(page, ['done', 'error'], 400_000);
    const status = await page.$eval('#status', (el) => ({ state: el.dataset.state, text: el.textContent }));
    assert.equal(status.state, 'done', status.text);
    assert.equal(await page.$eval('#backend', (el) => el.dataset.kind), 'cpu');
    assert.match(await page.textContent('#backend'), /GPU was lost/);
    assert.match(await page.textContent('#device-notice'), /The GPU was lost during round (\d+) \(destroyed.*\)\. The run continues on the CPU from round \1; /);
    const rows = await roundRows(page);
    assert.equal(rows.length, 4);
    assert.deepEqual(rows.slice(0, before.length), before, 'no finished round is lost');
    await screenshot(page, 'robust-device-lost');
    assert.deepEqual(errors, []);
  } finally {
    await gpu.close();
  }
});

test('every request of these pages went to the page\'s own origin', () => {
  assert.ok(requests.length > 20);
  assert.deepEqual(requests.filter((u) => !u.startsWith(server.url)), []);
});
