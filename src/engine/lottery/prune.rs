//! Choosing the next mask: magnitude pruning (layer-wise or global,
//! iterative or one-shot), Zhou et al.'s criteria that compare the trained
//! weights with the reset point (magnitude increase, movement), SNIP and
//! SynFlow scores at initialisation, and the random-mask control with the
//! same per-layer sparsity.
//!
//! Every method reduces to scores per weight plus a number of weights to
//! keep; [`keep_top`] does the rest, breaking ties by index so the result is
//! deterministic.

use burn::tensor::{Device, Tensor};

use crate::engine::config::{ExperimentConfig, PruneScope};
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::{LayerMask, Mask};
use crate::engine::networks::{model::MaskedNet, weights::Weights};
use crate::engine::rng::{self, Stream};
use crate::engine::tasks::supervised::{Batch, cross_entropy};

/// SynFlow's rescoring steps on the way to the target. Tanaka et al. (2020)
/// use 100; fewer keep the cut quick in a browser tab (each step is a
/// forward and backward pass and a readback), while still pruning in small
/// enough steps to avoid the layer collapse a single cut can cause.
pub(crate) const SYNFLOW_ITERATIONS: usize = 20;

/// SNIP scores on one batch of at least this many training rows (or the
/// training batch, if larger; or the whole training split, if smaller).
/// Lee et al. (2019) score on one minibatch; a training batch of a few dozen
/// rows would make the scores, and so the mask, depend on the few rows drawn.
pub(crate) const SNIP_MIN_BATCH: usize = 256;

/// How many weights each layer keeps after pruning `rate_l` of the remaining
/// ones, rounded to the nearest weight (never below one per layer).
pub fn keep_counts_iterative(config: &ExperimentConfig, mask: &Mask) -> Vec<usize> {
    let layers = mask.layers.len();
    mask.layers
        .iter()
        .enumerate()
        .map(|(l, m)| {
            let r = m.remaining();
            let remove = (config.layer_rate(l, layers) * r as f64).round() as usize;
            r.saturating_sub(remove).max(1)
        })
        .collect()
}

/// How many weights each layer keeps at round `round` of a one-shot
/// schedule: the density iterative pruning would reach, in one cut.
pub fn keep_counts_oneshot(config: &ExperimentConfig, mask: &Mask, round: usize) -> Vec<usize> {
    config
        .expected_density(round)
        .iter()
        .zip(&mask.layers)
        .map(|(d, m)| ((d * m.len() as f64).round() as usize).max(1))
        .collect()
}

/// Keep the highest-scoring weights among those `mask` keeps: `keep[l]` per
/// layer (layer scope) or their sum over all layers (global scope).
pub fn keep_top(scores: &[Vec<f64>], mask: &Mask, keep: &[usize], scope: PruneScope) -> Mask {
    let mut out = mask.clone();
    let rank =
        |a: &(f64, usize, usize), b: &(f64, usize, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2));
    match scope {
        PruneScope::Layer => {
            for (l, (m, s)) in out.layers.iter_mut().zip(scores).enumerate() {
                let mut alive: Vec<(f64, usize, usize)> =
                    m.keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| (s[i], l, i)).collect();
                alive.sort_by(rank);
                m.keep.iter_mut().for_each(|k| *k = false);
                for &(_, _, i) in alive.iter().take(keep[l]) {
                    m.keep[i] = true;
                }
            }
        }
        PruneScope::Global => {
            let mut alive: Vec<(f64, usize, usize)> = Vec::with_capacity(mask.remaining());
            for (l, (m, s)) in mask.layers.iter().zip(scores).enumerate() {
                alive.extend(m.keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| (s[i], l, i)));
            }
            alive.sort_by(rank);
            let total: usize = keep.iter().sum();
            for m in &mut out.layers {
                m.keep.iter_mut().for_each(|k| *k = false);
            }
            for &(_, l, i) in alive.iter().take(total) {
                out.layers[l].keep[i] = true;
            }
        }
    }
    out
}

/// |w| of every weight.
pub(crate) fn magnitude_scores(weights: &Weights) -> Vec<Vec<f64>> {
    weights.layers.iter().map(|l| l.w.iter().map(|w| w.abs() as f64).collect()).collect()
}

/// Zhou et al.'s "magnitude increase", |w_T| − |w_reset|, of every weight: `trained` against `reset`.
pub fn increase_scores(trained: &Weights, reset: &Weights) -> Vec<Vec<f64>> {
    paired_scores(trained, reset, |t, r| (t.abs() - r.abs()) as f64)
}

/// Zhou et al.'s "movement", |w_T − w_reset|, of every weight.
pub fn movement_scores(trained: &Weights, reset: &Weights) -> Vec<Vec<f64>> {
    paired_scores(trained, reset, |t, r| (t - r).abs() as f64)
}

fn paired_scores(trained: &Weights, reset: &Weights, score: impl Fn(f32, f32) -> f64) -> Vec<Vec<f64>> {
    trained
        .layers
        .iter()
        .zip(&reset.layers)
        .map(|(t, r)| t.w.iter().zip(&r.w).map(|(&t, &r)| score(t, r)).collect())
        .collect()
}

/// Magnitude pruning of trained weights.
pub fn prune_magnitude(weights: &Weights, mask: &Mask, keep: &[usize], scope: PruneScope) -> Mask {
    keep_top(&magnitude_scores(weights), mask, keep, scope)
}

/// A random mask with exactly `like`'s per-layer survivor counts.
pub fn random_mask(like: &Mask, seed: u64, round: u64) -> Mask {
    let mut r = rng::stream(seed, Stream::RandomMask, round);
    Mask {
        layers: like
            .layers
            .iter()
            .map(|m| {
                let mut idx: Vec<usize> = (0..m.len()).collect();
                rng::shuffle(&mut r, &mut idx);
                let mut keep = vec![false; m.len()];
                for &i in idx.iter().take(m.remaining()) {
                    keep[i] = true;
                }
                LayerMask { fan_in: m.fan_in, fan_out: m.fan_out, keep }
            })
            .collect(),
    }
}

/// SynFlow scores |θ ⊙ ∂R/∂θ| with R = 1ᵀ f(1; |θ| ⊙ m): the network with
/// absolute weights, fed all ones (biases left out; ReLU and max-pool pass
/// positive values through). Data-free, computed on the device.
pub(crate) async fn synflow_scores(
    weights: &Weights,
    mask: &Mask,
    device: &Device,
) -> Result<Vec<Vec<f64>>, EngineError> {
    let mut abs = weights.masked(mask);
    for l in &mut abs.layers {
        l.w.iter_mut().for_each(|w| *w = w.abs());
        l.b.iter_mut().for_each(|b| *b = 0.0);
    }
    let device = device.clone().autodiff();
    let model = MaskedNet::new(&abs, mask, &device);
    let features = abs.layers[0].conv.map_or(abs.layers[0].fan_in, |c| c.side * c.side);
    let ones = Tensor::<2>::ones([1, features], &device);
    let grads = model.forward(ones).sum().backward();
    let mut scores = Vec::with_capacity(abs.layers.len());
    for (w, layer) in model.weight_params().iter().zip(&abs.layers) {
        let g = w.grad(&grads).await?.unwrap_or_else(|| vec![0.0; layer.w.len()]);
        scores.push(g.iter().zip(&layer.w).map(|(g, w)| (g * w).abs() as f64).collect());
    }
    Ok(scores)
}

/// SynFlow pruning to `keep` in `iterations` steps of an exponential
/// schedule, rescoring after each (Tanaka et al. 2020, which avoids layer
/// collapse). The experiment uses [`SYNFLOW_ITERATIONS`].
pub async fn prune_synflow(
    weights: &Weights,
    mask: &Mask,
    keep: &[usize],
    scope: PruneScope,
    iterations: usize,
    device: &Device,
) -> Result<Mask, EngineError> {
    let start: Vec<f64> = mask.layers.iter().map(|m| m.remaining() as f64).collect();
    let mut current = mask.clone();
    for it in 1..=iterations {
        let frac = it as f64 / iterations as f64;
        let step_keep: Vec<usize> = start
            .iter()
            .zip(keep)
            .map(|(&s, &k)| (s * crate::engine::math::pow(k as f64 / s, frac)).round() as usize)
            .collect();
        let scores = synflow_scores(weights, &current, device).await?;
        current = keep_top(&scores, &current, &step_keep, scope);
    }
    Ok(current)
}

/// SNIP's one batch: `size` rows of the training split (all of them if it
/// has fewer), drawn by the seed's SNIP stream.
pub fn snip_batch(data: &Dataset, size: usize, seed: u64) -> Batch {
    let mut rows: Vec<usize> = (0..data.train.len()).collect();
    rng::shuffle(&mut rng::stream(seed, Stream::Snip, 0), &mut rows);
    rows.truncate(size);
    Batch::gather(data, &rows)
}

/// SNIP scores |g ⊙ w| at θ ⊙ m on one batch of training data ([`snip_batch`]).
pub async fn snip_scores(
    weights: &Weights,
    mask: &Mask,
    batch: Batch,
    device: &Device,
) -> Result<Vec<Vec<f64>>, EngineError> {
    let device = device.clone().autodiff();
    let model = MaskedNet::new(weights, mask, &device);
    let (x, y) = batch.into_tensors(&device); // [rows, features], [rows, classes]
    let grads = cross_entropy(model.forward(x), y).backward();
    let masked = weights.masked(mask);
    let mut scores = Vec::with_capacity(masked.layers.len());
    for (param, w) in model.weight_params().iter().zip(&masked.layers) {
        let g = param.grad(&grads).await?.unwrap_or_else(|| vec![0.0; w.w.len()]);
        scores.push(g.iter().zip(&w.w).map(|(g, w)| (g * w).abs() as f64).collect());
    }
    Ok(scores)
}
