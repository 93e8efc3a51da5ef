//! Stability to SGD noise: linear mode connectivity (Frankle, Dziugaite, Roy,
//! Carbin, "Linear Mode Connectivity and the Lottery Ticket Hypothesis",
//! ICML 2020). Two copies of θk ⊙ m train from iteration k to the end on
//! different data orders; the networks on the straight line between the two
//! results are evaluated, and the **instability** is the highest error on the
//! line minus the mean of the two ends' errors. Near 0, both copies found the
//! same basin: the network was already stable at k. IMP finds matching tickets
//! exactly when the sparse network is stable, which is why deeper networks
//! need rewinding to θk rather than resetting to θ0.
//!
//! "Error" is 1 − the task's score (test accuracy; a policy's mean return ÷
//! 500, a generator's share of modes covered).

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;
use crate::engine::config::ExperimentConfig;
use crate::engine::data::Dataset;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::train::TrainRun;
use crate::engine::networks::model::Weights;

/// Networks evaluated on the line, ends included (Frankle et al. use 30; a few suffice at this scale).
pub const DEFAULT_POINTS: usize = 11;
/// The two copies' data-order seeds are the experiment's seed plus these (the experiment itself uses the seed).
pub const COPY_ORDER_OFFSETS: [u64; 2] = [1 << 40, 2 << 40];
/// Steps trained between progress reports while a copy trains.
const CHUNK: usize = 500;

/// One instability measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instability {
    /// The rewind point both copies start from.
    pub k: usize,
    /// The fraction of weights the mask keeps.
    pub weights_remaining: f64,
    /// Error at evenly spaced points from copy A (first) to copy B (last).
    pub errors: Vec<f64>,
    /// The highest error on the line minus the mean of the ends' ([`barrier`]).
    pub instability: f64,
}

/// The error barrier of errors along a line: max − mean of the two ends. 0 for a flat line; never below 0.
pub fn barrier(errors: &[f64]) -> f64 {
    let (Some(first), Some(last)) = (errors.first(), errors.last()) else { return 0.0 };
    let highest = errors.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (highest - (first + last) / 2.0).max(0.0)
}

/// (1 − α)·a + α·b, weights and biases (pruned weights, zero in both, stay zero).
pub fn interpolate(a: &Weights, b: &Weights, alpha: f32) -> Weights {
    let mut out = a.clone();
    for (o, (la, lb)) in out.layers.iter_mut().zip(a.layers.iter().zip(&b.layers)) {
        let mix = |x: &f32, y: &f32| (1.0 - alpha) * x + alpha * y;
        o.w = la.w.iter().zip(&lb.w).map(|(x, y)| mix(x, y)).collect();
        o.b = la.b.iter().zip(&lb.b).map(|(x, y)| mix(x, y)).collect();
    }
    out
}

/// The error of `points` networks evenly spaced on the line from `a` to `b` (ends included), each evaluated as
/// an untrained run of `config` under `mask` would be.
pub async fn errors_on_line(
    config: &ExperimentConfig,
    a: &Weights,
    b: &Weights,
    mask: &Mask,
    points: usize,
    data: &Dataset,
    device: &Device,
) -> Result<Vec<f64>, EngineError> {
    let mut errors = Vec::with_capacity(points);
    for i in 0..points {
        let alpha = if points > 1 { i as f32 / (points - 1) as f32 } else { 0.0 };
        let run = TrainRun::new(config, &interpolate(a, b, alpha), mask, 0, 0, config.seed, device);
        errors.push(1.0 - run.measure_now(data).await?.test_accuracy);
    }
    Ok(errors)
}

/// Train θk ⊙ `mask` from iteration `k` to the end of a round with the data order `order_seed`.
pub async fn train_copy(
    config: &ExperimentConfig,
    theta_k: &Weights,
    mask: &Mask,
    k: usize,
    order_seed: u64,
    data: &Dataset,
    device: &Device,
) -> Result<Weights, EngineError> {
    let mut run = TrainRun::new(config, &theta_k.masked(mask), mask, k, config.train.steps, order_seed, device);
    while !run.is_done() {
        run.advance(data, CHUNK).await?;
    }
    run.model().to_weights().await
}

/// The instability of θk ⊙ `mask`: two copies on the orders [`COPY_ORDER_OFFSETS`], `points` on the line.
/// `device` should have autodiff enabled.
pub async fn instability(
    config: &ExperimentConfig,
    theta_k: &Weights,
    mask: &Mask,
    k: usize,
    points: usize,
    data: &Dataset,
    device: &Device,
) -> Result<Instability, EngineError> {
    let mut copies = Vec::with_capacity(2);
    for offset in COPY_ORDER_OFFSETS {
        copies.push(train_copy(config, theta_k, mask, k, config.seed.wrapping_add(offset), data, device).await?);
    }
    let errors = errors_on_line(config, &copies[0], &copies[1], mask, points, data, device).await?;
    Ok(Instability { k, weights_remaining: mask.density(), instability: barrier(&errors), errors })
}

/// The dense network's weights at each iteration of `ks` (ascending) on the experiment's own data order:
/// θk for every rewind point, from one training run.
pub async fn rewind_points(
    config: &ExperimentConfig,
    ks: &[usize],
    data: &Dataset,
    device: &Device,
) -> Result<Vec<Weights>, EngineError> {
    let theta0 = Weights::theta0(config);
    let dense = Mask::dense(&config.shapes());
    let end = ks.iter().copied().max().unwrap_or(0);
    let mut run = TrainRun::new(config, &theta0, &dense, 0, end, config.seed, device);
    let mut out = Vec::with_capacity(ks.len());
    for &k in ks {
        while run.iteration() < k {
            run.step(data).await?;
        }
        out.push(run.model().to_weights().await?);
    }
    Ok(out)
}
