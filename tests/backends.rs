//! The same engine on native wgpu (Vulkan; lavapipe on a CPU-only machine,
//! installed by scripts/setup.sh) as on the CPU: same shapes, same pruning
//! counts, pruned weights zero, the network learns, and the first steps agree
//! to float tolerance. Numerics differ in the last bits between backends, so
//! whole runs' masks are compared by counts.

mod common;

use common::*;
use lottery_ticket_lab::engine::{Experiment, device};

#[test]
fn wgpu_backend_runs_the_same_experiment() {
    let device = match device::wgpu() {
        Ok(d) => d,
        Err(e) => panic!("no wgpu adapter ({e}); scripts/setup.sh installs mesa-vulkan-drivers for one"),
    };
    let mut c = tiny(4);
    c.prune.rounds = 2;
    let data = dataset(&c);
    let mut gpu = Experiment::new(c.clone(), data.clone(), &device).unwrap();
    block_on(gpu.run_to_end(30, |_| {})).unwrap();
    let mut cpu_run = Experiment::new(c, data, &cpu()).unwrap();
    block_on(cpu_run.run_to_end(30, |_| {})).unwrap();
    let (g, k) = (gpu.reports(), cpu_run.reports());
    assert_eq!(g.len(), 3);
    for (a, b) in g.iter().zip(k) {
        assert_eq!(a.remaining, b.remaining, "round {}", a.round);
        assert_eq!(a.layer_remaining, b.layer_remaining);
        let curve = &a.ticket.curve;
        assert!(curve.last().unwrap().val_loss < curve[0].val_loss, "round {} did not learn on wgpu", a.round);
    }
}

/// Two independent kernel sets compute the same steps: after each of the first SGD steps from θ0 ⊙ m, every
/// weight on wgpu is within 1e-5 (absolute) + 1e-4 (relative) of the CPU's. Later, last-bit differences grow
/// through training, so whole runs are compared by their pruning counts above, not their end accuracies.
#[test]
fn wgpu_and_cpu_steps_agree_to_float_tolerance() {
    use lottery_ticket_lab::engine::lottery::train::TrainRun;
    const STEPS: usize = 5;
    const ABSOLUTE: f32 = 1e-5;
    const RELATIVE: f32 = 1e-4;
    // Plain SGD: a step moves a weight by lr × its gradient, so gradients that agree give weights that agree (Adam's
    // first step moves by ±lr whatever the gradient's size, and a near-zero gradient's sign is last-bit noise).
    let c = plain_sgd(tiny(8));
    let data = dataset(&c);
    let theta0 = lottery_ticket_lab::engine::Weights::theta0(&c);
    let mask = half_mask(&c, 2);
    let start = theta0.masked(&mask);
    let mut on_gpu = TrainRun::new(&c, &start, &mask, 0, STEPS, c.seed, &wgpu().autodiff());
    let mut on_cpu = TrainRun::new(&c, &start, &mask, 0, STEPS, c.seed, &cpu().autodiff());
    let mut moved = false;
    for step in 1..=STEPS {
        block_on(on_gpu.step(&data)).unwrap();
        block_on(on_cpu.step(&data)).unwrap();
        let (g, k) = (block_on(on_gpu.model().to_weights()).unwrap(), block_on(on_cpu.model().to_weights()).unwrap());
        for (l, (gl, kl)) in g.layers.iter().zip(&k.layers).enumerate() {
            for (i, (&a, &b)) in gl.w.iter().chain(&gl.b).zip(kl.w.iter().chain(&kl.b)).enumerate() {
                assert!(
                    (a - b).abs() <= ABSOLUTE + RELATIVE * b.abs(),
                    "step {step}, layer {l}, value {i}: {a} vs {b}"
                );
            }
        }
        moved |= k != start;
    }
    assert!(moved, "the steps changed the weights");
}

fn wgpu() -> burn::tensor::Device {
    device::wgpu()
        .unwrap_or_else(|e| panic!("no wgpu adapter ({e}); scripts/setup.sh installs mesa-vulkan-drivers for one"))
}

/// The invariants hold on the fused wgpu backend too (burn's `fusion`
/// merges the step's element-wise chains, the mask's multiply included):
/// pruned weights are exactly zero after every Adam step, and an upload
/// reads back bit for bit.
#[test]
fn fused_wgpu_keeps_pruned_weights_exactly_zero() {
    use lottery_ticket_lab::engine::lottery::prune;
    use lottery_ticket_lab::engine::lottery::train::TrainRun;
    use lottery_ticket_lab::engine::networks::model::MaskedNet;
    let device = wgpu();
    let c = tiny(11);
    let data = dataset(&c);
    let shapes = c.shapes();
    let theta0 = lottery_ticket_lab::engine::Weights::theta0(&c);
    let dense = lottery_ticket_lab::engine::Mask::dense(&shapes);
    let keep: Vec<usize> = dense.layers.iter().map(|l| l.len() / 2).collect();
    let mask = prune::prune_magnitude(&theta0, &dense, &keep, c.prune.scope);
    let back = block_on(MaskedNet::new(&theta0, &mask, &device).to_weights()).unwrap();
    assert_eq!(back, theta0.masked(&mask), "upload and readback are bit-exact on wgpu");
    let autodiff = device.autodiff();
    let mut run = TrainRun::new(&c, &theta0.masked(&mask), &mask, 0, 12, c.seed, &autodiff);
    for step in 1..=12 {
        block_on(run.step(&data)).unwrap();
        let w = block_on(run.model().to_weights()).unwrap();
        for (l, (lw, m)) in w.layers.iter().zip(&mask.layers).enumerate() {
            for (i, (&v, &k)) in lw.w.iter().zip(&m.keep).enumerate() {
                assert!(
                    k || v.to_bits() & 0x7fff_ffff == 0,
                    "layer {l} weight {i} regrew to {v} after step {step} on wgpu"
                );
            }
        }
    }
}

/// The transformer of modular addition under AdamW with weight decay 1 on fused wgpu: pruned
/// weights are exactly zero after every step (the decay multiplies them, the masked gradient
/// leaves Adam's moments at zero).
#[test]
fn fused_wgpu_keeps_the_transformer_s_pruned_weights_exactly_zero() {
    use lottery_ticket_lab::engine::config::TransformerConfig;
    use lottery_ticket_lab::engine::lottery::prune;
    use lottery_ticket_lab::engine::lottery::train::TrainRun;
    let device = wgpu();
    let mut c = lottery_ticket_lab::engine::preset("modular").unwrap();
    c.data.modulus = 7;
    c.model.transformer = TransformerConfig { d_model: 8, heads: 2, d_mlp: 16, ..TransformerConfig::default() };
    let data = dataset(&c);
    let theta0 = lottery_ticket_lab::engine::Weights::theta0(&c);
    let dense = lottery_ticket_lab::engine::Mask::dense(&c.shapes());
    let keep: Vec<usize> = dense.layers.iter().map(|l| l.len() / 2).collect();
    let mask = prune::prune_magnitude(&theta0, &dense, &keep, c.prune.scope);
    let mut run = TrainRun::new(&c, &theta0.masked(&mask), &mask, 0, 10, c.seed, &device.autodiff());
    for step in 1..=10 {
        block_on(run.step(&data)).unwrap();
        assert_pruned_zero(&block_on(run.model().to_weights()).unwrap(), &mask, step);
    }
}

/// The same seed and configuration give the same ticket on one backend.
#[test]
fn fused_wgpu_gives_the_same_ticket_twice() {
    let device = wgpu();
    let mut c = tiny(6);
    c.prune.rounds = 1;
    let data = dataset(&c);
    let run = || {
        let mut e = Experiment::new(c.clone(), data.clone(), &device).unwrap();
        block_on(e.run_to_end(25, |_| {})).unwrap();
        e.reports().iter().map(|r| r.mask.clone()).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

/// `backend=auto`'s probe: a few timed steps of the real network on a device.
#[test]
fn speed_probe_times_both_devices() {
    use lottery_ticket_lab::engine::speed_probe;
    let c = lottery_ticket_lab::engine::preset("spiral").unwrap();
    let data = dataset(&c);
    let start = std::time::Instant::now();
    let clock = move || start.elapsed().as_secs_f64() * 1000.0;
    for device in [cpu(), wgpu()] {
        let s = block_on(speed_probe::measure(&c, &data, &device, &clock)).unwrap();
        assert!(s.ms_per_step.is_finite() && s.ms_per_step > 0.0, "{s:?}");
        assert!(s.steps.is_power_of_two() && s.probe_ms >= s.ms_per_step, "blocks double from one step: {s:?}");
    }
}
