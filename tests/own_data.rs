//! Own data: a CSV becomes a dataset like the built-in ones, a bad file is
//! refused with the line and the problem, and a ticket file carries the rows.

mod common;

use common::*;
use lottery_ticket_lab::engine::config::ExperimentConfig;
use lottery_ticket_lab::engine::data::csv_table::{self, Delimiter, Header};
use lottery_ticket_lab::engine::data::own_data::{self, ColumnChoice, LeftOut, OwnData, Role};
use lottery_ticket_lab::engine::data::own_limits::{self, CsvError};
use lottery_ticket_lab::engine::{self, Checkpoint, DatasetName, Experiment};
use lottery_ticket_lab::{sweep, url};

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
        (good.replacen("\n", "\n1.0,2.0\n", 2).replacen("1.0,2.0\n", "", 1), "line 3: 2 values, but line 1 has 3"),
        (
            good.replace("x,y,label\n", "x,y,label\n0.5,abc,1\n"),
            "line 2, column 2 (y): 'abc' is not a number, though the column's other values are",
        ),
        ((0..40).map(|i| format!("{i},{i},7\n")).collect(), "every row has the label '7'"),
        (blobs(own_limits::MAX_ROWS + 5), "line 10002: more than 10000 rows"),
        ("".into(), "there are no rows"),
        ("# only a comment\n\n".into(), "there are no rows"),
        ("5\n6\n".into(), "line 1: only one column"),
        (blobs(10), "10 rows; at least 20"),
        ((0..40).map(|i| format!("1,{i}\n")).collect(), "at most 10 classes (is column 2 the label column?)"),
        ("a,b,c\n1,2,3\n4,5,6\n".into(), "2 rows; at least 20"),
        (
            (0..30).map(|i| format!("{i},{}\n", if i < 15 { "NA".into() } else { i.to_string() })).collect(),
            "15 rows once 15 with a missing value are left out; at least 20",
        ),
        (
            (0..30).map(|i| format!("{i},{},{}\n", if i == 5 { "inf".into() } else { i.to_string() }, i % 2)).collect(),
            "line 6, column 2 (column 2): 'inf' is not a number",
        ),
    ];
    for (text, expected) in cases {
        let err = own_data::parse("f.csv", &text).map(|_| ()).unwrap_err().to_string();
        assert!(err.contains(expected), "expected '{expected}' in: {err}");
    }
    let too_big = "1,2\n".repeat(own_limits::MAX_BYTES / 4 + 1);
    assert_eq!(own_data::parse("f.csv", &too_big).unwrap_err(), CsvError::TooLarge(too_big.len()));

    // Names that are not columns, and a file whose every feature column is left out.
    let table = csv_table::read("f.csv", &blobs(40)).unwrap();
    let err = ColumnChoice::named(&table, Some("species"), &[]).unwrap_err().to_string();
    assert_eq!(err, "no column called 'species'; the columns are x, y, label");
    let all_out = ColumnChoice::named(&table, None, &["x".into(), "2".into()]).unwrap();
    let err = own_data::build(&table, &all_out).unwrap_err().to_string();
    assert_eq!(err, "no feature column is left: x (left out), y (left out), label (label)");
}

/// A table read from text, with its default choice's dataset.
fn read(text: &str) -> (csv_table::Table, Result<own_data::Imported, CsvError>) {
    let table = csv_table::read("f.csv", text).unwrap();
    let built = own_data::build(&table, &ColumnChoice::default_for(&table));
    (table, built)
}

/// 30 iris-like rows: four measurements and a species word.
fn iris_rows(decimal: &str, delimiter: &str, quote: &str) -> String {
    (0..30)
        .map(|i| {
            let species = ["setosa", "versicolor", "virginica"][i % 3];
            let m = |base: usize| format!("{}{decimal}{}", base + i % 3, i % 10);
            [m(5), m(3), m(1), m(0), format!("{quote}{species}{quote}")].join(delimiter) + "\n"
        })
        .collect()
}

#[test]
fn csv_as_people_have_it_quoted_semicolons_tabs_and_a_sniffed_header() {
    let header = "sepal_length,sepal_width,petal_length,petal_width,species\n";
    // A header of names with labels as words: the label is the last column (no column is called label).
    let (table, built) = read(&format!("{header}{}", iris_rows(".", ",", "")));
    assert_eq!((table.delimiter, &table.header), (Delimiter::Comma, &Header::Names { line: 1 }));
    let d = built.unwrap().data;
    assert_eq!(
        (d.rows(), d.features, d.labels.clone()),
        (30, 4, vec!["setosa".into(), "versicolor".into(), "virginica".into()])
    );
    assert_eq!(d.feature_names, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);

    // Quoted fields, as spreadsheets export them: the same data.
    let quoted = format!(
        "\"sepal_length\",\"sepal_width\",petal_length,petal_width,\"species\"\r\n{}",
        iris_rows(".", ",", "\"")
    );
    assert_eq!(read(&quoted).1.unwrap().data.x, d.x, "quotes and CRLF read like plain fields");
    // A quoted field may hold the delimiter and a doubled quote.
    let (table, _) = read("name,x,label\n\"Smith, \"\"J\"\"\",1,a\nLee,2,b\n");
    assert_eq!(table.rows[0].fields[0], "Smith, \"J\"");

    // Semicolons and decimal commas (a spreadsheet in most of Europe): the same numbers.
    let european = format!("{}{}", header.replace(',', ";"), iris_rows(",", ";", ""));
    let (table, built) = read(&european);
    assert_eq!(table.delimiter, Delimiter::Semicolon);
    assert_eq!(built.unwrap().data.x, d.x, "5,1 is 5.1 where semicolons separate fields");
    // Without a header the first line is data, and decimal commas still win over commas.
    let (table, built) = read(&iris_rows(",", ";", ""));
    assert_eq!((table.delimiter, &table.header, table.rows.len()), (Delimiter::Semicolon, &Header::None, 30));
    assert_eq!(built.unwrap().data.x, d.x);
    // Tabs.
    let (table, built) = read(&format!("{}{}", header.replace(',', "\t"), iris_rows(".", "\t", "")));
    assert_eq!(table.delimiter, Delimiter::Tab);
    assert_eq!(built.unwrap().data.x, d.x);

    // The sniffed header: numbers over numbers are data, names over numbers are a header.
    let (table, _) = read(&blobs(30).replace("x,y,label\n", ""));
    assert_eq!((&table.header, table.columns[0].as_str()), (&Header::None, "column 1"));
    let (table, _) = read(&blobs(30).replace("x,y,label", "height,weight,kind"));
    assert_eq!(table.header, Header::Names { line: 1 });
    // A header may name the label column anywhere; comments and blank lines are skipped.
    let text = format!(
        "# from a lab notebook\nclass,a,b,c\n\n{}",
        (0..30).map(|i| format!("{},{i},1,2\n", i % 3)).collect::<String>()
    );
    let (table, built) = read(&text);
    assert_eq!((table.header.clone(), ColumnChoice::default_for(&table).label), (Header::Names { line: 2 }, 0));
    assert_eq!(table.rows[0].line, 4, "the comment and the blank line count as lines");
    assert_eq!((built.as_ref().unwrap().data.features, built.unwrap().data.classes()), (3, 3));
}

#[test]
fn scikit_learns_count_line_is_a_header_and_names_the_classes() {
    // sklearn/datasets/data/iris.csv: rows, features, class names; the target is 0, 1, 2.
    let rows: String = (0..30).map(|i| format!("{}.{},3.{},1.4,0.2,{}\n", 4 + i % 3, i % 10, i % 7, i % 3)).collect();
    let (table, built) = read(&format!("30,4,setosa,versicolor,virginica\n{rows}"));
    assert!(matches!(&table.header, Header::Counts { line: 1, class_names } if class_names.len() == 3));
    let d = built.unwrap().data;
    assert_eq!((d.rows(), d.features), (30, 4));
    assert_eq!(d.labels, ["setosa", "versicolor", "virginica"]);
    assert_eq!(d.y[..3], [0, 1, 2]);
    // breast_cancer.csv's count line is shorter than its rows: still not data.
    let rows: String = (0..25).map(|i| format!("{i}.5,{}.25,{}\n", i * 2, i % 2)).collect();
    let (table, built) = read(&format!("25,2,malignant,benign\n{rows}"));
    assert!(matches!(table.header, Header::Counts { .. }));
    assert_eq!((table.columns.len(), built.unwrap().data.labels), (3, vec!["malignant".to_string(), "benign".into()]));
}

/// Penguins as palmerpenguins ships them, shortened: the label first, two word
/// columns, and rows with NA.
fn penguins() -> String {
    let mut text = String::from("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n");
    for i in 0..60 {
        let (species, island) = [("Adelie", "Torgersen"), ("Gentoo", "Biscoe"), ("Chinstrap", "Dream")][i % 3];
        let sex = if i == 7 { "NA" } else { ["male", "female"][i % 2] };
        let bill = if i == 12 { "NA".to_string() } else { format!("{}.{}", 38 + 5 * (i % 3), i % 10) };
        text.push_str(&format!(
            "{species},{island},{bill},{}.1,{},{},{sex},{}\n",
            15 + i % 3,
            180 + i % 40,
            3500 + 10 * i,
            2007 + i % 3
        ));
    }
    text
}

#[test]
fn missing_values_word_columns_and_the_users_columns() {
    let table = csv_table::read("penguins.csv", &penguins()).unwrap();
    // By default the label is the last column, year; the preview says what each column is.
    let default = ColumnChoice::default_for(&table);
    assert_eq!(table.columns[default.label], "year");
    let choice = ColumnChoice::named(&table, Some("species"), &["year".into()]).unwrap();
    let plan = own_data::plan(&table, &choice);
    let roles: Vec<String> = plan.roles.iter().map(Role::describe).collect();
    assert_eq!(roles, ["label", "one-hot (3)", "feature", "feature", "feature", "feature", "one-hot (2)", "left out"]);
    assert_eq!(plan.missing_lines(&table), [9, 14], "lines 9 and 14 hold NA (line 1 is the header)");

    let imported = own_data::build(&table, &choice).unwrap();
    let d = &imported.data;
    assert_eq!(
        (d.rows(), d.features, d.labels.clone()),
        (58, 4 + 3 + 2, vec!["Adelie".into(), "Chinstrap".into(), "Gentoo".into()])
    );
    assert_eq!(&d.feature_names[..3], ["island=Biscoe", "island=Dream", "island=Torgersen"]);
    assert_eq!(imported.notes, ["2 rows have a missing value and are left out (lines 9, 14)"]);
    // One-hot columns are 1 where the row has the word (scaled to -1..1 like every column).
    let row0 = &d.x[..d.features];
    assert_eq!(&row0[..3], [-1.0, -1.0, 1.0], "row 1 is on Torgersen");

    // A column that is left out is not read: its missing values leave no row out.
    let no_sex = ColumnChoice::named(&table, Some("species"), &["year".into(), "sex".into()]).unwrap();
    let imported = own_data::build(&table, &no_sex).unwrap();
    assert_eq!((imported.data.rows(), imported.data.features), (59, 7));
    // Words with more distinct values than a one-hot column may have are left out, with a note.
    let named: String = (0..40).map(|i| format!("bird{i},{}.5,{}\n", i, i % 2)).collect();
    let (table, built) = read(&format!("name,mass,label\n{named}"));
    let imported = built.unwrap();
    assert_eq!(
        own_data::plan(&table, &ColumnChoice::default_for(&table)).roles[0],
        Role::LeftOut(LeftOut::TooManyWords { distinct: 40 })
    );
    assert_eq!(imported.data.features, 1);
    assert_eq!(
        imported.notes,
        [format!(
            "name is left out: 40 different words, more than the {} a one-hot column may have",
            own_data::MAX_ONE_HOT
        )]
    );
    // Every spelling of missing leaves its row out; many rows are named by the first few lines.
    let spellings = ["", "NA", "N/A", "NaN", "null", "?", "nan", "None"];
    let text: String =
        (0..40).map(|i| format!("{},{i},{}\n", if i < 8 { spellings[i] } else { "1.5" }, i % 2)).collect();
    let (_, built) = read(&format!("a,b,label\n{text}"));
    assert_eq!(built.unwrap().notes, ["8 rows have a missing value and are left out (lines 2, 3, 4, 5, 6, …)"]);
}

#[test]
fn the_shipped_penguins_file_and_the_cli_reader_agree() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/data/penguins.csv");
    let imported = own_data::from_file(&path, Some("species"), &["year".into()]).unwrap();
    let d = &imported.data;
    assert_eq!((d.name.as_str(), d.rows(), d.features, d.classes()), ("penguins.csv", 333, 9, 3));
    assert_eq!(imported.notes, ["11 rows have a missing value and are left out (lines 5, 10, 11, 12, 13, …)"]);
    let err = own_data::from_file(&path, Some("spieces"), &[]).unwrap_err();
    assert!(
        err.ends_with(
            "penguins.csv: no column called 'spieces'; the columns are species, island, bill_length_mm, \
         bill_depth_mm, flipper_length_mm, body_mass_g, sex, year"
        ),
        "{err}"
    );
}

#[test]
fn lottery_run_reads_a_csv_as_the_page_does() {
    let dir = std::env::temp_dir().join(format!("ltl-own-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (csv, report) = (dir.join("penguins.csv"), dir.join("report.json"));
    std::fs::write(&csv, penguins()).unwrap();
    let lottery = |extra: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lottery"));
        c.args(["run", "--preset", "demo", "--set", "rounds=1", "--set", "steps=40", "--set", "eval=20"]);
        c.arg("--data-file").arg(&csv).args(extra);
        c.output().unwrap()
    };
    let out = lottery(&["--label", "species", "--drop", "year,sex", "--out", report.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("penguins.csv: 59 rows, 7 features, 3 classes (Adelie, Chinstrap, Gentoo)"), "{stderr}");
    assert!(stderr.contains("1 row has a missing value and is left out (line 14)"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["config"]["data"]["own"]["features"], 7);
    assert_eq!(report["config"]["data"]["own"]["rows"], 59);
    // A column that is not there is refused by name, and nothing trains.
    let out = lottery(&["--label", "penguin"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no column called 'penguin'; the columns are species, island")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_sweep_names_a_csv_and_every_run_trains_on_its_rows() {
    let dir = std::env::temp_dir().join(format!("ltl-own-sweep-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("penguins.csv"), penguins()).unwrap();
    let grid = concat!(
        "data_file = \"penguins.csv\"\nlabel = \"species\"\ndrop = [\"year\"]\n",
        "steps = 40\neval = 20\nrounds = 1\nreps = 1\nrate = [0.2, 0.5]\n"
    );
    let planned = sweep::plan_in(grid, &dir).unwrap();
    assert_eq!(planned.runs.len(), 2);
    let own = planned.own.expect("the grid names a file").data;
    assert_eq!(planned.runs[0].config.own_shape(), Some(&own.shape()));
    assert_eq!(planned.runs[0].config.features(), 9);
    // Other rows, another configuration name.
    std::fs::write(dir.join("other.csv"), penguins().replace("3500", "3600")).unwrap();
    let other = sweep::plan_in(&grid.replace("penguins.csv", "other.csv"), &dir).unwrap();
    assert_ne!(other.runs[0].configuration, planned.runs[0].configuration);

    let out = dir.join("sweep");
    sweep::write_manifest(&out, &planned.runs).unwrap();
    sweep::write_own_data(&out, &own).unwrap();
    let no_images = std::path::Path::new("no-image-sets-needed");
    sweep::run_one(&out, 0, lottery_ticket_lab::engine::device::Native::Cpu, no_images).unwrap();
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("runs").join(&planned.runs[0].name).join("report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(report["rounds"].as_array().unwrap().len(), 2);

    for (bad, expected) in [
        ("label = \"species\"\n", "label: only with data_file"),
        ("data_file = \"missing.csv\"\n", "missing.csv: No such file"),
        ("data_file = \"penguins.csv\"\ndrop = \"year\"\n", "drop: \"year\" is not a list of columns"),
    ] {
        let err = sweep::plan_in(bad, &dir).unwrap_err();
        assert!(err.contains(expected), "expected '{expected}' in: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
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
