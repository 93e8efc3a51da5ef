//! Same configuration and seed on the CPU backend → the same report, bit for bit.

mod common;

use common::*;
use lottery_ticket_lab::engine::Experiment;

fn run(seed: u64) -> lottery_ticket_lab::engine::Report {
    let mut c = tiny(seed);
    c.prune.rounds = 2;
    c.prune.control_random = true;
    let data = dataset(&c);
    let mut e = Experiment::new(c, data, &cpu()).unwrap();
    block_on(e.run_to_end(17, |_| {})).unwrap();
    e.report("cpu")
}

#[test]
fn two_runs_with_one_seed_give_identical_reports() {
    let a = run(42);
    let b = run(42);
    assert_eq!(a.rounds.len(), 3);
    assert_eq!(a, b);
    assert!(a.rounds[1].reinit.is_some() && a.rounds[1].random_mask.is_some());
    // The JSON form is identical too (what `lottery --out` writes).
    assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
}

#[test]
fn another_seed_gives_another_ticket() {
    let a = run(1);
    let b = run(2);
    assert_ne!(a.rounds[1].mask, b.rounds[1].mask);
}
