//! Sweeps: many runs of the same engine, planned from a grid, run by a local
//! pool or a Slurm job array, and merged into means and spreads.
//!
//! A sweep lives in one folder:
//! - `manifest.jsonl`: one run per line ([`Run`]), written by [`plan`];
//! - `runs/<name>/report.json`: a finished run (written atomically: a
//!   temporary file, then a rename), or `runs/<name>/error.txt`: why it failed;
//! - `summary.json` and `summary.md`: what [`merge`] found;
//! - `own_data.json`: the rows of a sweep on a CSV file (the grid's
//!   `data_file`), so every run, on any node, trains on what was planned.
//!
//! Runs are named as OpenLTH names them: a short hash of the settings that
//! differ from the defaults, plus the replicate, so the same run always
//! gets the same name and a finished run is never redone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::engine::config::{ExperimentConfig, PRESETS, preset};
use crate::engine::data::own_data::{self, OwnData};
use crate::engine::device::Native;
use crate::engine::figures::FigureKey;
use crate::engine::records::replicates::{self, RoundSpread, Spread};
pub use crate::engine::records::sweep_summary::{
    ConfigurationSummary, SUMMARY_FORMAT, SUMMARY_VERSION, Summary, Unfinished,
};
use crate::engine::{self, Experiment, Report};
use crate::url::{self, UrlState};

/// A grid may expand to at most this many runs.
pub(crate) const MAX_RUNS: usize = 10_000;
/// The manifest's name in a sweep folder.
pub const MANIFEST: &str = "manifest.jsonl";
/// Hex digits of a configuration's name.
const NAME_DIGITS: usize = 10;
/// Settings that do not change what a run computes, or that the manifest
/// expands itself: left out of a configuration's name.
const UNNAMED_KEYS: &[&str] = &["reps", "backend"];
/// The rows of a sweep on own data, in its folder.
pub const OWN_DATA: &str = "own_data.json";
/// Grid keys that name own data rather than a setting: the CSV file
/// (relative to the grid file), its label column and the columns left out,
/// as `lottery run --data-file F --label C --drop A,B` takes them.
pub(crate) const DATA_FILE_KEY: &str = "data_file";
pub(crate) const LABEL_KEY: &str = "label";
pub(crate) const DROP_KEY: &str = "drop";
const OWN_DATA_KEYS: [&str; 3] = [DATA_FILE_KEY, LABEL_KEY, DROP_KEY];

/// One run of a sweep: a line of the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub index: usize,
    /// `<configuration>-r<replicate>`: the folder under `runs/`.
    pub name: String,
    /// The hash of the configuration's non-default settings, shared by its replicates.
    pub configuration: String,
    /// The non-default settings, as a query string (seed is the base seed).
    pub settings: String,
    pub replicate: usize,
    /// The configuration this run trains: its own seed, one replicate.
    pub config: ExperimentConfig,
}

/// The settings of a state that differ from the defaults, in table order.
fn non_default(state: &UrlState) -> Vec<(String, String)> {
    url::differences(state, &UrlState::default()).into_iter().map(|(s, v)| (s.key.to_string(), v)).collect()
}

/// A configuration's name: the first digits of the SHA-256 of its non-default settings.
fn configuration_name(settings: &str) -> String {
    sha256_prefix(settings.as_bytes(), NAME_DIGITS)
}

/// The first `digits` hex digits of the SHA-256 of `bytes` (run names; the page's module in a report).
pub(crate) fn sha256_prefix(bytes: &[u8], digits: usize) -> String {
    let hex: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    hex[..digits.min(hex.len())].to_string()
}

/// A grid value as the URL writes it, or why it cannot be one.
fn url_value(key: &str, v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        other => Err(format!("{key}: {other} is not a number, a word or true/false")),
    }
}

/// Expand a grid (TOML: URL keys, plus `preset` for the base; a list
/// multiplies) into runs. A bad grid is refused with a message naming the
/// key, before anything runs.
pub fn plan(grid: &str) -> Result<Vec<Run>, String> {
    plan_in(grid, Path::new(".")).map(|planned| planned.runs)
}

/// A planned sweep: its runs, and the rows they train on when the grid names a CSV file.
#[derive(Debug)]
pub struct Planned {
    pub runs: Vec<Run>,
    pub own: Option<own_data::Imported>,
}

/// The grid's own data: `data_file` (read relative to `grid_dir`), `label`, `drop`.
fn grid_own_data(table: &toml::Table, grid_dir: &Path) -> Result<Option<own_data::Imported>, String> {
    let word = |key: &str| match table.get(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("{key}: {other} is not a column's name")),
    };
    let Some(file) = word(DATA_FILE_KEY)? else {
        return match OWN_DATA_KEYS.iter().find(|k| table.contains_key(**k)) {
            Some(k) => Err(format!("{k}: only with {DATA_FILE_KEY}, the CSV file it applies to")),
            None => Ok(None),
        };
    };
    let drop = match table.get(DROP_KEY) {
        None => Vec::new(),
        Some(toml::Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(|| format!("{DROP_KEY}: {v} is not a column's name")))
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(format!("{DROP_KEY}: {other} is not a list of columns")),
    };
    own_data::from_file(&grid_dir.join(file), word(LABEL_KEY)?.as_deref(), &drop).map(Some)
}

/// [`plan`], with a grid that may name a CSV file (`data_file`, relative to `grid_dir`).
pub fn plan_in(grid: &str, grid_dir: &Path) -> Result<Planned, String> {
    let table: toml::Table = grid.parse().map_err(|e: toml::de::Error| format!("not a grid file: {}", e.message()))?;
    let own = grid_own_data(&table, grid_dir)?;
    let base = match table.get("preset") {
        None => String::new(),
        Some(toml::Value::String(p)) if preset(p).is_some() => format!("preset={p}"),
        Some(other) => {
            return Err(format!("preset: {other} is not one of {}", PRESETS.join(", ")));
        }
    };
    for key in table.keys().filter(|k| *k != "preset" && !OWN_DATA_KEYS.contains(&k.as_str())) {
        if url::get(&UrlState::default(), key).is_none() {
            let keys: Vec<&str> = url::SETTINGS.iter().map(|s| s.key).collect();
            let own = OWN_DATA_KEYS.join(", ");
            return Err(format!("{key}: not a setting; the keys are preset, {own}, {}", keys.join(", ")));
        }
    }
    // Each key's values, in the settings' order, each checked alone first.
    let mut axes: Vec<(&str, Vec<String>)> = Vec::new();
    for setting in url::SETTINGS {
        let Some(value) = table.get(setting.key) else { continue };
        let values = match value {
            toml::Value::Array(list) if list.is_empty() => return Err(format!("{}: an empty list", setting.key)),
            toml::Value::Array(_) if setting.key == "reps" => {
                return Err("reps: one number of replicates, not a list".into());
            }
            toml::Value::Array(list) => {
                list.iter().map(|v| url_value(setting.key, v)).collect::<Result<Vec<_>, _>>()?
            }
            v => vec![url_value(setting.key, v)?],
        };
        for v in &values {
            url::check_value(setting.key, v).map_err(|why| format!("{} = {v}: {why}", setting.key))?;
        }
        axes.push((setting.key, values));
    }
    let configurations: usize = axes.iter().map(|(_, v)| v.len()).product();
    let (base_state, _) = url::decode(&base);
    let reps = match axes.iter().find(|(k, _)| *k == "reps") {
        Some((_, v)) => v[0].parse::<usize>().unwrap_or(1),
        None => base_state.config.reps,
    };
    let total = configurations.saturating_mul(reps);
    if total > MAX_RUNS {
        return Err(format!("{total} runs ({configurations} configurations × {reps} replicates); at most {MAX_RUNS}"));
    }
    let mut runs = Vec::with_capacity(total);
    for c in 0..configurations {
        // The c-th combination, the last key varying fastest.
        let mut query = base.clone();
        let mut rest = c;
        let mut picks = Vec::with_capacity(axes.len());
        for (key, values) in axes.iter().rev() {
            picks.push((*key, &values[rest % values.len()]));
            rest /= values.len();
        }
        for (key, value) in picks.iter().rev() {
            write!(query, "&{key}={}", url::encode_component(value)).expect("a String");
        }
        let (mut state, notices) = url::decode(&query);
        if let Some(n) = notices.first() {
            return Err(format!("{}: {} (in the combination {query})", n.key, n.message));
        }
        // On own data the rows' digest is part of the name: another file, another configuration.
        let mut digest = String::new();
        if let Some(own) = &own {
            let shape = own.data.shape();
            digest = format!("#{}", shape.digest);
            url::use_own_data(&mut state, shape, own.data.rows());
        }
        let named: Vec<(String, String)> =
            non_default(&state).into_iter().filter(|(k, _)| !UNNAMED_KEYS.contains(&k.as_str())).collect();
        let settings = form_urlencoded::Serializer::new(String::new()).extend_pairs(named).finish();
        let configuration = configuration_name(&format!("{settings}{digest}"));
        for r in 0..state.config.reps {
            runs.push(Run {
                index: runs.len(),
                name: format!("{configuration}-r{r}"),
                configuration: configuration.clone(),
                settings: settings.clone(),
                replicate: r,
                config: replicates::replicate(&state.config, r),
            });
        }
    }
    Ok(Planned { runs, own })
}

/// Keep a sweep's rows in its folder (beside the manifest).
pub fn write_own_data(dir: &Path, own: &OwnData) -> Result<(), String> {
    let json = serde_json::to_string(own).map_err(|e| e.to_string())?;
    write_atomically(&dir.join(OWN_DATA), &json)
}

/// The rows a sweep on own data trains on, read from its folder.
fn read_own_data(dir: &Path) -> Result<OwnData, String> {
    let path = dir.join(OWN_DATA);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn manifest_text(runs: &[Run]) -> String {
    runs.iter().map(|r| serde_json::to_string(r).expect("a run serialises") + "\n").collect()
}

/// Write the manifest into `dir` (created). A folder that already holds a
/// different sweep is refused, so no finished run is mixed up or lost.
pub fn write_manifest(dir: &Path, runs: &[Run]) -> Result<(), String> {
    let path = dir.join(MANIFEST);
    let text = manifest_text(runs);
    if let Ok(old) = std::fs::read_to_string(&path) {
        if old == text {
            return Ok(());
        }
        return Err(format!("{} already holds a different sweep; plan into another folder", dir.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    write_atomically(&path, &text)
}

/// The runs of a sweep folder.
pub fn read_manifest(dir: &Path) -> Result<Vec<Run>, String> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("{} line {}: {e}", path.display(), i + 1)))
        .collect()
}

/// Write `text` to `path` so that a reader sees the old file or the whole
/// new one, never half of it: a temporary file beside it, then a rename.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn run_dir(dir: &Path, run: &Run) -> PathBuf {
    dir.join("runs").join(&run.name)
}

/// Where a run stands, read from its folder.
#[derive(Debug)]
pub enum RunState {
    Done(Box<Report>),
    Failed(String),
    Missing,
}

pub fn state(dir: &Path, run: &Run) -> RunState {
    let folder = run_dir(dir, run);
    if let Ok(text) = std::fs::read_to_string(folder.join("report.json")) {
        // A report cut short by a crash does not parse: the run is redone.
        if let Ok(report) = serde_json::from_str::<Report>(&text) {
            return RunState::Done(Box::new(report));
        }
    }
    match std::fs::read_to_string(folder.join("error.txt")) {
        Ok(why) => RunState::Failed(why.trim().to_string()),
        Err(_) => RunState::Missing,
    }
}

/// Train one configuration to its end, headless.
pub fn train(config: &ExperimentConfig, backend: Native, data_dir: &Path) -> Result<Report, String> {
    train_on(config, backend, data_dir, None)
}

/// [`train`], on own rows when the configuration names them.
pub(crate) fn train_on(
    config: &ExperimentConfig,
    backend: Native,
    data_dir: &Path,
    own: Option<&OwnData>,
) -> Result<Report, String> {
    let (device, name) = backend.open()?;
    let data = match own {
        Some(own) => engine::build_own_dataset(config, own),
        None => engine::load_dataset(config, data_dir),
    }
    .map_err(|e| e.to_string())?;
    let mut experiment = Experiment::new(config.clone(), data, &device).map_err(|e| e.to_string())?;
    experiment.set_ticket_link(url::ticket_link(config));
    pollster::block_on(experiment.run_to_end(usize::MAX, |_| {})).map_err(|e| e.to_string())?;
    Ok(experiment.report(&name))
}

/// What [`run_one`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Its report was already there.
    AlreadyDone,
    Trained,
}

/// Run line `index` of the manifest, unless its report is already written.
/// A failure is written to the run's `error.txt` and returned.
pub fn run_one(dir: &Path, index: usize, backend: Native, data_dir: &Path) -> Result<Outcome, String> {
    let runs = read_manifest(dir)?;
    let run =
        runs.get(index).ok_or_else(|| format!("the manifest has {} runs; there is no run {index}", runs.len()))?;
    if let RunState::Done(_) = state(dir, run) {
        return Ok(Outcome::AlreadyDone);
    }
    let folder = run_dir(dir, run);
    std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    let result = run.config.validate().map_err(|e| e.to_string()).and_then(|()| {
        let own = match run.config.own_shape() {
            Some(_) => Some(read_own_data(dir)?),
            None => None,
        };
        train_on(&run.config, backend, data_dir, own.as_ref())
    });
    match result {
        Ok(report) => {
            let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            write_atomically(&folder.join("report.json"), &json)?;
            let _ = std::fs::remove_file(folder.join("error.txt"));
            Ok(Outcome::Trained)
        }
        Err(why) => {
            let why = format!("run {index} ({}): {why}", run.name);
            write_atomically(&folder.join("error.txt"), &format!("{why}\n"))?;
            Err(why)
        }
    }
}

/// Merge what the runs wrote: `summary.json` and `summary.md` in `dir`.
pub fn merge(dir: &Path) -> Result<Summary, String> {
    let runs = read_manifest(dir)?;
    // Configurations in manifest order, each with its runs' rounds.
    struct Group<'a> {
        first: &'a Run,
        rounds: Vec<Vec<engine::RoundReport>>,
        planned: usize,
    }
    let mut groups: Vec<Group> = Vec::new();
    let (mut missing, mut failed) = (Vec::new(), Vec::new());
    let mut builds: Vec<engine::BuildInfo> = Vec::new();
    for run in &runs {
        let i = match groups.iter().position(|g| g.first.configuration == run.configuration) {
            Some(i) => i,
            None => {
                groups.push(Group { first: run, rounds: Vec::new(), planned: 0 });
                groups.len() - 1
            }
        };
        groups[i].planned += 1;
        match state(dir, run) {
            RunState::Done(report) => {
                builds.extend(report.build.filter(|b| !builds.contains(b)));
                groups[i].rounds.push(report.rounds)
            }
            RunState::Failed(why) => {
                failed.push(Unfinished { index: run.index, name: run.name.clone(), error: Some(why) })
            }
            RunState::Missing => missing.push(Unfinished { index: run.index, name: run.name.clone(), error: None }),
        }
    }
    let configurations = groups
        .into_iter()
        .map(|g| ConfigurationSummary {
            configuration: g.first.configuration.clone(),
            settings: g.first.settings.clone(),
            config: g.first.config.clone(),
            replicates: g.rounds.len(),
            replicates_planned: g.planned,
            rounds: replicates::summarise(&g.rounds),
        })
        .collect();
    let summary =
        Summary { format: SUMMARY_FORMAT.into(), version: SUMMARY_VERSION, configurations, missing, failed, builds };
    let json = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    write_atomically(&dir.join("summary.json"), &json)?;
    write_atomically(&dir.join("summary.md"), &markdown(&summary))?;
    Ok(summary)
}

fn mean_sd(s: &replicates::Spread, scale: f64, digits: usize) -> String {
    format!("{:.digits$} ± {:.digits$}", s.mean * scale, s.sd * scale)
}

/// Why tickets win, over replicates: the task's score (test accuracy; a policy's mean return ÷ 500, a
/// generator's share of modes covered) of the ticket beside Zhou et al.'s controls and the untrained supermask,
/// mean ± sd in %, and how alike the replicates' masks are (mean pairwise Jaccard, and that of random masks of the
/// same counts). None when the rounds measured none of these.
pub fn why_table(rounds: &[RoundSpread]) -> Option<String> {
    let any = |f: fn(&RoundSpread) -> bool| rounds.iter().any(f);
    let controls = any(|r| r.same_signs.is_some() || r.shuffled.is_some() || r.constant_signs.is_some());
    let overlap = any(|r| r.mask_overlap.is_some());
    if !controls && !overlap && !any(|r| r.supermask.is_some()) {
        return None;
    }
    let mut md = String::from("| round | weights remaining % | ticket % |");
    let mut rule = String::from("|---:|---:|---:|");
    if controls {
        md.push_str(" same signs % | shuffled % | constant with signs % |");
        rule.push_str("---:|---:|---:|");
    }
    md.push_str(" supermask (untrained) % |");
    rule.push_str("---:|");
    if overlap {
        md.push_str(" mask overlap (Jaccard) | random masks' overlap |");
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(md, "\n{rule}");
    let score =
        |n: Option<&replicates::NetworkSpread>| n.map_or_else(|| "–".into(), |n| mean_sd(&n.test_accuracy, 100.0, 1));
    for r in rounds {
        let _ = write!(md, "| {} | {:.2} | {} |", r.round, r.weights_remaining * 100.0, score(Some(&r.ticket)));
        if controls {
            let _ = write!(
                md,
                " {} | {} | {} |",
                score(r.same_signs.as_ref()),
                score(r.shuffled.as_ref()),
                score(r.constant_signs.as_ref())
            );
        }
        let _ = write!(md, " {} |", r.supermask.as_ref().map_or_else(|| "–".into(), |s| mean_sd(s, 100.0, 1)));
        if overlap {
            match &r.mask_overlap {
                Some(o) => {
                    let _ = write!(md, " {:.3} | {:.3} |", o.network.jaccard, o.network.random);
                }
                None => md.push_str(" – | – |"),
            }
        }
        md.push('\n');
    }
    Some(md)
}

/// Rounds over replicates as a Markdown table: mean ± sd.
pub fn spread_table(rounds: &[RoundSpread]) -> String {
    if rounds.first().is_some_and(|r| r.ticket.steps_to_generalise.is_some()) {
        return milestone_table(rounds);
    }
    // A task's own table, by the headline of the figures its tickets carry.
    match rounds.first().and_then(|r| r.ticket.figures.keys().next()) {
        Some(FigureKey::MeanReturn) => return return_table(rounds),
        Some(FigureKey::ModesCovered) => return coverage_table(rounds),
        Some(FigureKey::TestMse) => return error_table(rounds),
        _ => {}
    }
    let mut md = String::from(
        "| round | weights remaining % | ticket acc % | ticket early-stop iter | reinit acc % | random-mask acc % |\n\
         |---:|---:|---:|---:|---:|---:|\n",
    );
    let control = |n: &Option<replicates::NetworkSpread>| {
        n.as_ref().map_or_else(|| "–".to_string(), |n| mean_sd(&n.test_accuracy, 100.0, 2))
    };
    for r in rounds {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {} | {} | {} | {} |",
            r.round,
            r.weights_remaining * 100.0,
            mean_sd(&r.ticket.test_accuracy, 100.0, 2),
            mean_sd(&r.ticket.early_stop_iteration, 1.0, 0),
            control(&r.reinit),
            control(&r.random_mask)
        );
    }
    md
}

/// A regression's table over replicates: each network's test mean squared error after training, mean ± sd with
/// min–max (lower is better).
pub(crate) fn error_table(rounds: &[RoundSpread]) -> String {
    let error = |n: Option<&replicates::NetworkSpread>| match n.and_then(|n| n.figures.get(FigureKey::TestMse)) {
        Some(s) => format!("{} ({:.4}–{:.4})", mean_sd(s, 1.0, 4), s.min, s.max),
        None => "–".to_string(),
    };
    let heads = "ticket test MSE, mean ± sd (min–max) | reinit test MSE | random-mask test MSE";
    three_networks_table(rounds, heads, error)
}

/// A policy's table over replicates: each network's mean return after training (greedy, the seeded test
/// episodes), as the median over replicates and mean ± sd.
pub(crate) fn return_table(rounds: &[RoundSpread]) -> String {
    let ret = |n: Option<&replicates::NetworkSpread>| match n.and_then(|n| median_and_spread(n, FigureKey::MeanReturn))
    {
        Some((median, spread)) => format!("{median:.0} ({})", mean_sd(spread, 1.0, 0)),
        None => "–".to_string(),
    };
    three_networks_table(rounds, "ticket return, median (mean ± sd) | reinit return | random-mask return", ret)
}

/// A figure's median over replicates and its spread, where its summaries carry a median.
fn median_and_spread(n: &replicates::NetworkSpread, key: FigureKey) -> Option<(f64, &Spread)> {
    n.figures.median(key).zip(n.figures.get(key))
}

/// Rounds over replicates with one figure of the ticket, the reinit and the random mask each (`heads`: their
/// three column heads, " | " between), written by `cell`.
fn three_networks_table(
    rounds: &[RoundSpread],
    heads: &str,
    cell: impl Fn(Option<&replicates::NetworkSpread>) -> String,
) -> String {
    let mut md = format!("| round | weights remaining % | {heads} |\n|---:|---:|---:|---:|---:|\n");
    for r in rounds {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {} | {} | {} |",
            r.round,
            r.weights_remaining * 100.0,
            cell(Some(&r.ticket)),
            cell(r.reinit.as_ref()),
            cell(r.random_mask.as_ref())
        );
    }
    md
}

/// A generator's table over replicates: each network's modes covered and high-quality share after training,
/// the median over replicates with mean ± sd.
pub(crate) fn coverage_table(rounds: &[RoundSpread]) -> String {
    let mut md = String::from(
        "| round | weights remaining % | ticket modes, median (mean ± sd) | ticket quality % | reinit modes \
         | reinit quality % | random-mask modes | random-mask quality % |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let modes =
        |n: Option<&replicates::NetworkSpread>| match n.and_then(|n| median_and_spread(n, FigureKey::ModesCovered)) {
            Some((median, spread)) => format!("{median:.1} ({})", mean_sd(spread, 1.0, 1)),
            None => "–".to_string(),
        };
    let quality = |n: Option<&replicates::NetworkSpread>| match n
        .and_then(|n| n.figures.median(FigureKey::HighQualityFraction))
    {
        Some(median) => format!("{:.1}", median * 100.0),
        None => "–".to_string(),
    };
    for r in rounds {
        let _ = writeln!(
            md,
            "| {} | {:.2} | {} | {} | {} | {} | {} | {} |",
            r.round,
            r.weights_remaining * 100.0,
            modes(Some(&r.ticket)),
            quality(Some(&r.ticket)),
            modes(r.reinit.as_ref()),
            quality(r.reinit.as_ref()),
            modes(r.random_mask.as_ref()),
            quality(r.random_mask.as_ref()),
        );
    }
    md
}

/// Modular addition's tables over replicates, one cell per network that trained (the ticket, then each control
/// that ran): the step at which it generalises (test accuracy ≥ 95%), then the step at which it memorises its
/// training pairs (train ≥ 95%, t_mem) and τ = t_gen / t_mem. Each cell is the median over replicates ("never"
/// when half or more never got there), the earliest and latest among those that did, and how many did.
pub(crate) fn milestone_table(rounds: &[RoundSpread]) -> String {
    use crate::engine::lottery::controls::Control;
    let controls: Vec<Control> =
        Control::ALL.into_iter().filter(|&c| rounds.iter().any(|r| r.control(c).is_some())).collect();
    fn each<'a>(r: &'a RoundSpread, controls: &[Control]) -> Vec<Option<&'a replicates::NetworkSpread>> {
        std::iter::once(Some(&r.ticket)).chain(controls.iter().map(|&c| r.control(c))).collect()
    }
    let names: Vec<&str> = std::iter::once("ticket").chain(controls.iter().map(|c| c.phase().label())).collect();
    let cell = |m: Option<&replicates::Milestone>, decimals: usize| match m {
        None => "–".to_string(),
        Some(m) => {
            let median = m.median.map_or_else(|| "never".to_string(), |v| format!("{v:.decimals$}"));
            let range = match (m.first, m.last) {
                (Some(a), Some(b)) => format!("{a:.decimals$}–{b:.decimals$}, "),
                _ => String::new(),
            };
            format!("{median} ({range}{}/{})", m.reached, m.n)
        }
    };
    let heads: String = names.iter().map(|n| format!(" {n} generalises at |")).collect();
    let mut md = format!(
        "| round | weights remaining % | ticket test acc % |{heads}\n|---:|---:|---:|{}\n",
        "---:|".repeat(names.len())
    );
    for r in rounds {
        let cells: String = each(r, &controls)
            .into_iter()
            .map(|n| format!(" {} |", cell(n.and_then(|n| n.steps_to_generalise.as_ref()), 0)))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {:.2} | {} |{cells}",
            r.round,
            r.weights_remaining * 100.0,
            mean_sd(&r.ticket.test_accuracy, 100.0, 1)
        );
    }
    let heads: String = names.iter().map(|n| format!(" {n} memorises at | {n} τ |")).collect();
    let _ = write!(md, "\n| round |{heads}\n|---:|{}\n", "---:|---:|".repeat(names.len()));
    for r in rounds {
        let cells: String = each(r, &controls)
            .into_iter()
            .map(|n| {
                let fit = cell(n.and_then(|n| n.steps_to_fit.as_ref()), 0);
                format!(" {fit} | {} |", cell(n.and_then(|n| n.grokking_ratio.as_ref()), 1))
            })
            .collect();
        let _ = writeln!(md, "| {} |{cells}", r.round);
    }
    md
}

/// The merged table: per configuration and round, mean ± sd over replicates.
pub fn markdown(summary: &Summary) -> String {
    let mut md = String::new();
    for c in &summary.configurations {
        let pairs: Vec<String> =
            form_urlencoded::parse(c.settings.as_bytes()).map(|(k, v)| format!("{k}={v}")).collect();
        let settings = if pairs.is_empty() { "defaults".to_string() } else { pairs.join(" ") };
        let _ = writeln!(
            md,
            "### {} ({settings}): {} of {} replicates\n",
            c.configuration, c.replicates, c.replicates_planned
        );
        md.push_str(&spread_table(&c.rounds));
        md.push('\n');
        if let Some(why) = why_table(&c.rounds) {
            md.push_str("Why tickets win (mean ± sd):\n\n");
            md.push_str(&why);
            md.push('\n');
        }
    }
    for (what, list) in [("Missing", &summary.missing), ("Failed", &summary.failed)] {
        if list.is_empty() {
            continue;
        }
        let indices: Vec<String> = list.iter().map(|u| u.index.to_string()).collect();
        let _ = writeln!(
            md,
            "{what} runs (manifest indices {}; resubmit with `--array={}`):\n",
            indices.join(", "),
            indices.join(",")
        );
        for u in list {
            let _ = writeln!(
                md,
                "- {} {}{}",
                u.index,
                u.name,
                u.error.as_ref().map(|e| format!(": {e}")).unwrap_or_default()
            );
        }
        md.push('\n');
    }
    for b in &summary.builds {
        let _ = writeln!(md, "Computed by: {}\n", b.line());
    }
    md
}

/// What `lottery sweep slurm` writes.
#[derive(Clone, Debug, Default)]
pub struct SlurmOptions {
    pub partition: Option<String>,
    pub gres: Option<String>,
    pub time: Option<String>,
    /// At most this many array tasks at once (`%K`).
    pub max_parallel: Option<usize>,
}

fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// The job array over the manifest, and the merge job that runs after it
/// whatever its tasks' fate (`afterany`). Returns the two scripts' paths.
pub fn write_slurm_scripts(
    dir: &Path,
    runs: usize,
    options: &SlurmOptions,
    lottery: &Path,
    backend: &str,
    data_dir: &Path,
) -> Result<(PathBuf, PathBuf), String> {
    if runs == 0 {
        return Err("the manifest has no runs".into());
    }
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let mut header = String::from("#!/bin/bash\n");
    for (flag, value) in [("partition", &options.partition), ("gres", &options.gres), ("time", &options.time)] {
        if let Some(v) = value {
            let _ = writeln!(header, "#SBATCH --{flag}={v}");
        }
    }
    let throttle = options.max_parallel.map(|k| format!("%{k}")).unwrap_or_default();
    let array = format!(
        "{header}#SBATCH --job-name=lottery-sweep\n#SBATCH --array=0-{}{throttle}\n#SBATCH --output={}/%A_%a.out\n\
         set -euo pipefail\n\
         # Each task runs one line of the manifest ($SLURM_ARRAY_TASK_ID); a finished run is skipped.\n\
         exec {} sweep run-one {} --backend {backend} --data-dir {}\n",
        runs - 1,
        logs.display(),
        quote(lottery),
        quote(dir),
        quote(data_dir)
    );
    let merge = format!(
        "#!/bin/bash\n#SBATCH --job-name=lottery-merge\n#SBATCH --output={}/merge_%j.out\nset -euo pipefail\n\
         exec {} sweep merge {}\n",
        logs.display(),
        quote(lottery),
        quote(dir)
    );
    let (array_path, merge_path) = (dir.join("sweep.sbatch"), dir.join("merge.sbatch"));
    write_atomically(&array_path, &array)?;
    write_atomically(&merge_path, &merge)?;
    Ok((array_path, merge_path))
}
