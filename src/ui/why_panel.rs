//! The "Why" panel: one click runs Zhou et al.'s controls on the current
//! experiment (same signs, shuffled, constant with signs; every round already
//! scores its untrained supermask), and when the run is done the panel says in
//! plain words what it measured, quoting the run's own figures as the charts
//! show them (the accuracy chart's read-out, the supermask chart).

use leptos::prelude::*;

use crate::engine::ExperimentConfig;
use crate::engine::records::replicates::{NetworkSpread, RoundSpread};

use super::Finished;
use super::runner::{LabSignals, Status};
use super::why_charts::Score;

/// Two scores this close (points of %) count as the same.
const SAME_WITHIN_POINTS: f64 = 1.0;

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
        Some(r) if deficit(r) * 100.0 > SAME_WITHIN_POINTS => Some(r),
        _ => spreads.iter().rev().find(with_signs),
    }
}

/// What the round's controls say, in one sentence.
fn verdict(
    ticket: f64,
    signs: Option<f64>,
    constant: Option<f64>,
    shuffled: Option<f64>,
    reinit: Option<f64>,
) -> String {
    let keeps_up = |v: Option<f64>| v.is_some_and(|v| (ticket - v) * 100.0 <= SAME_WITHIN_POINTS);
    let below = |v: Option<f64>| v.is_some_and(|v| (ticket - v) * 100.0 > SAME_WITHIN_POINTS);
    let ahead = |v: Option<f64>| v.is_some_and(|v| (v - ticket) * 100.0 > SAME_WITHIN_POINTS);
    if ahead(reinit) {
        return "A fresh draw does better than the ticket here: at this round θ0 gives the mask no edge, so there \
                is no ticket for the other starts to explain."
            .into();
    }
    match (keeps_up(signs) || keeps_up(constant), below(shuffled), below(reinit)) {
        (true, true, _) => {
            "Keep θ0's signs and the magnitudes hardly matter; scramble the signs and the ticket's edge goes: \
             the signs are what this ticket needs from θ0."
        }
        (true, false, true) => {
            "A fresh initialisation falls behind, but θ0's signs with any magnitudes keep up, and so do θ0's own \
             values in another order: here what the ticket needs from θ0 is its signs or its surviving magnitudes, \
             not their exact places."
        }
        (true, false, false) => {
            "Every start keeps up with the ticket, a fresh one too: on this run the mask carries the ticket, not θ0."
        }
        (false, _, _) => "Here θ0's signs alone do not recover the ticket's score: its magnitudes matter too.",
    }
    .into()
}

/// What the round that tells most (see [`telling_round`]) measured, in words; None until a round has a sign control.
pub fn findings(spreads: &[RoundSpread], score: Score) -> Option<String> {
    let r = telling_round(spreads)?;
    let ticket = r.ticket.test_accuracy.mean;
    let mut parts = vec![format!(
        "At round {} ({:.1}% of the weights) the ticket reaches {}",
        r.round,
        r.weights_remaining * 100.0,
        score.text(ticket)
    )];
    let named = [
        (mean(r.same_signs.as_ref()), "with fresh magnitudes and θ0's signs"),
        (mean(r.constant_signs.as_ref()), "with one magnitude per layer and θ0's signs"),
        (mean(r.shuffled.as_ref()), "with θ0's own values shuffled within each layer"),
        (mean(r.reinit.as_ref()), "from a fresh random initialisation"),
    ];
    for (value, what) in named {
        if let Some(v) = value {
            parts.push(format!("{what} the same mask reaches {}", score.text(v)));
        }
    }
    let mut text = parts.join("; ") + ". ";
    text.push_str(&verdict(ticket, named[0].0, named[1].0, named[2].0, named[3].0));
    if let Some(s) = &r.supermask {
        let chance = score.chance().map(|c| format!(" (chance {})", score.text(c))).unwrap_or_default();
        text.push_str(&format!(" Untrained, the ticket's mask on θ0 already reaches {}{chance}.", score.text(s.mean)));
    }
    Some(text)
}

/// The panel: what the experiments ask, a button that runs them on the current experiment, and the findings.
#[component]
pub fn WhyPanel(
    lab: LabSignals,
    finished: Memo<Finished>,
    config: Signal<ExperimentConfig>,
    run: Callback<()>,
) -> impl IntoView {
    let score = Signal::derive(move || config.with(Score::of));
    let running = move || matches!(lab.status.get(), Status::Preparing | Status::Running | Status::Paused);
    let text = Memo::new(move |_| {
        let done = lab.status.get() == Status::Done;
        done.then(|| finished.with(|f| findings(&f.spreads, score.get()))).flatten()
    });
    view! {
        <section class="why" id="why-panel">
            <h2>"Why tickets win"</h2>
            <p>"What does the ticket need from θ0? Train its mask again from θ0's signs with fresh magnitudes, from \
                one magnitude per layer with θ0's signs, from θ0's values shuffled, and from a fresh draw; and \
                score the mask on θ0 without training (Zhou et al., 2019)."</p>
            <button id="why-run" on:click=move |_| run.run(()) disabled=running>"Run the why experiments"</button>
            <p class="why-findings" id="why-findings" data-ready=move || text.with(Option::is_some)>
                {move || text.get().unwrap_or_default()}
            </p>
        </section>
    }
}
