//! The verdict against rounds written by hand, each expected outcome worked out here from the rule the page
//! states: a ticket matches the dense network when it is not worse by more than the tie; the sparsest such
//! round is judged (else the sparsest round); there a control the ticket beats by more than the tie is a win,
//! one that beats the ticket by more than the tie a loss, anything closer a tie; "never" is worse than any value.

use lottery_ticket_lab::engine::lottery::controls::Control;
use lottery_ticket_lab::engine::records::verdict::{Outcome, RoundFigures, Verdict};
use lottery_ticket_lab::engine::tasks::row::{FigureKey, TaskKind, TaskRow};

fn round(round: usize, left: f64, ticket: Option<f64>, controls: &[(Control, Option<f64>)]) -> RoundFigures {
    RoundFigures { round, weights_remaining: left, ticket, controls: controls.to_vec() }
}

fn outcomes(v: &Verdict) -> Vec<(Control, Outcome)> {
    v.judged.as_ref().unwrap().standings.iter().map(|s| (s.control, s.outcome)).collect()
}

#[test]
fn accuracy_picks_the_sparsest_ticket_within_a_point_and_judges_the_controls_there() {
    let figure = TaskRow::by_kind(TaskKind::Classification).headline();
    assert_eq!((figure.key, figure.tie), (FigureKey::TestAccuracy, 0.01));
    let (r, m) = (Control::Reinit, Control::RandomMask);
    let rounds = [
        round(0, 1.0, Some(0.95), &[]),
        round(1, 0.8, Some(0.955), &[(r, Some(0.93)), (m, Some(0.951))]),
        // 0.5 points under the dense network: a match. The reinit is 4.5 points under the ticket (a win), the
        // random mask 0.5 over it (a tie).
        round(2, 0.64, Some(0.945), &[(r, Some(0.90)), (m, Some(0.95))]),
        // 5 points under: no match.
        round(3, 0.51, Some(0.90), &[(r, Some(0.85)), (m, Some(0.86))]),
    ];
    let v = Verdict::judge(figure, &rounds, 1);
    let j = v.judged.as_ref().unwrap();
    assert_eq!((j.round, j.matches, j.ticket), (2, true, Some(0.945)));
    assert_eq!(outcomes(&v), [(r, Outcome::Wins), (m, Outcome::Ties)]);
    let line = v.ticket_line();
    for part in ["round 2", "64.0% of the weights left", "94.5%", "95.0%"] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert_eq!(
        v.control_lines(),
        ["Against the random reinit (90.0%), the ticket wins.", "Against the random mask (95.0%), the ticket ties."]
    );
    assert!(v.measure_line().contains("Within 1 point counts as a tie"), "{}", v.measure_line());
}

#[test]
fn with_no_ticket_within_the_tie_the_sparsest_round_is_judged_and_a_better_control_wins_it() {
    let figure = TaskRow::by_kind(TaskKind::Classification).headline();
    let rounds = [
        round(0, 1.0, Some(0.95), &[]),
        round(1, 0.8, Some(0.93), &[(Control::Reinit, Some(0.90))]),
        round(2, 0.64, Some(0.90), &[(Control::Reinit, Some(0.96))]),
    ];
    let v = Verdict::judge(figure, &rounds, 1);
    let j = v.judged.as_ref().unwrap();
    assert_eq!((j.round, j.matches), (2, false));
    assert_eq!(outcomes(&v), [(Control::Reinit, Outcome::Loses)]);
    assert!(v.ticket_line().starts_with("No ticket matched the dense network's 95.0% within 1 point"));
}

#[test]
fn an_error_is_better_lower_and_the_sparsest_match_wins_even_past_a_round_that_missed() {
    let figure = TaskRow::by_kind(TaskKind::Regression).headline();
    assert_eq!((figure.key, figure.tie), (FigureKey::TestMse, 0.005));
    let (r, m) = (Control::Reinit, Control::RandomMask);
    let rounds = [
        round(0, 1.0, Some(0.0036), &[]),
        round(1, 0.5, Some(0.0041), &[(r, Some(0.0084)), (m, Some(0.0074))]),
        // 0.0066 over the dense network's: no match.
        round(2, 0.25, Some(0.0102), &[(r, Some(0.0112)), (m, Some(0.0168))]),
        // 0.0044 over: a match, and the sparsest. The reinit's error is 0.012 higher (a win), the random mask's
        // 0.003 (a tie).
        round(3, 0.125, Some(0.0080), &[(r, Some(0.0200)), (m, Some(0.0110))]),
    ];
    let v = Verdict::judge(figure, &rounds, 1);
    let j = v.judged.as_ref().unwrap();
    assert_eq!((j.round, j.matches), (3, true));
    assert_eq!(outcomes(&v), [(r, Outcome::Wins), (m, Outcome::Ties)]);
    assert!(v.ticket_line().contains("scores 0.0080 against the dense network's 0.0036"), "{}", v.ticket_line());
}

#[test]
fn never_reaching_a_mark_is_worse_than_any_value() {
    let figure = TaskRow::by_kind(TaskKind::ModularAddition).headline();
    assert_eq!(figure.key, FigureKey::StepsToGeneralise, "modular addition is judged by steps to generalise");
    let (r, m) = (Control::Reinit, Control::RandomMask);
    let rounds = [round(0, 1.0, Some(1050.0), &[]), round(1, 0.7, None, &[(r, Some(900.0)), (m, None)])];
    let v = Verdict::judge(figure, &rounds, 1);
    let j = v.judged.as_ref().unwrap();
    assert!(!j.matches, "a ticket that never generalises does not match the dense network");
    assert_eq!(outcomes(&v), [(r, Outcome::Loses), (m, Outcome::Ties)]);
    assert!(v.ticket_line().contains("scores never"), "{}", v.ticket_line());
    assert_eq!(v.control_lines()[1], "Against the random mask (never), the ticket ties.");
}

#[test]
fn a_dense_run_alone_or_a_run_without_controls_says_what_it_cannot_tell() {
    let figure = TaskRow::by_kind(TaskKind::CartPole).headline();
    assert_eq!(figure.key, FigureKey::MeanReturn);
    let dense = Verdict::judge(figure, &[round(0, 1.0, Some(500.0), &[])], 1);
    assert_eq!(dense.judged, None);
    assert!(dense.ticket_line().contains("no pruning round ran"), "{}", dense.ticket_line());
    assert!(dense.control_lines().is_empty());

    // A return 20 under the dense network's is within 25: a match.
    let alone = Verdict::judge(figure, &[round(0, 1.0, Some(500.0), &[]), round(1, 0.4, Some(480.0), &[])], 3);
    assert!(alone.judged.as_ref().unwrap().matches);
    assert_eq!(
        alone.control_lines(),
        ["No control ran, so this run cannot tell whether θ0 or the mask made the ticket."]
    );
    assert!(alone.measure_line().contains("the mean of 3 replicates"), "{}", alone.measure_line());
}
