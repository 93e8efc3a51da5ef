//! Generalisation: every network of every round reports its accuracy on its
//! own training rows beside its test accuracy, in the JSON report and in
//! the spread over replicates.

mod common;

use common::*;
use lottery_ticket_lab::engine::tasks::supervised::evaluate;
use lottery_ticket_lab::engine::{Experiment, records::replicates};

#[test]
fn train_accuracy_is_measured_for_every_network_and_appears_in_the_json_report() {
    let mut c = tiny(5);
    c.prune.control_reinit = true;
    c.prune.control_random = true;
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    block_on(e.run_to_end(17, |_| {})).unwrap();

    let json: serde_json::Value = serde_json::to_value(e.report("cpu")).unwrap();
    for (i, round) in json["rounds"].as_array().unwrap().iter().enumerate() {
        let networks: &[&str] = if i == 0 { &["ticket"] } else { &["ticket", "reinit", "random_mask"] };
        for network in networks {
            let train = round[network]["train_accuracy"].as_f64();
            assert!(train.is_some_and(|t| (0.0..=1.0).contains(&t)), "round {i} {network}: {train:?}");
        }
    }

    // The dense network's figure is its accuracy on the whole training split, measured again here.
    let dense = &e.reports()[0];
    let weights = dense.trained.as_ref().expect("a small net keeps its trained weights");
    let model = lottery_ticket_lab::engine::networks::model::Network::Classifier(
        lottery_ticket_lab::engine::networks::model::MaskedNet::new(weights, &dense.mask, &cpu()),
    );
    let again = block_on(evaluate(&model, &data.train, data.features, data.classes, &cpu())).unwrap();
    assert_eq!(dense.ticket.train_accuracy, Some(again.accuracy));
    let gap = dense.ticket.generalisation_gap().unwrap();
    assert!((gap - (again.accuracy - dense.ticket.test_accuracy)).abs() < 1e-12);

    // Over replicates: the spread of the gap, network by network.
    let spreads = replicates::summarise(&[e.reports().to_vec()]);
    let ticket_gap = spreads[0].ticket.generalisation_gap.as_ref().unwrap();
    assert!((ticket_gap.mean - gap).abs() < 1e-12);
    assert!(spreads[1].reinit.as_ref().unwrap().generalisation_gap.is_some());
}

#[test]
fn reports_from_before_train_accuracy_still_read() {
    let mut c = tiny(6);
    c.prune.rounds = 1;
    let mut e = Experiment::new(c.clone(), dataset(&c), &cpu()).unwrap();
    block_on(e.run_to_end(50, |_| {})).unwrap();
    let mut json = serde_json::to_value(e.checkpoint("cpu")).unwrap();
    for round in json["rounds"].as_array_mut().unwrap() {
        round["ticket"].as_object_mut().unwrap().remove("train_accuracy");
    }
    let old = lottery_ticket_lab::engine::Checkpoint::from_json(&json.to_string()).unwrap();
    assert_eq!(old.rounds[0].ticket.train_accuracy, None);
    assert!(replicates::summarise(&[old.rounds]).iter().all(|r| r.ticket.generalisation_gap.is_none()));
}
