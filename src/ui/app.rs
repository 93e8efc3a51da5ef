//! The app: owns the experiment's configuration (mirrored in the URL) and
//! the run's signals, and lays out the bench, the network and the charts.

use std::rc::Rc;

use leptos::prelude::*;

use crate::engine::config::PRESETS;
use crate::url::{self, BackendChoice, Group, Notice, Setting, Shown, UrlState};

use crate::engine::data::own_data::OwnData;
use crate::engine::records::pinned_runs::{PinnedRun, PinnedRuns};
use crate::engine::records::sweep_summary::Summary;
use crate::engine::tasks::View;
use crate::engine::{Checkpoint, Choice, DatasetName, ExperimentConfig, Mask, Progress, RoundReport, Task};
use crate::ui::Comparison;
use crate::ui::Finished;
use crate::ui::drawing::charts::{
    AccuracyChart, EarlyBirdChart, EarlyStopChart, GeneralisationChart, GeneraliseChart, HeadlineChart, LossChart,
    QualityChart, SparsityChart, SweepChart,
};
use crate::ui::drawing::savings_chart::SavingsChart;
use crate::ui::drawing::speed_chart::SpeedChart;
use crate::ui::panels::advanced::Advanced;
use crate::ui::panels::glossary::Glossary;
use crate::ui::panels::pinned::{self, PinnedPanel};
use crate::ui::panels::rounds_table::RoundsTable;
use crate::ui::panels::stability_panel::StabilityPanel;
use crate::ui::panels::ticket_panel::TicketPanel;
use crate::ui::panels::tour::{self, TourPanel};
use crate::ui::panels::transfer::TransferPanel;
use crate::ui::panels::verdict::VerdictBox;
use crate::ui::panels::why_charts::{MaskOverlapChart, Score, SupermaskChart};
use crate::ui::panels::why_panel::WhyPanel;
use crate::ui::run::offline::{self, Offline, OfflinePanel, UpdateNotice};
use crate::ui::run::page_url;
use crate::ui::run::runner::{self, LabSignals, RunHandle, Status};
use crate::ui::run::saved::{self, Resumable, RoundsSource, SavedRounds};
use crate::ui::run::ticket_file::TicketFile;
use crate::ui::views::classifier::network_view::{DecisionView, LayerHeatmaps, MaskMaps, NetworkView, RoundSlider};
use crate::ui::views::classifier::own_data::OwnDataImport;
use crate::ui::views::gan::gan_view::GanView;
use crate::ui::views::modular::circuit_view::CircuitView;
use crate::ui::views::modular::grokking::GrokkingChart;
use crate::ui::views::modular::transformer_view::TransformerView;
use crate::ui::views::policy::cartpole_view::CartPoleView;
use crate::ui::views::policy::policy_charts::{InputsKept, ReturnsChart};

/// What the buttons do to the experiment. Copy, so every handler can hold it.
#[derive(Clone, Copy)]
struct Controller {
    lab: LabSignals,
    state: RwSignal<UrlState>,
    /// A link's masks, drawn until a run replaces them.
    restored: RwSignal<Vec<Mask>>,
    /// The round the views show; None follows the newest.
    selected: RwSignal<Option<usize>>,
    /// Finished rounds that can be continued, and where they came from.
    resumable: RwSignal<Option<Resumable>>,
    /// The run in progress (not Send: a local stored value keeps the handlers Copy).
    run: StoredValue<Option<Rc<RunHandle>>, LocalStorage>,
}

impl Controller {
    fn new(lab: LabSignals, state: RwSignal<UrlState>, restored: RwSignal<Vec<Mask>>) -> Self {
        let resumable = RwSignal::new(None);
        Self { lab, state, restored, selected: RwSignal::new(None), resumable, run: StoredValue::new_local(None) }
    }

    /// Rounds this browser saved for this configuration come back after a reload.
    fn restore_saved(self) {
        match saved::load(&self.state.get_untracked().config) {
            Ok(Some(checkpoint)) => {
                self.lab.clear(Status::Idle, Some(&checkpoint));
                self.resumable.set(Some(Resumable { checkpoint, source: RoundsSource::Browser }));
            }
            Ok(None) => {}
            Err(e) => self.lab.save_message.set(Some(e)),
        }
    }

    fn running(self) -> bool {
        self.lab.status.with(Status::is_active)
    }

    fn stop(self) {
        if let Some(old) = self.run.try_update_value(Option::take).flatten() {
            old.stop();
        }
    }

    fn with_run(self, f: impl Fn(&RunHandle)) {
        self.run.with_value(|run| run.as_deref().map(f));
    }

    /// Forget what the views showed (a link's masks, the selected round, a resumable run).
    fn forget_shown(self) {
        self.restored.set(Vec::new());
        self.selected.set(None);
        self.resumable.set(None);
    }

    /// Train the configuration from round 0, or go on from a checkpoint.
    fn launch(self, from: Option<Checkpoint>) {
        self.stop();
        if let Some(c) = &from {
            self.state.update(|s| s.config = c.config.clone());
        }
        self.forget_shown();
        self.run.set_value(Some(runner::start(self.lab, self.state.get_untracked(), from)));
    }

    /// An imported ticket replaces the experiment only once it has passed every check.
    fn import(self, checkpoint: Checkpoint, file_name: String) {
        self.stop();
        self.state.update(|s| s.config = checkpoint.config.clone());
        if checkpoint.own_data.is_some() {
            self.lab.own_data.set(checkpoint.own_data.clone());
        }
        self.forget_shown();
        self.lab.clear(Status::Idle, Some(&checkpoint));
        self.resumable.set(Some(Resumable { checkpoint, source: RoundsSource::TicketFile(file_name) }));
    }

    /// Imported rows become the experiment's data (no convs: rows are no images).
    /// Returns what the settings' rules changed to fit them.
    fn use_own_data(self, data: OwnData) -> Vec<Notice> {
        self.stop();
        let (shape, rows) = (data.shape(), data.rows());
        self.lab.own_data.set(Some(data));
        let mut notices = Vec::new();
        self.state.update(|s| {
            s.tour = 0;
            notices = url::use_own_data(s, shape, rows);
        });
        self.lab.clear(Status::Idle, None);
        self.forget_shown();
        notices
    }

    fn reset(self) {
        self.stop();
        self.lab.clear(Status::Idle, None);
        self.forget_shown();
    }

    fn toggle_pause(self) {
        self.with_run(RunHandle::toggle_pause);
    }

    /// A link to a tour step (`?tour=N`) sets up that step's run and starts it.
    fn open_linked_step(self) {
        let linked = self.state.with_untracked(|s| s.tour);
        if tour::step(linked).is_some() {
            self.tour_to(linked);
        }
    }

    /// Go to step `n` of the guided tour: set up its experiment and start it.
    fn tour_to(self, n: usize) {
        let Some(step) = tour::step(n) else { return };
        self.state.update(|s| {
            s.tour = n;
            s.config = step.config();
        });
        self.launch(None);
    }

    /// The why experiments on the current configuration: Zhou et al.'s three controls and the reinit on, from round 0.
    fn run_why(self) {
        self.state.update(|s| {
            s.tour = 0;
            let p = &mut s.config.prune;
            (p.control_signs, p.control_shuffled, p.control_constant, p.control_reinit) = (true, true, true, true);
        });
        self.launch(None);
    }

    /// Leave the tour; the experiment and its rounds stay.
    fn leave_tour(self) {
        self.state.update(|s| s.tour = 0);
    }

    /// Run on to the end of the round in progress, then pause.
    fn step_round(self) {
        self.with_run(RunHandle::step_round);
    }
}

#[component]
pub fn App() -> impl IntoView {
    let (mut initial, notices) = page_url::read();
    // A link's masks draw the ticket at once; the live URL carries only the settings.
    let restored = RwSignal::new(std::mem::take(&mut initial.masks));
    let state = RwSignal::new(initial);
    let notices = RwSignal::new(notices);
    let lab = LabSignals::new();
    runner::warm_up();
    let control = Controller::new(lab, state, restored);
    control.restore_saved();
    control.open_linked_step();
    // The URL follows the controls (replaced, so no history entry and no scroll).
    Effect::new(move |_| state.with(page_url::replace));

    let config = Signal::derive(move || state.get().config);
    let selected = control.selected;
    let masks = Signal::derive(move || {
        let from_run: Vec<Mask> = lab.rounds.with(|r| r.iter().map(|x| x.mask.clone()).collect());
        if from_run.is_empty() { restored.get() } else { from_run }
    });
    let sweep: RwSignal<Option<(String, Summary)>> = RwSignal::new(None);
    let finished = Finished::memo(lab.rounds, lab.others);
    let pinned_message = RwSignal::new(None);
    let kept = RwSignal::new(pinned::load().unwrap_or_else(|e| {
        pinned_message.set(Some(e));
        Vec::new()
    }));
    let comparisons = pinned::comparisons(kept, config);
    let done = Signal::derive(move || lab.status.get() == Status::Done);
    let why = Callback::new(move |()| control.run_why());
    let offline = offline::watch();
    let class_mode = Signal::derive(move || state.with(|s| s.class));
    view! {
        <header>
            <h1>"Lottery Ticket Lab"</h1>
            <p class="tagline">{TAGLINE_BEFORE}<em>"winning ticket"</em>" that remains learns as well as the whole."</p>
        </header>
        <UpdateNotice offline=offline />
        <Notices notices=notices />
        <DeviceNotice notice=lab.device_notice />
        <main class:class-mode=move || class_mode.get()>
            <BenchColumn control=control notices=notices sweep=sweep kept=kept pinned_message=pinned_message
                offline=offline />
            <MiddleColumn config=config lab=lab masks=masks selected=selected finished=finished pinned=comparisons
                class_mode=class_mode />
            <ChartsColumn config=config lab=lab selected=selected finished=finished pinned=comparisons sweep=sweep
                class_mode=class_mode />
        </main>
        <Advanced class_mode=class_mode>
            <WhyPanel lab=lab finished=finished config=config run=why />
            <StabilityPanel lab=lab selected=selected />
            <PinnedPanel pinned=kept finished=finished config=config done=done message=pinned_message />
            // The supermask scored as the task scores (accuracy beside chance, a policy's return, a generator's modes).
            <SupermaskChart finished=finished score=Signal::derive(move || config.with(Score::of)) />
            <MaskOverlapChart finished=finished />
            <EarlyBirdChart rounds=lab.rounds config=config />
            <TransferPanel lab=lab selected=selected />
        </Advanced>
        <About />
    }
}

/// The left column: the presets, Train and the status (first in class mode), the settings, and the files a run
/// saves, shares and imports.
#[component]
fn BenchColumn(
    control: Controller,
    notices: RwSignal<Vec<Notice>>,
    /// A sweep summary opened from a file, for the charts column.
    sweep: RwSignal<Option<(String, Summary)>>,
    /// The kept runs, and what importing or loading them said.
    kept: RwSignal<Vec<PinnedRun>>,
    pinned_message: RwSignal<Option<String>>,
    offline: Signal<Offline>,
) -> impl IntoView {
    let Controller { lab, state, selected, .. } = control;
    let config = Signal::derive(move || state.get().config);
    let touring = Signal::derive(move || state.with(|s| s.tour));
    let class_mode = Signal::derive(move || state.with(|s| s.class));
    let go = Callback::new(move |n: usize| control.tour_to(n));
    let leave = Callback::new(move |()| control.leave_tour());
    let on_continue = Callback::new(move |c: Checkpoint| control.launch(Some(c)));
    let on_import = Callback::new(move |(c, name): (Checkpoint, String)| control.import(c, name));
    let on_sweep = Callback::new(move |(summary, name): (Summary, String)| sweep.set(Some((name, summary))));
    let on_pinned = Callback::new(move |(file, name): (PinnedRuns, String)| {
        pinned_message.set(Some(pinned::import(kept, file, &name)));
    });
    let on_data = Callback::new(move |d: OwnData| {
        let changed = control.use_own_data(d);
        notices.update(|n| n.extend(changed));
    });
    let current = Signal::derive(move || lab.checkpoint.get());
    let previewed: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
            <section class="bench">
            // In class mode on a narrow screen these come first, the results next, the rest of the bench last.
            <div class="run-first">
                <h2>"Experiment"</h2>
                <Presets state=state go=go touring=touring />
                <ClassToggle state=state />
                <RunButtons control=control />
                <TrainsOn previewed=previewed own=lab.own_data config=config />
                <StatusLine lab=lab />
                <TourPanel tour=touring lab=lab go=go leave=leave selected=selected />
            </div>
            <details class="settings" id="settings" prop:open=move || !class_mode.get()>
                <summary>"Settings"</summary>
                <Bench state=state notices=notices own=lab.own_data />
                <OwnDataImport on_data=on_data current=lab.own_data previewed=previewed />
            </details>
            <SavedRounds resumable=control.resumable on_continue=on_continue
                message=lab.save_message last_checkpoint=lab.checkpoint />
            <ShareLink state=state rounds=lab.rounds />
            <TicketFile current=current on_import=on_import on_sweep=on_sweep on_pinned=on_pinned />
            <OfflinePanel offline=offline />
        </section>
    }
}

/// Class mode on or off (`class=`), beside the presets.
#[component]
fn ClassToggle(state: RwSignal<UrlState>) -> impl IntoView {
    view! {
        <label class="class-toggle" title="Train, the verdict, the main chart, the drawing and the table first; the \
            settings and the research panels folded">
            <input type="checkbox" id="class-mode" prop:checked=move || state.with(|s| s.class)
                on:change=move |ev| state.update(|s| s.class = event_target_checked(&ev)) />
            " Class mode"
        </label>
    }
}

/// The middle column: the round slider, the network drawn, the rounds and the maps of its tensors.
#[component]
fn MiddleColumn(
    config: Signal<ExperimentConfig>,
    lab: LabSignals,
    /// The ticket's mask after each round (from the run, or from a link).
    masks: Signal<Vec<Mask>>,
    selected: RwSignal<Option<usize>>,
    finished: Memo<Finished>,
    pinned: Memo<Vec<Comparison>>,
    /// Class mode: the main chart comes here, under the verdict.
    class_mode: Signal<bool>,
) -> impl IntoView {
    let shows = move |view: View| config.with(|c| Task::of(c).shows(view));
    let headline = Signal::derive(move || config.with(|c| c.task_row().headline()));
    let settled = Signal::derive(move || !lab.status.with(Status::is_active));
    view! {
        <section class="middle">
            <VerdictBox finished=finished figure=headline settled=settled />
            <Show when=move || class_mode.get()>
                <MainChart config=config finished=finished pinned=pinned />
            </Show>
            <RoundSlider masks=masks selected=selected />
            <Show when=move || shows(View::CartPoleEpisode)>
                <CartPoleView rounds=lab.rounds selected=selected />
            </Show>
            <Show when=move || shows(View::GanSamples)>
                <GanView config=config rounds=lab.rounds selected=selected live=lab.live_weights />
            </Show>
            <NetworkView config=config masks=masks selected=selected />
            <DecisionView config=config rounds=lab.rounds selected=selected live=lab.live_weights
                own=lab.own_data />
            <ReplicateNote lab=lab />
            <RoundsTable finished=finished figure=headline
                learns_from_rows=Signal::derive(move || config.with(|c| c.task_row().learns_from_rows))
                reports=lab.rounds />
            <TicketPanel config=config rounds=lab.rounds files=lab.tickets selected=selected
                own=lab.own_data />
            <TransformerView config=config masks=masks selected=selected />
            <Show when=move || shows(View::InputsKept)>
                <InputsKept rounds=lab.rounds selected=selected />
            </Show>
            <LayerHeatmaps config=config rounds=lab.rounds selected=selected />
            <MaskMaps config=config rounds=lab.rounds selected=selected />
            <Glossary config=config class_mode=class_mode />
        </section>
    }
}

/// The task's headline figure against weights remaining: the chart a class reads first (the return, the modes
/// covered, the error, else the accuracy).
#[component]
fn MainChart(
    config: Signal<ExperimentConfig>,
    finished: Memo<Finished>,
    pinned: Memo<Vec<Comparison>>,
) -> impl IntoView {
    // The headline figure when its row gives it a chart of its own (a memo: another setting of the same task
    // draws the same chart).
    let charted = Memo::new(move |_| config.with(|c| Some(c.task_row().headline()).filter(|f| f.chart.is_some())));
    move || match charted.get() {
        Some(figure) => view! { <HeadlineChart finished=finished pinned=pinned figure=figure /> }.into_any(),
        None => view! { <AccuracyChart finished=finished pinned=pinned /> }.into_any(),
    }
}

/// The charts column: the task's own charts (`Task::views`), then those every task has.
#[component]
fn ChartsColumn(
    config: Signal<ExperimentConfig>,
    lab: LabSignals,
    selected: RwSignal<Option<usize>>,
    finished: Memo<Finished>,
    /// Kept runs drawn beside the current one.
    pinned: Memo<Vec<Comparison>>,
    sweep: RwSignal<Option<(String, Summary)>>,
    /// Class mode: the main chart is in the middle column instead.
    class_mode: Signal<bool>,
) -> impl IntoView {
    let shows = move |view: View| config.with(|c| Task::of(c).shows(view));
    view! {
        <section class="charts">
            <Show when=move || shows(View::GrokkingCurve)>
                <GrokkingChart rounds=lab.rounds selected=selected />
            </Show>
            <Show when=move || shows(View::StepsToGeneralise)>
                <GeneraliseChart finished=finished pinned=pinned />
            </Show>
            <Show when=move || shows(View::Circuit)>
                <CircuitView rounds=lab.rounds selected=selected />
            </Show>
            <Show when=move || shows(View::Returns)>
                <ReturnsChart rounds=lab.rounds selected=selected />
            </Show>
            <Show when=move || !class_mode.get()>
                <MainChart config=config finished=finished pinned=pinned />
            </Show>
            <SavingsChart rounds=lab.rounds />
            <SpeedChart config=config rounds=lab.rounds files=lab.tickets />
            <Show when=move || shows(View::Coverage)>
                <QualityChart finished=finished pinned=pinned />
            </Show>
            <LossChart live=lab.live settled=Signal::derive(move || !lab.status.with(Status::is_active)) />
            // Early stop is the iteration of lowest validation loss: only a task that learns from rows has one.
            <Show when=move || config.with(|c| c.task_row().learns_from_rows)>
                <EarlyStopChart finished=finished pinned=pinned />
            </Show>
            // Only where accuracy is the headline: a policy and a generator have no training split to generalise
            // from; a regression's is not reported.
            <Show when=move || config.with(|c| c.task_row().headline().chart.is_none())>
                <GeneralisationChart finished=finished pinned=pinned />
            </Show>
            <SparsityChart rounds=lab.rounds selected=selected />
            <SweepChart sweep=sweep />
        </section>
    }
}

/// Train / Pause / Step / Reset.
#[component]
fn RunButtons(control: Controller) -> impl IntoView {
    let running = move || control.running();
    let paused = move || control.lab.status.get() == Status::Paused;
    view! {
        <div class="buttons">
            <button id="train" on:click=move |_| control.launch(None)>
                {move || if running() { "Restart" } else { "Train" }}
            </button>
            <button id="pause" on:click=move |_| control.toggle_pause() disabled=move || !running()>
                {move || if paused() { "Resume" } else { "Pause" }}
            </button>
            <button id="step" on:click=move |_| control.step_round() disabled=move || !running()>
                "Step (one round)"
            </button>
            <button id="reset" on:click=move |_| control.reset()>"Reset"</button>
        </div>
    }
}

/// While a CSV file is previewed but not in use, what Train trains on instead, and how to use the file.
#[component]
fn TrainsOn(
    previewed: RwSignal<Option<String>>,
    own: RwSignal<Option<OwnData>>,
    config: Signal<ExperimentConfig>,
) -> impl IntoView {
    let text = move || {
        let file = previewed.get()?;
        let now = own.with(|o| o.as_ref().map(|d| d.name.clone()));
        let now = now.unwrap_or_else(|| config.with(|c| c.data.dataset.label().to_string()));
        Some(format!(
            "{file} is previewed, not in use: Train trains on {now}. Press Use these rows to train on {file}."
        ))
    };
    view! {
        <Show when=move || previewed.with(Option::is_some)>
            <p id="trains-on" class="hint" role="status">{text}</p>
        </Show>
    }
}

/// What the URL decoder changed or ignored, as text (never HTML).
#[component]
fn Notices(notices: RwSignal<Vec<Notice>>) -> impl IntoView {
    view! {
        <Show when=move || !notices.with(Vec::is_empty)>
            <div class="notices" id="notices" role="status">
                <p>"This link had settings the lab could not use as given:"</p>
                <ul>{move || notices.get().into_iter().map(|n| view! {
                    <li><code>{n.key}</code>" "{n.message}</li>
                }).collect::<Vec<_>>()}</ul>
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

/// One-click presets, each also a link, and the guided tour's start.
#[component]
fn Presets(state: RwSignal<UrlState>, go: Callback<usize>, touring: Signal<usize>) -> impl IntoView {
    view! {
        <p class="presets">
            <button id="tour-start" class:hidden=move || { touring.get() > 0 } on:click=move |_| go.run(1)>
                "Guided tour"
            </button>
            " Presets: "
            {PRESETS.iter().map(|&name| view! {
                <a href=format!("?preset={name}") on:click=move |ev| {
                    ev.prevent_default();
                    if let Some(c) = crate::engine::preset(name) {
                        state.update(|s| {
                            s.config = c;
                            s.tour = 0;
                        });
                    }
                }>{name}</a>" "
            }).collect::<Vec<_>>()}
        </p>
    }
}

/// The knobs, from the URL module's table of settings, in their groups:
/// the common ones in view, the rest folded under "More". Each writes the
/// configuration (and so the URL) through `url::apply`; a value it cannot
/// take shows a notice instead. Keys listed as hidden (`<key>_hide=1`) are
/// left out, for embedding in a lesson.
#[component]
fn Bench(
    state: RwSignal<UrlState>,
    notices: RwSignal<Vec<Notice>>,
    /// Imported rows: choosing "own" in the dataset menu goes back to them.
    own: RwSignal<Option<OwnData>>,
) -> impl IntoView {
    let set = Callback::new(move |(key, value): (&'static str, String)| {
        let mut msgs = Vec::new();
        let rows = own.with_untracked(|o| o.as_ref().map(|d| (d.shape(), d.rows())));
        state.update(|s| {
            if key == "data"
                && DatasetName::parse(&value) == Some(DatasetName::Own)
                && let Some((shape, n)) = rows
            {
                s.config.data.own = Some(shape);
                s.config.data.samples = n;
            }
            msgs = url::apply(s, key, &value);
        });
        if !msgs.is_empty() {
            notices.update(|n| n.extend(msgs));
        }
    });
    let controls = move |group: Group, shown: Shown| {
        url::SETTINGS
            .iter()
            .filter(|c| c.group == group && c.shown == shown)
            .map(|c| view! { <Control setting=c state=state set=set /> })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="controls">
            {Group::BENCH.iter().map(|&group| {
                let folded = controls(group, Shown::Folded);
                view! {
                    <fieldset class="group">
                        <legend>{group.title()}</legend>
                        {controls(group, Shown::Common)}
                        {(!folded.is_empty()).then(|| view! {
                            <details class="more"><summary>"More"</summary>{folded}</details>
                        })}
                    </fieldset>
                }
            }).collect::<Vec<_>>()}
        </div>
    }
}

/// One setting's field: a menu for a choice, else a text field; its help
/// shows while it has the focus (and as a tooltip).
#[component]
fn Control(
    setting: &'static Setting,
    state: RwSignal<UrlState>,
    set: Callback<(&'static str, String)>,
) -> impl IntoView {
    let key = setting.key;
    let menu = (setting.menu)();
    let id = format!("ctl-{key}");
    let shown = move || state.with(|s| !s.hidden.iter().any(|h| h == key) && url::applies(key, &s.config));
    let value = move || state.with(|s| url::get(s, key).unwrap_or_default());
    let field = if menu.is_empty() {
        view! {
            <input id=id.clone() name=key type="text" title=setting.help prop:value=value
                on:change=move |ev| set.run((key, event_target_value(&ev))) />
        }
        .into_any()
    } else {
        view! {
            <select id=id.clone() name=key title=setting.help prop:value=value
                on:change=move |ev| set.run((key, event_target_value(&ev)))>
                {menu.into_iter().map(|(v, label)| view! {
                    <option value=v>{label}</option>
                }).collect::<Vec<_>>()}
            </select>
        }
        .into_any()
    };
    view! {
        <div class="control" class:hidden=move || !shown()>
            <label for=id title=setting.help>{setting.label}</label>
            {field}
            <small>{setting.help}</small>
        </div>
    }
}

/// "Copy link": the whole experiment as a URL, on the clipboard and in a
/// field to copy by hand. The line under it says whether the clipboard took it.
#[component]
fn ShareLink(state: RwSignal<UrlState>, rounds: RwSignal<Vec<RoundReport>>) -> impl IntoView {
    let link = RwSignal::new(String::new());
    let copied: RwSignal<Option<bool>> = RwSignal::new(None);
    let copy = move |_| {
        let mut shared = state.get_untracked();
        // Small tickets travel in the link, so it draws before anything re-runs.
        shared.masks = rounds.with_untracked(|r| r.iter().map(|x| x.mask.clone()).collect());
        let l = page_url::link(&shared);
        link.set(l.clone());
        copied.set(None);
        let Some(window) = web_sys::window() else { return };
        let promise = window.navigator().clipboard().write_text(&l);
        leptos::task::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(ok));
        });
    };
    let on_own_data = move || state.with(|s| s.config.own_shape().is_some());
    let message = move || match copied.get() {
        _ if on_own_data() => {
            "This experiment runs on your own data, which a link cannot carry: Export ticket saves it with its rows."
        }
        Some(true) => "Copied. Anyone who opens it gets the same experiment and the same ticket.",
        Some(false) => {
            "The browser did not let the page copy it: select the link and copy it. \
             Anyone who opens it gets the same experiment and the same ticket."
        }
        None => "Anyone who opens it gets the same experiment and the same ticket.",
    };
    view! {
        <div class="share">
            <button id="copy-link" on:click=copy>"Copy link"</button>
            <Show when=move || !link.with(String::is_empty)>
                <input id="share-link" type="text" readonly prop:value=move || link.get() />
                <small id="share-message">{message}</small>
            </Show>
            <Reproduce state=state />
        </div>
    }
}

/// The `lottery` command that runs this experiment natively with the page's own module, and what it matches.
#[component]
fn Reproduce(state: RwSignal<UrlState>) -> impl IntoView {
    // The settings only: the CLI trains the masks again.
    let command = move || state.with(|s| format!("lottery run --link '{}' --page-exact", page_url::link(s)));
    let note = move || {
        let (gpu, own) = state.with(|s| (s.backend != BackendChoice::Cpu, s.config.own_shape().is_some()));
        let mut n = String::from(
            "In a clone (make lottery ARGS=\"…\"), this trains the page's own module under Node.js: the same \
             figures bit for bit as this page's CPU path. Without --page-exact it runs natively: faster, the same \
             statistics over seeds, not the same bits (README, Reproducibility).",
        );
        if gpu {
            n.push_str(
                " On WebGPU (the backend auto may choose it) the kernels are the GPU driver's: set the backend to \
                        CPU for the same bits.",
            );
        }
        if own {
            n.push_str(" Your own rows are not in a link: add --data-file FILE.csv --label COLUMN.");
        }
        n
    };
    view! {
        <details class="reproduce" id="reproduce">
            <summary>"Reproduce it here"</summary>
            <code id="reproduce-command">{command}</code>
            <small>{note}</small>
        </details>
    }
}

/// The status line: what the run is doing, where, and how fast.
fn status_text(
    status: &Status,
    progress: Option<Progress>,
    (replicate, reps): (usize, usize),
    steps_per_s: f64,
) -> String {
    let which = match reps {
        1 => String::new(),
        _ => format!("replicate {} of {reps}, ", replicate + 1),
    };
    match status {
        Status::Idle => "Ready.".into(),
        Status::Preparing => "Preparing…".into(),
        Status::Running | Status::Paused => match progress {
            // Round 0 trains the whole network: there is no ticket yet.
            Some(p) if p.round == 0 => format!(
                "{} {which}the dense network (round 0, then {} rounds of pruning): iteration {} of {} \
                 ({steps_per_s:.0} steps/s)",
                if *status == Status::Paused { "Paused training" } else { "Training" },
                p.rounds,
                p.iteration,
                p.end
            ),
            Some(p) => format!(
                "{} {which}round {} of {}: {} at iteration {} of {} ({steps_per_s:.0} steps/s)",
                if *status == Status::Paused { "Paused in" } else { "Training" },
                p.round,
                p.rounds,
                p.phase.label(),
                p.iteration,
                p.end
            ),
            None => "Starting…".into(),
        },
        Status::Done => "Done: the verdict is at the top of the results.".into(),
        Status::Failed(e) => format!("Stopped: {e}"),
    }
}

/// With replicates: which one the drawings show, and what the charts average.
#[component]
fn ReplicateNote(lab: LabSignals) -> impl IntoView {
    let note = move || {
        let (_, reps) = lab.replicate.get();
        let seed = lab.checkpoint.with(|c| {
            c.as_ref().map(|c| crate::engine::records::replicates::seed(c.config.seed, crate::ui::SHOWN_REPLICATE))
        });
        (reps > 1).then(|| {
            let seed = seed.map(|s| format!(" (seed {s})")).unwrap_or_default();
            format!(
                "{reps} replicates: the drawings, the stability and the transfer panels show replicate {}{seed}; \
                 the charts and the table summarise all finished replicates (mean; bands min–max; table mean ± sd).",
                crate::ui::SHOWN_REPLICATE + 1
            )
        })
    };
    view! { <p class="hint" id="replicate-note">{note}</p> }
}

/// Backend, status and progress bars.
#[component]
fn StatusLine(lab: LabSignals) -> impl IntoView {
    // The whole run counts replicates: each is an equal share.
    let overall = move || lab.overall.get();
    let round = move || lab.progress.get().map(|p| p.iteration as f64 / p.end.max(1) as f64).unwrap_or(0.0);
    view! {
        <p id="backend" data-kind=move || lab.backend.get().map(|b| b.kind.as_str()).unwrap_or("none")>
            {move || lab.backend.get().map_or_else(|| "Backend: chosen when you press Train".into(), |b| b.label)}
        </p>
        <p id="status" data-state=move || lab.status.get().key()>
            {move || status_text(&lab.status.get(), lab.progress.get(), lab.replicate.get(), lab.speed.get())}
        </p>
        <label class="bar">"This round" <progress id="round-progress" max="1" value=round></progress></label>
        <label class="bar">"Whole run" <progress id="run-progress" max="1" value=overall></progress></label>
        <WorkerBars lab=lab />
    }
}

/// With two workers or more: each one's replicate and how far it is.
#[component]
fn WorkerBars(lab: LabSignals) -> impl IntoView {
    view! {
        <div id="workers" data-count=move || lab.workers.with(Vec::len)>
            <For
                each=move || lab.workers.get().into_iter().enumerate()
                key=|(i, w)| (*i, w.label.clone())
                let((i, share))
            >
                <label class="bar worker-bar">
                    {share.label}
                    <progress max="1" value=move || {
                        lab.workers.with(|w| w.get(i).map_or(0.0, |s| s.done))
                    }></progress>
                </label>
            </For>
        </div>
    }
}

const TAGLINE_BEFORE: &str = "Train a network, prune its smallest weights, reset the survivors to their initial \
    values, and train again: the ";
const ABOUT_HYPOTHESIS: &str = ", that, trained in isolation from the same initial weights, reaches the accuracy of \
    the whole network in at most as many iterations (Frankle & Carbin, ICLR 2019).";
const ABOUT_METHOD: &str = "This lab finds tickets by iterative magnitude pruning: train, remove the \
    smallest-magnitude remaining weights, reset the survivors to their initial values θ0 (or, with rewinding, to \
    their values θk early in training), and train again. Two controls test the claim: the same mask from a fresh \
    random initialisation (do the initial values matter?) and a random mask of the same sparsity (does the mask \
    matter?). The hypothesis says both learn worse than the ticket; the verdict above the results says whether they \
    did in this run, in the task's own measure.";
const ABOUT_DATA: &str = "Datasets: 8×8 digits (UCI, E. Alpaydin, via scikit-learn, BSD-3); MNIST (LeCun, Cortes, \
    Burges; CC BY-SA 3.0); Fashion-MNIST (Zalando SE, MIT; Xiao, Rasul & Vollgraf 2017).";

#[component]
fn About() -> impl IntoView {
    view! {
        <details class="about" id="about">
            <summary>"About the lottery ticket hypothesis"</summary>
            <p>
                "A randomly initialised dense network contains a sparse subnetwork, the "
                <em>"winning ticket"</em>{ABOUT_HYPOTHESIS}
            </p>
            <p>{ABOUT_METHOD}</p>
            <p>{ABOUT_DATA}</p>
        </details>
    }
}
