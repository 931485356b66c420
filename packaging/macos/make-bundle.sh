#!/usr/bin/env bash
# Assemble "Hero Intake.app" from a release build. Runs only on macOS (needs Xcode's
# command line tools for cargo's linker, plutil and codesign).
#
#   packaging/macos/make-bundle.sh              # this Mac's architecture
#   UNIVERSAL=1 packaging/macos/make-bundle.sh  # arm64 + x86_64 in one binary (needs both
#                                               # rustup targets: aarch64-apple-darwin, x86_64-apple-darwin)
#
# Output: target/macos/Hero Intake.app (ad-hoc signed; sign with a Developer ID and notarize
# before giving it to practices).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "$(uname -s)" != Darwin ]]; then
    echo "make-bundle.sh: macOS only (this is $(uname -s))" >&2
    exit 1
fi

# The [package] version from Cargo.toml.
version=$(awk -F'"' '/^\[/{p=($0=="[package]")} p&&/^version *=/{print $2; exit}' Cargo.toml)
[[ -n "$version" ]] || { echo "make-bundle.sh: no version in Cargo.toml" >&2; exit 1; }

if [[ "${UNIVERSAL:-0}" == 1 ]]; then
    cargo build --release --locked --target aarch64-apple-darwin
    cargo build --release --locked --target x86_64-apple-darwin
    mkdir -p target/universal
    lipo -create -output target/universal/hero-intake \
        target/aarch64-apple-darwin/release/hero-intake \
        target/x86_64-apple-darwin/release/hero-intake
    bin=target/universal/hero-intake
else
    cargo build --release --locked
    bin=target/release/hero-intake
fi

app="target/macos/Hero Intake.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp "$bin" "$app/Contents/MacOS/hero-intake"
cp assets/icons/hero-intake.icns "$app/Contents/Resources/hero-intake.icns"
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist > "$app/Contents/Info.plist"
printf 'APPL????' > "$app/Contents/PkgInfo"
plutil -lint "$app/Contents/Info.plist"

# Ad-hoc signature so the bundle runs on Apple silicon and Gatekeeper sees a consistent bundle.
codesign --force --deep --sign - "$app"
codesign --verify --verbose "$app"

echo "Built $app (version $version)"
