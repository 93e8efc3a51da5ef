//! `lottery run --page-exact`: the page's own engine build, run under Node.js,
//! so the command line gives the page's CPU results bit for bit on any machine.
//!
//! The native build and the page's differ in their CPU arithmetic, not in
//! their code: natively gemm and macerator choose AVX2/FMA or NEON kernels at
//! run time (other summation orders, fused multiply-adds), while the page's
//! wasm32 module has SIMD128 and no FMA everywhere (README
//! "Reproducibility"). Rather than a second, hand-kept copy of the page's
//! kernels, this route runs the page's module itself: the `lab-HASH_bg.wasm`
//! a built page folder holds (`make page` → `dist/`), the bytes a browser
//! downloads. Under Node its `main()` finds no window and becomes an engine
//! worker (`worker::entry`); [`PageEngine`] speaks the page's worker
//! protocol ([`crate::worker::protocol`]) to it over stdin and stdout
//! (`page_exact.mjs`, compiled into the binary).
//!
//! Node.js runs WebAssembly by the specification's arithmetic (IEEE 754,
//! round to nearest, no contraction), so the same module gives the same bits
//! on any machine: the page's Chromium, Firefox or Safari, and Node here.

use std::io::{BufRead, BufReader, Lines, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use crate::engine::data::own_data::OwnData;
use crate::engine::{BuildInfo, Checkpoint, ExperimentConfig};
use crate::worker::protocol::{FromWorker, Job, Start, ToWorker};

/// The script Node runs: the worker's global around the page's module.
const HARNESS: &str = include_str!("page_exact.mjs");
/// The page's module in a built page folder: trunk names it by a hash of its bytes.
const MODULE_PREFIX: &str = "lab-";
const MODULE_SUFFIX: &str = "_bg.wasm";
/// Hex digits of the module's SHA-256 kept in a report.
const SHA_DIGITS: usize = 16;
/// The backend the page's settings call its CPU path (`url::BackendChoice`).
const PAGE_CPU: &str = "cpu";

/// The page's module in `dist`, by file name (exactly one).
pub(crate) fn module_in(dist: &Path) -> Result<PathBuf, String> {
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("{}: {e} (build the page first: make page)", dist.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(MODULE_PREFIX) && n.ends_with(MODULE_SUFFIX))
        })
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(format!(
            "{}: expected one {MODULE_PREFIX}HASH{MODULE_SUFFIX} (the page's module), found {n}; \
             build the page: make page",
            dist.display()
        )),
    }
}

/// The page's engine in a Node.js process, trained one replicate at a time.
pub struct PageEngine {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Lines<BufReader<ChildStdout>>,
    /// What the module says of itself (wasm32, its target features), with its file and hash.
    pub build: BuildInfo,
    run: u32,
}

impl PageEngine {
    /// Load the module of the page built in `dist` and wait until it listens.
    pub fn start(dist: &Path) -> Result<Self, String> {
        let module = module_in(dist)?;
        let bytes = std::fs::read(&module).map_err(|e| format!("{}: {e}", module.display()))?;
        let sha = crate::sweep::sha256_prefix(&bytes, SHA_DIGITS);
        let name = module.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let dist = std::fs::canonicalize(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
        let mut child = Command::new("node")
            .args(["--input-type=module", "-e", HARNESS])
            .env("LTL_PAGE_DIR", &dist)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start node ({e}): --page-exact runs the page's module in Node.js 18+"))?;
        let stdin = child.stdin.take();
        let lines = BufReader::new(child.stdout.take().ok_or("node gave no stdout")?).lines();
        let mut engine = Self { child, stdin, lines, build: crate::engine::build_info(), run: 0 };
        match engine.next()? {
            FromWorker::Ready { build } => {
                engine.build = BuildInfo { module: Some(format!("{name} sha256 {sha}")), ..build };
                Ok(engine)
            }
            other => Err(format!("the page's module said {other:?} before it was ready")),
        }
    }

    /// The next message the module posts.
    fn next(&mut self) -> Result<FromWorker, String> {
        match self.lines.next() {
            Some(Ok(line)) => {
                serde_json::from_str(&line).map_err(|e| format!("the page's module posted {line:?}: {e}"))
            }
            Some(Err(e)) => Err(format!("reading the page's module: {e}")),
            None => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                Err(format!("the page's module stopped ({status}); its message is above"))
            }
        }
    }

    fn send(&mut self, message: &ToWorker) -> Result<(), String> {
        let text = serde_json::to_string(message).map_err(|e| e.to_string())?;
        let stdin = self.stdin.as_mut().ok_or("the page's module was closed")?;
        writeln!(stdin, "{text}").and_then(|_| stdin.flush()).map_err(|e| format!("writing to the page's module: {e}"))
    }

    /// Train replicate `replicate` (0-based) of `config` as one page worker trains it, on the page's CPU path,
    /// every round's controls in the same worker; `on` sees each message of the run. Returns the replicate's
    /// checkpoint after its last round.
    pub fn train_replicate(
        &mut self,
        config: &ExperimentConfig,
        replicate: usize,
        own: Option<&OwnData>,
        mut on: impl FnMut(&FromWorker),
    ) -> Result<Checkpoint, String> {
        self.run += 1;
        let run = self.run;
        self.send(&ToWorker::Start(Box::new(Start {
            run,
            config: config.clone(),
            replicate,
            backend: PAGE_CPU.to_string(),
            job: Job::Rounds { from: None, controls_apart: false },
            own: own.cloned(),
            timed: Vec::new(),
            paused: false,
        })))?;
        let mut last: Option<Checkpoint> = None;
        loop {
            let message = self.next()?;
            if message.run() != Some(run) {
                continue;
            }
            on(&message);
            match message {
                FromWorker::Round { checkpoint, .. } => last = Some(*checkpoint),
                FromWorker::ReplicateDone { .. } => {
                    return last.ok_or_else(|| "the page's module finished without a round".to_string());
                }
                FromWorker::Failed { message, .. } => return Err(message),
                _ => {}
            }
        }
    }
}

impl Drop for PageEngine {
    fn drop(&mut self) {
        // Every replicate asked for has finished (or the command stopped on an error): nothing is lost.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
