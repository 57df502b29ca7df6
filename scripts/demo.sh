#!/usr/bin/env bash
# Sets up (idempotent) and runs the main job: plans Zhengzhou's Erqi district, outputs under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
"$DEFACTO_BIN" plan scenarios/zhengzhou_erqi.toml --out out/zhengzhou_erqi
