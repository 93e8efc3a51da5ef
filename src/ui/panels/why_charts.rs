//! Why tickets win, charted. The supermask (Zhou, Lan, Liu, Yosinski, NeurIPS
//! 2019): each round's mask on θ0, not trained at all, scored as the task
//! scores (test accuracy, a policy's return, a generator's modes), against
//! weights remaining, beside chance and the trained ticket. And the mask
//! overlap across seeds (Prasanna et al., EMNLP 2020): how alike the
//! replicates' tickets are, beside what random masks would share.

use leptos::prelude::*;

pub use crate::engine::lottery::why::Score;

use crate::ui::Finished;
use crate::ui::drawing::charts::{H, LogAxis, PAD, Range, Series, SparsityFrame, W, sy, y_ticks};

/// The y axis: a score's share (accuracy, return ÷ its cap, modes ÷ all) from 0 to 100%.
const SHARE_AXIS: Range = Range { lo: 0.0, hi: 100.0 };
/// Percent per unit of share.
const PERCENT: f64 = 100.0;
/// The y axis of the overlap chart: Jaccard from 0 to 1.
const JACCARD_AXIS: Range = Range { lo: 0.0, hi: 1.0 };

/// What the supermask chart draws.
#[derive(Clone, Debug, PartialEq)]
struct SupermaskPlot {
    supermask: Series,
    /// The trained ticket, for reference.
    ticket: Series,
    ticks: Vec<crate::ui::drawing::charts::Tick>,
    y_ticks: Vec<(f64, String)>,
    /// Chance, where the task has one: (as the charts write it, SVG y).
    chance: Option<(String, f64)>,
    replicates: usize,
    /// Each round's supermask mean as the page writes it ("87.4%", "return 22"), for the Why panel's test.
    values: Vec<String>,
}

impl SupermaskPlot {
    fn new(finished: &Finished, score: Score) -> Self {
        let Finished { spreads, replicates } = finished;
        let axis = LogAxis::new(spreads.iter().map(|r| r.weights_remaining));
        let at = |r: &crate::ui::RoundSpread| axis.x(r.weights_remaining);
        let supermask: Vec<_> = spreads.iter().filter_map(|r| r.supermask.clone().map(|s| (at(r), s))).collect();
        let ticket: Vec<_> = spreads.iter().map(|r| (at(r), r.ticket.test_accuracy.clone())).collect();
        Self {
            supermask: Series::new(&supermask, PERCENT, axis.range, SHARE_AXIS, *replicates),
            ticket: Series::new(&ticket, PERCENT, axis.range, SHARE_AXIS, *replicates),
            ticks: axis.ticks(),
            y_ticks: y_ticks(SHARE_AXIS),
            chance: score.chance().map(|c| (score.text(c), sy(c * PERCENT, SHARE_AXIS))),
            replicates: *replicates,
            values: supermask.iter().map(|(_, s)| score.text(s.mean)).collect(),
        }
    }
}

/// A dashed reference line across the chart, labelled at its right end.
fn reference(class: &'static str, label: &'static str, y: f64, value: String) -> impl IntoView {
    view! {
        <line class=format!("reference {class}") x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}")
            data-value=value />
        <text class="tick reference-label" x={W - PAD - 34.0} y=format!("{:.1}", y - 3.0)>{label}</text>
    }
}

/// The supermask's score (untrained θ0 ⊙ m) against weights remaining, beside chance and the trained ticket:
/// masking alone, without a step of training, can score far above chance.
#[component]
pub fn SupermaskChart(finished: Memo<Finished>, score: Signal<Score>) -> impl IntoView {
    let plot = Memo::new(move |_| finished.with(|f| SupermaskPlot::new(f, score.get())));
    let y_ticks = Signal::derive(move || plot.with(|p| p.y_ticks.clone()));
    let ticks = Signal::derive(move || plot.with(|p| p.ticks.clone()));
    let title = move || score.get().axis_title();
    view! {
        <figure class="chart" id="supermask-chart"
            data-supermask-points=move || plot.with(|p| p.supermask.mean.len)
            data-chance=move || plot.with(|p| p.chance.as_ref().map(|c| c.0.clone()).unwrap_or_default())
            data-values=move || plot.with(|p| p.values.join(" "))
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>
                "Supermask: the ticket's mask on θ0, untrained — " {title} " vs. weights remaining"
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="supermask score against weights remaining">
                <SparsityFrame y_ticks=y_ticks ticks=ticks y_title=Signal::derive(title) />
                {move || plot.with(|p| p.chance.clone().map(|(text, y)| reference("chance", "chance", y, text)))}
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

/// What the overlap chart draws: the replicates' mean pairwise Jaccard, and random masks' expectation.
#[derive(Clone, Debug, PartialEq)]
struct OverlapPlot {
    seeds: Series,
    random: Series,
    ticks: Vec<crate::ui::drawing::charts::Tick>,
    y_ticks: Vec<(f64, String)>,
    /// Each round's overlap and random figure as the page writes them ("0.028"), for the tests.
    values: Vec<String>,
    random_values: Vec<String>,
}

/// A Jaccard overlap as the page writes it.
pub fn jaccard_text(j: f64) -> String {
    format!("{j:.3}")
}

impl OverlapPlot {
    fn new(finished: &Finished) -> Self {
        let axis = LogAxis::new(finished.spreads.iter().map(|r| r.weights_remaining));
        let one = |v: f64| crate::engine::records::replicates::Spread::of(&[v]).expect("one value");
        let (mut seeds, mut random) = (Vec::new(), Vec::new());
        for r in &finished.spreads {
            if let Some(o) = &r.mask_overlap {
                seeds.push((axis.x(r.weights_remaining), one(o.network.jaccard)));
                random.push((axis.x(r.weights_remaining), one(o.network.random)));
            }
        }
        Self {
            values: seeds.iter().map(|(_, s)| jaccard_text(s.mean)).collect(),
            random_values: random.iter().map(|(_, s)| jaccard_text(s.mean)).collect(),
            seeds: Series::new(&seeds, 1.0, axis.range, JACCARD_AXIS, 1),
            random: Series::new(&random, 1.0, axis.range, JACCARD_AXIS, 1),
            ticks: axis.ticks(),
            y_ticks: y_ticks(JACCARD_AXIS),
        }
    }
}

/// How alike the replicates' tickets are, round by round (with two or more replicates): far above the random
/// line, the ticket is the task's; on it, the seed's.
#[component]
pub fn MaskOverlapChart(finished: Memo<Finished>) -> impl IntoView {
    let plot = Memo::new(move |_| finished.with(OverlapPlot::new));
    let y_ticks = Signal::derive(move || plot.with(|p| p.y_ticks.clone()));
    let ticks = Signal::derive(move || plot.with(|p| p.ticks.clone()));
    view! {
        <Show when=move || plot.with(|p| p.seeds.mean.len > 0)>
        <figure class="chart" id="overlap-chart"
            data-overlap-points=move || plot.with(|p| p.seeds.mean.len)
            data-values=move || plot.with(|p| p.values.join(" "))
            data-random-values=move || plot.with(|p| p.random_values.join(" "))>
            <figcaption>"Mask overlap across seeds: Jaccard of the replicates' masks vs. weights remaining"</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="mask overlap against weights remaining">
                <SparsityFrame y_ticks=y_ticks ticks=ticks y_title="Jaccard overlap" />
                <polyline class="series random" points=move || plot.with(|p| p.random.mean.points.clone()) />
                <polyline class="series ticket" points=move || plot.with(|p| p.seeds.mean.points.clone()) />
                {move || plot.with(|p| p.seeds.dots.iter().map(|(x, y)| view! {
                    <circle class="dot ticket" cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.2" />
                }).collect::<Vec<_>>())}
            </svg>
            <p class="legend"><span class="swatch ticket"></span>"the seeds' tickets "
                <span class="swatch random"></span>"random masks of the same sizes"</p>
        </figure>
        </Show>
    }
}
