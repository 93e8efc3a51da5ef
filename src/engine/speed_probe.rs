//! How fast a device trains one experiment's network: a few timed steps of
//! the real network, batch and optimizer, so `backend=auto` can keep the
//! faster of the GPU and the CPU for this network on this machine.
//!
//! A probe trains a throw-away copy (θ0, dense mask) and touches nothing the
//! experiment uses: the run that follows draws the same θ0, batches and masks
//! whichever device wins.

use burn::tensor::Device;

use crate::engine::config::ExperimentConfig;
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::train::TrainRun;
use crate::engine::networks::weights::Weights;

/// Untimed steps first: the GPU compiles its (fused) kernels and fills its
/// buffer pool on the first steps; the CPU allocates.
pub(crate) const WARMUP_STEPS: usize = 3;
/// Timed blocks double in length until one lasts this long.
pub(crate) const MIN_BLOCK_MS: f64 = 150.0;
/// Stop timing a device once the probe has spent this long on it, even
/// mid-doubling: a slow device has then shown that it is slow.
pub(crate) const MAX_PROBE_MS: f64 = 1500.0;

/// What a probe measured on one device.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepSpeed {
    /// Milliseconds per training step (the last, longest block).
    pub ms_per_step: f64,
    /// Timed steps behind the figure.
    pub steps: usize,
    /// Wall time of the whole probe, warm-up included.
    pub probe_ms: f64,
}

impl StepSpeed {
    pub fn steps_per_s(&self) -> f64 {
        1000.0 / self.ms_per_step.max(1e-6)
    }
}

/// Time training steps of `config`'s network on `device` (an autodiff
/// device is made here). `now_ms` is the caller's clock (`performance.now()`
/// in the page, `Instant` natively). Every timed block ends with a readback,
/// so queued GPU work is counted.
pub async fn measure(
    config: &ExperimentConfig,
    data: &Dataset,
    device: &Device,
    now_ms: &dyn Fn() -> f64,
) -> Result<StepSpeed, EngineError> {
    let theta0 = Weights::theta0(config);
    let mask = Mask::dense(&config.shapes());
    let device = device.clone().autodiff();
    let mut run = TrainRun::new(config, &theta0, &mask, 0, usize::MAX, config.seed, &device);
    let start = now_ms();
    for _ in 0..WARMUP_STEPS {
        run.step(data).await?;
    }
    run.last_loss().await?;
    let mut block = 1usize;
    loop {
        let t0 = now_ms();
        for _ in 0..block {
            run.step(data).await?;
        }
        run.last_loss().await?;
        let t1 = now_ms();
        let elapsed = t1 - t0;
        if elapsed >= MIN_BLOCK_MS || t1 - start >= MAX_PROBE_MS {
            return Ok(StepSpeed { ms_per_step: elapsed / block as f64, steps: block, probe_ms: t1 - start });
        }
        block *= 2;
    }
}
