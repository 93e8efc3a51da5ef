//! Drawing on a canvas: the few calls of its 2D context the views make, bound
//! here with wasm-bindgen rather than through web-sys's
//! `CanvasRenderingContext2d` feature (turning a web-sys feature on rebuilds
//! web-sys and everything above it), and a context sized for the screen.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A canvas's 2D context.
    pub type Context2d;
    #[wasm_bindgen(method, js_name = setTransform)]
    pub fn set_transform(this: &Context2d, a: f64, b: f64, c: f64, d: f64, e: f64, f: f64);
    #[wasm_bindgen(method, js_name = clearRect)]
    pub fn clear_rect(this: &Context2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = fillRect)]
    pub fn fill_rect(this: &Context2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = beginPath)]
    pub fn begin_path(this: &Context2d);
    #[wasm_bindgen(method, js_name = moveTo)]
    pub fn move_to(this: &Context2d, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = lineTo)]
    pub fn line_to(this: &Context2d, x: f64, y: f64);
    #[wasm_bindgen(method)]
    pub fn stroke(this: &Context2d);
    #[wasm_bindgen(method)]
    pub fn arc(this: &Context2d, x: f64, y: f64, radius: f64, start: f64, end: f64);
    #[wasm_bindgen(method)]
    pub fn fill(this: &Context2d);
    #[wasm_bindgen(method, setter = fillStyle)]
    pub fn set_fill_style(this: &Context2d, style: &str);
    #[wasm_bindgen(method, setter = strokeStyle)]
    pub fn set_stroke_style(this: &Context2d, style: &str);
    #[wasm_bindgen(method, setter = lineWidth)]
    pub fn set_line_width(this: &Context2d, width: f64);
    #[wasm_bindgen(method, setter = lineCap)]
    pub fn set_line_cap(this: &Context2d, cap: &str);
}

/// The 2D context of `canvas`, its backing store sized for `width` × `height` CSS pixels at the screen's
/// pixel ratio and scaled so the caller draws in CSS pixels, cleared.
pub fn context(canvas: &web_sys::HtmlCanvasElement, width: f64, height: f64) -> Option<Context2d> {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let (w, h) = ((width * ratio).round() as u32, (height * ratio).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx: Context2d = canvas.get_context("2d").ok()??.unchecked_into();
    ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, width, height);
    Some(ctx)
}
