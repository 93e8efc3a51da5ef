//! The page (wasm32 only). `app` owns the signals; each view is its own
//! component; `runner` drives the engine between browser frames; `backend`
//! picks WebGPU or the CPU; `page_url` syncs the configuration with the URL.

mod app;
mod backend;
mod charts;
mod network_view;
mod page_url;
mod rounds_table;
mod runner;

pub use app::App;

use crate::engine::RoundReport;

/// The round the views show: the selected one, else the newest.
fn round_shown(rounds: &[RoundReport], selected: Option<usize>) -> Option<&RoundReport> {
    selected.and_then(|i| rounds.get(i)).or(rounds.last())
}

/// Mount the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}
