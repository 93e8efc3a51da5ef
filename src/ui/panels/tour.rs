//! The guided tour: the paper in five steps on the demonstration preset, a
//! sixth that asks why the ticket wins (the Why panel's experiments), and a
//! seventh that shows what the ticket is for: a smaller file and fewer operations.
//! Each step sets up a run and starts it; when the run is done, its
//! paragraph quotes the figures this run produced (never canned ones).
//! `?tour=N` opens step N, so a teacher can link to any step.

use leptos::prelude::*;

use crate::engine::lottery::why::{self, Score};
use crate::engine::records::compact::Precision;
use crate::engine::records::replicates;
use crate::engine::records::verdict::Verdict;
use crate::engine::{ExperimentConfig, RoundReport};
use crate::url::TOUR_STEPS;

use crate::ui::run::runner::{LabSignals, Status};

/// The paper's per-round rate for hidden layers (Frankle & Carbin: 20%), used by steps 2 and 3.
const PAPER_RATE: f64 = 0.2;
/// …and for the output layer (half of it).
const PAPER_OUTPUT_RATE: f64 = 0.1;
/// Step 3 prunes this many rounds at the paper's rate (to about half the weights).
const TICKET_ROUNDS: usize = 3;
/// Step 4 prunes the demonstration's rate this many rounds (to about 13% of the weights).
const CONTROL_ROUNDS: usize = 10;
/// A winning ticket keeps the dense network's accuracy within this many points: the verdict's tie
/// ([`crate::engine::tasks::row::Figure::tie`] of a classifier's test accuracy).
fn within_points() -> f64 {
    ExperimentConfig::default().task_row().headline().tie * 100.0
}

/// One step of the tour.
pub struct Step {
    pub title: &'static str,
    /// What the run does, shown while it trains.
    pub text: &'static str,
    /// Where to look on the page.
    pub look: &'static str,
    /// The experiment this step runs, from the demonstration preset.
    config: fn() -> ExperimentConfig,
    /// What this run showed, in its own figures; None until it has the rounds it needs.
    findings: fn(&[RoundReport]) -> Option<String>,
    /// The round the drawing shows when the run is done (None: the newest).
    pub show_round: fn(&[RoundReport]) -> Option<usize>,
}

impl Step {
    pub fn config(&self) -> ExperimentConfig {
        (self.config)()
    }

    pub fn findings(&self, rounds: &[RoundReport]) -> Option<String> {
        (self.findings)(rounds)
    }
}

/// Step `n` (1-based), if there is one.
pub fn step(n: usize) -> Option<&'static Step> {
    n.checked_sub(1).and_then(|i| STEPS.get(i))
}

/// The tour follows one network: the demonstration preset's seed, one replicate (the page's demo averages three).
fn one_network() -> ExperimentConfig {
    ExperimentConfig { reps: 1, ..ExperimentConfig::default() }
}

/// The demonstration preset with no controls, `rounds` rounds at the paper's rates.
fn paper_rounds(rounds: usize) -> ExperimentConfig {
    let mut c = one_network();
    c.prune.rate = PAPER_RATE;
    c.prune.output_rate = PAPER_OUTPUT_RATE;
    c.prune.rounds = rounds;
    c.prune.control_reinit = false;
    c.prune.control_random = false;
    c
}

/// The demonstration preset with its random-reinit control, `rounds` rounds.
fn demo_rounds(rounds: usize) -> ExperimentConfig {
    let mut c = one_network();
    c.prune.rounds = rounds;
    c.prune.control_reinit = true;
    c.prune.control_random = false;
    c
}

/// The demonstration preset's ten rounds with the Why panel's controls: what its button runs on that preset.
fn why_rounds() -> ExperimentConfig {
    let mut c = demo_rounds(ExperimentConfig::default().prune.rounds);
    let p = &mut c.prune;
    (p.control_signs, p.control_shuffled, p.control_constant) = (true, true, true);
    c
}

/// This run as the Why panel reads it (one replicate).
fn why_spreads(rounds: &[RoundReport]) -> Vec<replicates::RoundSpread> {
    replicates::summarise(&[rounds.to_vec()])
}

fn why_findings(rounds: &[RoundReport]) -> Option<String> {
    rounds.last().filter(|r| r.round == ExperimentConfig::default().prune.rounds)?;
    why::findings(&why_spreads(rounds), Score::of(&ExperimentConfig::default()))
}

fn pct(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// The dense network's test accuracy (round 0's ticket).
fn dense(rounds: &[RoundReport]) -> Option<f64> {
    rounds.first().map(|r| r.ticket.test_accuracy)
}

fn dense_findings(rounds: &[RoundReport]) -> Option<String> {
    let r = rounds.first()?;
    Some(format!(
        "The dense network, all {} weights, reached {} test accuracy; its validation loss was lowest at \
         iteration {}.",
        r.total,
        pct(r.ticket.test_accuracy),
        r.ticket.early_stop_iteration
    ))
}

fn pruned_findings(rounds: &[RoundReport]) -> Option<String> {
    let (r0, r1) = (rounds.first()?, rounds.get(1)?);
    Some(format!(
        "Pruning removed {} of {} weights, leaving {} ({} of weights remaining): in each hidden layer the {:.0}% \
         smallest in magnitude, in the output layer {:.0}%. The drawing shows the dense network of round 0 with \
         those links dashed: mostly the thinnest. The survivors went back to θ0 and trained again: {} \
         (the dense network: {}).",
        r0.total - r1.remaining,
        r0.total,
        r1.remaining,
        pct(r1.weights_remaining),
        PAPER_RATE * 100.0,
        PAPER_OUTPUT_RATE * 100.0,
        pct(r1.ticket.test_accuracy),
        pct(r0.ticket.test_accuracy)
    ))
}

fn ticket_findings(rounds: &[RoundReport]) -> Option<String> {
    let d = dense(rounds)?;
    let last = rounds.get(TICKET_ROUNDS)?;
    let diff = (last.ticket.test_accuracy - d) * 100.0;
    Some(format!(
        "After {} rounds, at {} of weights, the ticket reached {} against the dense network's {} \
         ({diff:+.1} points). Each round took 20% of what was left and reset the survivors to θ0.",
        last.round,
        pct(last.weights_remaining),
        pct(last.ticket.test_accuracy),
        pct(d)
    ))
}

/// The round where the random-reinit control is furthest below the ticket.
fn widest_gap(rounds: &[RoundReport]) -> Option<(&RoundReport, f64, f64)> {
    rounds
        .iter()
        .filter_map(|r| r.reinit.as_ref().map(|c| (r, r.ticket.test_accuracy, c.test_accuracy)))
        .max_by(|a, b| (a.1 - a.2).total_cmp(&(b.1 - b.2)))
}

/// Step 4 judges where step 5's verdict does: at the sparsest round whose ticket still matches the dense
/// network ([`winning_round`]), so the two steps tell one story. Without such a round, at the widest gap.
fn control_findings(rounds: &[RoundReport]) -> Option<String> {
    rounds.get(CONTROL_ROUNDS)?;
    let winning = winning_round(rounds);
    let (r, ticket, control) = match winning {
        Some(w) => (w, w.ticket.test_accuracy, w.reinit.as_ref()?.test_accuracy),
        None => widest_gap(rounds)?,
    };
    let gap = (ticket - control) * 100.0;
    let place = if winning.is_some() {
        format!(
            "At {} of weights, the sparsest round where the ticket still matches the dense network,",
            pct(r.weights_remaining)
        )
    } else {
        format!("At {} of weights", pct(r.weights_remaining))
    };
    Some(if gap > within_points() {
        format!(
            "{place} the ticket reached {} and the same mask from a fresh random initialisation {}: \
             {gap:.1} points lower. The mask alone is not enough: the survivors' initial values θ0 matter.",
            pct(ticket),
            pct(control)
        )
    } else {
        format!(
            "{place} the control kept up: the ticket reached {} and the control {} ({gap:+.1} points). \
             Small networks are noisy; the demonstration's three replicates show the effect on every seed \
             we checked.",
            pct(ticket),
            pct(control)
        )
    })
}

/// The sparsest pruned round whose ticket matches the dense network: the verdict's round ([`Verdict`]).
fn winning_round(rounds: &[RoundReport]) -> Option<&RoundReport> {
    let verdict = Verdict::of_reports(ExperimentConfig::default().task_row().headline(), rounds);
    let judged = verdict.judged.filter(|j| j.matches)?;
    rounds.iter().find(|r| r.round == judged.round)
}

fn winning_findings(rounds: &[RoundReport]) -> Option<String> {
    let last = rounds.last().filter(|r| r.round == ExperimentConfig::default().prune.rounds)?;
    let d = dense(rounds)?;
    let Some(w) = winning_round(rounds) else {
        return Some(format!(
            "No pruned round stayed within {:.0} point of the dense network's {} in this run; \
             at {} of weights the ticket reached {}.",
            within_points(),
            pct(d),
            pct(last.weights_remaining),
            pct(last.ticket.test_accuracy)
        ));
    };
    let control =
        w.reinit.as_ref().map(|c| format!("; the random-reinit control at that sparsity: {}", pct(c.test_accuracy)));
    // Per seed the control's fall is all or nothing: say where it fell furthest, if not here.
    let fell = widest_gap(rounds).filter(|(r, t, c)| r.round != w.round && (t - c) * 100.0 >= within_points()).map(
        |(r, t, c)| {
            format!(
                " The control fell furthest at {} of weights: {} against the ticket's {}.",
                pct(r.weights_remaining),
                pct(c),
                pct(t)
            )
        },
    );
    Some(format!(
        "The winning ticket: round {}, {} of {} connections ({} of weights), reached {}, within \
         {:.0} point of the dense network's {}{}. The drawing shows it: these are the connections \
         that won the lottery.{}",
        w.round,
        w.remaining,
        w.total,
        pct(w.weights_remaining),
        pct(w.ticket.test_accuracy),
        within_points(),
        pct(d),
        control.unwrap_or_default(),
        fell.unwrap_or_default()
    ))
}

/// What the winning ticket is for: its file beside the dense network's.
fn saves_findings(rounds: &[RoundReport]) -> Option<String> {
    rounds.last().filter(|r| r.round == ExperimentConfig::default().prune.rounds)?;
    let w = winning_round(rounds).or(rounds.last())?;
    let b = w.ticket_bytes.as_ref()?;
    let int8 = b.compact(Precision::Int8);
    let weights = b.compact_without_link(Precision::Int8);
    Some(format!(
        "The ticket of round {} keeps {} of {} connections ({} of weights). As the lab's compact file in int8 it \
         is {int8} bytes, of which {} are the experiment's link in its header: the network itself takes {weights} \
         bytes, 1/{:.1} of the dense network's {} bytes of f32 weights (gzipped, the dense file is {} bytes). A \
         sparse kernel does one multiply-add per surviving connection instead of one per weight.",
        w.round,
        w.remaining,
        w.total,
        pct(w.weights_remaining),
        b.compact_link,
        b.dense_f32 as f64 / weights.max(1) as f64,
        b.dense_f32,
        b.dense_gzip
    ))
}

fn newest(_: &[RoundReport]) -> Option<usize> {
    None
}

/// The tour's steps, in order.
pub static STEPS: [Step; TOUR_STEPS] = [
    Step {
        title: "Train the dense network",
        text: "A small network (2 inputs, two hidden layers of 16, 2 outputs) learns to tell the points of a \
               disc from those of the ring around it. The two overlap a little, so about 95% is as good as it \
               gets. Every connection is still there; its starting values, θ0, are kept aside.",
        look: "The loss chart falls as it learns. In the network drawing blue links are positive weights, \
               orange negative, and wider is larger.",
        config: || paper_rounds(0),
        findings: dense_findings,
        show_round: newest,
    },
    Step {
        title: "Prune the smallest weights",
        text: "After training, the 20% of weights with the smallest magnitude in each hidden layer are removed \
               (10% of the output layer): the mask.",
        look: "The network drawing at round 0: the dashed links are the ones pruning removes. Point at (or tap) a \
               neuron to see its connections.",
        config: || paper_rounds(1),
        findings: pruned_findings,
        show_round: |rounds| (rounds.len() > 1).then_some(0),
    },
    Step {
        title: "Reset to θ0 and retrain: the ticket",
        text: "The survivors go back to the values they started from, θ0, and train again. Three rounds of \
               prune, reset and retrain.",
        look: "The accuracy chart: the blue line is the ticket, the dotted grey line the dense network.",
        config: || paper_rounds(TICKET_ROUNDS),
        findings: ticket_findings,
        show_round: newest,
    },
    Step {
        title: "The control: the same mask, fresh weights",
        text: "Is it the mask or the starting values? Each round also trains the same mask from a fresh random \
               initialisation: ten rounds of 20%, down to about an eighth of the weights.",
        look: "The accuracy chart: the red dashed line is the random-reinit control, the blue line the ticket.",
        config: || demo_rounds(CONTROL_ROUNDS),
        findings: control_findings,
        show_round: newest,
    },
    Step {
        title: "Down to a few percent: the winning ticket",
        text: "Twelve rounds, down to 9% of the weights. The sparsest ticket that still learns as well as the \
               whole network is the winning ticket.",
        look: "The network drawing shows the winning ticket's surviving connections; the rounds table lists \
               every round.",
        config: || demo_rounds(ExperimentConfig::default().prune.rounds),
        findings: winning_findings,
        show_round: |rounds| winning_round(rounds).map(|r| r.round),
    },
    Step {
        title: "Why the ticket wins: what it needs from θ0",
        text: "Twelve rounds again, and each round trains the ticket's mask from four other starts: fresh magnitudes \
               with θ0's signs, one magnitude per layer with θ0's signs, θ0's own values shuffled within each \
               layer, and a fresh random draw. Each round also scores the mask on θ0 without any training.",
        look: "The Why tickets win panel below says what this run measured; the accuracy chart draws each start in \
               its own colour, and the supermask chart the untrained mask beside chance.",
        config: why_rounds,
        findings: why_findings,
        show_round: |rounds| why::telling_round(&why_spreads(rounds)).map(|r| r.round),
    },
    Step {
        title: "What the ticket is for",
        text: "The paper's first claim is efficiency: a ticket needs a fraction of the memory and of the \
               arithmetic. Step 5's twelve rounds again; this time look at what the winning ticket saves.",
        look: "The panel What the ticket saves: the ticket as a file in three precisions, beside the dense \
               network's bytes, and Download this ticket. Click a point in the pad: the dense network and the \
               ticket each classify it, with the time each takes.",
        config: || demo_rounds(ExperimentConfig::default().prune.rounds),
        findings: saves_findings,
        show_round: |rounds| winning_round(rounds).map(|r| r.round),
    },
];

/// The tour panel: the step's paragraph, where to look, what this run
/// showed, and back / next / leave. `go` moves to a step (and starts its run).
#[component]
pub fn TourPanel(
    tour: Signal<usize>,
    lab: LabSignals,
    go: Callback<usize>,
    leave: Callback<()>,
    /// The round the drawing shows.
    selected: RwSignal<Option<usize>>,
) -> impl IntoView {
    // The findings quote this step's run only: the rounds must come from its configuration.
    let findings = Memo::new(move |_| {
        let s = step(tour.get())?;
        let done = lab.status.get() == Status::Done;
        let ours = lab.checkpoint.with(|c| c.as_ref().is_some_and(|c| c.config == s.config()));
        (done && ours).then(|| lab.rounds.with(|r| (s.findings(r), (s.show_round)(r))))
    });
    // When the run is done, the drawing shows the round the step talks about.
    Effect::new(move |_| {
        if let Some((_, Some(round))) = findings.get() {
            selected.set(Some(round));
        }
    });
    let n = move || tour.get();
    let running = move || lab.status.with(Status::is_active);
    let current = move || step(n());
    view! {
        <Show when=move || current().is_some()>
            <section class="tour" id="tour" data-step=n>
                <h2>{move || format!("Tour, step {} of {TOUR_STEPS}: {}", n(), current().map_or("", |s| s.title))}</h2>
                // Back and Next above the step's text, so a long step never pushes them off the screen.
                <div class="buttons">
                    <button id="tour-back" disabled=move || { n() <= 1 } on:click=move |_| go.run(n() - 1)>
                        "Back"
                    </button>
                    <button id="tour-next" disabled=move || { n() >= TOUR_STEPS } on:click=move |_| go.run(n() + 1)>
                        "Next"
                    </button>
                    <button id="tour-leave" on:click=move |_| leave.run(())>"Leave the tour"</button>
                </div>
                <p class="tour-text">{move || current().map(|s| s.text)}</p>
                <p class="tour-look"><strong>"Look at: "</strong>{move || current().map(|s| s.look)}</p>
                <p class="tour-findings" id="tour-findings"
                    data-state=move || if findings.with(Option::is_some) { "done" } else { "running" }>
                    {move || match findings.get() {
                        Some((Some(text), _)) => text,
                        Some((None, _)) => "This run did not reach the rounds this step talks about.".into(),
                        None if running() => "The run is training; its figures will appear here.".into(),
                        None => "Press Next to run this step again, or Train.".into(),
                    }}
                </p>
            </section>
        </Show>
    }
}
