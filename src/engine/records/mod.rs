//! What an experiment leaves behind: a checkpoint or ticket file to go on
//! from ([`checkpoint`]), the spread of replicates ([`replicates`]), runs kept
//! side by side ([`pinned_runs`]) and a sweep's merged table ([`sweep_summary`]); the ticket file's tag and
//! refusals ([`ticket_format`]); what the run showed ([`verdict`]); the ticket as a compact file ([`compact`]),
//! its sizes as files ([`ticket_bytes`]) and how its sparse form predicts ([`savings`]); the ticket as PyTorch's
//! pruning leaves it, in safetensors ([`torch_export`]), and as an ONNX model ([`onnx_export`]).

pub mod checkpoint;
pub mod compact;
pub mod onnx_export;
pub mod onnx_proto;
pub mod pinned_runs;
pub mod replicates;
pub mod savings;
pub mod sweep_summary;
pub mod ticket_bytes;
pub mod ticket_format;
pub mod torch_export;
pub mod verdict;
