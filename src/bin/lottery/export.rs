//! `lottery export`: a round's trained ticket as the lab's compact sparse file, and what it saves, printed as
//! tables or (`--json`) as one JSON object for `make bench`.

use std::path::Path;
use std::time::Instant;

use burn::tensor::{Tensor, TensorData};
use lottery_ticket_lab::engine::data::own_data::OwnData;
use lottery_ticket_lab::engine::device::Native;
use lottery_ticket_lab::engine::networks::model::MaskedNet;
use lottery_ticket_lab::engine::networks::sparse::SparseMlp;
use lottery_ticket_lab::engine::records::compact::{self, Precision};
use lottery_ticket_lab::engine::records::savings::{self, Agreement, Bytes};
use lottery_ticket_lab::engine::records::{onnx_export, torch_export};
use lottery_ticket_lab::engine::{self, Weights, read_f32};
use lottery_ticket_lab::url;
use rand::{Rng, SeedableRng};
use serde::Serialize;

/// The seed of the fixed inputs a task without test rows is timed on.
const TIMING_INPUT_SEED: u64 = 37;

/// Which file `lottery export` writes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    /// The lab's compact sparse form (`records::compact`).
    Sparse,
    /// safetensors in PyTorch's pruning convention (`records::torch_export`).
    Safetensors,
    /// An ONNX model (opset 17) taking raw inputs (`records::onnx_export`).
    Onnx,
}

impl Format {
    const NAMES: [(&str, Format); 3] =
        [("sparse", Format::Sparse), ("safetensors", Format::Safetensors), ("onnx", Format::Onnx)];

    pub fn parse(name: &str) -> Result<Self, String> {
        Self::NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f).ok_or_else(|| {
            let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
            format!("no format called '{name}'; try one of {}", names.join(", "))
        })
    }
}

/// The file asked for: its format, the compact form's precision, where it goes.
pub struct File {
    pub format: Format,
    pub precision: Precision,
    pub out: std::path::PathBuf,
}

/// Batch sizes the time per sample is measured at: one input (a user's click or drawing), and a batch.
const BATCHES: [usize; 2] = [1, 256];
/// Forward passes timed per batch size; the median pass gives the figure.
const TIMED_PASSES: usize = 41;

/// What a round's ticket saves, as `--json` prints it.
#[derive(Serialize)]
struct Saved {
    round: usize,
    weights_remaining: f64,
    bytes: Bytes,
    /// None for a network the sparse kernel does not run (conv layers, the transformer).
    agreement: Option<Agreement>,
    timing: Vec<Timing>,
    backend: String,
}

/// Microseconds per sample at one batch size, the median of [`TIMED_PASSES`].
#[derive(Serialize)]
struct Timing {
    batch: usize,
    dense_us: f64,
    sparse_us: f64,
}

pub fn run(
    from: &Path,
    round: usize,
    replicate: usize,
    file: &File,
    data_dir: &Path,
    own_file: Option<OwnData>,
    json: bool,
) -> Result<(), String> {
    let source = crate::cli::source_run(from, replicate)?;
    let config = &source.config;
    let (device, backend) = Native::Cpu.open()?;
    let own = own_rows(from, config, own_file)?;
    let data = match &own {
        Some(own) => engine::build_own_dataset(config, own),
        None => engine::load_dataset(config, data_dir),
    }
    .map_err(|e| e.to_string())?;
    let rounds = source.rounds.len();
    let r = source.rounds.get(round).ok_or_else(|| format!("--round {round}: the run has {rounds} rounds"))?;
    if r.trained.is_none() {
        eprintln!("training round {round}'s ticket again from θ0 ⊙ m on {backend} (the file keeps its mask only)");
    }
    let weights = pollster::block_on(savings::trained_ticket(config, &source.rounds, round, &data, &device))?;
    let link = url::ticket_link(config);
    let remaining = r.weights_remaining * 100.0;
    let (bytes, what) = match file.format {
        Format::Sparse => (compact::write(&weights, &r.mask, file.precision, &link), file.precision.name()),
        Format::Safetensors => {
            let heads = config.model.transformer.heads;
            let metadata = torch_export::metadata(&link, round, r.weights_remaining, &weights, heads);
            (torch_export::write(&weights, &r.mask, &Weights::theta0(config), &metadata)?, "safetensors")
        }
        Format::Onnx => {
            let metadata = [("link", link.clone()), ("round", round.to_string())];
            let spec = onnx_export::GraphSpec::of(config, own.as_ref())?;
            (onnx_export::write(&weights, &spec, &metadata)?, "ONNX")
        }
    };
    let out = &file.out;
    std::fs::write(out, &bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("{}: round {round} ({remaining:.2}% of the weights), {what}, {} bytes", out.display(), bytes.len());

    let mut saved = Saved {
        round,
        weights_remaining: r.weights_remaining,
        bytes: Bytes::of(&weights, &r.mask, &link),
        agreement: None,
        timing: Vec::new(),
        backend: backend.clone(),
    };
    match SparseMlp::of(&weights, &r.mask) {
        Err(why) => eprintln!("no sparse inference: {why}"),
        Ok(sparse) => {
            let test = &data.test;
            // A task that learns from episodes or noise (the policy, the generator) has no test rows: its timing
            // runs on fixed inputs in −1..1, and it has no accuracy to compare.
            let inputs = match test.is_empty() {
                false => test.x.clone(),
                true => {
                    eprintln!("no test rows in this task: the sparse kernel is timed on fixed inputs, no accuracy");
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(TIMING_INPUT_SEED);
                    (0..data.features).map(|_| rng.random_range(-1.0..1.0)).collect()
                }
            };
            if !test.is_empty() {
                saved.agreement =
                    Some(pollster::block_on(savings::agreement(&weights, &r.mask, test, data.features, &device))?);
            }
            let net = MaskedNet::new(&weights, &r.mask, &device);
            for batch in BATCHES {
                let x: Vec<f32> = inputs.iter().copied().cycle().take(batch * data.features).collect();
                let dense_us = median_micros(batch, || {
                    let input = Tensor::<2>::from_data(TensorData::new(x.clone(), [batch, data.features]), &device);
                    pollster::block_on(read_f32(net.forward(input))).map(|_| ()).map_err(|e| e.to_string())
                })?;
                let sparse_us = median_micros(batch, || {
                    std::hint::black_box(sparse.forward(&x, batch));
                    Ok(())
                })?;
                saved.timing.push(Timing { batch, dense_us, sparse_us });
            }
        }
    }
    match json {
        true => println!("{}", serde_json::to_string(&saved).map_err(|e| e.to_string())?),
        false => print!("{}", tables(&saved, data.test.len())),
    }
    Ok(())
}

/// The CSV rows a run on own data trained on: `--data-file`'s, else the ticket file's; None for a built-in set.
fn own_rows(
    from: &Path,
    config: &engine::ExperimentConfig,
    own_file: Option<OwnData>,
) -> Result<Option<OwnData>, String> {
    let Some(shape) = config.own_shape() else { return Ok(None) };
    let from_ticket = || {
        let text = std::fs::read_to_string(from).ok()?;
        engine::Checkpoint::from_json(&text).ok()?.own_data
    };
    let own = own_file.or_else(from_ticket).ok_or_else(|| {
        format!(
            "{}: this run trained on your own CSV rows ({} rows, {} features); give the file with --data-file \
             (and --label / --drop as the run had them)",
            from.display(),
            shape.rows,
            shape.features
        )
    })?;
    match own.matches(shape) {
        true => Ok(Some(own)),
        false => Err(format!(
            "{}: these rows are not the ones the run trained on ({} rows, {} features, digest {} against the \
             run's {}, {}, {})",
            own.name,
            own.rows(),
            own.features,
            own.shape().digest,
            shape.rows,
            shape.features,
            shape.digest
        )),
    }
}

/// The bytes, the accuracies and the times as Markdown.
fn tables(s: &Saved, test_rows: usize) -> String {
    let b = &s.bytes;
    let share = |n: usize| format!("1/{:.1}", b.dense_f32 as f64 / n as f64);
    let mut out = String::from("| form | bytes | of dense f32 |\n|---|---:|---:|\n");
    out += &format!("| dense f32 | {} | 1 |\n", b.dense_f32);
    out += &format!("| dense f32, gzipped | {} | {} |\n", b.dense_gzip, share(b.dense_gzip));
    for p in Precision::ALL {
        out += &format!("| compact {} | {} | {} |\n", p.name(), b.compact(p), share(b.compact(p)));
    }
    if let Some(a) = &s.agreement {
        out += &format!(
            "\ntest accuracy on {test_rows} rows: dense (masked, burn {}) {:.2}%; sparse f32 {:.2}%, f16 {:.2}%, \
             int8 {:.2}%; f32 predictions that differ from dense: {}; largest logit difference {:.1e} (relative)\n",
            s.backend,
            a.dense_accuracy * 100.0,
            a.sparse_f32_accuracy * 100.0,
            a.sparse_f16_accuracy * 100.0,
            a.sparse_int8_accuracy * 100.0,
            a.f32_disagreements,
            a.f32_largest_relative_difference,
        );
    }
    if !s.timing.is_empty() {
        out += &format!(
            "\n| batch | dense (burn {}) µs/sample | sparse kernel µs/sample | speed-up |\n|---:|---:|---:|---:|\n",
            s.backend
        );
        for t in &s.timing {
            out += &format!(
                "| {} | {:.2} | {:.2} | {:.1}× |\n",
                t.batch,
                t.dense_us,
                t.sparse_us,
                t.dense_us / t.sparse_us
            );
        }
    }
    out
}

/// The median of [`TIMED_PASSES`] passes of `pass`, in microseconds per sample.
fn median_micros(batch: usize, mut pass: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    pass()?; // warm: allocations, caches
    let mut times = Vec::with_capacity(TIMED_PASSES);
    for _ in 0..TIMED_PASSES {
        let start = Instant::now();
        pass()?;
        times.push(start.elapsed().as_secs_f64() * 1e6 / batch as f64);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[TIMED_PASSES / 2])
}

/// Every round's ticket as files, in bytes (the report's `ticket_bytes`), for `lottery run`; None when no round
/// measured them.
pub fn bytes_table(rounds: &[engine::RoundReport]) -> Option<String> {
    let mut out = String::from(
        "| round | weights remaining % | dense f32 | dense gzipped | compact f32 | compact f16 | compact int8 | \
         int8 of dense |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut any = false;
    for r in rounds {
        let Some(b) = &r.ticket_bytes else { continue };
        any = true;
        let int8 = b.compact(Precision::Int8);
        out += &format!(
            "| {} | {:.2} | {} | {} | {} | {} | {int8} | 1/{:.1} |\n",
            r.round,
            r.weights_remaining * 100.0,
            b.dense_f32,
            b.dense_gzip,
            b.compact_f32,
            b.compact_f16,
            b.dense_f32 as f64 / int8.max(1) as f64
        );
    }
    any.then_some(out)
}
