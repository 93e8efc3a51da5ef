#!/usr/bin/env bash
# Build the release page into dist/ with trunk, on whichever wasm32 route
# this machine has (see scripts/setup.sh and README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${CACHE:-$HOME/.cache/lottery-ticket-lab}"
TOOLS="${LTL_TOOLS:-$CACHE/tools}"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="$CACHE/target-wasm"
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "build-page: rustup's wasm32 target"
else
  echo "build-page: Debian rustc-web, std built from source"
  export PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc CARGO=/usr/bin/cargo RUSTC_BOOTSTRAP=1 \
         CARGO_UNSTABLE_BUILD_STD=std,panic_abort
fi
# trunk runs cargo with --offline (Trunk.toml's offline = true also keeps trunk
# from downloading tools), so build once here, online, with the same arguments:
# this fetches what the registry cache lacks (std's own deps on the Debian
# route) and leaves trunk only the bindgen and the copying.
scripts/fresh-sources.sh "$CARGO_TARGET_DIR"
cargo build --target=wasm32-unknown-unknown --profile wasm-release --locked --bin lab
trunk build --release --offline --locked 2>&1 | grep -v "^\s*$" || { echo "build-page: trunk failed"; exit 1; }
test -f dist/index.html
# wasm-opt after wasm-bindgen, which needs the target_features section the
# cargo profile keeps. LTL_WASM_OPT=0 skips it: quicker local rebuilds, and a
# module that keeps its function names for a profile (tests/browser/profile-round.mjs).
if [ "${LTL_WASM_OPT:-1}" != 0 ]; then
  # ~95 s on 2 cores: an unchanged module (same bytes from trunk) reuses the
  # optimised one from the cache.
  mkdir -p "$CACHE/wasm-opt"
  for wasm in dist/*.wasm; do
    before=$(stat -c %s "$wasm") before_gz=$(gzip -9c "$wasm" | wc -c)
    start=$(date +%s)
    cached="$CACHE/wasm-opt/$(sha256sum "$wasm" | cut -c1-32).wasm"
    if [ ! -f "$cached" ]; then
      # --enable-simd: the module uses wasm SIMD128 (.cargo/config.toml); --strip-debug
      # drops the function names kept for profiling (Cargo.toml's wasm-release).
      scripts/wasm-opt/node_modules/.bin/wasm-opt -Oz --strip-debug --enable-simd --enable-bulk-memory \
        --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types \
        --enable-multivalue "$wasm" -o "$cached.tmp"
      mv "$cached.tmp" "$cached"
      find "$CACHE/wasm-opt" -name '*.wasm' -mtime +7 -delete  # old modules
    fi
    cp "$cached" "$wasm"
    echo "build-page: wasm-opt -Oz $wasm: $before -> $(stat -c %s "$wasm") bytes ($before_gz -> $(gzip -9c "$wasm" | wc -c) gzipped) in $(( $(date +%s) - start )) s"
  done
fi
python3 scripts/csp_hash.py dist/index.html
# The engine workers' script names this build's module (web/engine-worker.js).
python3 scripts/engine_worker.py dist
# Last: the service worker lists this build's files and takes its version from their bytes.
python3 scripts/service_worker.py dist
ls -l dist
