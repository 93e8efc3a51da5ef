//! The URL form of an experiment: the one table of query keys.
//!
//! Only this module knows key names. Each key appears once in [`KEYS`] with
//! how to read and write it; one loop decodes, one encodes. Decoding never
//! fails: unknown keys are listed, out-of-range values are clamped, and
//! malformed ones keep their default, each with a [`Notice`] saying which
//! key, what was wrong, and what was used instead. Shipped keys are never
//! renamed (the URL is a public format).

use crate::engine::config::{
    ExperimentConfig, Init, OptimizerKind, PruneMethod, PruneScope, ResetMode, Schedule, caps, preset,
};
use crate::engine::data::DatasetName;
use crate::engine::mask::Mask;
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

impl BackendChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Cpu => "cpu",
            Self::Webgpu => "webgpu",
        }
    }
}

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
}

/// Networks up to this many weights carry their masks in links.
pub const MAX_LINK_WEIGHTS: usize = 4096;

/// Encode nested masks (round 0 first) as `ROUNDS.BASE64URL(deflate(d))`,
/// where `d[i]` is how many rounds weight `i` survived. Masks that do not
/// nest, or nets over [`MAX_LINK_WEIGHTS`], give `None`.
pub fn encode_masks(masks: &[Mask]) -> Option<String> {
    let first = masks.first()?;
    if first.total() > MAX_LINK_WEIGHTS || masks.len() > 255 || masks.windows(2).any(|w| !w[1].is_subset_of(&w[0])) {
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
pub fn decode_masks(text: &str, shapes: &[crate::engine::model::LayerShape]) -> Result<Vec<Mask>, String> {
    let (n, b64) = text.split_once('.').ok_or("expected ROUNDS.DATA")?;
    let n: usize = n.parse().map_err(|_| format!("'{}' is not a round count", clip(n)))?;
    if n == 0 || n > caps::MAX_ROUNDS + 1 {
        return Err(format!("{n} rounds is outside 1..={}", caps::MAX_ROUNDS + 1));
    }
    let total: usize = shapes.iter().map(|s| s.weights()).sum();
    if total > MAX_LINK_WEIGHTS {
        return Err(format!("the network has {total} weights; links carry masks up to {MAX_LINK_WEIGHTS}"));
    }
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(b64).map_err(|_| "not base64url".to_string())?;
    let survived = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_WEIGHTS + 1).map_err(|_| "not a compressed mask".to_string())?;
    if survived.len() != total {
        return Err(format!("holds {} weights, the network has {total}", survived.len()));
    }
    if let Some(bad) = survived.iter().find(|&&d| d as usize > n) {
        return Err(format!("a weight survives {bad} of {n} rounds"));
    }
    let mut masks: Vec<Mask> = (0..n).map(|_| Mask::for_shapes(shapes)).collect();
    let mut i = 0;
    for l in 0..shapes.len() {
        for k in 0..shapes[l].weights() {
            for (r, m) in masks.iter_mut().enumerate() {
                m.layers[l].keep[k] = (survived[i] as usize) > r;
            }
            i += 1;
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
pub const MAX_QUERY_LEN: usize = 16_384;

type Get = fn(&UrlState) -> String;
/// Ok(None): taken as is; Ok(Some(msg)): clamped, msg says to what; Err(msg): malformed, default kept.
type Set = fn(&mut UrlState, &str) -> Result<Option<String>, String>;

pub struct Key {
    pub name: &'static str,
    get: Get,
    set: Set,
}

fn num<T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display>(v: &str, lo: T, hi: T, slot: &mut T) -> Result<Option<String>, String> {
    let x: T = v.trim().parse().map_err(|_| format!("'{}' is not a number", clip(v)))?;
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

fn real(v: &str, lo: f64, hi: f64, slot: &mut f64) -> Result<Option<String>, String> {
    let x: f64 = v.trim().parse().map_err(|_| format!("'{}' is not a number", clip(v)))?;
    if !x.is_finite() {
        return Err(format!("'{}' is not a finite number", clip(v)));
    }
    num(&x.to_string(), lo, hi, slot)
}

/// A comma-separated list of at most `max_len` sizes in 1..=hi ("" is none).
fn list(v: &str, what: &str, max_len: usize, hi: usize, slot: &mut Vec<usize>) -> Result<Option<String>, String> {
    if v.trim().is_empty() {
        slot.clear();
        return Ok(None);
    }
    let parts: Vec<&str> = v.split(',').collect();
    if parts.len() > max_len {
        return Err(format!("{} {what}; at most {max_len}", parts.len()));
    }
    let mut sizes = Vec::with_capacity(parts.len());
    let mut clamped = None;
    for p in parts {
        let mut x = 0usize;
        if let Some(m) = num(p, 1, hi, &mut x)? {
            clamped = Some(m);
        }
        sizes.push(x);
    }
    *slot = sizes;
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

fn choice<T: Copy>(v: &str, options: &[(&str, T)], slot: &mut T) -> Result<Option<String>, String> {
    match options.iter().find(|(n, _)| *n == v) {
        Some((_, x)) => {
            *slot = *x;
            Ok(None)
        }
        None => {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            Err(format!("'{}' is not one of {}", clip(v), names.join(", ")))
        }
    }
}

fn name_of<T: PartialEq + Copy>(x: T, options: &[(&'static str, T)]) -> String {
    options.iter().find(|(_, o)| *o == x).map(|(n, _)| n.to_string()).unwrap_or_default()
}

/// Shorten a hostile value for a message (the page renders it as text, never HTML).
fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(40).collect();
    if v.chars().count() > 40 {
        s.push('…');
    }
    s
}

const DATASETS: [(&str, DatasetName); 8] = [
    ("circle", DatasetName::Circle),
    ("xor", DatasetName::Xor),
    ("gauss", DatasetName::Gauss),
    ("spiral", DatasetName::Spiral),
    ("moons", DatasetName::Moons),
    ("digits", DatasetName::Digits),
    ("mnist", DatasetName::Mnist),
    ("fashion", DatasetName::Fashion),
];
const INITS: [(&str, Init); 2] = [("glorot", Init::Glorot), ("kaiming", Init::Kaiming)];
const OPTIMIZERS: [(&str, OptimizerKind); 2] = [("adam", OptimizerKind::Adam), ("sgd", OptimizerKind::Sgd)];
const METHODS: [(&str, PruneMethod); 3] =
    [("magnitude", PruneMethod::Magnitude), ("snip", PruneMethod::Snip), ("synflow", PruneMethod::Synflow)];
const SCOPES: [(&str, PruneScope); 2] = [("layer", PruneScope::Layer), ("global", PruneScope::Global)];
const SCHEDULES: [(&str, Schedule); 2] = [("iterative", Schedule::Iterative), ("oneshot", Schedule::Oneshot)];
const RESETS: [(&str, ResetMode); 2] = [("init", ResetMode::Init), ("rewind", ResetMode::Rewind)];
const BACKENDS: [(&str, BackendChoice); 3] =
    [("auto", BackendChoice::Auto), ("cpu", BackendChoice::Cpu), ("webgpu", BackendChoice::Webgpu)];

/// The one table of URL keys, in the order links list them.
pub static KEYS: &[Key] = &[
    Key { name: "data", get: |s| name_of(s.config.data.dataset, &DATASETS), set: |s, v| choice(v, &DATASETS, &mut s.config.data.dataset) },
    Key { name: "n", get: |s| s.config.data.samples.to_string(), set: |s, v| num(v, 20, caps::MAX_SAMPLES_IMAGES, &mut s.config.data.samples) },
    Key { name: "noise", get: |s| s.config.data.noise.to_string(), set: |s, v| real(v, 0.0, 1.0, &mut s.config.data.noise) },
    Key { name: "val", get: |s| s.config.data.val_frac.to_string(), set: |s, v| real(v, 0.01, 0.4, &mut s.config.data.val_frac) },
    Key { name: "test", get: |s| s.config.data.test_frac.to_string(), set: |s, v| real(v, 0.01, 0.5, &mut s.config.data.test_frac) },
    Key {
        name: "hidden",
        get: |s| join(&s.config.model.hidden),
        set: |s, v| list(v, "hidden layers", caps::MAX_LAYERS, caps::MAX_WIDTH, &mut s.config.model.hidden),
    },
    Key {
        name: "conv",
        get: |s| join(&s.config.model.conv),
        set: |s, v| list(v, "conv layers", caps::MAX_CONV_LAYERS, caps::MAX_CHANNELS, &mut s.config.model.conv),
    },
    Key { name: "init", get: |s| name_of(s.config.model.init, &INITS), set: |s, v| choice(v, &INITS, &mut s.config.model.init) },
    Key { name: "opt", get: |s| name_of(s.config.train.optimizer, &OPTIMIZERS), set: |s, v| choice(v, &OPTIMIZERS, &mut s.config.train.optimizer) },
    Key { name: "lr", get: |s| s.config.train.lr.to_string(), set: |s, v| real(v, 1e-6, 10.0, &mut s.config.train.lr) },
    Key { name: "mom", get: |s| s.config.train.momentum.to_string(), set: |s, v| real(v, 0.0, 0.99, &mut s.config.train.momentum) },
    Key { name: "batch", get: |s| s.config.train.batch.to_string(), set: |s, v| num(v, 1, caps::MAX_BATCH, &mut s.config.train.batch) },
    Key { name: "steps", get: |s| s.config.train.steps.to_string(), set: |s, v| num(v, 1, caps::MAX_STEPS, &mut s.config.train.steps) },
    Key { name: "eval", get: |s| s.config.train.eval_every.to_string(), set: |s, v| num(v, 1, caps::MAX_STEPS, &mut s.config.train.eval_every) },
    Key { name: "method", get: |s| name_of(s.config.prune.method, &METHODS), set: |s, v| choice(v, &METHODS, &mut s.config.prune.method) },
    Key { name: "scope", get: |s| name_of(s.config.prune.scope, &SCOPES), set: |s, v| choice(v, &SCOPES, &mut s.config.prune.scope) },
    Key { name: "sched", get: |s| name_of(s.config.prune.schedule, &SCHEDULES), set: |s, v| choice(v, &SCHEDULES, &mut s.config.prune.schedule) },
    Key { name: "rate", get: |s| s.config.prune.rate.to_string(), set: |s, v| real(v, 0.01, 0.95, &mut s.config.prune.rate) },
    Key { name: "orate", get: |s| s.config.prune.output_rate.to_string(), set: |s, v| real(v, 0.0, 0.95, &mut s.config.prune.output_rate) },
    Key { name: "cvrate", get: |s| s.config.prune.conv_rate.to_string(), set: |s, v| real(v, 0.0, 0.95, &mut s.config.prune.conv_rate) },
    Key { name: "rounds", get: |s| s.config.prune.rounds.to_string(), set: |s, v| num(v, 0, caps::MAX_ROUNDS, &mut s.config.prune.rounds) },
    Key { name: "reset", get: |s| name_of(s.config.prune.reset, &RESETS), set: |s, v| choice(v, &RESETS, &mut s.config.prune.reset) },
    Key { name: "k", get: |s| s.config.prune.rewind_step.to_string(), set: |s, v| num(v, 0, caps::MAX_STEPS, &mut s.config.prune.rewind_step) },
    Key { name: "reinit", get: |s| u8::from(s.config.prune.control_reinit).to_string(), set: |s, v| flag(v, &mut s.config.prune.control_reinit) },
    Key { name: "random", get: |s| u8::from(s.config.prune.control_random).to_string(), set: |s, v| flag(v, &mut s.config.prune.control_random) },
    Key { name: "seed", get: |s| s.config.seed.to_string(), set: |s, v| num(v, 0, u32::MAX as u64, &mut s.config.seed) },
    Key { name: "backend", get: |s| name_of(s.backend, &BACKENDS), set: |s, v| choice(v, &BACKENDS, &mut s.backend) },
];

/// Read a query string (with or without the leading `?`). Never fails.
pub fn decode(query: &str) -> (UrlState, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut query = query.strip_prefix('?').unwrap_or(query);
    if query.len() > MAX_QUERY_LEN {
        let mut cut = MAX_QUERY_LEN;
        while !query.is_char_boundary(cut) {
            cut -= 1;
        }
        notices.push(Notice { key: "(link)".into(), message: format!("the link is {} characters long; only the first {MAX_QUERY_LEN} were read", query.len()) });
        query = &query[..cut];
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let mut state = UrlState::default();
    // A preset is the starting point; the other keys refine it.
    if let Some((_, name)) = pairs.iter().find(|(k, _)| k == "preset") {
        match preset(name) {
            Some(c) => state.config = c,
            None => notices.push(Notice { key: "preset".into(), message: format!("no preset called '{}'; using the default experiment", clip(name)) }),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in &pairs {
        if k == "preset" || k == "t" {
            continue;
        }
        if let Some(control) = k.strip_suffix("_hide") {
            if KEYS.iter().any(|key| key.name == control) && v != "0" {
                if !state.hidden.iter().any(|h| h == control) {
                    state.hidden.push(control.to_string());
                }
            } else if v != "0" {
                notices.push(Notice { key: clip(k), message: "is not a control that can be hidden; ignored".into() });
            }
            continue;
        }
        let Some(key) = KEYS.iter().find(|key| key.name == k) else {
            notices.push(Notice { key: clip(k), message: "is not a key this lab knows; ignored".into() });
            continue;
        };
        if seen.contains(&key.name) {
            notices.push(Notice { key: key.name.into(), message: "appears more than once; the last value counts".into() });
        } else {
            seen.push(key.name);
        }
        let before = (key.get)(&state);
        match (key.set)(&mut state, v) {
            Ok(None) => {}
            Ok(Some(msg)) => notices.push(Notice { key: key.name.into(), message: msg }),
            Err(msg) => notices.push(Notice { key: key.name.into(), message: format!("{msg}; using {}", display_or_empty(&before)) }),
        }
    }
    repair(&mut state, &mut notices);
    // The masks are read last: they must fit the repaired network.
    if let Some((_, t)) = pairs.iter().rev().find(|(k, _)| k == "t") {
        match decode_masks(t, &state.config.shapes()) {
            Ok(m) => state.masks = m,
            Err(e) => notices.push(Notice { key: "t".into(), message: format!("the ticket in the link was not used: {e}") }),
        }
    }
    (state, notices)
}

fn display_or_empty(v: &str) -> String {
    if v.is_empty() { "none".into() } else { v.into() }
}

/// Fix combinations that each key alone cannot see, so the result always validates.
fn repair(state: &mut UrlState, notices: &mut Vec<Notice>) {
    let c = &mut state.config;
    if c.data.dataset.is_2d() && c.data.samples > caps::MAX_SAMPLES_2D {
        notices.push(Notice { key: "n".into(), message: format!("{} points is above {} for a 2D set; using {}", c.data.samples, caps::MAX_SAMPLES_2D, caps::MAX_SAMPLES_2D) });
        c.data.samples = caps::MAX_SAMPLES_2D;
    }
    if c.data.val_frac + c.data.test_frac > 0.8 {
        notices.push(Notice { key: "val".into(), message: "validation and test leave too little to train on; using 0.15 and 0.25".into() });
        c.data.val_frac = 0.15;
        c.data.test_frac = 0.25;
    }
    let n_train = (c.data.samples as f64 * (1.0 - c.data.val_frac - c.data.test_frac)).floor();
    if n_train < 10.0 {
        notices.push(Notice { key: "n".into(), message: format!("{} samples leave fewer than 10 to train on; using 100", c.data.samples) });
        c.data.samples = 100;
    }
    if !c.model.conv.is_empty() && c.data.dataset.is_2d() {
        notices.push(Notice { key: "conv".into(), message: "conv layers need an image dataset; using none".into() });
        c.model.conv.clear();
    }
    if c.model.conv.len() * 2 + 2 > c.data.dataset.side().max(2) && !c.model.conv.is_empty() {
        notices.push(Notice { key: "conv".into(), message: format!("{} conv layers leave nothing of a {}-pixel image; using none", c.model.conv.len(), c.data.dataset.side()) });
        c.model.conv.clear();
    }
    if c.weight_count() > caps::MAX_WEIGHTS {
        let d = ExperimentConfig::default();
        notices.push(Notice { key: "hidden".into(), message: format!("{} weights is above the cap of {}; using {:?}", c.weight_count(), caps::MAX_WEIGHTS, d.model.hidden) });
        c.model.hidden = d.model.hidden;
        c.model.conv.clear();
    }
    if c.train.eval_every > c.train.steps {
        c.train.eval_every = c.train.steps;
        notices.push(Notice { key: "eval".into(), message: format!("above the steps per round; using {}", c.train.steps) });
    }
    if c.prune.reset == ResetMode::Rewind && c.prune.rewind_step >= c.train.steps {
        c.prune.rewind_step = c.train.steps - 1;
        notices.push(Notice { key: "k".into(), message: format!("must be below the steps per round; using {}", c.prune.rewind_step) });
    }
    debug_assert!(c.validate().is_ok(), "repair left an invalid config: {:?}", c.validate());
}

/// How the page shows one key as a control: label, one-line explanation for
/// a classroom, and its choices (empty: a text field).
pub struct Control {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub choices: &'static [(&'static str, &'static str)],
}

const ON_OFF: &[(&str, &str)] = &[("1", "on"), ("0", "off")];

/// The bench's controls, in display order (the backend has its own).
pub static CONTROLS: &[Control] = &[
    Control { key: "data", label: "Dataset", help: "What the network learns. 2D sets are drawn from the seed; image sets ship with the page.",
        choices: &[("spiral", "spiral"), ("circle", "circle"), ("xor", "xor"), ("gauss", "gauss"), ("moons", "moons"), ("digits", "8×8 digits"), ("mnist", "MNIST (10k)"), ("fashion", "Fashion-MNIST (12k)")] },
    Control { key: "n", label: "Samples", help: "Points generated (2D) or images used (subset of the shipped set).", choices: &[] },
    Control { key: "noise", label: "Noise", help: "How much the 2D classes overlap, 0 to 1.", choices: &[] },
    Control { key: "hidden", label: "Hidden layers", help: "Widths of the hidden layers, comma-separated (300,100 is LeNet-300-100).", choices: &[] },
    Control { key: "conv", label: "Conv channels", help: "3×3 conv layers before the MLP, comma-separated channels (image sets; 16,16 is a small Conv-2).", choices: &[] },
    Control { key: "init", label: "Initialisation", help: "How θ0 is drawn: Glorot uniform (the paper's) or Kaiming normal.", choices: &[("glorot", "Glorot"), ("kaiming", "Kaiming")] },
    Control { key: "opt", label: "Optimizer", help: "Adam (the paper's) or SGD with momentum.", choices: &[("adam", "Adam"), ("sgd", "SGD + momentum")] },
    Control { key: "lr", label: "Learning rate", help: "Step size of the optimizer.", choices: &[] },
    Control { key: "batch", label: "Batch size", help: "Examples per training step.", choices: &[] },
    Control { key: "steps", label: "Steps per round", help: "Training iterations in every round.", choices: &[] },
    Control { key: "eval", label: "Evaluate every", help: "Steps between validation checks (the early-stop iteration is found on these).", choices: &[] },
    Control { key: "method", label: "Pruning by", help: "Magnitude of trained weights (the paper), or SNIP / SynFlow scores at initialisation.",
        choices: &[("magnitude", "magnitude"), ("snip", "SNIP"), ("synflow", "SynFlow")] },
    Control { key: "scope", label: "Pruning scope", help: "Each layer loses its own share, or one threshold across all layers.", choices: &[("layer", "layer-wise"), ("global", "global")] },
    Control { key: "sched", label: "Schedule", help: "Iterative: a little after every round. One-shot: straight from the dense net to each sparsity.",
        choices: &[("iterative", "iterative"), ("oneshot", "one-shot")] },
    Control { key: "rate", label: "Prune rate", help: "Fraction of the remaining weights removed per round (hidden layers).", choices: &[] },
    Control { key: "orate", label: "Output-layer rate", help: "Fraction removed from the output layer per round (the paper: half the rate).", choices: &[] },
    Control { key: "cvrate", label: "Conv rate", help: "Fraction removed from conv layers per round (the paper: 10–15%).", choices: &[] },
    Control { key: "rounds", label: "Rounds", help: "Pruning rounds after the dense round 0.", choices: &[] },
    Control { key: "reset", label: "Reset to", help: "Survivors restart from θ0, or from θk, their values at step k (rewinding).", choices: &[("init", "θ0 (initial values)"), ("rewind", "θk (rewind to step k)")] },
    Control { key: "k", label: "Rewind step k", help: "The training step whose weights rewinding restores.", choices: &[] },
    Control { key: "reinit", label: "Control: random reinit", help: "Train the same mask from fresh random weights: does θ0 matter?", choices: ON_OFF },
    Control { key: "random", label: "Control: random mask", help: "Train a random mask of the same sparsity: does the mask matter?", choices: ON_OFF },
    Control { key: "seed", label: "Seed", help: "Same seed and settings, same ticket.", choices: &[] },
    Control { key: "backend", label: "Backend", help: "auto times a few steps on your graphics card (WebGPU) and on the CPU, and keeps the faster; the CPU path always works.",
        choices: &[("auto", "auto (the faster, timed at the start)"), ("webgpu", "WebGPU"), ("cpu", "CPU")] },
];

/// The current value of `key` as the URL writes it.
pub fn get(state: &UrlState, key: &str) -> Option<String> {
    KEYS.iter().find(|k| k.name == key).map(|k| (k.get)(state))
}

/// Set one key from a control, as a link would, and repair what that breaks.
/// Returns what was changed or refused, for the page to show.
pub fn apply(state: &mut UrlState, key: &str, value: &str) -> Vec<Notice> {
    let mut notices = Vec::new();
    match KEYS.iter().find(|k| k.name == key) {
        None => notices.push(Notice { key: clip(key), message: "is not a key this lab knows; ignored".into() }),
        Some(k) => {
            let before = (k.get)(state);
            match (k.set)(state, value) {
                Ok(None) => {}
                Ok(Some(msg)) => notices.push(Notice { key: k.name.into(), message: msg }),
                Err(msg) => notices.push(Notice { key: k.name.into(), message: format!("{msg}; keeping {}", display_or_empty(&before)) }),
            }
        }
    }
    repair(state, &mut notices);
    notices
}

/// Write the full state as a query string (without `?`), keys in table order.
pub fn encode(state: &UrlState) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for key in KEYS {
        out.append_pair(key.name, &(key.get)(state));
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
