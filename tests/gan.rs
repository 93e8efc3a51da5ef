//! The GAN task on the engine: the generator keeps the science's invariants
//! (pruned weights exactly zero after every step, whose discriminator steps
//! first; the same seed the same ticket and the same scored points) and its
//! reports carry modes covered and the high-quality share. The metrics
//! themselves are tested against hand-placed points in `tasks::gan`.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::preset;
use lottery_ticket_lab::engine::tasks::{gan, mixture};

/// The gan-ring preset at a size that trains in a moment.
fn small(seed: u64) -> ExperimentConfig {
    let mut c = preset("gan-ring").unwrap();
    c.seed = seed;
    c.model.hidden = vec![16, 16];
    c.train.batch = 32;
    c.train.steps = 40;
    c.train.eval_every = 20;
    c.prune.rewind_step = 10;
    c.prune.rounds = 1;
    c
}

#[test]
fn pruned_generator_weights_stay_zero_after_every_step() {
    assert_pruned_stay_zero_and_survivors_train(&small(3), 30);
}

#[test]
fn the_same_seed_gives_the_same_ticket_and_the_same_points() {
    let report = assert_same_seed_same_report(small, 2, 3);
    for round in report["rounds"].as_array().unwrap() {
        let ticket = &round["ticket"];
        let modes = ticket["modes_covered"].as_u64().expect("the ticket's summary has modes_covered");
        assert!(modes <= mixture::RING_MODES as u64);
        let quality = ticket["high_quality_fraction"].as_f64().expect("and high_quality_fraction");
        assert!((0.0..=1.0).contains(&quality));
        let points = ticket["points"].as_array().expect("and the points the page draws");
        assert_eq!(points.len(), gan::SHOWN_POINTS * mixture::POINT_DIM);
        assert_eq!(ticket["test_accuracy"].as_f64().unwrap(), modes as f64 / mixture::RING_MODES as f64);
        assert!(ticket["curve"][1]["modes_covered"].is_number(), "coverage is measured at each evaluation");
    }
}

/// What held on every one of seeds 1–10 (2026-12-05, `lottery run --preset gan-ring --set reps=5 --set seed=1`
/// and `seed=6`), checked here on seed 1 alone (about 40 s in release): the dense generator covers all 8 modes,
/// and at round 5 (3.1% of G's weights) the ticket still covers at least 4. Per seed, modes at round 5 (ticket /
/// random reinit / random mask): 8/3/2, 8/6/2, 4/7/2, 8/2/3, 4/4/5, 7/7/1, 8/8/4, 8/6/2, 8/8/5, 8/6/2. The ticket
/// beats its controls in the median (8 against 6 and 2), not on every seed (seed 3: reinit 7 > 4; seed 5: random
/// mask 5 > 4), so no single seed's ordering is asserted: that finding is the sweep's (README "A winning ticket in
/// a GAN's generator").
#[test]
fn the_dense_generator_covers_every_mode_and_the_round_5_ticket_at_least_half() {
    let mut c = preset("gan-ring").unwrap();
    c.seed = 1;
    let report: serde_json::Value = serde_json::from_str(&report_json(&c)).unwrap();
    let rounds = report["rounds"].as_array().unwrap();
    let modes = |round: &serde_json::Value, who: &str| round[who]["modes_covered"].as_u64().unwrap();
    assert_eq!(modes(&rounds[0], "ticket"), mixture::RING_MODES as u64, "the dense generator covers every mode");
    let last = rounds.last().unwrap();
    assert_eq!(last["round"].as_u64(), Some(5));
    assert!(last["weights_remaining"].as_f64().unwrap() <= 0.032, "round 5 keeps about 3.1% of G's weights");
    let ticket = modes(last, "ticket");
    assert!(2 * ticket >= mixture::RING_MODES as u64, "the round-5 ticket covers {ticket} modes");
}

/// `small`, with the discriminator pruned too and both controls.
fn small_pruned_d(seed: u64) -> ExperimentConfig {
    let mut c = small(seed);
    c.prune.discriminator = true;
    c.prune.rounds = 2;
    c.prune.control_random = true;
    c
}

/// A pruned discriminator keeps its zeros through every step (its gradients are masked as G's are), and its
/// survivors train.
#[test]
fn a_pruned_discriminator_keeps_its_zeros_after_every_step() {
    use lottery_ticket_lab::engine::lottery::{mask::Mask, prune, train::TrainRun};
    use lottery_ticket_lab::engine::networks::weights::Weights;
    let c = small_pruned_d(4);
    let mut half = Mask::dense(&gan::discriminator_shapes(&c.model.hidden));
    for l in &mut half.layers {
        let n = l.len();
        l.keep.iter_mut().take(n / 2).for_each(|k| *k = false);
    }
    let d_mask = prune::random_mask(&half, 11, 0);
    let dense = Mask::dense(&c.shapes());
    let device = cpu().autodiff();
    let mut run =
        TrainRun::new(&c, &Weights::theta0(&c), &dense, 0, 20, c.seed, &device).prune_companion(Some(&d_mask));
    let before = block_on(run.companion_weights()).unwrap().unwrap();
    assert_pruned_zero(&before, &d_mask, 0);
    for step in 1..=20 {
        block_on(run.step(&dataset(&c))).unwrap();
        assert_pruned_zero(&block_on(run.companion_weights()).unwrap().unwrap(), &d_mask, step);
    }
    let after = block_on(run.companion_weights()).unwrap().unwrap();
    for (a, b) in after.layers.iter().zip(&before.layers) {
        assert_ne!(a.w, b.w, "D's survivors should train");
    }
}

/// With `prune.discriminator`, D loses weights at G's rate every round, the report says how many it kept, and the
/// run is the same whether it goes straight through, resumes from a ticket file mid-way, or trains its controls
/// apart (the page's workers get D's mask with each control).
#[test]
fn a_pruned_discriminator_follows_the_rounds_resumes_and_trains_apart() {
    use lottery_ticket_lab::engine::Experiment;
    use lottery_ticket_lab::engine::records::checkpoint::Checkpoint;
    let c = small_pruned_d(2);
    let straight = {
        let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
        block_on(e.run_to_end(13, |_| {})).unwrap();
        e.report("cpu").rounds
    };
    let kept: Vec<f64> = straight.iter().map(|r| r.companion_remaining.expect("D's share kept")).collect();
    assert_eq!(kept[0], 1.0);
    for (r, (d, g)) in kept.iter().zip(straight.iter().map(|r| r.weights_remaining)).enumerate().skip(1) {
        assert!((d - g).abs() < 0.01, "round {r}: D keeps {d}, G keeps {g} (the same global rate)");
    }
    // Resumed from a file after round 1, half-way into round 2's ticket.
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    while e.reports().len() < 2 {
        block_on(e.advance(13)).unwrap();
    }
    block_on(e.advance(7)).unwrap();
    let file = e.checkpoint("cpu").to_json();
    let mut e = Experiment::resume(Checkpoint::from_json(&file).unwrap(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(13, |_| {})).unwrap();
    assert_eq!(e.report("cpu").rounds, straight, "resumed");
    // The controls apart, as the page's workers train them (each job carries D's mask).
    let rounds = rounds_with_controls_apart(&c, 13);
    assert_eq!(rounds, straight, "controls apart");
}
