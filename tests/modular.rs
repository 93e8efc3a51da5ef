//! Modular addition on the engine: the transformer keeps the science's
//! invariants (pruned weights exactly zero under AdamW with weight decay,
//! upload and readback bit-exact, the same seed the same ticket), computes
//! what it says it computes, and its reports say when each network fit its
//! training pairs and when it generalised.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::{ExperimentConfig, ModularArch, TransformerConfig};
use lottery_ticket_lab::engine::lottery::mask::Mask;
use lottery_ticket_lab::engine::lottery::train::TrainRun;
use lottery_ticket_lab::engine::networks::{shapes::Role, weights::Weights};
use lottery_ticket_lab::engine::tasks::modular;
use lottery_ticket_lab::engine::{Experiment, Task, preset};

/// The modular preset with a transformer at a size that trains in a moment: p = 11, width 8, 2 heads, lr 0.01,
/// the mask from the end of training, the random reinit and random mask as controls.
fn small(seed: u64) -> ExperimentConfig {
    let mut c = preset("modular").unwrap();
    c.seed = seed;
    c.data.modulus = 11;
    c.model.transformer = TransformerConfig { d_model: 8, heads: 2, d_mlp: 16, ..TransformerConfig::default() };
    c.train.lr = 0.01;
    c.train.steps = 30;
    c.train.eval_every = 10;
    c.prune.rounds = 1;
    c.prune.mask_at = 0;
    (c.prune.control_norm_l1, c.prune.control_norm_l2) = (false, false);
    c
}

/// The grokking-tickets paper's MLP at a size that trains in a moment: p = 11, embeddings 24 wide, 6 hidden units.
fn small_mlp(seed: u64) -> ExperimentConfig {
    let mut c = small(seed);
    c.model.transformer = TransformerConfig { arch: ModularArch::Mlp, d_model: 24, heads: 1, d_mlp: 6 };
    c
}

#[test]
fn pruned_weights_stay_zero_under_adamw_with_weight_decay() {
    for c in [small(3), small_mlp(3)] {
        pruned_weights_stay_zero(&c);
    }
}

fn pruned_weights_stay_zero(c: &ExperimentConfig) {
    let c = c.clone();
    assert_eq!(c.train.weight_decay, 1.0, "the preset decays weights");
    let data = dataset(&c);
    let mask = half_mask(&c, 9);
    let theta0 = Weights::theta0(&c);
    let device = cpu().autodiff();
    let mut run = TrainRun::new(&c, &theta0, &mask, 0, 25, c.seed, &device);
    for step in 1..=25 {
        block_on(run.step(&data)).unwrap();
        assert_pruned_zero(&block_on(run.model().to_weights()).unwrap(), &mask, step);
    }
    let trained = block_on(run.model().to_weights()).unwrap();
    for (after, before) in trained.layers.iter().zip(&theta0.layers) {
        assert_ne!(after.w, before.w, "{:?}: the survivors should train", after.role);
    }
}

#[test]
fn upload_and_readback_are_bit_exact() {
    let c = small(5);
    let theta0 = Weights::theta0(&c);
    let roles: Vec<Role> = theta0.layers.iter().map(|l| l.role).collect();
    assert_eq!(roles.len(), 9);
    assert_eq!((roles[0], roles[8]), (Role::Embedding, Role::Unembedding));
    let mask = half_mask(&c, 1);
    let back = block_on(Task::of(&c).network(&theta0, &mask, &cpu()).to_weights()).unwrap();
    assert_eq!(back, theta0.masked(&mask));
}

/// Row-major `[n, k] · [k, m]` on the host.
fn matmul(a: &[f32], b: &[f32], n: usize, k: usize, m: usize) -> Vec<f32> {
    let mut out = vec![0.0; n * m];
    for i in 0..n {
        for j in 0..k {
            for c in 0..m {
                out[i * m + c] += a[i * k + j] * b[j * m + c];
            }
        }
    }
    out
}

/// The paper's MLP: its four matrices, without biases, each drawn N(0, 1/fan_in) (the embedding's std 1/√p), and
/// on the device it computes what it is written out to compute here for every pair: a's and b's embedding rows,
/// each through the input projection, summed, ReLU, the output projection, the unembedding.
#[test]
fn the_paper_s_mlp_computes_what_it_is_written_out_to_compute() {
    let c = small_mlp(5);
    let p = c.data.modulus;
    let w = Weights::theta0(&c);
    let parts: Vec<(Role, usize, usize, usize)> =
        w.layers.iter().map(|l| (l.role, l.fan_in, l.fan_out, l.b.len())).collect();
    let roles = [Role::Embedding, Role::HiddenIn, Role::HiddenOut, Role::Unembedding];
    assert_eq!(parts, vec![(roles[0], p, 24, 0), (roles[1], 24, 6, 0), (roles[2], 6, 24, 0), (roles[3], 24, p, 0)]);
    for l in &w.layers {
        let sd = (l.w.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / l.w.len() as f64).sqrt();
        let want = 1.0 / (l.fan_in as f64).sqrt();
        assert!((sd / want - 1.0).abs() < 0.2, "{:?}: sd {sd:.3}, N(0, 1/fan_in) has {want:.3}", l.role);
    }
    let net = Task::of(&c).network(&w, &Mask::dense(&c.shapes()), &cpu());
    let samples = modular::samples(p);
    let x = burn::tensor::Tensor::<2>::from_data(burn::tensor::TensorData::new(samples.x, [p * p, 2 * p]), &cpu());
    let logits = block_on(lottery_ticket_lab::engine::read_f32(net.forward(x))).unwrap();
    let (e, w_in, w_out, u) = (&w.layers[0].w, &w.layers[1].w, &w.layers[2].w, &w.layers[3].w);
    for a in 0..p {
        for b in 0..p {
            let project = |t: usize| matmul(&e[t * 24..(t + 1) * 24], w_in, 1, 24, 6);
            let hidden: Vec<f32> = project(a).iter().zip(project(b)).map(|(x, y)| (x + y).max(0.0)).collect();
            let want = matmul(&matmul(&hidden, w_out, 1, 6, 24), u, 1, 24, p);
            let got = &logits[(a * p + b) * p..(a * p + b + 1) * p];
            for (g, h) in got.iter().zip(&want) {
                assert!((g - h).abs() < 1e-4, "pair ({a}, {b}): device {g}, by hand {h}");
            }
        }
    }
    let back = block_on(net.to_weights()).unwrap();
    assert_eq!(back, w, "upload and readback are bit-exact");
}

/// The transformer written out by hand for one pair: the device's logits must match it.
fn host_logits(w: &Weights, heads: usize, p: usize, a: usize, b: usize) -> Vec<f32> {
    let d = w.layers[0].fan_out;
    let dh = d / heads;
    let row = |l: usize, r: usize| w.layers[l].w[r * d..(r + 1) * d].to_vec();
    let add = |x: Vec<f32>, y: Vec<f32>| x.iter().zip(&y).map(|(u, v)| u + v).collect::<Vec<f32>>();
    let stream = [add(row(0, a), row(1, 0)), add(row(0, b), row(1, 1)), add(row(0, p), row(1, 2))];
    let project = |x: &[f32], l: usize| matmul(x, &w.layers[l].w, 1, d, d);
    let q = project(&stream[2], 2);
    let keys: Vec<Vec<f32>> = stream.iter().map(|x| project(x, 3)).collect();
    let values: Vec<Vec<f32>> = stream.iter().map(|x| project(x, 4)).collect();
    let mut context = vec![0.0; d];
    for h in 0..heads {
        let cols = h * dh..(h + 1) * dh;
        let scores: Vec<f32> =
            keys.iter().map(|k| cols.clone().map(|c| q[c] * k[c]).sum::<f32>() / (dh as f32).sqrt()).collect();
        let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = scores.iter().map(|s| (s - max).exp()).collect();
        let sum: f32 = e.iter().sum();
        for (pos, v) in values.iter().enumerate() {
            for c in cols.clone() {
                context[c] += e[pos] / sum * v[c];
            }
        }
    }
    let resid = add(matmul(&context, &w.layers[5].w, 1, d, d), stream[2].clone());
    let (mlp_in, mlp_out) = (&w.layers[6], &w.layers[7]);
    let hidden: Vec<f32> = add(matmul(&resid, &mlp_in.w, 1, d, mlp_in.fan_out), mlp_in.b.clone())
        .into_iter()
        .map(|v| v.max(0.0))
        .collect();
    let resid = add(resid, add(matmul(&hidden, &mlp_out.w, 1, mlp_in.fan_out, d), mlp_out.b.clone()));
    matmul(&resid, &w.layers[8].w, 1, d, p)
}

#[test]
fn the_device_computes_the_transformer_written_out_by_hand() {
    let c = small(7);
    let p = c.data.modulus;
    let mut theta = Weights::theta0(&c);
    for (i, l) in theta.layers.iter_mut().enumerate() {
        l.b.iter_mut().enumerate().for_each(|(j, b)| *b = 0.01 * (i + j) as f32); // biases in play too
    }
    let dense = Mask::dense(&c.shapes());
    let heads = c.model.transformer.heads;
    let net = Task::of(&c).network(&theta, &dense, &cpu());
    let samples = modular::samples(p);
    let x =
        burn::tensor::Tensor::<2>::from_data(burn::tensor::TensorData::new(samples.x.clone(), [p * p, 2 * p]), &cpu());
    let logits = block_on(lottery_ticket_lab::engine::read_f32(net.forward(x))).unwrap();
    for (a, b) in [(0, 0), (3, 7), (10, 10), (6, 2)] {
        let want = host_logits(&theta, heads, p, a, b);
        let got = &logits[(a * p + b) * p..(a * p + b + 1) * p];
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-4, "pair ({a}, {b}): device {g}, by hand {w}");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_ticket_and_reports_when_it_generalised() {
    let report = assert_same_seed_same_report(small, 2, 3);
    for round in report["rounds"].as_array().unwrap() {
        let ticket = &round["ticket"];
        let curve = ticket["curve"].as_array().unwrap();
        assert!(curve.iter().all(|p| p["train_accuracy"].is_number()), "each evaluation measures train accuracy");
        // The milestones, read off the curve here: the first evaluation at ≥ 95% test (generalised) and at ≥ 95%
        // train (memorised, the grokking-tickets paper's t_mem), null when none is.
        let first = |key: &str, at_least: f64| {
            curve.iter().find(|p| p[key].as_f64().unwrap() >= at_least).map(|p| p["iteration"].as_u64().unwrap())
        };
        let r = &round["round"];
        assert_eq!(ticket["steps_to_generalise"].as_u64(), first("test_accuracy", 0.95), "round {r}");
        assert!(ticket["steps_to_generalise"].is_u64() || ticket["steps_to_generalise"].is_null(), "round {r}");
        assert_eq!(ticket["steps_to_fit"].as_u64(), first("train_accuracy", 0.95), "round {r}");
        assert!(ticket["steps_to_fit"].is_u64() || ticket["steps_to_fit"].is_null(), "round {r}");
        let last = curve.last().unwrap();
        assert_eq!(ticket["test_accuracy"], last["test_accuracy"], "round {r}: the end's test accuracy");
    }
}

#[test]
fn a_classifier_report_has_none_of_the_task_s_scores() {
    let c = tiny(1);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let json = serde_json::to_string(&e.report("cpu")).unwrap();
    for key in ["steps_to_generalise", "steps_to_fit", "circuit", "\"role\"", "modulus", "transformer", "weight_decay"]
    {
        assert!(!json.contains(key), "a classifier's report does not mention {key}");
    }
}

#[test]
fn the_transformer_fits_its_training_pairs() {
    let mut c = small(1);
    c.model.transformer = TransformerConfig { d_model: 16, heads: 2, d_mlp: 32, ..TransformerConfig::default() };
    c.train.steps = 300;
    c.train.eval_every = 50;
    c.prune.rounds = 0;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(100, |_| {})).unwrap();
    let ticket = &e.reports()[0].ticket;
    assert_eq!(ticket.train_accuracy, Some(1.0), "AdamW fits the {} training pairs", dataset(&c).train.len());
    assert!(ticket.score.steps_to_fit.flatten().is_some());
}

/// The modular preset shows the grokking-tickets paper's effect on seed 1 (its sweep: seeds 1-10, README "The
/// paper's own setup"): the dense network groks (generalises at least twice as late as it memorises) and the
/// ticket, its mask from step 1,500, generalises in at most half the dense network's steps. The controls are left
/// out (about 20 s in release for the two networks).
#[test]
fn the_modular_preset_s_ticket_generalises_in_half_the_dense_network_s_steps() {
    const GROKKING_DELAY: usize = 2;
    let mut c = preset("modular").unwrap();
    c.prune.control_reinit = false;
    (c.prune.control_random, c.prune.control_norm_l1, c.prune.control_norm_l2) = (false, false, false);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(500, |_| {})).unwrap();
    let [dense, ticket] = [0, 1].map(|r| {
        let curve = &e.reports()[r].ticket.curve;
        (modular::steps_to_fit(curve).expect("memorises"), modular::steps_to_generalise(curve).expect("generalises"))
    });
    let (memorised, generalised) = dense;
    assert!(generalised >= GROKKING_DELAY * memorised, "dense: memorises at {memorised}, generalises at {generalised}");
    assert!(2 * ticket.1 <= dense.1, "the ticket generalises at {}, the dense network at {}", ticket.1, dense.1);
}

#[test]
fn a_ticket_file_reads_back_and_goes_on_to_the_same_report() {
    let c = small(6);
    let data = dataset(&c);
    let mut whole = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    block_on(whole.run_to_end(7, |_| {})).unwrap();
    let mut first = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    while first.reports().is_empty() {
        block_on(first.advance(7)).unwrap();
    }
    let file = first.checkpoint("cpu").to_json();
    assert!(file.contains("\"embedding\""), "the trained transformer's parts are named in the file");
    let restored = lottery_ticket_lab::engine::Checkpoint::from_json(&file).unwrap();
    let mut resumed = Experiment::resume(restored, data, &cpu()).unwrap();
    block_on(resumed.run_to_end(7, |_| {})).unwrap();
    assert_eq!(
        serde_json::to_string(&resumed.report("cpu")).unwrap(),
        serde_json::to_string(&whole.report("cpu")).unwrap(),
        "going on from the file gives the uninterrupted run's report"
    );
}

#[test]
fn the_circuit_reads_an_embedding_s_frequency_and_where_equals_attends() {
    use lottery_ticket_lab::engine::tasks::circuit::Circuit;
    let c = small(8);
    let p = c.data.modulus;
    let mut w = Weights::theta0(&c);
    let d = w.layers[0].fan_out;
    for t in 0..=p {
        for col in 0..d {
            // Numbers on the circle of frequency 3 in the first two columns, nothing elsewhere.
            let angle = 2.0 * std::f32::consts::PI * (3 * t) as f32 / p as f32;
            w.layers[0].w[t * d + col] = match col {
                0 if t < p => angle.cos(),
                1 if t < p => angle.sin(),
                _ => 0.0,
            };
        }
    }
    let circuit = Circuit::read(&w, c.model.transformer.heads).unwrap();
    assert_eq!(circuit.spectrum.len(), p / 2);
    let (k, share) = circuit.top_frequency().unwrap();
    assert_eq!(k, 3);
    assert!(share > 0.999, "a pure frequency holds all the power: {share}");
    assert_eq!(circuit.attention.len(), c.model.transformer.heads);
    for head in &circuit.attention {
        assert!((head.iter().sum::<f64>() - 1.0).abs() < 1e-9, "attention sums to 1: {head:?}");
    }
    // The MLP's embedding has a row per number (no "="): frequency 2 on its circle, no attention.
    let m = small_mlp(8);
    let mut w = Weights::theta0(&m);
    let d = w.layers[0].fan_out;
    assert_eq!(w.layers[0].fan_in, p, "the MLP embeds the p numbers");
    for t in 0..p {
        let angle = 2.0 * std::f32::consts::PI * (2 * t) as f32 / p as f32;
        for col in 0..d {
            w.layers[0].w[t * d + col] = if col % 2 == 0 { angle.cos() } else { angle.sin() } * (col + 1) as f32;
        }
    }
    let circuit = Circuit::read(&w, m.model.transformer.heads).unwrap();
    let (k, share) = circuit.top_frequency().unwrap();
    assert_eq!((circuit.spectrum.len(), k, circuit.attention.len()), (p / 2, 2, 0));
    assert!(share > 0.999, "a pure frequency holds all the power: {share}");
    for c in [c, m] {
        let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
        block_on(e.run_to_end(10, |_| {})).unwrap();
        let last = e.reports().last().unwrap();
        for run in [Some(&last.ticket), last.reinit.as_ref(), last.random_mask.as_ref()].into_iter().flatten() {
            assert!(run.score.circuit.is_some(), "every modular run reads its circuit");
        }
    }
}

/// The k largest |w| over every matrix (one global threshold, ties to the earlier weight), counted here.
fn top_k_by_hand(w: &Weights, keep: usize) -> Vec<Vec<bool>> {
    let mut all: Vec<(f32, usize, usize)> = w
        .layers
        .iter()
        .enumerate()
        .flat_map(|(l, layer)| layer.w.iter().enumerate().map(move |(i, v)| (v.abs(), l, i)))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let mut kept: Vec<Vec<bool>> = w.layers.iter().map(|l| vec![false; l.w.len()]).collect();
    for &(_, l, i) in all.iter().take(keep) {
        kept[l][i] = true;
    }
    kept
}

/// `maskat`: the round's mask is drawn from the dense network's weights at that step, not at its end. The weights
/// at step 12 come from a run of 12 steps here (the same seed and batches), pruned by one global magnitude
/// threshold counted here; the mask from the end of the run (30 steps) differs.
#[test]
fn the_mask_is_drawn_at_maskat() {
    let mut c = small_mlp(4);
    c.prune.mask_at = 12;
    c.prune.control_random = false;
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    block_on(e.run_to_end(1_000, |_| {})).unwrap();
    let mask = &e.reports()[1].mask;
    let device = cpu().autodiff();
    let theta0 = Weights::theta0(&c);
    let dense = Mask::dense(&c.shapes());
    let mut at = TrainRun::new(&c, &theta0, &dense, 0, c.prune.mask_at, c.seed, &device);
    block_on(at.advance(&data, c.prune.mask_at)).unwrap();
    let at_step = block_on(at.model().to_weights()).unwrap();
    let kept: Vec<Vec<bool>> = mask.layers.iter().map(|l| l.keep.clone()).collect();
    assert_eq!(kept, top_k_by_hand(&at_step, mask.remaining()), "the mask of the weights at step 12");
    let trained = e.reports()[0].trained.clone().expect("a small network keeps its trained weights");
    assert_ne!(kept, top_k_by_hand(&trained, mask.remaining()), "not the mask of the weights at the end");
}

/// The norm-matched dense controls start from θ0 scaled so that their L1 (L2) norm is the ticket's θ0 ⊙ m's,
/// summed here; every weight is kept and trains, and none was pruned.
#[test]
fn the_norm_matched_dense_networks_start_at_the_ticket_s_norms() {
    use lottery_ticket_lab::engine::lottery::norm_matched::{self, Norm};
    let c = small_mlp(6);
    let theta0 = Weights::theta0(&c);
    let mask = half_mask(&c, 2);
    let values = |w: &Weights| w.layers.iter().flat_map(|l| l.w.clone()).map(f64::from).collect::<Vec<f64>>();
    let kept: Vec<f64> = theta0
        .layers
        .iter()
        .zip(&mask.layers)
        .flat_map(|(l, m)| l.w.iter().zip(&m.keep).filter(|(_, k)| **k).map(|(v, _)| f64::from(*v)))
        .collect();
    let l1 = |v: &[f64]| v.iter().map(|x| x.abs()).sum::<f64>();
    let l2 = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    for (which, f) in [(Norm::L1, l1 as fn(&[f64]) -> f64), (Norm::L2, l2)] {
        let scaled = norm_matched::scaled(&theta0, &mask, which);
        let (got, want) = (f(&values(&scaled)), f(&kept));
        assert!((got / want - 1.0).abs() < 1e-6, "{which:?}: the dense start's norm {got}, the ticket's {want}");
        assert!(values(&scaled).iter().all(|v| *v != 0.0), "{which:?}: every weight kept");
    }
    let mut c = c;
    (c.prune.control_norm_l1, c.prune.control_norm_l2, c.prune.control_random) = (true, true, false);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(1_000, |_| {})).unwrap();
    let round = &e.reports()[1];
    assert!(round.norm_l1.is_some() && round.norm_l2.is_some(), "both trained in the pruned round");
    assert!(e.reports()[0].norm_l1.is_none(), "round 0 trains the dense network alone");
}

/// The AdamW the runs train with carries the papers' settings (β1 0.9, β2 0.98, ε 1e-8, not burn's defaults
/// β2 0.999, ε 1e-5), read back from the optimiser's configuration and seen in what five of its steps do to a
/// vector: the same as AdamW written out by hand (decoupled weight decay, bias-corrected moments).
#[test]
fn adamw_settings_reach_the_optimiser() {
    use burn::optim::Optimizer;
    use burn::tensor::{Tensor, TensorData};
    use lottery_ticket_lab::engine::lottery::train::adamw;

    let preset = preset("modular").unwrap();
    let config = adamw(preset.train.weight_decay);
    let read = serde_json::to_value(&config).unwrap();
    let field = |k: &str| read[k].as_f64().unwrap_or_else(|| panic!("{k} missing from {read}"));
    assert_eq!((field("beta_1"), field("beta_2")), (0.9f32 as f64, 0.98f32 as f64));
    assert_eq!((field("epsilon"), field("weight_decay")), (1e-8f32 as f64, 1.0));

    // One weight per gradient scale: a gradient of 1e-7 moves a weight by about lr with ε 1e-8, a tenth of that
    // with burn's 1e-5; gradients that change from step to step weigh β2.
    let w0 = [0.5f32, -0.25, 1.5, -2.0];
    let grads = |step: usize| {
        let t = step as f32;
        [1.0 + t, -3e-7 * (t + 1.0), 0.2 * (-1f32).powi(step as i32), 1e-7]
    };
    let (lr, steps) = (0.05f64, 5);
    let optim = config.build();
    let mut w = Tensor::<1>::from_data(TensorData::new(w0.to_vec(), [w0.len()]), &cpu());
    let mut state = None;
    for step in 0..steps {
        let g = Tensor::<1>::from_data(TensorData::new(grads(step).to_vec(), [w0.len()]), &cpu());
        (w, state) = optim.step(lr, w, g, state);
    }
    let got: Vec<f32> = w.into_data().try_to_vec::<f32>().unwrap();
    let by_hand = |beta_2: f64, epsilon: f64, decay: f64| -> Vec<f64> {
        (0..w0.len())
            .map(|i| {
                let (mut w, mut m, mut v) = (w0[i] as f64, 0.0, 0.0);
                for t in 1..=steps {
                    let g = grads(t - 1)[i] as f64;
                    w *= 1.0 - lr * decay;
                    m = 0.9 * m + 0.1 * g;
                    v = beta_2 * v + (1.0 - beta_2) * g * g;
                    let (m_hat, v_hat) = (m / (1.0 - 0.9f64.powi(t as i32)), v / (1.0 - beta_2.powi(t as i32)));
                    w -= lr * m_hat / (v_hat.sqrt() + epsilon);
                }
                w
            })
            .collect()
    };
    let close = |want: &[f64]| got.iter().zip(want).all(|(&g, &w)| (g as f64 - w).abs() <= 1e-5 * w.abs().max(1.0));
    let papers = by_hand(0.98, 1e-8, 1.0);
    assert!(close(&papers), "AdamW's steps {got:?} differ from the papers' AdamW by hand {papers:?}");
    for (what, other) in [("β2 0.999", by_hand(0.999, 1e-8, 1.0)), ("ε 1e-5", by_hand(0.98, 1e-5, 1.0))] {
        assert!(!close(&other), "the check cannot tell {what} from the papers' settings");
    }
}

/// Over replicates, t_mem (train ≥ 95%), t_gen (test ≥ 95%) and τ = t_gen / t_mem are read off each run's curve
/// (a stored milestone from an older threshold is not trusted), and their medians count "never" as last: five
/// replicates whose curves are written here with known milestones, the expected medians worked out by hand.
#[test]
fn replicates_read_t_mem_t_gen_and_tau_off_each_curve() {
    use lottery_ticket_lab::engine::RoundReport;
    use lottery_ticket_lab::engine::records::replicates;
    let report: serde_json::Value = serde_json::from_str(&report_json(&small(1))).unwrap();
    // (t_mem, t_gen): τ = 10, 3, never, 3, 3.
    let milestones = [(100, Some(1000)), (200, Some(600)), (100, None), (300, Some(900)), (100, Some(300))];
    let replicas: Vec<Vec<RoundReport>> = milestones
        .iter()
        .map(|&(t_mem, t_gen)| {
            let mut rounds = report["rounds"].clone();
            let ticket = &mut rounds[0]["ticket"];
            let curve: Vec<serde_json::Value> = (0..=1200)
                .step_by(100)
                .map(|i| {
                    let train = if i >= t_mem { 0.95 } else { 0.5 };
                    let test = if t_gen.is_some_and(|t| i >= t) { 0.95 } else { 0.1 };
                    serde_json::json!({"iteration": i, "train_loss": null, "val_loss": 1.0, "val_accuracy": test,
                        "test_accuracy": test, "train_accuracy": train})
                })
                .collect();
            ticket["curve"] = curve.into();
            ticket["steps_to_fit"] = 9999.into(); // as an older threshold stored it
            serde_json::from_value(rounds).unwrap()
        })
        .collect();
    let spread = &replicates::summarise(&replicas)[0].ticket;
    let milestone = |m: &Option<replicates::Milestone>| {
        let m = m.as_ref().unwrap();
        (m.median, m.first, m.last, m.reached, m.n)
    };
    assert_eq!(milestone(&spread.steps_to_fit), (Some(100.0), Some(100.0), Some(300.0), 5, 5));
    assert_eq!(milestone(&spread.steps_to_generalise), (Some(900.0), Some(300.0), Some(1000.0), 4, 5));
    assert_eq!(milestone(&spread.grokking_ratio), (Some(3.0), Some(3.0), Some(10.0), 4, 5));
}
