//! Modular addition's grokking curve: training and test accuracy over the
//! steps (log scale) of the round shown, for the ticket and each control. A
//! network that groks fits its training pairs early and reaches the held-out
//! pairs much later; a winning ticket closes that gap sooner.

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::lottery::{curve::CurvePoint, train::RunSummary};
use crate::engine::tasks::modular::GENERALISED_ACCURACY;

use crate::ui::drawing::charts::{Axes, H, Line, NetworkLegend, PAD, Range, W, sx, sy};
use crate::ui::{last_iteration, round_networks, round_shown};

const GROKKING_CAPTION: &str = "train (thin) and test (thick) accuracy vs. step (log scale)";

/// Step ticks of the log axis.
const STEP_TICKS: [f64; 5] = [10.0, 100.0, 1_000.0, 10_000.0, 100_000.0];

/// One network's two curves: test accuracy (solid) and training accuracy (thin).
#[derive(Clone, Debug, PartialEq)]
struct NetworkCurves {
    /// The CSS class of its colour: ticket, reinit or random.
    class: &'static str,
    test: Line,
    train: Line,
}

/// The curves of the round shown, on a log-step axis from the first evaluation to the last.
#[derive(Clone, Debug, PartialEq)]
struct GrokkingPlot {
    round: usize,
    networks: Vec<NetworkCurves>,
    /// (SVG x, label) of each step tick.
    ticks: Vec<(f64, String)>,
    /// SVG y of the "generalised" threshold.
    threshold_y: f64,
}

impl GrokkingPlot {
    fn new(report: &RoundReport) -> Self {
        let mut runs = round_networks(report).to_vec();
        runs.extend(NORM_MATCHED.iter().map(|n| (n.class, (n.run)(report))));
        let last = last_iteration(report);
        let x = Range { lo: 0.0, hi: (last.unwrap_or(10).max(10) as f64).log10() };
        let y = Range { lo: 0.0, hi: 100.0 };
        let at = |p: &CurvePoint| (p.iteration.max(1) as f64).log10(); // the untrained point sits at step 1
        let curve = |run: &RunSummary, f: fn(&CurvePoint) -> Option<f64>| {
            let points: Vec<(f64, f64)> = run.curve.iter().filter_map(|p| f(p).map(|v| (at(p), v * 100.0))).collect();
            Line::new(&points, x, y)
        };
        let networks = runs
            .iter()
            .filter_map(|(class, run)| {
                run.map(|r| NetworkCurves {
                    class,
                    test: curve(r, |p| Some(p.test_accuracy)),
                    train: curve(r, |p| p.train_accuracy),
                })
            })
            .collect();
        let ticks = STEP_TICKS
            .iter()
            .filter(|t| t.log10() <= x.hi + 1e-9)
            .map(|t| (sx(t.log10(), x), format!("{t}")))
            .collect();
        Self { round: report.round, networks, ticks, threshold_y: sy(GENERALISED_ACCURACY * 100.0, y) }
    }
}

/// The grokking-tickets paper's norm-matched dense controls, drawn when they ran: CSS class, legend words, run.
struct NormMatched {
    class: &'static str,
    label: &'static str,
    run: fn(&RoundReport) -> Option<&RunSummary>,
}

const NORM_MATCHED: [NormMatched; 2] = [
    NormMatched { class: "norm-l1", label: "dense at the ticket's L1 norm", run: |r| r.norm_l1.as_ref() },
    NormMatched { class: "norm-l2", label: "dense at the ticket's L2 norm", run: |r| r.norm_l2.as_ref() },
];

/// Legend entries for the norm-matched controls of the round shown that ran.
fn norm_legend(plot: Memo<Option<GrokkingPlot>>) -> impl IntoView {
    move || {
        plot.with(|p| {
            let drawn = |class: &str| p.as_ref().is_some_and(|p| p.networks.iter().any(|n| n.class == class));
            NORM_MATCHED
                .iter()
                .filter(|n| drawn(n.class))
                .map(|n| view! { <span><span class=format!("swatch {}", n.class)></span>{n.label}</span> })
                .collect_view()
        })
    }
}

/// Train (thin) and test (thick) accuracy against the step, log scale, for the round shown.
#[component]
pub fn GrokkingChart(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let plot = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(GrokkingPlot::new)));
    let networks = move || plot.with(|p| p.as_ref().map_or(0, |p| p.networks.len()));
    let test_points = move || plot.with(|p| p.as_ref().and_then(|p| p.networks.first()).map_or(0, |n| n.test.len));
    view! {
        <figure class="chart" id="grokking-chart" data-networks=networks
            data-round=move || plot.with(|p| p.as_ref().map(|p| p.round.to_string()))
            data-test-points=test_points>
            <figcaption>{move || plot.with(|p| match p {
                Some(p) => format!("Grokking, round {}: {GROKKING_CAPTION}", p.round),
                None => "Grokking: train and test accuracy vs. step (after the first round)".to_string(),
            })}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="train and test accuracy against step">
                <Axes />
                <text class="tick" x=2 y={PAD + 4.0}>"100"</text>
                <text class="tick" x=2 y={H - PAD}>"0"</text>
                {move || plot.with(|p| p.as_ref().map(|p| {
                    let y = p.threshold_y;
                    view! {
                        <line class="reference" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}") />
                        <text class="tick reference-label" x={W - PAD - 70.0} y=format!("{:.1}", y - 3.0)>
                            "generalised (95%)"
                        </text>
                    }
                }))}
                {move || plot.with(|p| p.iter().flat_map(|p| &p.ticks).map(|(x, label)| view! {
                    <text class="tick" x=format!("{:.1}", x - 8.0) y={H - 14.0}>{label.clone()}</text>
                }).collect::<Vec<_>>())}
                <text class="axis-title" x={W / 2.0} y={H - 2.0}>"step (log scale)"</text>
                <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>"accuracy (%)"</text>
                {move || plot.with(|p| p.iter().flat_map(|p| &p.networks).map(|n| view! {
                    <polyline class=format!("series {} train-accuracy", n.class) points=n.train.points.clone() />
                    <polyline class=format!("series {} test-accuracy", n.class) points=n.test.points.clone() />
                }).collect::<Vec<_>>())}
            </svg>
            <NetworkLegend />
            <p class="hint">{norm_legend(plot)}</p>
        </figure>
    }
}
