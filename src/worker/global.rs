//! What the page and a worker both reach through their global object
//! (`Window` or `DedicatedWorkerGlobalScope`): the clock and `fetch`.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `obj[key]`, or `undefined`.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The global clock (`performance.now()`), in milliseconds since the page or
/// the worker started.
pub(crate) fn now_ms() -> f64 {
    let performance = get(&js_sys::global(), "performance");
    if performance.is_undefined() {
        return 0.0;
    }
    performance.unchecked_into::<web_sys::Performance>().now()
}

/// A `performance.mark` on this global's timeline (the benchmark reads the page's).
pub(crate) fn mark(name: &str) {
    let performance = get(&js_sys::global(), "performance");
    if !performance.is_undefined() {
        let _ = performance.unchecked_into::<web_sys::Performance>().mark(name);
    }
}

/// The bytes of a file of the page (`data/…`), from the page or a worker.
pub(crate) async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let promise = match web_sys::window() {
        Some(window) => window.fetch_with_str(path),
        None => js_sys::global().unchecked_into::<web_sys::WorkerGlobalScope>().fetch_with_str(path),
    };
    let resp = JsFuture::from(promise).await.map_err(|e| format!("{path}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("{path}: not a response"))?;
    if !resp.ok() {
        return Err(format!("{path}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{path}: {e:?}"))?)
        .await
        .map_err(|e| format!("{path}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
