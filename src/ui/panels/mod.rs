//! The panels beside the run that every task has: the verdict, the rounds table, the glossary, runs pinned side
//! by side, the guided tour, what the ticket saves and the pad that tries it ([`ticket_panel`], [`try_ticket`]),
//! and the research panels under one heading ([`advanced`]: why tickets win, stability, transfer).

pub mod advanced;
pub mod glossary;
pub mod pinned;
pub mod rounds_table;
pub mod stability_panel;
pub mod ticket_panel;
pub mod tour;
pub mod transfer;
pub mod try_ticket;
pub mod verdict;
pub mod why_charts;
pub mod why_panel;
