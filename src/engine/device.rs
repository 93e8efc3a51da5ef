//! Backend choice: the only place in the engine that knows the target.
//!
//! burn 0.22 puts the backend in the [`Device`], so the rest of the engine
//! runs unchanged on WebGPU, on wgpu natively, and on the CPU.

use burn::tensor::Device;

/// What the CPU backend is called wherever the page or a report names it.
pub(crate) const CPU_BACKEND: &str = "burn-flex";

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

/// Native GPU backends for sweeps on a cluster, each behind the cargo feature
/// of its name (`cargo build --release --features cuda`), so the default build
/// stays as it is. burn 0.22 offers CUDA and ROCm through cubecl, and Vulkan
/// and Metal through wgpu pinned to that API. Only wgpu (on lavapipe) is
/// tested here: this machine has no GPU.
#[cfg(all(not(target_arch = "wasm32"), feature = "cuda"))]
pub(crate) fn cuda() -> Device {
    Device::cuda(0)
}

#[cfg(all(not(target_arch = "wasm32"), feature = "rocm"))]
pub(crate) fn rocm() -> Device {
    Device::rocm(0)
}

#[cfg(all(not(target_arch = "wasm32"), feature = "vulkan"))]
pub fn vulkan() -> Device {
    Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)
}

#[cfg(all(not(target_arch = "wasm32"), feature = "metal"))]
pub(crate) fn metal() -> Device {
    Device::metal(burn::tensor::DeviceKind::DefaultDevice)
}

/// The devices `lottery` can train on, natively.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Native {
    Cpu,
    Wgpu,
    #[cfg(feature = "cuda")]
    Cuda,
    #[cfg(feature = "rocm")]
    Rocm,
    #[cfg(feature = "vulkan")]
    Vulkan,
    #[cfg(feature = "metal")]
    Metal,
}

#[cfg(not(target_arch = "wasm32"))]
impl Native {
    /// Every backend this build has.
    pub const ALL: &'static [Native] = &[
        Native::Cpu,
        Native::Wgpu,
        #[cfg(feature = "cuda")]
        Native::Cuda,
        #[cfg(feature = "rocm")]
        Native::Rocm,
        #[cfg(feature = "vulkan")]
        Native::Vulkan,
        #[cfg(feature = "metal")]
        Native::Metal,
    ];

    /// By its command-line name (the CPU also answers to `flex` and, its old backend's name, `ndarray`).
    pub fn parse(name: &str) -> Result<Native, String> {
        let name = match name {
            "flex" | "ndarray" => "cpu",
            other => other,
        };
        Self::ALL.iter().copied().find(|n| n.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|n| n.name()).collect();
            format!(
                "'{name}' is not a backend of this build; it has {} (GPU backends are cargo features)",
                names.join(", ")
            )
        })
    }

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Native::Cpu => "cpu",
            Native::Wgpu => "wgpu",
            #[cfg(feature = "cuda")]
            Native::Cuda => "cuda",
            #[cfg(feature = "rocm")]
            Native::Rocm => "rocm",
            #[cfg(feature = "vulkan")]
            Native::Vulkan => "vulkan",
            #[cfg(feature = "metal")]
            Native::Metal => "metal",
        }
    }

    /// The device, and how reports name it.
    pub fn open(self) -> Result<(Device, String), String> {
        Ok(match self {
            Native::Cpu => (cpu(), format!("{CPU_BACKEND} (CPU)")),
            Native::Wgpu => (wgpu().map_err(|e| format!("no wgpu adapter: {e}"))?, "wgpu".into()),
            #[cfg(feature = "cuda")]
            Native::Cuda => (cuda(), "cuda".into()),
            #[cfg(feature = "rocm")]
            Native::Rocm => (rocm(), "rocm".into()),
            #[cfg(feature = "vulkan")]
            Native::Vulkan => (vulkan(), "vulkan".into()),
            #[cfg(feature = "metal")]
            Native::Metal => (metal(), "metal".into()),
        })
    }
}

/// The browser's WebGPU. Initialise once and keep the device: a second init
/// is an error.
#[cfg(target_arch = "wasm32")]
pub async fn webgpu() -> Result<Device, String> {
    Device::wgpu_options().init_async().await.map_err(|e| e.to_string())
}
