//! The masked MLP: host-side weights (θ, exact and portable) and the burn
//! module that trains them on a device.
//!
//! θ lives on the host between runs as [`Weights`]. A run uploads θ ⊙ m with
//! [`MaskedMlp::new`], trains, and reads the result back with
//! [`MaskedMlp::to_weights`]. Keeping θ0 and θk on the host is what makes
//! "reset to θ0" exact, bit for bit, on every backend.

use burn::module::{Module, Param};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

use super::config::{Init, ModelConfig};
use super::mask::Mask;
use super::rng::{self, Stream};

/// One layer's parameters, weight row-major `[fan_in][fan_out]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerWeights {
    pub fan_in: usize,
    pub fan_out: usize,
    pub w: Vec<f32>,
    pub b: Vec<f32>,
}

/// All parameters of an MLP, on the host.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    pub layers: Vec<LayerWeights>,
}

impl Weights {
    /// Fresh weights for `widths` (input to output) from `seed`'s init stream
    /// `index` (0 for θ0; other indices for the random-reinit control).
    /// Biases start at zero.
    pub fn init(widths: &[usize], init: Init, seed: u64, index: u64) -> Self {
        let mut r = rng::stream(seed, Stream::Init, index);
        let layers = widths
            .windows(2)
            .map(|p| {
                let (fan_in, fan_out) = (p[0], p[1]);
                let n = fan_in * fan_out;
                let w = match init {
                    Init::Glorot => {
                        let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
                        (0..n).map(|_| rng::uniform(&mut r, -limit, limit) as f32).collect()
                    }
                    Init::Kaiming => {
                        let std = (2.0 / fan_in as f64).sqrt();
                        (0..n).map(|_| (rng::normal(&mut r) * std) as f32).collect()
                    }
                };
                LayerWeights { fan_in, fan_out, w, b: vec![0.0; fan_out] }
            })
            .collect();
        Self { layers }
    }

    /// θ ⊙ m: pruned weights become exactly +0.0, survivors keep their bits.
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

    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.layers[0].fan_in];
        w.extend(self.layers.iter().map(|l| l.fan_out));
        w
    }
}

impl ModelConfig {
    /// θ0 for this architecture.
    pub fn init_weights(&self, widths: &[usize], seed: u64) -> Weights {
        Weights::init(widths, self.init, seed, 0)
    }
}

/// A linear layer whose weight is multiplied by a fixed 0/1 mask in the
/// forward pass, so the gradient of every pruned weight is exactly zero.
#[derive(Module, Debug)]
pub struct MaskedLinear {
    /// `[fan_in, fan_out]`
    pub weight: Param<Tensor<2>>,
    /// `[fan_out]`
    pub bias: Param<Tensor<1>>,
    /// `[fan_in, fan_out]`, 0.0 or 1.0; a constant, not a parameter.
    pub mask: Tensor<2>,
}

impl MaskedLinear {
    /// # Shapes
    /// - input `[batch, fan_in]` → output `[batch, fan_out]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let w = self.weight.val() * self.mask.clone(); // [fan_in, fan_out]
        x.matmul(w) + self.bias.val().unsqueeze::<2>() // [batch, fan_out]
    }
}

/// ReLU MLP whose every weight matrix carries a mask.
#[derive(Module, Debug)]
pub struct MaskedMlp {
    pub layers: Vec<MaskedLinear>,
}

impl MaskedMlp {
    /// Upload θ ⊙ m to `device` (an autodiff device to train).
    pub fn new(weights: &Weights, mask: &Mask, device: &Device) -> Self {
        assert_eq!(weights.layers.len(), mask.layers.len(), "mask and weights disagree on layers");
        let masked = weights.masked(mask);
        let layers = masked
            .layers
            .iter()
            .zip(&mask.layers)
            .map(|(l, m)| {
                let shape = [l.fan_in, l.fan_out];
                assert_eq!((m.fan_in, m.fan_out), (l.fan_in, l.fan_out), "mask shape");
                MaskedLinear {
                    weight: Param::from_data(TensorData::new(l.w.clone(), shape), device),
                    bias: Param::from_data(TensorData::new(l.b.clone(), [l.fan_out]), device),
                    mask: Tensor::from_data(TensorData::new(m.as_f32(), shape), device),
                }
            })
            .collect();
        Self { layers }
    }

    /// Logits.
    ///
    /// # Shapes
    /// - input `[batch, features]` → output `[batch, classes]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut x = x;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x); // [batch, fan_out]
            if i < last {
                x = relu(x);
            }
        }
        x
    }

    /// Read the raw parameters back to the host (async: the browser needs it).
    pub async fn to_weights(&self) -> Result<Weights, super::EngineError> {
        let mut layers = Vec::with_capacity(self.layers.len());
        for l in &self.layers {
            let [fan_in, fan_out] = l.weight.val().dims();
            let w = super::read_f32(l.weight.val()).await?;
            let b = super::read_f32(l.bias.val()).await?;
            layers.push(LayerWeights { fan_in, fan_out, w, b });
        }
        Ok(Weights { layers })
    }
}
