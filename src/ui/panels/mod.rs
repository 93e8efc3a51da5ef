//! The panels beside the run that every task has: the rounds table, runs
//! pinned side by side, the guided tour, and the research panels (why tickets
//! win, stability, transfer).

pub mod pinned;
pub mod rounds_table;
pub mod stability_panel;
pub mod tour;
pub mod transfer;
pub mod why_charts;
pub mod why_panel;
