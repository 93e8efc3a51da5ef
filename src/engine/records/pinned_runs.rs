//! Runs side by side: a finished experiment kept ("pinned") as its
//! configuration and its rounds summarised over replicates, so later runs
//! can be drawn beside it. Pinned runs are kept in the browser and export as
//! a file of their own (format `lottery-ticket-lab/pinned-runs`), checked on
//! import like every file from outside.

use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, caps};
use crate::engine::records::replicates::RoundSpread;

/// The `format` field of a pinned-runs file.
pub(crate) const PINNED_FORMAT: &str = "lottery-ticket-lab/pinned-runs";
/// The version this build writes and reads.
pub(crate) const PINNED_VERSION: u32 = 1;
/// At most this many runs are kept beside the current one.
pub const MAX_PINNED: usize = 6;

/// One finished experiment, kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnedRun {
    pub config: ExperimentConfig,
    /// Replicates that finished (the rounds are their spread).
    pub replicates: usize,
    pub rounds: Vec<RoundSpread>,
}

/// A file of pinned runs (and what the browser keeps).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PinnedRuns {
    pub format: String,
    pub version: u32,
    pub runs: Vec<PinnedRun>,
}

/// Whether `text` says it is a pinned-runs file (whatever else it holds).
pub fn is_pinned_runs(text: &str) -> bool {
    crate::engine::records::checkpoint::file_format(text).as_deref() == Some(PINNED_FORMAT)
}

impl PinnedRuns {
    pub fn new(runs: Vec<PinnedRun>) -> Self {
        Self { format: PINNED_FORMAT.into(), version: PINNED_VERSION, runs }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("pinned runs serialise")
    }

    /// Read pinned runs from outside, checked: format, version, count, every
    /// configuration valid and every figure a number in its range.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let file: PinnedRuns = serde_json::from_str(text).map_err(|e| format!("not a pinned-runs file: {e}"))?;
        if file.format != PINNED_FORMAT {
            return Err(format!(
                "the format is '{}', not {PINNED_FORMAT}",
                file.format.chars().take(60).collect::<String>()
            ));
        }
        if file.version != PINNED_VERSION {
            return Err(format!("version {} is not supported; this lab reads version {PINNED_VERSION}", file.version));
        }
        if file.runs.is_empty() || file.runs.len() > MAX_PINNED {
            return Err(format!("{} runs; a file holds 1 to {MAX_PINNED}", file.runs.len()));
        }
        for (i, run) in file.runs.iter().enumerate() {
            let what = format!("run {}", i + 1);
            run.config.validate().map_err(|e| format!("{what}: {e}"))?;
            if run.rounds.is_empty() || run.rounds.len() > caps::MAX_ROUNDS + 1 || run.replicates == 0 {
                return Err(format!("{what}: {} rounds of {} replicates", run.rounds.len(), run.replicates));
            }
            if let Some(r) = run.rounds.iter().find(|r| !r.is_sane()) {
                return Err(format!("{what}, round {}: a figure is not a number in its range", r.round));
            }
        }
        Ok(file)
    }
}
