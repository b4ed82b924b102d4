#!/usr/bin/env bash
# Renders every chart case of tests/charts/cases.txt with `helm template` and with
# `slipway render`, sequentially (all helm runs, then all slipway runs), and prints the total
# wall time of each, their ratio, and the peak RSS of each (from /usr/bin/time -v).
#
# usage: bench/render.sh [ROUNDS]   (default 3 rounds over all cases)
# needs: helm (.tools/bin or PATH), /usr/bin/time, tar; builds slipway with --release.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
HELM=$ROOT/.tools/bin/helm
[ -x "$HELM" ] || HELM=$(command -v helm) || { echo "helm not found (bash /work/shared/tools/install-reference-tools.sh $ROOT/.tools/bin)" >&2; exit 1; }
cargo build --release --bin slipway --manifest-path "$ROOT/Cargo.toml" >&2
SLIPWAY=${CARGO_TARGET_DIR:-$ROOT/target}/release/slipway

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FIXTURES=$ROOT/tests/charts
# Charts (with their .tgz subcharts packed) in a scratch copy.
for chart in $(grep -v '^#' "$FIXTURES/cases.txt" | awk 'NF {print $1}' | sort -u); do
  cp -r "$FIXTURES/$chart" "$WORK/$chart"
  if [ -d "$FIXTURES/_tgz/$chart" ]; then
    mkdir -p "$WORK/$chart/charts"
    for dep in "$FIXTURES/_tgz/$chart"/*; do
      tar czf "$WORK/$chart/charts/$(basename "$dep").tgz" -C "$FIXTURES/_tgz/$chart" "$(basename "$dep")"
    done
  fi
done

# One script per tool that renders every case ROUNDS times; timed as a whole.
make_script() {  # $1 = helm|slipway, $2 = output script
  {
    echo "cd '$FIXTURES'"
    for _ in $(seq "$ROUNDS"); do
      grep -v '^#' "$FIXTURES/cases.txt" | while read -r chart release flags; do
        [ -n "$chart" ] || continue
        if [ "$1" = helm ]; then
          echo "'$HELM' template $release '$WORK/$chart' $flags >/dev/null 2>&1 || true"
        else
          echo "'$SLIPWAY' render '$WORK/$chart' --release $release $flags >/dev/null 2>&1 || true"
        fi
      done
    done
  } > "$2"
}
make_script helm "$WORK/helm.sh"
make_script slipway "$WORK/slipway.sh"
CASES=$(grep -v '^#' "$FIXTURES/cases.txt" | grep -c .)

measure() {  # $1 = script; prints "seconds max_rss_kb"
  local log=$WORK/time.log
  local start end
  start=$(date +%s.%N)
  # Peak RSS of the busiest single render (bash -c forks one process per render; -v reports the
  # largest child). Wall time is for the whole sequence.
  /usr/bin/time -v bash "$1" 2> "$log"
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")"
}
read -r HELM_S HELM_RSS < <(measure "$WORK/helm.sh")
read -r SLIP_S SLIP_RSS < <(measure "$WORK/slipway.sh")
RUNS=$((CASES * ROUNDS))
printf 'renders: %d (%d cases x %d rounds), sequential\n' "$RUNS" "$CASES" "$ROUNDS"
printf 'helm template:  %8.3f s total  %7.2f ms/render  peak RSS %7d KiB\n' "$HELM_S" "$(echo "$HELM_S * 1000 / $RUNS" | bc -l)" "$HELM_RSS"
printf 'slipway render: %8.3f s total  %7.2f ms/render  peak RSS %7d KiB\n' "$SLIP_S" "$(echo "$SLIP_S * 1000 / $RUNS" | bc -l)" "$SLIP_RSS"
printf 'time ratio helm/slipway: %.1fx   memory ratio slipway/helm: %.2f\n' "$(echo "$HELM_S / $SLIP_S" | bc -l)" "$(echo "$SLIP_RSS / $HELM_RSS" | bc -l)"
