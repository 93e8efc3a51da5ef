//! Helpers shared by the native tests.
#![allow(dead_code)]

use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::networks::weights::Weights;
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

/// θ0 of `seed` for `c`'s shapes under `mask`, written out by hand: init stream 0 of the seed (what
/// `Weights::theta0` draws), pruned weights set to zero here rather than by `Weights::masked`.
pub fn theta0_masked_by_hand(c: &ExperimentConfig, seed: u64, mask: &Mask) -> Weights {
    let mut w = Weights::init(&c.shapes(), c.model.init, seed, 0);
    for (layer, m) in w.layers.iter_mut().zip(&mask.layers) {
        for (v, keep) in layer.w.iter_mut().zip(&m.keep) {
            if !keep {
                *v = 0.0;
            }
        }
    }
    w
}

/// `c` with plain SGD (no momentum, lr 0.1): a step moves each weight by lr × its gradient and keeps no state.
pub fn plain_sgd(mut c: ExperimentConfig) -> ExperimentConfig {
    c.train.optimizer = engine::config::OptimizerKind::Sgd;
    c.train.momentum = 0.0;
    c.train.lr = 0.1;
    c
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

/// The rounds of `c` with the ticket trained alone and each round's controls trained apart, as the page's
/// workers train them (`Experiment::train_controls_apart`, `ControlTraining`), filled back in. Checks on the way
/// that round 0 has no controls, that the ticket's reports leave them out, and that each job is its round's and
/// carries a pruned GAN discriminator's mask exactly when there is one.
pub fn rounds_with_controls_apart(c: &ExperimentConfig, chunk: usize) -> Vec<lottery_ticket_lab::engine::RoundReport> {
    use lottery_ticket_lab::engine::lottery::controls::ControlTraining;
    use lottery_ticket_lab::engine::{Event, Experiment};
    let mut tickets = Experiment::new(c.clone(), dataset(c), &cpu()).unwrap();
    tickets.train_controls_apart();
    let mut rounds = Vec::new();
    let mut jobs = tickets.control_jobs();
    assert!(jobs.is_empty(), "round 0 has no controls");
    loop {
        match block_on(tickets.advance(chunk)).unwrap() {
            Event::RoundDone(report) => {
                assert!(report.reinit.is_none() && report.random_mask.is_none(), "the ticket's worker leaves them out");
                let mut report = *report;
                for job in jobs.drain(..) {
                    assert_eq!(job.round, report.round);
                    let pruned_d = c.prune.discriminator && c.is_gan();
                    assert_eq!(job.companion.is_some(), pruned_d, "a control gets D's mask when D is pruned");
                    let control = job.control;
                    let mut training = ControlTraining::new(c, dataset(c), job, &cpu());
                    while !block_on(training.advance(chunk)).unwrap() {}
                    report.set_control(control, training.summary());
                }
                rounds.push(report);
                // The next round's controls are known as soon as this round's ticket has its mask.
                jobs = tickets.control_jobs();
            }
            Event::Finished => break,
            Event::Progress(_) => {}
        }
    }
    rounds
}
