//! The science's invariants: pruned weights stay exactly zero, each round
//! prunes what it should, masks nest, reset is bit-exact, rewinding is exact.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::{OptimizerKind, PruneScope, ResetMode};
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::lottery::rewind::ResetPoint;
use lottery_ticket_lab::engine::lottery::train::TrainRun;
use lottery_ticket_lab::engine::networks::{model::MaskedNet, weights::Weights};
use lottery_ticket_lab::engine::{Event, Experiment, lottery::prune};

fn pruned_weights_stay_zero(optimizer: OptimizerKind) {
    let mut c = tiny(3);
    c.train.optimizer = optimizer;
    c.train.lr = if optimizer == OptimizerKind::Sgd { 0.1 } else { 0.02 };
    let data = dataset(&c);
    let mask = half_mask(&c, 9);
    let theta0 = Weights::theta0(&c);
    let device = cpu().autodiff();
    let mut run = TrainRun::new(&c, &theta0, &mask, 0, 40, c.seed, &device);
    let mut moved = false;
    for step in 1..=40 {
        block_on(run.step(&data)).unwrap();
        let w = block_on(run.model().to_weights()).unwrap();
        assert_pruned_zero(&w, &mask, step);
        moved |=
            w.layers[0].w.iter().zip(&theta0.layers[0].w).zip(&mask.layers[0].keep).any(|((a, b), k)| *k && a != b);
    }
    assert!(moved, "the surviving weights should train");
}

#[test]
fn pruned_weights_stay_zero_under_adam() {
    pruned_weights_stay_zero(OptimizerKind::Adam);
}

#[test]
fn pruned_weights_stay_zero_under_sgd_with_momentum() {
    pruned_weights_stay_zero(OptimizerKind::Sgd);
}

#[test]
fn upload_and_readback_are_bit_exact() {
    let c = tiny(5);
    let theta0 = Weights::theta0(&c);
    let mask = half_mask(&c, 1);
    let model = MaskedNet::new(&theta0, &mask, &cpu());
    let back = block_on(model.to_weights()).unwrap();
    assert_eq!(back, theta0.masked(&mask));
}

#[test]
fn reset_restores_survivors_to_theta0_bit_for_bit() {
    let c = tiny(11);
    let theta0 = Weights::theta0(&c);
    let mask = half_mask(&c, 2);
    let point = ResetPoint { theta0: theta0.clone(), theta_k: None };
    let (reset, start) = point.reset(&c, &mask);
    assert_eq!(start, 0);
    for (l, (r, t)) in reset.layers.iter().zip(&theta0.layers).enumerate() {
        for (i, keep) in mask.layers[l].keep.iter().enumerate() {
            if *keep {
                assert_eq!(r.w[i].to_bits(), t.w[i].to_bits(), "layer {l} weight {i}");
            } else {
                assert_eq!(r.w[i].to_bits(), 0);
            }
        }
        assert_eq!(r.b, t.b, "biases are not pruned and reset with the weights");
    }
}

#[test]
fn experiment_round_one_starts_from_theta0_and_masks_nest() {
    let mut c = tiny(7);
    c.prune.rounds = 3;
    c.prune.control_reinit = false;
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data, &cpu()).unwrap();
    let mut reports = Vec::new();
    block_on(e.run_to_end(25, |ev| {
        if let Event::RoundDone(r) = ev {
            reports.push((**r).clone());
        }
    }))
    .unwrap();
    assert_eq!(reports.len(), 4);
    // Round one's ticket starts from θ0 ⊙ m1: θ0 drawn here from init stream 0 of the seed and masked by hand,
    // then trained alone, gives the round's curve exactly.
    let m1 = &reports[1].mask;
    let start = theta0_masked_by_hand(&c, c.seed, m1);
    let mut alone = TrainRun::new(&c, &start, m1, 0, c.train.steps, c.seed, &cpu().autodiff());
    block_on(alone.advance(&dataset(&c), c.train.steps)).unwrap();
    assert_eq!(alone.curve(), reports[1].ticket.curve.as_slice(), "round one trained from θ0 ⊙ m1");
    for pair in reports.windows(2) {
        assert!(
            pair[1].mask.is_subset_of(&pair[0].mask),
            "round {} mask is not inside round {}'s",
            pair[1].round,
            pair[0].round
        );
        // Each round prunes the configured fraction of each layer's remaining weights, to within one weight.
        let layers = pair[0].mask.layers.len();
        for (l, (a, b)) in pair[0].mask.layers.iter().zip(&pair[1].mask.layers).enumerate() {
            let expected = a.remaining() as f64 * (1.0 - c.layer_rate(l, layers));
            assert!(
                (b.remaining() as f64 - expected).abs() <= 1.0,
                "layer {l}: {} kept, expected {expected}",
                b.remaining()
            );
        }
    }
}

#[test]
fn global_pruning_removes_the_rate_over_all_layers() {
    let mut c = tiny(2);
    c.prune.scope = PruneScope::Global;
    let widths = c.widths();
    let w = Weights::init(&c.shapes(), c.model.init, 4, 0);
    let mask = Mask::dense(&c.shapes());
    let keep = prune::keep_counts_iterative(&c, &mask);
    let next = prune::prune_magnitude(&w, &mask, &keep, PruneScope::Global);
    let expected = mask.total() as f64 * (1.0 - c.prune.rate);
    assert!((next.remaining() as f64 - expected).abs() <= widths.len() as f64);
    // Everything kept is at least as large as everything pruned.
    let (mut min_kept, mut max_pruned) = (f32::MAX, 0f32);
    for (lw, m) in w.layers.iter().zip(&next.layers) {
        for (v, k) in lw.w.iter().zip(&m.keep) {
            if *k { min_kept = min_kept.min(v.abs()) } else { max_pruned = max_pruned.max(v.abs()) }
        }
    }
    assert!(min_kept >= max_pruned);
}

#[test]
fn random_mask_control_keeps_per_layer_counts() {
    let c = tiny(1);
    let mask = half_mask(&c, 3);
    let r = prune::random_mask(&mask, 8, 2);
    for (a, b) in mask.layers.iter().zip(&r.layers) {
        assert_eq!(a.remaining(), b.remaining());
    }
    assert!(r.hamming(&mask) > 0.0);
}

#[test]
fn rewinding_to_k_gives_theta_k() {
    let mut c = tiny(13);
    c.prune.reset = ResetMode::Rewind;
    c.prune.rewind_step = 7;
    let data = dataset(&c);
    let theta0 = Weights::theta0(&c);
    let dense = Mask::dense(&c.shapes());
    let device = cpu().autodiff();
    // A run that snapshots at k, and a second that simply stops at k.
    let mut a = TrainRun::new(&c, &theta0, &dense, 0, 20, c.seed, &device).snapshot_at(7);
    block_on(a.advance(&data, 20)).unwrap();
    let theta_k = a.take_snapshot(7).expect("snapshot at k");
    let mut b = TrainRun::new(&c, &theta0, &dense, 0, 7, c.seed, &device);
    block_on(b.advance(&data, 7)).unwrap();
    assert_eq!(block_on(b.model().to_weights()).unwrap(), theta_k);
    assert_ne!(theta_k, theta0);
    // Reset with rewinding restores survivors to θk and restarts at iteration k.
    let mask = half_mask(&c, 4);
    let point = ResetPoint { theta0, theta_k: Some(theta_k.clone()) };
    let (w, start) = point.reset(&c, &mask);
    assert_eq!(start, 7);
    assert_eq!(w, theta_k.masked(&mask));
}

/// A run rewound to θk goes on with the dense run's data order from batch k: with plain SGD (no optimizer state to
/// reset) restarting from θk at k ends on the weights of the uninterrupted run, bit for bit, for k inside an
/// epoch and on an epoch's edge.
#[test]
fn a_run_started_at_k_sees_the_batches_the_dense_run_saw_from_k() {
    let c = plain_sgd(tiny(13));
    let data = dataset(&c);
    let theta0 = Weights::theta0(&c);
    let dense = Mask::dense(&c.shapes());
    let device = cpu().autodiff();
    let per_epoch = data.train.len().div_ceil(c.train.batch.min(data.train.len()));
    let end = 2 * per_epoch + 5;
    let mut straight = TrainRun::new(&c, &theta0, &dense, 0, end, c.seed, &device);
    block_on(straight.advance(&data, end)).unwrap();
    let straight = block_on(straight.model().to_weights()).unwrap();
    for k in [7.min(end - 1), per_epoch, per_epoch + 3] {
        let mut first = TrainRun::new(&c, &theta0, &dense, 0, k, c.seed, &device);
        block_on(first.advance(&data, k)).unwrap();
        let theta_k = block_on(first.model().to_weights()).unwrap();
        let mut rest = TrainRun::new(&c, &theta_k, &dense, k, end, c.seed, &device);
        assert_eq!(block_on(rest.advance(&data, end)).unwrap(), end - k, "k = {k}: the steps from k to the end");
        assert_eq!(block_on(rest.model().to_weights()).unwrap(), straight, "k = {k}");
    }
}

/// With rewinding the random-reinit control trains what the ticket trains: from iteration k to the end.
#[test]
fn the_reinit_trains_the_tickets_steps_when_rewinding() {
    let mut c = tiny(5);
    c.prune.reset = ResetMode::Rewind;
    c.prune.rewind_step = 20;
    c.prune.rounds = 1;
    c.prune.control_reinit = true;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let round = &e.reports()[1];
    let iterations = |s: &lottery_ticket_lab::engine::lottery::train::RunSummary| {
        s.curve.iter().map(|p| p.iteration).collect::<Vec<_>>()
    };
    let ticket = iterations(&round.ticket);
    assert_eq!(ticket.first(), Some(&20), "the ticket starts at k: {ticket:?}");
    assert_eq!(iterations(round.reinit.as_ref().expect("the reinit ran")), ticket);
}

#[test]
fn synflow_and_snip_reach_the_target_counts() {
    let c = tiny(21);
    let data = dataset(&c);
    let w = Weights::theta0(&c);
    let mask = Mask::dense(&c.shapes());
    let keep = prune::keep_counts_oneshot(&c, &mask, 3);
    let s = block_on(prune::prune_synflow(&w, &mask, &keep, PruneScope::Layer, 10, &cpu())).unwrap();
    let counts: Vec<usize> = s.layers.iter().map(|l| l.remaining()).collect();
    assert_eq!(counts, keep);
    let scores = block_on(prune::snip_scores(&w, &mask, prune::snip_batch(&data, 64, 1), &cpu())).unwrap();
    assert!(scores.iter().flatten().any(|s| *s > 0.0), "SNIP scores should not all be zero");
    let m = prune::keep_top(&scores, &mask, &keep, PruneScope::Layer);
    assert_eq!(m.layers.iter().map(|l| l.remaining()).collect::<Vec<_>>(), keep);
}

#[test]
fn conv_net_trains_with_pruned_kernels_staying_zero() {
    let mut c = lottery_ticket_lab::engine::preset("digits").unwrap();
    c.model.conv = vec![4, 6];
    c.model.hidden = vec![16];
    c.train.steps = 30;
    c.train.eval_every = 10;
    c.validate().unwrap();
    let shapes = c.shapes();
    assert_eq!(shapes.len(), 4);
    assert_eq!(shapes[2].fan_in, 6 * 2 * 2, "8 → 6 → 4 → pool → 2×2×6");
    let data = dataset(&c);
    let theta0 = Weights::theta0(&c);
    let mask = prune::random_mask(
        &{
            let mut m = Mask::dense(&shapes);
            for l in &mut m.layers {
                let n = l.len();
                l.keep.iter_mut().take(n / 3).for_each(|k| *k = false);
            }
            m
        },
        5,
        0,
    );
    let device = cpu().autodiff();
    let mut run = TrainRun::new(&c, &theta0, &mask, 0, 30, c.seed, &device);
    for step in 1..=30 {
        block_on(run.step(&data)).unwrap();
        assert_pruned_zero(&block_on(run.model().to_weights()).unwrap(), &mask, step);
    }
    let w = block_on(run.model().to_weights()).unwrap();
    assert_eq!(w.shapes(), shapes, "readback keeps the conv shapes");
    assert_ne!(w.layers[0].w, theta0.masked(&mask).layers[0].w, "the conv kernels train");
    // SynFlow on a conv net reaches its per-layer targets.
    let keep = prune::keep_counts_oneshot(&c, &Mask::dense(&shapes), 2);
    let s =
        block_on(prune::prune_synflow(&theta0, &Mask::dense(&shapes), &keep, PruneScope::Layer, 5, &cpu())).unwrap();
    assert_eq!(s.layers.iter().map(|l| l.remaining()).collect::<Vec<_>>(), keep);
}

/// The training step's loss has the cross-entropy's gradient with respect to
/// the logits, and the loss it reports is the cross-entropy itself.
#[test]
fn the_step_loss_has_the_cross_entropy_gradient() {
    use burn::tensor::{Tensor, TensorData};
    use lottery_ticket_lab::engine::tasks::supervised::{cross_entropy, cross_entropy_surrogate};
    let device = cpu().autodiff();
    let (b, c) = (5, 4);
    let z: Vec<f32> = (0..b * c).map(|i| ((i * 37 % 11) as f32 - 5.0) * 0.7).collect();
    let mut y = vec![0.0f32; b * c];
    for r in 0..b {
        y[r * c + (r * 3) % c] = 1.0;
    }
    let grad_of = |surrogate: bool| {
        let logits = Tensor::<2>::from_data(TensorData::new(z.clone(), [b, c]), &device).require_grad();
        let targets = Tensor::<2>::from_data(TensorData::new(y.clone(), [b, c]), &device);
        let loss = if surrogate {
            cross_entropy_surrogate(logits.clone(), targets)
        } else {
            cross_entropy(logits.clone(), targets)
        };
        let grads = loss.backward();
        block_on(lottery_ticket_lab::engine::read_f32(logits.grad(&grads).expect("a gradient"))).unwrap()
    };
    let (exact, step) = (grad_of(false), grad_of(true));
    for (i, (a, s)) in exact.iter().zip(&step).enumerate() {
        assert!((a - s).abs() <= 1e-6, "logit {i}: cross-entropy gradient {a}, step's {s}");
    }
}
