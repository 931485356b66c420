#!/usr/bin/env bash
# Refreshes the README screenshots: runs the real app under Xvfb in demo mode,
# types like a receptionist (xdotool) and captures each state (imagemagick).
# Needs: xvfb x11-utils xdotool imagemagick libgl1-mesa-dri (apt-get install -y …).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-target/release/hero-intake}
[ -x "$BIN" ] || cargo build --release
OUT=assets
export XDG_RUNTIME_DIR=$(mktemp -d) XDG_CONFIG_HOME=$(mktemp -d)
unset WAYLAND_DISPLAY
mkdir -p "$XDG_CONFIG_HOME/hero-intake"
echo '{"environment":"Demo"}' > "$XDG_CONFIG_HOME/hero-intake/settings.json"

Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
export DISPLAY=:97
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
"$BIN" >/dev/null 2>&1 &
APP=$!
trap 'kill $APP $XVFB 2>/dev/null || true' EXIT
W=$(timeout 30 xdotool search --sync --name "Hero Intake" | awk 'NR == 1')
sleep 1.5
xdotool windowfocus --sync "$W"
shot() { sleep "${2:-0.6}"; import -window "$W" "$OUT/screenshot-$1.png"; }
next() { xdotool key Escape; sleep 0.3; }
patient() { xdotool type --delay 15 "$1"; xdotool key Tab; xdotool type --delay 15 "$2"; }

shot empty
patient "999 000 001" "31/02/1992"; shot invalid
next; patient "999 000 0085" "15/06/2010"; xdotool key Return; shot sending 0.8
sleep 3; next
patient "999 000 0018" "01/02/1992"; xdotool key Return; shot registered 1
next; patient "999 000 0034" "30/11/1978"; xdotool key Return; shot verification 1
next; patient "999 000 0042" "09/03/2001"; xdotool key Return; shot error 1
# Without an NHS number: Tab past it, then date of birth, names and postcode.
next; xdotool key Tab; patient "07/03/1988" "Sam"; xdotool key Tab
patient "Demoperson" "ls14ap"; xdotool key Return; shot trace-by-name 1
next; patient "QQ 12 34 56 C" "1st February 1992"; shot stopped-number
echo "screenshots written to $OUT/"
