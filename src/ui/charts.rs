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

/// Test accuracy against % of weights remaining, one series per network.
#[component]
pub fn AccuracyChart(rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let series = move || {
        let r = rounds.get();
        let pts = |f: &dyn Fn(&RoundReport) -> Option<f64>| -> Vec<(f64, f64)> {
            r.iter().filter_map(|x| f(x).map(|a| ((x.weights_remaining * 100.0).log10(), a * 100.0))).collect()
        };
        let ticket = pts(&|x| Some(x.ticket.test_accuracy));
        let reinit = pts(&|x| x.reinit.as_ref().map(|s| s.test_accuracy));
        let random = pts(&|x| x.random_mask.as_ref().map(|s| s.test_accuracy));
        let all: Vec<f64> = ticket.iter().chain(&reinit).chain(&random).map(|p| p.1).collect();
        let ymin = all.iter().copied().fold(100.0f64, f64::min).min(90.0).floor();
        let xmin = ticket.iter().map(|p| p.0).fold(2.0f64, f64::min).min(1.0);
        // x runs from 100% on the left down to the sparsest on the right.
        let flip = |v: Vec<(f64, f64)>| v.into_iter().map(|(a, b)| (2.0 - a + xmin, b)).collect::<Vec<_>>();
        let x = (xmin, 2.0);
        let y = (ymin, 100.0);
        (
            polyline(&flip(ticket.clone()), x, y),
            polyline(&flip(reinit.clone()), x, y),
            polyline(&flip(random.clone()), x, y),
            [ticket.len(), reinit.len(), random.len()],
            ymin,
        )
    };
    view! {
        <figure class="chart" id="accuracy-chart"
            data-ticket-points=move || series().3[0]
            data-reinit-points=move || series().3[1]
            data-random-points=move || series().3[2]>
            <figcaption>"Test accuracy vs. % of weights remaining (log scale)"</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="accuracy against weights remaining">
                <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
                <line class="axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
                <text class="tick" x={PAD - 6.0} y={H - 8.0}>"100%"</text>
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
