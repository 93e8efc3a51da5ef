// Lottery Ticket Lab: say why the lab cannot start, instead of leaving the
// "Loading…" line forever. Runs before the wasm is fetched.
// - The module uses WebAssembly SIMD128 (the CPU path's matmuls and
//   element-wise passes): every browser with WebGPU has it (Chrome/Edge 91+,
//   Firefox 89+, Safari 16.4+); older ones cannot compile the module.
// - Any other failure to load (a network error, a refused module) before the
//   app mounts is shown as text too.
(() => {
  const say = (text) => {
    const note = document.querySelector('#boot .boot-note');
    if (!note) return; // the app is already up: its own messages take over
    note.textContent = text;
    note.classList.add('boot-error');
    note.id = 'boot-error';
  };
  // (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt): valid only where SIMD128 is.
  const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
  const hasWasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
  globalThis.__lotterySimd = hasWasm && WebAssembly.validate(SIMD_PROBE);
  const missing = () => (!hasWasm
    ? 'This browser cannot run WebAssembly, which the lab is built on.'
    : 'This browser lacks WebAssembly SIMD, which the lab needs. Chrome or Edge 91+, Firefox 89+ and Safari 16.4+ have it (every browser with WebGPU does).');
  if (!globalThis.__lotterySimd) {
    document.addEventListener('DOMContentLoaded', () => say(missing()));
  }
  // trunk's loader is a module script with a top-level await: a failed fetch
  // or compile surfaces as an error event (or an unhandled rejection).
  const failed = (why) => say(globalThis.__lotterySimd ? `The lab could not start: ${why}` : missing());
  globalThis.addEventListener('unhandledrejection', (e) => failed(e.reason?.message || e.reason));
  globalThis.addEventListener('error', (e) => failed(e.error?.message || e.message));
})();
