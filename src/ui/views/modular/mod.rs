//! Modular addition's views: the transformer drawn part by part, the grokking
//! curves, and what the trained network computes with (its circuit).

pub mod circuit_view;
pub mod grokking;
pub mod transformer_view;
