//! The page's entry point: the panic hook and the app. trunk builds this for
//! wasm32; natively it only says how to build it.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    lottery_ticket_lab::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("`lab` is the web page: build it with `make serve` (trunk, wasm32). The native tool is `lottery`.");
}
