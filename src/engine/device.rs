//! Backend choice: the only place in the engine that knows the target.
//!
//! burn 0.22 puts the backend in the [`Device`], so the rest of the engine
//! runs unchanged on WebGPU, on wgpu natively, and on the CPU.

use burn::tensor::Device;

/// What the CPU backend is called wherever the page or a report names it.
pub const CPU_BACKEND: &str = "burn-flex";

/// The CPU backend: burn-flex, burn 0.22's pure-Rust CPU backend (burn-ndarray
/// is deprecated in its favour). Explicit SIMD natively (picked at run time)
/// and wasm SIMD128 in the page (picked at compile time: `.cargo/config.toml`).
pub fn cpu() -> Device {
    Device::flex()
}

/// The native wgpu backend (Vulkan, Metal, DX12; lavapipe on a CPU-only box).
/// burn's wgpu runtime starts once per process; every caller shares it.
#[cfg(not(target_arch = "wasm32"))]
pub fn wgpu() -> Result<Device, String> {
    static WGPU: std::sync::OnceLock<Result<Device, String>> = std::sync::OnceLock::new();
    WGPU.get_or_init(|| Device::wgpu_options().init().map_err(|e| e.to_string())).clone()
}

/// The browser's WebGPU. Initialise once and keep the device: a second init
/// is an error.
#[cfg(target_arch = "wasm32")]
pub async fn webgpu() -> Result<Device, String> {
    Device::wgpu_options().init_async().await.map_err(|e| e.to_string())
}
