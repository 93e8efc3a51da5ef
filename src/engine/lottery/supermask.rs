//! The supermask (Zhou, Lan, Liu, Yosinski, "Deconstructing Lottery Tickets",
//! NeurIPS 2019): the ticket's mask applied to θ0 and not trained at all.
//! Masking alone is a kind of training: on MNIST such a network scores far
//! above chance. Every round records it, scored as the task scores a trained
//! network (test accuracy; a policy's mean return, a generator's coverage).

use burn::tensor::Device;

use crate::engine::config::ExperimentConfig;
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::{curve::CurvePoint, train::TrainRun};
use crate::engine::networks::weights::Weights;

/// θ0 ⊙ `mask`, untrained, measured on the task's validation and test data (iteration 0).
pub async fn supermask(
    config: &ExperimentConfig,
    theta0: &Weights,
    mask: &Mask,
    data: &Dataset,
    device: &Device,
) -> Result<CurvePoint, EngineError> {
    let untrained = TrainRun::new(config, &theta0.masked(mask), mask, 0, 0, config.seed, device);
    untrained.measure_now(data).await
}
