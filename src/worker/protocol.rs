//! The messages between the page and its engine workers: JSON text, one
//! tagged value per message, checked by `tests/worker_protocol.rs` natively.
//!
//! The page sends [`ToWorker`]; a worker answers with [`FromWorker`], each
//! tagged with the run it belongs to, so a late message from a stopped run is
//! dropped. A worker trains one [`Job`] per [`Start`]: a replicate's rounds,
//! or one control of one round; the page hands them to its workers and
//! assembles what they send.

use serde::{Deserialize, Serialize};

use crate::engine::data::own_data::OwnData;
use crate::engine::device::CPU_BACKEND;
use crate::engine::lottery::controls::Phase;
use crate::engine::lottery::controls::{Control, ControlJob};
use crate::engine::lottery::{curve::CurvePoint, train::RunSummary};
use crate::engine::{BuildInfo, Checkpoint, ExperimentConfig, Progress, RoundReport, Weights};

/// The device a run trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Cpu,
    Webgpu,
    /// `auto` is timing both (a second or two at the start of a run).
    Timing,
}

impl BackendKind {
    /// What the page (`#backend[data-kind]`), the tests and checkpoints read.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Webgpu => "webgpu",
            Self::Timing => "timing",
        }
    }
}

/// The backend a worker trains on, and what to tell the user about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackendInfo {
    pub kind: BackendKind,
    /// e.g. "WebGPU (swiftshader, software adapter): chosen in the settings" or
    /// "CPU (burn-flex): 310 steps/s against 12 on this GPU (…) for this network".
    pub label: String,
}

impl BackendInfo {
    /// Shown while `auto` times the network on both devices.
    pub fn timing() -> Self {
        Self {
            kind: BackendKind::Timing,
            label: "Timing a few steps of this network on the GPU and on the CPU…".into(),
        }
    }
    pub fn cpu(why: impl std::fmt::Display) -> Self {
        Self { kind: BackendKind::Cpu, label: format!("CPU ({CPU_BACKEND}): {why}") }
    }
    pub fn webgpu(adapter: &str, why: impl std::fmt::Display) -> Self {
        Self { kind: BackendKind::Webgpu, label: format!("WebGPU ({adapter}): {why}") }
    }
    /// After the GPU failed under a run.
    pub fn gpu_lost(why: &str) -> Self {
        Self::cpu(format!("the GPU was lost mid-run ({why})"))
    }
}

/// What `auto` found for one network: kept by the page and handed to every
/// worker, so Restart, Continue and a second worker do not time it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timed {
    /// [`trial_key`] of the network timed.
    pub key: String,
    pub kind: BackendKind,
    /// "310 steps/s against 12 on this GPU (…) for this network".
    pub why: String,
}

/// What decides a step's cost: the layer shapes, the batch and the optimizer.
pub fn trial_key(config: &ExperimentConfig) -> String {
    format!("{:?} batch {} {:?}", config.shapes(), config.train.batch, config.train.optimizer)
}

/// The curve of the network training now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveCurve {
    pub phase: Phase,
    pub curve: Vec<CurvePoint>,
}

/// What a worker trains of its replicate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "kebab-case")]
pub enum Job {
    /// Its rounds: each ticket, and each round's controls unless
    /// `controls_apart` (then other workers train them: [`Job::Control`]).
    Rounds {
        /// Go on from the replicate's finished rounds (a replicate checkpoint,
        /// `Checkpoint::replicate_checkpoint`), not from round 0.
        from: Option<Box<Checkpoint>>,
        controls_apart: bool,
    },
    /// One control of one round.
    Control(ControlJob),
}

/// Train one replicate of an experiment, or one control of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Start {
    pub run: u32,
    /// The whole experiment's configuration (all replicates).
    pub config: ExperimentConfig,
    /// Which replicate (0-based); its seed and data split follow from it.
    pub replicate: usize,
    /// `auto`, `cpu` or `webgpu` (`url::BackendChoice`'s names).
    pub backend: String,
    pub job: Job,
    /// The rows of an experiment on own data.
    pub own: Option<OwnData>,
    /// What `auto` found earlier on this page.
    pub timed: Vec<Timed>,
    /// Start paused (the page was paused when this replicate's turn came).
    pub paused: bool,
}

/// The page to a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ToWorker {
    Start(Box<Start>),
    /// Pause (true) or go on (false) between chunks.
    Pause {
        paused: bool,
    },
    /// Pause when the round in progress ends ("Step").
    StepRound,
    /// Stop the run; the worker waits for the next `Start`.
    Stop,
}

/// A worker to the page. Every message but `Ready` names its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The module has loaded and listens; what it was built as (`lottery run --page-exact` records it).
    Ready { build: BuildInfo },
    /// The backend line: where this worker trains, and why.
    Backend { run: u32, info: BackendInfo },
    /// `auto` timed a network: the page keeps it for later starts.
    Timed { run: u32, timed: Timed },
    /// The replicate's experiment is built and trains (or is paused).
    Running { run: u32, replicate: usize, paused: bool },
    /// After a chunk: where the replicate stands, its speed, and the curve of
    /// the network training now (none between two of the round's networks).
    Progress { run: u32, replicate: usize, progress: Progress, steps_per_s: f64, live: Option<LiveCurve> },
    /// The ticket's weights as it trains (small 2D networks only), in round `round`.
    LiveWeights { run: u32, replicate: usize, round: usize, weights: Weights },
    /// A round finished: its report, and the replicate's checkpoint after it,
    /// also in the compact form the page saves (`Checkpoint::to_compact`,
    /// made here so the page does not compress it). `chunk_ms`: the chunk
    /// that ended the round (its last steps, evaluation, readback, next mask). `ticket`: the round's trained
    /// ticket as the compact f32 file (base64), bit for bit what trained: the page downloads and runs it.
    Round {
        run: u32,
        replicate: usize,
        report: Box<RoundReport>,
        checkpoint: Box<Checkpoint>,
        compact: String,
        chunk_ms: f64,
        ticket: Option<String>,
    },
    /// The replicate trained its last round.
    ReplicateDone { run: u32, replicate: usize },
    /// A control job has trained: what the round's report records for it.
    ControlDone { run: u32, replicate: usize, round: usize, control: Control, summary: Box<RunSummary> },
    /// The GPU was lost: the replicate goes on on the CPU from its last finished round.
    DeviceNotice { run: u32, message: String },
    /// The replicate stopped on an error.
    Failed { run: u32, message: String },
}

impl FromWorker {
    /// The run a message belongs to (None: `Ready`).
    pub fn run(&self) -> Option<u32> {
        match self {
            FromWorker::Ready { .. } => None,
            FromWorker::Backend { run, .. }
            | FromWorker::Timed { run, .. }
            | FromWorker::Running { run, .. }
            | FromWorker::Progress { run, .. }
            | FromWorker::LiveWeights { run, .. }
            | FromWorker::Round { run, .. }
            | FromWorker::ReplicateDone { run, .. }
            | FromWorker::ControlDone { run, .. }
            | FromWorker::DeviceNotice { run, .. }
            | FromWorker::Failed { run, .. } => Some(*run),
        }
    }
}

/// How many workers a page runs: `workers=N` in the link, else one per core
/// the browser reports (`navigator.hardwareConcurrency`), within
/// [1, [`MAX_WORKERS`]], and never more than there are jobs to train side by
/// side (`parallel`: the replicates, and each round's controls beside its ticket).
pub const MAX_WORKERS: usize = 8;

pub fn worker_count(asked: usize, cores: usize, parallel: usize) -> usize {
    let wanted = if asked == 0 { cores } else { asked };
    wanted.clamp(1, MAX_WORKERS).min(parallel.max(1))
}

/// Whether a replicate's controls train apart from its tickets, decided when
/// its rounds go to a worker: when the experiment has controls, there is more
/// than one worker, and either the workers outnumber the replicates left
/// (`lines`, a spare worker would idle) or it is the last replicate to start
/// (the others' workers free up before it ends; on 2 workers, 5 replicates
/// would otherwise end with one worker idle while the other trains the fifth).
pub fn controls_apart(workers: usize, lines: usize, controls: usize, last: bool) -> bool {
    controls > 0 && workers > 1 && (workers > lines || last)
}
