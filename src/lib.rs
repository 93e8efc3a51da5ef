//! Lottery Ticket Lab: the engine (native and wasm), the URL form of its
//! configuration, and, on wasm32, the page.

pub mod engine;
pub mod url;
pub mod worker;

/// Sweeps over many runs: local pool, Slurm job arrays, merging (native only).
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;

#[cfg(target_arch = "wasm32")]
pub mod ui;
