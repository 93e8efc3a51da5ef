//! `summary.json`, the merged result of a sweep (`lottery sweep merge`):
//! per configuration, every round's spread over its replicates, and the runs
//! that are missing or failed. The CLI writes it; the page imports it (by its
//! format tag) and draws its configurations side by side.

use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, caps};
use crate::engine::records::replicates::RoundSpread;

/// The `format` field of every summary.
pub const SUMMARY_FORMAT: &str = "lottery-ticket-lab/sweep-summary";
/// The version this build writes and reads.
pub const SUMMARY_VERSION: u32 = 1;
/// The page draws at most this many configurations of a summary.
pub(crate) const MAX_CONFIGURATIONS: usize = 12;

/// One configuration of a merged sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationSummary {
    pub configuration: String,
    /// Its non-default settings, as a query string.
    pub settings: String,
    /// Replicate 0's configuration (its seed is the base seed).
    pub config: ExperimentConfig,
    pub replicates: usize,
    pub replicates_planned: usize,
    pub rounds: Vec<RoundSpread>,
}

/// A run that has no report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unfinished {
    pub index: usize,
    pub name: String,
    /// Why it failed; None: it never ran (or was cut short).
    pub error: Option<String>,
}

/// `summary.json`: every configuration's rounds over its replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub format: String,
    pub version: u32,
    pub configurations: Vec<ConfigurationSummary>,
    pub missing: Vec<Unfinished>,
    pub failed: Vec<Unfinished>,
    /// Every build and CPU the runs were computed on (one, unless a cluster's nodes differ); empty in summaries
    /// from before it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<crate::engine::BuildInfo>,
}

/// Whether `text` says it is a sweep summary (whatever else it holds).
pub fn is_summary(text: &str) -> bool {
    crate::engine::records::checkpoint::file_format(text).as_deref() == Some(SUMMARY_FORMAT)
}

impl Summary {
    /// Read a summary from outside, checked: version, sizes, configurations,
    /// and every figure a number in its range.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let summary: Summary = serde_json::from_str(text).map_err(|e| format!("not a sweep summary: {e}"))?;
        if summary.version != SUMMARY_VERSION {
            return Err(format!(
                "sweep summary version {} is not supported; this lab reads version {SUMMARY_VERSION}",
                summary.version
            ));
        }
        let n = summary.configurations.len();
        if n == 0 {
            return Err("the summary has no configurations (no run had finished when it was merged)".into());
        }
        if n > MAX_CONFIGURATIONS {
            return Err(format!("{n} configurations; the page compares at most {MAX_CONFIGURATIONS}"));
        }
        for c in &summary.configurations {
            let what = format!("configuration {}", c.configuration);
            c.config.validate().map_err(|e| format!("{what}: {e}"))?;
            if c.rounds.len() > caps::MAX_ROUNDS + 1 {
                return Err(format!("{what}: {} rounds", c.rounds.len()));
            }
            for r in &c.rounds {
                if !r.is_sane() {
                    return Err(format!("{what}, round {}: a figure is not a number in its range", r.round));
                }
            }
        }
        Ok(summary)
    }
}
