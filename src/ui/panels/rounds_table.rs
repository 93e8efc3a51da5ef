//! The table of finished rounds: one experiment's figures, or with
//! replicates their mean ± sample standard deviation.

use leptos::prelude::*;

use crate::engine::records::replicates::{NetworkSpread, Spread};

use crate::ui::Finished;

/// One row, as text.
#[derive(Clone, Debug, PartialEq)]
struct RoundRow {
    round: usize,
    remaining: String,
    ticket: String,
    early_stop: String,
    reinit: String,
    random: String,
    /// The ticket's train accuracy and its generalisation gap (train − test, points).
    train: String,
    gap: String,
}

/// `mean` alone for one replicate, `mean ± sd` for several.
fn cell(spread: Option<&Spread>, scale: f64, digits: usize) -> String {
    match spread {
        None => "–".into(),
        Some(s) if s.n == 1 => format!("{:.digits$}", s.mean * scale),
        Some(s) => format!("{:.digits$} ± {:.digits$}", s.mean * scale, s.sd * scale),
    }
}

/// Whether the rounds are a policy's: its cells are mean returns, not accuracies.
fn of_policy(finished: &Finished) -> bool {
    finished.spreads.first().is_some_and(|r| r.ticket.mean_return.is_some())
}

fn rows(finished: &Finished) -> Vec<RoundRow> {
    let policy = of_policy(finished);
    let accuracy = |n: Option<&NetworkSpread>| match policy {
        true => cell(n.and_then(|n| n.mean_return.as_ref()), 1.0, 0),
        false => cell(n.map(|n| &n.test_accuracy), 100.0, 1),
    };
    finished
        .spreads
        .iter()
        .map(|r| RoundRow {
            round: r.round,
            remaining: format!("{:.1}", r.weights_remaining * 100.0),
            ticket: accuracy(Some(&r.ticket)),
            early_stop: cell(Some(&r.ticket.early_stop_iteration), 1.0, 0),
            reinit: accuracy(r.reinit.as_ref()),
            random: accuracy(r.random_mask.as_ref()),
            train: cell(r.ticket.train_accuracy.as_ref(), 100.0, 1),
            gap: cell(r.ticket.generalisation_gap.as_ref(), 100.0, 1),
        })
        .collect()
}

#[component]
pub fn RoundsTable(finished: Memo<Finished>) -> impl IntoView {
    let table = Memo::new(move |_| finished.with(rows));
    let policy = Memo::new(move |_| finished.with(of_policy));
    let figure = move || if policy.get() { "return" } else { "acc %" };
    view! {
        <table id="rounds">
            <thead><tr>
                <th>"round"</th><th>"weights left %"</th><th>{move || format!("ticket {}", figure())}</th>
                <th>"early stop"</th><th>{move || format!("reinit {}", figure())}</th>
                <th>{move || format!("random mask {}", if policy.get() { "return" } else { "%" })}</th>
                <th title="The ticket's accuracy on its own training rows">"ticket train %"</th>
                <th title="Train minus test accuracy of the ticket, in points">"gap"</th>
            </tr></thead>
            <tbody>
                {move || table.get().into_iter().map(|r| view! {
                    <tr>
                        <td>{r.round}</td>
                        <td class="remaining">{r.remaining}</td>
                        <td>{r.ticket}</td>
                        <td>{r.early_stop}</td>
                        <td>{r.reinit}</td>
                        <td>{r.random}</td>
                        <td class="train">{r.train}</td>
                        <td class="gap">{r.gap}</td>
                    </tr>
                }).collect::<Vec<_>>()}
            </tbody>
        </table>
    }
}
