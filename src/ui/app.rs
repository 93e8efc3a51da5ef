//! The app: owns the experiment's configuration (mirrored in the URL) and
//! the run's signals, and lays out the bench, the network and the charts.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::engine::config::PRESETS;
use crate::url::{BackendChoice, Notice, UrlState};

use super::charts::{AccuracyChart, LossChart};
use super::network_view::NetworkView;
use super::page_url;
use super::rounds_table::RoundsTable;
use super::runner::{self, LabSignals, RunFlags, Status};

#[component]
pub fn App() -> impl IntoView {
    let (initial, notices) = page_url::read();
    let state = RwSignal::new(initial);
    let notices = RwSignal::new(notices);
    let lab = LabSignals::new();
    let flags: Rc<RefCell<Option<Rc<RunFlags>>>> = Rc::new(RefCell::new(None));

    // The URL follows the controls (replaced, so no history entry and no scroll).
    Effect::new(move |_| state.with(page_url::replace));

    let config = Signal::derive(move || state.get().config);
    let running = move || matches!(lab.status.get(), Status::Preparing | Status::Running | Status::Paused);

    let f = flags.clone();
    let train = move |_| {
        if let Some(old) = f.borrow().as_ref() {
            old.stop.set(true);
        }
        *f.borrow_mut() = Some(runner::start(lab, state.get_untracked()));
    };
    let f = flags.clone();
    let pause = move |_| {
        if let Some(fl) = f.borrow().as_ref() {
            fl.pause.set(!fl.pause.get());
        }
    };
    let f = flags.clone();
    let step = move |_| {
        if let Some(fl) = f.borrow().as_ref() {
            fl.pause_after_round.set(true);
            fl.pause.set(false);
        }
    };
    let f = flags.clone();
    let reset = move |_| {
        if let Some(fl) = f.borrow_mut().take() {
            fl.stop.set(true);
        }
        lab.status.set(Status::Idle);
        lab.rounds.set(Vec::new());
        lab.progress.set(None);
        lab.live.update(|l| l.1.clear());
    };

    view! {
        <header>
            <h1>"Lottery Ticket Lab"</h1>
            <p class="tagline">"Train a network, prune its smallest weights, reset the survivors to their initial values, and train again: the "<em>"winning ticket"</em>" that remains learns as well as the whole."</p>
        </header>
        <Notices notices=notices />
        <main>
            <section class="bench">
                <h2>"Experiment"</h2>
                <Presets state=state />
                <Bench state=state />
                <div class="buttons">
                    <button id="train" on:click=train>{move || if running() { "Restart" } else { "Train" }}</button>
                    <button id="pause" on:click=pause disabled=move || !running()>{move || if lab.status.get() == Status::Paused { "Resume" } else { "Pause" }}</button>
                    <button id="step" on:click=step disabled=move || !running()>"Step (one round)"</button>
                    <button id="reset" on:click=reset>"Reset"</button>
                </div>
                <StatusLine lab=lab />
            </section>
            <section class="middle">
                <NetworkView config=config rounds=lab.rounds />
                <RoundsTable rounds=lab.rounds />
            </section>
            <section class="charts">
                <LossChart live=lab.live />
                <AccuracyChart rounds=lab.rounds />
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

/// The knobs. Each writes the configuration, and so the URL.
#[component]
fn Bench(state: RwSignal<UrlState>) -> impl IntoView {
    let num_input = |id: &'static str, label: &'static str, help: &'static str, get: fn(&UrlState) -> String, set: fn(&mut UrlState, &str)| {
        view! {
            <label for=id title=help>{label}
                <input id=id type="text" inputmode="decimal" prop:value=move || state.with(get)
                    on:change=move |ev| { let v = event_target_value(&ev); state.update(|s| set(s, &v)); } />
                <small>{help}</small>
            </label>
        }
    };
    view! {
        <div class="controls">
            <label for="dataset" title="The data the network learns">"Dataset"
                <select id="dataset" prop:value=move || state.with(|s| s.config.data.dataset.as_str().to_string())
                    on:change=move |ev| {
                        if let Some(d) = crate::engine::DatasetName::parse(&event_target_value(&ev)) {
                            state.update(|s| {
                                s.config.data.dataset = d;
                                if !d.is_2d() && s.config.data.samples < 1000 { s.config.data.samples = 1797; }
                            });
                        }
                    }>
                    {crate::engine::DatasetName::ALL.iter().map(|d| view! { <option value=d.as_str()>{d.as_str()}</option> }).collect::<Vec<_>>()}
                </select>
                <small>"2D sets are generated from the seed; image sets are shipped with the page."</small>
            </label>
            {num_input("hidden", "Hidden layers", "Widths of the hidden layers, comma-separated.",
                |s| s.config.model.hidden.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(","),
                |s, v| { let w: Vec<usize> = v.split(',').filter_map(|p| p.trim().parse().ok()).filter(|&w| w > 0 && w <= 1024).collect(); if w.len() <= 6 { s.config.model.hidden = w; } })}
            {num_input("steps", "Steps per round", "Training iterations in each round.",
                |s| s.config.train.steps.to_string(), |s, v| if let Ok(x) = v.trim().parse::<usize>() { s.config.train.steps = x.clamp(1, 100_000); s.config.train.eval_every = s.config.train.eval_every.min(s.config.train.steps); })}
            {num_input("rounds", "Rounds", "Pruning rounds after the dense round 0.",
                |s| s.config.prune.rounds.to_string(), |s, v| if let Ok(x) = v.trim().parse::<usize>() { s.config.prune.rounds = x.min(30); })}
            {num_input("rate", "Prune rate", "Fraction of the remaining weights pruned each round (output layer: half).",
                |s| s.config.prune.rate.to_string(), |s, v| if let Ok(x) = v.trim().parse::<f64>() { if x > 0.0 && x < 1.0 { s.config.prune.rate = x; s.config.prune.output_rate = x / 2.0; } })}
            {num_input("lr", "Learning rate", "Step size of the optimizer.",
                |s| s.config.train.lr.to_string(), |s, v| if let Ok(x) = v.trim().parse::<f64>() { if x > 0.0 && x <= 10.0 { s.config.train.lr = x; } })}
            {num_input("seed", "Seed", "Same seed and settings, same ticket.",
                |s| s.config.seed.to_string(), |s, v| if let Ok(x) = v.trim().parse::<u32>() { s.config.seed = x as u64; })}
            <label for="backend" title="Where training runs">"Backend"
                <select id="backend-choice" prop:value=move || state.with(|s| s.backend.as_str().to_string())
                    on:change=move |ev| {
                        let b = match event_target_value(&ev).as_str() { "cpu" => BackendChoice::Cpu, "webgpu" => BackendChoice::Webgpu, _ => BackendChoice::Auto };
                        state.update(|s| s.backend = b);
                    }>
                    <option value="auto">"auto (WebGPU if available)"</option>
                    <option value="webgpu">"WebGPU"</option>
                    <option value="cpu">"CPU"</option>
                </select>
                <small>"WebGPU trains on your graphics card; the CPU path always works."</small>
            </label>
        </div>
    }
}

/// Backend, status and progress bars.
#[component]
fn StatusLine(lab: LabSignals) -> impl IntoView {
    let overall = move || lab.progress.get().map(|p| p.overall).unwrap_or(0.0);
    let round = move || lab.progress.get().map(|p| p.iteration as f64 / p.end.max(1) as f64).unwrap_or(0.0);
    view! {
        <p id="backend" data-kind=move || lab.backend.get().map(|b| b.kind).unwrap_or("none")>
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
