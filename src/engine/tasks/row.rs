//! The tasks as a table, one row each, as the settings are in `url::SETTINGS`: which datasets run the task,
//! whether it learns from rows, the settings it ignores, and the page's views only it has. What asks "which
//! task?" reads its row here instead of naming datasets; the task's behaviour (its network, learner and score)
//! is [`super::Task`]'s.

use crate::engine::data::DatasetName;

/// Which task a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    Classification,
    ModularAddition,
    CartPole,
    Gan,
}

/// One task's row.
#[derive(Debug)]
pub struct TaskRow {
    pub kind: TaskKind,
    /// The task in a few words.
    pub name: &'static str,
    /// The datasets that run this task (classification: every dataset no other row names).
    pub datasets: &'static [DatasetName],
    /// It learns from rows of a dataset, so samples and the validation and test shares mean something (not
    /// from an environment or against a discriminator).
    pub learns_from_rows: bool,
    /// URL keys of settings this task ignores: the page's bench hides them, links keep them.
    pub ignores: &'static [&'static str],
    /// The page's views only this task has.
    pub views: &'static [View],
}

/// A view of the page that only some tasks have (every task has the rounds, the accuracy charts, the
/// heatmaps of its tensors and the controls).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Each connection of a small classifier, drawn live while it trains.
    NetworkDrawing,
    /// Train and test accuracy over log steps: the grokking curve.
    GrokkingCurve,
    /// Steps to generalise against weights remaining.
    StepsToGeneralise,
    /// The ticket as a transformer: its heads, MLP neurons and token embeddings.
    TransformerDrawing,
    /// The embedding's Fourier spectrum and where "=" attends.
    Circuit,
    /// The cart and pole playing a seeded episode, the ticket beside its control.
    CartPoleEpisode,
    /// The return over training, and the mean return against weights remaining.
    Returns,
    /// Which of the four observations keep connections into the actor.
    InputsKept,
    /// The target's modes and the generated points over the discriminator's decision map, the ticket beside
    /// its controls, and the generator training now.
    GanSamples,
    /// Modes covered and the high-quality share against weights remaining.
    Coverage,
}

const CLASSIFICATION_VIEWS: &[View] = &[View::NetworkDrawing];
const CART_POLE_VIEWS: &[View] = &[View::CartPoleEpisode, View::Returns, View::NetworkDrawing, View::InputsKept];
const GAN_VIEWS: &[View] = &[View::GanSamples, View::Coverage, View::NetworkDrawing];
const MODULAR_ADDITION_VIEWS: &[View] =
    &[View::GrokkingCurve, View::StepsToGeneralise, View::TransformerDrawing, View::Circuit];

/// Settings only modular addition's transformer reads.
const TRANSFORMER_KEYS: [&str; 4] = ["p", "dmodel", "heads", "dmlp"];
/// Settings only a GAN reads.
const GAN_KEYS: [&str; 1] = ["dprune"];

/// Every task, one row each.
pub const TASKS: [TaskRow; 4] = [
    TaskRow {
        kind: TaskKind::Classification,
        name: "classification",
        datasets: &[],
        learns_from_rows: true,
        ignores: &[TRANSFORMER_KEYS[0], TRANSFORMER_KEYS[1], TRANSFORMER_KEYS[2], TRANSFORMER_KEYS[3], GAN_KEYS[0]],
        views: CLASSIFICATION_VIEWS,
    },
    TaskRow {
        kind: TaskKind::ModularAddition,
        name: "modular addition",
        datasets: &[DatasetName::Modular],
        learns_from_rows: true,
        // The pairs are the data and the transformer's shape is its own: no noise, widths, convs or init.
        ignores: &["n", "noise", "hidden", "conv", "init", GAN_KEYS[0]],
        views: MODULAR_ADDITION_VIEWS,
    },
    TaskRow {
        kind: TaskKind::CartPole,
        name: "cart-pole policy",
        datasets: &[DatasetName::Cartpole],
        learns_from_rows: false,
        // It learns from an environment, not from rows, and prunes by magnitude.
        ignores: &["n", "noise", "val", "test", "conv", "method", "p", "dmodel", "heads", "dmlp", GAN_KEYS[0]],
        views: CART_POLE_VIEWS,
    },
    TaskRow {
        kind: TaskKind::Gan,
        name: "GAN generator",
        datasets: &[DatasetName::Ring, DatasetName::Grid],
        learns_from_rows: false,
        // It learns against a discriminator, not from rows, and prunes by magnitude.
        ignores: &["n", "noise", "val", "test", "conv", "method", "p", "dmodel", "heads", "dmlp"],
        views: GAN_VIEWS,
    },
];

impl TaskRow {
    /// The row of the task `dataset` runs.
    pub fn of(dataset: DatasetName) -> &'static TaskRow {
        TASKS.iter().find(|t| t.datasets.contains(&dataset)).unwrap_or(&TASKS[0])
    }

    /// The row of `kind`.
    pub fn by_kind(kind: TaskKind) -> &'static TaskRow {
        TASKS.iter().find(|t| t.kind == kind).expect("every kind has a row")
    }

    /// Whether the task reads setting `key` (by its URL key).
    pub fn reads(&self, key: &str) -> bool {
        !self.ignores.contains(&key)
    }
}
