//! The dataset an experiment learns from, as its task has it: rows generated
//! or decoded for a classifier, a regression and modular addition, own rows from a file, and
//! none for the policy and the generator (their splits only carry the network's
//! widths).

use crate::engine::config::ExperimentConfig;
use crate::engine::data::{self, Dataset, DatasetName, Samples};
use crate::engine::error::EngineError;
use crate::engine::tasks::{cartpole, mixture, modular, regression};

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
        // A policy learns from its environment: the splits only carry the actor's input and output widths.
        Samples { features: cartpole::OBSERVATIONS, classes: cartpole::ACTIONS, ..Samples::default() }
    } else if matches!(d.dataset, DatasetName::Ring | DatasetName::Grid) {
        // A generator learns against its discriminator: the splits only carry its noise and point widths.
        Samples { features: mixture::NOISE_DIM, classes: mixture::POINT_DIM, ..Samples::default() }
    } else if d.dataset == DatasetName::Modular {
        modular::samples(d.modulus)
    } else if d.dataset.is_regression() {
        regression::samples(d.dataset, d.samples, d.noise, config.seed)
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
