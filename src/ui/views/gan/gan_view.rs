//! A GAN's generated points, as GAN Lab draws them: the target's modes (a ring
//! of 3σ around each), the generated points, and behind them the
//! discriminator's decision map (blue where it believes points are real,
//! orange where fake). One canvas for the generator training now (its live
//! weights mapped over the fixed noise on the host, redrawn as it trains) and
//! one per network of the round shown: the ticket beside its controls, from
//! the same noise.

use leptos::html;
use leptos::prelude::*;

use crate::engine::figures::FigureKey;
use crate::engine::networks::weights::Weights;
use crate::engine::tasks::gan::{DecisionMap, shown_noise};
use crate::engine::tasks::mixture::{Mixture, NOISE_DIM, POINT_DIM, QUALITY_SIGMAS};
use crate::engine::{ExperimentConfig, RoundReport};

use crate::ui::drawing::canvas::{self, Context2d};
use crate::ui::drawing::palette::{self, Rgb};
use crate::ui::{round_networks, round_shown};

/// A panel's canvas, in CSS pixels (square).
const CANVAS_SIDE: f64 = 160.0;
const POINT_RADIUS: f64 = 1.4;
const MODE_INK: Rgb = Rgb(29.0, 34.0, 48.0);
/// How strongly the decision map is tinted at its most certain.
const DECISION_ALPHA: f64 = 0.35;

/// What one canvas draws.
#[derive(Clone, Debug, PartialEq)]
struct Panel {
    /// The CSS class of its colour (ticket, reinit, random, live).
    class: &'static str,
    label: String,
    colour: Rgb,
    /// Row-major (x, y) points.
    points: Vec<f32>,
    decision: Option<DecisionMap>,
    /// "8 of 8 modes · 91% high quality" once scored.
    status: String,
}

impl Panel {
    fn of_round(report: &RoundReport) -> Vec<Panel> {
        round_networks(report)
            .into_iter()
            .filter_map(|(class, run)| {
                let s = &run?.score;
                let (label, colour) = match class {
                    "ticket" => ("winning ticket", palette::TICKET),
                    "reinit" => ("random reinit", palette::REINIT),
                    _ => ("random mask", palette::RANDOM),
                };
                let status =
                    match (s.figures.get(FigureKey::ModesCovered), s.figures.get(FigureKey::HighQualityFraction)) {
                        (Some(m), Some(q)) => format!("{m:.0} modes · {:.0}% high quality", q * 100.0),
                        _ => String::new(),
                    };
                // With the discriminator pruned too, every network of the round trained against a D this sparse.
                let d = report.companion_remaining.map_or_else(String::new, |d| format!(" · D {:.1}%", d * 100.0));
                Some(Panel {
                    class,
                    label: format!("{label}, round {}{d}", report.round),
                    colour,
                    points: s.points.clone()?,
                    decision: s.decision.clone(),
                    status,
                })
            })
            .collect()
    }

    /// The generator training now: its live weights over the drawn noise, on the host.
    fn live(round: usize, weights: &Weights, noise: &[f32]) -> Panel {
        let points = noise.chunks_exact(NOISE_DIM).flat_map(|z| weights.forward(z)).collect();
        Panel {
            class: "live",
            label: format!("training now, round {round}"),
            colour: palette::TICKET,
            points,
            decision: None,
            status: String::new(),
        }
    }
}

/// The target, the generated points and the decision map of each network, and of the generator training now.
#[component]
pub fn GanView(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    selected: RwSignal<Option<usize>>,
    /// The network training now (round, weights), while a run goes.
    live: RwSignal<Option<(usize, Weights)>>,
) -> impl IntoView {
    let mixture = Memo::new(move |_| config.with(|c| Mixture::of(c.data.dataset)));
    let noise = Memo::new(move |_| config.with(|c| shown_noise(c.seed)));
    let live_panel =
        Memo::new(move |_| live.with(|l| l.as_ref().map(|(round, w)| noise.with(|z| Panel::live(*round, w, z)))));
    let finished = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(Panel::of_round)));
    let panels = move || live_panel.get().into_iter().chain(finished.get().unwrap_or_default()).collect::<Vec<_>>();
    view! {
        <figure class="chart" id="gan-view" data-networks=move || finished.with(|p| p.as_ref().map_or(0, Vec::len))
            data-live=move || live_panel.with(|p| p.as_ref().map(|p| points_digest(&p.points)))>
            <figcaption>"Generated points (dots) over the target's modes (rings of 3σ) and the discriminator's \
                belief (blue: real, orange: fake)"</figcaption>
            <div class="gan-panels">
                <For each=panels key=|p| (p.class, p.label.clone(), points_digest(&p.points))
                    children=move |panel| view! { <GanPanel panel=panel mixture=mixture /> } />
            </div>
        </figure>
    }
}

/// A short fingerprint of a point set, so a test (and the list's keys) can tell one drawing from the next.
fn points_digest(points: &[f32]) -> String {
    let sum: f64 = points.iter().map(|&v| f64::from(v)).sum();
    format!("{sum:.4}")
}

#[component]
fn GanPanel(panel: Panel, mixture: Memo<Option<Mixture>>) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let (class, label, status) = (panel.class, panel.label.clone(), panel.status.clone());
    let panel = StoredValue::new(panel);
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        mixture.with(|m| {
            if let Some(m) = m {
                panel.with_value(|p| draw(&canvas, p, m));
            }
        })
    });
    view! {
        <div class=format!("gan-panel {class}")>
            <canvas node_ref=canvas style:width=format!("{CANVAS_SIDE}px") style:height=format!("{CANVAS_SIDE}px")
                aria-label=format!("{label}: generated points")></canvas>
            <p class="gan-status"><span class=format!("swatch {class}")></span>{label}
                {(!status.is_empty()).then(|| format!(": {status}"))}</p>
        </div>
    }
}

fn draw(canvas: &web_sys::HtmlCanvasElement, panel: &Panel, mixture: &Mixture) {
    let Some(ctx) = canvas::context(canvas, CANVAS_SIDE, CANVAS_SIDE) else { return };
    let half = mixture.view_half_width();
    let scale = CANVAS_SIDE / (2.0 * half);
    let at = |x: f64, y: f64| ((x + half) * scale, (half - y) * scale);
    if let Some(map) = &panel.decision {
        draw_decision(&ctx, map);
    }
    ctx.set_stroke_style(&MODE_INK.css());
    ctx.set_line_width(1.0);
    for m in &mixture.means {
        let (x, y) = at(m[0], m[1]);
        ctx.begin_path();
        ctx.arc(x, y, (QUALITY_SIGMAS * mixture.sigma * scale).max(2.0), 0.0, std::f64::consts::TAU);
        ctx.stroke();
    }
    ctx.set_fill_style(&panel.colour.css_alpha(0.7));
    for p in panel.points.chunks_exact(POINT_DIM) {
        let (x, y) = at(f64::from(p[0]), f64::from(p[1]));
        ctx.fill_rect(x - POINT_RADIUS, y - POINT_RADIUS, 2.0 * POINT_RADIUS, 2.0 * POINT_RADIUS);
    }
}

/// The decision map as tinted cells: blue where D says real, orange where it says fake.
fn draw_decision(ctx: &Context2d, map: &DecisionMap) {
    let cell = CANVAS_SIDE / map.cells as f64;
    for (k, &real) in map.real.iter().enumerate() {
        let real = f64::from(real);
        let (colour, strength) = if real >= 0.5 { (palette::BLUE, real - 0.5) } else { (palette::ORANGE, 0.5 - real) };
        ctx.set_fill_style(&colour.css_alpha(DECISION_ALPHA * 2.0 * strength));
        // Whole-pixel edges, each shared by its neighbours: no seams, no overlaps darkening them.
        let edge = |i: usize| (i as f64 * cell).round();
        let (col, row) = (k % map.cells, k / map.cells);
        ctx.fill_rect(edge(col), edge(row), edge(col + 1) - edge(col), edge(row + 1) - edge(row));
    }
}
