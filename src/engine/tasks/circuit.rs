//! What a trained modular-addition network computes with (Nanda et al.,
//! arXiv 2301.05217): a grokked network embeds the numbers on a few circles,
//! so its token embedding's Fourier spectrum over the numbers has a few tall
//! frequencies where a memorising one is flat (the grokking-tickets paper's
//! MLP likewise: its tickets' masks are periodic there); and a transformer's
//! "=" attends to a and b. Both are read from the trained weights on the
//! host, once per run.

use serde::{Deserialize, Serialize};

use crate::engine::math;
use crate::engine::networks::modular_mlp;
use crate::engine::networks::shapes::POSITIONS;
use crate::engine::networks::{shapes::Role, weights::Weights};

/// The readings of one trained network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Circuit {
    /// Share of the number embeddings' power at frequency k = 1, 2, …, ⌊p/2⌋ (sums to 1; the constant term
    /// k = 0 is left out).
    pub spectrum: Vec<f64>,
    /// Per head, the attention from "=" to a, to b and to "=" itself, averaged over all p² pairs (none for the
    /// MLP, which has no attention).
    #[serde(default)]
    pub attention: Vec<[f64; POSITIONS]>,
}

impl Circuit {
    /// The MLP's spectrum (its embedding has a row per number), or a transformer's (nine parts, whose width
    /// `heads` divides; its embedding's last row is "=") with its attention; None for other weights.
    pub fn read(weights: &Weights, heads: usize) -> Option<Self> {
        let roles: Vec<Role> = weights.layers.iter().map(|l| l.role).collect();
        let embed = weights.layers.first()?;
        if roles == modular_mlp::PARTS {
            return Some(Self { spectrum: spectrum(weights, embed.fan_in), attention: Vec::new() });
        }
        if roles.len() != 9 || roles[0] != Role::Embedding || heads == 0 || !embed.fan_out.is_multiple_of(heads) {
            return None;
        }
        Some(Self { spectrum: spectrum(weights, embed.fan_in - 1), attention: attention(weights, heads) })
    }

    /// The frequency (1-based) holding the largest share, and that share.
    pub fn top_frequency(&self) -> Option<(usize, f64)> {
        self.spectrum.iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(k, s)| (k + 1, s))
    }
}

/// Row `r` of part `l` (`[fan_in, fan_out]`, row-major).
fn row(weights: &Weights, l: usize, r: usize) -> &[f32] {
    let layer = &weights.layers[l];
    &layer.w[r * layer.fan_out..(r + 1) * layer.fan_out]
}

/// `x · W` for part `l`.
fn times(x: &[f64], weights: &Weights, l: usize) -> Vec<f64> {
    let layer = &weights.layers[l];
    let mut out = vec![0.0; layer.fan_out];
    for (i, &xi) in x.iter().enumerate() {
        for (o, &w) in out.iter_mut().zip(row(weights, l, i)) {
            *o += xi * w as f64;
        }
    }
    out
}

/// The number embeddings' power per frequency, each column's DFT over the numbers 0..p (the embedding's first
/// `p` rows), summed over columns.
fn spectrum(weights: &Weights, p: usize) -> Vec<f64> {
    let embed = &weights.layers[0];
    let power: Vec<f64> = (1..=p / 2)
        .map(|k| {
            (0..embed.fan_out)
                .map(|c| {
                    let (mut re, mut im) = (0.0, 0.0);
                    for t in 0..p {
                        let angle = 2.0 * std::f64::consts::PI * (k * t) as f64 / p as f64;
                        let v = row(weights, 0, t)[c] as f64;
                        re += v * math::cos(angle);
                        im -= v * math::sin(angle);
                    }
                    re * re + im * im
                })
                .sum()
        })
        .collect();
    let total: f64 = power.iter().sum();
    power.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
}

/// Per head, the mean attention from "=" to a, b and "=" over all pairs.
fn attention(weights: &Weights, heads: usize) -> Vec<[f64; POSITIONS]> {
    let (embed, position, query, key) = (0, 1, 2, 3);
    let p = weights.layers[embed].fan_in - 1;
    let d = weights.layers[embed].fan_out;
    let dh = d / heads;
    let input = |token: usize, pos: usize| -> Vec<f64> {
        row(weights, embed, token).iter().zip(row(weights, position, pos)).map(|(e, q)| (e + q) as f64).collect()
    };
    let equals = input(p, 2);
    let q = times(&equals, weights, query);
    let keys_at = |pos: usize| -> Vec<Vec<f64>> { (0..p).map(|t| times(&input(t, pos), weights, key)).collect() };
    let (keys_a, keys_b, key_equals) = (keys_at(0), keys_at(1), times(&equals, weights, key));
    let score =
        |k: &[f64], h: usize| -> f64 { (h * dh..(h + 1) * dh).map(|c| q[c] * k[c]).sum::<f64>() / (dh as f64).sqrt() };
    (0..heads)
        .map(|h| {
            let mut mean = [0.0; POSITIONS];
            for key_a in &keys_a {
                for key_b in &keys_b {
                    let s = [score(key_a, h), score(key_b, h), score(&key_equals, h)];
                    let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let e = s.map(|v| math::exp(v - max));
                    let sum: f64 = e.iter().sum();
                    mean.iter_mut().zip(e).for_each(|(m, v)| *m += v / sum);
                }
            }
            mean.map(|m| m / (p * p) as f64)
        })
        .collect()
}
