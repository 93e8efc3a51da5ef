//! The URL form of an experiment: the one table of query keys.
//!
//! Only this module knows key names. Each setting is one row of [`SETTINGS`]:
//! its key, its label and help on the page, its menu (from the enum's
//! [`Choice`] table) and how to read and write it, with the range from
//! `config::limits` that `validate` also checks; one loop decodes, one encodes. Decoding never
//! fails: unknown keys are listed, out-of-range values are clamped, and
//! malformed ones keep their default, each with a [`Notice`] saying which
//! key, what was wrong, and what was used instead. Shipped keys are never
//! renamed (the URL is a public format).

use crate::engine::Choice;
use crate::engine::config::{
    Bounds, ExperimentConfig, Init, ModularArch, OptimizerKind, PruneMethod, PruneScope, ResetMode, Schedule, caps,
    limits, preset,
};
use crate::engine::data::DatasetName;
use crate::engine::data::own_data::OwnShape;
use crate::engine::lottery::mask::Mask;
use crate::engine::tasks::modular;
use base64::Engine as _;

/// Where training runs, as the page offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BackendChoice {
    /// Time a few steps on WebGPU and on the CPU, keep the faster (the CPU
    /// alone where the browser gives no adapter).
    #[default]
    Auto,
    Cpu,
    Webgpu,
}

crate::choices!(BackendChoice {
    Auto => "auto", "auto (the faster, timed at the start)";
    Webgpu => "webgpu", "WebGPU";
    Cpu => "cpu", "CPU";
});

/// Everything a link carries.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct UrlState {
    pub config: ExperimentConfig,
    pub backend: BackendChoice,
    /// Controls hidden for embedding in a lesson (`<key>_hide=1`).
    pub hidden: Vec<String>,
    /// The ticket's masks, one per finished round (`t=`), for networks up to
    /// [`MAX_LINK_WEIGHTS`] weights, so a shared link draws before it re-runs.
    pub masks: Vec<Mask>,
    /// The guided tour's step, 1 to [`TOUR_STEPS`]; 0 is no tour.
    pub tour: usize,
    /// Web Workers that train side by side (`workers=`); 0: one per core the
    /// browser reports. The results do not depend on it.
    pub workers: usize,
    /// Class mode (`class=1`): Train, the verdict, the main chart, the drawing and the table first; the settings and
    /// the research panels folded. The page turns it on for a narrow screen when the link does not say.
    pub class: bool,
}

/// The guided tour's steps (the page's `ui::panels::tour`).
pub const TOUR_STEPS: usize = 7;
/// `tour=` takes 0 (no tour) to the last step.
const TOUR: Bounds<usize> = Bounds::new(0, TOUR_STEPS);
/// `workers=` takes 0 (one per core) to the most a page starts.
const WORKERS: Bounds<usize> = Bounds::new(0, crate::worker::protocol::MAX_WORKERS);

/// Networks up to this many weights carry their masks in links.
pub(crate) const MAX_LINK_WEIGHTS: usize = crate::engine::networks::shapes::SMALL_NET_WEIGHTS;

/// Encode nested masks (round 0 first) as `ROUNDS.BASE64URL(deflate(d))`,
/// where `d[i]` is how many rounds weight `i` survived. Masks that do not
/// nest, or nets over [`MAX_LINK_WEIGHTS`], give `None`.
pub(crate) fn encode_masks(masks: &[Mask]) -> Option<String> {
    let first = masks.first()?;
    if first.total() > MAX_LINK_WEIGHTS
        || masks.len() > u8::MAX as usize
        || masks.windows(2).any(|w| !w[1].is_subset_of(&w[0]))
    {
        return None;
    }
    let mut survived = Vec::with_capacity(first.total());
    for l in 0..first.layers.len() {
        for i in 0..first.layers[l].len() {
            survived.push(masks.iter().take_while(|m| m.layers[l].keep[i]).count() as u8);
        }
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&survived, 9);
    Some(format!("{}.{}", masks.len(), base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)))
}

/// The inverse of [`encode_masks`] for networks of the given layer shapes.
pub(crate) fn decode_masks(
    text: &str,
    shapes: &[crate::engine::networks::shapes::LayerShape],
) -> Result<Vec<Mask>, String> {
    let (n, b64) = text.split_once('.').ok_or("expected ROUNDS.DATA")?;
    let n: usize = n.parse().map_err(|_| format!("'{}' is not a round count", clip(n)))?;
    if n == 0 || n > caps::MAX_ROUNDS + 1 {
        return Err(format!("{n} rounds is outside 1..={}", caps::MAX_ROUNDS + 1));
    }
    let total: usize = shapes.iter().map(|s| s.weights()).sum();
    if total > MAX_LINK_WEIGHTS {
        return Err(format!("the network has {total} weights; links carry masks up to {MAX_LINK_WEIGHTS}"));
    }
    let packed =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).map_err(|_| "not base64url".to_string())?;
    let survived = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_WEIGHTS + 1)
        .map_err(|_| "not a compressed mask".to_string())?;
    if survived.len() != total {
        return Err(format!("holds {} weights, the network has {total}", survived.len()));
    }
    if let Some(bad) = survived.iter().find(|&&d| d as usize > n) {
        return Err(format!("a weight survives {bad} of {n} rounds"));
    }
    let mut masks: Vec<Mask> = (0..n).map(|_| Mask::dense(shapes)).collect();
    let mut rounds_survived = survived.iter();
    for (l, shape) in shapes.iter().enumerate() {
        for k in 0..shape.weights() {
            let d = usize::from(*rounds_survived.next().expect("length checked above"));
            for (r, m) in masks.iter_mut().enumerate() {
                m.layers[l].keep[k] = d > r;
            }
        }
    }
    Ok(masks)
}

/// Something the decoder changed or ignored, for the page to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub key: String,
    pub message: String,
}

/// The longest query string read; the rest is dropped with a notice.
pub(crate) const MAX_QUERY_LEN: usize = 16_384;

type Get = fn(&UrlState) -> String;
/// Ok(None): taken as is; Ok(Some(msg)): clamped, msg says to what; Err(msg): malformed, default kept.
type Set = fn(&mut UrlState, &str) -> Result<Option<String>, String>;
/// A menu's entries, (value, label); empty for a text field.
type Menu = fn() -> Vec<(&'static str, &'static str)>;

/// Where the page offers a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    /// A control on the bench, always in view.
    Common,
    /// A control on the bench, folded under its group's "More".
    Folded,
    /// Only in links and `--set` (rarely changed).
    LinkOnly,
}

/// The bench's groups of controls, in the order the page shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Data,
    Network,
    Training,
    Pruning,
    Controls,
    Backend,
    /// Page state that is no control (the guided tour's step).
    Page,
}

impl Group {
    /// The groups the bench shows, in order.
    pub const BENCH: [Group; 6] =
        [Group::Data, Group::Network, Group::Training, Group::Pruning, Group::Controls, Group::Backend];

    pub fn title(self) -> &'static str {
        match self {
            Group::Data => "Data",
            Group::Network => "Network",
            Group::Training => "Training",
            Group::Pruning => "Pruning",
            Group::Controls => "Controls and seed",
            Group::Backend => "Backend",
            Group::Page => "Page",
        }
    }
}

/// One setting: its URL key, how the page and the CLI present it, and how
/// it is read from and written to a [`UrlState`].
pub struct Setting {
    pub key: &'static str,
    pub label: &'static str,
    /// One line for a classroom.
    pub help: &'static str,
    pub shown: Shown,
    pub group: Group,
    pub menu: Menu,
    get: Get,
    set: Set,
}

/// A number that a link may carry.
trait Number: std::str::FromStr + PartialOrd + Copy + std::fmt::Display {
    fn finite(self) -> bool {
        true
    }
}
impl Number for usize {}
impl Number for u64 {}
impl Number for f64 {
    fn finite(self) -> bool {
        self.is_finite()
    }
}

/// Parse a number and clamp it into `bounds`, saying so.
fn number<T: Number>(v: &str, bounds: Bounds<T>, slot: &mut T) -> Result<Option<String>, String> {
    let x: T = v.trim().parse().map_err(|_| format!("'{}' is not a number", clip(v)))?;
    if !x.finite() {
        return Err(format!("'{}' is not a finite number", clip(v)));
    }
    let Bounds { lo, hi } = bounds;
    if x < lo {
        *slot = lo;
        Ok(Some(format!("{x} is below {lo}; using {lo}")))
    } else if x > hi {
        *slot = hi;
        Ok(Some(format!("{x} is above {hi}; using {hi}")))
    } else {
        *slot = x;
        Ok(None)
    }
}

/// A comma-separated list of at most `max_len` sizes in `bounds` ("" is none).
fn sizes(
    v: &str,
    what: &str,
    max_len: usize,
    bounds: Bounds<usize>,
    slot: &mut Vec<usize>,
) -> Result<Option<String>, String> {
    if v.trim().is_empty() {
        slot.clear();
        return Ok(None);
    }
    let parts: Vec<&str> = v.split(',').collect();
    if parts.len() > max_len {
        return Err(format!("{} {what}; at most {max_len}", parts.len()));
    }
    let mut list = Vec::with_capacity(parts.len());
    let mut clamped = None;
    for p in parts {
        let mut x = 0usize;
        if let Some(m) = number(p, bounds, &mut x)? {
            clamped = Some(m);
        }
        list.push(x);
    }
    *slot = list;
    Ok(clamped)
}

fn join(sizes: &[usize]) -> String {
    sizes.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(",")
}

fn flag(v: &str, slot: &mut bool) -> Result<Option<String>, String> {
    match v {
        "1" | "true" => *slot = true,
        "0" | "false" => *slot = false,
        _ => return Err(format!("'{}' is not 0 or 1", clip(v))),
    }
    Ok(None)
}

fn choice<T: Choice>(v: &str, slot: &mut T) -> Result<Option<String>, String> {
    *slot = T::parse(v).ok_or_else(|| {
        let names: Vec<&str> = T::OPTIONS.iter().map(|o| o.name).collect();
        format!("'{}' is not one of {}", clip(v), names.join(", "))
    })?;
    Ok(None)
}

fn on_off() -> Vec<(&'static str, &'static str)> {
    vec![("1", "on"), ("0", "off")]
}

/// Shorten a hostile value for a message (the page renders it as text, never HTML).
fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if v.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// One row of [`SETTINGS`]: `setting!(Shown Group key, label, help, kind field…)` where kind is
/// `choice Enum = field`, `number field in BOUNDS`, `sizes field in BOUNDS, at most N "what"`
/// or `flag field`, and `field` is a path into [`UrlState`].
macro_rules! setting {
    ($shown:ident $group:ident $key:literal, $label:literal, $help:literal, choice $ty:ty = $($f:ident).+) => {
        Setting {
            key: $key, label: $label, help: $help, shown: Shown::$shown, group: Group::$group,
            menu: <$ty as Choice>::menu,
            get: |s| s.$($f).+.name().to_string(),
            set: |s, v| choice(v, &mut s.$($f).+),
        }
    };
    ($shown:ident $group:ident $key:literal, $label:literal, $help:literal, number $($f:ident).+ in $bounds:expr) => {
        Setting {
            key: $key, label: $label, help: $help, shown: Shown::$shown, group: Group::$group,
            menu: Vec::new,
            get: |s| s.$($f).+.to_string(),
            set: |s, v| number(v, $bounds, &mut s.$($f).+),
        }
    };
    ($shown:ident $group:ident $key:literal, $label:literal, $help:literal,
     sizes $($f:ident).+ in $bounds:expr, at most $max_len:expr, $what:literal) => {
        Setting {
            key: $key, label: $label, help: $help, shown: Shown::$shown, group: Group::$group,
            menu: Vec::new,
            get: |s| join(&s.$($f).+),
            set: |s, v| sizes(v, $what, $max_len, $bounds, &mut s.$($f).+),
        }
    };
    ($shown:ident $group:ident $key:literal, $label:literal, $help:literal, flag $($f:ident).+) => {
        Setting {
            key: $key, label: $label, help: $help, shown: Shown::$shown, group: Group::$group,
            menu: on_off,
            get: |s| u8::from(s.$($f).+).to_string(),
            set: |s, v| flag(v, &mut s.$($f).+),
        }
    };
}

/// Every setting, in the order links list them and the bench shows them.
/// A new knob: its field, default and range in `engine::config`, and one row here.
#[rustfmt::skip]
pub static SETTINGS: &[Setting] = &[
    setting!(Common Data "data", "Dataset",
        "What the network learns. 2D sets are drawn from the seed; image sets ship with the page.",
        choice DatasetName = config.data.dataset),
    setting!(Folded Data "n", "Samples", "Points generated (2D) or images used (subset of the shipped set).",
        number config.data.samples in limits::SAMPLES),
    setting!(Common Data "noise", "Noise", "How much the 2D classes overlap, 0 to 1.",
        number config.data.noise in limits::NOISE),
    setting!(LinkOnly Data "val",
        "Validation share", "Fraction of the samples held out to pick the early-stop iteration.",
        number config.data.val_frac in limits::VAL_FRAC),
    setting!(LinkOnly Data "test", "Test share", "Fraction of the samples held out for the reported accuracy.",
        number config.data.test_frac in limits::TEST_FRAC),
    setting!(Common Data "p", "Modulus p", "Modular addition: a prime p; the pairs are a + b mod p.",
        number config.data.modulus in limits::MODULUS),
    setting!(Common Network "hidden", "Hidden layers",
        "Widths of the hidden layers, comma-separated (300,100 is LeNet-300-100).",
        sizes config.model.hidden in limits::WIDTH, at most caps::MAX_LAYERS, "hidden layers"),
    setting!(Folded Network "conv", "Conv channels",
        "3×3 conv layers before the MLP, comma-separated channels (image sets; 16,16 is a small Conv-2).",
        sizes config.model.conv in limits::CHANNELS, at most caps::MAX_CONV_LAYERS, "conv layers"),
    setting!(Folded Network "init",
        "Initialisation", "How θ0 is drawn: Glorot uniform (the paper's) or Kaiming normal.",
        choice Init = config.model.init),
    setting!(Common Network "arch", "Network",
        "Modular addition: a one-layer transformer, or the grokking-tickets paper's MLP (embed, project, ReLU).",
        choice ModularArch = config.model.transformer.arch),
    setting!(Common Network "dmodel", "Model width",
        "Modular addition: the transformer's width (d_model), or the MLP's embedding width.",
        number config.model.transformer.d_model in limits::D_MODEL),
    setting!(Common Network "heads", "Attention heads", "Modular addition: heads; they split the width evenly.",
        number config.model.transformer.heads in limits::HEADS),
    setting!(Common Network "dmlp", "MLP width",
        "Modular addition: the transformer's MLP neurons (d_mlp), or the MLP's hidden units.",
        number config.model.transformer.d_mlp in limits::D_MLP),
    setting!(Folded Training "opt", "Optimizer", "Adam (the paper's), SGD with momentum, or AdamW (weight decay).",
        choice OptimizerKind = config.train.optimizer),
    setting!(Common Training "lr", "Learning rate", "Step size of the optimizer.",
        number config.train.lr in limits::LR),
    setting!(LinkOnly Training "mom", "Momentum", "SGD's momentum (Adam ignores it).",
        number config.train.momentum in limits::MOMENTUM),
    setting!(Folded Training "wd", "Weight decay",
        "AdamW's decoupled weight decay (each step shrinks every weight by lr × wd); Adam and SGD ignore it.",
        number config.train.weight_decay in limits::WEIGHT_DECAY),
    setting!(Folded Training "batch", "Batch size", "Examples per training step.",
        number config.train.batch in limits::BATCH),
    setting!(Common Training "steps", "Steps per round", "Training iterations in every round.",
        number config.train.steps in limits::STEPS),
    setting!(Folded Training "eval", "Evaluate every",
        "Steps between validation checks (the early-stop iteration is found on these).",
        number config.train.eval_every in limits::EVAL_EVERY),
    setting!(Common Pruning "method", "Pruning by",
        "Magnitude of trained weights (the paper), SNIP / SynFlow scores at initialisation, or Zhou et al.'s \
         criteria: the weights whose magnitude grew most (increase) or that moved furthest (movement) in training.",
        choice PruneMethod = config.prune.method),
    setting!(Folded Pruning "scope",
        "Pruning scope", "Each layer loses its own share, or one threshold across all layers.",
        choice PruneScope = config.prune.scope),
    setting!(Folded Pruning "sched", "Schedule",
        "Iterative: a little after every round. One-shot: straight from the dense net to each sparsity.",
        choice Schedule = config.prune.schedule),
    setting!(Common Pruning "rate",
        "Prune rate", "Fraction of the remaining weights removed per round (hidden layers).",
        number config.prune.rate in limits::RATE),
    setting!(Folded Pruning "orate", "Output-layer rate",
        "Fraction removed from the output layer per round (the paper: half the rate); layer scope only (global \
         scope prunes every layer by one threshold at the prune rate).",
        number config.prune.output_rate in limits::OUTPUT_RATE),
    setting!(Folded Pruning "cvrate", "Conv rate",
        "Fraction removed from conv layers per round (the paper: 10–15%); layer scope only.",
        number config.prune.conv_rate in limits::CONV_RATE),
    setting!(Common Pruning "rounds", "Rounds", "Pruning rounds after the dense round 0.",
        number config.prune.rounds in limits::ROUNDS),
    setting!(Common Pruning "reset", "Reset to",
        "Survivors restart from θ0, or from θk, their values at step k (rewinding).",
        choice ResetMode = config.prune.reset),
    setting!(Folded Pruning "k", "Rewind step k", "The training step whose weights rewinding restores.",
        number config.prune.rewind_step in limits::REWIND_STEP),
    setting!(Folded Pruning "maskat", "Mask from step",
        "Draw each round's mask from the weights at this step of its run, not at its end (0: the end); the \
         grokking-tickets paper takes it well after the network generalised.",
        number config.prune.mask_at in limits::MASK_AT),
    setting!(Folded Pruning "eb", "Early-bird threshold",
        "The dense run's masks count as settled when fewer than this fraction of their flags change between \
         evaluations: the early-bird iteration.",
        number config.prune.early_bird_threshold in limits::EARLY_BIRD_THRESHOLD),
    setting!(Folded Pruning "ebticket", "Ticket at early-bird",
        "Draw the first mask at the early-bird iteration instead of at the end of training (magnitude pruning).",
        flag config.prune.early_bird_ticket),
    setting!(Common Controls "reinit", "Control: random reinit",
        "Train the same mask from fresh random weights: does θ0 matter?",
        flag config.prune.control_reinit),
    setting!(Common Controls "random",
        "Control: random mask", "Train a random mask of the same sparsity: does the mask matter?",
        flag config.prune.control_random),
    setting!(Folded Controls "signs", "Control: same signs",
        "Train the mask from fresh magnitudes with θ0's signs: are the signs what the ticket needs?",
        flag config.prune.control_signs),
    setting!(Folded Controls "shuffled", "Control: shuffled",
        "Train the mask from θ0's surviving values shuffled within each layer (signs scrambled).",
        flag config.prune.control_shuffled),
    setting!(Folded Controls "constant", "Control: constant with signs",
        "Train the mask from ± each layer's θ0 standard deviation, with θ0's signs.",
        flag config.prune.control_constant),
    setting!(Folded Controls "norml1", "Control: dense at the ticket's L1 norm",
        "Train the dense network from θ0 scaled to the ticket's L1 norm: is the ticket fast only because it starts \
         smaller? (the grokking-tickets paper's control)",
        flag config.prune.control_norm_l1),
    setting!(Folded Controls "norml2", "Control: dense at the ticket's L2 norm",
        "Train the dense network from θ0 scaled to the ticket's L2 norm (the grokking-tickets paper's control).",
        flag config.prune.control_norm_l2),
    setting!(Folded Controls "dprune", "Prune D too",
        "A GAN: prune the discriminator as well, at the same rates (GAN-LTH's second setting); off, it stays dense \
         and only restarts from its own θ0 each round.",
        flag config.prune.discriminator),
    setting!(Common Controls "seed", "Seed", "Same seed and settings, same ticket.",
        number config.seed in limits::SEED),
    setting!(Folded Controls "reps", "Replicates",
        "Runs of the same settings from seeds seed, seed+1, …; the charts draw their mean and spread.",
        number config.reps in limits::REPS),
    setting!(Common Backend "backend", "Backend",
        "auto times a few steps on your graphics card (WebGPU) and on the CPU, and keeps the faster; \
         the CPU path always works.",
        choice BackendChoice = backend),
    setting!(Folded Backend "workers", "Workers",
        "Web Workers that train replicates side by side; 0: one per core of this computer (at most 8). \
         The results are the same with any number.",
        number workers in WORKERS),
    setting!(LinkOnly Page "tour", "Tour step",
        "The page only: the guided tour's step a link opens on, 1 to 6 (0: no tour).",
        number tour in TOUR),
    setting!(LinkOnly Page "class", "Class mode",
        "The page only: 1 puts Train, the verdict, the main chart, the drawing and the table first and folds the \
         settings and the research panels; 0 shows everything. Without it a narrow screen gets class mode.",
        flag class),
];

fn setting(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Read a query string (with or without the leading `?`). Never fails.
pub fn decode(query: &str) -> (UrlState, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY_LEN {
        let mut cut = MAX_QUERY_LEN;
        while !query.is_char_boundary(cut) {
            cut -= 1;
        }
        notices.push(Notice {
            key: "(link)".into(),
            message: format!("the link is {} characters long; only the first {MAX_QUERY_LEN} were read", query.len()),
        });
        query = &query[..cut];
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut state = UrlState::default();
    // A preset is the starting point; the other keys refine it.
    if let Some((_, name)) = pairs.iter().find(|(k, _)| k == "preset") {
        match preset(name) {
            Some(c) => state.config = c,
            None => notices.push(Notice {
                key: "preset".into(),
                message: format!("no preset called '{}'; using the default experiment", clip(name)),
            }),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in &pairs {
        if k == "preset" || k == "t" {
            continue;
        }
        if let Some(control) = k.strip_suffix("_hide") {
            if setting(control).is_some() && v != "0" {
                if !state.hidden.iter().any(|h| h == control) {
                    state.hidden.push(control.to_string());
                }
            } else if v != "0" {
                notices.push(Notice { key: clip(k), message: "is not a control that can be hidden; ignored".into() });
            }
            continue;
        }
        let Some(key) = setting(k) else {
            notices.push(Notice { key: clip(k), message: "is not a key this lab knows; ignored".into() });
            continue;
        };
        if seen.contains(&key.key) {
            notices
                .push(Notice { key: key.key.into(), message: "appears more than once; the last value counts".into() });
        } else {
            seen.push(key.key);
        }
        let before = (key.get)(&state);
        match (key.set)(&mut state, v) {
            Ok(None) => {}
            Ok(Some(msg)) => notices.push(Notice { key: key.key.into(), message: msg }),
            Err(msg) => notices
                .push(Notice { key: key.key.into(), message: format!("{msg}; using {}", display_or_empty(&before)) }),
        }
    }
    repair(&mut state, &mut notices);
    // The masks are read last: they must fit the repaired network.
    if let Some((_, t)) = pairs.iter().rev().find(|(k, _)| k == "t") {
        match decode_masks(t, &state.config.shapes()) {
            Ok(m) => state.masks = m,
            Err(e) => {
                notices.push(Notice { key: "t".into(), message: format!("the ticket in the link was not used: {e}") })
            }
        }
    }
    (state, notices)
}

fn display_or_empty(v: &str) -> String {
    if v.is_empty() { "none".into() } else { v.into() }
}

/// Fix combinations that each key alone cannot see, so the result always
/// validates. Each rule is `ExperimentConfig`'s own, the one `validate` checks.
fn repair(state: &mut UrlState, notices: &mut Vec<Notice>) {
    let c = &mut state.config;
    let mut note = |key: &str, message: String| notices.push(Notice { key: key.into(), message });
    if c.data.dataset == DatasetName::Own && c.data.own.is_none() {
        let fallback = ExperimentConfig::default().data.dataset;
        note(
            "data",
            format!(
                "own data cannot travel in a link (its rows go in the exported ticket file): import the file \
                 again; using {}",
                fallback.name()
            ),
        );
        c.data.dataset = fallback;
    }
    if c.data.dataset != DatasetName::Own {
        c.data.own = None;
    }
    let samples = c.samples_bounds();
    if c.data.samples > samples.hi {
        note("n", format!("{} points is above {} for a 2D set; using {}", c.data.samples, samples.hi, samples.hi));
        c.data.samples = samples.hi;
    }
    if c.data.val_frac + c.data.test_frac > limits::MAX_HELD_OUT {
        c.data.val_frac = limits::FALLBACK_VAL_FRAC;
        c.data.test_frac = limits::FALLBACK_TEST_FRAC;
        let message = format!(
            "validation and test leave too little to train on; using {} and {}",
            c.data.val_frac, c.data.test_frac
        );
        note("val", message);
    }
    if c.train_samples() < limits::MIN_TRAIN_SAMPLES && c.learns_from_rows() {
        let min = limits::MIN_TRAIN_SAMPLES;
        note(
            "n",
            format!(
                "{} samples leave fewer than {min} to train on; using {}",
                c.data.samples,
                limits::FALLBACK_SAMPLES
            ),
        );
        c.data.samples = limits::FALLBACK_SAMPLES;
    }
    if !c.conv_fits() {
        let message = match c.data.dataset.side() == 0 {
            true => "conv layers need an image dataset; using none".to_string(),
            false => format!(
                "{} conv layers leave nothing of a {}-pixel image; using none",
                c.model.conv.len(),
                c.data.dataset.side()
            ),
        };
        note("conv", message);
        c.model.conv.clear();
    }
    if c.weight_count() > caps::MAX_WEIGHTS {
        let d = ExperimentConfig::default();
        note(
            "hidden",
            format!(
                "{} weights is above the cap of {}; using {:?}",
                c.weight_count(),
                caps::MAX_WEIGHTS,
                d.model.hidden
            ),
        );
        c.model.hidden = d.model.hidden;
        c.model.conv.clear();
    }
    if !modular::is_prime(c.data.modulus) {
        let prime =
            (limits::MODULUS.lo..c.data.modulus).rev().find(|&n| modular::is_prime(n)).unwrap_or(limits::MODULUS.lo);
        note("p", format!("{} is not a prime; using {prime}", c.data.modulus));
        c.data.modulus = prime;
    }
    if !c.heads_fit() {
        let t = &mut c.model.transformer;
        let heads = (1..=t.heads).rev().find(|h| t.d_model.is_multiple_of(*h)).unwrap_or(1);
        note("heads", format!("{} heads do not divide the width {}; using {heads}", t.heads, t.d_model));
        t.heads = heads;
    }
    if !c.task_row().scored_before_training && !c.prune.method.reads_training() {
        let task = c.task_row().name;
        note(
            "method",
            format!(
                "the {task} task prunes by its trained weights (SNIP and SynFlow score a classifier's rows); using \
                 magnitude"
            ),
        );
        c.prune.method = PruneMethod::Magnitude;
    }
    if !c.eval_fits() {
        c.train.eval_every = c.train.steps;
        note("eval", format!("above the steps per round; using {}", c.train.steps));
    }
    if !c.rewind_fits() {
        c.prune.rewind_step = c.train.steps - 1;
        note("k", format!("must be below the steps per round; using {}", c.prune.rewind_step));
    }
    if !c.mask_at_fits() {
        c.prune.mask_at = c.train.steps;
        note("maskat", format!("above the steps per round; using {}", c.train.steps));
    }
    if c.prune.mask_at > 0 && c.prune.early_bird_ticket {
        c.prune.early_bird_ticket = false;
        note("ebticket", "the mask is drawn at maskat's step; the early-bird ticket is off".to_string());
    }
    debug_assert!(c.validate().is_ok(), "repair left an invalid config: {:?}", c.validate());
}

/// Whether setting `key` means anything for `config`'s task (the bench shows only those; links keep them all).
pub fn applies(key: &str, config: &ExperimentConfig) -> bool {
    match key {
        "wd" => config.train.optimizer == OptimizerKind::AdamW,
        "heads" if config.model.transformer.arch == ModularArch::Mlp => false,
        // One threshold over every layer at the prune rate: the per-layer rates mean nothing.
        "orate" | "cvrate" if config.prune.scope == PruneScope::Global => false,
        _ => config.task_row().reads(key),
    }
}

/// The settings whose value in `a` differs from `b`, with `a`'s value as the URL writes it, in table order.
pub fn differences(a: &UrlState, b: &UrlState) -> Vec<(&'static Setting, String)> {
    SETTINGS.iter().map(|s| (s, (s.get)(a))).filter(|(s, value)| *value != (s.get)(b)).collect()
}

/// The current value of `key` as the URL writes it.
pub fn get(state: &UrlState, key: &str) -> Option<String> {
    setting(key).map(|k| (k.get)(state))
}

/// Whether `key` takes `value` as given, before the rules that join two
/// settings: Err says why not (malformed, or out of range and clamped).
pub fn check_value(key: &str, value: &str) -> Result<(), String> {
    let s = setting(key).ok_or_else(|| "is not a key this lab knows".to_string())?;
    match (s.set)(&mut UrlState::default(), value) {
        Ok(None) => Ok(()),
        Ok(Some(why)) | Err(why) => Err(why),
    }
}

/// Set one key from a control, as a link would, and repair what that breaks.
/// Returns what was changed or refused, for the page to show.
pub fn apply(state: &mut UrlState, key: &str, value: &str) -> Vec<Notice> {
    let mut notices = Vec::new();
    match setting(key) {
        None => notices.push(Notice { key: clip(key), message: "is not a key this lab knows; ignored".into() }),
        Some(k) => {
            let before = (k.get)(state);
            match (k.set)(state, value) {
                Ok(None) => {}
                Ok(Some(msg)) => notices.push(Notice { key: k.key.into(), message: msg }),
                Err(msg) => notices.push(Notice {
                    key: k.key.into(),
                    message: format!("{msg}; keeping {}", display_or_empty(&before)),
                }),
            }
        }
    }
    repair(state, &mut notices);
    notices
}

/// Imported rows become the experiment's data (no convs: rows are no
/// images): the page's import, `lottery run --data-file` and a sweep's
/// `data_file` all go through here. Returns what the settings' rules changed to fit.
pub fn use_own_data(state: &mut UrlState, shape: OwnShape, rows: usize) -> Vec<Notice> {
    state.config.data.own = Some(shape);
    state.config.data.samples = rows;
    state.config.model.conv.clear();
    apply(state, "data", "own")
}

/// Keys added after links were first shared: written only when not at their
/// default, so older links, the rounds a browser saved (stored under the
/// configuration's link form) and ticket files keep meaning the same run.
const WRITTEN_WHEN_SET: &[&str] = &[
    "reps", "tour", "eb", "ebticket", "maskat", "norml1", "norml2", "p", "arch", "dmodel", "heads", "dmlp", "wd",
    "workers", "dprune", "signs", "shuffled", "constant", "class",
];

/// Whether a query (with or without its `?`) names `key`.
pub fn names(query: &str, key: &str) -> bool {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).any(|(k, _)| k == key)
}

/// Write the full state as a query string (without `?`), keys in table order.
/// The link of an experiment with `config` and nothing else set: what a ticket's files carry in their header
/// (the page's download, `lottery export`) and so what each round's `ticket_bytes` counts.
pub fn ticket_link(config: &ExperimentConfig) -> String {
    format!("?{}", encode(&UrlState { config: config.clone(), ..UrlState::default() }))
}

pub fn encode(state: &UrlState) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    let defaults = UrlState::default();
    for key in SETTINGS {
        let value = (key.get)(state);
        if WRITTEN_WHEN_SET.contains(&key.key) && value == (key.get)(&defaults) {
            continue;
        }
        out.append_pair(key.key, &value);
    }
    for h in &state.hidden {
        out.append_pair(&format!("{h}_hide"), "1");
    }
    if let Some(t) = encode_masks(&state.masks) {
        out.append_pair("t", &t);
    }
    out.finish()
}

/// The configuration alone in URL form (no backend, hidden keys or masks):
/// the page saves an experiment's rounds under this key.
pub fn config_key(config: &ExperimentConfig) -> String {
    encode(&UrlState { config: config.clone(), ..UrlState::default() })
}

/// Percent-encode one value as the query serializer would.
pub fn encode_component(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
