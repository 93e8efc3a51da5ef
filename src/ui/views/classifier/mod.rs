//! A classifier's views: the network with its surviving connections and decision
//! regions, and its data: the rows it learns from, own CSV files included.

pub mod data_preview;
pub mod network_view;
pub mod own_data;
