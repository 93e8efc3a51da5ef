//! The lab's compact sparse form of a trained network: per layer only the surviving weights, their positions
//! delta-coded, their values in f32, f16 or int8 (one scale per layer), the biases as they are. Its length is
//! what the page and the report quote as the ticket's size, and it reads back into the same network (f32: bit
//! for bit), so the size is of a file that works, not an estimate.
//!
//! Layout (little-endian throughout; README "The compact ticket file" says the same for a reader without the
//! lab):
//! ```text
//! "LTLC"                          4 bytes, the magic
//! header length H                 u32
//! header                          H bytes of UTF-8 JSON: {"format", "version", "precision", "link", "layers":
//!                                 [{"fan_in", "fan_out", "conv", "role"}, …]}
//! for each layer, in header order:
//!   kept K                        u32: surviving weights
//!   index bytes B                 u32
//!   positions                     B bytes: K LEB128 varints; the first is the first surviving weight's flat index
//!                                 in the row-major [fan_in, fan_out] matrix (a conv's [out, in, k, k]), each next
//!                                 the step from the one before (≥ 1)
//!   scale                         f32, int8 only: a value is its byte (two's complement) × scale
//!   values                        K × 4 (f32), 2 (IEEE half) or 1 (int8) bytes
//!   biases                        u32 count, then that many f32
//! CRC-32 (IEEE)                   u32 of every byte before it
//! ```

use serde::{Deserialize, Serialize};

use crate::engine::lottery::mask::{LayerMask, Mask};
use crate::engine::networks::shapes::{ConvShape, Role};
use crate::engine::networks::weights::{LayerWeights, Weights};

/// The file's first four bytes.
pub const MAGIC: &[u8; 4] = b"LTLC";
/// The header's format tag.
pub const FORMAT: &str = "lottery-ticket-lab/compact";
/// The layout version this reader knows.
pub const VERSION: u32 = 1;
/// The most a file may claim to hold, before it is read (a ticket of the lab's largest network is a few MB).
pub const MAX_BYTES: usize = 64 << 20;
/// int8's largest magnitude: a layer's largest surviving value maps to ±127.
const INT8_MAX: f32 = 127.0;

/// How the surviving values are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// As trained: reads back bit for bit.
    F32,
    /// IEEE half precision: 2 bytes a value.
    F16,
    /// One byte a value and one f32 scale per layer (symmetric, the largest magnitude at ±127).
    Int8,
}

impl Precision {
    pub const ALL: [Precision; 3] = [Precision::F32, Precision::F16, Precision::Int8];

    fn bytes(self) -> usize {
        match self {
            Precision::F32 => 4,
            Precision::F16 => 2,
            Precision::Int8 => 1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Int8 => "int8",
        }
    }
}

/// Why a compact file was refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum CompactError {
    #[error("not a compact ticket file (it does not start with LTLC)")]
    NotCompact,
    #[error("the file ends early: {0}")]
    Truncated(&'static str),
    #[error("the file is damaged: its checksum does not match its bytes")]
    Checksum,
    #[error("the header is not readable: {0}")]
    Header(String),
    #[error("version {0} is not supported (this lab reads version {VERSION})")]
    Version(u32),
    #[error("layer {layer}: {what}")]
    Layer { layer: usize, what: String },
    #[error("the file is {0} bytes; at most {MAX_BYTES}")]
    TooLarge(usize),
}

/// One layer's shape in the header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct LayerHead {
    fan_in: usize,
    fan_out: usize,
    #[serde(default)]
    conv: Option<ConvShape>,
    #[serde(default)]
    role: Role,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    precision: Precision,
    /// The experiment's link (its whole configuration), so the file says what it is.
    link: String,
    layers: Vec<LayerHead>,
}

/// A compact ticket read back: the network (its pruned weights exactly zero) and its mask.
#[derive(Clone, Debug, PartialEq)]
pub struct CompactTicket {
    pub precision: Precision,
    pub link: String,
    pub weights: Weights,
    pub mask: Mask,
}

/// `weights` under `mask` as a compact file at `precision`, with the experiment's `link` in its header.
pub fn write(weights: &Weights, mask: &Mask, precision: Precision, link: &str) -> Vec<u8> {
    assert_eq!(weights.layers.len(), mask.layers.len(), "mask and weights disagree on layers");
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        precision,
        link: link.into(),
        layers: weights
            .layers
            .iter()
            .map(|l| LayerHead { fan_in: l.fan_in, fan_out: l.fan_out, conv: l.conv, role: l.role })
            .collect(),
    };
    let header = serde_json::to_vec(&header).expect("a header serialises");
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    put_u32(&mut out, header.len());
    out.extend_from_slice(&header);
    for (l, m) in weights.layers.iter().zip(&mask.layers) {
        let kept: Vec<usize> = m.keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i).collect();
        let mut positions = Vec::new();
        let mut last = None;
        for &i in &kept {
            put_varint(&mut positions, last.map_or(i, |p: usize| i - p) as u64);
            last = Some(i);
        }
        put_u32(&mut out, kept.len());
        put_u32(&mut out, positions.len());
        out.extend_from_slice(&positions);
        let values = kept.iter().map(|&i| l.w[i]);
        match precision {
            Precision::F32 => values.for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
            Precision::F16 => values.for_each(|v| out.extend_from_slice(&half::f16::from_f32(v).to_le_bytes())),
            Precision::Int8 => {
                let scale = int8_scale(kept.iter().map(|&i| l.w[i]));
                out.extend_from_slice(&scale.to_le_bytes());
                values.for_each(|v| out.push(quantise(v, scale) as u8));
            }
        }
        put_u32(&mut out, l.b.len());
        l.b.iter().for_each(|b| out.extend_from_slice(&b.to_le_bytes()));
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Bytes the compact file of `weights` under `mask` takes at `precision` (what [`write`] returns, counted).
pub fn size(weights: &Weights, mask: &Mask, precision: Precision, link: &str) -> usize {
    write(weights, mask, precision, link).len()
}

/// int8's scale for a layer's surviving values: the largest magnitude at ±127 (1 for a layer with none).
fn int8_scale(values: impl Iterator<Item = f32>) -> f32 {
    let largest = values.fold(0.0f32, |m, v| m.max(v.abs()));
    if largest > 0.0 { largest / INT8_MAX } else { 1.0 }
}

fn quantise(v: f32, scale: f32) -> i8 {
    (v / scale).round().clamp(-INT8_MAX, INT8_MAX) as i8
}

fn put_u32(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// LEB128: seven bits a byte, low first, the high bit set on every byte but the last.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a file front to back, refusing what runs past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], CompactError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or(CompactError::Truncated(what))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u32(&mut self, what: &'static str) -> Result<usize, CompactError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn f32(&mut self, what: &'static str) -> Result<f32, CompactError> {
        let b = self.take(4, what)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// A compact file read back, or why not: every count is checked against the file's length and the layer's
/// shape, and the checksum against its bytes, before anything is built from it.
pub fn read(bytes: &[u8]) -> Result<CompactTicket, CompactError> {
    if bytes.len() > MAX_BYTES {
        return Err(CompactError::TooLarge(bytes.len()));
    }
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CompactError::NotCompact);
    }
    let Some(body_len) = bytes.len().checked_sub(4).filter(|&n| n >= MAGIC.len() + 4) else {
        return Err(CompactError::Truncated("the header length"));
    };
    let (body, crc) = bytes.split_at(body_len);
    if crc32fast::hash(body) != u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]) {
        return Err(CompactError::Checksum);
    }
    let mut r = Reader { bytes: body, at: MAGIC.len() };
    let header_len = r.u32("the header length")?;
    let header: Header =
        serde_json::from_slice(r.take(header_len, "the header")?).map_err(|e| CompactError::Header(e.to_string()))?;
    if header.format != FORMAT {
        return Err(CompactError::Header(format!("its format is {:?}, not {FORMAT:?}", header.format)));
    }
    if header.version != VERSION {
        return Err(CompactError::Version(header.version));
    }
    let mut layers = Vec::with_capacity(header.layers.len());
    let mut masks = Vec::with_capacity(header.layers.len());
    for (n, head) in header.layers.iter().enumerate() {
        let (layer, mask) = read_layer(&mut r, head, header.precision).map_err(|what| match what {
            LayerFault::Truncated(what) => CompactError::Truncated(what),
            LayerFault::Bad(what) => CompactError::Layer { layer: n, what },
        })?;
        layers.push(layer);
        masks.push(mask);
    }
    if r.at != body.len() {
        return Err(CompactError::Header(format!("{} bytes follow the last layer", body.len() - r.at)));
    }
    Ok(CompactTicket {
        precision: header.precision,
        link: header.link,
        weights: Weights { layers },
        mask: Mask { layers: masks },
    })
}

enum LayerFault {
    Truncated(&'static str),
    Bad(String),
}

impl From<CompactError> for LayerFault {
    fn from(e: CompactError) -> Self {
        match e {
            CompactError::Truncated(what) => LayerFault::Truncated(what),
            other => LayerFault::Bad(other.to_string()),
        }
    }
}

fn read_layer(r: &mut Reader, head: &LayerHead, precision: Precision) -> Result<(LayerWeights, LayerMask), LayerFault> {
    let n = head.fan_in.checked_mul(head.fan_out).filter(|&n| n <= MAX_BYTES).ok_or_else(|| {
        LayerFault::Bad(format!("a {} × {} layer is larger than any file could hold", head.fan_in, head.fan_out))
    })?;
    let kept = r.u32("a layer's count")?;
    if kept > n {
        return Err(LayerFault::Bad(format!("{kept} surviving weights in a layer of {n}")));
    }
    let index_bytes = r.u32("a layer's index length")?;
    let mut positions = r.take(index_bytes, "a layer's positions")?.iter();
    let mut keep = vec![false; n];
    let mut at: Option<usize> = None;
    for _ in 0..kept {
        let step = varint(&mut positions).ok_or(LayerFault::Bad("its positions end early".into()))?;
        let next = match at {
            None => Some(step as usize),
            Some(_) if step == 0 => None,
            Some(p) => p.checked_add(step as usize),
        };
        match next.filter(|&i| i < n) {
            Some(i) => {
                keep[i] = true;
                at = Some(i);
            }
            None => return Err(LayerFault::Bad(format!("a position past its {n} weights, or one repeated"))),
        }
    }
    if positions.next().is_some() {
        return Err(LayerFault::Bad("its positions run past its count".into()));
    }
    let mut w = vec![0.0f32; n];
    let scale = match precision {
        Precision::Int8 => r.f32("a layer's scale")?,
        _ => 0.0,
    };
    let raw = r.take(kept * precision.bytes(), "a layer's values")?;
    let values: Vec<f32> = match precision {
        Precision::F32 => raw.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect(),
        Precision::F16 => raw.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect(),
        Precision::Int8 => raw.iter().map(|&q| q as i8 as f32 * scale).collect(),
    };
    if values.iter().any(|v| !v.is_finite()) {
        return Err(LayerFault::Bad("a value is not a finite number".into()));
    }
    let kept_at = keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i);
    for (i, v) in kept_at.zip(values) {
        w[i] = v;
    }
    let biases = r.u32("a layer's bias count")?;
    if biases != head.fan_out && biases != 0 {
        return Err(LayerFault::Bad(format!("{biases} biases for {} outputs", head.fan_out)));
    }
    let b: Vec<f32> = (0..biases).map(|_| r.f32("a layer's biases")).collect::<Result<_, _>>()?;
    let layer = LayerWeights { fan_in: head.fan_in, fan_out: head.fan_out, conv: head.conv, role: head.role, w, b };
    Ok((layer, LayerMask { fan_in: head.fan_in, fan_out: head.fan_out, keep }))
}

/// One LEB128 varint (at most ten bytes), None if the bytes end first or it runs over 64 bits.
fn varint<'a>(bytes: &mut impl Iterator<Item = &'a u8>) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.next()?;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}
