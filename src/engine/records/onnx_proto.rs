//! The subset of onnx.proto (ONNX 1.17) the lab's graphs need, as prost messages, and the few builders
//! [`onnx_export`](super::onnx_export) draws its graphs with.
//!
//! prost (tokio-rs's, the Rust protobuf crate most used) encodes the messages; each field carries onnx.proto's
//! own number, so any reader of ONNX (ONNX Runtime, Netron) reads the file. A code generator at build time would
//! have needed protoc, which the page's build does not have.

use prost::Message;

/// The opset the graphs are written for, and the IR version that goes with it (onnx/docs/Versioning.md).
pub const OPSET: i64 = 17;
const IR_VERSION: i64 = 8;
/// TensorProto.DataType FLOAT and INT64.
pub const FLOAT: i32 = 1;
pub const INT64: i32 = 7;
/// AttributeProto.AttributeType INT and INTS.
const INT: i32 = 2;
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
pub struct NodeProto {
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
    #[prost(int64, tag = "3")]
    i: i64,
    #[prost(int64, repeated, tag = "8")]
    ints: Vec<i64>,
    #[prost(int32, tag = "20")]
    r#type: i32,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorProto {
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
pub struct ValueInfoProto {
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

/// A float initializer of shape `dims`.
pub fn tensor(name: &str, dims: &[usize], values: &[f32]) -> TensorProto {
    TensorProto {
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: FLOAT,
        name: name.into(),
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

/// A one-dimensional int64 initializer: a shape, indices or axes.
pub fn int64s(name: &str, values: &[i64]) -> TensorProto {
    TensorProto {
        dims: vec![values.len() as i64],
        data_type: INT64,
        name: name.into(),
        raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
    }
}

/// A tensor `[N, width]` of `elem_type` with N named "N" (any batch).
pub fn batch_of(name: &str, width: usize, elem_type: i32) -> ValueInfoProto {
    let dim = vec![
        Dimension { dim_value: None, dim_param: Some("N".into()) },
        Dimension { dim_value: Some(width as i64), dim_param: None },
    ];
    let shape = Some(TensorShapeProto { dim });
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto { tensor_type: Some(TensorTypeProto { elem_type, shape }) }),
    }
}

/// One operator, named after its output.
pub fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        name: output.into(),
        op_type: op.into(),
        attribute: Vec::new(),
    }
}

impl NodeProto {
    /// With an integer attribute (an axis, keepdims).
    pub fn with_int(mut self, name: &str, value: i64) -> Self {
        self.attribute.push(AttributeProto { name: name.into(), i: value, ints: Vec::new(), r#type: INT });
        self
    }

    /// With a list-of-integers attribute (a kernel shape, strides, a permutation).
    pub fn with_ints(mut self, name: &str, values: &[i64]) -> Self {
        self.attribute.push(AttributeProto { name: name.into(), i: 0, ints: values.to_vec(), r#type: INTS });
        self
    }
}

/// A graph: its operators in order, its initializers, one input and one output.
pub struct Graph {
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<TensorProto>,
    pub input: ValueInfoProto,
    pub output: ValueInfoProto,
}

/// The model file: `graph` with the opset, the producer and `metadata` in its properties.
pub fn encode(graph: Graph, metadata: &[(&str, String)]) -> Vec<u8> {
    let graph = GraphProto {
        node: graph.nodes,
        name: "ticket".into(),
        initializer: graph.initializers,
        input: vec![graph.input],
        output: vec![graph.output],
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
    model.encode_to_vec()
}
