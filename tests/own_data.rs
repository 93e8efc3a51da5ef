//! Own data: a CSV becomes a dataset like the built-in ones, a bad file is
//! refused with the line and the problem, and a ticket file carries the rows.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::own_data::{self, CsvError, OwnData};
use lottery_ticket_lab::engine::{self, Checkpoint, DatasetName, Experiment};
use lottery_ticket_lab::url;

/// Two blobs in the plane, `n` points, as `x,y,label` with a header.
fn blobs(n: usize) -> String {
    let mut text = String::from("x,y,label\n");
    for i in 0..n {
        let class = i % 2;
        let t = i as f64 * 0.7;
        let (cx, cy) = if class == 0 { (-2.0, -1.0) } else { (2.0, 1.5) };
        text.push_str(&format!("{:.3},{:.3},{}\n", cx + t.sin(), cy + t.cos(), class));
    }
    text
}

/// The demonstration preset on imported rows, kept short.
fn on_own(d: &OwnData) -> ExperimentConfig {
    let mut c = ExperimentConfig::default();
    c.data.dataset = DatasetName::Own;
    c.data.own = Some(d.shape());
    c.data.samples = d.rows();
    c.train.steps = 60;
    c.train.eval_every = 20;
    c.prune.rounds = 2;
    c
}

#[test]
fn a_csv_of_points_reads_as_classes_with_columns_scaled() {
    let d = own_data::parse("blobs.csv", &blobs(60)).unwrap();
    assert_eq!((d.rows(), d.features, d.classes()), (60, 2, 2));
    assert_eq!(d.labels, ["0", "1"]);
    assert!(d.is_2d());
    let (lo, hi) = d.x.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    assert_eq!((lo, hi), (-1.0, 1.0), "each column is scaled to -1..1");

    // No header: the last column is the label. Words as labels sort as text;
    // numbers sort as numbers (10 after 9).
    let d = own_data::parse("p", &(0..24).map(|i| format!("{i},{}\n", ["b", "a"][i % 2])).collect::<String>()).unwrap();
    assert_eq!((d.features, d.labels.clone()), (1, vec!["a".to_string(), "b".to_string()]));
    assert_eq!(d.y[0], 1, "row 1's 'b' is class 1");
    let d = own_data::parse("p", &(0..24).map(|i| format!("{i},{}\n", [9, 10][i % 2])).collect::<String>()).unwrap();
    assert_eq!(d.labels, ["9", "10"]);

    // A header may name the label column anywhere; comments and blank lines are skipped.
    let text = format!(
        "# from a lab notebook\nclass,a,b,c\n\n{}",
        (0..30).map(|i| format!("{},{i},1,2\n", i % 3)).collect::<String>()
    );
    let d = own_data::parse("p", &text).unwrap();
    assert_eq!((d.features, d.classes()), (3, 3));
}

#[test]
fn a_bad_file_is_refused_with_the_line_and_the_problem() {
    let good = blobs(40);
    let cases: Vec<(String, &str)> = vec![
        ("a,b,c\n1,2,3\n".into(), "line 1: no label column"),
        (good.replacen("\n", "\n1.0,2.0\n", 2).replacen("1.0,2.0\n", "", 1), "line 3: 2 values, but line 1 has 3"),
        (good.replace("x,y,label\n", "x,y,label\n0.5,abc,1\n"), "line 2, column 2: 'abc' is not a number"),
        ((0..40).map(|i| format!("{i},{i},7\n")).collect(), "every row has the label '7'"),
        (blobs(own_data::MAX_ROWS + 5), "line 10002: more than 10000 rows"),
        ("".into(), "there are no rows"),
        ("5\n6\n".into(), "line 1: only one column"),
        (blobs(10), "10 rows; at least 20"),
        ((0..40).map(|i| format!("{i},{i},\n")).collect(), "line 1: the label column is empty"),
        ((0..40).map(|i| format!("1,{i}\n")).collect(), "at most 10 classes"),
    ];
    for (text, expected) in cases {
        let err = own_data::parse("f.csv", &text).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(expected), "expected '{expected}' in: {err}");
    }
    let err = own_data::parse("f.csv", "1,nan,0\n").unwrap_err();
    assert_eq!(err, CsvError::NotANumber { line: 1, column: 2, value: "nan".into() });
}

#[test]
fn an_experiment_on_own_rows_trains_the_same_way_twice_and_its_ticket_file_carries_them() {
    let d = own_data::parse("blobs.csv", &blobs(200)).unwrap();
    let c = on_own(&d);
    c.validate().unwrap();
    assert_eq!(c.shapes()[0].fan_in, 2);
    let run = || {
        let data = engine::build_own_dataset(&c, &d).unwrap();
        let mut e = Experiment::new(c.clone(), data, &cpu()).unwrap();
        block_on(e.run_to_end(25, |_| {})).unwrap();
        e
    };
    let (a, b) = (run(), run());
    assert_eq!(a.reports().len(), 3);
    assert!(a.reports()[0].ticket.test_accuracy > 0.8, "two separate blobs are learned");
    let masks = |e: &Experiment| e.reports().iter().map(|r| r.mask.clone()).collect::<Vec<_>>();
    assert_eq!(masks(&a), masks(&b), "same rows, seed and settings: same ticket");

    // The ticket file carries the rows, and a file with other rows is refused.
    let file = Checkpoint { own_data: Some(d.clone()), ..a.checkpoint("cpu") }.to_json();
    let back = Checkpoint::from_json(&file).unwrap();
    assert_eq!(back.own_data.as_ref(), Some(&d));
    let mut other = d.clone();
    other.y[0] = 1 - other.y[0];
    let bad = Checkpoint { own_data: Some(other), ..a.checkpoint("cpu") }.to_json();
    assert!(Checkpoint::from_json(&bad).unwrap_err().to_string().contains("not the ones its configuration names"));
    let none = a.checkpoint("cpu").to_json();
    assert!(Checkpoint::from_json(&none).unwrap_err().to_string().contains("carries no rows"));
}

#[test]
fn own_data_cannot_travel_in_a_link() {
    let d = own_data::parse("blobs.csv", &blobs(40)).unwrap();
    let state = url::UrlState { config: on_own(&d), ..url::UrlState::default() };
    let (back, notices) = url::decode(&url::encode(&state));
    assert_eq!(back.config.data.dataset, ExperimentConfig::default().data.dataset);
    assert!(back.config.data.own.is_none());
    assert_eq!(notices[0].key, "data");
    assert!(notices[0].message.contains("own data cannot travel in a link"), "{}", notices[0].message);
}
