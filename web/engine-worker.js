// Lottery Ticket Lab: an engine worker. It runs the page's own WebAssembly module (the same files the page
// loaded, from the browser's cache), whose main() finds no window and listens for the page's messages
// (src/worker/entry.rs) instead of mounting the app. scripts/engine_worker.py writes the build's file names.
// First, before any GPU device exists: notice a lost one, so the run moves to the CPU (as on the page).
import './gpu-watch.js';
import init from './__LAB_GLUE__';

init({ module_or_path: './__LAB_WASM__' });
