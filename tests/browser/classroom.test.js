// The classroom: the page on a projector (1366×768) shows the essentials
// without scrolling, a phone gets one column no wider than the screen, the
// accuracy chart reads out the round under the pointer, and the guided tour
// runs its five steps, each quoting the figures its own run produced (step 4
// also checks the generalisation chart and the train-accuracy column).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkVerdict, launch, open, serve, screenshot } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const PROJECTOR = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** Whether the element's box lies wholly inside the viewport. */
async function inView(page, selector) {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return { ok: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 0,
      box: [r.left, r.top, r.right, r.bottom].map(Math.round) };
  });
}

test('at 1366×768 the buttons, progress, backend, network and accuracy chart fit without scrolling; a phone gets one column', { timeout: 120_000 }, async () => {
  const { page, errors } = await open(browser, `${server.url}?backend=cpu`);
  await page.setViewportSize(PROJECTOR);
  for (const sel of ['#train', '#pause', '#step', '#reset', '#run-progress', '#backend', '#network svg', '#accuracy-chart svg']) {
    const v = await inView(page, sel);
    assert.ok(v.ok, `${sel} is inside the 1366×768 viewport (box ${v.box})`);
  }
  // The controls are grouped, the rarer ones folded.
  const groups = await page.$$eval('.controls fieldset.group legend', (ls) => ls.map((l) => l.textContent));
  assert.deepEqual(groups, ['Data', 'Network', 'Training', 'Pruning', 'Controls and seed', 'Backend']);
  assert.equal(await page.isVisible('#ctl-data'), true, 'a common control is in view');
  assert.equal(await page.isVisible('#ctl-batch'), false, 'a rarer one is folded');
  await page.click('fieldset.group:has(#ctl-batch) summary');
  assert.equal(await page.isVisible('#ctl-batch'), true, '"More" unfolds it');

  await page.setViewportSize(PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `nothing is wider than the phone (${width} px)`);
  const columns = await page.$eval('main', (el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
  assert.equal(columns, 1, 'the page stacks');
  await screenshot(page, 'classroom-phone');
  assert.deepEqual(errors, []);
});

test('class mode on a phone: Train, then the verdict and the main chart in the first screen; settings and research folded', { timeout: 120_000 }, async () => {
  // No class= in the link: a 390-wide screen gets class mode by itself.
  const page = await browser.newPage({ viewport: PHONE });
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(`${server.url}?preset=demo&backend=cpu`);
  await page.waitForSelector('#train');
  assert.equal(await page.isChecked('#class-mode'), true, 'a narrow screen opens in class mode');
  assert.equal(await page.$eval('#settings', (el) => el.open), false, 'the settings are folded');
  assert.equal(await page.$eval('#advanced details', (el) => el.open), false, 'the research panels are folded');
  assert.equal(await page.$eval('#glossary', (el) => el.open), true, 'the glossary is open');
  await page.click('#train');
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'done', null,
    { timeout: 100_000, polling: 250 });
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const sel of ['#train', '#verdict', '#accuracy-chart svg']) {
    const v = await inView(page, sel);
    assert.ok(v.ok, `${sel} is in the first 390×844 screen (box ${v.box})`);
  }
  // No column of dashes: every column of the rounds table has a figure in some row.
  const columns = await page.$$eval('#rounds tbody tr', (trs) => {
    const rows = trs.map((tr) => [...tr.children].map((td) => td.textContent.trim()));
    return rows[0].map((_, c) => rows.some((r) => r[c] !== '–'));
  });
  assert.ok(columns.every(Boolean), `a column with only dashes: ${columns}`);
  await screenshot(page, 'class-mode-phone');
  // Unticked, the page shows everything again, and the link says so.
  await page.click('#class-mode');
  assert.equal(await page.$eval('#advanced details', (el) => el.open), true);
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('class'));
  assert.deepEqual(errors, []);
  await page.close();
});

/** The rounds table as { round, remaining, ticket, reinit } per row. */
async function table(page) {
  return page.$$eval('#rounds tbody tr', (trs) => trs.map((tr) => {
    const cell = (name) => tr.querySelector(`td.${name}`)?.textContent.trim() ?? '–';
    return { round: Number(tr.children[0].textContent), remaining: cell('remaining'), ticket: cell('ticket'),
      reinit: cell('reinit') };
  }));
}

async function stepDone(page, n) {
  await page.waitForFunction((step) => {
    const tour = document.querySelector('#tour');
    return tour?.dataset.step === String(step) && document.querySelector('#tour-findings')?.dataset.state === 'done';
  }, n, { timeout: 120_000, polling: 200 });
  return page.$eval('#tour-findings', (el) => el.textContent);
}

test('the guided tour: the paper\'s five steps, each run by the page, each quoting its own figures; back, next and leave', { timeout: 600_000 }, async () => {
  const { page, errors } = await open(browser, `${server.url}?tour=1&backend=cpu`);
  await page.setViewportSize(PROJECTOR);

  // 1: the dense network alone.
  let text = await stepDone(page, 1);
  let rows = await table(page);
  assert.equal(rows.length, 1, 'step 1 trains the dense network only');
  assert.ok(text.includes(`${rows[0].ticket}%`), `step 1 quotes the dense accuracy ${rows[0].ticket}%: ${text}`);
  assert.match(page.url(), /tour=1/);

  // 2: one round at 20%; the drawing shows round 0 with the pruned links dashed.
  await page.click('#tour-next');
  text = await stepDone(page, 2);
  rows = await table(page);
  assert.equal(rows.length, 2);
  assert.ok(text.includes(`${rows[1].remaining}%`) && text.includes(`${rows[1].ticket}%`), `step 2 quotes round 1: ${text}`);
  assert.equal(await page.$eval('#round-slider', (el) => el.value), '0', 'the drawing shows round 0');
  assert.ok(await page.$$eval('#network .link.dies', (ls) => ls.length) > 0, 'the pruned links are dashed');

  // 3: three rounds, the ticket against the dense network.
  await page.click('#tour-next');
  text = await stepDone(page, 3);
  rows = await table(page);
  assert.equal(rows.length, 4);
  for (const figure of [`${rows[3].remaining}%`, `${rows[3].ticket}%`, `${rows[0].ticket}%`]) {
    assert.ok(text.includes(figure), `step 3 quotes ${figure}: ${text}`);
  }

  // 4: the random-reinit control, judged where step 5's verdict judges: the sparsest round within 1 point of dense.
  await page.click('#tour-next');
  text = await stepDone(page, 4);
  const step4 = text;
  rows = await table(page);
  assert.equal(rows.length, 11);
  const within = (rs) => rs.slice(1).filter((r) => Number(r.ticket) >= Number(rs[0].ticket) - 1 - 0.05);
  const gap = (r) => Number(r.ticket) - Number(r.reinit);
  const judged4 = within(rows).at(-1) ?? rows.filter((r) => r.reinit !== '–').reduce((a, b) => (gap(b) > gap(a) ? b : a));
  for (const figure of [`${judged4.remaining}%`, `${judged4.ticket}%`, `${judged4.reinit}%`]) {
    assert.ok(text.includes(figure), `step 4 quotes ${figure} (round ${judged4.round}): ${text}`);
  }
  assert.ok(await page.$eval('#accuracy-chart', (el) => Number(el.dataset.reinitPoints)) === 10, 'the control is drawn for rounds 1 to 10');

  // Generalisation: train beside test accuracy for every round, the gap charted for the ticket and its control.
  const gen = await page.$eval('#generalisation-chart', (el) => ({ ticket: el.dataset.ticketPoints, reinit: el.dataset.reinitPoints }));
  assert.deepEqual(gen, { ticket: '11', reinit: '10' }, 'the gap of every round, ticket and control');
  const trainCells = await page.$$eval('#rounds tbody td.train', (tds) => tds.map((td) => Number(td.textContent)));
  const gapCells = await page.$$eval('#rounds tbody td.gap', (tds) => tds.map((td) => Number(td.textContent)));
  assert.equal(trainCells.length, 11);
  trainCells.forEach((train, i) => {
    assert.ok(train >= 0 && train <= 100, `round ${i}: train accuracy ${train}`);
    assert.ok(Math.abs(train - Number(rows[i].ticket) - gapCells[i]) <= 0.11, `round ${i}: gap = train − test`);
  });

  // The accuracy chart reads out the round under the pointer.
  const box = await page.$eval('#accuracy-chart svg', (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });
  await page.mouse.move(box[0] + box[2] * 0.085, box[1] + box[3] / 2);
  const readout = await page.$eval('#accuracy-chart .readout', (el) => ({ round: el.dataset.round, text: el.textContent }));
  assert.equal(readout.round, '0', `the left edge is round 0: ${readout.text}`);
  assert.ok(readout.text.includes(`ticket ${rows[0].ticket}%`), readout.text);

  // 5: twelve rounds; the winning ticket is the sparsest round within 1 point of the dense network.
  await page.click('#tour-next');
  text = await stepDone(page, 5);
  rows = await table(page);
  assert.equal(rows.length, 13);
  const winners = within(rows);
  if (winners.length) {
    const w = winners[winners.length - 1];
    assert.ok(text.includes(`round ${w.round},`) && text.includes(`${w.remaining}%`), `step 5 names round ${w.round}: ${text}`);
    assert.equal(await page.$eval('#round-slider', (el) => el.value), String(w.round), 'the drawing shows the winning ticket');
  }
  assert.equal(await page.isDisabled('#tour-next'), false, 'step 6 (the why experiments: tests/browser/why.test.js)');
  await screenshot(page, 'tour-step-5');
  // The verdict after the demo's twelve rounds names the same winning round, and the control's outcome there.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  const verdict = await checkVerdict(page, exported.rounds, { value: (run) => run.test_accuracy, tie: 0.01, higher: true });
  if (verdict.matches === 'true') assert.ok(text.includes(`round ${verdict.round},`), `the tour and the verdict: ${text}`);
  // One story: where step 4 concluded that θ0 matters, the ticket beats the reinit at step 5's winning round.
  if (step4.includes('θ0 matter')) {
    const reinit = verdict.controls.find(([name]) => name === 'reinit');
    assert.deepEqual(reinit, ['reinit', 'wins'], `step 4: ${step4} | the verdict: ${verdict.text}`);
  }

  // Back runs step 4 again; leaving keeps the experiment and its rounds.
  await page.click('#tour-back');
  await stepDone(page, 4);
  assert.match(page.url(), /tour=4/);
  await page.click('#tour-leave');
  assert.equal(await page.isVisible('#tour'), false);
  assert.doesNotMatch(page.url(), /tour=/);
  assert.equal((await table(page)).length, 11, 'the rounds stay');
  assert.equal(await page.$eval('#ctl-rounds', (el) => el.value), '10', 'and so does the configuration');
  assert.deepEqual(errors, []);
});
