#!/usr/bin/env bash
# Formatting and lints, warnings denied, for both targets the crate builds
# for: natively (engine, URL codec, CLI, tests) and wasm32 (adds the page,
# src/ui). Part of `make test`, so CI holds the line.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${CACHE:-$HOME/.cache/lottery-ticket-lab}"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1mlint:\033[0m %s\n' "$*"; }

say "cargo fmt --check (rustfmt.toml)"
cargo fmt --check

say "cargo clippy, native, all targets"
scripts/fresh-sources.sh "$CACHE/target-native"
CARGO_TARGET_DIR="$CACHE/target-native" cargo clippy --release --locked --all-targets -- -D warnings

say "cargo clippy, wasm32 (the page)"
# The same route as scripts/build-page.sh; its own target dir, so a lint
# never invalidates the page build's artifacts.
export CARGO_TARGET_DIR="$CACHE/target-wasm-lint"
scripts/fresh-sources.sh "$CARGO_TARGET_DIR"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  cargo clippy --target=wasm32-unknown-unknown --locked --bin lab --lib -- -D warnings
else
  PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    /usr/bin/cargo clippy --target=wasm32-unknown-unknown --locked --bin lab --lib -- -D warnings
fi
