//! Where a worker trains, and a sentence saying which and why.
//!
//! - `backend=webgpu` forces the browser's GPU (fused burn-wgpu kernels),
//!   `backend=cpu` forces burn-flex in wasm (SIMD128).
//! - `backend=auto` (the default) times a few steps of the actual network on
//!   each ([`speed_probe`]) and keeps the faster: a tiny 2D network on a weak
//!   or software GPU trains faster on the CPU; a LeNet on a real GPU does not.

use std::cell::RefCell;

use burn::tensor::Device;
use js_sys::{Function, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::engine::device;
use crate::engine::speed_probe::{self, StepSpeed};
use crate::engine::{Dataset, ExperimentConfig};
use crate::url::BackendChoice;

use super::global::{get, now_ms};
use super::protocol::{BackendInfo, BackendKind, Timed, trial_key};

thread_local! {
    /// burn's wgpu runtime can be initialised once per worker; keep the device
    /// and the adapter's name.
    static WEBGPU: RefCell<Option<(Device, String)>> = const { RefCell::new(None) };
    /// Why the GPU was lost, once it was: later runs go to the CPU.
    static LOST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Why this worker's WebGPU device was lost, if it was. `web/gpu-watch.js`
/// (imported by the worker at its start) watches `GPUDevice.lost` and records
/// the reason in a global.
pub(crate) fn lost() -> Option<String> {
    get(&js_sys::global(), "__lotteryGpuLost").as_string()
}

/// Drop the lost device; runs from now on use the CPU.
pub(crate) fn forget_webgpu(why: &str) {
    WEBGPU.with(|w| *w.borrow_mut() = None);
    LOST.with(|l| *l.borrow_mut() = Some(why.to_string()));
}

/// Ask the browser for an adapter ourselves, to say what it is (web-sys's
/// WebGPU types need an unstable cfg, so this goes through `Reflect`).
async fn probe_adapter() -> Result<String, String> {
    let navigator = get(&js_sys::global(), "navigator");
    let gpu = get(&navigator, "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU in Web Workers".into());
    }
    let request: Function =
        get(&gpu, "requestAdapter").dyn_into().map_err(|_| "navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request.call0(&gpu).map_err(|e| format!("requestAdapter threw {e:?}"))?.into();
    let adapter = JsFuture::from(promise).await.map_err(|e| format!("requestAdapter failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers WebGPU but gave no adapter".into());
    }
    let info = get(&adapter, "info");
    let text = |k: &str| get(&info, k).as_string().unwrap_or_default();
    let fallback = get(&adapter, "isFallbackAdapter")
        .as_bool()
        .or_else(|| get(&info, "isFallbackAdapter").as_bool())
        .unwrap_or(false);
    let mut name =
        [text("vendor"), text("architecture")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        name = "adapter".into();
    }
    if fallback || name.contains("swiftshader") {
        name.push_str(", software adapter");
    }
    Ok(name)
}

/// The worker's WebGPU device and its adapter's name, started once.
async fn webgpu() -> Result<(Device, String), String> {
    if let Some(why) = LOST.with(|l| l.borrow().clone()).or_else(lost) {
        return Err(format!("the GPU was lost earlier on this page ({why}); reload the page to use WebGPU again"));
    }
    if let Some(found) = WEBGPU.with(|w| w.borrow().clone()) {
        return Ok(found);
    }
    let adapter = probe_adapter().await?;
    let device = device::webgpu().await.map_err(|e| format!("WebGPU would not start ({e})"))?;
    WEBGPU.with(|w| *w.borrow_mut() = Some((device.clone(), adapter.clone())));
    Ok((device, adapter))
}

fn rate(speed: &StepSpeed) -> String {
    let r = speed.steps_per_s();
    if r >= 10.0 { format!("{r:.0}") } else { format!("{r:.1}") }
}

/// Pick the backend for `choice`. Never fails: the CPU is always there.
/// `auto` times the experiment's own network on both devices, unless
/// `timed` (what the page kept) already says which is faster; a new timing
/// comes back as the third value.
pub async fn select(
    choice: BackendChoice,
    config: &ExperimentConfig,
    data: &Dataset,
    timed: &[Timed],
) -> (Device, BackendInfo, Option<Timed>) {
    if choice == BackendChoice::Cpu {
        return (device::cpu(), BackendInfo::cpu("chosen in the settings"), None);
    }
    let (gpu, adapter) = match webgpu().await {
        Ok(found) => found,
        Err(why) => return (device::cpu(), BackendInfo::cpu(why), None),
    };
    if choice == BackendChoice::Webgpu {
        return (gpu, BackendInfo::webgpu(&adapter, "chosen in the settings"), None);
    }
    let key = trial_key(config);
    if let Some(t) = timed.iter().find(|t| t.key == key) {
        let why = format!("{} (timed earlier on this page)", t.why);
        return match t.kind {
            BackendKind::Webgpu => (gpu, BackendInfo::webgpu(&adapter, why), None),
            _ => (device::cpu(), BackendInfo::cpu(why), None),
        };
    }
    // auto: the CPU first (it cannot fail), then the GPU.
    let cpu = device::cpu();
    let on_cpu = match speed_probe::measure(config, data, &cpu, &now_ms).await {
        Ok(s) => s,
        Err(e) => return (gpu, BackendInfo::webgpu(&adapter, format!("the CPU probe failed ({e})")), None),
    };
    let on_gpu = match speed_probe::measure(config, data, &gpu, &now_ms).await {
        Ok(s) => s,
        Err(e) => return (cpu, BackendInfo::cpu(format!("the GPU failed a trial run ({e})")), None),
    };
    let (kind, why) = if on_gpu.ms_per_step < on_cpu.ms_per_step {
        (
            BackendKind::Webgpu,
            format!("{} steps/s against {} on the CPU for this network", rate(&on_gpu), rate(&on_cpu)),
        )
    } else {
        (
            BackendKind::Cpu,
            format!("{} steps/s against {} on this GPU ({adapter}) for this network", rate(&on_cpu), rate(&on_gpu)),
        )
    };
    let found = Timed { key, kind, why: why.clone() };
    let why = format!("{why} (timed at the start)");
    match kind {
        BackendKind::Webgpu => (gpu, BackendInfo::webgpu(&adapter, why), Some(found)),
        _ => (cpu, BackendInfo::cpu(why), Some(found)),
    }
}
