//! θ on the host: every prunable tensor's weights and biases, exact and
//! portable. θ0 is drawn here from the experiment's seed, and a network's
//! weights travel as [`Weights`] between runs, to reports and ticket files (their
//! values as base64 of their bytes, so they come back bit for bit) and to the page.

use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, Init};
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::shapes::{self, ConvShape, LayerShape, Role};
use crate::engine::rng::{self, Stream};

/// One layer's parameters, in the layout its [`LayerShape`] gives. Serialised
/// with the values as base64 of their bytes, so they come back bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    pub fan_in: usize,
    pub fan_out: usize,
    pub conv: Option<ConvShape>,
    #[serde(default, skip_serializing_if = "Role::is_layer")]
    pub role: Role,
    #[serde(with = "f32s")]
    pub w: Vec<f32>,
    #[serde(with = "f32s")]
    pub b: Vec<f32>,
}

/// All parameters of a network (convs first, then the MLP), on the host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub layers: Vec<LayerWeights>,
}

impl Weights {
    /// θ0 of an experiment: its layer shapes (convs included), drawn from
    /// init stream 0 of its seed.
    pub fn theta0(config: &ExperimentConfig) -> Self {
        Self::init(&config.shapes(), config.model.init, config.seed, 0)
    }

    /// Fresh weights for a stack of layer shapes (convs first) from `seed`'s
    /// init stream `index`: 0 for θ0 (see [`Weights::theta0`]), 1 + round for
    /// the random-reinit control. Biases start at zero.
    pub fn init(shapes: &[LayerShape], init: Init, seed: u64, index: u64) -> Self {
        let mut r = rng::stream(seed, Stream::Init, index);
        let layers = shapes
            .iter()
            .map(|s| {
                let n = s.weights();
                // Receptive-field fans: a conv's fan_out counts its kernel too.
                let (fin, fout) = match s.conv {
                    Some(c) => (c.in_ch * c.k * c.k, c.out_ch * c.k * c.k),
                    None => (s.fan_in, s.fan_out),
                };
                let w = match init {
                    // Modular addition's parts: the transformer's N(0, 1/d_model) each, as Nanda et al.'s grokking
                    // model (see `transformer`), so one magnitude scale holds across its tensors; the MLP's
                    // N(0, 1/fan_in), the grokking-tickets paper's.
                    _ if !s.role.is_layer() => {
                        let std = 1.0 / (shapes::init_width(s, shapes) as f64).sqrt();
                        (0..n).map(|_| (rng::normal(&mut r) * std) as f32).collect()
                    }
                    Init::Glorot => {
                        let limit = (6.0 / (fin + fout) as f64).sqrt();
                        (0..n).map(|_| rng::uniform(&mut r, -limit, limit) as f32).collect()
                    }
                    Init::Kaiming => {
                        let std = (2.0 / fin as f64).sqrt();
                        (0..n).map(|_| (rng::normal(&mut r) * std) as f32).collect()
                    }
                };
                LayerWeights {
                    fan_in: s.fan_in,
                    fan_out: s.fan_out,
                    conv: s.conv,
                    role: s.role,
                    w,
                    b: vec![0.0; s.biases()],
                }
            })
            .collect();
        Self { layers }
    }

    /// Class probabilities of an MLP (no conv layers) for one input, computed
    /// on the host (for drawing decision regions; training never uses this).
    pub fn predict(&self, x: &[f32]) -> Vec<f32> {
        let a = self.forward(x);
        let max = a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let exp: Vec<f32> = a.iter().map(|v| crate::engine::math::expf(v - max)).collect();
        let sum: f32 = exp.iter().sum();
        exp.iter().map(|e| e / sum).collect()
    }

    /// The raw outputs of an MLP (no conv layers) for one input, on the host: logits, or a generator's point.
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        let mut a: Vec<f32> = x.to_vec();
        let last = self.layers.len() - 1;
        for (i, l) in self.layers.iter().enumerate() {
            let mut z = l.b.clone();
            for (r, &ai) in a.iter().enumerate() {
                if ai != 0.0 {
                    let row = &l.w[r * l.fan_out..(r + 1) * l.fan_out];
                    z.iter_mut().zip(row).for_each(|(zj, w)| *zj += ai * w);
                }
            }
            if i < last {
                z.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            a = z;
        }
        a
    }

    pub fn shapes(&self) -> Vec<LayerShape> {
        self.layers
            .iter()
            .map(|l| LayerShape { fan_in: l.fan_in, fan_out: l.fan_out, conv: l.conv, role: l.role })
            .collect()
    }

    /// Prunable weights (biases excluded).
    pub fn weight_count(&self) -> usize {
        self.layers.iter().map(|l| l.w.len()).sum()
    }

    /// θ ⊙ m: pruned weights become exactly +0.0, survivors keep their bits.
    /// CRC-32 (crc32fast) of every layer's weights and biases, bit for bit, in layer order, as 8 hex digits: a
    /// short name for exact weights, so a report can say which weights a network started from.
    pub(crate) fn digest(&self) -> String {
        let mut hasher = crc32fast::Hasher::new();
        for layer in &self.layers {
            for v in layer.w.iter().chain(&layer.b) {
                hasher.update(&v.to_bits().to_le_bytes());
            }
        }
        format!("{:08x}", hasher.finalize())
    }

    pub fn masked(&self, mask: &Mask) -> Self {
        let mut out = self.clone();
        for (layer, m) in out.layers.iter_mut().zip(&mask.layers) {
            for (w, &keep) in layer.w.iter_mut().zip(&m.keep) {
                if !keep {
                    *w = 0.0;
                }
            }
        }
        out
    }
}

/// Serde adapter: `Vec<f32>` as base64 of little-endian bytes, exact to the bit.
mod f32s {
    use base64::Engine as _;
    use serde::Deserialize;
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        s.serialize_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
        use serde::de::Error;
        let text = String::deserialize(d)?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(text)
            .map_err(|e| D::Error::custom(format!("weights: {e}")))?;
        if bytes.len() % 4 != 0 {
            return Err(D::Error::custom("weights: length is not a multiple of 4 bytes"));
        }
        Ok(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
}
