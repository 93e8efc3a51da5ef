//! The words a class meets on the page, each in one line, the task's own measure read from its row
//! ([`crate::engine::tasks::row::TaskRow::headline`]), and what the network drawing's edges mean.

use leptos::prelude::*;

use crate::engine::ExperimentConfig;

/// (term, meaning), in the order a lesson meets them.
const TERMS: [(&str, &str); 6] = [
    ("θ0", "the random values every weight starts from; the lab keeps them aside."),
    ("mask", "which weights survive pruning (kept) and which are removed (held at exactly zero)."),
    (
        "winning ticket",
        "the surviving weights reset to θ0 and trained again; it wins when it learns as well as the whole network.",
    ),
    ("random reinit", "a control: the ticket's mask, but fresh random starting values instead of θ0."),
    ("random mask", "a control: as many weights per layer kept at random, reset the same way as the ticket."),
    ("weights left", "the share of the network's weights the mask keeps (sparsity is the share removed)."),
];

/// Folded unless in class mode, where it opens.
#[component]
pub fn Glossary(config: Signal<ExperimentConfig>, class_mode: Signal<bool>) -> impl IntoView {
    let measure = move || {
        config.with(|c| {
            let f = c.task_row().headline();
            format!("how this task scores a network: {}.", f.meaning)
        })
    };
    let label = move || config.with(|c| c.task_row().headline().label);
    view! {
        <details class="glossary" id="glossary" prop:open=move || class_mode.get()>
            <summary>"Words on this page"</summary>
            <dl>
                {TERMS.iter().map(|(term, meaning)| view! { <dt>{*term}</dt><dd>{*meaning}</dd> }).collect::<Vec<_>>()}
                <dt class="measure-term">{label}</dt><dd>{measure}</dd>
                <dt>"edges"</dt>
                <dd>
                    <span class="swatch pos"></span>" positive weight, "<span class="swatch neg"></span>" negative; a \
                    wider edge is a larger weight; a dashed edge is removed by the next round."
                </dd>
            </dl>
        </details>
    }
}
