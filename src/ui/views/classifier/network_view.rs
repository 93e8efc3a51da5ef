//! The winning ticket, drawn.
//! - [`NetworkView`]: networks up to [`SMALL_NET_WEIGHTS`] weights, every
//!   surviving connection as a line, width by |θ0|, orange negative / blue
//!   positive (TensorFlow Playground's convention); connections that die in
//!   the next round are dashed; hovering a neuron lists its surviving fan-in
//!   and fan-out.
//! - [`DecisionView`]: the ticket's decision regions over the plane (2D sets), or a regression's output.
//! - [`MaskMaps`]: for image sets, how many first-layer connections survive
//!   at each input pixel, and each hidden unit's surviving receptive field.
//! - [`LayerHeatmaps`]: for larger nets, each layer's mask in blocks.
//! - [`RoundSlider`]: scrubs every view through the rounds.
//!
//! Each view computes what it draws in a `Memo` of a named struct, once per
//! change of its inputs.

use leptos::prelude::*;

use crate::engine::config::ExperimentConfig;
use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::mask::LayerMask;
use crate::engine::networks::shapes::{Role, SMALL_NET_WEIGHTS};
use crate::engine::tasks::View;
use crate::engine::{self, Mask, RoundReport, Task, Weights};

use crate::ui::drawing::raster::Raster;
use crate::ui::views::regression;
use crate::ui::{drawing::palette, round_shown};

/// The network drawing's SVG box, and its margins.
const NET_W: f64 = 420.0;
const NET_H: f64 = 300.0;
const NET_MARGIN_X: f64 = 20.0;
const NET_MARGIN_Y: f64 = 15.0;
/// Link widths: the thinnest, and how much the largest |θ0| adds.
const LINK_MIN_WIDTH: f64 = 0.3;
const LINK_WIDTH_RANGE: f64 = 2.7;
const NEURON_RADIUS: f64 = 4.0;

/// The decision-region plot: the plane from -EXTENT to EXTENT on both axes,
/// in GRID×GRID cells, drawn SIDE units wide.
const PLANE_EXTENT: f64 = 1.2;
const REGION_GRID: usize = 36;
const REGION_SIDE: f64 = 220.0;
/// Cells overlap by this much so no seams show between them.
const CELL_OVERLAP: f64 = 0.3;
const POINT_RADIUS: f64 = 2.2;

/// The per-pixel map's SVG side, and how many receptive fields it shows.
const PIXEL_MAP_SIDE: f64 = 200.0;
const FIELDS_SHOWN: usize = 16;

const FAN_HINT: &str =
    "Point at (or tap) a neuron to see its surviving connections. Dashed lines die in the next round.";

/// A layer's mask heatmap has at most this many blocks per side.
const HEATMAP_CELLS: usize = 48;

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

/// A neuron: its layer (0 = inputs) and its index in the layer.
type NeuronId = (usize, usize);

#[derive(Clone, Debug, PartialEq)]
struct Link {
    from: (f64, f64),
    to: (f64, f64),
    width: f64,
    negative: bool,
    /// Pruned in the next round.
    dies: bool,
    ends: [NeuronId; 2],
}

impl Link {
    fn class(&self) -> &'static str {
        match (self.negative, self.dies) {
            (true, false) => "link neg",
            (false, false) => "link pos",
            (true, true) => "link neg dies",
            (false, true) => "link pos dies",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Neuron {
    id: NeuronId,
    at: (f64, f64),
}

/// The ticket of one round, connection by connection.
#[derive(Clone, Debug, PartialEq)]
struct NetworkDrawing {
    links: Vec<Link>,
    neurons: Vec<Neuron>,
    mask: Mask,
}

impl NetworkDrawing {
    /// `None` for conv nets and networks over [`SMALL_NET_WEIGHTS`], or a mask that does not fit.
    fn new(cfg: &ExperimentConfig, mask: Option<&Mask>, next: Option<&Mask>) -> Option<Self> {
        if !cfg.model.conv.is_empty() || !Task::of(cfg).shows(View::NetworkDrawing) {
            return None; // a conv net is drawn as heatmaps; a transformer has its own view (`transformer_view`)
        }
        let widths = cfg.widths();
        let shapes = cfg.shapes();
        let mask = mask.cloned().unwrap_or_else(|| Mask::dense(&shapes));
        let fits = mask.total() <= SMALL_NET_WEIGHTS
            && mask.layers.len() == shapes.len()
            && mask.layers.iter().zip(&shapes).all(|(m, s)| m.fan_in == s.fan_in && m.fan_out == s.fan_out);
        if !fits {
            return None;
        }
        let theta0 = Weights::theta0(cfg);
        let all = theta0.layers.iter().flat_map(|l| l.w.iter());
        let max_w = all.fold(0.0f32, |a, w| a.max(w.abs())).max(1e-6);
        let columns = widths.len() as f64;
        let at = |(layer, i): NeuronId| {
            let n = widths[layer] as f64;
            let x = NET_MARGIN_X + layer as f64 * (NET_W - 2.0 * NET_MARGIN_X) / (columns - 1.0);
            let y = NET_H / 2.0 + (i as f64 - (n - 1.0) / 2.0) * (NET_H - 2.0 * NET_MARGIN_Y) / n.max(1.0);
            (x, y)
        };
        let mut links = Vec::new();
        for (l, (m, lw)) in mask.layers.iter().zip(&theta0.layers).enumerate() {
            for i in 0..m.fan_in {
                for j in 0..m.fan_out {
                    let k = i * m.fan_out + j;
                    if !m.keep[k] {
                        continue;
                    }
                    let w = lw.w[k];
                    let ends = [(l, i), (l + 1, j)];
                    links.push(Link {
                        from: at(ends[0]),
                        to: at(ends[1]),
                        width: LINK_MIN_WIDTH + LINK_WIDTH_RANGE * f64::from(w.abs() / max_w),
                        negative: w < 0.0,
                        dies: next.is_some_and(|n| !n.layers[l].keep[k]),
                        ends,
                    });
                }
            }
        }
        let ids = widths.iter().enumerate().flat_map(|(l, &n)| (0..n).map(move |i| (l, i)));
        let neurons = ids.map(|id| Neuron { id, at: at(id) }).collect();
        Some(Self { links, neurons, mask })
    }

    /// "Layer l, neuron i: … surviving inputs, … surviving outputs".
    fn fan(&self, (l, i): NeuronId) -> String {
        let fan_in = match l {
            0 => 0,
            _ => {
                let m = &self.mask.layers[l - 1];
                (0..m.fan_in).filter(|&r| m.keep[r * m.fan_out + i]).count()
            }
        };
        let fan_out =
            self.mask.layers.get(l).map_or(0, |m| (0..m.fan_out).filter(|&c| m.keep[i * m.fan_out + c]).count());
        format!("Layer {l}, neuron {i}: {fan_in} surviving inputs, {fan_out} surviving outputs")
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
    let hovered: RwSignal<Option<NeuronId>> = RwSignal::new(None);
    let drawing = Memo::new(move |_| {
        let i = shown_index();
        config.with(|cfg| {
            masks.with(|m| NetworkDrawing::new(cfg, i.and_then(|i| m.get(i)), i.and_then(|i| m.get(i + 1))))
        })
    });
    let caption = move || {
        masks.with(|m| match shown_index().and_then(|i| m.get(i).map(|x| (i, x))) {
            // Round 0 trains the whole network: no ticket yet.
            Some((0, x)) => format!("The dense network, round 0: {} of {} weights", x.remaining(), x.total()),
            Some((i, x)) => format!(
                "The ticket after round {i}: {} of {} weights ({:.1}%)",
                x.remaining(),
                x.total(),
                x.density() * 100.0
            ),
            None => "The dense network before any pruning".into(),
        })
    };
    let fan = move || hovered.get().and_then(|id| drawing.with(|d| d.as_ref().map(|d| d.fan(id))));
    let lit = move |ends: [NeuronId; 2]| hovered.get().is_some_and(|h| ends.contains(&h));
    view! {
        <figure class="network" id="network">
            <figcaption>{caption}</figcaption>
            {move || drawing.get().map(|d| view! {
                <svg viewBox=format!("0 0 {NET_W} {NET_H}") data-connections=d.mask.remaining()
                    role="img" aria-label="surviving connections">
                    {d.links.into_iter().map(|link| view! {
                        <line class=link.class() class:lit=move || lit(link.ends)
                            x1=format!("{:.1}", link.from.0) y1=format!("{:.1}", link.from.1)
                            x2=format!("{:.1}", link.to.0) y2=format!("{:.1}", link.to.1)
                            stroke-width=format!("{:.2}", link.width) />
                    }).collect::<Vec<_>>()}
                    {d.neurons.into_iter().map(|n| view! {
                        <circle class="neuron" cx=format!("{:.1}", n.at.0) cy=format!("{:.1}", n.at.1) r=NEURON_RADIUS
                            on:mouseenter=move |_| hovered.set(Some(n.id)) on:mouseleave=move |_| hovered.set(None) />
                    }).collect::<Vec<_>>()}
                </svg>
            })}
            <p class="hint" id="fan" class:hidden=move || drawing.with(Option::is_none)>
                {move || fan().unwrap_or_else(|| FAN_HINT.into())}
            </p>
        </figure>
    }
}

/// Which weights the decision view draws, and its caption.
#[derive(Clone, Debug, PartialEq)]
struct Predictor {
    caption: String,
    weights: Weights,
}

#[derive(Clone, Debug, PartialEq)]
struct RegionCell {
    x: f64,
    y: f64,
    fill: String,
}

#[derive(Clone, Debug, PartialEq)]
struct TestPoint {
    x: f64,
    y: f64,
    class_one: bool,
}

/// Plane coordinate → SVG coordinate (y up).
fn plane_to_svg(v: f64) -> f64 {
    (v + PLANE_EXTENT) / (2.0 * PLANE_EXTENT) * REGION_SIDE
}

/// A classifier's cell shade at (x, y): its probability of class 1.
fn class_one_shade(weights: &Weights, x: f32, y: f32) -> f64 {
    f64::from(weights.predict(&[x, y])[1])
}

/// What a cell shows: a classifier's probability of class 1, or a regression's output.
fn shade_of(config: &ExperimentConfig) -> fn(&Weights, f32, f32) -> f64 {
    match Task::of(config).shows(View::OutputOverPlane) {
        true => regression::output_shade,
        false => class_one_shade,
    }
}

fn regions(weights: &Weights, shade: fn(&Weights, f32, f32) -> f64) -> Vec<RegionCell> {
    let cell = REGION_SIDE / REGION_GRID as f64;
    let step = 2.0 * PLANE_EXTENT / REGION_GRID as f64;
    let mut cells = Vec::with_capacity(REGION_GRID * REGION_GRID);
    for gy in 0..REGION_GRID {
        for gx in 0..REGION_GRID {
            let x = -PLANE_EXTENT + (gx as f64 + 0.5) * step;
            let y = PLANE_EXTENT - (gy as f64 + 0.5) * step;
            let fill = palette::region(shade(weights, x as f32, y as f32));
            cells.push(RegionCell { x: gx as f64 * cell, y: gy as f64 * cell, fill });
        }
    }
    cells
}

/// Regions are drawn for two classes in the plane (a 2D set, or own rows with two features), and a
/// regression's output over it.
fn draws_regions(config: &ExperimentConfig) -> bool {
    config.in_plane() && (config.classes() == 2 || Task::of(config).shows(View::OutputOverPlane))
}

/// The trained ticket's decision regions over the plane, with the test points.
#[component]
pub fn DecisionView(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    selected: RwSignal<Option<usize>>,
    /// The ticket training now, drawn while it trains (round, weights).
    live: RwSignal<Option<(usize, Weights)>>,
    /// Imported rows, for an experiment on own data.
    own: RwSignal<Option<OwnData>>,
) -> impl IntoView {
    // The test points depend on the configuration (and own rows) alone, not on the weights.
    let points = Memo::new(move |_| {
        let cfg = config.get();
        if !draws_regions(&cfg) {
            return Vec::new();
        }
        let data = match cfg.own_shape() {
            Some(_) => own.with(|o| o.as_ref().map(|o| engine::build_own_dataset(&cfg, o))),
            None => Some(engine::build_dataset(&cfg, None)),
        };
        let Some(Ok(data)) = data else { return Vec::new() };
        let t = &data.test;
        let at = |i: usize, axis: usize| plane_to_svg(f64::from(t.x[2 * i + axis]));
        t.y.iter()
            .enumerate()
            .map(|(i, &y)| TestPoint { x: at(i, 0), y: REGION_SIDE - at(i, 1), class_one: y == 1 })
            .collect()
    });
    // The training ticket while one trains and no past round is selected; else the round shown.
    let predictor = Memo::new(move |_| {
        if !config.with(draws_regions) {
            return None;
        }
        let output = config.with(|c| Task::of(c).shows(View::OutputOverPlane));
        let caption = |round: usize, training: bool| match (output, training) {
            (true, _) => regression::caption(round, training),
            (false, true) => format!("What the round {round} ticket predicts as it trains (test points on top)"),
            (false, false) => format!("What the round {round} ticket predicts after training (test points on top)"),
        };
        if selected.get().is_none()
            && let Some((r, w)) = live.get()
        {
            return Some(Predictor { caption: caption(r, true), weights: w });
        }
        rounds.with(|r| {
            let shown = round_shown(r, selected.get())?;
            shown.trained.clone().map(|weights| Predictor { caption: caption(shown.round, false), weights })
        })
    });
    let cells = Memo::new(move |_| {
        let shade = config.with(shade_of);
        predictor.with(|p| p.as_ref().map(|p| regions(&p.weights, shade)))
    });
    let cell = REGION_SIDE / REGION_GRID as f64 + CELL_OVERLAP;
    view! {
        {move || cells.get().map(|cells| view! {
            <figure class="decision" id="decision">
                <figcaption>{move || predictor.with(|p| p.as_ref().map(|p| p.caption.clone()))}</figcaption>
                <svg viewBox=format!("0 0 {REGION_SIDE} {REGION_SIDE}") role="img" aria-label="decision regions">
                    {cells.into_iter().map(|c| view! {
                        <rect x=format!("{:.1}", c.x) y=format!("{:.1}", c.y)
                            width=format!("{cell:.2}") height=format!("{cell:.2}") fill=c.fill />
                    }).collect::<Vec<_>>()}
                    {move || points.get().into_iter().map(|p| view! {
                        <circle class=if p.class_one { "pt one" } else { "pt zero" }
                            cx=format!("{:.1}", p.x) cy=format!("{:.1}", p.y) r=POINT_RADIUS />
                    }).collect::<Vec<_>>()}
                </svg>
            </figure>
        })}
    }
}

/// What the image-set maps draw for the first layer's mask.
#[derive(Clone, Debug, PartialEq)]
struct PixelMaps {
    side: usize,
    fan_out: usize,
    /// Surviving connections per input pixel.
    kept_per_pixel: Vec<usize>,
    /// The first hidden units' surviving inputs, one flag per pixel.
    fields: Vec<Vec<bool>>,
}

impl PixelMaps {
    /// Each pixel by the fraction of its connections that survive.
    fn per_pixel_image(&self) -> String {
        let fan_out = self.fan_out.max(1) as f64;
        Raster::from_fn(self.side, self.side, |x, y| {
            palette::survival_rgb(self.kept_per_pixel[y * self.side + x] as f64 / fan_out)
        })
        .data_url()
    }

    /// Each field's kept inputs dark on the field's ground.
    fn field_images(&self) -> Vec<String> {
        let side = self.side;
        self.fields
            .iter()
            .map(|f| {
                Raster::from_fn(
                    side,
                    side,
                    |x, y| if f[y * side + x] { palette::HEAT_FULL } else { palette::FIELD_GROUND },
                )
                .data_url()
            })
            .collect()
    }

    fn new(side: usize, first: &LayerMask) -> Option<Self> {
        if first.fan_in != side * side {
            return None;
        }
        let row = |p: usize| &first.keep[p * first.fan_out..(p + 1) * first.fan_out];
        let kept_per_pixel = (0..first.fan_in).map(|p| row(p).iter().filter(|k| **k).count()).collect();
        let units = first.fan_out.min(FIELDS_SHOWN);
        let fields =
            (0..units).map(|u| (0..first.fan_in).map(|p| first.keep[p * first.fan_out + u]).collect()).collect();
        Some(Self { side, fan_out: first.fan_out, kept_per_pixel, fields })
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
    let maps = Memo::new(move |_| {
        let (side, convs) = config.with(|c| (c.data.dataset.side(), !c.model.conv.is_empty()));
        if side == 0 || convs {
            return None;
        }
        rounds.with(|r| PixelMaps::new(side, round_shown(r, selected.get())?.mask.layers.first()?))
    });
    view! {
        {move || maps.get().map(|m| {
            let side = m.side;
            view! {
                <figure class="maskmaps" id="pixel-map">
                    <figcaption>
                        {format!("Surviving first-layer connections per input pixel (of {})", m.fan_out)}
                    </figcaption>
                    <svg viewBox=format!("0 0 {PIXEL_MAP_SIDE} {PIXEL_MAP_SIDE}")
                        role="img" aria-label="connections per pixel">
                        <image class="raster" href=m.per_pixel_image() width=PIXEL_MAP_SIDE.to_string()
                            height=PIXEL_MAP_SIDE.to_string() preserveAspectRatio="none" />
                    </svg>
                    <figcaption>
                        {format!("Receptive fields of the first {FIELDS_SHOWN} hidden units (dark: kept)")}
                    </figcaption>
                    <div class="fields">
                        {m.field_images().into_iter().map(|href| view! {
                            <svg viewBox=format!("0 0 {side} {side}") class="field">
                                <image class="raster" href=href width=side.to_string() height=side.to_string()
                                    preserveAspectRatio="none" />
                            </svg>
                        }).collect::<Vec<_>>()}
                    </div>
                </figure>
            }
        })}
    }
}

/// One layer's mask in blocks of at most [`HEATMAP_CELLS`] per side.
#[derive(Clone, Debug, PartialEq)]
struct LayerHeatmap {
    /// "layer 2", or the transformer part's name.
    name: String,
    fan_in: usize,
    fan_out: usize,
    rows: usize,
    cols: usize,
    /// The fraction each block keeps, row-major.
    block_kept: Vec<f64>,
    kept: f64,
}

impl LayerHeatmap {
    /// "layer 2: 300×100, 41.0% kept".
    fn caption(&self) -> String {
        format!("{}: {}×{}, {:.1}% kept", self.name, self.fan_in, self.fan_out, self.kept * 100.0)
    }

    /// The blocks as one image, a pixel each.
    fn image(&self) -> String {
        Raster::from_fn(self.cols, self.rows, |x, y| palette::density_rgb(self.block_kept[y * self.cols + x]))
            .data_url()
    }

    fn new(m: &LayerMask, name: String) -> Self {
        let (rows, cols) = (m.fan_in.min(HEATMAP_CELLS), m.fan_out.min(HEATMAP_CELLS));
        let mut kept = vec![0usize; rows * cols];
        let mut all = vec![0usize; rows * cols];
        for i in 0..m.fan_in {
            for j in 0..m.fan_out {
                let block = (i * rows / m.fan_in) * cols + j * cols / m.fan_out;
                all[block] += 1;
                kept[block] += usize::from(m.keep[i * m.fan_out + j]);
            }
        }
        let block_kept = kept.iter().zip(&all).map(|(k, a)| *k as f64 / (*a).max(1) as f64).collect();
        Self { name, fan_in: m.fan_in, fan_out: m.fan_out, rows, cols, block_kept, kept: m.density() }
    }
}

/// For networks too large to draw line by line: each layer's mask as a
/// heatmap, rows = inputs, columns = outputs; darker blocks keep more of their weights.
#[component]
pub fn LayerHeatmaps(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let maps = Memo::new(move |_| {
        let roles: Vec<Role> = config.with(|c| c.shapes().iter().map(|s| s.role).collect());
        let name = |l: usize| match roles.get(l) {
            Some(role) if !role.is_layer() => role.name().to_string(),
            _ => format!("layer {}", l + 1),
        };
        rounds.with(|r| {
            let mask = &round_shown(r, selected.get())?.mask;
            let maps = mask.layers.iter().enumerate().map(|(l, m)| LayerHeatmap::new(m, name(l)));
            (mask.total() > SMALL_NET_WEIGHTS).then(|| maps.collect::<Vec<_>>())
        })
    });
    view! {
        {move || maps.get().map(|layers| view! {
            <figure class="heatmaps" id="layer-heatmaps">
                <figcaption>"Each layer's mask (rows: inputs, columns: outputs; darker keeps more)"</figcaption>
                <div class="heatmap-row">
                    {layers.into_iter().enumerate().map(|(l, h)| {
                        let cols = h.cols;
                        view! {
                            <div class="heatmap">
                                <svg viewBox=format!("0 0 {} {}", h.cols, h.rows) preserveAspectRatio="none"
                                    role="img" aria-label=format!("layer {} mask", l + 1)>
                                    <image class="raster" href=h.image() width=cols.to_string()
                                        height=h.rows.to_string() preserveAspectRatio="none" />
                                </svg>
                                <small>
                                    {h.caption()}
                                </small>
                            </div>
                        }
                    }).collect::<Vec<_>>()}
                </div>
            </figure>
        })}
    }
}
