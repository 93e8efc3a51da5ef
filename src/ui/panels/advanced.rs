//! The research panels under one heading below the results: why tickets win, stability, kept runs side by side,
//! the untrained supermask, how alike replicates' masks are, early-bird tickets and transfer. Open for a researcher;
//! folded in class mode, so a class meets the run, its verdict and its main chart first.

use leptos::prelude::*;

#[component]
pub fn Advanced(class_mode: Signal<bool>, children: Children) -> impl IntoView {
    view! {
        <section class="advanced" id="advanced">
            <details prop:open=move || !class_mode.get()>
                <summary>"Advanced: why tickets win, stability, kept runs, supermask, early-bird, transfer"</summary>
                <div class="advanced-grid">{children()}</div>
            </details>
        </section>
    }
}
