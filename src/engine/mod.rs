//! The lottery-ticket engine. No UI or browser dependencies: it takes a
//! burn [`Device`](burn::tensor::Device) and runs the same on WebGPU, on the
//! CPU, and natively. By concept:
//!
//! - [`lottery`]: the procedure: train, prune, reset to θ0 or rewind to θk, round after round, with controls;
//! - [`networks`]: what is pruned: host weights θ with their roles, and the masked networks on a device;
//! - [`tasks`]: what a network learns and how it is scored (the seam a new task plugs into);
//! - [`data`]: the datasets supervised tasks learn from, own CSV files included;
//! - [`records`]: what an experiment leaves: checkpoints and ticket files, replicates, kept runs, sweep summaries;
//! - where a figure was computed ([`build`]) and the portable transcendental functions ([`math`]);
//! - the settings ([`config`], [`choice`]), the backend ([`device`], [`speed_probe`]) and the seeded streams ([`rng`]).

pub mod build;
pub mod choice;
pub mod config;
pub mod data;
pub mod device;
pub mod error;
pub mod figures;
pub mod lottery;
pub(crate) mod math;
pub mod networks;
pub mod records;
pub(crate) mod rng;
pub mod speed_probe;
pub mod tasks;

pub use build::{BuildInfo, build_info};
pub use choice::Choice;
pub use config::{ExperimentConfig, preset};
pub use data::{Dataset, DatasetName};
pub use error::{EngineError, read_f32};
pub use lottery::mask::Mask;
pub use lottery::{
    report::{Report, RoundReport},
    round::{Event, Experiment, Progress},
};
pub use networks::weights::Weights;
pub use records::checkpoint::Checkpoint;
pub use records::ticket_format::TicketError;
pub use tasks::Task;
#[cfg(not(target_arch = "wasm32"))]
pub use tasks::dataset::load_dataset;
pub use tasks::dataset::{build_dataset, build_own_dataset};
