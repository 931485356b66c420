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
# Licences, banned crates (OpenSSL, a second crypto provider) and sources (deny.toml).
# Not `advisories`: it needs the RustSec database from GitHub, which these machines can't reach.
CARGO_DENY_VERSION=0.20.2
if [[ "$(cargo deny --version 2>/dev/null || true)" != *"$CARGO_DENY_VERSION"* ]]; then
    cargo install --locked cargo-deny --version "$CARGO_DENY_VERSION"
fi
cargo deny --locked check bans licenses sources
cargo test --locked
