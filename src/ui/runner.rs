//! Drives the engine from the page: a `spawn_local` loop that trains a chunk
//! of steps, publishes progress to the signals, and yields to the browser
//! (a macrotask, so the page repaints and buttons answer) before the next.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::train::CurvePoint;
use crate::engine::{self, Checkpoint, EngineError, Event, Experiment, Progress, RoundReport, Weights, device, round::Phase};
use crate::url::{BackendChoice, UrlState};

use super::backend::{self, BackendInfo, BackendKind};
use super::{now_ms, saved};

/// What the run is doing, as the page (and the browser tests) read it.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Preparing,
    Running,
    Paused,
    Done,
    Failed(String),
}

impl Status {
    /// The `data-state` value of `#status`.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Preparing => "preparing",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Done => "done",
            Status::Failed(_) => "error",
        }
    }
}

/// The signals a run writes and the views read.
#[derive(Clone, Copy)]
pub struct LabSignals {
    pub status: RwSignal<Status>,
    pub backend: RwSignal<Option<BackendInfo>>,
    pub progress: RwSignal<Option<Progress>>,
    pub rounds: RwSignal<Vec<RoundReport>>,
    /// The curve of the network training now, and which one it is.
    pub live: RwSignal<(Phase, Vec<CurvePoint>)>,
    /// Steps per second over the last chunk.
    pub speed: RwSignal<f64>,
    /// The ticket's weights as it trains (small 2D networks only), and its round.
    pub live_weights: RwSignal<Option<(usize, Weights)>>,
    /// The state after the last finished round: what Export writes.
    pub checkpoint: RwSignal<Option<Checkpoint>>,
    /// Saving to browser storage failed (full, blocked), or was cleared.
    pub save_message: RwSignal<Option<String>>,
    /// The GPU was lost and the run moved to the CPU.
    pub device_notice: RwSignal<Option<String>>,
}

impl LabSignals {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(Status::Idle),
            backend: RwSignal::new(None),
            progress: RwSignal::new(None),
            rounds: RwSignal::new(Vec::new()),
            live: RwSignal::new((Phase::Ticket, Vec::new())),
            speed: RwSignal::new(0.0),
            live_weights: RwSignal::new(None),
            checkpoint: RwSignal::new(None),
            save_message: RwSignal::new(None),
            device_notice: RwSignal::new(None),
        }
    }
}

/// Buttons talk to a running loop through these flags.
#[derive(Default)]
pub struct RunFlags {
    pub pause: Cell<bool>,
    pub stop: Cell<bool>,
    /// Pause when the round in progress ends ("Step").
    pub pause_after_round: Cell<bool>,
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Where a round's end spends its time, for the benchmark and profiling
/// (`tests/browser/bench-page.mjs` reads `window.__lotteryRoundEnds`).
struct RoundEndTiming {
    round: usize,
    /// The chunk that finished the round: its last steps, evaluation,
    /// readback of the trained weights and the next mask.
    chunk_ms: f64,
    /// Serialising, compressing and storing the checkpoint.
    save_ms: f64,
    /// Signals set → views redrawn (measured after the next macrotask).
    draw_ms: f64,
}

impl RoundEndTiming {
    fn publish(&self) {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else { return };
        let key = wasm_bindgen::JsValue::from_str("__lotteryRoundEnds");
        let list = js_sys::Reflect::get(&window, &key).ok().and_then(|v| v.dyn_into::<js_sys::Array>().ok()).unwrap_or_else(|| {
            let list = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &list);
            list
        });
        let entry = js_sys::Object::new();
        for (k, v) in [("round", self.round as f64), ("chunk_ms", self.chunk_ms), ("save_ms", self.save_ms), ("draw_ms", self.draw_ms)] {
            let _ = js_sys::Reflect::set(&entry, &k.into(), &v.into());
        }
        list.push(&entry);
    }
}

async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(path)).await.map_err(|e| format!("{path}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("{path}: not a response"))?;
    if !resp.ok() {
        return Err(format!("{path}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{path}: {e:?}"))?).await.map_err(|e| format!("{path}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Start a run of `state`'s experiment, or go on from `from`'s last finished
/// round. Returns the flags that control it.
pub fn start(lab: LabSignals, state: UrlState, from: Option<Checkpoint>) -> Rc<RunFlags> {
    let flags = Rc::new(RunFlags::default());
    let f = flags.clone();
    lab.status.set(Status::Preparing);
    lab.rounds.set(from.as_ref().map(|c| c.rounds.clone()).unwrap_or_default());
    lab.checkpoint.set(from.clone());
    lab.live.set((Phase::Ticket, Vec::new()));
    lab.progress.set(None);
    lab.live_weights.set(None);
    lab.device_notice.set(None);
    spawn_local(async move {
        if let Err(e) = run(lab, state, from, f).await {
            lab.status.set(Status::Failed(e));
        }
    });
    flags
}

/// The GPU failed under the run: keep every finished round and go on from
/// the last one on the CPU.
fn move_to_cpu(lab: LabSignals, experiment: &Experiment, why: &EngineError) -> Result<Experiment, String> {
    let why = backend::lost().unwrap_or_else(|| why.to_string());
    backend::forget_webgpu(&why);
    let checkpoint = experiment.checkpoint(BackendKind::Webgpu.as_str());
    let from = checkpoint.rounds.len();
    lab.backend.set(Some(BackendInfo::gpu_lost(&why)));
    let kept = match from {
        0 => "no round had finished yet".to_string(),
        1 => "the finished round is kept".to_string(),
        n => format!("all {n} finished rounds are kept"),
    };
    lab.device_notice.set(Some(format!("The GPU was lost during round {from} ({why}). The run continues on the CPU from round {from}; {kept}.")));
    lab.live_weights.set(None);
    Experiment::resume(checkpoint, experiment.data().clone(), &device::cpu()).map_err(|e| e.to_string())
}

/// One chunk of training, and the live drawing's readback.
async fn train_chunk(experiment: &mut Experiment, chunk: usize, draw: bool, on_gpu: bool) -> Result<(Event, Option<Weights>), EngineError> {
    // A lost device may not fail the calls that use it; web/gpu-watch.js records the loss.
    let gpu_alive = || match backend::lost().filter(|_| on_gpu) {
        Some(lost) => Err(EngineError::Device(lost)),
        None => Ok(()),
    };
    gpu_alive()?;
    let event = experiment.advance(chunk).await?;
    gpu_alive()?;
    let weights = match (draw, experiment.live_ticket()) {
        (true, Some(model)) => Some(model.to_weights().await?),
        _ => None,
    };
    Ok((event, weights))
}

async fn run(lab: LabSignals, state: UrlState, from: Option<Checkpoint>, flags: Rc<RunFlags>) -> Result<(), String> {
    // Going on from a checkpoint: its configuration is the experiment's.
    let config = from.as_ref().map(|c| c.config.clone()).unwrap_or(state.config);
    let data = match config.data.dataset.file_name() {
        None => engine::build_dataset(&config, None),
        Some(f) => {
            let path = format!("data/{f}");
            let bytes = fetch_bytes(&path).await?;
            engine::build_dataset(&config, Some((&path, &bytes)))
        }
    }
    .map_err(|e| e.to_string())?;
    if state.backend == BackendChoice::Auto {
        lab.backend.set(Some(BackendInfo::timing()));
    }
    let (device, info) = backend::select(state.backend, &config, &data).await;
    let mut on_gpu = info.kind == BackendKind::Webgpu;
    lab.backend.set(Some(info));
    let mut experiment = match from {
        Some(checkpoint) => Experiment::resume(checkpoint, data, &device),
        None => Experiment::new(config, data, &device),
    }
    .map_err(|e| e.to_string())?;
    lab.status.set(Status::Running);
    let mut chunk = 4usize;
    // Small 2D tickets are read back a few times a second so the decision
    // regions move while they train.
    let draw_live = experiment.config().data.dataset.is_2d() && experiment.config().weight_count() <= 4096;
    let mut last_draw = 0.0;
    let mut first_chunk = true;
    let mut round_end: Option<(RoundEndTiming, f64)> = None;
    loop {
        if flags.stop.get() {
            return Ok(());
        }
        if flags.pause.get() {
            lab.status.set(Status::Paused);
            while flags.pause.get() && !flags.stop.get() {
                TimeoutFuture::new(50).await;
            }
            if flags.stop.get() {
                return Ok(());
            }
            lab.status.set(Status::Running);
        }
        let t0 = now_ms();
        let draw = draw_live && t0 - last_draw > 300.0;
        let (event, live_weights) = match train_chunk(&mut experiment, chunk, draw, on_gpu).await {
            Ok(done) => done,
            Err(e) if on_gpu => {
                experiment = move_to_cpu(lab, &experiment, &e)?;
                on_gpu = false;
                chunk = 4;
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        if first_chunk {
            // For the benchmark (tests/browser/bench-page.mjs): the first steps are done.
            mark("lottery:first-step");
            first_chunk = false;
        }
        let dt = (now_ms() - t0).max(0.1);
        // Aim for ~40 ms of work between repaints.
        lab.speed.set(chunk as f64 * 1000.0 / dt);
        chunk = ((chunk as f64 * 40.0 / dt).round() as usize).clamp(1, 200);
        if let Some(w) = live_weights {
            let round = lab.rounds.with_untracked(Vec::len);
            lab.live_weights.set(Some((round, w)));
            last_draw = now_ms();
        }
        if let Some((phase, curve)) = experiment.live_curve() {
            let curve = curve.to_vec();
            lab.live.set((phase, curve));
        }
        match event {
            Event::Progress(p) => lab.progress.set(Some(p)),
            Event::RoundDone(report) => {
                let chunk_ms = now_ms() - t0;
                // The run that just ended has left the experiment; show its whole curve.
                let (phase, last) = match (&report.random_mask, &report.reinit) {
                    (Some(s), _) => (Phase::RandomMask, s),
                    (None, Some(s)) => (Phase::Reinit, s),
                    _ => (Phase::Ticket, &report.ticket),
                };
                if experiment.live_curve().is_none() {
                    lab.live.set((phase, last.curve.clone()));
                }
                let report_round = report.round;
                lab.rounds.update(|r| r.push(*report));
                lab.live_weights.set(None);
                // Saved after every round, so a reload (or a crash) loses at most the round in progress.
                let saving = now_ms();
                let checkpoint = experiment.checkpoint(if on_gpu { BackendKind::Webgpu } else { BackendKind::Cpu }.as_str());
                if let Err(e) = saved::save(&checkpoint) {
                    lab.save_message.set(Some(e));
                }
                let save_ms = now_ms() - saving;
                lab.checkpoint.set(Some(checkpoint));
                round_end = Some((RoundEndTiming { round: report_round, chunk_ms, save_ms, draw_ms: 0.0 }, now_ms()));
                if flags.pause_after_round.get() {
                    flags.pause_after_round.set(false);
                    flags.pause.set(true);
                }
            }
            Event::Finished => {
                lab.progress.update(|p| {
                    if let Some(p) = p {
                        p.overall = 1.0;
                        p.iteration = p.end;
                    }
                });
                lab.status.set(Status::Done);
                mark("lottery:done");
                return Ok(());
            }
        }
        TimeoutFuture::new(0).await;
        if let Some((mut timing, shown_from)) = round_end.take() {
            timing.draw_ms = now_ms() - shown_from;
            timing.publish();
        }
    }
}
