#!/usr/bin/env bash
# Sets up (idempotent) and runs every check CI runs: formatting, lints, all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
bash scripts/setup.sh
cargo fmt --check
cargo clippy --release --locked --all-targets --quiet -- -D warnings
cargo test --release --locked
