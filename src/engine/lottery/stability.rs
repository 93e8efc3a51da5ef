//! Stability to SGD noise: linear mode connectivity (Frankle, Dziugaite, Roy,
//! Carbin, "Linear Mode Connectivity and the Lottery Ticket Hypothesis",
//! ICML 2020). Two copies of θk ⊙ m train from iteration k to the end on
//! different data orders; the networks on the straight line between the two
//! results are evaluated, and the **instability** is the highest error on the
//! line minus the mean of the two ends' errors. Near 0, both copies found the
//! same basin: the network was already stable at k. IMP finds matching tickets
//! exactly when the sparse network is stable, which is why deeper networks
//! need rewinding to θk rather than resetting to θ0.
//!
//! "Error" is 1 − the task's score (test accuracy; a policy's mean return ÷
//! 500, a generator's share of modes covered).

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::engine::config::ExperimentConfig;
use crate::engine::data::Dataset;
use crate::engine::error::EngineError;
use crate::engine::lottery::mask::Mask;
use crate::engine::lottery::train::TrainRun;
use crate::engine::networks::weights::Weights;

/// Networks evaluated on the line, ends included (Frankle et al. use 30; a few suffice at this scale).
pub const DEFAULT_POINTS: usize = 11;
/// The two copies' data-order seeds are the experiment's seed plus these (the experiment itself uses the seed).
pub(crate) const COPY_ORDER_OFFSETS: [u64; 2] = [1 << 40, 2 << 40];
/// Steps trained between progress reports while a copy trains.
const CHUNK: usize = 500;

/// One instability measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instability {
    /// The rewind point both copies start from.
    pub k: usize,
    /// The fraction of weights the mask keeps.
    pub weights_remaining: f64,
    /// Error at evenly spaced points from copy A (first) to copy B (last).
    pub errors: Vec<f64>,
    /// The highest error on the line minus the mean of the ends' ([`barrier`]).
    pub instability: f64,
}

impl Instability {
    /// The measurement from the line's errors (copy A first): its barrier is their [`barrier`].
    pub(crate) fn from_line(k: usize, mask: &Mask, errors: Vec<f64>) -> Self {
        Self { k, weights_remaining: mask.density(), instability: barrier(&errors), errors }
    }
}

/// The error barrier of errors along a line: max − mean of the two ends. 0 for a flat line; never below 0.
pub fn barrier(errors: &[f64]) -> f64 {
    let (Some(first), Some(last)) = (errors.first(), errors.last()) else { return 0.0 };
    let highest = errors.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (highest - (first + last) / 2.0).max(0.0)
}

/// (1 − α)·a + α·b, weights and biases (pruned weights, zero in both, stay zero).
pub(crate) fn interpolate(a: &Weights, b: &Weights, alpha: f32) -> Weights {
    let mut out = a.clone();
    for (o, (la, lb)) in out.layers.iter_mut().zip(a.layers.iter().zip(&b.layers)) {
        let mix = |x: &f32, y: &f32| (1.0 - alpha) * x + alpha * y;
        o.w = la.w.iter().zip(&lb.w).map(|(x, y)| mix(x, y)).collect();
        o.b = la.b.iter().zip(&lb.b).map(|(x, y)| mix(x, y)).collect();
    }
    out
}

/// The error of `points` networks evenly spaced on the line from `a` to `b` (ends included), each evaluated as
/// an untrained run of `config` under `mask` would be.
pub async fn errors_on_line(
    config: &ExperimentConfig,
    a: &Weights,
    b: &Weights,
    mask: &Mask,
    points: usize,
    data: &Dataset,
    device: &Device,
) -> Result<Vec<f64>, EngineError> {
    let mut errors = Vec::with_capacity(points);
    for i in 0..points {
        let alpha = if points > 1 { i as f32 / (points - 1) as f32 } else { 0.0 };
        let run = TrainRun::new(config, &interpolate(a, b, alpha), mask, 0, 0, config.seed, device);
        errors.push(1.0 - run.measure_now(data).await?.test_accuracy);
    }
    Ok(errors)
}

/// θk ⊙ `mask` set to train from iteration `k` to the end of a round with the data order `order_seed`.
fn copy_run(
    config: &ExperimentConfig,
    theta_k: &Weights,
    mask: &Mask,
    k: usize,
    order_seed: u64,
    device: &Device,
) -> TrainRun {
    TrainRun::new(config, &theta_k.masked(mask), mask, k, config.train.steps, order_seed, device)
}

/// Train θk ⊙ `mask` from iteration `k` to the end of a round with the data order `order_seed`.
pub async fn train_copy(
    config: &ExperimentConfig,
    theta_k: &Weights,
    mask: &Mask,
    k: usize,
    order_seed: u64,
    data: &Dataset,
    device: &Device,
) -> Result<Weights, EngineError> {
    let mut run = copy_run(config, theta_k, mask, k, order_seed, device);
    while !run.is_done() {
        run.advance(data, CHUNK).await?;
    }
    run.model().to_weights().await
}

/// The instability of θk ⊙ `mask`: two copies on the orders [`COPY_ORDER_OFFSETS`], `points` on the line.
/// `device` should have autodiff enabled.
pub async fn instability(
    config: &ExperimentConfig,
    theta_k: &Weights,
    mask: &Mask,
    k: usize,
    points: usize,
    data: &Dataset,
    device: &Device,
) -> Result<Instability, EngineError> {
    let mut copies = Vec::with_capacity(2);
    for offset in COPY_ORDER_OFFSETS {
        copies.push(train_copy(config, theta_k, mask, k, config.seed.wrapping_add(offset), data, device).await?);
    }
    let errors = errors_on_line(config, &copies[0], &copies[1], mask, points, data, device).await?;
    Ok(Instability::from_line(k, mask, errors))
}

/// The dense network's weights at each iteration of `ks` (ascending) on the experiment's own data order:
/// θk for every rewind point, from one training run.
pub async fn rewind_points(
    config: &ExperimentConfig,
    ks: &[usize],
    data: &Dataset,
    device: &Device,
) -> Result<Vec<Weights>, EngineError> {
    let theta0 = Weights::theta0(config);
    let dense = Mask::dense(&config.shapes());
    let end = ks.iter().copied().max().unwrap_or(0);
    let mut run = TrainRun::new(config, &theta0, &dense, 0, end, config.seed, device);
    let mut out = Vec::with_capacity(ks.len());
    for &k in ks {
        while run.iteration() < k {
            run.step(data).await?;
        }
        out.push(run.model().to_weights().await?);
    }
    Ok(out)
}

/// Which network a measurement is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measured {
    Dense,
    Ticket,
}

impl Measured {
    pub fn label(self) -> &'static str {
        match self {
            Measured::Dense => "dense network",
            Measured::Ticket => "ticket",
        }
    }
}

/// Instability at one rewind point: the dense network's, and the ticket's when there is one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RewindPoint {
    pub k: usize,
    pub dense: Instability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Instability>,
}

impl RewindPoint {
    pub fn of(&self, network: Measured) -> Option<&Instability> {
        match network {
            Measured::Dense => Some(&self.dense),
            Measured::Ticket => self.ticket.as_ref(),
        }
    }
}

/// What to measure: instability against k for the dense network and (optionally) a ticket's mask.
#[derive(Clone, Debug, PartialEq)]
pub struct StabilityPlan {
    pub config: ExperimentConfig,
    pub ticket: Option<Mask>,
    /// Ascending, each below the steps per round.
    pub ks: Vec<usize>,
    /// Networks evaluated on each line, ends included.
    pub points: usize,
}

impl StabilityPlan {
    /// Sorted and deduplicated rewind points; refused when one is not below the steps per round or the line has
    /// fewer than its two ends.
    pub fn new(config: ExperimentConfig, ticket: Option<Mask>, ks: &[usize], points: usize) -> Result<Self, String> {
        let steps = config.train.steps;
        if let Some(bad) = ks.iter().find(|&&k| k >= steps) {
            return Err(format!("rewind point k = {bad}: must be below the {steps} steps per round"));
        }
        if points < 2 {
            return Err(format!("{points} points on the line: at least the two ends"));
        }
        let mut ks = ks.to_vec();
        ks.sort_unstable();
        ks.dedup();
        if ks.is_empty() {
            return Err("no rewind point".into());
        }
        Ok(Self { config, ticket, ks, points })
    }

    fn networks(&self) -> Vec<Measured> {
        let mut n = vec![Measured::Dense];
        n.extend(self.ticket.as_ref().map(|_| Measured::Ticket));
        n
    }

    /// Every step the measurement trains: the dense run to the last k, then two copies per k and network.
    pub(crate) fn total_steps(&self) -> usize {
        let last = self.ks.last().copied().unwrap_or(0);
        let copies: usize = self.ks.iter().map(|k| COPY_ORDER_OFFSETS.len() * (self.config.train.steps - k)).sum();
        last + copies * self.networks().len()
    }
}

/// What trains now.
enum Stage {
    /// The dense run from θ0 that yields θk for every k.
    Rewind(Box<TrainRun>),
    /// A copy of θk ⊙ m: (index of k, network, copies finished, the one training).
    Copy(usize, Measured, Vec<Weights>, Box<TrainRun>),
}

/// Instability against k, trained a chunk of steps at a time (so the page can repaint between chunks); the CLI
/// runs it to the end.
pub struct Stability {
    plan: StabilityPlan,
    data: Dataset,
    device: Device,
    /// θk for each k, once the dense run has passed it.
    thetas: Vec<Weights>,
    points: Vec<RewindPoint>,
    stage: Option<Stage>,
    steps_done: usize,
}

impl Stability {
    pub fn new(plan: StabilityPlan, data: Dataset, device: &Device) -> Self {
        let device = device.clone().autodiff();
        let theta0 = Weights::theta0(&plan.config);
        let dense = Mask::dense(&plan.config.shapes());
        let end = plan.ks.last().copied().unwrap_or(0);
        let run = TrainRun::new(&plan.config, &theta0, &dense, 0, end, plan.config.seed, &device);
        let stage = Some(Stage::Rewind(Box::new(run)));
        Self { plan, data, device, thetas: Vec::new(), points: Vec::new(), stage, steps_done: 0 }
    }

    pub fn plan(&self) -> &StabilityPlan {
        &self.plan
    }

    /// The rewind points measured so far.
    pub fn points(&self) -> &[RewindPoint] {
        &self.points
    }

    /// Share of the steps trained, 0..=1.
    pub fn progress(&self) -> f64 {
        self.steps_done as f64 / self.plan.total_steps().max(1) as f64
    }

    /// What trains now, in words (None when finished).
    pub fn training(&self) -> Option<String> {
        Some(match self.stage.as_ref()? {
            Stage::Rewind(_) => format!("the dense network to k = {}", self.plan.ks.last().copied().unwrap_or(0)),
            Stage::Copy(i, network, done, _) => {
                format!("copy {} of the {} from k = {}", done.len() + 1, network.label(), self.plan.ks[*i])
            }
        })
    }

    fn mask(&self, network: Measured) -> Mask {
        match (network, &self.plan.ticket) {
            (Measured::Ticket, Some(m)) => m.clone(),
            _ => Mask::dense(&self.plan.config.shapes()),
        }
    }

    /// A copy of network `network` from the `i`-th θk, on the order of copy `copy`.
    fn copy(&self, i: usize, network: Measured, copy: usize) -> TrainRun {
        let c = &self.plan.config;
        let order = c.seed.wrapping_add(COPY_ORDER_OFFSETS[copy]);
        copy_run(c, &self.thetas[i], &self.mask(network), self.plan.ks[i], order, &self.device)
    }

    /// After (k index `i`, `network`): the next, or None when every network at every k is measured.
    fn next(&self, i: usize, network: Measured) -> Option<(usize, Measured)> {
        let networks = self.plan.networks();
        let at = networks.iter().position(|&n| n == network).unwrap_or(0);
        match networks.get(at + 1) {
            Some(&n) => Some((i, n)),
            None => (i + 1 < self.plan.ks.len()).then(|| (i + 1, Measured::Dense)),
        }
    }

    /// Train up to `max_steps` steps (the line's evaluations come after a pair of copies). The rewind points
    /// once every one is measured.
    pub async fn advance(&mut self, max_steps: usize) -> Result<Option<&[RewindPoint]>, EngineError> {
        let Some(stage) = self.stage.take() else { return Ok(Some(&self.points)) };
        self.stage = match stage {
            Stage::Rewind(mut run) => {
                let mut taken = 0;
                while taken < max_steps && self.thetas.len() < self.plan.ks.len() {
                    if run.iteration() == self.plan.ks[self.thetas.len()] {
                        self.thetas.push(run.model().to_weights().await?);
                    } else {
                        run.step(&self.data).await?;
                        taken += 1;
                    }
                }
                self.steps_done += taken;
                match self.thetas.len() == self.plan.ks.len() {
                    true => {
                        Some(Stage::Copy(0, Measured::Dense, Vec::new(), Box::new(self.copy(0, Measured::Dense, 0))))
                    }
                    false => Some(Stage::Rewind(run)),
                }
            }
            Stage::Copy(i, network, mut done, mut run) => {
                self.steps_done += run.advance(&self.data, max_steps).await?;
                if !run.is_done() {
                    Some(Stage::Copy(i, network, done, run))
                } else {
                    done.push(run.model().to_weights().await?);
                    if done.len() < COPY_ORDER_OFFSETS.len() {
                        let next = Box::new(self.copy(i, network, done.len()));
                        Some(Stage::Copy(i, network, done, next))
                    } else {
                        self.measured(i, network, &done).await?;
                        self.next(i, network).map(|(i, n)| Stage::Copy(i, n, Vec::new(), Box::new(self.copy(i, n, 0))))
                    }
                }
            }
        };
        Ok(self.stage.is_none().then_some(self.points.as_slice()))
    }

    /// Evaluate the line between the two copies of `network` at the `i`-th k and record its instability.
    async fn measured(&mut self, i: usize, network: Measured, copies: &[Weights]) -> Result<(), EngineError> {
        let (c, k, mask) = (&self.plan.config, self.plan.ks[i], self.mask(network));
        let errors =
            errors_on_line(c, &copies[0], &copies[1], &mask, self.plan.points, &self.data, &self.device).await?;
        let measured = Instability::from_line(k, &mask, errors);
        match network {
            Measured::Dense => self.points.push(RewindPoint { k, dense: measured, ticket: None }),
            Measured::Ticket => {
                if let Some(p) = self.points.last_mut() {
                    p.ticket = Some(measured);
                }
            }
        }
        Ok(())
    }

    /// Run every measurement to the end.
    pub async fn run_to_end(&mut self, chunk: usize) -> Result<Vec<RewindPoint>, EngineError> {
        loop {
            if let Some(points) = self.advance(chunk).await? {
                return Ok(points.to_vec());
            }
        }
    }
}
