//! The lottery procedure (Frankle & Carbin, ICLR 2019): train a masked network
//! ([`train`]), keep the largest weights ([`prune`], [`mask`]), reset the
//! survivors to θ0 or rewind them to θk ([`rewind`]), and go round again
//! ([`round`], with the random-reinit and random-mask [`controls`]). Beside it:
//! early-bird tickets ([`early_bird`]), transfer to another dataset ([`transfer`]),
//! and why tickets win: the controls that keep only θ0's [`signs`], and the
//! untrained [`supermask`], how much two seeds' masks [`overlap`], and the
//! [`stability`] of a network to the order of its data.
//! Nothing here knows which task it runs: that comes from [`super::tasks`].

pub mod companion;
pub mod controls;
pub mod curve;
pub mod early_bird;
pub mod mask;
pub mod norm_matched;
pub mod overlap;
pub mod prune;
pub mod report;
pub mod rewind;
pub mod round;
pub mod signs;
pub mod stability;
pub mod supermask;
pub mod train;
pub mod transfer;
pub mod why;
