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

/// The n-step discounted returns of a rollout of `steps` steps in `envs`
/// environments, row-major by step (`rewards[t * envs + e]`): each bootstraps
/// from the critic's value of the observation after the last step
/// (`bootstrap[e]`), and an episode that ended at step t (`ended[t * envs + e]`)
/// neither looks past its end nor bootstraps.
pub fn discounted_returns(rewards: &[f64], ended: &[bool], bootstrap: &[f64], envs: usize, gamma: f64) -> Vec<f64> {
    let steps = rewards.len() / envs.max(1);
    let mut out = vec![0.0; rewards.len()];
    for (e, &value) in bootstrap.iter().enumerate().take(envs) {
        let mut future = value;
        for t in (0..steps).rev() {
            let i = t * envs + e;
            if ended[i] {
                future = 0.0;
            }
            future = rewards[i] + gamma * future;
            out[i] = future;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two environments, three steps, γ = 0.5: the first runs on and bootstraps from 8; the second's episode
    /// ends at step 1, so steps 0 and 1 see only its own rewards and step 2 (a new episode) bootstraps from 4.
    #[test]
    fn returns_stop_at_an_episode_end_and_bootstrap_otherwise() {
        let rewards = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let ended = [false, false, false, true, false, false];
        let returns = discounted_returns(&rewards, &ended, &[8.0, 4.0], 2, 0.5);
        // env 0: t2 = 1 + 0.5·8 = 5, t1 = 1 + 2.5 = 3.5, t0 = 1 + 1.75 = 2.75
        // env 1: t2 = 1 + 0.5·4 = 3, t1 = 1 (ended), t0 = 1 + 0.5 = 1.5
        assert_eq!(returns, vec![2.75, 1.5, 3.5, 1.0, 5.0, 3.0]);
    }

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
