//! Pinned runs: a file of kept runs round-trips, and a bad one is refused with the reason.

mod common;

use common::*;
use lottery_ticket_lab::engine::records::pinned_runs::{MAX_PINNED, PinnedRun, PinnedRuns, is_pinned_runs};
use lottery_ticket_lab::engine::{Experiment, records::replicates};

fn kept(seed: u64) -> PinnedRun {
    let mut c = tiny(seed);
    c.prune.rounds = 1;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    PinnedRun { config: c, replicates: 1, rounds: replicates::summarise(&[e.reports().to_vec()]) }
}

#[test]
fn pinned_runs_round_trip_and_a_bad_file_is_refused() {
    let file = PinnedRuns::new(vec![kept(1), kept(2)]);
    let text = file.to_json();
    assert!(is_pinned_runs(&text));
    assert_eq!(PinnedRuns::from_json(&text).unwrap(), file);

    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        f(&mut v);
        PinnedRuns::from_json(&v.to_string()).unwrap_err()
    };
    assert!(with(&|v| v["version"] = 9.into()).contains("version 9 is not supported"));
    assert!(with(&|v| v["runs"] = serde_json::json!([])).contains("0 runs"));
    let many = serde_json::Value::Array(vec![v_run(&text); MAX_PINNED + 1]);
    assert!(with(&|v| v["runs"] = many.clone()).contains(&format!("{} runs", MAX_PINNED + 1)));
    assert!(
        with(&|v| v["runs"][1]["rounds"][0]["ticket"]["test_accuracy"]["mean"] = 7.0.into())
            .contains("run 2, round 0: a figure is not a number in its range")
    );
    assert!(with(&|v| v["runs"][0]["config"]["train"]["steps"] = 0.into()).starts_with("run 1:"));
    assert!(PinnedRuns::from_json("{\"format\":\"x\"}").is_err());
}

fn v_run(text: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(text).unwrap()["runs"][0].clone()
}
