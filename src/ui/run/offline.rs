//! Offline after the first visit: what `web/offline.js` (the service worker's
//! registration) reports, as a line in the bench, and its two buttons: "Make
//! available offline" (every data set stored now, not only those used so
//! far) and "Reload to update" (a new version is stored and waits).

use js_sys::{Function, Promise, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The global `web/offline.js` keeps its state in, and the event it sends when that changes.
const GLOBAL: &str = "__lotteryOffline";
const EVENT: &str = "lottery-offline";

/// Where offline use stands.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Offline {
    stage: Stage,
    /// Why storing failed, or why a data set could not be stored.
    error: Option<String>,
    data_cached: u32,
    data_total: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Stage {
    /// No service workers here (or the page is not served from a secure origin).
    #[default]
    Unsupported,
    /// The first visit is storing the page.
    Saving,
    /// The page opens without a network.
    Ready,
    /// A new version is stored and waits for "Reload to update".
    Update,
    Failed,
}

fn global() -> JsValue {
    web_sys::window().and_then(|w| Reflect::get(&w, &JsValue::from_str(GLOBAL)).ok()).unwrap_or(JsValue::UNDEFINED)
}

fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

impl Offline {
    fn read() -> Self {
        let g = global();
        let stage = match field(&g, "state").as_string().as_deref() {
            Some("saving") => Stage::Saving,
            Some("ready") => Stage::Ready,
            Some("update") => Stage::Update,
            Some("failed") => Stage::Failed,
            _ => Stage::Unsupported,
        };
        let count = |k: &str| field(&g, k).as_f64().unwrap_or(0.0) as u32;
        Self {
            stage,
            error: field(&g, "error").as_string(),
            data_cached: count("data_cached"),
            data_total: count("data_total"),
        }
    }

    fn line(&self) -> String {
        let data = format!("data sets: {} of {} stored", self.data_cached, self.data_total);
        match self.stage {
            Stage::Unsupported => "Offline use needs a browser with service workers, and the page served over https \
                                   or from this computer."
                .into(),
            Stage::Saving => "Storing the page in this browser for offline use…".into(),
            Stage::Ready if self.data_cached == self.data_total => format!("Works offline ({data})."),
            Stage::Ready => format!("Works offline; {data} (each is stored when first used)."),
            Stage::Update => "A new version of the lab is stored.".into(),
            Stage::Failed => format!("Offline use is not available: {}.", self.error.as_deref().unwrap_or("unknown")),
        }
    }

    fn data_missing(&self) -> bool {
        self.stage == Stage::Ready && self.data_cached < self.data_total
    }
}

/// Call `__lotteryOffline[name]()`.
fn call(name: &str) -> Option<JsValue> {
    let g = global();
    field(&g, name).dyn_into::<Function>().ok()?.call0(&g).ok()
}

/// Follow what `web/offline.js` reports, for as long as the page lives.
pub fn watch() -> Signal<Offline> {
    let offline = RwSignal::new(Offline::read());
    let listener = window_event_listener_untyped(EVENT, move |_| offline.set(Offline::read()));
    on_cleanup(move || listener.remove());
    offline.into()
}

/// Under the header while a new version waits: "Reload to update". Until then the page keeps the version
/// it loaded, every file of it.
#[component]
pub fn UpdateNotice(offline: Signal<Offline>) -> impl IntoView {
    view! {
        <Show when=move || offline.with(|o| o.stage == Stage::Update)>
            <p id="update-ready" class="notice update-ready">
                "A new version of the lab is ready. "
                <button id="reload-update" on:click=move |_| {
                    call("applyUpdate");
                }>"Reload to update"</button>
            </p>
        </Show>
    }
}

/// In the bench: whether the page works offline, and "Make available offline" for the data sets not yet stored.
#[component]
pub fn OfflinePanel(offline: Signal<Offline>) -> impl IntoView {
    let storing = RwSignal::new(false);
    let store_data = move |_| {
        let Some(promise) = call("cacheData").and_then(|p| p.dyn_into::<Promise>().ok()) else { return };
        storing.set(true);
        leptos::task::spawn_local(async move {
            let _ = JsFuture::from(promise).await; // progress and errors arrive as events
            storing.set(false);
        });
    };
    let state = move || format!("{:?}", offline.with(|o| o.stage)).to_lowercase();
    view! {
        <div id="offline" class="offline" data-state=state>
            <p class="offline-line">{move || offline.with(Offline::line)}</p>
            <Show when=move || offline.with(|o| o.error.is_some() && o.stage == Stage::Ready)>
                <p class="offline-error">{move || offline.with(|o| o.error.clone().unwrap_or_default())}</p>
            </Show>
            <Show when=move || offline.with(Offline::data_missing)>
                <button id="offline-data" on:click=store_data disabled=move || storing.get()>
                    {move || if storing.get() { "Storing the data sets…" } else { "Make available offline" }}
                </button>
            </Show>
        </div>
    }
}
