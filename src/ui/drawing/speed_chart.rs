//! What the ticket saves in time, round by round, on this page's CPU: each round's ticket run on one input through
//! the dense product (its pruned weights as zeros, as a dense file holds them) and through the sparse kernel, in
//! µs per input (a log scale) against weights remaining, and the break-even: the share of weights from which the
//! sparse kernel is faster in every sparser round. Timed when asked (the button), since timing blocks the page for
//! a moment per round; batch 256 is timed natively (`lottery export`, `make bench`).

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::{ExperimentConfig, RoundReport, Task};
use crate::ui::drawing::charts::{Axes, H, Line, LogAxis, PAD, Range, Tick, W, sx, sy};
use crate::ui::run::kernel_timing::{RoundSpeed, TIMING_MS, break_even, time_rounds};
use crate::ui::run::trained_ticket::TrainedTicket;

/// The chart, ready to draw.
#[derive(Clone, Debug, PartialEq)]
struct SpeedPlot {
    dense: Line,
    sparse: Line,
    /// Each round's point: SVG x, dense y, sparse y, and the round's figures.
    points: Vec<(f64, f64, f64, RoundSpeed)>,
    ticks: Vec<Tick>,
    /// Powers of ten of µs: SVG y and label.
    y_ticks: Vec<(f64, String)>,
    /// The break-even's share of weights and its SVG x.
    break_even: Option<(f64, f64)>,
}

impl SpeedPlot {
    fn new(speeds: &[RoundSpeed]) -> Option<Self> {
        if speeds.is_empty() {
            return None;
        }
        let axis = LogAxis::new(speeds.iter().map(|s| s.remaining));
        let log = |us: f64| us.max(1e-3).log10();
        let all = speeds.iter().flat_map(|s| [log(s.dense_us), log(s.sparse_us)]);
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let y = Range { lo: lo.floor(), hi: hi.ceil().max(lo.floor() + 1.0) };
        let line = |us: fn(&RoundSpeed) -> f64| {
            let points: Vec<(f64, f64)> = speeds.iter().map(|s| (axis.x(s.remaining), log(us(s)))).collect();
            Line::new(&points, axis.range, y)
        };
        let points = speeds
            .iter()
            .map(|s| {
                let x = sx(axis.x(s.remaining), axis.range);
                (x, sy(log(s.dense_us), y), sy(log(s.sparse_us), y), s.clone())
            })
            .collect();
        let decades = (y.lo as i32)..=(y.hi as i32);
        let y_ticks = decades.map(|d| (sy(f64::from(d), y), format!("{} µs", 10f64.powi(d)))).collect();
        Some(Self {
            dense: line(|s| s.dense_us),
            sparse: line(|s| s.sparse_us),
            points,
            ticks: axis.ticks(),
            y_ticks,
            break_even: break_even(speeds).map(|r| (r, sx(axis.x(r), axis.range))),
        })
    }
}

/// The plot's SVG contents: grid, axes, both lines, each round's points, the break-even.
fn speed_svg(p: &SpeedPlot) -> impl IntoView + use<> {
    let grid = p.y_ticks.iter().map(|(y, label)| {
        view! {
            <line class="grid" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}") />
            <text class="tick" x=2 y=format!("{:.1}", y + 3.0)>{label.clone()}</text>
        }
    });
    let ticks = p.ticks.iter().map(|t| {
        view! { <text class="tick" x=format!("{:.1}", t.x - 8.0) y={H - 14.0}>{t.label.clone()}</text> }
    });
    let points = p.points.iter().map(|(x, dy, sy_, s)| {
        view! {
            <g class="speed-point" data-round=s.round data-remaining=format!("{:.6}", s.remaining)
                data-dense-us=format!("{:.3}", s.dense_us) data-sparse-us=format!("{:.3}", s.sparse_us)>
                <circle class="dot dense-time" cx=format!("{x:.1}") cy=format!("{dy:.1}") r="2.5" />
                <circle class="dot sparse-time" cx=format!("{x:.1}") cy=format!("{sy_:.1}") r="2.5" />
            </g>
        }
    });
    let marker = p.break_even.map(|(r, x)| {
        view! {
            <line class="break-even" x1=format!("{x:.1}") y1={PAD} x2=format!("{x:.1}") y2={H - PAD} />
            <text class="tick break-even-label" x=format!("{:.1}", x + 3.0) y={PAD + 8.0}>
                {format!("sparse faster from {:.1}%", r * 100.0)}
            </text>
        }
    });
    view! {
        {grid.collect_view()}
        <Axes />
        {ticks.collect_view()}
        <polyline class="series speed dense-time" points=p.dense.points.clone() />
        <polyline class="series speed sparse-time" points=p.sparse.points.clone() />
        {points.collect_view()}
        {marker}
    }
}

/// Every round's ticket timed both ways on this page, when asked.
#[component]
pub fn SpeedChart(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    /// Each round's ticket as its worker sent it (the compact f32 file).
    files: RwSignal<Vec<Option<Arc<Vec<u8>>>>>,
) -> impl IntoView {
    let speeds = RwSignal::new(None::<Vec<RoundSpeed>>);
    // A new run (or a new round) makes the old times stale.
    Effect::new(move |_| {
        rounds.with(Vec::len);
        speeds.set(None);
    });
    let runs_sparse = move || {
        let mlp = config.with(|c| c.model.conv.is_empty() && !matches!(Task::of(c), Task::ModularAddition { .. }));
        mlp && rounds.with(|r| r.iter().any(|r| r.ticket_bytes.is_some()))
    };
    let time = move |_| {
        let tickets: Vec<TrainedTicket> = config.with_untracked(|c| {
            rounds.with_untracked(|r| {
                files.with_untracked(|f| (0..r.len()).filter_map(|k| TrainedTicket::of(c, r, f, k)).collect())
            })
        });
        speeds.set(Some(time_rounds(&tickets)));
    };
    let plot = Memo::new(move |_| speeds.with(|s| s.as_deref().and_then(SpeedPlot::new)));
    let break_even = move || {
        plot.with(|p| match p.as_ref().map(|p| p.break_even) {
            None => String::new(),
            Some(None) => "none".into(),
            Some(Some((r, _))) => format!("{r:.6}"),
        })
    };
    let caption = format!(
        "Each round's ticket on one input (every value non-zero), on this page's CPU, each time the mean of passes \
         over {TIMING_MS:.0} ms: the dense product over every weight (the pruned ones as zeros) against the sparse \
         kernel over the survivors."
    );
    view! {
        <Show when=runs_sparse>
            <figure class="chart" id="speed-chart" data-break-even=break_even>
                <figcaption>"What the ticket saves: time per input vs. weights remaining"</figcaption>
                <button class="time-rounds" on:click=time>"Time every round on this page"</button>
                {move || plot.with(|p| p.as_ref().map(|p| view! {
                    <svg viewBox=format!("0 0 {W} {H}") role="img"
                        aria-label="time per input, dense against sparse, against weights remaining">
                        {speed_svg(p)}
                        <text class="axis-title" x={W / 2.0} y={H - 2.0}>"weights remaining (log)"</text>
                        <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>"µs per input (log)"</text>
                    </svg>
                }))}
                <p class="hint">
                    <span><span class="swatch dense-time"></span>"dense product"</span>
                    <span><span class="swatch sparse-time"></span>"sparse kernel"</span>
                </p>
                <p class="note">{caption.clone()}</p>
            </figure>
        </Show>
    }
}
