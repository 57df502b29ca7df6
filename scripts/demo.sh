#!/usr/bin/env bash
# Sets up (idempotent) and runs the main job: the bundled example, outputs under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
"$DEFACTO_BIN" solve examples/own_matrix/problem.toml --out out/own_matrix
