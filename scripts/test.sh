#!/usr/bin/env bash
# Every check the project has, in one command. Static checks count as one test each, so the last
# line, `N passed, N failed`, covers everything that ran.
set -uo pipefail
cd "$(dirname "$0")/.."
export CI=true WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_HIDE_BANNER=true

passed=0
failed=0
check() {
  local name=$1
  shift
  echo "==> $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}

check "types are current and compile" npm run -s typecheck
check "format and lint" npx biome ci .
check "layer rules" npx depcruise functions db --config .dependency-cruiser.cjs
check "style budgets" node scripts/check-style.mjs
check "migrations match the schema" bash scripts/check-migrations.sh

echo "==> vitest"
rm -f .vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest.json
if [ -f .vitest.json ]; then
  read -r vp vf < <(node -e '
    const r = require("./.vitest.json");
    // A file that failed to load has no test results; count it as a failure, never as nothing.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0);
    console.log(r.numPassedTests, r.numFailedTests + broken.length);
  ')
  passed=$((passed + vp))
  failed=$((failed + vf))
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
