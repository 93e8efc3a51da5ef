//! Transferring a winning ticket (Morcos et al., NeurIPS 2019, "One ticket
//! to win them all"): the mask of round R and its θ0, found on one dataset,
//! trained on another whose network has the same shape (MNIST ↔
//! Fashion-MNIST, or between 2D sets). Beside it, at the same sparsity and
//! on the target's data: the dense network, the same mask from fresh
//! weights, a random mask, and the ticket iterative pruning finds on the
//! target itself. A ticket that does not fit the target is refused.
//! A rewound ticket transfers with θ0 (its θk belongs to the source's training).

use serde::{Deserialize, Serialize};

use crate::engine::Choice;
use crate::engine::config::ExperimentConfig;
use crate::engine::data::{Dataset, DatasetName};
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::train::{RunSummary, TrainRun};
use crate::engine::lottery::{prune, rewind};
use crate::engine::lottery::{
    report::RoundReport,
    round::{Event, Experiment},
};
use crate::engine::networks::weights::Weights;
use burn::tensor::Device;

/// The networks a transfer trains, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// The source's mask and θ0, trained on the target.
    Transferred,
    /// All weights, from θ0.
    Dense,
    /// The same mask from fresh random weights.
    Reinit,
    /// A random mask of the same sparsity, from θ0.
    RandomMask,
    /// The ticket iterative pruning finds on the target, at the same round.
    TargetTicket,
}

impl Network {
    pub const ALL: [Network; 5] =
        [Network::Transferred, Network::Dense, Network::Reinit, Network::RandomMask, Network::TargetTicket];

    pub fn label(self) -> &'static str {
        match self {
            Network::Transferred => "transferred ticket",
            Network::Dense => "dense network",
            Network::Reinit => "same mask, fresh weights",
            Network::RandomMask => "random mask",
            Network::TargetTicket => "ticket found on the target",
        }
    }
}

/// What to transfer, checked: the source's configuration and round-R mask, and the target's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct TransferPlan {
    pub source: ExperimentConfig,
    /// The source with the target's dataset; its `prune.rounds` is R (for the target's own ticket).
    pub target: ExperimentConfig,
    pub round: usize,
    pub mask: Mask,
}

/// Plan the transfer of round `round` of a run on `source` (its finished `rounds`) to `target`,
/// or say why it cannot be.
pub fn plan(
    source: &ExperimentConfig,
    rounds: &[RoundReport],
    round: usize,
    target: DatasetName,
) -> Result<TransferPlan, String> {
    let report = rounds.get(round).ok_or_else(|| match rounds.len() {
        0 => "the run has no finished round to transfer".to_string(),
        n => format!("the run has rounds 0 to {}; there is no round {round}", n - 1),
    })?;
    if target == DatasetName::Own {
        return Err("a ticket transfers to a built-in dataset (own rows travel in their ticket file)".into());
    }
    let mut t = source.clone();
    t.data.dataset = target;
    t.data.own = None;
    t.data.samples = t.data.samples.clamp(t.samples_bounds().lo, t.samples_bounds().hi);
    t.prune.rounds = round;
    t.prune.control_reinit = false;
    t.prune.control_random = false;
    t.prune.early_bird_ticket = false;
    t.reps = 1;
    let (from, to) = (source.widths(), t.widths());
    if source.shapes() != t.shapes() {
        return Err(format!(
            "the round-{round} ticket of {} does not fit {}: its network is {} ({} inputs, {} classes), {}'s would \
             be {} ({} inputs, {} classes)",
            source.data.dataset.name(),
            target.name(),
            join(&from),
            source.features(),
            source.classes(),
            target.name(),
            join(&to),
            t.features(),
            t.classes()
        ));
    }
    t.validate().map_err(|e| format!("the target's settings: {e}"))?;
    Ok(TransferPlan { source: source.clone(), target: t, round, mask: report.mask.clone() })
}

fn join(widths: &[usize]) -> String {
    widths.iter().map(usize::to_string).collect::<Vec<_>>().join("-")
}

/// One network's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferResult {
    pub network: Network,
    /// Its fraction of weights remaining.
    pub weights_remaining: f64,
    pub summary: RunSummary,
}

/// A finished transfer: what was moved where, and every network's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferReport {
    pub source: ExperimentConfig,
    pub target: ExperimentConfig,
    pub round: usize,
    pub results: Vec<TransferResult>,
    /// The transferred network's start, θ0 ⊙ m of the source's seed, as [`Weights::digest`]: a check that the
    /// mask and θ0 are the same replicate's.
    #[serde(default)]
    pub start_digest: String,
    /// The target's rows, as [`Dataset::digest`].
    #[serde(default)]
    pub data_digest: String,
}

impl TransferReport {
    pub fn result(&self, network: Network) -> Option<&TransferResult> {
        self.results.iter().find(|r| r.network == network)
    }
}

/// The network training now.
enum Current {
    /// A network of the comparison, and its fraction of weights remaining.
    Run(Network, Box<TrainRun>, f64),
    Own(Box<Experiment>),
}

/// A transfer in progress, trained a chunk of steps at a time (so the page can repaint between chunks).
pub struct Transfer {
    plan: TransferPlan,
    data: Dataset,
    device: Device,
    theta0: Weights,
    results: Vec<TransferResult>,
    current: Option<Current>,
}

impl Transfer {
    /// `data` is the target's dataset (split by the target's seed).
    pub fn new(plan: TransferPlan, data: Dataset, device: &Device) -> Self {
        let theta0 = Weights::theta0(&plan.source);
        Self { plan, data, device: device.clone().autodiff(), theta0, results: Vec::new(), current: None }
    }

    pub fn plan(&self) -> &TransferPlan {
        &self.plan
    }

    /// The transferred network's start weights: the source's θ0 under the ticket's mask.
    pub fn start_weights(&self) -> Weights {
        self.theta0.masked(&self.plan.mask)
    }

    /// The networks finished so far.
    pub fn results(&self) -> &[TransferResult] {
        &self.results
    }

    /// The network training now (None when finished).
    pub fn training(&self) -> Option<Network> {
        Network::ALL.get(self.results.len()).copied()
    }

    fn start(&self, network: Network) -> Result<Current, EngineError> {
        let t = &self.plan.target;
        let steps = t.train.steps;
        let run = |w: &Weights, mask: &Mask| {
            let train = TrainRun::new(t, &w.masked(mask), mask, 0, steps, t.seed, &self.device);
            Current::Run(network, Box::new(train), mask.density())
        };
        let mask = &self.plan.mask;
        Ok(match network {
            Network::Transferred => run(&self.theta0, mask),
            Network::Dense => run(&self.theta0, &Mask::dense(&t.shapes())),
            Network::Reinit => run(&rewind::reinit(t, mask, self.plan.round), mask),
            Network::RandomMask => run(&self.theta0, &prune::random_mask(mask, t.seed, self.plan.round as u64)),
            Network::TargetTicket => {
                Current::Own(Box::new(Experiment::new(t.clone(), self.data.clone(), &self.device)?))
            }
        })
    }

    /// Train up to `max_steps` steps. Some(report) once every network has trained.
    pub async fn advance(&mut self, max_steps: usize) -> Result<Option<TransferReport>, EngineError> {
        let Some(network) = self.training() else { return Ok(Some(self.report())) };
        let mut current = match self.current.take() {
            Some(c) => c,
            None => self.start(network)?,
        };
        let finished = match &mut current {
            Current::Run(n, run, weights_remaining) => {
                run.advance(&self.data, max_steps).await?;
                run.is_done().then(|| TransferResult {
                    network: *n,
                    weights_remaining: *weights_remaining,
                    summary: run.summary(),
                })
            }
            Current::Own(experiment) => match experiment.advance(max_steps).await? {
                Event::Finished => {
                    let r = experiment.reports().get(self.plan.round).expect("the target's run has round R");
                    Some(TransferResult {
                        network: Network::TargetTicket,
                        weights_remaining: r.weights_remaining,
                        summary: r.ticket.clone(),
                    })
                }
                _ => None,
            },
        };
        match finished {
            Some(result) => self.results.push(result),
            None => self.current = Some(current),
        }
        Ok((self.training().is_none()).then(|| self.report()))
    }

    pub fn report(&self) -> TransferReport {
        TransferReport {
            source: self.plan.source.clone(),
            target: self.plan.target.clone(),
            round: self.plan.round,
            results: self.results.clone(),
            start_digest: self.start_weights().digest(),
            data_digest: self.data.digest(),
        }
    }

    /// Run every network to the end.
    pub async fn run_to_end(&mut self, chunk: usize) -> Result<TransferReport, EngineError> {
        loop {
            if let Some(report) = self.advance(chunk).await? {
                return Ok(report);
            }
        }
    }
}
