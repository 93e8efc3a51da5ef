//! The grokking-tickets paper's MLP for modular addition (Minegishi, Iwasawa, Matsuo, arXiv 2310.19470; their
//! code gouki510/Grokking-Tickets): a token embedding `[p, d_emb]`, one input projection `[d_emb, d_hidden]`
//! applied to a's and b's embeddings and summed, a ReLU, an output projection `[d_hidden, d_emb]` and the
//! unembedding `[d_emb, p]`. No biases, no LayerNorm. Every matrix is masked as the classifier's layers are (θ ⊙ m
//! uploaded, gradients g ⊙ m), each a prunable tensor with a [`Role`], so one global magnitude threshold prunes
//! the embeddings with the rest, as the paper does.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::error::{EngineError, read_f32};
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::shapes::Role;
use crate::engine::networks::weights::{LayerWeights, Weights};

/// The parts in [`modular_mlp_shapes`](super::shapes::modular_mlp_shapes)' order.
pub const PARTS: [Role; 4] = [Role::Embedding, Role::HiddenIn, Role::HiddenOut, Role::Unembedding];

/// One masked matrix without a bias.
#[derive(Module, Debug)]
pub struct Matrix {
    /// `[fan_in, fan_out]`
    pub weight: Param<Tensor<2>>,
    /// `[fan_in, fan_out]`, 0.0 or 1.0; a constant.
    pub mask: Tensor<2>,
}

impl Matrix {
    fn new(layer: &LayerWeights, keep: Vec<f32>, device: &Device) -> Self {
        let shape = [layer.fan_in, layer.fan_out];
        Self {
            weight: Param::from_data(TensorData::new(layer.w.clone(), shape), device),
            mask: Tensor::from_data(TensorData::new(keep, shape), device),
        }
    }
}

/// The paper's MLP: embed a and b, project each and sum, ReLU, project back, unembed.
#[derive(Module, Debug)]
pub struct MaskedModularMlp {
    pub embed: Matrix,
    pub hidden_in: Matrix,
    pub hidden_out: Matrix,
    pub unembed: Matrix,
}

impl MaskedModularMlp {
    /// Upload θ ⊙ m; `weights` lists the parts in [`PARTS`] order.
    pub fn new(weights: &Weights, mask: &Mask, device: &Device) -> Self {
        assert_eq!(weights.layers.len(), PARTS.len(), "the modular MLP has four weight matrices");
        let masked = weights.masked(mask);
        let matrix = |i: usize| Matrix::new(&masked.layers[i], mask.layers[i].as_f32(), device);
        Self { embed: matrix(0), hidden_in: matrix(1), hidden_out: matrix(2), unembed: matrix(3) }
    }

    fn matrices(&self) -> [&Matrix; 4] {
        [&self.embed, &self.hidden_in, &self.hidden_out, &self.unembed]
    }

    /// Logits of a + b mod p for each pair.
    ///
    /// # Shapes
    /// - input `[batch, 2·p]`: one-hot a, then one-hot b → logits `[batch, p]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, features] = x.dims();
        let p = features / 2;
        let embed = self.embed.weight.val(); // [p, d_emb]
        let a = x.clone().slice([0..batch, 0..p]).matmul(embed.clone()); // [batch, d_emb]
        let b = x.slice([0..batch, p..2 * p]).matmul(embed); // [batch, d_emb]
        let project = |e: Tensor<2>| e.matmul(self.hidden_in.weight.val()); // [batch, d_hidden]
        let hidden = relu(project(a) + project(b)); // [batch, d_hidden]
        hidden.matmul(self.hidden_out.weight.val()).matmul(self.unembed.weight.val()) // [batch, p]
    }

    /// g ⊙ m for every matrix (see `MaskedNet::mask_gradients`).
    pub(crate) fn mask_gradients(&self, grads: &mut GradientsParams) {
        for m in self.matrices() {
            if let Some(g) = grads.remove::<2>(m.weight.id) {
                grads.register(m.weight.id, g * m.mask.clone());
            }
        }
    }

    /// Read the matrices back in [`PARTS`] order.
    pub async fn to_weights(&self) -> Result<Weights, EngineError> {
        let mut layers = Vec::with_capacity(PARTS.len());
        for (m, role) in self.matrices().into_iter().zip(PARTS) {
            let [fan_in, fan_out] = m.weight.val().dims();
            let w = read_f32(m.weight.val()).await?;
            layers.push(LayerWeights { fan_in, fan_out, conv: None, role, w, b: Vec::new() });
        }
        Ok(Weights { layers })
    }
}
