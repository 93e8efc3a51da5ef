//! The ticket as a file and as a sparse network (issue 37): the sparse kernel computes what the masked dense
//! network on burn computes, over random shapes and masks (an input with every weight pruned, a layer with every
//! weight pruned); the compact file reads back bit for bit in f32, within its own rounding in f16 and int8; a
//! damaged or truncated file is refused with the reason.

mod common;

use burn::tensor::{Tensor, TensorData};
use common::*;
use lottery_ticket_lab::engine::config::{Init, TransformerConfig};
use lottery_ticket_lab::engine::lottery::mask::{LayerMask, Mask};
use lottery_ticket_lab::engine::networks::model::MaskedNet;
use lottery_ticket_lab::engine::networks::shapes::dense_shapes;
use lottery_ticket_lab::engine::networks::sparse::SparseMlp;
use lottery_ticket_lab::engine::records::compact::{self, CompactError, Precision};
use lottery_ticket_lab::engine::{Weights, read_f32};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Relative tolerance of an f32 logit summed in another order.
const REL: f32 = 1e-5;

/// A random mask over `widths`' layers keeping about `density` of each, with input 0 of layer 0 pruned whole
/// (an empty sparse row) and, when `all_pruned` is set, the middle layer pruned whole.
fn random_mask(widths: &[usize], density: f64, all_pruned: bool, rng: &mut ChaCha8Rng) -> Mask {
    let shapes = dense_shapes(widths);
    let middle = shapes.len() / 2;
    let layers = shapes
        .iter()
        .enumerate()
        .map(|(l, s)| {
            let keep = (0..s.fan_in * s.fan_out)
                .map(|i| {
                    let empty_row = l == 0 && i / s.fan_out == 0;
                    !(empty_row || (all_pruned && l == middle)) && rng.random_bool(density)
                })
                .collect();
            LayerMask { fan_in: s.fan_in, fan_out: s.fan_out, keep }
        })
        .collect();
    Mask { layers }
}

/// θ ⊙ m with random biases (θ0's are zero, a trained network's are not).
fn masked_weights(widths: &[usize], mask: &Mask, seed: u64, rng: &mut ChaCha8Rng) -> Weights {
    let mut w = Weights::init(&dense_shapes(widths), Init::Glorot, seed, 0).masked(mask);
    for l in &mut w.layers {
        l.b.iter_mut().for_each(|b| *b = rng.random_range(-0.5..0.5));
    }
    w
}

/// The masked dense network's logits on burn's CPU backend: what the lab computes.
fn dense_logits(w: &Weights, mask: &Mask, x: &[f32], batch: usize) -> Vec<f32> {
    let device = cpu();
    let net = MaskedNet::new(w, mask, &device);
    // A conv net takes the flat image; an MLP its first layer's inputs.
    let features = w.layers[0].conv.map_or(w.layers[0].fan_in, |c| c.side * c.side);
    let input = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [batch, features]), &device);
    block_on(read_f32(net.forward(input))).unwrap()
}

fn argmax(row: &[f32]) -> usize {
    row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map(|(i, _)| i).unwrap()
}

#[test]
fn the_sparse_kernel_computes_what_the_masked_dense_network_computes() {
    let mut rng = ChaCha8Rng::seed_from_u64(37);
    let cases: [(&[usize], f64, bool, usize); 6] = [
        (&[2, 8, 2], 0.5, false, 1),
        (&[5, 16, 16, 3], 0.2, false, 7),
        (&[5, 16, 16, 3], 0.2, true, 4),
        (&[64, 30, 10], 0.036, false, 256),
        (&[12, 1, 4], 0.9, false, 3),
        (&[7, 9, 9, 9, 2], 1.0, false, 5),
    ];
    for (case, &(widths, density, all_pruned, batch)) in cases.iter().enumerate() {
        let mask = random_mask(widths, density, all_pruned, &mut rng);
        let w = masked_weights(widths, &mask, case as u64, &mut rng);
        let x: Vec<f32> = (0..batch * widths[0]).map(|_| rng.random_range(-1.0..1.0)).collect();
        let sparse = SparseMlp::of(&w, &mask).unwrap();
        assert_eq!(sparse.layers.iter().map(|l| l.kept()).sum::<usize>(), mask.remaining(), "case {case}: kept");
        let got = sparse.forward(&x, batch);
        let want = dense_logits(&w, &mask, &x, batch);
        assert_eq!(got.len(), want.len());
        for (i, (g, d)) in got.iter().zip(&want).enumerate() {
            assert!((g - d).abs() <= REL * d.abs().max(1.0), "case {case}, logit {i}: sparse {g}, dense {d}");
        }
        let classes = *widths.last().unwrap();
        for (g, d) in got.chunks(classes).zip(want.chunks(classes)) {
            assert_eq!(argmax(g), argmax(d), "case {case}: a prediction differs");
        }
    }
}

#[test]
fn a_network_the_kernel_does_not_run_is_refused_with_the_reason() {
    let c = lottery_ticket_lab::engine::preset("conv2-fashion").unwrap();
    let w = Weights::theta0(&c);
    let e = SparseMlp::of(&w, &Mask::dense(&c.shapes())).unwrap_err();
    assert!(e.contains("conv layers"), "{e}");
}

fn sample_ticket() -> (Weights, Mask) {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let widths = [20, 32, 10];
    let mask = random_mask(&widths, 0.1, false, &mut rng);
    (masked_weights(&widths, &mask, 3, &mut rng), mask)
}

#[test]
fn the_compact_file_reads_back_bit_for_bit_in_f32_and_within_its_rounding_otherwise() {
    let (w, mask) = sample_ticket();
    let link = "?data=circle&hidden=32&seed=3";
    let f32_file = compact::write(&w, &mask, Precision::F32, link);
    let back = compact::read(&f32_file).unwrap();
    assert_eq!((back.precision, back.link.as_str()), (Precision::F32, link));
    assert_eq!(back.mask, mask);
    let bits = |w: &Weights| -> Vec<u32> {
        w.layers.iter().flat_map(|l| l.w.iter().chain(&l.b)).map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&back.weights), bits(&w), "f32 reads back bit for bit");

    for precision in [Precision::F16, Precision::Int8] {
        let file = compact::write(&w, &mask, precision, link);
        assert!(file.len() < f32_file.len(), "{precision:?} is smaller than f32");
        let back = compact::read(&file).unwrap();
        assert_eq!(back.mask, mask, "{precision:?}: the same survivors");
        for (l, (got, want)) in back.weights.layers.iter().zip(&w.layers).enumerate() {
            let largest = want.w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
            // f16 keeps 11 significant bits; int8 rounds to the nearest of 127 steps of the largest magnitude.
            let tolerance = |v: f32| match precision {
                Precision::F16 => v.abs() / 1024.0 + 1e-7,
                _ => largest / 127.0 / 2.0 + 1e-7,
            };
            for (g, v) in got.w.iter().zip(&want.w) {
                assert!((g - v).abs() <= tolerance(*v), "{precision:?} layer {l}: {g} for {v}");
            }
            assert_eq!(got.b, want.b, "biases are stored as f32");
        }
    }
}

#[test]
fn a_damaged_or_truncated_compact_file_is_refused_with_the_reason() {
    let (w, mask) = sample_ticket();
    let file = compact::write(&w, &mask, Precision::Int8, "?seed=3");
    for cut in [0, 3, 4, 10, file.len() / 2, file.len() - 1] {
        let e = compact::read(&file[..cut]).unwrap_err();
        assert!(
            matches!(e, CompactError::NotCompact | CompactError::Truncated(_) | CompactError::Checksum),
            "cut {cut}: {e}"
        );
    }
    let mut flipped = file.clone();
    flipped[file.len() / 2] ^= 0x10;
    assert_eq!(compact::read(&flipped).unwrap_err(), CompactError::Checksum);
    assert_eq!(compact::read(b"PK\x03\x04 a zip file").unwrap_err(), CompactError::NotCompact);

    // Well-formed bytes that say something impossible: the checksum is right, the content is refused.
    let resealed = |mut body: Vec<u8>| {
        body.truncate(body.len() - 4);
        let crc = crc32fast::hash(&body);
        body.extend_from_slice(&crc.to_le_bytes());
        body
    };
    let header_len = u32::from_le_bytes(file[4..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&file[8..8 + header_len]).unwrap();
    let newer = header.replace("\"version\":1", "\"version\":9");
    let mut v9 = file[..4].to_vec();
    v9.extend_from_slice(&(newer.len() as u32).to_le_bytes());
    v9.extend_from_slice(newer.as_bytes());
    v9.extend_from_slice(&file[8 + header_len..]);
    assert_eq!(compact::read(&resealed(v9)).unwrap_err(), CompactError::Version(9));
    // Layer 0's count claims more survivors than its 20 × 32 weights.
    let mut overfull = file.clone();
    overfull[8 + header_len..8 + header_len + 4].copy_from_slice(&10_000u32.to_le_bytes());
    let e = compact::read(&resealed(overfull)).unwrap_err();
    assert!(e.to_string().starts_with("layer 0: 10000 surviving weights in a layer of 640"), "{e}");
}

#[test]
fn a_round_trained_again_is_the_round_the_experiment_trained_bit_for_bit() {
    use lottery_ticket_lab::engine::Experiment;
    use lottery_ticket_lab::engine::records::savings;
    let c = tiny(4);
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    let link = lottery_ticket_lab::url::ticket_link(&c);
    e.set_ticket_link(link.clone());
    block_on(e.run_to_end(500, |_| {})).unwrap();
    let mut rounds = e.reports().to_vec();
    let last = rounds.len() - 1;
    let kept = rounds[last].trained.take().expect("a small network keeps its trained weights");
    let again = block_on(savings::trained_ticket(&c, &rounds, last, &data, &cpu())).unwrap();
    let bits = |w: &Weights| -> Vec<u32> {
        w.layers.iter().flat_map(|l| l.w.iter().chain(&l.b)).map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&again), bits(&kept));
    // What the page downloads: the experiment's last ticket as trained, and the report's bytes are its files'.
    let (trained, mask) = e.trained_ticket().expect("the last round's ticket");
    assert_eq!((bits(trained), mask), (bits(&kept), &rounds[last].mask));
    let quoted = rounds[last].ticket_bytes.clone().expect("every round measures its files");
    for p in Precision::ALL {
        assert_eq!(quoted.compact(p), compact::write(&kept, mask, p, &link).len(), "{p:?}");
    }
    assert!(rounds.iter().all(|r| r.ticket_bytes.is_some()));
}

/// The compact file's length as its layout says, counted here from the mask alone: magic, header, per layer the
/// two counts, one varint byte per started 7 bits of each step between survivors, the scale (int8), the values,
/// the biases, and the checksum.
#[test]
fn the_bytes_quoted_are_the_layout_s_bytes() {
    use lottery_ticket_lab::engine::records::savings::Bytes;
    let (w, mask) = sample_ticket();
    let link = "?seed=3";
    let bytes = Bytes::of(&w, &mask, link);
    let weights_and_biases: usize = w.layers.iter().map(|l| l.w.len() + l.b.len()).sum();
    assert_eq!(bytes.dense_f32, 4 * weights_and_biases);
    let varint_bytes = |g: usize| (usize::BITS - g.leading_zeros()).div_ceil(7).max(1) as usize;
    for precision in Precision::ALL {
        let value_bytes = match precision {
            Precision::F32 => 4,
            Precision::F16 => 2,
            Precision::Int8 => 1,
        };
        // The JSON header's length is the file's own (it names the precision); the rest is counted here.
        let file = compact::write(&w, &mask, precision, link);
        let header = u32::from_le_bytes(file[4..8].try_into().unwrap()) as usize;
        let mut expected = 4 + 4 + header + 4;
        for (l, m) in w.layers.iter().zip(&mask.layers) {
            let kept: Vec<usize> = (0..m.keep.len()).filter(|&i| m.keep[i]).collect();
            let steps: usize =
                kept.iter().enumerate().map(|(n, &i)| varint_bytes(if n == 0 { i } else { i - kept[n - 1] })).sum();
            let scale = if precision == Precision::Int8 { 4 } else { 0 };
            expected += 4 + 4 + steps + scale + value_bytes * kept.len() + 4 + 4 * l.b.len();
        }
        assert_eq!(bytes.compact(precision), expected, "{precision:?}");
    }
}

/// The project's Python (scripts/setup.sh makes it: numpy and the safetensors package, in its cache).
fn python() -> std::path::PathBuf {
    let venv = std::env::var_os("LTL_PY_VENV").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/lottery-ticket-lab/py-venv")
    });
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "no {}: run scripts/setup.sh all (it installs numpy and safetensors there)",
        python.display()
    );
    python
}

/// Write an exported `file` (named `name`) and its `case` (rows and the lab's outputs) to a folder of their own, run
/// tests/python/`script` on them in the project's Python, and return the JSON line it prints; the script's
/// refusal (a prediction that differs, a logit off by more than 1e-5) fails the test with its output.
fn read_back(script: &str, name: &str, file: &[u8], case: &serde_json::Value) -> serde_json::Value {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ltl-export-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (ticket, rows) = (dir.join(name), dir.join("case.json"));
    std::fs::write(&ticket, file).unwrap();
    std::fs::write(&rows, case.to_string()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python").join(script);
    let out = std::process::Command::new(python()).arg(script).arg(&ticket).arg(&rows).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{name}: {said}{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(said.trim()).unwrap()
}

#[test]
fn the_safetensors_file_gives_the_lab_s_predictions_read_by_the_safetensors_package() {
    use lottery_ticket_lab::engine::Experiment;
    use lottery_ticket_lab::engine::records::torch_export;
    let c = lottery_ticket_lab::engine::preset("spiral").unwrap();
    let c = lottery_ticket_lab::engine::ExperimentConfig { seed: 2, ..c };
    let mut short = c.clone();
    short.prune.rounds = 2;
    short.train.steps = 200;
    let data = dataset(&short);
    let mut e = Experiment::new(short.clone(), data.clone(), &cpu()).unwrap();
    block_on(e.run_to_end(500, |_| {})).unwrap();
    let round = &e.reports()[2];
    let trained = round.trained.clone().expect("a small network keeps its trained weights");
    let theta0 = Weights::theta0(&short);
    let link = "?preset=spiral&seed=2&rounds=2&steps=200";
    let file = torch_export::write(&trained, &round.mask, &theta0, &[("link", link.to_string())]).unwrap();
    let rows = data.test.len();
    let logits = dense_logits(&trained, &round.mask, &data.test.x, rows);
    let case = serde_json::json!({"features": data.features, "x": data.test.x, "logits": logits});
    let read = read_back("check_safetensors.py", "ticket.safetensors", &file, &case);
    assert_eq!(read["rows"], rows);
    assert_eq!(read["kept"], round.mask.remaining());
    assert_eq!(read["link"], link);
    assert_eq!(read["same_predictions"], true);
}

#[test]
fn the_onnx_model_gives_the_lab_s_predictions_in_onnx_runtime_from_raw_pixels() {
    use lottery_ticket_lab::engine::Experiment;
    use lottery_ticket_lab::engine::records::onnx_export;
    let mut c = lottery_ticket_lab::engine::preset("digits").unwrap();
    c.prune.rounds = 1;
    c.train.steps = 100;
    let data = dataset(&c);
    let mut e = Experiment::new(c.clone(), data.clone(), &cpu()).unwrap();
    block_on(e.run_to_end(500, |_| {})).unwrap();
    let round = &e.reports()[1];
    let trained = round.trained.clone().expect("a small network keeps its trained weights");
    // The digits are 0..16 per pixel: the lab divides by 16, and so must the graph, from the raw values.
    let raw: Vec<f32> = data.test.x.iter().map(|v| (v * 16.0).round()).collect();
    assert!(raw.iter().zip(&data.test.x).all(|(r, v)| r / 16.0 == *v), "the test rows are whole pixel values / 16");
    let link = "?preset=digits&rounds=1&steps=100";
    let spec = onnx_export::GraphSpec::of(&c, None).unwrap();
    assert_eq!(spec.names, onnx_export::GraphNames::CLASSIFIER);
    assert_eq!(spec.scaling, onnx_export::InputScaling::Times(1.0 / 16.0));
    let model = onnx_export::write(&trained, &spec, &[("link", link.to_string())]).unwrap();
    let rows = data.test.len();
    let logits = dense_logits(&trained, &round.mask, &data.test.x, rows);
    let case = serde_json::json!({"features": data.features, "x": raw, "logits": logits});
    let read = read_back("check_onnx.py", "ticket.onnx", &model, &case);
    assert_eq!((read["rows"].clone(), read["link"].clone()), (rows.into(), link.into()));
    assert_eq!(read["same_predictions"], true);
}

/// The policy's actor (4 observations → 2 action logits) and the GAN's generator (noise → a 2D point) are MLPs
/// like a classifier: pruned at random, each runs through the sparse kernel as burn computes it, and its
/// safetensors file, read by the safetensors package and numpy, and its ONNX model, run by ONNX Runtime, give the
/// same outputs.
#[test]
fn the_actor_and_the_generator_run_sparse_and_read_back_from_safetensors_and_onnx() {
    use lottery_ticket_lab::engine::records::{onnx_export, torch_export};
    let mut rng = ChaCha8Rng::seed_from_u64(38);
    for preset in ["cartpole", "gan-ring"] {
        let c = lottery_ticket_lab::engine::preset(preset).unwrap();
        let shapes = c.shapes();
        let mut widths = vec![shapes[0].fan_in];
        widths.extend(shapes.iter().map(|s| s.fan_out));
        let mask = random_mask(&widths, 0.2, false, &mut rng);
        let w = masked_weights(&widths, &mask, c.seed, &mut rng);
        let batch = 32;
        let x: Vec<f32> = (0..batch * widths[0]).map(|_| rng.random_range(-1.0..1.0)).collect();
        let want = dense_logits(&w, &mask, &x, batch);
        let got = SparseMlp::of(&w, &mask).unwrap().forward(&x, batch);
        for (g, d) in got.iter().zip(&want) {
            assert!((g - d).abs() <= REL * d.abs().max(1.0), "{preset}: sparse {g}, dense {d}");
        }
        let file = torch_export::write(&w, &mask, &Weights::theta0(&c), &[("link", format!("?preset={preset}"))]);
        let case = serde_json::json!({"features": widths[0], "x": x, "logits": want});
        let read = read_back("check_safetensors.py", &format!("{preset}.safetensors"), &file.unwrap(), &case);
        assert_eq!((read["rows"].clone(), read["kept"].clone()), (batch.into(), mask.remaining().into()), "{preset}");
        // As ONNX, named as the task has them (observation → action_logits, noise → point), in ONNX Runtime.
        let spec = onnx_export::GraphSpec::of(&c, None).unwrap();
        assert_eq!(spec.scaling, onnx_export::InputScaling::AsIs, "{preset}");
        let names = spec.names;
        let model = onnx_export::write(&w, &spec, &[("link", format!("?preset={preset}"))]).unwrap();
        let read = read_back("check_onnx.py", &format!("{preset}.onnx"), &model, &case);
        assert_eq!(read["inputs"][0][0], names.input, "{preset}");
        assert_eq!(read["output"], names.output, "{preset}");
    }
    let names = |p: &str| onnx_export::GraphNames::of(&lottery_ticket_lab::engine::preset(p).unwrap());
    assert_eq!((names("cartpole").output, names("gan-ring").output), ("action_logits", "point"));
}

/// A conv net (the conv2-fashion preset's shapes: two 3×3 convs of 64, a max-pool, 256-256-10), pruned at random,
/// as ONNX: ONNX Runtime on raw pixels gives what burn's masked network gives on the pixels the lab scales.
#[test]
fn a_conv_net_as_onnx_gives_the_lab_s_outputs_in_onnx_runtime() {
    use lottery_ticket_lab::engine::records::onnx_export;
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let c = lottery_ticket_lab::engine::preset("conv2-fashion").unwrap();
    let layers = c
        .shapes()
        .iter()
        .map(|s| LayerMask {
            fan_in: s.fan_in,
            fan_out: s.fan_out,
            keep: (0..s.weights()).map(|_| rng.random_bool(0.2)).collect(),
        })
        .collect();
    let mask = Mask { layers };
    let mut w = Weights::theta0(&c).masked(&mask);
    w.layers.iter_mut().flat_map(|l| l.b.iter_mut()).for_each(|b| *b = rng.random_range(-0.1..0.1));
    let (rows, features, scale) = (6, 28 * 28, 1.0f32 / 255.0);
    let raw: Vec<f32> = (0..rows * features).map(|_| rng.random_range(0..=255u8) as f32).collect();
    let scaled: Vec<f32> = raw.iter().map(|p| p * scale).collect();
    let logits = dense_logits(&w, &mask, &scaled, rows);
    let spec = onnx_export::GraphSpec::of(&c, None).unwrap();
    assert_eq!(spec.scaling, onnx_export::InputScaling::Times(scale));
    let model = onnx_export::write(&w, &spec, &[("link", "?preset=conv2-fashion".into())]).unwrap();
    let case = serde_json::json!({"features": features, "x": raw, "logits": logits});
    let read = read_back("check_onnx.py", "conv.onnx", &model, &case);
    assert_eq!((read["rows"].clone(), read["same_predictions"].clone()), (rows.into(), true.into()));
}

/// `lottery export` on a task without test rows (the policy): the ONNX file is written, named as the task has
/// it, and the sparse kernel is timed on fixed inputs, with no accuracy claimed (it panicked on the empty rows).
#[test]
fn exporting_the_policy_s_ticket_from_the_cli_writes_it_and_says_it_has_no_test_rows() {
    let dir = std::env::temp_dir().join(format!("ltl-export-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lottery = env!("CARGO_BIN_EXE_lottery");
    let report = dir.join("r.json");
    let run = std::process::Command::new(lottery)
        .args([
            "run",
            "--preset",
            "cartpole",
            "--set",
            "rounds=1",
            "--set",
            "steps=100",
            "--set",
            "eval=50",
            "--set",
            "reps=1",
        ])
        .arg("--out")
        .arg(&report)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let onnx = dir.join("actor.onnx");
    let out = std::process::Command::new(lottery)
        .args(["export", "--from"])
        .arg(&report)
        .args(["--round", "1", "--format", "onnx", "--json", "--out"])
        .arg(&onnx)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("no test rows"), "{stderr}");
    let saved: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(saved["agreement"].is_null(), "no accuracy without rows: {saved}");
    assert_eq!(saved["timing"].as_array().map(Vec::len), Some(2), "batch 1 and 256: {saved}");
    let model = std::fs::read(&onnx).unwrap();
    assert!(model.windows(b"action_logits".len()).any(|w| w == b"action_logits"), "the actor's output name");
    std::fs::remove_dir_all(&dir).ok();
}

/// A random mask keeping about `density` of each of `c`'s tensors.
fn random_mask_of(c: &lottery_ticket_lab::engine::ExperimentConfig, density: f64, rng: &mut ChaCha8Rng) -> Mask {
    let layers = c
        .shapes()
        .iter()
        .map(|s| LayerMask {
            fan_in: s.fan_in,
            fan_out: s.fan_out,
            keep: (0..s.weights()).map(|_| rng.random_bool(density)).collect(),
        })
        .collect();
    Mask { layers }
}

/// The modular-addition transformer (the preset's widths at p = 13), pruned at random with its MLP's biases in
/// play: ONNX Runtime, fed the pairs as int64 tokens, and numpy, computing the transformer written out in
/// check_safetensors.py from the safetensors file, each give the logits burn's masked transformer gives on the
/// one-hot pairs.
#[test]
fn the_transformer_as_onnx_and_as_safetensors_gives_the_lab_s_logits() {
    use lottery_ticket_lab::engine::records::{onnx_export, torch_export};
    use lottery_ticket_lab::engine::tasks::modular;
    let mut rng = ChaCha8Rng::seed_from_u64(41);
    let mut c = lottery_ticket_lab::engine::preset("modular").unwrap();
    c.model.transformer = TransformerConfig::default(); // the preset's network is the MLP
    c.data.modulus = 13;
    let p = c.data.modulus;
    let mask = random_mask_of(&c, 0.3, &mut rng);
    let mut w = Weights::theta0(&c).masked(&mask);
    w.layers.iter_mut().flat_map(|l| l.b.iter_mut()).for_each(|b| *b = rng.random_range(-0.1..0.1));
    let samples = modular::samples(p);
    let rows = samples.len();
    let net = lottery_ticket_lab::engine::Task::of(&c).network(&w, &mask, &cpu());
    let x = Tensor::<2>::from_data(TensorData::new(samples.x.clone(), [rows, 2 * p]), &cpu());
    let logits = block_on(read_f32(net.forward(x))).unwrap();
    // Each row's pair, read off its one-hot halves here.
    let pairs: Vec<f32> =
        samples.x.chunks(2 * p).flat_map(|row| [argmax(&row[..p]) as f32, argmax(&row[p..]) as f32]).collect();
    let case = serde_json::json!({"features": 2, "x": pairs, "logits": logits});
    let spec = onnx_export::GraphSpec::of(&c, None).unwrap();
    assert_eq!(
        (spec.names, spec.scaling.clone()),
        (onnx_export::GraphNames::TRANSFORMER, onnx_export::InputScaling::AsIs)
    );
    let model = onnx_export::write(&w, &spec, &[("link", "?preset=modular&p=13".into())]).unwrap();
    let read = read_back("check_onnx.py", "modular.onnx", &model, &case);
    assert_eq!((read["inputs"][0][0].clone(), read["output"].clone()), ("pair".into(), "logits".into()));
    assert_eq!((read["rows"].clone(), read["same_predictions"].clone()), (rows.into(), true.into()));
    let metadata = torch_export::metadata("?preset=modular&p=13", 1, 0.3, &w, c.model.transformer.heads);
    let file = torch_export::write(&w, &mask, &Weights::theta0(&c), &metadata).unwrap();
    let read = read_back("check_safetensors.py", "modular.safetensors", &file, &case);
    assert_eq!((read["rows"].clone(), read["kept"].clone()), (rows.into(), mask.remaining().into()));
}

/// The grokking-tickets paper's MLP (arch=mlp, p = 13), pruned at random: ONNX Runtime on the pairs' int64 tokens
/// and numpy on the safetensors file (the MLP written out in check_safetensors.py) give burn's logits.
#[test]
fn the_modular_mlp_as_onnx_and_as_safetensors_gives_the_lab_s_logits() {
    use lottery_ticket_lab::engine::config::ModularArch;
    use lottery_ticket_lab::engine::records::{onnx_export, torch_export};
    use lottery_ticket_lab::engine::tasks::modular;
    let mut rng = ChaCha8Rng::seed_from_u64(47);
    let mut c = lottery_ticket_lab::engine::preset("modular").unwrap();
    c.data.modulus = 13;
    c.model.transformer.arch = ModularArch::Mlp;
    (c.model.transformer.d_model, c.model.transformer.d_mlp) = (40, 12);
    let p = c.data.modulus;
    let mask = random_mask_of(&c, 0.4, &mut rng);
    let w = Weights::theta0(&c).masked(&mask);
    let samples = modular::samples(p);
    let rows = samples.len();
    let net = lottery_ticket_lab::engine::Task::of(&c).network(&w, &mask, &cpu());
    let x = Tensor::<2>::from_data(TensorData::new(samples.x.clone(), [rows, 2 * p]), &cpu());
    let logits = block_on(read_f32(net.forward(x))).unwrap();
    let pairs: Vec<f32> =
        samples.x.chunks(2 * p).flat_map(|row| [argmax(&row[..p]) as f32, argmax(&row[p..]) as f32]).collect();
    let case = serde_json::json!({"features": 2, "x": pairs, "logits": logits});
    let model = onnx_export::write(&w, &onnx_export::GraphSpec::of(&c, None).unwrap(), &[]).unwrap();
    let read = read_back("check_onnx.py", "modular-mlp.onnx", &model, &case);
    assert_eq!((read["rows"].clone(), read["same_predictions"].clone()), (rows.into(), true.into()));
    let metadata = torch_export::metadata("?preset=modular&arch=mlp", 1, 0.4, &w, 1);
    let file = torch_export::write(&w, &mask, &Weights::theta0(&c), &metadata).unwrap();
    let read = read_back("check_safetensors.py", "modular-mlp.safetensors", &file, &case);
    assert_eq!((read["rows"].clone(), read["kept"].clone()), (rows.into(), mask.remaining().into()));
}

/// A classifier on a CSV file as people have it (numbers in their own units, a word column, a constant column),
/// pruned at random: its ONNX graph, fed each row's raw values (the word as its one-hot 0/1 features, written
/// here from the rows this test made), gives what burn's masked network gives on the rows the import scaled.
#[test]
fn a_ticket_on_own_csv_rows_as_onnx_takes_the_file_s_raw_values() {
    use lottery_ticket_lab::engine::DatasetName;
    use lottery_ticket_lab::engine::data::own_data;
    use lottery_ticket_lab::engine::records::onnx_export;
    let mut rng = ChaCha8Rng::seed_from_u64(43);
    let colours = ["blue", "green", "red"]; // the one-hot features' order: the words sorted
    let mut text = String::from("mass_g,colour,depth_mm,year,kind\n");
    let mut raw: Vec<f32> = Vec::new();
    for i in 0..48 {
        let mass: f64 = format!("{:.1}", rng.random_range(2700.0..6300.0)).parse().unwrap();
        let depth: f64 = format!("{:.2}", rng.random_range(13.0..21.5)).parse().unwrap();
        let colour = i % 3;
        let kind = ["small", "large"][usize::from(mass > 4500.0)];
        text.push_str(&format!("{mass:.1},{},{depth:.2},2007,{kind}\n", colours[colour]));
        raw.push(mass as f32);
        raw.extend((0..3).map(|c| if c == colour { 1.0 } else { 0.0 }));
        raw.extend([depth as f32, 2007.0]);
    }
    let dir = std::env::temp_dir().join(format!("ltl-own-onnx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("animals.csv"), &text).unwrap();
    let own = own_data::from_file(&dir.join("animals.csv"), None, &[]).unwrap().data;
    assert_eq!(own.features, 6, "mass, three colours, depth, the constant year");
    let mut c = lottery_ticket_lab::engine::ExperimentConfig::default();
    c.data.dataset = DatasetName::Own;
    c.data.own = Some(own.shape());
    c.data.samples = own.rows();
    let mask = random_mask_of(&c, 0.5, &mut rng);
    let mut w = Weights::theta0(&c).masked(&mask);
    w.layers.iter_mut().flat_map(|l| l.b.iter_mut()).for_each(|b| *b = rng.random_range(-0.5..0.5));
    let logits = dense_logits(&w, &mask, &own.x, own.rows());
    let refused = onnx_export::GraphSpec::of(&c, None).unwrap_err();
    assert!(refused.contains("your own data"), "{refused}");
    let spec = onnx_export::GraphSpec::of(&c, Some(&own)).unwrap();
    let model = onnx_export::write(&w, &spec, &[("link", "?data=own".into())]).unwrap();
    let case = serde_json::json!({"features": own.features, "x": raw, "logits": logits});
    let read = read_back("check_onnx.py", "own.onnx", &model, &case);
    assert_eq!((read["rows"].clone(), read["same_predictions"].clone()), (own.rows().into(), true.into()));
    let columns = "mass_g,colour=blue,colour=green,colour=red,depth_mm,year";
    assert_eq!(read["input_columns"], columns);
    // From the CLI: a run on the file, then its ticket as ONNX, the rows given again with --data-file (a report
    // does not carry them: without it, the export says so).
    let lottery = env!("CARGO_BIN_EXE_lottery");
    let (csv, report, model_file) = (dir.join("animals.csv"), dir.join("r.json"), dir.join("own.onnx"));
    let ran = std::process::Command::new(lottery)
        .args(["run", "--preset", "demo", "--set", "rounds=1", "--set", "steps=40", "--set", "eval=20", "--data-file"])
        .arg(&csv)
        .arg("--out")
        .arg(&report)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let export = |with_rows: bool| {
        let mut cmd = std::process::Command::new(lottery);
        cmd.args(["export", "--round", "1", "--format", "onnx", "--from"]).arg(&report).arg("--out").arg(&model_file);
        if with_rows {
            cmd.arg("--data-file").arg(&csv);
        }
        cmd.output().unwrap()
    };
    let refused = export(false);
    assert!(!refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("--data-file"));
    let written = export(true);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    let bytes = std::fs::read(&model_file).unwrap();
    assert!(bytes.windows(columns.len()).any(|w| w == columns.as_bytes()), "the columns' names in the metadata");
    // A ticket file written before the lab kept the columns' ranges cannot give the graph: said, not guessed.
    let old = own_data::OwnData { ranges: Vec::new(), ..own };
    let refused = onnx_export::GraphSpec::of(&c, Some(&old)).unwrap_err();
    assert!(refused.contains("import the CSV file again"), "{refused}");
    std::fs::remove_dir_all(&dir).ok();
}
