//! The hand-written training loop (burn-train's Learner does not run on
//! wasm): one [`TrainRun`] trains one masked network for a round, step by
//! step, so the caller can pause, yield to the browser, and show progress.
//!
//! The loss is read back only at evaluation points, never inside a step.

use burn::optim::ModuleOptimizer;
use burn::optim::{AdamConfig, AdamWConfig, SgdConfig, momentum::MomentumConfig};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, OptimizerKind};
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::early_bird::Tracker;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::{model::Network, weights::Weights};
use crate::engine::tasks::row::FigureKey;
use crate::engine::tasks::{Learner, Task, TaskScore};

/// What a finished run reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Test accuracy at the end of training.
    pub test_accuracy: f64,
    /// The iteration of minimum validation loss.
    pub early_stop_iteration: usize,
    /// Test accuracy at that iteration.
    pub early_stop_test_accuracy: f64,
    /// Training-set accuracy at the end of training, beside `test_accuracy`
    /// (None in reports from before it was measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<f64>,
    /// The task's own figures (none for a classifier).
    #[serde(flatten)]
    pub score: TaskScore,
    pub curve: Vec<CurvePoint>,
}

impl RunSummary {
    /// Train minus test accuracy at the end of training: how much better the
    /// network does on the rows it learned from than on rows it never saw.
    pub fn generalisation_gap(&self) -> Option<f64> {
        self.train_accuracy.map(|train| train - self.test_accuracy)
    }

    /// One of the task's figures ([`crate::engine::tasks::row::Figure`]) for this run, None where the run did
    /// not measure it (steps to generalise: None also when it never generalised).
    pub fn figure(&self, key: FigureKey) -> Option<f64> {
        match key {
            FigureKey::TestAccuracy => Some(self.test_accuracy),
            own => self.score.figures.get(own),
        }
    }
}

/// Training one masked network from given weights for a round: the same
/// loop for every task, which supplies the gradients and the measurements
/// (its [`Learner`]) and the final figures ([`Task::score`]).
pub struct TrainRun {
    model: Option<Network>,
    optim: ModuleOptimizer,
    lr: f64,
    eval_every: usize,
    /// Iteration counter; starts at k when rewound to θk.
    iteration: usize,
    end: usize,
    task: Task,
    learner: Learner,
    /// Host snapshots of the weights: the iterations asked for, and each one's weights once reached.
    snapshots: Vec<(usize, Option<Weights>)>,
    curve: Vec<CurvePoint>,
    /// Accuracy on the whole training split, measured once when the run ends.
    train_accuracy: Option<f64>,
    /// The task's figures, once the run ends.
    score: Option<TaskScore>,
    /// The dense run's masks at each evaluation point (round 0, magnitude pruning).
    early_bird: Option<Tracker>,
}

/// AdamW's betas and epsilon as the grokking papers set them (Nanda et al.; Minegishi et al.):
/// burn's defaults (β2 0.999, ε 1e-5) are tuned for other work.
pub const ADAMW_BETA_1: f32 = 0.9;
pub const ADAMW_BETA_2: f32 = 0.98;
pub const ADAMW_EPSILON: f32 = 1e-8;

/// The AdamW every run with `opt=adamw` trains with: the papers' betas and epsilon, the configuration's weight
/// decay (decoupled: θ ← θ·(1 − lr·λ) before the Adam step, as PyTorch's `AdamW`).
pub fn adamw(weight_decay: f64) -> AdamWConfig {
    AdamWConfig::new()
        .with_beta_1(ADAMW_BETA_1)
        .with_beta_2(ADAMW_BETA_2)
        .with_epsilon(ADAMW_EPSILON)
        .with_weight_decay(weight_decay as f32)
}

impl TrainRun {
    /// Start a run from θ (masked by `mask`) at iteration `start` up to `end`.
    /// `device` should have autodiff enabled (`Device::autodiff`).
    pub fn new(
        experiment: &ExperimentConfig,
        weights: &Weights,
        mask: &Mask,
        start: usize,
        end: usize,
        order_seed: u64,
        device: &Device,
    ) -> Self {
        let config = &experiment.train;
        let optim = match config.optimizer {
            OptimizerKind::Adam => match Task::of(experiment).adam_beta_1() {
                Some(beta_1) => AdamConfig::new().with_beta_1(beta_1).init(),
                None => AdamConfig::new().init(),
            },
            OptimizerKind::AdamW => adamw(config.weight_decay).init(),
            OptimizerKind::Sgd => {
                let momentum = (config.momentum > 0.0)
                    .then(|| MomentumConfig::new().with_momentum(config.momentum).with_dampening(0.0));
                SgdConfig::new().with_momentum(momentum).init()
            }
        };
        let task = Task::of(experiment);
        let mut learner = task.learner(experiment, order_seed, device);
        learner.continue_from(start);
        Self {
            model: Some(task.network(weights, mask, device)),
            optim,
            lr: config.lr,
            eval_every: config.eval_every,
            iteration: start,
            end,
            task,
            learner,
            snapshots: Vec::new(),
            curve: Vec::new(),
            train_accuracy: None,
            score: None,
            early_bird: None,
        }
    }

    /// Follow the masks magnitude pruning would take at each evaluation point.
    pub(crate) fn track_early_bird(mut self, tracker: Tracker) -> Self {
        self.early_bird = Some(tracker);
        self
    }

    /// What the early-bird tracker saw (once, when the run is done).
    pub(crate) fn take_early_bird(&mut self) -> Option<Tracker> {
        self.early_bird.take()
    }

    /// Save the weights on the host when the run reaches iteration `k` (θk to rewind to; the weights a mask is
    /// taken from); more than one iteration may be asked for.
    pub fn snapshot_at(mut self, k: usize) -> Self {
        if !self.snapshots.iter().any(|(at, _)| *at == k) {
            self.snapshots.push((k, None));
        }
        self
    }

    /// The task's pruned companion (a GAN's discriminator) starts from its θ0 ⊙ `mask` (None: no companion is
    /// pruned, as for every other task).
    pub fn prune_companion(mut self, mask: Option<&Mask>) -> Self {
        if let Some(mask) = mask {
            self.learner.prune_companion(mask);
        }
        self
    }

    /// The companion's weights now (a GAN's discriminator), read back (None for other tasks).
    pub async fn companion_weights(&self) -> Result<Option<Weights>, EngineError> {
        self.learner.companion_weights().await
    }

    pub fn iteration(&self) -> usize {
        self.iteration
    }
    pub fn end(&self) -> usize {
        self.end
    }
    pub fn is_done(&self) -> bool {
        self.iteration >= self.end
    }
    pub fn model(&self) -> &Network {
        self.model.as_ref().expect("model present between steps")
    }
    pub fn curve(&self) -> &[CurvePoint] {
        &self.curve
    }
    /// The weights at iteration `k`, once the run has passed it (when [`Self::snapshot_at`] asked for it).
    pub fn snapshot(&self, k: usize) -> Option<&Weights> {
        self.snapshots.iter().find(|(at, _)| *at == k).and_then(|(_, w)| w.as_ref())
    }

    /// The weights at iteration `k`, moved out.
    pub fn take_snapshot(&mut self, k: usize) -> Option<Weights> {
        self.snapshots.iter_mut().find(|(at, _)| *at == k).and_then(|(_, w)| w.take())
    }

    /// One optimizer step: the task's gradients, masked (g ⊙ m, so pruned
    /// weights stay exactly 0), then the optimizer. No readback for the
    /// supervised tasks; an RL task reads its actions back during its rollout.
    pub async fn step(&mut self, data: &Dataset) -> Result<(), EngineError> {
        let model = self.model.take().expect("model present between steps");
        let grads = self.learner.gradients(&model, data).await;
        let mut grads = match grads {
            Ok(g) => g,
            Err(e) => {
                self.model = Some(model); // as it was: a caller may try again
                return Err(e);
            }
        };
        model.mask_gradients(&mut grads);
        self.model = Some(self.optim.step(self.lr, model, grads));
        self.iteration += 1;
        Ok(())
    }

    /// The last step's loss, read back (which also waits for the device to
    /// finish the steps queued so far). None before the first step.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        self.learner.last_loss().await
    }

    /// Evaluate now, without recording (what a network scores as it stands).
    pub(crate) async fn measure_now(&self, data: &Dataset) -> Result<CurvePoint, EngineError> {
        self.learner.measure(self.iteration, self.model(), data).await
    }

    /// Evaluate now and append a curve point.
    pub(crate) async fn record(&mut self, data: &Dataset) -> Result<(), EngineError> {
        let point = self.learner.measure(self.iteration, self.model(), data).await?;
        self.curve.push(point);
        if self.early_bird.is_some() {
            let weights = self.model().to_weights().await?;
            if let Some(tracker) = &mut self.early_bird {
                tracker.observe(self.iteration, &weights);
            }
        }
        Ok(())
    }

    /// Up to `max_steps` steps, evaluating every `eval_every` iterations and
    /// at the end. Returns the steps taken.
    pub async fn advance(&mut self, data: &Dataset, max_steps: usize) -> Result<usize, EngineError> {
        if self.curve.is_empty() {
            self.record(data).await?; // the untrained point
            self.take_snapshot_if_due().await?;
        }
        let mut taken = 0;
        while taken < max_steps && !self.is_done() {
            self.step(data).await?;
            taken += 1;
            self.take_snapshot_if_due().await?;
            if self.iteration.is_multiple_of(self.eval_every) || self.is_done() {
                self.record(data).await?;
            }
        }
        if self.is_done() && self.train_accuracy.is_none() {
            let last = self.curve.last().and_then(|p| p.train_accuracy); // measured at the last point already
            self.train_accuracy = match last {
                Some(a) => Some(a),
                None => self.learner.train_accuracy(self.model(), data).await?,
            };
            self.score = Some(self.task.score(&self.curve, self.model(), &self.learner).await?);
        }
        Ok(taken)
    }

    async fn take_snapshot_if_due(&mut self) -> Result<(), EngineError> {
        let due = self.snapshots.iter().position(|(at, w)| *at == self.iteration && w.is_none());
        if let Some(i) = due {
            self.snapshots[i].1 = Some(self.model().to_weights().await?);
        }
        Ok(())
    }

    /// The summary of a finished run.
    pub fn summary(&self) -> RunSummary {
        let last = self.curve.last().expect("a finished run has a curve");
        let best = self
            .curve
            .iter()
            .skip(1) // the untrained point is no stopping iteration
            .fold(None::<&CurvePoint>, |b, p| match b {
                Some(b) if b.val_loss <= p.val_loss => Some(b),
                _ => Some(p),
            })
            .unwrap_or(last);
        RunSummary {
            test_accuracy: last.test_accuracy,
            early_stop_iteration: best.iteration,
            early_stop_test_accuracy: best.test_accuracy,
            train_accuracy: self.train_accuracy,
            score: self.score.clone().unwrap_or_default(),
            curve: self.curve.clone(),
        }
    }
}
