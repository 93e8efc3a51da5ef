//! The paper's controls: the ticket's mask on a fresh initialisation (does θ0
//! matter?) and a random mask of the ticket's per-layer counts (does the mask
//! matter?); and Zhou et al.'s, which ask what of θ0 matters: its signs alone
//! with fresh magnitudes, its values shuffled within each layer, or one
//! constant magnitude with its signs ([`signs`]); and the grokking-tickets paper's dense networks scaled to the
//! ticket's L1 or L2 norm, which ask whether a ticket is fast only because it starts smaller ([`norm_matched`]).
//! Each trains from round 1 on, after the ticket or apart from it:
//! a round's controls need only its mask and the reset point, not the
//! ticket's training, so the page trains them in other workers
//! ([`ControlTraining`]) while the ticket trains.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::config::ExperimentConfig;
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::norm_matched::{self, Norm};
use crate::engine::lottery::prune;
use crate::engine::lottery::rewind::{self, ResetPoint};
use crate::engine::lottery::signs;
use crate::engine::lottery::{
    curve::CurvePoint,
    train::{RunSummary, TrainRun},
};
use crate::engine::networks::weights::Weights;

/// Which network of the round is training.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    Ticket,
    Reinit,
    RandomMask,
    SameSigns,
    Shuffled,
    ConstantSigns,
    NormL1,
    NormL2,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Ticket => "ticket",
            Phase::Reinit => "random reinit",
            Phase::RandomMask => "random mask",
            Phase::SameSigns => "same signs",
            Phase::Shuffled => "shuffled",
            Phase::ConstantSigns => "constant with signs",
            Phase::NormL1 => "dense, ticket's L1 norm",
            Phase::NormL2 => "dense, ticket's L2 norm",
        }
    }
}

/// A control, in the order they train after the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    /// The ticket's mask on a fresh initialisation.
    Reinit,
    /// A random mask with the ticket's per-layer counts, reset as the ticket is.
    RandomMask,
    /// The ticket's mask, fresh magnitudes, the reset point's signs.
    SameSigns,
    /// The ticket's mask, the reset point's surviving values permuted within each layer.
    Shuffled,
    /// The ticket's mask, each layer's standard deviation at the reset point with the reset point's signs.
    ConstantSigns,
    /// The dense network from the reset point scaled to the ticket's L1 norm there ([`norm_matched`]).
    NormL1,
    /// The same, matched on the L2 norm.
    NormL2,
}

impl Control {
    /// Every control, in the order they train after the ticket.
    pub const ALL: [Control; 7] = [
        Control::Reinit,
        Control::RandomMask,
        Control::SameSigns,
        Control::Shuffled,
        Control::ConstantSigns,
        Control::NormL1,
        Control::NormL2,
    ];

    pub fn phase(self) -> Phase {
        match self {
            Control::Reinit => Phase::Reinit,
            Control::RandomMask => Phase::RandomMask,
            Control::SameSigns => Phase::SameSigns,
            Control::Shuffled => Phase::Shuffled,
            Control::ConstantSigns => Phase::ConstantSigns,
            Control::NormL1 => Phase::NormL1,
            Control::NormL2 => Phase::NormL2,
        }
    }

    /// The controls `config` trains in every round after round 0, in order.
    pub(crate) fn enabled(config: &ExperimentConfig) -> Vec<Control> {
        let p = &config.prune;
        let on = [
            p.control_reinit,
            p.control_random,
            p.control_signs,
            p.control_shuffled,
            p.control_constant,
            p.control_norm_l1,
            p.control_norm_l2,
        ];
        Control::ALL.into_iter().zip(on).filter_map(|(c, on)| on.then_some(c)).collect()
    }

    /// The control's run in round `round`, whose ticket has `mask` (and the task's pruned `companion`, a GAN's
    /// discriminator when it is pruned too: the control's is the ticket's). It depends on nothing else, so it
    /// gives the same result wherever it trains.
    pub fn run(
        self,
        config: &ExperimentConfig,
        reset: &ResetPoint,
        mask: &Mask,
        companion: Option<&Mask>,
        round: usize,
        device: &Device,
    ) -> TrainRun {
        let steps = config.train.steps;
        let run = match self {
            Control::Reinit => {
                // From the reset point's iteration, as the ticket: the same steps and the same batches (OpenLTH's
                // reinitialised branch starts at the rewind step too).
                let (_, start) = reset.source(config);
                let w = rewind::reinit(config, mask, round);
                TrainRun::new(config, &w, mask, start, steps, config.seed, device)
            }
            Control::RandomMask => {
                let random = prune::random_mask(mask, config.seed, round as u64);
                let (w, start) = reset.reset(config, &random);
                TrainRun::new(config, &w, &random, start, steps, config.seed, device)
            }
            Control::SameSigns | Control::Shuffled | Control::ConstantSigns => {
                let (source, start) = reset.source(config);
                let w = match self {
                    Control::SameSigns => signs::same_signs(config, source, mask, round),
                    Control::Shuffled => signs::shuffled(source, mask, config.seed, round),
                    _ => signs::constant_signs(source, mask),
                };
                TrainRun::new(config, &w, mask, start, steps, config.seed, device)
            }
            Control::NormL1 | Control::NormL2 => {
                let which = if self == Control::NormL1 { Norm::L1 } else { Norm::L2 };
                let (source, start) = reset.source(config);
                let w = norm_matched::scaled(source, mask, which);
                TrainRun::new(config, &w, &Mask::dense(&config.shapes()), start, steps, config.seed, device)
            }
        };
        run.prune_companion(companion)
    }
}

/// One control of one round, to train apart from its ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControlJob {
    pub round: usize,
    pub control: Control,
    /// The round's ticket mask.
    pub mask: Mask,
    /// θk when rewinding (saved by round 0's ticket).
    pub theta_k: Option<Weights>,
    /// The task's pruned companion's mask for the round (a GAN's discriminator under `prune.discriminator`).
    #[serde(rename = "discriminator", default, skip_serializing_if = "Option::is_none")]
    pub companion: Option<Mask>,
}

/// A control training apart from its ticket (in another worker).
pub struct ControlTraining {
    config: ExperimentConfig,
    job: ControlJob,
    data: Dataset,
    run: TrainRun,
}

impl ControlTraining {
    /// `config` is the replicate's; θ0 is drawn again from its seed.
    pub fn new(config: &ExperimentConfig, data: Dataset, job: ControlJob, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let reset = ResetPoint { theta0: Weights::theta0(config), theta_k: job.theta_k.clone() };
        let run = job.control.run(config, &reset, &job.mask, job.companion.as_ref(), job.round, &device);
        Self { config: config.clone(), job, data, run }
    }

    /// The same control from its start on `device` (the first one failed).
    pub fn on(self, device: &Device) -> Self {
        Self::new(&self.config, self.data, self.job, device)
    }

    pub fn job(&self) -> &ControlJob {
        &self.job
    }

    /// The experiment's pruning rounds after round 0.
    pub fn rounds(&self) -> usize {
        self.config.prune.rounds
    }

    /// Train up to `max_steps` steps. True: the control has trained to its end.
    pub async fn advance(&mut self, max_steps: usize) -> Result<bool, EngineError> {
        self.run.advance(&self.data, max_steps).await?;
        Ok(self.run.is_done())
    }

    pub fn iteration(&self) -> usize {
        self.run.iteration()
    }

    pub fn end(&self) -> usize {
        self.run.end()
    }

    pub fn curve(&self) -> &[CurvePoint] {
        self.run.curve()
    }

    /// What the round's report records for this control.
    pub fn summary(&self) -> RunSummary {
        self.run.summary()
    }
}
