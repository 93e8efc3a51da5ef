//! Where a figure was computed: the build and the CPU it ran on. Floating-point
//! results depend on the CPU kernels a build uses (their SIMD width, fused
//! multiply-add, summation order), so every report and sweep summary records
//! them beside the figures, and two reports can be compared knowingly.

use serde::{Deserialize, Serialize};

/// The target features a build may have been compiled with that change CPU arithmetic.
const COMPILED_FEATURES: [(&str, bool); 6] = [
    ("simd128", cfg!(target_feature = "simd128")),
    ("sse2", cfg!(target_feature = "sse2")),
    ("avx", cfg!(target_feature = "avx")),
    ("avx2", cfg!(target_feature = "avx2")),
    ("fma", cfg!(target_feature = "fma")),
    ("neon", cfg!(target_feature = "neon")),
];

/// The build and the machine that computed a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildInfo {
    /// The lab's version (Cargo.toml).
    pub version: String,
    /// "x86_64", "aarch64", "wasm32".
    pub arch: String,
    /// "linux", "macos", "unknown" (a browser).
    pub os: String,
    /// Target features the build was compiled with, of those that change CPU arithmetic.
    pub compiled: Vec<String>,
    /// SIMD features the CPU has, detected at run time (kernels chosen at run time read these); empty on wasm32,
    /// where the build's features are all there is.
    pub cpu: Vec<String>,
    /// Debug assertions on (a test build) or off (release).
    pub debug: bool,
    /// The page's module that computed it, by file name and SHA-256 (`lottery run --page-exact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
}

/// This build, on this machine.
pub fn build_info() -> BuildInfo {
    BuildInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        arch: std::env::consts::ARCH.to_string(),
        os: std::env::consts::OS.to_string(),
        compiled: COMPILED_FEATURES.iter().filter(|(_, on)| *on).map(|(name, _)| name.to_string()).collect(),
        cpu: cpu_features(),
        debug: cfg!(debug_assertions),
        module: None,
    }
}

impl BuildInfo {
    /// One line: "x86_64 linux, compiled with sse2, CPU avx2 fma".
    pub fn line(&self) -> String {
        let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(" ") };
        let module = self.module.as_ref().map(|m| format!(", the page's module {m}")).unwrap_or_default();
        format!(
            "{} {} {}, compiled with {}, CPU {}{module}",
            self.version,
            self.arch,
            self.os,
            list(&self.compiled),
            list(&self.cpu)
        )
    }
}

#[cfg(target_arch = "x86_64")]
fn cpu_features() -> Vec<String> {
    let detected = [
        ("sse4.1", std::arch::is_x86_feature_detected!("sse4.1")),
        ("avx", std::arch::is_x86_feature_detected!("avx")),
        ("avx2", std::arch::is_x86_feature_detected!("avx2")),
        ("fma", std::arch::is_x86_feature_detected!("fma")),
        ("avx512f", std::arch::is_x86_feature_detected!("avx512f")),
    ];
    detected.iter().filter(|(_, on)| *on).map(|(name, _)| name.to_string()).collect()
}

#[cfg(target_arch = "aarch64")]
fn cpu_features() -> Vec<String> {
    let detected = [("neon", std::arch::is_aarch64_feature_detected!("neon"))];
    detected.iter().filter(|(_, on)| *on).map(|(name, _)| name.to_string()).collect()
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn cpu_features() -> Vec<String> {
    Vec::new()
}
