//! What the ticket saves, round by round: the ticket's files in bytes (a log scale) against weights remaining,
//! beside the accuracy chart: the dense network's f32 weights (flat: the zeros are kept), the same gzipped (the
//! usual "pruned model"), and the lab's compact file in f32 and int8. The first replicate's rounds, from each
//! report's `ticket_bytes`: lengths of files really written.

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::records::compact::Precision;
use crate::engine::records::ticket_bytes::Bytes;
use crate::ui::drawing::charts::{Axes, H, Line, LogAxis, PAD, Range, Tick, W, sy};

/// One series of the chart: CSS class, legend words, and which bytes.
struct Form {
    class: &'static str,
    label: &'static str,
    bytes: fn(&Bytes) -> usize,
}

const FORMS: [Form; 4] = [
    Form { class: "dense-f32", label: "dense f32", bytes: |b| b.dense_f32 },
    Form { class: "dense-gzip", label: "dense gzipped", bytes: |b| b.dense_gzip },
    Form { class: "compact-f32", label: "compact f32", bytes: |b| b.compact(Precision::F32) },
    Form { class: "compact-int8", label: "compact int8", bytes: |b| b.compact(Precision::Int8) },
];

/// Bytes in the units a person reads (decimal: 1 kB = 1000 B, as file browsers show them).
pub fn written_bytes(bytes: usize) -> String {
    const KB: f64 = 1e3;
    const MB: f64 = 1e6;
    match bytes as f64 {
        b if b < KB => format!("{bytes} B"),
        b if b < MB => format!("{:.1} kB", b / KB),
        b => format!("{:.2} MB", b / MB),
    }
}

/// A power of ten of bytes as an axis label: 1 B, 10 B, … 1 kB, 10 kB, … 1 MB, ….
fn decade_label(decade: i32) -> String {
    let d = decade.max(0);
    let (unit, shift) = match d {
        0..=2 => ("B", 0),
        3..=5 => ("kB", 3),
        _ => ("MB", 6),
    };
    format!("{} {unit}", 10u64.pow((d - shift) as u32))
}

/// The chart, ready to draw.
#[derive(Clone, Debug, PartialEq)]
struct SavingsPlot {
    /// CSS class, legend words, line.
    lines: Vec<(&'static str, &'static str, Line)>,
    ticks: Vec<Tick>,
    /// Powers of ten of bytes: SVG y and label.
    y_ticks: Vec<(f64, String)>,
    rounds: usize,
}

impl SavingsPlot {
    fn new(rounds: &[RoundReport]) -> Option<Self> {
        let measured: Vec<(f64, &Bytes)> =
            rounds.iter().filter_map(|r| r.ticket_bytes.as_ref().map(|b| (r.weights_remaining, b))).collect();
        if measured.is_empty() {
            return None;
        }
        let axis = LogAxis::new(measured.iter().map(|m| m.0));
        let all = measured.iter().flat_map(|(_, b)| FORMS.iter().map(|f| ((f.bytes)(b).max(1) as f64).log10()));
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let y = Range { lo: lo.floor(), hi: hi.ceil().max(lo.floor() + 1.0) };
        let lines = FORMS
            .iter()
            .map(|f| {
                let points: Vec<(f64, f64)> =
                    measured.iter().map(|(r, b)| (axis.x(*r), ((f.bytes)(b).max(1) as f64).log10())).collect();
                (f.class, f.label, Line::new(&points, axis.range, y))
            })
            .collect();
        let decades = (y.lo as i32)..=(y.hi as i32);
        let y_ticks = decades.map(|d| (sy(f64::from(d), y), decade_label(d))).collect();
        Some(Self { lines, ticks: axis.ticks(), y_ticks, rounds: measured.len() })
    }
}

/// The ticket's files in bytes against weights remaining.
#[component]
pub fn SavingsChart(rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let plot = Memo::new(move |_| rounds.with(|r| SavingsPlot::new(r)));
    let drawn = move || {
        plot.with(|p| {
            let p = p.as_ref()?;
            let grid = p.y_ticks.iter().map(|(y, label)| {
                view! {
                    <line class="grid" x1={PAD} y1=format!("{y:.1}") x2={W - PAD} y2=format!("{y:.1}") />
                    <text class="tick" x=2 y=format!("{:.1}", y + 3.0)>{label.clone()}</text>
                }
            });
            let ticks = p.ticks.iter().map(|t| {
                view! { <text class="tick" x=format!("{:.1}", t.x - 8.0) y={H - 14.0}>{t.label.clone()}</text> }
            });
            let lines = p.lines.iter().map(|(class, _, line)| {
                view! { <polyline class=format!("series savings {class}") points=line.points.clone() /> }
            });
            Some(view! {
                {grid.collect_view()}
                <Axes />
                {ticks.collect_view()}
                {lines.collect_view()}
            })
        })
    };
    let legend = move || {
        plot.with(|p| {
            p.as_ref().map(|p| {
                p.lines
                    .iter()
                    .map(|(class, label, _)| {
                        view! { <span><span class=format!("swatch {class}")></span>{*label}</span> }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <Show when=move || plot.with(Option::is_some)>
            <figure class="chart" id="savings-chart"
                data-rounds=move || plot.with(|p| p.as_ref().map_or(0, |p| p.rounds))>
                <figcaption>"What the ticket saves: its file in bytes vs. weights remaining"</figcaption>
                <svg viewBox=format!("0 0 {W} {H}") role="img"
                    aria-label="the ticket's file size against weights remaining">
                    {drawn}
                    <text class="axis-title" x={W / 2.0} y={H - 2.0}>"weights remaining (log)"</text>
                    <text class="axis-title y-title" x={PAD} y={PAD - 8.0}>"bytes (log)"</text>
                </svg>
                <p class="hint">{legend}</p>
            </figure>
        </Show>
    }
}
