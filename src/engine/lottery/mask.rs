//! The binary mask over every prunable weight: one `keep` flag per weight,
//! layer by layer. Biases have no mask: they are never pruned.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::networks::shapes::LayerShape;

/// The mask of one weight matrix, `fan_in × fan_out`, row-major.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerMask {
    pub fan_in: usize,
    pub fan_out: usize,
    /// Bit-packed keep flags (LSB first), base64, in serialised form.
    #[serde(with = "packed")]
    pub keep: Vec<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mask {
    pub layers: Vec<LayerMask>,
}

impl LayerMask {
    pub fn dense(fan_in: usize, fan_out: usize) -> Self {
        Self { fan_in, fan_out, keep: vec![true; fan_in * fan_out] }
    }
    pub fn len(&self) -> usize {
        self.keep.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keep.is_empty()
    }
    pub fn remaining(&self) -> usize {
        self.keep.iter().filter(|k| **k).count()
    }
    pub fn density(&self) -> f64 {
        self.remaining() as f64 / self.len().max(1) as f64
    }
    /// The mask as 0.0 / 1.0, for multiplying into the weight.
    pub(crate) fn as_f32(&self) -> Vec<f32> {
        self.keep.iter().map(|&k| if k { 1.0 } else { 0.0 }).collect()
    }
}

impl Mask {
    /// All weights kept, for a network's layer shapes (convs included; an
    /// experiment's are `config.shapes()`).
    pub fn dense(shapes: &[LayerShape]) -> Self {
        Self { layers: shapes.iter().map(|s| LayerMask::dense(s.fan_in, s.fan_out)).collect() }
    }
    pub fn total(&self) -> usize {
        self.layers.iter().map(LayerMask::len).sum()
    }
    pub fn remaining(&self) -> usize {
        self.layers.iter().map(LayerMask::remaining).sum()
    }
    /// Fraction of all prunable weights that remain, 0..=1.
    pub fn density(&self) -> f64 {
        self.remaining() as f64 / self.total().max(1) as f64
    }
    pub fn layer_densities(&self) -> Vec<f64> {
        self.layers.iter().map(LayerMask::density).collect()
    }
    /// Whether this mask's layers are not those of `shapes` (a mask read from a file, checked before use).
    pub(crate) fn shapes_differ(&self, shapes: &[LayerShape]) -> bool {
        self.layers.len() != shapes.len()
            || self
                .layers
                .iter()
                .zip(shapes)
                .any(|(m, s)| (m.fan_in, m.fan_out) != (s.fan_in, s.fan_out) || m.keep.len() != s.weights())
    }
    /// Every weight kept here is kept in `outer` (masks shrink across rounds).
    pub fn is_subset_of(&self, outer: &Mask) -> bool {
        self.layers.len() == outer.layers.len()
            && self
                .layers
                .iter()
                .zip(&outer.layers)
                .all(|(a, b)| a.len() == b.len() && a.keep.iter().zip(&b.keep).all(|(&x, &y)| !x || y))
    }
    /// Normalised Hamming distance: the fraction of weights whose flag differs.
    pub fn hamming(&self, other: &Mask) -> f64 {
        let differ: usize = self
            .layers
            .iter()
            .zip(&other.layers)
            .map(|(a, b)| a.keep.iter().zip(&b.keep).filter(|(x, y)| x != y).count())
            .sum();
        differ as f64 / self.total().max(1) as f64
    }
}

/// Serde adapter: `Vec<bool>` as base64 of LSB-first packed bits, so a
/// LeNet mask is 33 KB of JSON rather than 1.5 MB.
mod packed {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub(crate) fn pack(bits: &[bool]) -> Vec<u8> {
        let mut out = vec![0u8; bits.len().div_ceil(8)];
        for (i, &b) in bits.iter().enumerate() {
            if b {
                out[i / 8] |= 1 << (i % 8);
            }
        }
        out
    }

    pub(crate) fn serialize<S: Serializer>(bits: &[bool], s: S) -> Result<S::Ok, S::Error> {
        let mut text = bits.len().to_string();
        text.push(':');
        text.push_str(&base64::engine::general_purpose::STANDARD_NO_PAD.encode(pack(bits)));
        s.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<bool>, D::Error> {
        use serde::de::Error;
        let text = String::deserialize(d)?;
        let (len, b64) = text.split_once(':').ok_or_else(|| D::Error::custom("mask: expected LEN:BASE64"))?;
        let len: usize = len.parse().map_err(|_| D::Error::custom("mask: bad length"))?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(b64)
            .map_err(|e| D::Error::custom(format!("mask: {e}")))?;
        if bytes.len() != len.div_ceil(8) {
            return Err(D::Error::custom(format!("mask: {} bytes for {len} flags", bytes.len())));
        }
        Ok((0..len).map(|i| bytes[i / 8] & (1 << (i % 8)) != 0).collect())
    }
}
