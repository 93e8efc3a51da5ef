//! The page's entry point: the panic hook and the app. trunk builds this for
//! wasm32; natively it only says how to build it. The same module runs in the
//! page's engine workers (web/engine-worker.js loads it there): with no
//! window, it listens for the page's messages instead of mounting the app.

// The linker's static constructors (cubecl's IR registers its dialects with
// `inventory`). A bin crate on wasm32 links as a "command": unless the module
// calls `__wasm_call_ctors` itself, wasm-ld wraps *every* export (each
// closure the DOM calls, each externref wasm-bindgen passes) in a call to all
// constructors. That was the 5 s to 44 s stall after a LeNet round: drawing
// the round made thousands of such calls. Calling them once here, first,
// tells wasm-ld not to wrap (inventory's documentation, "WebAssembly").
#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // SAFETY: synthesised by wasm-ld; called once, before any code that reads
    // what the constructors register.
    unsafe { __wasm_call_ctors() };
    if web_sys::window().is_none() {
        // An engine worker: a panic ends this worker's module (panic = "abort"); the page sees the worker's
        // error event and says so. Finished rounds are already saved.
        console_error_panic_hook::set_once();
        lottery_ticket_lab::worker::entry::start();
        return;
    }
    // A panic ends the module (panic = "abort"): say so on the page, as text,
    // rather than leave a frozen page. Finished rounds are already saved.
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        lottery_ticket_lab::ui::show_crash(&info.to_string());
    }));
    lottery_ticket_lab::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("`lab` is the web page: build it with `make serve` (trunk, wasm32). The native tool is `lottery`.");
}
