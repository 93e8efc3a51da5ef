//! The experiment's configuration: every knob, its default, the presets, and
//! validation with caps, so no configuration can ask for more than a browser
//! tab can hold. The URL form of this type lives in `crate::url`.

use serde::{Deserialize, Serialize};

use crate::engine::data::DatasetName;
use crate::engine::data::own_data::OwnShape;
use crate::engine::data::own_limits;
use crate::engine::networks::shapes::{self, CONV_KERNEL, ConvShape, LayerShape, POOL, Role, dense_shapes};
use crate::engine::tasks::modular;
use crate::engine::tasks::row::{TaskKind, TaskRow};

/// Everything that determines a run. Config + seed + backend ⇒ the same ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExperimentConfig {
    pub seed: u64,
    /// Replicates: the same settings from seeds `seed`, `seed + 1`, … (see `replicates`).
    pub reps: usize,
    pub data: DataConfig,
    pub model: ModelConfig,
    pub train: TrainConfig,
    pub prune: PruneConfig,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DataConfig {
    pub dataset: DatasetName,
    /// Points generated for a 2D set; for an image set, the subset size.
    pub samples: usize,
    /// 2D sets only, 0..=1.
    pub noise: f64,
    /// Fractions of all samples held out for validation and test.
    pub val_frac: f64,
    pub test_frac: f64,
    /// Own data's shape and digest (`dataset` = own); the points travel in ticket files, never in links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own: Option<OwnShape>,
    /// The modulus p of `a + b mod p` (`dataset` = modular): all p² pairs, split by `val_frac` and `test_frac`.
    #[serde(skip_serializing_if = "is_default_modulus")]
    pub modulus: usize,
}

/// The modulus a configuration without one (every classifier's) carries.
pub(crate) const DEFAULT_MODULUS: usize = 31;
/// The grokking-tickets paper's modulus, and its MLP's hidden units.
const PAPER_MODULUS: usize = 67;
const PAPER_MLP_HIDDEN: usize = 48;
/// The modular preset's embedding width: the paper's is 500; at 128 its effect holds over seeds 1-10, at 64 not.
const PAGE_MLP_WIDTH: usize = 128;

fn is_default_modulus(p: &usize) -> bool {
    *p == DEFAULT_MODULUS
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Init {
    /// Glorot (Xavier) uniform, the paper's.
    Glorot,
    /// Kaiming (He) normal.
    Kaiming,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelConfig {
    /// Channels of 3×3 conv layers before the MLP (empty: a plain MLP).
    /// Image sets only; the convs are followed by one 2×2 max-pool (Conv-2/4/6).
    pub conv: Vec<usize>,
    /// Hidden layer widths; input and output widths come from the dataset.
    pub hidden: Vec<usize>,
    pub init: Init,
    /// The transformer's sizes (`dataset` = modular; classifiers ignore them).
    #[serde(skip_serializing_if = "TransformerConfig::is_default")]
    pub transformer: TransformerConfig,
}

/// Modular addition's network: one attention layer of `heads` heads over `d_model`, then a ReLU MLP of `d_mlp`
/// (see `transformer`); or, `arch` = mlp, the grokking-tickets paper's MLP with embeddings `d_model` wide and
/// `d_mlp` hidden units (see `modular_mlp`; `heads` unused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransformerConfig {
    #[serde(skip_serializing_if = "ModularArch::is_transformer")]
    pub arch: ModularArch,
    pub d_model: usize,
    pub heads: usize,
    pub d_mlp: usize,
}

impl Default for TransformerConfig {
    fn default() -> Self {
        Self { arch: ModularArch::Transformer, d_model: 32, heads: 4, d_mlp: 128 }
    }
}

/// Which network learns modular addition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModularArch {
    /// One attention layer and a ReLU MLP (Nanda et al.).
    #[default]
    Transformer,
    /// Embed, project each token and sum, ReLU, project back, unembed (Minegishi et al.'s main model).
    Mlp,
}

impl ModularArch {
    fn is_transformer(&self) -> bool {
        *self == ModularArch::Transformer
    }
}

impl TransformerConfig {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Adam,
    Sgd,
    /// Adam with decoupled weight decay (`weight_decay`), betas 0.9 / 0.98: the grokking papers' optimizer.
    AdamW,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    pub optimizer: OptimizerKind,
    pub lr: f64,
    /// SGD momentum (0 = plain SGD); ignored by Adam.
    pub momentum: f64,
    pub batch: usize,
    /// Training iterations per round.
    pub steps: usize,
    /// Validation/test evaluation (and loss readback) every this many steps.
    pub eval_every: usize,
    /// AdamW's decoupled weight decay: each step multiplies every parameter by 1 − lr·weight_decay
    /// (a pruned weight at exactly 0 stays 0). Adam and SGD ignore it.
    #[serde(skip_serializing_if = "is_zero")]
    pub weight_decay: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn is_zero_step(x: &usize) -> bool {
    *x == 0
}

fn is_false(x: &bool) -> bool {
    !*x
}

/// How the next mask is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PruneMethod {
    /// Smallest |w| of the trained weights go (the paper's).
    Magnitude,
    /// Connection sensitivity |g ⊙ w| on one batch at initialisation (Lee et al. 2019).
    Snip,
    /// Data-free synaptic flow |θ ⊙ ∂R/∂θ| at initialisation (Tanaka et al. 2020).
    Synflow,
    /// The weights whose magnitude grew most in training go on: |w_T| − |w_reset| (Zhou et al. 2019's
    /// "magnitude increase"; w_reset is where the survivors restart, θ0 or θk).
    Increase,
    /// The weights that moved furthest in training go on: |w_T − w_reset| (Zhou et al.'s "movement").
    Movement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PruneScope {
    /// Each layer loses its own rate of its remaining weights.
    Layer,
    /// One threshold over all layers.
    Global,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// Prune a little after each round of training (IMP).
    Iterative,
    /// Each round prunes the dense trained network straight to its target.
    Oneshot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResetMode {
    /// Survivors go back to θ0, bit for bit.
    Init,
    /// Survivors go back to θk, their values at iteration `rewind_step`.
    Rewind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PruneConfig {
    pub method: PruneMethod,
    pub scope: PruneScope,
    pub schedule: Schedule,
    /// Fraction of the remaining weights pruned per round (hidden layers, or all for global).
    pub rate: f64,
    /// Fraction for the output layer (layer-wise only); the paper uses half the rate.
    pub output_rate: f64,
    /// Fraction for conv layers (layer-wise only); the paper uses 10–15%.
    pub conv_rate: f64,
    /// Pruning rounds after the dense round 0.
    pub rounds: usize,
    pub reset: ResetMode,
    pub rewind_step: usize,
    /// Draw each round's mask from the weights at this iteration of its run rather than at its end (0: the end):
    /// the grokking-tickets paper takes its mask well after the dense network generalised, or, as a control,
    /// while it has only memorised.
    #[serde(default, skip_serializing_if = "is_zero_step")]
    pub mask_at: usize,
    /// Controls run at every sparsity: same mask from a fresh init, and a random mask.
    pub control_reinit: bool,
    pub control_random: bool,
    /// Zhou et al.'s controls: the mask with fresh magnitudes and θ0's signs, θ0's survivors shuffled within each
    /// layer, and ± each layer's θ0 standard deviation with θ0's signs (`lottery::signs`).
    pub control_signs: bool,
    pub control_shuffled: bool,
    pub control_constant: bool,
    /// The grokking-tickets paper's controls: the dense network scaled to the ticket's L1 / L2 norm at the
    /// reset point (`lottery::norm_matched`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub control_norm_l1: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub control_norm_l2: bool,
    /// Early-bird: consecutive masks of the dense run closer than this
    /// (normalised Hamming distance) count as settled.
    pub early_bird_threshold: f64,
    /// Draw the first round's mask at the early-bird iteration instead of at
    /// the end of training (magnitude pruning; see `early_bird`).
    pub early_bird_ticket: bool,
    /// A GAN: prune the discriminator too, by magnitude at the same rates, each round from the ticket's trained D
    /// (GAN-LTH's second setting; by default D stays dense and only its θ0 is restored). Other tasks ignore it.
    pub discriminator: bool,
}

crate::choices!(Init {
    Glorot => "glorot", "Glorot";
    Kaiming => "kaiming", "Kaiming";
});
crate::choices!(ModularArch {
    Transformer => "transformer", "transformer";
    Mlp => "mlp", "MLP (the grokking-tickets paper's)";
});
crate::choices!(OptimizerKind {
    Adam => "adam", "Adam";
    Sgd => "sgd", "SGD + momentum";
    AdamW => "adamw", "AdamW (weight decay)";
});
crate::choices!(PruneMethod {
    Magnitude => "magnitude", "magnitude";
    Snip => "snip", "SNIP";
    Synflow => "synflow", "SynFlow";
    Increase => "increase", "magnitude increase";
    Movement => "movement", "movement";
});

impl PruneMethod {
    /// The method reads the trained weights (magnitude, and Zhou et al.'s criteria that compare them with the
    /// reset point), not a score at initialisation on a batch (SNIP, SynFlow): every task can use it.
    pub(crate) fn reads_training(self) -> bool {
        matches!(self, PruneMethod::Magnitude | PruneMethod::Increase | PruneMethod::Movement)
    }
}
crate::choices!(PruneScope {
    Layer => "layer", "layer-wise";
    Global => "global", "global";
});
crate::choices!(Schedule {
    Iterative => "iterative", "iterative";
    Oneshot => "oneshot", "one-shot";
});
crate::choices!(ResetMode {
    Init => "init", "θ0 (initial values)";
    Rewind => "rewind", "θk (rewind to step k)";
});

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetName::Spiral,
            samples: 600,
            noise: 0.2,
            val_frac: 0.15,
            test_frac: 0.25,
            own: None,
            modulus: DEFAULT_MODULUS,
        }
    }
}

impl Default for ModelConfig {
    fn default() -> Self {
        Self { conv: Vec::new(), hidden: vec![16, 16], init: Init::Glorot, transformer: TransformerConfig::default() }
    }
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            optimizer: OptimizerKind::Adam,
            lr: 0.01,
            momentum: 0.9,
            batch: 32,
            steps: 600,
            eval_every: 50,
            weight_decay: 0.0,
        }
    }
}

impl Default for PruneConfig {
    fn default() -> Self {
        Self {
            method: PruneMethod::Magnitude,
            scope: PruneScope::Layer,
            schedule: Schedule::Iterative,
            rate: 0.2,
            output_rate: 0.1,
            conv_rate: 0.1,
            rounds: 8,
            reset: ResetMode::Init,
            rewind_step: 0,
            mask_at: 0,
            control_reinit: true,
            control_random: false,
            control_signs: false,
            control_shuffled: false,
            control_constant: false,
            control_norm_l1: false,
            control_norm_l2: false,
            early_bird_threshold: DEFAULT_EARLY_BIRD_THRESHOLD,
            early_bird_ticket: false,
            discriminator: false,
        }
    }
}

/// The distance under which consecutive masks count as settled (You et al. use 0.1; `lottery::early_bird`).
pub(crate) const DEFAULT_EARLY_BIRD_THRESHOLD: f64 = 0.1;

/// The seed the demonstration opens with. Every page seed 1–10 meets the preset's criterion (README "The
/// demonstration preset"); the tour runs this seed alone, and seed 8's single run shows the widest gap there
/// (the ticket 95.3%, the random reinit 70.0%, at 13.1% of the weights; `docs/sweeps/demo-candidates-5`).
pub(crate) const DEMO_SEED: u64 = 8;

/// The demonstration's replicates: the page shows their mean with a min–max band, and judges the mean.
pub(crate) const DEMO_REPS: usize = 3;

/// The demonstration's rounds: down to 9.1% of the weights, past every calibration seed's winning round (9 or 10).
const DEMO_ROUNDS: usize = 12;

/// The demonstration's label noise: the disc and the ring overlap, so the dense network stays near 94%
/// (it does not saturate at 100%) and a weaker network shows as lower accuracy.
const DEMO_NOISE: f64 = 0.5;

/// The default experiment is the classroom's demonstration (the `demo` preset): the disc inside a ring,
/// noise 0.5, a 2-16-16-2 network, the paper's 20% of the hidden weights (10% of the output layer's) pruned
/// per round for 12 rounds, the random-reinit control beside the ticket, 3 replicates. Five sweeps chose it
/// (`docs/sweeps/demo-candidates*.toml`, README "The demonstration preset"): on every page seed 1–10 the mean
/// ticket at its winning round (the sparsest within 1 point of the dense network) is 5.8–21.8 points above
/// the mean random reinit, which degrades (73–87%) rather than collapsing to chance.
impl Default for ExperimentConfig {
    fn default() -> Self {
        let base = Self::paper_base();
        Self {
            seed: DEMO_SEED,
            reps: DEMO_REPS,
            data: DataConfig { dataset: DatasetName::Circle, noise: DEMO_NOISE, ..base.data },
            prune: PruneConfig { rounds: DEMO_ROUNDS, ..base.prune },
            ..base
        }
    }
}

impl ExperimentConfig {
    /// What the other presets build on: the paper's pruning rates (20% of
    /// hidden, 10% of output weights per round), 8 rounds, the spiral.
    pub(crate) fn paper_base() -> Self {
        Self {
            seed: 1,
            reps: 1,
            data: DataConfig::default(),
            model: ModelConfig::default(),
            train: TrainConfig::default(),
            prune: PruneConfig::default(),
        }
    }
}

pub(crate) mod caps;

/// The inclusive range of a numeric setting. [`ExperimentConfig::validate`]
/// refuses a value outside it; the URL decoder clamps into it and says so.
/// One table for both, so the two cannot drift.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Bounds<T> {
    pub lo: T,
    pub hi: T,
}

impl<T: PartialOrd + Copy + std::fmt::Display> Bounds<T> {
    pub const fn new(lo: T, hi: T) -> Self {
        Self { lo, hi }
    }

    pub fn contains(&self, x: T) -> bool {
        self.lo <= x && x <= self.hi
    }

    fn check(&self, key: &'static str, x: T) -> Result<(), ConfigError> {
        check(self.contains(x), key, || format!("{x} is outside {}..={}", self.lo, self.hi))
    }
}

/// The range of every numeric setting (see [`Bounds`]), and the rules that
/// join two settings, each written once for `validate` and the URL repair.
pub(crate) mod limits {
    use super::{Bounds, caps::*};

    pub(crate) const SAMPLES: Bounds<usize> = Bounds::new(20, MAX_SAMPLES_IMAGES);
    /// 2D sets are generated in the page; fewer points keep that quick.
    pub(crate) const SAMPLES_2D: Bounds<usize> = Bounds::new(20, MAX_SAMPLES_2D);
    pub(crate) const NOISE: Bounds<f64> = Bounds::new(0.0, 1.0);
    pub(crate) const VAL_FRAC: Bounds<f64> = Bounds::new(0.01, 0.4);
    pub(crate) const TEST_FRAC: Bounds<f64> = Bounds::new(0.01, 0.5);
    /// Validation and test together hold out at most this fraction.
    pub(crate) const MAX_HELD_OUT: f64 = 0.8;
    /// What a repair uses when validation and test leave too little to train on.
    pub(crate) const FALLBACK_VAL_FRAC: f64 = 0.15;
    pub(crate) const FALLBACK_TEST_FRAC: f64 = 0.25;
    /// At least this many training samples.
    pub(crate) const MIN_TRAIN_SAMPLES: usize = 10;
    /// What a repair uses when there are too few samples to train on.
    pub(crate) const FALLBACK_SAMPLES: usize = 100;
    pub(crate) const WIDTH: Bounds<usize> = Bounds::new(1, MAX_WIDTH);
    pub(crate) const CHANNELS: Bounds<usize> = Bounds::new(1, MAX_CHANNELS);
    pub(crate) const LR: Bounds<f64> = Bounds::new(1e-6, 10.0);
    pub(crate) const MOMENTUM: Bounds<f64> = Bounds::new(0.0, 0.99);
    pub(crate) const BATCH: Bounds<usize> = Bounds::new(1, MAX_BATCH);
    pub const STEPS: Bounds<usize> = Bounds::new(1, MAX_STEPS);
    /// Also at most the steps per round ([`super::ExperimentConfig::eval_fits`]).
    pub(crate) const EVAL_EVERY: Bounds<usize> = Bounds::new(1, MAX_STEPS);
    pub(crate) const RATE: Bounds<f64> = Bounds::new(0.01, 0.95);
    pub(crate) const OUTPUT_RATE: Bounds<f64> = Bounds::new(0.0, 0.95);
    pub(crate) const CONV_RATE: Bounds<f64> = Bounds::new(0.0, 0.95);
    pub(crate) const ROUNDS: Bounds<usize> = Bounds::new(0, MAX_ROUNDS);
    /// Also below the steps per round when rewinding ([`super::ExperimentConfig::rewind_fits`]).
    pub(crate) const REWIND_STEP: Bounds<usize> = Bounds::new(0, MAX_STEPS);
    pub(crate) const MASK_AT: Bounds<usize> = Bounds::new(0, MAX_STEPS);
    /// The early-bird threshold: a fraction of the mask's flags.
    pub(crate) const EARLY_BIRD_THRESHOLD: Bounds<f64> = Bounds::new(0.001, 1.0);
    /// Seeds fit in 32 bits, so a link's seed is exact in any language.
    pub(crate) const SEED: Bounds<u64> = Bounds::new(0, u32::MAX as u64);
    pub(crate) const REPS: Bounds<usize> = Bounds::new(1, MAX_REPS);
    /// A prime in this range ([`crate::engine::tasks::modular::is_prime`]).
    pub(crate) const MODULUS: Bounds<usize> = Bounds::new(5, MAX_MODULUS);
    /// Also a multiple of the heads ([`super::ExperimentConfig::heads_fit`]).
    pub(crate) const D_MODEL: Bounds<usize> = Bounds::new(4, MAX_D_MODEL);
    pub(crate) const HEADS: Bounds<usize> = Bounds::new(1, MAX_HEADS);
    pub(crate) const D_MLP: Bounds<usize> = Bounds::new(4, MAX_D_MLP);
    pub(crate) const WEIGHT_DECAY: Bounds<f64> = Bounds::new(0.0, 10.0);
}

/// A configuration the engine refuses, with the knob and the reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct ConfigError {
    pub key: &'static str,
    pub reason: String,
}

fn check(ok: bool, key: &'static str, reason: impl FnOnce() -> String) -> Result<(), ConfigError> {
    if ok { Ok(()) } else { Err(ConfigError { key, reason: reason() }) }
}

impl ExperimentConfig {
    /// Widths of the dense layers from their input to the output (for an
    /// MLP, input features to classes).
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.dense_input()];
        w.extend(&self.model.hidden);
        w.push(self.classes());
        w
    }

    /// The own data's shape, when the experiment runs on imported rows.
    pub fn own_shape(&self) -> Option<&OwnShape> {
        self.data.own.as_ref().filter(|_| self.data.dataset == DatasetName::Own)
    }

    /// Input features of the network.
    pub fn features(&self) -> usize {
        match self.data.dataset {
            DatasetName::Modular => 2 * self.data.modulus,
            _ => self.own_shape().map_or(self.data.dataset.features(), |o| o.features),
        }
    }

    /// The network in a few words: a classifier's widths, or modular addition's network and sizes.
    pub fn network_name(&self) -> String {
        let t = &self.model.transformer;
        match (self.is_modular(), t.arch) {
            (true, ModularArch::Transformer) => {
                format!("transformer d_model {}, {} heads, MLP {}", t.d_model, t.heads, t.d_mlp)
            }
            (true, ModularArch::Mlp) => format!("MLP: embeddings {} wide, {} hidden units", t.d_model, t.d_mlp),
            (false, _) => format!("{:?}", self.widths()),
        }
    }

    /// The row of the task this configuration runs ([`TaskRow::of`] its dataset).
    pub fn task_row(&self) -> &'static TaskRow {
        TaskRow::of(self.data.dataset)
    }

    /// The modular-addition task (a transformer on pairs) rather than a classifier of points or images.
    pub(crate) fn is_modular(&self) -> bool {
        self.task_row().kind == TaskKind::ModularAddition
    }

    /// A GAN task: a generator that learns against its discriminator, not from rows.
    pub fn is_gan(&self) -> bool {
        self.task_row().kind == TaskKind::Gan
    }

    /// The task learns from rows of a dataset (classifiers, modular addition), not from an environment or a
    /// discriminator: only then do samples and the validation and test shares mean anything.
    pub(crate) fn learns_from_rows(&self) -> bool {
        self.task_row().learns_from_rows
    }

    /// Classes the network tells apart.
    pub fn classes(&self) -> usize {
        match self.data.dataset {
            DatasetName::Modular => self.data.modulus,
            _ => self.own_shape().map_or(self.data.dataset.classes(), |o| o.classes),
        }
    }

    /// Points in the plane (a 2D set, or own data with two features): the page draws decision regions.
    pub fn in_plane(&self) -> bool {
        self.data.dataset.is_2d() || (self.own_shape().is_some() && self.features() == 2)
    }

    /// Side of the image after the convs and the 2×2 pool (0 if it vanished).
    fn pooled_side(&self) -> usize {
        let side = self.data.dataset.side();
        side.saturating_sub((CONV_KERNEL - 1) * self.model.conv.len()) / POOL
    }

    fn dense_input(&self) -> usize {
        match self.model.conv.last() {
            None => self.features(),
            Some(&c) => c * self.pooled_side() * self.pooled_side(),
        }
    }

    /// Every prunable layer's shape, convs first.
    pub fn shapes(&self) -> Vec<LayerShape> {
        if self.is_modular() {
            let t = &self.model.transformer;
            return match t.arch {
                ModularArch::Transformer => shapes::transformer_shapes(self.data.modulus, t.d_model, t.d_mlp),
                ModularArch::Mlp => shapes::modular_mlp_shapes(self.data.modulus, t.d_model, t.d_mlp),
            };
        }
        let mut shapes = Vec::new();
        let (mut in_ch, mut side) = (1, self.data.dataset.side());
        for &out_ch in &self.model.conv {
            let k = CONV_KERNEL;
            shapes.push(LayerShape {
                fan_in: in_ch * k * k,
                fan_out: out_ch,
                conv: Some(ConvShape { in_ch, out_ch, k, side }),
                role: Role::Layer,
            });
            in_ch = out_ch;
            side = side.saturating_sub(k - 1);
        }
        shapes.extend(dense_shapes(&self.widths()));
        shapes
    }

    /// Prunable weights (biases excluded).
    pub fn weight_count(&self) -> usize {
        self.shapes().iter().map(LayerShape::weights).sum()
    }

    /// Fraction of weights expected to remain after `round` rounds, per layer.
    pub(crate) fn expected_density(&self, round: usize) -> Vec<f64> {
        let layers = self.shapes().len();
        (0..layers).map(|l| (1.0 - self.layer_rate(l, layers)).powi(round as i32)).collect()
    }

    /// The per-round pruning rate of layer `l` of `layers` (convs first).
    pub fn layer_rate(&self, l: usize, layers: usize) -> f64 {
        if self.prune.scope == PruneScope::Global {
            self.prune.rate
        } else if l < self.model.conv.len() {
            self.prune.conv_rate
        } else if l + 1 == layers && layers > 1 {
            self.prune.output_rate
        } else {
            self.prune.rate
        }
    }

    /// Samples in the training split.
    pub(crate) fn train_samples(&self) -> usize {
        (self.sample_count() as f64 * (1.0 - self.data.val_frac - self.data.test_frac)).floor() as usize
    }

    /// Samples before the split: every pair for modular addition, else `data.samples`.
    pub(crate) fn sample_count(&self) -> usize {
        match self.is_modular() {
            true => self.data.modulus * self.data.modulus,
            false => self.data.samples,
        }
    }

    /// The transformer's heads split its width evenly (the MLP has none).
    pub(crate) fn heads_fit(&self) -> bool {
        let t = &self.model.transformer;
        t.arch == ModularArch::Mlp || (t.heads > 0 && t.d_model.is_multiple_of(t.heads))
    }

    /// The sample range of this configuration's dataset.
    pub(crate) fn samples_bounds(&self) -> Bounds<usize> {
        match self.own_shape() {
            Some(o) => Bounds::new(limits::SAMPLES_2D.lo, o.rows),
            None if self.data.dataset.is_2d() => limits::SAMPLES_2D,
            None => limits::SAMPLES,
        }
    }

    /// Conv layers need an image set, and an image big enough that the
    /// convs (each shrinks it by the kernel less one) and the pool leave a pixel.
    pub(crate) fn conv_fits(&self) -> bool {
        self.model.conv.is_empty() || (self.data.dataset.side() > 0 && self.pooled_side() >= 1)
    }

    /// Evaluation happens within a round.
    pub(crate) fn eval_fits(&self) -> bool {
        self.train.eval_every <= self.train.steps
    }

    /// Rewinding restores a step the round reaches.
    pub(crate) fn rewind_fits(&self) -> bool {
        self.prune.reset == ResetMode::Init || self.prune.rewind_step < self.train.steps
    }

    /// The mask is drawn at a step the round reaches (0: at its end).
    pub(crate) fn mask_at_fits(&self) -> bool {
        self.prune.mask_at <= self.train.steps
    }

    /// The modular-addition task's own rules (nothing to check for a classifier).
    fn validate_modular(&self) -> Result<(), ConfigError> {
        if !self.is_modular() {
            return Ok(());
        }
        let (p, t) = (self.data.modulus, &self.model.transformer);
        limits::MODULUS.check("modulus", p)?;
        check(modular::is_prime(p), "modulus", || format!("{p} is not a prime"))?;
        limits::D_MODEL.check("d_model", t.d_model)?;
        limits::HEADS.check("heads", t.heads)?;
        limits::D_MLP.check("d_mlp", t.d_mlp)?;
        check(self.heads_fit(), "heads", || format!("{} heads do not divide d_model {}", t.heads, t.d_model))
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        use caps::*;
        let d = &self.data;
        check(d.own.is_some() == (d.dataset == DatasetName::Own), "data", || match d.own {
            None => "own data needs its rows: import the file again, or open the ticket file that carries them".into(),
            Some(_) => "own data's shape is set, but the dataset is not own".into(),
        })?;
        if let Some(o) = &d.own {
            check((2..=own_limits::MAX_CLASSES).contains(&o.classes), "data", || format!("{} classes", o.classes))?;
            check((1..=own_limits::MAX_FEATURES).contains(&o.features), "data", || format!("{} features", o.features))?;
        }
        if !self.is_modular() && self.learns_from_rows() {
            self.samples_bounds().check("samples", d.samples)?;
        }
        self.validate_modular()?;
        // The task's row says whether SNIP and SynFlow can score it (they score a classifier's labelled rows).
        check(self.task_row().scored_before_training || self.prune.method.reads_training(), "method", || {
            format!(
                "SNIP and SynFlow score a classifier on labelled rows; the {} task prunes by its trained weights",
                { self.task_row().name }
            )
        })?;
        limits::NOISE.check("noise", d.noise)?;
        limits::VAL_FRAC.check("val_frac", d.val_frac)?;
        limits::TEST_FRAC.check("test_frac", d.test_frac)?;
        check(d.val_frac + d.test_frac <= limits::MAX_HELD_OUT, "val_frac", || {
            format!("validation and test hold out {}; at most {}", d.val_frac + d.test_frac, limits::MAX_HELD_OUT)
        })?;
        let n_train = self.train_samples();
        check(!self.learns_from_rows() || n_train >= limits::MIN_TRAIN_SAMPLES, "samples", || {
            format!("only {n_train} samples are left for training; at least {}", limits::MIN_TRAIN_SAMPLES)
        })?;
        let m = &self.model;
        check(m.hidden.len() <= MAX_LAYERS, "hidden", || {
            format!("{} hidden layers; at most {MAX_LAYERS}", m.hidden.len())
        })?;
        for &w in &m.hidden {
            limits::WIDTH.check("hidden", w)?;
        }
        check(m.conv.len() <= MAX_CONV_LAYERS, "conv", || {
            format!("{} conv layers; at most {MAX_CONV_LAYERS}", m.conv.len())
        })?;
        for &c in &m.conv {
            limits::CHANNELS.check("conv", c)?;
        }
        check(self.conv_fits(), "conv", || match d.dataset.side() == 0 {
            true => "conv layers need an image dataset".into(),
            false => format!("{} conv layers leave nothing of a {}-pixel image", m.conv.len(), d.dataset.side()),
        })?;
        let weights = self.weight_count();
        check(weights <= MAX_WEIGHTS, "hidden", || format!("{weights} weights; at most {MAX_WEIGHTS}"))?;
        let t = &self.train;
        check(t.lr.is_finite(), "lr", || format!("{} is not a finite number", t.lr))?;
        limits::LR.check("lr", t.lr)?;
        limits::MOMENTUM.check("momentum", t.momentum)?;
        limits::BATCH.check("batch", t.batch)?;
        limits::WEIGHT_DECAY.check("weight_decay", t.weight_decay)?;
        limits::STEPS.check("steps", t.steps)?;
        limits::EVAL_EVERY.check("eval_every", t.eval_every)?;
        check(self.eval_fits(), "eval_every", || {
            format!("{} is above the steps per round ({})", t.eval_every, t.steps)
        })?;
        let p = &self.prune;
        limits::RATE.check("rate", p.rate)?;
        limits::OUTPUT_RATE.check("output_rate", p.output_rate)?;
        limits::CONV_RATE.check("conv_rate", p.conv_rate)?;
        limits::ROUNDS.check("rounds", p.rounds)?;
        limits::REWIND_STEP.check("rewind_step", p.rewind_step)?;
        limits::MASK_AT.check("mask_at", p.mask_at)?;
        limits::EARLY_BIRD_THRESHOLD.check("early_bird_threshold", p.early_bird_threshold)?;
        check(self.rewind_fits(), "rewind_step", || {
            format!("{} must be below the steps per round ({})", p.rewind_step, t.steps)
        })?;
        check(self.mask_at_fits(), "mask_at", || format!("{} is above the steps per round ({})", p.mask_at, t.steps))?;
        check(p.mask_at == 0 || !p.early_bird_ticket, "mask_at", || {
            "the early-bird ticket already says where the mask is drawn: use one or the other".to_string()
        })?;
        limits::SEED.check("seed", self.seed)?;
        limits::REPS.check("reps", self.reps)?;
        Ok(())
    }
}

/// The presets, by name. Each is one click (and one URL) away in the page.
pub fn preset(name: &str) -> Option<ExperimentConfig> {
    let mut c = ExperimentConfig::paper_base();
    match name {
        "demo" => c = ExperimentConfig::default(),
        // A hard set for a small network: the ticket holds to about 40% of the
        // weights, then falls with its control (README "The demonstration preset").
        "spiral" => {
            c.model.hidden = vec![24, 24];
            c.train.steps = 1500;
        }
        "xor-tiny" => {
            c.data = DataConfig { dataset: DatasetName::Xor, samples: 200, noise: 0.0, ..DataConfig::default() };
            c.model.hidden = vec![8];
            c.train.steps = 60;
            c.train.eval_every = 20;
            c.prune.rounds = 3;
        }
        "digits" => {
            c.data = DataConfig {
                dataset: DatasetName::Digits,
                samples: 1797,
                noise: 0.0,
                val_frac: 0.15,
                test_frac: 0.25,
                own: None,
                modulus: DEFAULT_MODULUS,
            };
            c.model.hidden = vec![100, 50];
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 2e-3,
                momentum: 0.9,
                batch: 32,
                steps: 1500,
                eval_every: 100,
                weight_decay: 0.0,
            };
            c.prune.rounds = 10;
        }
        "lenet-mnist" => {
            // The paper's recipe (Adam 1.2e-3, batch 60, 20% of hidden and 10% of
            // output weights per round) on the 10,000-digit subset (6,500 train,
            // 1,000 validation, 2,500 test). Training length: the paper trains
            // ~4× past the dense network's early-stop iteration; on 6,500 digits
            // the dense net early-stops near iteration 450, so 1,500 iterations.
            // Validation every 50 iterations resolves the early-stop iteration.
            c.data = DataConfig {
                dataset: DatasetName::Mnist,
                samples: 10_000,
                noise: 0.0,
                val_frac: 0.1,
                test_frac: 0.25,
                own: None,
                modulus: DEFAULT_MODULUS,
            };
            c.model.hidden = vec![300, 100];
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 1.2e-3,
                momentum: 0.9,
                batch: 60,
                steps: 1500,
                eval_every: 50,
                weight_decay: 0.0,
            };
            c.prune = PruneConfig { rounds: 15, ..PruneConfig::default() };
        }
        "lenet-fashion" => {
            c.data = DataConfig {
                dataset: DatasetName::Fashion,
                samples: 12_000,
                noise: 0.0,
                val_frac: 0.1,
                test_frac: 1.0 / 6.0,
                own: None,
                modulus: DEFAULT_MODULUS,
            };
            c.model.hidden = vec![300, 100];
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 1.2e-3,
                momentum: 0.9,
                batch: 60,
                steps: 1500,
                eval_every: 50,
                weight_decay: 0.0,
            };
            c.prune = PruneConfig { rounds: 12, ..PruneConfig::default() };
        }
        "conv2-fashion" => {
            // Conv-2's shape (two 3×3 convs, a 2×2 max-pool, FC 256-256-10) with
            // 16 channels instead of 64 so a browser tab can train it; the paper's
            // rates: 10% of conv, 20% of FC and 10% of output weights per round.
            c.data = DataConfig {
                dataset: DatasetName::Fashion,
                samples: 12_000,
                noise: 0.0,
                val_frac: 0.1,
                test_frac: 1.0 / 6.0,
                own: None,
                modulus: DEFAULT_MODULUS,
            };
            c.model = ModelConfig { conv: vec![16, 16], hidden: vec![256, 256], ..ModelConfig::default() };
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 3e-4,
                momentum: 0.9,
                batch: 60,
                steps: 2000,
                eval_every: 200,
                weight_decay: 0.0,
            };
            c.prune = PruneConfig { rounds: 10, conv_rate: 0.1, ..PruneConfig::default() };
        }
        "modular" => {
            // The grokking-tickets paper's recipe (Minegishi et al., arXiv 2310.19470) at a size the page's CPU path
            // trains in a few minutes: its MLP (token embeddings 128 wide where the paper's are 500, 48 hidden
            // units, no biases) on a + b mod 67, half the pairs to train on (10% validate, 40% test), AdamW at
            // lr 1e-3 with weight decay 1, full batch, 2,000 steps; the mask from the dense network's weights at
            // step 1,500 (after it generalised), one-shot global magnitude pruning of 60% of every matrix
            // together, embeddings included; survivors reset to θ0, beside the random reinit, the random mask and
            // the dense network scaled to the ticket's L1 and L2 norms. Chosen by the sweep in README "The
            // paper's own setup" (docs/sweeps/modular-mlp-page-candidates.toml): over seeds 1-10 the ticket's
            // median steps to generalise is 0.38x the dense network's, every control's at least 0.88x.
            c.data = DataConfig {
                dataset: DatasetName::Modular,
                val_frac: 0.1,
                test_frac: 0.4,
                modulus: PAPER_MODULUS,
                ..DataConfig::default()
            };
            c.model.transformer = TransformerConfig {
                arch: ModularArch::Mlp,
                d_model: PAGE_MLP_WIDTH,
                d_mlp: PAPER_MLP_HIDDEN,
                ..TransformerConfig::default()
            };
            c.train = TrainConfig {
                optimizer: OptimizerKind::AdamW,
                lr: 1e-3,
                momentum: 0.9,
                batch: caps::MAX_BATCH,
                steps: 2000,
                eval_every: 100,
                weight_decay: 1.0,
            };
            c.prune = PruneConfig {
                scope: PruneScope::Global,
                schedule: Schedule::Oneshot,
                rate: 0.6,
                rounds: 1,
                mask_at: 1500,
                control_random: true,
                control_norm_l1: true,
                control_norm_l2: true,
                ..PruneConfig::default()
            };
        }
        "cartpole" => {
            // A policy that balances a pole (Yu et al. 2020, scaled to a tab): a 4-64-64-2 actor trained by
            // A2C (16 environments × 5 steps per step, `tasks::policy`) with Adam at 3e-4 for 2,000 steps;
            // 60% of the weights pruned per round, globally, for 4 rounds (2.6% left); survivors reset to θ0.
            // Chosen by the sweep in README "A policy that balances a pole" (docs/sweeps/cartpole-candidates.toml):
            // with θ0 the ticket keeps a return of 500 in all of seeds 1–5 at 2.6% while the random mask falls
            // to a median of 35; late rewinding to θk at step 100 (Yu et al.'s choice, kept as `k` for the page's
            // switch) did worse here (median 500, but 42 and 259 in two seeds).
            c.data = DataConfig { dataset: DatasetName::Cartpole, ..DataConfig::default() };
            c.model.hidden = vec![64, 64];
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 3e-4,
                momentum: 0.9,
                batch: 16,
                steps: 2000,
                eval_every: 200,
                weight_decay: 0.0,
            };
            c.prune = PruneConfig {
                scope: PruneScope::Global,
                rate: 0.6,
                rounds: 4,
                reset: ResetMode::Init,
                rewind_step: 100,
                control_random: true,
                ..PruneConfig::default()
            };
        }
        "gan-ring" => {
            // A GAN's generator (Chen et al. 2021, on PacGAN's 2D ring): 2D noise → 64-64 → a point, against a
            // dense 2-64-64-1 discriminator reset to its θ0 each run; Adam (β1 0.5) at 1e-3, batches of 64,
            // 4,000 steps; global magnitude pruning of 50% per round for 5 rounds (3.1% left), late resetting to
            // θk at step 100 (Kalibhat et al.). Chosen by four sweeps (docs/sweeps/gan-*.toml): at 3.1% the
            // ticket's median covers 8 of 8 modes at 88% high quality (dense 88.5%), the random reinit 5.
            c.data = DataConfig { dataset: DatasetName::Ring, ..DataConfig::default() };
            c.model.hidden = vec![64, 64];
            c.train = TrainConfig {
                optimizer: OptimizerKind::Adam,
                lr: 1e-3,
                momentum: 0.9,
                batch: 64,
                steps: 4000,
                eval_every: 400,
                weight_decay: 0.0,
            };
            c.prune = PruneConfig {
                scope: PruneScope::Global,
                rate: 0.5,
                rounds: 5,
                reset: ResetMode::Rewind,
                rewind_step: 100,
                control_random: true,
                ..PruneConfig::default()
            };
        }
        "regression" => {
            // TensorFlow Playground's six-bump regression without noise (`tasks::regression`): 2 → 32-32 → 1, Adam
            // at 0.01, batches of 32, 2,000 steps; global magnitude pruning of 50% per round for 4 rounds (6.2%
            // left), survivors reset to θ0, the random reinit and the random mask beside the ticket. Calibrated on
            // seeds 1–10 (README "Regression"): the ticket's test MSE is the lowest of the three in the median at
            // every round, below the reinit's on 6–9 of the 10 seeds a round; no ticket matches the dense error.
            c = ExperimentConfig::default();
            c.data = DataConfig { dataset: DatasetName::RegGauss, noise: 0.0, ..c.data };
            c.model.hidden = vec![32, 32];
            c.train.steps = 2000;
            c.prune = PruneConfig { scope: PruneScope::Global, rate: 0.5, rounds: 4, control_random: true, ..c.prune };
        }
        _ => return None,
    }
    Some(c)
}

/// The presets the page links to. `preset()` also knows `xor-tiny`, a tiny run for the tests.
pub const PRESETS: [&str; 10] = [
    "demo",
    "spiral",
    "digits",
    "lenet-mnist",
    "lenet-fashion",
    "conv2-fashion",
    "modular",
    "cartpole",
    "gan-ring",
    "regression",
];
