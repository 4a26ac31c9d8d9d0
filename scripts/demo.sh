#!/usr/bin/env bash
# The main job on built-in defaults: what a consultant gets before anything is deployed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${MAILOPS_DEMO_DIR:-demo-output}
mkdir -p "$out"
node bin/run.js tco --json > "$out/tco.json"
node bin/run.js tco
node bin/run.js score --tco "$out/tco.json"
node bin/run.js plan
node bin/run.js plan --format ics --output "$out/plan.ics"
node bin/run.js plan --format mermaid --output "$out/plan.mmd"
echo
echo "Written: $out/tco.json, $out/plan.ics, $out/plan.mmd"
