#!/usr/bin/env bash
# Runs each property of tests/properties.rs on fresh random cases for SECONDS (default 600)
# instead of the fixed cases `cargo test` draws: the GeoJSON, CSV, TOML and OpenStreetMap
# readers must never panic, and random small towns must plan with everyone counted and
# repeat byte for byte. Each property prints how many cases it ran; a failure prints the
# smallest input that shows it.
#   bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
DEFACTO_FUZZ_SECONDS="${1:-600}" cargo test --release --locked --test properties -- \
  --test-threads=1 --nocapture
