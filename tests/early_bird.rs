//! Early-bird tickets: the distance between the dense run's consecutive
//! masks is the one a hand computation gives, the early-bird iteration is
//! where it stays under the threshold, and drawing the ticket there changes
//! only the first mask's source.

mod common;

use common::*;
use lottery_ticket_lab::engine::lottery::early_bird::{MaskDistance, emergence};
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::lottery::train::TrainRun;
use lottery_ticket_lab::engine::networks::weights::Weights;
use lottery_ticket_lab::engine::{Experiment, lottery::prune};

#[test]
fn the_early_bird_iteration_is_where_the_distance_stays_under_the_threshold() {
    let series = |v: &[f64]| -> Vec<MaskDistance> {
        v.iter().enumerate().map(|(i, &distance)| MaskDistance { iteration: (i + 1) * 10, distance }).collect()
    };
    assert_eq!(emergence(&series(&[0.5, 0.2, 0.05, 0.12, 0.03, 0.01]), 0.1), Some(50), "the last run under it");
    assert_eq!(emergence(&series(&[0.05, 0.02]), 0.1), Some(10), "under it from the start");
    assert_eq!(emergence(&series(&[0.05, 0.2]), 0.1), None, "the last one is over it");
    assert_eq!(emergence(&series(&[]), 0.1), None);
}

/// Keep the `keep[l]` largest |w| of each layer: the mask, by hand.
fn by_hand(weights: &Weights, keep: &[usize]) -> Vec<Vec<bool>> {
    weights
        .layers
        .iter()
        .zip(keep)
        .map(|(layer, &k)| {
            let mut order: Vec<usize> = (0..layer.w.len()).collect();
            order.sort_by(|&a, &b| layer.w[b].abs().total_cmp(&layer.w[a].abs()));
            let mut flags = vec![false; layer.w.len()];
            for &i in &order[..k] {
                flags[i] = true;
            }
            flags
        })
        .collect()
}

#[test]
fn the_distances_match_a_hand_computation_on_a_tiny_net() {
    let mut c = tiny(3);
    c.prune.rounds = 1;
    c.train.steps = 60;
    c.train.eval_every = 10;
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    block_on(e.run_to_end(60, |_| {})).unwrap();
    let early = e.reports()[0].early_bird.clone().expect("round 0 with magnitude pruning tracks the masks");
    assert_eq!(early.distances.len(), 6, "one distance per evaluation after the first");

    // The same dense run by hand: the weights at each evaluation point, each layer's top |w| kept.
    let dense = Mask::dense(&c.shapes());
    let keep = prune::keep_counts_iterative(&c, &dense);
    let device = cpu().autodiff();
    let mut run = TrainRun::new(&c, &Weights::theta0(&c), &dense, 0, c.train.steps, c.seed, &device);
    let mut masks = vec![by_hand(&Weights::theta0(&c), &keep)];
    while !run.is_done() {
        block_on(run.advance(&data, c.train.eval_every)).unwrap();
        masks.push(by_hand(&block_on(run.model().to_weights()).unwrap(), &keep));
    }
    let total = dense.total() as f64;
    for (i, d) in early.distances.iter().enumerate() {
        let differ: usize =
            masks[i].iter().flatten().zip(masks[i + 1].iter().flatten()).filter(|(a, b)| a != b).count();
        assert_eq!(d.iteration, (i + 1) * 10);
        assert_eq!(d.distance, differ as f64 / total, "evaluation {}: {differ} of {total} flags differ", i + 1);
    }
    assert_eq!(early.iteration, emergence(&early.distances, c.prune.early_bird_threshold));
}

#[test]
fn the_ticket_at_early_bird_changes_only_where_the_first_mask_comes_from() {
    let mut c = tiny(4);
    c.prune.rounds = 2;
    c.prune.early_bird_threshold = 0.5; // generous, so the masks settle in this short run
    let run = |at_early_bird: bool| {
        let mut c = c.clone();
        c.prune.early_bird_ticket = at_early_bird;
        let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
        block_on(e.run_to_end(40, |_| {})).unwrap();
        e.reports().to_vec()
    };
    let (end, early) = (run(false), run(true));
    assert!(early[0].early_bird.as_ref().unwrap().iteration.is_some());
    assert_eq!(end[0].ticket, early[0].ticket, "the dense run itself is the same");
    assert_eq!(end[1].remaining, early[1].remaining, "the same sparsity");
    assert_ne!(end[1].mask, early[1].mask, "a different first mask, drawn earlier");
}
