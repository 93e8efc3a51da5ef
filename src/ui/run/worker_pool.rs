//! The page's engine workers: dedicated Web Workers running this page's own
//! module (web/engine-worker.js), started as a run needs them and kept
//! between runs, so each compiles the module once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::MessageEvent;

use crate::worker::global::get;
use crate::worker::protocol::{FromWorker, ToWorker};

/// The engine workers' script, beside the page (named by scripts/engine_worker.py).
const ENGINE_SCRIPT: &str = "engine-worker.js";

#[wasm_bindgen]
extern "C" {
    /// A dedicated Web Worker (web-sys's binding needs a feature that rebuilds every wasm dependency).
    #[wasm_bindgen(js_name = Worker)]
    type JsWorker;
    #[wasm_bindgen(constructor, js_class = "Worker", catch)]
    fn new(url: &str, options: &JsValue) -> Result<JsWorker, JsValue>;
    #[wasm_bindgen(method, js_class = "Worker", js_name = postMessage)]
    fn post_message(this: &JsWorker, message: &JsValue);
    #[wasm_bindgen(method, js_class = "Worker")]
    fn terminate(this: &JsWorker);
    #[wasm_bindgen(method, setter, js_class = "Worker")]
    fn set_onmessage(this: &JsWorker, listener: Option<&Function>);
    #[wasm_bindgen(method, setter, js_class = "Worker")]
    fn set_onerror(this: &JsWorker, listener: Option<&Function>);
}

/// What a worker trains for the run in progress.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Assignment {
    /// A replicate's rounds.
    Rounds { replicate: usize },
    /// One control of one round of a replicate, and how far it is.
    Control { replicate: usize, share: f64 },
}

/// A worker's message and error listeners.
type Listeners = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(JsValue)>);

pub struct EngineWorker {
    pub index: usize,
    js: JsWorker,
    /// Messages wait here until the worker's module has loaded and listens.
    waiting: RefCell<Option<Vec<String>>>,
    /// What it trains for the run in progress, if anything.
    pub busy: Cell<Option<Assignment>>,
    /// It said it is paused.
    pub paused: Cell<bool>,
    /// Its listeners, alive as long as it is.
    _listeners: Listeners,
}

impl EngineWorker {
    pub fn send(&self, message: &ToWorker) {
        let Ok(text) = serde_json::to_string(message) else { return };
        match self.waiting.borrow_mut().as_mut() {
            Some(queue) => queue.push(text),
            None => self.js.post_message(&JsValue::from_str(&text)),
        }
    }

    /// The module listens: send what waited.
    fn ready(&self) {
        for text in self.waiting.take().unwrap_or_default() {
            self.js.post_message(&JsValue::from_str(&text));
        }
    }
}

/// Where the pool delivers what workers say: a message (parsed), or that the
/// worker died (its module failed to load, or it panicked).
pub struct Handlers {
    pub message: fn(Rc<EngineWorker>, FromWorker),
    pub unreadable: fn(String),
    pub died: fn(Rc<EngineWorker>, String),
}

thread_local! {
    static POOL: RefCell<Vec<Rc<EngineWorker>>> = const { RefCell::new(Vec::new()) };
}

fn at(index: usize) -> Option<Rc<EngineWorker>> {
    POOL.with(|p| p.borrow().get(index).cloned())
}

/// Start worker `index` (its module loads in the background).
fn spawn(index: usize, handlers: &'static Handlers) -> Result<Rc<EngineWorker>, String> {
    // A module worker: the page's module is an ES module.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"module".into());
    let js = JsWorker::new(ENGINE_SCRIPT, &options)
        .map_err(|e| format!("the browser would not start a Web Worker ({e:?})"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else { return };
        let Some(worker) = at(index) else { return };
        match serde_json::from_str::<FromWorker>(&text) {
            Ok(FromWorker::Ready { .. }) => worker.ready(),
            Ok(message) => (handlers.message)(worker, message),
            Err(e) => (handlers.unreadable)(format!("an engine worker sent a message the page cannot read ({e})")),
        }
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let what = get(&event, "message").as_string().unwrap_or_else(|| "no reason given".into());
        if let Some(worker) = replace(index, handlers) {
            (handlers.died)(worker, what);
        }
    });
    js.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    js.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Rc::new(EngineWorker {
        index,
        js,
        waiting: RefCell::new(Some(Vec::new())),
        busy: Cell::new(None),
        paused: Cell::new(false),
        _listeners: (on_message, on_error),
    }))
}

/// A dead worker makes way for a fresh one in its place. Returns the dead one.
fn replace(index: usize, handlers: &'static Handlers) -> Option<Rc<EngineWorker>> {
    let dead = at(index)?;
    dead.js.terminate();
    let fresh = spawn(index, handlers).ok()?;
    POOL.with(|p| p.borrow_mut()[index] = fresh);
    Some(dead)
}

/// The pool, grown to at least `n` workers; returns its first `n`.
pub fn workers(n: usize, handlers: &'static Handlers) -> Result<Vec<Rc<EngineWorker>>, String> {
    while POOL.with(|p| p.borrow().len()) < n {
        let index = POOL.with(|p| p.borrow().len());
        let worker = spawn(index, handlers)?;
        POOL.with(|p| p.borrow_mut().push(worker));
    }
    Ok(POOL.with(|p| p.borrow()[..n].to_vec()))
}

/// The workers training something for the run in progress.
pub fn busy() -> Vec<Rc<EngineWorker>> {
    POOL.with(|p| p.borrow().iter().filter(|w| w.busy.get().is_some()).cloned().collect())
}

/// Send `message` to every busy worker.
pub fn broadcast(message: &ToWorker) {
    for w in busy() {
        w.send(message);
    }
}

/// Stop every busy worker's job; they wait for the next.
pub fn stop_all() {
    for w in busy() {
        w.send(&ToWorker::Stop);
        w.busy.set(None);
        w.paused.set(false);
    }
}

/// The cores the browser reports (`navigator.hardwareConcurrency`).
pub fn cores() -> usize {
    web_sys::window().map(|w| w.navigator().hardware_concurrency() as usize).unwrap_or(1)
}
