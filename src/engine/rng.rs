//! Seeded, portable random streams.
//!
//! Every random choice of an experiment (data, initial weights, batch order,
//! controls) draws from its own ChaCha8 stream derived from the one seed, so a
//! run is the same on wasm32 and x86_64, and changing one knob (say, the batch
//! order) does not shift the numbers another part draws.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::engine::math;

/// What a stream is for. The discriminant is part of the reproducibility
/// contract: never renumber.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Data = 1,
    Split = 2,
    Init = 3,
    Order = 4,
    /// Reserved: no stream draws from it now, and its number is never given to another.
    #[allow(dead_code)]
    Reinit = 5,
    RandomMask = 6,
    Snip = 7,
    /// Where an environment's episodes start (RL tasks).
    Episode = 8,
    /// The actions an RL policy samples while it trains.
    Action = 9,
    /// A generator's noise (GAN tasks).
    Noise = 10,
    /// The shuffled control's permutation of θ0's surviving values.
    Shuffle = 11,
}

/// A random stream for `purpose`, further split by `index` (e.g. the round).
pub fn stream(seed: u64, purpose: Stream, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((purpose as u64) << 32) | (index & 0xffff_ffff));
    rng
}

/// Uniform in [lo, hi).
pub fn uniform(rng: &mut impl RngCore, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// Standard normal (Box–Muller; f64 throughout and libm's ln and cos, so it is portable: the same draws natively
/// and in the page).
pub(crate) fn normal(rng: &mut impl RngCore) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // (0, 1]
    let u2 = rng.random::<f64>();
    (-2.0 * math::ln(u1)).sqrt() * math::cos(std::f64::consts::TAU * u2)
}

/// An index in 0..n drawn with 32-bit arithmetic, the same on every target.
pub fn index(rng: &mut impl RngCore, n: usize) -> usize {
    debug_assert!(n > 0 && n <= u32::MAX as usize);
    rng.random_range(0..n as u32) as usize
}

/// Fisher–Yates shuffle with [`index`], portable across targets.
pub fn shuffle<T>(rng: &mut impl RngCore, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = index(rng, i + 1);
        items.swap(i, j);
    }
}
