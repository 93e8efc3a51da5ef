//! Regression, as TensorFlow Playground has it: points of the plane, each with a value about −1..1 to predict,
//! from its two regression sets (a plane and six signed Gaussian bumps), learned with mean squared error.
//! The ticket against its controls is judged by test mean squared error (lower is better); the accuracies a
//! report also carries are the share of rows whose prediction has the target's sign, the colour the page
//! draws.
//!
//! The sets follow Playground's `dataset.ts` (`regressPlane`, `regressGaussian`): x, y uniform in
//! [−6, 6]², the value read at the point moved by uniform noise of `noise` × 6 on each axis; the points are
//! then scaled to [−1, 1]² as the lab's other 2D sets are.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::data::{Dataset, DatasetName, Samples, Split};
use crate::engine::error::{EngineError, read_f32};
use crate::engine::figures::{FigureKey, Figures};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::networks::model::Network;
use crate::engine::rng::{self, Stream};
use crate::engine::tasks::supervised::RowOrder;

/// Half the side of Playground's square, in its units: points are drawn in [−RADIUS, RADIUS]².
const RADIUS: f64 = 6.0;
/// The plane's value: (x + y) scaled from [−PLANE_SPAN, PLANE_SPAN] to [−1, 1].
const PLANE_SPAN: f64 = 10.0;
/// Each bump's value falls linearly from its sign at its centre to 0 at this distance.
const BUMP_REACH: f64 = 2.0;
/// The six bumps: centre (x, y) in Playground's units, and sign.
const BUMPS: [(f64, f64, f64); 6] =
    [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0), (4.0, -2.5, -1.0)];
/// The network's outputs: the predicted value.
pub(crate) const OUTPUTS: usize = 1;

/// The value a set gives the point (x, y), in Playground's units.
pub fn value(name: DatasetName, x: f64, y: f64) -> f64 {
    match name {
        // Not clamped, as in Playground: the corners reach ±1.2 (and noise moves a value further).
        DatasetName::RegPlane => (x + y) / PLANE_SPAN,
        _ => BUMPS.iter().fold(0.0, |best: f64, &(cx, cy, sign)| {
            let reach = (1.0 - ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() / BUMP_REACH).clamp(0.0, 1.0);
            let v = sign * reach;
            if v.abs() > best.abs() { v } else { best }
        }),
    }
}

/// `samples` points of a regression set; `noise` in 0..=1 moves where each value is read.
pub fn samples(name: DatasetName, samples: usize, noise: f64, seed: u64) -> Samples {
    let r = &mut rng::stream(seed, Stream::Data, name as u64);
    let mut out = Samples { features: 2, classes: OUTPUTS, ..Samples::default() };
    for _ in 0..samples {
        let x = rng::uniform(r, -RADIUS, RADIUS);
        let y = rng::uniform(r, -RADIUS, RADIUS);
        let nx = rng::uniform(r, -RADIUS, RADIUS) * noise;
        let ny = rng::uniform(r, -RADIUS, RADIUS) * noise;
        let target = value(name, x + nx, y + ny) as f32;
        out.x.extend([(x / RADIUS) as f32, (y / RADIUS) as f32]);
        out.targets.push(target);
        out.y.push(u8::from(target >= 0.0));
    }
    out
}

/// Mean squared error and the share of rows whose prediction has the target's sign, on one split.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    pub mse: f64,
    pub signs_right: f64,
}

impl Fit {
    /// The fit of `predictions` to `targets` (one value per row).
    pub fn of(predictions: &[f32], targets: &[f32]) -> Self {
        let n = targets.len().max(1) as f64;
        let se: f64 = predictions.iter().zip(targets).map(|(&p, &t)| (f64::from(p) - f64::from(t)).powi(2)).sum();
        let right = predictions.iter().zip(targets).filter(|(p, t)| (**p >= 0.0) == (**t >= 0.0)).count();
        Self { mse: se / n, signs_right: right as f64 / n }
    }
}

/// Rows per evaluation forward pass.
const EVAL_CHUNK: usize = 2048;

/// A network's predictions on a whole split, read back.
async fn predict(model: &Network, split: &Split, features: usize, device: &Device) -> Result<Vec<f32>, EngineError> {
    let model = model.valid();
    let device = device.clone().inner(); // evaluation builds no graph
    let mut out = Vec::with_capacity(split.len());
    for start in (0..split.len()).step_by(EVAL_CHUNK) {
        let end = (start + EVAL_CHUNK).min(split.len());
        let inputs = split.x[start * features..end * features].to_vec();
        let x = Tensor::<2>::from_data(TensorData::new(inputs, [end - start, features]), &device);
        out.extend(read_f32(model.forward(x)).await?);
    }
    Ok(out)
}

/// One regression run's state: the order it draws rows in, and the last batch.
pub struct Regression {
    rows: RowOrder,
    /// The last batch's predictions and targets (no graph), for its loss when read.
    last_batch: Option<(Tensor<2>, Tensor<2>)>,
    device: Device,
}

impl Regression {
    pub fn new(batch: usize, order_seed: u64, device: &Device) -> Self {
        Self { rows: RowOrder::new(batch, order_seed), last_batch: None, device: device.clone() }
    }

    /// Go on with the data order from batch `batches` ([`RowOrder::continue_after`]).
    pub(crate) fn continue_after(&mut self, batches: usize) {
        self.rows.continue_after(batches);
    }

    /// The gradients of the next batch's mean squared error. No readback.
    pub fn gradients(&mut self, model: &Network, data: &Dataset) -> GradientsParams {
        let rows = self.rows.next_rows(data.train.len());
        let f = data.features;
        let x: Vec<f32> = rows.iter().flat_map(|&i| data.train.x[i * f..(i + 1) * f].iter().copied()).collect();
        let t: Vec<f32> = rows.iter().map(|&i| data.train.targets[i]).collect();
        let x = Tensor::<2>::from_data(TensorData::new(x, [rows.len(), f]), &self.device); // [batch, 2]
        let t = Tensor::<2>::from_data(TensorData::new(t, [rows.len(), OUTPUTS]), &self.device); // [batch, 1]
        let predictions = model.forward(x); // [batch, 1]
        let error = predictions.clone() - t.clone();
        let loss = (error.clone() * error).mean();
        let grads = GradientsParams::from_grads(loss.backward(), model);
        self.last_batch = Some((predictions.without_autodiff(), t.without_autodiff()));
        grads
    }

    /// The last batch's mean squared error, read back. None before the first step.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self.last_batch.clone() {
            Some((p, t)) => {
                let error = p - t;
                Ok(Some(read_f32((error.clone() * error).mean()).await?[0]))
            }
            None => Ok(None),
        }
    }

    /// The fit on one split.
    pub async fn fit(&self, model: &Network, split: &Split, features: usize) -> Result<Fit, EngineError> {
        Ok(Fit::of(&predict(model, split, features, &self.device).await?, &split.targets))
    }

    /// Validation and test error (and sign agreement) at `iteration`.
    pub async fn measure(&self, iteration: usize, model: &Network, data: &Dataset) -> Result<CurvePoint, EngineError> {
        let val = self.fit(model, &data.val, data.features).await?;
        let test = self.fit(model, &data.test, data.features).await?;
        Ok(CurvePoint {
            iteration,
            train_loss: self.last_loss().await?.map(f64::from),
            val_loss: val.mse,
            val_accuracy: val.signs_right,
            test_accuracy: test.signs_right,
            figures: Figures::none().with(FigureKey::TestMse, test.mse),
            ..CurvePoint::default()
        })
    }
}
