//! Runs side by side: "Keep this run" pins a finished experiment, and the
//! sparsity charts of later runs draw its ticket beside theirs, named by
//! what differs from the current settings ("one-shot", "k=100"). Pinned runs
//! are kept in this browser (localStorage, like saved rounds: a full or
//! blocked storage is a message) and export as a file that imports back.
//! A link carries the current run only.

use leptos::prelude::*;

use crate::engine::ExperimentConfig;
use crate::engine::records::pinned_runs::{MAX_PINNED, PinnedRun, PinnedRuns};
use crate::url::{self, Group, UrlState};

use crate::ui::{Comparison, Finished, drawing::palette, run::saved, run::ticket_file};

/// Where this browser keeps the pinned runs.
const STORAGE_KEY: &str = "lottery-ticket-lab/pinned/v1";
/// A label names at most this many differing settings, then "…".
const MAX_NAMED_SETTINGS: usize = 3;
/// The name of the exported file.
const EXPORT_NAME: &str = "pinned-runs.json";

/// The pinned runs this browser kept (none if nothing was kept). A damaged entry is removed and reported.
pub fn load() -> Result<Vec<PinnedRun>, String> {
    let s = saved::storage()?;
    let Some(text) = s.get_item(STORAGE_KEY).map_err(|e| saved::js_error(&e))? else { return Ok(Vec::new()) };
    PinnedRuns::from_json(&text).map(|f| f.runs).map_err(|e| {
        let _ = s.remove_item(STORAGE_KEY);
        format!("the pinned runs kept in this browser could not be read ({e}) and were removed")
    })
}

fn store(runs: &[PinnedRun]) -> Result<(), String> {
    let s = saved::storage()?;
    if runs.is_empty() {
        return s.remove_item(STORAGE_KEY).map_err(|e| saved::js_error(&e));
    }
    s.set_item(STORAGE_KEY, &PinnedRuns::new(runs.to_vec()).to_json()).map_err(|e| {
        format!(
            "the pinned runs could not be kept in this browser ({}); Export keeps them in a file",
            saved::js_error(&e)
        )
    })
}

/// What tells a pinned run apart from the current settings: for a menu the
/// value's label ("one-shot"), else `key=value`; "same settings" if nothing.
pub fn difference(pinned: &ExperimentConfig, current: &ExperimentConfig) -> String {
    let (a, b) = (
        UrlState { config: pinned.clone(), ..UrlState::default() },
        UrlState { config: current.clone(), ..UrlState::default() },
    );
    let parts: Vec<String> = url::differences(&a, &b)
        .into_iter()
        .filter(|(s, _)| s.group != Group::Page && s.group != Group::Backend)
        .map(|(s, value)| {
            let label = (s.menu)().into_iter().find(|(v, _)| *v == value).map(|(_, label)| label.to_string());
            label.filter(|_| s.group != Group::Controls).unwrap_or_else(|| format!("{}={value}", s.key))
        })
        .collect();
    match parts.len() {
        0 => "same settings".into(),
        n if n > MAX_NAMED_SETTINGS => format!("{}, …", parts[..MAX_NAMED_SETTINGS].join(", ")),
        _ => parts.join(", "),
    }
}

/// The pinned runs named against the current settings, for the charts.
pub fn comparisons(pinned: RwSignal<Vec<PinnedRun>>, config: Signal<ExperimentConfig>) -> Memo<Vec<Comparison>> {
    Memo::new(move |_| {
        let current = config.get();
        pinned.with(|runs| {
            runs.iter()
                .enumerate()
                .map(|(i, r)| Comparison {
                    label: format!("{} (n={})", difference(&r.config, &current), r.replicates),
                    colour: palette::sweep_colour(i),
                    rounds: r.rounds.clone(),
                })
                .collect()
        })
    })
}

/// Keep this run / the list of pinned runs / export, and the note that links carry the current run only.
#[component]
pub fn PinnedPanel(
    pinned: RwSignal<Vec<PinnedRun>>,
    /// The current run's rounds over its replicates.
    finished: Memo<Finished>,
    config: Signal<ExperimentConfig>,
    /// The current run has finished.
    done: Signal<bool>,
    /// What the panel, a load or an import has to say.
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let comparisons = comparisons(pinned, config);
    let keep = move |_| {
        let run = finished.with_untracked(|f| PinnedRun {
            config: config.get_untracked(),
            replicates: f.replicates,
            rounds: f.spreads.clone(),
        });
        pinned.update(|p| p.push(run));
        message.set(store(&pinned.get_untracked()).err());
    };
    let remove = move |i: usize| {
        pinned.update(|p| {
            p.remove(i);
        });
        message.set(store(&pinned.get_untracked()).err());
    };
    let export = move |_| {
        let file = PinnedRuns::new(pinned.get_untracked());
        let said = match ticket_file::download(EXPORT_NAME, &file.to_json()) {
            Ok(()) => format!("Exported {EXPORT_NAME}: {} runs; Import brings them back.", file.runs.len()),
            Err(e) => format!("Could not export: {e}"),
        };
        message.set(Some(said));
    };
    let can_keep = move || done.get() && finished.with(|f| !f.spreads.is_empty()) && pinned.with(Vec::len) < MAX_PINNED;
    view! {
        <div class="pinned" id="pinned">
            <button id="pin-run" on:click=keep disabled=move || !can_keep()>"Keep this run"</button>
            " "
            <button id="export-pinned" on:click=export disabled=move || pinned.with(Vec::is_empty)>
                "Export pinned runs"
            </button>
            <ul id="pinned-list">
                {move || comparisons.get().into_iter().enumerate().map(|(i, c)| view! {
                    <li>
                        <span class="swatch" style:background=c.colour></span>{c.label}" "
                        <button class="unpin" on:click=move |_| remove(i)>"Remove"</button>
                    </li>
                }).collect::<Vec<_>>()}
            </ul>
            <p class="hint">{format!(
                "Keep up to {MAX_PINNED} finished runs to draw beside later ones. A link carries the current run only; \
                 pinned runs stay in this browser and in their export."
            )}</p>
            <p class="hint" id="pinned-message">{move || message.get()}</p>
        </div>
    }
}

/// Imported pinned runs join the kept ones (those not kept already, up to
/// [`MAX_PINNED`]); returns what to say.
pub fn import(pinned: RwSignal<Vec<PinnedRun>>, file: PinnedRuns, name: &str) -> String {
    let mut added = 0;
    pinned.update(|p| {
        for run in file.runs {
            if p.len() < MAX_PINNED && !p.contains(&run) {
                p.push(run);
                added += 1;
            }
        }
    });
    let kept = store(&pinned.get_untracked()).err().map(|e| format!(" {e}")).unwrap_or_default();
    format!("Imported {added} pinned runs from {name} (at most {MAX_PINNED} are kept).{kept}")
}
