//! A classifier's ticket as an ONNX model (opset 17): its forward pass (convs, a max-pool, then the MLP) with the
//! trained weights, the pruned ones exactly zero, and the input scaling the lab applies inside the graph, so raw
//! inputs go in as they are (an image set's raw pixel values; a 2D set's point, which the lab feeds as it is).
//! Input and output named as the task has them ([`GraphNames::of`]): a classifier's `input` `[N, features]` and
//! `logits` `[N, classes]`, the policy's `observation` and `action_logits`, the generator's `noise` and `point`, a
//! regression's `point` and `value`; the experiment's link in the model's metadata.
//!
//! The protobuf is written by prost (tokio-rs's, the Rust protobuf crate most used) from the message types below:
//! the subset of onnx.proto (ONNX 1.17) a dense network needs, each field with onnx.proto's own number, so a
//! reader of ONNX (ONNX Runtime, Netron) reads it; a code generator at build time would have needed protoc.
//! Dense, as ONNX Runtime holds it: it turns sparse initializers dense at load, so the saving is the compact
//! file's, not this one's.

use prost::Message;

use crate::engine::config::ExperimentConfig;
use crate::engine::networks::shapes::{POOL, Role};
use crate::engine::networks::weights::Weights;
use crate::engine::tasks::Task;

/// The opset the graph is written for, and the IR version that goes with it (onnx/docs/Versioning.md).
pub const OPSET: i64 = 17;
const IR_VERSION: i64 = 8;
/// TensorProto.DataType FLOAT and INT64.
const FLOAT: i32 = 1;
const INT64: i32 = 7;
/// AttributeProto.AttributeType INTS.
const INTS: i32 = 7;

#[derive(Clone, PartialEq, Message)]
struct ModelProto {
    #[prost(int64, tag = "1")]
    ir_version: i64,
    #[prost(string, tag = "2")]
    producer_name: String,
    #[prost(string, tag = "3")]
    producer_version: String,
    #[prost(string, tag = "6")]
    doc_string: String,
    #[prost(message, optional, tag = "7")]
    graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    opset_import: Vec<OperatorSetIdProto>,
    #[prost(message, repeated, tag = "14")]
    metadata_props: Vec<StringStringEntryProto>,
}

#[derive(Clone, PartialEq, Message)]
struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    domain: String,
    #[prost(int64, tag = "2")]
    version: i64,
}

#[derive(Clone, PartialEq, Message)]
struct StringStringEntryProto {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(string, tag = "2")]
    value: String,
}

#[derive(Clone, PartialEq, Message)]
struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    node: Vec<NodeProto>,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(message, repeated, tag = "5")]
    initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    output: Vec<String>,
    #[prost(string, tag = "3")]
    name: String,
    #[prost(string, tag = "4")]
    op_type: String,
    #[prost(message, repeated, tag = "5")]
    attribute: Vec<AttributeProto>,
}

#[derive(Clone, PartialEq, Message)]
struct AttributeProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(int64, repeated, tag = "8")]
    ints: Vec<i64>,
    #[prost(int32, tag = "20")]
    r#type: i32,
}

fn ints(name: &str, values: &[i64]) -> AttributeProto {
    AttributeProto { name: name.into(), ints: values.to_vec(), r#type: INTS }
}

#[derive(Clone, PartialEq, Message)]
struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    data_type: i32,
    #[prost(string, tag = "8")]
    name: String,
    /// Little-endian values, as onnx.proto's raw_data.
    #[prost(bytes = "vec", tag = "9")]
    raw_data: Vec<u8>,
}

#[derive(Clone, PartialEq, Message)]
struct ValueInfoProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(message, optional, tag = "2")]
    r#type: Option<TypeProto>,
}

#[derive(Clone, PartialEq, Message)]
struct TypeProto {
    #[prost(message, optional, tag = "1")]
    tensor_type: Option<TensorTypeProto>,
}

#[derive(Clone, PartialEq, Message)]
struct TensorTypeProto {
    #[prost(int32, tag = "1")]
    elem_type: i32,
    #[prost(message, optional, tag = "2")]
    shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, Message)]
struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    dim: Vec<Dimension>,
}

#[derive(Clone, PartialEq, Message)]
struct Dimension {
    #[prost(int64, optional, tag = "1")]
    dim_value: Option<i64>,
    #[prost(string, optional, tag = "2")]
    dim_param: Option<String>,
}

fn tensor(name: &str, dims: &[usize], values: &[f32]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: FLOAT,
        name: name.into(),
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

/// A float tensor `[N, width]` with N named "N" (any batch).
fn batch_of(name: &str, width: usize) -> ValueInfoProto {
    let dim = vec![
        Dimension { dim_value: None, dim_param: Some("N".into()) },
        Dimension { dim_value: Some(width as i64), dim_param: None },
    ];
    let shape = Some(TensorShapeProto { dim });
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto { tensor_type: Some(TensorTypeProto { elem_type: FLOAT, shape }) }),
    }
}

fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: output.into(),
        op_type: op.into(),
        attribute: Vec::new(),
    }
}

/// A conv net's front, as `MaskedNet::forward` computes it: the flat image reshaped to `[N, 1, side, side]`, each
/// valid 3×3 conv (stride 1, no padding) and its ReLU, one 2×2 max-pool, flattened channel-major; returns the
/// name of the flat output.
fn conv_front(weights: &Weights, x: &str, nodes: &mut Vec<NodeProto>, initializers: &mut Vec<TensorProto>) -> String {
    let convs: Vec<_> = weights.layers.iter().filter_map(|l| l.conv.map(|c| (l, c))).collect();
    let Some(&(_, first)) = convs.first() else { return x.to_string() };
    let side = first.side as i64;
    initializers.push(TensorProto {
        dims: vec![4],
        data_type: INT64,
        name: "image_shape".into(),
        raw_data: [-1i64, 1, side, side].iter().flat_map(|v| v.to_le_bytes()).collect(),
    });
    nodes.push(node("Reshape", &[x, "image_shape"], "image"));
    let mut y = "image".to_string();
    for (l, (layer, c)) in convs.iter().enumerate() {
        let (w, b) = (format!("conv{l}.weight"), format!("conv{l}.bias"));
        initializers.push(tensor(&w, &[c.out_ch, c.in_ch, c.k, c.k], &layer.w));
        initializers.push(tensor(&b, &[c.out_ch], &layer.b));
        let out = format!("conv{l}");
        let mut conv = node("Conv", &[&y, &w, &b], &out);
        conv.attribute = vec![ints("kernel_shape", &[c.k as i64, c.k as i64]), ints("strides", &[1, 1])];
        nodes.push(conv);
        y = format!("conv{l}.relu");
        nodes.push(node("Relu", &[&out], &y));
    }
    let mut pool = node("MaxPool", &[&y], "pooled");
    let window = POOL as i64;
    pool.attribute = vec![ints("kernel_shape", &[window, window]), ints("strides", &[window, window])];
    nodes.push(pool);
    nodes.push(node("Flatten", &["pooled"], "flat"));
    "flat".into()
}

/// What the lab multiplies a raw input by: an image set's 1 / its largest stored value
/// ([`DatasetName::stored_max`](crate::engine::DatasetName::stored_max)); None for a 2D set, whose points go in as
/// they are. Own data is scaled per column from the imported file, which the graph does not carry yet: refused.
pub fn raw_input_scale(config: &ExperimentConfig) -> Result<Option<f32>, String> {
    if config.own_shape().is_some() {
        return Err("own data is scaled per column by the lab; the ONNX graph does not carry that yet".into());
    }
    Ok(config.data.dataset.stored_max().map(|max| 1.0 / f32::from(max)))
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

    /// The names of `config`'s task (the transformer's are the classifier's: the writer refuses it anyway).
    pub fn of(config: &ExperimentConfig) -> Self {
        match Task::of(config) {
            Task::CartPole => GraphNames { input: "observation", output: "action_logits" },
            Task::Gan => GraphNames { input: "noise", output: "point" },
            Task::Regression => GraphNames { input: "point", output: "value" },
            Task::Classification | Task::ModularAddition { .. } => Self::CLASSIFIER,
        }
    }
}

/// The ONNX model of a classifier's `weights` (θ ⊙ m: pruned weights are zero; convs, then an MLP), its input
/// first multiplied by `input_scale` where the lab scales raw inputs (an image set's 1 / its largest pixel
/// value), its input and output called `names`, and `metadata` (the link, the round) in its properties. Any MLP
/// (a policy's actor, a generator) is drawn the same way. Refused for the transformer, which this writer does not
/// draw yet.
pub fn write(
    weights: &Weights,
    input_scale: Option<f32>,
    names: GraphNames,
    metadata: &[(&str, String)],
) -> Result<Vec<u8>, String> {
    if weights.layers.is_empty() || weights.layers.iter().any(|l| l.role != Role::Layer) {
        return Err("the ONNX export draws a classifier (convs, then an MLP); this network is the transformer".into());
    }
    let features = match weights.layers[0].conv {
        Some(c) => c.side * c.side,
        None => weights.layers[0].fan_in,
    };
    let classes = weights.layers[weights.layers.len() - 1].fan_out;
    let mut nodes = Vec::new();
    let mut initializers = Vec::new();
    let mut x = names.input.to_string();
    if let Some(scale) = input_scale {
        initializers.push(tensor("input_scale", &[], &[scale]));
        nodes.push(node("Mul", &[names.input, "input_scale"], "scaled"));
        x = "scaled".into();
    }
    x = conv_front(weights, &x, &mut nodes, &mut initializers);
    let dense: Vec<_> = weights.layers.iter().filter(|l| l.conv.is_none()).collect();
    let last = dense.len() - 1;
    for (l, layer) in dense.into_iter().enumerate() {
        let (w, b) = (format!("layer{l}.weight"), format!("layer{l}.bias"));
        initializers.push(tensor(&w, &[layer.fan_in, layer.fan_out], &layer.w));
        initializers.push(tensor(&b, &[layer.fan_out], &layer.b));
        let product = format!("layer{l}.matmul");
        nodes.push(node("MatMul", &[&x, &w], &product));
        let sum = if l == last { names.output.to_string() } else { format!("layer{l}.add") };
        nodes.push(node("Add", &[&product, &b], &sum));
        x = match l == last {
            true => sum,
            false => {
                let relu = format!("layer{l}.relu");
                nodes.push(node("Relu", &[&sum], &relu));
                relu
            }
        };
    }
    let graph = GraphProto {
        node: nodes,
        name: "ticket".into(),
        initializer: initializers,
        input: vec![batch_of(names.input, features)],
        output: vec![batch_of(names.output, classes)],
    };
    let model = ModelProto {
        ir_version: IR_VERSION,
        producer_name: "lottery-ticket-lab".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string: "A lottery ticket: the trained network with its pruned weights at zero.".into(),
        graph: Some(graph),
        opset_import: vec![OperatorSetIdProto { domain: String::new(), version: OPSET }],
        metadata_props: metadata
            .iter()
            .map(|(k, v)| StringStringEntryProto { key: k.to_string(), value: v.clone() })
            .collect(),
    };
    Ok(model.encode_to_vec())
}
