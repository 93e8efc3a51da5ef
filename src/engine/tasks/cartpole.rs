//! CartPole, as Gym's `CartPole-v1` defines it (Barto, Sutton & Anderson 1983):
//! a pole hinged on a cart that a policy pushes left or right with a fixed
//! force. The state is (cart position, cart velocity, pole angle, pole angular
//! velocity); each step gives a reward of 1, including the one that ends the
//! episode; the episode ends when the pole tilts past 12° or the cart leaves
//! ±2.4, and is cut at 500 steps. "Solved": a mean return of at least 475 over
//! 100 episodes. Euler integration with Gym's constants, in f64 (as Gym's
//! Python floats), so an episode is the same on every platform.
//!
//! The environment only: the RL task that trains a pruned policy on it is
//! issue #23's next step.

use rand::RngCore;

use crate::engine::rng;

/// Gym's constants.
pub(crate) const GRAVITY: f64 = 9.8;
pub(crate) const CART_MASS: f64 = 1.0;
pub(crate) const POLE_MASS: f64 = 0.1;
const TOTAL_MASS: f64 = CART_MASS + POLE_MASS;
/// Half the pole's length.
pub(crate) const HALF_POLE_LENGTH: f64 = 0.5;
const POLE_MASS_LENGTH: f64 = POLE_MASS * HALF_POLE_LENGTH;
/// The force a push applies, in newtons.
pub(crate) const FORCE: f64 = 10.0;
/// Seconds between steps.
pub(crate) const TAU: f64 = 0.02;
/// The episode ends past these: 12° of tilt, 2.4 from the centre.
pub const ANGLE_LIMIT: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
pub const POSITION_LIMIT: f64 = 2.4;
/// CartPole-v1 cuts an episode here.
pub const MAX_STEPS: usize = 500;
/// A new episode starts with each state variable uniform in ±this.
pub const START_SPREAD: f64 = 0.05;
/// The observation's size, and the number of actions (push left, push right).
pub(crate) const OBSERVATIONS: usize = 4;
pub(crate) const ACTIONS: usize = 2;
/// "Solved": this mean return over [`SOLVED_EPISODES`] episodes.
pub(crate) const SOLVED_RETURN: f64 = 475.0;
pub(crate) const SOLVED_EPISODES: usize = 100;

/// Which way to push.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Push {
    Left,
    Right,
}

impl Push {
    /// Gym's action numbers: 0 left, 1 right.
    pub(crate) fn from_index(action: usize) -> Self {
        if action == 1 { Push::Right } else { Push::Left }
    }
}

/// What one step did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub observation: [f64; OBSERVATIONS],
    pub reward: f64,
    /// The pole fell or the cart left the track.
    pub terminated: bool,
    /// The episode reached [`MAX_STEPS`].
    pub truncated: bool,
}

impl Step {
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// One cart and pole.
#[derive(Clone, Debug, PartialEq)]
pub struct CartPole {
    /// (x, ẋ, θ, θ̇).
    state: [f64; OBSERVATIONS],
    steps: usize,
}

impl CartPole {
    /// A cart in `state`, at step 0.
    pub fn at(state: [f64; OBSERVATIONS]) -> Self {
        Self { state, steps: 0 }
    }

    /// A new episode: each state variable uniform in ±[`START_SPREAD`], from `rng`.
    pub fn reset(rng: &mut impl RngCore) -> Self {
        Self::at(std::array::from_fn(|_| rng::uniform(rng, -START_SPREAD, START_SPREAD)))
    }

    pub fn observation(&self) -> [f64; OBSERVATIONS] {
        self.state
    }

    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Push the cart for one step of [`TAU`] seconds.
    pub fn step(&mut self, push: Push) -> Step {
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = match push {
            Push::Right => FORCE,
            Push::Left => -FORCE,
        };
        let (sin, cos) = theta.sin_cos();
        let temp = (force + POLE_MASS_LENGTH * theta_dot * theta_dot * sin) / TOTAL_MASS;
        let theta_acc =
            (GRAVITY * sin - cos * temp) / (HALF_POLE_LENGTH * (4.0 / 3.0 - POLE_MASS * cos * cos / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * cos / TOTAL_MASS;
        // Gym's "euler": positions move by the old velocities.
        self.state = [x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc];
        self.steps += 1;
        let [x, _, theta, _] = self.state;
        let terminated =
            !(-POSITION_LIMIT..=POSITION_LIMIT).contains(&x) || !(-ANGLE_LIMIT..=ANGLE_LIMIT).contains(&theta);
        Step { observation: self.state, reward: 1.0, terminated, truncated: !terminated && self.steps >= MAX_STEPS }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSE: f64 = 1e-12;

    fn assert_state(got: [f64; OBSERVATIONS], want: [f64; OBSERVATIONS]) {
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < CLOSE, "{got:?} against {want:?}");
        }
    }

    /// From rest, a push right: temp = 10/1.1, θ̈ = −(100/11)/(0.5·(4/3 − 0.1/1.1)) = −6600/451,
    /// ẍ = 100/11 + 0.05·(6600/451)/1.1 = 400/41; Euler moves the velocities only.
    #[test]
    fn a_push_from_rest_by_hand() {
        let mut cart = CartPole::at([0.0; OBSERVATIONS]);
        let step = cart.step(Push::Right);
        assert_state(step.observation, [0.0, TAU * 400.0 / 41.0, 0.0, -TAU * 6600.0 / 451.0]);
        assert_eq!((step.reward, step.terminated, step.truncated), (1.0, false, false));
        // The second step moves the positions by those velocities; the angle is still 0, so the same accelerations.
        let step = cart.step(Push::Right);
        assert_state(
            step.observation,
            [
                TAU * TAU * 400.0 / 41.0,
                2.0 * TAU * 400.0 / 41.0,
                -TAU * TAU * 6600.0 / 451.0,
                -2.0 * TAU * 6600.0 / 451.0,
            ],
        );
        // Mirror image: a push left from rest.
        let left = CartPole::at([0.0; OBSERVATIONS]).step(Push::Left);
        assert_state(left.observation, [0.0, -TAU * 400.0 / 41.0, 0.0, TAU * 6600.0 / 451.0]);
    }

    /// A tilted, moving cart, against Gym's formulas evaluated in Python (f64).
    #[test]
    fn a_push_from_a_tilted_cart_matches_gym() {
        let step = CartPole::at([0.01, -0.02, 0.03, -0.04]).step(Push::from_index(0));
        assert_state(step.observation, [0.009600000000000001, -0.21553901710278936, 0.0292, 0.2619952237760392]);
    }

    /// Pushing right from rest tips the pole back past 12° on the 9th step (the reward still counts).
    #[test]
    fn the_episode_ends_when_the_pole_falls() {
        let mut cart = CartPole::at([0.0; OBSERVATIONS]);
        for n in 1..=9 {
            let step = cart.step(Push::Right);
            assert_eq!(step.terminated, n == 9, "step {n}: {:?}", step.observation);
            assert_eq!(step.reward, 1.0);
        }
        assert!(cart.observation()[2] < -ANGLE_LIMIT);
        let off_track = CartPole::at([POSITION_LIMIT, 1.0, 0.0, 0.0]).step(Push::Right);
        assert!(off_track.terminated && off_track.done());
    }

    /// A hand-made balancing rule (push towards where the pole leans) keeps it up to the 500-step cut.
    #[test]
    fn an_episode_is_cut_at_500_steps() {
        let mut cart = CartPole::at([0.01, -0.02, 0.03, -0.04]);
        for n in 1..=MAX_STEPS {
            let [_, _, theta, theta_dot] = cart.observation();
            let step = cart.step(if theta + 0.5 * theta_dot > 0.0 { Push::Right } else { Push::Left });
            assert!(!step.terminated, "the pole fell at step {n}");
            assert_eq!(step.truncated, n == MAX_STEPS);
        }
        assert_eq!(cart.steps(), MAX_STEPS);
    }

    #[test]
    fn a_seed_gives_the_same_start_within_the_spread() {
        let start = |seed| CartPole::reset(&mut rng::stream(seed, rng::Stream::Episode, 0)).observation();
        assert_eq!(start(3), start(3));
        assert_ne!(start(3), start(4));
        assert!(start(3).iter().all(|v| v.abs() <= START_SPREAD));
    }
}
