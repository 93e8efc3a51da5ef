// The lab's masked LeNet-300-100 training step, written the way a web developer would with TensorFlow.js, for
// `make bench`'s side-by-side figure (tests/browser/bench-page.mjs): batch 60 of 784 inputs, ReLU layers of 300
// and 100, 10 logits, softmax cross-entropy, Adam at the lenet-mnist preset's rate; the gradients masked (g ⊙ m)
// before Adam, as the lab's engine does. The masks are all ones, as in the lab's round 0 that the page's figure
// times, so both do the same multiplies. Batches are fresh host arrays uploaded each step, as the lab's are.
const WIDTHS = [784, 300, 100, 10];
const BATCH = 60;
const LEARNING_RATE = 1.2e-3;
const BATCHES = 16; // distinct batches cycled through (the lab gathers rows from its training split)
const WARM_UP_STEPS = 5; // kernels compiled and buffers pooled before timing, as the lab's runs of two lengths do

function seeded(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Train on `backend` for each length in `runs`; returns each run's wall time (ms, to the last result read back). */
globalThis.tfjsStep = async (backend, runs) => {
  if (backend === 'wasm') tf.wasm.setWasmPaths('node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js has no ${backend} backend here`);
  await tf.ready();
  const random = seeded(1);
  const vars = [];
  const masks = {};
  WIDTHS.slice(1).forEach((out, i) => {
    const fanIn = WIDTHS[i];
    const scale = Math.sqrt(2 / fanIn);
    const w = Float32Array.from({ length: fanIn * out }, () => (random() * 2 - 1) * scale);
    vars.push(tf.variable(tf.tensor2d(w, [fanIn, out]), true, `w${i}`));
    vars.push(tf.variable(tf.zeros([out]), true, `b${i}`));
    masks[`w${i}`] = tf.ones([fanIn, out]);
  });
  const inputs = Array.from({ length: BATCHES }, () => Float32Array.from({ length: BATCH * WIDTHS[0] }, random));
  const labels = Array.from({ length: BATCHES }, () => Int32Array.from({ length: BATCH }, () => Math.floor(random() * 10)));
  const optimizer = tf.train.adam(LEARNING_RATE);
  const forward = (x) => {
    let h = x;
    for (let l = 0; l < vars.length / 2; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
      if (l < vars.length / 2 - 1) h = tf.relu(h);
    }
    return h;
  };
  let step = 0;
  const train = async (n) => {
    for (let i = 0; i < n; i++, step++) {
      tf.tidy(() => {
        const x = tf.tensor2d(inputs[step % BATCHES], [BATCH, WIDTHS[0]]);
        const y = tf.oneHot(tf.tensor1d(labels[step % BATCHES], 'int32'), 10);
        const { grads } = optimizer.computeGradients(() => tf.losses.softmaxCrossEntropy(y, forward(x)), vars);
        for (const name of Object.keys(masks)) grads[name] = tf.mul(grads[name], masks[name]);
        optimizer.applyGradients(grads);
      });
    }
    await vars[0].data(); // wait for the device, as the lab's runs end with a readback
  };
  await train(WARM_UP_STEPS);
  const times = [];
  const counts = []; // WebGPU calls after each run, where bench-page.mjs counts them (globalThis.__gpuCounts)
  for (const n of runs) {
    const start = performance.now();
    await train(n);
    times.push(performance.now() - start);
    const c = globalThis.__gpuCounts;
    counts.push(c ? { dispatches: c.dispatches, submits: c.submits, writes: c.writes, buffers: c.buffers, maps: c.maps } : null);
  }
  return { backend: tf.getBackend(), version: tf.version.tfjs, times_ms: times, counts };
};
