//! The transformer of the modular-addition task: one attention layer and a
//! ReLU MLP, no LayerNorm, as in Nanda et al. (arXiv 2301.05217) and the
//! grokking-tickets paper (Minegishi et al., arXiv 2310.19470).
//!
//! The input is the sequence [a, b, =]. Only the output at "=" is read, so
//! only "=" queries: its query, the keys and values of all three positions,
//! one attention step, the MLP, and the unembedding. Every matrix is masked
//! as the classifier's layers are (θ ⊙ m uploaded, gradients g ⊙ m), and each
//! is a prunable tensor with a [`Role`]: burn's `TransformerEncoder` and
//! `MultiHeadAttention` always bring LayerNorm and dropout and hide the
//! per-head weights the page draws, so the block is written from masked
//! matrices here.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Device, Tensor, TensorData};

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::layers::{MaskedLinear, MaskedMatrix};
use crate::engine::networks::shapes::{POSITIONS, Role};
use crate::engine::networks::weights::{LayerWeights, Weights};

/// One attention layer (heads split the model width) and a ReLU MLP, with
/// token and position embeddings and an unembedding; no LayerNorm, no dropout.
#[derive(Module, Debug)]
pub struct MaskedTransformer {
    pub embed: MaskedMatrix,
    pub position: MaskedMatrix,
    pub query: MaskedMatrix,
    pub key: MaskedMatrix,
    pub value: MaskedMatrix,
    pub attention_out: MaskedMatrix,
    pub mlp_in: MaskedLinear,
    pub mlp_out: MaskedLinear,
    pub unembed: MaskedMatrix,
    pub heads: usize,
}

impl MaskedTransformer {
    /// Upload θ ⊙ m; `weights` lists the parts in [`transformer_shapes`](super::shapes::transformer_shapes)' order.
    pub fn new(weights: &Weights, mask: &Mask, heads: usize, device: &Device) -> Self {
        assert_eq!(weights.layers.len(), 9, "a transformer has nine weight tensors");
        let masked = weights.masked(mask);
        let matrix = |i: usize| MaskedMatrix::new(&masked.layers[i], mask.layers[i].as_f32(), device);
        let linear = |i: usize| {
            let l = &masked.layers[i];
            let shape = [l.fan_in, l.fan_out];
            MaskedLinear {
                weight: Param::from_data(TensorData::new(l.w.clone(), shape), device),
                bias: Param::from_data(TensorData::new(l.b.clone(), [l.b.len()]), device),
                mask: Tensor::from_data(TensorData::new(mask.layers[i].as_f32(), shape), device),
            }
        };
        Self {
            embed: matrix(0),
            position: matrix(1),
            query: matrix(2),
            key: matrix(3),
            value: matrix(4),
            attention_out: matrix(5),
            mlp_in: linear(6),
            mlp_out: linear(7),
            unembed: matrix(8),
            heads,
        }
    }

    /// Logits of a + b mod p for each pair.
    ///
    /// # Shapes
    /// - input `[batch, 2·p]`: one-hot a, then one-hot b → logits `[batch, p]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, features] = x.dims();
        let p = features / 2;
        let [_, d] = self.embed.weight.val().dims();
        let (h, dh) = (self.heads, d / self.heads);
        let embed = self.embed.weight.val(); // [p + 1, d]
        let numbers = embed.clone().slice([0..p, 0..d]); // [p, d]
        let pos = self.position.weight.val(); // [3, d]
        let a = x.clone().slice([0..batch, 0..p]).matmul(numbers.clone()); // [batch, d]
        let a = a + pos.clone().slice([0..1, 0..d]);
        let b = x.slice([0..batch, p..2 * p]).matmul(numbers) + pos.clone().slice([1..2, 0..d]); // [batch, d]
        let equals = embed.slice([p..p + 1, 0..d]) + pos.slice([2..3, 0..d]); // [1, d]: the same in every row
        let stream: Tensor<3> = Tensor::stack(vec![a, b, equals.clone().expand([batch, d])], 1); // [batch, 3, d]
        let flat = stream.reshape([batch * POSITIONS, d]); // [batch·3, d]
        let heads = |t: Tensor<2>| t.reshape([batch, POSITIONS, h, dh]).swap_dims(1, 2); // [batch, h, 3, dh]
        let keys = heads(flat.clone().matmul(self.key.weight.val()));
        let values = heads(flat.matmul(self.value.weight.val()));
        let query = equals.clone().matmul(self.query.weight.val()).reshape([1, h, 1, dh]); // [1, h, 1, dh]
        let scores = (keys * query).sum_dim(3).div_scalar((dh as f64).sqrt()); // [batch, h, 3, 1]
        let attention = softmax(scores, 2); // over the three positions
        let context = (attention * values).sum_dim(2).reshape([batch, d]); // [batch, d], head-major
        let resid = context.matmul(self.attention_out.weight.val()) + equals; // [batch, d]
        let hidden = relu(self.mlp_in.forward(resid.clone())); // [batch, d_mlp]
        let resid = resid + self.mlp_out.forward(hidden); // [batch, d]
        resid.matmul(self.unembed.weight.val()) // [batch, p]
    }

    /// g ⊙ m for every part (see `MaskedNet::mask_gradients`).
    pub(crate) fn mask_gradients(&self, grads: &mut GradientsParams) {
        for m in [&self.embed, &self.position, &self.query, &self.key, &self.value, &self.attention_out, &self.unembed]
        {
            m.mask_gradient(grads);
        }
        for l in [&self.mlp_in, &self.mlp_out] {
            if let Some(g) = grads.remove::<2>(l.weight.id) {
                grads.register(l.weight.id, g * l.mask.clone());
            }
        }
    }

    /// Read the parts back in [`transformer_shapes`](super::shapes::transformer_shapes)' order.
    pub async fn to_weights(&self) -> Result<Weights, crate::engine::error::EngineError> {
        let mut layers = Vec::with_capacity(9);
        for (m, role) in [
            (&self.embed, Role::Embedding),
            (&self.position, Role::Position),
            (&self.query, Role::Query),
            (&self.key, Role::Key),
            (&self.value, Role::Value),
            (&self.attention_out, Role::AttentionOut),
        ] {
            layers.push(m.to_layer(role).await?);
        }
        for (l, role) in [(&self.mlp_in, Role::MlpIn), (&self.mlp_out, Role::MlpOut)] {
            let [fan_in, fan_out] = l.weight.val().dims();
            let w = crate::engine::error::read_f32(l.weight.val()).await?;
            let b = crate::engine::error::read_f32(l.bias.val()).await?;
            layers.push(LayerWeights { fan_in, fan_out, conv: None, role, w, b });
        }
        layers.push(self.unembed.to_layer(Role::Unembedding).await?);
        Ok(Weights { layers })
    }
}
