//! The winning ticket, drawn: every surviving connection of the latest
//! mask as a line between neurons, width by |θ0|, orange for negative and
//! blue for positive (TensorFlow Playground's convention). Networks above
//! `MAX_DRAWN` weights show per-layer densities instead.

use leptos::prelude::*;

use crate::engine::{Mask, RoundReport, Weights};
use crate::engine::config::ExperimentConfig;

pub const MAX_DRAWN: usize = 4096;
const W: f64 = 420.0;
const H: f64 = 300.0;

#[component]
pub fn NetworkView(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
) -> impl IntoView {
    let drawing = move || {
        let cfg = config.get();
        let widths = cfg.widths();
        let mask = rounds.with(|r| r.last().map(|x| x.mask.clone())).unwrap_or_else(|| Mask::dense(&widths));
        if mask.total() > MAX_DRAWN || mask.layers.len() + 1 != widths.len() || mask.layers.iter().zip(widths.windows(2)).any(|(m, w)| m.fan_in != w[0] || m.fan_out != w[1]) {
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
                        let class = if w < 0.0 { "link neg" } else { "link pos" };
                        lines.push((x1, y1, x2, y2, width, class));
                    }
                }
            }
        }
        let nodes: Vec<(f64, f64)> = (0..widths.len()).flat_map(|l| (0..widths[l]).map(move |i| (l, i))).map(|(l, i)| pos(l, i)).collect();
        Some((lines, nodes, mask.remaining()))
    };
    view! {
        <figure class="network" id="network">
            <figcaption>{move || rounds.with(|r| match r.last() {
                Some(x) => format!("The ticket after round {}: {} of {} weights", x.round, x.remaining, x.total),
                None => "The dense network before any pruning".into(),
            })}</figcaption>
            {move || match drawing() {
                Some((lines, nodes, remaining)) => view! {
                    <svg viewBox=format!("0 0 {W} {H}") data-connections=remaining role="img" aria-label="surviving connections">
                        {lines.into_iter().map(|(x1, y1, x2, y2, w, c)| view! {
                            <line class=c x1=format!("{x1:.1}") y1=format!("{y1:.1}") x2=format!("{x2:.1}") y2=format!("{y2:.1}") stroke-width=format!("{w:.2}") />
                        }).collect::<Vec<_>>()}
                        {nodes.into_iter().map(|(x, y)| view! { <circle class="neuron" cx=format!("{x:.1}") cy=format!("{y:.1}") r="3.5" /> }).collect::<Vec<_>>()}
                    </svg>
                }.into_any(),
                None => view! {
                    <div class="densities">
                        {move || rounds.with(|r| r.last().map(|x| x.layer_remaining.clone()).unwrap_or_default()).into_iter().enumerate().map(|(l, d)| view! {
                            <p>{format!("layer {}: {:.1}% of weights remain", l + 1, d * 100.0)}</p>
                        }).collect::<Vec<_>>()}
                    </div>
                }.into_any(),
            }}
        </figure>
    }
}
