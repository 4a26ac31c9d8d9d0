#!/usr/bin/env bash
# The README's test command (`npm test`): set-up, the layer rules, the suite, then the timing tests
# alone (vitest.timing.config.ts). Arguments go to both vitest runs; an output file NAME.json of the
# first run is NAME.timing.json for the second.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent deps
status=0
npx vitest run "$@" || status=$?
npx vitest run --config vitest.timing.config.ts "${@/%.json/.timing.json}" || status=$?
exit $status
