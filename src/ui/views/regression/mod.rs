//! A regression's own view: the ticket's output over the plane, as TensorFlow Playground draws a regression
//! (orange where it predicts −1, blue where +1), under the test points coloured by their target's sign. The
//! plane, its cells and its points are the classifier's decision view's ([`super::classifier::network_view`]);
//! what a cell shows and what the caption says are here.

use crate::engine::Weights;

/// A cell's shade at (x, y): the network's output from −1 to +1, as 0..1 on the decision palette
/// ([`crate::ui::drawing::palette::region`]: 0 orange, 1 blue); beyond ±1 it stays at the end colour.
pub fn output_shade(weights: &Weights, x: f32, y: f32) -> f64 {
    ((f64::from(weights.forward(&[x, y])[0]) + 1.0) / 2.0).clamp(0.0, 1.0)
}

/// The plot's caption for the round `round` ticket, while it trains or after.
pub fn caption(round: usize, training: bool) -> String {
    let when = if training { "as it trains" } else { "after training" };
    format!(
        "The value the round {round} ticket predicts over the plane {when}, orange −1 to blue +1 (test points on top)"
    )
}
