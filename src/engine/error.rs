//! What the engine refuses or what fails under it, and reading a tensor back
//! to the host (the one place a device error enters).

use burn::tensor::Tensor;

use crate::engine::records::ticket_format::TicketError;
use crate::engine::{config, data};

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
    Ticket(#[from] TicketError),
    /// Something the procedure keeps on the way was not there when it was needed.
    #[error("{0} was not kept")]
    Missing(&'static str),
}

/// Read a float tensor back to the host. Async, because the browser cannot block.
pub async fn read_f32<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, EngineError> {
    let data = t.into_data_async().await.map_err(|e| EngineError::Device(format!("{e:?}")))?;
    data.convert::<f32>().try_into_vec::<f32>().map_err(|e| EngineError::Device(format!("{e:?}")))
}
