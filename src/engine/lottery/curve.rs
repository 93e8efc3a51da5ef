//! A run's evaluation points: the curves every chart, early stop and task
//! score read. Plain data below the tasks and the procedure that both fill it.

use serde::{Deserialize, Serialize};

use crate::engine::figures::Figures;

/// One evaluation point of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// The task's own figures measured at this point, under their own names: a policy's mean return on the
    /// seeded test episodes (`test_accuracy` is it ÷ the episode cap), a generator's modes covered by its test
    /// noise batch (`test_accuracy` is their share) and share of points within 3σ of a mode, a regression's
    /// test mean squared error (`val_loss` is the validation split's; the accuracies are the share of rows
    /// whose prediction has the target's sign).
    #[serde(flatten)]
    pub figures: Figures,
    /// A policy: the mean return of its last 100 training episodes (sampled actions), the return over training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_return: Option<f64>,
}
