//! The engine's seam: a task says what the lottery prunes, how it trains and
//! how it is judged; the lottery procedure ([`super::lottery`]) is the same
//! for every task: IMP, masks, reset to θ0 or rewind to θk, the controls,
//! replicates, sweeps, checkpoints and ticket files, links and kept runs.
//!
//! A task gives:
//! - **what the network is**: its prunable tensors, each with a shape and a
//!   role (`ExperimentConfig::shapes`), put on a device by [`Task::network`];
//! - **how one step goes**: its [`Learner`] computes the pruned network's
//!   gradients for one step, and trains any unpruned companion of its own
//!   (a critic, a discriminator) itself. The run masks those gradients and
//!   steps the optimizer, so "pruned weights stay exactly zero" is kept in
//!   one place for every task;
//! - **how a network is measured**: at each evaluation point
//!   ([`Learner::measure`]) and once trained ([`Task::score`]: the task's own
//!   figures in the report, beside the accuracies);
//! - **what the page draws**: its [`View`]s.
//!
//! Adding a task is a variant here, its learner in a file of this folder, its
//! network in [`super::networks`], and its views in the page.

pub mod cartpole;
pub mod circuit;
pub mod dataset;
pub mod gan;
pub mod mixture;
pub mod modular;
pub mod policy;
pub mod regression;
pub mod row;
pub mod supervised;

use burn::optim::GradientsParams;
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, ModularArch};
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::figures::{FigureKey, Figures};
use crate::engine::lottery::curve::CurvePoint;
use crate::engine::lottery::mask::Mask;
use crate::engine::networks::modular_mlp::MaskedModularMlp;
use crate::engine::networks::shapes::LayerShape;
use crate::engine::networks::transformer::MaskedTransformer;
use crate::engine::networks::{
    model::{MaskedNet, Network},
    weights::Weights,
};
use circuit::Circuit;
use gan::Gan;
use mixture::Mixture;
use policy::{Episode, Policy};
use regression::Regression;
pub use row::{TASKS, TaskKind, TaskRow, View};
use supervised::Supervised;

/// What a network learns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// Classify points, images or own rows: an MLP or a small conv net, cross-entropy, accuracy.
    Classification,
    /// Learn a + b mod p from some of the pairs with a one-layer transformer of `heads` heads, and watch it
    /// grok ([`modular`]).
    ModularAddition { heads: usize, arch: ModularArch },
    /// Balance a pole on a cart: the network is an actor (a policy) trained by A2C with an unpruned critic
    /// ([`policy`]).
    CartPole,
    /// Generate points of a 2D Gaussian mixture: the network is a GAN's generator, trained against a dense
    /// discriminator of the learner's own ([`gan`]).
    Gan,
    /// Predict a value in −1..1 at each point of the plane: an MLP with one output, mean squared error
    /// ([`regression`]).
    Regression,
}

/// A task's own figures for one trained network, in its summary beside the accuracies every task reports.
/// Each is absent from the reports of tasks that do not measure it, so a classifier's report is as it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskScore {
    /// Its own figures by key, under their own names (the row's [`row::Figure`]s): modular addition's steps
    /// to generalise (the first evaluation iteration with test accuracy at least
    /// [`modular::GENERALISED_ACCURACY`], null if never), a policy's mean return over the seeded test episodes,
    /// a generator's modes covered (of 8 or 25) and share of points within 3σ of their nearest mode, a
    /// regression's test mean squared error.
    #[serde(flatten)]
    pub figures: Figures,
    /// Modular addition: t_mem, the first evaluation iteration with at least
    /// [`modular::MEMORISED_ACCURACY`] of the training pairs right, null if never.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "modular::task_score")]
    pub steps_to_fit: Option<Option<usize>>,
    /// Modular addition: the trained network's embedding spectrum and attention ([`circuit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circuit: Option<Circuit>,
    /// A policy: training episodes until the last 100 averaged 475 or more (CartPole-v1 "solved"), null if
    /// never.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "modular::task_score")]
    pub episodes_to_solve: Option<Option<usize>>,
    /// A policy: the first seeded test episode of the trained greedy policy, the one the page plays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<Episode>,
    /// A generator: the first of its test points, row-major (x, y), for the page to draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Vec<f32>>,
    /// A generator: its discriminator's decision map at the end of training, drawn behind the points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<gan::DecisionMap>,
}

impl Task {
    /// The task a configuration runs.
    pub fn of(config: &ExperimentConfig) -> Self {
        match TaskRow::of(config.data.dataset).kind {
            TaskKind::Classification => Task::Classification,
            TaskKind::ModularAddition => {
                let t = &config.model.transformer;
                Task::ModularAddition { heads: t.heads, arch: t.arch }
            }
            TaskKind::CartPole => Task::CartPole,
            TaskKind::Gan => Task::Gan,
            TaskKind::Regression => Task::Regression,
        }
    }

    /// This task's row of [`TASKS`].
    pub fn row(self) -> &'static TaskRow {
        let kind = match self {
            Task::Classification => TaskKind::Classification,
            Task::ModularAddition { .. } => TaskKind::ModularAddition,
            Task::CartPole => TaskKind::CartPole,
            Task::Gan => TaskKind::Gan,
            Task::Regression => TaskKind::Regression,
        };
        TaskRow::by_kind(kind)
    }

    /// Upload θ ⊙ m as this task's network (`device` with autodiff to train it).
    pub fn network(self, weights: &Weights, mask: &Mask, device: &Device) -> Network {
        match self {
            Task::Classification | Task::CartPole | Task::Gan | Task::Regression => {
                Network::Classifier(MaskedNet::new(weights, mask, device))
            }
            Task::ModularAddition { heads, arch: ModularArch::Transformer } => {
                Network::Transformer(MaskedTransformer::new(weights, mask, heads, device))
            }
            Task::ModularAddition { arch: ModularArch::Mlp, .. } => {
                Network::ModularMlp(MaskedModularMlp::new(weights, mask, device))
            }
        }
    }

    /// How one run of this task trains: its state from the first step to the last.
    pub fn learner(self, config: &ExperimentConfig, order_seed: u64, device: &Device) -> Learner {
        if self == Task::Gan {
            let mixture = Mixture::of(config.data.dataset).expect("a GAN task names its target");
            let t = &config.train;
            return Learner::Gan(Gan::new(
                mixture,
                config.seed,
                order_seed,
                t.batch,
                t.lr,
                &config.model.hidden,
                device,
            ));
        }
        if self == Task::CartPole {
            return Learner::Policy(Policy::new(
                config.seed,
                order_seed,
                config.train.batch,
                &config.model.hidden,
                device,
            ));
        }
        if self == Task::Regression {
            return Learner::Regression(Regression::new(config.train.batch, order_seed, device));
        }
        let every_point_on_train = matches!(self, Task::ModularAddition { .. }); // the grokking curve's train half
        Learner::Supervised(Supervised::new(config.train.batch, order_seed, every_point_on_train, device))
    }

    /// The task's own figures for a trained network whose evaluation points were `curve`.
    pub async fn score(
        self,
        curve: &[CurvePoint],
        model: &Network,
        learner: &Learner,
    ) -> Result<TaskScore, EngineError> {
        Ok(match self {
            Task::Classification => TaskScore::default(),
            Task::CartPole => match learner {
                Learner::Policy(p) => TaskScore {
                    figures: last_figures(curve),
                    episodes_to_solve: Some(p.episodes_to_solve()),
                    episode: Some(p.shown_episode(model).await?),
                    ..TaskScore::default()
                },
                _ => TaskScore::default(),
            },
            Task::Gan => match learner {
                Learner::Gan(g) => {
                    let (coverage, points, decision) = g.score(model).await?;
                    TaskScore {
                        figures: Figures::none()
                            .with(FigureKey::ModesCovered, coverage.modes_covered as f64)
                            .with(FigureKey::HighQualityFraction, coverage.high_quality_fraction),
                        points: Some(points),
                        decision: Some(decision),
                        ..TaskScore::default()
                    }
                }
                _ => TaskScore::default(),
            },
            Task::Regression => TaskScore { figures: last_figures(curve), ..TaskScore::default() },
            Task::ModularAddition { heads, .. } => TaskScore {
                figures: Figures::none()
                    .with_reached(FigureKey::StepsToGeneralise, modular::steps_to_generalise(curve).map(|i| i as f64)),
                steps_to_fit: Some(modular::steps_to_fit(curve)),
                circuit: Circuit::read(&model.to_weights().await?, heads),
                ..TaskScore::default()
            },
        })
    }

    /// The shapes of the second network this task prunes beside its own, when the configuration asks for it:
    /// a GAN's discriminator under `prune.discriminator` (None for every other task and setting).
    pub(crate) fn pruned_companion(self, config: &ExperimentConfig) -> Option<Vec<LayerShape>> {
        match self {
            Task::Gan if config.prune.discriminator => Some(gan::discriminator_shapes(&config.model.hidden)),
            _ => None,
        }
    }

    /// The page's views of this task, beyond those every task has.
    pub(crate) fn views(self) -> &'static [View] {
        self.row().views
    }

    pub fn shows(self, view: View) -> bool {
        self.views().contains(&view)
    }

    /// Adam's β1 for the pruned network where the task trains it with its own (a GAN's generator: 0.5, as
    /// DCGAN's), else None: Adam's default.
    pub fn adam_beta_1(self) -> Option<f32> {
        match self {
            Task::Gan => Some(gan::BETA_1),
            Task::Classification | Task::ModularAddition { .. } | Task::CartPole | Task::Regression => None,
        }
    }
}

/// How a task trains, with the state one run carries from step to step: from labelled rows
/// ([`Supervised`]: classifiers, modular addition's pairs) or from an environment ([`Policy`]).
// One per training run, moved rarely: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Learner {
    Supervised(Supervised),
    Policy(Policy),
    Gan(Gan),
    Regression(Regression),
}

impl Learner {
    /// A run that starts at iteration `start` (rewound to θk): a supervised learner goes on with the data order
    /// from batch `start`. A policy's episodes and a GAN's draws restart their streams (their environments and
    /// samples are not replayed to k); the README says so.
    pub(crate) fn continue_from(&mut self, start: usize) {
        match self {
            Learner::Supervised(s) => s.continue_after(start),
            Learner::Regression(r) => r.continue_after(start),
            Learner::Policy(_) | Learner::Gan(_) => {}
        }
    }

    /// One step's gradients for the pruned network. Async because a learner may read back during its step (an
    /// RL rollout chooses each action from the network's output); the supervised learner does not.
    pub async fn gradients(&mut self, model: &Network, data: &Dataset) -> Result<GradientsParams, EngineError> {
        match self {
            Learner::Supervised(s) => Ok(s.gradients(model, data)),
            Learner::Policy(p) => p.gradients(model).await,
            Learner::Gan(g) => Ok(g.gradients(model)),
            Learner::Regression(r) => Ok(r.gradients(model, data)),
        }
    }

    /// The last step's loss, read back (which also waits for the steps queued so far). None before the first.
    pub async fn last_loss(&self) -> Result<Option<f32>, EngineError> {
        match self {
            Learner::Supervised(s) => s.last_loss().await,
            Learner::Policy(p) => p.last_loss().await,
            Learner::Gan(g) => g.last_loss().await,
            Learner::Regression(r) => r.last_loss().await,
        }
    }

    /// The evaluation point at `iteration`.
    pub async fn measure(&self, iteration: usize, model: &Network, data: &Dataset) -> Result<CurvePoint, EngineError> {
        match self {
            Learner::Supervised(s) => s.measure(iteration, model, data).await,
            Learner::Policy(p) => p.measure(iteration, model).await,
            Learner::Gan(g) => g.measure(iteration, model).await,
            Learner::Regression(r) => r.measure(iteration, model, data).await,
        }
    }

    /// Prune the task's companion ([`Task::pruned_companion`]: a GAN's discriminator) to `mask` before the first
    /// step (other learners have none to prune).
    pub fn prune_companion(&mut self, mask: &Mask) {
        if let Learner::Gan(g) = self {
            g.prune_discriminator(mask);
        }
    }

    /// The companion's weights now (a GAN's discriminator), read back; None for other learners.
    pub async fn companion_weights(&self) -> Result<Option<Weights>, EngineError> {
        match self {
            Learner::Gan(g) => Ok(Some(g.discriminator_weights().await?)),
            Learner::Supervised(_) | Learner::Policy(_) | Learner::Regression(_) => Ok(None),
        }
    }

    /// Accuracy on the whole training split, at the end of a run (a policy has no training split: None).
    pub async fn train_accuracy(&self, model: &Network, data: &Dataset) -> Result<Option<f64>, EngineError> {
        match self {
            Learner::Supervised(s) => Ok(Some(s.train_accuracy(model, data).await?)),
            // A regression's accuracies are sign agreement, not its figure: its training fit is not reported.
            Learner::Policy(_) | Learner::Gan(_) | Learner::Regression(_) => Ok(None),
        }
    }
}

/// The figures of a run's last evaluation point: a policy's test return, a regression's test error, measured
/// at every evaluation and reported as the trained network's.
fn last_figures(curve: &[CurvePoint]) -> Figures {
    curve.last().map(|p| p.figures.clone()).unwrap_or_default()
}
