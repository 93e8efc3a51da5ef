//! A worker's side of the messages: it listens for [`ToWorker`], trains one
//! replicate per `Start` ([`session::run`]) and posts [`FromWorker`] back.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{FromWorker, ToWorker};
use super::session::{self, Flags};

#[wasm_bindgen]
extern "C" {
    /// `console.error` (web-sys's binding needs a feature that rebuilds every wasm dependency).
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(text: &str);
}

thread_local! {
    /// The run this worker trains now, and the flags its messages set.
    static CURRENT: RefCell<Option<Rc<Flags>>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: FromWorker) {
    match serde_json::to_string(&message) {
        Ok(text) => {
            let _ = scope().post_message(&JsValue::from_str(&text));
        }
        Err(e) => console_error(&format!("engine worker: a message would not serialise: {e}")),
    }
}

fn with_current(f: impl FnOnce(&Flags)) {
    CURRENT.with(|c| {
        if let Some(flags) = c.borrow().as_deref() {
            f(flags)
        }
    });
}

fn on_message(text: &str) {
    let message: ToWorker = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            console_error(&format!("engine worker: an unreadable message ({e})"));
            return;
        }
    };
    match message {
        ToWorker::Start(start) => {
            // A new run replaces the one in progress, which stops at its next chunk.
            with_current(|old| old.stop.set(true));
            let flags = Rc::new(Flags::default());
            flags.pause.set(start.paused);
            CURRENT.with(|c| *c.borrow_mut() = Some(flags.clone()));
            let run = start.run;
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(message) = session::run(*start, &flags, &post).await {
                    post(FromWorker::Failed { run, message });
                }
            });
        }
        ToWorker::Pause { paused } => with_current(|f| f.pause.set(paused)),
        ToWorker::StepRound => with_current(|f| {
            f.pause_after_round.set(true);
            f.pause.set(false);
        }),
        ToWorker::Stop => with_current(|f| f.stop.set(true)),
    }
}

/// Listen, and say so. (web/engine-worker.js has run web/gpu-watch.js first, before any device exists.)
pub fn start() {
    let listener = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| match event.data().as_string() {
        Some(text) => on_message(&text),
        None => console_error("engine worker: a message that is not text"),
    });
    scope().set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
    post(FromWorker::Ready { build: crate::engine::build_info() });
}
