//! What a ticket needs from θ0 (Zhou, Lan, Liu, Yosinski, "Deconstructing
//! Lottery Tickets: Zeros, Signs, and the Supermask", NeurIPS 2019). Three
//! controls keep the ticket's mask and change its starting values:
//!
//! - **same signs**: fresh magnitudes, drawn as θ0 is, with the reset point's
//!   signs. Zhou et al. find this trains nearly as well as the ticket;
//! - **shuffled**: the reset point's surviving values, permuted within each
//!   layer: the same values, signs scrambled;
//! - **constant with signs**: every survivor of a layer at ± that layer's
//!   standard deviation at the reset point, with its sign.
//!
//! The reset point is where the ticket restarts (θ0, or θk when rewinding);
//! biases are the reset point's. Pruned weights are exactly +0.0.

use crate::engine::config::ExperimentConfig;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::weights::Weights;
use crate::engine::rng::{self, Stream};

/// Init stream index of the same-signs control's fresh magnitudes in round r: this plus r (θ0 is stream 0,
/// the random-reinit control's are 1 + r).
pub const SAME_SIGNS_INIT_INDEX: u64 = 1 << 29;

/// The same-signs control: |fresh| with the sign of `source` for every survivor of `mask`.
pub fn same_signs(config: &ExperimentConfig, source: &Weights, mask: &Mask, round: usize) -> Weights {
    let fresh = Weights::init(&source.shapes(), config.model.init, config.seed, SAME_SIGNS_INIT_INDEX + round as u64);
    let mut out = source.clone();
    for (layer, fresh) in out.layers.iter_mut().zip(&fresh.layers) {
        for (w, f) in layer.w.iter_mut().zip(&fresh.w) {
            *w = f.abs().copysign(*w);
        }
    }
    out.masked(mask)
}

/// The shuffled control: each layer's survivors of `mask` take the survivors' values of `source` in an order
/// drawn from the seed (a stream per round).
pub fn shuffled(source: &Weights, mask: &Mask, seed: u64, round: usize) -> Weights {
    let mut r = rng::stream(seed, Stream::Shuffle, round as u64);
    let mut out = source.masked(mask);
    for (layer, m) in out.layers.iter_mut().zip(&mask.layers) {
        let alive: Vec<usize> = m.keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect();
        let mut values: Vec<f32> = alive.iter().map(|&i| layer.w[i]).collect();
        rng::shuffle(&mut r, &mut values);
        for (&i, v) in alive.iter().zip(values) {
            layer.w[i] = v;
        }
    }
    out
}

/// The constant-with-signs control: every survivor at ± its layer's standard deviation in `source` (all of
/// the layer's weights, pruned ones too: the spread of the distribution they were drawn from).
pub fn constant_signs(source: &Weights, mask: &Mask) -> Weights {
    let mut out = source.clone();
    for layer in &mut out.layers {
        let std = layer_std(&layer.w) as f32;
        layer.w.iter_mut().for_each(|w| *w = std.copysign(*w));
    }
    out.masked(mask)
}

/// The population standard deviation of a layer's weights (in f64).
pub fn layer_std(w: &[f32]) -> f64 {
    let n = w.len().max(1) as f64;
    let mean = w.iter().map(|&v| v as f64).sum::<f64>() / n;
    (w.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt()
}
