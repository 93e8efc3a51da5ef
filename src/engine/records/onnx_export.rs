//! A ticket as an ONNX model (opset 17): its forward pass with the trained weights, the pruned ones exactly zero,
//! and the input scaling the lab applies inside the graph, so raw inputs go in as they are (an image set's raw
//! pixel values; own data's columns in the file's units; a 2D set's point, which the lab feeds as it is).
//!
//! - A classifier (convs, a max-pool, then an MLP), the policy's actor, the generator and a regression: input
//!   and output named as the task has them ([`GraphNames::of`]): a classifier's `input` `[N, features]` and
//!   `logits` `[N, classes]`, the policy's `observation` and `action_logits`, the generator's `noise` and
//!   `point`, a regression's `point` and `value`.
//! - Modular addition's networks: `pair` `[N, 2]` int64 (a and b) in, `logits` `[N, p]` out; the transformer's
//!   attention read at the "=" position as `MaskedTransformer::forward` reads it, or the grokking-tickets paper's
//!   MLP (`MaskedModularMlp`).
//!
//! The experiment's link goes in the model's metadata. The graph is dense, as ONNX Runtime holds it (it turns
//! sparse initializers dense at load): the saving is the compact file's, not this one's. The messages are in
//! [`onnx_proto`](super::onnx_proto).

use crate::engine::config::ExperimentConfig;
use crate::engine::data::own_data::{ColumnRange, OwnData};
use crate::engine::networks::shapes::{POOL, POSITIONS, Role};
use crate::engine::networks::weights::{LayerWeights, Weights};
use crate::engine::records::onnx_proto::{
    FLOAT, Graph, INT64, NodeProto, TensorProto, batch_of, encode, int64s, node, tensor,
};
use crate::engine::tasks::Task;

pub use crate::engine::records::onnx_proto::OPSET;

/// What the graph does to a raw input before the network sees it: what the lab did to the rows it trained on.
#[derive(Clone, Debug, PartialEq)]
pub enum InputScaling {
    /// Fed as it is (a 2D set's point, the policy's observation, the generator's noise, the transformer's pair).
    AsIs,
    /// Multiplied by one factor: an image set's 1 / its largest stored value
    /// ([`DatasetName::stored_max`](crate::engine::DatasetName::stored_max)).
    Times(f32),
    /// Own data: each column's minimum to −1 and maximum to 1, as the import scaled it (a constant column to 0);
    /// `names` are the features' (a word column's one-hot features `column=word`), written in the metadata.
    Columns { ranges: Vec<ColumnRange>, names: Vec<String> },
}

/// What the graph's input and output are called: what the task feeds its network and what the network gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraphNames {
    pub input: &'static str,
    pub output: &'static str,
}

impl GraphNames {
    /// A classifier's: raw inputs in, one logit per class out.
    pub const CLASSIFIER: GraphNames = GraphNames { input: "input", output: "logits" };
    /// The transformer's: the pair (a, b) in, one logit per residue out.
    pub const TRANSFORMER: GraphNames = GraphNames { input: "pair", output: "logits" };

    /// The names of `config`'s task.
    pub fn of(config: &ExperimentConfig) -> Self {
        match Task::of(config) {
            Task::CartPole => GraphNames { input: "observation", output: "action_logits" },
            Task::Gan => GraphNames { input: "noise", output: "point" },
            Task::Regression => GraphNames { input: "point", output: "value" },
            Task::ModularAddition { .. } => Self::TRANSFORMER,
            Task::Classification => Self::CLASSIFIER,
        }
    }
}

/// Everything besides the weights that the graph of a run's ticket needs.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphSpec {
    pub names: GraphNames,
    pub scaling: InputScaling,
    /// The transformer's attention heads (unused for the other networks).
    pub heads: usize,
}

impl GraphSpec {
    /// The graph of `config`'s network; `own` is the run's own data when it trained on a CSV file (its columns'
    /// ranges go in the graph).
    pub fn of(config: &ExperimentConfig, own: Option<&OwnData>) -> Result<Self, String> {
        let scaling = match (config.own_shape(), own) {
            (Some(_), None) => {
                return Err("this run trained on your own data: the graph scales its columns as the import did, \
                            so it needs the CSV file's rows (a ticket file holds them; or give the CSV)"
                    .into());
            }
            (Some(_), Some(own)) if own.ranges.len() != own.features => {
                return Err(format!(
                    "{}'s rows were saved without their columns' ranges (before the lab kept them): import the \
                     CSV file again to export the graph",
                    own.name
                ));
            }
            (Some(_), Some(own)) => {
                InputScaling::Columns { ranges: own.ranges.clone(), names: own.feature_names.clone() }
            }
            (None, _) => match config.data.dataset.stored_max() {
                Some(max) => InputScaling::Times(1.0 / f32::from(max)),
                None => InputScaling::AsIs,
            },
        };
        Ok(Self { names: GraphNames::of(config), scaling, heads: config.model.transformer.heads })
    }
}

/// The operators and initializers of a graph being drawn.
#[derive(Default)]
struct Builder {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
}

impl Builder {
    /// `op` on `inputs`, its output named `output`; returns that name.
    fn op(&mut self, op: &str, inputs: &[&str], output: &str) -> String {
        self.nodes.push(node(op, inputs, output));
        output.to_string()
    }

    /// A node built with attributes; returns its output's name.
    fn push(&mut self, node: NodeProto, output: &str) -> String {
        self.nodes.push(node);
        output.to_string()
    }

    /// A float initializer; returns its name.
    fn weight(&mut self, name: &str, dims: &[usize], values: &[f32]) -> String {
        self.initializers.push(tensor(name, dims, values));
        name.to_string()
    }

    /// An int64 initializer (a shape, indices, axes); returns its name.
    fn ints(&mut self, name: &str, values: &[i64]) -> String {
        self.initializers.push(int64s(name, values));
        name.to_string()
    }

    /// `x @ layer.w (+ layer.b)`, named `name.…`; returns the output's name.
    fn linear(&mut self, x: &str, layer: &LayerWeights, name: &str) -> String {
        let w = self.weight(&format!("{name}.weight"), &[layer.fan_in, layer.fan_out], &layer.w);
        let product = self.op("MatMul", &[x, &w], &format!("{name}.matmul"));
        if layer.b.is_empty() {
            return product;
        }
        let b = self.weight(&format!("{name}.bias"), &[layer.fan_out], &layer.b);
        self.op("Add", &[&product, &b], &format!("{name}.add"))
    }

    /// The raw input scaled as the lab scales it; returns the scaled input's name.
    fn scale(&mut self, x: &str, scaling: &InputScaling) -> String {
        match scaling {
            InputScaling::AsIs => x.to_string(),
            InputScaling::Times(factor) => {
                let factor = self.weight("input_scale", &[], &[*factor]);
                self.op("Mul", &[x, &factor], "scaled")
            }
            InputScaling::Columns { ranges, .. } => {
                // As own_data's import: 2(v - min) / (max - min) - 1; a constant column 0 (span 1, then × 0).
                let n = ranges.len();
                let span = |r: &ColumnRange| if r.max > r.min { r.max - r.min } else { 1.0 };
                let used = |r: &ColumnRange| if r.max > r.min { 1.0 } else { 0.0 };
                let min = self.weight("column.min", &[n], &ranges.iter().map(|r| r.min).collect::<Vec<_>>());
                let spans = self.weight("column.span", &[n], &ranges.iter().map(span).collect::<Vec<_>>());
                let used = self.weight("column.used", &[n], &ranges.iter().map(used).collect::<Vec<_>>());
                let (two, one) = (self.weight("two", &[], &[2.0]), self.weight("one", &[], &[1.0]));
                let shifted = self.op("Sub", &[x, &min], "column.shifted");
                let doubled = self.op("Mul", &[&shifted, &two], "column.doubled");
                let spread = self.op("Div", &[&doubled, &spans], "column.spread");
                let centred = self.op("Sub", &[&spread, &one], "column.centred");
                self.op("Mul", &[&centred, &used], "scaled")
            }
        }
    }

    /// A conv net's front, as `MaskedNet::forward` computes it: the flat image reshaped to `[N, 1, side, side]`,
    /// each valid conv (stride 1, no padding) and its ReLU, one 2×2 max-pool, flattened channel-major; returns the
    /// flat output's name (`x` itself for an MLP).
    fn conv_front(&mut self, weights: &Weights, x: &str) -> String {
        let convs: Vec<_> = weights.layers.iter().filter_map(|l| l.conv.map(|c| (l, c))).collect();
        let Some(&(_, first)) = convs.first() else { return x.to_string() };
        let side = first.side as i64;
        let shape = self.ints("image_shape", &[-1, 1, side, side]);
        let mut y = self.op("Reshape", &[x, &shape], "image");
        for (l, (layer, c)) in convs.iter().enumerate() {
            let w = self.weight(&format!("conv{l}.weight"), &[c.out_ch, c.in_ch, c.k, c.k], &layer.w);
            let b = self.weight(&format!("conv{l}.bias"), &[c.out_ch], &layer.b);
            let out = format!("conv{l}");
            let conv = node("Conv", &[&y, &w, &b], &out).with_ints("kernel_shape", &[c.k as i64, c.k as i64]);
            let out = self.push(conv.with_ints("strides", &[1, 1]), &out);
            y = self.op("Relu", &[&out], &format!("conv{l}.relu"));
        }
        let window = POOL as i64;
        let pool = node("MaxPool", &[&y], "pooled").with_ints("kernel_shape", &[window, window]);
        let pooled = self.push(pool.with_ints("strides", &[window, window]), "pooled");
        self.op("Flatten", &[&pooled], "flat")
    }

    /// Convs, then dense layers with a ReLU between them; the last layer's sum is named `output`.
    fn classifier(&mut self, weights: &Weights, x: &str, output: &str) -> String {
        let mut x = self.conv_front(weights, x);
        let dense: Vec<_> = weights.layers.iter().filter(|l| l.conv.is_none()).collect();
        let last = dense.len() - 1;
        for (l, layer) in dense.into_iter().enumerate() {
            let sum = self.linear(&x, layer, &format!("layer{l}"));
            x = match l == last {
                true => self.op("Identity", &[&sum], output),
                false => self.op("Relu", &[&sum], &format!("layer{l}.relu")),
            };
        }
        x
    }

    /// The grokking-tickets paper's MLP as `MaskedModularMlp::forward` computes it, from the pair's int64 tokens:
    /// both embedding rows, each through the input projection, summed, ReLU, the output projection, unembedded.
    fn modular_mlp(&mut self, weights: &Weights, pair: &str, output: &str) -> Result<String, String> {
        let part = |role: Role| weights.layers.iter().find(|l| l.role == role).ok_or(format!("no {role:?} part"));
        let embed = part(Role::Embedding)?;
        let embedding = self.weight("embedding", &[embed.fan_in, embed.fan_out], &embed.w);
        let tokens = self.op("Gather", &[&embedding, pair], "pair.embedded"); // [N, 2, d_emb]
        let projected = self.linear(&tokens, part(Role::HiddenIn)?, "hidden_in"); // [N, 2, d_hidden]
        let tokens_axis = self.ints("axis.tokens", &[1]);
        let sum = node("ReduceSum", &[&projected, &tokens_axis], "hidden_in.sum").with_int("keepdims", 0);
        let summed = self.push(sum, "hidden_in.sum");
        let hidden = self.op("Relu", &[&summed], "hidden_in.relu");
        let back = self.linear(&hidden, part(Role::HiddenOut)?, "hidden_out");
        let logits = self.linear(&back, part(Role::Unembedding)?, "unembedding");
        Ok(self.op("Identity", &[&logits], output))
    }

    /// The modular-addition transformer as `MaskedTransformer::forward` computes it, from the pair's int64 tokens.
    fn transformer(&mut self, weights: &Weights, heads: usize, pair: &str, output: &str) -> Result<String, String> {
        let part = |role: Role| weights.layers.iter().find(|l| l.role == role).ok_or(format!("no {role:?} part"));
        let (embed, position) = (part(Role::Embedding)?, part(Role::Position)?);
        let (p, d) = (embed.fan_in - 1, embed.fan_out);
        if heads == 0 || d % heads != 0 {
            return Err(format!("{heads} heads do not divide the model width {d}"));
        }
        let (h, dh) = (heads as i64, (d / heads) as i64);
        let embedding = self.weight("embedding", &[p + 1, d], &embed.w);
        let positions = self.weight("position", &[POSITIONS, d], &position.w);
        // a and b: their token rows plus positions 0 and 1, [N, 2, d].
        let tokens = self.op("Gather", &[&embedding, pair], "pair.embedded");
        let first_two = self.ints("positions.pair", &[0, 1]);
        let at = self.op("Gather", &[&positions, &first_two], "pair.positions");
        let ab = self.op("Add", &[&tokens, &at], "pair.stream");
        // "=": its token (row p) plus position 2, [1, d]; the same in every row, and the one position that queries.
        let equals_token = self.ints("equals.token", &[p as i64]);
        let equals_position = self.ints("equals.position", &[2]);
        let e_token = self.op("Gather", &[&embedding, &equals_token], "equals.embedded");
        let e_position = self.op("Gather", &[&positions, &equals_position], "equals.positioned");
        let equals = self.op("Add", &[&e_token, &e_position], "equals");
        let batch = self.push(node("Shape", &[pair], "batch").with_int("end", 1), "batch");
        let row = self.ints("equals.row", &[1, d as i64]);
        let concat = node("Concat", &[&batch, &row], "equals.rows.shape").with_int("axis", 0);
        let rows_shape = self.push(concat, "equals.rows.shape");
        let one_row = self.ints("equals.one_row", &[1, 1, d as i64]);
        let e3 = self.op("Reshape", &[&equals, &one_row], "equals.3d");
        let e_rows = self.op("Expand", &[&e3, &rows_shape], "equals.rows");
        let stream = self.push(node("Concat", &[&ab, &e_rows], "stream").with_int("axis", 1), "stream");
        // Keys and values of the three positions, per head: [N, h, 3, dh].
        let split_shape = self.ints("heads.split", &[0, POSITIONS as i64, h, dh]);
        let per_head = |b: &mut Self, role: Role, name: &str| -> Result<String, String> {
            let product = b.linear(&stream, part(role)?, name);
            let split = b.op("Reshape", &[&product, &split_shape], &format!("{name}.split"));
            let perm = node("Transpose", &[&split], &format!("{name}.heads")).with_ints("perm", &[0, 2, 1, 3]);
            Ok(b.push(perm, &format!("{name}.heads")))
        };
        let keys = per_head(self, Role::Key, "key")?;
        let values = per_head(self, Role::Value, "value")?;
        let query = self.linear(&equals, part(Role::Query)?, "query");
        let query_shape = self.ints("query.shape", &[1, h, 1, dh]);
        let query = self.op("Reshape", &[&query, &query_shape], "query.heads");
        // Scores over the three positions, softmax, the values' weighted sum, heads concatenated.
        let (axis3, axis2) = (self.ints("axis.3", &[3]), self.ints("axis.2", &[2]));
        let kq = self.op("Mul", &[&keys, &query], "scores.products");
        let dot = self.push(node("ReduceSum", &[&kq, &axis3], "scores.dot").with_int("keepdims", 1), "scores.dot");
        let root = self.weight("scores.root_dh", &[], &[(dh as f64).sqrt() as f32]);
        let scores = self.op("Div", &[&dot, &root], "scores");
        let attention = self.push(node("Softmax", &[&scores], "attention").with_int("axis", 2), "attention");
        let weighted = self.op("Mul", &[&attention, &values], "context.products");
        let sum = node("ReduceSum", &[&weighted, &axis2], "context.heads").with_int("keepdims", 1);
        let summed = self.push(sum, "context.heads");
        let flat = self.ints("context.shape", &[-1, d as i64]);
        let context = self.op("Reshape", &[&summed, &flat], "context");
        let out = self.linear(&context, part(Role::AttentionOut)?, "attention_out");
        let resid = self.op("Add", &[&out, &equals], "resid.attention");
        let hidden = self.linear(&resid, part(Role::MlpIn)?, "mlp_in");
        let hidden = self.op("Relu", &[&hidden], "mlp_in.relu");
        let mlp = self.linear(&hidden, part(Role::MlpOut)?, "mlp_out");
        let resid = self.op("Add", &[&resid, &mlp], "resid.mlp");
        let logits = self.linear(&resid, part(Role::Unembedding)?, "unembedding");
        Ok(self.op("Identity", &[&logits], output))
    }
}

/// The ONNX model of a ticket's `weights` (θ ⊙ m: pruned weights are zero) as `spec` describes its graph, with
/// `metadata` (the link, the round) in its properties, and own data's feature names under `input_columns`.
pub fn write(weights: &Weights, spec: &GraphSpec, metadata: &[(&str, String)]) -> Result<Vec<u8>, String> {
    let Some(first) = weights.layers.first() else { return Err("the network has no layers".into()) };
    let names = spec.names;
    let mut b = Builder::default();
    let (input, output) = match first.role {
        Role::Layer => {
            let features = first.conv.map_or(first.fan_in, |c| c.side * c.side);
            let x = b.scale(names.input, &spec.scaling);
            b.classifier(weights, &x, names.output);
            let classes = weights.layers[weights.layers.len() - 1].fan_out;
            (batch_of(names.input, features, FLOAT), batch_of(names.output, classes, FLOAT))
        }
        _ => {
            match weights.layers.iter().any(|l| l.role == Role::HiddenIn) {
                true => b.modular_mlp(weights, names.input, names.output)?,
                false => b.transformer(weights, spec.heads, names.input, names.output)?,
            };
            let p = weights.layers[weights.layers.len() - 1].fan_out;
            (batch_of(names.input, 2, INT64), batch_of(names.output, p, FLOAT))
        }
    };
    let mut metadata = metadata.to_vec();
    if let InputScaling::Columns { names, .. } = &spec.scaling {
        metadata.push(("input_columns", names.join(",")));
    }
    Ok(encode(Graph { nodes: b.nodes, initializers: b.initializers, input, output }, &metadata))
}
