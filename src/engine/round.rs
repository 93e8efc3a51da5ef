//! One experiment: rounds of train → prune → reset, with the controls, driven
//! step by step so the page can pause, step and show progress, and the CLI
//! can run it to the end. Emits a [`RoundReport`] per round.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::checkpoint::{self, Checkpoint};
use super::config::{ExperimentConfig, PruneMethod, ResetMode, Schedule};
use super::data::Dataset;
use super::mask::Mask;
use super::model::Weights;
use super::prune;
use super::rewind::{self, ResetPoint};
use super::train::{RunSummary, TrainRun};
use super::EngineError;

/// What one round found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    pub round: usize,
    /// Fraction of prunable weights that remain, 0..=1.
    pub weights_remaining: f64,
    pub layer_remaining: Vec<f64>,
    pub remaining: usize,
    pub total: usize,
    pub ticket: RunSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinit: Option<RunSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random_mask: Option<RunSummary>,
    /// The ticket's mask this round.
    pub mask: Mask,
    /// The ticket's trained weights, kept for small networks (up to
    /// [`KEEP_TRAINED_WEIGHTS`]) so the page can draw decision regions;
    /// written to JSON only for networks the page draws (up to
    /// [`SERIALISE_TRAINED_WEIGHTS`]), so a reload draws them again.
    #[serde(default, skip_serializing_if = "not_drawn")]
    pub trained: Option<Weights>,
}

/// Trained weights of networks up to this size go into reports and checkpoints.
pub const SERIALISE_TRAINED_WEIGHTS: usize = 4096;

fn not_drawn(w: &Option<Weights>) -> bool {
    w.as_ref().is_none_or(|w| w.layers.iter().map(|l| l.w.len()).sum::<usize>() > SERIALISE_TRAINED_WEIGHTS)
}

/// Networks up to this many weights keep their trained weights in reports.
pub const KEEP_TRAINED_WEIGHTS: usize = 20_000;

/// The whole record of an experiment: configuration, seed and rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: ExperimentConfig,
    pub seed: u64,
    pub backend: String,
    pub rounds: Vec<RoundReport>,
}

/// Which network of the round is training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Ticket,
    Reinit,
    RandomMask,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Ticket => "ticket",
            Phase::Reinit => "random reinit",
            Phase::RandomMask => "random mask",
        }
    }
}

/// Where the experiment stands.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub round: usize,
    pub rounds: usize,
    pub phase: Phase,
    pub iteration: usize,
    pub end: usize,
    /// Fraction of the whole experiment done, 0..=1 (by training steps).
    pub overall: f64,
}

/// What [`Experiment::advance`] did.
#[derive(Clone, Debug)]
pub enum Event {
    Progress(Progress),
    RoundDone(Box<RoundReport>),
    Finished,
}

pub struct Experiment {
    config: ExperimentConfig,
    data: Dataset,
    device: Device,
    reset: ResetPoint,
    /// The ticket's mask for the current round.
    mask: Mask,
    round: usize,
    job: Option<(Phase, TrainRun)>,
    pending: Option<RoundReport>,
    ticket_trained: Option<Weights>,
    dense_trained: Option<Weights>,
    reports: Vec<RoundReport>,
    steps_done: usize,
}

impl Experiment {
    /// A new experiment on `device` (autodiff is enabled here).
    pub fn new(config: ExperimentConfig, data: Dataset, device: &Device) -> Result<Self, EngineError> {
        config.validate()?;
        let shapes = config.shapes();
        let theta0 = Weights::init_shapes(&shapes, config.model.init, config.seed, 0);
        Ok(Self {
            mask: Mask::for_shapes(&shapes),
            reset: ResetPoint { theta0, theta_k: None },
            config,
            data,
            device: device.clone().autodiff(),
            round: 0,
            job: None,
            pending: None,
            ticket_trained: None,
            dense_trained: None,
            reports: Vec::new(),
            steps_done: 0,
        })
    }

    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }
    pub fn data(&self) -> &Dataset {
        &self.data
    }
    pub fn reports(&self) -> &[RoundReport] {
        &self.reports
    }
    pub fn theta0(&self) -> &Weights {
        &self.reset.theta0
    }
    pub fn theta_k(&self) -> Option<&Weights> {
        self.reset.theta_k.as_ref()
    }
    pub fn is_finished(&self) -> bool {
        self.round > self.config.prune.rounds
    }
    /// The ticket network training now (None between runs or while a control trains).
    pub fn live_ticket(&self) -> Option<&super::model::MaskedNet> {
        match &self.job {
            Some((Phase::Ticket, run)) => Some(run.model()),
            _ => None,
        }
    }

    /// The live training curve of the network now training.
    pub fn live_curve(&self) -> Option<(Phase, &[super::train::CurvePoint])> {
        self.job.as_ref().map(|(p, r)| (*p, r.curve()))
    }

    fn controls(&self) -> usize {
        usize::from(self.config.prune.control_reinit) + usize::from(self.config.prune.control_random)
    }

    /// Training steps one round takes (ticket plus controls after round 0).
    fn round_steps(&self) -> usize {
        self.config.train.steps * (1 + self.controls())
    }

    fn total_steps(&self) -> usize {
        self.config.train.steps + self.round_steps() * self.config.prune.rounds
    }

    fn progress(&self) -> Progress {
        let (phase, iteration, end) = match &self.job {
            Some((p, r)) => (*p, r.iteration(), r.end()),
            None => (Phase::Ticket, 0, self.config.train.steps),
        };
        Progress {
            round: self.round,
            rounds: self.config.prune.rounds,
            phase,
            iteration,
            end,
            overall: (self.steps_done as f64 / self.total_steps() as f64).min(1.0),
        }
    }

    fn start(&mut self, phase: Phase) {
        let cfg = &self.config;
        let steps = cfg.train.steps;
        let run = match phase {
            Phase::Ticket => {
                let (w, start) = self.reset.reset(cfg, &self.mask);
                let run = TrainRun::new(&cfg.train, &w, &self.mask, start, steps, cfg.seed, &self.device);
                if self.round == 0 && cfg.prune.reset == ResetMode::Rewind {
                    run.snapshot_at(cfg.prune.rewind_step)
                } else {
                    run
                }
            }
            Phase::Reinit => {
                let w = rewind::reinit(cfg, &self.mask, self.round);
                TrainRun::new(&cfg.train, &w, &self.mask, 0, steps, cfg.seed, &self.device)
            }
            Phase::RandomMask => {
                let mask = prune::random_mask(&self.mask, cfg.seed, self.round as u64);
                let (w, start) = self.reset.reset(cfg, &mask);
                TrainRun::new(&cfg.train, &w, &mask, start, steps, cfg.seed, &self.device)
            }
        };
        self.job = Some((phase, run));
    }

    /// Train up to `max_steps` steps, then say where things stand. A round
    /// ends with [`Event::RoundDone`]; after the last, [`Event::Finished`].
    pub async fn advance(&mut self, max_steps: usize) -> Result<Event, EngineError> {
        if self.is_finished() {
            return Ok(Event::Finished);
        }
        if self.job.is_none() {
            self.start(Phase::Ticket);
        }
        let (phase, run) = self.job.as_mut().expect("a job");
        let phase = *phase;
        let taken = run.advance(&self.data, max_steps).await?;
        self.steps_done += taken;
        if !run.is_done() {
            return Ok(Event::Progress(self.progress()));
        }
        let (_, mut run) = self.job.take().expect("a job");
        let summary = run.summary();
        match phase {
            Phase::Ticket => {
                if let Some(k) = run.take_snapshot() {
                    self.reset.theta_k = Some(k);
                }
                let trained = run.model().to_weights().await?;
                if self.round == 0 {
                    self.dense_trained = Some(trained.clone());
                }
                let keep = (self.mask.total() <= KEEP_TRAINED_WEIGHTS).then(|| trained.clone());
                self.ticket_trained = Some(trained);
                self.pending = Some(RoundReport {
                    round: self.round,
                    weights_remaining: self.mask.density(),
                    layer_remaining: self.mask.layer_densities(),
                    remaining: self.mask.remaining(),
                    total: self.mask.total(),
                    ticket: summary,
                    reinit: None,
                    random_mask: None,
                    mask: self.mask.clone(),
                    trained: keep,
                });
            }
            Phase::Reinit => self.pending.as_mut().expect("pending").reinit = Some(summary),
            Phase::RandomMask => self.pending.as_mut().expect("pending").random_mask = Some(summary),
        }
        let next = match phase {
            _ if self.round == 0 => None,
            Phase::Ticket if self.config.prune.control_reinit => Some(Phase::Reinit),
            Phase::Ticket | Phase::Reinit if self.config.prune.control_random => Some(Phase::RandomMask),
            _ => None,
        };
        if let Some(next) = next {
            self.start(next);
            return Ok(Event::Progress(self.progress()));
        }
        self.finish_round().await
    }

    async fn finish_round(&mut self) -> Result<Event, EngineError> {
        // The next mask first: if the device fails here, the round is not yet
        // recorded and a checkpoint still describes a consistent state.
        if self.round < self.config.prune.rounds {
            self.mask = self.next_mask().await?;
        }
        let report = self.pending.take().expect("a finished ticket");
        self.reports.push(report.clone());
        self.round += 1;
        Ok(Event::RoundDone(Box::new(report)))
    }

    /// The mask of the next round.
    async fn next_mask(&self) -> Result<Mask, EngineError> {
        let cfg = &self.config;
        let p = &cfg.prune;
        let dense = Mask::for_shapes(&cfg.shapes());
        let (base, keep) = match p.schedule {
            Schedule::Iterative => (self.mask.clone(), prune::keep_counts_iterative(cfg, &self.mask)),
            Schedule::Oneshot => {
                let keep = prune::keep_counts_oneshot(cfg, &dense, self.round + 1);
                (dense, keep)
            }
        };
        let mask = match p.method {
            PruneMethod::Magnitude => {
                let trained = match p.schedule {
                    Schedule::Iterative => self.ticket_trained.as_ref(),
                    Schedule::Oneshot => self.dense_trained.as_ref(),
                };
                prune::prune_magnitude(trained.expect("trained weights"), &base, &keep, p.scope)
            }
            PruneMethod::Synflow => prune::prune_synflow(&self.reset.theta0, &base, &keep, p.scope, 20, &self.device).await?,
            PruneMethod::Snip => {
                let d = &self.data;
                let scores = prune::snip_scores(&self.reset.theta0, &base, &d.train, d.features, d.classes, 256.max(cfg.train.batch), cfg.seed, &self.device).await?;
                prune::keep_top(&scores, &base, &keep, p.scope)
            }
        };
        Ok(mask)
    }

    /// The state after the last finished round, whatever is training now:
    /// going on from it trains the unfinished round again, from its start.
    pub fn checkpoint(&self, backend: &str) -> Checkpoint {
        let started = !self.reports.is_empty();
        // While round r trains, `mask` is round r's; after the last round it stays the last one.
        Checkpoint {
            format: checkpoint::FORMAT.into(),
            version: checkpoint::VERSION,
            config: self.config.clone(),
            backend: backend.into(),
            rounds: self.reports.clone(),
            next_mask: self.mask.clone(),
            theta_k: self.reset.theta_k.clone().filter(|_| started),
            dense_trained: self.dense_trained.clone().filter(|_| started && self.config.prune.schedule == Schedule::Oneshot),
        }
    }

    /// Go on from a checkpoint on `device`: the next round is the first one
    /// the checkpoint has not finished. θ0 is drawn again from the seed.
    pub fn resume(checkpoint: Checkpoint, data: Dataset, device: &Device) -> Result<Self, EngineError> {
        checkpoint.validate()?;
        let Checkpoint { config, rounds, next_mask, theta_k, dense_trained, .. } = checkpoint;
        let mut experiment = Self::new(config, data, device)?;
        experiment.round = rounds.len();
        experiment.mask = next_mask;
        experiment.reset.theta_k = theta_k;
        experiment.dense_trained = dense_trained;
        experiment.steps_done = match rounds.len() {
            0 => 0,
            n => experiment.config.train.steps + experiment.round_steps() * (n - 1),
        }
        .min(experiment.total_steps());
        experiment.reports = rounds;
        Ok(experiment)
    }

    /// Run to the end, calling `on_event` after each chunk of steps.
    pub async fn run_to_end(&mut self, chunk: usize, mut on_event: impl FnMut(&Event)) -> Result<(), EngineError> {
        loop {
            let event = self.advance(chunk).await?;
            on_event(&event);
            if matches!(event, Event::Finished) {
                return Ok(());
            }
        }
    }

    pub fn report(&self, backend: &str) -> Report {
        Report { config: self.config.clone(), seed: self.config.seed, backend: backend.to_string(), rounds: self.reports.clone() }
    }
}
