//! Helpers shared by the native tests.
#![allow(dead_code)]

use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::{self, Dataset, device};

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

pub fn cpu() -> burn::tensor::Device {
    device::cpu()
}

/// A small 2D experiment that trains in well under a second per round.
pub fn tiny(seed: u64) -> ExperimentConfig {
    let mut c = engine::preset("xor-tiny").unwrap();
    c.seed = seed;
    c
}

pub fn dataset(c: &ExperimentConfig) -> Dataset {
    engine::load_dataset(c, std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/data").as_path()).unwrap()
}
