//! The caps. A configuration over any of them is refused, not clamped here
//! (the URL decoder clamps and says so). Plain numbers: own data's limits read them too.

pub(crate) const MAX_WEIGHTS: usize = 1_000_000;
pub(crate) const MAX_CONV_LAYERS: usize = 4;
pub(crate) const MAX_CHANNELS: usize = 64;
pub(crate) const MAX_LAYERS: usize = 6;
pub(crate) const MAX_WIDTH: usize = 1024;
pub(crate) const MAX_ROUNDS: usize = 30;
pub const MAX_STEPS: usize = 100_000;
/// Full batch on modular addition's training pairs (p = 113 at 30%: 3,831).
pub(crate) const MAX_BATCH: usize = 4096;
pub(crate) const MAX_SAMPLES_2D: usize = 10_000;
pub(crate) const MAX_SAMPLES_IMAGES: usize = 70_000;
pub(crate) const MAX_REPS: usize = 20;
/// The largest modulus of modular addition (Nanda et al.'s p = 113).
pub(crate) const MAX_MODULUS: usize = 113;
/// The modular MLP's embedding: the grokking-tickets paper's 500 fits.
pub(crate) const MAX_D_MODEL: usize = 512;
pub(crate) const MAX_HEADS: usize = 8;
pub(crate) const MAX_D_MLP: usize = 1024;
