//! What the lottery prunes: host weights θ, one tensor per prunable part with
//! its shape and role ([`model::Weights`]), and the networks that train θ ⊙ m
//! on a device: the classifier ([`model::MaskedNet`]) and the transformer of
//! modular addition ([`transformer`]), under one [`model::Network`].

pub mod model;
pub mod transformer;
