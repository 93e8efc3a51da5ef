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

/// The page trains a round's controls in other workers while the ticket trains
/// (`Experiment::train_controls_apart`, `ControlTraining`): filled in, the
/// rounds are the inline run's, bit for bit, rewinding included.
#[test]
fn controls_trained_apart_give_the_inline_rounds() {
    use lottery_ticket_lab::engine::config::ResetMode;

    let mut c = tiny(5);
    c.prune.rounds = 2;
    c.prune.control_random = true;
    // Zhou et al.'s controls too: each depends only on its round's mask and reset point.
    c.prune.control_signs = true;
    c.prune.control_shuffled = true;
    c.prune.control_constant = true;
    c.prune.reset = ResetMode::Rewind;
    c.prune.rewind_step = 3;
    let inline = {
        let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
        block_on(e.run_to_end(17, |_| {})).unwrap();
        e.report("cpu").rounds
    };
    let rounds = rounds_with_controls_apart(&c, 17);
    assert_eq!(rounds.len(), 3);
    assert!(rounds[2].reinit.is_some() && rounds[2].random_mask.is_some());
    assert!(rounds[2].same_signs.is_some() && rounds[2].shuffled.is_some() && rounds[2].constant_signs.is_some());
    assert_eq!(rounds, inline);
}
