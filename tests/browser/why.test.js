// Why tickets win, in the page (CPU path): with Zhou et al.'s three controls switched on
// by their URL keys (a tiny spiral run), each round's accuracy chart draws them beside the
// ticket, the supermask chart draws every round's untrained mask beside chance, and a
// copied link keeps the keys; the Why panel runs them on the demo preset with one click
// and every figure its text quotes is in the charts; the stability panel measures the
// barrier at three rewind points; the tour's sixth step runs the same experiments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const TINY = { preset: 'spiral', hidden: '8', steps: '60', eval: '20', rounds: '2', seed: '3', backend: 'cpu',
  workers: '1', signs: '1', shuffled: '1', constant: '1' };

/** The words quote the round they name, network by network: its share of weights, the ticket's and each
 * control's accuracy as that round's read-out gives them (not any round's), and the round's supermask. */
function assertQuotesItsRound(text, readouts, supermask) {
  const round = Number(text.match(/^At round (\d+) \((\d+\.\d)% of the weights\)/)[1]);
  const line = readouts.split(' | ').find((r) => r.startsWith(`round ${round}:`));
  assert.ok(line, `no read-out for round ${round}: ${readouts}`);
  const inLine = (label) => line.match(new RegExp(`${label} (\\d+\\.\\d%)`))?.[1];
  const said = (phrase) => text.match(new RegExp(`${phrase} the same mask reaches (\\d+\\.\\d%)`))?.[1];
  assert.equal(text.match(/of the weights\) the ticket reaches (\d+\.\d%)/)[1], inLine('ticket'), line);
  assert.equal(`${text.match(/\((\d+\.\d)% of the weights\)/)[1]}%`, line.match(/: (\d+\.\d%) of weights/)[1]);
  const pairs = [['with fresh magnitudes and θ0\'s signs', 'same signs'],
    ['with one magnitude per layer and θ0\'s signs', 'constant with signs'],
    ['with θ0\'s own values shuffled within each layer', 'shuffled'], ['from a fresh random initialisation', 'random reinit']];
  for (const [phrase, label] of pairs) {
    assert.equal(said(phrase), inLine(label), `${label} at round ${round}: "${text}" against "${line}"`);
  }
  const untrained = text.match(/already reaches (\d+\.\d%)/)?.[1];
  if (untrained) {
    assert.equal(untrained, supermask.values.split(' ')[round], `round ${round}'s supermask: ${supermask.values}`);
  }
}

test('signs, shuffled and constant train in every round and are drawn; the supermask is charted beside chance',
  { timeout: 180_000 }, async () => {
    const { page, errors } = await open(browser, server.url + '?' + new URLSearchParams(TINY).toString());
    await page.click('#train');
    const state = await trainToEnd(page, 120_000);
    assert.equal(state.state, 'done', state.text);
    const accuracy = await page.$eval('#accuracy-chart', (el) => el.dataset.signControls);
    assert.equal(accuracy, 'signs:2 shuffled:2 constant:2', 'each control in rounds 1 and 2');
    const legend = await page.$eval('#accuracy-chart .sign-controls-legend', (el) => el.textContent);
    for (const name of ['same signs', 'shuffled', 'constant with signs']) {
      assert.ok(legend.includes(name), legend);
    }
    const supermask = await page.$eval('#supermask-chart', (el) => ({ ...el.dataset }));
    assert.equal(supermask.supermaskPoints, '3', 'rounds 0, 1 and 2');
    assert.equal(supermask.chance, '50.0%', 'two classes');
    await page.click('#copy-link');
    const link = decodeURIComponent(await page.$eval('#share-link', (el) => el.value));
    for (const key of ['signs=1', 'shuffled=1', 'constant=1']) {
      assert.ok(link.includes(key), link);
    }
    assert.deepEqual(errors, []);
  });

test('the Why panel runs on the demo preset and every figure its text quotes is in its charts',
  { timeout: 240_000 }, async () => {
    // One replicate (the demo's default is three): the Why panel's five networks a round stay within the timeout.
    const { page, errors } = await open(browser, `${server.url}?preset=demo&reps=1&backend=cpu`);
    await page.click('#why-run');
    const state = await trainToEnd(page, 200_000);
    assert.equal(state.state, 'done', state.text);
    await page.waitForFunction(() => document.querySelector('#why-findings')?.hasAttribute('data-ready'));
    const text = await page.$eval('#why-findings', (el) => el.textContent);
    for (const phrase of ['θ0\'s signs', 'shuffled', 'Untrained']) {
      assert.ok(text.includes(phrase), text);
    }
    const quoted = text.match(/\d+\.\d%/g);
    // The round's share of weights, then ticket, same signs, constant, shuffled, reinit, supermask, chance.
    assert.equal(quoted.length, 8, text);
    const readouts = await page.$eval('#accuracy-chart', (el) => el.dataset.readouts);
    const supermask = await page.$eval('#supermask-chart', (el) => ({ ...el.dataset }));
    assertQuotesItsRound(text, readouts, supermask);

    // Stability: two copies per rewind point for the dense network and the ticket shown, the barriers charted
    // against k and quoted in the words.
    await page.click('#stability-run');
    await page.waitForFunction(() => document.querySelector('#stability')?.dataset.state === 'done', null,
      { timeout: 120_000 });
    const chart = await page.$eval('#instability-chart', (el) => ({ ...el.dataset }));
    assert.equal(chart.k, '0 30 150', 'θ0, 5% and 25% of the 600 steps');
    const dense = chart.dense.split(' ');
    const ticket = chart.ticket.split(' ');
    assert.equal(dense.length, 3, chart.dense);
    assert.equal(ticket.length, 3, chart.ticket);
    for (const v of [...dense, ...ticket]) {
      assert.ok(Number(v) >= 0 && Number(v) <= 100, `a barrier in points: ${v}`);
    }
    const words = await page.$eval('#stability-findings', (el) => el.textContent);
    for (const figure of [...dense, ...ticket]) {
      assert.ok(words.includes(figure), `${figure} of the chart is not in "${words}"`);
    }
    assert.deepEqual(errors, []);
  });

test('the tour\'s sixth step runs the why experiments and quotes them as the Why panel does',
  { timeout: 240_000 }, async () => {
    const { page, errors } = await open(browser, `${server.url}?tour=6&backend=cpu`);
    await page.waitForFunction(() => document.querySelector('#tour-findings')?.dataset.state === 'done', null,
      { timeout: 200_000 });
    const tour = await page.$eval('#tour-findings', (el) => el.textContent);
    const panel = await page.$eval('#why-findings', (el) => el.textContent);
    assert.equal(tour, panel, 'the step quotes what the panel says');
    assert.match(await page.$eval('#tour h2', (el) => el.textContent), /step 6 of 7/);
    const readouts = await page.$eval('#accuracy-chart', (el) => el.dataset.readouts);
    const round = tour.match(/At round (\d+)/)[1];
    assert.equal(await page.$eval('#round-slider', (el) => el.value), round, 'the drawing shows the round quoted');
    assert.equal(await page.isDisabled('#tour-next'), false, 'step 7, what the ticket is for, follows');
    assertQuotesItsRound(tour, readouts, await page.$eval('#supermask-chart', (el) => ({ ...el.dataset })));
    assert.deepEqual(errors, []);
  });

test('on the policy task the Why panel quotes returns, each in the return chart\'s read-outs',
  { timeout: 180_000 }, async () => {
    const { page, errors } = await open(browser, `${server.url}?preset=cartpole&steps=300&rounds=2&backend=cpu`);
    await page.click('#why-run');
    const state = await trainToEnd(page, 150_000);
    assert.equal(state.state, 'done', state.text);
    await page.waitForFunction(() => document.querySelector('#why-findings')?.hasAttribute('data-ready'));
    const text = await page.$eval('#why-findings', (el) => el.textContent);
    const quoted = text.match(/return \d+/g);
    // The ticket, same signs, constant, shuffled, reinit, then the untrained supermask.
    assert.equal(quoted.length, 6, text);
    const readouts = await page.$eval('#return-chart', (el) => el.dataset.readouts);
    for (const figure of quoted.slice(0, 5)) {
      assert.match(readouts, new RegExp(`${figure}\\b`), `${figure} of "${text}" is not in the read-outs`);
    }
    const supermask = await page.$eval('#supermask-chart', (el) => ({ ...el.dataset }));
    assert.ok(supermask.values.split(/ (?=return)/).includes(quoted[5]), `${quoted[5]} in ${supermask.values}`);
    assert.equal(supermask.chance, '', 'a policy has no chance level');
    assert.deepEqual(errors, []);
  });
