//! Where training runs in the browser, and a sentence saying which and why.
//!
//! - `backend=webgpu` forces the browser's GPU (fused burn-wgpu kernels),
//!   `backend=cpu` forces burn-flex in wasm (SIMD128).
//! - `backend=auto` (the default) times a few steps of the actual network on
//!   each ([`speed_probe`]) and keeps the faster: a tiny 2D network on a weak
//!   or software GPU trains faster on the CPU; a LeNet on a real GPU does not.

use std::cell::RefCell;
use std::collections::HashMap;

use burn::tensor::Device;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::device::{self, CPU_BACKEND};
use crate::engine::speed_probe::{self, StepSpeed};
use crate::engine::{Dataset, ExperimentConfig};
use crate::url::BackendChoice;

use super::now_ms;

/// The device a run trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Cpu,
    Webgpu,
    /// `auto` is timing both (a second or two at the start of a run).
    Timing,
}

impl BackendKind {
    /// What the page (`#backend[data-kind]`), the tests and checkpoints read.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Webgpu => "webgpu",
            Self::Timing => "timing",
        }
    }
}

/// The backend the page trains on, and what to tell the user about it.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    pub kind: BackendKind,
    /// e.g. "WebGPU (swiftshader, software adapter): chosen in the settings" or
    /// "CPU (burn-flex): 310 steps/s against 12 on this GPU (…) for this network".
    pub label: String,
}

impl BackendInfo {
    /// Shown while `auto` times the network on both devices.
    pub fn timing() -> Self {
        Self {
            kind: BackendKind::Timing,
            label: "Timing a few steps of this network on the GPU and on the CPU…".into(),
        }
    }
    fn cpu(why: impl std::fmt::Display) -> Self {
        Self { kind: BackendKind::Cpu, label: format!("CPU ({CPU_BACKEND}): {why}") }
    }
    fn webgpu(adapter: &str, why: impl std::fmt::Display) -> Self {
        Self { kind: BackendKind::Webgpu, label: format!("WebGPU ({adapter}): {why}") }
    }
    /// After the GPU failed under a run.
    pub fn gpu_lost(why: &str) -> Self {
        Self::cpu(format!("the GPU was lost mid-run ({why})"))
    }
}

thread_local! {
    /// burn's wgpu runtime can be initialised once per page; keep the device
    /// and the adapter's name.
    static WEBGPU: RefCell<Option<(Device, String)>> = const { RefCell::new(None) };
    /// Why the GPU was lost, once it was: later runs go to the CPU.
    static LOST: RefCell<Option<String>> = const { RefCell::new(None) };
    /// What `auto` found for each network on this page (by [`trial_key`]), so
    /// Restart and Continue do not time the same network again.
    static TIMED: RefCell<HashMap<String, (BackendKind, String)>> = RefCell::new(HashMap::new());
}

/// What decides a step's cost: the layer shapes, the batch and the optimizer.
fn trial_key(config: &ExperimentConfig) -> String {
    format!("{:?} batch {} {:?}", config.shapes(), config.train.batch, config.train.optimizer)
}

/// Why the page's WebGPU device was lost, if it was. `web/gpu-watch.js`
/// watches `GPUDevice.lost` and records the reason in a global.
pub fn lost() -> Option<String> {
    let window: JsValue = web_sys::window()?.into();
    get(&window, "__lotteryGpuLost").as_string()
}

/// Drop the lost device; runs from now on use the CPU.
pub fn forget_webgpu(why: &str) {
    WEBGPU.with(|w| *w.borrow_mut() = None);
    LOST.with(|l| *l.borrow_mut() = Some(why.to_string()));
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Ask the browser for an adapter ourselves, to say what it is (web-sys's
/// WebGPU types need an unstable cfg, so this goes through `Reflect`).
async fn probe_adapter() -> Result<String, String> {
    let navigator: JsValue = web_sys::window().ok_or("no window")?.navigator().into();
    let gpu = get(&navigator, "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU".into());
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

/// The page's WebGPU device and its adapter's name, started once.
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
/// `auto` times the experiment's own network on both devices.
pub async fn select(choice: BackendChoice, config: &ExperimentConfig, data: &Dataset) -> (Device, BackendInfo) {
    if choice == BackendChoice::Cpu {
        return (device::cpu(), BackendInfo::cpu("chosen in the settings"));
    }
    let (gpu, adapter) = match webgpu().await {
        Ok(found) => found,
        Err(why) => return (device::cpu(), BackendInfo::cpu(why)),
    };
    if choice == BackendChoice::Webgpu {
        return (gpu, BackendInfo::webgpu(&adapter, "chosen in the settings"));
    }
    let key = trial_key(config);
    if let Some((kind, why)) = TIMED.with(|t| t.borrow().get(&key).cloned()) {
        let why = format!("{why} (timed earlier on this page)");
        return match kind {
            BackendKind::Webgpu => (gpu, BackendInfo::webgpu(&adapter, why)),
            _ => (device::cpu(), BackendInfo::cpu(why)),
        };
    }
    // auto: the CPU first (it cannot fail), then the GPU.
    let cpu = device::cpu();
    let on_cpu = match speed_probe::measure(config, data, &cpu, &now_ms).await {
        Ok(s) => s,
        Err(e) => return (gpu, BackendInfo::webgpu(&adapter, format!("the CPU probe failed ({e})"))),
    };
    let on_gpu = match speed_probe::measure(config, data, &gpu, &now_ms).await {
        Ok(s) => s,
        Err(e) => return (cpu, BackendInfo::cpu(format!("the GPU failed a trial run ({e})"))),
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
    TIMED.with(|t| t.borrow_mut().insert(key, (kind, why.clone())));
    let why = format!("{why} (timed at the start)");
    match kind {
        BackendKind::Webgpu => (gpu, BackendInfo::webgpu(&adapter, why)),
        _ => (cpu, BackendInfo::cpu(why)),
    }
}
