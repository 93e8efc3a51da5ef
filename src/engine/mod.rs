//! The lottery-ticket engine. No UI or browser dependencies: it takes a
//! burn [`Device`](burn::tensor::Device) and runs the same on WebGPU, on the
//! CPU, and natively. By concept:
//!
//! - [`lottery`]: the procedure: train, prune, reset to θ0 or rewind to θk, round after round, with controls;
//! - [`networks`]: what is pruned: host weights θ with their roles, and the masked networks on a device;
//! - [`tasks`]: what a network learns and how it is scored (the seam a new task plugs into);
//! - [`data`]: the datasets supervised tasks learn from, own CSV files included;
//! - [`records`]: what an experiment leaves: checkpoints and ticket files, replicates, kept runs, sweep summaries;
//! - where a figure was computed ([`build`]) and the portable transcendental functions ([`math`]);
//! - the settings ([`config`], [`choice`]), the backend ([`device`], [`speed_probe`]) and the seeded streams ([`rng`]).

pub mod build;
pub mod choice;
pub mod config;
pub mod data;
pub mod device;
pub mod lottery;
pub mod math;
pub mod networks;
pub mod records;
pub mod rng;
pub mod speed_probe;
pub mod tasks;

pub use build::{BuildInfo, build_info};
pub use choice::Choice;
pub use config::{ExperimentConfig, preset};
pub use data::{Dataset, DatasetName};
pub use lottery::mask::Mask;
pub use lottery::round::{Event, Experiment, Progress, Report, RoundReport};
pub use networks::model::Weights;
pub use records::checkpoint::{Checkpoint, TicketError};
pub use tasks::Task;

use burn::tensor::Tensor;

/// Anything the engine refuses or that fails under it.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("configuration: {0}")]
    Config(#[from] config::ConfigError),
    #[error("{0}")]
    Data(#[from] data::DataError),
    #[error("device: {0}")]
    Device(String),
    #[error("ticket: {0}")]
    Ticket(#[from] records::checkpoint::TicketError),
}

/// Read a float tensor back to the host. Async, because the browser cannot block.
pub async fn read_f32<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, EngineError> {
    let data = t.into_data_async().await.map_err(|e| EngineError::Device(format!("{e:?}")))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| EngineError::Device(format!("{e:?}")))
}

/// Build the dataset a configuration names. Image sets need their file's
/// bytes (`image_file` = (name, bytes)); 2D sets are generated.
pub fn build_dataset(config: &ExperimentConfig, image_file: Option<(&str, &[u8])>) -> Result<Dataset, EngineError> {
    let d = &config.data;
    if d.dataset == DatasetName::Own {
        return Err(data::DataError::Unreadable {
            file: "own data".into(),
            reason: "own rows come from an imported file or a ticket file that carries them".into(),
        }
        .into());
    }
    let samples = if d.dataset == DatasetName::Cartpole {
        tasks::cartpole::no_rows() // a policy learns from its environment
    } else if matches!(d.dataset, DatasetName::Ring | DatasetName::Grid) {
        tasks::gan::no_rows() // a generator learns against its discriminator
    } else if d.dataset == DatasetName::Modular {
        tasks::modular::samples(d.modulus)
    } else if d.dataset.is_2d() {
        data::generate_2d(d.dataset, d.samples, d.noise, config.seed)
    } else {
        let (file, bytes) = image_file.ok_or_else(|| data::DataError::Unreadable {
            file: d.dataset.file_name().unwrap_or("?").into(),
            reason: "no data given".into(),
        })?;
        data::truncate(data::decode_image_set(file, bytes)?, d.samples)
    };
    Ok(samples.split(d.dataset, d.val_frac, d.test_frac, config.seed))
}

/// The dataset of an experiment on own data, from its rows: refused unless
/// they are the rows the configuration names (same shape and digest).
pub fn build_own_dataset(config: &ExperimentConfig, own: &data::own_data::OwnData) -> Result<Dataset, EngineError> {
    let d = &config.data;
    match config.own_shape() {
        Some(shape) if own.matches(shape) => {
            Ok(data::truncate(own.samples(), d.samples).split(d.dataset, d.val_frac, d.test_frac, config.seed))
        }
        _ => Err(data::DataError::Unreadable {
            file: own.name.clone(),
            reason: "these rows are not the ones this experiment names".into(),
        }
        .into()),
    }
}

/// Native convenience: the dataset from `web/data/` (or generated).
#[cfg(not(target_arch = "wasm32"))]
pub fn load_dataset(config: &ExperimentConfig, data_dir: &std::path::Path) -> Result<Dataset, EngineError> {
    match config.data.dataset.file_name() {
        None => build_dataset(config, None),
        Some(f) => {
            let path = data_dir.join(f);
            let bytes = std::fs::read(&path)
                .map_err(|e| data::DataError::Unreadable { file: path.display().to_string(), reason: e.to_string() })?;
            build_dataset(config, Some((&path.display().to_string(), &bytes)))
        }
    }
}
