#!/usr/bin/env bash
# Regenerates examples/zhengzhou_comparison/: plans Zhengzhou's Erqi district for the de facto
# population and for registered (hukou) residents only (plans under out/), then compares them.
# Both plans stop at the same search node on every run, so the files come out the same.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
for scenario in zhengzhou_erqi zhengzhou_erqi_hukou; do
    "$DEFACTO_BIN" plan "scenarios/$scenario.toml" --out "out/$scenario" --quiet
done
"$DEFACTO_BIN" compare out/zhengzhou_erqi out/zhengzhou_erqi_hukou --out examples/zhengzhou_comparison
