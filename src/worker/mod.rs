//! The engine's home in the browser: dedicated Web Workers, so training never
//! blocks the page. `protocol` is the messages (both targets: tested
//! natively); on wasm32, `entry` listens in a worker (`src/bin/engine.rs`),
//! `session` trains one replicate, `backend` picks WebGPU or the CPU,
//! `source` loads the data, and `global` is what the page and a worker both
//! reach (clock, fetch). The page's side is `ui::run::runner`.

pub mod assembly;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod backend;
#[cfg(target_arch = "wasm32")]
pub mod entry;
#[cfg(target_arch = "wasm32")]
pub mod global;
#[cfg(target_arch = "wasm32")]
pub(crate) mod session;
#[cfg(target_arch = "wasm32")]
pub mod source;
