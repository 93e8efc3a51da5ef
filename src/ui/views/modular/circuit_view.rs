//! What the round shown's trained networks compute with (modular
//! addition): the token embedding's Fourier spectrum over the numbers for
//! the ticket, each control and the dense network of round 0 (a grokked
//! network has a few tall frequencies), and, per head of a transformer
//! ticket, where "=" attends.

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::lottery::train::RunSummary;
use crate::engine::tasks::circuit::Circuit;

use crate::ui::drawing::charts::{Axes, H, Line, NetworkLegend, PAD, Range, W, sx};
use crate::ui::round_shown;

/// One network's spectrum, and the frequency holding most of its power.
#[derive(Clone, Debug, PartialEq)]
struct SpectrumLine {
    /// The CSS class of its colour: ticket, reinit, random or dense.
    class: &'static str,
    line: Line,
    top: String,
}

/// Per head of the ticket, the shares of attention from "=" to a, b and "=".
#[derive(Clone, Debug, PartialEq)]
struct HeadAttention {
    a: f64,
    b: f64,
    equals: f64,
}

#[derive(Clone, Debug, PartialEq)]
struct CircuitPlot {
    round: usize,
    lines: Vec<SpectrumLine>,
    /// (SVG x, label) of frequency ticks.
    ticks: Vec<(f64, String)>,
    /// The spectrum's y axis top (a share).
    y_max: f64,
    heads: Vec<HeadAttention>,
}

/// Frequency ticks every this many.
const FREQUENCY_TICK: usize = 5;
/// Width of an attention bar (SVG units) and its height.
const BAR_W: f64 = 240.0;
const BAR_H: f64 = 12.0;
const ATTENTION_CAPTION: &str = "The ticket's attention from “=” to a, b and “=” (mean over all pairs)";
/// Where the bars start, right of the head labels.
const BAR_LEFT: f64 = 50.0;

impl CircuitPlot {
    /// The round shown's networks, and round 0's dense network beside a later round's (`dense`).
    fn new(report: &RoundReport, dense: Option<&RoundReport>) -> Option<Self> {
        let runs = [
            ("ticket", Some(&report.ticket)),
            ("reinit", report.reinit.as_ref()),
            ("random", report.random_mask.as_ref()),
            ("dense", dense.map(|d| &d.ticket)),
        ];
        let circuits: Vec<(&'static str, &Circuit)> = runs
            .iter()
            .filter_map(|(class, run)| run.and_then(|r: &RunSummary| r.score.circuit.as_ref()).map(|c| (*class, c)))
            .collect();
        let ticket = circuits.first()?.1;
        let n = ticket.spectrum.len().max(2);
        let y_max = circuits.iter().flat_map(|(_, c)| c.spectrum.iter().copied()).fold(0.01, f64::max);
        let (x, y) = (Range { lo: 1.0, hi: n as f64 }, Range { lo: 0.0, hi: y_max });
        let lines = circuits
            .iter()
            .map(|(class, c)| {
                let points: Vec<(f64, f64)> =
                    c.spectrum.iter().enumerate().map(|(k, &s)| ((k + 1) as f64, s)).collect();
                let top = c.top_frequency().map_or_else(String::new, |(k, s)| format!("k = {k} ({:.0}%)", s * 100.0));
                SpectrumLine { class, line: Line::new(&points, x, y), top }
            })
            .collect();
        let ticks = (1..=n)
            .filter(|k| *k == 1 || k.is_multiple_of(FREQUENCY_TICK))
            .map(|k| (sx(k as f64, x), k.to_string()))
            .collect();
        let heads = ticket.attention.iter().map(|&[a, b, equals]| HeadAttention { a, b, equals }).collect();
        Some(Self { round: report.round, lines, ticks, y_max, heads })
    }
}

/// The embedding spectra (ticket and controls) and the ticket's attention from "=".
#[component]
pub fn CircuitView(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let plot = Memo::new(move |_| {
        rounds.with(|r| {
            let shown = round_shown(r, selected.get())?;
            CircuitPlot::new(shown, r.first().filter(|d| d.round == 0 && shown.round > 0))
        })
    });
    view! {
        {move || plot.get().map(|p| {
            let tops = p.lines.iter().map(|l| format!("{}: {}", l.class, l.top)).collect::<Vec<_>>().join(" · ");
            let with_dense = p.lines.iter().any(|l| l.class == "dense");
            let heads = p.heads.clone();
            let attention = (!heads.is_empty()).then(|| view! { <AttentionBars heads /> });
            view! {
                <figure class="chart" id="spectrum-chart" data-networks=p.lines.len() data-round=p.round>
                    <figcaption>{format!(
                        "Round {}: the embedding's Fourier spectrum (share of power per frequency)", p.round
                    )}</figcaption>
                    <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="embedding power per frequency">
                        <Axes />
                        <text class="tick" x=2 y={PAD + 4.0}>{format!("{:.0}%", p.y_max * 100.0)}</text>
                        <text class="tick" x=2 y={H - PAD}>"0"</text>
                        {p.ticks.iter().map(|(x, label)| view! {
                            <text class="tick" x=format!("{:.1}", x - 3.0) y={H - 14.0}>{label.clone()}</text>
                        }).collect::<Vec<_>>()}
                        <text class="axis-title" x={W / 2.0} y={H - 2.0}>"frequency k"</text>
                        {p.lines.iter().map(|l| view! {
                            <polyline class=format!("series {}", l.class) points=l.line.points.clone() />
                        }).collect::<Vec<_>>()}
                    </svg>
                    <NetworkLegend />
                    {with_dense.then(|| view! {
                        <p class="legend"><span class="swatch dense"></span>"dense network (round 0)"</p>
                    })}
                    <p class="hint">{tops}</p>
                </figure>
                {attention}
            }
        })}
    }
}

/// Per head of a transformer ticket, where "=" attends: one bar of three segments (a, b, "=").
#[component]
fn AttentionBars(heads: Vec<HeadAttention>) -> impl IntoView {
    let height = BAR_H * 1.5 * heads.len() as f64 + 4.0;
    let view_box = format!("0 0 {:.0} {height:.0}", BAR_W + 60.0);
    view! {
        <figure class="chart" id="attention-view" data-heads=heads.len()>
            <figcaption>{ATTENTION_CAPTION}</figcaption>
            <svg viewBox=view_box role="img" aria-label="attention per head">
                {heads.iter().enumerate().map(|(h, s)| {
                    let y = h as f64 * BAR_H * 1.5;
                    // One segment per position, side by side: a, b, then "=".
                    let segments =
                        [("attend-a", "a", s.a), ("attend-b", "b", s.b), ("attend-equals", "=", s.equals)];
                    let starts = [0.0, s.a, s.a + s.b];
                    view! {
                        <text class="tick" x=0 y=format!("{:.1}", y + BAR_H * 0.8)>{format!("head {h}")}</text>
                        {segments.into_iter().zip(starts).map(|((class, to, share), start)| view! {
                            <rect class=class x=format!("{:.1}", BAR_LEFT + start * BAR_W) y=format!("{y:.1}")
                                width=format!("{:.1}", share * BAR_W) height={BAR_H}>
                                <title>{format!("head {h} → {to}: {:.0}%", share * 100.0)}</title>
                            </rect>
                        }).collect::<Vec<_>>()}
                    }
                }).collect::<Vec<_>>()}
            </svg>
            <p class="legend"><span class="swatch attend-a"></span>"a "<span class="swatch attend-b"></span>"b "
                <span class="swatch attend-equals"></span>"="</p>
        </figure>
    }
}
