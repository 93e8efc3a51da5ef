//! Checkpoints: going on from a saved or imported state gives the rounds an
//! uninterrupted run gives, and a bad ticket file is refused with a reason.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::{ExperimentConfig, ResetMode, Schedule};
use lottery_ticket_lab::engine::{Checkpoint, Event, Experiment, TicketError};
use serde_json::{Value, json};

fn config(reset: ResetMode, schedule: Schedule) -> ExperimentConfig {
    let mut c = tiny(7);
    c.prune.rounds = 3;
    c.prune.control_reinit = true;
    c.prune.reset = reset;
    c.prune.rewind_step = 10;
    c.prune.schedule = schedule;
    c
}

/// The rounds as JSON (what a report compares by; trained weights aside).
fn rounds_json(e: &Experiment) -> Value {
    serde_json::to_value(e.reports()).unwrap()
}

fn uninterrupted(c: &ExperimentConfig) -> Value {
    let mut e = Experiment::new(c.clone(), dataset(c), &cpu()).unwrap();
    block_on(e.run_to_end(13, |_| {})).unwrap();
    rounds_json(&e)
}

/// Run until `rounds_done` rounds are finished and `extra` more chunks of
/// steps have run into the next round, then checkpoint through a file.
fn interrupted(c: &ExperimentConfig, rounds_done: usize, extra: usize) -> Value {
    let mut e = Experiment::new(c.clone(), dataset(c), &cpu()).unwrap();
    while e.reports().len() < rounds_done {
        block_on(e.advance(13)).unwrap();
    }
    for _ in 0..extra {
        block_on(e.advance(7)).unwrap();
    }
    let file = e.checkpoint("cpu").to_json();
    drop(e);
    let restored = Checkpoint::from_json(&file).unwrap();
    assert_eq!(restored.rounds.len(), rounds_done);
    let mut e = Experiment::resume(restored, dataset(c), &cpu()).unwrap();
    block_on(e.run_to_end(13, |_| {})).unwrap();
    rounds_json(&e)
}

#[test]
fn resuming_after_a_round_gives_the_uninterrupted_rounds() {
    for (reset, schedule) in [
        (ResetMode::Init, Schedule::Iterative),
        (ResetMode::Rewind, Schedule::Iterative),
        (ResetMode::Init, Schedule::Oneshot),
    ] {
        let c = config(reset, schedule);
        let whole = uninterrupted(&c);
        assert_eq!(whole.as_array().unwrap().len(), 4);
        assert_eq!(interrupted(&c, 1, 0), whole, "{reset:?} {schedule:?}, after round 0");
        // Mid-round: the unfinished round trains again from its start.
        assert_eq!(interrupted(&c, 2, 3), whole, "{reset:?} {schedule:?}, inside round 2");
    }
}

#[test]
fn a_finished_experiment_resumes_as_finished() {
    let c = config(ResetMode::Init, Schedule::Iterative);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let cp = e.checkpoint("cpu");
    assert!(!cp.can_continue());
    let mut again =
        Experiment::resume(Checkpoint::from_compact(&cp.to_compact()).unwrap(), dataset(&c), &cpu()).unwrap();
    assert!(matches!(block_on(again.advance(10)).unwrap(), Event::Finished));
    assert_eq!(rounds_json(&again), rounds_json(&e));
}

#[test]
fn weights_survive_the_file_bit_for_bit() {
    let c = config(ResetMode::Rewind, Schedule::Iterative);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    while e.reports().is_empty() {
        block_on(e.advance(20)).unwrap();
    }
    let cp = e.checkpoint("cpu");
    let theta_k = cp.theta_k.clone().expect("θk is saved when rewinding");
    let back = Checkpoint::from_json(&cp.to_json()).unwrap();
    let bits = |w: &lottery_ticket_lab::engine::Weights| -> Vec<u32> {
        w.layers.iter().flat_map(|l| l.w.iter().chain(&l.b)).map(|x| x.to_bits()).collect()
    };
    assert_eq!(bits(back.theta_k.as_ref().unwrap()), bits(&theta_k));
    assert_eq!(back, cp);
}

/// A valid ticket file after two rounds, as JSON to break.
fn good_file() -> Value {
    let c = config(ResetMode::Rewind, Schedule::Iterative);
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    while e.reports().len() < 2 {
        block_on(e.advance(30)).unwrap();
    }
    serde_json::from_str(&e.checkpoint("cpu").to_json()).unwrap()
}

fn refused(v: &Value) -> TicketError {
    Checkpoint::from_json(&v.to_string()).expect_err("a bad file must be refused")
}

#[test]
fn bad_ticket_files_are_refused_with_the_reason() {
    let good = good_file();
    assert!(Checkpoint::from_json(&good.to_string()).is_ok());
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("future version", with(&|v| v["version"] = json!(2)), "version 2 is not supported"),
        ("other format", with(&|v| v["format"] = json!("something-else")), "not a Lottery Ticket Lab ticket"),
        (
            "no format",
            with(&|v| {
                v.as_object_mut().unwrap().remove("format");
            }),
            "not a Lottery Ticket Lab ticket",
        ),
        ("layer shape", with(&|v| v["rounds"][1]["mask"]["layers"][0]["fan_out"] = json!(9)), "layer 1"),
        ("mask length", with(&|v| v["rounds"][1]["mask"]["layers"][0]["keep"] = json!("3:AA")), "layer 1"),
        ("bad mask text", with(&|v| v["rounds"][1]["mask"]["layers"][0]["keep"] = json!("nonsense")), "mask"),
        ("round numbers", with(&|v| v["rounds"][1]["round"] = json!(5)), "numbered"),
        ("remaining", with(&|v| v["rounds"][1]["remaining"] = json!(1)), "remain"),
        ("accuracy", with(&|v| v["rounds"][0]["ticket"]["test_accuracy"] = json!(7.5)), "between 0 and 1"),
        ("too many rounds", with(&|v| v["config"]["prune"]["rounds"] = json!(0)), "rounds"),
        ("config", with(&|v| v["config"]["train"]["lr"] = json!(-1.0)), "lr"),
        (
            "missing θk",
            with(&|v| {
                v.as_object_mut().unwrap().remove("theta_k");
            }),
            "θk",
        ),
        ("θk shape", with(&|v| v["theta_k"]["layers"][0]["w"] = json!("AAAAAA")), "θk"),
        (
            "no rounds field",
            with(&|v| {
                v.as_object_mut().unwrap().remove("rounds");
            }),
            "rounds",
        ),
    ];
    for (name, file, says) in cases {
        let err = refused(&file).to_string();
        assert!(err.contains(says), "{name}: {err:?} should mention {says:?}");
    }
    // Masks that grow back between rounds.
    let mut v = good.clone();
    let round0 = v["rounds"][0]["mask"].clone();
    v["rounds"][0]["mask"] = v["rounds"][1]["mask"].clone();
    v["rounds"][1]["mask"] = round0;
    v["rounds"][0]["remaining"] = good["rounds"][1]["remaining"].clone();
    v["rounds"][1]["remaining"] = good["rounds"][0]["remaining"].clone();
    assert!(refused(&v).to_string().contains("pruned"), "{}", refused(&v));
    // Not JSON, truncated, empty, and huge.
    let text = good.to_string();
    for bad in ["", "{", "null", "[1,2]", &text[..text.len() / 2]] {
        assert!(Checkpoint::from_json(bad).is_err(), "{bad:.40}");
    }
    let huge = " ".repeat(lottery_ticket_lab::engine::records::ticket_format::MAX_FILE_BYTES + 1);
    assert!(matches!(Checkpoint::from_json(&huge), Err(TicketError::TooLarge(_))));
    // The compact (browser storage) form rejects damage too.
    for bad in ["", "v1:", "v1:!!!", "v9:AAAA", "v1:AAAA"] {
        assert!(Checkpoint::from_compact(bad).is_err(), "{bad}");
    }
}
