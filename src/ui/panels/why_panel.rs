//! The "Why" panel: one click runs Zhou et al.'s controls on the current
//! experiment (same signs, shuffled, constant with signs; every round already
//! scores its untrained supermask), and when the run is done the panel says in
//! plain words what it measured ([`crate::engine::lottery::why`]), quoting the
//! run's own figures as the charts show them (the accuracy chart's read-out,
//! the supermask chart).

use leptos::prelude::*;

use crate::engine::ExperimentConfig;
use crate::engine::lottery::why::{Score, findings};

use crate::ui::Finished;
use crate::ui::run::runner::{LabSignals, Status};

/// The panel: what the experiments ask, a button that runs them on the current experiment, and the findings.
#[component]
pub fn WhyPanel(
    lab: LabSignals,
    finished: Memo<Finished>,
    config: Signal<ExperimentConfig>,
    run: Callback<()>,
) -> impl IntoView {
    let score = Signal::derive(move || config.with(Score::of));
    let running = move || lab.status.with(Status::is_active);
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
