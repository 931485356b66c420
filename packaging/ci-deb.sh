#!/usr/bin/env bash
# CI: build the Debian package, install it, check what it installed, remove it.
# Idempotent; needs no stdin; run as root (or with passwordless sudo) on Debian 12.
#
#   bash packaging/ci-deb.sh
#
# Steps: tools (desktop-file-utils, appstream, cargo-deb) -> cargo build --release --locked
# -> cargo deb --no-build -> apt-get install the .deb -> /usr/bin/hero-intake --version,
# desktop-file-validate, appstreamcli validate, the machine-wide settings example locks the
# installed app -> print sizes -> apt-get purge.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
export DEBIAN_FRONTEND=noninteractive CARGO_TERM_COLOR=never

CARGO_DEB_VERSION=3.8.0
SUDO=
if [[ "$(id -u)" != 0 ]]; then SUDO=sudo; fi

step() { printf '\n== %s\n' "$*"; }

step "system tools"
tools=(desktop-file-utils appstream)
if ! $SUDO apt-get install -y --no-install-recommends "${tools[@]}"; then
    # Fresh machine without package lists.
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "${tools[@]}"
fi

step "cargo-deb $CARGO_DEB_VERSION"
if [[ "$(cargo deb --version 2>/dev/null || true)" == *"$CARGO_DEB_VERSION"* ]]; then
    echo "already installed: $(cargo deb --version)"
else
    cargo install cargo-deb --locked --version "$CARGO_DEB_VERSION"
fi

version=$(cargo pkgid --offline 2>/dev/null || cargo pkgid)
version=${version##*[#@]}
echo "hero-intake version: $version"

step "release build"
cargo build --release --locked

step "cargo deb"
deb=$(cargo deb --no-build | tail -n 1)
[[ -f "$deb" ]] || { echo "cargo deb did not report a .deb (got: $deb)" >&2; exit 1; }
[[ "$deb" == /* ]] || deb="./$deb"   # apt-get treats only paths with a slash as files
echo "$deb"
dpkg-deb --field "$deb" Package Version Depends Recommends

# From here on, leave the machine without the package (or a machine-wide settings file)
# whatever happens.
cleanup() {
    $SUDO rm -f /etc/hero-intake/settings.json
    $SUDO apt-get purge -y hero-intake >/dev/null 2>&1 || true
}
trap cleanup EXIT

step "install"
# --reinstall: a rebuilt package with an unchanged version must still replace the files.
# No recommends: zenity and the rest would stay behind on a machine reused for tests.
$SUDO apt-get install -y --no-install-recommends --reinstall "$deb"

step "installed files"
dpkg -L hero-intake | sort
for f in /usr/bin/hero-intake /usr/bin/hero-intake-cli \
         /usr/share/applications/hero-intake.desktop \
         /usr/share/metainfo/net.herohealth.HeroIntake.metainfo.xml \
         /usr/share/doc/hero-intake/README.md \
         /etc/hero-intake/settings.json.example; do
    [[ -f "$f" ]] || { echo "missing after install: $f" >&2; exit 1; }
done
for n in 16 24 32 48 64 128 256 512; do
    f=/usr/share/icons/hicolor/${n}x${n}/apps/hero-intake.png
    [[ -f "$f" ]] || { echo "missing after install: $f" >&2; exit 1; }
done

step "checks"
got=$(/usr/bin/hero-intake --version)
echo "$got"
[[ "$got" == "hero-intake $version" ]] || { echo "expected 'hero-intake $version'" >&2; exit 1; }
got=$(/usr/bin/hero-intake-cli --version)
[[ "$got" == "hero-intake-cli $version" ]] || { echo "expected 'hero-intake-cli $version', got '$got'" >&2; exit 1; }
desktop-file-validate /usr/share/applications/hero-intake.desktop
echo "desktop-file-validate: ok"
appstreamcli validate --no-net /usr/share/metainfo/net.herohealth.HeroIntake.metainfo.xml
grep -q '/etc/hero-intake/settings.json.example' <<<"$(dpkg-query --showformat='${Conffiles}\n' --show hero-intake)" \
    || { echo "/etc/hero-intake/settings.json.example is not a conffile" >&2; exit 1; }

step "machine-wide settings: the example, copied into place, locks the installed app"
# Nothing is sent: the contradicting --environment is refused before any request.
$SUDO cp /etc/hero-intake/settings.json.example /etc/hero-intake/settings.json
set +e
out=$(HERO_API_KEY=not-used /usr/bin/hero-intake register --nhs-number 9990000018 --dob 01/02/1992 \
    --environment staging 2>&1)
code=$?
set -e
echo "$out"
[[ $code == 2 ]] || { echo "expected exit 2 from a locked environment, got $code" >&2; exit 1; }
[[ "$out" == *"set the environment to Production for this computer and locked it (/etc/hero-intake/settings.json)"* ]] \
    || { echo "the refusal does not name /etc/hero-intake/settings.json" >&2; exit 1; }
$SUDO rm -f /etc/hero-intake/settings.json

step "sizes"
ls -l "$deb"
dpkg-deb --info "$deb" | grep Installed-Size

step "remove"
$SUDO apt-get purge -y hero-intake
trap - EXIT
if grep -q '^Status: install ok installed' <<<"$(dpkg -s hero-intake 2>/dev/null || true)"; then
    echo "hero-intake is still installed" >&2
    exit 1
fi
echo "ci-deb.sh: ok"
