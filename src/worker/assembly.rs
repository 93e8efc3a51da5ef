//! The page's side of a run that many workers train: which jobs wait for a
//! worker, and the rounds and checkpoint their results add up to.
//!
//! Jobs are a replicate's rounds (its tickets, and its controls unless they
//! train apart) and, when they train apart, each round's controls. A round is
//! published once its ticket and every control are in, in round order; the
//! saved checkpoint is the replicates finished in order, then the first
//! unfinished one after its last published round. Pure: the page applies
//! it (`ui::run::runner`), and `tests/worker_protocol.rs` checks it natively.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::controls::{Control, ControlJob};
use crate::engine::lottery::train::RunSummary;
use crate::engine::{Checkpoint, ExperimentConfig, RoundReport};

use super::protocol::{self, Job};

/// A round of a replicate waiting for its ticket or a control.
#[derive(Default)]
struct Pending {
    /// The ticket's report and the replicate's checkpoint after it (with its compact form).
    ticket: Option<(RoundReport, Checkpoint, String)>,
    controls: Vec<(Control, RunSummary)>,
}

/// One replicate, as the page assembles it.
#[derive(Default)]
struct ReplicateState {
    /// Its published rounds, complete.
    reports: Vec<RoundReport>,
    /// The checkpoint after its last published round, and its worker's compact form.
    checkpoint: Option<(Checkpoint, Option<String>)>,
    /// Controls were filled into its rounds: its worker's checkpoints lack them.
    filled: bool,
    /// Its controls train apart from its tickets.
    apart: bool,
    pending: BTreeMap<usize, Pending>,
    /// How far its rounds' worker is, 0..=1 (that worker's steps only).
    rounds_share: f64,
    /// Its control jobs trained to the end.
    controls_done: usize,
    /// Its rounds' worker trained the last round.
    rounds_done: bool,
}

impl ReplicateState {
    fn finished(&self) -> bool {
        self.rounds_done && self.pending.is_empty()
    }
}

/// A round every part of which is in: the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    pub replicate: usize,
    pub report: RoundReport,
}

/// What a free worker trains next, for which replicate.
#[derive(Clone, Debug, PartialEq)]
pub struct Work {
    pub replicate: usize,
    pub job: Job,
}

pub struct Assembly {
    config: ExperimentConfig,
    own: Option<OwnData>,
    controls: Vec<Control>,
    /// The workers of the run, and the replicates it had left to train when it started.
    workers: usize,
    lines: usize,
    rounds_queue: VecDeque<(usize, Option<Checkpoint>)>,
    controls_queue: VecDeque<(usize, ControlJob)>,
    replicates: Vec<ReplicateState>,
}

impl Assembly {
    /// Jobs that could train side by side: each replicate left, and each of
    /// its round's controls beside its ticket. What `worker_count` caps.
    pub fn parallel(config: &ExperimentConfig, from: Option<&Checkpoint>) -> usize {
        let left = config.reps - from.map_or(0, Checkpoint::replicate);
        let controls = if config.prune.rounds > 0 { Control::enabled(config).len() } else { 0 };
        left * (1 + controls)
    }

    /// A run of `config` (or going on from `from`) on `workers` workers.
    pub fn new(config: ExperimentConfig, own: Option<OwnData>, from: Option<&Checkpoint>, workers: usize) -> Self {
        let controls = Control::enabled(&config);
        let mut replicates: Vec<ReplicateState> = (0..config.reps).map(|_| ReplicateState::default()).collect();
        let mut rounds_queue = VecDeque::new();
        let first = from.map_or(0, Checkpoint::replicate);
        if let Some(c) = from {
            for (r, reports) in replicates.iter_mut().zip(&c.finished_replicates) {
                r.reports = reports.clone();
                r.rounds_done = true;
                r.rounds_share = 1.0;
            }
            let checkpoint = c.replicate_checkpoint();
            replicates[first].reports = c.rounds.clone();
            replicates[first].checkpoint = Some((checkpoint.clone(), None));
            rounds_queue.push_back((first, Some(checkpoint)));
        } else {
            rounds_queue.push_back((0, None));
        }
        rounds_queue.extend((first + 1..config.reps).map(|i| (i, None)));
        let lines = rounds_queue.len();
        Self { config, own, controls, workers, lines, rounds_queue, controls_queue: VecDeque::new(), replicates }
    }

    /// Whether replicate `i`'s controls train apart (decided when its rounds went to a worker).
    pub fn controls_apart(&self, i: usize) -> bool {
        self.replicates[i].apart
    }

    /// The whole experiment's configuration.
    pub fn config(&self) -> &ExperimentConfig {
        &self.config
    }

    /// How far a replicate's rounds' worker is.
    pub fn rounds_share(&self, replicate: usize) -> f64 {
        self.replicates[replicate].rounds_share
    }

    /// The next job for a free worker: a round's controls first (their
    /// rounds wait for them), then the next replicate.
    pub fn next_work(&mut self) -> Option<Work> {
        if let Some((replicate, job)) = self.controls_queue.pop_front() {
            return Some(Work { replicate, job: Job::Control(job) });
        }
        let (replicate, from) = self.rounds_queue.pop_front()?;
        let last = self.rounds_queue.is_empty();
        let apart = protocol::controls_apart(self.workers, self.lines, self.controls.len(), last);
        self.replicates[replicate].apart = apart;
        // Going on from round r ≥ 1 with the controls apart: round r's controls are known now.
        if let Some(c) = &from {
            self.queue_controls(replicate, c);
        }
        Some(Work { replicate, job: Job::Rounds { from: from.map(Box::new), controls_apart: apart } })
    }

    /// With the controls apart: the controls of the round after `checkpoint`'s last.
    fn queue_controls(&mut self, replicate: usize, checkpoint: &Checkpoint) {
        let round = checkpoint.rounds.len();
        if !self.replicates[replicate].apart || round == 0 || round > self.config.prune.rounds {
            return;
        }
        for &control in &self.controls {
            let job = ControlJob {
                round,
                control,
                mask: checkpoint.next_mask.clone(),
                theta_k: checkpoint.theta_k.clone(),
                companion: checkpoint.next_companion_mask.clone(),
            };
            self.controls_queue.push_back((replicate, job));
        }
        self.replicates[replicate].pending.entry(round).or_default();
    }

    /// A replicate's ticket finished `report`'s round; `checkpoint` is its
    /// worker's state after it. Returns the rounds now complete.
    pub fn ticket_round(
        &mut self,
        replicate: usize,
        report: RoundReport,
        checkpoint: Checkpoint,
        compact: String,
    ) -> Vec<Published> {
        self.queue_controls(replicate, &checkpoint);
        let round = report.round;
        self.replicates[replicate].pending.entry(round).or_default().ticket = Some((report, checkpoint, compact));
        self.publish(replicate)
    }

    /// A control of a replicate's round trained apart. Returns the rounds now complete.
    pub fn control_done(
        &mut self,
        replicate: usize,
        round: usize,
        control: Control,
        summary: RunSummary,
    ) -> Vec<Published> {
        let r = &mut self.replicates[replicate];
        r.controls_done += 1;
        r.pending.entry(round).or_default().controls.push((control, summary));
        self.publish(replicate)
    }

    /// A replicate's rounds' worker trained its last round.
    pub fn rounds_done(&mut self, replicate: usize) {
        let r = &mut self.replicates[replicate];
        r.rounds_done = true;
        r.rounds_share = 1.0;
    }

    /// The rounds of `replicate` that are complete, in order, moved to its reports.
    fn publish(&mut self, replicate: usize) -> Vec<Published> {
        let r = &mut self.replicates[replicate];
        let wanted = if r.apart { self.controls.len() } else { 0 };
        let mut out = Vec::new();
        loop {
            let next = r.reports.len();
            let complete =
                r.pending.get(&next).is_some_and(|p| p.ticket.is_some() && (next == 0 || p.controls.len() == wanted));
            if !complete {
                return out;
            }
            let Some(Pending { ticket: Some((mut report, checkpoint, compact)), controls }) = r.pending.remove(&next)
            else {
                return out;
            };
            r.filled |= !controls.is_empty();
            for (control, summary) in controls {
                report.set_control(control, summary);
            }
            r.reports.push(report.clone());
            let checkpoint = Checkpoint { rounds: r.reports.clone(), ..checkpoint };
            r.checkpoint = Some((checkpoint, (!r.filled).then_some(compact)));
            out.push(Published { replicate, report });
        }
    }

    /// Every replicate has all its rounds.
    pub fn finished(&self) -> bool {
        self.replicates.iter().all(ReplicateState::finished)
    }

    /// The replicate the page follows: the first one not finished.
    pub(crate) fn followed(&self) -> usize {
        self.replicates.iter().position(|r| !r.finished()).unwrap_or(self.config.reps.saturating_sub(1))
    }

    /// The experiment's checkpoint: the replicates finished in order, then the
    /// first unfinished one after its last published round (later ones that
    /// trained beside it start again after a reload: the same seeds give the
    /// same rounds). With it, its compact form when the worker's is the
    /// whole experiment's (one replicate, nothing filled in, no imported rows).
    pub fn checkpoint(&self) -> Option<(Checkpoint, Option<String>)> {
        let current = self.followed();
        let i = (0..=current).rev().find(|&i| self.replicates[i].checkpoint.is_some())?;
        let (checkpoint, compact) = self.replicates[i].checkpoint.as_ref()?;
        let finished: Vec<Vec<RoundReport>> = self.replicates[..i].iter().map(|r| r.reports.clone()).collect();
        let same = i == 0 && self.own.is_none() && checkpoint.config == self.config;
        let whole = checkpoint.clone().within_replicates(&self.config, &finished);
        Some((Checkpoint { own_data: self.own.clone(), ..whole }, compact.clone().filter(|_| same)))
    }

    /// How far a replicate's rounds' worker is (its `Progress::overall`).
    pub fn set_rounds_share(&mut self, replicate: usize, share: f64) {
        self.replicates[replicate].rounds_share = share;
    }

    /// The whole run, 0..=1, by training steps; `in_flight`: each control job
    /// training now and how far it is.
    pub fn overall(&self, in_flight: &[f64]) -> f64 {
        let c = &self.config;
        let controls = self.controls.len();
        let rounds_runs = |apart: bool| (1 + c.prune.rounds * if apart { 1 } else { 1 + controls }) as f64;
        let total_runs = (1 + c.prune.rounds * (1 + controls)) as f64 * c.reps.max(1) as f64;
        let done: f64 =
            self.replicates.iter().map(|r| r.rounds_share * rounds_runs(r.apart) + r.controls_done as f64).sum();
        ((done + in_flight.iter().sum::<f64>()) / total_runs).min(1.0)
    }
}
