//! Lottery Ticket Lab: the engine (native and wasm), the URL form of its
//! configuration, and, on wasm32, the page.

pub mod engine;
pub mod url;

#[cfg(target_arch = "wasm32")]
pub mod ui;
