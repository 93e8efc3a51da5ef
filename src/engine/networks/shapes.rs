//! The shapes of what the lottery prunes: each prunable tensor's fans, its conv
//! kernel if it has one, and its role in its network. Plain data every floor
//! of the engine reads (the configuration's network, masks, weights, drawings),
//! so it imports nothing of the engine.

use serde::{Deserialize, Serialize};

/// Height = width of every conv kernel: 3×3, as in the paper's Conv-2/4/6.
pub(crate) const CONV_KERNEL: usize = 3;

/// Height = width (and stride) of the one max-pool after the convs: 2×2, as in Conv-2/4/6.
pub(crate) const POOL: usize = 2;

/// Networks up to this many weights are small: small enough to draw
/// connection by connection, to keep their trained weights in saved reports
/// and checkpoints, to carry their masks in links, and to be drawn live while
/// they train. 4,608 holds the cart-pole preset's 4-64-64-2 actor (4,480 weights).
pub(crate) const SMALL_NET_WEIGHTS: usize = 4608;

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
    pub(crate) fn out_side(&self) -> usize {
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
    /// The modular MLP's input projection `[d_emb, d_hidden]`, applied to each token's embedding; no bias.
    HiddenIn,
    /// The modular MLP's output projection `[d_hidden, d_emb]`; no bias.
    HiddenOut,
}

impl Role {
    pub(crate) fn is_layer(&self) -> bool {
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
            Role::HiddenIn => "input projection",
            Role::HiddenOut => "output projection",
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

/// Positions of the sequence: a, b and "=".
pub(crate) const POSITIONS: usize = 3;

/// The prunable tensors of a transformer for `a + b mod modulus`, in the
/// order weights, masks and reports list them. The vocabulary is the
/// numbers 0..modulus and "=" (token `modulus`).
pub(crate) fn transformer_shapes(modulus: usize, d_model: usize, d_mlp: usize) -> Vec<LayerShape> {
    vec![
        LayerShape::part(Role::Embedding, modulus + 1, d_model),
        LayerShape::part(Role::Position, POSITIONS, d_model),
        LayerShape::part(Role::Query, d_model, d_model),
        LayerShape::part(Role::Key, d_model, d_model),
        LayerShape::part(Role::Value, d_model, d_model),
        LayerShape::part(Role::AttentionOut, d_model, d_model),
        LayerShape::part(Role::MlpIn, d_model, d_mlp),
        LayerShape::part(Role::MlpOut, d_mlp, d_model),
        LayerShape::part(Role::Unembedding, d_model, modulus),
    ]
}

/// The grokking-tickets paper's MLP: the token embedding (numbers only: no "=" token), the input and output
/// projections, the unembedding (see `modular_mlp`).
pub(crate) fn modular_mlp_shapes(modulus: usize, d_emb: usize, d_hidden: usize) -> Vec<LayerShape> {
    vec![
        LayerShape::part(Role::Embedding, modulus, d_emb),
        LayerShape::part(Role::HiddenIn, d_emb, d_hidden),
        LayerShape::part(Role::HiddenOut, d_hidden, d_emb),
        LayerShape::part(Role::Unembedding, d_emb, modulus),
    ]
}

/// The width whose inverse is a part's initial variance. The modular MLP (`shapes` holds its projections): each
/// matrix N(0, 1/fan_in), the paper's, so the embedding's std is 1/√p. The transformer: the residual stream's
/// width as seen from the part, every part N(0, 1/d_model) (Nanda et al.).
pub(crate) fn init_width(shape: &LayerShape, shapes: &[LayerShape]) -> usize {
    match shapes.iter().any(|s| s.role == Role::HiddenIn) {
        true => shape.fan_in,
        false => model_width(shape),
    }
}

/// The residual stream's width as seen from one part: the initialisation
/// draws every part from N(0, 1/d_model).
fn model_width(shape: &LayerShape) -> usize {
    match shape.role {
        Role::Embedding | Role::Position | Role::MlpOut => shape.fan_out,
        _ => shape.fan_in,
    }
}
