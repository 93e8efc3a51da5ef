//! A ticket's sizes as files: every weight as f32 (the dense matrix the lab trains, zeros included), the same
//! gzipped (the usual size of a "pruned model"), and the lab's compact form at each precision. Each figure is the
//! length of a file really written ([`compact::write`], miniz_oxide's deflate), never an estimate; every round's
//! report carries them ([`RoundReport::ticket_bytes`](crate::engine::RoundReport)).

use serde::{Deserialize, Serialize};

use crate::engine::lottery::mask::Mask;
use crate::engine::networks::weights::Weights;
use crate::engine::records::compact::{self, Precision};

/// gzip's header and trailer around a deflate stream (RFC 1952: 10 bytes, then CRC-32 and length).
const GZIP_FRAME: usize = 18;
/// zlib's default level, what `gzip` uses.
const GZIP_LEVEL: u8 = 6;
/// The two quotes around a JSON string.
const QUOTES: usize = 2;

/// A network's sizes as files, in bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bytes {
    /// Every weight and bias as f32, the zeros included: the dense matrix the lab trains.
    pub dense_f32: usize,
    /// The same, gzipped (deflate at level 6 plus gzip's frame): the usual size of a "pruned model".
    pub dense_gzip: usize,
    /// The compact file at each precision: f32, f16, int8.
    pub compact_f32: usize,
    pub compact_f16: usize,
    pub compact_int8: usize,
    /// Of each compact file, the bytes of the experiment's link in its header: provenance, not the network (a
    /// tiny network's file is mostly its link).
    #[serde(default)]
    pub compact_link: usize,
}

impl Bytes {
    pub fn of(weights: &Weights, mask: &Mask, link: &str) -> Self {
        let dense: Vec<u8> =
            weights.layers.iter().flat_map(|l| l.w.iter().chain(&l.b)).flat_map(|v| v.to_le_bytes()).collect();
        let gzip = miniz_oxide::deflate::compress_to_vec(&dense, GZIP_LEVEL).len() + GZIP_FRAME;
        let compact = |p: Precision| compact::write(weights, mask, p, link).len();
        Self {
            dense_f32: dense.len(),
            dense_gzip: gzip,
            compact_f32: compact(Precision::F32),
            compact_f16: compact(Precision::F16),
            compact_int8: compact(Precision::Int8),
            compact_link: serde_json::to_string(link).map_or(link.len(), |quoted| quoted.len() - QUOTES),
        }
    }

    /// The compact file at `precision` without the link in its header: what the network itself takes.
    pub fn compact_without_link(&self, precision: Precision) -> usize {
        self.compact(precision) - self.compact_link
    }

    /// The compact file's bytes at `precision`.
    pub fn compact(&self, precision: Precision) -> usize {
        match precision {
            Precision::F32 => self.compact_f32,
            Precision::F16 => self.compact_f16,
            Precision::Int8 => self.compact_int8,
        }
    }
}
