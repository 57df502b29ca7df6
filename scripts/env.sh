# Sourced by the other scripts: where the build lives and the binary it makes.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/defacto/target}"
export DEFACTO_BIN="$CARGO_TARGET_DIR/release/defacto"
