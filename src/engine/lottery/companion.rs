//! A second network a task may prune beside the one the lottery asks about: a
//! GAN's discriminator under `prune.discriminator` (GAN-LTH's second setting).
//! Which task has one, and its shapes, is the task's ([`Task::pruned_companion`]);
//! the procedure only carries its mask from round to round: each round every
//! network of the round (ticket and controls) trains against the companion
//! reset to its own θ0 under this mask, and the next mask is drawn by magnitude
//! from the ticket's trained companion at the pruned network's rates, always
//! iteratively (no dense trained copy is kept for one-shot cuts).

use crate::engine::config::ExperimentConfig;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::prune;
use crate::engine::networks::weights::Weights;
use crate::engine::tasks::Task;

/// The companion's mask this round, and the ticket's trained companion once it has trained.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PrunedCompanion {
    mask: Mask,
    trained: Option<Weights>,
}

impl PrunedCompanion {
    /// Dense, for round 0, when the configuration's task prunes a companion (None otherwise).
    pub fn of(config: &ExperimentConfig) -> Option<Self> {
        let shapes = Task::of(config).pruned_companion(config)?;
        Some(Self { mask: Mask::dense(&shapes), trained: None })
    }

    /// Going on from a checkpoint's mask for the next round.
    pub fn resumed(mask: Mask) -> Self {
        Self { mask, trained: None }
    }

    pub fn mask(&self) -> &Mask {
        &self.mask
    }

    /// Keep the ticket's trained companion: the next round's mask is drawn from it.
    pub(crate) fn keep_trained(&mut self, trained: Option<Weights>) {
        self.trained = trained;
    }

    /// Draw the next round's mask from the ticket's trained companion (kept as it is if none was kept).
    pub(crate) fn next_round(&mut self, config: &ExperimentConfig) {
        if let Some(trained) = self.trained.take() {
            let keep = prune::keep_counts_iterative(config, &self.mask);
            self.mask = prune::prune_magnitude(&trained, &self.mask, &keep, config.prune.scope);
        }
    }

    /// Forget the trained companion (the round is over).
    pub(crate) fn clear_trained(&mut self) {
        self.trained = None;
    }
}
