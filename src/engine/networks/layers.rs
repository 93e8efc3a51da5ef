//! The masked layers every network is built from: θ ⊙ m uploaded, so pruned
//! entries start at exactly +0.0, and gradients masked by the network that
//! holds them, so no optimizer moves them.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::networks::shapes::Role;
use crate::engine::networks::weights::LayerWeights;

/// A linear layer with a fixed 0/1 mask. The weight is uploaded as θ ⊙ m,
/// so pruned entries start at exactly +0.0, and the training step passes the
/// gradient through [`MaskedNet::mask_gradients`](super::model::MaskedNet::mask_gradients) so no optimizer moves them
/// (a zero gradient keeps Adam's moments, and so its update, at zero). The
/// forward pass needs no multiply: the weight tensor is the ticket.
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
        x.matmul(self.weight.val()) + self.bias.val().unsqueeze::<2>() // [batch, fan_out]
    }
}

/// A valid (unpadded) convolution with a masked kernel (θ ⊙ m uploaded,
/// gradients masked, as for [`MaskedLinear`]).
#[derive(Module, Debug)]
pub struct MaskedConv {
    /// `[out_ch, in_ch, k, k]`
    pub weight: Param<Tensor<4>>,
    /// `[out_ch]`
    pub bias: Param<Tensor<1>>,
    /// `[out_ch, in_ch, k, k]`, 0.0 or 1.0.
    pub mask: Tensor<4>,
}

impl MaskedConv {
    /// # Shapes
    /// - input `[batch, in_ch, h, w]` → output `[batch, out_ch, h - k + 1, w - k + 1]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let valid = ConvOptions::new([1, 1], [0, 0], [1, 1], 1); // stride 1, no padding, dilation 1, 1 group
        conv2d(x, self.weight.val(), Some(self.bias.val()), valid)
    }
}

/// A masked matrix without a bias (θ ⊙ m uploaded, gradients masked): the transformer's parts and the modular
/// MLP's matrices.
#[derive(Module, Debug)]
pub struct MaskedMatrix {
    /// `[fan_in, fan_out]`
    pub weight: Param<Tensor<2>>,
    /// `[fan_in, fan_out]`, 0.0 or 1.0; a constant.
    pub mask: Tensor<2>,
}

impl MaskedMatrix {
    pub(crate) fn new(layer: &LayerWeights, keep: Vec<f32>, device: &Device) -> Self {
        let shape = [layer.fan_in, layer.fan_out];
        Self {
            weight: Param::from_data(TensorData::new(layer.w.clone(), shape), device),
            mask: Tensor::from_data(TensorData::new(keep, shape), device),
        }
    }

    pub(crate) fn mask_gradient(&self, grads: &mut GradientsParams) {
        if let Some(g) = grads.remove::<2>(self.weight.id) {
            grads.register(self.weight.id, g * self.mask.clone());
        }
    }

    pub(crate) async fn to_layer(&self, role: Role) -> Result<LayerWeights, crate::engine::error::EngineError> {
        let [fan_in, fan_out] = self.weight.val().dims();
        let w = crate::engine::error::read_f32(self.weight.val()).await?;
        Ok(LayerWeights { fan_in, fan_out, conv: None, role, w, b: Vec::new() })
    }
}
