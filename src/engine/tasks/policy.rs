//! Learning a policy from an environment: advantage actor-critic (A2C,
//! Mnih et al. 2016, as Yu et al. 2020 used for their RL tickets) on
//! CartPole-v1 ([`super::cartpole`]).
//!
//! - **The actor is the pruned network**: observation → one logit per action;
//!   the policy is their softmax. It is what IMP prunes, resets and rewinds.
//! - **The critic is not pruned** and is the learner's own: an MLP of the
//!   actor's hidden widths with one output, its own Adam, reset to its own θ0
//!   at the start of every run (a ticket's round, a control). It is a training
//!   aid, like the optimizer's state: pruning it would confound the question
//!   the lab asks (is the *policy* a ticket?), and the GAN ticket papers reset
//!   their discriminator the same way.
//! - **A step is a batch**: `batch` environments (the configuration's batch) advance [`ROLLOUT_STEPS`]
//!   steps each with actions sampled from the actor (read back every env
//!   step), then one update. A2C rather than PPO: one backward pass per
//!   step, no epochs over a buffer, so a step costs about what a supervised
//!   step does and the round's schedule (steps, rewind step k) means the same.
//! - **The actor's loss gradient** with respect to its logits is computed on
//!   the host from the probabilities the rollout read back
//!   ([`actor_logit_gradient`]), so the backward pass starts at the logits
//!   (`Σ z ⊙ G`, as the supervised learner's cross-entropy surrogate).
//! - **Evaluation** plays fixed, seeded episodes with the greedy policy on the
//!   host (the actor's weights read back once), so an evaluation is the same
//!   on every backend and costs one readback, not one per env step.

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use rand_chacha::ChaCha8Rng;

use crate::engine::config::Init;
use crate::engine::error::{EngineError, read_f32};
use crate::engine::figures::{FigureKey, Figures};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::mask::Mask;
use crate::engine::math;
use crate::engine::networks::{
    model::{MaskedNet, Network},
    shapes::dense_shapes,
    weights::Weights,
};
use crate::engine::rng::{self, Stream};
use crate::engine::tasks::cartpole::{self, CartPole, OBSERVATIONS, Push};

/// Env steps per environment in one update (the n of n-step returns).
pub(crate) const ROLLOUT_STEPS: usize = 5;
/// The discount γ.
pub(crate) const GAMMA: f64 = 0.99;
/// The entropy bonus β: keeps the policy exploring early on.
pub(crate) const ENTROPY_BONUS: f64 = 0.01;
/// The critic's Adam learning rate: ten times the actor's in the preset. A critic that learns as slowly as the
/// actor left the dense policy oscillating (seeds 1–5 ended at 110–500 greedy return at 1e-3 against
/// 500 in every seed at 3e-3; README "A policy that balances a pole").
pub(crate) const CRITIC_LR: f64 = 3e-3;
/// Keeps the normalised advantages finite when a batch's advantages are all equal.
const ADVANTAGE_EPSILON: f64 = 1e-8;
/// Greedy evaluation episodes per split: the validation episodes pick the best iteration, the test
/// episodes give `mean_return`.
pub(crate) const EVAL_EPISODES: usize = 10;
/// Episode-stream indices of the evaluation episodes (the training starts use index 0 of the order seed).
const VAL_EPISODE_BASE: u64 = 1 << 20;
const TEST_EPISODE_BASE: u64 = 2 << 20;
/// The critic's θ0: init stream index of the experiment's seed (θ0 is 0, the reinit control 1 + round).
const CRITIC_INIT_INDEX: u64 = 1 << 30;
/// Training episodes averaged for the return over training (Gym's "solved" window).
const RECENT_EPISODES: usize = cartpole::SOLVED_EPISODES;

/// One A2C run's state: the environments mid-episode, the critic and its optimizer, the returns so far.
pub struct Policy {
    /// The environments played side by side (the configuration's batch): one step learns from
    /// `envs × ROLLOUT_STEPS` transitions.
    envs: Vec<CartPole>,
    /// Where new training episodes start.
    starts: ChaCha8Rng,
    /// The sampled actions.
    actions: ChaCha8Rng,
    critic: Option<MaskedNet>,
    critic_optim: ModuleOptimizer,
    /// The return so far of each environment's current episode.
    running: Vec<f64>,
    /// Returns of the finished training episodes, in order.
    finished: Vec<f64>,
    /// Training episodes finished when the mean of the last [`cartpole::SOLVED_EPISODES`] first reached
    /// [`cartpole::SOLVED_RETURN`].
    solved_at: Option<usize>,
    /// The last update's critic loss (no graph).
    last_value_loss: Option<Tensor<1>>,
    /// The experiment's seed: the evaluation episodes and the critic's θ0.
    seed: u64,
    device: Device,
}

impl Policy {
    /// A run on the experiment `seed` with `envs` environments whose training episodes and actions come from
    /// `order_seed`; the critic has the actor's `hidden` widths.
    pub fn new(seed: u64, order_seed: u64, envs: usize, hidden: &[usize], device: &Device) -> Self {
        let mut starts = rng::stream(order_seed, Stream::Episode, 0);
        let envs: Vec<CartPole> = (0..envs).map(|_| CartPole::reset(&mut starts)).collect();
        let critic_weights = critic_theta0(seed, hidden);
        let critic = MaskedNet::new(&critic_weights, &Mask::dense(&critic_weights.shapes()), device);
        Self {
            running: vec![0.0; envs.len()],
            envs,
            starts,
            actions: rng::stream(order_seed, Stream::Action, 0),
            critic: Some(critic),
            critic_optim: AdamConfig::new().init(),
            finished: Vec::new(),
            solved_at: None,
            last_value_loss: None,
            seed,
            device: device.clone(),
        }
    }

    /// One A2C update's gradients for the actor (the critic steps itself). Reads the actor's logits back at
    /// every env step and the critic's values once.
    pub async fn gradients(&mut self, model: &Network) -> Result<GradientsParams, EngineError> {
        let (envs, steps) = (self.envs.len(), ROLLOUT_STEPS);
        let inner = self.device.clone().inner();
        let actor = model.valid();
        let mut observations = Vec::with_capacity((steps + 1) * envs * OBSERVATIONS);
        let mut probabilities = Vec::with_capacity(steps * envs);
        let mut actions = Vec::with_capacity(steps * envs);
        let (mut rewards, mut ended) = (Vec::with_capacity(steps * envs), Vec::with_capacity(steps * envs));
        for _ in 0..steps {
            let now = self.observations();
            let x = Tensor::<2>::from_data(TensorData::new(now.clone(), [envs, OBSERVATIONS]), &inner);
            let logits = read_f32(actor.forward(x)).await?; // [envs, actions]
            observations.extend(now);
            for (e, z) in logits.chunks_exact(cartpole::ACTIONS).enumerate() {
                let p = softmax(z);
                let action = sample(&p, &mut self.actions);
                let step = self.envs[e].step(Push::from_index(action));
                self.running[e] += step.reward;
                if step.done() {
                    self.finish_episode(e);
                }
                probabilities.push(p);
                actions.push(action);
                rewards.push(step.reward);
                ended.push(step.done());
            }
        }
        observations.extend(self.observations()); // the bootstrap states
        let rows = steps * envs;
        let all = Tensor::<2>::from_data(TensorData::new(observations, [rows + envs, OBSERVATIONS]), &self.device);

        let critic = self.critic.take().expect("critic present between steps");
        let values = critic.forward(all.clone()); // [rows + envs, 1]
        let read = read_f32(values.clone().without_autodiff()).await;
        let v = match read {
            Ok(v) => v,
            Err(e) => {
                self.critic = Some(critic);
                return Err(e);
            }
        };
        let v: Vec<f64> = v.into_iter().map(f64::from).collect();
        let returns = discounted_returns(&rewards, &ended, &v[rows..], envs, GAMMA);
        let target: Vec<f32> = returns.iter().map(|&g| g as f32).collect();
        let target = Tensor::<2>::from_data(TensorData::new(target, [rows, 1]), &self.device);
        let value_loss = (values.slice([0..rows, 0..1]) - target).powi_scalar(2).mean(); // [1]
        let critic_grads = GradientsParams::from_grads(value_loss.backward(), &critic);
        self.critic = Some(self.critic_optim.step(CRITIC_LR, critic, critic_grads));
        self.last_value_loss = Some(value_loss.without_autodiff());

        let scale = 1.0 / rows as f64;
        let advantages = normalised(&(0..rows).map(|i| returns[i] - v[i]).collect::<Vec<_>>());
        let mut logit_gradient = Vec::with_capacity(rows * cartpole::ACTIONS);
        for i in 0..rows {
            let advantage = advantages[i];
            let g = actor_logit_gradient(&probabilities[i], actions[i], advantage, ENTROPY_BONUS);
            logit_gradient.extend(g.into_iter().map(|g| (g * scale) as f32));
        }
        let g = Tensor::<2>::from_data(TensorData::new(logit_gradient, [rows, cartpole::ACTIONS]), &self.device);
        let logits = model.forward(all.slice([0..rows, 0..OBSERVATIONS])); // [rows, actions], with graph
        let surrogate = (logits * g).sum();
        Ok(GradientsParams::from_grads(surrogate.backward(), model))
    }

    fn observations(&self) -> Vec<f32> {
        self.envs.iter().flat_map(|env| env.observation().map(|v| v as f32)).collect()
    }

    /// Environment `e`'s episode ended: record its return and start the next one.
    fn finish_episode(&mut self, e: usize) {
        self.finished.push(self.running[e]);
        self.running[e] = 0.0;
        self.envs[e] = CartPole::reset(&mut self.starts);
        // Gym's "solved" is a mean over 100 episodes: not before there are 100.
        let enough = self.finished.len() >= cartpole::SOLVED_EPISODES;
        if self.solved_at.is_none() && enough && self.recent_return().is_some_and(|r| r >= cartpole::SOLVED_RETURN) {
            self.solved_at = Some(self.finished.len());
        }
    }

    /// The mean return of the last [`RECENT_EPISODES`] training episodes (fewer at first; None before one ends).
    pub(crate) fn recent_return(&self) -> Option<f64> {
        let recent = &self.finished[self.finished.len().saturating_sub(RECENT_EPISODES)..];
        (!recent.is_empty()).then(|| recent.iter().sum::<f64>() / recent.len() as f64)
    }

    /// Training episodes until the last [`cartpole::SOLVED_EPISODES`] averaged [`cartpole::SOLVED_RETURN`] or
    /// more (Gym's "solved"); None if not yet.
    pub fn episodes_to_solve(&self) -> Option<usize> {
        self.solved_at
    }

    /// The last update's critic loss, read back. None before the first.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self.last_value_loss.clone() {
            Some(loss) => Ok(Some(read_f32(loss).await?[0])),
            None => Ok(None),
        }
    }

    /// The first test episode of the greedy policy `model`, as the page plays it.
    pub async fn shown_episode(&self, model: &Network) -> Result<Episode, EngineError> {
        Ok(Episode::of(&shown_episode(&model.to_weights().await?, self.seed)))
    }

    /// The greedy policy's mean return on the validation and test episodes at `iteration`, as a curve point:
    /// the "accuracies" are returns as a fraction of [`cartpole::MAX_STEPS`], so the lottery's charts,
    /// early stopping (best validation return) and sweep summaries read a policy as they read a classifier.
    pub async fn measure(&self, iteration: usize, model: &Network) -> Result<CurvePoint, EngineError> {
        let weights = model.to_weights().await?;
        let val = mean(&greedy_returns(&weights, self.seed, VAL_EPISODE_BASE, EVAL_EPISODES));
        let test = mean(&greedy_returns(&weights, self.seed, TEST_EPISODE_BASE, EVAL_EPISODES));
        let cap = cartpole::MAX_STEPS as f64;
        Ok(CurvePoint {
            iteration,
            train_loss: self.last_loss().await?.map(f64::from),
            val_loss: 1.0 - val / cap,
            val_accuracy: val / cap,
            test_accuracy: test / cap,
            train_accuracy: None,
            figures: Figures::none().with(FigureKey::MeanReturn, test),
            train_return: self.recent_return(),
        })
    }
}

/// An episode as the page draws it: the cart's position (m) and the pole's angle (rad) at each step, from
/// the start to the end. Its return is `steps()`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Episode {
    pub cart: Vec<f32>,
    pub angle: Vec<f32>,
}

impl Episode {
    pub fn of(states: &[[f64; OBSERVATIONS]]) -> Self {
        Self { cart: states.iter().map(|s| s[0] as f32).collect(), angle: states.iter().map(|s| s[2] as f32).collect() }
    }

    /// Steps played (the return: one per step).
    pub fn steps(&self) -> usize {
        self.cart.len().saturating_sub(1)
    }

    /// Whether the pole fell (or the cart left the track) before the cap.
    pub fn fell(&self) -> bool {
        self.steps() < cartpole::MAX_STEPS
    }
}

/// The critic's θ0 for an experiment seed: Glorot, the actor's hidden widths, one output.
fn critic_theta0(seed: u64, hidden: &[usize]) -> Weights {
    let mut widths = vec![OBSERVATIONS];
    widths.extend(hidden);
    widths.push(1);
    Weights::init(&dense_shapes(&widths), Init::Glorot, seed, CRITIC_INIT_INDEX)
}

fn softmax(z: &[f32]) -> Vec<f64> {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let e: Vec<f64> = z.iter().map(|&v| math::exp(v as f64 - max)).collect();
    let sum: f64 = e.iter().sum();
    e.into_iter().map(|v| v / sum).collect()
}

/// An action drawn from the policy `p`.
fn sample(p: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let u = rng::uniform(rng, 0.0, 1.0);
    let mut cumulative = 0.0;
    for (a, &q) in p.iter().enumerate() {
        cumulative += q;
        if u < cumulative {
            return a;
        }
    }
    p.len() - 1
}

/// Advantages scaled to mean 0 and standard deviation 1 over the batch (as most A2C and PPO code does): the
/// actor's step size then does not follow the scale of the returns, which grows as the policy improves.
fn normalised(advantages: &[f64]) -> Vec<f64> {
    let m = mean(advantages);
    let sd = (advantages.iter().map(|a| (a - m) * (a - m)).sum::<f64>() / advantages.len().max(1) as f64).sqrt();
    advantages.iter().map(|a| (a - m) / (sd + ADVANTAGE_EPSILON)).collect()
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// The greedy action (the larger logit; the left push on a tie) of the actor `weights` in `state`.
pub(crate) fn greedy_action(weights: &Weights, state: [f64; OBSERVATIONS]) -> usize {
    let p = weights.predict(&state.map(|v| v as f32));
    usize::from(p[1] > p[0])
}

/// One seeded evaluation episode of the greedy policy: the states from the start to the end (at most
/// [`cartpole::MAX_STEPS`] steps). Its return is the number of steps, `states.len() - 1`.
pub(crate) fn greedy_episode(weights: &Weights, seed: u64, episode: u64) -> Vec<[f64; OBSERVATIONS]> {
    let mut env = CartPole::reset(&mut rng::stream(seed, Stream::Episode, episode));
    let mut states = vec![env.observation()];
    loop {
        let step = env.step(Push::from_index(greedy_action(weights, env.observation())));
        states.push(step.observation);
        if step.done() {
            return states;
        }
    }
}

/// The returns of `count` seeded greedy episodes starting at episode index `first`.
pub fn greedy_returns(weights: &Weights, seed: u64, first: u64, count: usize) -> Vec<f64> {
    (0..count as u64).map(|i| (greedy_episode(weights, seed, first + i).len() - 1) as f64).collect()
}

/// The first test episode of an experiment's seed: the one the page plays for a round's ticket and control.
pub fn shown_episode(weights: &Weights, seed: u64) -> Vec<[f64; OBSERVATIONS]> {
    greedy_episode(weights, seed, TEST_EPISODE_BASE)
}

/// The gradient of the A2C actor loss for one sample with respect to its
/// logits `z`, given the policy `p = softmax(z)` (read back during the
/// rollout), the action taken, its advantage `A`, and the entropy bonus `β`.
///
/// The loss is `−A·log p[a] − β·H(p)` with `H = −Σ p log p`; its gradient is
/// `A·(p − onehot(a)) + β·p ⊙ (log p + H)`.
pub(crate) fn actor_logit_gradient(p: &[f64], action: usize, advantage: f64, entropy_bonus: f64) -> Vec<f64> {
    let entropy: f64 = -p.iter().map(|&q| if q > 0.0 { q * math::ln(q) } else { 0.0 }).sum::<f64>();
    p.iter()
        .enumerate()
        .map(|(j, &q)| {
            let policy = advantage * (q - if j == action { 1.0 } else { 0.0 });
            let log = if q > 0.0 { math::ln(q) } else { 0.0 };
            policy + entropy_bonus * q * (log + entropy)
        })
        .collect()
}

/// The n-step discounted returns of a rollout of `steps` steps in `envs`
/// environments, row-major by step (`rewards[t * envs + e]`): each bootstraps
/// from the critic's value of the observation after the last step
/// (`bootstrap[e]`), and an episode that ended at step t (`ended[t * envs + e]`)
/// neither looks past its end nor bootstraps.
pub(crate) fn discounted_returns(
    rewards: &[f64],
    ended: &[bool],
    bootstrap: &[f64],
    envs: usize,
    gamma: f64,
) -> Vec<f64> {
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
