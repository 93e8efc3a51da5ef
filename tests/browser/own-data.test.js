// Your own data: a CSV of points imports, trains, draws its decision
// regions, and exports in the ticket file (which imports back into a fresh
// page); five malformed files are each refused with the line and the
// problem while the page keeps its data; a link says it cannot carry rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, open, serve, screenshot, trainToEnd, roundRows } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const SMALL = '?backend=cpu&steps=150&eval=50&rounds=2';

/** Two blobs of `n` points, labelled a and b, as x,y,label. */
function blobs(n) {
  const rows = ['x,y,label'];
  for (let i = 0; i < n; i++) {
    const [cx, cy, label] = i % 2 ? [20, 15, 'b'] : [-20, -10, 'a'];
    rows.push(`${(cx + 8 * Math.sin(i * 0.7)).toFixed(2)},${(cy + 8 * Math.cos(i * 0.7)).toFixed(2)},${label}`);
  }
  return rows.join('\n') + '\n';
}

const csv = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

const MALFORMED = [
  ['no-label.csv', 'a,b,c\n1,2,3\n4,5,6\n', 'line 1: no label column'],
  ['ragged.csv', blobs(40).replace('\n', '\n1.5,2.5\n'), 'line 2: 2 values, but line 1 has 3'],
  ['words.csv', blobs(40).replace('x,y,label\n', 'x,y,label\n0.5,twelve,a\n'), "line 2, column 2: 'twelve' is not a number"],
  ['one-class.csv', Array.from({ length: 30 }, (_, i) => `${i},${i * 2},yes`).join('\n'), "every row has the label 'yes'"],
  ['huge.csv', blobs(10_050), 'line 10002: more than 10000 rows'],
];

test('a CSV of points trains, a bad file is refused with its line while the data stays, and Export carries the rows', { timeout: 300_000 }, async () => {
  const { page, errors } = await open(browser, server.url + SMALL);
  await page.click('#own-data summary');
  await page.setInputFiles('#data-file', csv('blobs.csv', blobs(200)));
  await page.waitForSelector('#data-message');
  const message = await page.textContent('#data-message');
  assert.match(message, /blobs\.csv: 200 rows, 2 features, 2 classes \(a, b\)/);
  assert.equal(await page.$eval('#ctl-data', (el) => el.value), 'own');
  assert.equal(await page.$eval('#ctl-n', (el) => el.value), '200');

  const end = await trainToEnd(page, 240_000);
  assert.equal(end.state, 'done', end.text);
  const rows = await roundRows(page);
  assert.equal(rows.length, 3);
  const dense = await page.$eval('#rounds tbody tr td:nth-child(3)', (td) => Number(td.textContent));
  assert.ok(dense > 90, `two separate blobs are learned (${dense}%)`);
  assert.ok(await page.$$eval('#decision circle.pt', (c) => c.length) > 0, 'the own points are drawn over the decision regions');
  await screenshot(page, 'own-data-trained');

  // Five malformed files: each refused with the line and the problem; the data and the rounds stay.
  for (const [name, text, expected] of MALFORMED) {
    await page.setInputFiles('#data-file', csv(name, text));
    await page.waitForFunction((n) => document.querySelector('#data-message')?.textContent.includes(n), name);
    const refusal = await page.$eval('#data-message', (el) => ({ text: el.textContent, error: el.classList.contains('error') }));
    assert.ok(refusal.error && refusal.text.includes(expected), `${name}: expected "${expected}" in "${refusal.text}"`);
    assert.match(refusal.text, /The data is unchanged/);
    assert.equal(await page.$eval('#ctl-data', (el) => el.value), 'own', `${name}: the data stays`);
    assert.equal(await page.textContent('#data-in-use'), 'In use: blobs.csv');
    assert.equal((await roundRows(page)).length, 3, `${name}: the rounds stay`);
  }
  // Pasted text is read the same way.
  await page.fill('#data-paste', '1,2\n3\n');
  await page.click('#data-use-paste');
  await page.waitForFunction(() => document.querySelector('#data-message')?.textContent.includes('pasted text'));
  assert.match(await page.textContent('#data-message'), /line 2: 1 values, but line 1 has 2/);

  // A link cannot carry the rows, and says so.
  await page.click('#copy-link');
  assert.match(await page.textContent('#share-message'), /own data, which a link cannot carry/);

  // Export: the ticket file carries the rows, and a fresh page trains from it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
  const ticket = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(ticket.own_data.name, 'blobs.csv');
  assert.equal(ticket.own_data.x.length, 400);
  assert.deepEqual(ticket.own_data.labels, ['a', 'b']);
  assert.deepEqual(errors, []);

  const fresh = await open(browser, `${server.url}?backend=cpu`);
  await fresh.page.setInputFiles('#import-ticket', { name: 'ticket.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ticket)) });
  await fresh.page.waitForFunction(() => document.querySelector('#ctl-data')?.value === 'own');
  assert.equal(await fresh.page.textContent('#data-in-use'), 'In use: blobs.csv');
  assert.equal((await roundRows(fresh.page)).length, 3, 'the imported rounds are shown');
  const again = await trainToEnd(fresh.page, 240_000);
  assert.equal(again.state, 'done', again.text);
  const denseAgain = await fresh.page.$eval('#rounds tbody tr td:nth-child(3)', (td) => Number(td.textContent));
  assert.equal(denseAgain, dense, 'the same rows, seed and settings train the same dense network');
  assert.deepEqual(fresh.errors, []);
});

test('a link naming own data says the rows cannot travel in it', { timeout: 60_000 }, async () => {
  const { page } = await open(browser, `${server.url}?data=own`);
  const notice = await page.textContent('#notices');
  assert.match(notice, /own data cannot travel in a link/);
  assert.notEqual(await page.$eval('#ctl-data', (el) => el.value), 'own');
});
