// The page's own engine under Node.js: `lottery run --page-exact` (src/page_exact.rs) runs this.
//
// It loads the page's WebAssembly module from a built page folder (dist/: trunk's lab-HASH_bg.wasm and its glue,
// the very bytes a browser downloads) and gives it what an engine worker's global has: postMessage, an onmessage
// the module sets, fetch for the page's data files, performance. With no window, the module's main() takes the
// engine worker's path (src/main.rs → src/worker/entry.rs), so the arithmetic is the page's, instruction for
// instruction: the same wasm32 SIMD128 kernels, the same libm, no FMA.
//
// Lines on stdin are the page's messages to a worker (src/worker/protocol.rs ToWorker, JSON); each message the
// worker posts goes to stdout, one JSON line. stdout carries nothing else.
//
//   LTL_PAGE_DIR=dist node --input-type=module < page_exact.mjs   (src/page_exact.rs passes it with -e)
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';

const dist = resolve(process.env.LTL_PAGE_DIR ?? 'dist');
const fail = (message) => {
  process.stderr.write(`page engine: ${message}\n`);
  process.exit(2);
};

let names;
try {
  names = readdirSync(dist);
} catch (e) {
  fail(`${dist}: ${e.message} (build the page first: make page)`);
}
const modules = names.filter((n) => /^lab-[0-9a-f]+_bg\.wasm$/.test(n));
if (modules.length !== 1) fail(`expected one lab-HASH_bg.wasm in ${dist}, found ${modules.length} (build the page: make page)`);
const wasm = modules[0];
const glue = wasm.replace(/_bg\.wasm$/, '.js');
if (!names.includes(glue)) fail(`${glue}, the glue of ${wasm}, is missing from ${dist}`);

// The worker's global, as src/worker/{entry,global,source}.rs reach it.
globalThis.postMessage = (text) => {
  process.stdout.write(`${text}\n`);
};
globalThis.fetch = async (path) => {
  // Only the page's own files: a path that leaves the folder is not found, as on a server.
  const file = resolve(dist, String(path));
  if (!file.startsWith(dist + sep)) return new Response(null, { status: 404 });
  try {
    return new Response(readFileSync(file));
  } catch {
    return new Response(null, { status: 404 });
  }
};

// The glue is an ES module in a .js file (trunk's output): import it as one whatever the folder's package type.
const source = readFileSync(join(dist, glue)).toString('base64');
const init = (await import(`data:text/javascript;base64,${source}`)).default;
// Instantiating runs main(): it finds no window, sets globalThis.onmessage and posts Ready.
await init({ module_or_path: readFileSync(join(dist, wasm)) });
if (typeof globalThis.onmessage !== 'function') fail(`${wasm} did not start an engine worker`);

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) globalThis.onmessage({ data: line });
}
