// Not a test: every preset's page after a short run (tiny settings on the CPU path, so Chromium trains each in
// seconds), at 1366×768 and as a 390-wide phone's whole page, written to OUT (default artifacts/layout). Taken
// before and after a change that must not move anything on screen (issue 35's refactor), then compared:
//   OUT=/tmp/before node tests/browser/layout-shots.mjs   …change, make page…   OUT=/tmp/after node …
//   node tests/browser/layout-shots.mjs --compare /tmp/before /tmp/after
// What moves by itself is painted over (MOVING), so two runs of the same page give the same pixels; --compare
// names the shots whose pixels differ and the box that holds the differences.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, open, root, serve, trainToEnd } from './harness.js';

// The browser tests' tiny sizes (cartpole.test.js, gan.test.js, modular.test.js, …), per preset.
const SHORT = {
  demo: 'rounds=2',
  spiral: 'rounds=2&steps=200&eval=50',
  digits: 'rounds=1&steps=60&eval=30&n=300',
  'lenet-mnist': 'rounds=1&steps=40&eval=20&n=500',
  'lenet-fashion': 'rounds=1&steps=40&eval=20&n=500',
  'conv2-fashion': 'rounds=1&steps=10&eval=5&n=200',
  modular: 'arch=transformer&p=11&dmodel=8&heads=2&dmlp=16&lr=0.01&steps=60&eval=20&maskat=0&norml1=0&norml2=0&rounds=1&seed=4',
  cartpole: 'hidden=16,16&batch=4&steps=60&eval=20&rounds=1&seed=2',
  'gan-ring': 'hidden=16,16&batch=32&steps=400&eval=100&rounds=1&seed=2',
  regression: 'hidden=8,8&steps=300&eval=100&rounds=1&random=1',
};

// What moves by itself (the cart-pole episode playing, its step count) is painted over while a shot is taken
// (its box keeps its place).
const MOVING = ['#cartpole-view canvas', '#cartpole-view .cartpole-panel p'];
// A resize redraws the canvases a frame or two later.
const SETTLE_MS = 500;
const moving = async (page) => MOVING.map((t) => page.locator(t));

async function shoot(out) {
  await mkdir(out, { recursive: true });
  const server = await serve();
  const browser = await launch({ webgpu: false });
  try {
    // ONLY=digits,demo takes just those presets' shots.
    const only = process.env.ONLY?.split(',');
    for (const [preset, keys] of Object.entries(SHORT).filter(([p]) => !only || only.includes(p))) {
      const { page, errors } = await open(browser, `${server.url}?preset=${preset}&${keys}&backend=cpu&workers=1`);
      await page.setViewportSize({ width: 1366, height: 768 });
      const state = await trainToEnd(page, 300_000);
      if (state.state !== 'done') throw new Error(`${preset}: ${state.text}`);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(out, `${preset}.png`), animations: 'disabled', caret: 'hide', mask: await moving(page) });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(SETTLE_MS); // canvases redraw at the new width
      await page.screenshot({ path: join(out, `${preset}-phone.png`), fullPage: true, animations: 'disabled', mask: await moving(page) });
      if (errors.length) throw new Error(`${preset}: ${errors.join('; ')}`);
      await page.close();
      console.log(`${preset}: ${out}/${preset}.png, ${preset}-phone.png`);
    }
  } finally {
    await browser.close();
    server.stop();
  }
}

// The box (x0, y0, x1, y1) holding every pixel that differs between two PNGs of one size, drawn in Chromium.
async function changedBox(page, a, b) {
  const url = (bytes) => `data:image/png;base64,${bytes.toString('base64')}`;
  return page.evaluate(async ([ua, ub]) => {
    const load = (u) => new Promise((done) => { const i = new Image(); i.onload = () => done(i); i.src = u; });
    const pixels = (i) => {
      const c = document.createElement('canvas');
      [c.width, c.height] = [i.width, i.height];
      const g = c.getContext('2d');
      g.drawImage(i, 0, 0);
      return g.getImageData(0, 0, i.width, i.height).data;
    };
    const [ia, ib] = await Promise.all([load(ua), load(ub)]);
    if (ia.width !== ib.width || ia.height !== ib.height) return `${ia.width}×${ia.height} against ${ib.width}×${ib.height}`;
    const [pa, pb] = [pixels(ia), pixels(ib)];
    let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
    for (let k = 0; k < pa.length; k += 4) {
      if (pa[k] === pb[k] && pa[k + 1] === pb[k + 1] && pa[k + 2] === pb[k + 2]) continue;
      const [x, y] = [(k / 4) % ia.width, Math.floor(k / 4 / ia.width)];
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
    return `pixels differ in (${x0}, ${y0})–(${x1}, ${y1})`;
  }, [url(a), url(b)]);
}

async function compare(before, after) {
  const browser = await launch({ webgpu: false });
  const page = await browser.newPage();
  let differ = 0;
  for (const name of (await readdir(before)).filter((n) => n.endsWith('.png')).sort()) {
    const [a, b] = await Promise.all([readFile(join(before, name)), readFile(join(after, name)).catch(() => null)]);
    if (b !== null && a.equals(b)) {
      console.log(`same    ${name}`);
      continue;
    }
    differ++;
    console.log(`DIFFERS ${name}: ${b === null ? 'missing' : await changedBox(page, a, b)}`);
  }
  await browser.close();
  process.exitCode = differ ? 1 : 0;
}

if (process.argv[2] === '--compare') await compare(process.argv[3], process.argv[4]);
else await shoot(process.env.OUT ?? join(root, 'tests', 'browser', 'artifacts', 'layout'));
