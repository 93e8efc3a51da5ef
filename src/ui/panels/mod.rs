//! The panels beside the run that every task has: the verdict, the rounds table, the glossary, runs
//! pinned side by side, the guided tour, and the research panels under one heading ([`advanced`]: why tickets
//! win, stability, transfer).

pub mod advanced;
pub mod glossary;
pub mod pinned;
pub mod rounds_table;
pub mod stability_panel;
pub mod tour;
pub mod transfer;
pub mod verdict;
pub mod why_charts;
pub mod why_panel;
