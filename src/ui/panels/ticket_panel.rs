//! What the ticket saves, beside the round slider: the round's trained ticket as files (dense f32, gzipped, the
//! lab's compact form at each precision: the lengths of the files the buttons download, from the round's report),
//! a *Download this ticket* button per precision, and the pad that runs it ([`TryTicket`]).
//!
//! The ticket's weights come from the worker that trained it (the compact f32 file, bit for bit what trained), or
//! from the report for the small networks whose reports keep them; a round restored from a save of a larger
//! network has its mask only, and the panel says so.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::data::own_data::OwnData;
use crate::engine::records::compact::Precision;
use crate::engine::records::ticket_bytes::Bytes;
use crate::engine::{ExperimentConfig, RoundReport};
use crate::ui::drawing::savings_chart::written_bytes;
use crate::ui::panels::try_ticket::TryTicket;
use crate::ui::run::ticket_file::download_bytes;
use crate::ui::run::trained_ticket::{TicketFormat, TrainedTicket};

/// One line of the sizes table.
#[derive(Clone, Debug, PartialEq)]
struct SizeLine {
    /// Which form, in words.
    form: &'static str,
    /// Its key in the page's data attributes (`dense-f32`, `compact-int8`, …).
    key: String,
    bytes: usize,
    /// Dense f32's bytes over these.
    times_smaller: f64,
}

fn size_lines(b: &Bytes) -> Vec<SizeLine> {
    let line = |form: &'static str, key: &str, bytes: usize| SizeLine {
        form,
        key: key.into(),
        bytes,
        times_smaller: b.dense_f32 as f64 / bytes.max(1) as f64,
    };
    let mut lines = vec![
        line("dense, f32 (the zeros kept)", "dense-f32", b.dense_f32),
        line("dense, gzipped", "dense-gzip", b.dense_gzip),
    ];
    let words = ["compact, f32", "compact, f16", "compact, int8"];
    for (p, form) in Precision::ALL.into_iter().zip(words) {
        lines.push(line(form, &format!("compact-{}", p.name()), b.compact(p)));
    }
    lines
}

/// The sizes of the shown round's ticket as files.
#[component]
fn SizesTable(lines: Vec<SizeLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr data-form=l.key.clone() data-bytes=l.bytes.to_string()>
                    <td>{l.form}</td>
                    <td class="num">{written_bytes(l.bytes)}</td>
                    <td class="num">{format!("1/{:.1}", l.times_smaller)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ticket-sizes">
            <thead><tr><th>"file"</th><th>"bytes"</th><th>"of dense"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A button per format that downloads the ticket; a format that cannot hold the network says why, under them.
#[component]
fn Downloads(
    config: Signal<ExperimentConfig>,
    ticket: Memo<Option<TrainedTicket>>,
    own: RwSignal<Option<OwnData>>,
) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let buttons = TicketFormat::ALL
        .into_iter()
        .map(|format| {
            let save = move |_| {
                let written = ticket.with_untracked(|t| {
                    let t = t.as_ref().ok_or("no trained ticket for this round")?;
                    let bytes = config.with_untracked(|c| own.with_untracked(|o| t.file(format, c, o.as_ref())))?;
                    download_bytes(&t.file_name(format), &bytes, format.extension_and_mime().1)
                });
                message.set(written.err().map(|e| format!("{}: {e}", format.label())));
            };
            view! {
                <button class="download-ticket" data-format=format.key() on:click=save
                    disabled=move || ticket.with(Option::is_none)>
                    {format.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="ticket-downloads"><span>"Download this ticket: "</span>{buttons}</div>
        <p class="error" class:hidden=move || message.with(Option::is_none)>{move || message.get()}</p>
    }
}

/// The panel: the shown round's files, their downloads and the pad.
#[component]
pub fn TicketPanel(
    config: Signal<ExperimentConfig>,
    rounds: RwSignal<Vec<RoundReport>>,
    /// Each round's ticket as its worker sent it (the compact f32 file); None where it was not sent.
    files: RwSignal<Vec<Option<Arc<Vec<u8>>>>>,
    selected: RwSignal<Option<usize>>,
    /// The CSV rows the run trained on, if any: an ONNX graph scales their columns as the import did.
    own: RwSignal<Option<OwnData>>,
) -> impl IntoView {
    let shown = Memo::new(move |_| {
        let n = rounds.with(Vec::len);
        (n > 0).then(|| selected.get().unwrap_or(n - 1).min(n - 1))
    });
    let ticket_at = move |round: Option<usize>| {
        let round = round?;
        config.with(|c| rounds.with(|r| files.with(|f| TrainedTicket::of(c, r, f, round))))
    };
    let ticket = Memo::new(move |_| ticket_at(shown.get()));
    let dense = Memo::new(move |_| ticket_at(shown.get().map(|_| 0)));
    let sizes = move || {
        let bytes = shown.get().and_then(|r| rounds.with(|rs| rs.get(r).and_then(|r| r.ticket_bytes.clone())))?;
        let link = format!(
            "Each compact file carries the experiment's link in its header ({}), so it says how it was made; \
             without it the int8 file is {}, 1/{:.1} of dense.",
            written_bytes(bytes.compact_link),
            written_bytes(bytes.compact_without_link(Precision::Int8)),
            bytes.dense_f32 as f64 / bytes.compact_without_link(Precision::Int8).max(1) as f64
        );
        Some(view! {
            <SizesTable lines=size_lines(&bytes) />
            <p class="note" id="ticket-link-bytes" data-bytes=bytes.compact_link.to_string()>{link}</p>
        })
    };
    let heading = move || {
        let Some(r) = shown.get() else { return String::new() };
        let remaining = rounds.with(|rs| rs.get(r).map_or(0.0, |r| r.weights_remaining));
        format!("What the ticket saves: round {r}, {:.1}% of the weights", remaining * 100.0)
    };
    let missing = move || shown.get().is_some() && ticket.with(Option::is_none);
    view! {
        <section class="ticket-panel" id="ticket-panel" class:hidden=move || shown.get().is_none()
            data-round=move || shown.get().map(|r| r.to_string()).unwrap_or_default()>
            <h2>{heading}</h2>
            {sizes}
            <p class="note" class:hidden=move || !missing()>
                "This round's trained weights are not in the page (it trained before a reload, and a saved run of \
                 this size keeps its masks only): train it again here to download or try it."
            </p>
            <Downloads config=config ticket=ticket own=own />
            <TryTicket config=config dense=dense ticket=ticket />
        </section>
    }
}
