//! The cart-pole task's own charts: the return over training of the round
//! shown (the ticket and each control), and which of the four observations
//! still feed the actor (the input layer's surviving connections).

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::lottery::train::RunSummary;
use crate::engine::tasks::cartpole::MAX_STEPS;

use crate::ui::drawing::charts::{Axes, H, Line, NetworkLegend, PAD, Range, W};
use crate::ui::views::policy::cartpole_view::OBSERVATION_NAMES;
use crate::ui::{last_iteration, round_networks, round_shown};

/// One network's return over training.
#[derive(Clone, Debug, PartialEq)]
struct ReturnCurve {
    /// The CSS class of its colour: ticket, reinit or random.
    class: &'static str,
    line: Line,
}

/// The round shown's curves, on a linear step axis.
#[derive(Clone, Debug, PartialEq)]
struct ReturnsPlot {
    round: usize,
    curves: Vec<ReturnCurve>,
    /// The last step, for the axis label.
    last: usize,
}

impl ReturnsPlot {
    fn new(report: &RoundReport) -> Self {
        let runs = round_networks(report);
        let last = last_iteration(report).unwrap_or(1).max(1);
        let x = Range { lo: 0.0, hi: last as f64 };
        let y = Range { lo: 0.0, hi: MAX_STEPS as f64 };
        let line = |run: &RunSummary| {
            let points: Vec<(f64, f64)> =
                run.curve.iter().filter_map(|p| p.train_return.map(|r| (p.iteration as f64, r))).collect();
            Line::new(&points, x, y)
        };
        let curves = runs.iter().filter_map(|(class, run)| run.map(|r| ReturnCurve { class, line: line(r) })).collect();
        Self { round: report.round, curves, last }
    }
}

/// The return over training (the mean of the last 100 training episodes, actions sampled) against the step,
/// for the round shown.
#[component]
pub fn ReturnsChart(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let plot = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(ReturnsPlot::new)));
    let ticket_points = move || plot.with(|p| p.as_ref().and_then(|p| p.curves.first()).map_or(0, |c| c.line.len));
    view! {
        <figure class="chart" id="returns-chart" data-ticket-points=ticket_points
            data-networks=move || plot.with(|p| p.as_ref().map_or(0, |p| p.curves.len()))>
            <figcaption>{move || plot.with(|p| match p {
                Some(p) => format!("Round {}: return over training (mean of the last 100 episodes)", p.round),
                None => "Return over training (after the first round)".to_string(),
            })}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="return against training step">
                <Axes />
                <text class="tick" x=2 y={PAD + 4.0}>{MAX_STEPS.to_string()}</text>
                <text class="tick" x=2 y={H - PAD}>"0"</text>
                {move || plot.with(|p| p.as_ref().map(|p| view! {
                    // The last step sits at the axis's right end.
                    <text class="tick" x={W - PAD - 16.0} y={H - 14.0}>{p.last.to_string()}</text>
                }))}
                <text class="axis-title" x={W / 2.0} y={H - 2.0}>"step"</text>
                <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>"return"</text>
                {move || plot.with(|p| p.iter().flat_map(|p| &p.curves).map(|c| view! {
                    <polyline class=format!("series {}", c.class) points=c.line.points.clone() />
                }).collect::<Vec<_>>())}
            </svg>
            <NetworkLegend />
        </figure>
    }
}

/// One observation's surviving connections into the first hidden layer.
#[derive(Clone, Debug, PartialEq)]
struct InputKept {
    name: &'static str,
    kept: usize,
    of: usize,
}

fn inputs_kept(report: &RoundReport) -> Vec<InputKept> {
    let Some(first) = report.mask.layers.first() else { return Vec::new() };
    OBSERVATION_NAMES
        .iter()
        .take(first.fan_in)
        .enumerate()
        .map(|(i, &name)| {
            let row = &first.keep[i * first.fan_out..(i + 1) * first.fan_out];
            InputKept { name, kept: row.iter().filter(|&&k| k).count(), of: first.fan_out }
        })
        .collect()
}

/// Which of the four observations keep connections into the ticket of the round shown: an input with none
/// left is one the policy no longer reads (Vischer et al. 2022 saw the input layer's mask drop task-irrelevant
/// inputs).
#[component]
pub fn InputsKept(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let inputs = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(inputs_kept)));
    view! {
        <figure class="chart" id="inputs-kept">
            <figcaption>"Which inputs the ticket still reads: connections kept into the first hidden layer"</figcaption>
            <div class="bars inputs-kept">
                {move || inputs.get().unwrap_or_default().into_iter().map(|i| {
                    let share = 100.0 * i.kept as f64 / i.of.max(1) as f64;
                    view! {
                        <div class="bar-row" data-input=i.name data-kept=i.kept class:dropped=i.kept == 0>
                            <span class="bar-label input-name">{i.name}</span>
                            <span class="bar-track">
                                <span class="bar-fill" style:width=format!("{share:.1}%")></span>
                            </span>
                            <span class="bar-value">{format!("{} of {}", i.kept, i.of)}</span>
                        </div>
                    }
                }).collect::<Vec<_>>()}
            </div>
        </figure>
    }
}
