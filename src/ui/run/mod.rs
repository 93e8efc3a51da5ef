//! The run's plumbing: the runner that drives the engine between frames and
//! its worker pool, the URL the configuration lives in, finished rounds kept in
//! browser storage, ticket files in and out, a round's trained ticket and its downloads ([`trained_ticket`]),
//! and offline use.

pub mod kernel_timing;
pub mod offline;
pub mod page_url;
pub mod runner;
pub mod saved;
pub mod ticket_file;
pub mod trained_ticket;
pub mod worker_pool;
