#!/usr/bin/env bash
# The test command (npm test): installs what is missing, builds, runs every suite (or those named).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
node scripts/build.mjs
exec npx tsx test/run.ts "$@"
