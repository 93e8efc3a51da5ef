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

/// Two scores this close (points of %) count as the same.
const SAME_WITHIN_POINTS: f64 = 1.0;

/// A score as the charts write it.
fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

fn mean(n: Option<&NetworkSpread>) -> Option<f64> {
    n.map(|n| n.test_accuracy.mean)
}

/// What the newest round with the sign controls measured, in words; None until there is one.
pub fn findings(spreads: &[RoundSpread], classes: usize) -> Option<String> {
    let r =
        spreads.iter().rev().find(|r| r.same_signs.is_some() || r.shuffled.is_some() || r.constant_signs.is_some())?;
    let ticket = r.ticket.test_accuracy.mean;
    let mut parts = vec![format!(
        "At round {} ({:.1}% of the weights) the ticket scores {}",
        r.round,
        r.weights_remaining * 100.0,
        percent(ticket)
    )];
    let named = [
        (mean(r.same_signs.as_ref()), "with fresh magnitudes and θ0's signs"),
        (mean(r.constant_signs.as_ref()), "with one magnitude per layer and θ0's signs"),
        (mean(r.shuffled.as_ref()), "with θ0's own values shuffled within each layer"),
        (mean(r.reinit.as_ref()), "from a fresh random initialisation"),
    ];
    for (value, what) in named {
        if let Some(v) = value {
            parts.push(format!("{what} the same mask scores {}", percent(v)));
        }
    }
    let mut text = parts.join("; ") + ".";
    let close = |v: Option<f64>| v.is_some_and(|v| (v - ticket).abs() * 100.0 <= SAME_WITHIN_POINTS);
    let below = |v: Option<f64>| v.is_some_and(|v| (ticket - v) * 100.0 > SAME_WITHIN_POINTS);
    let (signs, constant, shuffled) = (named[0].0, named[1].0, named[2].0);
    text.push(' ');
    text.push_str(match (close(signs) || close(constant), below(shuffled)) {
        (true, true) => {
            "Keep θ0's signs and the magnitudes hardly matter; scramble the signs and the ticket's edge goes: \
             the signs are what this ticket needs from θ0."
        }
        (true, false) => {
            "Keeping θ0's signs is enough here, but so is shuffling: on this run the mask carries the ticket, not θ0."
        }
        (false, _) => "Here θ0's signs alone do not recover the ticket's score: its magnitudes matter too.",
    });
    if let Some(s) = &r.supermask {
        text.push_str(&format!(
            " Untrained, the ticket's mask on θ0 already scores {} (chance {}).",
            percent(s.mean),
            percent(1.0 / classes.max(1) as f64)
        ));
    }
    Some(text)
}

/// The panel: what the experiments ask, a button that runs them on the current experiment, and the findings.
/// A classifier's for now: the supermask and chance are a classifier's figures.
#[component]
pub fn WhyPanel(
    lab: LabSignals,
    finished: Memo<Finished>,
    config: Signal<ExperimentConfig>,
    run: Callback<()>,
) -> impl IntoView {
    let classifier = move || config.with(|c| c.learns_from_rows() && !c.is_modular());
    let classes = Signal::derive(move || config.with(|c| c.classes()));
    let running = move || matches!(lab.status.get(), Status::Preparing | Status::Running | Status::Paused);
    let text = Memo::new(move |_| {
        let done = lab.status.get() == Status::Done;
        done.then(|| finished.with(|f| findings(&f.spreads, classes.get()))).flatten()
    });
    view! {
        <Show when=classifier>
        <section class="why" id="why-panel">
            <h2>"Why tickets win"</h2>
            <p>"What does the ticket need from θ0? Train its mask again from θ0's signs with fresh magnitudes, from \
                one magnitude per layer with θ0's signs, and from θ0's values shuffled; and score the mask on θ0 \
                without training (Zhou et al., 2019)."</p>
            <button id="why-run" on:click=move |_| run.run(()) disabled=running>"Run the why experiments"</button>
            <p class="why-findings" id="why-findings" data-ready=move || text.with(Option::is_some)>
                {move || text.get().unwrap_or_default()}
            </p>
        </section>
        </Show>
    }
}
