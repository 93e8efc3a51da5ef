// The ticket leaves the lab: after a run, the panel "What the ticket saves" lists the round's files, Download this
// ticket writes them, and the pad runs the dense network and the ticket. The files are read here by a reader
// written from the README's layout (not the engine's), their sizes checked against what the page shows, and the
// ticket's answer on the pad checked against a forward pass computed here from the downloaded f32 file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { serve, withBrowser, open, trainToEnd, screenshot } from './harness.js';

const PRECISIONS = ['f32', 'f16', 'int8'];

/** IEEE half to a number. */
function half(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The compact file (README "The compact ticket file"): its header and each layer as a dense row-major matrix. */
function readCompact(buf) {
  assert.equal(buf.subarray(0, 4).toString('latin1'), 'LTLC', 'magic');
  assert.equal(crc32(buf.subarray(0, buf.length - 4)), buf.readUInt32LE(buf.length - 4), 'CRC-32 of the file');
  let at = 4;
  const headerBytes = buf.readUInt32LE(at); at += 4;
  const header = JSON.parse(buf.subarray(at, at + headerBytes).toString('utf8')); at += headerBytes;
  const layers = header.layers.map((l) => {
    const kept = buf.readUInt32LE(at);
    const indexBytes = buf.readUInt32LE(at + 4);
    at += 8;
    const end = at + indexBytes;
    const positions = [];
    let pos = -1;
    while (at < end) {
      let step = 0; let shift = 0; let byte;
      do { byte = buf[at++]; step += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
      pos = pos < 0 ? step : pos + step;
      positions.push(pos);
    }
    assert.equal(positions.length, kept, 'one position per kept weight');
    let read;
    if (header.precision === 'f32') read = () => { const v = buf.readFloatLE(at); at += 4; return v; };
    if (header.precision === 'f16') read = () => { const v = half(buf.readUInt16LE(at)); at += 2; return v; };
    if (header.precision === 'int8') {
      const scale = buf.readFloatLE(at); at += 4;
      read = () => buf.readInt8(at++) * scale;
    }
    const w = new Float64Array(l.fan_in * l.fan_out);
    positions.forEach((p) => { w[p] = read(); });
    const biases = buf.readUInt32LE(at); at += 4;
    const b = Array.from({ length: biases }, (_, i) => buf.readFloatLE(at + 4 * i)); at += 4 * biases;
    return { fanIn: l.fan_in, fanOut: l.fan_out, kept, w, b };
  });
  assert.equal(at, buf.length - 4, 'the layers end at the CRC');
  return { header, layers };
}

/** Logits of the file's MLP for one input (ReLU between layers), computed here. */
function forward(layers, input) {
  let a = Array.from(input);
  layers.forEach((l, i) => {
    const z = Array.from(l.b);
    a.forEach((v, r) => { for (let o = 0; o < l.fanOut; o++) z[o] += v * l.w[r * l.fanOut + o]; });
    a = i < layers.length - 1 ? z.map((v) => Math.max(v, 0)) : z;
  });
  return a;
}

const argmax = (xs) => xs.reduce((best, v, i) => (v > xs[best] ? i : best), 0);

/** Download round's compact file at `precision`; returns its bytes. */
async function download(page, precision) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`button.download-ticket[data-format=${precision}]`),
  ]);
  return readFile(await file.path());
}

/** The pad's predictions, one object per network. */
async function predictions(page) {
  await page.waitForSelector('.try-predictions tbody tr[data-micros]:not([data-micros=""])', { timeout: 20000 });
  return page.$$eval('.try-predictions tbody tr', (trs) => trs.map((tr) => ({
    who: tr.children[0].textContent, class: tr.dataset.class, bytes: Number(tr.dataset.bytes),
    micros: Number(tr.dataset.micros),
  })));
}

test('the demo\'s sparsest ticket downloads in each precision as the page sizes it, and a clicked point gets both '
  + 'networks\' answers', { timeout: 240000 }, async () => {
  const server = await serve();
  try {
    await withBrowser({ webgpu: false }, async (browser) => {
      const { page, errors } = await open(browser, `${server.url}?preset=demo&reps=1&backend=cpu`);
      assert.equal((await trainToEnd(page, 180000)).state, 'done');
      const panel = page.locator('#ticket-panel');
      const rounds = await page.$$eval('#rounds tbody tr', (trs) => trs.length);
      assert.equal(await panel.getAttribute('data-round'), String(rounds - 1), 'the panel shows the sparsest round');
      const shown = await page.$$eval('.ticket-sizes tr[data-form]', (trs) =>
        Object.fromEntries(trs.map((tr) => [tr.dataset.form, Number(tr.dataset.bytes)])));
      const files = {};
      for (const p of PRECISIONS) {
        const bytes = await download(page, p);
        assert.equal(bytes.length, shown[`compact-${p}`], `the ${p} file is as long as the page says`);
        files[p] = readCompact(bytes);
        assert.equal(files[p].header.precision, p);
        assert.match(files[p].header.link, /preset=demo|data=/, 'the header carries the experiment\'s link');
      }
      // safetensors as torch.nn.utils.prune leaves a module: the mask's ones are the compact file's survivors.
      const st = await download(page, 'safetensors');
      const headerLength = Number(st.readBigUInt64LE(0));
      const tensors = JSON.parse(st.subarray(8, 8 + headerLength).toString('utf8'));
      for (const key of ['0.weight_orig', '0.weight_mask', '0.bias', 'init.0.weight']) assert.ok(tensors[key], key);
      assert.equal(tensors.__metadata__.link, files.f32.header.link);
      const [from, to] = tensors['0.weight_mask'].data_offsets.map((o) => 8 + headerLength + o);
      assert.equal(tensors['0.weight_mask'].dtype, 'F32');
      const ones = new Float32Array(st.buffer.slice(st.byteOffset + from, st.byteOffset + to)).filter((v) => v === 1);
      assert.equal(ones.length, files.f32.layers[0].kept, 'the first layer\'s mask keeps the compact file\'s survivors');
      const onnx = await download(page, 'onnx');
      assert.equal(onnx[0], 0x08, 'an ONNX ModelProto starts with its ir_version field');
      assert.ok(onnx.includes('logits') && onnx.includes(files.f32.header.link), 'the output and the link are in it');
      // Dense f32: every weight and bias, 4 bytes each, counted from the file's own shapes.
      const weights = files.f32.layers.reduce((n, l) => n + l.fanIn * l.fanOut + l.b.length, 0);
      assert.equal(shown['dense-f32'], 4 * weights);
      assert.ok(shown['compact-int8'] < shown['compact-f16'] && shown['compact-f16'] < shown['compact-f32']);
      const remaining = await page.$eval('#rounds tbody tr:last-child .remaining', (td) => Number(td.textContent));
      const kept = files.f32.layers.reduce((n, l) => n + l.kept, 0);
      const total = files.f32.layers.reduce((n, l) => n + l.fanIn * l.fanOut, 0);
      assert.ok(Math.abs((100 * kept) / total - remaining) < 0.051, `kept ${kept} of ${total} is ${remaining}%`);

      // Click a point: both networks answer, and the ticket's answer is the f32 file's, computed here.
      await page.locator('#ticket-pad').scrollIntoViewIfNeeded();
      const box = await page.locator('#ticket-pad').boundingBox();
      await page.mouse.click(box.x + box.width * 0.8, box.y + box.height * 0.5);
      const answers = await predictions(page);
      assert.equal(answers.length, 2, 'the dense network and the ticket');
      const point = (await page.$eval('#ticket-pad', (el) => el.dataset.input)).split(',').map(Number);
      const names = ['orange', 'blue'];
      assert.equal(answers[1].class, names[argmax(forward(files.f32.layers, point))], 'the ticket\'s class');
      assert.equal(answers[1].bytes, shown['compact-f32']);
      assert.equal(answers[0].bytes, shown['dense-f32']);
      answers.forEach((a) => assert.ok(a.micros > 0, `${a.who} timed`));

      // Time every round: one point per round, each timed both ways, and the break-even the page marks is the one
      // read off those points here (the largest share from which sparse is faster in every sparser round).
      await page.click('#speed-chart button.time-rounds');
      await page.waitForSelector('#speed-chart .speed-point');
      const speeds = await page.$$eval('#speed-chart .speed-point', (gs) => gs.map((g) => ({
        round: Number(g.dataset.round),
        remaining: Number(g.dataset.remaining),
        dense: Number(g.dataset.denseUs),
        sparse: Number(g.dataset.sparseUs),
      })));
      assert.deepEqual(speeds.map((s) => s.round), [...Array(rounds).keys()], 'every round timed');
      speeds.forEach((s) => assert.ok(s.dense > 0 && s.sparse > 0, `round ${s.round} timed both ways`));
      const bySparsity = [...speeds].sort((a, b) => a.remaining - b.remaining);
      let expected = 'none';
      for (const s of bySparsity) {
        if (!(s.sparse < s.dense)) break;
        expected = s.remaining.toFixed(6);
      }
      assert.equal(await page.getAttribute('#speed-chart', 'data-break-even'), expected, 'the break-even marked');
      await screenshot(page, 'ticket-panel-demo');
      assert.deepEqual(errors, []);
    });
  } finally {
    await server.stop();
  }
});

test('a digit drawn on the pad is classified by the dense network and by the ticket', { timeout: 240000 }, async () => {
  const server = await serve();
  try {
    await withBrowser({ webgpu: false }, async (browser) => {
      const { page, errors } = await open(browser, `${server.url}?preset=digits&rounds=2&steps=150&reps=1&backend=cpu`);
      assert.equal((await trainToEnd(page, 180000)).state, 'done');
      const f32 = readCompact(await download(page, 'f32'));
      await page.locator('#ticket-pad').scrollIntoViewIfNeeded();
      const box = await page.locator('#ticket-pad').boundingBox();
      // A "1": one stroke down the middle.
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.07 * i));
      await page.mouse.up();
      const answers = await predictions(page);
      assert.equal(answers.length, 2);
      const pixels = (await page.$eval('#ticket-pad', (el) => el.dataset.input)).split(',').map(Number);
      assert.equal(pixels.length, 64, '8×8 pixels');
      assert.ok(pixels.some((v) => v > 0), 'the stroke inked the pad');
      assert.equal(answers[1].class, String(argmax(forward(f32.layers, pixels))), 'the ticket\'s digit');
      assert.match(answers[0].class, /^\d$/);
      await page.click('.pad-clear');
      assert.equal(await page.locator('.try-predictions').count(), 0, 'a cleared pad asks for a drawing');
      await screenshot(page, 'ticket-panel-digits');
      assert.deepEqual(errors, []);
    });
  } finally {
    await server.stop();
  }
});

test('the tour\'s last step quotes the winning ticket\'s bytes as the panel shows them', { timeout: 240000 }, async () => {
  const server = await serve();
  try {
    await withBrowser({ webgpu: false }, async (browser) => {
      const { page, errors } = await open(browser, `${server.url}?tour=7&backend=cpu`);
      await page.waitForFunction(() => document.querySelector('#tour-findings')?.dataset.state === 'done', null,
        { timeout: 200000 });
      const text = await page.$eval('#tour-findings', (el) => el.textContent);
      const m = text.match(/round (\d+) keeps .* it is (\d+) bytes, of which (\d+) are .* takes (\d+) bytes, .* network's (\d+) bytes of f32/);
      assert.ok(m, text);
      const [, round, int8, link, weights, dense] = m.map(Number);
      assert.equal(await page.$eval('#ticket-panel', (el) => el.dataset.round), String(round), 'the panel shows that round');
      const bytes = (form) => page.$eval(`.ticket-sizes tr[data-form=${form}]`, (tr) => Number(tr.dataset.bytes));
      assert.equal(int8, await bytes('compact-int8'));
      assert.equal(dense, await bytes('dense-f32'));
      assert.equal(link, await page.$eval('#ticket-link-bytes', (el) => Number(el.dataset.bytes)));
      assert.equal(weights, int8 - link);
      const downloaded = await download(page, 'int8');
      assert.equal(downloaded.length, int8, 'the download is the file the step quotes');
      assert.equal(readCompact(downloaded).header.link.length, link, 'the link is the header\'s');
      assert.equal(await page.isDisabled('#tour-next'), true, 'the last step');
      assert.deepEqual(errors, []);
    });
  } finally {
    await server.stop();
  }
});
