//! Timing the ticket's two ways to run on this page's CPU: the dense product over every weight (pruned ones
//! included, as a dense file holds them) and the sparse kernel ([`SparseMlp`]) over the survivors. A time is the
//! page's clock over repeated passes, never assumed; the pad times the input drawn, [`time_rounds`] every round's
//! ticket on one fixed input.

use crate::engine::Weights;
use crate::engine::networks::sparse::SparseMlp;
use crate::ui::run::trained_ticket::TrainedTicket;
use crate::worker::global::now_ms;

/// How long the passes of one timing last at least, in ms (the page's clock ticks in 0.1 ms or coarser).
pub const TIMING_MS: f64 = 30.0;
/// The most passes one timing runs.
const MOST_PASSES: usize = 100_000;

/// Microseconds per call of `pass`, repeated until [`TIMING_MS`] have gone by.
pub fn micros_per_pass(mut pass: impl FnMut()) -> f64 {
    let start = now_ms();
    let mut passes = 0usize;
    while passes < MOST_PASSES && (passes == 0 || now_ms() - start < TIMING_MS) {
        pass();
        passes += 1;
    }
    (now_ms() - start) * 1_000.0 / passes as f64
}

/// How a network runs: the dense product over every weight, or the sparse kernel.
pub enum Kernel<'a> {
    /// θ ⊙ m as a dense matrix (the files and reports hold pruned weights at zero).
    Dense(&'a Weights),
    Sparse(SparseMlp),
}

impl Kernel<'_> {
    /// One input's outputs.
    pub fn logits(&self, x: &[f32]) -> Vec<f32> {
        match self {
            Kernel::Dense(w) => w.forward(x),
            Kernel::Sparse(s) => s.forward(x, 1),
        }
    }

    /// Microseconds per pass over `x`.
    pub fn time(&self, x: &[f32]) -> f64 {
        micros_per_pass(|| {
            std::hint::black_box(self.logits(std::hint::black_box(x)));
        })
    }
}

/// One round's ticket timed both ways on the same input.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundSpeed {
    pub round: usize,
    /// Share of weights kept, 0..1.
    pub remaining: f64,
    /// µs per input through the dense product (its pruned weights as zeros).
    pub dense_us: f64,
    /// µs per input through the sparse kernel.
    pub sparse_us: f64,
}

/// The input every round is timed on: `features` values in 0.05..1, none zero, so neither kernel skips an input
/// (a drawing's blank pixels would flatter both alike).
pub fn timing_input(features: usize) -> Vec<f32> {
    const LEVELS: usize = 20;
    (0..features).map(|i| ((i * 7) % LEVELS + 1) as f32 / LEVELS as f32).collect()
}

/// Each ticket (an MLP the sparse kernel runs) timed both ways, in round order.
pub fn time_rounds(tickets: &[TrainedTicket]) -> Vec<RoundSpeed> {
    tickets
        .iter()
        .filter_map(|t| {
            let sparse = SparseMlp::of(&t.weights, &t.mask).ok()?;
            let x = timing_input(t.weights.layers.first()?.fan_in);
            let dense_us = Kernel::Dense(&t.weights).time(&x);
            let sparse_us = Kernel::Sparse(sparse).time(&x);
            Some(RoundSpeed { round: t.round, remaining: t.remaining, dense_us, sparse_us })
        })
        .collect()
}

/// The break-even: the largest share of weights from which the sparse kernel is faster in that round and every
/// sparser one; None if the sparsest round is not faster.
pub fn break_even(speeds: &[RoundSpeed]) -> Option<f64> {
    let mut by_sparsity: Vec<&RoundSpeed> = speeds.iter().collect();
    by_sparsity.sort_by(|a, b| a.remaining.total_cmp(&b.remaining));
    by_sparsity.iter().take_while(|s| s.sparse_us < s.dense_us).last().map(|s| s.remaining)
}
