//! The page (wasm32 only), by kind: `app` owns the signals and lays the page
//! out; [`run`] is the plumbing (the runner that drives the engine between
//! browser frames, its workers, the URL, storage, ticket files, offline use);
//! [`drawing`] draws without knowing the task (charts, canvases, the palette);
//! [`views`] holds each task's own views, one folder per task; [`panels`] the
//! panels every task has (rounds table, pinned runs, tour, why, stability,
//! transfer). Each view is its own component.

mod app;
mod drawing;
mod panels;
mod run;
mod views;

pub use app::App;

use leptos::prelude::{Get, Memo, RwSignal};

use crate::engine::RoundReport;
use crate::engine::lottery::train::RunSummary;
use crate::engine::records::replicates::{self, RoundSpread};

/// A round's networks in the order the views draw them, each with the CSS class of its colour (ticket,
/// reinit, random); a control that did not run is None.
fn round_networks(report: &RoundReport) -> [(&'static str, Option<&RunSummary>); 3] {
    [("ticket", Some(&report.ticket)), ("reinit", report.reinit.as_ref()), ("random", report.random_mask.as_ref())]
}

/// The last evaluation iteration of any network of a round.
fn last_iteration(report: &RoundReport) -> Option<usize> {
    round_networks(report).iter().flat_map(|(_, r)| r.and_then(|r| r.curve.last())).map(|p| p.iteration).max()
}

/// The replicate the drawings, the slider, links and the panels that measure a ticket (stability, transfer)
/// show, from 0: the first, whose seed is the experiment's.
pub const SHOWN_REPLICATE: usize = 0;

/// The shown replicate of a finished (or paused) run as a run of its own, and the round the views show, when
/// nothing trains and it has a round that passes `wanted`.
fn shown_ticket(
    checkpoint: Option<crate::engine::Checkpoint>,
    selected: Option<usize>,
    wanted: impl Fn(usize) -> bool,
) -> Option<(crate::engine::records::checkpoint::ReplicateRun, usize)> {
    let run = checkpoint?.replicate_run(SHOWN_REPLICATE).ok()?;
    let round = round_shown(&run.rounds, selected).map(|r| r.round).filter(|&r| wanted(r))?;
    Some((run, round))
}

/// The round the views show: the selected one, else the newest.
fn round_shown(rounds: &[RoundReport], selected: Option<usize>) -> Option<&RoundReport> {
    selected.and_then(|i| rounds.get(i)).or(rounds.last())
}

/// A run kept beside this one (`panels::pinned`) as the charts draw it: its name against the current settings,
/// its colour, its rounds. Plain data below the charts and the panel that makes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub label: String,
    pub colour: &'static str,
    pub rounds: Vec<RoundSpread>,
}

/// Every finished round of every replicate, summarised round by round: the
/// charts and the table read it, and it is computed once per change.
#[derive(Clone, Debug, Default, PartialEq)]
struct Finished {
    spreads: Vec<RoundSpread>,
    /// Replicates with at least one finished round.
    replicates: usize,
}

impl Finished {
    /// Replicate 0's rounds, then the others' (those with a round).
    fn memo(rounds: RwSignal<Vec<RoundReport>>, others: RwSignal<Vec<Vec<RoundReport>>>) -> Memo<Finished> {
        Memo::new(move |_| {
            let mut all = vec![rounds.get()];
            all.extend(others.get().into_iter().filter(|r| !r.is_empty()));
            let replicates = all.iter().filter(|r| !r.is_empty()).count();
            Finished { spreads: replicates::summarise(&all), replicates }
        })
    }
}

/// Put a crash message at the top of the page (text only).
pub fn show_crash(what: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let (Ok(div), Some(body)) = (document.create_element("div"), document.body()) else { return };
    div.set_id("crash");
    div.set_class_name("notices");
    div.set_text_content(Some(&format!(
        "The lab stopped on an internal error and must be reloaded. Finished rounds are saved in this browser \
         and come back after the reload. ({what})"
    )));
    let _ = body.prepend_with_node_1(&div);
}

/// Mount the app on `<body>`, replacing the static first paint (`#boot` in
/// index.html, shown while the wasm downloads).
pub fn mount() {
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
        boot.remove();
    }
    leptos::mount::mount_to_body(App);
}
