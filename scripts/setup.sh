#!/usr/bin/env bash
# Installs what defacto needs to build and builds it (release). Safe to run again: packages
# already present are not reinstalled and cargo only rebuilds what changed.
#
# The build goes to $CARGO_TARGET_DIR, by default ~/.cache/defacto/target, outside the clone,
# so a fresh clone reuses the HiGHS build (about 5 minutes on 2 cores the first time).
set -euo pipefail

# Debian packages: cmake and libclang build HiGHS; libgdal-dev and pkg-config let the gdal
# crate link GDAL (GeoPackage output, Shapefile and GeoPackage input); gdal-bin (ogrinfo,
# ogr2ogr) checks the outputs and makes the tests' Shapefile and GeoPackage inputs;
# chromium renders the HTML report in its test; QGIS's Python bindings open and render the
# plan's QGIS project in its test.
APT_PACKAGES=(cmake libclang1-14 libgdal-dev pkg-config gdal-bin chromium python3-qgis qgis-providers)

missing_packages() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || echo "$package"
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if ((${#missing[@]} == 0)); then
        return
    fi
    echo "setup: installing ${missing[*]}" >&2
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

install_packages "${APT_PACKAGES[@]}"
command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust from https://rustup.rs" >&2; exit 1; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/defacto/target}"
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
echo "setup: built $CARGO_TARGET_DIR/release/defacto" >&2
