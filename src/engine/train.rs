//! The hand-written training loop (burn-train's Learner does not run on
//! wasm): one [`TrainRun`] trains one masked network for a round, step by
//! step, so the caller can pause, yield to the browser, and show progress.
//!
//! The loss is read back only at evaluation points, never inside a step.

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::optim::{AdamConfig, AdamWConfig, GradientsParams, SgdConfig, momentum::MomentumConfig};
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::circuit::Circuit;
use super::config::{ExperimentConfig, OptimizerKind};
use super::data::{Dataset, Split};
use super::early_bird::Tracker;
use super::mask::Mask;
use super::model::{Network, Weights};
use super::modular;
use super::rng::{self, Stream};
use super::{EngineError, read_f32};

/// One evaluation point of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub iteration: usize,
    /// Mean loss of the last training batch (none before the first step).
    pub train_loss: Option<f64>,
    pub val_loss: f64,
    pub val_accuracy: f64,
    pub test_accuracy: f64,
    /// Accuracy on the whole training split (modular addition: the grokking curve's other half).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<f64>,
}

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
    /// Modular addition: the first evaluation iteration with test accuracy at least
    /// [`modular::GENERALISED_ACCURACY`], null if never (absent for classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "modular::task_score")]
    pub steps_to_generalise: Option<Option<usize>>,
    /// Modular addition: the first evaluation iteration with every training pair right, null if never.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "modular::task_score")]
    pub steps_to_fit: Option<Option<usize>>,
    /// Modular addition: the trained network's embedding spectrum and attention (see `circuit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit: Option<Circuit>,
    pub curve: Vec<CurvePoint>,
}

impl RunSummary {
    /// Train minus test accuracy at the end of training: how much better the
    /// network does on the rows it learned from than on rows it never saw.
    pub fn generalisation_gap(&self) -> Option<f64> {
        self.train_accuracy.map(|train| train - self.test_accuracy)
    }
}

/// Loss and accuracy of a network on a split.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
}

/// Mean cross-entropy of logits against one-hot targets.
///
/// # Shapes
/// - logits `[batch, classes]`, one_hot `[batch, classes]` → `[1]`
pub fn cross_entropy(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<1> {
    let batch = logits.dims()[0] as f64;
    (log_softmax(logits, 1) * one_hot).sum().mul_scalar(-1.0 / batch)
}

/// A loss whose gradient with respect to the logits is exactly the
/// cross-entropy's, `(softmax(z) − y) / batch`, computed outside the autodiff
/// graph: `sum(z ⊙ g)` with `g` held constant. The backward pass then starts
/// at the logits instead of running log-softmax's own backward op by op
/// (on WebGPU each of those ops is a kernel: burn's fusion runs a reduction
/// that broadcasts back as separate kernels). Its value is not the loss; the
/// loss is computed from the same logits when it is read.
///
/// # Shapes
/// - logits `[batch, classes]`, one_hot `[batch, classes]` → `[1]`
pub fn cross_entropy_surrogate(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<1> {
    let batch = logits.dims()[0] as f64;
    let gradient = (softmax(logits.clone().detach(), 1) - one_hot).div_scalar(batch); // ∂CE/∂z, no graph
    (logits * gradient).sum()
}

/// A minibatch on the host: rows of the training split, gathered in the
/// order given, with one-hot targets. A training step and SNIP both upload
/// their batch through this.
pub struct Batch {
    rows: usize,
    features: usize,
    classes: usize,
    /// `[rows, features]`, row-major.
    x: Vec<f32>,
    /// `[rows, classes]`, one-hot.
    y: Vec<f32>,
}

impl Batch {
    /// The training rows `rows` of `data`, in that order.
    pub fn gather(data: &Dataset, rows: &[usize]) -> Self {
        let (f, c) = (data.features, data.classes);
        let mut x = Vec::with_capacity(rows.len() * f); // one allocation, row copies
        for &i in rows {
            x.extend_from_slice(&data.train.x[i * f..(i + 1) * f]);
        }
        let mut y = vec![0.0; rows.len() * c];
        for (r, &i) in rows.iter().enumerate() {
            y[r * c + data.train.y[i] as usize] = 1.0;
        }
        Self { rows: rows.len(), features: f, classes: c, x, y }
    }

    /// Upload to `device`.
    ///
    /// # Shapes
    /// → inputs `[rows, features]`, one-hot targets `[rows, classes]`
    pub fn into_tensors(self, device: &Device) -> (Tensor<2>, Tensor<2>) {
        let x = Tensor::<2>::from_data(TensorData::new(self.x, [self.rows, self.features]), device);
        let y = Tensor::<2>::from_data(TensorData::new(self.y, [self.rows, self.classes]), device);
        (x, y)
    }
}

/// Rows per evaluation forward pass: bounds the logits read back at once.
const EVAL_CHUNK: usize = 2048;

/// Evaluate on a whole split in chunks, reading the logits back.
pub async fn evaluate(
    model: &Network,
    split: &Split,
    features: usize,
    classes: usize,
    device: &Device,
) -> Result<Evaluation, EngineError> {
    let model = model.valid();
    let device = device.clone().inner(); // evaluation builds no graph
    let n = split.len();
    let (mut loss, mut correct) = (0.0f64, 0usize);
    let mut start = 0;
    while start < n {
        let end = (start + EVAL_CHUNK).min(n);
        let inputs = split.x[start * features..end * features].to_vec();
        let x = Tensor::<2>::from_data(TensorData::new(inputs, [end - start, features]), &device);
        let logits = read_f32(model.forward(x)).await?;
        for (row, &y) in logits.chunks_exact(classes).zip(&split.y[start..end]) {
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
            let log_sum = row.iter().map(|&v| (v as f64 - max).exp()).sum::<f64>().ln() + max;
            loss += log_sum - row[y as usize] as f64;
            let argmax = row.iter().enumerate().fold(0, |best, (i, &v)| if v > row[best] { i } else { best });
            correct += usize::from(argmax == y as usize);
        }
        start = end;
    }
    Ok(Evaluation { loss: loss / n.max(1) as f64, accuracy: correct as f64 / n.max(1) as f64 })
}

/// Training one masked network from given weights for a round.
pub struct TrainRun {
    model: Option<Network>,
    optim: ModuleOptimizer,
    lr: f64,
    batch: usize,
    eval_every: usize,
    /// Iteration counter; starts at k when rewound to θk.
    iteration: usize,
    end: usize,
    order: Vec<usize>,
    cursor: usize,
    epoch: u64,
    order_seed: u64,
    /// The last batch's logits and one-hot targets (no graph): its loss is
    /// computed only when read, at evaluation points.
    last_batch: Option<(Tensor<2>, Tensor<2>)>,
    /// Take a host snapshot of the weights when `iteration` reaches this.
    snapshot_at: Option<usize>,
    snapshot: Option<Weights>,
    curve: Vec<CurvePoint>,
    /// Accuracy on the whole training split, measured once when the run ends.
    train_accuracy: Option<f64>,
    /// The dense run's masks at each evaluation point (round 0, magnitude pruning).
    early_bird: Option<Tracker>,
    /// Measure training accuracy at every evaluation point, and the task's scores (modular addition).
    track_train: bool,
    /// The transformer's heads, to read its circuit at the end (modular addition).
    heads: usize,
    circuit: Option<Circuit>,
    device: Device,
}

/// AdamW's betas and epsilon as the grokking papers set them (Nanda et al.; Minegishi et al.):
/// burn's defaults (β2 0.999, ε 1e-5) are tuned for other work.
pub const ADAMW_BETA_1: f32 = 0.9;
pub const ADAMW_BETA_2: f32 = 0.98;
pub const ADAMW_EPSILON: f32 = 1e-8;

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
            OptimizerKind::Adam => AdamConfig::new().init(),
            OptimizerKind::AdamW => AdamWConfig::new()
                .with_beta_1(ADAMW_BETA_1)
                .with_beta_2(ADAMW_BETA_2)
                .with_epsilon(ADAMW_EPSILON)
                .with_weight_decay(config.weight_decay as f32)
                .init(),
            OptimizerKind::Sgd => {
                let momentum = (config.momentum > 0.0)
                    .then(|| MomentumConfig::new().with_momentum(config.momentum).with_dampening(0.0));
                SgdConfig::new().with_momentum(momentum).init()
            }
        };
        Self {
            model: Some(Network::new(weights, mask, experiment.model.transformer.heads, device)),
            optim,
            lr: config.lr,
            batch: config.batch,
            eval_every: config.eval_every,
            iteration: start,
            end,
            order: Vec::new(),
            cursor: 0,
            epoch: 0,
            order_seed,
            last_batch: None,
            snapshot_at: None,
            snapshot: None,
            curve: Vec::new(),
            train_accuracy: None,
            early_bird: None,
            track_train: experiment.is_modular(),
            heads: experiment.model.transformer.heads,
            circuit: None,
            device: device.clone(),
        }
    }

    /// Follow the masks magnitude pruning would take at each evaluation point.
    pub fn track_early_bird(mut self, tracker: Tracker) -> Self {
        self.early_bird = Some(tracker);
        self
    }

    /// What the early-bird tracker saw (once, when the run is done).
    pub fn take_early_bird(&mut self) -> Option<Tracker> {
        self.early_bird.take()
    }

    /// Save θk on the host when the run reaches iteration `k`.
    pub fn snapshot_at(mut self, k: usize) -> Self {
        self.snapshot_at = Some(k);
        self
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
    /// θk, once the run has passed iteration k.
    pub fn take_snapshot(&mut self) -> Option<Weights> {
        self.snapshot.take()
    }

    /// The next minibatch's row indices: a fresh permutation every epoch,
    /// drawn from the order stream (the same for every round of a seed).
    fn next_rows(&mut self, n: usize) -> Vec<usize> {
        let mut rows = Vec::with_capacity(self.batch);
        while rows.len() < self.batch.min(n) {
            if self.cursor >= self.order.len() {
                self.order = (0..n).collect();
                rng::shuffle(&mut rng::stream(self.order_seed, Stream::Order, self.epoch), &mut self.order);
                self.epoch += 1;
                self.cursor = 0;
            }
            rows.push(self.order[self.cursor]);
            self.cursor += 1;
        }
        rows
    }

    /// One optimizer step. No readback.
    pub fn step(&mut self, data: &Dataset) {
        let rows = self.next_rows(data.train.len());
        let (x, y) = Batch::gather(data, &rows).into_tensors(&self.device); // [batch, features], [batch, classes]

        let model = self.model.take().expect("model present between steps");
        let logits = model.forward(x); // [batch, classes]
        let surrogate = cross_entropy_surrogate(logits.clone(), y.clone());
        let mut grads = GradientsParams::from_grads(surrogate.backward(), &model);
        model.mask_gradients(&mut grads); // pruned weights stay exactly 0
        self.model = Some(self.optim.step(self.lr, model, grads));
        self.last_batch = Some((logits.without_autodiff(), y.without_autodiff()));
        self.iteration += 1;
    }

    /// The last batch's loss, read back (which also waits for the device to
    /// finish the steps queued so far). None before the first step.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self.last_batch.clone() {
            Some((logits, y)) => Ok(Some(read_f32(cross_entropy(logits, y)).await?[0])),
            None => Ok(None),
        }
    }

    /// Evaluate now and append a curve point.
    pub async fn record(&mut self, data: &Dataset) -> Result<(), EngineError> {
        let train_loss = self.last_loss().await?.map(f64::from);
        let (f, c) = (data.features, data.classes);
        let val = evaluate(self.model(), &data.val, f, c, &self.device).await?;
        let test = evaluate(self.model(), &data.test, f, c, &self.device).await?;
        let train_accuracy = match self.track_train {
            true => Some(evaluate(self.model(), &data.train, f, c, &self.device).await?.accuracy),
            false => None,
        };
        self.curve.push(CurvePoint {
            iteration: self.iteration,
            train_loss,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            test_accuracy: test.accuracy,
            train_accuracy,
        });
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
            self.step(data);
            taken += 1;
            self.take_snapshot_if_due().await?;
            if self.iteration.is_multiple_of(self.eval_every) || self.is_done() {
                self.record(data).await?;
            }
        }
        if self.is_done() && self.train_accuracy.is_none() {
            let last = self.curve.last().and_then(|p| p.train_accuracy); // measured at the last point already
            let (f, c) = (data.features, data.classes);
            self.train_accuracy = match last {
                Some(a) => Some(a),
                None => Some(evaluate(self.model(), &data.train, f, c, &self.device).await?.accuracy),
            };
            if self.track_train {
                self.circuit = Circuit::read(&self.model().to_weights().await?, self.heads);
            }
        }
        Ok(taken)
    }

    async fn take_snapshot_if_due(&mut self) -> Result<(), EngineError> {
        if self.snapshot_at == Some(self.iteration) && self.snapshot.is_none() {
            self.snapshot = Some(self.model().to_weights().await?);
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
            steps_to_generalise: self.track_train.then(|| modular::steps_to_generalise(&self.curve)),
            steps_to_fit: self.track_train.then(|| modular::steps_to_fit(&self.curve)),
            circuit: self.circuit.clone(),
            curve: self.curve.clone(),
        }
    }
}
