//! Datasets: the 2D generators, the image sets shipped under `web/data/`,
//! and the seeded train / validation / test split.
//!
//! Everything here is plain host data (`Vec<f32>` features, `u8` labels); the
//! training loop uploads batches to the device. The binary format of the
//! shipped files is described in [`decode_image_set`].

pub mod csv_table;
pub mod own_data;
pub mod own_limits;

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::engine::math;
use crate::engine::rng::{self, Stream};

/// The datasets the lab knows, by the name used in configs and URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatasetName {
    Circle,
    Xor,
    Gauss,
    Spiral,
    Moons,
    Digits,
    Mnist,
    Fashion,
    /// Rows imported from a CSV file (`own_data`); the configuration's
    /// `data.own` holds their shape.
    Own,
    /// a + b mod p, every pair (`modular`); `data.modulus` is p, the network a transformer.
    Modular,
    /// CartPole-v1, played by a policy (`tasks::cartpole`): no rows; the network maps 4 observations to 2
    /// pushes.
    Cartpole,
    /// A GAN's target (`tasks::gan`): 8 Gaussians on a ring; no rows, the network maps 2D noise to a point.
    Ring,
    /// A GAN's target: 25 Gaussians on a 5×5 grid.
    Grid,
    /// Regression (`tasks::regression`): TensorFlow Playground's plane, y = (x + y) / 10 over [−6, 6]².
    #[serde(rename = "reg-plane")]
    RegPlane,
    /// Regression: TensorFlow Playground's six signed bumps (its "Gaussian" regression set).
    #[serde(rename = "reg-gauss")]
    RegGauss,
}

crate::choices!(DatasetName {
    Spiral => "spiral", "spiral";
    Circle => "circle", "circle";
    Xor => "xor", "xor";
    Gauss => "gauss", "gauss";
    Moons => "moons", "moons";
    Digits => "digits", "8×8 digits";
    Mnist => "mnist", "MNIST (10k)";
    Fashion => "fashion", "Fashion-MNIST (12k)";
    Own => "own", "your data (CSV)";
    Modular => "modular", "a + b mod p (grokking)";
    Cartpole => "cartpole", "CartPole (a policy, A2C)";
    Ring => "ring", "8 Gaussians on a ring (a GAN)";
    Grid => "grid", "25 Gaussians on a grid (a GAN)";
    RegPlane => "reg-plane", "plane (regression)";
    RegGauss => "reg-gauss", "6 Gaussians (regression)";
});

impl DatasetName {
    /// Generated on the fly from (samples, noise, seed), as opposed to loaded: points in the plane.
    pub fn is_2d(self) -> bool {
        matches!(self, Self::Circle | Self::Xor | Self::Gauss | Self::Spiral | Self::Moons) || self.is_regression()
    }

    /// Points in the plane with a value in −1..1 to predict, not a class.
    pub fn is_regression(self) -> bool {
        matches!(self, Self::RegPlane | Self::RegGauss)
    }

    /// The file under `web/data/` that holds an image set.
    pub fn file_name(self) -> Option<&'static str> {
        match self {
            Self::Digits => Some("digits.ltd"),
            Self::Mnist => Some("mnist.ltd"),
            Self::Fashion => Some("fashion.ltd"),
            _ => None,
        }
    }

    /// The largest raw value an image set's file stores (its header says so; tests/data_files.rs checks each):
    /// the lab feeds pixel / this, and an exported ONNX graph divides raw pixels by it. None for other sets.
    pub fn stored_max(self) -> Option<u8> {
        match self {
            Self::Digits => Some(16),
            Self::Mnist | Self::Fashion => Some(255),
            _ => None,
        }
    }

    /// Input width of the network: 2 for the plane, pixels for images
    /// (own data: the configuration's `data.own`, see `ExperimentConfig::features`).
    pub fn features(self) -> usize {
        match self {
            Self::Digits => 64,
            Self::Mnist | Self::Fashion => 784,
            Self::Own | Self::Modular => 0,
            Self::Cartpole => crate::engine::tasks::cartpole::OBSERVATIONS,
            Self::Ring | Self::Grid => crate::engine::tasks::mixture::NOISE_DIM,
            _ => 2,
        }
    }

    /// Image side (8 or 28); 0 for the plane.
    pub fn side(self) -> usize {
        match self {
            Self::Digits => 8,
            Self::Mnist | Self::Fashion => 28,
            _ => 0,
        }
    }

    /// Classes (own data: the configuration's `data.own`).
    pub fn classes(self) -> usize {
        match self {
            Self::Own | Self::Modular => 0,
            Self::Cartpole => crate::engine::tasks::cartpole::ACTIONS,
            Self::Ring | Self::Grid => crate::engine::tasks::mixture::POINT_DIM,
            // One output: the predicted value.
            Self::RegPlane | Self::RegGauss => 1,
            _ if self.is_2d() => 2,
            _ => 10,
        }
    }
}

/// One part of a dataset: `n` rows of `features` values, row-major.
#[derive(Clone, Debug, Default)]
pub struct Split {
    pub x: Vec<f32>,
    pub y: Vec<u8>,
    /// A regression's value per row (`y` is then its sign, 1 for ≥ 0, for colouring); empty otherwise.
    pub targets: Vec<f32>,
}

impl Split {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }
}

/// A dataset split three ways. The validation split picks the early-stop
/// iteration; the test split is only reported.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: DatasetName,
    pub features: usize,
    pub classes: usize,
    pub train: Split,
    pub val: Split,
    pub test: Split,
}

impl Dataset {
    /// CRC-32 (crc32fast) of every split's features (their bits) and labels, train, validation then test, as 8 hex
    /// digits: a short name for the exact rows a run learned from, so the page and `lottery` can be compared.
    pub(crate) fn digest(&self) -> String {
        let mut hasher = crc32fast::Hasher::new();
        for split in [&self.train, &self.val, &self.test] {
            for v in split.x.iter().chain(&split.targets) {
                hasher.update(&v.to_bits().to_le_bytes());
            }
            hasher.update(&split.y);
        }
        format!("{:08x}", hasher.finalize())
    }
}

/// A labelled point cloud or image set before it is split.
#[derive(Clone, Debug, Default)]
pub struct Samples {
    pub features: usize,
    pub classes: usize,
    pub x: Vec<f32>,
    pub y: Vec<u8>,
    /// A regression's value per row ([`Split::targets`]); empty otherwise.
    pub targets: Vec<f32>,
}

impl Samples {
    pub fn len(&self) -> usize {
        self.y.len()
    }
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Shuffle with the split stream, then cut off test and validation parts.
    pub fn split(self, name: DatasetName, val_frac: f64, test_frac: f64, seed: u64) -> Dataset {
        let n = self.len();
        let mut order: Vec<usize> = (0..n).collect();
        rng::shuffle(&mut rng::stream(seed, Stream::Split, 0), &mut order);
        let n_test = ((n as f64) * test_frac).round() as usize;
        let n_val = ((n as f64) * val_frac).round() as usize;
        let f = self.features;
        let take = |idx: &[usize]| Split {
            x: idx.iter().flat_map(|&i| self.x[i * f..(i + 1) * f].iter().copied()).collect(),
            y: idx.iter().map(|&i| self.y[i]).collect(),
            targets: idx.iter().filter_map(|&i| self.targets.get(i).copied()).collect(),
        };
        let test = take(&order[..n_test]);
        let val = take(&order[n_test..n_test + n_val]);
        let train = take(&order[n_test + n_val..]);
        Dataset { name, features: f, classes: self.classes, train, val, test }
    }
}

// ---------------------------------------------------------------------------
// 2D generators. Each takes (samples, noise, rng) and returns points in about
// [-1, 1]², labelled 0 or 1, as TensorFlow Playground's do (rescaled).

/// Points for a 2D dataset; `noise` is in 0..=1.
pub fn generate_2d(name: DatasetName, samples: usize, noise: f64, seed: u64) -> Samples {
    let mut rng = rng::stream(seed, Stream::Data, name as u64);
    let mut x = Vec::with_capacity(samples * 2);
    let mut y = Vec::with_capacity(samples);
    let mut push = |px: f64, py: f64, label: u8| {
        x.push(px as f32);
        x.push(py as f32);
        y.push(label);
    };
    let r = &mut rng;
    match name {
        DatasetName::Circle => {
            // Inner disc is class 1, outer ring class 0.
            for i in 0..samples {
                let label = (i % 2) as u8;
                let radius = if label == 1 { rng::uniform(r, 0.0, 0.5) } else { rng::uniform(r, 0.7, 1.0) };
                let angle = rng::uniform(r, 0.0, 2.0 * PI);
                let nx = rng::uniform(r, -0.5, 0.5) * noise;
                let ny = rng::uniform(r, -0.5, 0.5) * noise;
                push(radius * math::cos(angle) + nx, radius * math::sin(angle) + ny, label);
            }
        }
        DatasetName::Xor => {
            for _ in 0..samples {
                let pad = 0.05;
                let mut px = rng::uniform(r, -1.0, 1.0);
                px += if px > 0.0 { pad } else { -pad };
                let mut py = rng::uniform(r, -1.0, 1.0);
                py += if py > 0.0 { pad } else { -pad };
                let label = u8::from(px * py >= 0.0);
                let nx = rng::uniform(r, -0.5, 0.5) * noise;
                let ny = rng::uniform(r, -0.5, 0.5) * noise;
                push(px + nx, py + ny, label);
            }
        }
        DatasetName::Gauss => {
            let spread = 0.1 + 0.4 * noise;
            for i in 0..samples {
                let label = (i % 2) as u8;
                let c = if label == 1 { 0.5 } else { -0.5 };
                push(c + rng::normal(r) * spread, c + rng::normal(r) * spread, label);
            }
        }
        DatasetName::Spiral => {
            let per_class = samples / 2;
            for label in 0..2u8 {
                let delta = if label == 0 { 0.0 } else { PI };
                for i in 0..per_class {
                    let t = i as f64 / per_class as f64;
                    let radius = t * 0.9;
                    let angle = 1.75 * t * 2.0 * PI + delta;
                    let nx = rng::uniform(r, -0.15, 0.15) * noise;
                    let ny = rng::uniform(r, -0.15, 0.15) * noise;
                    push(radius * math::sin(angle) + nx, radius * math::cos(angle) + ny, 1 - label);
                }
            }
        }
        DatasetName::Moons => {
            for i in 0..samples {
                let label = (i % 2) as u8;
                let t = rng::uniform(r, 0.0, PI);
                let (px, py) =
                    if label == 0 { (math::cos(t), math::sin(t)) } else { (1.0 - math::cos(t), 0.5 - math::sin(t)) };
                let nx = rng::normal(r) * 0.1 * noise;
                let ny = rng::normal(r) * 0.1 * noise;
                // Centre the pair of moons on the origin and fit it in [-1, 1].
                push((px - 0.5) * 0.66 + nx, (py - 0.25) * 0.9 + ny, label);
            }
        }
        _ => unreachable!("generate_2d draws the 2D classification sets, not {name:?}"),
    }
    Samples { features: 2, classes: 2, x, y, targets: Vec::new() }
}

// ---------------------------------------------------------------------------
// The shipped image sets.

/// Why a data file was refused. Every message names the file.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DataError {
    #[error("{file}: not a Lottery Ticket Lab data file (bad magic bytes)")]
    BadMagic { file: String },
    #[error("{file}: format version {found} is not supported (this build reads version {FORMAT_VERSION})")]
    BadVersion { file: String, found: u8 },
    #[error("{file}: truncated: expected {expected} bytes, found {found}")]
    Truncated { file: String, expected: usize, found: usize },
    #[error("{file}: corrupt: checksum {found:08x} does not match the recorded {expected:08x}")]
    Checksum { file: String, expected: u32, found: u32 },
    #[error("{file}: corrupt: label {label} at sample {index} is not below {classes} classes")]
    BadLabel { file: String, index: usize, label: u8, classes: u8 },
    #[error("{file}: corrupt: header says {what}")]
    BadHeader { file: String, what: String },
    #[error("{file}: could not be read: {reason}")]
    Unreadable { file: String, reason: String },
}

pub(crate) const MAGIC: &[u8; 4] = b"LTLD";
/// The format version this build reads (the byte after the magic).
pub(crate) const FORMAT_VERSION: u8 = 1;
const HEADER: usize = 16;
/// The CRC-32 at the end of the file.
const CHECKSUM: usize = 4;

/// Decode an image set.
///
/// Written by `scripts/make_data.py`. Layout, little-endian: `"LTLD"`,
/// version `u8` ([`FORMAT_VERSION`]), classes `u8`, height `u8`, width `u8`,
/// samples `u32`, max pixel value `u8`, 3 zero bytes (16 bytes of header);
/// then `samples × height × width` pixels (`u8`), `samples` labels
/// (`u8`), and the CRC-32 of everything before it. Pixels become
/// `value / max` in [0, 1].
pub fn decode_image_set(file: &str, bytes: &[u8]) -> Result<Samples, DataError> {
    let file = file.to_string();
    if !bytes.starts_with(MAGIC) {
        return Err(DataError::BadMagic { file });
    }
    if bytes.len() < HEADER {
        return Err(DataError::Truncated { file, expected: HEADER, found: bytes.len() });
    }
    if bytes[4] != FORMAT_VERSION {
        return Err(DataError::BadVersion { file, found: bytes[4] });
    }
    let classes = bytes[5];
    let (h, w) = (bytes[6] as usize, bytes[7] as usize);
    let n = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    let max = bytes[12];
    if classes < 2 || h == 0 || w == 0 || max == 0 || n == 0 {
        let what = format!("{n} samples of {h}×{w} pixels, {classes} classes, max value {max}");
        return Err(DataError::BadHeader { file, what });
    }
    let expected = HEADER + n * (h * w + 1) + CHECKSUM;
    if bytes.len() != expected {
        return Err(DataError::Truncated { file, expected, found: bytes.len() });
    }
    let body = expected - CHECKSUM;
    let recorded = u32::from_le_bytes(bytes[body..].try_into().unwrap());
    let found = crc32fast::hash(&bytes[..body]);
    if recorded != found {
        return Err(DataError::Checksum { file, expected: recorded, found });
    }
    let pixels = &bytes[HEADER..HEADER + n * h * w];
    let labels = &bytes[HEADER + n * h * w..body];
    if let Some((index, &label)) = labels.iter().enumerate().find(|(_, l)| **l >= classes) {
        return Err(DataError::BadLabel { file, index, label, classes });
    }
    let scale = 1.0 / max as f32;
    Ok(Samples {
        features: h * w,
        classes: classes as usize,
        x: pixels.iter().map(|&p| p as f32 * scale).collect(),
        y: labels.to_vec(),
        targets: Vec::new(),
    })
}

/// Keep the first `limit` samples (the configured subset size).
pub fn truncate(mut samples: Samples, limit: usize) -> Samples {
    if limit < samples.len() {
        samples.x.truncate(limit * samples.features);
        samples.y.truncate(limit);
        samples.targets.truncate(limit);
    }
    samples
}
