//! The masked network: host-side weights (θ, exact and portable) and the
//! burn module that trains them on a device.
//!
//! θ lives on the host between runs as [`Weights`]. A run uploads θ ⊙ m with
//! [`MaskedNet::new`], trains, and reads the result back with
//! [`MaskedNet::to_weights`]. Keeping θ0 and θk on the host is what makes
//! "reset to θ0" exact, bit for bit, on every backend.

use burn::module::{Module, Param};
use burn::optim::GradientsParams;
use burn::tensor::activation::relu;
use burn::tensor::module::{conv2d, max_pool2d};
use burn::tensor::ops::{ConvOptions, MaxPoolOptions};
use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, Init};
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::transformer::{self, MaskedTransformer};
use crate::engine::rng::{self, Stream};

/// Height = width of every conv kernel: 3×3, as in the paper's Conv-2/4/6.
pub const CONV_KERNEL: usize = 3;

/// Height = width (and stride) of the one max-pool after the convs: 2×2, as in Conv-2/4/6.
pub const POOL: usize = 2;

/// Networks up to this many weights are small: small enough to draw
/// connection by connection, to keep their trained weights in saved reports
/// and checkpoints, to carry their masks in links, and to be drawn live while
/// they train. 4,608 holds the cart-pole preset's 4-64-64-2 actor (4,480 weights).
pub const SMALL_NET_WEIGHTS: usize = 4608;

/// A k×k valid (unpadded, stride 1) convolution's shape; k is [`CONV_KERNEL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvShape {
    pub in_ch: usize,
    pub out_ch: usize,
    pub k: usize,
    /// Height = width of this layer's input feature map.
    pub side: usize,
}

impl ConvShape {
    /// A [`CONV_KERNEL`]-square conv from `in_ch` to `out_ch` channels on a `side`×`side` input.
    pub fn new(in_ch: usize, out_ch: usize, side: usize) -> Self {
        Self { in_ch, out_ch, k: CONV_KERNEL, side }
    }

    /// Height = width of the output feature map (a valid conv loses k − 1).
    pub fn out_side(&self) -> usize {
        self.side.saturating_sub(self.k - 1)
    }
}

/// The shape of one prunable layer. Dense: weight `[fan_in][fan_out]`.
/// Conv: weight `[out_ch][in_ch][k][k]`, with `fan_in = in_ch·k·k` and
/// `fan_out = out_ch`. Masks use the same flat layout as the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerShape {
    pub fan_in: usize,
    pub fan_out: usize,
    pub conv: Option<ConvShape>,
    /// What the tensor is in its network: a classifier's layer, or a part of the transformer.
    pub role: Role,
}

/// What a prunable weight tensor is in its network. A classifier is a stack
/// of [`Role::Layer`]s (convs, then dense layers); the transformer of the
/// modular-addition task (`transformer`) is a fixed list of named parts, each
/// a `[fan_in, fan_out]` matrix. Ticket files written before there were roles
/// have none: they read as `Layer`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A classifier's dense or conv layer.
    #[default]
    Layer,
    /// Token embedding `[vocabulary, d_model]`.
    Embedding,
    /// Position embedding `[positions, d_model]`.
    Position,
    /// Queries `[d_model, d_model]`: head h owns columns h·d_head..(h+1)·d_head.
    Query,
    /// Keys, laid out as the queries.
    Key,
    /// Values, laid out as the queries.
    Value,
    /// The attention's output `[d_model, d_model]`: head h owns rows h·d_head..(h+1)·d_head.
    AttentionOut,
    /// The MLP's input `[d_model, d_mlp]`, with a bias.
    MlpIn,
    /// The MLP's output `[d_mlp, d_model]`, with a bias.
    MlpOut,
    /// Unembedding `[d_model, classes]`, read at the last position.
    Unembedding,
}

impl Role {
    pub fn is_layer(&self) -> bool {
        *self == Role::Layer
    }

    /// Classifier layers and the MLP's two matrices have biases; the transformer's other parts have none.
    pub fn has_bias(self) -> bool {
        matches!(self, Role::Layer | Role::MlpIn | Role::MlpOut)
    }

    /// The name a report or a drawing gives the tensor.
    pub fn name(self) -> &'static str {
        match self {
            Role::Layer => "layer",
            Role::Embedding => "token embedding",
            Role::Position => "position embedding",
            Role::Query => "query",
            Role::Key => "key",
            Role::Value => "value",
            Role::AttentionOut => "attention output",
            Role::MlpIn => "MLP in",
            Role::MlpOut => "MLP out",
            Role::Unembedding => "unembedding",
        }
    }
}

impl LayerShape {
    pub fn dense(fan_in: usize, fan_out: usize) -> Self {
        Self { fan_in, fan_out, conv: None, role: Role::Layer }
    }
    /// A conv layer: `fan_in = in_ch·k·k`, `fan_out = out_ch`.
    pub fn conv(c: ConvShape) -> Self {
        Self { fan_in: c.in_ch * c.k * c.k, fan_out: c.out_ch, conv: Some(c), role: Role::Layer }
    }
    /// A part of the transformer: a `[fan_in, fan_out]` matrix.
    pub fn part(role: Role, fan_in: usize, fan_out: usize) -> Self {
        Self { fan_in, fan_out, conv: None, role }
    }
    pub fn weights(&self) -> usize {
        self.fan_in * self.fan_out
    }
    /// Biases: one per output unit or channel, where the role has them.
    pub fn biases(&self) -> usize {
        if self.role.has_bias() { self.fan_out } else { 0 }
    }
}

/// Dense shapes for layer widths (input to output).
pub fn dense_shapes(widths: &[usize]) -> Vec<LayerShape> {
    widths.windows(2).map(|p| LayerShape::dense(p[0], p[1])).collect()
}

/// One layer's parameters, in the layout its [`LayerShape`] gives. Serialised
/// with the values as base64 of their bytes, so they come back bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerWeights {
    pub fan_in: usize,
    pub fan_out: usize,
    pub conv: Option<ConvShape>,
    #[serde(default, skip_serializing_if = "Role::is_layer")]
    pub role: Role,
    #[serde(with = "crate::engine::records::checkpoint::f32s")]
    pub w: Vec<f32>,
    #[serde(with = "crate::engine::records::checkpoint::f32s")]
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
                    // The transformer's parts: N(0, 1/d_model) each, as Nanda et al.'s grokking model (see
                    // `transformer`), so one magnitude scale holds across its tensors.
                    _ if !s.role.is_layer() => {
                        let std = 1.0 / (transformer::model_width(s) as f64).sqrt();
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
    pub fn digest(&self) -> String {
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

/// A linear layer with a fixed 0/1 mask. The weight is uploaded as θ ⊙ m,
/// so pruned entries start at exactly +0.0, and the training step passes the
/// gradient through [`MaskedNet::mask_gradients`] so no optimizer moves them
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

/// The masked network: optional [`CONV_KERNEL`]-square conv layers (ReLU
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
    pub fn mask_gradients(&self, grads: &mut GradientsParams) {
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
    pub fn weight_params(&self) -> Vec<WeightRef<'_>> {
        self.convs.iter().map(WeightRef::Conv).chain(self.layers.iter().map(WeightRef::Dense)).collect()
    }

    /// Read the raw parameters back to the host (async: the browser needs it).
    pub async fn to_weights(&self) -> Result<Weights, crate::engine::EngineError> {
        let mut layers = Vec::with_capacity(self.convs.len() + self.layers.len());
        let mut side = self.side;
        for c in &self.convs {
            let [out_ch, in_ch, k, _] = c.weight.val().dims();
            let shape = ConvShape { in_ch, out_ch, k, side };
            side = shape.out_side();
            let w = crate::engine::read_f32(c.weight.val()).await?;
            let b = crate::engine::read_f32(c.bias.val()).await?;
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
            let w = crate::engine::read_f32(l.weight.val()).await?;
            let b = crate::engine::read_f32(l.bias.val()).await?;
            layers.push(LayerWeights { fan_in, fan_out, conv: None, role: Role::Layer, w, b });
        }
        Ok(Weights { layers })
    }
}

/// A layer's weight, for reading its gradient.
pub enum WeightRef<'a> {
    Conv(&'a MaskedConv),
    Dense(&'a MaskedLinear),
}

impl WeightRef<'_> {
    /// ∂L/∂w of this layer's weight, flattened in host layout.
    pub async fn grad(&self, grads: &burn::tensor::Gradients) -> Result<Option<Vec<f32>>, crate::engine::EngineError> {
        match self {
            WeightRef::Conv(c) => match c.weight.val().grad(grads) {
                Some(g) => Ok(Some(crate::engine::read_f32(g).await?)),
                None => Ok(None),
            },
            WeightRef::Dense(l) => match l.weight.val().grad(grads) {
                Some(g) => Ok(Some(crate::engine::read_f32(g).await?)),
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
}

impl Network {
    /// # Shapes
    /// - input `[batch, features]` → logits `[batch, classes]`
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Network::Classifier(n) => n.forward(x),
            Network::Transformer(t) => t.forward(x),
        }
    }

    /// g ⊙ m for every prunable tensor (see [`MaskedNet::mask_gradients`]).
    pub fn mask_gradients(&self, grads: &mut GradientsParams) {
        match self {
            Network::Classifier(n) => n.mask_gradients(grads),
            Network::Transformer(t) => t.mask_gradients(grads),
        }
    }

    /// Read the parameters back to the host, in the order of their shapes.
    pub async fn to_weights(&self) -> Result<Weights, crate::engine::EngineError> {
        match self {
            Network::Classifier(n) => n.to_weights().await,
            Network::Transformer(t) => t.to_weights().await,
        }
    }

    /// The classifier, for what only a classifier has (SNIP's gradients, live drawing).
    pub fn classifier(&self) -> Option<&MaskedNet> {
        match self {
            Network::Classifier(n) => Some(n),
            Network::Transformer(_) => None,
        }
    }
}
