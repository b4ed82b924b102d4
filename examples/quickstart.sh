#!/usr/bin/env bash
# The main job on a fresh machine, no cluster needed: render the example chart as
# `helm template` would, then start the built-in simulated cluster, converge the chart into it
# (status table, readiness tracking), show the plan and the release history, and dismiss it.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
slipway="${CARGO_TARGET_DIR:-target}/release/slipway"
chart=examples/charts/hello
work=$(mktemp -d)
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "== slipway render $chart"
"$slipway" render "$chart" --release demo --namespace demo

echo "== slipway sim (simulated cluster on loopback)"
"$slipway" sim --kubeconfig "$work/kubeconfig" --nodes 2 &
sim_pid=$!
for _ in $(seq 100); do [ -s "$work/kubeconfig" ] && break; sleep 0.1; done
[ -s "$work/kubeconfig" ] || { echo "slipway sim did not start" >&2; exit 1; }
export KUBECONFIG="$work/kubeconfig"

echo "== slipway converge"
"$slipway" converge "$chart" --release demo --namespace demo --timeout 2m

echo "== slipway plan (nothing to change: exit code 0)"
"$slipway" plan "$chart" --release demo --namespace demo --exit-code

echo "== slipway plan with a changed value (exit code 2 = changes)"
"$slipway" plan "$chart" --release demo --namespace demo --set replicaCount=3 --exit-code || [ $? -eq 2 ]

echo "== slipway release history"
"$slipway" release history demo --namespace demo

echo "== slipway dismiss"
"$slipway" dismiss --release demo --namespace demo --with-namespace
