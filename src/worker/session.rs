//! One job trained inside a worker (a replicate's rounds, or one control of
//! one round): a loop that trains a chunk of steps, posts where it stands,
//! and yields (a macrotask, so the page's pause / step / stop messages
//! arrive) before the next.

use std::cell::Cell;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use gloo_timers::future::TimeoutFuture;

use burn::tensor::Device;
use wasm_bindgen::JsValue;

use crate::engine::lottery::controls::ControlTraining;
use crate::engine::lottery::controls::Phase;
use crate::engine::networks::shapes::SMALL_NET_WEIGHTS;
use crate::engine::records::compact::{self, Precision};
use crate::engine::records::replicates;
use crate::engine::tasks::{Task, View};
use crate::engine::{Choice, Dataset, EngineError, Event, Experiment, ExperimentConfig, Progress, Weights, device};
use crate::url::{self, BackendChoice};

use super::backend;
use super::global::now_ms;
use super::protocol::{BackendInfo, BackendKind, FromWorker, Job, LiveCurve, Start};
use super::source;

/// The page's buttons, as messages set them.
#[derive(Default)]
pub(crate) struct Flags {
    pub pause: Cell<bool>,
    pub stop: Cell<bool>,
    /// Pause when the round in progress ends ("Step").
    pub pause_after_round: Cell<bool>,
}

/// Chunks start this small, so the first progress shows at once…
const FIRST_CHUNK_STEPS: usize = 4;
/// …then grow or shrink to about this much work between messages…
const CHUNK_TARGET_MS: f64 = 40.0;
/// …within these bounds.
const MIN_CHUNK_STEPS: usize = 1;
const MAX_CHUNK_STEPS: usize = 200;
/// Progress (and the live curve) is posted at most this often: each message
/// redraws the page's bars and charts, and on a 2-core machine the page's
/// thread shares the cores with the workers.
const PROGRESS_EVERY_MS: f64 = 150.0;
/// How often a paused run looks at its flags.
const PAUSE_POLL_MS: u32 = 50;
/// Small 2D tickets are read back this often while they train, so the
/// decision regions move.
const LIVE_DRAW_EVERY_MS: f64 = 300.0;

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

/// When progress was last posted.
#[derive(Default)]
struct Posted {
    last_ms: Option<f64>,
}

impl Posted {
    /// True (and noted) when [`PROGRESS_EVERY_MS`] has passed since the last post, or nothing was posted yet.
    fn due(&mut self, now: f64) -> bool {
        let due = self.last_ms.is_none_or(|last| now - last >= PROGRESS_EVERY_MS);
        if due {
            self.last_ms = Some(now);
        }
        due
    }
}

/// When the training ticket is next read back for the decision regions.
struct LiveDraw {
    enabled: bool,
    last_ms: f64,
}

impl LiveDraw {
    /// The decision regions (a generator's points) follow replicate 0, the one the drawings show.
    fn new(config: &ExperimentConfig, replicate: usize) -> Self {
        // Decision regions, or a generator's points.
        let drawn_live = config.in_plane() || Task::of(config).shows(View::GanSamples);
        let small = drawn_live && config.weight_count() <= SMALL_NET_WEIGHTS;
        Self { enabled: small && replicate == 0, last_ms: 0.0 }
    }

    fn due(&self, now: f64) -> bool {
        self.enabled && now - self.last_ms > LIVE_DRAW_EVERY_MS
    }
}

/// The replicate this worker trains, and where.
struct Session {
    run: u32,
    replicate: usize,
    experiment: Experiment,
    kind: BackendKind,
}

/// Load the replicate's data and choose its device, posting why. `quiet`: no
/// backend line (a control job: the ticket's worker says where it trains).
async fn prepare(
    start: &Start,
    post: &dyn Fn(FromWorker),
    quiet: bool,
) -> Result<(Dataset, Device, BackendKind), String> {
    let run = start.run;
    let config = replicates::replicate(&start.config, start.replicate);
    let data = source::replicate_dataset(&start.config, start.replicate, start.own.clone()).await?;
    let choice = BackendChoice::parse(&start.backend).unwrap_or(BackendChoice::Auto);
    if choice == BackendChoice::Auto && !quiet {
        post(FromWorker::Backend { run, info: BackendInfo::timing() });
    }
    let (device, info, found) = backend::select(choice, &config, &data, &start.timed).await;
    let kind = info.kind;
    if !quiet {
        post(FromWorker::Backend { run, info });
    }
    if let Some(timed) = found {
        post(FromWorker::Timed { run, timed });
    }
    Ok((data, device, kind))
}

/// Why the GPU was lost, and the backend line that says the worker moved to the CPU.
fn gpu_lost(run: u32, why: &EngineError, post: &dyn Fn(FromWorker)) -> String {
    let why = backend::lost().unwrap_or_else(|| why.to_string());
    backend::forget_webgpu(&why);
    post(FromWorker::Backend { run, info: BackendInfo::gpu_lost(&why) });
    why
}

impl Session {
    /// The GPU failed under the run: keep every finished round and go on from
    /// the last one on the CPU.
    fn move_to_cpu(&mut self, why: &EngineError, post: &dyn Fn(FromWorker)) -> Result<(), String> {
        let why = gpu_lost(self.run, why, post);
        let checkpoint = self.experiment.checkpoint(BackendKind::Webgpu.as_str());
        let from = checkpoint.rounds.len();
        let kept = match from {
            0 => "no round had finished yet".to_string(),
            1 => "the finished round is kept".to_string(),
            n => format!("all {n} finished rounds are kept"),
        };
        let message = format!(
            "The GPU was lost during round {from} ({why}). The run continues on the CPU from round {from}; {kept}."
        );
        post(FromWorker::DeviceNotice { run: self.run, message });
        let data = self.experiment.data().clone();
        let apart = self.experiment.controls_apart();
        self.experiment = Experiment::resume(checkpoint, data, &device::cpu()).map_err(|e| e.to_string())?;
        self.experiment.set_ticket_link(url::ticket_link(self.experiment.config()));
        if apart {
            self.experiment.train_controls_apart();
        }
        self.kind = BackendKind::Cpu;
        Ok(())
    }
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

/// Wait while the run is paused, saying so. False: the run was stopped.
async fn wait_while_paused(run: u32, replicate: usize, flags: &Flags, post: &dyn Fn(FromWorker)) -> bool {
    if flags.pause.get() && !flags.stop.get() {
        post(FromWorker::Running { run, replicate, paused: true });
        while flags.pause.get() && !flags.stop.get() {
            TimeoutFuture::new(PAUSE_POLL_MS).await;
        }
        if flags.stop.get() {
            return false;
        }
        post(FromWorker::Running { run, replicate, paused: false });
    }
    !flags.stop.get()
}

/// Train `start`'s job to its end (or until stopped), posting its progress,
/// rounds and checkpoints, or its control's result.
pub async fn run(start: Start, flags: &Flags, post: &dyn Fn(FromWorker)) -> Result<(), String> {
    let control = matches!(start.job, Job::Control(_));
    let (data, device, kind) = prepare(&start, post, control).await?;
    let config = replicates::replicate(&start.config, start.replicate);
    let (run, replicate) = (start.run, start.replicate);
    post(FromWorker::Running { run, replicate, paused: flags.pause.get() });
    match start.job {
        Job::Rounds { from, controls_apart } => {
            let experiment = match from {
                Some(checkpoint) => Experiment::resume(*checkpoint, data, &device),
                None => Experiment::new(config, data, &device),
            };
            let mut experiment = experiment.map_err(|e| e.to_string())?;
            experiment.set_ticket_link(url::ticket_link(experiment.config()));
            if controls_apart {
                experiment.train_controls_apart();
            }
            train_rounds(Session { run, replicate, experiment, kind }, flags, post).await
        }
        Job::Control(job) => {
            let training = ControlTraining::new(&config, data, job, &device);
            train_control(run, replicate, training, kind == BackendKind::Webgpu, flags, post).await
        }
    }
}

/// For the browser tests: count the chunks this worker trained
/// (`self.__lotteryChunks`); the page's own thread never sets it.
fn count_chunk() {
    let global = js_sys::global();
    let key = JsValue::from_str("__lotteryChunks");
    let n = js_sys::Reflect::get(&global, &key).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let _ = js_sys::Reflect::set(&global, &key, &JsValue::from_f64(n + 1.0));
}

/// Train the replicate's rounds to the end.
async fn train_rounds(mut session: Session, flags: &Flags, post: &dyn Fn(FromWorker)) -> Result<(), String> {
    let (run, replicate) = (session.run, session.replicate);
    let mut pace = Pace::new();
    let mut live = LiveDraw::new(session.experiment.config(), replicate);
    let mut posted = Posted::default();
    loop {
        if !wait_while_paused(run, replicate, flags, post).await {
            return Ok(());
        }
        let t0 = now_ms();
        let on_gpu = session.kind == BackendKind::Webgpu;
        let (event, live_weights) = match train_chunk(&mut session.experiment, pace.steps, live.due(t0), on_gpu).await {
            Ok(done) => done,
            Err(e) if on_gpu => {
                session.move_to_cpu(&e, post)?;
                pace = Pace::new();
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        count_chunk();
        let chunk_ms = now_ms() - t0;
        let steps_per_s = pace.after_chunk(chunk_ms);
        if let Some(weights) = live_weights {
            let round = session.experiment.reports().len();
            post(FromWorker::LiveWeights { run, replicate, round, weights });
            live.last_ms = now_ms();
        }
        match event {
            Event::Progress(progress) if posted.due(now_ms()) => {
                let live = session
                    .experiment
                    .live_curve()
                    .map(|(phase, curve): (Phase, _)| LiveCurve { phase, curve: curve.to_vec() });
                post(FromWorker::Progress { run, replicate, progress, steps_per_s, live });
            }
            Event::Progress(_) => {}
            Event::RoundDone(report) => {
                let checkpoint = session.experiment.checkpoint(session.kind.as_str());
                let compact = checkpoint.to_compact();
                let ticket = session.experiment.trained_ticket().map(|(weights, mask)| {
                    let link = url::ticket_link(session.experiment.config());
                    BASE64.encode(compact::write(weights, mask, Precision::F32, &link))
                });
                let checkpoint = Box::new(checkpoint);
                post(FromWorker::Round { run, replicate, report, checkpoint, compact, chunk_ms, ticket });
                if flags.pause_after_round.replace(false) {
                    flags.pause.set(true);
                }
            }
            Event::Finished => {
                post(FromWorker::ReplicateDone { run, replicate });
                return Ok(());
            }
        }
        TimeoutFuture::new(0).await;
    }
}

/// Train one control of one round to its end.
async fn train_control(
    run: u32,
    replicate: usize,
    mut training: ControlTraining,
    mut on_gpu: bool,
    flags: &Flags,
    post: &dyn Fn(FromWorker),
) -> Result<(), String> {
    let mut pace = Pace::new();
    let mut posted = Posted::default();
    let (round, control) = (training.job().round, training.job().control);
    let rounds = training.rounds();
    loop {
        if !wait_while_paused(run, replicate, flags, post).await {
            return Ok(());
        }
        let t0 = now_ms();
        let trained = match backend::lost().filter(|_| on_gpu) {
            Some(lost) => Err(EngineError::Device(lost)),
            None => training.advance(pace.steps).await,
        };
        let done = match trained {
            Ok(done) => done,
            Err(e) if on_gpu => {
                // The control starts again on the CPU: it has no finished part to keep.
                let why = gpu_lost(run, &e, post);
                let message = format!(
                    "The GPU was lost while a control of round {round} trained ({why}); it trains again on the CPU."
                );
                post(FromWorker::DeviceNotice { run, message });
                training = training.on(&device::cpu());
                on_gpu = false;
                pace = Pace::new();
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        count_chunk();
        let steps_per_s = pace.after_chunk(now_ms() - t0);
        if done {
            let summary = Box::new(training.summary());
            post(FromWorker::ControlDone { run, replicate, round, control, summary });
            if flags.pause_after_round.replace(false) {
                flags.pause.set(true);
            }
            return Ok(());
        }
        if !posted.due(now_ms()) {
            TimeoutFuture::new(0).await;
            continue;
        }
        let (iteration, end) = (training.iteration(), training.end());
        let progress = Progress {
            round,
            rounds,
            phase: control.phase(),
            iteration,
            end,
            overall: iteration as f64 / end.max(1) as f64,
        };
        let live = Some(LiveCurve { phase: control.phase(), curve: training.curve().to_vec() });
        post(FromWorker::Progress { run, replicate, progress, steps_per_s, live });
        TimeoutFuture::new(0).await;
    }
}
