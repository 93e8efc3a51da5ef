//! Learning a policy from an environment (issue #23, in progress on this
//! branch): advantage actor-critic (A2C). The actor is the pruned network; it
//! maps an observation to one logit per action, and the policy is their
//! softmax. Here so far: the actor's loss gradient with respect to its logits,
//! computed on the host from the probabilities the rollout read back, so one
//! step needs a single backward pass through `Σ z ⊙ G` (as the supervised
//! learner's cross-entropy surrogate does).

/// The gradient of the A2C actor loss for one sample with respect to its
/// logits `z`, given the policy `p = softmax(z)` (read back during the
/// rollout), the action taken, its advantage `A`, and the entropy bonus `β`.
///
/// The loss is `−A·log p[a] − β·H(p)` with `H = −Σ p log p`; its gradient is
/// `A·(p − onehot(a)) + β·p ⊙ (log p + H)`.
pub fn actor_logit_gradient(p: &[f64], action: usize, advantage: f64, entropy_bonus: f64) -> Vec<f64> {
    let entropy: f64 = -p.iter().map(|&q| if q > 0.0 { q * q.ln() } else { 0.0 }).sum::<f64>();
    p.iter()
        .enumerate()
        .map(|(j, &q)| {
            let policy = advantage * (q - if j == action { 1.0 } else { 0.0 });
            let log = if q > 0.0 { q.ln() } else { 0.0 };
            policy + entropy_bonus * q * (log + entropy)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn softmax(z: &[f64]) -> Vec<f64> {
        let m = z.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
        let s: f64 = e.iter().sum();
        e.iter().map(|v| v / s).collect()
    }

    fn loss(z: &[f64], action: usize, advantage: f64, beta: f64) -> f64 {
        let p = softmax(z);
        let entropy: f64 = -p.iter().map(|q| q * q.ln()).sum::<f64>();
        -advantage * p[action].ln() - beta * entropy
    }

    /// The formula against central finite differences of the loss, for two and three actions.
    #[test]
    fn the_actor_gradient_matches_finite_differences() {
        const H: f64 = 1e-6;
        for (z, action, advantage, beta) in
            [(vec![0.3, -0.7], 1, 1.7, 0.01), (vec![1.2, 0.1, -0.4], 0, -0.6, 0.05), (vec![0.0, 0.0], 0, 0.0, 0.2)]
        {
            let g = actor_logit_gradient(&softmax(&z), action, advantage, beta);
            for j in 0..z.len() {
                let (mut up, mut down) = (z.clone(), z.clone());
                up[j] += H;
                down[j] -= H;
                let numeric = (loss(&up, action, advantage, beta) - loss(&down, action, advantage, beta)) / (2.0 * H);
                assert!((g[j] - numeric).abs() < 1e-7, "z {z:?} logit {j}: {} against {numeric}", g[j]);
            }
        }
    }
}
