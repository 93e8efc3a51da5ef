//! A checkpoint: what it takes to go on with an experiment after its last
//! finished round. The configuration (seed included), every finished round's
//! report and mask, the mask of the next round, and the weights a later round
//! reads (θk when rewinding, the dense trained net for one-shot magnitude
//! pruning). θ0 is not stored: the seed draws it again, bit for bit.
//!
//! One format serves three purposes: the ticket file a user exports and
//! imports, the finished rounds the page saves in the browser, and the hand-over
//! when a lost GPU sends the run to the CPU. Anything read from outside goes
//! through [`Checkpoint::from_json`], which checks version, sizes and shapes
//! and says what is wrong.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::config::{ExperimentConfig, ResetMode, Schedule};
use crate::engine::data::own_data::OwnData;
use crate::engine::lottery::controls::Control;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::report::RoundReport;
use crate::engine::networks::weights::Weights;
use crate::engine::records::ticket_format::{FORMAT, MAX_FILE_BYTES, TicketError, VERSION};
use crate::engine::tasks::Task;

/// miniz's deflate level (0–10) for browser storage: zlib's default balance of size and time.
const DEFLATE_LEVEL: u8 = 6;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub version: u32,
    /// The whole configuration; `config.seed` is the experiment's seed.
    pub config: ExperimentConfig,
    /// Where the rounds were trained ("cpu", "webgpu", "wgpu"; "ndarray" in files from before burn-flex).
    pub backend: String,
    /// Finished rounds, 0, 1, 2, … with their masks.
    pub rounds: Vec<RoundReport>,
    /// The mask the next round trains (the last round's mask when finished).
    pub next_mask: Mask,
    /// The task's pruned companion's mask for the next round (a GAN's discriminator under `prune.discriminator`).
    #[serde(rename = "next_discriminator_mask", default, skip_serializing_if = "Option::is_none")]
    pub next_companion_mask: Option<Mask>,
    /// θk, when the configuration rewinds to iteration k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta_k: Option<Weights>,
    /// The dense network after training, for one-shot magnitude pruning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dense_trained: Option<Weights>,
    /// With replicates (`config.reps` > 1): the rounds of every replicate
    /// finished before the one in progress, which is replicate number
    /// `finished_replicates.len()`; `rounds`, `next_mask` and the weights
    /// above are that replicate's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finished_replicates: Vec<Vec<RoundReport>>,
    /// The imported rows, when the experiment runs on own data: a link
    /// cannot carry them, so the ticket file does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own_data: Option<OwnData>,
}

/// One replicate of an experiment as a run of its own (see [`Checkpoint::replicate_run`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicateRun {
    /// From 0 (the page and the CLI write it from 1).
    pub index: usize,
    /// The experiment's configuration with this replicate's seed, one replicate.
    pub config: ExperimentConfig,
    pub rounds: Vec<RoundReport>,
}

impl ReplicateRun {
    /// "replicate 2 (seed 43)", as the page and the CLI name what they measured.
    pub fn name(&self) -> String {
        format!("replicate {} (seed {})", self.index + 1, self.config.seed)
    }
}

/// Just enough to say "wrong format" or "wrong version" before the full parse
/// complains about fields a future version renamed.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// The `format` tag of a JSON file the lab reads (ticket, sweep summary, pinned runs), if it has one.
pub(crate) fn file_format(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Tagged {
        format: Option<String>,
    }
    serde_json::from_str::<Tagged>(text).ok()?.format
}

fn content(msg: String) -> TicketError {
    TicketError::Content(msg)
}

impl Checkpoint {
    /// The JSON of a ticket file (readable, one field per line at the top).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a checkpoint serialises")
    }

    /// Read and check a ticket file.
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(TicketError::TooLarge(text.len()));
        }
        let header: Header = serde_json::from_str(text).map_err(|e| TicketError::NotJson(e.to_string()))?;
        match header.format.as_deref() {
            Some(FORMAT) => {}
            Some(other) => return Err(TicketError::Format(other.chars().take(80).collect())),
            None => return Err(TicketError::Format("missing".into())),
        }
        match header.version {
            Some(v) if v == u64::from(VERSION) => {}
            Some(v) => return Err(TicketError::Version(v)),
            None => return Err(content("the version field is missing".into())),
        }
        let checkpoint: Checkpoint = serde_json::from_str(text).map_err(|e| TicketError::NotJson(e.to_string()))?;
        checkpoint.validate()?;
        checkpoint.check_rows()?;
        Ok(checkpoint)
    }

    /// The compact form the page keeps in browser storage: deflated JSON, base64.
    pub fn to_compact(&self) -> String {
        let json = serde_json::to_vec(self).expect("a checkpoint serialises");
        let packed = miniz_oxide::deflate::compress_to_vec(&json, DEFLATE_LEVEL);
        format!("v{VERSION}:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(packed))
    }

    pub fn from_compact(text: &str) -> Result<Self, TicketError> {
        let body = text
            .strip_prefix(&format!("v{VERSION}:"))
            .ok_or_else(|| content("saved data of another version".into()))?;
        let packed = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(body)
            .map_err(|e| content(format!("saved data is damaged ({e})")))?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_FILE_BYTES)
            .map_err(|e| content(format!("saved data is damaged ({e:?})")))?;
        Self::from_json(&String::from_utf8_lossy(&json))
    }

    /// Every check an imported file must pass before it replaces anything.
    /// A file on own data carries its rows, and they are the ones its configuration names.
    pub(crate) fn check_rows(&self) -> Result<(), TicketError> {
        match (self.config.own_shape(), &self.own_data) {
            (None, None) => Ok(()),
            (Some(shape), Some(rows)) if rows.matches(shape) => Ok(()),
            (Some(_), None) => Err(content("the experiment runs on own data, but the file carries no rows".into())),
            (Some(_), Some(_)) => Err(content("the rows in the file are not the ones its configuration names".into())),
            (None, Some(_)) => Err(content("the file carries rows, but its experiment is not on own data".into())),
        }
    }

    pub fn validate(&self) -> Result<(), TicketError> {
        let cfg = &self.config;
        cfg.validate().map_err(|e| TicketError::Config(e.to_string()))?;
        let shapes = cfg.shapes();
        let max_rounds = cfg.prune.rounds + 1;
        if self.rounds.len() > max_rounds {
            return Err(content(format!(
                "{} rounds, but its configuration has only {max_rounds} (0..={})",
                self.rounds.len(),
                cfg.prune.rounds
            )));
        }
        let check_mask = |what: &str, mask: &Mask| -> Result<(), TicketError> {
            if mask.layers.len() != shapes.len() {
                return Err(content(format!(
                    "{what} has {} layers; the configuration has {}",
                    mask.layers.len(),
                    shapes.len()
                )));
            }
            for (l, (m, s)) in mask.layers.iter().zip(&shapes).enumerate() {
                if (m.fan_in, m.fan_out) != (s.fan_in, s.fan_out) || m.keep.len() != s.weights() {
                    return Err(content(format!(
                        "{what}, layer {}: the mask is {}×{} ({} flags) but the configuration's layer is {}×{}",
                        l + 1,
                        m.fan_in,
                        m.fan_out,
                        m.keep.len(),
                        s.fan_in,
                        s.fan_out
                    )));
                }
            }
            Ok(())
        };
        let check_weights = |what: &str, w: &Option<Weights>, needed: bool| -> Result<(), TicketError> {
            match w {
                None if needed => Err(content(format!("{what} is missing (this configuration needs it to go on)"))),
                None => Ok(()),
                Some(w) => {
                    let ok = w.layers.len() == shapes.len()
                        && w.layers.iter().zip(&shapes).all(|(l, s)| {
                            (l.fan_in, l.fan_out, l.conv) == (s.fan_in, s.fan_out, s.conv)
                                && l.w.len() == s.weights()
                                && l.b.len() == s.biases()
                        });
                    if !ok {
                        return Err(content(format!("{what} does not have the configuration's layer shapes")));
                    }
                    if w.layers.iter().any(|l| l.w.iter().chain(&l.b).any(|x| !x.is_finite())) {
                        return Err(content(format!("{what} holds a weight that is not a finite number")));
                    }
                    Ok(())
                }
            }
        };
        let check_rounds = |rounds: &[RoundReport], replicate: Option<usize>| -> Result<(), TicketError> {
            // Lengths are checked by the callers: at most `max_rounds` in progress, exactly that when finished.
            let prefix = replicate.map(|r| format!("replicate {r}, ")).unwrap_or_default();
            let mut outer: Option<&Mask> = None;
            for (i, r) in rounds.iter().enumerate() {
                if r.round != i {
                    return Err(content(format!(
                        "rounds must be numbered 0, 1, 2, …; entry {} says round {}",
                        i + 1,
                        r.round
                    )));
                }
                let what = format!("{prefix}round {i}");
                check_mask(&what, &r.mask)?;
                if r.remaining != r.mask.remaining() || r.total != r.mask.total() {
                    return Err(content(format!(
                        "{what} says {} of {} weights remain, but its mask keeps {} of {}",
                        r.remaining,
                        r.total,
                        r.mask.remaining(),
                        r.mask.total()
                    )));
                }
                if outer.is_some_and(|o| !r.mask.is_subset_of(o)) {
                    return Err(content(format!("{what}'s mask keeps weights that round {} had pruned", i - 1)));
                }
                let controls = Control::ALL.into_iter().map(|c| (c.phase().label(), r.control(c)));
                for (name, s) in std::iter::once(("ticket", Some(&r.ticket))).chain(controls) {
                    let Some(s) = s else { continue };
                    let accs = [s.test_accuracy, s.early_stop_test_accuracy]
                        .into_iter()
                        .chain(s.curve.iter().flat_map(|p| [p.val_accuracy, p.test_accuracy]));
                    if let Some(bad) = accs.into_iter().find(|a| !(0.0..=1.0).contains(a)) {
                        return Err(content(format!("{what}, {name}: accuracy {bad} is not between 0 and 1")));
                    }
                    if s.curve.iter().any(|p| !p.val_loss.is_finite() || p.train_loss.is_some_and(|l| !l.is_finite())) {
                        return Err(content(format!("{what}, {name}: a loss is not a finite number")));
                    }
                }
                check_weights(&format!("{what}'s trained weights"), &r.trained, false)?;
                outer = Some(&r.mask);
            }
            Ok(())
        };
        if self.finished_replicates.len() >= cfg.reps {
            return Err(content(format!(
                "{} finished replicates, but its configuration has {}",
                self.finished_replicates.len(),
                cfg.reps
            )));
        }
        for (r, rounds) in self.finished_replicates.iter().enumerate() {
            if rounds.len() != max_rounds {
                return Err(content(format!(
                    "replicate {r} is finished but has {} of {max_rounds} rounds",
                    rounds.len()
                )));
            }
            check_rounds(rounds, Some(r))?;
        }
        check_rounds(&self.rounds, (cfg.reps > 1).then_some(self.replicate()))?;
        let outer = self.rounds.last().map(|r| &r.mask);
        check_mask("the next round's mask", &self.next_mask)?;
        if outer.is_some_and(|o| !self.next_mask.is_subset_of(o)) {
            return Err(content("the next round's mask keeps weights the last round had pruned".into()));
        }
        let started = !self.rounds.is_empty();
        let p = &cfg.prune;
        // The task's pruned companion (a GAN's discriminator under `prune.discriminator`) carries its next mask.
        match (&self.next_companion_mask, Task::of(cfg).pruned_companion(cfg)) {
            (None, Some(_)) if started => {
                return Err(content("the discriminator is pruned, but its next mask is missing".into()));
            }
            (Some(_), None) => {
                return Err(content("a discriminator mask, but the configuration does not prune one".into()));
            }
            (Some(d), Some(shapes)) if d.shapes_differ(&shapes) => {
                return Err(content("the discriminator's mask does not fit the configuration's layers".into()));
            }
            _ => {}
        }
        check_weights("θk (the rewind point)", &self.theta_k, started && p.reset == ResetMode::Rewind)?;
        check_weights(
            "the dense trained network",
            &self.dense_trained,
            started && p.schedule == Schedule::Oneshot && p.method.reads_training(),
        )?;
        Ok(())
    }

    /// Whether the experiment has rounds left, in this replicate or another.
    pub fn can_continue(&self) -> bool {
        self.rounds.len() <= self.config.prune.rounds || self.finished_replicates.len() + 1 < self.config.reps
    }

    /// The replicate in progress: its number.
    pub fn replicate(&self) -> usize {
        self.finished_replicates.len()
    }

    /// The replicate in progress alone, as [`Experiment::resume`](crate::engine::Experiment::resume) takes it:
    /// its own seed, one replicate.
    pub(crate) fn replicate_checkpoint(&self) -> Checkpoint {
        Checkpoint {
            config: crate::engine::records::replicates::replicate(&self.config, self.replicate()),
            finished_replicates: Vec::new(),
            ..self.clone()
        }
    }

    /// A replicate's checkpoint as part of the whole experiment `config`,
    /// after the `finished` replicates.
    pub fn within_replicates(self, config: &ExperimentConfig, finished: &[Vec<RoundReport>]) -> Checkpoint {
        Checkpoint { config: config.clone(), finished_replicates: finished.to_vec(), ..self }
    }

    /// Replicate `n` as a run of its own: its configuration (seed + n, one replicate) and its finished
    /// rounds, masks included. What a tool that measures one replicate's ticket (transfer, stability)
    /// starts from, so its θ0, data and mask are of the same seed. Err names the replicates there are.
    pub fn replicate_run(&self, n: usize) -> Result<ReplicateRun, String> {
        // The finished replicates, then the one in progress: only the one asked for is copied.
        let finished = self.finished_replicates.len();
        let of = |i: usize| if i < finished { &self.finished_replicates[i] } else { &self.rounds };
        let rounds = (n <= finished).then_some(of(n)).filter(|r| !r.is_empty()).cloned().ok_or_else(|| {
            let with_rounds = (0..=finished).take_while(|&i| !of(i).is_empty()).count();
            format!(
                "there is no replicate {} with finished rounds: this run has {} (replicates 1 to {with_rounds})",
                n + 1,
                with_rounds
            )
        })?;
        let mut config = crate::engine::records::replicates::replicate(&self.config, n);
        config.reps = 1;
        Ok(ReplicateRun { index: n, config, rounds })
    }

    /// Every replicate's finished rounds, the one in progress last.
    pub fn all_replicates(&self) -> Vec<Vec<RoundReport>> {
        let mut all = self.finished_replicates.clone();
        all.push(self.rounds.clone());
        all
    }
}
