#!/usr/bin/env bash
# The window on a workstation without usable OpenGL (Remote Desktop, VMs), reproduced
# under Xvfb (PLATFORM-NOTES): with OpenGL made unloadable the window must open on wgpu
# (Vulkan's software driver) in the same launch, and intakes typed with no delay between
# keys must reach a local server exactly as typed (on wgpu and on glow); with Vulkan
# gone too, the app must exit non-zero within 30 s with the plain sentence on stderr.
# Uses the debug build `cargo test` made.
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

# Starts the app with the given environment, waits for its window and focuses it.
# Sets APP (its pid) and W (its window).
start_app() {
    : >"$WORK/app.log"
    env "$@" RUST_LOG=hero_intake=info \
        HERO_BASE_URL="http://127.0.0.1:$(cat "$WORK/port")" HERO_API_KEY=ci-renderer-key \
        HERO_PRACTICE_GROUP_ID=ci-practice "$BIN" >"$WORK/app.log" 2>&1 &
    APP=$!
    PIDS+=("$APP")
    W=$(timeout 30 xdotool search --sync --onlyvisible --name "Hero Intake" | awk 'NR == 1') ||
        fail "no window within 30 s: $(tail -5 "$WORK/app.log")"
    for _ in $(seq 100); do grep -q 'drawing the window' "$WORK/app.log" && break; sleep 0.1; done
    timeout 10 xdotool windowfocus --sync "$W" || fail "the window could not be focused"
    # The first frames on a software renderer: let the form take the focus.
    sleep 2
}

# Types a whole intake with NO delay between keys (a barcode scanner, or a receptionist
# typing ahead of a slow Remote Desktop window), once, and checks that exactly one
# request reached the server, with exactly what was typed. Steps: "T:text" or "K:key",
# each one xdotool call straight after the other.
type_ahead_case() {
    local name=$1 expected=$2 step
    shift 2
    : >"$WORK/requests"
    for step in "$@"; do
        case $step in
            T:*) xdotool type --delay 0 "${step#T:}" ;;
            K:*) xdotool key --delay 0 "${step#K:}" ;;
        esac
    done
    for _ in $(seq 100); do [[ -s $WORK/requests ]] && break; sleep 0.1; done
    sleep 1
    if command -v import >/dev/null; then import -window root "$SHOTS/type-ahead-$name.png"; fi
    local got
    got=$(cat "$WORK/requests")
    [[ $got == "/v1/patients/register_pds $expected" ]] ||
        fail "type-ahead ($name): expected one request with $expected, the server got: '$got' $(tail -3 "$WORK/app.log")"
    echo "   type-ahead ($name), no delay between keys: $got"
    xdotool key Escape
    sleep 1
}

by_number=("T:999 000 0018" K:Tab T:01/02/1992 K:Return)
by_name=(K:Tab T:07031988 K:Tab T:Sam K:Tab T:Demoperson K:Tab T:ls14ap K:Return)
number_body='{"nhs_number":"999 000 0018","dob":"1992-02-01"}'
name_body='{"forename":"Sam","surname":"Demoperson","dob":"1988-03-07","postcode":"LS1 4AP"}'

echo "== OpenGL unusable: the window must open on wgpu, and an intake typed ahead must arrive as typed"
start_app "${no_gl[@]}"
type_ahead_case wgpu-number "$number_body" "${by_number[@]}"
type_ahead_case wgpu-name "$name_body" "${by_name[@]}"
if command -v import >/dev/null; then import -window root "$SHOTS/renderer-wgpu-fallback.png"; fi
kill "$APP" 2>/dev/null || true
wait "$APP" 2>/dev/null || true
grep -q 'renderer could not draw the window renderer=glow' "$WORK/app.log" ||
    fail "glow did not fail first: $(cat "$WORK/app.log")"
grep -q 'drawing the window renderer=wgpu' "$WORK/app.log" ||
    fail "wgpu did not take over: $(cat "$WORK/app.log")"
echo "   drew with: $(grep -o 'renderer=wgpu[^"]*' "$WORK/app.log" | head -1)"

echo "== OpenGL usable: the same intakes typed ahead on glow"
start_app HERO_RENDERER=glow
type_ahead_case glow-number "$number_body" "${by_number[@]}"
type_ahead_case glow-name "$name_body" "${by_name[@]}"
kill "$APP" 2>/dev/null || true
wait "$APP" 2>/dev/null || true
grep -q 'drawing the window renderer=OpenGL' "$WORK/app.log" ||
    fail "glow did not draw: $(cat "$WORK/app.log")"

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
