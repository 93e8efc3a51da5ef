//! The same engine on native wgpu (Vulkan; lavapipe on a CPU-only machine,
//! installed by scripts/setup.sh) as on the CPU: same shapes, same pruning
//! counts, pruned weights zero, and the network learns. Numerics differ in
//! the last bits between backends, so masks are compared by counts.

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
        assert!((a.ticket.test_accuracy - b.ticket.test_accuracy).abs() < 0.1, "round {}: {} vs {}", a.round, a.ticket.test_accuracy, b.ticket.test_accuracy);
    }
}
