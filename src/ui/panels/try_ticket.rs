//! Try the ticket: draw a digit on a pad (an image preset) or click a point (a 2D preset), and the dense network
//! (round 0, every weight) and the shown round's ticket each classify it: what each predicts, the bytes each
//! takes as a file, and the time each takes for this input on this page's CPU (the dense network through the
//! dense product, the ticket through the sparse kernel, [`SparseMlp`]). The times are measured when the pen
//! lifts (or the point is placed), over repeated passes, never assumed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::ExperimentConfig;
use crate::engine::networks::sparse::SparseMlp;
use crate::engine::records::compact::Precision;
use crate::ui::drawing::palette::Rgb;
use crate::ui::drawing::raster::Raster;
use crate::ui::drawing::savings_chart::written_bytes;
use crate::ui::run::kernel_timing::Kernel;
use crate::ui::run::trained_ticket::TrainedTicket;

/// The pad's side on screen, in CSS pixels.
const PAD_PX: f64 = 168.0;
/// The brush's radius as a share of the image's side (2 pixels of a 28×28 image).
const BRUSH_OF_SIDE: f64 = 1.0 / 14.0;
/// A 2D preset's plane: points in −EXTENT..EXTENT on each axis (the sets are scaled to −1..1).
const PLANE_EXTENT: f64 = 1.2;
/// Fashion-MNIST's classes, in label order.
const FASHION: [&str; 10] =
    ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/// What the pad takes in, by the task's input.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pad {
    /// An image of `side`×`side` pixels in 0..1.
    Image { side: usize, fashion: bool },
    /// A point in the plane.
    Plane,
}

impl Pad {
    /// The pad of a configuration, if its network is an MLP the sparse kernel runs (no conv layers).
    fn of(config: &ExperimentConfig) -> Option<Self> {
        let d = config.data.dataset;
        let mlp = config.model.conv.is_empty() && config.task_row().learns_from_rows;
        match () {
            _ if !mlp || d.is_regression() => None,
            _ if d.side() > 0 => Some(Pad::Image { side: d.side(), fashion: d == crate::engine::DatasetName::Fashion }),
            _ if d.is_2d() => Some(Pad::Plane),
            _ => None,
        }
    }

    fn inputs(self) -> usize {
        match self {
            Pad::Image { side, .. } => side * side,
            Pad::Plane => 2,
        }
    }

    fn class_name(self, class: usize) -> String {
        match self {
            Pad::Image { fashion: true, .. } => FASHION.get(class).map_or(class.to_string(), |c| c.to_string()),
            Pad::Image { .. } => class.to_string(),
            Pad::Plane => ["orange", "blue"].get(class).map_or(class.to_string(), |c| c.to_string()),
        }
    }
}

/// What one network says of the input.
#[derive(Clone, Debug, PartialEq)]
struct Prediction {
    /// "dense network (round 0)" or "ticket (round r)".
    who: String,
    class: String,
    /// Its softmax probability.
    confidence: f64,
    /// The file it runs from: dense f32 for the dense network, the compact f32 file for the ticket.
    bytes: Option<usize>,
    /// Microseconds per pass for this input; None until measured.
    micros: Option<f64>,
}

fn predict(pad: Pad, who: String, runner: &Kernel, x: &[f32], bytes: Option<usize>, timed: bool) -> Prediction {
    let logits = runner.logits(x);
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = logits.iter().map(|v| f64::from(crate::engine::math::expf(v - max))).collect();
    let (class, top) = exp.iter().enumerate().fold((0, 0.0), |best, (i, &e)| if e > best.1 { (i, e) } else { best });
    Prediction {
        who,
        class: pad.class_name(class),
        confidence: top / exp.iter().sum::<f64>().max(f64::MIN_POSITIVE),
        bytes,
        micros: timed.then(|| runner.time(x)),
    }
}

/// Both networks on the input: the dense one, then the ticket.
fn predictions(pad: Pad, dense: &TrainedTicket, ticket: &TrainedTicket, x: &[f32], timed: bool) -> Vec<Prediction> {
    let mut out = vec![predict(
        pad,
        "dense network (round 0)".into(),
        &Kernel::Dense(&dense.weights),
        x,
        dense.bytes.as_ref().map(|b| b.dense_f32),
        timed,
    )];
    if let Ok(sparse) = SparseMlp::of(&ticket.weights, &ticket.mask) {
        let bytes = ticket.bytes.as_ref().map(|b| b.compact(Precision::F32));
        let who = format!("ticket (round {}, sparse kernel)", ticket.round);
        out.push(predict(pad, who, &Kernel::Sparse(sparse), x, bytes, timed));
    }
    out
}

/// Where a pointer event falls on the pad, 0..1 across and down.
fn pointer_at(ev: &web_sys::PointerEvent) -> Option<(f64, f64)> {
    let target = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
    let rect = target.get_bounding_client_rect();
    (rect.width() > 0.0 && rect.height() > 0.0).then(|| {
        let x = (f64::from(ev.client_x()) - rect.left()) / rect.width();
        let y = (f64::from(ev.client_y()) - rect.top()) / rect.height();
        (x.clamp(0.0, 1.0), y.clamp(0.0, 1.0))
    })
}

/// Ink at (u, v) (0..1 across and down) on a `side`×`side` image: a round brush, soft at its rim.
fn ink(pixels: &mut [f32], side: usize, (u, v): (f64, f64)) {
    let radius = (side as f64 * BRUSH_OF_SIDE).max(0.5);
    let (cx, cy) = (u * side as f64, v * side as f64);
    for y in 0..side {
        for x in 0..side {
            let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
            let value = (1.5 - d / radius).clamp(0.0, 1.0) as f32;
            let p = &mut pixels[y * side + x];
            *p = p.max(value);
        }
    }
}

/// The pad as an image: white paper, black ink.
fn pad_image(pixels: &[f32], side: usize) -> String {
    Raster::from_fn(side, side, |x, y| {
        let ink = 255.0 * (1.0 - f64::from(pixels[y * side + x]));
        Rgb(ink, ink, ink)
    })
    .data_url()
}

/// The two networks' predictions, one line each.
#[component]
fn PredictionTable(predictions: Vec<Prediction>) -> impl IntoView {
    let rows = predictions
        .into_iter()
        .map(|p| {
            let micros = p.micros.map(|m| format!("{m:.1} µs")).unwrap_or_else(|| "(lift the pen)".into());
            view! {
                <tr data-class=p.class.clone() data-bytes=p.bytes.map(|b| b.to_string()).unwrap_or_default()
                    data-micros=p.micros.map(|m| format!("{m:.3}")).unwrap_or_default()>
                    <td>{p.who}</td>
                    <td class="prediction">{format!("{} ({:.0}%)", p.class, p.confidence * 100.0)}</td>
                    <td class="num">{p.bytes.map(written_bytes).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{micros}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="try-predictions">
            <thead><tr><th>"network"</th><th>"predicts"</th><th>"file"</th><th>"time per input"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Where a pointer on the pad puts ink (an image) or the point (the plane).
fn mark_input(pad: Pad, input: RwSignal<Vec<f32>>, at: (f64, f64)) {
    input.update(|x| match pad {
        Pad::Image { side, .. } if x.len() == side * side => ink(x, side, at),
        Pad::Image { .. } => {}
        Pad::Plane => *x = vec![((at.0 * 2.0 - 1.0) * PLANE_EXTENT) as f32, ((1.0 - at.1 * 2.0) * PLANE_EXTENT) as f32],
    });
}

/// The drawing surface: ink on an image's pixels, or the clicked point. `timed` turns on when the pen lifts.
#[component]
fn DrawingPad(pad: Memo<Option<Pad>>, input: RwSignal<Vec<f32>>, timed: RwSignal<bool>) -> impl IntoView {
    let drawing = RwSignal::new(false);
    let mark = move |ev: &web_sys::PointerEvent| {
        let (Some(at), Some(pad)) = (pointer_at(ev), pad.get_untracked()) else { return };
        timed.set(false);
        mark_input(pad, input, at);
    };
    let down = move |ev: web_sys::PointerEvent| {
        drawing.set(true);
        mark(&ev);
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if drawing.get_untracked() && matches!(pad.get_untracked(), Some(Pad::Image { .. })) {
            mark(&ev);
        }
    };
    let lifted = move |_| {
        if drawing.get_untracked() {
            drawing.set(false);
            timed.set(true);
        }
    };
    let picture = move || match pad.get() {
        Some(Pad::Image { side, .. }) => input.with(|x| (x.len() == side * side).then(|| pad_image(x, side))),
        _ => None,
    };
    let point = move || input.with(|x| (x.len() == 2).then(|| (f64::from(x[0]), f64::from(x[1]))));
    let (cx, cy) = (
        move || point().map_or(-1.0, |(x, _)| (x / PLANE_EXTENT + 1.0) / 2.0 * PAD_PX),
        move || point().map_or(-1.0, |(_, y)| (1.0 - y / PLANE_EXTENT) / 2.0 * PAD_PX),
    );
    view! {
        <svg class="pad" id="ticket-pad" width=PAD_PX height=PAD_PX
            data-input=move || input.with(|x| x.iter().map(f32::to_string).collect::<Vec<_>>().join(","))
            viewBox=format!("0 0 {PAD_PX} {PAD_PX}") on:pointerdown=down on:pointermove=moved
            on:pointerup=lifted on:pointerleave=lifted>
            <rect width=PAD_PX height=PAD_PX class="pad-paper" />
            <image href=move || picture().unwrap_or_default() width=PAD_PX height=PAD_PX
                preserveAspectRatio="none" class="raster" />
            <circle cx=cx cy=cy r="5" class="pad-point" class:hidden=move || point().is_none() />
        </svg>
    }
}

/// The pad and both networks' answers. Shown for MLPs on images and 2D sets.
#[component]
pub fn TryTicket(
    config: Signal<ExperimentConfig>,
    /// Round 0's trained network.
    dense: Memo<Option<TrainedTicket>>,
    /// The shown round's ticket.
    ticket: Memo<Option<TrainedTicket>>,
) -> impl IntoView {
    let pad = Memo::new(move |_| config.with(Pad::of));
    let input = RwSignal::new(Vec::<f32>::new());
    let timed = RwSignal::new(false);
    Effect::new(move |_| {
        input.set(pad.get().map_or(Vec::new(), |p| vec![0.0; p.inputs()]));
        timed.set(false);
    });
    let answers = move || {
        let pad = pad.get()?;
        let x = input.get();
        let empty = x.len() != pad.inputs() || (matches!(pad, Pad::Image { .. }) && x.iter().all(|&v| v == 0.0));
        let timed = timed.get();
        let lines = dense.with(|d| ticket.with(|t| Some(predictions(pad, d.as_ref()?, t.as_ref()?, &x, timed))))?;
        (!empty).then(|| view! { <PredictionTable predictions=lines /> })
    };
    let clear = move |_| {
        input.update(|x| x.iter_mut().for_each(|v| *v = 0.0));
        timed.set(false);
    };
    let hint = move || match pad.get() {
        Some(Pad::Image { fashion: true, .. }) => "Draw a piece of clothing in the box, filled in, then lift the pen.",
        Some(Pad::Image { .. }) => "Draw a digit in the box, large and centred, then lift the pen.",
        _ => "Click a point in the plane.",
    };
    view! {
        <Show when=move || pad.with(Option::is_some) && ticket.with(Option::is_some) && dense.with(Option::is_some)>
            <div class="try-ticket" id="try-ticket">
                <h3>"Try the ticket"</h3>
                <p class="note">{hint}</p>
                <DrawingPad pad=pad input=input timed=timed />
                <button class="pad-clear" on:click=clear>"Clear"</button>
                {answers}
            </div>
        </Show>
    }
}
