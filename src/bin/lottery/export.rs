//! `lottery export`: a round's trained ticket as the lab's compact sparse file, and what it saves, printed.

use std::path::Path;
use std::time::Instant;

use burn::tensor::{Tensor, TensorData};
use lottery_ticket_lab::engine::device::Native;
use lottery_ticket_lab::engine::networks::model::MaskedNet;
use lottery_ticket_lab::engine::networks::sparse::SparseMlp;
use lottery_ticket_lab::engine::records::compact::{self, Precision};
use lottery_ticket_lab::engine::records::savings::{self, Bytes};
use lottery_ticket_lab::engine::{self, read_f32};
use lottery_ticket_lab::url;

/// Batch sizes the time per sample is measured at: one input (a user's click or drawing), and a batch.
const BATCHES: [usize; 2] = [1, 256];
/// Forward passes timed per batch size; the median pass gives the figure.
const TIMED_PASSES: usize = 41;

pub fn run(
    from: &Path,
    round: usize,
    replicate: usize,
    precision: Precision,
    out: &Path,
    data_dir: &Path,
) -> Result<(), String> {
    let source = crate::cli::source_run(from, replicate)?;
    let config = &source.config;
    let (device, backend) = Native::Cpu.open()?;
    let data = engine::load_dataset(config, data_dir).map_err(|e| e.to_string())?;
    let r = source
        .rounds
        .get(round)
        .ok_or_else(|| format!("--round {round}: the run has {} rounds", source.rounds.len()))?;
    if r.trained.is_none() {
        eprintln!(
            "training round {round}'s ticket again from θ0 ⊙ m on {backend} (the file keeps its mask, not its weights)"
        );
    }
    let weights = pollster::block_on(savings::trained_ticket(config, &source.rounds, round, &data, &device))?;
    let link = format!("?{}", url::encode(&url::UrlState { config: config.clone(), ..url::UrlState::default() }));
    let file = compact::write(&weights, &r.mask, precision, &link);
    std::fs::write(out, &file).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "{} written: round {round}, {:.2}% of the weights, {} values, {} bytes",
        out.display(),
        r.weights_remaining * 100.0,
        precision.name(),
        file.len()
    );

    let bytes = Bytes::of(&weights, &r.mask, &link);
    println!("| form | bytes | of dense f32 |\n|---|---:|---:|");
    let share = |b: usize| format!("1/{:.1}", bytes.dense_f32 as f64 / b as f64);
    println!("| dense f32 | {} | 1 |", bytes.dense_f32);
    println!("| dense f32, gzipped | {} | {} |", bytes.dense_gzip, share(bytes.dense_gzip));
    for p in Precision::ALL {
        println!("| compact {} | {} | {} |", p.name(), bytes.compact(p), share(bytes.compact(p)));
    }
    match SparseMlp::of(&weights, &r.mask) {
        Err(why) => eprintln!("no sparse inference: {why}"),
        Ok(sparse) => {
            let agree = pollster::block_on(savings::agreement(&weights, &r.mask, &data.test, data.features, &device))?;
            println!(
                "\ntest accuracy on {} rows: dense (masked, burn {backend}) {:.2}%; sparse f32 {:.2}%, f16 {:.2}%, int8 \
                 {:.2}%; f32 predictions that differ from dense: {}; largest logit difference {:.1e} (relative)",
                data.test.len(),
                agree.dense_accuracy * 100.0,
                agree.sparse_f32_accuracy * 100.0,
                agree.sparse_f16_accuracy * 100.0,
                agree.sparse_int8_accuracy * 100.0,
                agree.f32_disagreements,
                agree.f32_largest_relative_difference,
            );
            println!(
                "\n| batch | dense (burn {backend}) µs/sample | sparse kernel µs/sample | speed-up |\n|---:|---:|---:|---:|"
            );
            let net = MaskedNet::new(&weights, &r.mask, &device);
            for batch in BATCHES {
                let x: Vec<f32> = data.test.x.iter().copied().cycle().take(batch * data.features).collect();
                let dense = median_micros(batch, || {
                    let input = Tensor::<2>::from_data(TensorData::new(x.clone(), [batch, data.features]), &device);
                    pollster::block_on(read_f32(net.forward(input))).map(|_| ()).map_err(|e| e.to_string())
                })?;
                let sparse = median_micros(batch, || {
                    std::hint::black_box(sparse.forward(&x, batch));
                    Ok(())
                })?;
                println!("| {batch} | {dense:.2} | {sparse:.2} | {:.1}× |", dense / sparse);
            }
        }
    }
    Ok(())
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
