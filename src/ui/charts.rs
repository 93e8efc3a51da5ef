//! The charts, as plain SVG: the live loss curve and accuracy against the
//! fraction of weights remaining (log axis, as in the paper).

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::round::Phase;
use crate::engine::train::CurvePoint;

const W: f64 = 360.0;
const H: f64 = 180.0;
const PAD: f64 = 30.0;

fn polyline(points: &[(f64, f64)], x: (f64, f64), y: (f64, f64)) -> String {
    let sx = |v: f64| PAD + (v - x.0) / (x.1 - x.0).max(1e-12) * (W - 2.0 * PAD);
    let sy = |v: f64| H - PAD - (v - y.0) / (y.1 - y.0).max(1e-12) * (H - 2.0 * PAD);
    points.iter().filter(|p| p.1.is_finite()).map(|(a, b)| format!("{:.1},{:.1}", sx(*a), sy(*b))).collect::<Vec<_>>().join(" ")
}

/// Validation and training loss of the network training now.
#[component]
pub fn LossChart(
    /// Which network is training, and its curve so far.
    live: RwSignal<(Phase, Vec<CurvePoint>)>,
) -> impl IntoView {
    let data = move || live.get();
    let first = move || data().1.first().map(|p| format!("{:.4}", p.val_loss)).unwrap_or_default();
    let last = move || data().1.last().map(|p| format!("{:.4}", p.val_loss)).unwrap_or_default();
    let lines = move || {
        let (_, c) = data();
        let xmax = c.last().map(|p| p.iteration as f64).unwrap_or(1.0).max(1.0);
        let xmin = c.first().map(|p| p.iteration as f64).unwrap_or(0.0);
        let ymax = c.iter().flat_map(|p| [Some(p.val_loss), p.train_loss]).flatten().filter(|v| v.is_finite()).fold(0.0f64, f64::max).max(1e-3);
        let val: Vec<(f64, f64)> = c.iter().map(|p| (p.iteration as f64, p.val_loss)).collect();
        let train: Vec<(f64, f64)> = c.iter().filter_map(|p| p.train_loss.map(|l| (p.iteration as f64, l))).collect();
        (polyline(&val, (xmin, xmax), (0.0, ymax)), polyline(&train, (xmin, xmax), (0.0, ymax)), format!("{ymax:.2}"), format!("{xmax:.0}"))
    };
    view! {
        <figure class="chart" id="loss-chart" data-first-loss=first data-last-loss=last data-points=move || data().1.len()>
            <figcaption>{move || format!("Loss of the {} training now", data().0.label())}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="loss curve">
                <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
                <line class="axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
                <text class="tick" x=2 y={PAD + 4.0}>{move || lines().2}</text>
                <text class="tick" x={W - PAD - 20.0} y={H - 8.0}>{move || lines().3}</text>
                <text class="tick" x={W / 2.0 - 20.0} y={H - 8.0}>"iteration"</text>
                <polyline class="series train" points=move || lines().1 />
                <polyline class="series val" points=move || lines().0 />
            </svg>
            <p class="legend"><span class="swatch train"></span>"train batch " <span class="swatch val"></span>"validation"</p>
        </figure>
    }
}

/// A log x-axis of % weights remaining: 100% on the left, sparser to the right.
struct LogAxis {
    min_log: f64,
}

impl LogAxis {
    fn new(rounds: &[RoundReport]) -> Self {
        let min = rounds.iter().map(|r| r.weights_remaining * 100.0).fold(100.0f64, f64::min);
        Self { min_log: min.max(0.01).log10().min(1.0).floor().min(1.7) }
    }
    /// Data x (log10 of %) → the value polyline() maps, increasing to the right.
    fn x(&self, remaining: f64) -> f64 {
        2.0 - (remaining * 100.0).max(1e-3).log10()
    }
    fn range(&self) -> (f64, f64) {
        (0.0, 2.0 - self.min_log)
    }
    fn ticks(&self) -> Vec<(f64, String)> {
        let (lo, hi) = self.range();
        [100.0, 50.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.2, 0.1]
            .iter()
            .map(|&p: &f64| (2.0 - p.log10(), p))
            .filter(|(x, _)| *x >= lo - 1e-9 && *x <= hi + 1e-9)
            .map(|(x, p)| (PAD + (x - lo) / (hi - lo).max(1e-9) * (W - 2.0 * PAD), format!("{p}%")))
            .collect()
    }
}

/// Test accuracy against % of weights remaining (log axis), one series per network.
#[component]
pub fn AccuracyChart(rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let series = move || {
        let r = rounds.get();
        let axis = LogAxis::new(&r);
        let pts = |f: &dyn Fn(&RoundReport) -> Option<f64>| -> Vec<(f64, f64)> {
            r.iter().filter_map(|x| f(x).map(|a| (axis.x(x.weights_remaining), a * 100.0))).collect()
        };
        let ticket = pts(&|x| Some(x.ticket.test_accuracy));
        let reinit = pts(&|x| x.reinit.as_ref().map(|s| s.test_accuracy));
        let random = pts(&|x| x.random_mask.as_ref().map(|s| s.test_accuracy));
        let lowest = ticket.iter().chain(&reinit).chain(&random).map(|p| p.1).fold(100.0f64, f64::min);
        let ymin = ((lowest - 2.0) / 5.0).floor().clamp(0.0, 18.0) * 5.0;
        let y = (ymin, 100.0);
        let x = axis.range();
        (
            polyline(&ticket, x, y),
            polyline(&reinit, x, y),
            polyline(&random, x, y),
            [ticket.len(), reinit.len(), random.len()],
            ymin,
            axis.ticks(),
        )
    };
    view! {
        <figure class="chart" id="accuracy-chart"
            data-ticket-points=move || series().3[0]
            data-reinit-points=move || series().3[1]
            data-random-points=move || series().3[2]>
            <figcaption>"Test accuracy (%) vs. weights remaining (log scale)"</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="accuracy against weights remaining">
                <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
                <line class="axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
                {move || series().5.into_iter().map(|(x, t)| view! { <text class="tick" x=format!("{:.1}", x - 8.0) y={H - 14.0}>{t}</text> }).collect::<Vec<_>>()}
                <text class="tick" x=2 y={PAD + 4.0}>"100"</text>
                <text class="tick" x=2 y={H - PAD}>{move || format!("{:.0}", series().4)}</text>
                <polyline class="series ticket" points=move || series().0 />
                <polyline class="series reinit" points=move || series().1 />
                <polyline class="series random" points=move || series().2 />
            </svg>
            <p class="legend"><span class="swatch ticket"></span>"winning ticket "
                <span class="swatch reinit"></span>"random reinit "
                <span class="swatch random"></span>"random mask"</p>
        </figure>
    }
}

/// The early-stop iteration (minimum validation loss) against % of weights
/// remaining: tickets learn faster, so theirs comes earlier.
#[component]
pub fn EarlyStopChart(rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let series = move || {
        let r = rounds.get();
        let axis = LogAxis::new(&r);
        let pts = |f: &dyn Fn(&RoundReport) -> Option<usize>| -> Vec<(f64, f64)> {
            r.iter().filter_map(|x| f(x).map(|i| (axis.x(x.weights_remaining), i as f64))).collect()
        };
        let ticket = pts(&|x| Some(x.ticket.early_stop_iteration));
        let reinit = pts(&|x| x.reinit.as_ref().map(|s| s.early_stop_iteration));
        let random = pts(&|x| x.random_mask.as_ref().map(|s| s.early_stop_iteration));
        let ymax = ticket.iter().chain(&reinit).chain(&random).map(|p| p.1).fold(1.0f64, f64::max);
        let (x, y) = (axis.range(), (0.0, ymax));
        (polyline(&ticket, x, y), polyline(&reinit, x, y), polyline(&random, x, y), ymax, axis.ticks())
    };
    view! {
        <figure class="chart" id="early-stop-chart">
            <figcaption>"Early-stop iteration vs. weights remaining"</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="early-stop iteration against weights remaining">
                <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
                <line class="axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
                {move || series().4.into_iter().map(|(x, t)| view! { <text class="tick" x=format!("{:.1}", x - 8.0) y={H - 14.0}>{t}</text> }).collect::<Vec<_>>()}
                <text class="tick" x=2 y={PAD + 4.0}>{move || format!("{:.0}", series().3)}</text>
                <text class="tick" x=2 y={H - PAD}>"0"</text>
                <polyline class="series ticket" points=move || series().0 />
                <polyline class="series reinit" points=move || series().1 />
                <polyline class="series random" points=move || series().2 />
            </svg>
        </figure>
    }
}

/// Per-layer % of weights remaining in the round shown.
#[component]
pub fn SparsityChart(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let bars = move || {
        rounds.with(|r| {
            super::round_shown(r, selected.get()).map(|x| x.layer_remaining.clone()).unwrap_or_default()
        })
    };
    view! {
        <figure class="chart" id="sparsity-chart">
            <figcaption>"Weights remaining per layer"</figcaption>
            <div class="bars">
                {move || bars().into_iter().enumerate().map(|(l, d)| view! {
                    <div class="bar-row">
                        <span class="bar-label">{format!("layer {}", l + 1)}</span>
                        <span class="bar-track"><span class="bar-fill" style:width=format!("{:.1}%", d * 100.0)></span></span>
                        <span class="bar-value">{format!("{:.1}%", d * 100.0)}</span>
                    </div>
                }).collect::<Vec<_>>()}
            </div>
        </figure>
    }
}
