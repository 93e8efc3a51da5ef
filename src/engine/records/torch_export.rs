//! A ticket as PyTorch's pruning leaves a network, in a safetensors file: each pruned tensor as
//! `<module>.weight_orig` (the trained weights) and `<module>.weight_mask` (1 kept, 0 pruned), as
//! `torch.nn.utils.prune` names them, the biases as `<module>.bias`, θ0 as `init.<module>.weight`, and the
//! experiment's link and settings in the file's metadata.
//!
//! A classifier's modules are numbered as in the `nn.Sequential` that computes what the lab computes: each conv
//! then its ReLU, one 2×2 max-pool and a flatten after the convs, each linear layer then its ReLU (none after
//! the last). So an MLP 784-300-100-10 is `nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100),
//! nn.ReLU(), nn.Linear(100, 10))` and its tensors are `0.…`, `2.…`, `4.…`. Linear weights are stored as
//! PyTorch holds them, `[out_features, in_features]` (the lab multiplies x · W with W `[in, out]`); conv
//! weights `[out, in, k, k]` as both hold them. The transformer's parts are named by their role
//! (`embedding`, `query`, …) and stored as the lab holds them, `[in, out]`.

use std::collections::HashMap;

use safetensors::tensor::{Dtype, TensorView};

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::shapes::Role;
use crate::engine::networks::weights::{LayerWeights, Weights};

/// The metadata key of the format tag, and the tag.
pub const FORMAT_KEY: &str = "format";
pub const FORMAT: &str = "lottery-ticket-lab/torch-prune";
/// Modules an `nn.Sequential` spends on a layer: the layer and its ReLU; and after the convs: pool and flatten.
const LAYER_AND_RELU: usize = 2;
const POOL_AND_FLATTEN: usize = 2;

/// The file's metadata as the page and `lottery export` write it: the experiment's link, the round, the share of
/// weights kept, the modules' names in order, and for the transformer its attention `heads`.
pub fn metadata(
    link: &str,
    round: usize,
    weights_remaining: f64,
    weights: &Weights,
    heads: usize,
) -> Vec<(&'static str, String)> {
    let mut metadata = vec![
        ("link", link.to_string()),
        ("round", round.to_string()),
        ("weights_remaining", format!("{weights_remaining:.6}")),
        ("modules", module_names(weights).join(",")),
    ];
    if weights.layers.iter().any(|l| l.role == Role::Query) {
        metadata.push(("heads", heads.to_string()));
    }
    metadata
}

/// Each layer's module name: its `nn.Sequential` index for a classifier, its role for the transformer's parts.
pub fn module_names(weights: &Weights) -> Vec<String> {
    let mut index = 0;
    let mut names = Vec::with_capacity(weights.layers.len());
    let convs = weights.layers.iter().filter(|l| l.conv.is_some()).count();
    for (l, layer) in weights.layers.iter().enumerate() {
        if layer.role != Role::Layer {
            names.push(role_name(layer.role).to_string());
            continue;
        }
        if l == convs && convs > 0 {
            index += POOL_AND_FLATTEN;
        }
        names.push(index.to_string());
        index += LAYER_AND_RELU;
    }
    names
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Layer => "layer",
        Role::Embedding => "embedding",
        Role::Position => "position",
        Role::Query => "query",
        Role::Key => "key",
        Role::Value => "value",
        Role::AttentionOut => "attention_out",
        Role::MlpIn => "mlp_in",
        Role::MlpOut => "mlp_out",
        Role::Unembedding => "unembedding",
        Role::HiddenIn => "hidden_in",
        Role::HiddenOut => "hidden_out",
    }
}

/// A layer's values in PyTorch's layout and its shape there (a linear layer transposed to `[out, in]`).
fn torch_layout(layer: &LayerWeights, values: &[f32]) -> (Vec<f32>, Vec<usize>) {
    let (fan_in, fan_out) = (layer.fan_in, layer.fan_out);
    match (layer.conv, layer.role) {
        (Some(c), _) => (values.to_vec(), vec![c.out_ch, c.in_ch, c.k, c.k]),
        (None, Role::Layer) => {
            let transposed = (0..fan_out).flat_map(|o| (0..fan_in).map(move |i| values[i * fan_out + o])).collect();
            (transposed, vec![fan_out, fan_in])
        }
        (None, _) => (values.to_vec(), vec![fan_in, fan_out]),
    }
}

/// The safetensors file: the trained weights (`weights`), the mask, θ0 (`theta0`) and `metadata` (the link, the
/// round, …; the format tag is added).
pub fn write(weights: &Weights, mask: &Mask, theta0: &Weights, metadata: &[(&str, String)]) -> Result<Vec<u8>, String> {
    let names = module_names(weights);
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    let mut add = |name: String, shape: Vec<usize>, values: &[f32]| {
        tensors.push((name, shape, values.iter().flat_map(|v| v.to_le_bytes()).collect()));
    };
    for (((layer, m), init), name) in weights.layers.iter().zip(&mask.layers).zip(&theta0.layers).zip(&names) {
        let keep: Vec<f32> = m.keep.iter().map(|&k| f32::from(u8::from(k))).collect();
        let (orig, shape) = torch_layout(layer, &layer.w);
        add(format!("{name}.weight_orig"), shape.clone(), &orig);
        add(format!("{name}.weight_mask"), shape.clone(), &torch_layout(layer, &keep).0);
        add(format!("init.{name}.weight"), shape, &torch_layout(init, &init.w).0);
        if !layer.b.is_empty() {
            add(format!("{name}.bias"), vec![layer.b.len()], &layer.b);
        }
    }
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F32, shape.clone(), bytes).map(|v| (name.clone(), v)).map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut info: HashMap<String, String> = metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    info.insert(FORMAT_KEY.into(), FORMAT.into());
    safetensors::tensor::serialize(views, Some(info)).map_err(|e| e.to_string())
}
