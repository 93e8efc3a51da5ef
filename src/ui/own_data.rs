//! Your own data: a CSV file, or pasted text, becomes a dataset like the
//! built-in ones ([`crate::engine::own_data`] reads and checks it). A refused
//! file leaves the experiment and the data it had; the message names the
//! line and the problem. A link cannot carry the rows: the ticket file does.

use leptos::prelude::*;

use crate::engine::own_data::{self, OwnData};

use super::ticket_file;

/// What pasted text is called in messages and ticket files.
const PASTED: &str = "pasted text";

/// How a successful import reads back.
fn summary(d: &OwnData) -> String {
    format!(
        "{}: {} rows, {} features, {} classes ({}). Press Train. A link cannot carry these rows: Export ticket \
         saves the experiment with them.",
        d.name,
        d.rows(),
        d.features,
        d.classes(),
        d.labels.join(", ")
    )
}

/// The import panel: a file chooser, a text box to paste into, and the message.
#[component]
pub fn OwnDataImport(
    /// Rows that passed every check: they replace the experiment's data.
    on_data: Callback<OwnData>,
    /// The rows in use, if any (a ticket file may have brought them).
    current: RwSignal<Option<OwnData>>,
) -> impl IntoView {
    let message: RwSignal<Option<(bool, String)>> = RwSignal::new(None);
    let pasted = RwSignal::new(String::new());
    let take = move |name: String, text: &str| match own_data::parse(&name, text) {
        Ok(d) => {
            message.set(Some((true, summary(&d))));
            on_data.run(d);
        }
        Err(e) => message.set(Some((false, format!("Could not use {name}: {e}. The data is unchanged.")))),
    };
    let from_file = move |ev: leptos::ev::Event| {
        let Some(file) = ticket_file::chosen_file(&ev) else { return };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match ticket_file::read(&file, own_data::MAX_BYTES).await {
                Ok(text) => take(name, &text),
                Err(e) => message.set(Some((false, format!("Could not use {name}: {e}. The data is unchanged.")))),
            }
        });
    };
    let from_paste = move |_| take(PASTED.to_string(), &pasted.get_untracked());
    let in_use = move || current.with(|c| c.as_ref().map(|d| format!("In use: {}", d.name)));
    view! {
        <details class="own-data" id="own-data">
            <summary>"Your own data (CSV)"</summary>
            <p class="hint">
                "Rows of numbers separated by commas with the label last, or in a column headed label, class, \
                 target or y: "<code>"x,y,label"</code>" for points in the plane. "
                {format!(
                    "Up to {} rows, {} features and {} classes; each feature is scaled to -1..1.",
                    own_data::MAX_ROWS,
                    own_data::MAX_FEATURES,
                    own_data::MAX_CLASSES
                )}
            </p>
            <label class="import">"CSV file "
                <input id="data-file" type="file" accept=".csv,.txt,text/csv,text/plain" on:change=from_file />
            </label>
            <textarea id="data-paste" rows="4" placeholder="0.5,-1.2,1\n-0.3,0.8,0\n…"
                prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <button id="data-use-paste" on:click=from_paste>"Use pasted text"</button>
            <p class="hint" id="data-in-use">{in_use}</p>
            <Show when=move || message.with(Option::is_some)>
                <p id="data-message" role="status"
                    class:error=move || message.with(|m| m.as_ref().is_some_and(|m| !m.0))>
                    {move || message.get().map(|m| m.1).unwrap_or_default()}
                </p>
            </Show>
        </details>
    }
}
