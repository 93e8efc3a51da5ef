#!/usr/bin/env bash
# Installs what Lottery Ticket Lab needs and is missing. Idempotent: every
# tool's version is checked before it is (re)installed, so a second run takes
# seconds. See README.md ("What the commands install") and ARCHITECTURE.md.
#
#   scripts/setup.sh            everything (native + wasm + browser tests)
#   scripts/setup.sh wasm       only what builds and serves the page
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"

TRUNK_VERSION=0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)"
TOOLS_ROOT="${LTL_TOOLS:-$HOME/.cache/lottery-ticket-lab/tools}"
mkdir -p "$TOOLS_ROOT/bin"
export PATH="$TOOLS_ROOT/bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    say "missing system packages: ${missing[*]} (no apt-get here: install them yourself)"; exit 1
  fi
  if [ $APT_UPDATED = 0 ]; then say "apt-get update"; $SUDO apt-get update -qq; APT_UPDATED=1; fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- wasm32 standard library -------------------------------------------------
# Route 1: rustup's wasm32 target (an ordinary developer machine).
# Route 2: Debian's rustc-web 1.96 + rust-web-src, std built from source
#          (-Zbuild-std); used where rustup cannot download the target.
wasm_route() {
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then echo rustup; return; fi
  if [ -x /usr/bin/rustc ] && dpkg -s rust-web-src >/dev/null 2>&1 && dpkg -s lld-22 >/dev/null 2>&1; then echo debian; return; fi
  echo none
}
setup_wasm_std() {
  local route; route="$(wasm_route)"
  if [ "$route" = none ] && command -v apt-get >/dev/null; then
    # Debian/Ubuntu with Debian's rust-web packages: the route that works offline.
    if [ $APT_UPDATED = 0 ]; then say "apt-get update"; $SUDO apt-get update -qq; APT_UPDATED=1; fi
    local policy; policy="$(apt-cache policy rust-web-src 2>/dev/null || true)"
    if grep -q 'Candidate: [0-9]' <<<"$policy"; then
      say "wasm32 std: Debian's rustc-web, std built from source"
      apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
      route="$(wasm_route)"
    fi
  fi
  if [ "$route" = none ]; then
    say "wasm32 std: rustup target add wasm32-unknown-unknown"
    timeout 600 rustup target add wasm32-unknown-unknown
    route="$(wasm_route)"
  fi
  [ "$route" != none ] || { say "no wasm32 standard library could be installed"; exit 1; }
  say "wasm32 route: $route"
}

# --- host tools --------------------------------------------------------------
have_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep -q " $2\$\| $2 "; }
setup_host_tools() {
  if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 15 min the first time)"
    # Not --locked: its lockfile pins a webpki-roots the registry no longer serves.
    cargo install --quiet --root "$TOOLS_ROOT" wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
  if ! have_version trunk "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 20 min the first time)"
    cargo install --quiet --locked --root "$TOOLS_ROOT" trunk --version "=$TRUNK_VERSION"
  fi
}

# --- wasm-opt for the release page --------------------------------------------
# npm's binaryen (Debian's binaryen 108 produces a module Chromium rejects).
setup_wasm_opt() {
  if [ ! -x scripts/wasm-opt/node_modules/.bin/wasm-opt ]; then
    say "npm ci (binaryen's wasm-opt)"
    (cd scripts/wasm-opt && npm ci --silent --no-audit --no-fund)
  fi
}

# --- browser tests -----------------------------------------------------------
setup_browser() {
  apt_install chromium chromium-driver fonts-dejavu-core
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    say "npm ci (playwright-core, no browser download)"
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
}

# Native wgpu tests need a Vulkan adapter: lavapipe (software) where there is no GPU.
setup_vulkan() {
  if command -v apt-get >/dev/null; then apt_install mesa-vulkan-drivers; fi
}

# `make test` checks formatting and lints, natively and for wasm32 (scripts/lint.sh).
setup_lints() {
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "rustup component add rustfmt clippy"
    rustup component add rustfmt clippy
  fi
  if [ "$(wasm_route)" = debian ] && [ ! -x /usr/bin/cargo-clippy ]; then apt_install rust-web-clippy; fi
}

# The sweep test starts a real single-node Slurm (tests/slurm/sweep-on-slurm.sh).
setup_slurm() {
  apt_install slurm-wlm munge
}

# The export tests read the lab's files back with the tools users have: the safetensors package, ONNX Runtime (and
# numpy) in a virtual environment in the project's cache, installed once (tests/ticket_export.rs runs
# tests/python/*.py in it).
PY_VENV="${LTL_PY_VENV:-$HOME/.cache/lottery-ticket-lab/py-venv}"
PY_PACKAGES=(numpy==2.2.6 safetensors==0.6.2 onnxruntime==1.22.1)
setup_python() {
  apt_install python3-venv
  if [ ! -x "$PY_VENV/bin/python" ]; then say "python3 -m venv $PY_VENV"; python3 -m venv "$PY_VENV"; fi
  if ! "$PY_VENV/bin/python" -c "import numpy, safetensors, onnxruntime" 2>/dev/null; then
    say "pip install ${PY_PACKAGES[*]} (into $PY_VENV)"
    "$PY_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
  fi
}

setup_wasm_std
setup_host_tools
setup_wasm_opt
if [ "$WHAT" = all ]; then setup_browser; setup_vulkan; setup_lints; setup_slurm; setup_python; fi
say "ready"
