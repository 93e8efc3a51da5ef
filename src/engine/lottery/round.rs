//! One experiment: rounds of train → prune → reset, with the controls, driven
//! step by step so the page can pause, step and show progress, and the CLI
//! can run it to the end. Emits a [`RoundReport`] per round.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, PruneMethod, ResetMode, Schedule};
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::companion::PrunedCompanion;
use crate::engine::lottery::controls::{Control, ControlJob, Phase};
use crate::engine::lottery::early_bird::Tracker;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::prune;
use crate::engine::lottery::report::{KEEP_TRAINED_WEIGHTS, Report, RoundReport};
use crate::engine::lottery::rewind::ResetPoint;
use crate::engine::lottery::supermask;
use crate::engine::lottery::train::TrainRun;
use crate::engine::networks::weights::Weights;
use crate::engine::records::checkpoint::Checkpoint;
use crate::engine::records::ticket_bytes::Bytes;
use crate::engine::records::ticket_format;

/// Where the experiment stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
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

/// What the round is training. Between rounds nothing is: the next call to
/// [`Experiment::advance`] starts the round's ticket.
enum Stage {
    /// The ticket trains.
    Ticket(TrainRun),
    /// A control trains. The ticket's report waits for the controls' results,
    /// and its trained weights for the next mask.
    Control { control: Control, run: TrainRun, report: Box<RoundReport>, ticket: Weights },
}

impl Stage {
    fn phase(&self) -> Phase {
        match self {
            Stage::Ticket(_) => Phase::Ticket,
            Stage::Control { control, .. } => control.phase(),
        }
    }

    fn run(&self) -> &TrainRun {
        match self {
            Stage::Ticket(run) | Stage::Control { run, .. } => run,
        }
    }

    fn run_mut(&mut self) -> &mut TrainRun {
        match self {
            Stage::Ticket(run) | Stage::Control { run, .. } => run,
        }
    }
}

pub struct Experiment {
    config: ExperimentConfig,
    data: Dataset,
    device: Device,
    reset: ResetPoint,
    /// The ticket's mask for the current round.
    mask: Mask,
    /// The second network the task prunes, if any (a GAN's discriminator under `prune.discriminator`).
    companion: Option<PrunedCompanion>,
    round: usize,
    /// None between rounds.
    stage: Option<Stage>,
    /// The dense network after round 0's training (one-shot magnitude pruning reads it).
    dense_trained: Option<Weights>,
    reports: Vec<RoundReport>,
    steps_done: usize,
    /// The controls train elsewhere ([`Self::train_controls_apart`]).
    controls_apart: bool,
    /// The link the ticket's compact files carry in their header ([`Self::with_ticket_link`]); empty: none.
    ticket_link: String,
    /// The last round's ticket as trained (before the next mask): what the page downloads and runs.
    last_trained: Option<Weights>,
}

impl Experiment {
    /// A new experiment on `device` (autodiff is enabled here).
    pub fn new(config: ExperimentConfig, data: Dataset, device: &Device) -> Result<Self, EngineError> {
        config.validate()?;
        Ok(Self {
            mask: Mask::dense(&config.shapes()),
            companion: PrunedCompanion::of(&config),
            reset: ResetPoint { theta0: Weights::theta0(&config), theta_k: None },
            config,
            data,
            device: device.clone().autodiff(),
            round: 0,
            stage: None,
            dense_trained: None,
            reports: Vec::new(),
            steps_done: 0,
            controls_apart: false,
            ticket_link: String::new(),
            last_trained: None,
        })
    }

    /// The experiment's link, written into the header of the ticket's compact files, so each round's
    /// `ticket_bytes` is the length of the file the page and `lottery export` write (`url::ticket_link`).
    pub fn set_ticket_link(&mut self, link: String) {
        self.ticket_link = link;
    }

    /// The last finished round's ticket as trained, with its mask (None before the first round, and after a
    /// resume until a round trains).
    pub fn trained_ticket(&self) -> Option<(&Weights, &Mask)> {
        let mask = &self.reports.last()?.mask;
        self.last_trained.as_ref().map(|w| (w, mask))
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
    pub(crate) fn is_finished(&self) -> bool {
        self.round > self.config.prune.rounds
    }
    /// The ticket network training now (None between runs or while a control trains).
    pub fn live_ticket(&self) -> Option<&crate::engine::networks::model::Network> {
        match &self.stage {
            Some(Stage::Ticket(run)) => Some(run.model()),
            _ => None,
        }
    }

    /// The live training curve of the network now training.
    pub fn live_curve(&self) -> Option<(Phase, &[crate::engine::lottery::curve::CurvePoint])> {
        self.stage.as_ref().map(|s| (s.phase(), s.run().curve()))
    }

    /// The controls this experiment trains itself after each ticket.
    fn controls(&self) -> usize {
        if self.controls_apart { 0 } else { Control::enabled(&self.config).len() }
    }

    /// Train only the tickets: the controls of each round train elsewhere
    /// ([`Self::control_jobs`], [`crate::engine::lottery::controls::ControlTraining`]),
    /// and the round reports leave them out until the caller fills them in.
    /// They come out the same: a control depends only on its round's mask.
    pub fn train_controls_apart(&mut self) {
        self.controls_apart = true;
        // A resumed experiment counted its finished rounds' controls as done here.
        self.steps_done = self.steps_at_round_start();
    }

    /// Whether the controls train elsewhere.
    pub fn controls_apart(&self) -> bool {
        self.controls_apart
    }

    /// Steps trained before the current round starts.
    fn steps_at_round_start(&self) -> usize {
        match self.round {
            0 => 0,
            n => self.config.train.steps + self.round_steps() * (n - 1),
        }
        .min(self.total_steps())
    }

    /// The controls of the round about to train (or training), to train apart
    /// from its ticket: none in round 0, or once every round has finished.
    pub fn control_jobs(&self) -> Vec<ControlJob> {
        if self.round == 0 || self.is_finished() {
            return Vec::new();
        }
        Control::enabled(&self.config)
            .into_iter()
            .map(|control| ControlJob {
                round: self.round,
                control,
                mask: self.mask.clone(),
                theta_k: self.reset.theta_k.clone(),
                companion: self.companion_mask().cloned(),
            })
            .collect()
    }

    /// Training steps one round takes (ticket plus controls after round 0).
    fn round_steps(&self) -> usize {
        self.config.train.steps * (1 + self.controls())
    }

    fn total_steps(&self) -> usize {
        self.config.train.steps + self.round_steps() * self.config.prune.rounds
    }

    fn progress(&self) -> Progress {
        let (phase, iteration, end) = match &self.stage {
            Some(s) => (s.phase(), s.run().iteration(), s.run().end()),
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

    /// The round's ticket: the survivors reset to θ0 (or θk). Round 0 saves θk
    /// on the way when rewinding.
    fn ticket_run(&self) -> TrainRun {
        let cfg = &self.config;
        let (w, start) = self.reset.reset(cfg, &self.mask);
        let mut run = TrainRun::new(cfg, &w, &self.mask, start, cfg.train.steps, cfg.seed, &self.device)
            .prune_companion(self.companion_mask());
        if self.round == 0 && cfg.prune.reset == ResetMode::Rewind {
            run = run.snapshot_at(cfg.prune.rewind_step);
        }
        if cfg.prune.mask_at > 0 {
            run = run.snapshot_at(cfg.prune.mask_at);
        }
        if self.round == 0 && cfg.prune.method == PruneMethod::Magnitude {
            run = run.track_early_bird(Tracker::new(cfg, &self.mask));
        }
        run
    }

    fn control_run(&self, control: Control) -> TrainRun {
        control.run(&self.config, &self.reset, &self.mask, self.companion_mask(), self.round, &self.device)
    }

    /// The control that trains after the ticket (`after` None) or after
    /// control `after`, if any. Round 0 trains the dense network alone.
    fn next_control(&self, after: Option<Control>) -> Option<Control> {
        if self.round == 0 || self.controls_apart {
            return None;
        }
        let enabled = Control::enabled(&self.config);
        match after {
            None => enabled.first().copied(),
            Some(c) => enabled.iter().skip_while(|&&e| e != c).nth(1).copied(),
        }
    }

    /// Train up to `max_steps` steps, then say where things stand. A round
    /// ends with [`Event::RoundDone`]; after the last, [`Event::Finished`].
    pub async fn advance(&mut self, max_steps: usize) -> Result<Event, EngineError> {
        if self.is_finished() {
            return Ok(Event::Finished);
        }
        let mut stage = match self.stage.take() {
            Some(stage) => stage,
            None => Stage::Ticket(self.ticket_run()),
        };
        let trained = stage.run_mut().advance(&self.data, max_steps).await;
        let taken = match trained {
            Ok(taken) => taken,
            Err(e) => {
                self.stage = Some(stage); // as it was: a caller may try again
                return Err(e);
            }
        };
        self.steps_done += taken;
        if !stage.run().is_done() {
            self.stage = Some(stage);
            return Ok(Event::Progress(self.progress()));
        }
        match stage {
            Stage::Ticket(run) => self.ticket_done(run).await,
            Stage::Control { control, run, mut report, ticket } => {
                report.set_control(control, run.summary());
                self.after_run(Some(control), report, ticket).await
            }
        }
    }

    /// The ticket has trained: keep θk (when rewinding) and its weights, start its report.
    async fn ticket_done(&mut self, mut run: TrainRun) -> Result<Event, EngineError> {
        let summary = run.summary();
        let cfg = &self.config;
        // Taken before θk: when both are the same step, there is one snapshot.
        let mask_at = match cfg.prune.mask_at {
            0 => None,
            step => Some(run.snapshot(step).cloned().ok_or(EngineError::Missing("the weights at maskat"))?),
        };
        if self.round == 0
            && cfg.prune.reset == ResetMode::Rewind
            && let Some(k) = run.take_snapshot(cfg.prune.rewind_step)
        {
            self.reset.theta_k = Some(k);
        }
        let trained = run.model().to_weights().await?;
        if let Some(companion) = self.companion.as_mut() {
            companion.keep_trained(run.companion_weights().await?);
        }
        let (early_bird, settled) = run.take_early_bird().map(Tracker::finish).unzip();
        // The weights the next mask is drawn from: the end of training, the early-bird iteration, or maskat's.
        let prune_from = match (settled.flatten(), mask_at) {
            (_, Some(w)) => w,
            (Some(w), None) if self.config.prune.early_bird_ticket => w,
            _ => trained.clone(),
        };
        if self.round == 0 {
            self.dense_trained = Some(prune_from.clone());
        }
        let keep = (self.mask.total() <= KEEP_TRAINED_WEIGHTS).then(|| trained.clone());
        let supermask =
            supermask::supermask(&self.config, &self.reset.theta0, &self.mask, &self.data, &self.device).await?;
        let report = Box::new(RoundReport {
            round: self.round,
            weights_remaining: self.mask.density(),
            layer_remaining: self.mask.layer_densities(),
            remaining: self.mask.remaining(),
            total: self.mask.total(),
            ticket: summary,
            reinit: None,
            random_mask: None,
            same_signs: None,
            shuffled: None,
            constant_signs: None,
            norm_l1: None,
            norm_l2: None,
            supermask: Some(supermask),
            companion_remaining: self.companion_mask().map(Mask::density),
            mask: self.mask.clone(),
            early_bird,
            trained: keep,
            ticket_bytes: Some(Bytes::of(&trained, &self.mask, &self.ticket_link)),
        });
        self.last_trained = Some(trained);
        self.after_run(None, report, prune_from).await
    }

    /// After the ticket (`after` None) or a control: start the next control,
    /// or end the round.
    async fn after_run(
        &mut self,
        after: Option<Control>,
        report: Box<RoundReport>,
        ticket: Weights,
    ) -> Result<Event, EngineError> {
        match self.next_control(after) {
            Some(control) => {
                let run = self.control_run(control);
                self.stage = Some(Stage::Control { control, run, report, ticket });
                Ok(Event::Progress(self.progress()))
            }
            None => self.finish_round(report, &ticket).await,
        }
    }

    async fn finish_round(&mut self, report: Box<RoundReport>, ticket: &Weights) -> Result<Event, EngineError> {
        // The next mask first: if the device fails here, the round is not yet
        // recorded and a checkpoint still describes a consistent state.
        if self.round < self.config.prune.rounds {
            let mask = self.next_mask(ticket).await?;
            if let Some(companion) = self.companion.as_mut() {
                companion.next_round(&self.config);
            }
            self.mask = mask;
        }
        if let Some(companion) = self.companion.as_mut() {
            companion.clear_trained();
        }
        self.reports.push((*report).clone());
        self.round += 1;
        Ok(Event::RoundDone(report))
    }

    /// The mask of the next round, from this round's trained ticket.
    async fn next_mask(&self, ticket: &Weights) -> Result<Mask, EngineError> {
        let cfg = &self.config;
        let p = &cfg.prune;
        let dense = Mask::dense(&cfg.shapes());
        let (base, keep) = match p.schedule {
            Schedule::Iterative => (self.mask.clone(), prune::keep_counts_iterative(cfg, &self.mask)),
            Schedule::Oneshot => {
                let keep = prune::keep_counts_oneshot(cfg, &dense, self.round + 1);
                (dense, keep)
            }
        };
        let trained = match p.schedule {
            Schedule::Iterative => ticket,
            // Kept from round 0 (or restored by `resume`); round 0's ticket is the dense network.
            Schedule::Oneshot => self.dense_trained.as_ref().unwrap_or(ticket),
        };
        let mask = match p.method {
            PruneMethod::Magnitude => prune::prune_magnitude(trained, &base, &keep, p.scope),
            PruneMethod::Increase => {
                let scores = prune::increase_scores(trained, self.reset.source(cfg).0);
                prune::keep_top(&scores, &base, &keep, p.scope)
            }
            PruneMethod::Movement => {
                let scores = prune::movement_scores(trained, self.reset.source(cfg).0);
                prune::keep_top(&scores, &base, &keep, p.scope)
            }
            PruneMethod::Synflow => {
                let iterations = prune::SYNFLOW_ITERATIONS;
                prune::prune_synflow(&self.reset.theta0, &base, &keep, p.scope, iterations, &self.device).await?
            }
            PruneMethod::Snip => {
                let batch = prune::snip_batch(&self.data, prune::SNIP_MIN_BATCH.max(cfg.train.batch), cfg.seed);
                let scores = prune::snip_scores(&self.reset.theta0, &base, batch, &self.device).await?;
                prune::keep_top(&scores, &base, &keep, p.scope)
            }
        };
        Ok(mask)
    }

    /// The companion's mask this round (a pruned GAN discriminator's), if the task prunes one.
    fn companion_mask(&self) -> Option<&Mask> {
        self.companion.as_ref().map(PrunedCompanion::mask)
    }

    /// The state after the last finished round, whatever is training now:
    /// going on from it trains the unfinished round again, from its start.
    pub fn checkpoint(&self, backend: &str) -> Checkpoint {
        let started = !self.reports.is_empty();
        // While round r trains, `mask` is round r's; after the last round it stays the last one.
        Checkpoint {
            format: ticket_format::FORMAT.into(),
            version: ticket_format::VERSION,
            config: self.config.clone(),
            backend: backend.into(),
            rounds: self.reports.clone(),
            next_mask: self.mask.clone(),
            next_companion_mask: self.companion_mask().cloned(),
            theta_k: self.reset.theta_k.clone().filter(|_| started),
            dense_trained: self
                .dense_trained
                .clone()
                .filter(|_| started && self.config.prune.schedule == Schedule::Oneshot),
            finished_replicates: Vec::new(),
            own_data: None,
        }
    }

    /// Go on from a checkpoint on `device`: the next round is the first one
    /// the checkpoint has not finished. θ0 is drawn again from the seed.
    /// With replicates, this is the replicate in progress (its own seed; `data` must be its dataset).
    pub fn resume(checkpoint: Checkpoint, data: Dataset, device: &Device) -> Result<Self, EngineError> {
        checkpoint.validate()?;
        let Checkpoint { config, rounds, next_mask, next_companion_mask, theta_k, dense_trained, .. } =
            checkpoint.replicate_checkpoint();
        let mut experiment = Self::new(config, data, device)?;
        experiment.round = rounds.len();
        experiment.mask = next_mask;
        if let Some(mask) = next_companion_mask {
            experiment.companion = Some(PrunedCompanion::resumed(mask));
        }
        experiment.reset.theta_k = theta_k;
        experiment.dense_trained = dense_trained;
        experiment.steps_done = experiment.steps_at_round_start();
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
        Report {
            config: self.config.clone(),
            seed: self.config.seed,
            backend: backend.to_string(),
            rounds: self.reports.clone(),
            build: Some(crate::engine::build_info()),
        }
    }
}
