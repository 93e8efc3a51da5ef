//! The app: owns the experiment's configuration (mirrored in the URL) and
//! the run's signals, and lays out the bench, the network and the charts.

use std::rc::Rc;

use leptos::prelude::*;

use crate::engine::config::PRESETS;
use crate::url::{self, Notice, UrlState};

use super::charts::{AccuracyChart, EarlyStopChart, LossChart, SparsityChart};
use super::network_view::{DecisionView, LayerHeatmaps, MaskMaps, NetworkView, RoundSlider};
use super::page_url;
use super::rounds_table::RoundsTable;
use super::runner::{self, LabSignals, RunFlags, Status};
use super::saved::{self, Resumable, RoundsSource, SavedRounds};
use super::ticket_file::TicketFile;
use crate::engine::Checkpoint;

#[component]
pub fn App() -> impl IntoView {
    let (mut initial, notices) = page_url::read();
    // A link's masks draw the ticket at once; the live URL carries only the settings.
    let restored = RwSignal::new(std::mem::take(&mut initial.masks));
    let state = RwSignal::new(initial);
    let notices = RwSignal::new(notices);
    let lab = LabSignals::new();
    // The running loop's flags (not Send: a local stored value keeps the handlers Copy).
    let flags: StoredValue<Option<Rc<RunFlags>>, LocalStorage> = StoredValue::new_local(None);
    let stop_run = move || {
        if let Some(old) = flags.try_update_value(Option::take).flatten() {
            old.stop.set(true);
        }
    };
    let with_flags = move |f: &dyn Fn(&RunFlags)| flags.with_value(|fl| fl.as_deref().map(f));

    // Rounds this browser saved for this configuration come back after a reload.
    let resumable: RwSignal<Option<Resumable>> = RwSignal::new(None);
    match saved::load(&state.get_untracked().config) {
        Ok(Some(checkpoint)) => {
            lab.rounds.set(checkpoint.rounds.clone());
            lab.checkpoint.set(Some(checkpoint.clone()));
            resumable.set(Some(Resumable { checkpoint, source: RoundsSource::Browser }));
        }
        Ok(None) => {}
        Err(e) => lab.save_message.set(Some(e)),
    }

    // The URL follows the controls (replaced, so no history entry and no scroll).
    Effect::new(move |_| state.with(page_url::replace));

    let config = Signal::derive(move || state.get().config);
    // The round the views show; None follows the newest.
    let selected: RwSignal<Option<usize>> = RwSignal::new(None);
    let masks = Signal::derive(move || {
        let from_run: Vec<crate::engine::Mask> = lab.rounds.with(|r| r.iter().map(|x| x.mask.clone()).collect());
        if from_run.is_empty() { restored.get() } else { from_run }
    });
    let running = move || matches!(lab.status.get(), Status::Preparing | Status::Running | Status::Paused);

    let launch = move |from: Option<Checkpoint>| {
        stop_run();
        if let Some(c) = &from {
            state.update(|s| s.config = c.config.clone());
        }
        restored.set(Vec::new());
        selected.set(None);
        resumable.set(None);
        flags.set_value(Some(runner::start(lab, state.get_untracked(), from)));
    };
    let train = move |_| launch(None);
    let on_continue = Callback::new(move |c: Checkpoint| launch(Some(c)));
    // An imported ticket replaces the experiment only once it has passed every check.
    let on_import = Callback::new(move |(c, name): (Checkpoint, String)| {
        stop_run();
        state.update(|s| s.config = c.config.clone());
        restored.set(Vec::new());
        selected.set(None);
        lab.status.set(Status::Idle);
        lab.progress.set(None);
        lab.live.update(|l| l.1.clear());
        lab.live_weights.set(None);
        lab.rounds.set(c.rounds.clone());
        lab.checkpoint.set(Some(c.clone()));
        resumable.set(Some(Resumable { checkpoint: c, source: RoundsSource::TicketFile(name) }));
    });
    let current = Signal::derive(move || lab.checkpoint.get());
    let pause = move |_| {
        with_flags(&|fl| fl.pause.set(!fl.pause.get()));
    };
    let step = move |_| {
        with_flags(&|fl| {
            fl.pause_after_round.set(true);
            fl.pause.set(false);
        });
    };
    let reset = move |_| {
        stop_run();
        lab.status.set(Status::Idle);
        lab.rounds.set(Vec::new());
        lab.progress.set(None);
        lab.live.update(|l| l.1.clear());
        lab.live_weights.set(None);
        lab.checkpoint.set(None);
        resumable.set(None);
        selected.set(None);
    };

    view! {
        <header>
            <h1>"Lottery Ticket Lab"</h1>
            <p class="tagline">"Train a network, prune its smallest weights, reset the survivors to their initial values, and train again: the "<em>"winning ticket"</em>" that remains learns as well as the whole."</p>
        </header>
        <Notices notices=notices />
        <DeviceNotice notice=lab.device_notice />
        <main>
            <section class="bench">
                <h2>"Experiment"</h2>
                <Presets state=state />
                <div class="buttons">
                    <button id="train" on:click=train>{move || if running() { "Restart" } else { "Train" }}</button>
                    <button id="pause" on:click=pause disabled=move || !running()>{move || if lab.status.get() == Status::Paused { "Resume" } else { "Pause" }}</button>
                    <button id="step" on:click=step disabled=move || !running()>"Step (one round)"</button>
                    <button id="reset" on:click=reset>"Reset"</button>
                </div>
                <StatusLine lab=lab />
                <SavedRounds resumable=resumable on_continue=on_continue message=lab.save_message last_checkpoint=lab.checkpoint />
                <ShareLink state=state rounds=lab.rounds />
                <TicketFile current=current on_import=on_import />
                <Bench state=state notices=notices />
            </section>
            <section class="middle">
                <RoundSlider masks=masks selected=selected />
                <NetworkView config=config masks=masks selected=selected />
                <DecisionView config=config rounds=lab.rounds selected=selected live=lab.live_weights />
                <LayerHeatmaps rounds=lab.rounds selected=selected />
                <MaskMaps config=config rounds=lab.rounds selected=selected />
                <RoundsTable rounds=lab.rounds />
            </section>
            <section class="charts">
                <LossChart live=lab.live />
                <AccuracyChart rounds=lab.rounds />
                <EarlyStopChart rounds=lab.rounds />
                <SparsityChart rounds=lab.rounds selected=selected />
            </section>
        </main>
        <About />
    }
}

/// What the URL decoder changed or ignored, as text (never HTML).
#[component]
fn Notices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    view! {
        <Show when=move || !notices.with(Vec::is_empty)>
            <div class="notices" id="notices" role="status">
                <p>"This link had settings the lab could not use as given:"</p>
                <ul>{move || notices.get().into_iter().map(|n| view! { <li><code>{n.key}</code>" "{n.message}</li> }).collect::<Vec<_>>()}</ul>
                <button on:click=move |_| notices.set(Vec::new())>"Dismiss"</button>
            </div>
        </Show>
    }
}

/// The GPU was lost and the run moved to the CPU.
#[component]
fn DeviceNotice(notice: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || notice.with(Option::is_some)>
            <div class="notices" id="device-notice" role="alert">
                <p>{move || notice.get().unwrap_or_default()}</p>
                <button on:click=move |_| notice.set(None)>"Dismiss"</button>
            </div>
        </Show>
    }
}

/// One-click presets; each is also a link.
#[component]
fn Presets(state: RwSignal<UrlState>) -> impl IntoView {
    view! {
        <p class="presets">"Presets: "
            {PRESETS.iter().map(|&name| view! {
                <a href=format!("?preset={name}") on:click=move |ev| {
                    ev.prevent_default();
                    if let Some(c) = crate::engine::preset(name) {
                        state.update(|s| s.config = c);
                    }
                }>{name}</a>" "
            }).collect::<Vec<_>>()}
        </p>
    }
}

/// The knobs, from the URL module's table of controls. Each writes the
/// configuration (and so the URL) through `url::apply`; a value it cannot
/// take shows a notice instead. Keys listed as hidden (`<key>_hide=1`) are
/// left out, for embedding in a lesson.
#[component]
fn Bench(state: RwSignal<UrlState>, notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    let set = move |key: &'static str, value: String| {
        let mut msgs = Vec::new();
        state.update(|s| msgs = url::apply(s, key, &value));
        if !msgs.is_empty() {
            notices.update(|n| n.extend(msgs));
        }
    };
    view! {
        <div class="controls">
            {url::CONTROLS.iter().map(|c| {
                let key = c.key;
                let id = format!("ctl-{key}");
                let shown = move || !state.with(|s| s.hidden.iter().any(|h| h == key));
                let value = move || state.with(|s| url::get(s, key).unwrap_or_default());
                let field = if c.choices.is_empty() {
                    view! {
                        <input id=id.clone() name=key type="text" prop:value=value
                            on:change=move |ev| set(key, event_target_value(&ev)) />
                    }.into_any()
                } else {
                    view! {
                        <select id=id.clone() name=key prop:value=value on:change=move |ev| set(key, event_target_value(&ev))>
                            {c.choices.iter().map(|(v, label)| view! { <option value=*v>{*label}</option> }).collect::<Vec<_>>()}
                        </select>
                    }.into_any()
                };
                view! {
                    <div class="control" class:hidden=move || !shown()>
                        <label for=id.clone() title=c.help>{c.label}</label>
                        {field}
                        <small>{c.help}</small>
                    </div>
                }
            }).collect::<Vec<_>>()}
        </div>
    }
}

/// "Copy link": the whole experiment as a URL, on the clipboard and in a
/// field to copy by hand.
#[component]
fn ShareLink(state: RwSignal<UrlState>, rounds: RwSignal<Vec<crate::engine::RoundReport>>) -> impl IntoView {
    let link = RwSignal::new(String::new());
    let copy = move |_| {
        let mut shared = state.get_untracked();
        // Small tickets travel in the link, so it draws before anything re-runs.
        shared.masks = rounds.with_untracked(|r| r.iter().map(|x| x.mask.clone()).collect());
        let l = page_url::link(&shared);
        link.set(l.clone());
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&l);
        }
    };
    view! {
        <div class="share">
            <button id="copy-link" on:click=copy>"Copy link"</button>
            <Show when=move || !link.with(String::is_empty)>
                <input id="share-link" type="text" readonly prop:value=move || link.get() />
                <small>"Copied. Anyone who opens it gets the same experiment and the same ticket."</small>
            </Show>
        </div>
    }
}

/// Backend, status and progress bars.
#[component]
fn StatusLine(lab: LabSignals) -> impl IntoView {
    let overall = move || lab.progress.get().map(|p| p.overall).unwrap_or(0.0);
    let round = move || lab.progress.get().map(|p| p.iteration as f64 / p.end.max(1) as f64).unwrap_or(0.0);
    view! {
        <p id="backend" data-kind=move || lab.backend.get().map(|b| b.kind.as_str()).unwrap_or("none")>
            {move || lab.backend.get().map(|b| b.label).unwrap_or_else(|| "Backend: chosen when you press Train".into())}
        </p>
        <p id="status" data-state=move || lab.status.get().key()>
            {move || match lab.status.get() {
                Status::Idle => "Ready.".to_string(),
                Status::Preparing => "Preparing…".into(),
                Status::Running | Status::Paused => lab.progress.get().map(|p| format!(
                    "{} round {} of {}: {} at iteration {} of {} ({:.0} steps/s)",
                    if lab.status.get() == Status::Paused { "Paused in" } else { "Training" },
                    p.round, p.rounds, p.phase.label(), p.iteration, p.end, lab.speed.get())).unwrap_or_else(|| "Starting…".into()),
                Status::Done => "Done.".into(),
                Status::Failed(e) => format!("Stopped: {e}"),
            }}
        </p>
        <label class="bar">"This round" <progress id="round-progress" max="1" value=round></progress></label>
        <label class="bar">"Whole run" <progress id="run-progress" max="1" value=overall></progress></label>
    }
}

#[component]
fn About() -> impl IntoView {
    view! {
        <details class="about" id="about">
            <summary>"About the lottery ticket hypothesis"</summary>
            <p>"A randomly initialised dense network contains a sparse subnetwork, the "<em>"winning ticket"</em>
               ", that, trained in isolation from the same initial weights, reaches the accuracy of the whole network in at most as many iterations (Frankle & Carbin, ICLR 2019)."</p>
            <p>"This lab finds tickets by iterative magnitude pruning: train, remove the smallest-magnitude remaining weights, reset the survivors to their initial values θ0 (or, with rewinding, to their values θk early in training), and train again. The controls show why the initial values matter: the same mask from a fresh random initialisation, or a random mask of the same sparsity, learns worse."</p>
            <p>"Datasets: 8×8 digits (UCI, E. Alpaydin, via scikit-learn, BSD-3); MNIST (LeCun, Cortes, Burges; CC BY-SA 3.0); Fashion-MNIST (Zalando SE, MIT; Xiao, Rasul & Vollgraf 2017)."</p>
        </details>
    }
}
