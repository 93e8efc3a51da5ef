//! The networks that train θ ⊙ m on a device: the classifier ([`MaskedNet`]:
//! convs, then an MLP) and, under one [`Network`], the transformer of modular
//! addition ([`super::transformer`]).
//!
//! θ lives on the host between runs as [`Weights`]. A run uploads θ ⊙ m with
//! [`MaskedNet::new`], trains, and reads the result back with
//! [`MaskedNet::to_weights`]. Keeping θ0 and θk on the host is what makes
//! "reset to θ0" exact, bit for bit, on every backend.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::relu;
use burn::tensor::module::max_pool2d;
use burn::tensor::ops::MaxPoolOptions;
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::layers::{MaskedConv, MaskedLinear};
use crate::engine::networks::modular_mlp::MaskedModularMlp;
use crate::engine::networks::shapes::{ConvShape, POOL, Role};
use crate::engine::networks::transformer::MaskedTransformer;
use crate::engine::networks::weights::{LayerWeights, Weights};

/// The masked network: optional [`CONV_KERNEL`](super::shapes::CONV_KERNEL)-square conv layers (ReLU
/// each, then one [`POOL`]-square max-pool, as Conv-2/4/6 blocks do), then a
/// ReLU MLP.
#[derive(Module, Debug)]
pub struct MaskedNet {
    pub convs: Vec<MaskedConv>,
    pub layers: Vec<MaskedLinear>,
    /// Input image side (height = width) for conv nets; 0 for an MLP.
    pub side: usize,
}

impl MaskedNet {
    /// Upload θ ⊙ m to `device` (an autodiff device to train). Conv layers
    /// take the image side from their `ConvShape`.
    pub fn new(weights: &Weights, mask: &Mask, device: &Device) -> Self {
        assert_eq!(weights.layers.len(), mask.layers.len(), "mask and weights disagree on layers");
        let masked = weights.masked(mask);
        let (mut convs, mut layers) = (Vec::new(), Vec::new());
        for (l, m) in masked.layers.iter().zip(&mask.layers) {
            assert_eq!((m.fan_in, m.fan_out), (l.fan_in, l.fan_out), "mask shape");
            let bias = Param::from_data(TensorData::new(l.b.clone(), [l.b.len()]), device);
            match l.conv {
                Some(c) => {
                    let shape = [c.out_ch, c.in_ch, c.k, c.k];
                    convs.push(MaskedConv {
                        weight: Param::from_data(TensorData::new(l.w.clone(), shape), device),
                        bias,
                        mask: Tensor::from_data(TensorData::new(m.as_f32(), shape), device),
                    });
                }
                None => {
                    let shape = [l.fan_in, l.fan_out];
                    layers.push(MaskedLinear {
                        weight: Param::from_data(TensorData::new(l.w.clone(), shape), device),
                        bias,
                        mask: Tensor::from_data(TensorData::new(m.as_f32(), shape), device),
                    });
                }
            }
        }
        let side = weights.layers.first().and_then(|l| l.conv).map_or(0, |c| c.side);
        Self { convs, layers, side }
    }

    /// Logits.
    ///
    /// # Shapes
    /// - input `[batch, features]` (images flattened row-major) → output `[batch, classes]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mut x = x;
        if !self.convs.is_empty() {
            let batch = x.dims()[0];
            let mut y: Tensor<4> = x.reshape([batch, 1, self.side, self.side]); // [batch, 1, side, side]
            for conv in &self.convs {
                y = relu(conv.forward(y)); // [batch, out_ch, h', w']
            }
            y = max_pool2d(y, MaxPoolOptions::new([POOL, POOL])); // [batch, out_ch, h'/2, w'/2]
            let [b, c, h, w] = y.dims();
            x = y.reshape([b, c * h * w]); // [batch, flat]
        }
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            x = layer.forward(x); // [batch, fan_out]
            if i < last {
                x = relu(x);
            }
        }
        x
    }

    /// Zero the gradient of every pruned weight (g ⊙ m), before the optimizer
    /// sees it. With θ ⊙ m uploaded, this is what keeps pruned weights at
    /// exactly zero under Adam and SGD with momentum; it costs one multiply
    /// per layer, where masking in the forward pass costs two (forward and
    /// backward).
    pub(crate) fn mask_gradients(&self, grads: &mut GradientsParams) {
        for c in &self.convs {
            if let Some(g) = grads.remove::<4>(c.weight.id) {
                grads.register(c.weight.id, g * c.mask.clone());
            }
        }
        for l in &self.layers {
            if let Some(g) = grads.remove::<2>(l.weight.id) {
                grads.register(l.weight.id, g * l.mask.clone());
            }
        }
    }

    /// The weight tensors' gradient-carrying values, layer order (convs first).
    pub(crate) fn weight_params(&self) -> Vec<WeightRef<'_>> {
        self.convs.iter().map(WeightRef::Conv).chain(self.layers.iter().map(WeightRef::Dense)).collect()
    }

    /// Read the raw parameters back to the host (async: the browser needs it).
    pub async fn to_weights(&self) -> Result<Weights, crate::engine::error::EngineError> {
        let mut layers = Vec::with_capacity(self.convs.len() + self.layers.len());
        let mut side = self.side;
        for c in &self.convs {
            let [out_ch, in_ch, k, _] = c.weight.val().dims();
            let shape = ConvShape { in_ch, out_ch, k, side };
            side = shape.out_side();
            let w = crate::engine::error::read_f32(c.weight.val()).await?;
            let b = crate::engine::error::read_f32(c.bias.val()).await?;
            layers.push(LayerWeights {
                fan_in: in_ch * k * k,
                fan_out: out_ch,
                conv: Some(shape),
                role: Role::Layer,
                w,
                b,
            });
        }
        for l in &self.layers {
            let [fan_in, fan_out] = l.weight.val().dims();
            let w = crate::engine::error::read_f32(l.weight.val()).await?;
            let b = crate::engine::error::read_f32(l.bias.val()).await?;
            layers.push(LayerWeights { fan_in, fan_out, conv: None, role: Role::Layer, w, b });
        }
        Ok(Weights { layers })
    }
}

/// A layer's weight, for reading its gradient.
pub(crate) enum WeightRef<'a> {
    Conv(&'a MaskedConv),
    Dense(&'a MaskedLinear),
}

impl WeightRef<'_> {
    /// ∂L/∂w of this layer's weight, flattened in host layout.
    pub async fn grad(
        &self,
        grads: &burn::tensor::Gradients,
    ) -> Result<Option<Vec<f32>>, crate::engine::error::EngineError> {
        match self {
            WeightRef::Conv(c) => match c.weight.val().grad(grads) {
                Some(g) => Ok(Some(crate::engine::error::read_f32(g).await?)),
                None => Ok(None),
            },
            WeightRef::Dense(l) => match l.weight.val().grad(grads) {
                Some(g) => Ok(Some(crate::engine::error::read_f32(g).await?)),
                None => Ok(None),
            },
        }
    }
}

/// The network a run trains, by task: a classifier (MLP or conv net) or the
/// transformer of modular addition. Both take `[batch, features]` inputs and
/// give `[batch, classes]` logits, so training, evaluation, readback and
/// gradient masking are one code path.
// One per training run, moved rarely: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Network {
    Classifier(MaskedNet),
    Transformer(MaskedTransformer),
    ModularMlp(MaskedModularMlp),
}

impl Network {
    /// # Shapes
    /// - input `[batch, features]` → logits `[batch, classes]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Network::Classifier(n) => n.forward(x),
            Network::Transformer(t) => t.forward(x),
            Network::ModularMlp(m) => m.forward(x),
        }
    }

    /// g ⊙ m for every prunable tensor (see [`MaskedNet::mask_gradients`]).
    pub(crate) fn mask_gradients(&self, grads: &mut GradientsParams) {
        match self {
            Network::Classifier(n) => n.mask_gradients(grads),
            Network::Transformer(t) => t.mask_gradients(grads),
            Network::ModularMlp(m) => m.mask_gradients(grads),
        }
    }

    /// Read the parameters back to the host, in the order of their shapes.
    pub async fn to_weights(&self) -> Result<Weights, crate::engine::error::EngineError> {
        match self {
            Network::Classifier(n) => n.to_weights().await,
            Network::Transformer(t) => t.to_weights().await,
            Network::ModularMlp(m) => m.to_weights().await,
        }
    }

    /// The classifier, for what only a classifier has (SNIP's gradients, live drawing).
    pub fn classifier(&self) -> Option<&MaskedNet> {
        match self {
            Network::Classifier(n) => Some(n),
            Network::Transformer(_) | Network::ModularMlp(_) => None,
        }
    }
}
