// Modular addition in the page (CPU path, a tiny transformer so Chromium trains
// it in seconds): `?preset=modular` trains, draws the grokking curves, the
// steps-to-generalise chart, the ticket as a transformer, the embeddings'
// spectra and the ticket's attention, and a copied link reproduces the same ticket.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, serve, screenshot, trainToEnd } from './harness.js';

let server;
let browser;
before(async () => { server = await serve(); browser = await launch({ webgpu: false }); });
after(async () => { await browser?.close(); server?.stop(); });

const TINY = { preset: 'modular', p: '11', dmodel: '8', heads: '2', dmlp: '16', steps: '60', eval: '20',
  rounds: '1', seed: '4', backend: 'cpu' };
const query = () => '?' + new URLSearchParams(TINY).toString();

test('?preset=modular trains a transformer, draws it and its grokking curves; a copied link gives the same ticket',
  { timeout: 240_000 }, async () => {
    const a = await open(browser, server.url + query());
    assert.equal(await a.page.$eval('#status', (el) => el.dataset.state), 'idle');
    const state = await trainToEnd(a.page, 120_000);
    assert.equal(state.state, 'done', state.text);

    const grok = await a.page.$eval('#grokking-chart', (el) => ({ ...el.dataset }));
    assert.equal(grok.networks, '3', 'round 1: the ticket, random reinit and random mask');
    assert.equal(grok.testPoints, '4', 'the untrained point and one every 20 of 60 steps');
    assert.equal(await a.page.$$eval('#grokking-chart polyline.train-accuracy', (ls) => ls.length), 3);
    const generalise = await a.page.$eval('#generalise-chart', (el) => ({ ...el.dataset }));
    assert.equal(generalise.replicates, '1');

    assert.equal(await a.page.$eval('#spectrum-chart', (el) => el.dataset.networks), '3', 'a spectrum per network');
    assert.equal(await a.page.$eval('#attention-view', (el) => el.dataset.heads), '2');
    assert.equal(await a.page.$$eval('#attention-view rect.attend-a', (rs) => rs.length), 2);
    const view = await a.page.$eval('#transformer-view', (el) => ({ ...el.dataset }));
    assert.deepEqual([view.heads, view.neurons, view.tokens, view.round], ['2', '16', '12', '1']);
    assert.equal(await a.page.$$eval('#transformer-view rect.cell', (cs) => cs.length), 2 * 4 + 2 * 16 + 12);
    assert.equal(await a.page.$('#network svg'), null, 'no MLP drawing of a transformer');

    await a.page.click('#copy-link');
    const link = await a.page.$eval('#share-link', (el) => el.value);
    for (const key of ['data=modular', 'p=11', 'dmodel=8', 'heads=2', 'dmlp=16', 'opt=adamw', 'wd=1']) {
      assert.ok(link.includes(key), `${key} in ${link}`);
    }
    const drawingA = await a.page.$eval('#transformer-view svg', (el) => el.innerHTML);
    const b = await open(browser, link);
    assert.equal(await b.page.$eval('#transformer-view svg', (el) => el.innerHTML), drawingA,
      'the link carries the ticket: drawn before anything re-runs');
    await trainToEnd(b.page, 120_000);
    assert.equal(await b.page.$eval('#transformer-view svg', (el) => el.innerHTML), drawingA);
    assert.deepEqual(
      await b.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
      await a.page.$$eval('#rounds tbody tr', (trs) => trs.map((t) => t.textContent)),
    );
    await screenshot(a.page, 'modular-tiny');
    assert.deepEqual([...a.errors, ...b.errors], []);
  });
