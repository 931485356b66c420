#!/usr/bin/env bash
# What CI checks, without root or system packages: format, lints, the README's tests.
# (.ci/run adds the Secret Service, Xvfb and packaging steps, which need root.)
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
# The core crate stays GUI-free (its tests build without the window stack).
core_tree=$(cargo tree --locked -p hero-core -e normal,dev --prefix none)
if grep -E '^(egui|eframe|winit)' <<<"$core_tree"; then
    echo "hero-core depends on the window stack (above)" >&2
    exit 1
fi
cargo test --locked
