//! A ticket run as what it is: a sparse network. Each dense layer's surviving weights in compressed sparse rows
//! (CSR: for each input, the outputs it still feeds and by how much), so a forward pass does one multiply-add
//! per surviving weight instead of one per weight. It computes what the masked dense network computes (θ ⊙ m,
//! then x·W + b, ReLU between layers), on the host, the same natively and in the page.
//!
//! Conv layers are not here: a conv's surviving weights are shared across every position of the image, so its
//! cost is set by the kernel's positions, and the lab's conv nets (Conv-2, LeNet-5-like) are small beside
//! their dense layers. [`SparseMlp::of`] refuses a network with convs (the transformer likewise) and says so.

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::shapes::Role;
use crate::engine::networks::weights::{LayerWeights, Weights};

/// One dense layer's surviving weights, in compressed sparse rows over its inputs.
#[derive(Clone, Debug, PartialEq)]
pub struct SparseLayer {
    pub fan_in: usize,
    pub fan_out: usize,
    /// Where input i's surviving weights start in `outputs` and `values` (fan_in + 1 entries, the last the count).
    starts: Vec<u32>,
    /// The output each surviving weight feeds, ascending within an input.
    outputs: Vec<u32>,
    values: Vec<f32>,
    bias: Vec<f32>,
}

impl SparseLayer {
    /// Layer `w` ([fan_in, fan_out], row-major, as [`LayerWeights`] holds it) under `keep`: only the kept
    /// weights are stored (a kept weight that trained to exactly 0 is stored too: the mask says what survives).
    pub fn new(layer: &LayerWeights, keep: &[bool]) -> Self {
        let (fan_in, fan_out) = (layer.fan_in, layer.fan_out);
        assert_eq!(keep.len(), fan_in * fan_out, "mask and layer disagree on shape");
        let mut starts = Vec::with_capacity(fan_in + 1);
        let (mut outputs, mut values) = (Vec::new(), Vec::new());
        starts.push(0);
        for i in 0..fan_in {
            for j in 0..fan_out {
                let at = i * fan_out + j;
                if keep[at] {
                    outputs.push(j as u32);
                    values.push(layer.w[at]);
                }
            }
            starts.push(outputs.len() as u32);
        }
        Self { fan_in, fan_out, starts, outputs, values, bias: layer.b.clone() }
    }

    /// Surviving weights.
    pub fn kept(&self) -> usize {
        self.values.len()
    }

    /// `x` ([batch, fan_in], row-major) through the layer: x·W + b, [batch, fan_out].
    pub fn forward(&self, x: &[f32], batch: usize) -> Vec<f32> {
        debug_assert_eq!(x.len(), batch * self.fan_in);
        let mut y = Vec::with_capacity(batch * self.fan_out);
        for row in x.chunks_exact(self.fan_in) {
            let at = y.len();
            y.extend_from_slice(&self.bias);
            let out = &mut y[at..];
            for (i, &xi) in row.iter().enumerate() {
                // An input that is 0 (after a ReLU, most are) adds nothing.
                if xi == 0.0 {
                    continue;
                }
                let (s, e) = (self.starts[i] as usize, self.starts[i + 1] as usize);
                for (&j, &v) in self.outputs[s..e].iter().zip(&self.values[s..e]) {
                    out[j as usize] += xi * v;
                }
            }
        }
        y
    }
}

/// A ticket's MLP as sparse layers: ReLU between them, logits out.
#[derive(Clone, Debug, PartialEq)]
pub struct SparseMlp {
    pub layers: Vec<SparseLayer>,
}

impl SparseMlp {
    /// The masked network `weights` ⊙ `mask` as sparse layers; refused for a network with conv layers or
    /// transformer parts (those stay dense: see the module's note).
    pub fn of(weights: &Weights, mask: &Mask) -> Result<Self, String> {
        if weights.layers.iter().any(|l| l.conv.is_some() || l.role != Role::Layer) {
            return Err("the sparse kernel runs dense layers; this network has conv layers or transformer parts".into());
        }
        if weights.layers.len() != mask.layers.len() || weights.layers.is_empty() {
            return Err("the mask and the weights disagree on their layers".into());
        }
        let layers = weights.layers.iter().zip(&mask.layers).map(|(l, m)| SparseLayer::new(l, &m.keep)).collect();
        Ok(Self { layers })
    }

    /// Logits for `x` ([batch, features], row-major): [batch, classes].
    pub fn forward(&self, x: &[f32], batch: usize) -> Vec<f32> {
        let last = self.layers.len() - 1;
        let mut h = x.to_vec();
        for (l, layer) in self.layers.iter().enumerate() {
            h = layer.forward(&h, batch);
            if l < last {
                h.iter_mut().for_each(|v| *v = v.max(0.0));
            }
        }
        h
    }
}
