//! The URL codec: every configuration round-trips; hostile input never
//! panics and always yields a valid configuration plus messages.

use lottery_ticket_lab::engine::Choice;
use lottery_ticket_lab::engine::config::{self, ExperimentConfig};
use lottery_ticket_lab::url::{self, BackendChoice, UrlState};
use proptest::prelude::*;

fn arb_state() -> impl Strategy<Value = UrlState> {
    let datasets = prop::sample::select(lottery_ticket_lab::engine::DatasetName::all().collect::<Vec<_>>());
    (
        (datasets, 20usize..3000, 0.0f64..1.0, 0.05f64..0.3, 0.05f64..0.4),
        (prop::collection::vec(1usize..40, 0..4), any::<bool>(), any::<bool>(), prop::collection::vec(1usize..8, 0..3)),
        (1e-5f64..1.0, 0.0f64..0.95, 1usize..200, 1usize..5000),
        (any::<bool>(), any::<bool>(), any::<bool>(), 0.05f64..0.9, 0.0f64..0.9, 0usize..30),
        (any::<bool>(), any::<bool>(), any::<bool>(), 0u64..1_000_000, 0usize..3),
    )
        .prop_map(|(d, m, t, p, r)| {
            let mut c = ExperimentConfig::default();
            c.data.dataset = d.0;
            c.data.samples = d.1;
            c.data.noise = d.2;
            c.data.val_frac = d.3;
            c.data.test_frac = d.4;
            c.model.hidden = m.0;
            if !c.data.dataset.is_2d() {
                c.model.conv = m.3;
            }
            c.prune.conv_rate = p.4 / 2.0;
            c.model.init = if m.1 { config::Init::Glorot } else { config::Init::Kaiming };
            c.train.optimizer = if m.2 { config::OptimizerKind::Adam } else { config::OptimizerKind::Sgd };
            c.train.lr = t.0;
            c.train.momentum = t.1;
            c.train.batch = t.2;
            c.train.steps = t.3;
            c.train.eval_every = (t.3 / 3).max(1);
            c.prune.method = if p.0 {
                config::PruneMethod::Magnitude
            } else if p.1 {
                config::PruneMethod::Snip
            } else {
                config::PruneMethod::Synflow
            };
            c.prune.scope = if p.2 { config::PruneScope::Layer } else { config::PruneScope::Global };
            c.prune.rate = p.3;
            c.prune.output_rate = p.4;
            c.prune.rounds = p.5;
            c.prune.schedule = if r.0 { config::Schedule::Iterative } else { config::Schedule::Oneshot };
            c.prune.reset = if r.1 { config::ResetMode::Init } else { config::ResetMode::Rewind };
            c.prune.rewind_step = (c.train.steps / 10).min(c.train.steps - 1);
            c.prune.control_random = r.2;
            c.seed = r.3;
            let backend = [BackendChoice::Auto, BackendChoice::Cpu, BackendChoice::Webgpu][r.4];
            UrlState { config: c, backend, ..UrlState::default() }
        })
        .prop_filter("valid", |s| s.config.validate().is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn every_valid_configuration_round_trips(state in arb_state()) {
        let query = url::encode(&state);
        let (back, notices) = url::decode(&query);
        prop_assert!(notices.is_empty(), "notices for {query}: {notices:?}");
        prop_assert_eq!(back, state);
    }

    #[test]
    fn hostile_queries_never_panic_and_yield_valid_configs(q in prop_oneof![
        ".{0,300}",
        "([a-z_]{1,8}=[^&]{0,30}&){0,12}",
        "(data|hidden|conv|steps|rate|seed|t|preset)=(-?[0-9]{1,25}|NaN|inf|[0-9,]{0,40}|%[0-9A-F]{2}|<[a-z]+>)(&|;)?"
    ]) {
        let (state, _) = url::decode(&q);
        prop_assert!(state.config.validate().is_ok());
    }

    #[test]
    fn hostile_values_for_known_keys(
        key in prop::sample::select(url::SETTINGS.iter().map(|k| k.key).collect::<Vec<_>>()),
        value in prop_oneof![
            ".{0,40}",
            "-?[0-9]{1,30}",
            Just("NaN".to_string()),
            Just("inf".to_string()),
            Just("1e309".to_string()),
            Just("<script>alert(1)</script>".to_string()),
        ],
    ) {
        let q = format!("{}={}", key, urlencode(&value));
        let (state, notices) = url::decode(&q);
        prop_assert!(state.config.validate().is_ok(), "{q} gave {:?}", state.config.validate());
        for n in &notices {
            prop_assert!(!n.message.is_empty());
        }
    }
}

fn urlencode(s: &str) -> String {
    url::encode_component(s)
}

#[test]
fn bad_values_get_specific_messages() {
    let (s, n) = url::decode("?steps=abc&rate=5&data=cifar&zzz=1&seed=7&seed=8&hidden=3000");
    let text: Vec<String> = n.iter().map(|n| format!("{}: {}", n.key, n.message)).collect();
    assert!(text.iter().any(|t| t.starts_with("steps: 'abc' is not a number; using 600")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("rate: 5 is above 0.95; using 0.95")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("data: 'cifar' is not one of spiral")), "{text:?}");
    assert!(text.iter().any(|t| t == "zzz: is not a key this lab knows; ignored"), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("seed: appears more than once")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("hidden: 3000 is above 1024")), "{text:?}");
    assert_eq!(s.config.seed, 8);
    assert_eq!(s.config.prune.rate, 0.95);
    assert!(s.config.validate().is_ok());
}

/// The table drives everything: every menu entry of every setting is taken
/// as given and written back as given, and every label and help is filled in.
#[test]
fn every_setting_reads_back_what_it_writes() {
    for s in url::SETTINGS {
        assert!(!s.label.is_empty() && !s.help.is_empty(), "{} needs a label and help", s.key);
        let default = url::get(&UrlState::default(), s.key).unwrap();
        for value in (s.menu)().into_iter().map(|(v, _)| v.to_string()).chain([default]) {
            if (s.key, value.as_str()) == ("data", "own") {
                continue; // Own data needs imported rows: tests/own_data.rs.
            }
            let mut state = UrlState::default();
            let notices = url::apply(&mut state, s.key, &value);
            assert!(notices.is_empty(), "{}={value}: {notices:?}", s.key);
            assert_eq!(url::get(&state, s.key).as_deref(), Some(value.as_str()), "{}", s.key);
        }
    }
}

#[test]
fn a_tour_step_travels_in_the_link_and_only_when_set() {
    let (s, n) = url::decode("tour=3");
    assert!(n.is_empty(), "{n:?}");
    assert_eq!(s.tour, 3);
    assert!(url::encode(&s).contains("tour=3"));
    assert!(!url::encode(&UrlState::default()).contains("tour="), "no tour, no key");
    let (s, n) = url::decode("tour=9");
    assert_eq!(s.tour, url::TOUR_STEPS);
    assert_eq!(n[0].key, "tour");
    // The saved-rounds key is the configuration alone: a tour step does not change it.
    assert_eq!(url::config_key(&s.config), url::config_key(&UrlState::default().config));
}

#[test]
fn presets_and_hidden_controls() {
    for name in config::PRESETS {
        let (s, n) = url::decode(&format!("preset={name}"));
        assert!(n.is_empty(), "{name}: {n:?}");
        assert_eq!(s.config, config::preset(name).unwrap());
        assert!(s.config.validate().is_ok(), "{name}");
    }
    let (s, n) = url::decode("preset=spiral&lr_hide=1&bogus_hide=1");
    assert_eq!(s.hidden, vec!["lr".to_string()]);
    assert_eq!(n.len(), 1);
    let (_, n) = url::decode("preset=nope");
    assert!(n[0].message.contains("no preset called 'nope'"));
}

#[test]
fn overlong_links_are_cut_with_a_notice() {
    let q = format!("seed=3&x={}", "a".repeat(100_000));
    let (s, n) = url::decode(&q);
    assert_eq!(s.config.seed, 3);
    assert!(n.iter().any(|n| n.message.contains("only the first 16384")));
}

#[test]
fn ticket_masks_round_trip_through_links_and_bad_ones_are_refused() {
    use lottery_ticket_lab::engine::{Experiment, device};
    let mut c = config::preset("xor-tiny").unwrap();
    c.prune.rounds = 3;
    c.prune.control_reinit = false;
    let data = lottery_ticket_lab::engine::build_dataset(&c, None).unwrap();
    let mut e = Experiment::new(c.clone(), data, &device::cpu()).unwrap();
    pollster::block_on(e.run_to_end(50, |_| {})).unwrap();
    let masks: Vec<_> = e.reports().iter().map(|r| r.mask.clone()).collect();
    let state = UrlState { config: c.clone(), masks: masks.clone(), ..UrlState::default() };
    let q = url::encode(&state);
    let (back, notices) = url::decode(&q);
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(back.masks, masks);
    // A link for another network, or a damaged one, keeps the settings and says why.
    let other = q.replace("hidden=8", "hidden=9");
    let (s, n) = url::decode(&other);
    assert!(s.masks.is_empty());
    assert!(n[0].message.starts_with("the ticket in the link was not used: holds"), "{n:?}");
    let (s, n) = url::decode(&q[..q.len() - 6]);
    assert!(s.masks.is_empty() && n.iter().any(|n| n.key == "t"), "a truncated ticket: {n:?}");
    let (_, n) = url::decode("t=2.%3Cscript%3E");
    assert!(n[0].message.contains("not base64url"), "{n:?}");
}

/// The bench shows the per-layer rates only where they apply: global scope prunes every layer by one threshold.
#[test]
fn per_layer_rates_are_shown_only_under_layer_scope() {
    use lottery_ticket_lab::engine::config::PruneScope;
    let mut c = lottery_ticket_lab::engine::preset("lenet-mnist").unwrap();
    c.prune.scope = PruneScope::Layer;
    assert!(url::applies("orate", &c) && url::applies("cvrate", &c) && url::applies("rate", &c));
    c.prune.scope = PruneScope::Global;
    assert!(!url::applies("orate", &c) && !url::applies("cvrate", &c));
    assert!(url::applies("rate", &c), "the one rate global scope prunes at");
}

/// The task table (`engine::tasks::row`) names every dataset at most once, hides only real settings, and the bench
/// shows each task what it reads: checked against the tasks as the README describes them, written here.
#[test]
fn each_task_row_hides_what_its_task_ignores() {
    use lottery_ticket_lab::engine::tasks::{TASKS, TaskKind, TaskRow};
    use lottery_ticket_lab::engine::{Choice, DatasetName};
    for dataset in DatasetName::all() {
        let rows = TASKS.iter().filter(|t| t.datasets.contains(&dataset)).count();
        assert!(rows <= 1, "{dataset:?} is named by {rows} rows");
    }
    let keys: Vec<&str> = url::SETTINGS.iter().map(|s| s.key).collect();
    for row in &TASKS {
        for key in row.ignores {
            assert!(keys.contains(key), "{}: ignores {key:?}, which is no setting", row.name);
        }
    }
    let kind = |d: DatasetName| TaskRow::of(d).kind;
    assert_eq!(kind(DatasetName::Modular), TaskKind::ModularAddition);
    assert_eq!(kind(DatasetName::Cartpole), TaskKind::CartPole);
    assert_eq!([kind(DatasetName::Ring), kind(DatasetName::Grid)], [TaskKind::Gan; 2]);
    assert_eq!(kind(DatasetName::Mnist), TaskKind::Classification);
    assert_eq!([kind(DatasetName::RegPlane), kind(DatasetName::RegGauss)], [TaskKind::Regression; 2]);

    // What each preset's task reads and ignores, by hand.
    let shows = |preset: &str, key: &str| url::applies(key, &lottery_ticket_lab::engine::preset(preset).unwrap());
    for (preset, reads, ignores) in [
        ("lenet-mnist", &["hidden", "n", "val", "method", "init"][..], &["p", "dmodel", "heads", "dprune"][..]),
        // The paper's MLP: no attention heads.
        ("modular", &["p", "dmodel", "dmlp", "val", "maskat"][..], &["heads", "hidden", "noise", "conv", "dprune"][..]),
        ("cartpole", &["hidden", "batch", "lr"][..], &["n", "val", "test", "method", "p", "dprune"][..]),
        ("gan-ring", &["hidden", "batch", "dprune"][..], &["n", "val", "test", "method", "dmodel"][..]),
        ("regression", &["hidden", "n", "noise", "val", "test"][..], &["conv", "method", "p", "dmodel", "dprune"][..]),
    ] {
        for key in reads {
            assert!(shows(preset, key), "{preset} reads {key}");
        }
        for key in ignores {
            assert!(!shows(preset, key), "{preset} ignores {key}");
        }
    }
}
