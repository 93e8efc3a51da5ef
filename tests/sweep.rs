//! Replicates and sweeps: the spread over replicates against the
//! single-seed runs, grids refused with a message naming the key, and a
//! local sweep that is killed and resumed without redoing or losing a run.
//! (The same sweep on a real Slurm: tests/slurm/sweep-on-slurm.sh.)

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use lottery_ticket_lab::engine::device::Native;
use lottery_ticket_lab::engine::records::replicates::{self, Spread};
use lottery_ticket_lab::sweep::{self, RunState};
use lottery_ticket_lab::url;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web/data")
}

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ltl-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lottery() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lottery"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

#[test]
fn the_spread_over_replicates_is_the_mean_and_sd_of_the_single_seed_runs() {
    let (config, _) = url::decode("preset=xor-tiny&rounds=1&reps=3&seed=7");
    let config = config.config;
    let reports: Vec<_> = (0..3)
        .map(|i| {
            // The single-seed run of seed 7 + i, configured by hand.
            let (single, _) = url::decode(&format!("preset=xor-tiny&rounds=1&seed={}", 7 + i));
            assert_eq!(single.config, replicates::replicate(&config, i));
            sweep::train(&single.config, Native::Cpu, &data_dir()).unwrap()
        })
        .collect();
    let spread = replicates::summarise(&reports.iter().map(|r| r.rounds.clone()).collect::<Vec<_>>());
    assert_eq!(spread.len(), 2);
    for (round, s) in spread.iter().enumerate() {
        let acc: Vec<f64> = reports.iter().map(|r| r.rounds[round].ticket.test_accuracy).collect();
        let mean = acc.iter().sum::<f64>() / 3.0;
        let sd = (acc.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
        assert!((s.ticket.test_accuracy.mean - mean).abs() < 1e-12, "round {round}");
        assert!((s.ticket.test_accuracy.sd - sd).abs() < 1e-12, "round {round}");
        assert_eq!(s.ticket.test_accuracy.n, 3);
        let min = acc.iter().copied().fold(f64::INFINITY, f64::min);
        assert_eq!(s.ticket.test_accuracy.min, min);
        assert_eq!(s.weights_remaining, reports[0].rounds[round].weights_remaining);
    }
    // Round 1 has the random-reinit control in all three.
    assert_eq!(spread[1].reinit.as_ref().unwrap().test_accuracy.n, 3);
    assert_eq!(Spread::of(&[2.0]).unwrap().sd, 0.0);
    assert!(Spread::of(&[]).is_none());
}

#[test]
fn a_grid_expands_into_named_runs_and_a_bad_one_is_refused_naming_the_key() {
    let grid = "preset = \"spiral\"\nrounds = 1\nrate = [0.2, 0.5]\nreps = 2\n";
    let runs = sweep::plan(grid).unwrap();
    assert_eq!(runs.len(), 4, "two rates × two replicates");
    assert_eq!(runs, sweep::plan(grid).unwrap(), "the same grid, the same names");
    assert_eq!(runs[0].configuration, runs[1].configuration);
    assert_ne!(runs[0].configuration, runs[2].configuration);
    assert_eq!(runs[1].name, format!("{}-r1", runs[1].configuration));
    assert_eq!(runs[1].config.seed, runs[0].config.seed + 1);
    assert!(runs[2].settings.contains("rate=0.5"), "{}", runs[2].settings);
    assert!(runs.iter().all(|r| r.config.reps == 1 && r.config.validate().is_ok()));

    let refused = |grid: &str, says: &str| {
        let e = sweep::plan(grid).unwrap_err();
        assert!(e.contains(says), "{grid:?} gave {e:?}, expected {says:?}");
    };
    refused("colour = 1", "colour: not a setting");
    refused("rate = [0.2, 5]", "rate = 5: 5 is above 0.95");
    refused("rate = []", "rate: an empty list");
    refused("data = \"cifar\"", "data = cifar: 'cifar' is not one of");
    refused("preset = \"nope\"", "preset:");
    refused("reps = [1, 2]", "reps: one number");
    refused(
        "seed = [1,2,3,4,5,6,7,8,9,10]\nrate = [0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95]\n\
         reps = 20\nn=[100,200,300,400,500,600]",
        "at most 10000",
    );
    refused("steps = 100\nk = 200\nreset = \"rewind\"", "k: must be below the steps per round");
    refused("this is not toml", "not a grid file");
}

fn report_times(dir: &Path, runs: &[sweep::Run]) -> Vec<Option<SystemTime>> {
    runs.iter()
        .map(|r| std::fs::metadata(dir.join("runs").join(&r.name).join("report.json")).and_then(|m| m.modified()).ok())
        .collect()
}

#[test]
fn a_killed_local_sweep_resumes_without_redoing_a_run_and_redoes_a_truncated_report() {
    let dir = scratch("resume");
    let grid = dir.join("grid.toml");
    std::fs::write(&grid, "preset = \"xor-tiny\"\nrounds = 1\nsteps = 1500\nrate = [0.2, 0.35, 0.5]\nreps = 2\n")
        .unwrap();
    let out = dir.join("sweep");
    assert!(lottery().args(["sweep", "plan"]).arg(&grid).arg("--out").arg(&out).status().unwrap().success());
    let runs = sweep::read_manifest(&out).unwrap();
    assert_eq!(runs.len(), 6);

    // Start the pool in its own process group and kill the whole group (as
    // Ctrl-C would) as soon as the first report is written.
    use std::os::unix::process::CommandExt;
    let mut pool = lottery().args(["sweep", "run"]).arg(&out).args(["--jobs", "2"]).process_group(0).spawn().unwrap();
    let started = Instant::now();
    while report_times(&out, &runs).iter().all(Option::is_none) {
        assert!(started.elapsed() < Duration::from_secs(600), "no run finished");
        std::thread::sleep(Duration::from_millis(20));
    }
    let group = pool.id().to_string();
    Command::new("kill").args(["-s", "KILL", "--", &format!("-{group}")]).status().unwrap();
    pool.wait().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let after_kill = report_times(&out, &runs);
    let finished = after_kill.iter().filter(|t| t.is_some()).count();
    assert!(finished < runs.len(), "the sweep finished before it was killed");

    assert!(lottery().args(["sweep", "run"]).arg(&out).args(["--jobs", "2"]).status().unwrap().success());
    let resumed = report_times(&out, &runs);
    assert!(resumed.iter().all(Option::is_some), "every run has its report");
    for (before, now) in after_kill.iter().zip(&resumed) {
        if before.is_some() {
            assert_eq!(before, now, "a finished run was written again");
        }
    }

    // A report cut short by a crash is detected and the run redone; the others are not touched.
    let victim = out.join("runs").join(&runs[3].name).join("report.json");
    let text = std::fs::read_to_string(&victim).unwrap();
    std::fs::write(&victim, &text[..text.len() / 2]).unwrap();
    assert!(matches!(sweep::state(&out, &runs[3]), RunState::Missing));
    assert!(lottery().args(["sweep", "run"]).arg(&out).args(["--jobs", "2"]).status().unwrap().success());
    assert!(matches!(sweep::state(&out, &runs[3]), RunState::Done(_)));
    let redone = report_times(&out, &runs);
    for (i, (a, b)) in resumed.iter().zip(&redone).enumerate() {
        if i != 3 {
            assert_eq!(a, b, "run {i} was written again");
        }
    }
    let summary = sweep::merge(&out).unwrap();
    assert_eq!(summary.configurations.len(), 3);
    assert!(summary.configurations.iter().all(|c| c.replicates == 2 && c.rounds.len() == 2));
    assert!(summary.missing.is_empty() && summary.failed.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_run_fails_its_task_and_merge_lists_it() {
    let dir = scratch("fail");
    let runs = sweep::plan("preset = \"xor-tiny\"\nrounds = 1\nrate = [0.2, 0.5]\n").unwrap();
    sweep::write_manifest(&dir, &runs).unwrap();
    // A configuration the engine refuses, as a hand-edited manifest might hold.
    let manifest = dir.join(sweep::MANIFEST);
    let text = std::fs::read_to_string(&manifest).unwrap();
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| if i == 1 { l.replace("\"steps\":60", "\"steps\":0") } else { l.to_string() })
        .collect();
    assert_ne!(broken.join("\n") + "\n", text, "the manifest line was edited");
    std::fs::write(&manifest, broken.join("\n") + "\n").unwrap();

    let ok = lottery().args(["sweep", "run-one"]).arg(&dir).args(["--index", "0"]).status().unwrap();
    assert!(ok.success());
    let failed = lottery().args(["sweep", "run-one"]).arg(&dir).env("SLURM_ARRAY_TASK_ID", "1").output().unwrap();
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("steps"), "{}", String::from_utf8_lossy(&failed.stderr));
    let summary = sweep::merge(&dir).unwrap();
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(summary.failed[0].index, 1);
    assert!(summary.failed[0].error.as_deref().unwrap().contains("steps"));
    let md = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(md.contains("--array=1"), "{md}");
    // A second folder with a different grid is refused rather than mixed in.
    let other = sweep::plan("preset = \"xor-tiny\"\nrounds = 2\n").unwrap();
    assert!(sweep::write_manifest(&dir, &other).unwrap_err().contains("different sweep"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_checkpoint_with_replicates_goes_on_with_the_replicate_in_progress() {
    use lottery_ticket_lab::engine::{self, Checkpoint, Event, Experiment};
    let (state, _) = url::decode("preset=xor-tiny&rounds=1&reps=2&seed=3");
    let config = state.config;
    let first = sweep::train(&replicates::replicate(&config, 0), Native::Cpu, &data_dir()).unwrap();
    let second = replicates::replicate(&config, 1);
    let data = engine::load_dataset(&second, &data_dir()).unwrap();
    let cpu = common::cpu();
    let mut alone = Experiment::new(second.clone(), data.clone(), &cpu).unwrap();
    common::block_on(alone.run_to_end(50, |_| {})).unwrap();

    // Replicate 1 stopped after its round 0, as a page saves it.
    let mut partial = Experiment::new(second.clone(), data.clone(), &cpu).unwrap();
    while !matches!(common::block_on(partial.advance(50)).unwrap(), Event::RoundDone(_)) {}
    let saved = partial.checkpoint("cpu").within_replicates(&config, std::slice::from_ref(&first.rounds));
    let back = Checkpoint::from_json(&saved.to_json()).unwrap();
    assert_eq!(back, saved);
    assert_eq!((back.replicate(), back.config.reps, back.config.seed), (1, 2, 3));
    assert!(back.can_continue());
    assert_eq!(back.all_replicates().len(), 2);

    let mut resumed = Experiment::resume(back, data, &cpu).unwrap();
    assert_eq!(resumed.config().seed, 4, "replicate 1 trains seed 3 + 1");
    common::block_on(resumed.run_to_end(50, |_| {})).unwrap();
    assert_eq!(resumed.reports(), alone.reports(), "resuming replicate 1 gives its uninterrupted rounds");

    let mut too_many = saved.clone();
    too_many.finished_replicates.push(first.rounds.clone());
    let e = too_many.validate().unwrap_err().to_string();
    assert!(e.contains("2 finished replicates, but its configuration has 2"), "{e}");
}

#[test]
fn the_page_reads_a_merged_summary_back_and_refuses_a_damaged_one() {
    use lottery_ticket_lab::engine::records::sweep_summary::{self, Summary};
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sweeps/lenet-mnist-5reps/summary.json"),
    )
    .unwrap();
    assert!(sweep_summary::is_summary(&text));
    let summary = Summary::from_json(&text).unwrap();
    assert_eq!(summary.configurations[0].replicates, 5);
    assert_eq!(summary.configurations[0].rounds.len(), 16);
    assert!(!sweep_summary::is_summary(r#"{"format":"lottery-ticket-lab/ticket"}"#));

    let mut newer: serde_json::Value = serde_json::from_str(&text).unwrap();
    newer["version"] = 2.into();
    let e = Summary::from_json(&newer.to_string()).unwrap_err();
    assert!(e.contains("version 2 is not supported"), "{e}");
    let mut damaged: serde_json::Value = serde_json::from_str(&text).unwrap();
    damaged["configurations"][0]["rounds"][3]["reinit"]["test_accuracy"]["max"] = 1.5.into();
    let e = Summary::from_json(&damaged.to_string()).unwrap_err();
    assert!(e.contains("round 3: a figure is not a number in its range"), "{e}");
    let mut empty: serde_json::Value = serde_json::from_str(&text).unwrap();
    empty["configurations"] = serde_json::json!([]);
    assert!(Summary::from_json(&empty.to_string()).unwrap_err().contains("no configurations"));
}

/// The committed summaries (every task's: classifiers, modular addition, policies, generators, a regression) were
/// written before a task's figures were carried by key: each reads, and writes every network's own figures back
/// under the names the file had them (`mean_return`, `median_modes_covered`, `test_mse`, …), with the same values.
#[test]
fn every_committed_summary_reads_and_writes_back_its_own_figures_under_their_names() {
    use lottery_ticket_lab::engine::records::sweep_summary::Summary;
    // Modular addition's steps to generalise is a milestone over replicates (median, reached of n), not a figure.
    const OWN: [&str; 7] = [
        "mean_return",
        "median_return",
        "modes_covered",
        "median_modes_covered",
        "high_quality_fraction",
        "median_high_quality_fraction",
        "test_mse",
    ];
    let own = |network: &serde_json::Value| -> Vec<(&str, serde_json::Value)> {
        OWN.iter().filter_map(|&k| network.get(k).map(|v| (k, v.clone()))).collect()
    };
    let sweeps = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sweeps");
    let (mut read, mut met) = (0, std::collections::BTreeSet::new());
    for entry in std::fs::read_dir(&sweeps).unwrap() {
        let file = entry.unwrap().path().join("summary.json");
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let written: serde_json::Value = serde_json::from_str(&text).unwrap();
        let summary = Summary::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let again = serde_json::to_value(&summary).unwrap();
        for (c, configuration) in written["configurations"].as_array().unwrap().iter().enumerate() {
            for (r, round) in configuration["rounds"].as_array().unwrap().iter().enumerate() {
                for (name, network) in round.as_object().unwrap().iter().filter(|(_, n)| n.is_object()) {
                    let back = &again["configurations"][c]["rounds"][r][name];
                    assert_eq!(own(back), own(network), "{} round {r} {name}", file.display());
                    met.extend(own(network).into_iter().map(|(k, _)| k));
                }
            }
        }
        read += 1;
    }
    assert!(read >= 10, "only {read} summaries found under {}", sweeps.display());
    // The files hold a policy's, a generator's and a regression's figures: each kind was read back.
    assert_eq!(met.len(), OWN.len(), "own figures met: {met:?}");
}
