//! `lottery`: the engine, headless. Runs an experiment natively with a
//! progress bar per round, prints the table of rounds, and writes the JSON
//! report.
//!
//! ```text
//! lottery run --preset lenet-mnist --set rounds=5 --backend cpu --out r.json
//! ```

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(not(target_arch = "wasm32"))]
#[path = "lottery/export.rs"]
mod export;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Instant;

    use super::export;
    use clap::{Parser, Subcommand};
    use indicatif::{ProgressBar, ProgressStyle};
    use lottery_ticket_lab::engine::config::ResetMode;
    use lottery_ticket_lab::engine::figures::FigureKey;
    use lottery_ticket_lab::engine::records::checkpoint::ReplicateRun;
    use lottery_ticket_lab::engine::records::compact;
    use lottery_ticket_lab::engine::tasks::TaskKind;
    use lottery_ticket_lab::engine::{self, Choice, Event, Experiment, Report, config::PRESETS, device};
    use lottery_ticket_lab::engine::{lottery::transfer, records::replicates, records::verdict::Verdict};
    use lottery_ticket_lab::page_exact::PageEngine;
    use lottery_ticket_lab::worker::protocol::FromWorker;
    use lottery_ticket_lab::{sweep, url};

    #[derive(Parser)]
    #[command(name = "lottery", about = "Iterative magnitude pruning with rewinding: find winning lottery tickets.")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    /// Where and how a command trains, and where its report goes (`run` and `transfer`).
    #[derive(clap::Args)]
    struct Training {
        #[arg(long, default_value = "cpu", value_parser = backend)]
        backend: Backend,
        /// Write the JSON report here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where the image sets live.
        #[arg(long, default_value = "web/data")]
        data_dir: PathBuf,
        /// Steps between progress updates.
        #[arg(long, default_value_t = 50)]
        chunk: usize,
    }

    /// What `instability` measures.
    #[derive(clap::Args)]
    struct Measure {
        /// The IMP round whose mask is measured beside the dense network (0: the dense network alone).
        #[arg(long, default_value_t = 0)]
        round: usize,
        /// Rewind points, comma-separated, each below the steps per round.
        #[arg(long, value_delimiter = ',', default_value = "0")]
        k: Vec<usize>,
        /// Networks evaluated on each line, ends included.
        #[arg(long, default_value_t = lottery_ticket_lab::engine::lottery::stability::DEFAULT_POINTS)]
        points: usize,
        /// Which replicate of the configuration is measured, from 1: its own seed (seed + replicate − 1)
        /// draws θ0, the data and the IMP runs the masks come from.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
        replicate: u64,
        /// One mask for every k, from the configuration's own IMP run (its own reset), instead of one IMP run per
        /// k rewinding to that k (the paper's protocol, the default): cheaper, and not Frankle et al.'s quantity.
        #[arg(long)]
        one_mask: bool,
    }

    /// Your own data for `run`: a CSV file read exactly as the page reads it.
    #[derive(clap::Args)]
    struct OwnDataFile {
        /// Train on a CSV file: commas, semicolons (with decimal commas) or tabs, quoted fields, a header
        /// sniffed; rows with a missing value (empty, NA, NaN, null, ?) left out; word columns one-hot.
        #[arg(long, value_name = "FILE.csv")]
        data_file: Option<PathBuf>,
        /// The label column, by header name or number from 1 (default: label, class, target or y, else the last).
        #[arg(long, value_name = "COLUMN", requires = "data_file")]
        label: Option<String>,
        /// Columns to leave out, by header name or number from 1, e.g. --drop year,sex.
        #[arg(long, value_name = "COL,…", value_delimiter = ',', requires = "data_file")]
        drop: Vec<String>,
    }

    /// Where `run` trains when it must give what the page gives.
    #[derive(clap::Args)]
    struct PageExact {
        /// Train with the page's own module under Node.js (a built page folder, --page-dir), on the page's CPU
        /// path: the page's results bit for bit, on any machine (README "Reproducibility"); slower than native.
        #[arg(long, conflicts_with = "backend")]
        page_exact: bool,
        /// The built page whose module trains (make page writes dist/).
        #[arg(long, value_name = "DIR", default_value = "dist", requires = "page_exact")]
        page_dir: PathBuf,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Run an experiment and print its table of rounds.
        Run {
            // The help lists config::PRESETS, so it names every preset the page offers.
            #[arg(long, default_value = "spiral", help = format!("Starting configuration: {}.", PRESETS.join(", ")))]
            preset: String,
            /// Override a knob with its URL key, e.g. --set rounds=5 --set hidden=300,100.
            #[arg(long = "set", value_name = "KEY=VALUE")]
            set: Vec<String>,
            /// The page's link (its address, or what follows the ?): its whole configuration, in place of
            /// --preset and --set, e.g. --link 'https://…/?preset=modular&seed=3'.
            #[arg(long, value_name = "URL", conflicts_with_all = ["preset", "set"])]
            link: Option<String>,
            #[command(flatten)]
            own: OwnDataFile,
            #[command(flatten)]
            page: PageExact,
            #[command(flatten)]
            training: Training,
        },
        /// Train a run's round-R ticket (mask and θ0) on another dataset of the same network shape, beside
        /// the dense network, the same mask from fresh weights, a random mask and the target's own ticket.
        Transfer {
            /// A report of `lottery run --out`, or a ticket file exported by the page.
            #[arg(long)]
            from: PathBuf,
            /// The round whose ticket moves (its sparsity is the comparison's).
            #[arg(long)]
            round: usize,
            /// The target dataset, e.g. fashion for a ticket found on mnist.
            #[arg(long)]
            data: String,
            /// Which replicate's ticket moves, from 1 (a run with reps > 1): its mask with its own seed's θ0.
            #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
            replicate: u64,
            #[command(flatten)]
            training: Training,
        },
        /// Write a round's trained ticket as a file (the lab's compact sparse form, safetensors for PyTorch, ONNX),
        /// and print what it saves: its bytes
        /// (dense f32, dense gzipped, compact f32 / f16 / int8), the sparse kernel's test accuracy at each
        /// precision against the masked dense network's, and the time per sample, dense against sparse.
        Export {
            /// A report of `lottery run --out`, or a ticket file exported by the page.
            #[arg(long)]
            from: PathBuf,
            /// The round whose ticket is written (0: the dense network).
            #[arg(long)]
            round: usize,
            /// Which replicate's ticket, from 1 (a run with reps > 1).
            #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
            replicate: u64,
            /// The file: sparse (the lab's compact form, README "The compact ticket file"), safetensors
            /// (PyTorch's pruning convention: weight_orig, weight_mask, θ0 under init.) or onnx (opset 17, raw
            /// inputs in, the task's outputs out; any network of the lab, the transformer included).
            #[arg(long, default_value = "sparse", value_parser = export::Format::parse)]
            format: export::Format,
            /// The compact file's values: f32 (bit for bit), f16 or int8 (a scale per layer).
            #[arg(long, default_value = "f32", value_parser = precision)]
            precision: compact::Precision,
            /// Where the compact file goes.
            #[arg(long)]
            out: PathBuf,
            /// The folder of the image sets.
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
            /// Print what it saves as one JSON object (for `make bench`), not as tables.
            #[arg(long)]
            json: bool,
            /// A run on your own CSV: its file, as the run read it (a ticket file holds its rows already).
            #[command(flatten)]
            own: OwnDataFile,
        },
        /// Linear mode connectivity (Frankle et al. 2020): for each rewind point k, train two copies of θk ⊙ m on
        /// different data orders and print the error barrier on the line between them (the instability), for the
        /// dense network and the round-R ticket that IMP finds when it rewinds to k (the paper's protocol).
        Instability {
            #[arg(long, default_value = "spiral", help = format!("Starting configuration: {}.", PRESETS.join(", ")))]
            preset: String,
            /// Override a knob with its URL key, e.g. --set lr=0.01.
            #[arg(long = "set", value_name = "KEY=VALUE")]
            set: Vec<String>,
            #[command(flatten)]
            measure: Measure,
            #[command(flatten)]
            training: Training,
        },
        /// List the presets, and the settings --set accepts: key, label and help.
        Keys,
        /// Many runs of the engine: plan a grid, run it locally or on Slurm, merge.
        Sweep {
            #[command(subcommand)]
            command: SweepCommand,
        },
        /// Time one LeNet-300-100 training step (batch 60, forward, backward,
        /// Adam, masks kept) and print the figures as one JSON line.
        BenchStep {
            #[arg(long, default_value = "cpu", value_parser = backend)]
            backend: Backend,
            /// Timed blocks; the median block gives the figure.
            #[arg(long, default_value_t = 15)]
            blocks: usize,
            /// Steps per block (each block ends by waiting for the device).
            #[arg(long, default_value_t = 20)]
            steps: usize,
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
            /// The preset whose step is timed: its network, batch and optimizer, a first round's mask.
            #[arg(long, default_value = "lenet-mnist")]
            preset: String,
        },
    }

    #[derive(Subcommand)]
    enum SweepCommand {
        /// Expand a grid file (TOML: URL keys and `preset`, and `data_file`, `label`, `drop` for a CSV; lists
        /// multiply) into DIR/manifest.jsonl.
        Plan {
            grid: PathBuf,
            #[arg(long)]
            out: PathBuf,
        },
        /// Run every unfinished run of the manifest in a local pool, then merge.
        Run {
            dir: PathBuf,
            /// Runs at once (default: the cores).
            #[arg(long)]
            jobs: Option<usize>,
            #[arg(long, default_value = "cpu", value_parser = backend)]
            backend: Backend,
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
        },
        /// Run one line of the manifest (--index, or $SLURM_ARRAY_TASK_ID); a finished run is skipped.
        RunOne {
            dir: PathBuf,
            #[arg(long)]
            index: Option<usize>,
            #[arg(long, default_value = "cpu", value_parser = backend)]
            backend: Backend,
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
        },
        /// Write an sbatch job array over the manifest and a merge job after it; print how to submit them.
        Slurm {
            dir: PathBuf,
            #[arg(long)]
            partition: Option<String>,
            /// Generic resources per task, e.g. gpu:1.
            #[arg(long)]
            gres: Option<String>,
            /// At most this many tasks at once.
            #[arg(long)]
            max_parallel: Option<usize>,
            /// Time limit per task, e.g. 00:30:00.
            #[arg(long)]
            time: Option<String>,
            #[arg(long, default_value = "cpu", value_parser = backend)]
            backend: Backend,
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
        },
        /// Write DIR/summary.json and DIR/summary.md: mean and sd over replicates; list missing and failed runs.
        Merge { dir: PathBuf },
    }

    /// `--backend`: a name of [`device::Native`] (cpu, wgpu, and the GPU backends this build has).
    type Backend = device::Native;

    fn backend(name: &str) -> Result<Backend, String> {
        device::Native::parse(name)
    }

    fn exit(result: Result<(), String>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("lottery: {e}");
                ExitCode::FAILURE
            }
        }
    }

    pub fn main() -> ExitCode {
        match Cli::parse().command {
            Command::Keys => {
                println!("presets: {}", PRESETS.join(", "));
                for s in url::SETTINGS.iter() {
                    println!("{:8} {}: {}", s.key, s.label, s.help);
                }
                ExitCode::SUCCESS
            }
            Command::BenchStep { backend, blocks, steps, data_dir, preset } => {
                exit(bench_step(backend, blocks, steps, &data_dir, &preset))
            }
            Command::Run { preset, set, link, own, page, training } => {
                let state = match link {
                    Some(link) => from_link(&link),
                    None => settings(&preset, &set),
                };
                exit(state.and_then(|state| run(state, &own, &page, training)))
            }
            Command::Sweep { command } => exit(sweep_command(command)),
            Command::Instability { preset, set, measure, training } => {
                exit(instability(&preset, &set, measure, training))
            }
            Command::Transfer { from, round, data, replicate, training } => {
                exit(transfer(&from, round, &data, replicate as usize - 1, training))
            }
            Command::Export { from, round, replicate, format, precision, out, data_dir, json, own } => {
                let file = export::File { format, precision, out };
                let own = match &own.data_file {
                    None => Ok(None),
                    Some(path) => engine::data::own_data::from_file(path, own.label.as_deref(), &own.drop)
                        .map(|imported| Some(imported.data)),
                };
                exit(own.and_then(|own| export::run(&from, round, replicate as usize - 1, &file, &data_dir, own, json)))
            }
        }
    }

    fn run(mut state: url::UrlState, own: &OwnDataFile, page: &PageExact, training: Training) -> Result<(), String> {
        let Training { backend, out, data_dir, chunk } = training;
        let data_dir = data_dir.as_path();
        let own = match &own.data_file {
            None => None,
            Some(path) => {
                let imported = engine::data::own_data::from_file(path, own.label.as_deref(), &own.drop)?;
                eprintln!("{}", imported.describe());
                for note in &imported.notes {
                    eprintln!("  {note}");
                }
                let (shape, rows) = (imported.data.shape(), imported.data.rows());
                for n in url::use_own_data(&mut state, shape, rows) {
                    eprintln!("  {}: {}", n.key, n.message);
                }
                Some(imported.data)
            }
        };
        let config = state.config;
        let mut page_engine = if page.page_exact { Some(PageEngine::start(&page.page_dir)?) } else { None };
        let (device, backend_name) = match &page_engine {
            // The page's module opens its own device: its CPU path, inside Node.
            Some(_) => (device::Native::Cpu.open()?.0, PAGE_EXACT_BACKEND.to_string()),
            None => backend.open()?,
        };
        let load = |config: &engine::ExperimentConfig| {
            match &own {
                Some(own) => engine::build_own_dataset(config, own),
                None => engine::load_dataset(config, data_dir),
            }
            .map_err(|e| e.to_string())
        };
        let data = load(&config)?;
        eprintln!(
            "{}: {} train / {} val / {} test, network {} ({} weights), {} rounds of {} steps, \
             {} replicate(s), on {backend_name}",
            own.as_ref().map_or(config.data.dataset.name(), |o| o.name.as_str()),
            data.train.len(),
            data.val.len(),
            data.test.len(),
            config.network_name(),
            config.weight_count(),
            config.prune.rounds,
            config.train.steps,
            config.reps
        );
        let started = Instant::now();
        let mut reports = Vec::with_capacity(config.reps);
        for i in 0..config.reps {
            let replicate = replicates::replicate(&config, i);
            if config.reps > 1 {
                eprintln!("replicate {i}: seed {}", replicate.seed);
            }
            // The seed draws a 2D set and splits an image set: each replicate has its own.
            let data = match i {
                0 => data.clone(),
                _ => load(&replicate)?,
            };
            let mut report = match &mut page_engine {
                Some(engine) => {
                    let mut bars = RoundBars::of(&config);
                    let checkpoint = engine.train_replicate(&config, i, own.as_ref(), |message| match message {
                        FromWorker::Progress { progress, .. } => bars.progress(progress),
                        FromWorker::Round { report, .. } => bars.round_done(report),
                        _ => {}
                    })?;
                    Report {
                        seed: replicate.seed,
                        config: replicate,
                        backend: String::new(),
                        rounds: checkpoint.rounds,
                        build: Some(engine.build.clone()),
                    }
                }
                None => train_with_progress(replicate, data, &device, chunk)?,
            };
            report.backend = backend_name.clone();
            print!("{}", table(&report));
            if let Some(saves) = export::bytes_table(&report.rounds) {
                print!("\nWhat the ticket saves, as files (bytes; `lottery export` writes them):\n{saves}");
            }
            let headline = report.config.task_row().headline();
            print!("{}", verdict_text(&Verdict::of_reports(headline, &report.rounds)));
            let p = &report.config.prune;
            if p.control_signs || p.control_shuffled || p.control_constant {
                let one = replicates::summarise(std::slice::from_ref(&report.rounds));
                print!("\nWhy tickets win:\n{}", sweep::why_table(&one).unwrap_or_default());
            }
            if let Some(early) = report.rounds.first().and_then(|r| r.early_bird.as_ref()) {
                println!("{}", early_bird_line(early, report.config.train.steps));
            }
            reports.push(report);
        }
        eprintln!("finished in {:.1} s", started.elapsed().as_secs_f64());
        let json = if config.reps == 1 {
            serde_json::to_string_pretty(&reports[0])
        } else {
            let rounds: Vec<_> = reports.iter().map(|r| r.rounds.clone()).collect();
            let summary = replicates::summarise(&rounds);
            println!("\nOver {} replicates (mean ± sd):\n{}", config.reps, sweep::spread_table(&summary));
            let headline = config.task_row().headline();
            print!("{}", verdict_text(&Verdict::of_spreads(headline, &summary, config.reps)));
            if let Some(why) = sweep::why_table(&summary) {
                println!("Why tickets win (mean ± sd):\n{why}");
            }
            serde_json::to_string_pretty(&serde_json::json!({
                "config": config,
                "replicates": reports,
                "summary": summary,
            }))
        }
        .map_err(|e| e.to_string())?;
        if let Some(path) = out {
            std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        Ok(())
    }

    /// Train one experiment with a progress bar per round.
    /// A preset refined by `--set KEY=VALUE` pairs, as a link would; refused with every reason if a setting was not
    /// taken as given.
    fn settings(preset: &str, set: &[String]) -> Result<url::UrlState, String> {
        if engine::preset(preset).is_none() {
            return Err(format!("no preset called '{preset}'; try one of {}", PRESETS.join(", ")));
        }
        let mut query = format!("preset={preset}");
        for kv in set {
            if !kv.contains('=') {
                return Err(format!("--set {kv}: expected KEY=VALUE"));
            }
            query.push('&');
            query.push_str(kv);
        }
        decode_exactly(&query, "the settings")
    }

    /// A query's configuration, refused with every reason if a setting was not taken as given.
    fn decode_exactly(query: &str, what: &str) -> Result<url::UrlState, String> {
        let (state, notices) = url::decode(query);
        if !notices.is_empty() {
            let lines: Vec<String> = notices.iter().map(|n| format!("  {}: {}", n.key, n.message)).collect();
            return Err(format!("{what} were not taken as given:\n{}", lines.join("\n")));
        }
        Ok(state)
    }

    /// `lottery instability`: the round's mask from the configuration's own IMP run (cut short at `round`), θk
    /// from one dense run, then two copies per k and network.
    fn instability(preset: &str, set: &[String], measure: Measure, training: Training) -> Result<(), String> {
        use lottery_ticket_lab::engine::lottery::stability;
        let Training { backend, out, data_dir, chunk } = training;
        let Measure { round, k: mut ks, points, replicate, one_mask } = measure;
        let replicate = replicate as usize - 1;
        ks.sort_unstable();
        ks.dedup();
        let whole = settings(preset, set)?.config;
        let mut config = replicates::replicate(&whole, replicate);
        eprintln!("replicate {} (seed {})", replicate + 1, config.seed);
        if round > config.prune.rounds {
            return Err(format!("--round {round}: the configuration prunes {} rounds", config.prune.rounds));
        }
        config.prune.rounds = round;
        config.reps = 1;
        // Checked before the IMP run, so a bad --k or --points costs nothing.
        stability::StabilityPlan::new(config.clone(), None, &ks, points).map_err(|e| format!("--k / --points: {e}"))?;
        let (device, backend_name) = backend.open()?;
        let data = engine::load_dataset(&config, &data_dir).map_err(|e| e.to_string())?;
        // The IMP run behind a mask: cut short at `round`, its controls off (only the mask is wanted).
        let imp_mask = |reset: Option<usize>| -> Result<Option<engine::Mask>, String> {
            if round == 0 {
                return Ok(None);
            }
            let mut imp = config.clone();
            let p = &mut imp.prune;
            (p.control_reinit, p.control_random, p.control_signs, p.control_shuffled, p.control_constant) =
                (false, false, false, false, false);
            match reset {
                Some(0) => p.reset = ResetMode::Init,
                Some(k) => (p.reset, p.rewind_step) = (ResetMode::Rewind, k),
                None => {}
            }
            let how = match (p.reset, p.rewind_step) {
                (ResetMode::Rewind, k) => format!("rewinding to θ{k}"),
                _ => "resetting to θ0".to_string(),
            };
            eprintln!("IMP to round {round}, {how}, for its mask, on {backend_name}");
            let report = train_with_progress(imp, data.clone(), &device, chunk)?;
            Ok(report.rounds.last().map(|r| r.mask.clone()))
        };
        // Frankle et al.: at each k the mask IMP finds with rewinding to k (θ0 for k = 0), measured from that k.
        // With --one-mask, the configuration's own run's mask at every k, in one pass.
        let plans: Vec<(Vec<usize>, Option<engine::Mask>)> = if one_mask {
            vec![(ks.clone(), imp_mask(None)?)]
        } else {
            ks.iter().map(|&k| Ok((vec![k], imp_mask(Some(k))?))).collect::<Result<_, String>>()?
        };
        let ticket = plans.first().and_then(|(_, m)| m.clone());
        let mut measured = Vec::new();
        for (at, mask) in plans {
            let plan = stability::StabilityPlan::new(config.clone(), mask, &at, points)?;
            let mut measuring = stability::Stability::new(plan, data.clone(), &device);
            let mut said = String::new();
            measured.extend(loop {
                if let Some(now) = measuring.training().filter(|now| *now != said) {
                    eprintln!("{now}");
                    said = now;
                }
                if let Some(points) = pollster::block_on(measuring.advance(chunk)).map_err(|e| e.to_string())? {
                    break points.to_vec();
                }
            });
        }
        let protocol = if one_mask || round == 0 { "one mask" } else { "mask per k (Frankle et al. 2020)" };
        eprintln!("protocol: {protocol}");
        let mut md = match &ticket {
            Some(m) => format!(
                "| k | dense instability % | dense end errors % | ticket ({:.1}% of weights) instability % | \
                 ticket end errors % |\n|---:|---:|---:|---:|---:|\n",
                m.density() * 100.0
            ),
            None => "| k | dense instability % | dense end errors % |\n|---:|---:|---:|\n".to_string(),
        };
        let cells = |i: &stability::Instability| {
            let ends = (i.errors[0] * 100.0, i.errors[i.errors.len() - 1] * 100.0);
            format!(" {:.2} | {:.2} / {:.2} |", i.instability * 100.0, ends.0, ends.1)
        };
        for p in &measured {
            md.push_str(&format!("| {} |{}", p.k, cells(&p.dense)));
            md.extend(p.ticket.as_ref().map(cells));
            md.push('\n');
        }
        let rows = serde_json::to_value(&measured).map_err(|e| e.to_string())?;
        print!("{md}");
        if let Some(out) = out {
            let json = serde_json::json!({
                "config": config,
                "seed": config.seed,
                "replicate": replicate + 1,
                "round": round,
                "protocol": protocol,
                "points": points,
                "rewind_points": rows,
                "build": engine::build_info(),
            });
            let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
            std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
            eprintln!("wrote {}", out.display());
        }
        Ok(())
    }

    fn train_with_progress(
        config: engine::ExperimentConfig,
        data: engine::Dataset,
        device: &burn::tensor::Device,
        chunk: usize,
    ) -> Result<Report, String> {
        let mut bars = RoundBars::of(&config);
        let link = url::ticket_link(&config);
        let mut experiment = Experiment::new(config, data, device).map_err(|e| e.to_string())?;
        experiment.set_ticket_link(link);
        pollster::block_on(experiment.run_to_end(chunk, |event| match event {
            Event::Progress(p) => bars.progress(p),
            Event::RoundDone(r) => bars.round_done(r),
            Event::Finished => {}
        }))
        .map_err(|e| e.to_string())?;
        Ok(experiment.report(""))
    }

    /// What `run --page-exact` calls its backend in a report.
    const PAGE_EXACT_BACKEND: &str = "cpu (the page's module under Node.js)";

    /// The configuration of a page's link: the whole address or its query; refused with every reason if a setting
    /// was not taken as given.
    fn from_link(link: &str) -> Result<url::UrlState, String> {
        let query = link.split_once('?').map_or(link, |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        decode_exactly(query, "the link's settings")
    }

    /// A progress bar per round, and a line with the task's figures when a round ends.
    struct RoundBars {
        bar: Option<(usize, ProgressBar)>,
        figures: &'static [lottery_ticket_lab::engine::tasks::row::Figure],
    }

    impl RoundBars {
        fn of(config: &engine::ExperimentConfig) -> Self {
            Self { bar: None, figures: config.task_row().figures }
        }

        fn progress(&mut self, p: &engine::Progress) {
            let round_len = p.end as u64;
            if !matches!(&self.bar, Some((r, _)) if *r == p.round) {
                let style =
                    ProgressStyle::with_template("round {prefix:>2} {bar:40.cyan/blue} {pos}/{len} {msg}").unwrap();
                self.bar =
                    Some((p.round, ProgressBar::new(round_len).with_style(style).with_prefix(p.round.to_string())));
            }
            if let Some((_, b)) = &self.bar {
                b.set_length(round_len);
                b.set_position(p.iteration as u64);
                b.set_message(p.phase.label().to_string());
            }
        }

        fn round_done(&mut self, r: &engine::RoundReport) {
            if let Some((_, b)) = self.bar.take() {
                b.finish_and_clear();
            }
            // The task's figures, headline first ("ticket test accuracy 95.00 %").
            let figure = self
                .figures
                .iter()
                .filter_map(|f| r.ticket.figure(f.key).map(|v| format!("{} {}", f.head(), f.cell(v))))
                .collect::<Vec<_>>()
                .join(", ");
            let figure = format!("ticket {figure}");
            eprintln!("round {:>2}: {:>6.2}% of weights, {figure}", r.round, r.weights_remaining * 100.0);
        }
    }

    fn sweep_command(command: SweepCommand) -> Result<(), String> {
        match command {
            SweepCommand::Plan { grid, out } => {
                let text = std::fs::read_to_string(&grid).map_err(|e| format!("{}: {e}", grid.display()))?;
                let grid_dir = grid.parent().unwrap_or(std::path::Path::new("."));
                let sweep::Planned { runs, own } =
                    sweep::plan_in(&text, grid_dir).map_err(|e| format!("{}: {e}", grid.display()))?;
                sweep::write_manifest(&out, &runs)?;
                if let Some(own) = own {
                    sweep::write_own_data(&out, &own.data)?;
                    println!("{}; its rows are kept in {}", own.describe(), out.join(sweep::OWN_DATA).display());
                    for note in &own.notes {
                        println!("  {note}");
                    }
                }
                let configurations = runs.iter().filter(|r| r.replicate == 0).count();
                println!(
                    "{} runs ({configurations} configurations) in {}",
                    runs.len(),
                    out.join(sweep::MANIFEST).display()
                );
                Ok(())
            }
            SweepCommand::Run { dir, jobs, backend, data_dir } => {
                let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
                run_local(&dir, jobs.max(1), backend, &data_dir)
            }
            SweepCommand::RunOne { dir, index, backend, data_dir } => {
                let index = match index {
                    Some(i) => i,
                    None => std::env::var("SLURM_ARRAY_TASK_ID")
                        .map_err(|_| "give --index, or run as a Slurm array task".to_string())?
                        .parse()
                        .map_err(|_| "SLURM_ARRAY_TASK_ID is not a number".to_string())?,
                };
                match sweep::run_one(&dir, index, backend, &data_dir)? {
                    sweep::Outcome::AlreadyDone => eprintln!("run {index}: already done"),
                    sweep::Outcome::Trained => eprintln!("run {index}: done"),
                }
                Ok(())
            }
            SweepCommand::Slurm { dir, partition, gres, max_parallel, time, backend, data_dir } => {
                let runs = sweep::read_manifest(&dir)?;
                let options = sweep::SlurmOptions { partition, gres, time, max_parallel };
                let absolute =
                    |p: &std::path::Path| std::fs::canonicalize(p).map_err(|e| format!("{}: {e}", p.display()));
                let lottery = std::env::current_exe().map_err(|e| e.to_string())?;
                let (dir, data_dir) = (absolute(&dir)?, absolute(&data_dir)?);
                let (array, merge) =
                    sweep::write_slurm_scripts(&dir, runs.len(), &options, &lottery, backend.name(), &data_dir)?;
                println!("Submit the array, then the merge after it (it runs whatever the tasks' fate):");
                println!("  jobid=$(sbatch --parsable {})", array.display());
                println!("  sbatch --dependency=afterany:$jobid {}", merge.display());
                println!("Resubmit missing runs with: sbatch --array=<indices> {}", array.display());
                Ok(())
            }
            SweepCommand::Merge { dir } => {
                let summary = sweep::merge(&dir)?;
                print!("{}", sweep::markdown(&summary));
                eprintln!("{} and summary.md written", dir.join("summary.json").display());
                Ok(())
            }
        }
    }

    /// The local pool: `jobs` child processes at a time, each `lottery sweep
    /// run-one` on one unfinished line, its output in DIR/logs/; then merge.
    fn run_local(
        dir: &std::path::Path,
        jobs: usize,
        backend: Backend,
        data_dir: &std::path::Path,
    ) -> Result<(), String> {
        use std::process::{Child, Command, Stdio};
        let runs = sweep::read_manifest(dir)?;
        let todo: Vec<&sweep::Run> =
            runs.iter().filter(|r| !matches!(sweep::state(dir, r), sweep::RunState::Done(_))).collect();
        let logs = dir.join("logs");
        std::fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let bar = ProgressBar::new(runs.len() as u64)
            .with_style(ProgressStyle::with_template("sweep {bar:40.cyan/blue} {pos}/{len} runs {msg}").unwrap());
        bar.set_position((runs.len() - todo.len()) as u64);
        let mut queue = todo.into_iter();
        let mut running: Vec<(usize, Child)> = Vec::new();
        let mut failed = Vec::new();
        loop {
            while running.len() < jobs {
                let Some(run) = queue.next() else { break };
                let log = std::fs::File::create(logs.join(format!("local_{}.out", run.index)))
                    .map_err(|e| format!("{}: {e}", logs.display()))?;
                let child = Command::new(&exe)
                    .args(["sweep", "run-one"])
                    .arg(dir)
                    .args(["--index", &run.index.to_string(), "--backend", backend.name(), "--data-dir"])
                    .arg(data_dir)
                    .stdout(log.try_clone().map_err(|e| e.to_string())?)
                    .stderr(log)
                    .stdin(Stdio::null())
                    .spawn()
                    .map_err(|e| format!("{}: {e}", exe.display()))?;
                running.push((run.index, child));
            }
            if running.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            let mut i = 0;
            while i < running.len() {
                match running[i].1.try_wait().map_err(|e| e.to_string())? {
                    Some(status) => {
                        let (index, _) = running.swap_remove(i);
                        if !status.success() {
                            failed.push(index);
                            bar.set_message(format!("({} failed)", failed.len()));
                        }
                        bar.inc(1);
                    }
                    None => i += 1,
                }
            }
        }
        bar.finish();
        let summary = sweep::merge(dir)?;
        print!("{}", sweep::markdown(&summary));
        match failed.len() {
            0 => Ok(()),
            n => Err(format!(
                "{n} runs failed (indices {failed:?}); their errors are in {}/runs/*/error.txt",
                dir.display()
            )),
        }
    }

    /// One LeNet-300-100 step, timed: the lenet-mnist preset's network,
    /// batch and Adam, with the mask of its first pruning round (80% of the
    /// hidden weights, 90% of the output weights) kept at every step.
    fn bench_step(
        backend: Backend,
        blocks: usize,
        per_block: usize,
        data_dir: &std::path::Path,
        preset: &str,
    ) -> Result<(), String> {
        use lottery_ticket_lab::engine::lottery::train::TrainRun;
        use lottery_ticket_lab::engine::{Mask, Weights, lottery::prune};
        // Untimed steps first (at least this many, or a block's worth):
        // first allocations, kernel compilation.
        const MIN_WARMUP_STEPS: usize = 5;
        let config = engine::preset(preset).ok_or_else(|| format!("no preset called '{preset}'"))?;
        let data = engine::load_dataset(&config, data_dir).map_err(|e| e.to_string())?;
        let (device, _) = backend.open()?;
        let name = match backend {
            device::Native::Cpu => "flex",
            other => other.name(),
        };
        let theta0 = Weights::theta0(&config);
        let dense = Mask::dense(&config.shapes());
        let keep = prune::keep_counts_iterative(&config, &dense);
        let mask = prune::prune_magnitude(&theta0, &dense, &keep, config.prune.scope);
        let device = device.autodiff();
        let mut run = TrainRun::new(&config, &theta0.masked(&mask), &mask, 0, usize::MAX, config.seed, &device);
        let mut block = |n: usize| -> Result<f64, String> {
            let t = Instant::now();
            for _ in 0..n {
                pollster::block_on(run.step(&data)).map_err(|e| e.to_string())?;
            }
            pollster::block_on(run.last_loss()).map_err(|e| e.to_string())?;
            Ok(t.elapsed().as_secs_f64() * 1000.0 / n as f64)
        };
        block(per_block.max(MIN_WARMUP_STEPS))?; // warm-up
        let mut ms: Vec<f64> = (0..blocks.max(1)).map(|_| block(per_block.max(1))).collect::<Result<_, _>>()?;
        ms.sort_by(f64::total_cmp);
        let threads = std::env::var("MATMUL_NUM_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or(1usize);
        let line = serde_json::json!({
            "backend": name,
            "median_ms": ms[ms.len() / 2],
            "min_ms": ms[0],
            "max_ms": ms[ms.len() - 1],
            "blocks": ms.len(),
            "steps_per_block": per_block,
            "batch": config.train.batch,
            "preset": preset,
            "network": config.network_name(),
            "weights": config.weight_count(),
            "layer_density": mask.layer_densities(),
            "matmul_threads": threads,
        });
        println!("{line}");
        Ok(())
    }

    /// Replicate `replicate`'s configuration (its own seed) and rounds, from a `lottery run` report (one
    /// replicate or several) or a ticket file.
    pub(crate) fn source_run(path: &std::path::Path, replicate: usize) -> Result<ReplicateRun, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let what = |e: String| format!("{}: {e}", path.display());
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| what(format!("not JSON: {e}")))?;
        if value.get("format").is_some() {
            let ticket = engine::Checkpoint::from_json(&text).map_err(|e| what(e.to_string()))?;
            return ticket.replicate_run(replicate).map_err(what);
        }
        let report = match value.get("replicates").and_then(|r| r.as_array()) {
            Some(all) => all.get(replicate).cloned().ok_or_else(|| {
                what(format!("--replicate {}: the report has replicates 1 to {}", replicate + 1, all.len()))
            })?,
            None if replicate == 0 => value,
            None => return Err(what(format!("--replicate {}: the report has one replicate", replicate + 1))),
        };
        let report: Report = serde_json::from_value(report)
            .map_err(|e| what(format!("neither a report of lottery run nor a ticket file ({e})")))?;
        report.config.validate().map_err(|e| what(e.to_string()))?;
        Ok(ReplicateRun { index: replicate, config: report.config, rounds: report.rounds })
    }

    fn precision(name: &str) -> Result<compact::Precision, String> {
        compact::Precision::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
            let names: Vec<&str> = compact::Precision::ALL.iter().map(|p| p.name()).collect();
            format!("no precision called '{name}'; try one of {}", names.join(", "))
        })
    }

    fn transfer(
        from: &std::path::Path,
        round: usize,
        target: &str,
        replicate: usize,
        training: Training,
    ) -> Result<(), String> {
        let Training { backend, out, data_dir, chunk } = training;
        let run = source_run(from, replicate)?;
        let (source, rounds) = (&run.config, &run.rounds);
        let target = engine::DatasetName::parse(target).ok_or_else(|| {
            let names: Vec<&str> = engine::DatasetName::OPTIONS.iter().map(|o| o.name).collect();
            format!("no dataset called '{target}'; try one of {}", names.join(", "))
        })?;
        let plan = transfer::plan(source, rounds, round, target)?;
        let (device, backend_name) = backend.open()?;
        let data = engine::load_dataset(&plan.target, &data_dir).map_err(|e| e.to_string())?;
        eprintln!(
            "round {round} of {}'s {} ({:.2}% of weights) onto {}, on {backend_name}",
            source.data.dataset.name(),
            run.name(),
            plan.mask.density() * 100.0,
            target.name()
        );
        let started = Instant::now();
        let mut training = transfer::Transfer::new(plan, data, &device);
        let mut announced = None;
        let report = loop {
            if training.training() != announced {
                announced = training.training();
                if let Some(n) = announced {
                    eprintln!("training: {}", n.label());
                }
            }
            if let Some(report) = pollster::block_on(training.advance(chunk)).map_err(|e| e.to_string())? {
                break report;
            }
        };
        eprintln!("finished in {:.1} s", started.elapsed().as_secs_f64());
        eprintln!(
            "the transferred ticket started from {}'s θ0 ⊙ m, weights CRC-32 {}; {} rows CRC-32 {}",
            run.name(),
            report.start_digest,
            target.name(),
            report.data_digest
        );
        print!("{}", transfer_table(&report));
        if let Some(path) = out {
            let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        Ok(())
    }

    /// A transfer's networks, as Markdown.
    fn transfer_table(report: &transfer::TransferReport) -> String {
        let mut s = format!(
            "| {} (seed {}) → {}, round {} | weights remaining % | test acc % | early-stop iter |\n\
             |---|---:|---:|---:|\n",
            report.source.data.dataset.name(),
            report.source.seed,
            report.target.data.dataset.name(),
            report.round
        );
        for r in &report.results {
            s.push_str(&format!(
                "| {} | {:.2} | {:.2} | {} |\n",
                r.network.label(),
                r.weights_remaining * 100.0,
                r.summary.test_accuracy * 100.0,
                r.summary.early_stop_iteration
            ));
        }
        s
    }

    /// What the run showed ([`Verdict`]): its sentences, one a line, under a "verdict:" line.
    fn verdict_text(verdict: &Verdict) -> String {
        let mut s = String::from("\nverdict:\n");
        for line in std::iter::once(verdict.ticket_line()).chain(verdict.control_lines()) {
            s.push_str(&format!("  {line}\n"));
        }
        s.push_str(&format!("  {}\n", verdict.measure_line()));
        s
    }

    /// Where the dense run's masks settled (early-bird), in one line.
    fn early_bird_line(early: &engine::lottery::early_bird::EarlyBird, steps: usize) -> String {
        match early.iteration {
            Some(i) => {
                format!("early-bird: the masks settle at iteration {i} of {steps} (threshold {})", early.threshold)
            }
            None => format!("early-bird: the masks did not settle under {} in {steps} iterations", early.threshold),
        }
    }

    /// The table of rounds, as Markdown (it goes into the README as is).
    pub fn table(report: &Report) -> String {
        match report.config.task_row().kind {
            TaskKind::ModularAddition => return modular_table(report),
            TaskKind::CartPole => return policy_table(report),
            TaskKind::Gan => return gan_table(report),
            // A task with a headline figure of its own and no bespoke table: its row's figures (a regression's).
            _ if report.config.task_row().headline().key != FigureKey::TestAccuracy => return figures_table(report),
            _ => {}
        }
        let pct = |x: Option<f64>| x.map(|v| format!("{:.2}", v * 100.0)).unwrap_or_else(|| "–".into());
        let mut s = String::from(
            "| round | weights remaining % | ticket test acc % | ticket early-stop acc % | early-stop iter \
             | reinit acc % | random-mask acc % | ticket train acc % | gap (train − test) pp |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for r in &report.rounds {
            s.push_str(&format!(
                "| {} | {:.2} | {} | {} | {} | {} | {} | {} | {} |\n",
                r.round,
                r.weights_remaining * 100.0,
                pct(Some(r.ticket.test_accuracy)),
                pct(Some(r.ticket.early_stop_test_accuracy)),
                r.ticket.early_stop_iteration,
                pct(r.reinit.as_ref().map(|x| x.test_accuracy)),
                pct(r.random_mask.as_ref().map(|x| x.test_accuracy)),
                pct(r.ticket.train_accuracy),
                pct(r.ticket.generalisation_gap()),
            ));
        }
        s
    }

    /// A table of the task's own figures (its row's, headline first) for the ticket and each control that ran.
    fn figures_table(report: &Report) -> String {
        use lottery_ticket_lab::engine::lottery::controls::Control;
        let figures = report.config.task_row().figures;
        let controls: Vec<Control> =
            Control::ALL.into_iter().filter(|&c| report.rounds.iter().any(|r| r.control(c).is_some())).collect();
        let mut head = String::from("| round | weights remaining % |");
        let mut rule = String::from("|---:|---:|");
        for f in figures {
            head.push_str(&format!(" ticket {} |", f.head()));
            rule.push_str("---:|");
            for c in &controls {
                head.push_str(&format!(" {} {} |", c.phase().label(), f.head()));
                rule.push_str("---:|");
            }
        }
        let mut s = format!("{head}\n{rule}\n");
        for r in &report.rounds {
            s.push_str(&format!("| {} | {:.2} |", r.round, r.weights_remaining * 100.0));
            for f in figures {
                let networks = std::iter::once(Some(&r.ticket)).chain(controls.iter().map(|&c| r.control(c)));
                for n in networks {
                    let value = n.and_then(|n| n.figure(f.key)).map_or_else(|| "–".into(), |v| f.cell(v));
                    s.push_str(&format!(" {value} |"));
                }
            }
            s.push('\n');
        }
        s
    }

    /// A generator's table: each network's modes covered (of 8 or 25) and high-quality share (%) on the fixed
    /// test noise batch of 2,500 points.
    fn gan_table(report: &Report) -> String {
        let figures = |n: Option<&lottery_ticket_lab::engine::lottery::train::RunSummary>| match n
            .and_then(|n| n.figure(FigureKey::ModesCovered).zip(n.figure(FigureKey::HighQualityFraction)))
        {
            Some((modes, q)) => (format!("{modes:.0}"), format!("{:.1}", q * 100.0)),
            None => ("–".into(), "–".into()),
        };
        // With the discriminator pruned too, its share kept sits beside the generator's.
        let d_pruned = report.rounds.iter().any(|r| r.companion_remaining.is_some());
        let (d_head, d_rule) = if d_pruned { (" D weights remaining % |", "---:|") } else { ("", "") };
        let mut s = format!(
            "| round | weights remaining % |{d_head} ticket modes | ticket quality % | reinit modes | reinit quality % \
             | random-mask modes | random-mask quality % |\n|---:|---:|{d_rule}---:|---:|---:|---:|---:|---:|\n",
        );
        for r in &report.rounds {
            let (t, r_, m) = (figures(Some(&r.ticket)), figures(r.reinit.as_ref()), figures(r.random_mask.as_ref()));
            let d = match r.companion_remaining {
                Some(d) => format!(" {:.2} |", d * 100.0),
                None => String::new(),
            };
            s.push_str(&format!(
                "| {} | {:.2} |{d} {} | {} | {} | {} | {} | {} |\n",
                r.round,
                r.weights_remaining * 100.0,
                t.0,
                t.1,
                r_.0,
                r_.1,
                m.0,
                m.1
            ));
        }
        s
    }

    /// A policy's table: each network's mean return (the greedy policy on the seeded test episodes, at most
    /// 500), the ticket's best evaluation and when its training episodes reached "solved".
    fn policy_table(report: &Report) -> String {
        let ret = |n: Option<&lottery_ticket_lab::engine::lottery::train::RunSummary>| {
            n.and_then(|n| n.figure(FigureKey::MeanReturn)).map_or_else(|| "–".into(), |v| format!("{v:.1}"))
        };
        let mut s = String::from(
            "| round | weights remaining % | ticket mean return | reinit mean return | random-mask mean return \
             | ticket best return (iter) | ticket solved after (episodes) |\n\
             |---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for r in &report.rounds {
            let solved = match r.ticket.score.episodes_to_solve {
                Some(Some(n)) => n.to_string(),
                _ => "never".into(),
            };
            s.push_str(&format!(
                "| {} | {:.2} | {} | {} | {} | {:.1} ({}) | {} |\n",
                r.round,
                r.weights_remaining * 100.0,
                ret(Some(&r.ticket)),
                ret(r.reinit.as_ref()),
                ret(r.random_mask.as_ref()),
                r.ticket.early_stop_test_accuracy * lottery_ticket_lab::engine::tasks::cartpole::MAX_STEPS as f64,
                r.ticket.early_stop_iteration,
                solved,
            ));
        }
        s
    }

    /// Modular addition's table: for every network that trained, when it generalises (test accuracy ≥ 95%) and
    /// τ = t_gen / t_mem, its steps to generalise over its steps to memorise (train ≥ 95%); "never" if it did
    /// not within the round.
    fn modular_table(report: &Report) -> String {
        use lottery_ticket_lab::engine::lottery::controls::Control;
        use lottery_ticket_lab::engine::lottery::train::RunSummary;
        use lottery_ticket_lab::engine::tasks::modular;
        let pct = |x: Option<f64>| x.map(|v| format!("{:.1}", v * 100.0)).unwrap_or_else(|| "–".into());
        let steps = |x: Option<usize>| x.map_or_else(|| "never".to_string(), |i| i.to_string());
        let network = |n: Option<&RunSummary>| match n {
            None => "–".to_string(),
            Some(n) => {
                let generalised = steps(modular::steps_to_generalise(&n.curve));
                match modular::grokking_ratio(&n.curve) {
                    Some(tau) => format!("{generalised} (τ {tau:.1})"),
                    None => generalised,
                }
            }
        };
        // A column for each control that ran in some round.
        let controls: Vec<Control> =
            Control::ALL.into_iter().filter(|&c| report.rounds.iter().any(|r| r.control(c).is_some())).collect();
        let heads: String = controls.iter().map(|c| format!(" {} generalises at (τ) |", c.phase().label())).collect();
        let mut s = format!(
            "| round | weights remaining % | ticket train acc % | ticket test acc % | ticket memorises at \
             | ticket generalises at (τ) |{heads}\n|---:|---:|---:|---:|---:|---:|{}\n",
            "---:|".repeat(controls.len())
        );
        for r in &report.rounds {
            let cells: String = controls.iter().map(|&c| format!(" {} |", network(r.control(c)))).collect();
            s.push_str(&format!(
                "| {} | {:.2} | {} | {} | {} | {} |{cells}\n",
                r.round,
                r.weights_remaining * 100.0,
                pct(r.ticket.train_accuracy),
                pct(Some(r.ticket.test_accuracy)),
                steps(modular::steps_to_fit(&r.ticket.curve)),
                network(Some(&r.ticket)),
            ));
        }
        s
    }
}
