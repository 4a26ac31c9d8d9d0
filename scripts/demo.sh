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
node bin/run.js assess --company "Demo Trading Co." --industry fmcg --revenue 50000000 --seats 500 \
  --zones apac,europe,americas --compliance gdpr,pipl --no-probe --out "$out/assessment"
echo
echo "Written: $out/tco.json, $out/plan.ics, $out/plan.mmd, $out/assessment/report.html"
