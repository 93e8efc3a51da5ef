//! The ticket drawn as a transformer (modular addition): for each attention
//! head, how much of its query, key and value columns and of its output rows
//! survive; for each MLP neuron, its surviving input and output weights; and
//! for each token, its surviving embedding. Darker keeps more.

use leptos::prelude::*;

use crate::engine::config::ModularArch;
use crate::engine::lottery::mask::{LayerMask, Mask};
use crate::engine::{ExperimentConfig, Task};

use crate::ui::drawing::palette;

/// Mask layers of the transformer, in `engine::networks::shapes::transformer_shapes` order.
const EMBEDDING: usize = 0;
const QUERY: usize = 2;
const KEY: usize = 3;
const VALUE: usize = 4;
const ATTENTION_OUT: usize = 5;
const MLP_IN: usize = 6;
const MLP_OUT: usize = 7;
const LAYERS: usize = 9;

/// Cell size of the drawing (SVG units).
const CELL: f64 = 14.0;
/// The label column's width left of the cells.
const LABEL_W: f64 = 54.0;
/// Cells per row: longer rows (MLP neurons, tokens) wrap.
const ROW_CELLS: usize = 32;

/// Fraction of `m`'s flags kept in rows `rows` × columns `cols`.
fn kept(m: &LayerMask, rows: std::ops::Range<usize>, cols: std::ops::Range<usize>) -> f64 {
    let cells = rows.len() * cols.len();
    let kept: usize =
        rows.map(|r| m.keep[r * m.fan_out + cols.start..r * m.fan_out + cols.end].iter().filter(|k| **k).count()).sum();
    kept as f64 / cells.max(1) as f64
}

/// One head's surviving share of its four parts.
#[derive(Clone, Debug, PartialEq)]
struct HeadSurvival {
    query: f64,
    key: f64,
    value: f64,
    output: f64,
}

/// One MLP neuron's surviving share of its input column and output row.
#[derive(Clone, Debug, PartialEq)]
struct NeuronSurvival {
    input: f64,
    output: f64,
}

/// What the view draws of a transformer's mask.
#[derive(Clone, Debug, PartialEq)]
struct TransformerDrawing {
    round: usize,
    heads: Vec<HeadSurvival>,
    neurons: Vec<NeuronSurvival>,
    /// Each token's surviving embedding share: 0..p, then "=".
    tokens: Vec<f64>,
}

impl TransformerDrawing {
    /// None unless `mask` is a transformer's (nine parts) with heads that split its width.
    fn new(round: usize, mask: &Mask, heads: usize) -> Option<Self> {
        if mask.layers.len() != LAYERS || heads == 0 {
            return None;
        }
        let l = &mask.layers;
        let d = l[QUERY].fan_in;
        let dh = d / heads;
        let heads = (0..heads)
            .map(|h| {
                let own = h * dh..(h + 1) * dh;
                HeadSurvival {
                    query: kept(&l[QUERY], 0..d, own.clone()),
                    key: kept(&l[KEY], 0..d, own.clone()),
                    value: kept(&l[VALUE], 0..d, own.clone()),
                    output: kept(&l[ATTENTION_OUT], own, 0..d),
                }
            })
            .collect();
        let d_mlp = l[MLP_IN].fan_out;
        let neurons = (0..d_mlp)
            .map(|j| NeuronSurvival {
                input: kept(&l[MLP_IN], 0..d, j..j + 1),
                output: kept(&l[MLP_OUT], j..j + 1, 0..d),
            })
            .collect();
        let tokens = (0..l[EMBEDDING].fan_in).map(|t| kept(&l[EMBEDDING], t..t + 1, 0..d)).collect();
        Some(Self { round, heads, neurons, tokens })
    }
}

/// What the drawing shows, for screen readers.
const LABEL: &str = "surviving weights per head, neuron and token";

/// Each MLP neuron's cell for one side (`in` or `out`).
fn neuron_cells(neurons: &[NeuronSurvival], side: &str, share: fn(&NeuronSurvival) -> f64) -> Vec<(String, f64)> {
    neurons.iter().enumerate().map(|(j, n)| (format!("neuron {j} {side}"), share(n))).collect()
}

/// Rows of [`ROW_CELLS`] cells needed for `n` cells.
fn rows(n: usize) -> usize {
    n.div_ceil(ROW_CELLS).max(1)
}

/// Cells coloured by the share each keeps, [`ROW_CELLS`] to a row from `y`, with a label and a title per cell.
#[component]
fn CellRows(label: String, y: f64, cells: Vec<(String, f64)>) -> impl IntoView {
    view! {
        <text class="tick" x=0 y=format!("{:.1}", y + CELL * 0.75)>{label}</text>
        {cells.into_iter().enumerate().map(|(i, (name, share))| {
            let (row, col) = (i / ROW_CELLS, i % ROW_CELLS);
            view! {
                <rect class="cell" x=format!("{:.1}", LABEL_W + col as f64 * CELL)
                    y=format!("{:.1}", y + row as f64 * CELL) width={CELL - 1.0} height={CELL - 1.0}
                    fill=palette::density_rgb(share).css()>
                    <title>{format!("{name}: {:.0}% kept", share * 100.0)}</title>
                </rect>
            }
        }).collect::<Vec<_>>()}
    }
}

/// The round shown's mask as a transformer: heads × (Q, K, V, O), MLP neurons, token embeddings.
#[component]
pub fn TransformerView(
    config: Signal<ExperimentConfig>,
    /// The ticket's mask after each round (from the run, or from a link).
    masks: Signal<Vec<Mask>>,
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    let drawing = Memo::new(move |_| {
        let Task::ModularAddition { heads, arch: ModularArch::Transformer } = config.with(Task::of) else {
            return None;
        };
        masks.with(|m| {
            let round = selected.get().unwrap_or(m.len().checked_sub(1)?).min(m.len().checked_sub(1)?);
            TransformerDrawing::new(round, &m[round], heads)
        })
    });
    view! {
        {move || drawing.get().map(|t| {
            let parts = ["Q", "K", "V", "O"];
            let widest = t.neurons.len().max(t.tokens.len()).clamp(parts.len(), ROW_CELLS);
            let width = LABEL_W + CELL * widest as f64;
            let heads_h = CELL * (t.heads.len() + 1) as f64;
            let mlp_in_y = heads_h + CELL * 0.5;
            let mlp_out_y = mlp_in_y + CELL * (rows(t.neurons.len()) as f64 + 0.5);
            let tokens_y = mlp_out_y + CELL * (rows(t.neurons.len()) as f64 + 0.5);
            let height = tokens_y + CELL * rows(t.tokens.len()) as f64;
            let p = t.tokens.len() - 1;
            let caption = format!("Round {}'s ticket as a transformer (darker keeps more)", t.round);
            view! {
                <figure class="transformer-view" id="transformer-view" data-heads=t.heads.len()
                    data-neurons=t.neurons.len() data-tokens=t.tokens.len() data-round=t.round>
                    <figcaption>{caption}</figcaption>
                    <svg viewBox=format!("0 0 {width:.0} {height:.0}") role="img" aria-label=LABEL>
                        {parts.iter().enumerate().map(|(i, name)| view! {
                            <text class="tick" x=format!("{:.1}", LABEL_W + i as f64 * CELL + 3.0) y={CELL * 0.75}>
                                {*name}
                            </text>
                        }).collect::<Vec<_>>()}
                        {t.heads.iter().enumerate().map(|(h, s)| {
                            let cells = [("query", s.query), ("key", s.key), ("value", s.value), ("output", s.output)]
                                .map(|(n, v)| (format!("head {h} {n}"), v)).to_vec();
                            view! { <CellRows label=format!("head {h}") y={CELL * (h + 1) as f64} cells=cells /> }
                        }).collect::<Vec<_>>()}
                        <CellRows label="MLP in".into() y=mlp_in_y
                            cells=neuron_cells(&t.neurons, "in", |n| n.input) />
                        <CellRows label="MLP out".into() y=mlp_out_y
                            cells=neuron_cells(&t.neurons, "out", |n| n.output) />
                        <CellRows label="tokens".into() y=tokens_y
                            cells=t.tokens.iter().enumerate().map(|(i, &v)| {
                                (if i == p { "token =".to_string() } else { format!("token {i}") }, v)
                            }).collect() />
                    </svg>
                </figure>
            }
        })}
    }
}
