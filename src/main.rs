//! The page's entry point: the panic hook and the app. trunk builds this for
//! wasm32; natively it only says how to build it.

#[cfg(target_arch = "wasm32")]
fn main() {
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
