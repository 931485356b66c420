#!/usr/bin/env bash
# What CI checks, without root or system packages: format, lints, the README's tests.
# (.ci/run adds the Secret Service, Xvfb and packaging steps, which need root.)
set -euo pipefail
cd "$(dirname "$0")"
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
