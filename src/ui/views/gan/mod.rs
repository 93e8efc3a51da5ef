//! A GAN's view: each generator's points over the discriminator's belief.

pub mod gan_view;
