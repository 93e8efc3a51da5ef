// Your own data: a CSV of points is previewed, used, trains, draws its
// decision regions, and exports in the ticket file (which imports back into
// a fresh page); five malformed files are each refused with the line and the
// problem while the page keeps its data; a link says it cannot carry rows.
// A penguins-like file (label first, two word columns, NA rows) has its label
// chosen in the menu and a column left out, trains, and travels in its ticket.
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

/** Choose a file; when it reads, press Use these rows. Returns the message at the end. */
async function offer(page, name, text) {
  await page.setInputFiles('#data-file', csv(name, text));
  await page.waitForFunction((n) => document.querySelector('#data-message')?.textContent.includes(n), name);
  if (await page.$eval('#data-message', (m) => m.dataset.stage) === 'read') {
    await page.click('#data-use');
    await page.waitForFunction(() => ['used', 'refused'].includes(document.querySelector('#data-message')?.dataset.stage));
  }
  return page.$eval('#data-message', (el) => ({ text: el.textContent, error: el.classList.contains('error') }));
}

/** Export the ticket file, and import it into a fresh page, which must show the rows in use. */
async function exportAndImport(page, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
  const ticket = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(ticket.own_data.name, name);
  const fresh = await open(browser, `${server.url}?backend=cpu`);
  await fresh.page.setInputFiles('#import-ticket', { name: 'ticket.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(ticket)) });
  await fresh.page.waitForFunction(() => document.querySelector('#ctl-data')?.value === 'own');
  assert.equal(await fresh.page.textContent('#data-in-use'), `In use: ${name}`);
  return { ticket, fresh };
}

const MALFORMED = [
  ['too-few.csv', 'a,b,c\n1,2,3\n4,5,6\n', '2 rows; at least 20'],
  ['ragged.csv', blobs(40).replace('\n', '\n1.5,2.5\n'), 'line 2: 2 values, but line 1 has 3'],
  ['words.csv', blobs(40).replace('x,y,label\n', 'x,y,label\n0.5,twelve,a\n'), "line 2, column 2 (y): 'twelve' is not a number"],
  ['one-class.csv', Array.from({ length: 30 }, (_, i) => `${i},${i * 2},yes`).join('\n'), "every row has the label 'yes'"],
  ['huge.csv', blobs(10_050), 'line 10002: more than 10000 rows'],
];

test('a CSV of points trains, a bad file is refused with its line while the data stays, and Export carries the rows', { timeout: 300_000 }, async () => {
  const { page, errors } = await open(browser, server.url + SMALL);
  await page.click('#own-data summary');
  const message = (await offer(page, 'blobs.csv', blobs(200))).text;
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
    const refusal = await offer(page, name, text);
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
  const { ticket, fresh } = await exportAndImport(page, 'blobs.csv');
  assert.equal(ticket.own_data.x.length, 400);
  assert.deepEqual(ticket.own_data.labels, ['a', 'b']);
  assert.deepEqual(errors, []);
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

/** Penguins as palmerpenguins ships them, shortened: species first, island and sex as words, NA in two rows. */
function penguins() {
  const rows = ['species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year'];
  const kinds = [['Adelie', 'Torgersen', 38, 18.5, 190, 3700], ['Gentoo', 'Biscoe', 47, 15, 217, 5000], ['Chinstrap', 'Dream', 49, 18.4, 196, 3730]];
  for (let i = 0; i < 90; i++) {
    const [species, island, bill, depth, flipper, mass] = kinds[i % 3];
    const wobble = Math.sin(i * 1.7);
    const sex = i === 7 ? 'NA' : ['male', 'female'][i % 2];
    const billText = i === 12 ? 'NA' : (bill + 2 * wobble).toFixed(1);
    rows.push(`${species},${island},${billText},${(depth + wobble).toFixed(1)},${Math.round(flipper + 5 * wobble)},${Math.round(mass + 200 * wobble)},${sex},${2007 + (i % 3)}`);
  }
  return rows.join('\n') + '\n';
}

const roles = (page) => page.$$eval('#data-preview td.role', (tds) => tds.map((td) => td.textContent));

test('a penguins-like file is previewed, its label chosen in the menu, trained, exported and imported again', { timeout: 300_000 }, async () => {
  const { page, errors } = await open(browser, `${server.url}?backend=cpu&steps=150&eval=50&rounds=1`);
  await page.click('#own-data summary');
  await page.setInputFiles('#data-file', csv('penguins-like.csv', penguins()));
  await page.waitForSelector('#data-preview');
  assert.equal(await page.$eval('#data-message', (m) => m.dataset.stage), 'read', 'nothing is used before the preview');
  assert.notEqual(await page.$eval('#ctl-data', (el) => el.value), 'own');
  assert.match(await page.textContent('#data-described'), /penguins-like\.csv: 90 rows separated by commas, a header/);
  assert.equal(await page.$$eval('#data-preview tbody tr', (r) => r.length), 5, 'the first rows');
  // No column is called label, class, target or y: the last (year) is the label until one is chosen.
  assert.deepEqual(await roles(page), ['one-hot (3)', 'one-hot (3)', 'feature', 'feature', 'feature', 'feature', 'one-hot (2)', 'label']);
  await page.selectOption('#data-label', { label: 'species' });
  await page.waitForFunction(() => document.querySelector('#data-preview td.role')?.textContent === 'label');
  await page.click('#data-preview th:nth-child(8) input');
  await page.waitForFunction(() => document.querySelectorAll('#data-preview td.role')[7]?.textContent === 'left out');
  assert.deepEqual(await roles(page), ['label', 'one-hot (3)', 'feature', 'feature', 'feature', 'feature', 'one-hot (2)', 'left out']);
  assert.match(await page.textContent('#data-notes'), /2 rows have a missing value and are left out \(lines 9, 14\)/);
  await screenshot(page, 'own-data-preview');

  await page.click('#data-use');
  await page.waitForFunction(() => document.querySelector('#data-message')?.dataset.stage === 'used');
  assert.match(await page.textContent('#data-message'), /penguins-like\.csv: 88 rows, 9 features, 3 classes \(Adelie, Chinstrap, Gentoo\)/);
  assert.equal(await page.$eval('#ctl-data', (el) => el.value), 'own');
  const end = await trainToEnd(page, 240_000);
  assert.equal(end.state, 'done', end.text);
  assert.equal((await roundRows(page)).length, 2);
  const dense = await page.$eval('#rounds tbody tr td:nth-child(3)', (td) => Number(td.textContent));
  assert.ok(dense > 80, `three well-separated species are learned (${dense}%)`);

  const { ticket, fresh } = await exportAndImport(page, 'penguins-like.csv');
  assert.deepEqual(ticket.own_data.labels, ['Adelie', 'Chinstrap', 'Gentoo']);
  assert.equal(ticket.own_data.feature_names[0], 'island=Biscoe');
  assert.deepEqual(errors, []);
  assert.equal((await roundRows(fresh.page)).length, 2, 'the imported rounds are shown');
  const denseBack = await fresh.page.$eval('#rounds tbody tr td:nth-child(3)', (td) => Number(td.textContent));
  assert.equal(denseBack, dense);

  // The example file the page ships: the real penguins, previewed the same way.
  await fresh.page.click('#own-data summary');
  await fresh.page.click('#data-example');
  await fresh.page.waitForFunction(() => document.querySelector('#data-described')?.textContent.includes('penguins.csv'));
  assert.match(await fresh.page.textContent('#data-described'), /penguins\.csv: 344 rows separated by commas, a header/);
  assert.deepEqual(await fresh.page.$$eval('#data-preview tbody tr', (rows) => rows.map((r) => r.className)), ['', '', '', 'left-out', ''],
    'the fourth penguin (all NA) is marked as left out');
  // As its tooltip promises, the example predicts species from the rest; the year is left out.
  const label = await fresh.page.$eval('#data-label', (el) => el.selectedOptions[0].textContent);
  assert.equal(label, 'species');
  const cells = await fresh.page.$$eval('#data-preview tr.roles td', (tds) => tds.map((td) => td.className));
  assert.deepEqual([cells[0], cells[7]], ['role label', 'role left-out'], 'species is the label, year left out');
  // Until Use these rows, a line under Train says what Train trains on: the rows the imported ticket brought.
  const trainsOn = await fresh.page.textContent('#trains-on');
  assert.match(trainsOn, /^penguins\.csv is previewed, not in use: Train trains on penguins-like\.csv\./, trainsOn);
  assert.deepEqual(fresh.errors, []);
});
