//! The cart-pole task's episode, played: for the round shown, the ticket's
//! seeded test episode beside the same episode (the same start) of each
//! control, each on its own canvas, redrawn at the display's frame rate and
//! in real time (one step is CartPole's τ, 20 ms), with the step count. An
//! episode that ends holds its last frame until the longest has ended; then
//! all start again. So a class sees which keeps the pole up.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use leptos::html;
use leptos::prelude::*;

use crate::engine::RoundReport;
use crate::engine::tasks::cartpole::{self, HALF_POLE_LENGTH, MAX_STEPS, POSITION_LIMIT, TAU};
use crate::engine::tasks::policy::Episode;
use crate::worker::global::now_ms;

use crate::ui::drawing::canvas;
use crate::ui::drawing::palette::{self, Rgb};
use crate::ui::{round_networks, round_shown};

/// A panel's canvas, in CSS pixels: three side by side in the middle column at 1366 px.
const CANVAS_W: f64 = 160.0;
const CANVAS_H: f64 = 100.0;
/// Where the track runs, from the canvas's bottom.
const TRACK_FROM_BOTTOM: f64 = 18.0;
/// The track drawn a little past the limits, so a cart that leaves is seen leaving.
const TRACK_HALF_WIDTH: f64 = POSITION_LIMIT * 1.1;
const CART_W: f64 = 22.0;
const CART_H: f64 = 11.0;
const POLE_WIDTH: f64 = 4.0;
const AXLE_RADIUS: f64 = 3.0;
/// Milliseconds of one step played at 1×: the simulation's own time step.
const STEP_MS: f64 = TAU * 1000.0;
/// The last frame holds this long once every episode has ended, before all start again.
const HOLD_MS: f64 = 1500.0;
/// Playback speeds offered.
const SPEEDS: [f64; 3] = [1.0, 4.0, 10.0];
const TRACK_INK: Rgb = Rgb(91.0, 100.0, 117.0);
const CART_INK: Rgb = Rgb(29.0, 34.0, 48.0);

/// One network's episode of the round shown.
#[derive(Clone, Debug, PartialEq)]
struct Play {
    /// The CSS class of its colour (ticket, reinit, random), also its panel's id suffix.
    class: &'static str,
    label: &'static str,
    colour: Rgb,
    episode: Episode,
}

impl Play {
    /// The round's networks that played an episode: the ticket, then the controls that ran.
    fn of_round(report: &RoundReport) -> Vec<Play> {
        round_networks(report)
            .into_iter()
            .filter_map(|(class, run)| {
                let episode = run?.score.episode.clone()?;
                let (label, colour) = match class {
                    "ticket" => ("winning ticket", palette::TICKET),
                    "reinit" => ("random reinit", palette::REINIT),
                    _ => ("random mask", palette::RANDOM),
                };
                Some(Play { class, label, colour, episode })
            })
            .collect()
    }

    /// The step shown at frame `frame`: the episode's own last once it has ended.
    fn step_at(&self, frame: usize) -> usize {
        frame.min(self.episode.steps())
    }

    /// "step 123 of 500 · balanced" or "fell at step 41".
    fn status(&self, frame: usize) -> String {
        let steps = self.episode.steps();
        match (frame >= steps, self.episode.fell()) {
            (false, _) => format!("step {}", self.step_at(frame)),
            (true, true) => format!("fell at step {steps}"),
            (true, false) => format!("balanced all {MAX_STEPS} steps"),
        }
    }
}

/// The cart and pole of each network, playing the round shown's episode.
#[component]
pub fn CartPoleView(rounds: RwSignal<Vec<RoundReport>>, selected: RwSignal<Option<usize>>) -> impl IntoView {
    let plays = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(Play::of_round)));
    let round = Memo::new(move |_| rounds.with(|r| round_shown(r, selected.get()).map(|r| r.round)));
    let longest = Memo::new(move |_| plays.with(|p| p.iter().flatten().map(|p| p.episode.steps()).max().unwrap_or(0)));
    let frame = RwSignal::new(0usize);
    let speed = RwSignal::new(SPEEDS[0]);
    let clock = Clock::start(frame, speed, longest);
    // A new round (or new episodes) starts from step 0.
    Effect::new(move |_| {
        plays.track();
        clock.restart();
    });
    let caption = move || match round.get() {
        Some(r) => format!("Round {r}: the same seeded episode, played by the ticket and its controls"),
        None => "The cart and pole: each network plays a seeded episode once it has trained".to_string(),
    };
    view! {
        <figure class="chart" id="cartpole-view" data-frame=move || frame.get()
            data-networks=move || plays.with(|p| p.as_ref().map_or(0, Vec::len))>
            <figcaption>{caption}</figcaption>
            <div class="cartpole-panels">
                <For each=move || plays.get().unwrap_or_default() key=|p| (p.class, p.episode.steps())
                    children=move |play| view! { <EpisodePanel play=play frame=frame.into() /> } />
            </div>
            <div class="cartpole-controls">
                <button class="replay" on:click=move |_| clock.restart()>"Replay"</button>
                {SPEEDS.iter().map(|&s| view! {
                    <button class="speed" class:active=move || speed.get() == s
                        on:click=move |_| { speed.set(s); clock.restart(); }>{format!("{s}×")}</button>
                }).collect::<Vec<_>>()}
                <span class="hint">{format!("Each network plays from the same start; it ends when the pole tilts past \
                    12° or the cart leaves ±{POSITION_LIMIT} m, and at most {MAX_STEPS} steps.")}</span>
            </div>
        </figure>
    }
}

/// One network's canvas and its step count.
#[component]
fn EpisodePanel(play: Play, frame: Signal<usize>) -> impl IntoView {
    let canvas = NodeRef::<html::Canvas>::new();
    let play = StoredValue::new(play);
    Effect::new(move |_| {
        let frame = frame.get();
        if let Some(canvas) = canvas.get() {
            play.with_value(|p| draw(&canvas, p, p.step_at(frame)));
        }
    });
    let angle = move || play.with_value(|p| format!("{:.4}", p.episode.angle[p.step_at(frame.get())]));
    view! {
        <div class=move || play.with_value(|p| format!("cartpole-panel {}", p.class))
            data-angle=angle data-steps=move || play.with_value(|p| p.episode.steps())>
            <canvas node_ref=canvas style:width=format!("{CANVAS_W}px") style:height=format!("{CANVAS_H}px")
                aria-label=move || play.with_value(|p| format!("{}: the cart and pole", p.label))></canvas>
            <p class="cartpole-status"><span class=move || play.with_value(|p| format!("swatch {}", p.class))></span>
                {move || play.with_value(|p| format!("{}: {}", p.label, p.status(frame.get())))}</p>
        </div>
    }
}

/// Draw the cart and pole of `play` at `step`.
fn draw(canvas: &web_sys::HtmlCanvasElement, play: &Play, step: usize) {
    let Some(ctx) = canvas::context(canvas, CANVAS_W, CANVAS_H) else { return };
    let scale = CANVAS_W / (2.0 * TRACK_HALF_WIDTH); // px per metre
    let at = |metres: f64| CANVAS_W / 2.0 + metres * scale;
    let track_y = CANVAS_H - TRACK_FROM_BOTTOM;
    // The track and its limits.
    ctx.set_stroke_style(&TRACK_INK.css());
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(at(-TRACK_HALF_WIDTH), track_y);
    ctx.line_to(at(TRACK_HALF_WIDTH), track_y);
    for limit in [-POSITION_LIMIT, POSITION_LIMIT] {
        ctx.move_to(at(limit), track_y - 6.0);
        ctx.line_to(at(limit), track_y + 6.0);
    }
    ctx.stroke();
    // The cart.
    let (x, angle) = (f64::from(play.episode.cart[step]), f64::from(play.episode.angle[step]));
    let cart_x = at(x);
    ctx.set_fill_style(&CART_INK.css());
    ctx.fill_rect(cart_x - CART_W / 2.0, track_y - CART_H, CART_W, CART_H);
    // The pole, from the axle, tilted by the angle (positive: to the right).
    let axle_y = track_y - CART_H;
    let length = 2.0 * HALF_POLE_LENGTH * scale;
    ctx.set_stroke_style(&play.colour.css());
    ctx.set_line_width(POLE_WIDTH);
    ctx.set_line_cap("round");
    ctx.begin_path();
    ctx.move_to(cart_x, axle_y);
    ctx.line_to(cart_x + length * angle.sin(), axle_y - length * angle.cos());
    ctx.stroke();
    ctx.set_fill_style(&TRACK_INK.css());
    ctx.begin_path();
    ctx.arc(cart_x, axle_y, AXLE_RADIUS, 0.0, std::f64::consts::TAU);
    ctx.fill();
}

/// The playback clock: an animation-frame loop that sets the frame (step) from the time since the start,
/// until the view is gone.
#[derive(Clone, Copy)]
struct Clock {
    start: StoredValue<f64>,
}

impl Clock {
    fn start(frame: RwSignal<usize>, speed: RwSignal<f64>, longest: Memo<usize>) -> Self {
        let clock = Clock { start: StoredValue::new(now_ms()) };
        let alive = Arc::new(AtomicBool::new(true));
        let stop = alive.clone();
        on_cleanup(move || stop.store(false, Ordering::Relaxed));
        clock.tick(alive, frame, speed, longest);
        clock
    }

    fn restart(self) {
        self.start.set_value(now_ms());
    }

    fn tick(self, alive: Arc<AtomicBool>, frame: RwSignal<usize>, speed: RwSignal<f64>, longest: Memo<usize>) {
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        let elapsed = now_ms() - self.start.get_value();
        let per_step = STEP_MS / speed.get_untracked();
        let last = longest.get_untracked();
        if elapsed > last as f64 * per_step + HOLD_MS {
            self.restart();
        }
        let now = ((elapsed / per_step) as usize).min(last);
        if frame.get_untracked() != now {
            frame.set(now);
        }
        request_animation_frame(move || self.tick(alive, frame, speed, longest));
    }
}

/// The four observations, in the order the actor reads them.
pub const OBSERVATION_NAMES: [&str; cartpole::OBSERVATIONS] =
    ["cart position", "cart velocity", "pole angle", "pole angular velocity"];
