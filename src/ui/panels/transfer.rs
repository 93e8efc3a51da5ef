//! Transfer a ticket from the page: the round shown of the current run —
//! its mask and θ0 — trained on another dataset whose network has the same
//! shape, beside the dense network, the same mask from fresh weights, a
//! random mask and the ticket pruning finds on the target
//! ([`crate::engine::lottery::transfer`]), on one chart. It trains on the CPU, a chunk
//! at a time, so the page stays responsive.

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::engine::lottery::transfer::{self, Network, Transfer, TransferReport};
use crate::engine::records::checkpoint::ReplicateRun;
use crate::engine::{Choice, DatasetName, device};

use crate::ui::run::runner::{LabSignals, Status};
use crate::ui::shown_ticket;

/// Steps between repaints.
const CHUNK_STEPS: usize = 50;

/// What the panel shows.
#[derive(Clone, Debug, PartialEq)]
enum State {
    Idle,
    Training(String),
    Done(Box<TransferReport>),
    Failed(String),
}

/// The datasets the round's ticket fits (same network shape), by name and label.
fn targets(source: &ReplicateRun, round: usize) -> Vec<(&'static str, &'static str)> {
    DatasetName::OPTIONS
        .iter()
        .filter(|o| o.value != source.config.data.dataset)
        .filter(|o| transfer::plan(&source.config, &source.rounds, round, o.value).is_ok())
        .map(|o| (o.name, o.label))
        .collect()
}

/// Moves the shown replicate's ticket: its mask with its own seed's θ0.
async fn run(source: ReplicateRun, round: usize, target: DatasetName, state: RwSignal<State>) -> Result<(), String> {
    let plan = transfer::plan(&source.config, &source.rounds, round, target)?;
    let data = crate::worker::source::dataset_for(&plan.target).await?;
    let mut transfer = Transfer::new(plan, data, &device::cpu());
    loop {
        if let Some(n) = transfer.training() {
            state.set(State::Training(format!("Training the {} on {}…", n.label(), target.name())));
        }
        if let Some(report) = transfer.advance(CHUNK_STEPS).await.map_err(|e| e.to_string())? {
            state.set(State::Done(Box::new(report)));
            return Ok(());
        }
        TimeoutFuture::new(0).await;
    }
}

#[component]
pub fn TransferPanel(lab: LabSignals, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let target = RwSignal::new(String::new());
    // The finished rounds (of a run, a reload or an imported ticket) and the round shown (a pruned one),
    // when nothing trains.
    let source = Memo::new(move |_| {
        let idle = !lab.status.with(Status::is_active);
        shown_ticket(lab.checkpoint.get().filter(|_| idle), selected.get(), |r| r > 0)
    });
    let options = Memo::new(move |_| source.with(|s| s.as_ref().map(|(c, r)| targets(c, *r)).unwrap_or_default()));
    let go = move |_| {
        let Some((checkpoint, round)) = source.get_untracked() else { return };
        let name = target.get_untracked();
        let chosen = DatasetName::parse(&name)
            .or_else(|| options.with_untracked(|o| o.first().and_then(|(n, _)| DatasetName::parse(n))));
        let Some(chosen) = chosen else { return };
        leptos::task::spawn_local(async move {
            if let Err(e) = run(checkpoint, round, chosen, state).await {
                state.set(State::Failed(e));
            }
        });
    };
    let busy = move || matches!(state.get(), State::Training(_));
    view! {
        <Show when=move || source.with(Option::is_some)>
            <section class="transfer" id="transfer">
                <h2>"Transfer this ticket"</h2>
                <p class="hint">{move || source.with(|s| s.as_ref().map(|(c, r)| format!(
                    "The round-{r} ticket of {}, {} (its mask and θ0), trained on another dataset with the same \
                     network shape, beside the dense network, the same mask from fresh weights, a random mask and \
                     the ticket found on the target. Trains on the CPU.",
                    c.config.data.dataset.name(),
                    c.name()
                )))}</p>
                {move || match options.get() {
                    o if o.is_empty() => view! {
                        <p class="hint" id="transfer-none">"No other dataset has this network's shape."</p>
                    }.into_any(),
                    o => view! {
                        <label>"Onto "
                            <select id="transfer-target" on:change=move |ev| target.set(event_target_value(&ev))>
                                {o.into_iter()
                                    .map(|(v, label)| view! { <option value=v>{label}</option> })
                                    .collect::<Vec<_>>()}
                            </select>
                        </label>
                        " "
                        <button id="transfer-run" on:click=go disabled=busy>"Transfer"</button>
                    }.into_any(),
                }}
                <p class="hint" id="transfer-status">{move || match state.get() {
                    State::Training(s) | State::Failed(s) => s,
                    _ => String::new(),
                }}</p>
                {move || match state.get() {
                    State::Done(report) => Some(view! { <TransferChart report=*report /> }),
                    _ => None,
                }}
            </section>
        </Show>
    }
}

/// The five networks' test accuracy at the transferred ticket's sparsity, as bars.
#[component]
fn TransferChart(report: TransferReport) -> impl IntoView {
    let sparsity = report.result(Network::Transferred).map_or(0.0, |r| r.weights_remaining * 100.0);
    let caption = format!(
        "Round-{} ticket of {} (seed {}) on {}, at {sparsity:.1}% of weights: test accuracy",
        report.round,
        report.source.data.dataset.name(),
        report.source.seed,
        report.target.data.dataset.name()
    );
    view! {
        <figure class="chart" id="transfer-chart" data-seed=report.source.seed.to_string()
            data-start=report.start_digest.clone() data-data=report.data_digest.clone()>
            <figcaption>{caption}</figcaption>
            <div class="bars">
                {report.results.iter().map(|r| {
                    let accuracy = r.summary.test_accuracy * 100.0;
                    view! {
                        <div class="bar-row" data-network=format!("{:?}", r.network)>
                            <span class="bar-label transfer-label">{r.network.label()}</span>
                            <span class="bar-track">
                                <span class=format!("bar-fill {}", bar_class(r.network))
                                    style:width=format!("{accuracy:.1}%")></span>
                            </span>
                            <span class="bar-value">{format!("{accuracy:.1}%")}</span>
                        </div>
                    }
                }).collect::<Vec<_>>()}
            </div>
        </figure>
    }
}

fn bar_class(network: Network) -> &'static str {
    match network {
        Network::Transferred => "transferred",
        Network::Dense => "dense",
        Network::Reinit => "reinit",
        Network::RandomMask => "random",
        Network::TargetTicket => "target",
    }
}
