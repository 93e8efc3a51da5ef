#!/usr/bin/env bash
# Every preset's report, short, with every control on: the before-and-after check of a refactor that must not
# change what the engine computes (issue 35: "a report byte-identical to main's before the change").
#
#   scripts/preset-reports.sh OUT_DIR          # writes OUT_DIR/PRESET.json with the lottery binary in $LOTTERY
#   cmp -s BEFORE/P.json AFTER/P.json          # per preset; the reports hold no timings
set -euo pipefail
out=${1:?usage: scripts/preset-reports.sh OUT_DIR}
lottery=${LOTTERY:-${CARGO_TARGET_DIR:-$HOME/.cache/lottery-ticket-lab/target-native}/release/lottery}
mkdir -p "$out"
# Short runs: two rounds (one for the slow image sets), every control of the Why panel, the supermask readout.
controls=(--set reinit=1 --set random=1 --set signs=1 --set shuffled=1 --set constant=1)
run() {
  local name=$1
  shift
  "$lottery" run "$@" --out "$out/$name.json" >/dev/null 2>"$out/$name.log" || {
    echo "$name failed:" >&2
    cat "$out/$name.log" >&2
    return 1
  }
  echo "$name: $(sha256sum <"$out/$name.json" | cut -c1-16)"
}
run demo --preset demo "${controls[@]}" --set rounds=2
run spiral --preset spiral "${controls[@]}" --set rounds=2
run digits --preset digits "${controls[@]}" --set rounds=2 --set steps=200
run lenet-mnist --preset lenet-mnist "${controls[@]}" --set rounds=1 --set steps=100 --set eval=50
run lenet-fashion --preset lenet-fashion --set rounds=1 --set steps=100 --set eval=50
run conv2-fashion --preset conv2-fashion --set rounds=1 --set steps=40 --set eval=20
run modular --preset modular "${controls[@]}" --set rounds=1 --set steps=200 --set eval=50
run cartpole --preset cartpole --set rounds=1 --set steps=100 --set eval=50
run cartpole-rewind --preset cartpole --set rounds=1 --set steps=100 --set eval=50 --set reset=rewind --set k=20
run gan-ring --preset gan-ring --set rounds=1 --set steps=200 --set eval=100 --set k=20
run gan-ring-dprune --preset gan-ring --set rounds=1 --set steps=200 --set eval=100 --set k=20 --set dprune=1
run regression --preset regression "${controls[@]}" --set rounds=2 --set steps=300 --set eval=100
# Replicates: each task's spreads and medians over two seeds.
run cartpole-reps --preset cartpole --set rounds=1 --set steps=100 --set eval=50 --set reps=2
run gan-ring-reps --preset gan-ring --set rounds=1 --set steps=200 --set eval=100 --set reps=2
run regression-reps --preset regression --set rounds=1 --set steps=300 --set eval=100 --set reps=2
run modular-reps --preset modular --set rounds=1 --set steps=200 --set eval=50 --set reps=2
run spiral-rewind --preset spiral --set reset=rewind --set k=50 --set rounds=2 "${controls[@]}"
