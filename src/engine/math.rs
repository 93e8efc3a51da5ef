//! The transcendental functions of the engine's host-side arithmetic, from the `libm` crate: the same code
//! natively and in the page. The standard library's `f64::ln`, `cos`, … call the C library natively (glibc,
//! which picks its own variants when it loads) and Rust's libm in wasm32, and the two can differ in the last
//! bit. θ0's normal draws, the 2D data sets, a GAN's ring, the policy's action probabilities and the
//! evaluation loss go through here, so they are the same bits in the page and in `lottery` (README
//! "Reproducibility"). Square roots need nothing: IEEE rounds them exactly everywhere.

pub(crate) fn ln(x: f64) -> f64 {
    libm::log(x)
}

pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

pub(crate) fn expf(x: f32) -> f32 {
    libm::expf(x)
}

pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

pub fn sin(x: f64) -> f64 {
    libm::sin(x)
}

pub(crate) fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}
