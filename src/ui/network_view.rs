//! The winning ticket, drawn.
//! - [`NetworkView`]: networks up to [`MAX_DRAWN`] weights, every surviving
//!   connection as a line, width by |θ0|, orange negative / blue positive
//!   (TensorFlow Playground's convention); connections that die in the next
//!   round are dashed; hovering a neuron lists its surviving fan-in and fan-out.
//! - [`DecisionView`]: the ticket's decision regions over the plane (2D sets).
//! - [`MaskMaps`]: for larger nets, how many first-layer connections survive
//!   at each input pixel, and each hidden unit's surviving receptive field.
//! - [`RoundSlider`]: scrubs every view through the rounds.

use leptos::prelude::*;

use crate::engine::config::ExperimentConfig;
use crate::engine::{self, Mask, RoundReport, Weights};

use super::round_shown;

pub const MAX_DRAWN: usize = 4096;
const W: f64 = 420.0;
const H: f64 = 300.0;

#[component]
pub fn RoundSlider(
    /// The ticket's mask after each round (from the run, or from a link).
    masks: Signal<Vec<Mask>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let n = move || masks.with(Vec::len);
    let value = move || selected.get().unwrap_or(n().saturating_sub(1)).min(n().saturating_sub(1));
    view! {
        <div class="slider" class:hidden=move || n() < 2>
            <label for="round-slider">"Round "
                <input id="round-slider" type="range" min="0" max=move || n().saturating_sub(1) step="1"
                    prop:value=move || value().to_string()
                    on:input=move |ev| {
                        let v: usize = event_target_value(&ev).parse().unwrap_or(0);
                        selected.set(if v + 1 >= n() { None } else { Some(v) });
                    } />
                <output id="round-shown">{move || format!("{} of {}", value(), n().saturating_sub(1))}</output>
            </label>
        </div>
    }
}

#[component]
pub fn NetworkView(
    config: Signal<ExperimentConfig>,
    /// The ticket's mask after each round (from the run, or from a link).
    masks: Signal<Vec<Mask>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let shown_index = move || {
        let n = masks.with(Vec::len);
        (n > 0).then(|| selected.get().unwrap_or(n - 1).min(n - 1))
    };
    let hovered: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);
    let drawing = move || {
        let cfg = config.get();
        if !cfg.model.conv.is_empty() {
            return None;
        }
        let widths = cfg.widths();
        let (mask, next) = masks.with(|m| match shown_index() {
            Some(i) => (m.get(i).cloned(), m.get(i + 1).cloned()),
            None => (None, None),
        });
        let mask = mask.unwrap_or_else(|| Mask::dense(&widths));
        let fits = mask.total() <= MAX_DRAWN
            && mask.layers.len() + 1 == widths.len()
            && mask.layers.iter().zip(widths.windows(2)).all(|(m, w)| m.fan_in == w[0] && m.fan_out == w[1]);
        if !fits {
            return None;
        }
        let theta0 = Weights::init(&widths, cfg.model.init, cfg.seed, 0);
        let max_w = theta0.layers.iter().flat_map(|l| l.w.iter()).fold(0.0f32, |a, w| a.max(w.abs())).max(1e-6);
        let cols = widths.len() as f64;
        let pos = |layer: usize, i: usize| {
            let n = widths[layer] as f64;
            let x = 20.0 + layer as f64 * (W - 40.0) / (cols - 1.0);
            let y = H / 2.0 + (i as f64 - (n - 1.0) / 2.0) * (H - 30.0) / n.max(1.0);
            (x, y)
        };
        let mut lines = Vec::new();
        for (l, (m, lw)) in mask.layers.iter().zip(&theta0.layers).enumerate() {
            for i in 0..m.fan_in {
                for j in 0..m.fan_out {
                    let k = i * m.fan_out + j;
                    if m.keep[k] {
                        let (x1, y1) = pos(l, i);
                        let (x2, y2) = pos(l + 1, j);
                        let w = lw.w[k];
                        let width = 0.3 + 2.7 * (w.abs() / max_w) as f64;
                        let dies = next.as_ref().is_some_and(|n| !n.layers[l].keep[k]);
                        let class = match (w < 0.0, dies) {
                            (true, false) => "link neg",
                            (false, false) => "link pos",
                            (true, true) => "link neg dies",
                            (false, true) => "link pos dies",
                        };
                        lines.push((x1, y1, x2, y2, width, class, (l, i), (l + 1, j)));
                    }
                }
            }
        }
        let nodes: Vec<(usize, usize, f64, f64)> =
            (0..widths.len()).flat_map(|l| (0..widths[l]).map(move |i| (l, i))).map(|(l, i)| { let (x, y) = pos(l, i); (l, i, x, y) }).collect();
        Some((lines, nodes, mask))
    };
    let fan = move || {
        let (l, i) = hovered.get()?;
        let (_, _, mask) = drawing()?;
        let fan_in = if l == 0 { 0 } else { let m = &mask.layers[l - 1]; (0..m.fan_in).filter(|&r| m.keep[r * m.fan_out + i]).count() };
        let fan_out = mask.layers.get(l).map_or(0, |m| (0..m.fan_out).filter(|&c| m.keep[i * m.fan_out + c]).count());
        Some(format!("Layer {l}, neuron {i}: {fan_in} surviving inputs, {fan_out} surviving outputs"))
    };
    view! {
        <figure class="network" id="network">
            <figcaption>{move || masks.with(|m| match shown_index().and_then(|i| m.get(i).map(|x| (i, x))) {
                Some((i, x)) => format!("The ticket after round {i}: {} of {} weights ({:.1}%)", x.remaining(), x.total(), x.density() * 100.0),
                None => "The dense network before any pruning".into(),
            })}</figcaption>
            {move || drawing().map(|(lines, nodes, mask)| view! {
                <svg viewBox=format!("0 0 {W} {H}") data-connections=mask.remaining() role="img" aria-label="surviving connections">
                    {lines.into_iter().map(|(x1, y1, x2, y2, w, c, a, b)| view! {
                        <line class=c class:lit=move || hovered.get() == Some(a) || hovered.get() == Some(b)
                            x1=format!("{x1:.1}") y1=format!("{y1:.1}") x2=format!("{x2:.1}") y2=format!("{y2:.1}") stroke-width=format!("{w:.2}") />
                    }).collect::<Vec<_>>()}
                    {nodes.into_iter().map(|(l, i, x, y)| view! {
                        <circle class="neuron" cx=format!("{x:.1}") cy=format!("{y:.1}") r="4"
                            on:mouseenter=move |_| hovered.set(Some((l, i))) on:mouseleave=move |_| hovered.set(None) />
                    }).collect::<Vec<_>>()}
                </svg>
            })}
            <p class="hint" id="fan">{move || fan().unwrap_or_else(|| "Hover a neuron to see its surviving connections. Dashed lines die in the next round.".into())}</p>
        </figure>
    }
}

/// The trained ticket's decision regions over the plane, with the test points.
#[component]
pub fn DecisionView(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    selected: RwSignal<Option<usize>>,
    /// The ticket training now, drawn while it trains (round, weights).
    live: RwSignal<Option<(usize, Weights)>>,
) -> impl IntoView {
    // The training ticket while one trains and no past round is selected; else the round shown.
    let source = move || -> Option<(String, Weights)> {
        if selected.get().is_none() {
            if let Some((r, w)) = live.get() {
                return Some((format!("What the round {r} ticket predicts as it trains (test points on top)"), w));
            }
        }
        rounds.with(|r| round_shown(r, selected.get()).and_then(|x| x.trained.clone().map(|w| (format!("What the round {} ticket predicts after training (test points on top)", x.round), w))))
    };
    const N: usize = 36;
    const S: f64 = 220.0;
    let regions = move || {
        let cfg = config.get();
        if !cfg.data.dataset.is_2d() {
            return None;
        }
        let (caption, weights) = source()?;
        let cell = S / N as f64;
        let to = |v: f64| (v + 1.2) / 2.4 * S;
        let mut cells = Vec::with_capacity(N * N);
        for gy in 0..N {
            for gx in 0..N {
                let x = -1.2 + (gx as f64 + 0.5) * 2.4 / N as f64;
                let y = 1.2 - (gy as f64 + 0.5) * 2.4 / N as f64;
                let p = weights.predict(&[x as f32, y as f32])[1] as f64;
                cells.push((gx as f64 * cell, gy as f64 * cell, cell, p));
            }
        }
        let data = engine::build_dataset(&cfg, None).ok()?;
        let points: Vec<(f64, f64, u8)> = data.test.y.iter().enumerate()
            .map(|(i, &y)| (to(data.test.x[2 * i] as f64), S - to(data.test.x[2 * i + 1] as f64), y)).collect();
        Some((caption, cells, points))
    };
    view! {
        {move || regions().map(|(caption, cells, points)| view! {
            <figure class="decision" id="decision">
                <figcaption>{caption}</figcaption>
                <svg viewBox=format!("0 0 {S} {S}") role="img" aria-label="decision regions">
                    {cells.into_iter().map(|(x, y, c, p)| view! {
                        <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.2}", c + 0.3) height=format!("{:.2}", c + 0.3)
                            fill=format!("rgba({},{},{},0.55)", (245.0 - 237.0 * p) as u8, (147.0 - 28.0 * p) as u8, (34.0 + 155.0 * p) as u8) />
                    }).collect::<Vec<_>>()}
                    {points.into_iter().map(|(x, y, l)| view! {
                        <circle class=if l == 1 { "pt one" } else { "pt zero" } cx=format!("{x:.1}") cy=format!("{y:.1}") r="2.2" />
                    }).collect::<Vec<_>>()}
                </svg>
            </figure>
        })}
    }
}

/// For image sets: surviving first-layer connections per input pixel, and a
/// grid of hidden units' surviving receptive fields.
#[component]
pub fn MaskMaps(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let maps = move || {
        let cfg = config.get();
        let side = cfg.data.dataset.side();
        if side == 0 || !cfg.model.conv.is_empty() {
            return None;
        }
        let mask = rounds.with(|r| round_shown(r, selected.get()).map(|x| x.mask.clone()))?;
        let first = mask.layers.first()?;
        if first.fan_in != side * side {
            return None;
        }
        let counts: Vec<usize> = (0..first.fan_in).map(|p| first.keep[p * first.fan_out..(p + 1) * first.fan_out].iter().filter(|k| **k).count()).collect();
        let units = first.fan_out.min(16);
        let fields: Vec<Vec<bool>> = (0..units).map(|u| (0..first.fan_in).map(|p| first.keep[p * first.fan_out + u]).collect()).collect();
        Some((side, first.fan_out, counts, fields))
    };
    view! {
        {move || maps().map(|(side, fan_out, counts, fields)| {
            let px = 200.0 / side as f64;
            view! {
                <figure class="maskmaps" id="pixel-map">
                    <figcaption>{format!("Surviving first-layer connections per input pixel (of {fan_out})")}</figcaption>
                    <svg viewBox="0 0 200 200" role="img" aria-label="connections per pixel">
                        {counts.iter().enumerate().map(|(p, &c)| {
                            let v = c as f64 / fan_out.max(1) as f64;
                            view! { <rect x=format!("{:.2}", (p % side) as f64 * px) y=format!("{:.2}", (p / side) as f64 * px)
                                width=format!("{:.2}", px + 0.2) height=format!("{:.2}", px + 0.2)
                                fill=format!("rgb({0},{0},{1})", (255.0 * (1.0 - v)) as u8, (255.0 - 100.0 * v) as u8) /> }
                        }).collect::<Vec<_>>()}
                    </svg>
                    <figcaption>"Receptive fields of the first 16 hidden units (dark: kept)"</figcaption>
                    <div class="fields">
                        {fields.into_iter().map(|f| view! {
                            <svg viewBox=format!("0 0 {side} {side}") class="field">
                                {f.iter().enumerate().filter(|(_, k)| **k).map(|(p, _)| view! {
                                    <rect x=(p % side).to_string() y=(p / side).to_string() width="1" height="1" />
                                }).collect::<Vec<_>>()}
                            </svg>
                        }).collect::<Vec<_>>()}
                    </div>
                </figure>
            }
        })}
    }
}

/// For networks too large to draw line by line: each layer's mask as a
/// heatmap, rows = inputs, columns = outputs, in blocks of at most 48×48
/// cells; darker blocks keep more of their weights.
#[component]
pub fn LayerHeatmaps(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    const CELLS: usize = 48;
    let maps = move || {
        let mask = rounds.with(|r| round_shown(r, selected.get()).map(|x| x.mask.clone()))?;
        if mask.total() <= MAX_DRAWN {
            return None;
        }
        Some(
            mask.layers
                .iter()
                .map(|m| {
                    let (rows, cols) = (m.fan_in.min(CELLS), m.fan_out.min(CELLS));
                    let mut kept = vec![0usize; rows * cols];
                    let mut all = vec![0usize; rows * cols];
                    for i in 0..m.fan_in {
                        for j in 0..m.fan_out {
                            let c = (i * rows / m.fan_in) * cols + j * cols / m.fan_out;
                            all[c] += 1;
                            kept[c] += usize::from(m.keep[i * m.fan_out + j]);
                        }
                    }
                    let density: Vec<f64> = kept.iter().zip(&all).map(|(k, a)| *k as f64 / (*a).max(1) as f64).collect();
                    (m.fan_in, m.fan_out, rows, cols, density, m.density())
                })
                .collect::<Vec<_>>(),
        )
    };
    view! {
        {move || maps().map(|layers| view! {
            <figure class="heatmaps" id="layer-heatmaps">
                <figcaption>"Each layer's mask (rows: inputs, columns: outputs; darker keeps more)"</figcaption>
                <div class="heatmap-row">
                    {layers.into_iter().enumerate().map(|(l, (fan_in, fan_out, rows, cols, density, d))| view! {
                        <div class="heatmap">
                            <svg viewBox=format!("0 0 {cols} {rows}") preserveAspectRatio="none" role="img" aria-label=format!("layer {} mask", l + 1)>
                                {density.into_iter().enumerate().map(|(c, v)| view! {
                                    <rect x=(c % cols).to_string() y=(c / cols).to_string() width="1.02" height="1.02"
                                        fill=format!("rgb({0},{1},{2})", (240.0 - 216.0 * v) as u8, (244.0 - 183.0 * v) as u8, (248.0 - 170.0 * v) as u8) />
                                }).collect::<Vec<_>>()}
                            </svg>
                            <small>{format!("layer {}: {fan_in}×{fan_out}, {:.1}% kept", l + 1, d * 100.0)}</small>
                        </div>
                    }).collect::<Vec<_>>()}
                </div>
            </figure>
        })}
    }
}
