//! Finished rounds saved in the browser (localStorage), keyed by the
//! configuration, so a reload can draw them again and go on from the last one.
//!
//! Each entry is a [`Checkpoint`] in its compact form (deflated JSON). The
//! storage calls go through web-sys directly rather than gloo-storage, whose
//! `LocalStorage::raw()` panics where the browser blocks storage; here a
//! blocked or full storage is a message, never a crash.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::engine::{Checkpoint, ExperimentConfig};
use crate::url;

/// Every key this page writes starts with this.
const PREFIX: &str = "lottery-ticket-lab/rounds/v1?";

pub(in crate::ui) fn storage() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    match window.local_storage() {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err("this browser offers no local storage".into()),
        Err(e) => Err(format!("the browser blocks local storage ({})", js_error(&e))),
    }
}

/// "QuotaExceededError: …" from a thrown DOMException (or whatever was thrown).
pub(in crate::ui) fn js_error(e: &JsValue) -> String {
    let get =
        |k: &str| js_sys::Reflect::get(e, &JsValue::from_str(k)).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match (get("name"), get("message")) {
        (n, m) if !n.is_empty() => format!("{n}: {m}"),
        _ => format!("{e:?}"),
    }
}

fn is_quota(e: &JsValue) -> bool {
    let name = js_sys::Reflect::get(e, &JsValue::from_str("name")).ok().and_then(|v| v.as_string()).unwrap_or_default();
    name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED"
}

fn key_for(config: &ExperimentConfig) -> String {
    format!("{PREFIX}{}", url::config_key(config))
}

fn our_keys(s: &web_sys::Storage) -> Vec<String> {
    let n = s.length().unwrap_or(0);
    (0..n).filter_map(|i| s.key(i).ok().flatten()).filter(|k| k.starts_with(PREFIX)).collect()
}

/// The saved rounds of `config`, if any. A damaged entry is removed and reported.
pub fn load(config: &ExperimentConfig) -> Result<Option<Checkpoint>, String> {
    let s = storage()?;
    let key = key_for(config);
    let Some(text) = s.get_item(&key).map_err(|e| js_error(&e))? else { return Ok(None) };
    match Checkpoint::from_compact(&text) {
        Ok(c) if c.config == *config => Ok(Some(c)),
        Ok(_) => Ok(None),
        Err(e) => {
            let _ = s.remove_item(&key);
            Err(format!("the rounds saved for this configuration could not be read ({e}) and were removed"))
        }
    }
}

/// Save `checkpoint` under its configuration. When the storage is full, the
/// entries of other configurations are dropped (this page's only) and the
/// save tried once more. `compact`: its compact form when the engine worker
/// made it already (the page then does not compress it again).
pub fn save(checkpoint: &Checkpoint, compact: Option<String>) -> Result<(), String> {
    let s = storage()?;
    let key = key_for(&checkpoint.config);
    let value = compact.unwrap_or_else(|| checkpoint.to_compact());
    match s.set_item(&key, &value) {
        Ok(()) => Ok(()),
        Err(e) if is_quota(&e) => {
            for k in our_keys(&s).into_iter().filter(|k| *k != key) {
                let _ = s.remove_item(&k);
            }
            s.set_item(&key, &value).map_err(|e| {
                format!(
                    "round {} could not be saved in this browser: its storage is full ({}, {} KB needed). \
                     The run goes on; Export keeps the ticket in a file.",
                    checkpoint.rounds.len().saturating_sub(1),
                    js_error(&e),
                    value.len() * 2 / 1024
                )
            })
        }
        Err(e) => Err(format!("rounds could not be saved in this browser ({})", js_error(&e))),
    }
}

/// Remove every saved experiment; returns how many there were.
pub fn clear_all() -> Result<usize, String> {
    let s = storage()?;
    let keys = our_keys(&s);
    for k in &keys {
        s.remove_item(k).map_err(|e| js_error(&e))?;
    }
    Ok(keys.len())
}

/// How many experiments are saved in this browser.
pub fn count() -> usize {
    storage().map(|s| our_keys(&s).len()).unwrap_or(0)
}

/// Rounds that can be continued: restored after a reload, or imported.
#[derive(Clone, Debug, PartialEq)]
pub struct Resumable {
    pub checkpoint: Checkpoint,
    pub source: RoundsSource,
}

/// Where rounds shown before a run came from.
#[derive(Clone, Debug, PartialEq)]
pub enum RoundsSource {
    /// This browser's storage (cleared by "Clear saved rounds").
    Browser,
    /// A ticket file, by its name.
    TicketFile(String),
}

impl std::fmt::Display for RoundsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Browser => write!(f, "saved in this browser"),
            Self::TicketFile(name) => write!(f, "imported from {name}"),
        }
    }
}

/// The banner over restored or imported rounds: continue from the last
/// finished round, or clear what this browser saved.
#[component]
pub fn SavedRounds(
    resumable: RwSignal<Option<Resumable>>,
    on_continue: Callback<Checkpoint>,
    /// A message about saving (a full storage, a cleared one).
    message: RwSignal<Option<String>>,
    /// The run's latest checkpoint: it changes after every saved round, so
    /// the count is read again.
    last_checkpoint: RwSignal<Option<Checkpoint>>,
) -> impl IntoView {
    let saved = RwSignal::new(count());
    let clear = move |_| {
        match clear_all() {
            Ok(n) => message
                .set(Some(format!("Cleared {n} saved experiment{} from this browser.", if n == 1 { "" } else { "s" }))),
            Err(e) => message.set(Some(format!("Could not clear saved rounds: {e}"))),
        }
        saved.set(count());
        resumable.update(|r| {
            if r.as_ref().is_some_and(|r| r.source == RoundsSource::Browser) {
                *r = None;
            }
        });
    };
    // Saving happens elsewhere (each finished round); recount when a message comes.
    Effect::new(move |_| {
        message.track();
        resumable.track();
        last_checkpoint.track();
        saved.set(count());
    });
    view! {
        <div class="saved" id="saved">
            <Show when=move || resumable.with(Option::is_some)>
                {move || resumable.get().map(|r| {
                    let done = r.checkpoint.rounds.len();
                    let can = r.checkpoint.can_continue();
                    let cp = r.checkpoint.clone();
                    view! {
                        <p id="resumable" data-rounds=done>
                            {format!("{done} finished round{} {}.", if done == 1 { "" } else { "s" }, r.source)}
                            {if can { String::new() } else { " The experiment is complete.".into() }}
                        </p>
                        <button id="continue" disabled=!can on:click=move |_| on_continue.run(cp.clone())>
                            {format!("Continue from round {done}")}
                        </button>
                    }
                })}
            </Show>
            <p class="saved-line">
                <button id="clear-saved" on:click=clear disabled=move || saved.get() == 0>"Clear saved rounds"</button>
                " "
                <small id="saved-count">{move || match saved.get() {
                    0 => "Finished rounds are saved in this browser.".to_string(),
                    1 => "1 experiment saved in this browser.".to_string(),
                    n => format!("{n} experiments saved in this browser."),
                }}</small>
            </p>
            <Show when=move || message.with(Option::is_some)>
                <p id="storage-message" role="status">{move || message.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
