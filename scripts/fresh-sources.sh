#!/usr/bin/env bash
# Usage: scripts/fresh-sources.sh TARGET_DIR   (run from the repository root, before cargo)
#
# Every clone on this machine builds into the same target dirs under
# ~/.cache/lottery-ticket-lab, and cargo keeps one fingerprint for this crate
# there, whose dep-info lists sources by relative path and whose timestamp is
# the last build's, whichever clone ran it. A file edited in this clone before
# another clone's build then looks older than that build, and cargo would
# reuse the other clone's artifact. So: remember a hash of the sources built
# last in TARGET_DIR, and when this clone's differ, touch the crate's roots so
# cargo rebuilds it (the dependencies are untouched and stay cached).
set -euo pipefail
target="$1"
mkdir -p "$target"
sources="$(cat Cargo.toml Cargo.lock $(find src -name '*.rs' | sort) | sha256sum | cut -c1-64)"
stamp="$target/ltl-sources.sha256"
if [ "$(cat "$stamp" 2>/dev/null)" != "$sources" ]; then
  touch src/lib.rs src/main.rs src/bin/lottery.rs
  echo "$sources" > "$stamp"
fi
