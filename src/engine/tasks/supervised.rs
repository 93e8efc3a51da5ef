//! Learning from labelled rows (classification, and modular addition's
//! pairs): minibatches drawn in a seeded order, cross-entropy, and accuracy
//! on the validation, test and training splits.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::data::{Dataset, Split};
use crate::engine::error::{EngineError, read_f32};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::math;
use crate::engine::networks::model::Network;
use crate::engine::rng::{self, Stream};

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
    pub(crate) fn gather(data: &Dataset, rows: &[usize]) -> Self {
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
    pub(crate) fn into_tensors(self, device: &Device) -> (Tensor<2>, Tensor<2>) {
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
            let log_sum = math::ln(row.iter().map(|&v| math::exp(v as f64 - max)).sum::<f64>()) + max;
            loss += log_sum - row[y as usize] as f64;
            let argmax = row.iter().enumerate().fold(0, |best, (i, &v)| if v > row[best] { i } else { best });
            correct += usize::from(argmax == y as usize);
        }
        start = end;
    }
    Ok(Evaluation { loss: loss / n.max(1) as f64, accuracy: correct as f64 / n.max(1) as f64 })
}

/// The order a run draws training rows in: a fresh seeded permutation every epoch, `batch` rows at a time. Every
/// learner from rows (classifiers, modular addition, a regression) draws through it, so a rewound run of any of
/// them goes on with the dense run's order.
pub(crate) struct RowOrder {
    batch: usize,
    order: Vec<usize>,
    cursor: usize,
    epoch: u64,
    order_seed: u64,
    /// Batches to pass over before the first (see [`RowOrder::continue_after`]).
    skip_batches: usize,
}

impl RowOrder {
    /// Batches of `batch` rows in the order the seed `order_seed` draws (the same for every round of a seed).
    pub fn new(batch: usize, order_seed: u64) -> Self {
        Self { batch, order: Vec::new(), cursor: 0, epoch: 0, order_seed, skip_batches: 0 }
    }

    /// Go on from where a run of the same order seed stands after `batches` batches: a run that starts at
    /// iteration k (rewound to θk) sees the batches the dense run saw from k on, as OpenLTH's `standard_train`
    /// does from its start step. Applied at the first batch, when the split's size is known.
    pub(crate) fn continue_after(&mut self, batches: usize) {
        self.skip_batches = batches;
    }

    /// Stand where `skip_batches` batches of `n` rows each would have left the order.
    fn skip(&mut self, n: usize) {
        let consumed = std::mem::take(&mut self.skip_batches) * self.batch.min(n);
        if consumed == 0 || n == 0 {
            return;
        }
        let (epoch, cursor) = ((consumed / n) as u64, consumed % n);
        self.order = (0..n).collect();
        rng::shuffle(&mut rng::stream(self.order_seed, Stream::Order, epoch), &mut self.order);
        (self.epoch, self.cursor) = (epoch + 1, cursor);
    }

    /// The next minibatch's row indices of a split of `n` rows: a fresh permutation every epoch, drawn from the
    /// order stream.
    pub(crate) fn next_rows(&mut self, n: usize) -> Vec<usize> {
        self.skip(n);
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
}

/// One supervised run's state: the order it draws rows in, and the last batch.
pub struct Supervised {
    rows: RowOrder,
    /// The last batch's logits and one-hot targets (no graph): its loss is
    /// computed only when read, at evaluation points.
    last_batch: Option<(Tensor<2>, Tensor<2>)>,
    /// Measure accuracy on the training split at every evaluation point, not only at the end.
    every_point_on_train: bool,
    device: Device,
}

impl Supervised {
    /// Batches of `batch` rows in the order the seed `order_seed` draws (the same for every round of a seed).
    pub fn new(batch: usize, order_seed: u64, every_point_on_train: bool, device: &Device) -> Self {
        Self { rows: RowOrder::new(batch, order_seed), last_batch: None, every_point_on_train, device: device.clone() }
    }

    /// Go on with the data order from batch `batches` ([`RowOrder::continue_after`]).
    pub(crate) fn continue_after(&mut self, batches: usize) {
        self.rows.continue_after(batches);
    }

    /// The gradients of the next batch's cross-entropy. No readback.
    pub fn gradients(&mut self, model: &Network, data: &Dataset) -> GradientsParams {
        let rows = self.rows.next_rows(data.train.len());
        let (x, y) = Batch::gather(data, &rows).into_tensors(&self.device); // [batch, features], [batch, classes]
        let logits = model.forward(x); // [batch, classes]
        let surrogate = cross_entropy_surrogate(logits.clone(), y.clone());
        let grads = GradientsParams::from_grads(surrogate.backward(), model);
        self.last_batch = Some((logits.without_autodiff(), y.without_autodiff()));
        grads
    }

    /// The last batch's loss, read back. None before the first step.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self.last_batch.clone() {
            Some((logits, y)) => Ok(Some(read_f32(cross_entropy(logits, y)).await?[0])),
            None => Ok(None),
        }
    }

    /// Loss and accuracy on the validation and test splits (and the training split when asked) at `iteration`.
    pub async fn measure(&self, iteration: usize, model: &Network, data: &Dataset) -> Result<CurvePoint, EngineError> {
        let train_loss = self.last_loss().await?.map(f64::from);
        let (f, c) = (data.features, data.classes);
        let val = evaluate(model, &data.val, f, c, &self.device).await?;
        let test = evaluate(model, &data.test, f, c, &self.device).await?;
        let train_accuracy = match self.every_point_on_train {
            true => Some(evaluate(model, &data.train, f, c, &self.device).await?.accuracy),
            false => None,
        };
        Ok(CurvePoint {
            iteration,
            train_loss,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            test_accuracy: test.accuracy,
            train_accuracy,
            ..CurvePoint::default()
        })
    }

    /// Accuracy on the whole training split.
    pub async fn train_accuracy(&self, model: &Network, data: &Dataset) -> Result<f64, EngineError> {
        Ok(evaluate(model, &data.train, data.features, data.classes, &self.device).await?.accuracy)
    }
}
