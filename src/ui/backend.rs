//! Where training runs in the browser: WebGPU when the browser hands out an
//! adapter, else burn-ndarray on the CPU, and a sentence saying which and why.

use std::cell::RefCell;

use burn::tensor::Device;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::engine::device;
use crate::url::BackendChoice;

/// The backend the page trains on, and what to tell the user about it.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendInfo {
    /// "webgpu" or "cpu": what tests and the URL read.
    pub kind: &'static str,
    /// e.g. "WebGPU (swiftshader, software adapter)" or "CPU (burn-ndarray): this browser has no WebGPU".
    pub label: String,
}

thread_local! {
    /// burn's wgpu runtime can be initialised once per page; keep the device.
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
    /// Why the GPU was lost, once it was: later runs go to the CPU.
    static LOST: RefCell<Option<String>> = const { RefCell::new(None) };
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
    let request: Function = get(&gpu, "requestAdapter").dyn_into().map_err(|_| "navigator.gpu.requestAdapter is missing")?;
    let promise: Promise = request.call0(&gpu).map_err(|e| format!("requestAdapter threw {e:?}"))?.into();
    let adapter = JsFuture::from(promise).await.map_err(|e| format!("requestAdapter failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers WebGPU but gave no adapter".into());
    }
    let info = get(&adapter, "info");
    let text = |k: &str| get(&info, k).as_string().unwrap_or_default();
    let fallback = get(&adapter, "isFallbackAdapter").as_bool().or_else(|| get(&info, "isFallbackAdapter").as_bool()).unwrap_or(false);
    let mut name = [text("vendor"), text("architecture")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        name = "adapter".into();
    }
    if fallback || name.contains("swiftshader") {
        name.push_str(", software adapter");
    }
    Ok(name)
}

/// Pick the backend for `choice`. Never fails: the CPU is always there.
pub async fn select(choice: BackendChoice) -> (Device, BackendInfo) {
    let cpu = |why: String| {
        (device::cpu(), BackendInfo { kind: "cpu", label: format!("CPU (burn-ndarray): {why}") })
    };
    if choice == BackendChoice::Cpu {
        return cpu("chosen in the settings".into());
    }
    if let Some(why) = LOST.with(|l| l.borrow().clone()).or_else(lost) {
        return cpu(format!("the GPU was lost earlier on this page ({why}); reload the page to use WebGPU again"));
    }
    if let Some(d) = WEBGPU.with(|w| w.borrow().clone()) {
        return (d, BackendInfo { kind: "webgpu", label: "WebGPU".into() });
    }
    let adapter = match probe_adapter().await {
        Ok(a) => a,
        Err(why) => return cpu(why),
    };
    match device::webgpu().await {
        Ok(d) => {
            WEBGPU.with(|w| *w.borrow_mut() = Some(d.clone()));
            (d, BackendInfo { kind: "webgpu", label: format!("WebGPU ({adapter})") })
        }
        Err(e) => cpu(format!("WebGPU would not start ({e})")),
    }
}
