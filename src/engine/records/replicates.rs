//! Replicates: one configuration trained under several seeds, and the spread
//! of what they found. A lottery-ticket claim rests on averages: the paper's
//! figures average five trials and draw their spread, and a single small
//! network is noisy.
//!
//! Replicate `i` of a configuration with seed `s` is the same configuration
//! with seed `s + i` (so replicate 0 is the single-seed run, and `reps=5`
//! from seed 1 runs seeds 1 to 5). Every replicate is an ordinary
//! experiment; this module only names them and summarises their rounds.

use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, limits};
use crate::engine::figures::{FigureKey, FigureSpreads};
use crate::engine::lottery::controls::Control;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::overlap;
use crate::engine::lottery::report::RoundReport;
use crate::engine::lottery::train::RunSummary;
use crate::engine::tasks::modular;

/// The seed of replicate `i` of a run seeded `base`: the next seeds, wrapping
/// within the seed range.
pub fn seed(base: u64, i: usize) -> u64 {
    (base + i as u64) % (limits::SEED.hi + 1)
}

/// Replicate `i` of `config`: one run, its own seed.
pub fn replicate(config: &ExperimentConfig, i: usize) -> ExperimentConfig {
    let mut c = config.clone();
    c.seed = seed(config.seed, i);
    c.reps = 1;
    c
}

/// Mean, sample standard deviation (n − 1; 0 for one value), min and max of
/// one figure over replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    pub n: usize,
}

impl Spread {
    /// None for no values.
    pub fn of(values: &[f64]) -> Option<Self> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = match n {
            1 => 0.0,
            _ => (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt(),
        };
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(Self { mean, sd, min, max, n })
    }
}

/// One network's results over replicates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NetworkSpread {
    pub test_accuracy: Spread,
    pub early_stop_iteration: Spread,
    pub early_stop_test_accuracy: Spread,
    /// Train accuracy at the end, over the replicates (None if a report lacks it: files from before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_accuracy: Option<Spread>,
    /// Train minus test accuracy, replicate by replicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generalisation_gap: Option<Spread>,
    /// Modular addition: when the replicates generalised (absent for classifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_to_generalise: Option<Milestone>,
    /// Modular addition: when the replicates memorised their training pairs (t_mem).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_to_fit: Option<Milestone>,
    /// Modular addition: τ = t_gen / t_mem over the replicates ("never" for one that never generalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grokking_ratio: Option<Milestone>,
    /// The task's own figures over the replicates, under their own names, each with its median where its
    /// summaries carry one ([`FigureKey::median_name`]): a policy's mean return after training (RL seeds vary a
    /// lot: judge by medians), a generator's modes covered and high-quality fraction, a regression's test mean
    /// squared error. Modular addition's steps to generalise is the milestone above.
    #[serde(flatten)]
    pub figures: FigureSpreads<Spread>,
}

/// When replicates reached a milestone (generalising, fitting), some perhaps never: the median
/// counts "never" as later than any step, so it is None when half or more never got there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub median: Option<f64>,
    /// Replicates that got there, of `n`.
    pub reached: usize,
    pub n: usize,
    /// The earliest and latest step among the replicates that got there.
    pub first: Option<f64>,
    pub last: Option<f64>,
}

impl Milestone {
    /// Each run's value (a step, or τ; inner None: never reached); None when no run measured it (a classifier's).
    pub fn of(runs: &[&RunSummary], f: impl Fn(&RunSummary) -> Option<Option<f64>>) -> Option<Self> {
        let values: Option<Vec<Option<f64>>> = runs.iter().map(|r| f(r)).collect();
        let mut values = values.filter(|v| !v.is_empty())?;
        values.sort_by(|a, b| a.unwrap_or(f64::INFINITY).total_cmp(&b.unwrap_or(f64::INFINITY))); // never: last
        let n = values.len();
        let at = |i: usize| values[i];
        let median = match n % 2 {
            1 => at(n / 2),
            _ => at(n / 2 - 1).zip(at(n / 2)).map(|(a, b)| (a + b) / 2.0),
        };
        let reached: Vec<f64> = values.iter().flatten().copied().collect();
        Some(Self { median, reached: reached.len(), n, first: reached.first().copied(), last: reached.last().copied() })
    }

    /// As a [`Spread`] for a chart: the median for the line, the earliest and latest for the band
    /// (None when the median replicate never got there).
    pub(crate) fn as_spread(&self) -> Option<Spread> {
        let median = self.median?;
        let (min, max) = (self.first.unwrap_or(median), self.last.unwrap_or(median));
        Some(Spread { mean: median, sd: 0.0, min: min.min(median), max: max.max(median), n: self.reached })
    }
}

impl NetworkSpread {
    fn of(runs: &[&RunSummary]) -> Option<Self> {
        let figure = |f: fn(&RunSummary) -> f64| Spread::of(&runs.iter().map(|r| f(r)).collect::<Vec<_>>());
        Some(Self {
            test_accuracy: figure(|r| r.test_accuracy)?,
            early_stop_iteration: figure(|r| r.early_stop_iteration as f64)?,
            early_stop_test_accuracy: figure(|r| r.early_stop_test_accuracy)?,
            train_accuracy: measured(runs, |r| r.train_accuracy),
            generalisation_gap: measured(runs, RunSummary::generalisation_gap),
            // Read off each run's curve, so a summary of older reports uses today's thresholds.
            steps_to_generalise: Milestone::of(runs, |r| {
                r.score.figures.measured(FigureKey::StepsToGeneralise)?;
                Some(modular::steps_to_generalise(&r.curve).map(|t| t as f64))
            }),
            steps_to_fit: Milestone::of(runs, |r| {
                r.score.steps_to_fit?;
                Some(modular::steps_to_fit(&r.curve).map(|t| t as f64))
            }),
            grokking_ratio: Milestone::of(runs, |r| {
                r.score.steps_to_fit?;
                Some(modular::grokking_ratio(&r.curve))
            }),
            figures: own_figures(runs),
        })
    }
}

impl NetworkSpread {
    /// One of the task's figures ([`FigureKey`]) over the replicates (steps to generalise as its median, only
    /// where half or more generalised).
    pub fn figure(&self, key: FigureKey) -> Option<Spread> {
        match key {
            FigureKey::TestAccuracy => Some(self.test_accuracy.clone()),
            FigureKey::StepsToGeneralise => self.steps_to_generalise.as_ref().and_then(Milestone::as_spread),
            own => self.figures.get(own).cloned(),
        }
    }

    /// Accuracies within 0..=1, iterations at least 0, every figure finite and min ≤ mean ≤ max.
    pub(crate) fn is_sane(&self) -> bool {
        // The mean of equal values may round a hair past them.
        const SLACK: f64 = 1e-9;
        let ordered = |s: &Spread| {
            [s.mean, s.sd, s.min, s.max].iter().all(|v| v.is_finite())
                && s.min <= s.mean + SLACK
                && s.mean <= s.max + SLACK
                && s.sd >= 0.0
        };
        let accuracy = |s: &Spread| ordered(s) && s.min >= 0.0 && s.max <= 1.0;
        let gap = |s: &Spread| ordered(s) && s.min >= -1.0 && s.max <= 1.0;
        accuracy(&self.test_accuracy)
            && accuracy(&self.early_stop_test_accuracy)
            && self.train_accuracy.as_ref().is_none_or(accuracy)
            && self.generalisation_gap.as_ref().is_none_or(gap)
            && ordered(&self.early_stop_iteration)
            && self.early_stop_iteration.min >= 0.0
            && [&self.steps_to_generalise, &self.steps_to_fit, &self.grokking_ratio]
                .into_iter()
                .flatten()
                .all(Milestone::is_sane)
    }
}

impl Milestone {
    fn is_sane(&self) -> bool {
        self.reached <= self.n && self.median.is_none_or(|m| m.is_finite() && m >= 0.0)
    }
}

impl RoundSpread {
    /// A control's spread, if it trained this round.
    pub fn control(&self, control: Control) -> Option<&NetworkSpread> {
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

    /// Every figure of every network a number in its range (for files from outside).
    pub(crate) fn is_sane(&self) -> bool {
        let networks = [
            Some(&self.ticket),
            self.reinit.as_ref(),
            self.random_mask.as_ref(),
            self.same_signs.as_ref(),
            self.shuffled.as_ref(),
            self.constant_signs.as_ref(),
            self.norm_l1.as_ref(),
            self.norm_l2.as_ref(),
        ];
        (0.0..=1.0).contains(&self.weights_remaining) && networks.into_iter().flatten().all(NetworkSpread::is_sane)
    }
}

/// The median of a figure every run measured (None if one did not).
fn median(runs: &[&RunSummary], f: impl Fn(&RunSummary) -> Option<f64>) -> Option<f64> {
    let mut values: Vec<f64> = runs.iter().map(|r| f(r)).collect::<Option<_>>()?;
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The spread of a figure every run measured (None if one did not).
fn measured(runs: &[&RunSummary], f: impl Fn(&RunSummary) -> Option<f64>) -> Option<Spread> {
    let values: Option<Vec<f64>> = runs.iter().map(|r| f(r)).collect();
    Spread::of(&values?)
}

/// The spread (and median) of each own figure every run measured, but for the milestone (steps to generalise).
fn own_figures(runs: &[&RunSummary]) -> FigureSpreads<Spread> {
    let keys = runs.first().map(|r| r.score.figures.keys().collect::<Vec<_>>()).unwrap_or_default();
    keys.into_iter().filter(|&k| k != FigureKey::StepsToGeneralise).fold(FigureSpreads::default(), |spreads, key| {
        let value = |r: &RunSummary| r.score.figures.get(key);
        match measured(runs, value) {
            Some(spread) => spreads.with(key, spread, median(runs, value)),
            None => spreads,
        }
    })
}

/// One round over replicates: the ticket and each control that ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundSpread {
    pub round: usize,
    /// The same in every replicate (the counts pruned do not depend on the seed).
    pub weights_remaining: f64,
    pub ticket: NetworkSpread,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reinit: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random_mask: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_signs: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shuffled: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constant_signs: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_l1: Option<NetworkSpread>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm_l2: Option<NetworkSpread>,
    /// The untrained supermask's test accuracy (the task's share: modes, return ÷ 500) over replicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supermask: Option<Spread>,
    /// How alike the replicates' masks are this round ([`overlap`]); None with one replicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask_overlap: Option<overlap::MaskOverlap>,
}

/// Round by round, the spread over the replicates that reached that round
/// (`replicates[i]` is replicate i's finished rounds).
pub fn summarise(replicates: &[Vec<RoundReport>]) -> Vec<RoundSpread> {
    let rounds = replicates.iter().map(Vec::len).max().unwrap_or(0);
    (0..rounds)
        .filter_map(|round| {
            let reports: Vec<&RoundReport> = replicates.iter().filter_map(|r| r.get(round)).collect();
            let first = reports.first()?;
            let tickets: Vec<&RunSummary> = reports.iter().map(|r| &r.ticket).collect();
            let control = |c: Control| {
                let runs: Vec<&RunSummary> = reports.iter().filter_map(|r| r.control(c)).collect();
                NetworkSpread::of(&runs)
            };
            let supermask: Option<Vec<f64>> =
                reports.iter().map(|r| r.supermask.as_ref().map(|p| p.test_accuracy)).collect();
            let masks: Vec<&Mask> = reports.iter().map(|r| &r.mask).collect();
            Some(RoundSpread {
                round,
                weights_remaining: first.weights_remaining,
                ticket: NetworkSpread::of(&tickets)?,
                reinit: control(Control::Reinit),
                random_mask: control(Control::RandomMask),
                same_signs: control(Control::SameSigns),
                shuffled: control(Control::Shuffled),
                constant_signs: control(Control::ConstantSigns),
                norm_l1: control(Control::NormL1),
                norm_l2: control(Control::NormL2),
                supermask: supermask.as_deref().and_then(Spread::of),
                mask_overlap: overlap::MaskOverlap::of(&masks),
            })
        })
        .collect()
}
