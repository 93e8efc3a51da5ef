//! What a round found and what a whole experiment reports: each network's
//! summary, the mask, the trained weights the page draws. Plain records the
//! procedure fills and the checkpoint, the replicates and every reader share.

use serde::{Deserialize, Serialize};

use crate::engine::build::BuildInfo;
use crate::engine::config::ExperimentConfig;
use crate::engine::lottery::controls::{Control, Phase};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::early_bird::EarlyBird;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::train::RunSummary;
use crate::engine::networks::shapes::SMALL_NET_WEIGHTS;
use crate::engine::networks::weights::Weights;
use crate::engine::records::ticket_bytes::Bytes;

/// What one round found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    pub round: usize,
    /// Fraction of prunable weights that remain, 0..=1.
    pub weights_remaining: f64,
    pub layer_remaining: Vec<f64>,
    pub remaining: usize,
    pub total: usize,
    pub ticket: RunSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinit: Option<RunSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random_mask: Option<RunSummary>,
    /// Zhou et al.'s controls ([`crate::engine::lottery::signs`]), when switched on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_signs: Option<RunSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shuffled: Option<RunSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constant_signs: Option<RunSummary>,
    /// The grokking-tickets paper's norm-matched dense networks ([`crate::engine::lottery::norm_matched`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_l1: Option<RunSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_l2: Option<RunSummary>,
    /// The round's mask on θ0, untrained ([`supermask`]): iteration 0's scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supermask: Option<CurvePoint>,
    /// The fraction of the task's pruned companion this round kept (a GAN's discriminator under
    /// `prune.discriminator`).
    #[serde(rename = "discriminator_remaining", default, skip_serializing_if = "Option::is_none")]
    pub companion_remaining: Option<f64>,
    /// The ticket's mask this round.
    pub mask: Mask,
    /// Round 0 with magnitude pruning: how the dense run's masks settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_bird: Option<EarlyBird>,
    /// The ticket's trained weights, kept for small networks (up to
    /// [`KEEP_TRAINED_WEIGHTS`]) so the page can draw decision regions;
    /// written to JSON only for networks the page draws (up to
    /// [`SERIALISE_TRAINED_WEIGHTS`]), so a reload draws them again.
    #[serde(default, skip_serializing_if = "not_drawn")]
    pub trained: Option<Weights>,
    /// The trained ticket's sizes as files (dense f32, gzipped, the compact form at each precision), the compact
    /// files carrying the experiment's link as the page and `lottery export` write them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_bytes: Option<Bytes>,
}

impl RoundReport {
    /// The network that trained last in this round, and its summary. The
    /// ticket trains first, then the controls that ran, in [`Control::ALL`]'s order.
    pub fn last_trained(&self) -> (Phase, &RunSummary) {
        Control::ALL
            .iter()
            .rev()
            .find_map(|&c| self.control(c).map(|s| (c.phase(), s)))
            .unwrap_or((Phase::Ticket, &self.ticket))
    }

    /// A control's summary, if it trained this round.
    pub fn control(&self, control: Control) -> Option<&RunSummary> {
        match control {
            Control::Reinit => self.reinit.as_ref(),
            Control::RandomMask => self.random_mask.as_ref(),
            Control::SameSigns => self.same_signs.as_ref(),
            Control::Shuffled => self.shuffled.as_ref(),
            Control::ConstantSigns => self.constant_signs.as_ref(),
            Control::NormL1 => self.norm_l1.as_ref(),
            Control::NormL2 => self.norm_l2.as_ref(),
        }
    }

    /// Record a control's summary.
    pub fn set_control(&mut self, control: Control, summary: RunSummary) {
        let slot = match control {
            Control::Reinit => &mut self.reinit,
            Control::RandomMask => &mut self.random_mask,
            Control::SameSigns => &mut self.same_signs,
            Control::Shuffled => &mut self.shuffled,
            Control::ConstantSigns => &mut self.constant_signs,
            Control::NormL1 => &mut self.norm_l1,
            Control::NormL2 => &mut self.norm_l2,
        };
        *slot = Some(summary);
    }
}

/// Trained weights of networks up to this size go into reports and
/// checkpoints: the small networks the page draws.
pub(crate) const SERIALISE_TRAINED_WEIGHTS: usize = SMALL_NET_WEIGHTS;

fn not_drawn(w: &Option<Weights>) -> bool {
    w.as_ref().is_none_or(|w| w.weight_count() > SERIALISE_TRAINED_WEIGHTS)
}

/// Networks up to this many weights keep their trained weights in reports.
pub(crate) const KEEP_TRAINED_WEIGHTS: usize = 20_000;

/// The whole record of an experiment: configuration, seed and rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: ExperimentConfig,
    pub seed: u64,
    pub backend: String,
    pub rounds: Vec<RoundReport>,
    /// The build and CPU that computed it (absent in reports from before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildInfo>,
}
