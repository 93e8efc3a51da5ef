//! The effect itself, small and fast: on the 8×8 digits, averaged over five
//! seeds, a ticket at ≤ 20% of the weights matches the dense network's test
//! accuracy within 1 pp, while the same mask from a fresh initialisation
//! (the random-reinit control) is clearly worse.
//!
//! Why this setting: on 1,797 digits the test split holds 449 images, so one
//! image is 0.22 pp and a single seed is noisy; five seeds average that out.
//! Down to ~12% of the weights the reinit control is as good as the ticket
//! (the network is over-parameterised for the task); the gap opens from ~8%
//! down, as in the paper's figures, so the test looks at 5–8%.

mod common;

use common::*;
use lottery_ticket_lab::engine::{self, Experiment};

#[test]
fn winning_ticket_matches_dense_while_reinit_falls_behind() {
    let seeds = [1u64, 2, 3, 4, 5];
    let rounds = 14;
    let mut ticket = vec![0.0; rounds + 1];
    let mut reinit = vec![0.0; rounds + 1];
    let mut remaining = vec![0.0; rounds + 1];
    for &seed in &seeds {
        let mut c = engine::preset("digits").unwrap();
        c.seed = seed;
        c.prune.rounds = rounds;
        let data = dataset(&c);
        let mut e = Experiment::new(c, data, &cpu()).unwrap();
        block_on(e.run_to_end(500, |_| {})).unwrap();
        for r in e.reports() {
            ticket[r.round] += r.ticket.test_accuracy * 100.0 / seeds.len() as f64;
            if let Some(x) = &r.reinit {
                reinit[r.round] += x.test_accuracy * 100.0 / seeds.len() as f64;
            }
            remaining[r.round] = r.weights_remaining;
        }
    }
    let dense = ticket[0];
    println!("round  remaining%  ticket%  reinit%   (means over seeds {seeds:?}; dense {dense:.2}%)");
    for r in 1..=rounds {
        println!("{r:>5}  {:>9.2}  {:>7.2}  {:>7.2}", remaining[r] * 100.0, ticket[r], reinit[r]);
    }
    let found = (1..=rounds)
        .filter(|&r| remaining[r] <= 0.20)
        .find(|&r| dense - ticket[r] <= 1.0 && ticket[r] - reinit[r] >= 1.5);
    let r = found.expect("no sparsity ≤ 20% where the ticket is within 1 pp of dense and reinit ≥ 1.5 pp behind");
    println!(
        "round {r}: {:.2}% of weights, ticket {:.2}% vs dense {dense:.2}%, reinit {:.2}%",
        remaining[r] * 100.0,
        ticket[r],
        reinit[r]
    );
    // And the ticket never collapses in this range.
    assert!(ticket[rounds] > dense - 3.0, "ticket at {:.1}% fell to {:.2}%", remaining[rounds] * 100.0, ticket[rounds]);
}
