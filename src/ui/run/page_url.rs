//! The page's side of the URL: read the query once at start, and replace it
//! (no history entry, no scroll) whenever the configuration changes. The key
//! names live in `crate::url` alone.

use crate::url::{self, Notice, UrlState};

/// A window at most this wide (CSS pixels: a phone, a small tablet) opens in class mode unless the link says.
const NARROW_SCREEN_PX: f64 = 700.0;

pub fn read() -> (UrlState, Vec<Notice>) {
    let window = web_sys::window();
    let query = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let (mut state, notices) = url::decode(&query);
    let width = window.and_then(|w| w.inner_width().ok()).and_then(|w| w.as_f64()).unwrap_or(f64::INFINITY);
    if width <= NARROW_SCREEN_PX && !url::names(&query, "class") {
        state.class = true;
    }
    (state, notices)
}

/// The shareable link for `state`.
pub fn link(state: &UrlState) -> String {
    let w = web_sys::window().expect("window");
    let loc = w.location();
    format!("{}{}?{}", loc.origin().unwrap_or_default(), loc.pathname().unwrap_or_default(), url::encode(state))
}

pub fn replace(state: &UrlState) {
    if let Some(w) = web_sys::window() {
        let path = format!("{}?{}", w.location().pathname().unwrap_or_default(), url::encode(state));
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}
