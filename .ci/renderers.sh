#!/usr/bin/env bash
# The window on a workstation without usable OpenGL (Remote Desktop, VMs), reproduced
# under Xvfb (PLATFORM-NOTES): with OpenGL made unloadable the window must open on wgpu
# (Vulkan's software driver) in the same launch, and a keyboard-only intake must reach a
# local server; with Vulkan gone too, the app must exit non-zero within 30 s with the
# plain sentence on stderr. Uses the debug build `cargo test` made.
#
# Needs: xvfb xdotool x11-utils imagemagick mesa-vulkan-drivers libgl1-mesa-dri python3
# (.ci/run installs them). Screenshots go to ${SHOTS:-/tmp}/renderer-*.png.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."
BIN=${BIN:-target/debug/hero-intake}
SHOTS=${SHOTS:-/tmp}
[[ -x $BIN ]] || { echo "renderers.sh: no $BIN (run cargo test first)" >&2; exit 1; }
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "renderers.sh: FAILED: $*" >&2; exit 1; }

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" 2>"$WORK/xvfb.log" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $WORK/display ]] && break; sleep 0.05; done
[[ -s $WORK/display ]] || fail "Xvfb did not start: $(cat "$WORK/xvfb.log")"
export DISPLAY=:$(head -1 "$WORK/display")
mkdir -p "$WORK/config" "$WORK/run" && chmod 700 "$WORK/run"
export XDG_CONFIG_HOME=$WORK/config XDG_RUNTIME_DIR=$WORK/run NO_COLOR=1
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS HERO_RENDERER

# A stand-in for Hero on 127.0.0.1: records each request body, answers a patient ID.
python3 - "$WORK" >"$WORK/server.log" 2>&1 <<'PY' &
import http.server, json, sys
work = sys.argv[1]
class Hero(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        with open(f"{work}/requests", "ab") as f:
            f.write(self.path.encode() + b" " + body + b"\n")
        answer = json.dumps({"patient_id": "ci-renderer-1"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hero)
with open(f"{work}/port", "w") as f:
    f.write(str(server.server_port))
server.serve_forever()
PY
PIDS+=($!)
for _ in $(seq 100); do [[ -s $WORK/port ]] && break; sleep 0.05; done
[[ -s $WORK/port ]] || fail "the local server did not start: $(cat "$WORK/server.log")"

no_gl=(MESA_LOADER_DRIVER_OVERRIDE=nonexistent LIBGL_DRIVERS_PATH=/nonexistent)

echo "== OpenGL unusable: the window must open on wgpu and register a patient"
env "${no_gl[@]}" RUST_LOG=hero_intake=info \
    HERO_BASE_URL="http://127.0.0.1:$(cat "$WORK/port")" HERO_API_KEY=ci-renderer-key \
    HERO_PRACTICE_GROUP_ID=ci-practice "$BIN" >"$WORK/app.log" 2>&1 &
APP=$!
PIDS+=("$APP")
W=$(timeout 30 xdotool search --sync --onlyvisible --name "Hero Intake" | awk 'NR == 1') ||
    fail "no window within 30 s: $(tail -5 "$WORK/app.log")"
for _ in $(seq 100); do grep -q 'drawing the window' "$WORK/app.log" && break; sleep 0.1; done
timeout 10 xdotool windowfocus --sync "$W" || fail "the window could not be focused"
# Typed as a receptionist would; retyped (after Esc) if a keystroke was lost while the
# first frames were still being drawn on the software renderer.
for attempt in 1 2 3; do
    sleep 1
    xdotool type --delay 20 "999 000 0018"
    xdotool key Tab
    xdotool type --delay 20 "01/02/1992"
    xdotool key Return
    for _ in $(seq 50); do [[ -s $WORK/requests ]] && break 2; sleep 0.1; done
    xdotool key Escape
done
sleep 1
if command -v import >/dev/null; then import -window root "$SHOTS/renderer-wgpu-fallback.png"; fi
kill "$APP" 2>/dev/null || true
grep -q 'renderer could not draw the window renderer=glow' "$WORK/app.log" ||
    fail "glow did not fail first: $(cat "$WORK/app.log")"
grep -q 'drawing the window renderer=wgpu' "$WORK/app.log" ||
    fail "wgpu did not take over: $(cat "$WORK/app.log")"
if ! [[ -s $WORK/requests ]] && command -v import >/dev/null; then
    import -window root "$SHOTS/renderer-wgpu-failed.png" || true
fi
grep -q '"nhs_number":"999 000 0018"' "$WORK/requests" 2>/dev/null ||
    fail "the intake did not reach the server: $(cat "$WORK/requests" 2>/dev/null) $(tail -5 "$WORK/app.log")"
echo "   drew with: $(grep -o 'renderer=wgpu[^"]*' "$WORK/app.log" | head -1); request: $(cat "$WORK/requests")"

echo "== OpenGL and Vulkan unusable: a plain sentence and a non-zero exit within 30 s"
# With zenity installed the message box shows (and waits): press its OK as a user would.
if command -v zenity >/dev/null; then
    (timeout 25 xdotool search --sync --name "open its window" windowfocus --sync key Return \
        >"$WORK/box" 2>&1 &&
        echo shown >>"$WORK/box") &
    PIDS+=($!)
fi
set +e
started=$EPOCHREALTIME
env "${no_gl[@]}" VK_ICD_FILENAMES=/nonexistent timeout 30 "$BIN" >"$WORK/none.out" 2>"$WORK/none.err"
code=$?
set -e
elapsed=$(awk "BEGIN {printf \"%.2f\", $EPOCHREALTIME - $started}")
((code != 0 && code != 124)) || fail "exit code $code (124: still running after 30 s)"
grep -q "Hero Intake can't draw its window on this computer's graphics." "$WORK/none.err" ||
    fail "no plain sentence on stderr: $(cat "$WORK/none.err")"
grep -q 'HERO_RENDERER' "$WORK/none.err" || fail "the sentence does not name the override"
box="no zenity here: stderr only"
grep -q shown "$WORK/box" 2>/dev/null && box="the message box was shown and dismissed"
echo "   exit $code after $elapsed s ($box); stderr says:"
sed -n "/can't draw its window/,/^- wgpu/p" "$WORK/none.err" | sed 's/^/     /'
echo "renderers.sh: both cases passed"
