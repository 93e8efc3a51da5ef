//! Drives the engine from the page. Training runs in dedicated Web Workers
//! ([`crate::ui::run::worker_pool`], [`crate::worker`]); the page hands each worker a
//! job (a replicate's rounds, or a round's control), applies what the
//! workers post to the signals the views read, and saves each finished
//! round. The main thread only draws.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::controls::Phase;
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::{Checkpoint, Choice, Progress, RoundReport, Weights};
use crate::url::UrlState;
use crate::worker::assembly::{Assembly, Published};
use crate::worker::global::{mark, now_ms};
use crate::worker::protocol::{self, BackendInfo, FromWorker, Job, Start, Timed, ToWorker};

use crate::ui::run::saved;
use crate::ui::run::worker_pool::{self, Assignment, EngineWorker, Handlers};

/// What the run is doing, as the page (and the browser tests) read it.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Preparing,
    Running,
    Paused,
    Done,
    Failed(String),
}

impl Status {
    /// The `data-state` value of `#status`.
    pub fn key(&self) -> &'static str {
        match self {
            Status::Idle => "idle",
            Status::Preparing => "preparing",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Done => "done",
            Status::Failed(_) => "error",
        }
    }

    /// A run is under way (preparing, training or paused): its figures are not final.
    pub fn is_active(&self) -> bool {
        matches!(self, Status::Preparing | Status::Running | Status::Paused)
    }
}

/// One worker's part of the run, for its progress bar.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkerShare {
    /// "replicate 2" or "replicate 1, a control".
    pub label: String,
    /// How far its job is, 0..=1.
    pub done: f64,
}

/// The signals a run writes and the views read.
#[derive(Clone, Copy)]
pub struct LabSignals {
    pub status: RwSignal<Status>,
    pub backend: RwSignal<Option<BackendInfo>>,
    /// Where the replicate the page follows stands (the lowest one training).
    pub progress: RwSignal<Option<Progress>>,
    /// The whole run, 0..=1: every replicate an equal share.
    pub overall: RwSignal<f64>,
    /// Each busy worker's part (two or more workers).
    pub workers: RwSignal<Vec<WorkerShare>>,
    /// The finished rounds of replicate 0: what the drawings, the slider and links show.
    pub rounds: RwSignal<Vec<RoundReport>>,
    /// The finished rounds of replicates 1, 2, … (`reps` > 1): the charts and
    /// the table summarise them with `rounds`.
    pub others: RwSignal<Vec<Vec<RoundReport>>>,
    /// (the replicate the page follows, how many the experiment has).
    pub replicate: RwSignal<(usize, usize)>,
    /// The curve of the network training now, and which one it is.
    pub live: RwSignal<(Phase, Vec<CurvePoint>)>,
    /// Steps per second over the last chunk.
    pub speed: RwSignal<f64>,
    /// The ticket's weights as it trains (small 2D networks only), and its round.
    pub live_weights: RwSignal<Option<(usize, Weights)>>,
    /// The state after the last finished round: what Export writes.
    pub checkpoint: RwSignal<Option<Checkpoint>>,
    /// Saving to browser storage failed (full, blocked), or was cleared.
    pub save_message: RwSignal<Option<String>>,
    /// The GPU was lost and the run moved to the CPU.
    pub device_notice: RwSignal<Option<String>>,
    /// Rows imported from a CSV file (or a ticket file that carried them):
    /// what an experiment on own data trains on.
    pub own_data: RwSignal<Option<OwnData>>,
    /// Replicate 0's tickets as trained, by round: the compact f32 file each round's worker sent (None for rounds
    /// restored from a save or trained before a reload). What *Download this ticket* and the pad use.
    pub tickets: RwSignal<Vec<Option<Arc<Vec<u8>>>>>,
}

impl LabSignals {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(Status::Idle),
            backend: RwSignal::new(None),
            progress: RwSignal::new(None),
            overall: RwSignal::new(0.0),
            workers: RwSignal::new(Vec::new()),
            rounds: RwSignal::new(Vec::new()),
            others: RwSignal::new(Vec::new()),
            replicate: RwSignal::new((0, 1)),
            live: RwSignal::new((Phase::Ticket, Vec::new())),
            speed: RwSignal::new(0.0),
            live_weights: RwSignal::new(None),
            checkpoint: RwSignal::new(None),
            save_message: RwSignal::new(None),
            device_notice: RwSignal::new(None),
            own_data: RwSignal::new(None),
            tickets: RwSignal::new(Vec::new()),
        }
    }

    /// The one place the run's signals are reset: to `status`, showing the
    /// finished rounds of `from` (none: an empty lab). The backend line and a
    /// storage message stay until something replaces them.
    pub fn clear(&self, status: Status, from: Option<&Checkpoint>) {
        self.status.set(status);
        let mut replicates = from.map(Checkpoint::all_replicates).unwrap_or_default().into_iter();
        self.rounds.set(replicates.next().unwrap_or_default());
        self.others.set(replicates.collect());
        self.replicate.set(from.map_or((0, 1), |c| (c.replicate(), c.config.reps)));
        self.checkpoint.set(from.cloned());
        self.live.set((Phase::Ticket, Vec::new()));
        self.progress.set(None);
        self.overall.set(0.0);
        self.workers.set(Vec::new());
        self.live_weights.set(None);
        self.device_notice.set(None);
        self.tickets.set(Vec::new());
    }
}

/// The run in progress.
struct Run {
    id: u32,
    lab: LabSignals,
    /// How many workers it uses.
    workers: usize,
    assembly: Assembly,
    backend: String,
    own: Option<OwnData>,
    paused: bool,
    trained_any: bool,
}

thread_local! {
    static RUN: RefCell<Option<Run>> = const { RefCell::new(None) };
    static NEXT_RUN: Cell<u32> = const { Cell::new(1) };
    /// What `auto` found for each network on this page, handed to every worker.
    static TIMED: RefCell<Vec<Timed>> = const { RefCell::new(Vec::new()) };
}

static HANDLERS: Handlers = Handlers { message: receive, unreadable: |e| fail_run(None, e), died: worker_died };

/// What the page's buttons do to the run in progress.
pub struct RunHandle {
    run: u32,
}

impl RunHandle {
    pub fn toggle_pause(&self) {
        with_run(self.run, |run| {
            run.paused = !run.paused;
            worker_pool::broadcast(&ToWorker::Pause { paused: run.paused });
        });
    }

    /// Run on to the end of the round in progress, then pause.
    pub fn step_round(&self) {
        with_run(self.run, |run| {
            run.paused = false;
            worker_pool::broadcast(&ToWorker::StepRound);
        });
    }

    pub fn stop(&self) {
        if RUN.with(|r| r.borrow().as_ref().is_some_and(|run| run.id == self.run)) {
            worker_pool::stop_all();
            RUN.with(|r| r.borrow_mut().take());
        }
    }
}

fn with_run<T>(id: u32, f: impl FnOnce(&mut Run) -> T) -> Option<T> {
    RUN.with(|r| r.borrow_mut().as_mut().filter(|run| run.id == id).map(f))
}

/// Load the first worker's module while the user reads the page, so a run starts at once.
pub fn warm_up() {
    let _ = worker_pool::workers(1, &HANDLERS);
}

/// Start a run of `state`'s experiment, or go on from `from`'s last finished
/// round. Returns what the buttons use to control it.
pub fn start(lab: LabSignals, state: UrlState, from: Option<Checkpoint>) -> Rc<RunHandle> {
    let id = NEXT_RUN.with(|n| n.replace(n.get() + 1));
    lab.clear(Status::Preparing, from.as_ref());
    // Going on from a checkpoint: its configuration is the experiment's.
    let config = from.as_ref().map_or(state.config.clone(), |c| c.config.clone());
    let own = match &from {
        Some(c) => c.own_data.clone(),
        None => lab.own_data.get_untracked(),
    };
    let n = protocol::worker_count(state.workers, worker_pool::cores(), Assembly::parallel(&config, from.as_ref()));
    let assembly = Assembly::new(config, own.clone(), from.as_ref(), n);
    let backend = state.backend.name().to_string();
    let run = Run { id, lab, workers: n, assembly, backend, own, paused: false, trained_any: false };
    RUN.with(|r| *r.borrow_mut() = Some(run));
    hand_out_idle(id);
    with_run(id, |run| run.lab.replicate.set((run.assembly.followed(), run.assembly.config().reps)));
    Rc::new(RunHandle { run: id })
}

/// Give every idle worker of the run a job, while jobs wait (a round's end
/// may have made its next round's controls known).
fn hand_out_idle(id: u32) {
    let Some(n) = with_run(id, |run| run.workers) else { return };
    match worker_pool::workers(n, &HANDLERS) {
        Ok(workers) => workers.iter().filter(|w| w.busy.get().is_none()).for_each(|w| hand_out(w)),
        Err(e) => fail_run(Some(id), e),
    }
}

/// Give `worker` the next job of the run, if one waits.
fn hand_out(worker: &EngineWorker) {
    let next = RUN.with(|r| {
        let mut r = r.borrow_mut();
        let run = r.as_mut()?;
        let work = run.assembly.next_work()?;
        let assignment = match &work.job {
            Job::Rounds { .. } => Assignment::Rounds { replicate: work.replicate },
            Job::Control(_) => Assignment::Control { replicate: work.replicate, share: 0.0 },
        };
        let start = Start {
            run: run.id,
            config: run.assembly.config().clone(),
            replicate: work.replicate,
            backend: run.backend.clone(),
            job: work.job,
            own: run.own.clone(),
            timed: TIMED.with(|t| t.borrow().clone()),
            paused: run.paused,
        };
        Some((assignment, start))
    });
    if let Some((assignment, start)) = next {
        worker.busy.set(Some(assignment));
        worker.paused.set(start.paused);
        worker.send(&ToWorker::Start(Box::new(start)));
    }
}

/// The busy workers' bars, and the whole run's.
fn publish_shares(lab: LabSignals) {
    let busy = worker_pool::busy();
    let in_flight: Vec<f64> = busy
        .iter()
        .filter_map(|w| match w.busy.get() {
            Some(Assignment::Control { share, .. }) => Some(share),
            _ => None,
        })
        .collect();
    if let Some(overall) = RUN.with(|r| r.borrow().as_ref().map(|run| run.assembly.overall(&in_flight))) {
        lab.overall.set(overall);
    }
    let shares: Vec<WorkerShare> = busy
        .iter()
        .filter_map(|w| {
            let (label, done) = match w.busy.get()? {
                Assignment::Rounds { replicate } => {
                    let share =
                        RUN.with(|r| r.borrow().as_ref().map_or(0.0, |run| run.assembly.rounds_share(replicate)));
                    (format!("Worker {}: replicate {}", w.index + 1, replicate + 1), share)
                }
                Assignment::Control { replicate, share } => {
                    (format!("Worker {}: replicate {}, a control", w.index + 1, replicate + 1), share)
                }
            };
            Some(WorkerShare { label, done })
        })
        .collect();
    lab.workers.set(if shares.len() > 1 { shares } else { Vec::new() });
}

/// The run stops on an error (`run`: only if it is still that run).
fn fail_run(run: Option<u32>, message: String) {
    let lab = RUN.with(|r| r.borrow().as_ref().filter(|x| run.is_none_or(|id| x.id == id)).map(|x| x.lab));
    if let Some(lab) = lab {
        worker_pool::stop_all();
        RUN.with(|r| r.borrow_mut().take());
        lab.status.set(Status::Failed(message));
    }
}

/// A worker died (its module failed to load, or it panicked); a fresh one
/// took its place. The run it was training stops; finished rounds stay saved.
fn worker_died(worker: Rc<EngineWorker>, what: String) {
    if worker.busy.get().is_some() {
        fail_run(
            None,
            format!("the engine worker stopped ({what}); the finished rounds are saved: reload to continue"),
        );
    }
}

/// Apply a worker's message to the run and the signals.
fn receive(worker: Rc<EngineWorker>, message: FromWorker) {
    let Some(id) = message.run() else { return };
    let Some(lab) = RUN.with(|r| r.borrow().as_ref().filter(|run| run.id == id).map(|run| run.lab)) else { return };
    match message {
        FromWorker::Ready { .. } => {}
        FromWorker::Backend { info, .. } => lab.backend.set(Some(info)),
        FromWorker::Timed { timed, .. } => TIMED.with(|t| t.borrow_mut().push(timed)),
        FromWorker::Running { paused, .. } => {
            worker.paused.set(paused);
            update_status(lab);
        }
        FromWorker::Progress { replicate, progress, steps_per_s, live, .. } => {
            first_step(id);
            let followed = match worker.busy.get() {
                Some(Assignment::Control { replicate, .. }) => {
                    worker.busy.set(Some(Assignment::Control { replicate, share: progress.overall }));
                    false
                }
                _ => with_run(id, |run| {
                    run.assembly.set_rounds_share(replicate, progress.overall);
                    run.assembly.followed() == replicate
                })
                .unwrap_or(false),
            };
            if followed {
                lab.progress.set(Some(progress));
                lab.speed.set(steps_per_s);
                if let Some(live) = live {
                    lab.live.set((live.phase, live.curve));
                }
            }
            publish_shares(lab);
        }
        FromWorker::LiveWeights { round, weights, .. } => lab.live_weights.set(Some((round, weights))),
        FromWorker::Round { replicate, report, checkpoint, compact, chunk_ms, ticket, .. } => {
            first_step(id);
            if replicate == 0 {
                keep_ticket(lab, report.round, ticket);
            }
            let published = with_run(id, |run| run.assembly.ticket_round(replicate, *report, *checkpoint, compact));
            publish_rounds(id, lab, published.unwrap_or_default(), chunk_ms);
            hand_out_idle(id);
            publish_shares(lab);
        }
        FromWorker::ControlDone { replicate, round, control, summary, .. } => {
            worker.busy.set(None);
            let published = with_run(id, |run| run.assembly.control_done(replicate, round, control, *summary));
            publish_rounds(id, lab, published.unwrap_or_default(), 0.0);
            next_job(id, lab);
        }
        FromWorker::ReplicateDone { replicate, .. } => {
            worker.busy.set(None);
            with_run(id, |run| run.assembly.rounds_done(replicate));
            next_job(id, lab);
        }
        FromWorker::DeviceNotice { message, .. } => {
            lab.device_notice.set(Some(message));
            lab.live_weights.set(None);
        }
        FromWorker::Failed { message, .. } => fail_run(Some(id), message),
    }
}

/// Replicate 0's round `round` ticket as its worker sent it (base64 of the compact f32 file).
fn keep_ticket(lab: LabSignals, round: usize, ticket: Option<String>) {
    use base64::Engine as _;
    let file = ticket.and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok()).map(Arc::new);
    lab.tickets.update(|t| {
        t.resize(t.len().max(round + 1), None);
        t[round] = file;
    });
}

/// A worker finished its job: the run is done, or the worker takes the next job.
fn next_job(id: u32, lab: LabSignals) {
    let finished = with_run(id, |run| {
        run.lab.replicate.set((run.assembly.followed(), run.assembly.config().reps));
        run.assembly.finished()
    });
    if finished == Some(true) {
        finish(lab);
        return;
    }
    hand_out_idle(id);
    update_status(lab);
    publish_shares(lab);
}

/// Running, or Paused once every busy worker has paused.
fn update_status(lab: LabSignals) {
    let busy = worker_pool::busy();
    let paused = !busy.is_empty() && busy.iter().all(|w| w.paused.get());
    RUN.with(|r| {
        if let Some(run) = r.borrow_mut().as_mut() {
            run.paused = paused;
        }
    });
    lab.status.set(if paused { Status::Paused } else { Status::Running });
}

/// For the benchmark (tests/browser/bench-page.mjs): the run's first steps are done.
fn first_step(id: u32) {
    with_run(id, |run| {
        if !std::mem::replace(&mut run.trained_any, true) {
            mark("lottery:first-step");
        }
    });
}

/// Where a round's end spends its time on the page, for the benchmark and
/// profiling (`tests/browser/bench-page.mjs` reads `window.__lotteryRoundEnds`).
struct RoundEndTiming {
    round: usize,
    /// The worker's chunk that finished the round: its last steps,
    /// evaluation, readback of the trained weights and the next mask.
    chunk_ms: f64,
    /// Storing the checkpoint on the page (the worker compressed it).
    save_ms: f64,
    /// Signals set → views redrawn (measured after the next macrotask).
    draw_ms: f64,
}

impl RoundEndTiming {
    fn publish(&self) {
        let Some(window) = web_sys::window() else { return };
        let key = JsValue::from_str("__lotteryRoundEnds");
        let list = js_sys::Reflect::get(&window, &key)
            .ok()
            .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
            .unwrap_or_else(|| {
                let list = js_sys::Array::new();
                let _ = js_sys::Reflect::set(&window, &key, &list);
                list
            });
        let entry = js_sys::Object::new();
        for (k, v) in [
            ("round", self.round as f64),
            ("chunk_ms", self.chunk_ms),
            ("save_ms", self.save_ms),
            ("draw_ms", self.draw_ms),
        ] {
            let _ = js_sys::Reflect::set(&entry, &k.into(), &v.into());
        }
        list.push(&entry);
    }
}

/// Rounds complete: show them, and save the experiment (so a reload or a
/// crash loses at most the rounds in progress). `chunk_ms`: the worker's
/// chunk that ended the last of them (0: a control's worker ended it).
fn publish_rounds(id: u32, lab: LabSignals, published: Vec<Published>, chunk_ms: f64) {
    let Some(last) = published.last().map(|p| (p.replicate, p.report.round)) else { return };
    let followed = with_run(id, |run| run.assembly.followed()).unwrap_or(0);
    for Published { replicate, report } in published {
        // A finished round's loss chart is its ticket's (the controls train after it; the chart follows
        // whichever trains while a run goes).
        if replicate == followed {
            lab.live.set((Phase::Ticket, report.ticket.curve.clone()));
        }
        match replicate {
            0 => {
                lab.rounds.update(|r| r.push(report));
                lab.live_weights.set(None);
            }
            i => lab.others.update(|o| {
                o.resize(o.len().max(i), Vec::new());
                o[i - 1].push(report);
            }),
        }
    }
    let saving = now_ms();
    if let Some((checkpoint, compact)) = with_run(id, |run| run.assembly.checkpoint()).flatten() {
        if let Err(e) = saved::save(&checkpoint, compact) {
            lab.save_message.set(Some(e));
        }
        lab.checkpoint.set(Some(checkpoint));
    }
    let save_ms = now_ms() - saving;
    let shown_from = now_ms();
    let round = last.1;
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        RoundEndTiming { round, chunk_ms, save_ms, draw_ms: now_ms() - shown_from }.publish();
    });
}

/// Every replicate trained its last round.
fn finish(lab: LabSignals) {
    RUN.with(|r| r.borrow_mut().take());
    lab.progress.update(|p| {
        if let Some(p) = p {
            p.overall = 1.0;
            p.iteration = p.end;
        }
    });
    lab.overall.set(1.0);
    lab.workers.set(Vec::new());
    lab.status.set(Status::Done);
    mark("lottery:done");
}
