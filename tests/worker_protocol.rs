//! The messages between the page and its engine workers (`src/worker/protocol.rs`):
//! what the page sends reads back as sent, a round's report and checkpoint
//! cross bit for bit, and the pool's size follows the link, the cores and the work.

mod common;

use common::*;
use lottery_ticket_lab::engine::{Checkpoint, Event, Experiment, RoundReport};
use lottery_ticket_lab::worker::protocol::{self, BackendInfo, FromWorker, MAX_WORKERS, Start, ToWorker};

fn demo_round() -> (RoundReport, Checkpoint) {
    let config = tiny(3);
    let data = dataset(&config);
    let mut experiment = Experiment::new(config, data, &cpu()).expect("an experiment");
    loop {
        if let Event::RoundDone(report) = block_on(experiment.advance(50)).expect("a chunk") {
            return (*report, experiment.checkpoint("cpu"));
        }
    }
}

#[test]
fn a_start_message_reads_back_as_sent() {
    let (_, checkpoint) = demo_round();
    let start = ToWorker::Start(Box::new(Start {
        run: 7,
        config: checkpoint.config.clone(),
        replicate: 2,
        backend: "auto".into(),
        job: protocol::Job::Rounds { from: Some(Box::new(checkpoint)), controls_apart: true },
        own: None,
        timed: vec![protocol::Timed {
            key: "k".into(),
            kind: protocol::BackendKind::Cpu,
            why: "310 steps/s against 12".into(),
        }],
        paused: true,
    }));
    let text = serde_json::to_string(&start).unwrap();
    assert!(text.starts_with(r#"{"kind":"start""#), "{}", &text[..40]);
    assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), start);
    for control in [ToWorker::Pause { paused: true }, ToWorker::StepRound, ToWorker::Stop] {
        let text = serde_json::to_string(&control).unwrap();
        assert_eq!(serde_json::from_str::<ToWorker>(&text).unwrap(), control);
    }
}

#[test]
fn a_round_crosses_to_the_page_bit_for_bit() {
    let (report, checkpoint) = demo_round();
    let compact = checkpoint.to_compact();
    let sent = FromWorker::Round {
        run: 3,
        replicate: 0,
        report: Box::new(report.clone()),
        checkpoint: Box::new(checkpoint.clone()),
        compact: compact.clone(),
        chunk_ms: 12.5,
        ticket: Some("TFRMQw".into()),
    };
    let back: FromWorker = serde_json::from_str(&serde_json::to_string(&sent).unwrap()).unwrap();
    assert_eq!(back, sent);
    assert_eq!(back.run(), Some(3));
    let FromWorker::Round { report: r, checkpoint: c, compact: k, .. } = back else { unreachable!() };
    assert_eq!(*r, report);
    assert_eq!(Checkpoint::from_compact(&k).unwrap(), checkpoint, "the compact form the page saves is the checkpoint");
    assert_eq!(*c, checkpoint);
    assert_eq!(FromWorker::Ready { build: lottery_ticket_lab::engine::build_info() }.run(), None);
    let backend = FromWorker::Backend { run: 1, info: BackendInfo::cpu("chosen in the settings") };
    assert!(serde_json::to_string(&backend).unwrap().contains(r#""kind":"cpu""#));
}

#[test]
fn the_pool_follows_the_link_the_cores_and_the_work() {
    // workers=0: one per core, at most MAX_WORKERS.
    assert_eq!(protocol::worker_count(0, 2, 5), 2);
    assert_eq!(protocol::worker_count(0, 64, 20), MAX_WORKERS);
    // Never more workers than replicates to train, never none.
    assert_eq!(protocol::worker_count(0, 16, 3), 3);
    assert_eq!(protocol::worker_count(4, 2, 1), 1);
    assert_eq!(protocol::worker_count(0, 0, 0), 1);
    // The link's number wins over the cores (a 2-core machine can run 4).
    assert_eq!(protocol::worker_count(4, 2, 5), 4);
    // Controls apart: a spare worker, or the last replicate to start; never on one worker or without controls.
    assert!(protocol::controls_apart(2, 1, 1, true));
    assert!(protocol::controls_apart(8, 3, 1, false));
    assert!(!protocol::controls_apart(2, 5, 2, false));
    assert!(protocol::controls_apart(2, 5, 2, true));
    assert!(!protocol::controls_apart(1, 1, 2, true));
    assert!(!protocol::controls_apart(4, 1, 0, true));
}

/// The page's assembly of a run whose controls train apart: rounds come out
/// in order, each complete, whatever order the workers finish in, and the
/// saved checkpoint is the inline run's.
#[test]
fn rounds_trained_apart_add_up_to_the_inline_run() {
    use lottery_ticket_lab::engine::lottery::controls::ControlTraining;
    use lottery_ticket_lab::worker::assembly::Assembly;
    use lottery_ticket_lab::worker::protocol::Job;

    let mut c = tiny(11);
    c.prune.rounds = 2;
    c.prune.control_random = true;
    let (inline_rounds, inline_checkpoint) = {
        let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
        block_on(e.run_to_end(17, |_| {})).unwrap();
        (e.report("cpu").rounds, e.checkpoint("cpu"))
    };
    // Three workers for one replicate and two controls: the controls train apart.
    assert_eq!(Assembly::parallel(&c, None), 3);
    let mut assembly = Assembly::new(c.clone(), None, None, 3);
    let rounds_job = assembly.next_work().unwrap();
    assert!(assembly.controls_apart(0));
    let Job::Rounds { from: None, controls_apart: true } = rounds_job.job else { panic!("{rounds_job:?}") };
    assert_eq!(assembly.next_work(), None, "no control is known before round 0's mask");

    let mut tickets = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    tickets.train_controls_apart();
    let mut published = Vec::new();
    let mut held_back = Vec::new();
    loop {
        match block_on(tickets.advance(17)).unwrap() {
            Event::RoundDone(report) => {
                let checkpoint = tickets.checkpoint("cpu");
                let compact = checkpoint.to_compact();
                published.extend(assembly.ticket_round(0, *report, checkpoint, compact));
                // The next round's controls wait for a worker; train them, the random mask's first, and hand
                // the results back in reverse order, one round late.
                let mut jobs = Vec::new();
                while let Some(work) = assembly.next_work() {
                    let Job::Control(job) = work.job else { panic!("only controls are left") };
                    jobs.push(job);
                }
                for job in jobs.into_iter().rev() {
                    let (round, control) = (job.round, job.control);
                    let mut training = ControlTraining::new(&c, dataset(&c), job, &cpu());
                    while !block_on(training.advance(17)).unwrap() {}
                    held_back.push((round, control, training.summary()));
                }
                if held_back.len() > 2 {
                    for (round, control, summary) in held_back.drain(..2).rev() {
                        published.extend(assembly.control_done(0, round, control, summary));
                    }
                }
            }
            Event::Finished => break,
            Event::Progress(_) => {}
        }
    }
    assembly.rounds_done(0);
    assert!(!assembly.finished(), "round 2's controls are still out");
    for (round, control, summary) in held_back.drain(..) {
        published.extend(assembly.control_done(0, round, control, summary));
    }
    assert!(assembly.finished());
    let rounds: Vec<RoundReport> = published.into_iter().map(|p| p.report).collect();
    assert_eq!(rounds, inline_rounds);
    assert_eq!(
        rounds[1].random_mask.as_ref().map(|r| r.test_accuracy),
        inline_rounds[1].random_mask.as_ref().map(|r| r.test_accuracy)
    );
    let (checkpoint, compact) = assembly.checkpoint().unwrap();
    assert_eq!(checkpoint, inline_checkpoint);
    assert_eq!(compact, None, "the worker's compact checkpoint lacks the controls: the page writes its own");
    assert!(assembly.overall(&[]) > 0.999);
}

/// Replicates side by side: the saved checkpoint is the replicates finished in
/// order, then the first unfinished one; a later replicate that finished first
/// waits in the reports, not in the checkpoint.
#[test]
fn replicates_side_by_side_save_the_first_unfinished_one() {
    use lottery_ticket_lab::worker::assembly::Assembly;

    let mut c = tiny(21);
    c.reps = 2;
    c.prune.rounds = 1;
    c.prune.control_reinit = false;
    c.prune.control_random = false;
    let mut assembly = Assembly::new(c.clone(), None, None, 2);
    let (a, b) = (assembly.next_work().unwrap(), assembly.next_work().unwrap());
    assert_eq!((a.replicate, b.replicate), (0, 1));
    assert!(!assembly.controls_apart(1), "no controls: nothing to train apart");
    let run = |i: usize| {
        let config = lottery_ticket_lab::engine::records::replicates::replicate(&c, i);
        let mut e = Experiment::new(config.clone(), dataset(&config), &cpu()).unwrap();
        block_on(e.run_to_end(17, |_| {})).unwrap();
        e
    };
    let (first, second) = (run(0), run(1));
    for (i, e) in [(1, &second), (0, &first)] {
        let checkpoint = e.checkpoint("cpu");
        let compact = checkpoint.to_compact();
        let last = e.reports().last().unwrap().clone();
        // Only the last round, for brevity: earlier ones reach the page the same way.
        let mut cp = checkpoint.clone();
        cp.rounds.truncate(1);
        let _ = assembly.ticket_round(i, e.reports()[0].clone(), cp.clone(), cp.to_compact());
        let shown = assembly.ticket_round(i, last, checkpoint, compact);
        assert_eq!(shown.len(), 1);
    }
    let (saved, _) = assembly.checkpoint().unwrap();
    assert_eq!(saved.replicate(), 0, "replicate 0 is not finished until its worker says so");
    assembly.rounds_done(1);
    assembly.rounds_done(0);
    assert!(assembly.finished());
    let (saved, compact) = assembly.checkpoint().unwrap();
    assert_eq!(saved.finished_replicates, vec![first.reports().to_vec()]);
    assert_eq!(saved.rounds, second.reports());
    assert_eq!(compact, None, "two replicates: the page writes the whole experiment's");
}
