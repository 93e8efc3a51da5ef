//! Why tickets win, charted. The supermask (Zhou, Lan, Liu, Yosinski, NeurIPS
//! 2019): each round's mask on θ0, not trained at all, scored on the test
//! split, against weights remaining, beside chance and the trained ticket.

use leptos::prelude::*;

use super::Finished;
use super::charts::{H, LogAxis, PAD, Range, Series, SparsityFrame, W, round_ticks, sy};

/// The y axis: test accuracy from 0 to 100%.
const ACCURACY_AXIS: Range = Range { lo: 0.0, hi: 100.0 };
/// Percent per unit of accuracy.
const PERCENT: f64 = 100.0;

/// What the supermask chart draws.
#[derive(Clone, Debug, PartialEq)]
struct SupermaskPlot {
    supermask: Series,
    /// The trained ticket, for reference.
    ticket: Series,
    ticks: Vec<super::charts::Tick>,
    y_ticks: Vec<(f64, String)>,
    /// Chance (one class in `classes`): (value %, SVG y).
    chance: (f64, f64),
    replicates: usize,
    /// Each round's supermask mean as the page writes it ("87.4%"), for the Why panel's test.
    values: Vec<String>,
}

impl SupermaskPlot {
    fn new(finished: &Finished, classes: usize) -> Self {
        let Finished { spreads, replicates } = finished;
        let axis = LogAxis::new(spreads.iter().map(|r| r.weights_remaining));
        let at = |r: &super::RoundSpread| axis.x(r.weights_remaining);
        let supermask: Vec<_> = spreads.iter().filter_map(|r| r.supermask.clone().map(|s| (at(r), s))).collect();
        let ticket: Vec<_> = spreads.iter().map(|r| (at(r), r.ticket.test_accuracy.clone())).collect();
        let chance = PERCENT / classes.max(1) as f64;
        Self {
            supermask: Series::new(&supermask, PERCENT, axis.range, ACCURACY_AXIS, *replicates),
            ticket: Series::new(&ticket, PERCENT, axis.range, ACCURACY_AXIS, *replicates),
            ticks: axis.ticks(),
            y_ticks: round_ticks(ACCURACY_AXIS.lo, ACCURACY_AXIS.hi)
                .into_iter()
                .map(|(v, label)| (sy(v, ACCURACY_AXIS), label))
                .collect(),
            chance: (chance, sy(chance, ACCURACY_AXIS)),
            replicates: *replicates,
            values: supermask.iter().map(|(_, s)| format!("{:.1}%", s.mean * PERCENT)).collect(),
        }
    }
}

/// The supermask's test accuracy (untrained θ0 ⊙ m) against weights remaining, beside chance and the trained
/// ticket: masking alone, without a step of training, can score far above chance.
#[component]
pub fn SupermaskChart(finished: Memo<Finished>, classes: Signal<usize>) -> impl IntoView {
    let plot = Memo::new(move |_| finished.with(|f| SupermaskPlot::new(f, classes.get())));
    let y_ticks = Signal::derive(move || plot.with(|p| p.y_ticks.clone()));
    let ticks = Signal::derive(move || plot.with(|p| p.ticks.clone()));
    view! {
        <figure class="chart" id="supermask-chart"
            data-supermask-points=move || plot.with(|p| p.supermask.mean.len)
            data-chance=move || plot.with(|p| format!("{:.1}%", p.chance.0))
            data-values=move || plot.with(|p| p.values.join(" "))
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>
                "Supermask: the ticket's mask on θ0, untrained — test accuracy (%) vs. weights remaining"
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="supermask accuracy against weights remaining">
                <SparsityFrame y_ticks=y_ticks ticks=ticks y_title="test accuracy (%)" />
                {move || plot.with(|p| {
                    let (value, y) = p.chance;
                    view! {
                        <line class="reference chance" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}")
                            data-value=format!("{value:.1}") />
                        <text class="tick reference-label" x={W - PAD - 34.0} y=format!("{:.1}", y - 3.0)>
                            "chance"
                        </text>
                    }
                })}
                <polygon class="band supermask" points=move || plot.with(|p| p.supermask.band.clone()) />
                <polyline class="series ticket" points=move || plot.with(|p| p.ticket.mean.points.clone()) />
                <polyline class="series supermask" points=move || plot.with(|p| p.supermask.mean.points.clone()) />
                {move || plot.with(|p| p.supermask.dots.iter().map(|(x, y)| view! {
                    <circle class="dot supermask" cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.2" />
                }).collect::<Vec<_>>())}
            </svg>
            <p class="legend"><span class="swatch ticket"></span>"winning ticket, trained "
                <span class="swatch supermask"></span>"its mask on θ0, untrained"</p>
        </figure>
    }
}
