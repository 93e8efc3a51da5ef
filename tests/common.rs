//! Helpers shared by the native tests.
#![allow(dead_code)]

use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::networks::model::Weights;
use lottery_ticket_lab::engine::{self, Dataset, device, lottery::prune};

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

pub fn cpu() -> burn::tensor::Device {
    device::cpu()
}

/// A small 2D experiment that trains in well under a second per round.
pub fn tiny(seed: u64) -> ExperimentConfig {
    let mut c = engine::preset("xor-tiny").unwrap();
    c.seed = seed;
    c
}

pub fn dataset(c: &ExperimentConfig) -> Dataset {
    engine::load_dataset(c, std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/data").as_path()).unwrap()
}

/// Trains `c`'s θ0 under a seeded half mask for `steps` steps: every pruned weight is exactly zero after every
/// step, and every layer's survivors train.
pub fn assert_pruned_stay_zero_and_survivors_train(c: &ExperimentConfig, steps: usize) {
    let data = dataset(c);
    let mask = half_mask(c, 9);
    let theta0 = Weights::theta0(c);
    let device = cpu().autodiff();
    let mut run = engine::lottery::train::TrainRun::new(c, &theta0, &mask, 0, steps, c.seed, &device);
    for step in 1..=steps {
        block_on(run.step(&data)).unwrap();
        assert_pruned_zero(&block_on(run.model().to_weights()).unwrap(), &mask, step);
    }
    let trained = block_on(run.model().to_weights()).unwrap();
    for (after, before) in trained.layers.iter().zip(&theta0.layers) {
        assert_ne!(after.w, before.w, "the survivors should train");
    }
}

/// The JSON report of a whole experiment, trained on the CPU.
pub fn report_json(c: &ExperimentConfig) -> String {
    let mut e = engine::Experiment::new(c.clone(), dataset(c), &cpu()).unwrap();
    block_on(e.run_to_end(7, |_| {})).unwrap();
    serde_json::to_string(&e.report("cpu")).unwrap()
}

/// The same seed gives the same report byte for byte, and `other` another one; returns `seed`'s report.
pub fn assert_same_seed_same_report(
    config: impl Fn(u64) -> ExperimentConfig,
    seed: u64,
    other: u64,
) -> serde_json::Value {
    let a = report_json(&config(seed));
    assert_eq!(a, report_json(&config(seed)), "same seed, same report");
    assert_ne!(a, report_json(&config(other)), "another seed, another run");
    serde_json::from_str(&a).unwrap()
}

/// A random mask keeping half of every layer (seeded).
pub fn half_mask(c: &ExperimentConfig, seed: u64) -> Mask {
    let mut m = Mask::dense(&c.shapes());
    for l in &mut m.layers {
        let n = l.len();
        l.keep.iter_mut().take(n / 2).for_each(|k| *k = false);
    }
    prune::random_mask(&m, seed, 0)
}

/// Every weight `mask` prunes is exactly zero (±0.0) in `w`, after training step `step`.
pub fn assert_pruned_zero(w: &Weights, mask: &Mask, step: usize) {
    for (l, (lw, m)) in w.layers.iter().zip(&mask.layers).enumerate() {
        for (i, (&v, &keep)) in lw.w.iter().zip(&m.keep).enumerate() {
            assert!(
                keep || v.to_bits() & 0x7fff_ffff == 0,
                "layer {l} ({:?}) weight {i} regrew to {v} after step {step}",
                lw.role
            );
        }
    }
}
