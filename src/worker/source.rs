//! Where a configuration's data comes from: generated from the seed, an image
//! file fetched once from the page's `data/`, or imported rows; each
//! replicate splits it by its own seed.

use std::cell::RefCell;

use crate::engine::config::DataConfig;
use crate::engine::data::own_data::OwnData;
use crate::engine::records::replicates;
use crate::engine::{self, Dataset, ExperimentConfig};

use super::global::fetch_bytes;

/// What decides a replicate's dataset: the data settings, the replicate's seed (its split) and imported rows.
type DatasetKey = (DataConfig, u64, Option<OwnData>);

thread_local! {
    /// The last dataset this worker built: a worker training a replicate's controls apart gets one job per
    /// round, and each would otherwise fetch the image file and build the same split again.
    static LAST: RefCell<Option<(DatasetKey, Dataset)>> = const { RefCell::new(None) };
}

/// Replicate `replicate`'s dataset of the experiment `config` (its own seed's split), built once per worker.
pub(crate) async fn replicate_dataset(
    config: &ExperimentConfig,
    replicate: usize,
    own: Option<OwnData>,
) -> Result<Dataset, String> {
    let config = replicates::replicate(config, replicate);
    let key: DatasetKey = (config.data.clone(), config.seed, own.clone());
    if let Some(data) = LAST.with(|l| l.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, d)| d.clone())) {
        return Ok(data);
    }
    let data = DataSource::fetch(&config, own).await?.dataset(&config)?;
    LAST.with(|l| *l.borrow_mut() = Some((key, data.clone())));
    Ok(data)
}

pub(crate) struct DataSource {
    file: Option<(String, Vec<u8>)>,
    own: Option<OwnData>,
}

impl DataSource {
    pub(crate) async fn fetch(config: &ExperimentConfig, own: Option<OwnData>) -> Result<Self, String> {
        if config.own_shape().is_some() {
            return match own {
                Some(own) => Ok(Self { file: None, own: Some(own) }),
                None => Err("this experiment runs on own data: import its CSV file, or the ticket file".into()),
            };
        }
        let file = match config.data.dataset.file_name() {
            None => None,
            Some(f) => {
                let path = format!("data/{f}");
                let bytes = fetch_bytes(&path).await?;
                Some((path, bytes))
            }
        };
        Ok(Self { file, own: None })
    }

    pub fn dataset(&self, config: &ExperimentConfig) -> Result<Dataset, String> {
        if let Some(own) = &self.own {
            return engine::build_own_dataset(config, own).map_err(|e| e.to_string());
        }
        let file = self.file.as_ref().map(|(path, bytes)| (path.as_str(), bytes.as_slice()));
        engine::build_dataset(config, file).map_err(|e| e.to_string())
    }
}

/// The dataset of `config` (generated, or its image file fetched), for work
/// beside the run (a transfer).
pub(crate) async fn dataset_for(config: &ExperimentConfig) -> Result<Dataset, String> {
    DataSource::fetch(config, None).await?.dataset(config)
}
