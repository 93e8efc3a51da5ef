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
mod cli {
    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Instant;

    use clap::{Parser, Subcommand, ValueEnum};
    use indicatif::{ProgressBar, ProgressStyle};
    use lottery_ticket_lab::engine::{self, Choice, Event, Experiment, Report, config::PRESETS, device};
    use lottery_ticket_lab::url;

    #[derive(Parser)]
    #[command(name = "lottery", about = "Iterative magnitude pruning with rewinding: find winning lottery tickets.")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
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
            #[arg(long, value_enum, default_value_t = Backend::Cpu)]
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
        },
        /// List the presets, and the settings --set accepts: key, label and help.
        Keys,
        /// Time one LeNet-300-100 training step (batch 60, forward, backward,
        /// Adam, masks kept) and print the figures as one JSON line.
        BenchStep {
            #[arg(long, value_enum, default_value_t = Backend::Cpu)]
            backend: Backend,
            /// Timed blocks; the median block gives the figure.
            #[arg(long, default_value_t = 15)]
            blocks: usize,
            /// Steps per block (each block ends by waiting for the device).
            #[arg(long, default_value_t = 20)]
            steps: usize,
            #[arg(long, default_value = "web/data")]
            data_dir: PathBuf,
        },
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Backend {
        /// burn-flex on the CPU (`ndarray`, the old backend's name, still works).
        #[value(alias = "ndarray", alias = "flex")]
        Cpu,
        Wgpu,
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
            Command::BenchStep { backend, blocks, steps, data_dir } => {
                match bench_step(backend, blocks, steps, &data_dir) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("lottery: {e}");
                        ExitCode::FAILURE
                    }
                }
            }
            Command::Run { preset, set, backend, out, data_dir, chunk } => {
                match run(&preset, &set, backend, out, &data_dir, chunk) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("lottery: {e}");
                        ExitCode::FAILURE
                    }
                }
            }
        }
    }

    fn run(
        preset: &str,
        set: &[String],
        backend: Backend,
        out: Option<PathBuf>,
        data_dir: &std::path::Path,
        chunk: usize,
    ) -> Result<(), String> {
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
        let (state, notices) = url::decode(&query);
        if !notices.is_empty() {
            let lines: Vec<String> = notices.iter().map(|n| format!("  {}: {}", n.key, n.message)).collect();
            return Err(format!("the settings were not taken as given:\n{}", lines.join("\n")));
        }
        let config = state.config;
        let (device, backend_name) = match backend {
            Backend::Cpu => (device::cpu(), format!("{} (CPU)", device::CPU_BACKEND)),
            Backend::Wgpu => (device::wgpu().map_err(|e| format!("no wgpu adapter: {e}"))?, "wgpu".to_string()),
        };
        let data = engine::load_dataset(&config, data_dir).map_err(|e| e.to_string())?;
        eprintln!(
            "{}: {} train / {} val / {} test, network {:?} ({} weights), {} rounds of {} steps, on {backend_name}",
            config.data.dataset.name(),
            data.train.len(),
            data.val.len(),
            data.test.len(),
            config.widths(),
            config.weight_count(),
            config.prune.rounds,
            config.train.steps
        );
        let started = Instant::now();
        let mut experiment = Experiment::new(config, data, &device).map_err(|e| e.to_string())?;
        let style = ProgressStyle::with_template("round {prefix:>2} {bar:40.cyan/blue} {pos}/{len} {msg}").unwrap();
        let mut bar: Option<(usize, ProgressBar)> = None;
        pollster::block_on(experiment.run_to_end(chunk, |event| match event {
            Event::Progress(p) => {
                let round_len = p.end as u64;
                let fresh = !matches!(&bar, Some((r, _)) if *r == p.round);
                if fresh {
                    let b = ProgressBar::new(round_len).with_style(style.clone()).with_prefix(p.round.to_string());
                    bar = Some((p.round, b));
                }
                if let Some((_, b)) = &bar {
                    b.set_length(round_len);
                    b.set_position(p.iteration as u64);
                    b.set_message(p.phase.label().to_string());
                }
            }
            Event::RoundDone(r) => {
                if let Some((_, b)) = bar.take() {
                    b.finish_and_clear();
                }
                eprintln!(
                    "round {:>2}: {:>6.2}% of weights, ticket test accuracy {:.2}%",
                    r.round,
                    r.weights_remaining * 100.0,
                    r.ticket.test_accuracy * 100.0
                );
            }
            Event::Finished => {}
        }))
        .map_err(|e| e.to_string())?;
        let report = experiment.report(&backend_name);
        print!("{}", table(&report));
        eprintln!("finished in {:.1} s", started.elapsed().as_secs_f64());
        if let Some(path) = out {
            let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
            std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("report written to {}", path.display());
        }
        Ok(())
    }

    /// One LeNet-300-100 step, timed: the lenet-mnist preset's network,
    /// batch and Adam, with the mask of its first pruning round (80% of the
    /// hidden weights, 90% of the output weights) kept at every step.
    fn bench_step(backend: Backend, blocks: usize, per_block: usize, data_dir: &std::path::Path) -> Result<(), String> {
        use lottery_ticket_lab::engine::train::TrainRun;
        use lottery_ticket_lab::engine::{Mask, Weights, prune};
        // Untimed steps first (at least this many, or a block's worth):
        // first allocations, kernel compilation.
        const MIN_WARMUP_STEPS: usize = 5;
        let config = engine::preset("lenet-mnist").expect("preset");
        let data = engine::load_dataset(&config, data_dir).map_err(|e| e.to_string())?;
        let (device, name) = match backend {
            Backend::Cpu => (device::cpu(), "flex"),
            Backend::Wgpu => (device::wgpu().map_err(|e| format!("no wgpu adapter: {e}"))?, "wgpu"),
        };
        let theta0 = Weights::theta0(&config);
        let dense = Mask::dense(&config.shapes());
        let keep = prune::keep_counts_iterative(&config, &dense);
        let mask = prune::prune_magnitude(&theta0, &dense, &keep, config.prune.scope);
        let device = device.autodiff();
        let mut run = TrainRun::new(&config.train, &theta0.masked(&mask), &mask, 0, usize::MAX, config.seed, &device);
        let mut block = |n: usize| -> Result<f64, String> {
            let t = Instant::now();
            for _ in 0..n {
                run.step(&data);
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
            "widths": config.widths(),
            "weights": config.weight_count(),
            "layer_density": mask.layer_densities(),
            "matmul_threads": threads,
        });
        println!("{line}");
        Ok(())
    }

    /// The table of rounds, as Markdown (it goes into the README as is).
    pub fn table(report: &Report) -> String {
        let pct = |x: Option<f64>| x.map(|v| format!("{:.2}", v * 100.0)).unwrap_or_else(|| "–".into());
        let mut s = String::from(
            "| round | weights remaining % | ticket test acc % | ticket early-stop acc % | early-stop iter \
             | reinit acc % | random-mask acc % |\n|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for r in &report.rounds {
            s.push_str(&format!(
                "| {} | {:.2} | {} | {} | {} | {} | {} |\n",
                r.round,
                r.weights_remaining * 100.0,
                pct(Some(r.ticket.test_accuracy)),
                pct(Some(r.ticket.early_stop_test_accuracy)),
                r.ticket.early_stop_iteration,
                pct(r.reinit.as_ref().map(|x| x.test_accuracy)),
                pct(r.random_mask.as_ref().map(|x| x.test_accuracy)),
            ));
        }
        s
    }
}
