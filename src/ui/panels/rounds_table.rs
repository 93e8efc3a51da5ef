//! The table of finished rounds: one experiment's figures, or with
//! replicates their mean ± sample standard deviation.

use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::records::compact::Precision;
use crate::engine::records::replicates::{NetworkSpread, RoundSpread, Spread};
use crate::engine::tasks::row::{Figure, FigureKey, Unit};

use crate::ui::Finished;
use crate::ui::drawing::savings_chart::written_bytes;

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
    /// The ticket's compact int8 file (the first replicate's), and how many times smaller than dense f32.
    file: String,
}

/// `mean` alone for one replicate, `mean ± sd` for several.
fn cell(spread: Option<&Spread>, scale: f64, digits: usize) -> String {
    match spread {
        None => "–".into(),
        Some(s) if s.n == 1 => format!("{:.digits$}", s.mean * scale),
        Some(s) => format!("{:.digits$} ± {:.digits$}", s.mean * scale, s.sd * scale),
    }
}

/// How the table writes a figure of the task's: its scale and decimals.
fn written(figure: Figure) -> (f64, usize) {
    match figure.unit {
        Unit::Percent => (100.0, 1),
        Unit::Count => (1.0, 0),
        Unit::Error => (1.0, 4),
    }
}

/// The column heads of the task's headline figure: the ticket's and reinit's, and the random mask's (short).
fn heads(figure: Figure) -> (String, String) {
    match figure.unit {
        Unit::Percent if figure.key == FigureKey::TestAccuracy => ("acc %".into(), "%".into()),
        Unit::Percent => (format!("{} %", figure.label), format!("{} %", figure.label)),
        Unit::Count | Unit::Error => (figure.label.into(), figure.label.into()),
    }
}

/// Round `round`'s ticket as an int8 compact file, against the dense f32 network ("–" when not measured).
fn file_cell(reports: &[RoundReport], round: usize) -> String {
    match reports.get(round).and_then(|r| r.ticket_bytes.as_ref()) {
        None => "–".into(),
        Some(b) => {
            let int8 = b.compact(Precision::Int8);
            format!("{} (1/{:.0})", written_bytes(int8), b.dense_f32 as f64 / int8.max(1) as f64)
        }
    }
}

fn rows(finished: &Finished, figure: Figure, reports: &[RoundReport]) -> Vec<RoundRow> {
    let (scale, digits) = written(figure);
    // A network that trained but never reached the figure's mark (steps to generalise) is "never", as the verdict
    // says; one that did not train, "–".
    let headline = |n: Option<&NetworkSpread>| match n.map(|n| n.figure(figure.key)) {
        Some(None) if figure.key == FigureKey::StepsToGeneralise => "never".to_string(),
        value => cell(value.flatten().as_ref(), scale, digits),
    };
    finished
        .spreads
        .iter()
        .map(|r| RoundRow {
            round: r.round,
            remaining: format!("{:.1}", r.weights_remaining * 100.0),
            ticket: headline(Some(&r.ticket)),
            early_stop: cell(Some(&r.ticket.early_stop_iteration), 1.0, 0),
            reinit: headline(r.reinit.as_ref()),
            random: headline(r.random_mask.as_ref()),
            train: cell(r.ticket.train_accuracy.as_ref(), 100.0, 1),
            gap: cell(r.ticket.generalisation_gap.as_ref(), 100.0, 1),
            file: file_cell(reports, r.round),
        })
        .collect()
}

/// Which columns the run fills: a policy's and a GAN's networks have no validation rows (so no early stop) and
/// no training rows (so no train accuracy or gap), and a control that did not run has no column.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Columns {
    early_stop: bool,
    reinit: bool,
    random: bool,
    train: bool,
    file: bool,
}

impl Columns {
    fn of(finished: &Finished, learns_from_rows: bool, reports: &[RoundReport]) -> Self {
        let any = |f: fn(&RoundSpread) -> bool| finished.spreads.iter().any(f);
        Self {
            early_stop: learns_from_rows,
            reinit: any(|r| r.reinit.is_some()),
            random: any(|r| r.random_mask.is_some()),
            train: learns_from_rows && any(|r| r.ticket.train_accuracy.is_some()),
            file: reports.iter().any(|r| r.ticket_bytes.is_some()),
        }
    }
}

#[component]
pub fn RoundsTable(
    finished: Memo<Finished>,
    /// The task's headline figure ([`crate::engine::tasks::row::TaskRow::headline`]): what the ticket's and
    /// the controls' columns hold.
    figure: Signal<Figure>,
    /// The task learns from rows ([`crate::engine::tasks::row::TaskRow::learns_from_rows`]).
    learns_from_rows: Signal<bool>,
    /// The first replicate's rounds: their tickets' files.
    reports: RwSignal<Vec<RoundReport>>,
) -> impl IntoView {
    let table = Memo::new(move |_| finished.with(|f| reports.with(|r| rows(f, figure.get(), r))));
    let heads = Memo::new(move |_| heads(figure.get()));
    let columns = Memo::new(move |_| finished.with(|f| reports.with(|r| Columns::of(f, learns_from_rows.get(), r))));
    let shown = move |f: fn(&Columns) -> bool| columns.with(f);
    view! {
        <table id="rounds">
            <thead><tr>
                <th>"round"</th><th>"weights left %"</th><th>{move || heads.with(|h| format!("ticket {}", h.0))}</th>
                <Show when=move || shown(|c| c.early_stop)>
                    <th title="The iteration of lowest validation loss">"early stop"</th>
                </Show>
                <Show when=move || shown(|c| c.reinit)>
                    <th>{move || heads.with(|h| format!("reinit {}", h.0))}</th>
                </Show>
                <Show when=move || shown(|c| c.random)>
                    <th>{move || heads.with(|h| format!("random mask {}", h.1))}</th>
                </Show>
                <Show when=move || shown(|c| c.train)>
                    <th title="The ticket's accuracy on its own training rows">"ticket train %"</th>
                    <th title="Train minus test accuracy of the ticket, in points">"gap"</th>
                </Show>
                <Show when=move || shown(|c| c.file)>
                    <th title="The ticket as the lab's compact file in int8, and how many times smaller than the \
                        dense network's f32 weights (the first replicate's)">"ticket file"</th>
                </Show>
            </tr></thead>
            <tbody>
                {move || {
                    let c = columns.get();
                    table.get().into_iter().map(|r| view! {
                        <tr>
                            <td>{r.round}</td>
                            <td class="remaining">{r.remaining}</td>
                            <td class="ticket">{r.ticket}</td>
                            {c.early_stop.then(|| view! { <td class="early-stop">{r.early_stop}</td> })}
                            {c.reinit.then(|| view! { <td class="reinit">{r.reinit}</td> })}
                            {c.random.then(|| view! { <td class="random">{r.random}</td> })}
                            {c.train.then(|| view! { <td class="train">{r.train}</td><td class="gap">{r.gap}</td> })}
                            {c.file.then(|| view! { <td class="file">{r.file}</td> })}
                        </tr>
                    }).collect::<Vec<_>>()
                }}
            </tbody>
        </table>
    }
}
