//! What the lottery prunes, floor by floor: the tensors' shapes and roles
//! ([`shapes`]), host weights θ ([`weights::Weights`]), the masked layers
//! ([`layers`]), and the networks that train θ ⊙ m on a device: the classifier
//! ([`model::MaskedNet`]) and the transformer of modular addition
//! ([`transformer`]) or the grokking-tickets paper's MLP ([`modular_mlp`]), under one [`model::Network`]; and
//! a ticket's MLP run as the sparse network it is, on the host ([`sparse`]).

pub mod layers;
pub mod model;
pub mod modular_mlp;
pub mod shapes;
pub mod sparse;
pub mod transformer;
pub mod weights;
