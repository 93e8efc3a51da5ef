//! Transferring a ticket: it moves between datasets whose networks have the
//! same shape, trains beside its four comparisons, and a misfit is refused.

mod common;

use common::*;
use lottery_ticket_lab::engine::lottery::transfer::{self, Network};
use lottery_ticket_lab::engine::records::replicates;
use lottery_ticket_lab::engine::{DatasetName, Experiment, Weights};

#[test]
fn a_ticket_that_does_not_fit_the_target_is_refused_with_a_message() {
    let digits = lottery_ticket_lab::engine::preset("digits").unwrap();
    let report = vec![]; // no round yet: the round is checked first
    assert_eq!(
        transfer::plan(&digits, &report, 0, DatasetName::Mnist).unwrap_err(),
        "the run has no finished round to transfer"
    );
    let mut c = tiny(2);
    c.prune.rounds = 1;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let err = transfer::plan(&c, e.reports(), 1, DatasetName::Digits).unwrap_err();
    assert!(
        err.contains("does not fit digits: its network is 2-8-2 (2 inputs, 2 classes), digits's would be 64-8-10"),
        "{err}"
    );
    let err = transfer::plan(&c, e.reports(), 5, DatasetName::Gauss).unwrap_err();
    assert_eq!(err, "the run has rounds 0 to 1; there is no round 5");
}

#[test]
fn a_ticket_moves_between_2d_sets_beside_its_four_comparisons() {
    let mut c = tiny(3);
    c.prune.rounds = 2;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let plan = transfer::plan(&c, e.reports(), 2, DatasetName::Moons).unwrap();
    assert_eq!(plan.mask, e.reports()[2].mask);
    let data = dataset(&plan.target);
    let report = block_on(transfer::Transfer::new(plan, data, &cpu()).run_to_end(40)).unwrap();
    let networks: Vec<Network> = report.results.iter().map(|r| r.network).collect();
    assert_eq!(networks, Network::ALL);
    let sparsity = e.reports()[2].weights_remaining;
    for n in [Network::Transferred, Network::Reinit, Network::RandomMask, Network::TargetTicket] {
        assert!((report.result(n).unwrap().weights_remaining - sparsity).abs() < 1e-12, "{n:?} at the same sparsity");
    }
    assert_eq!(report.result(Network::Dense).unwrap().weights_remaining, 1.0);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["results"][0]["network"], "transferred");
    assert_eq!(json["target"]["data"]["dataset"], "moons");
}

/// CRC-32 of the weights' and biases' bits, layer by layer, computed here.
fn crc(w: &Weights) -> String {
    let mut h = crc32fast::Hasher::new();
    for l in &w.layers {
        for v in l.w.iter().chain(&l.b) {
            h.update(&v.to_bits().to_le_bytes());
        }
    }
    format!("{:08x}", h.finalize())
}

#[test]
fn a_replicates_ticket_moves_with_its_own_seeds_theta0() {
    let mut c = tiny(4);
    c.prune.rounds = 1;
    c.reps = 2;
    // Each replicate an experiment of its own seed, as the page's workers and `lottery run` train them.
    let train = |i: usize| {
        let r = replicates::replicate(&c, i);
        let mut e = Experiment::new(r.clone(), dataset(&r), &cpu()).unwrap();
        block_on(e.run_to_end(50, |_| {})).unwrap();
        e
    };
    let (first, second) = (train(0), train(1));
    assert_ne!(first.reports()[1].mask, second.reports()[1].mask, "the seeds find different masks");
    // What the page saves after both: replicate 1 finished, replicate 2's rounds (and config = the experiment's).
    let checkpoint = second.checkpoint("cpu").within_replicates(&c, &[first.reports().to_vec()]);
    assert_eq!(checkpoint.config.seed, 4);
    let shown = checkpoint.replicate_run(0).unwrap();
    assert_eq!((shown.config.seed, shown.config.reps, shown.name()), (4, 1, "replicate 1 (seed 4)".to_string()));
    assert_eq!(shown.rounds, first.reports());
    let last = checkpoint.replicate_run(1).unwrap();
    assert_eq!((last.config.seed, last.rounds.as_slice()), (5, second.reports()));
    assert_eq!(
        checkpoint.replicate_run(2).unwrap_err(),
        "there is no replicate 3 with finished rounds: this run has 2 (replicates 1 to 2)"
    );

    // The transfer starts from replicate 1's θ0 under replicate 1's mask, not seed 4's θ0 under replicate 2's.
    let plan = transfer::plan(&shown.config, &shown.rounds, 1, DatasetName::Moons).unwrap();
    let data = dataset(&plan.target);
    let moving = transfer::Transfer::new(plan, data, &cpu());
    let expected = theta0_masked_by_hand(&c, 4, &first.reports()[1].mask);
    assert_eq!(moving.start_weights(), expected, "θ0 ⊙ m of seed 4, bit for bit");
    assert_ne!(
        moving.start_weights(),
        theta0_masked_by_hand(&c, 4, &second.reports()[1].mask),
        "the old pairing differs"
    );
    assert_eq!(moving.report().start_digest, crc(&expected));
    assert_eq!(moving.report().source.seed, 4);
}
