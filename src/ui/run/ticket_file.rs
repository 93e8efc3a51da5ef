//! Export and import a ticket file: the configuration, seed and every
//! finished round's mask (and report), as versioned JSON
//! ([`crate::engine::records::checkpoint`]). An import is checked in full before it
//! replaces anything; a refused file leaves the experiment as it was.
//! The same button reads a sweep's `summary.json` (`lottery sweep merge`),
//! recognised by its format tag, and hands it to the sweep chart.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::records::pinned_runs::{self, PinnedRuns};
use crate::engine::records::sweep_summary::{self, Summary};
use crate::engine::{Checkpoint, Choice};

/// Offer `text` as a download named `name`.
pub(in crate::ui) fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    offer(name, &parts, "application/json")
}

/// Offer `bytes` as a download named `name`, of type `mime`.
pub(in crate::ui) fn download_bytes(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    offer(name, &parts, mime)
}

/// A Blob of `parts` clicked as a link that downloads it.
fn offer(name: &str, parts: &js_sys::Array, mime: &str) -> Result<(), String> {
    let err = |e: JsValue| format!("{e:?}");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The file a file input's change chose, if any; the input is cleared so
/// choosing the same file again fires again.
pub(in crate::ui) fn chosen_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files().and_then(|f| f.get(0))?;
    input.set_value("");
    Some(file)
}

/// Read the chosen file as text, refusing one over `max_bytes` before reading it.
pub(in crate::ui) async fn read(file: &web_sys::File, max_bytes: usize) -> Result<String, String> {
    let size = file.size() as usize;
    if size > max_bytes {
        return Err(format!("the file is {size} bytes; at most {max_bytes} are read"));
    }
    let text = JsFuture::from(file.text()).await.map_err(|e| format!("the browser could not read it ({e:?})"))?;
    text.as_string().ok_or_else(|| "the browser could not read it as text".into())
}

/// Export / Import buttons and the import's message.
#[component]
pub fn TicketFile(
    /// The ticket to export (None: nothing finished yet).
    current: Signal<Option<Checkpoint>>,
    on_import: Callback<(Checkpoint, String)>,
    /// A sweep summary was imported (it changes nothing of the experiment).
    on_sweep: Callback<(Summary, String)>,
    /// Pinned runs were imported (they change nothing of the experiment).
    on_pinned: Callback<(PinnedRuns, String)>,
) -> impl IntoView {
    let message: RwSignal<Option<(bool, String)>> = RwSignal::new(None);
    let export = move |_| {
        let Some(cp) = current.get_untracked() else { return };
        let name = format!("ticket-{}-round{}.json", cp.config.data.dataset.name(), cp.rounds.len().saturating_sub(1));
        match download(&name, &cp.to_json()) {
            Ok(()) => message.set(Some((true, format!("Exported {name}.")))),
            Err(e) => message.set(Some((false, format!("Could not export: {e}")))),
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = chosen_file(&ev) else { return };
        let name = file.name();
        leptos::task::spawn_local(async move {
            let text = match read(&file, crate::engine::records::ticket_format::MAX_FILE_BYTES).await {
                Ok(text) => text,
                Err(e) => {
                    message.set(Some((false, format!("Could not import {name}: {e}. The experiment is unchanged."))));
                    return;
                }
            };
            if pinned_runs::is_pinned_runs(&text) {
                match PinnedRuns::from_json(&text) {
                    Ok(runs) => on_pinned.run((runs, name)),
                    Err(e) => message.set(Some((false, format!("Could not import the pinned runs {name}: {e}.")))),
                }
                return;
            }
            if sweep_summary::is_summary(&text) {
                match Summary::from_json(&text) {
                    Ok(summary) => {
                        let n = summary.configurations.len();
                        message
                            .set(Some((true, format!("Imported the sweep {name}: {n} configurations, drawn below."))));
                        on_sweep.run((summary, name));
                    }
                    Err(e) => message.set(Some((false, format!("Could not import the sweep {name}: {e}.")))),
                }
                return;
            }
            match Checkpoint::from_json(&text) {
                Ok(cp) => {
                    message.set(Some((true, format!("Imported {name}: {} finished rounds.", cp.rounds.len()))));
                    on_import.run((cp, name));
                }
                Err(e) => {
                    message.set(Some((false, format!("Could not import {name}: {e}. The experiment is unchanged."))))
                }
            }
        });
    };
    view! {
        <div class="ticket-file">
            <button id="export-ticket" on:click=export disabled=move || current.with(Option::is_none)>
                "Export ticket"
            </button>
            " "
            <label class="import" title="A ticket file, a sweep's summary.json, or exported pinned runs">
                "Import ticket, sweep or pinned runs "
                <input id="import-ticket" type="file" accept=".json,application/json" on:change=import />
            </label>
            <Show when=move || message.with(Option::is_some)>
                <p id="ticket-message" role="status"
                    class:error=move || message.with(|m| m.as_ref().is_some_and(|m| !m.0))>
                    {move || message.get().map(|m| m.1).unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}
