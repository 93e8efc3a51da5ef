//! Why tickets win, in words: what Zhou et al.'s (2019) sign controls and the
//! random reinit measured at the round that tells most, quoting the figures
//! as the charts write them. Each sentence speaks only of controls that ran;
//! one that did not run is named as not measured, never counted as keeping
//! up. The page's Why panel and its tour show these words; native tests hold
//! every partial set of controls to them.

use crate::engine::ExperimentConfig;
use crate::engine::records::replicates::{NetworkSpread, RoundSpread};
use crate::engine::tasks::cartpole;
use crate::engine::tasks::mixture::Mixture;
use crate::engine::tasks::row::TaskKind;

/// Two scores this close (points of %) count as the same.
pub(crate) const SAME_WITHIN_POINTS: f64 = 1.0;
/// Percent per unit of share.
const PERCENT: f64 = 100.0;

/// How a task's score is written: as its main sparsity chart writes it (the accuracy, mean-return and modes
/// charts), so the words quote the figures the charts show.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Score {
    /// A classifier (points, images, own data, modular addition): test accuracy; chance is one class in all.
    Accuracy { classes: usize },
    /// A policy: the greedy policy's mean test return, out of the episode cap.
    Return { cap: f64 },
    /// A generator: the modes its test points cover, out of the mixture's.
    Modes { modes: usize },
    /// A regression: the share of test rows whose prediction has the target's sign (its test error is its
    /// headline; the words compare shares).
    Signs,
}

impl Score {
    pub fn of(config: &ExperimentConfig) -> Self {
        match config.task_row().kind {
            TaskKind::CartPole => Score::Return { cap: cartpole::MAX_STEPS as f64 },
            TaskKind::Gan => Score::Modes { modes: Mixture::of(config.data.dataset).map_or(0, |m| m.means.len()) },
            TaskKind::Classification | TaskKind::ModularAddition => Score::Accuracy { classes: config.classes() },
            TaskKind::Regression => Score::Signs,
        }
    }

    /// A score's share (a report's `test_accuracy`) as the task's charts write it: "95.0%", "return 487",
    /// "7.8 modes".
    pub fn text(self, share: f64) -> String {
        match self {
            Score::Accuracy { .. } => format!("{:.1}%", share * PERCENT),
            Score::Return { cap } => format!("return {:.0}", share * cap),
            Score::Modes { modes } => format!("{:.1} modes", share * modes as f64),
            Score::Signs => format!("{:.1}% of signs right", share * PERCENT),
        }
    }

    /// A chart's axis of shares, in percent, for this score.
    pub fn axis_title(self) -> &'static str {
        match self {
            Score::Accuracy { .. } => "test accuracy (%)",
            Score::Return { .. } => "mean return (% of the cap)",
            Score::Modes { .. } => "modes covered (% of all)",
            Score::Signs => "test signs right (%)",
        }
    }

    /// Chance, as a share: a classifier's one class in all (None for a policy or a generator).
    pub fn chance(self) -> Option<f64> {
        match self {
            Score::Accuracy { classes } => Some(1.0 / classes.max(1) as f64),
            // A sign is right half the time by chance.
            Score::Signs => Some(0.5),
            Score::Return { .. } | Score::Modes { .. } => None,
        }
    }
}

fn mean(n: Option<&NetworkSpread>) -> Option<f64> {
    n.map(|n| n.test_accuracy.mean)
}

/// The round the findings talk about: where the furthest-below control (of those that ran) is furthest below the
/// ticket; with no control below it anywhere, the newest round with a sign control.
pub fn telling_round(spreads: &[RoundSpread]) -> Option<&RoundSpread> {
    let with_signs = |r: &&RoundSpread| r.same_signs.is_some() || r.shuffled.is_some() || r.constant_signs.is_some();
    let deficit = |r: &RoundSpread| {
        let controls = [&r.same_signs, &r.shuffled, &r.constant_signs, &r.reinit];
        let lowest = controls.iter().filter_map(|c| mean(c.as_ref())).fold(f64::INFINITY, f64::min);
        r.ticket.test_accuracy.mean - lowest
    };
    let widest = spreads.iter().filter(with_signs).max_by(|a, b| deficit(a).total_cmp(&deficit(b)));
    match widest {
        Some(r) if deficit(r) * PERCENT > SAME_WITHIN_POINTS => Some(r),
        _ => spreads.iter().rev().find(with_signs),
    }
}

/// One round's scores (shares, as reports hold them): the ticket's and each control's that ran.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RoundScores {
    pub ticket: f64,
    /// θ0's signs, fresh magnitudes.
    pub same_signs: Option<f64>,
    /// θ0's signs, one magnitude per layer.
    pub constant_signs: Option<f64>,
    /// θ0's surviving values permuted within each layer.
    pub shuffled: Option<f64>,
    /// A fresh random initialisation.
    pub reinit: Option<f64>,
}

/// A control against the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Versus {
    Ahead,
    KeepsUp,
    Below,
}

impl RoundScores {
    fn versus(&self, control: f64) -> Versus {
        let gap = (self.ticket - control) * PERCENT;
        if gap > SAME_WITHIN_POINTS {
            Versus::Below
        } else if -gap > SAME_WITHIN_POINTS {
            Versus::Ahead
        } else {
            Versus::KeepsUp
        }
    }
}

const FRESH_AHEAD: &str = "A fresh draw does better than the ticket here: at this round θ0 gives the mask no edge, so \
                           there is no ticket for the other starts to explain.";
const FRESH_KEEPS_UP: &str = "A fresh initialisation keeps up with the ticket: on this run the mask carries the \
                              ticket, not θ0, so there is nothing for θ0's signs to explain.";
const FRESH_BEHIND: &str = "A fresh initialisation falls behind, so θ0 matters.";
const FRESH_NOT_RUN: &str = "The fresh-initialisation control did not run, so whether θ0 matters at all is not \
                             measured here.";

/// What the round's controls say, in sentences about the controls that ran.
pub fn verdict(s: &RoundScores) -> String {
    let reinit = s.reinit.map(|v| s.versus(v));
    match reinit {
        Some(Versus::Ahead) => return FRESH_AHEAD.into(),
        Some(Versus::KeepsUp) => return FRESH_KEEPS_UP.into(),
        _ => {}
    }
    let sign_controls: Vec<Versus> =
        [s.same_signs, s.constant_signs].into_iter().flatten().map(|v| s.versus(v)).collect();
    let signs_keep = (!sign_controls.is_empty()).then(|| sign_controls.iter().any(|v| *v != Versus::Below));
    let shuffled_below = s.shuffled.map(|v| s.versus(v) == Versus::Below);
    let signs = match (signs_keep, shuffled_below) {
        (Some(true), Some(true)) => {
            "Keep θ0's signs and the magnitudes hardly matter; scramble the signs and the ticket's edge goes: the \
             signs are what this ticket needs from θ0."
        }
        (Some(true), Some(false)) => {
            "θ0's signs with other magnitudes keep up, and so do θ0's own values in another order: what the ticket \
             needs from θ0 is its signs or its surviving magnitudes, not their exact places."
        }
        (Some(true), None) => {
            "Keep θ0's signs and the magnitudes hardly matter: the signs carry what the ticket needs from θ0 (the \
             shuffled control did not run, so whether θ0's values in other places would do as well is not measured)."
        }
        (Some(false), Some(true)) => {
            "θ0's signs alone do not recover the ticket's score, nor do θ0's own values in other places: its \
             magnitudes matter, each in its place."
        }
        (Some(false), Some(false)) => {
            "θ0's signs alone do not recover the ticket's score, yet θ0's own values in another order do: the \
             layer's magnitudes matter, not their places."
        }
        (Some(false), None) => "θ0's signs alone do not recover the ticket's score: its magnitudes matter too.",
        (None, Some(true)) => {
            "θ0's own values in other places fall behind: where each value sits matters (the sign controls did not \
             run, so whether the signs alone would do is not measured)."
        }
        (None, Some(false)) => {
            "θ0's own values in another order keep up: the layer's values matter, not their places (the sign \
             controls did not run)."
        }
        (None, None) => "",
    };
    let words = match reinit {
        Some(_) => [FRESH_BEHIND, signs],
        None => [signs, FRESH_NOT_RUN],
    };
    words.iter().filter(|w| !w.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// What the round that tells most (see [`telling_round`]) measured, in words; None until a round has a sign control.
pub fn findings(spreads: &[RoundSpread], score: Score) -> Option<String> {
    let r = telling_round(spreads)?;
    let scores = RoundScores {
        ticket: r.ticket.test_accuracy.mean,
        same_signs: mean(r.same_signs.as_ref()),
        constant_signs: mean(r.constant_signs.as_ref()),
        shuffled: mean(r.shuffled.as_ref()),
        reinit: mean(r.reinit.as_ref()),
    };
    let mut parts = vec![format!(
        "At round {} ({:.1}% of the weights) the ticket reaches {}",
        r.round,
        r.weights_remaining * PERCENT,
        score.text(scores.ticket)
    )];
    let named = [
        (scores.same_signs, "with fresh magnitudes and θ0's signs"),
        (scores.constant_signs, "with one magnitude per layer and θ0's signs"),
        (scores.shuffled, "with θ0's own values shuffled within each layer"),
        (scores.reinit, "from a fresh random initialisation"),
    ];
    for (value, what) in named {
        if let Some(v) = value {
            parts.push(format!("{what} the same mask reaches {}", score.text(v)));
        }
    }
    let mut text = parts.join("; ") + ". ";
    text.push_str(&verdict(&scores));
    if let Some(s) = &r.supermask {
        let chance = score.chance().map(|c| format!(" (chance {})", score.text(c))).unwrap_or_default();
        text.push_str(&format!(" Untrained, the ticket's mask on θ0 already reaches {}{chance}.", score.text(s.mean)));
    }
    Some(text)
}
