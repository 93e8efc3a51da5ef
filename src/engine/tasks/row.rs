//! The tasks as a table, one row each, as the settings are in `url::SETTINGS`: which datasets run the task,
//! whether it learns from rows, the settings it ignores, the figures it judges a network by, and the page's
//! views only it has. What asks "which task?" reads its row here instead of naming datasets; the task's
//! behaviour (its network, learner and score) is [`super::Task`]'s.

use crate::engine::data::DatasetName;
pub use crate::engine::figures::FigureKey;

/// Which task a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    Classification,
    ModularAddition,
    CartPole,
    Gan,
    Regression,
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
    /// SNIP and SynFlow can score its network before training (they score a classifier on labelled rows);
    /// every other task prunes by its trained weights (magnitude, or Zhou et al.'s scores).
    pub scored_before_training: bool,
    /// URL keys of settings this task ignores: the page's bench hides them, links keep them.
    pub ignores: &'static [&'static str],
    /// The figures it judges a trained network by, the headline first: what its tables, its read-outs and
    /// its verdicts quote.
    pub figures: &'static [Figure],
    /// The page's views only this task has.
    pub views: &'static [View],
}

/// Which way a figure is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// How a figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share, written in percent.
    Percent,
    /// A count of steps or modes, or a return (steps the pole stayed up), written as a number.
    Count,
    /// A mean squared error, written with three decimals.
    Error,
}

/// One figure a task judges a network by: which, its name, how it is written, and which way is better.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub key: FigureKey,
    /// Its name in a table's head and a sentence ("test accuracy", "test MSE").
    pub label: &'static str,
    pub unit: Unit,
    pub better: Better,
    /// What it measures, in one line for a reader who has not met it.
    pub meaning: &'static str,
    /// Two values at most this far apart tie: the ticket matches the dense network, or a control, within it.
    pub tie: f64,
    /// `tie` in words ("1 point").
    pub tie_words: &'static str,
    /// Its chart against weights remaining, when it is a task's main chart in place of the accuracy's.
    pub chart: Option<FigureChart>,
}

/// A figure's chart against % of weights remaining: the page's element, its words and its axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FigureChart {
    /// The chart element's id (what tests and links find it by).
    pub id: &'static str,
    pub caption: &'static str,
    pub y_title: &'static str,
    /// Its accessible name.
    pub label: &'static str,
    pub axis: Axis,
}

/// Where a chart's value axis ends; it starts at 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Axis {
    /// At a cap every value stays under (a policy's episode cap).
    Cap(f64),
    /// At the largest value drawn (an error).
    Largest,
    /// At the largest value drawn, rounded up to a whole number, at least 1 (modes).
    LargestWhole,
}

impl Axis {
    /// The axis's ends for the values drawn.
    pub fn range(self, values: &mut dyn Iterator<Item = f64>) -> (f64, f64) {
        match self {
            Axis::Cap(cap) => (0.0, cap),
            Axis::Largest => (0.0, values.fold(f64::MIN_POSITIVE, f64::max)),
            Axis::LargestWhole => (0.0, values.fold(1.0f64, f64::max).ceil()),
        }
    }
}

impl Figure {
    /// A value as tables write it: "95.00" (percent), "487.0", "0.012".
    pub fn cell(self, value: f64) -> String {
        match self.unit {
            Unit::Percent => format!("{:.2}", value * 100.0),
            Unit::Count => format!("{value:.1}"),
            Unit::Error => format!("{value:.4}"),
        }
    }

    /// A value as the page's rounds table and the verdict write it: "95.1%", "487", "0.0123".
    pub fn short(self, value: f64) -> String {
        match self.unit {
            Unit::Percent => format!("{:.1}%", value * 100.0),
            Unit::Count => format!("{value:.0}"),
            Unit::Error => format!("{value:.4}"),
        }
    }

    /// Its head in a table, with its unit ("test accuracy %").
    pub fn head(self) -> String {
        match self.unit {
            Unit::Percent => format!("{} %", self.label),
            Unit::Count | Unit::Error => self.label.to_string(),
        }
    }

    /// How many of a chart's units one of its values is: 100 for a share (charts draw percent), else 1.
    pub fn scale(self) -> f64 {
        match self.unit {
            Unit::Percent => 100.0,
            Unit::Count | Unit::Error => 1.0,
        }
    }

    /// A value in its chart's unit as the chart's read-out writes it: "95.1%", "step 450", "return 487",
    /// "7.5 modes", "88.0% high quality", "MSE 0.0123".
    pub fn readout(self, value: f64) -> String {
        match self.key {
            FigureKey::TestAccuracy => format!("{value:.1}%"),
            FigureKey::StepsToGeneralise => format!("step {value:.0}"),
            FigureKey::MeanReturn => format!("return {value:.0}"),
            FigureKey::ModesCovered => format!("{value:.1} modes"),
            FigureKey::HighQualityFraction => format!("{value:.1}% high quality"),
            FigureKey::TestMse => format!("MSE {value:.4}"),
        }
    }

    /// The figure of a task's own `key` (a figure beside the accuracies, as a row names it).
    pub fn own(key: FigureKey) -> Option<Figure> {
        OWN_FIGURES.into_iter().find(|f| f.key == key)
    }

    /// Whether `a` is better than `b` by this figure.
    pub fn better(self, a: f64, b: f64) -> bool {
        match self.better {
            Better::Higher => a > b,
            Better::Lower => a < b,
        }
    }
}

/// A share's tie: one point, the demo's criterion (README "The demonstration preset").
const ONE_POINT: f64 = 0.01;
const TEST_ACCURACY: Figure = Figure {
    key: FigureKey::TestAccuracy,
    label: "test accuracy",
    unit: Unit::Percent,
    better: Better::Higher,
    meaning: "the share of held-out test examples the network labels right",
    tie: ONE_POINT,
    tie_words: "1 point",
    chart: None,
};
const STEPS_TO_GENERALISE: Figure = Figure {
    key: FigureKey::StepsToGeneralise,
    label: "steps to generalise",
    unit: Unit::Count,
    better: Better::Lower,
    meaning: "the first evaluation step at which test accuracy reaches 95% (grokking); never, if it does not",
    // One evaluation interval of the modular preset.
    tie: 100.0,
    tie_words: "100 steps",
    chart: None,
};
const MEAN_RETURN: Figure = Figure {
    key: FigureKey::MeanReturn,
    label: "mean return",
    unit: Unit::Count,
    better: Better::Higher,
    meaning: "how many steps the greedy policy keeps the pole up (at most 500), averaged over the test episodes",
    // 5% of CartPole-v1's cap of 500.
    tie: 25.0,
    tie_words: "25 steps of return",
    chart: Some(FigureChart {
        id: "return-chart",
        caption: "Mean return (greedy, seeded test episodes) vs. weights remaining (log scale)",
        y_title: "mean return",
        label: "mean return against weights remaining",
        axis: Axis::Cap(super::cartpole::MAX_STEPS as f64),
    }),
};
const MODES_COVERED: Figure = Figure {
    key: FigureKey::ModesCovered,
    label: "modes covered",
    unit: Unit::Count,
    better: Better::Higher,
    meaning: "how many of the target's clusters (8 on the ring, 25 on the grid) the generator's points reach",
    // Counts are whole: under one mode apart is the same count (a median over replicates may be a half).
    tie: 0.5,
    tie_words: "half a mode",
    chart: Some(FigureChart {
        id: "modes-chart",
        caption: "Modes covered (2,500 seeded points) vs. weights remaining (log scale)",
        y_title: "modes covered",
        label: "modes covered against weights remaining",
        axis: Axis::LargestWhole,
    }),
};
const HIGH_QUALITY: Figure = Figure {
    key: FigureKey::HighQualityFraction,
    label: "high quality",
    unit: Unit::Percent,
    better: Better::Higher,
    meaning: "the share of the generator's points within 3 standard deviations of a cluster's centre",
    tie: ONE_POINT,
    tie_words: "1 point",
    chart: None,
};
const TEST_MSE: Figure = Figure {
    key: FigureKey::TestMse,
    label: "test MSE",
    unit: Unit::Error,
    better: Better::Lower,
    meaning: "the mean squared difference between predicted and true value on held-out test points (0 is perfect)",
    // About 6% of the six-bump set's variance (predicting its mean scores about 0.087).
    tie: 0.005,
    tie_words: "0.005",
    chart: Some(FigureChart {
        id: "error-chart",
        caption: "Test mean squared error (lower is better) vs. weights remaining (log scale)",
        y_title: "test MSE",
        label: "test error against weights remaining",
        axis: Axis::Largest,
    }),
};
/// A regression's accuracies: the share of test rows whose prediction has the target's sign.
const SIGNS_RIGHT: Figure = Figure {
    key: FigureKey::TestAccuracy,
    label: "signs right",
    unit: Unit::Percent,
    better: Better::Higher,
    meaning: "the share of held-out test points whose predicted value has the true value's sign",
    tie: ONE_POINT,
    tie_words: "1 point",
    chart: None,
};

/// The figures tasks report beside the accuracies, one each.
const OWN_FIGURES: [Figure; 5] = [STEPS_TO_GENERALISE, MEAN_RETURN, MODES_COVERED, HIGH_QUALITY, TEST_MSE];

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
    /// The return over training.
    Returns,
    /// Which of the four observations keep connections into the actor.
    InputsKept,
    /// The target's modes and the generated points over the discriminator's decision map, the ticket beside
    /// its controls, and the generator training now.
    GanSamples,
    /// The high-quality share against weights remaining (beside the modes, its headline's chart).
    Coverage,
    /// A regression's predicted value over the plane, in place of a classifier's decision regions.
    OutputOverPlane,
}

const CLASSIFICATION_VIEWS: &[View] = &[View::NetworkDrawing];
const CART_POLE_VIEWS: &[View] = &[View::CartPoleEpisode, View::Returns, View::NetworkDrawing, View::InputsKept];
const GAN_VIEWS: &[View] = &[View::GanSamples, View::Coverage, View::NetworkDrawing];
const MODULAR_ADDITION_VIEWS: &[View] =
    &[View::GrokkingCurve, View::StepsToGeneralise, View::TransformerDrawing, View::Circuit];
const REGRESSION_VIEWS: &[View] = &[View::NetworkDrawing, View::OutputOverPlane];

/// Settings only modular addition's network reads.
const TRANSFORMER_KEYS: [&str; 5] = ["p", "arch", "dmodel", "heads", "dmlp"];
/// Settings only a GAN reads.
const GAN_KEYS: [&str; 1] = ["dprune"];

/// Every task, one row each.
pub const TASKS: [TaskRow; 5] = [
    TaskRow {
        kind: TaskKind::Classification,
        name: "classification",
        datasets: &[],
        learns_from_rows: true,
        scored_before_training: true,
        ignores: &[
            TRANSFORMER_KEYS[0],
            TRANSFORMER_KEYS[1],
            TRANSFORMER_KEYS[2],
            TRANSFORMER_KEYS[3],
            TRANSFORMER_KEYS[4],
            GAN_KEYS[0],
        ],
        figures: &[TEST_ACCURACY],
        views: CLASSIFICATION_VIEWS,
    },
    TaskRow {
        kind: TaskKind::ModularAddition,
        name: "modular addition",
        datasets: &[DatasetName::Modular],
        learns_from_rows: true,
        scored_before_training: false,
        // The pairs are the data and the network's shape is its own (MLP or transformer): no noise, widths, convs
        // or init.
        ignores: &["n", "noise", "hidden", "conv", "init", GAN_KEYS[0]],
        // The grokking-tickets paper's measure first: every network here ends near 100% test accuracy, and the
        // ticket's lesson is how much sooner it gets there.
        figures: &[STEPS_TO_GENERALISE, TEST_ACCURACY],
        views: MODULAR_ADDITION_VIEWS,
    },
    TaskRow {
        kind: TaskKind::CartPole,
        name: "cart-pole policy",
        datasets: &[DatasetName::Cartpole],
        learns_from_rows: false,
        scored_before_training: false,
        // It learns from an environment, not from rows, and prunes by magnitude.
        ignores: &["n", "noise", "val", "test", "conv", "method", "p", "arch", "dmodel", "heads", "dmlp", GAN_KEYS[0]],
        figures: &[MEAN_RETURN],
        views: CART_POLE_VIEWS,
    },
    TaskRow {
        kind: TaskKind::Gan,
        name: "GAN generator",
        datasets: &[DatasetName::Ring, DatasetName::Grid],
        learns_from_rows: false,
        scored_before_training: false,
        // It learns against a discriminator, not from rows, and prunes by magnitude.
        ignores: &["n", "noise", "val", "test", "conv", "method", "p", "arch", "dmodel", "heads", "dmlp"],
        figures: &[MODES_COVERED, HIGH_QUALITY],
        views: GAN_VIEWS,
    },
    TaskRow {
        kind: TaskKind::Regression,
        name: "regression",
        datasets: &[DatasetName::RegPlane, DatasetName::RegGauss],
        learns_from_rows: true,
        scored_before_training: false,
        // The plane's points and an MLP: no transformer or discriminator, no convs; its pruning scores by
        // magnitude (SNIP's batch scores a classifier's cross-entropy).
        ignores: &["conv", "method", "p", "arch", "dmodel", "heads", "dmlp", GAN_KEYS[0]],
        figures: &[TEST_MSE, SIGNS_RIGHT],
        views: REGRESSION_VIEWS,
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

    /// The figure its tables and verdicts lead with.
    pub fn headline(&self) -> Figure {
        self.figures[0]
    }

    /// Whether the task reads setting `key` (by its URL key).
    pub fn reads(&self, key: &str) -> bool {
        !self.ignores.contains(&key)
    }
}
