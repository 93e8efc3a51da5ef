// A GAN's generator in the page (CPU path, a small generator so Chromium trains it in
// seconds): `?preset=gan-ring` trains, the sample view changes while it trains, the
// coverage charts have the ticket and its controls, each network's points are drawn,
// and a copied link reproduces the same ticket.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkVerdict, launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const TINY = { preset: 'gan-ring', hidden: '16,16', batch: '32', steps: '400', eval: '100', rounds: '1', seed: '2',
  backend: 'cpu', workers: '1' };
const query = () => '?' + new URLSearchParams(TINY).toString();

test('?preset=gan-ring trains a generator, its points move while it trains; a copied link gives the same ticket',
  { timeout: 240_000 }, async () => {
    const a = await open(browser, server.url + query());
    await a.page.click('#train');
    // The generator training now is drawn from its live weights, and the drawing changes as it trains.
    await a.page.waitForFunction(() => document.querySelector('#gan-view')?.dataset.live, null, { timeout: 60_000 });
    const first = await a.page.$eval('#gan-view', (el) => el.dataset.live);
    await a.page.waitForFunction((f) => {
      const live = document.querySelector('#gan-view').dataset.live;
      return live && live !== f;
    }, first, { timeout: 60_000 });
    const state = await trainToEnd(a.page, 120_000);
    assert.equal(state.state, 'done', state.text);

    assert.equal(await a.page.$eval('#gan-view', (el) => el.dataset.networks), '3', 'ticket, reinit, random mask');
    assert.equal(await a.page.$$eval('#gan-view .gan-panel canvas', (cs) => cs.length), 3, 'no live panel after');
    const drawn = await a.page.$eval('#gan-view .gan-panel.ticket canvas',
      (c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0));
    assert.ok(drawn, 'the ticket\'s points are drawn');
    const modes = await a.page.$eval('#modes-chart', (el) => ({ ...el.dataset }));
    assert.deepEqual([modes.ticketPoints, modes.reinitPoints, modes.randomPoints], ['2', '1', '1']);
    // Each network's panel, and the two charts' read-outs of round 1, say the report's figures for it.
    const [download] = await Promise.all([a.page.waitForEvent('download'), a.page.click('#export-ticket')]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    const shown = exported.rounds[1];
    // The verdict, in the task's measure: modes covered, a tie within half a mode.
    await checkVerdict(a.page, exported.rounds, { value: (run) => run.modes_covered, tie: 0.5, higher: true });
    const networks = [['winning ticket', 'ticket', shown.ticket], ['random reinit', 'random reinit', shown.reinit],
      ['random mask', 'random mask', shown.random_mask]];
    const statuses = await a.page.$$eval('#gan-view .gan-status', (ps) => ps.map((p) => p.textContent));
    assert.deepEqual(statuses, networks.map(([panel, , run]) =>
      `${panel}, round 1: ${run.modes_covered} modes · ${Math.round(run.high_quality_fraction * 100)}% high quality`));
    const part = async (chart, label) => {
      const readouts = await a.page.$eval(chart, (el) => el.dataset.readouts);
      const round1 = readouts.split(' | ').find((line) => line.startsWith('round 1:'));
      assert.ok(round1, `${chart}: ${readouts}`);
      const said = round1.split(' · ').find((p) => p.startsWith(`${label} `));
      assert.ok(said, `${label} in ${round1}`);
      return Number(said.slice(label.length + 1).match(/^[\d.]+/)[0]);
    };
    for (const [, label, run] of networks) {
      assert.equal(await part('#modes-chart', label), run.modes_covered, `${label}: modes`);
      const quality = await part('#quality-chart', label);
      assert.ok(Math.abs(quality - run.high_quality_fraction * 100) <= 0.05 + 1e-9, `${label}: ${quality}% high quality`);
    }
    assert.equal(await a.page.$('#accuracy-chart'), null, 'a generator has coverage, not accuracy');

    await a.page.click('#copy-link');
    const link = await a.page.$eval('#share-link', (el) => el.value);
    assert.ok(decodeURIComponent(link).includes('data=ring'), link);
    const b = await open(browser, link);
    await trainToEnd(b.page, 120_000);
    assert.deepEqual(
      await b.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
      await a.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
    );
    assert.deepEqual(
      await b.page.$$eval('#gan-view .gan-status', (ps) => ps.map((p) => p.textContent)),
      await a.page.$$eval('#gan-view .gan-status', (ps) => ps.map((p) => p.textContent)),
      'the same modes and quality',
    );
    await screenshot(a.page, 'gan-tiny');
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
