// Memory over 20 rounds of the digits preset (issue #5; 300 steps per run on
// the CPU; 20 steps and no reinit control on WebGPU, which is SwiftShader here, to keep it to minutes: what must stay flat is the
// memory from round to round), never asserted:
// after each round, the JS heap (after a forced GC), the wasm linear memory,
// and on WebGPU the GPU buffers alive (created minus destroyed, as counted
// by wrapping GPUDevice.createBuffer / GPUBuffer.destroy). Prints a table and
// one JSON line.   node tests/browser/memory.mjs [cpu|webgpu|both]
import { launch, open, serve } from './harness.js';

const which = process.argv[2] || 'both';
const watch = () => {
  window.__gpu = { buffers: 0, bytes: 0 };
  const live = new WeakSet();
  if (globalThis.GPUDevice) {
    const create = GPUDevice.prototype.createBuffer;
    GPUDevice.prototype.createBuffer = function (desc) {
      const b = create.call(this, desc);
      live.add(b);
      window.__gpu.buffers += 1;
      window.__gpu.bytes += desc.size;
      const destroy = b.destroy.bind(b);
      b.destroy = () => {
        if (live.has(b)) { live.delete(b); window.__gpu.buffers -= 1; window.__gpu.bytes -= desc.size; }
        destroy();
      };
      return b;
    };
  }
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[name];
    WebAssembly[name] = async (...args) => {
      const r = await orig.apply(WebAssembly, args);
      const inst = r.instance || r;
      if (inst.exports?.memory) window.__wasmMemory = inst.exports.memory;
      return r;
    };
  }
};

async function measure(webgpu, query) {
  const browser = await launch({ webgpu });
  try {
    const { page } = await open(browser, query, { init: watch });
    const cdp = await page.context().newCDPSession(page);
    const sample = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const rest = await page.evaluate(() => ({
        wasm: window.__wasmMemory?.buffer.byteLength ?? null,
        gpu: { ...window.__gpu },
        rows: document.querySelectorAll('#rounds tbody tr').length,
        state: document.querySelector('#status').dataset.state,
      }));
      return { js_heap_bytes: heap.usedSize, wasm_bytes: rest.wasm, gpu_buffers: rest.gpu.buffers, gpu_bytes: rest.gpu.bytes, rows: rest.rows, state: rest.state };
    };
    await page.click('#train');
    const rows = [];
    for (;;) {
      const n = await page.evaluate(() => document.querySelectorAll('#rounds tbody tr').length);
      const state = await page.$eval('#status', (el) => el.dataset.state);
      if (n > rows.length) {
        rows.push({ round: n - 1, ...(await sample()) });
        process.stderr.write(`${webgpu ? 'webgpu' : 'cpu'} round ${n - 1}\n`);
      }
      if (state === 'done' || state === 'error') break;
      await page.waitForTimeout(200);
    }
    rows.push({ round: 'end', ...(await sample()) });
    const backend = await page.textContent('#backend');
    return { backend, rows };
  } finally {
    await browser.close();
  }
}

const server = await serve();
const out = {};
try {
  if (which !== 'webgpu') out.cpu = await measure(false, `${server.url}?preset=digits&rounds=20&steps=300&eval=100&backend=cpu`);
  if (which !== 'cpu') out.webgpu = await measure(true, `${server.url}?preset=digits&rounds=20&steps=20&eval=20&reinit=0&backend=webgpu`);
} finally {
  server.stop();
}
const mb = (x) => (x == null ? '–' : (x / 1048576).toFixed(1));
for (const [name, r] of Object.entries(out)) {
  console.log(`\n${name}: ${r.backend}`);
  console.log('round | JS heap MB | wasm memory MB | GPU buffers | GPU MB');
  for (const x of r.rows) console.log(`${String(x.round).padStart(5)} | ${mb(x.js_heap_bytes).padStart(10)} | ${mb(x.wasm_bytes).padStart(14)} | ${String(x.gpu_buffers).padStart(11)} | ${mb(x.gpu_bytes)}`);
}
console.log(JSON.stringify(out));
