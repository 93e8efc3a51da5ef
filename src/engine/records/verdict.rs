//! What a run showed, in the task's own measure: the sparsest pruned round whose ticket matches the dense network
//! (round 0) within the measure's tie, and there each control that ran, won, tied or lost against. Read from a
//! report's rounds or from replicates' means; the page's verdict box and the CLI write the same sentences.

use crate::engine::lottery::controls::Control;
use crate::engine::lottery::report::RoundReport;
use crate::engine::records::replicates::{NetworkSpread, RoundSpread};
use crate::engine::tasks::row::{Better, Figure};

/// One round's values of the figure judged: the ticket's and each control's that ran (None: the network never
/// reached the figure's mark, such as steps to generalise).
#[derive(Clone, Debug, PartialEq)]
pub struct RoundFigures {
    pub round: usize,
    pub weights_remaining: f64,
    pub ticket: Option<f64>,
    pub controls: Vec<(Control, Option<f64>)>,
}

impl RoundFigures {
    /// One run's round.
    pub(crate) fn of_report(report: &RoundReport, figure: Figure) -> Self {
        Self {
            round: report.round,
            weights_remaining: report.weights_remaining,
            ticket: report.ticket.figure(figure.key),
            controls: Control::ALL
                .into_iter()
                .filter_map(|c| report.control(c).map(|run| (c, run.figure(figure.key))))
                .collect(),
        }
    }

    /// Replicates' round: each network's mean (the table's figure).
    pub(crate) fn of_spread(spread: &RoundSpread, figure: Figure) -> Self {
        let mean = |n: &NetworkSpread| n.figure(figure.key).map(|s| s.mean);
        Self {
            round: spread.round,
            weights_remaining: spread.weights_remaining,
            ticket: mean(&spread.ticket),
            controls: Control::ALL.into_iter().filter_map(|c| spread.control(c).map(|n| (c, mean(n)))).collect(),
        }
    }
}

/// The ticket against a control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The ticket is better by more than the tie.
    Wins,
    Ties,
    /// The control is better by more than the tie.
    Loses,
}

impl Outcome {
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Wins => "wins",
            Outcome::Ties => "ties",
            Outcome::Loses => "loses",
        }
    }
}

/// A control at the judged round.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub control: Control,
    pub value: Option<f64>,
    pub outcome: Outcome,
}

/// The round the verdict judges.
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    pub round: usize,
    pub weights_remaining: f64,
    pub ticket: Option<f64>,
    /// Whether this ticket matches the dense network (else no pruned ticket did, and this is the sparsest).
    pub matches: bool,
    pub standings: Vec<Standing>,
}

/// What the run showed.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub figure: Figure,
    /// Round 0's network: the dense one.
    pub dense: Option<f64>,
    /// None when no pruned round finished.
    pub judged: Option<Judged>,
    /// Replicates the values are means over (1: one run).
    pub replicates: usize,
}

/// Whether `a` is better than `b` by more than the figure's tie; None (never reached) is worse than any value.
fn beats(figure: Figure, a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => match figure.better {
            Better::Higher => a - b > figure.tie,
            Better::Lower => b - a > figure.tie,
        },
        (Some(_), None) => true,
        (None, _) => false,
    }
}

impl Verdict {
    /// Judge `rounds` (round 0 first, then the pruned rounds in order) by `figure`.
    pub fn judge(figure: Figure, rounds: &[RoundFigures], replicates: usize) -> Self {
        let dense = rounds.first().and_then(|r| r.ticket);
        let pruned: Vec<&RoundFigures> = rounds.iter().filter(|r| r.round > 0).collect();
        // Matching the dense network: not worse than it by more than the tie.
        let matching = |r: &&&RoundFigures| r.ticket.is_some() && !beats(figure, dense, r.ticket);
        let sparsest = |a: &&&RoundFigures, b: &&&RoundFigures| a.weights_remaining.total_cmp(&b.weights_remaining);
        let matched = pruned.iter().filter(matching).min_by(sparsest);
        let chosen = matched.or_else(|| pruned.iter().min_by(sparsest));
        let judged = chosen.map(|r| Judged {
            round: r.round,
            weights_remaining: r.weights_remaining,
            ticket: r.ticket,
            matches: matched.is_some(),
            standings: r
                .controls
                .iter()
                .map(|&(control, value)| Standing {
                    control,
                    value,
                    outcome: if beats(figure, r.ticket, value) {
                        Outcome::Wins
                    } else if beats(figure, value, r.ticket) {
                        Outcome::Loses
                    } else {
                        Outcome::Ties
                    },
                })
                .collect(),
        });
        Self { figure, dense, judged, replicates }
    }

    /// One run's verdict by its task's headline figure.
    pub fn of_reports(figure: Figure, rounds: &[RoundReport]) -> Self {
        let figures: Vec<RoundFigures> = rounds.iter().map(|r| RoundFigures::of_report(r, figure)).collect();
        Self::judge(figure, &figures, 1)
    }

    /// Replicates' verdict, by their means.
    pub fn of_spreads(figure: Figure, spreads: &[RoundSpread], replicates: usize) -> Self {
        let figures: Vec<RoundFigures> = spreads.iter().map(|r| RoundFigures::of_spread(r, figure)).collect();
        Self::judge(figure, &figures, replicates)
    }

    /// A value as the rounds table writes it, or "never".
    pub fn written(&self, value: Option<f64>) -> String {
        value.map_or_else(|| "never".into(), |v| self.figure.short(v))
    }

    /// The measure and what counts as a match, in one line.
    pub fn measure_line(&self) -> String {
        let f = self.figure;
        let over = match self.replicates {
            1 => String::new(),
            n => format!(" Each value is the mean of {n} replicates."),
        };
        format!(
            "Judged by {} ({} is better): {}. Within {} counts as a tie.{over}",
            f.label,
            if f.better == Better::Higher { "higher" } else { "lower" },
            f.meaning,
            f.tie_words
        )
    }

    /// The ticket's finding, in one sentence.
    pub fn ticket_line(&self) -> String {
        let dense = self.written(self.dense);
        let Some(j) = &self.judged else {
            return format!("Only the dense network trained ({dense}): no pruning round ran, so there is no ticket.");
        };
        let left = format!("{:.1}%", j.weights_remaining * 100.0);
        let ticket = self.written(j.ticket);
        if j.matches {
            format!(
                "The winning ticket: round {}, {left} of the weights left, scores {ticket} against the dense \
                 network's {dense}, the sparsest round within {}.",
                j.round, self.figure.tie_words
            )
        } else {
            format!(
                "No ticket matched the dense network's {dense} within {}: the sparsest, round {} with {left} of the \
                 weights left, scores {ticket}.",
                self.figure.tie_words, j.round
            )
        }
    }

    /// Each control at the judged round, a sentence each; one sentence when none ran.
    pub fn control_lines(&self) -> Vec<String> {
        let Some(j) = &self.judged else { return Vec::new() };
        if j.standings.is_empty() {
            return vec!["No control ran, so this run cannot tell whether θ0 or the mask made the ticket.".into()];
        }
        j.standings
            .iter()
            .map(|s| {
                format!(
                    "Against the {} ({}), the ticket {}.",
                    s.control.phase().label(),
                    self.written(s.value),
                    s.outcome.word()
                )
            })
            .collect()
    }
}
