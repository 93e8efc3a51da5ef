//! The target of the GAN task: a mixture of round Gaussians on the plane
//! (PacGAN's ring of 8 and grid of 25), how a batch of generated points covers
//! it (PacGAN's modes covered and high-quality share), and the widths of the
//! generator's noise and points. Plain numbers and arithmetic: the datasets'
//! widths and the page's drawing read them without the learner.

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::engine::{math, rng};

/// The generator's noise: two standard normals, so G warps the plane (GAN Lab's view).
pub(crate) const NOISE_DIM: usize = 2;
/// A generated point: x and y.
pub const POINT_DIM: usize = 2;
/// The modes' standard deviation. PacGAN's are 0.01 (ring) and 0.05 (grid); at a browser's scale (a few thousand
/// steps of a 64-wide generator) the ring's 0.01 would count nearly every point as low quality, so both use 0.05:
/// high quality is then within 0.15 of a mode, a fifth of the ring's mode spacing (0.77) and under a tenth of the
/// grid's (2).
pub(crate) const RING_SIGMA: f64 = 0.05;
pub(crate) const GRID_SIGMA: f64 = 0.05;
/// How far past the outermost mode the drawn plane reaches, in σ… and at least this far (plane units).
const VIEW_MARGIN: f64 = 0.5;
/// Standard deviations from its nearest mode within which a point is high quality.
pub(crate) const QUALITY_SIGMAS: f64 = 3.0;
/// The ring: 8 modes on the unit circle at angles 2πk/8 (k = 0..8, not `linspace(0, 2π, 8)`, which repeats one).
pub const RING_MODES: usize = 8;
pub(crate) const RING_RADIUS: f64 = 1.0;
/// The grid: 25 modes at {−4, −2, 0, 2, 4}².
pub(crate) const GRID_SIDE: usize = 5;
pub(crate) const GRID_SPACING: f64 = 2.0;

/// A mixture of equal, round Gaussians: the target distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    pub means: Vec<[f64; 2]>,
    pub sigma: f64,
}

impl Mixture {
    pub fn ring(sigma: f64) -> Self {
        let means = (0..RING_MODES)
            .map(|k| {
                let angle = std::f64::consts::TAU * k as f64 / RING_MODES as f64;
                [RING_RADIUS * math::cos(angle), RING_RADIUS * math::sin(angle)]
            })
            .collect();
        Self { means, sigma }
    }

    pub fn grid(sigma: f64) -> Self {
        let half = (GRID_SIDE / 2) as f64;
        let at = |i: usize| (i as f64 - half) * GRID_SPACING;
        let means = (0..GRID_SIDE * GRID_SIDE).map(|k| [at(k / GRID_SIDE), at(k % GRID_SIDE)]).collect();
        Self { means, sigma }
    }

    /// Half the side of the square the page draws, centred on the origin: the modes and a margin.
    pub(crate) fn view_half_width(&self) -> f64 {
        let far = self.means.iter().map(|m| m[0].abs().max(m[1].abs())).fold(0.0, f64::max);
        far + VIEW_MARGIN
    }

    /// `n` points, row-major `[n, 2]`: a mode drawn uniformly, then Gaussian noise around it.
    pub fn sample(&self, rng: &mut ChaCha8Rng, n: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(2 * n);
        for _ in 0..n {
            let [x, y] = self.means[rng::index(rng, self.means.len())];
            out.push((x + self.sigma * rng::normal(rng)) as f32);
            out.push((y + self.sigma * rng::normal(rng)) as f32);
        }
        out
    }
}

/// How well a set of generated points covers a mixture.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Modes with at least one high-quality point nearest to them.
    pub modes_covered: usize,
    pub modes: usize,
    /// The fraction of points within [`QUALITY_SIGMAS`] σ of their nearest mode.
    pub high_quality_fraction: f64,
}

/// PacGAN's metrics for `points` (row-major `[n, 2]`) against `mixture`.
pub fn coverage(mixture: &Mixture, points: &[f32]) -> Coverage {
    let mut covered = vec![false; mixture.means.len()];
    let mut good = 0usize;
    let limit = QUALITY_SIGMAS * mixture.sigma;
    let n = points.len() / 2;
    for p in points.chunks_exact(2) {
        let (x, y) = (f64::from(p[0]), f64::from(p[1]));
        let (nearest, distance) = mixture
            .means
            .iter()
            .map(|m| ((m[0] - x).powi(2) + (m[1] - y).powi(2)).sqrt())
            .enumerate()
            .fold((0, f64::INFINITY), |best, (i, d)| if d < best.1 { (i, d) } else { best });
        if distance <= limit {
            good += 1;
            covered[nearest] = true;
        }
    }
    Coverage {
        modes_covered: covered.iter().filter(|&&c| c).count(),
        modes: mixture.means.len(),
        high_quality_fraction: good as f64 / n.max(1) as f64,
    }
}
