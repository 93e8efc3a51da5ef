//! The cart-pole task on the engine: the A2C learner keeps the science's
//! invariants (pruned actor weights exactly zero after every step, the same
//! seed the same ticket and the same evaluation episodes), its reports carry
//! the task's figures, and the preset's finding holds for seed 1 (the sweep
//! over seeds 1–5 is in README "A policy that balances a pole").

mod common;

use common::*;
use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::networks::weights::Weights;
use lottery_ticket_lab::engine::preset;
use lottery_ticket_lab::engine::tasks::{cartpole, policy};

/// The cart-pole preset at a size that trains in a moment.
fn small(seed: u64) -> ExperimentConfig {
    let mut c = preset("cartpole").unwrap();
    c.seed = seed;
    c.model.hidden = vec![16, 16];
    c.train.batch = 4;
    c.train.steps = 60;
    c.train.eval_every = 20;
    c.prune.rewind_step = 10;
    c.prune.rounds = 1;
    c
}

#[test]
fn pruned_actor_weights_stay_zero_after_every_a2c_step() {
    assert_pruned_stay_zero_and_survivors_train(&small(3), 30);
}

#[test]
fn the_same_seed_gives_the_same_ticket_and_the_same_episodes() {
    let report = assert_same_seed_same_report(small, 2, 3);
    for round in report["rounds"].as_array().unwrap() {
        let ticket = &round["ticket"];
        let mean_return = ticket["mean_return"].as_f64().expect("the ticket's summary has mean_return");
        assert!((1.0..=cartpole::MAX_STEPS as f64).contains(&mean_return));
        assert!(ticket.get("episodes_to_solve").is_some(), "episodes_to_solve is reported, null if never");
        assert_eq!(ticket["test_accuracy"].as_f64().unwrap(), mean_return / cartpole::MAX_STEPS as f64);
        assert!(ticket["curve"][1]["train_return"].is_number(), "the return over training is recorded");
    }
    // The episode the page plays is CartPole's physics: it starts within Gym's spread of rest, and every state
    // follows from the one before under one of the two pushes (the physics is checked against Gym's formulas in
    // `tasks::cartpole`). Its start depends on the seed.
    let theta0 = Weights::theta0(&small(2));
    let states = policy::shown_episode(&theta0, 2);
    assert!(states[0].iter().all(|v| v.abs() <= cartpole::START_SPREAD), "{:?}", states[0]);
    for (t, pair) in states.windows(2).enumerate() {
        let follows = [cartpole::Push::Left, cartpole::Push::Right]
            .into_iter()
            .any(|push| cartpole::CartPole::at(pair[0]).step(push).observation == pair[1]);
        assert!(follows, "step {t}: {:?} does not follow {:?} under either push", pair[1], pair[0]);
    }
    assert_ne!(states[0], policy::shown_episode(&theta0, 3)[0], "seeded starts");
}

#[test]
fn a_greedy_episode_ends_when_the_pole_falls_or_at_the_cap() {
    let theta0 = Weights::theta0(&small(4));
    let states = policy::shown_episode(&theta0, 4);
    let last = states.last().unwrap();
    let fell = last[0].abs() > cartpole::POSITION_LIMIT || last[2].abs() > cartpole::ANGLE_LIMIT;
    assert!(fell || states.len() == cartpole::MAX_STEPS + 1, "{} steps, last state {last:?}", states.len() - 1);
    let returns = policy::greedy_returns(&theta0, 4, 0, 3);
    assert_eq!(returns.len(), 3);
}

/// The preset's finding for seed 1, as the sweep measured it: at round 4 (2.5% of the actor's weights) the
/// ticket keeps the dense network's return (≥ 90%) and the random mask falls at least 20% below the ticket.
/// About half a minute in release; the five-seed criterion is the sweep's (README).
#[test]
fn the_preset_finds_a_ticket_that_balances_the_pole_for_seed_1() {
    let mut c = preset("cartpole").unwrap();
    c.seed = 1;
    let report: serde_json::Value = serde_json::from_str(&report_json(&c)).unwrap();
    let rounds = report["rounds"].as_array().unwrap();
    let ret = |round: &serde_json::Value, who: &str| round[who]["mean_return"].as_f64().unwrap();
    let dense = ret(&rounds[0], "ticket");
    let last = rounds.last().unwrap();
    assert!(last["weights_remaining"].as_f64().unwrap() <= 0.2);
    let (ticket, random) = (ret(last, "ticket"), ret(last, "random_mask"));
    assert!(ticket >= 0.9 * dense, "ticket {ticket} against dense {dense}");
    assert!(random <= 0.8 * ticket, "random mask {random} against ticket {ticket}");
}
