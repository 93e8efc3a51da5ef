//! Resetting the survivors after pruning: to θ0 bit for bit, to θk (their
//! values at an early iteration k, Frankle et al. 2019), or, as a control, to
//! a fresh random initialisation with the same mask.

use crate::engine::config::{ExperimentConfig, ResetMode};
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::weights::Weights;

/// Where the survivors of each round restart from.
#[derive(Clone, Debug)]
pub struct ResetPoint {
    /// θ0, kept on the host from the start.
    pub theta0: Weights,
    /// θk, saved when the dense round passes iteration k.
    pub theta_k: Option<Weights>,
}

impl ResetPoint {
    /// The weights and starting iteration the next ticket run restarts from.
    pub fn source(&self, config: &ExperimentConfig) -> (&Weights, usize) {
        match (config.prune.reset, &self.theta_k) {
            (ResetMode::Rewind, Some(k)) => (k, config.prune.rewind_step),
            _ => (&self.theta0, 0),
        }
    }

    /// m ⊙ θ0 (or m ⊙ θk): survivors keep their saved values bit for bit.
    pub fn reset(&self, config: &ExperimentConfig, mask: &Mask) -> (Weights, usize) {
        let (w, start) = self.source(config);
        (w.masked(mask), start)
    }
}

/// The random-reinitialisation control: the same mask on a fresh θ0′ drawn
/// from another init stream of the same seed (1 + round; θ0 is stream 0).
pub fn reinit(config: &ExperimentConfig, mask: &Mask, round: usize) -> Weights {
    Weights::init(&config.shapes(), config.model.init, config.seed, 1 + round as u64).masked(mask)
}
