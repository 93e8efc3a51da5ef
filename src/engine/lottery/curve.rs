//! A run's evaluation points: the curves every chart, early stop and task
//! score read. Plain data below the tasks and the procedure that both fill it.

use serde::{Deserialize, Serialize};

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
    /// A policy: the greedy policy's mean return on the seeded test episodes (`test_accuracy` is it ÷ the
    /// episode cap).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_return: Option<f64>,
    /// A policy: the mean return of its last 100 training episodes (sampled actions), the return over training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_return: Option<f64>,
    /// A generator: the modes its test noise batch covers (`test_accuracy` is the share of the modes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modes_covered: Option<usize>,
    /// A generator: the share of its test points within 3σ of a mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_quality_fraction: Option<f64>,
    /// A regression: mean squared error on the test split (`val_loss` is the validation split's; the
    /// accuracies are the share of rows whose prediction has the target's sign).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_mse: Option<f64>,
}
