//! The regression task on the engine: its sets are TensorFlow Playground's (each target recomputed here from
//! Playground's formulas, written out again), pruned weights stay exactly zero, the same seed gives the same
//! ticket, and the test error a report carries is the mean squared error of the ticket's own exported weights
//! on the test points, computed here with a forward pass written in the test.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::data::DatasetName;
use lottery_ticket_lab::engine::figures::FigureKey;
use lottery_ticket_lab::engine::networks::weights::Weights;
use lottery_ticket_lab::engine::{Report, preset};

/// Playground's square is [−6, 6]²; the lab's points are scaled to [−1, 1]².
const PLAYGROUND_RADIUS: f64 = 6.0;

/// A regression on `dataset` without noise, small enough to train in a moment.
fn small(dataset: DatasetName, seed: u64) -> ExperimentConfig {
    let mut c = preset("demo").unwrap();
    c.seed = seed;
    c.data.dataset = dataset;
    c.data.noise = 0.0;
    c.data.samples = 300;
    c.model.hidden = vec![8, 8];
    c.train.steps = 120;
    c.train.eval_every = 40;
    c.prune.rounds = 2;
    c.prune.control_random = true;
    c
}

/// Playground's `regressPlane` label: (x + y) mapped linearly from [−10, 10] to [−1, 1], not clamped.
fn plane(x: f64, y: f64) -> f64 {
    (x + y) / 10.0
}

/// Playground's `regressGaussian` label: of six signed bumps, the value largest in size, each falling linearly
/// (clamped) from its sign at its centre to 0 at distance 2.
fn bumps(x: f64, y: f64) -> f64 {
    let centres = [(-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0)];
    let centres = centres.into_iter().chain([(4.0, -2.5, -1.0)]);
    let mut label: f64 = 0.0;
    for (cx, cy, sign) in centres {
        let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
        let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
        if v.abs() > label.abs() {
            label = v;
        }
    }
    label
}

#[test]
fn the_targets_are_playgrounds_with_signs_as_labels() {
    for (name, label) in [(DatasetName::RegPlane, plane as fn(f64, f64) -> f64), (DatasetName::RegGauss, bumps)] {
        let data = dataset(&small(name, 4));
        assert_eq!((data.features, data.classes), (2, 1), "two coordinates in, one value out");
        for split in [&data.train, &data.val, &data.test] {
            assert_eq!(split.targets.len(), split.len());
            for (i, &t) in split.targets.iter().enumerate() {
                let (x, y) = (split.x[2 * i] as f64, split.x[2 * i + 1] as f64);
                assert!(x.abs() <= 1.0 && y.abs() <= 1.0, "points in [−1, 1]²");
                let expected = label(x * PLAYGROUND_RADIUS, y * PLAYGROUND_RADIUS);
                assert!((f64::from(t) - expected).abs() < 1e-5, "{name:?} row {i}: {t} against {expected}");
                assert_eq!(split.y[i], u8::from(t >= 0.0), "the label is the target's sign");
            }
        }
    }
}

#[test]
fn pruned_regression_weights_stay_zero_after_every_step() {
    assert_pruned_stay_zero_and_survivors_train(&small(DatasetName::RegGauss, 3), 25);
}

/// The ticket's test error in the report is the mean squared error of its exported trained weights (ReLU hidden
/// layers, a linear output) on the test points, and "signs right" the share whose prediction has the target's
/// sign; each control that ran reports its own.
#[test]
fn the_reported_test_error_is_the_tickets_own() {
    let c = small(DatasetName::RegGauss, 5);
    let report = assert_same_seed_same_report(|s| small(DatasetName::RegGauss, s), 5, 6);
    let report: Report = serde_json::from_value(report).unwrap();
    let test = dataset(&c).test;
    for r in &report.rounds {
        let trained: &Weights = r.trained.as_ref().expect("a small network keeps its trained weights");
        let predictions: Vec<f64> = (0..test.len()).map(|i| forward(trained, &test.x[2 * i..2 * i + 2])).collect();
        let mse = predictions.iter().zip(&test.targets).map(|(p, &t)| (p - f64::from(t)).powi(2)).sum::<f64>()
            / test.len() as f64;
        let reported = r.ticket.figure(FigureKey::TestMse).expect("the ticket's test MSE");
        assert!((reported - mse).abs() <= 1e-5 * mse.max(1e-3), "round {}: {reported} against {mse}", r.round);
        let right = predictions.iter().zip(&test.targets).filter(|(p, t)| (**p >= 0.0) == (**t >= 0.0)).count();
        assert!((r.ticket.test_accuracy - right as f64 / test.len() as f64).abs() < 1e-12);
        if r.round > 0 {
            assert!(
                r.reinit.as_ref().and_then(|n| n.figure(FigureKey::TestMse)).is_some(),
                "the reinit's own test MSE"
            );
            assert!(r.random_mask.as_ref().and_then(|n| n.figure(FigureKey::TestMse)).is_some(), "the random mask's");
        }
    }
}

/// An MLP's output for one point, written out: ReLU after every layer but the last.
fn forward(w: &Weights, point: &[f32]) -> f64 {
    let mut a: Vec<f64> = point.iter().map(|&v| f64::from(v)).collect();
    for (l, layer) in w.layers.iter().enumerate() {
        let mut z: Vec<f64> = layer.b.iter().map(|&b| f64::from(b)).collect();
        for (i, ai) in a.iter().enumerate() {
            for (j, zj) in z.iter_mut().enumerate() {
                *zj += ai * f64::from(layer.w[i * layer.fan_out + j]);
            }
        }
        if l + 1 < w.layers.len() {
            z.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        a = z;
    }
    a[0]
}
