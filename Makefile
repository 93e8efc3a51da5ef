# Lottery Ticket Lab: the two commands.
#   make serve   set up what is missing, build the page, serve it on 127.0.0.1
#   make test    set up, formatting and lints, native tests, a sweep on a real Slurm, page build, browser tests
#   make bench   step time (burn vs JAX, PyTorch with BENCH_TORCH=1), page weight, browser timings
# Compiled output lives under ~/.cache/lottery-ticket-lab (outside the clone),
# so a fresh clone on the same machine reuses it.

SHELL := /bin/bash
CACHE ?= $(HOME)/.cache/lottery-ticket-lab
export LTL_TOOLS := $(CACHE)/tools
NATIVE_TARGET := $(CACHE)/target-native
PORT ?= 8080
# rustup's cargo for native work where it exists (Debian's /usr/bin/cargo is for the wasm route).
CARGO := $(shell test -x $(HOME)/.cargo/bin/cargo && echo $(HOME)/.cargo/bin/cargo || echo cargo)

.PHONY: serve test setup setup-wasm lint slurm-test page native-test browser-test bench lottery data

serve: setup-wasm page
	python3 scripts/serve.py --dir dist --port $(PORT)

test: setup lint native-test slurm-test page browser-test

setup:
	scripts/setup.sh all

setup-wasm:
	scripts/setup.sh wasm

# cargo fmt --check, and clippy with warnings denied, natively and for wasm32.
lint:
	scripts/lint.sh

# The release page in dist/, self-contained: publish the folder as is.
page:
	scripts/build-page.sh

native-test:
	scripts/fresh-sources.sh $(NATIVE_TARGET)
	CARGO_TARGET_DIR=$(NATIVE_TARGET) $(CARGO) test --release --locked

# A sweep through sbatch on a single-node Slurm the script starts (root; slurm-wlm, munge).
slurm-test:
	LOTTERY=$(NATIVE_TARGET)/release/lottery tests/slurm/sweep-on-slurm.sh

# transfer.test.js runs the native CLI beside the page (make native-test builds it).
browser-test:
	cd tests/browser && LOTTERY=$(NATIVE_TARGET)/release/lottery node --test --test-concurrency=1 --test-reporter=spec

# Figures, never pass/fail: a table on stdout, JSON in bench-results/ (git-ignored).
bench: setup page
	python3 scripts/bench.py

# The native command-line driver, e.g. make lottery ARGS="run --preset digits".
lottery:
	CARGO_TARGET_DIR=$(NATIVE_TARGET) $(CARGO) run --release --locked --bin lottery -- $(ARGS)

# Rebuild web/data/ from the registries' packages (not needed to build: the results are committed).
data:
	python3 scripts/make_data.py
