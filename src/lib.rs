//! Lottery Ticket Lab: the engine (native and wasm), the URL form of its
//! configuration, and, on wasm32, the page.

pub mod engine;
pub mod url;
pub mod worker;

/// Sweeps over many runs: local pool, Slurm job arrays, merging (native only).
#[cfg(not(target_arch = "wasm32"))]
pub mod sweep;

/// `lottery run --page-exact`: the page's own module under Node.js (native only).
#[cfg(not(target_arch = "wasm32"))]
pub mod page_exact;

#[cfg(target_arch = "wasm32")]
pub mod ui;
