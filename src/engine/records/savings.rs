//! What a ticket saves: a round's trained network as a file (dense f32, the same gzipped as a "pruned model" is
//! usually shipped, the lab's compact form in f32, f16 and int8) and as a computation (the sparse kernel's
//! predictions and accuracy against the masked dense network's). The bytes are of files [`compact::write`]
//! really writes; the accuracies are measured on the test rows, never assumed.

use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, ResetMode};
use crate::engine::data::{Dataset, Split};
use crate::engine::error::read_f32;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::report::RoundReport;
use crate::engine::lottery::train::TrainRun;
use crate::engine::networks::model::MaskedNet;
use crate::engine::networks::sparse::SparseMlp;
use crate::engine::networks::weights::Weights;
use crate::engine::records::compact::{self, Precision};
pub use crate::engine::records::ticket_bytes::Bytes;

/// Steps a retraining runs between yields (natively nothing waits on it).
const RETRAIN_CHUNK: usize = 1_000;

/// A round's trained ticket: the weights the report kept (small networks), else the round trained again from
/// θ0 ⊙ m as the experiment trained it (same seed, same data order: on the same backend and machine, the same
/// bits). A run that rewinds to θk is trained again only if its file kept the trained weights.
pub async fn trained_ticket(
    config: &ExperimentConfig,
    rounds: &[RoundReport],
    round: usize,
    data: &Dataset,
    device: &Device,
) -> Result<Weights, String> {
    let r = rounds
        .get(round)
        .ok_or_else(|| format!("round {round}: the run has rounds 0 to {}", rounds.len().saturating_sub(1)))?;
    if let Some(trained) = &r.trained {
        return Ok(trained.clone());
    }
    if config.prune.reset == ResetMode::Rewind {
        return Err(format!(
            "round {round} rewinds to θ{}, which this file does not keep with the trained weights: export from a \
             run that resets to θ0",
            config.prune.rewind_step
        ));
    }
    let start = Weights::theta0(config).masked(&r.mask);
    let device = device.clone().autodiff();
    let mut run = TrainRun::new(config, &start, &r.mask, 0, config.train.steps, config.seed, &device);
    while !run.is_done() {
        run.advance(data, RETRAIN_CHUNK).await.map_err(|e| e.to_string())?;
    }
    run.model().to_weights().await.map_err(|e| e.to_string())
}

/// How a form of the ticket predicts the test rows, beside the masked dense network on the lab's device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Test accuracy of the masked dense network (the lab's forward pass).
    pub dense_accuracy: f64,
    /// Test accuracy of the sparse kernel on the compact file read back, at each precision.
    pub sparse_f32_accuracy: f64,
    pub sparse_f16_accuracy: f64,
    pub sparse_int8_accuracy: f64,
    /// Test rows whose predicted class the f32 sparse kernel and the dense network disagree on (0 expected).
    pub f32_disagreements: usize,
    /// The largest |sparse − dense| over every f32 logit, relative to max(1, |dense|).
    pub f32_largest_relative_difference: f64,
}

/// The ticket's forms measured on `test`: the masked dense network on `device`, and the sparse kernel on the
/// compact file at each precision, read back as a user's program would read it.
pub async fn agreement(
    weights: &Weights,
    mask: &Mask,
    test: &Split,
    features: usize,
    device: &Device,
) -> Result<Agreement, String> {
    let rows = test.len();
    let classes = weights.layers.last().map_or(0, |l| l.fan_out);
    let net = MaskedNet::new(weights, mask, device);
    let x = Tensor::<2>::from_data(TensorData::new(test.x.clone(), [rows, features]), device);
    let dense = read_f32(net.forward(x)).await.map_err(|e| e.to_string())?;
    let accuracy = |logits: &[f32]| {
        let right = logits.chunks(classes).zip(&test.y).filter(|(row, y)| argmax(row) == **y as usize).count();
        right as f64 / rows.max(1) as f64
    };
    let sparse = |p: Precision| -> Result<Vec<f32>, String> {
        let file = compact::write(weights, mask, p, "");
        let back = compact::read(&file).map_err(|e| e.to_string())?;
        Ok(SparseMlp::of(&back.weights, &back.mask)?.forward(&test.x, rows))
    };
    let f32_logits = sparse(Precision::F32)?;
    let disagreements =
        f32_logits.chunks(classes).zip(dense.chunks(classes)).filter(|(s, d)| argmax(s) != argmax(d)).count();
    let largest = f32_logits
        .iter()
        .zip(&dense)
        .map(|(s, d)| f64::from((s - d).abs()) / f64::from(d.abs().max(1.0)))
        .fold(0.0, f64::max);
    Ok(Agreement {
        dense_accuracy: accuracy(&dense),
        sparse_f32_accuracy: accuracy(&f32_logits),
        sparse_f16_accuracy: accuracy(&sparse(Precision::F16)?),
        sparse_int8_accuracy: accuracy(&sparse(Precision::Int8)?),
        f32_disagreements: disagreements,
        f32_largest_relative_difference: largest,
    })
}

fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i)
}
