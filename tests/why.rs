//! Why tickets win (Zhou et al. 2019; Prasanna et al. 2020): the controls that keep only part of θ0 have exactly
//! the values they claim, bit for bit against θ0; the supermask score is an evaluation of θ0 ⊙ m computed here
//! independently; the mask criteria rank by what they say; the Jaccard overlap of masks behaves as its formula
//! says; and an experiment with all of it on reports every figure, the same for the same seed.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::{ExperimentConfig, PruneMethod};
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::lottery::{overlap, prune, signs};
use lottery_ticket_lab::engine::networks::weights::Weights;

/// The sign bit of an f32.
fn negative(v: f32) -> bool {
    v.is_sign_negative()
}

#[test]
fn same_signs_keeps_the_signs_and_draws_fresh_magnitudes() {
    let c = tiny(3);
    let (theta0, mask) = (Weights::theta0(&c), half_mask(&c, 5));
    let w = signs::same_signs(&c, &theta0, &mask, 2);
    let fresh = Weights::init(&theta0.shapes(), c.model.init, c.seed, signs::SAME_SIGNS_INIT_INDEX + 2)
        .masked(&Mask::dense(&theta0.shapes()));
    assert_pruned_zero(&w, &mask, 0);
    let mut changed = 0;
    for ((l, l0), (lf, m)) in w.layers.iter().zip(&theta0.layers).zip(fresh.layers.iter().zip(&mask.layers)) {
        for i in (0..l.w.len()).filter(|&i| m.keep[i]) {
            assert_eq!(negative(l.w[i]), negative(l0.w[i]), "θ0's sign");
            assert_eq!(l.w[i].abs().to_bits(), lf.w[i].abs().to_bits(), "the fresh magnitude, bit for bit");
            changed += usize::from(l.w[i].to_bits() != l0.w[i].to_bits());
        }
        assert_eq!(l.b, l0.b, "θ0's biases");
    }
    assert!(changed > 0, "the magnitudes are not θ0's");
}

#[test]
fn shuffled_permutes_each_layers_survivors() {
    let c = tiny(3);
    let (theta0, mask) = (Weights::theta0(&c), half_mask(&c, 5));
    let w = signs::shuffled(&theta0, &mask, c.seed, 1);
    assert_pruned_zero(&w, &mask, 0);
    let survivors = |w: &Weights, l: usize| {
        let mut v: Vec<u32> =
            (0..w.layers[l].w.len()).filter(|&i| mask.layers[l].keep[i]).map(|i| w.layers[l].w[i].to_bits()).collect();
        v.sort_unstable();
        v
    };
    for l in 0..w.layers.len() {
        assert_eq!(survivors(&w, l), survivors(&theta0, l), "layer {l}: the same values, bit for bit");
        // A uniform permutation of n survivors leaves one in place on average (P(≥ n/2 in place) < 1e-6 for
        // n ≥ 10): a shuffle that moved only a few, or none, is not one.
        let n = mask.layers[l].keep.iter().filter(|&&k| k).count();
        let moved =
            (0..w.layers[l].w.len()).filter(|&i| w.layers[l].w[i].to_bits() != theta0.layers[l].w[i].to_bits()).count();
        if n >= 10 {
            assert!(2 * moved > n, "layer {l}: {moved} of {n} survivors moved");
        }
    }
    // The order is the round's draw: another round (or seed) draws another one.
    assert_ne!(w, signs::shuffled(&theta0, &mask, c.seed, 2), "round 2 draws another order than round 1");
    assert_ne!(w, signs::shuffled(&theta0, &mask, c.seed + 1, 1), "another seed draws another order");
}

#[test]
fn constant_with_signs_is_the_layers_std_with_theta0s_signs() {
    let c = tiny(3);
    let (theta0, mask) = (Weights::theta0(&c), half_mask(&c, 5));
    let w = signs::constant_signs(&theta0, &mask);
    assert_pruned_zero(&w, &mask, 0);
    for ((l, l0), m) in w.layers.iter().zip(&theta0.layers).zip(&mask.layers) {
        let std = signs::layer_std(&l0.w) as f32;
        assert!(std > 0.0);
        for i in (0..l.w.len()).filter(|&i| m.keep[i]) {
            assert_eq!(l.w[i].abs().to_bits(), std.to_bits());
            assert_eq!(negative(l.w[i]), negative(l0.w[i]));
        }
    }
    // The population standard deviation, by hand.
    assert!((signs::layer_std(&[1.0, -1.0, 1.0, -1.0]) - 1.0).abs() < 1e-12);
}

#[test]
fn the_criteria_rank_by_growth_and_by_movement() {
    let c = tiny(3);
    let reset = Weights::theta0(&c);
    let mut trained = reset.clone();
    // Layer 0: weight 0 grows from its start by 0.5 in magnitude; weight 1 flips sign (moves far, does not grow).
    let (a, b) = (reset.layers[0].w[0], reset.layers[0].w[1]);
    trained.layers[0].w[0] = a + 0.5f32.copysign(a);
    trained.layers[0].w[1] = -b;
    let inc = prune::increase_scores(&trained, &reset);
    let mov = prune::movement_scores(&trained, &reset);
    assert!((inc[0][0] - 0.5).abs() < 1e-6 && inc[0][1].abs() < 1e-6 && inc[0][2] == 0.0);
    assert!((mov[0][0] - 0.5).abs() < 1e-6 && (mov[0][1] - 2.0 * b.abs() as f64).abs() < 1e-6 && mov[0][2] == 0.0);
}

#[test]
fn jaccard_of_a_mask_with_itself_is_one_and_of_random_masks_near_its_expectation() {
    let c = engine_config_with_wide_layer();
    let dense = Mask::dense(&c.shapes());
    let a = half_mask(&c, 1);
    assert_eq!(overlap::jaccard(&a, &a), 1.0);
    for density in [0.5, 0.2, 0.05] {
        let mut like = dense.clone();
        for l in &mut like.layers {
            let n = l.len();
            let keep = ((n as f64) * density).round() as usize;
            l.keep.iter_mut().enumerate().for_each(|(i, k)| *k = i < keep);
        }
        let (x, y) = (prune::random_mask(&like, 1, 0), prune::random_mask(&like, 2, 0));
        let expected = density * density / (2.0 * density - density * density);
        let j = overlap::jaccard(&x, &y);
        assert!((j - expected).abs() < 0.2 * expected, "density {density}: {j} against {expected}");
        let o = overlap::MaskOverlap::of(&[&x, &y, &x]).unwrap();
        assert!((o.network.random - expected).abs() < 1e-3 * expected.max(1e-3) + 1e-3, "{o:?}");
        assert_eq!(o.layers.len(), like.layers.len());
    }
}

/// An MLP with tens of thousands of weights, so random overlaps sit near their expectation.
fn engine_config_with_wide_layer() -> ExperimentConfig {
    let mut c = tiny(3);
    c.model.hidden = vec![200, 100];
    c
}

/// Everything on at once on the tiny preset: each round reports the three new controls, the supermask, and a
/// supermask equal to θ0 ⊙ m evaluated on the host here; the same seed gives the same report.
#[test]
fn an_experiment_reports_the_controls_and_the_supermask() {
    let config = |seed| {
        let mut c = tiny(seed);
        c.prune.rounds = 2;
        c.prune.control_signs = true;
        c.prune.control_shuffled = true;
        c.prune.control_constant = true;
        c.prune.method = PruneMethod::Increase;
        c
    };
    let report = assert_same_seed_same_report(config, 4, 5);
    let c = config(4);
    let data = dataset(&c);
    let theta0 = Weights::theta0(&c);
    let rounds: Vec<lottery_ticket_lab::engine::RoundReport> =
        serde_json::from_value(report["rounds"].clone()).unwrap();
    for r in &rounds {
        let host = theta0.masked(&r.mask);
        let correct = (0..data.test.len())
            .filter(|&i| {
                let p = host.predict(&data.test.x[i * data.features..(i + 1) * data.features]);
                let best = (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a))).unwrap();
                best == data.test.y[i] as usize
            })
            .count();
        let supermask = r.supermask.as_ref().expect("every round has its supermask").test_accuracy;
        assert!((supermask - correct as f64 / data.test.len() as f64).abs() < 1e-9, "round {}", r.round);
        if r.round > 0 {
            assert!(r.same_signs.is_some() && r.shuffled.is_some() && r.constant_signs.is_some(), "round {}", r.round);
        }
    }
    let masks: Vec<&Mask> = rounds.iter().map(|r| &r.mask).collect();
    assert!(masks.windows(2).all(|w| w[1].is_subset_of(w[0])), "the increase criterion prunes iteratively");
}

/// Linear mode connectivity: the line between a network and itself is flat (instability 0); two copies trained
/// on different orders have an instability of at least 0, with the ends' errors those of the copies; the barrier
/// is the highest error minus the mean of the ends.
#[test]
fn instability_is_zero_between_identical_copies_and_never_negative() {
    use lottery_ticket_lab::engine::lottery::stability;
    let mut c = tiny(6);
    c.train.steps = 60;
    let data = dataset(&c);
    let device = cpu().autodiff();
    let mask = half_mask(&c, 2);
    let thetas = block_on(stability::rewind_points(&c, &[0, 10], &data, &device)).unwrap();
    assert_eq!(thetas[0], Weights::theta0(&c), "θ0 at k = 0");
    assert_ne!(thetas[1], thetas[0], "θ10 has trained");
    let a = block_on(stability::train_copy(&c, &thetas[1], &mask, 10, 77, &data, &device)).unwrap();
    assert_pruned_zero(&a, &mask, 60);
    let flat = block_on(stability::errors_on_line(&c, &a, &a, &mask, 5, &data, &device)).unwrap();
    assert!(flat.windows(2).all(|w| w[0] == w[1]), "{flat:?}");
    assert_eq!(stability::barrier(&flat), 0.0);
    let i = block_on(stability::instability(&c, &thetas[1], &mask, 10, 5, &data, &device)).unwrap();
    assert_eq!(i.errors.len(), 5);
    assert!(i.instability >= 0.0 && i.instability <= 1.0, "{i:?}");
    assert_eq!(i.instability, stability::barrier(&i.errors));
    assert_eq!(stability::barrier(&[0.1, 0.5, 0.3]), 0.3);
    assert_eq!(stability::barrier(&[0.2, 0.1, 0.2]), 0.0, "a dip below the ends is no barrier");
}

/// The stepwise measurement the page and the CLI run gives what the one-shot functions give, whatever the chunk;
/// a rewind point at or past the round's end, or a line without both ends, is refused.
#[test]
fn stepwise_stability_matches_the_one_shot_measurement() {
    use lottery_ticket_lab::engine::lottery::stability::{self, Stability, StabilityPlan};
    let mut c = tiny(6);
    c.train.steps = 60;
    let data = dataset(&c);
    let device = cpu().autodiff();
    let mask = half_mask(&c, 2);
    let plan = StabilityPlan::new(c.clone(), Some(mask.clone()), &[10, 0, 10], 5).unwrap();
    assert_eq!(plan.ks, vec![0, 10], "sorted, each once");
    let small = block_on(Stability::new(plan.clone(), data.clone(), &device).run_to_end(7)).unwrap();
    let large = block_on(Stability::new(plan, data.clone(), &device).run_to_end(1000)).unwrap();
    assert_eq!(small, large, "the chunk size changes nothing");
    let thetas = block_on(stability::rewind_points(&c, &[0, 10], &data, &device)).unwrap();
    let dense = Mask::dense(&c.shapes());
    for (p, theta) in small.iter().zip(&thetas) {
        let one_shot = |m: &Mask| block_on(stability::instability(&c, theta, m, p.k, 5, &data, &device)).unwrap();
        assert_eq!(p.dense, one_shot(&dense), "k = {}", p.k);
        assert_eq!(p.ticket.as_ref(), Some(&one_shot(&mask)), "k = {}", p.k);
    }
    assert!(StabilityPlan::new(c.clone(), None, &[60], 5).is_err(), "k must be below the steps");
    assert!(StabilityPlan::new(c, None, &[0], 1).is_err(), "both ends");
}

/// Scores for the Why panel's words: the ticket at 90%, a control that keeps up within a point, one below by ten.
const TICKET: f64 = 0.90;
const KEEPS_UP: f64 = 0.895;
const BELOW: f64 = 0.80;

/// Phrases that state a result of each control: none may appear when that control did not run.
const REINIT_RESULTS: [&str; 3] =
    ["fresh initialisation falls behind", "fresh initialisation keeps up", "fresh draw does"];
const SHUFFLED_RESULTS: [&str; 2] = ["θ0's own values", "scramble the signs"];
const SIGN_RESULTS: [&str; 3] = ["Keep θ0's signs", "θ0's signs with other magnitudes", "θ0's signs alone"];

#[test]
fn the_why_words_speak_only_of_the_controls_that_ran() {
    use lottery_ticket_lab::engine::lottery::why::{RoundScores, verdict};
    let outcomes = [None, Some(KEEPS_UP), Some(BELOW)];
    let mut sets = 0;
    for same_signs in outcomes {
        for constant_signs in outcomes {
            for shuffled in outcomes {
                for reinit in [None, Some(BELOW)] {
                    let s = RoundScores { ticket: TICKET, same_signs, constant_signs, shuffled, reinit };
                    let words = verdict(&s);
                    let absent = |phrases: &[&str]| phrases.iter().all(|p| !words.contains(p));
                    if reinit.is_none() {
                        assert!(words.contains("fresh-initialisation control did not run"), "{s:?}: {words}");
                        assert!(absent(&REINIT_RESULTS), "{s:?}: {words}");
                        assert!(!words.contains("a fresh one too"), "{s:?}: {words}");
                    } else {
                        assert!(words.starts_with("A fresh initialisation falls behind, so θ0 matters."), "{words}");
                    }
                    if shuffled.is_none() {
                        assert!(absent(&SHUFFLED_RESULTS), "{s:?}: {words}");
                    }
                    if same_signs.is_none() && constant_signs.is_none() {
                        assert!(absent(&SIGN_RESULTS), "{s:?}: {words}");
                        if shuffled.is_some() {
                            assert!(words.contains("the sign controls did not run"), "{s:?}: {words}");
                        }
                    }
                    sets += 1;
                }
            }
        }
    }
    assert_eq!(sets, 54);
}

#[test]
fn the_why_words_for_each_partial_control_set() {
    use lottery_ticket_lab::engine::lottery::why::{RoundScores, verdict};
    let scores = |same_signs, shuffled, reinit| RoundScores {
        ticket: TICKET,
        same_signs,
        constant_signs: None,
        shuffled,
        reinit,
    };
    // signs=1 alone (the case): no verdict on the reinit or the shuffled control.
    assert_eq!(
        verdict(&scores(Some(KEEPS_UP), None, None)),
        "Keep θ0's signs and the magnitudes hardly matter: the signs carry what the ticket needs from θ0 (the \
         shuffled control did not run, so whether θ0's values in other places would do as well is not measured). \
         The fresh-initialisation control did not run, so whether θ0 matters at all is not measured here."
    );
    // Every control: the signs are what the ticket needs.
    assert_eq!(
        verdict(&scores(Some(KEEPS_UP), Some(BELOW), Some(BELOW))),
        "A fresh initialisation falls behind, so θ0 matters. Keep θ0's signs and the magnitudes hardly matter; \
         scramble the signs and the ticket's edge goes: the signs are what this ticket needs from θ0."
    );
    assert!(verdict(&scores(Some(KEEPS_UP), Some(KEEPS_UP), Some(BELOW))).contains("not their exact places"));
    assert!(verdict(&scores(Some(BELOW), None, Some(BELOW))).ends_with("its magnitudes matter too."));
    // A fresh draw that keeps up or wins ends the question, whatever else ran.
    for other in [None, Some(BELOW), Some(KEEPS_UP)] {
        assert!(verdict(&scores(other, other, Some(KEEPS_UP))).starts_with("A fresh initialisation keeps up"));
        assert!(verdict(&scores(other, other, Some(0.95))).starts_with("A fresh draw does better"));
    }
}
