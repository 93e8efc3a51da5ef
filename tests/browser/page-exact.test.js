// The page and `lottery run --page-exact` compute the same bits. The page trains a short run on its CPU path
// (its engine workers, the controls on a second worker where there is one), its ticket file is exported, and the
// CLI trains the same link with the page's own module under Node.js: every round's report (figures, curves,
// masks, weights) must be equal to the last bit, for a classifier, the transformer and the policy. The CLI runs
// the command the page offers beside Copy link.
// README "Reproducibility: where bit for bit holds".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launch, open, root, serve, trainToEnd } from './harness.js';

// The native CLI, built by `make native-test` (the Makefile passes its path).
const LOTTERY = process.env.LOTTERY;
const DIST = join(root, 'dist');

let server;
let browser;
let scratch;
before(async () => {
  server = await serve();
  browser = await launch({ webgpu: false });
  scratch = await mkdtemp(join(tmpdir(), 'page-exact-'));
});
after(async () => {
  await browser?.close();
  server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// Short runs with their controls on: a round-1 mask depends on round 0's training, so a difference anywhere in
// round 0 shows again in every later figure.
const RUNS = {
  classifier: '?data=spiral&n=200&noise=0.2&hidden=8,6&steps=120&eval=40&rate=0.4&rounds=2&seed=3&reps=1&backend=cpu',
  transformer: '?preset=modular&arch=transformer&p=11&dmodel=8&heads=2&dmlp=16&lr=0.01&steps=60&eval=20&maskat=0&norml1=0&norml2=0'
    + '&rounds=1&seed=4&backend=cpu',
  policy: '?preset=cartpole&hidden=16,16&batch=4&steps=60&eval=20&rounds=1&seed=2&backend=cpu',
};

for (const [task, link] of Object.entries(RUNS)) {
  test(`${task}: the page's rounds equal lottery run --page-exact's bit for bit`, { timeout: 300_000 }, async () => {
    assert.ok(LOTTERY, 'LOTTERY names the native lottery binary (make browser-test sets it after make native-test)');
    const { page, errors } = await open(browser, server.url + link);
    const state = await trainToEnd(page, 150_000);
    assert.equal(state.state, 'done', state.text);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-ticket')]);
    const ticket = JSON.parse(await readFile(await download.path(), 'utf8'));
    // The command the page offers under "Reproduce it here" is the one run: its link, as the page writes it.
    const command = await page.$eval('#reproduce-command', (el) => el.textContent);
    const offered = /^lottery run --link '([^']+)' --page-exact$/.exec(command);
    assert.ok(offered, command);
    assert.deepEqual(errors, []);
    await page.close();

    const out = join(scratch, `${task}.json`);
    await promisify(execFile)(LOTTERY, ['run', '--link', offered[1], '--page-exact', '--page-dir', DIST, '--out', out],
      { cwd: root, maxBuffer: 1 << 24 });
    const report = JSON.parse(await readFile(out, 'utf8'));

    // The report names what computed it: the page's module, by the file the page loads.
    const wasm = (await readdir(DIST)).find((n) => /^lab-[0-9a-f]+_bg\.wasm$/.test(n));
    assert.equal(report.build.arch, 'wasm32');
    assert.ok(report.build.module.startsWith(`${wasm} sha256 `), report.build.module);
    assert.equal(report.seed, ticket.config.seed);

    assert.equal(report.rounds.length, ticket.rounds.length);
    for (let r = 0; r < ticket.rounds.length; r++) {
      // deepStrictEqual on parsed JSON: numbers written shortest-round-trip (serde_json float_roundtrip) read
      // back to the same doubles, and Object.is tells -0 from 0.
      assert.deepStrictEqual(report.rounds[r], ticket.rounds[r], `round ${r} differs between the page and the CLI`);
    }
  });
}
