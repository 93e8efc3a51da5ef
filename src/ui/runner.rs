//! Drives the engine from the page: a `spawn_local` loop that trains a chunk
//! of steps, publishes progress to the signals, and yields to the browser
//! (a macrotask, so the page repaints and buttons answer) before the next.

use std::cell::Cell;
use std::rc::Rc;

use burn::tensor::Device;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::engine::config::ExperimentConfig;
use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::train::CurvePoint;
use crate::engine::networks::model::SMALL_NET_WEIGHTS;
use crate::engine::{
    self, Checkpoint, Dataset, EngineError, Event, Experiment, Progress, RoundReport, Weights, device,
    lottery::round::Phase, records::replicates,
};
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
    /// The finished rounds of replicate 0: what the drawings, the slider and links show.
    pub rounds: RwSignal<Vec<RoundReport>>,
    /// The finished rounds of replicates 1, 2, … (`reps` > 1): the charts and
    /// the table summarise them with `rounds`.
    pub others: RwSignal<Vec<Vec<RoundReport>>>,
    /// (the replicate training now, how many the experiment has).
    pub replicate: RwSignal<(usize, usize)>,
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
    /// Rows imported from a CSV file (or a ticket file that carried them):
    /// what an experiment on own data trains on.
    pub own_data: RwSignal<Option<OwnData>>,
}

impl LabSignals {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(Status::Idle),
            backend: RwSignal::new(None),
            progress: RwSignal::new(None),
            rounds: RwSignal::new(Vec::new()),
            others: RwSignal::new(Vec::new()),
            replicate: RwSignal::new((0, 1)),
            live: RwSignal::new((Phase::Ticket, Vec::new())),
            speed: RwSignal::new(0.0),
            live_weights: RwSignal::new(None),
            checkpoint: RwSignal::new(None),
            save_message: RwSignal::new(None),
            device_notice: RwSignal::new(None),
            own_data: RwSignal::new(None),
        }
    }

    /// The one place the run's signals are reset: to `status`, showing the
    /// finished rounds of `from` (none: an empty lab). The backend line and a
    /// storage message stay until something replaces them.
    pub fn clear(&self, status: Status, from: Option<&Checkpoint>) {
        self.status.set(status);
        let mut replicates = from.map(Checkpoint::all_replicates).unwrap_or_default().into_iter();
        self.rounds.set(replicates.next().unwrap_or_default());
        self.others.set(replicates.collect());
        self.replicate.set(from.map_or((0, 1), |c| (c.replicate(), c.config.reps)));
        self.checkpoint.set(from.cloned());
        self.live.set((Phase::Ticket, Vec::new()));
        self.progress.set(None);
        self.live_weights.set(None);
        self.device_notice.set(None);
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

/// Chunks start this small, so the first progress shows at once…
const FIRST_CHUNK_STEPS: usize = 4;
/// …then grow or shrink to about this much work between repaints…
const CHUNK_TARGET_MS: f64 = 40.0;
/// …within these bounds.
const MIN_CHUNK_STEPS: usize = 1;
const MAX_CHUNK_STEPS: usize = 200;
/// How often a paused run looks at its buttons.
const PAUSE_POLL_MS: u32 = 50;
/// Small 2D tickets are read back this often while they train, so the
/// decision regions move.
const LIVE_DRAW_EVERY_MS: f64 = 300.0;

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
        let list = js_sys::Reflect::get(&window, &key)
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .unwrap_or_else(|| {
                let list = js_sys::Array::new();
                let _ = js_sys::Reflect::set(&window, &key, &list);
                list
            });
        let entry = js_sys::Object::new();
        for (k, v) in [
            ("round", self.round as f64),
            ("chunk_ms", self.chunk_ms),
            ("save_ms", self.save_ms),
            ("draw_ms", self.draw_ms),
        ] {
            let _ = js_sys::Reflect::set(&entry, &k.into(), &v.into());
        }
        list.push(&entry);
    }
}

pub(super) async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(path)).await.map_err(|e| format!("{path}: {e:?}"))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("{path}: not a response"))?;
    if !resp.ok() {
        return Err(format!("{path}: HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{path}: {e:?}"))?)
        .await
        .map_err(|e| format!("{path}: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Start a run of `state`'s experiment, or go on from `from`'s last finished
/// round. Returns the flags that control it.
pub fn start(lab: LabSignals, state: UrlState, from: Option<Checkpoint>) -> Rc<RunFlags> {
    let flags = Rc::new(RunFlags::default());
    let f = flags.clone();
    lab.clear(Status::Preparing, from.as_ref());
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
    lab.device_notice.set(Some(format!(
        "The GPU was lost during round {from} ({why}). The run continues on the CPU from round {from}; {kept}."
    )));
    lab.live_weights.set(None);
    Experiment::resume(checkpoint, experiment.data().clone(), &device::cpu()).map_err(|e| e.to_string())
}

/// One chunk of training, and the live drawing's readback.
async fn train_chunk(
    experiment: &mut Experiment,
    chunk: usize,
    draw: bool,
    on_gpu: bool,
) -> Result<(Event, Option<Weights>), EngineError> {
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

/// Where a configuration's data comes from: generated from the seed, an
/// image file fetched once from the page's `data/`, or imported rows; each
/// replicate splits it by its own seed.
struct DataSource {
    file: Option<(String, Vec<u8>)>,
    own: Option<OwnData>,
}

impl DataSource {
    async fn fetch(config: &ExperimentConfig, own: Option<OwnData>) -> Result<Self, String> {
        if config.own_shape().is_some() {
            return match own {
                Some(own) => Ok(Self { file: None, own: Some(own) }),
                None => Err("this experiment runs on own data: import its CSV file, or the ticket file".into()),
            };
        }
        let file = match config.data.dataset.file_name() {
            None => None,
            Some(f) => {
                let path = format!("data/{f}");
                let bytes = fetch_bytes(&path).await?;
                Some((path, bytes))
            }
        };
        Ok(Self { file, own: None })
    }

    fn dataset(&self, config: &ExperimentConfig) -> Result<Dataset, String> {
        if let Some(own) = &self.own {
            return engine::build_own_dataset(config, own).map_err(|e| e.to_string());
        }
        let file = self.file.as_ref().map(|(path, bytes)| (path.as_str(), bytes.as_slice()));
        engine::build_dataset(config, file).map_err(|e| e.to_string())
    }
}

/// The dataset of `config` (generated, or its image file fetched), for work
/// beside the run (a transfer).
pub(super) async fn dataset_for(config: &ExperimentConfig) -> Result<Dataset, String> {
    DataSource::fetch(config, None).await?.dataset(config)
}

/// Wait while the run is paused. False: the run was stopped.
async fn wait_while_paused(lab: LabSignals, flags: &RunFlags) -> bool {
    if flags.pause.get() && !flags.stop.get() {
        lab.status.set(Status::Paused);
        while flags.pause.get() && !flags.stop.get() {
            TimeoutFuture::new(PAUSE_POLL_MS).await;
        }
        if flags.stop.get() {
            return false;
        }
        lab.status.set(Status::Running);
    }
    !flags.stop.get()
}

/// How many steps the next chunk trains.
struct Pace {
    steps: usize,
}

impl Pace {
    fn new() -> Self {
        Self { steps: FIRST_CHUNK_STEPS }
    }

    /// After a chunk that took `ms`: its speed in steps/s, and the next chunk sized to [`CHUNK_TARGET_MS`].
    fn after_chunk(&mut self, ms: f64) -> f64 {
        let ms = ms.max(0.1);
        let speed = self.steps as f64 * 1000.0 / ms;
        let next = (self.steps as f64 * CHUNK_TARGET_MS / ms).round() as usize;
        self.steps = next.clamp(MIN_CHUNK_STEPS, MAX_CHUNK_STEPS);
        speed
    }
}

/// When the training ticket is next read back for the decision regions.
struct LiveDraw {
    enabled: bool,
    last_ms: f64,
}

impl LiveDraw {
    fn new(config: &ExperimentConfig) -> Self {
        Self { enabled: config.in_plane() && config.weight_count() <= SMALL_NET_WEIGHTS, last_ms: 0.0 }
    }

    fn due(&self, now: f64) -> bool {
        self.enabled && now - self.last_ms > LIVE_DRAW_EVERY_MS
    }
}

/// A round finished: show it, save the experiment (so a reload or a crash
/// loses at most the round in progress), and pause if "Step" asked to.
fn publish_round(lab: LabSignals, session: &Session, report: RoundReport, flags: &RunFlags) -> f64 {
    if session.experiment.live_curve().is_none() {
        let (phase, last) = report.last_trained();
        lab.live.set((phase, last.curve.clone()));
    }
    match session.replicate() {
        0 => lab.rounds.update(|r| r.push(report)),
        i => lab.others.update(|o| {
            o.resize(o.len().max(i), Vec::new());
            o[i - 1].push(report);
        }),
    }
    lab.live_weights.set(None);
    let saving = now_ms();
    let checkpoint = session.checkpoint();
    if let Err(e) = saved::save(&checkpoint) {
        lab.save_message.set(Some(e));
    }
    lab.checkpoint.set(Some(checkpoint));
    if flags.pause_after_round.get() {
        flags.pause_after_round.set(false);
        flags.pause.set(true);
    }
    now_ms() - saving
}

/// The run reached its last round.
fn publish_finished(lab: LabSignals) {
    lab.progress.update(|p| {
        if let Some(p) = p {
            p.overall = 1.0;
            p.iteration = p.end;
        }
    });
    lab.status.set(Status::Done);
    mark("lottery:done");
}

/// A run in progress: the experiment's settings (all replicates), the
/// replicate training now, and the replicates finished before it.
struct Session {
    config: ExperimentConfig,
    source: DataSource,
    device: Device,
    kind: BackendKind,
    experiment: Experiment,
    finished: Vec<Vec<RoundReport>>,
    /// A chunk has trained in this run.
    trained_any: bool,
}

impl Session {
    /// Load the data, choose the device (saying why on the backend line) and
    /// build the first replicate on it, or resume `from` there.
    async fn prepare(lab: LabSignals, state: UrlState, from: Option<Checkpoint>) -> Result<Self, String> {
        // Going on from a checkpoint: its configuration is the experiment's.
        let config = from.as_ref().map_or(state.config, |c| c.config.clone());
        let finished = from.as_ref().map(|c| c.finished_replicates.clone()).unwrap_or_default();
        let own = match &from {
            Some(c) => c.own_data.clone(),
            None => lab.own_data.get_untracked(),
        };
        let source = DataSource::fetch(&config, own).await?;
        let data = source.dataset(&replicates::replicate(&config, finished.len()))?;
        if state.backend == BackendChoice::Auto {
            lab.backend.set(Some(BackendInfo::timing()));
        }
        let (device, info) = backend::select(state.backend, &config, &data).await;
        let kind = info.kind;
        lab.backend.set(Some(info));
        let experiment = match from {
            Some(checkpoint) => Experiment::resume(checkpoint, data, &device),
            None => Experiment::new(replicates::replicate(&config, 0), data, &device),
        };
        let experiment = experiment.map_err(|e| e.to_string())?;
        Ok(Self { config, source, device, kind, experiment, finished, trained_any: false })
    }

    /// The number of the replicate training now.
    fn replicate(&self) -> usize {
        self.finished.len()
    }

    /// The replicate training now is done: start the next. False: it was the last.
    fn next_replicate(&mut self, lab: LabSignals) -> Result<bool, String> {
        self.finished.push(self.experiment.reports().to_vec());
        let next = self.replicate();
        if next >= self.config.reps {
            return Ok(false);
        }
        let config = replicates::replicate(&self.config, next);
        let data = self.source.dataset(&config)?;
        self.experiment = Experiment::new(config, data, &self.device).map_err(|e| e.to_string())?;
        lab.replicate.set((next, self.config.reps));
        lab.others.update(|o| o.resize(next, Vec::new()));
        Ok(true)
    }

    /// The state after the last finished round, of the whole experiment.
    fn checkpoint(&self) -> Checkpoint {
        let checkpoint = self.experiment.checkpoint(self.kind.as_str()).within_replicates(&self.config, &self.finished);
        Checkpoint { own_data: self.source.own.clone(), ..checkpoint }
    }
}

/// After a chunk: the live curve, and the training ticket's weights when they were read back.
fn show_chunk(lab: LabSignals, experiment: &Experiment, weights: Option<Weights>, live: &mut LiveDraw) {
    if let Some(w) = weights {
        let round = lab.rounds.with_untracked(Vec::len);
        lab.live_weights.set(Some((round, w)));
        live.last_ms = now_ms();
    }
    if let Some((phase, curve)) = experiment.live_curve() {
        lab.live.set((phase, curve.to_vec()));
    }
}

/// Train `from` (or a new experiment of `state`) to the end, replicate by
/// replicate, a chunk at a time.
async fn run(lab: LabSignals, state: UrlState, from: Option<Checkpoint>, flags: Rc<RunFlags>) -> Result<(), String> {
    let mut session = Session::prepare(lab, state, from).await?;
    lab.replicate.set((session.replicate(), session.config.reps));
    lab.status.set(Status::Running);
    loop {
        if !train_replicate(lab, &mut session, &flags).await? {
            return Ok(());
        }
        if !session.next_replicate(lab)? {
            publish_finished(lab);
            return Ok(());
        }
    }
}

/// Train the replicate in progress to its end, moving to the CPU if the GPU
/// is lost. False: the run was stopped.
async fn train_replicate(lab: LabSignals, session: &mut Session, flags: &RunFlags) -> Result<bool, String> {
    let mut pace = Pace::new();
    // The decision regions follow replicate 0, the one the drawings show.
    let mut live = LiveDraw::new(session.experiment.config());
    live.enabled &= session.replicate() == 0;
    let mut round_end: Option<(RoundEndTiming, f64)> = None;
    loop {
        if !wait_while_paused(lab, flags).await {
            return Ok(false);
        }
        let t0 = now_ms();
        let on_gpu = session.kind == BackendKind::Webgpu;
        let (event, live_weights) = match train_chunk(&mut session.experiment, pace.steps, live.due(t0), on_gpu).await {
            Ok(done) => done,
            Err(e) if on_gpu => {
                session.experiment = move_to_cpu(lab, &session.experiment, &e)?;
                session.device = device::cpu();
                session.kind = BackendKind::Cpu;
                pace = Pace::new();
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        if !std::mem::replace(&mut session.trained_any, true) {
            // For the benchmark (tests/browser/bench-page.mjs): the run's first steps are done.
            mark("lottery:first-step");
        }
        lab.speed.set(pace.after_chunk(now_ms() - t0));
        show_chunk(lab, &session.experiment, live_weights, &mut live);
        match event {
            Event::Progress(p) => lab.progress.set(Some(p)),
            Event::RoundDone(report) => {
                let chunk_ms = now_ms() - t0;
                let round = report.round;
                let save_ms = publish_round(lab, session, *report, flags);
                round_end = Some((RoundEndTiming { round, chunk_ms, save_ms, draw_ms: 0.0 }, now_ms()));
            }
            Event::Finished => return Ok(true),
        }
        TimeoutFuture::new(0).await;
        if let Some((mut timing, shown_from)) = round_end.take() {
            timing.draw_ms = now_ms() - shown_from;
            timing.publish();
        }
    }
}
