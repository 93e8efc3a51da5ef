//! The modular-addition task: learn a + b mod p from a fraction of all p²
//! pairs, and watch for *grokking* (Power et al. 2022): training accuracy
//! reaches 100% long before the held-out pairs are right. The lottery
//! question here (Minegishi et al., arXiv 2310.19470) is how much sooner the
//! ticket generalises than the dense network.
//!
//! The pairs are a dataset like any other (one row per pair, split by the
//! configuration's validation and test fractions), so IMP, controls,
//! replicates and reports run on it unchanged. A row is one-hot a then
//! one-hot b (`2·p` features); the label is (a + b) mod p. The network is the
//! transformer in `transformer`.

use crate::engine::data::Samples;
use crate::engine::lottery::curve::CurvePoint;

/// Test accuracy from which a run counts as generalised.
pub(crate) const GENERALISED_ACCURACY: f64 = 0.95;

/// Training accuracy from which a run counts as having memorised its pairs (t_mem; the grokking-tickets paper's
/// threshold, the same as for generalising).
pub(crate) const MEMORISED_ACCURACY: f64 = 0.95;

/// All p² pairs (a, b), a-major: one-hot a, one-hot b → (a + b) mod p.
pub fn samples(modulus: usize) -> Samples {
    let p = modulus;
    let mut x = vec![0.0; p * p * 2 * p];
    let mut y = Vec::with_capacity(p * p);
    for a in 0..p {
        for b in 0..p {
            let row = (a * p + b) * 2 * p;
            x[row + a] = 1.0;
            x[row + p + b] = 1.0;
            y.push(((a + b) % p) as u8);
        }
    }
    Samples { features: 2 * p, classes: p, x, y, targets: Vec::new() }
}

/// Whether `n` is prime (the moduli offered are primes, as in the papers).
pub(crate) fn is_prime(n: usize) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| !n.is_multiple_of(d))
}

/// The first evaluation iteration at which test accuracy reaches
/// [`GENERALISED_ACCURACY`]; None if the run never does.
pub fn steps_to_generalise(curve: &[CurvePoint]) -> Option<usize> {
    curve.iter().find(|p| p.test_accuracy >= GENERALISED_ACCURACY).map(|p| p.iteration)
}

/// t_mem: the first evaluation iteration at which training accuracy reaches
/// [`MEMORISED_ACCURACY`]; None if it never does (or was not measured).
pub fn steps_to_fit(curve: &[CurvePoint]) -> Option<usize> {
    curve.iter().find(|p| p.train_accuracy.is_some_and(|a| a >= MEMORISED_ACCURACY)).map(|p| p.iteration)
}

/// τ = t_gen / t_mem (Minegishi et al.): how many times longer generalising takes than memorising; None when
/// the run never generalised or never memorised.
pub fn grokking_ratio(curve: &[CurvePoint]) -> Option<f64> {
    let memorised = steps_to_fit(curve).filter(|&t| t > 0)?;
    steps_to_generalise(curve).map(|t| t as f64 / memorised as f64)
}

/// Serde for a score that is absent in reports of other tasks and `null`
/// when the run never got there: `Option<Option<usize>>`, the outer level
/// skipped when None, the inner written as a number or null.
pub(crate) mod task_score {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &Option<Option<usize>>, s: S) -> Result<S::Ok, S::Error> {
        value.flatten().serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<usize>>, D::Error> {
        Option::<usize>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_one_hot_and_labelled_by_their_sum() {
        let s = samples(5);
        assert_eq!((s.len(), s.features, s.classes), (25, 10, 5));
        let row = 3 * 5 + 4; // a = 3, b = 4
        let x = &s.x[row * 10..(row + 1) * 10];
        assert_eq!(x, &[0., 0., 0., 1., 0., 0., 0., 0., 0., 1.]);
        assert_eq!(s.y[row], 2);
    }

    #[test]
    fn primes() {
        let found: Vec<usize> = (0..40).filter(|&n| is_prime(n)).collect();
        assert_eq!(found, [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]);
    }
}
