//! The table of finished rounds.

use leptos::prelude::*;

use crate::engine::RoundReport;

#[component]
pub fn RoundsTable(rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let pct = |x: Option<f64>| x.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_else(|| "–".into());
    view! {
        <table id="rounds">
            <thead><tr>
                <th>"round"</th><th>"weights left %"</th><th>"ticket acc %"</th>
                <th>"early stop"</th><th>"reinit acc %"</th><th>"random mask %"</th>
            </tr></thead>
            <tbody>
                {move || rounds.get().into_iter().map(|r| view! {
                    <tr>
                        <td>{r.round}</td>
                        <td class="remaining">{format!("{:.1}", r.weights_remaining * 100.0)}</td>
                        <td>{pct(Some(r.ticket.test_accuracy))}</td>
                        <td>{r.ticket.early_stop_iteration}</td>
                        <td>{pct(r.reinit.as_ref().map(|s| s.test_accuracy))}</td>
                        <td>{pct(r.random_mask.as_ref().map(|s| s.test_accuracy))}</td>
                    </tr>
                }).collect::<Vec<_>>()}
            </tbody>
        </table>
    }
}
