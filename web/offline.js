// Lottery Ticket Lab: register the service worker (web/service-worker.js) so
// the page works offline after the first visit, and tell the page where that
// stands. The app reads globalThis.__lotteryOffline and listens for the
// `lottery-offline` event on window; its Offline panel (src/ui/offline.rs)
// shows the state and the buttons.
//
// state: 'unsupported' (no service workers here, or not a secure origin),
//        'saving' (the first visit is storing the page), 'ready' (works offline),
//        'update' (a new version is stored and waits for "Reload to update"),
//        'failed' (the worker could not be installed: `error` says why).
(() => {
  const offline = {
    state: 'unsupported', error: null, data_cached: 0, data_total: 0, version: null,
    applyUpdate: () => {},
    cacheData: () => Promise.reject(new Error('no service worker')),
  };
  globalThis.__lotteryOffline = offline;
  const tell = (changes) => {
    Object.assign(offline, changes);
    globalThis.dispatchEvent(new Event('lottery-offline'));
  };
  const sw = navigator.serviceWorker;
  if (!sw || !globalThis.isSecureContext) return;

  // Ask a worker something over a MessageChannel; `onReply` sees each reply until it returns true.
  const ask = (worker, message, onReply) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => { if (onReply(e.data)) resolve(e.data); };
    worker.postMessage(message, [channel.port2]);
  });
  const status = (worker) => ask(worker, { type: 'status' }, (r) => { tell(r); return true; });

  let updating = false; // this page asked the waiting worker to take over
  sw.addEventListener('controllerchange', () => {
    if (updating) globalThis.location.reload(); // the new version serves the page from here on
  });

  tell({ state: 'saving' });
  sw.register('service-worker.js').then((registration) => {
    const waiting = (worker) => {
      offline.applyUpdate = () => { updating = true; worker.postMessage({ type: 'take-over' }); };
      tell({ state: 'update' });
    };
    const watch = (worker) => worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && registration.active && registration.active !== worker) waiting(worker);
      if (worker.state === 'activated' && offline.state === 'saving') {
        tell({ state: 'ready' });
        status(worker);
      }
      if (worker.state === 'redundant' && offline.state === 'saving') tell({ state: 'failed', error: 'the page could not be stored' });
    });
    if (registration.waiting && registration.active) waiting(registration.waiting);
    if (registration.installing) watch(registration.installing);
    registration.addEventListener('updatefound', () => watch(registration.installing));
    if (registration.active && offline.state === 'saving') {
      tell({ state: 'ready' });
      status(registration.active);
    }
    offline.cacheData = () => {
      const worker = registration.active;
      if (!worker) return Promise.reject(new Error('the page is still being stored'));
      return ask(worker, { type: 'cache-data' }, (r) => {
        if (r.error) { tell({ error: r.error }); return true; }
        tell({ data_cached: r.data_cached, data_total: r.data_total, error: null });
        return Boolean(r.finished);
      });
    };
  }).catch((e) => tell({ state: 'failed', error: String(e && e.message || e) }));
})();
