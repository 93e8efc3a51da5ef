//! The grokking-tickets paper's MLP for modular addition (Minegishi, Iwasawa, Matsuo, arXiv 2310.19470; their
//! code gouki510/Grokking-Tickets): a token embedding `[p, d_emb]`, one input projection `[d_emb, d_hidden]`
//! applied to a's and b's embeddings and summed, a ReLU, an output projection `[d_hidden, d_emb]` and the
//! unembedding `[d_emb, p]`. No biases, no LayerNorm. Every matrix is masked as the classifier's layers are (θ ⊙ m
//! uploaded, gradients g ⊙ m), each a prunable tensor with a [`Role`], so one global magnitude threshold prunes
//! the embeddings with the rest, as the paper does.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};

use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::layers::MaskedMatrix;
use crate::engine::networks::shapes::Role;
use crate::engine::networks::weights::Weights;

/// The parts in [`modular_mlp_shapes`](super::shapes::modular_mlp_shapes)' order.
pub const PARTS: [Role; 4] = [Role::Embedding, Role::HiddenIn, Role::HiddenOut, Role::Unembedding];

/// The paper's MLP: embed a and b, project each and sum, ReLU, project back, unembed.
#[derive(Module, Debug)]
pub struct MaskedModularMlp {
    pub embed: MaskedMatrix,
    pub hidden_in: MaskedMatrix,
    pub hidden_out: MaskedMatrix,
    pub unembed: MaskedMatrix,
}

impl MaskedModularMlp {
    /// Upload θ ⊙ m; `weights` lists the parts in [`PARTS`] order.
    pub fn new(weights: &Weights, mask: &Mask, device: &Device) -> Self {
        assert_eq!(weights.layers.len(), PARTS.len(), "the modular MLP has four weight matrices");
        let masked = weights.masked(mask);
        let matrix = |i: usize| MaskedMatrix::new(&masked.layers[i], mask.layers[i].as_f32(), device);
        Self { embed: matrix(0), hidden_in: matrix(1), hidden_out: matrix(2), unembed: matrix(3) }
    }

    fn matrices(&self) -> [&MaskedMatrix; 4] {
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
        self.matrices().into_iter().for_each(|m| m.mask_gradient(grads));
    }

    /// Read the matrices back in [`PARTS`] order.
    pub async fn to_weights(&self) -> Result<Weights, EngineError> {
        let mut layers = Vec::with_capacity(PARTS.len());
        for (m, role) in self.matrices().into_iter().zip(PARTS) {
            layers.push(m.to_layer(role).await?);
        }
        Ok(Weights { layers })
    }
}
