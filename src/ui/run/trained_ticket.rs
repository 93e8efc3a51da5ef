//! A finished round's ticket as the page holds it ([`TrainedTicket`]: from the compact f32 file its worker sent,
//! bit for bit what trained, or from the weights a small network's report keeps) and the files *Download this
//! ticket* writes of it ([`TicketFormat`]: the lab's compact file, safetensors for PyTorch, ONNX), as `lottery
//! export` writes them.

use std::sync::Arc;

use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::weights::Weights;
use crate::engine::records::compact::{self, Precision};
use crate::engine::records::ticket_bytes::Bytes;
use crate::engine::records::{onnx_export, torch_export};
use crate::engine::{ExperimentConfig, RoundReport};
use crate::url;

/// The compact and safetensors files' MIME type (neither has a registered one: bytes).
const BYTES_MIME: &str = "application/octet-stream";
/// ONNX's registered-by-use type.
const ONNX_MIME: &str = "application/onnx";

/// What *Download this ticket* writes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TicketFormat {
    /// The lab's compact sparse file ([`compact`]).
    Compact(Precision),
    /// safetensors in PyTorch's pruning convention ([`torch_export`]).
    Safetensors,
    /// An ONNX model taking raw inputs ([`onnx_export`]).
    Onnx,
}

impl TicketFormat {
    pub const ALL: [TicketFormat; 5] = [
        TicketFormat::Compact(Precision::Int8),
        TicketFormat::Compact(Precision::F16),
        TicketFormat::Compact(Precision::F32),
        TicketFormat::Safetensors,
        TicketFormat::Onnx,
    ];

    /// Its key in the page's data attributes and file names.
    pub fn key(self) -> &'static str {
        match self {
            TicketFormat::Compact(p) => p.name(),
            TicketFormat::Safetensors => "safetensors",
            TicketFormat::Onnx => "onnx",
        }
    }

    pub fn label(self) -> String {
        match self {
            TicketFormat::Compact(p) => format!("compact {}", p.name()),
            TicketFormat::Safetensors => "safetensors (PyTorch)".into(),
            TicketFormat::Onnx => "ONNX".into(),
        }
    }

    pub fn extension_and_mime(self) -> (&'static str, &'static str) {
        match self {
            TicketFormat::Compact(_) => ("ltlc", BYTES_MIME),
            TicketFormat::Safetensors => ("safetensors", BYTES_MIME),
            TicketFormat::Onnx => ("onnx", ONNX_MIME),
        }
    }
}

/// A finished round's ticket as trained: what the page writes to a file and runs on the pad.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainedTicket {
    pub round: usize,
    /// Fraction of the prunable weights that survive.
    pub remaining: f64,
    pub weights: Weights,
    pub mask: Mask,
    /// The experiment's link, in the files' headers.
    pub link: String,
    /// The sizes of its files (the round's report).
    pub bytes: Option<Bytes>,
}

impl TrainedTicket {
    /// Round `round`'s ticket: the file its worker sent, else the weights its report kept.
    pub fn of(
        config: &ExperimentConfig,
        rounds: &[RoundReport],
        files: &[Option<Arc<Vec<u8>>>],
        round: usize,
    ) -> Option<Self> {
        let report = rounds.get(round)?;
        let from_file = files.get(round).cloned().flatten().and_then(|f| compact::read(&f).ok());
        let (weights, mask, link) = match (from_file, &report.trained) {
            (Some(file), _) => (file.weights, file.mask, file.link),
            (None, Some(trained)) => (trained.clone(), report.mask.clone(), url::ticket_link(config)),
            (None, None) => return None,
        };
        Some(Self {
            round,
            remaining: report.weights_remaining,
            weights,
            mask,
            link,
            bytes: report.ticket_bytes.clone(),
        })
    }

    /// The ticket as a file in `format`, as `lottery export` writes it; a format that cannot hold this network
    /// says why.
    pub fn file(
        &self,
        format: TicketFormat,
        config: &ExperimentConfig,
        own: Option<&OwnData>,
    ) -> Result<Vec<u8>, String> {
        match format {
            TicketFormat::Compact(p) => Ok(compact::write(&self.weights, &self.mask, p, &self.link)),
            TicketFormat::Safetensors => {
                let heads = config.model.transformer.heads;
                let metadata = torch_export::metadata(&self.link, self.round, self.remaining, &self.weights, heads);
                torch_export::write(&self.weights, &self.mask, &Weights::theta0(config), &metadata)
            }
            TicketFormat::Onnx => {
                let metadata = [("link", self.link.clone()), ("round", self.round.to_string())];
                onnx_export::write(&self.weights, &onnx_export::GraphSpec::of(config, own)?, &metadata)
            }
        }
    }

    /// The download's name: the round, the share of weights kept and the format.
    pub fn file_name(&self, format: TicketFormat) -> String {
        let (extension, _) = format.extension_and_mime();
        let key = format.key();
        format!("ticket-round{}-{:.1}pct-{key}.{extension}", self.round, self.remaining * 100.0)
    }
}
