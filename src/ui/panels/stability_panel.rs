//! Stability in the page (linear mode connectivity; Frankle, Dziugaite, Roy,
//! Carbin, ICML 2020, [`crate::engine::lottery::stability`]): for the round
//! shown, two copies of θk ⊙ m train on different data orders at a few rewind
//! points k, for the dense network and the ticket, and the error barrier on the
//! line between each pair is charted against k. It trains on the CPU, a chunk
//! at a time, so the page stays responsive (as a transfer does).

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;

use crate::engine::device;
use crate::engine::lottery::stability::{DEFAULT_POINTS, Instability, Measured, RewindPoint, Stability, StabilityPlan};
use crate::engine::records::checkpoint::ReplicateRun;

use crate::ui::drawing::charts::{H, Line, Range, SparsityFrame, Tick, W, sx, sy, y_ticks};
use crate::ui::run::runner::{LabSignals, Status};
use crate::ui::shown_ticket;

/// Steps between repaints.
const CHUNK_STEPS: usize = 50;
/// The rewind points measured, as shares of the steps per round: θ0, early (5%) and late (25%).
const REWIND_SHARES: [f64; 3] = [0.0, 0.05, 0.25];
/// Frankle et al. call a network stable when its barrier is within 2 points of error (their noise level).
const STABLE_WITHIN_POINTS: f64 = 2.0;
/// Points of error per unit.
const POINTS: f64 = 100.0;
/// The chart's y axis never ends below this many points (a flat line stays near the bottom).
const MIN_Y_POINTS: f64 = 5.0;

/// What the panel shows.
#[derive(Clone, Debug, PartialEq)]
enum State {
    Idle,
    /// What trains now, and the share done.
    Training(String, f64),
    Done(Vec<RewindPoint>),
    Failed(String),
}

/// The rewind points for a round of `steps` steps.
fn rewind_points(steps: usize) -> Vec<usize> {
    let mut ks: Vec<usize> = REWIND_SHARES.iter().map(|s| (s * steps as f64).round() as usize).collect();
    ks.retain(|&k| k < steps);
    ks.dedup();
    ks
}

/// A barrier as the page writes it ("0.42").
fn points_text(instability: f64) -> String {
    format!("{:.2}", instability * POINTS)
}

fn stable(i: &Instability) -> bool {
    i.instability * POINTS <= STABLE_WITHIN_POINTS
}

/// What the measurement says of one network, in words.
fn network_words(points: &[RewindPoint], network: Measured) -> Option<String> {
    let first = points.first()?.of(network)?;
    let name = network.label();
    let barrier = |p: &RewindPoint| p.of(network).map(|i| points_text(i.instability)).unwrap_or_default();
    let all: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}{} at k = {}", barrier(p), if i == 0 { " points" } else { "" }, p.k))
        .collect();
    let verdict = if stable(first) {
        "stable from θ0, so resetting to θ0 is enough".to_string()
    } else {
        match points.iter().find(|p| p.of(network).is_some_and(stable)) {
            Some(p) => format!("unstable from θ0 and stable from k = {}: rewind to θ{} (Reset to: θk)", p.k, p.k),
            None => "unstable at every k measured".to_string(),
        }
    };
    Some(format!("The {name}'s error barrier: {}; {verdict}.", all.join(", ")))
}

/// The panel's words: each network's barriers and whether it is stable.
fn findings(points: &[RewindPoint]) -> String {
    let words: Vec<String> =
        [Measured::Dense, Measured::Ticket].into_iter().filter_map(|n| network_words(points, n)).collect();
    words.join(" ")
}

/// Measures the shown replicate: its seed draws θ0, θk and the data orders, and its round-`round` mask is the ticket.
async fn run(source: ReplicateRun, round: usize, lab: LabSignals, state: RwSignal<State>) -> Result<(), String> {
    let config = source.config;
    let ticket = source.rounds.get(round).filter(|_| round > 0).map(|r| r.mask.clone());
    let plan = StabilityPlan::new(config.clone(), ticket, &rewind_points(config.train.steps), DEFAULT_POINTS)?;
    let data = crate::worker::source::replicate_dataset(&config, 0, lab.own_data.get_untracked()).await?;
    let mut measuring = Stability::new(plan, data, &device::cpu());
    loop {
        if let Some(now) = measuring.training() {
            state.set(State::Training(format!("Training {now}…"), measuring.progress()));
        }
        if let Some(points) = measuring.advance(CHUNK_STEPS).await.map_err(|e| e.to_string())? {
            state.set(State::Done(points.to_vec()));
            return Ok(());
        }
        TimeoutFuture::new(0).await;
    }
}

/// The stability panel: for the round shown, when nothing trains.
#[component]
pub fn StabilityPanel(lab: LabSignals, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let state = RwSignal::new(State::Idle);
    let source = Memo::new(move |_| {
        let idle = !lab.status.with(Status::is_active);
        shown_ticket(lab.checkpoint.get().filter(|_| idle), selected.get(), |_| true)
    });
    let go = move |_| {
        let Some((checkpoint, round)) = source.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            if let Err(e) = run(checkpoint, round, lab, state).await {
                state.set(State::Failed(e));
            }
        });
    };
    let busy = move || matches!(state.get(), State::Training(..));
    let key = move || match state.get() {
        State::Idle => "idle",
        State::Training(..) => "running",
        State::Done(_) => "done",
        State::Failed(_) => "error",
    };
    view! {
        <Show when=move || source.with(Option::is_some)>
            <section class="why stability" id="stability" data-state=key>
                <h2>"Is it stable? (linear mode connectivity)"</h2>
                <p class="hint">{move || source.with(|s| s.as_ref().map(|(c, r)| format!(
                    "Two copies of the {} of {} train from θk on different data orders, at k = {}; the networks on \
                     the straight line between the two are evaluated, and the error barrier (the worst error on the \
                     line minus the ends' mean) says whether both found the same basin (Frankle et al., 2020). \
                     One mask, this run's, at every k: the paper measures at each k the mask IMP finds when it \
                     rewinds to k. Trains on the CPU.",
                    if *r > 0 { format!("round-{r} ticket and of the dense network") } else { "dense network".into() },
                    c.name(),
                    rewind_points(c.config.train.steps).iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
                )))}</p>
                <button id="stability-run" on:click=go disabled=busy>"Measure stability"</button>
                <p class="hint" id="stability-status">{move || match state.get() {
                    State::Training(s, done) => format!("{s} ({:.0}%)", done * 100.0),
                    State::Failed(s) => s,
                    _ => String::new(),
                }}</p>
                {move || match state.get() {
                    State::Done(points) => Some(view! {
                        <p class="why-findings" id="stability-findings">{findings(&points)}</p>
                        <InstabilityChart points=points />
                    }),
                    _ => None,
                }}
            </section>
        </Show>
    }
}

/// One network's barrier against k, ready to draw.
struct Curve {
    class: &'static str,
    points: String,
    dots: Vec<(f64, f64)>,
    values: Vec<String>,
}

impl Curve {
    fn new(points: &[RewindPoint], network: Measured, x: Range, y: Range) -> Option<Self> {
        let at: Vec<(f64, f64)> =
            points.iter().filter_map(|p| p.of(network).map(|i| (p.k as f64, i.instability * POINTS))).collect();
        if at.is_empty() {
            return None;
        }
        Some(Self {
            class: match network {
                Measured::Dense => "dense",
                Measured::Ticket => "ticket",
            },
            points: Line::new(&at, x, y).points,
            dots: at.iter().map(|&(k, v)| (sx(k, x), sy(v, y))).collect(),
            values: at.iter().map(|&(_, v)| points_text(v / POINTS)).collect(),
        })
    }
}

/// Instability (points of error) against the rewind point k, for the dense network and the ticket.
#[component]
fn InstabilityChart(points: Vec<RewindPoint>) -> impl IntoView {
    let last_k = points.last().map_or(1, |p| p.k.max(1)) as f64;
    let x = Range { lo: 0.0, hi: last_k };
    let highest = points
        .iter()
        .flat_map(|p| [Some(&p.dense), p.ticket.as_ref()])
        .flatten()
        .map(|i| i.instability * POINTS)
        .fold(MIN_Y_POINTS, f64::max);
    let y = Range { lo: 0.0, hi: highest.ceil() };
    let curves: Vec<Curve> =
        [Measured::Dense, Measured::Ticket].into_iter().filter_map(|n| Curve::new(&points, n, x, y)).collect();
    let values = |class: &str| curves.iter().find(|c| c.class == class).map(|c| c.values.join(" ")).unwrap_or_default();
    let (dense, ticket) = (values("dense"), values("ticket"));
    let ks = points.iter().map(|p| p.k.to_string()).collect::<Vec<_>>().join(" ");
    let grid = Signal::derive(move || y_ticks(y));
    let k_ticks: Vec<Tick> = points.iter().map(|p| Tick { x: sx(p.k as f64, x), label: p.k.to_string() }).collect();
    let ticks = Signal::derive(move || k_ticks.clone());
    view! {
        <figure class="chart" id="instability-chart" data-k=ks data-dense=dense data-ticket=ticket>
            <figcaption>"Instability (error barrier, points) vs. the rewind point k"</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="instability against the rewind point">
                <SparsityFrame y_ticks=grid ticks=ticks y_title="instability (points)"
                    x_title="rewind point k (iteration)" />
                {curves.into_iter().map(|c| view! {
                    <polyline class=format!("series {}", c.class) points=c.points />
                    {c.dots.into_iter().map(|(a, b)| view! {
                        <circle class=format!("dot {}", c.class) cx=format!("{a:.1}") cy=format!("{b:.1}") r="2.2" />
                    }).collect::<Vec<_>>()}
                }).collect::<Vec<_>>()}
            </svg>
            <p class="legend"><span class="swatch dense"></span>"dense network "
                <span class="swatch ticket"></span>"ticket"</p>
        </figure>
    }
}
