//! Your own data: a CSV file, pasted text or the penguins example is read
//! ([`crate::engine::data::csv_table`]) and previewed ([`crate::ui::views::classifier::data_preview`]);
//! "Use these rows" turns it into a dataset like the built-in ones
//! ([`crate::engine::data::own_data`]). A refused file leaves the experiment and
//! the data it had; the message names the line and the problem. A link
//! cannot carry the rows: the ticket file does.

use leptos::prelude::*;

use crate::engine::data::csv_table::{self, Table};
use crate::engine::data::own_data::{self, ColumnChoice, Imported, OwnData};
use crate::engine::data::own_limits;

use crate::ui::run::ticket_file;
use crate::ui::views::classifier::data_preview::{DataPreview, Preview};

/// What pasted text is called in messages and ticket files.
const PASTED: &str = "pasted text";
/// The example file, served beside the image sets (`web/data/`, credited in its CREDITS.md).
const EXAMPLE: &str = "penguins.csv";
/// What the example predicts (its tooltip's promise), and the column it leaves out: the year a penguin was
/// measured says nothing of its species.
const EXAMPLE_LABEL: &str = "species";
const EXAMPLE_LEFT_OUT: &str = "year";
const UNCHANGED: &str = "The data is unchanged.";

/// Where the import stands, for the message's look and the browser tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// A file was read and is previewed.
    Read,
    /// Its rows are in use.
    Used,
    /// A file or a choice was refused; nothing changed.
    Refused,
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Used => "used",
            Stage::Refused => "refused",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Message {
    stage: Stage,
    text: String,
}

/// How a successful import reads back.
fn summary(imported: &Imported) -> String {
    let notes: String = imported.notes.iter().map(|n| format!(" {n}.")).collect();
    format!(
        "{}.{notes} Press Train. A link cannot carry these rows: Export ticket saves the experiment with them.",
        imported.describe()
    )
}

/// The example's columns: species from the rest, the year left out (the file's own default would be its last
/// column, the year).
fn example_choice(table: &Table) -> ColumnChoice {
    ColumnChoice::named(table, Some(EXAMPLE_LABEL), &[EXAMPLE_LEFT_OUT.to_string()])
        .unwrap_or_else(|_| ColumnChoice::default_for(table))
}

/// What the panel accepts, with the caps.
fn hint() -> String {
    format!(
        "A CSV file as spreadsheets and websites save it: commas, semicolons (with decimal commas) or tabs; quoted \
         fields; a header of column names, or none. Choose the label column and leave columns out below. Rows with \
         a missing value (empty, NA, NaN, null, ?) are left out; a column of words becomes one feature per word when \
         it has at most {} different words. Up to {} rows, {} features and {} classes; each feature is scaled to \
         -1..1.",
        own_data::MAX_ONE_HOT,
        own_limits::MAX_ROWS,
        own_limits::MAX_FEATURES,
        own_limits::MAX_CLASSES
    )
}

/// The import's message: what was read, used or refused (`data-stage` says which).
#[component]
fn ImportMessage(message: RwSignal<Option<Message>>) -> impl IntoView {
    view! {
        <Show when=move || message.with(Option::is_some)>
            <p id="data-message" role="status"
                data-stage=move || message.with(|m| m.as_ref().map_or("", |m| m.stage.name()))
                class:error=move || message.with(|m| m.as_ref().is_some_and(|m| m.stage == Stage::Refused))>
                {move || message.with(|m| m.as_ref().map(|m| m.text.clone()).unwrap_or_default())}
            </p>
        </Show>
    }
}

/// The import panel: a file chooser, a text box to paste into, the example, the preview and the message.
#[component]
pub fn OwnDataImport(
    /// Rows that passed every check: they replace the experiment's data.
    on_data: Callback<OwnData>,
    /// The rows in use, if any (a ticket file may have brought them).
    current: RwSignal<Option<OwnData>>,
    /// The name of a file read and previewed but not in use yet (Train says it trains on something else).
    previewed: RwSignal<Option<String>>,
) -> impl IntoView {
    let message: RwSignal<Option<Message>> = RwSignal::new(None);
    let table: RwSignal<Option<Table>> = RwSignal::new(None);
    let choice: RwSignal<Option<ColumnChoice>> = RwSignal::new(None);
    let preview = Memo::new(move |_| {
        table.with(|t| choice.with(|c| t.as_ref().zip(c.as_ref()).map(|(t, c)| Preview::new(t, c))))
    });
    let pasted = RwSignal::new(String::new());
    let refuse = move |name: &str, why: String| {
        message.set(Some(Message { stage: Stage::Refused, text: format!("Could not use {name}: {why}. {UNCHANGED}") }));
    };
    // A file read: previewed with the label column its header implies (`chosen`: the example's), nothing used yet.
    let take = move |name: String, text: &str, chosen: fn(&Table) -> ColumnChoice| match csv_table::read(&name, text) {
        Ok(t) => {
            choice.set(Some(chosen(&t)));
            table.set(Some(t));
            previewed.set(Some(name.clone()));
            let text = format!("{name}: check each column's role below, then press Use these rows.");
            message.set(Some(Message { stage: Stage::Read, text }));
        }
        Err(e) => refuse(&name, e.to_string()),
    };
    let use_rows = Callback::new(move |()| {
        let built = table.with_untracked(|t| {
            choice.with_untracked(|c| t.as_ref().zip(c.as_ref()).map(|(t, c)| (t.name.clone(), own_data::build(t, c))))
        });
        match built {
            Some((_, Ok(imported))) => {
                previewed.set(None);
                message.set(Some(Message { stage: Stage::Used, text: summary(&imported) }));
                on_data.run(imported.data);
            }
            Some((name, Err(e))) => refuse(&name, e.to_string()),
            None => {}
        }
    });
    let from_file = move |ev: leptos::ev::Event| {
        let Some(file) = ticket_file::chosen_file(&ev) else { return };
        let name = file.name();
        leptos::task::spawn_local(async move {
            match ticket_file::read(&file, own_limits::MAX_BYTES).await {
                Ok(text) => take(name, &text, ColumnChoice::default_for),
                Err(e) => refuse(&name, e),
            }
        });
    };
    let from_paste = move |_| take(PASTED.to_string(), &pasted.get_untracked(), ColumnChoice::default_for);
    let example = move |_| {
        leptos::task::spawn_local(async move {
            match crate::worker::global::fetch_bytes(&format!("data/{EXAMPLE}")).await {
                Ok(bytes) => take(EXAMPLE.to_string(), &String::from_utf8_lossy(&bytes), example_choice),
                Err(e) => refuse(EXAMPLE, e),
            }
        });
    };
    let in_use = move || current.with(|c| c.as_ref().map(|d| format!("In use: {}", d.name)));
    view! {
        <details class="own-data" id="own-data">
            <summary>"Your own data (CSV)"</summary>
            <p class="hint">{hint()}</p>
            <label class="import">"CSV file "
                <input id="data-file" type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" on:change=from_file />
            </label>
            <button id="data-example" on:click=example title="Palmer penguins (CC0): species from bill, flipper, \
                mass, island and sex">"Try penguins.csv"</button>
            <textarea id="data-paste" rows="4" placeholder="0.5,-1.2,1\n-0.3,0.8,0\n…"
                prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <button id="data-use-paste" on:click=from_paste>"Read pasted text"</button>
            <ImportMessage message=message />
            <DataPreview preview=preview choice=choice on_use=use_rows />
            <p class="hint" id="data-in-use">{in_use}</p>
        </details>
    }
}
