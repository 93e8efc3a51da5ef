//! The norm-matched dense controls of the grokking-tickets paper (Minegishi, Iwasawa, Matsuo, arXiv
//! 2310.19470): is a ticket fast only because it starts with a smaller weight norm (weight decay's target)? Each
//! is the dense network, every weight kept, started from the reset point scaled as a whole so that its L1 (or
//! L2) norm equals the ticket's at the start (θ0 times ‖θ0 ⊙ m‖ / ‖θ0‖), and trained as the ticket is. The
//! norms run over every prunable weight (biases are not pruned and start at zero).

use serde::{Deserialize, Serialize};

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::weights::Weights;

/// Which norm the dense network is matched on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Norm {
    /// The sum of |w|.
    L1,
    /// The square root of the sum of w².
    L2,
}

/// The norm of every prunable weight of `w`, summed in f64.
pub fn norm(w: &Weights, which: Norm) -> f64 {
    let values = w.layers.iter().flat_map(|l| l.w.iter().map(|v| f64::from(*v)));
    match which {
        Norm::L1 => values.map(f64::abs).sum(),
        Norm::L2 => values.map(|v| v * v).sum::<f64>().sqrt(),
    }
}

/// The dense network's start: `source` (θ0, or θk when rewinding) times ‖source ⊙ m‖ / ‖source‖ in `which`
/// norm, every weight kept, biases as they are.
pub fn scaled(source: &Weights, mask: &Mask, which: Norm) -> Weights {
    let whole = norm(source, which);
    let factor = if whole > 0.0 { norm(&source.masked(mask), which) / whole } else { 1.0 };
    let mut out = source.clone();
    for l in &mut out.layers {
        l.w.iter_mut().for_each(|v| *v = (f64::from(*v) * factor) as f32);
    }
    out
}
