// Lottery Ticket Lab's service worker: after the first visit the page opens
// and trains without a network. scripts/service_worker.py writes the build's
// VERSION (a digest of the page's own files) and its file lists into the copy
// in dist/; this source is a template and is never served as it is.
//
// Versions never mix: each build's page files live in their own cache
// (lab-page-VERSION), filled whole at install; a page is served only from the
// version that served its index.html. A new build installs beside the old one
// and waits: the page says "Reload to update", and only then does it take over.
// The data sets (megabytes each) are cached when the page first fetches them,
// or all at once on request, in a cache named after their checksums.
const VERSION = '__LAB_VERSION__';
const PAGE_FILES = __LAB_PAGE_FILES__;
const DATA_VERSION = '__LAB_DATA_VERSION__';
const DATA_FILES = __LAB_DATA_FILES__;

const PAGE_CACHE = `lab-page-${VERSION}`;
const DATA_CACHE = `lab-data-${DATA_VERSION}`;
const INDEX = 'index.html';
const scope = new URL(self.registration.scope);
const relative = (url) => (url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null);

self.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the files are this build's and not an older copy.
  event.waitUntil(caches.open(PAGE_CACHE)
    .then((cache) => cache.addAll(PAGE_FILES.map((f) => new Request(f, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((k) => k.startsWith('lab-') && k !== PAGE_CACHE && k !== DATA_CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim())); // the first visit's page is served (and its data cached) from now on
});

async function fromPage(path) {
  const cached = await caches.open(PAGE_CACHE).then((c) => c.match(path));
  return cached || fetch(path);
}

async function fromData(request, path) {
  const cache = await caches.open(DATA_CACHE);
  const cached = await cache.match(path);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(path, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== scope.origin) return;
  const path = relative(url);
  if (path === null) return;
  if (request.mode === 'navigate') {
    event.respondWith(fromPage(INDEX)); // any link into the lab (?preset=…) is the same page
  } else if (PAGE_FILES.includes(path)) {
    event.respondWith(fromPage(path));
  } else if (DATA_FILES.includes(path)) {
    event.respondWith(fromData(request, path));
  }
});

// Messages from the page (web/offline.js): take over after "Reload to update";
// say what is cached; cache every data set, reporting each on `port`.
self.addEventListener('message', (event) => {
  const { type } = event.data || {};
  const port = event.ports[0];
  if (type === 'take-over') {
    self.skipWaiting();
  } else if (type === 'status') {
    caches.open(DATA_CACHE).then(async (cache) => {
      const cached = (await Promise.all(DATA_FILES.map((f) => cache.match(f)))).filter(Boolean).length;
      port.postMessage({ version: VERSION, data_cached: cached, data_total: DATA_FILES.length });
    });
  } else if (type === 'cache-data') {
    caches.open(DATA_CACHE).then(async (cache) => {
      let done = 0;
      for (const file of DATA_FILES) {
        if (!(await cache.match(file))) {
          const response = await fetch(new Request(file, { cache: 'reload' })).catch(() => null);
          if (!response || !response.ok) {
            port.postMessage({ error: `${file} could not be fetched (${response ? response.status : 'no network'})` });
            return;
          }
          await cache.put(file, response);
        }
        done += 1;
        port.postMessage({ data_cached: done, data_total: DATA_FILES.length });
      }
      port.postMessage({ data_cached: done, data_total: DATA_FILES.length, finished: true });
    });
  }
});
