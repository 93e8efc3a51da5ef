//! One folder per task's own views: what the page draws of a classifier (the
//! network, its decision regions, its data), of modular addition (the
//! transformer, its grokking curves, its circuit), of a policy (the cart and
//! pole, its returns) and of a GAN (its points and the discriminator).

pub mod classifier;
pub mod gan;
pub mod modular;
pub mod policy;
pub mod regression;
