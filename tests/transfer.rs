//! Transferring a ticket: it moves between datasets whose networks have the
//! same shape, trains beside its four comparisons, and a misfit is refused.

mod common;

use common::*;
use lottery_ticket_lab::engine::lottery::transfer::{self, Network};
use lottery_ticket_lab::engine::{DatasetName, Experiment};

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
