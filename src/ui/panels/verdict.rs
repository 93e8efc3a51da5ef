//! The verdict after a run, at the top of the results: the sparsest ticket that matches the dense network in the
//! task's own measure, and how it stands against each control that ran there ([`Verdict`]), in the words the CLI
//! prints. With replicates, by their means (the rounds table's figures).

use leptos::prelude::*;

use crate::engine::lottery::controls::Control;
use crate::engine::records::verdict::{Standing, Verdict};
use crate::engine::tasks::row::Figure;

use crate::ui::Finished;

/// A control's key in the page's data attributes: its name in reports ("reinit", "random-mask").
fn control_key(control: Control) -> String {
    serde_json::to_value(control).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// One control's line, its figure and outcome in data attributes for whoever reads the page.
#[component]
fn StandingLine(standing: Standing, line: String, written: String) -> impl IntoView {
    view! {
        <li data-control=control_key(standing.control) data-value=written data-outcome=standing.outcome.word()>
            {line}
        </li>
    }
}

/// The box: shown once a run has settled (done, or rounds restored from a save or a file) with a round to judge.
#[component]
pub fn VerdictBox(
    finished: Memo<Finished>,
    /// The task's headline figure ([`crate::engine::tasks::row::TaskRow::headline`]).
    figure: Signal<Figure>,
    /// No network is training now.
    settled: Signal<bool>,
) -> impl IntoView {
    let verdict = Memo::new(move |_| {
        finished.with(|f| {
            (!f.spreads.is_empty()).then(|| Verdict::of_spreads(figure.get(), &f.spreads, f.replicates.max(1)))
        })
    });
    let shown = move || settled.get() && verdict.with(Option::is_some);
    let judged = move |f: fn(&Verdict) -> String| verdict.with(|v| v.as_ref().map(f).unwrap_or_default());
    let round = move || judged(|v| v.judged.as_ref().map(|j| j.round.to_string()).unwrap_or_default());
    let matches = move || judged(|v| v.judged.as_ref().map(|j| j.matches.to_string()).unwrap_or_default());
    let ticket = move || judged(|v| v.judged.as_ref().map(|j| v.written(j.ticket)).unwrap_or_default());
    let dense = move || judged(|v| v.written(v.dense));
    let standings = move || {
        verdict.with(|v| {
            let Some(v) = v else { return Vec::new() };
            let lines = v.control_lines();
            let standings = v.judged.as_ref().map(|j| j.standings.clone()).unwrap_or_default();
            match standings.len() == lines.len() {
                true => standings
                    .into_iter()
                    .zip(lines)
                    .map(|(s, line)| {
                        let written = v.written(s.value);
                        view! { <StandingLine standing=s line=line written=written /> }.into_any()
                    })
                    .collect(),
                // No control ran: one line that says so.
                false => {
                    lines.into_iter().map(|line| view! { <li class="no-control">{line}</li> }.into_any()).collect()
                }
            }
        })
    };
    view! {
        <Show when=shown>
            <section class="verdict" id="verdict" data-round=round data-matches=matches data-ticket=ticket
                data-dense=dense>
                <h2>"Verdict"</h2>
                <p class="verdict-ticket">{move || judged(Verdict::ticket_line)}</p>
                <ul class="verdict-controls">{standings}</ul>
                <p class="verdict-measure">{move || judged(Verdict::measure_line)}</p>
            </section>
        </Show>
    }
}
