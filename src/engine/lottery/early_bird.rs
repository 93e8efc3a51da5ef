//! Early-bird tickets (You et al., ICLR 2020): while the dense network
//! trains, the mask that magnitude pruning would take is computed at every
//! evaluation point. When consecutive masks stop changing — their normalised
//! Hamming distance stays under a threshold from some iteration on — the
//! ticket has emerged, often long before training ends. With
//! `prune.early_bird_ticket` the first round's mask is drawn from the
//! weights at that iteration instead of at the end of training.

use serde::{Deserialize, Serialize};

use crate::engine::config::ExperimentConfig;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::prune;
use crate::engine::networks::weights::Weights;

/// How far the mask moved since the previous evaluation point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaskDistance {
    pub iteration: usize,
    /// The fraction of weights whose keep flag differs from the previous point's mask.
    pub distance: f64,
}

/// The dense run's masks over training, and where they settled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EarlyBird {
    pub threshold: f64,
    pub distances: Vec<MaskDistance>,
    /// The first iteration from which every distance stays under the threshold (None: they never settled).
    pub iteration: Option<usize>,
}

/// The first iteration of the final run of distances under `threshold`, if the last one is under it.
pub fn emergence(distances: &[MaskDistance], threshold: f64) -> Option<usize> {
    let start = distances.iter().rposition(|d| d.distance >= threshold).map_or(0, |i| i + 1);
    distances.get(start).map(|d| d.iteration)
}

/// Follows the dense run: the mask at each evaluation point, the distances,
/// and the weights where the current run of small distances began.
pub(crate) struct Tracker {
    base: Mask,
    keep: Vec<usize>,
    scope: crate::engine::config::PruneScope,
    threshold: f64,
    last: Option<Mask>,
    distances: Vec<MaskDistance>,
    /// The weights at the first point of the current run under the threshold.
    settled: Option<Weights>,
}

impl Tracker {
    /// For round 0 of `config`, whose mask is `base` (dense): the counts the first pruning keeps.
    pub fn new(config: &ExperimentConfig, base: &Mask) -> Self {
        Self {
            base: base.clone(),
            keep: prune::keep_counts_iterative(config, base),
            scope: config.prune.scope,
            threshold: config.prune.early_bird_threshold,
            last: None,
            distances: Vec::new(),
            settled: None,
        }
    }

    /// The weights at an evaluation point.
    pub(crate) fn observe(&mut self, iteration: usize, weights: &Weights) {
        let mask = prune::prune_magnitude(weights, &self.base, &self.keep, self.scope);
        if let Some(last) = &self.last {
            let distance = mask.hamming(last);
            if distance >= self.threshold {
                self.settled = None;
            } else if self.settled.is_none() {
                self.settled = Some(weights.clone());
            }
            self.distances.push(MaskDistance { iteration, distance });
        }
        self.last = Some(mask);
    }

    /// What the run showed, and the weights at the early-bird iteration (if the masks settled).
    pub fn finish(self) -> (EarlyBird, Option<Weights>) {
        let iteration = emergence(&self.distances, self.threshold);
        let report = EarlyBird { threshold: self.threshold, distances: self.distances, iteration };
        (report, self.settled.filter(|_| iteration.is_some()))
    }
}
