//! A policy's views: the cart and pole playing an episode, and its returns.

pub mod cartpole_view;
pub mod policy_charts;
