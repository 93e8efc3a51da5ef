//! A GAN's generator as the lottery's network (Chen et al., "GANs Can Play
//! Lottery Tickets Too", ICLR 2021; Kalibhat et al., AAAI 2021), on the 2D
//! benchmark of Gaussian mixtures (PacGAN, VEEGAN):
//!
//! - **The generator G is the pruned network**: 2D noise → hidden layers →
//!   a point in the plane. IMP prunes, resets and rewinds it.
//! - **The discriminator D is the learner's own**: a point → the same hidden
//!   widths → one logit, with its own Adam, reset to its own θ0 at the start
//!   of every run, as GAN-LTH resets it by default. Dense by default; with
//!   `prune.discriminator` (GAN-LTH's second setting) the experiment prunes it
//!   too and hands each run D's mask ([`Gan::prune_discriminator`]).
//! - **One step** trains D once on a batch of real points and the batch G
//!   makes, then gives G's gradients of the non-saturating loss against the
//!   updated D. No readback.
//! - **The score**: 2,500 points from a fixed, seeded noise batch; a point is
//!   *high quality* within 3σ of its nearest mode, and a mode is *covered* when
//!   some high-quality point is nearest to it (PacGAN's definitions).

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::activation::softplus;
use burn::tensor::{Device, Tensor, TensorData};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::engine::config::Init;
use crate::engine::error::{EngineError, read_f32};
use crate::engine::figures::{FigureKey, Figures};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::{
    model::{MaskedNet, Network},
    shapes::{LayerShape, dense_shapes},
    weights::Weights,
};
use crate::engine::rng::{self, Stream};
use crate::engine::tasks::mixture::{Coverage, GRID_SIGMA, Mixture, NOISE_DIM, POINT_DIM, RING_SIGMA, coverage};

/// Generated test points kept in the report for the page to draw.
pub const SHOWN_POINTS: usize = 500;
/// Cells per side of the discriminator's decision map kept in the report.
pub(crate) const DECISION_CELLS: usize = 24;
/// Points the score is measured on (PacGAN's 2,500).
pub(crate) const SCORED_POINTS: usize = 2500;
/// Adam's β1 for both networks: 0.5, as DCGAN and most GAN recipes since.
pub(crate) const BETA_1: f32 = 0.5;
/// Noise-stream indices of the fixed validation and test batches (training draws from the order seed).
const VAL_NOISE: u64 = 1 << 20;
const TEST_NOISE: u64 = 2 << 20;
/// The discriminator's θ0: init stream index of the experiment's seed.
const DISCRIMINATOR_INIT_INDEX: u64 = 1 << 31;

/// The target of a GAN dataset.
impl Mixture {
    /// The target a dataset names (None for the other datasets).
    pub fn of(dataset: crate::engine::data::DatasetName) -> Option<Self> {
        use crate::engine::data::DatasetName;
        match dataset {
            DatasetName::Ring => Some(Self::ring(RING_SIGMA)),
            DatasetName::Grid => Some(Self::grid(GRID_SIGMA)),
            _ => None,
        }
    }
}

/// `n` noise vectors, row-major `[n, NOISE_DIM]`.
fn noise(rng: &mut ChaCha8Rng, n: usize) -> Vec<f32> {
    (0..n * NOISE_DIM).map(|_| rng::normal(rng) as f32).collect()
}

/// The fixed noise batch `index` of an experiment's seed (validation or test).
fn fixed_noise(seed: u64, index: u64) -> Vec<f32> {
    noise(&mut rng::stream(seed, Stream::Noise, index), SCORED_POINTS)
}

/// The noise of the points the page draws (the first [`SHOWN_POINTS`] of the test batch), row-major
/// `[SHOWN_POINTS, NOISE_DIM]`: a generator's live weights map it to the points drawn while it trains.
pub fn shown_noise(seed: u64) -> Vec<f32> {
    let mut z = fixed_noise(seed, TEST_NOISE);
    z.truncate(SHOWN_POINTS * NOISE_DIM);
    z
}

/// The discriminator's belief that a point is real, on a square grid over the drawn plane (GAN Lab's
/// background): `cells × cells` probabilities, row-major from the top-left (y down), over ±`half_width`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionMap {
    pub cells: usize,
    pub half_width: f64,
    pub real: Vec<f32>,
}

impl DecisionMap {
    /// The centres of the cells, row-major from the top-left, as `[cells², 2]` points.
    pub fn centres(cells: usize, half_width: f64) -> Vec<f32> {
        let at = |i: usize| -half_width + (i as f64 + 0.5) * 2.0 * half_width / cells as f64;
        (0..cells * cells).flat_map(|k| [at(k % cells) as f32, -at(k / cells) as f32]).collect()
    }
}

/// The discriminator's layers: a point, G's `hidden` widths, one logit.
pub fn discriminator_shapes(hidden: &[usize]) -> Vec<LayerShape> {
    let mut widths = vec![POINT_DIM];
    widths.extend(hidden);
    widths.push(1);
    dense_shapes(&widths)
}

/// The discriminator's θ0: Glorot, drawn from the experiment's seed.
fn discriminator_theta0(seed: u64, hidden: &[usize]) -> Weights {
    Weights::init(&discriminator_shapes(hidden), Init::Glorot, seed, DISCRIMINATOR_INIT_INDEX)
}

/// One GAN run's state: the target, the discriminator and its optimizer, the streams of real points and noise.
pub struct Gan {
    mixture: Mixture,
    batch: usize,
    lr: f64,
    real: ChaCha8Rng,
    noise: ChaCha8Rng,
    discriminator: Option<MaskedNet>,
    /// D's θ0, kept to upload it again under a mask.
    discriminator_theta0: Weights,
    /// D is pruned: its gradients are masked like G's.
    discriminator_pruned: bool,
    optim: ModuleOptimizer,
    /// The last step's generator loss (no graph).
    last_loss: Option<Tensor<1>>,
    seed: u64,
    device: Device,
}

impl Gan {
    /// A run on `mixture` with batches of `batch` points, D at learning rate `lr` with G's `hidden` widths;
    /// real points and noise from `order_seed`, D's θ0 and the scored noise from the experiment's `seed`.
    pub fn new(
        mixture: Mixture,
        seed: u64,
        order_seed: u64,
        batch: usize,
        lr: f64,
        hidden: &[usize],
        device: &Device,
    ) -> Self {
        let theta0 = discriminator_theta0(seed, hidden);
        let discriminator = MaskedNet::new(&theta0, &Mask::dense(&theta0.shapes()), device);
        Self {
            mixture,
            batch,
            lr,
            real: rng::stream(order_seed, Stream::Data, 0),
            noise: rng::stream(order_seed, Stream::Noise, 0),
            discriminator: Some(discriminator),
            discriminator_theta0: theta0,
            discriminator_pruned: false,
            optim: AdamConfig::new().with_beta_1(BETA_1).init(),
            last_loss: None,
            seed,
            device: device.clone(),
        }
    }

    /// Start D from θ0 ⊙ `mask` instead of dense (before the first step); its pruned weights then stay at zero
    /// as G's do, their gradients masked.
    pub(crate) fn prune_discriminator(&mut self, mask: &Mask) {
        assert!(self.last_loss.is_none(), "D's mask is set before the first step");
        self.discriminator = Some(MaskedNet::new(&self.discriminator_theta0, mask, &self.device));
        self.discriminator_pruned = true;
    }

    /// D's weights now, read back (what the experiment prunes D's next mask from).
    pub(crate) async fn discriminator_weights(&self) -> Result<Weights, EngineError> {
        self.discriminator.as_ref().expect("discriminator present between steps").valid().to_weights().await
    }

    /// One D step, then G's gradients of the non-saturating loss −log D(G(z)) against the updated D.
    pub fn gradients(&mut self, model: &Network) -> GradientsParams {
        let n = self.batch;
        let real =
            Tensor::<2>::from_data(TensorData::new(self.mixture.sample(&mut self.real, n), [n, 2]), &self.device);
        let z = Tensor::<2>::from_data(TensorData::new(noise(&mut self.noise, n), [n, NOISE_DIM]), &self.device);
        let d = self.discriminator.take().expect("discriminator present between steps");
        // D: log D(x) + log(1 − D(G(z))), as softplus of the logits; G's points held fixed.
        let fake = model.forward(z.clone()).detach(); // [n, 2]
        let d_loss = softplus(d.forward(real).neg(), 1.0).mean() + softplus(d.forward(fake), 1.0).mean();
        let mut d_grads = GradientsParams::from_grads(d_loss.backward(), &d);
        if self.discriminator_pruned {
            d.mask_gradients(&mut d_grads);
        }
        let d = self.optim.step(self.lr, d, d_grads);
        // G: −log D(G(z)) = softplus(−logit).
        let g_loss = softplus(d.forward(model.forward(z)).neg(), 1.0).mean(); // [1]
        let grads = GradientsParams::from_grads(g_loss.backward(), model);
        self.last_loss = Some(g_loss.without_autodiff());
        self.discriminator = Some(d);
        grads
    }

    /// The last step's generator loss, read back. None before the first.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self.last_loss.clone() {
            Some(loss) => Ok(Some(read_f32(loss).await?[0])),
            None => Ok(None),
        }
    }

    /// G's points for a fixed noise batch, read back (row-major `[SCORED_POINTS, 2]`).
    async fn points(&self, model: &Network, index: u64) -> Result<Vec<f32>, EngineError> {
        let z = fixed_noise(self.seed, index);
        let z = Tensor::<2>::from_data(TensorData::new(z, [SCORED_POINTS, NOISE_DIM]), &self.device.clone().inner());
        read_f32(model.valid().forward(z)).await
    }

    /// The scored points of the test noise batch: what the page draws.
    pub(crate) async fn test_points(&self, model: &Network) -> Result<Vec<f32>, EngineError> {
        self.points(model, TEST_NOISE).await
    }

    /// Coverage of the validation and test batches at `iteration`, as a curve point: the "accuracies" are the
    /// fraction of modes covered, so early stopping picks the best-covering iteration and the lottery's charts
    /// read a generator as they read a classifier.
    pub async fn measure(&self, iteration: usize, model: &Network) -> Result<CurvePoint, EngineError> {
        let val = coverage(&self.mixture, &self.points(model, VAL_NOISE).await?);
        let test = coverage(&self.mixture, &self.points(model, TEST_NOISE).await?);
        let share = |c: &Coverage| c.modes_covered as f64 / c.modes.max(1) as f64;
        Ok(CurvePoint {
            iteration,
            train_loss: self.last_loss().await?.map(f64::from),
            val_loss: 1.0 - share(&val),
            val_accuracy: share(&val),
            test_accuracy: share(&test),
            figures: Figures::none()
                .with(FigureKey::ModesCovered, test.modes_covered as f64)
                .with(FigureKey::HighQualityFraction, test.high_quality_fraction),
            ..CurvePoint::default()
        })
    }

    /// The task's figures for the trained generator: coverage of the test batch, the points the page draws,
    /// and the discriminator's decision map at the end.
    pub async fn score(&self, model: &Network) -> Result<(Coverage, Vec<f32>, DecisionMap), EngineError> {
        let mut points = self.test_points(model).await?;
        let c = coverage(&self.mixture, &points);
        points.truncate(SHOWN_POINTS * POINT_DIM);
        Ok((c, points, self.decision_map().await?))
    }

    async fn decision_map(&self) -> Result<DecisionMap, EngineError> {
        let (cells, half_width) = (DECISION_CELLS, self.mixture.view_half_width());
        let d = self.discriminator.as_ref().expect("discriminator present between steps").valid();
        let x = DecisionMap::centres(cells, half_width);
        let x = Tensor::<2>::from_data(TensorData::new(x, [cells * cells, 2]), &self.device.clone().inner());
        let real = read_f32(burn::tensor::activation::sigmoid(d.forward(x))).await?;
        Ok(DecisionMap { cells, half_width, real })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PacGAN's definitions against hand-placed points: 2σ from a mode is high quality, 4σ is not, and only
    /// high-quality points cover a mode.
    #[test]
    fn coverage_counts_high_quality_points_and_the_modes_they_cover() {
        let ring = Mixture::ring(0.05);
        let s = ring.sigma;
        let points: Vec<f32> = [
            [1.0 + 2.0 * s, 0.0], // mode 0, 2σ: high quality
            [1.0, 0.0],           // mode 0 again
            [0.0, 1.0 - 4.0 * s], // mode 2, 4σ: not
            [-1.0, 0.0],          // mode 4, on it
            [0.0, 0.0],           // the centre: far from all
        ]
        .iter()
        .flat_map(|p| p.map(|v| v as f32))
        .collect();
        let c = coverage(&ring, &points);
        assert_eq!((c.modes_covered, c.modes), (2, 8));
        assert!((c.high_quality_fraction - 3.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn the_ring_has_eight_distinct_modes_and_the_grid_twenty_five() {
        let ring = Mixture::ring(0.01);
        assert_eq!(ring.means.len(), 8);
        for (i, a) in ring.means.iter().enumerate() {
            for b in &ring.means[i + 1..] {
                assert!(((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt() > 0.7, "{a:?} and {b:?}");
            }
        }
        let grid = Mixture::grid(0.05);
        assert_eq!(grid.means.len(), 25);
        assert!(
            grid.means.contains(&[-4.0, -4.0]) && grid.means.contains(&[4.0, 4.0]) && grid.means.contains(&[0.0, 0.0])
        );
    }

    /// Points drawn from the mixture itself cover every mode, nearly all of high quality (3σ holds 98.9% of a
    /// 2D Gaussian's mass).
    #[test]
    fn the_target_itself_covers_every_mode() {
        for mixture in [Mixture::ring(0.05), Mixture::grid(0.05)] {
            let points = mixture.sample(&mut rng::stream(1, Stream::Data, 0), SCORED_POINTS);
            let c = coverage(&mixture, &points);
            assert_eq!(c.modes_covered, c.modes);
            assert!(c.high_quality_fraction > 0.97, "{}", c.high_quality_fraction);
        }
    }
}
