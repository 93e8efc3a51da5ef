//! The charts, as plain SVG: the live loss curve, and test accuracy and
//! early-stop iteration against the fraction of weights remaining (log axis,
//! as in the paper). Each chart computes what it draws once per change, in a
//! `Memo` of a named struct, and the view reads its fields.

use leptos::prelude::*;

use crate::engine::lottery::controls::Phase;
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::early_bird::EarlyBird;
use crate::engine::records::replicates::{NetworkSpread, RoundSpread, Spread};
use crate::engine::records::sweep_summary::Summary;
use crate::engine::tasks::row::{self, FigureKey};
use crate::engine::{ExperimentConfig, RoundReport};
use crate::url::{self, UrlState};

use crate::ui::Comparison;
use crate::ui::{Finished, drawing::palette, round_shown};

/// Every chart's SVG box and the margin for the axes' labels.
pub(in crate::ui) const W: f64 = 360.0;
pub(in crate::ui) const H: f64 = 180.0;
pub(in crate::ui) const PAD: f64 = 30.0;
/// The accuracy axis starts at a multiple of this (percent)…
const ACCURACY_STEP: f64 = 5.0;
/// …at least this far below the lowest point…
const ACCURACY_MARGIN: f64 = 2.0;
/// …and never above this.
const ACCURACY_FLOOR_MAX: f64 = 90.0;
/// The generalisation-gap axis spans at least this many points.
const GAP_MIN_SPAN: f64 = 1.0;
/// At most this many labelled values (and grid lines) on a y axis.
const MAX_Y_TICKS: usize = 5;
/// Ticks of the weights-remaining axis, in percent.
const REMAINING_TICKS: [f64; 10] = [100.0, 50.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.2, 0.1];

/// A data range mapped onto the plot area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::ui) struct Range {
    pub(in crate::ui) lo: f64,
    pub(in crate::ui) hi: f64,
}

impl Range {
    fn span(self) -> f64 {
        (self.hi - self.lo).max(1e-12)
    }
}

/// SVG x of a data value on `x`.
pub(in crate::ui) fn sx(v: f64, x: Range) -> f64 {
    PAD + (v - x.lo) / x.span() * (W - 2.0 * PAD)
}

/// SVG y of a data value on `y` (up is larger).
pub(in crate::ui) fn sy(v: f64, y: Range) -> f64 {
    H - PAD - (v - y.lo) / y.span() * (H - 2.0 * PAD)
}

/// One series, ready to draw: the `points` attribute of a polyline.
#[derive(Clone, Debug, PartialEq)]
pub(in crate::ui) struct Line {
    pub(in crate::ui) points: String,
    /// How many points it has (the browser tests read this).
    pub(in crate::ui) len: usize,
}

impl Line {
    pub(in crate::ui) fn new(data: &[(f64, f64)], x: Range, y: Range) -> Self {
        let points = data
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|&(a, b)| format!("{:.1},{:.1}", sx(a, x), sy(b, y)))
            .collect::<Vec<_>>()
            .join(" ");
        Self { points, len: data.len() }
    }
}

/// Round values for an axis from `lo` to `hi`, with their labels: a step of
/// 1, 2 or 5 times a power of ten, giving at most [`MAX_Y_TICKS`] ticks.
pub(in crate::ui) fn round_ticks(lo: f64, hi: f64) -> Vec<(f64, String)> {
    let span = (hi - lo).max(1e-9);
    let raw = span / MAX_Y_TICKS as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() * step;
    let decimals = if step >= 1.0 { 0 } else { (-step.log10()).ceil() as usize };
    (0..=MAX_Y_TICKS + 1)
        .map(|i| first + i as f64 * step)
        .filter(|v| *v <= hi + 1e-9)
        .map(|v| (v, format!("{v:.decimals$}")))
        .collect()
}

/// [`round_ticks`] over the whole of `axis`, each at its SVG y: a chart's y grid.
pub(in crate::ui) fn y_ticks(axis: Range) -> Vec<(f64, String)> {
    round_ticks(axis.lo, axis.hi).into_iter().map(|(v, label)| (sy(v, axis), label)).collect()
}

/// A labelled tick on the x axis, at SVG x.
#[derive(Clone, Debug, PartialEq)]
pub(in crate::ui) struct Tick {
    pub(in crate::ui) x: f64,
    pub(in crate::ui) label: String,
}

/// Validation and training loss of the network training now.
#[derive(Clone, Debug, PartialEq)]
struct LossPlot {
    phase: Phase,
    val: Line,
    train: Line,
    first_val: Option<f64>,
    last_val: Option<f64>,
    y_max: f64,
    x_max: f64,
}

impl LossPlot {
    fn new(phase: Phase, curve: &[CurvePoint]) -> Self {
        let x_max = curve.last().map_or(1.0, |p| p.iteration as f64).max(1.0);
        let x_min = curve.first().map_or(0.0, |p| p.iteration as f64);
        let losses = curve.iter().flat_map(|p| [Some(p.val_loss), p.train_loss]).flatten();
        let y_max = losses.filter(|v| v.is_finite()).fold(0.0f64, f64::max).max(1e-3);
        let (x, y) = (Range { lo: x_min, hi: x_max }, Range { lo: 0.0, hi: y_max });
        let val: Vec<(f64, f64)> = curve.iter().map(|p| (p.iteration as f64, p.val_loss)).collect();
        let train: Vec<(f64, f64)> =
            curve.iter().filter_map(|p| p.train_loss.map(|l| (p.iteration as f64, l))).collect();
        Self {
            phase,
            val: Line::new(&val, x, y),
            train: Line::new(&train, x, y),
            first_val: curve.first().map(|p| p.val_loss),
            last_val: curve.last().map(|p| p.val_loss),
            y_max,
            x_max,
        }
    }
}

fn loss_text(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

#[component]
pub fn LossChart(
    /// Which network is training, and its curve so far; after a round, its ticket's.
    live: RwSignal<(Phase, Vec<CurvePoint>)>,
    /// No network is training now: the curve is the last round's ticket.
    settled: Signal<bool>,
) -> impl IntoView {
    let plot = Memo::new(move |_| live.with(|(phase, curve)| LossPlot::new(*phase, curve)));
    let phase = move || plot.with(|p| p.phase.label());
    let caption = move || match settled.get() {
        true => format!("Loss of the last round's {}", phase()),
        false => format!("Loss of the {} training now", phase()),
    };
    view! {
        <figure class="chart" id="loss-chart" data-phase=phase
            data-first-loss=move || plot.with(|p| loss_text(p.first_val))
            data-last-loss=move || plot.with(|p| loss_text(p.last_val))
            data-points=move || plot.with(|p| p.val.len)>
            <figcaption>{caption}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="loss curve">
                <Axes />
                <text class="tick" x=2 y={PAD + 4.0}>{move || plot.with(|p| format!("{:.2}", p.y_max))}</text>
                <text class="tick" x={W - PAD - 20.0} y={H - 8.0}>
                    {move || plot.with(|p| format!("{:.0}", p.x_max))}
                </text>
                <text class="tick" x={W / 2.0 - 20.0} y={H - 8.0}>"iteration"</text>
                <polyline class="series train" points=move || plot.with(|p| p.train.points.clone()) />
                <polyline class="series val" points=move || plot.with(|p| p.val.points.clone()) />
            </svg>
            <p class="legend">
                <span class="swatch train"></span>"train batch " <span class="swatch val"></span>"validation"
            </p>
        </figure>
    }
}

/// The two axis lines every chart has.
#[component]
pub(in crate::ui) fn Axes() -> impl IntoView {
    view! {
        <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
        <line class="axis" x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} />
    }
}

/// A log x-axis of % weights remaining: 100% on the left, sparser to the right.
pub(in crate::ui) struct LogAxis {
    pub(in crate::ui) range: Range,
}

impl LogAxis {
    /// log10 of 100%: the left end.
    const FULL: f64 = 2.0;

    pub(in crate::ui) fn new(remaining: impl Iterator<Item = f64>) -> Self {
        let min = remaining.map(|r| r * 100.0).fold(100.0f64, f64::min);
        // Whole decades, and at least down to 50%, so a first round has room.
        let min_log = min.max(0.01).log10().min(1.0).floor().min(1.7);
        Self { range: Range { lo: 0.0, hi: Self::FULL - min_log } }
    }

    /// The data x of a fraction remaining, increasing to the right.
    pub(in crate::ui) fn x(&self, remaining: f64) -> f64 {
        Self::FULL - (remaining * 100.0).max(1e-3).log10()
    }

    pub(in crate::ui) fn ticks(&self) -> Vec<Tick> {
        let Range { lo, hi } = self.range;
        REMAINING_TICKS
            .iter()
            .map(|&p| (Self::FULL - p.log10(), p))
            .filter(|(x, _)| *x >= lo - 1e-9 && *x <= hi + 1e-9)
            .map(|(x, p)| Tick { x: sx(x, self.range), label: format!("{p}%") })
            .collect()
    }
}

/// What a sparsity chart plots of each network.
#[derive(Clone, Copy)]
enum Figure {
    /// Test accuracy at the end of training, in percent.
    TestAccuracy,
    EarlyStopIteration,
    /// Train minus test accuracy at the end of training, in points.
    GeneralisationGap,
    /// One of a task's own figures (its row's: steps to generalise as the median over replicates, a policy's
    /// return, a generator's modes or high-quality share, a regression's test error).
    Own(FigureKey),
}

impl Figure {
    /// The figure of one network (None where it was not measured).
    fn spread(self, n: &NetworkSpread) -> Option<Spread> {
        match self {
            Figure::TestAccuracy => Some(n.test_accuracy.clone()),
            Figure::EarlyStopIteration => Some(n.early_stop_iteration.clone()),
            Figure::GeneralisationGap => n.generalisation_gap.clone(),
            Figure::Own(key) => n.figure(key),
        }
    }

    /// The network measured the figure's milestone and did not reach it (its median replicate never generalised).
    fn never(self, n: &NetworkSpread) -> bool {
        matches!(self, Figure::Own(FigureKey::StepsToGeneralise))
            && n.steps_to_generalise.is_some()
            && self.spread(n).is_none()
    }

    fn row(self) -> Option<row::Figure> {
        match self {
            Figure::Own(key) => row::Figure::own(key),
            _ => None,
        }
    }

    fn scale(self) -> f64 {
        match self {
            Figure::TestAccuracy | Figure::GeneralisationGap => 100.0,
            Figure::EarlyStopIteration => 1.0,
            Figure::Own(_) => self.row().map_or(1.0, row::Figure::scale),
        }
    }

    /// A value in the chart's unit, as the read-out and the rounds table write it.
    fn text(self, value: f64) -> String {
        match self {
            Figure::TestAccuracy => format!("{value:.1}%"),
            Figure::EarlyStopIteration => format!("iteration {value:.0}"),
            Figure::GeneralisationGap => format!("{value:+.1} points"),
            Figure::Own(_) => self.row().map_or_else(String::new, |f| f.readout(value)),
        }
    }
}

/// Which network of a round a series draws (the ticket, or one control).
type NetworkOf = fn(&RoundSpread) -> Option<&NetworkSpread>;

/// One of Zhou et al.'s controls on a sparsity chart: its CSS class (colour), its name, where a round keeps it.
struct SignControl {
    class: &'static str,
    label: &'static str,
    network: NetworkOf,
}

/// The controls that keep part of θ0 (`lottery::signs`), drawn when they ran.
const SIGN_CONTROLS: [SignControl; 3] = [
    SignControl { class: "signs", label: "same signs", network: |r| r.same_signs.as_ref() },
    SignControl { class: "shuffled", label: "shuffled", network: |r| r.shuffled.as_ref() },
    SignControl { class: "constant", label: "constant with signs", network: |r| r.constant_signs.as_ref() },
];

/// What the read-out says of the round under the pointer, and where that round is.
#[derive(Clone, Debug, PartialEq)]
struct Readout {
    /// SVG x of the round.
    x: f64,
    round: usize,
    text: String,
}

impl Readout {
    fn new(r: &RoundSpread, x: f64, figure: Figure) -> Self {
        let value = |n: &NetworkSpread| {
            let never = figure.never(n);
            figure.spread(n).map(|s| figure.text(s.mean * figure.scale())).or_else(|| never.then(|| "never".into()))
        };
        let mut parts = vec![format!("round {}: {:.1}% of weights", r.round, r.weights_remaining * 100.0)];
        parts.extend(value(&r.ticket).map(|v| format!("ticket {v}")));
        parts.extend(r.reinit.as_ref().and_then(value).map(|v| format!("random reinit {v}")));
        parts.extend(r.random_mask.as_ref().and_then(value).map(|v| format!("random mask {v}")));
        for c in SIGN_CONTROLS {
            parts.extend((c.network)(r).and_then(value).map(|v| format!("{} {v}", c.label)));
        }
        Self { x, round: r.round, text: parts.join(" · ") }
    }
}

/// The readout nearest to SVG x `at`.
fn nearest(readouts: &[Readout], at: f64) -> Option<usize> {
    (0..readouts.len()).min_by(|&a, &b| (readouts[a].x - at).abs().total_cmp(&(readouts[b].x - at).abs()))
}

/// One network across rounds: the mean over replicates as a line, and the
/// min–max band around it (as the paper's error bars; empty for one replicate).
#[derive(Clone, Debug, PartialEq)]
pub(in crate::ui) struct Series {
    pub(in crate::ui) mean: Line,
    /// The band's polygon, upper edge left to right, lower edge back.
    pub(in crate::ui) band: String,
    /// SVG (x, y) of each mean: a dot marks it (a series of one round is a dot, not a line).
    pub(in crate::ui) dots: Vec<(f64, f64)>,
}

impl Series {
    pub(in crate::ui) fn new(points: &[(f64, Spread)], scale: f64, x: Range, y: Range, replicates: usize) -> Self {
        let mean: Vec<(f64, f64)> = points.iter().map(|(at, s)| (*at, s.mean * scale)).collect();
        let band = match replicates {
            0 | 1 => String::new(),
            _ => {
                let upper = points.iter().map(|(at, s)| (*at, s.max * scale));
                let lower = points.iter().rev().map(|(at, s)| (*at, s.min * scale));
                Line::new(&upper.chain(lower).collect::<Vec<_>>(), x, y).points
            }
        };
        let dots = mean.iter().filter(|p| p.1.is_finite()).map(|&(a, b)| (sx(a, x), sy(b, y))).collect();
        Self { mean: Line::new(&mean, x, y), band, dots }
    }
}

/// The ticket and each control, round by round, against weights remaining:
/// over replicates when there are several.
#[derive(Clone, Debug, PartialEq)]
struct SparsityPlot {
    ticket: Series,
    reinit: Series,
    random: Series,
    /// Zhou et al.'s controls that ran ([`SIGN_CONTROLS`]): CSS class and series.
    sign_controls: Vec<(&'static str, Series)>,
    /// The y axis, in the chart's unit.
    y: (f64, f64),
    ticks: Vec<Tick>,
    /// Round values on the y axis: (SVG y, label).
    y_ticks: Vec<(f64, String)>,
    /// The dense network (round 0's ticket, its mean): (value, SVG y), the reference line.
    dense: Option<(f64, f64)>,
    /// Replicates with at least one finished round.
    replicates: usize,
    /// One per round, for the read-out under the pointer.
    readouts: Vec<Readout>,
    /// Pinned runs' tickets, drawn beside the current run's.
    pinned: Vec<PinnedSeries>,
    /// Networks that never reached the figure's mark (steps to generalise): CSS class and SVG x, drawn as a cross
    /// on the chart's top edge.
    nevers: Vec<(&'static str, f64)>,
}

/// A pinned run's ticket on a sparsity chart, with its name and colour.
#[derive(Clone, Debug, PartialEq)]
struct PinnedSeries {
    label: String,
    colour: &'static str,
    ticket: Line,
}

/// Each round where the ticket or a control never reached the figure's mark: its class (colour) and x on the chart.
fn nevers(spreads: &[RoundSpread], figure: Figure, axis: &LogAxis) -> Vec<(&'static str, f64)> {
    let networks: [(&'static str, NetworkOf); 3] =
        [("ticket", |r| Some(&r.ticket)), ("reinit", |r| r.reinit.as_ref()), ("random", |r| r.random_mask.as_ref())];
    let mut out = Vec::new();
    for (class, network) in networks {
        for r in spreads.iter().filter(|r| network(r).is_some_and(|n| figure.never(n))) {
            out.push((class, sx(axis.x(r.weights_remaining), axis.range)));
        }
    }
    out
}

impl SparsityPlot {
    /// `y_range` picks the axis from every value drawn (means and band edges).
    fn new(
        finished: &Finished,
        figure: Figure,
        y_range: impl Fn(&mut dyn Iterator<Item = f64>) -> (f64, f64),
        pinned: &[Comparison],
    ) -> Self {
        let Finished { spreads, replicates: count } = finished;
        let count = *count;
        let pinned_rounds = pinned.iter().flat_map(|c| &c.rounds);
        let axis = LogAxis::new(spreads.iter().chain(pinned_rounds).map(|r| r.weights_remaining));
        let scale = figure.scale();
        let pinned_points: Vec<Vec<(f64, f64)>> = pinned
            .iter()
            .map(|c| {
                let point =
                    |r: &RoundSpread| figure.spread(&r.ticket).map(|s| (axis.x(r.weights_remaining), s.mean * scale));
                c.rounds.iter().filter_map(point).collect()
            })
            .collect();
        let points = |network: NetworkOf| -> Vec<(f64, Spread)> {
            let at = |r: &RoundSpread| axis.x(r.weights_remaining);
            spreads.iter().filter_map(|r| network(r).and_then(|n| figure.spread(n)).map(|s| (at(r), s))).collect()
        };
        let ticket = points(|r| Some(&r.ticket));
        let reinit = points(|r| r.reinit.as_ref());
        let random = points(|r| r.random_mask.as_ref());
        let nevers = nevers(spreads, figure, &axis);
        let sign_controls: Vec<(&'static str, Vec<(f64, Spread)>)> =
            SIGN_CONTROLS.iter().map(|c| (c.class, points(c.network))).filter(|(_, p)| !p.is_empty()).collect();
        let current = ticket
            .iter()
            .chain(&reinit)
            .chain(&random)
            .chain(sign_controls.iter().flat_map(|(_, p)| p))
            .flat_map(|(_, s)| [s.min, s.mean, s.max]);
        let mut all = current.map(|v| v * scale).chain(pinned_points.iter().flatten().map(|p| p.1));
        let y = y_range(&mut all);
        let y_axis = Range { lo: y.0, hi: y.1 };
        let y_ticks = y_ticks(y_axis);
        let dense = spreads.first().and_then(|r| figure.spread(&r.ticket)).map(|s| {
            let v = s.mean * scale;
            (v, sy(v, y_axis))
        });
        Self {
            ticket: Series::new(&ticket, scale, axis.range, y_axis, count),
            reinit: Series::new(&reinit, scale, axis.range, y_axis, count),
            random: Series::new(&random, scale, axis.range, y_axis, count),
            sign_controls: sign_controls
                .iter()
                .map(|(class, p)| (*class, Series::new(p, scale, axis.range, y_axis, count)))
                .collect(),
            y,
            ticks: axis.ticks(),
            y_ticks,
            dense,
            replicates: count,
            readouts: spreads
                .iter()
                .map(|r| Readout::new(r, sx(axis.x(r.weights_remaining), axis.range), figure))
                .collect(),
            pinned: pinned
                .iter()
                .zip(&pinned_points)
                .map(|(c, points)| PinnedSeries {
                    label: c.label.clone(),
                    colour: c.colour,
                    ticket: Line::new(points, axis.range, y_axis),
                })
                .collect(),
            nevers,
        }
    }
}

/// The axis below the lowest accuracy, in steps of [`ACCURACY_STEP`], up to 100%.
fn accuracy_range(values: &mut dyn Iterator<Item = f64>) -> (f64, f64) {
    let lowest = values.fold(100.0f64, f64::min);
    let floor = ((lowest - ACCURACY_MARGIN) / ACCURACY_STEP).floor() * ACCURACY_STEP;
    (floor.clamp(0.0, ACCURACY_FLOOR_MAX), 100.0)
}

/// The gap axis: from 0 (or the lowest gap, if negative) to the highest, whole points, at least one.
fn gap_range(values: &mut dyn Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((0.0f64, GAP_MIN_SPAN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (lo.floor(), hi.ceil())
}

fn early_stop_range(values: &mut dyn Iterator<Item = f64>) -> (f64, f64) {
    (0.0, values.fold(1.0f64, f64::max))
}

/// SVG x under the pointer: the event's place across the drawn box, in viewBox units.
fn pointer_x(ev: &web_sys::PointerEvent) -> Option<f64> {
    use wasm_bindgen::JsCast;
    let svg = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = svg.get_bounding_client_rect();
    (rect.width() > 0.0).then(|| (f64::from(ev.client_x()) - rect.left()) / rect.width() * W)
}

/// A sparsity chart's SVG, and under it the read-out of the round nearest
/// the pointer (a tap on a touch screen): its figures, and a line marking it.
#[component]
fn SparsitySvg(
    plot: Memo<SparsityPlot>,
    y_title: &'static str,
    /// What the chart shows, for screen readers.
    label: &'static str,
) -> impl IntoView {
    let hovered: RwSignal<Option<usize>> = RwSignal::new(None);
    let point = move |ev: web_sys::PointerEvent| {
        let at = pointer_x(&ev);
        hovered.set(at.and_then(|x| plot.with(|p| nearest(&p.readouts, x))));
    };
    let shown = move || hovered.get().and_then(|i| plot.with(|p| p.readouts.get(i).cloned()));
    let leave = move |ev: web_sys::PointerEvent| {
        if ev.pointer_type() == "mouse" {
            hovered.set(None);
        }
    };
    view! {
        <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=label
            on:pointermove=point on:pointerdown=point on:pointerleave=leave>
            <SparsitySeries plot=plot y_title=y_title />
            {move || shown().map(|r| view! {
                <line class="cursor" x1=format!("{:.1}", r.x) y1={PAD} x2=format!("{:.1}", r.x) y2={H - PAD} />
            })}
        </svg>
        <p class="readout" data-round=move || shown().map(|r| r.round.to_string())>
            {move || shown().map_or_else(|| READOUT_HINT.to_string(), |r| r.text)}
        </p>
        <p class="legend sign-controls-legend">
            {move || plot.with(|p| p.sign_controls.iter().map(|(class, _)| {
                let label = SIGN_CONTROLS.iter().find(|c| c.class == *class).map_or("", |c| c.label);
                view! { <span class=format!("swatch {class}")></span>{label}" " }
            }).collect::<Vec<_>>())}
        </p>
        <ul class="pinned-legend">
            {move || plot.with(|p| p.pinned.iter().map(|s| view! {
                <li><span class="swatch" style:background=s.colour></span>{format!("kept: {}", s.label)}</li>
            }).collect::<Vec<_>>())}
        </ul>
    }
}

/// A "never" cross sits this far below the plot's top edge, and its key this far from the right.
const NEVER_DROP: f64 = 8.0;
const NEVER_LABEL_WIDTH: f64 = 40.0;

const READOUT_HINT: &str = "Point at the chart (or tap it) to read a round's figures.";

/// The frame of a chart against weights remaining (or, titled otherwise, any x): the y grid and its labels, the
/// axes, the x axis's ticks and both titles.
#[component]
pub(in crate::ui) fn SparsityFrame(
    /// (SVG y, label) of each y grid line.
    y_ticks: Signal<Vec<(f64, String)>>,
    ticks: Signal<Vec<Tick>>,
    #[prop(into)] y_title: Signal<&'static str>,
    /// The x axis's title (weights remaining unless given).
    #[prop(optional)]
    x_title: Option<&'static str>,
) -> impl IntoView {
    view! {
        {move || y_ticks.with(|t| t.iter().map(|(y, label)| view! {
            <line class="grid" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}") />
            <text class="tick" x=2 y=format!("{:.1}", y + 3.0)>{label.clone()}</text>
        }).collect::<Vec<_>>())}
        <Axes />
        {move || ticks.with(|t| t.iter().map(|t| view! {
            <text class="tick" x=format!("{:.1}", t.x - 8.0) y={H - 14.0}>{t.label.clone()}</text>
        }).collect::<Vec<_>>())}
        <text class="axis-title" x={W / 2.0} y={H - 2.0}>{x_title.unwrap_or("weights remaining (%)")}</text>
        <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>{move || y_title.get()}</text>
    }
}

/// The three series of a sparsity chart (bands under means), with the ticks of its log axis.
#[component]
fn SparsitySeries(
    plot: Memo<SparsityPlot>,
    /// The y axis's title.
    y_title: &'static str,
) -> impl IntoView {
    let y_ticks = Signal::derive(move || plot.with(|p| p.y_ticks.clone()));
    let ticks = Signal::derive(move || plot.with(|p| p.ticks.clone()));
    view! {
        <SparsityFrame y_ticks=y_ticks ticks=ticks y_title=y_title />
        {move || plot.with(|p| p.dense.map(|(value, y)| view! {
            <line class="reference dense" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}")
                data-value=format!("{value:.2}") />
            <text class="tick reference-label" x={W - PAD - 30.0} y=format!("{:.1}", y - 3.0)>"dense"</text>
        }))}
        {move || plot.with(|p| p.pinned.iter().map(|s| view! {
            <polyline class="pinned-line" stroke=s.colour points=s.ticket.points.clone() />
        }).collect::<Vec<_>>())}
        <polygon class="band ticket" points=move || plot.with(|p| p.ticket.band.clone()) />
        <polygon class="band reinit" points=move || plot.with(|p| p.reinit.band.clone()) />
        <polygon class="band random" points=move || plot.with(|p| p.random.band.clone()) />
        <polyline class="series ticket" points=move || plot.with(|p| p.ticket.mean.points.clone()) />
        <polyline class="series reinit" points=move || plot.with(|p| p.reinit.mean.points.clone()) />
        <polyline class="series random" points=move || plot.with(|p| p.random.mean.points.clone()) />
        {move || plot.with(|p| p.sign_controls.iter().map(|(class, s)| view! {
            <polygon class=format!("band {class}") points=s.band.clone() />
            <polyline class=format!("series {class}") points=s.mean.points.clone() />
        }).collect::<Vec<_>>())}
        {move || plot.with(|p| {
            let named = [("ticket", &p.ticket), ("reinit", &p.reinit), ("random", &p.random)];
            named.into_iter().chain(p.sign_controls.iter().map(|(c, s)| (*c, s))).flat_map(|(class, s)| {
                s.dots.iter().map(move |(x, y)| view! {
                    <circle class=format!("dot {class}") cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.2" />
                })
            }).collect::<Vec<_>>()
        })}
        {move || plot.with(|p| p.nevers.iter().map(|(class, x)| view! {
            <text class=format!("never {class}") x=format!("{x:.1}") y={PAD + NEVER_DROP} text-anchor="middle">
                "×"
            </text>
        }).collect::<Vec<_>>())}
        <Show when=move || plot.with(|p| !p.nevers.is_empty())>
            <text class="tick never-label" x={W - PAD - NEVER_LABEL_WIDTH} y={PAD + NEVER_DROP}>"× never"</text>
        </Show>
    }
}

/// The colours of the ticket and its controls, under a chart; a control that did not run is left out where the
/// chart says so.
#[component]
pub(in crate::ui) fn NetworkLegend(
    /// Whether the random reinit ran (always listed when not given).
    #[prop(optional)]
    reinit: Option<Signal<bool>>,
    #[prop(optional)] random: Option<Signal<bool>>,
) -> impl IntoView {
    let listed = move |ran: Option<Signal<bool>>| ran.is_none_or(|r| r.get());
    view! {
        <p class="legend"><span class="swatch ticket"></span>"winning ticket "
            <Show when=move || listed(reinit)><span class="swatch reinit"></span>"random reinit "</Show>
            <Show when=move || listed(random)><span class="swatch random"></span>"random mask"</Show></p>
    }
}

/// A sparsity chart's legend: the networks it draws.
#[component]
fn SparsityLegend(plot: Memo<SparsityPlot>) -> impl IntoView {
    let reinit =
        Signal::derive(move || plot.with(|p| p.reinit.mean.len > 0 || p.nevers.iter().any(|n| n.0 == "reinit")));
    let random =
        Signal::derive(move || plot.with(|p| p.random.mean.len > 0 || p.nevers.iter().any(|n| n.0 == "random")));
    view! { <NetworkLegend reinit=reinit random=random /> }
}

/// "mean of 3 replicates, band: min–max", under a chart with replicates.
fn replicates_note(plot: Memo<SparsityPlot>) -> impl Fn() -> Option<String> {
    move || {
        plot.with(|p| {
            let n = p.replicates;
            (n > 1).then(|| format!("Lines: the mean of {n} replicates; bands: their min–max."))
        })
    }
}

/// Test accuracy against % of weights remaining (log axis), one series per
/// network; with replicates, their mean and min–max band.
#[component]
pub fn AccuracyChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        finished.with(|f| pinned.with(|p| SparsityPlot::new(f, Figure::TestAccuracy, accuracy_range, p)))
    });
    view! {
        <figure class="chart" id="accuracy-chart"
            data-ticket-points=move || plot.with(|p| p.ticket.mean.len)
            data-reinit-points=move || plot.with(|p| p.reinit.mean.len)
            data-random-points=move || plot.with(|p| p.random.mean.len)
            data-last-readout=move || plot.with(|p| p.readouts.last().map(|r| r.text.clone()).unwrap_or_default())
            data-readouts=move || readouts_text(plot)
            data-sign-controls=move || plot.with(|p| {
                p.sign_controls.iter().map(|(c, s)| format!("{c}:{}", s.mean.len)).collect::<Vec<_>>().join(" ")
            })
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>"Test accuracy (%) vs. weights remaining (log scale)"</figcaption>
            <SparsitySvg plot=plot y_title="test accuracy (%)" label="accuracy against weights remaining" />
            <SparsityLegend plot=plot />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// Every round's read-out, " | " between rounds: what the Why panel's test finds its quoted figures in.
fn readouts_text(plot: Memo<SparsityPlot>) -> String {
    plot.with(|p| p.readouts.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" | "))
}

/// A task's own figure against % of weights remaining (a policy's return, a generator's modes, a regression's
/// error), the dense network's as the reference line; with replicates, their mean and min–max band. The read-outs
/// and each network's point count are in its data attributes, for the tests.
#[component]
fn TaskFigureChart(
    plot: Memo<SparsityPlot>,
    id: &'static str,
    caption: &'static str,
    y_title: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <figure class="chart" id=id
            data-ticket-points=move || plot.with(|p| p.ticket.mean.len)
            data-readouts=move || readouts_text(plot)
            data-reinit-points=move || plot.with(|p| p.reinit.mean.len)
            data-random-points=move || plot.with(|p| p.random.mean.len)
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>{caption}</figcaption>
            <SparsitySvg plot=plot y_title=y_title label=label />
            <SparsityLegend plot=plot />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// A task's headline figure against % of weights remaining when it is not an accuracy (a policy's mean return, a
/// generator's modes covered, a regression's test error), drawn as its row's chart says ([`row::FigureChart`]).
#[component]
pub fn HeadlineChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>, figure: row::Figure) -> impl IntoView {
    let chart = figure.chart.expect("a headline chart is drawn for a figure with a chart");
    let range = move |values: &mut dyn Iterator<Item = f64>| chart.axis.range(values);
    let plot =
        Memo::new(move |_| finished.with(|f| pinned.with(|p| SparsityPlot::new(f, Figure::Own(figure.key), range, p))));
    view! {
        <TaskFigureChart plot=plot id=chart.id y_title=chart.y_title label=chart.label caption=chart.caption />
    }
}

/// The percent axis, 0 to 100.
fn percent_range(_: &mut dyn Iterator<Item = f64>) -> (f64, f64) {
    (0.0, 100.0)
}

/// A generator: the share of its test points within 3σ of a mode against % of weights remaining.
#[component]
pub fn QualityChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        finished.with(|f| {
            pinned.with(|p| SparsityPlot::new(f, Figure::Own(FigureKey::HighQualityFraction), percent_range, p))
        })
    });
    view! {
        <figure class="chart" id="quality-chart" data-ticket-points=move || plot.with(|p| p.ticket.mean.len)
            data-readouts=move || readouts_text(plot)
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>"High-quality points (within 3σ of a mode, %) vs. weights remaining"</figcaption>
            <SparsitySvg plot=plot y_title="high quality (%)" label="high-quality share against weights remaining" />
            <SparsityLegend plot=plot />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// The early-stop iteration (minimum validation loss) against % of weights
/// remaining: tickets learn faster, so theirs comes earlier.
#[component]
pub fn EarlyStopChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        finished.with(|f| pinned.with(|p| SparsityPlot::new(f, Figure::EarlyStopIteration, early_stop_range, p)))
    });
    view! {
        <figure class="chart" id="early-stop-chart" data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>"Early-stop iteration vs. weights remaining"</figcaption>
            <SparsitySvg plot=plot y_title="iteration" label="early-stop iteration against weights remaining" />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// Modular addition: the step at which each network generalises (test accuracy ≥ 95%; the median
/// over replicates, the band from the earliest to the latest that did) against % of weights
/// remaining, the dense network's as the reference line. A network whose median replicate never
/// generalised is a cross on the top edge, marked "never".
#[component]
pub fn GeneraliseChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        finished.with(|f| {
            pinned.with(|p| SparsityPlot::new(f, Figure::Own(FigureKey::StepsToGeneralise), early_stop_range, p))
        })
    });
    view! {
        <figure class="chart" id="generalise-chart"
            data-ticket-points=move || plot.with(|p| p.ticket.mean.len)
            data-nevers=move || plot.with(|p| p.nevers.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(" "))
            data-reinit-points=move || plot.with(|p| p.reinit.mean.len)
            data-random-points=move || plot.with(|p| p.random.mean.len)
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>"Steps to generalise (test accuracy ≥ 95%) vs. weights remaining"</figcaption>
            <SparsitySvg plot=plot y_title="step" label="steps to generalise against weights remaining" />
            <SparsityLegend plot=plot />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// The generalisation gap (train minus test accuracy, points) against % of
/// weights remaining, for the ticket and each control: does sparsity generalise?
#[component]
pub fn GeneralisationChart(finished: Memo<Finished>, pinned: Memo<Vec<Comparison>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        finished.with(|f| pinned.with(|p| SparsityPlot::new(f, Figure::GeneralisationGap, gap_range, p)))
    });
    view! {
        <figure class="chart" id="generalisation-chart"
            data-ticket-points=move || plot.with(|p| p.ticket.mean.len)
            data-reinit-points=move || plot.with(|p| p.reinit.mean.len)
            data-replicates=move || plot.with(|p| p.replicates)>
            <figcaption>"Generalisation gap (train − test accuracy, points) vs. weights remaining"</figcaption>
            <SparsitySvg plot=plot y_title="train − test (points)"
                label="generalisation gap against weights remaining" />
            <SparsityLegend plot=plot />
            <p class="hint replicates-note">{replicates_note(plot)}</p>
        </figure>
    }
}

/// The dense run's masks settling, ready to draw.
#[derive(Clone, Debug, PartialEq)]
struct EarlyBirdPlot {
    distances: Line,
    /// SVG y of the threshold.
    threshold_y: f64,
    /// The early-bird iteration and where it is drawn.
    found: Option<(usize, f64, f64)>,
    y_ticks: Vec<(f64, String)>,
    x_max: usize,
    text: String,
}

impl EarlyBirdPlot {
    fn new(early: &EarlyBird, steps: usize, ticket_there: bool) -> Self {
        let highest = early.distances.iter().map(|d| d.distance).fold(early.threshold * 1.5, f64::max);
        let (x, y) = (Range { lo: 0.0, hi: steps as f64 }, Range { lo: 0.0, hi: highest });
        let points: Vec<(f64, f64)> = early.distances.iter().map(|d| (d.iteration as f64, d.distance)).collect();
        let found = early.iteration.and_then(|i| {
            let d = early.distances.iter().find(|d| d.iteration == i)?;
            Some((i, sx(i as f64, x), sy(d.distance, y)))
        });
        let text = match early.iteration {
            Some(i) => format!(
                "The masks settle at iteration {i} of {steps}: from there on fewer than {:.0}% of their flags change \
                 between evaluations. {}",
                early.threshold * 100.0,
                if ticket_there {
                    format!(
                        "The first mask was drawn there, {} dense steps before the end of training. To compare with \
                         full IMP, keep this run and run it again with \"Ticket at early-bird\" off.",
                        steps - i
                    )
                } else {
                    "\"Ticket at early-bird\" draws the first mask there.".to_string()
                }
            ),
            None => format!("The masks did not settle under {} before the end of training.", early.threshold),
        };
        Self {
            distances: Line::new(&points, x, y),
            threshold_y: sy(early.threshold, y),
            found,
            y_ticks: y_ticks(y),
            x_max: steps,
            text,
        }
    }
}

/// Early-bird (You et al., 2020): the normalised Hamming distance between
/// the masks magnitude pruning would take at consecutive evaluation points of
/// the dense run, the threshold, and the iteration from which it stays under.
#[component]
pub fn EarlyBirdChart(rounds: RwSignal<Vec<RoundReport>>, config: Signal<ExperimentConfig>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        let (steps, there) = config.with(|c| (c.train.steps, c.prune.early_bird_ticket));
        rounds.with(|r| r.first().and_then(|r| r.early_bird.as_ref()).map(|e| EarlyBirdPlot::new(e, steps, there)))
    });
    let with = move |f: fn(&EarlyBirdPlot) -> String| move || plot.with(|p| p.as_ref().map(f).unwrap_or_default());
    view! {
        <Show when=move || plot.with(Option::is_some)>
            <figure class="chart" id="early-bird-chart"
                data-points=with(|p| p.distances.len.to_string())
                data-iteration=with(|p| p.found.map(|f| f.0.to_string()).unwrap_or_default())>
                <figcaption>"Early-bird: how much the dense run's mask changes between evaluations"</figcaption>
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="mask distance against iteration">
                    {move || plot.with(|p| p.as_ref().map(|p| p.y_ticks.iter().map(|(y, label)| view! {
                        <line class="grid" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}") />
                        <text class="tick" x=2 y=format!("{:.1}", y + 3.0)>{label.clone()}</text>
                    }).collect::<Vec<_>>()))}
                    <Axes />
                    <text class="tick" x={W - PAD - 20.0} y={H - 14.0}>{with(|p| p.x_max.to_string())}</text>
                    <text class="axis-title" x={W / 2.0} y={H - 2.0}>"iteration of the dense run"</text>
                    <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>"mask distance (fraction of flags)"</text>
                    <line class="reference threshold" x1={PAD} x2={W - PAD}
                        y1=with(|p| format!("{:.1}", p.threshold_y)) y2=with(|p| format!("{:.1}", p.threshold_y)) />
                    <polyline class="series ticket" points=with(|p| p.distances.points.clone()) />
                    {move || plot.with(|p| p.as_ref().and_then(|p| p.found).map(|(i, cx, cy)| view! {
                        <circle class="early-bird" cx=format!("{cx:.1}") cy=format!("{cy:.1}") r="4" data-iteration=i />
                    }))}
                </svg>
                <p class="hint" id="early-bird-text">{with(|p| p.text.clone())}</p>
            </figure>
        </Show>
    }
}

/// Per-layer % of weights remaining in the round shown.
#[component]
pub fn SparsityChart(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let layers = Memo::new(move |_| {
        rounds.with(|r| round_shown(r, selected.get()).map(|x| x.layer_remaining.clone()).unwrap_or_default())
    });
    view! {
        <figure class="chart" id="sparsity-chart">
            <figcaption>"Weights remaining per layer"</figcaption>
            <div class="bars">
                {move || layers.get().into_iter().enumerate().map(|(l, kept)| view! {
                    <div class="bar-row">
                        <span class="bar-label">{format!("layer {}", l + 1)}</span>
                        <span class="bar-track">
                            <span class="bar-fill" style:width=format!("{:.1}%", kept * 100.0)></span>
                        </span>
                        <span class="bar-value">{format!("{:.1}%", kept * 100.0)}</span>
                    </div>
                }).collect::<Vec<_>>()}
            </div>
        </figure>
    }
}

const SWEEP_HINT: &str =
    "Solid: the ticket's mean over replicates, band min–max; dashed: the random-reinit control's mean.";

/// One configuration of an imported sweep, drawn.
#[derive(Clone, Debug, PartialEq)]
struct ConfigurationPlot {
    label: String,
    colour: &'static str,
    ticket: Series,
    reinit: Series,
}

/// An imported sweep summary: each configuration's ticket (mean and min–max
/// band) and random-reinit control (dashed mean), for comparison.
#[derive(Clone, Debug, PartialEq)]
struct SweepPlot {
    file: String,
    configurations: Vec<ConfigurationPlot>,
    y: (f64, f64),
    ticks: Vec<Tick>,
}

/// What tells the configurations apart: the settings whose values differ
/// between them ("sched=oneshot"), or all non-default ones for a single configuration.
fn configuration_labels(summary: &Summary) -> Vec<String> {
    let values: Vec<Vec<(&str, String)>> = summary
        .configurations
        .iter()
        .map(|c| {
            let state = UrlState { config: c.config.clone(), ..UrlState::default() };
            url::SETTINGS.iter().map(|s| (s.key, url::get(&state, s.key).unwrap_or_default())).collect()
        })
        .collect();
    let differs = |k: usize| values.iter().any(|v| v[k].1 != values[0][k].1);
    let keys: Vec<usize> = (0..url::SETTINGS.len()).filter(|&k| differs(k)).collect();
    summary
        .configurations
        .iter()
        .zip(&values)
        .map(|(c, v)| {
            let parts: Vec<String> = match keys.is_empty() {
                true => form_urlencoded::parse(c.settings.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect(),
                false => keys.iter().map(|&k| format!("{}={}", v[k].0, v[k].1)).collect(),
            };
            format!("{} (n={})", parts.join(" "), c.replicates)
        })
        .collect()
}

impl SweepPlot {
    fn new(file: &str, summary: &Summary) -> Self {
        let all = summary.configurations.iter().flat_map(|c| &c.rounds);
        let axis = LogAxis::new(all.clone().map(|r| r.weights_remaining));
        let mut values = all.flat_map(|r| {
            [Some(&r.ticket), r.reinit.as_ref()].into_iter().flatten().flat_map(|n| {
                let s = &n.test_accuracy;
                [s.min, s.mean, s.max]
            })
        });
        let y = accuracy_range(&mut values.by_ref().map(|v| v * 100.0));
        let y_axis = Range { lo: y.0, hi: y.1 };
        let labels = configuration_labels(summary);
        let configurations = summary
            .configurations
            .iter()
            .zip(labels)
            .enumerate()
            .map(|(i, (c, label))| {
                let points = |network: NetworkOf| -> Vec<(f64, Spread)> {
                    c.rounds
                        .iter()
                        .filter_map(|r| network(r).map(|n| (axis.x(r.weights_remaining), n.test_accuracy.clone())))
                        .collect()
                };
                ConfigurationPlot {
                    label,
                    colour: palette::sweep_colour(i),
                    ticket: Series::new(&points(|r| Some(&r.ticket)), 100.0, axis.range, y_axis, c.replicates),
                    reinit: Series::new(&points(|r| r.reinit.as_ref()), 100.0, axis.range, y_axis, 1),
                }
            })
            .collect();
        Self { file: file.to_string(), configurations, y, ticks: axis.ticks() }
    }
}

/// An imported `summary.json` (`lottery sweep merge`): its configurations side by side.
#[component]
pub fn SweepChart(
    /// The imported summary and its file name.
    sweep: RwSignal<Option<(String, Summary)>>,
) -> impl IntoView {
    let plot = Memo::new(move |_| sweep.with(|s| s.as_ref().map(|(file, summary)| SweepPlot::new(file, summary))));
    view! {
        {move || plot.get().map(|p| view! {
            <figure class="chart" id="sweep-chart" data-configurations=p.configurations.len()>
                <figcaption>
                    {format!("Imported sweep {}: ticket accuracy (%) vs. weights remaining", p.file)}
                </figcaption>
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="the sweep's configurations">
                    <Axes />
                    {p.ticks.iter().map(|t| view! {
                        <text class="tick" x=format!("{:.1}", t.x - 8.0) y={H - 14.0}>{t.label.clone()}</text>
                    }).collect::<Vec<_>>()}
                    <text class="tick" x=2 y={PAD + 4.0}>"100"</text>
                    <text class="tick" x=2 y={H - PAD}>{format!("{:.0}", p.y.0)}</text>
                    {p.configurations.iter().map(|c| view! {
                        <polygon class="sweep-band" fill=c.colour points=c.ticket.band.clone() />
                        <polyline class="sweep-line" stroke=c.colour points=c.ticket.mean.points.clone() />
                        <polyline class="sweep-line control" stroke=c.colour points=c.reinit.mean.points.clone() />
                    }).collect::<Vec<_>>()}
                </svg>
                <ul class="sweep-legend">
                    {p.configurations.iter().map(|c| view! {
                        <li><span class="swatch" style:background=c.colour></span>{c.label.clone()}</li>
                    }).collect::<Vec<_>>()}
                </ul>
                <p class="hint">{SWEEP_HINT}</p>
                <button id="close-sweep" on:click=move |_| sweep.set(None)>"Close the sweep"</button>
            </figure>
        })}
    }
}
