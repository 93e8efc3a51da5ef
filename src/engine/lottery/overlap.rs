//! How alike two seeds' tickets are (Prasanna, Rogers, Rumshisky, "When BERT
//! Plays the Lottery, All Tickets Are Winning", EMNLP 2020): the Jaccard
//! overlap |A ∩ B| / |A ∪ B| of their masks at the same round, beside what two
//! random masks with the same per-layer counts would share. Far above the
//! random figure, the ticket is a property of the task; near it, of the draw.

use serde::{Deserialize, Serialize};

use crate::engine::lottery::mask::{LayerMask, Mask};

/// One layer's overlap, or the whole network's.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    /// The mean Jaccard overlap over every pair of masks.
    pub jaccard: f64,
    /// Its expectation for independent random masks with the same counts.
    pub random: f64,
}

/// A round's overlap across replicates: the whole network and layer by layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MaskOverlap {
    pub network: Overlap,
    pub layers: Vec<Overlap>,
}

/// |A ∩ B| and |A ∪ B| of two layers' keep flags.
fn counts(a: &LayerMask, b: &LayerMask) -> (usize, usize) {
    a.keep.iter().zip(&b.keep).fold((0, 0), |(i, u), (&x, &y)| (i + usize::from(x && y), u + usize::from(x || y)))
}

/// Jaccard of two masks over all their layers (1 when both keep nothing).
pub fn jaccard(a: &Mask, b: &Mask) -> f64 {
    let (i, u) = a.layers.iter().zip(&b.layers).map(|(a, b)| counts(a, b)).fold((0, 0), |s, c| (s.0 + c.0, s.1 + c.1));
    ratio(i as f64, u as f64)
}

fn ratio(intersection: f64, union: f64) -> f64 {
    if union == 0.0 { 1.0 } else { intersection / union }
}

/// The expected Jaccard of two independent uniformly random masks keeping `ka` and `kb` of `n` weights in
/// each layer (`layers` gives (n, ka, kb)): E|A ∩ B| = Σ ka·kb/n, and |A ∪ B| = ka + kb − |A ∩ B|. With
/// one layer at density d for both, d² / (2d − d²).
pub(crate) fn random_jaccard(layers: &[(usize, usize, usize)]) -> f64 {
    let (mut i, mut u) = (0.0, 0.0);
    for &(n, ka, kb) in layers {
        let both = (ka * kb) as f64 / n.max(1) as f64;
        i += both;
        u += (ka + kb) as f64 - both;
    }
    ratio(i, u)
}

impl MaskOverlap {
    /// The mean over every pair of `masks` (the replicates' at one round); None for fewer than two.
    pub fn of(masks: &[&Mask]) -> Option<Self> {
        let layers = masks.first()?.layers.len();
        let pairs: Vec<(&Mask, &Mask)> =
            masks.iter().enumerate().flat_map(|(i, a)| masks[i + 1..].iter().map(move |b| (*a, *b))).collect();
        if pairs.is_empty() {
            return None;
        }
        let mean = |f: &dyn Fn(&Mask, &Mask) -> Overlap| {
            let all: Vec<Overlap> = pairs.iter().map(|(a, b)| f(a, b)).collect();
            let n = all.len() as f64;
            Overlap {
                jaccard: all.iter().map(|o| o.jaccard).sum::<f64>() / n,
                random: all.iter().map(|o| o.random).sum::<f64>() / n,
            }
        };
        let sizes = |a: &LayerMask, b: &LayerMask| (a.len(), a.remaining(), b.remaining());
        let network = mean(&|a, b| Overlap {
            jaccard: jaccard(a, b),
            random: random_jaccard(&a.layers.iter().zip(&b.layers).map(|(a, b)| sizes(a, b)).collect::<Vec<_>>()),
        });
        let layers = (0..layers)
            .map(|l| {
                mean(&|a, b| {
                    let (i, u) = counts(&a.layers[l], &b.layers[l]);
                    Overlap {
                        jaccard: ratio(i as f64, u as f64),
                        random: random_jaccard(&[sizes(&a.layers[l], &b.layers[l])]),
                    }
                })
            })
            .collect();
        Some(Self { network, layers })
    }
}
