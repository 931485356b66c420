#!/usr/bin/env bash
# Hero Intake against a bare eframe window and against curl, side by side, on this
# machine, in one run. See BENCHMARKS.md for what each figure means and the targets.
#
#   bash benches/desk.sh            # the full run (~10 min after the build)
#   bash benches/desk.sh --quick    # CI: fewer runs, figures only, no targets (~1 min)
#
# Options: --quick, --no-build (use the binaries already in target/release),
#          --skip-latency (skip the in-app cargo bench; it needs its own release build).
# Counts can be overridden: START_RUNS, REGS, IDLE_S, REQ_RUNS, LAT_RUNS.
#
# Needs these Debian 12 packages (the script installs nothing and reads no stdin):
#   xvfb x11-utils xdotool curl hyperfine
#   libgl1 libglx-mesa0 libgl1-mesa-dri libegl1 libegl-mesa0
#   libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0
# (x11-utils: xev; hyperfine is optional: without it, a timed loop is used.)
# Plus the Rust toolchain (cargo) for the build, bash >= 5, coreutils, awk, grep.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0 BUILD=1 LATENCY=1
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --skip-latency) LATENCY=0 ;;
        -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "desk.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done
if ((QUICK)); then
    : "${START_RUNS:=3}" "${REGS:=50}" "${IDLE_S:=3}" "${REQ_RUNS:=10}" "${LAT_RUNS:=30}"
else
    : "${START_RUNS:=15}" "${REGS:=1000}" "${IDLE_S:=10}" "${REQ_RUNS:=100}" "${LAT_RUNS:=200}"
fi
RSS_SETTLE=1 # seconds after the window appears before VmRSS is read

say() { printf '%s\n' "$*" >&2; }
die() { say "desk.sh: $*"; exit 1; }

missing=()
for tool in Xvfb xev xdotool curl stdbuf awk; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
((${#missing[@]} == 0)) || die "missing ${missing[*]}: apt-get install -y xvfb x11-utils xdotool curl (see the top of this script)"
((BASH_VERSINFO[0] >= 5)) || die "needs bash 5 (EPOCHREALTIME)"

# ---------------------------------------------------------------- build
if ((BUILD)); then
    # Separate invocations, the shipping binary last: built with a bench,
    # target/release/hero-intake gets the dev-dependencies' features too (regex,
    # hyper, futures...) and is ~1 MB bigger than what `cargo build --release` and
    # `cargo deb` ship. crates/bare resolves the app's features, so after the app's
    # release build it compiles only its own main.rs.
    if ((LATENCY)); then
        say "== building benches/request_latency (bench profile = release)"
        cargo bench --locked --bench request_latency --no-run
    fi
    say "== building hero-intake, then crates/bare (release profile)"
    cargo build --release --locked --bin hero-intake
    cargo build --release --locked -p bare
fi
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
[[ -x $TARGET/release/hero-intake && -x $TARGET/release/bare ]] ||
    die "no $TARGET/release/hero-intake or bare: run without --no-build"

# ---------------------------------------------------------------- helpers
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# Copies: a later `cargo bench` (step 4) replaces target/release/hero-intake.
mkdir "$TMP/bin"
cp "$TARGET/release/hero-intake" "$TARGET/release/bare" "$TMP/bin/"
HERO=$TMP/bin/hero-intake
BARE=$TMP/bin/bare

# Microseconds since the epoch, no subprocess.
now_us() { local t=$EPOCHREALTIME; echo $((${t/./})); }
# "median min max" of numbers on stdin (one per line).
stats() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "nan nan nan"; exit}
    m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.1f %.1f %.1f\n", m, v[1], v[NR]}'; }
calc() { awk "BEGIN {printf \"$1\n\", $2}"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# utime + stime of the whole process (all threads), in clock ticks.
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# A private X server: no window manager, nothing else on it.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$TMP/display" 2>"$TMP/xvfb.log" &
PIDS+=($!)
for _ in $(seq 100); do [[ -s $TMP/display ]] && break; sleep 0.05; done
[[ -s $TMP/display ]] || die "Xvfb did not start: $(cat "$TMP/xvfb.log")"
DISPLAY=:$(head -1 "$TMP/display")
export DISPLAY

# Map events of top-level windows, as they happen (no polling): a window is
# viewable from its MapNotify (eframe maps it once the first frame is drawn).
mkfifo "$TMP/xev"
stdbuf -oL xev -root -event substructure >"$TMP/xev" 2>/dev/null &
PIDS+=($!)
exec 7<"$TMP/xev"
drain_maps() { local line; while read -r -t 0.05 -u 7 line; do :; done; }
# Waits for the next top-level map: sets MAP_US (when it was seen) and MAP_WIN.
wait_map() {
    local line rest deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        read -r -t 1 -u 7 line || continue
        [[ $line == MapNotify* ]] || continue
        MAP_US=$(now_us)
        read -r -t 1 -u 7 rest || continue
        if [[ $rest == *"override NO"* ]]; then
            MAP_WIN=$(sed -E 's/.*window (0x[0-9a-f]+).*/\1/' <<<"$rest")
            return 0
        fi
    done
    return 1
}

# The apps' surroundings: demo mode, throw-away config, no keychain, no session bus.
mkdir -p "$TMP/config/hero-intake" "$TMP/cache" "$TMP/run"
chmod 700 "$TMP/run"
printf '{"environment":"Demo"}\n' >"$TMP/config/hero-intake/settings.json"
# A desk as practices run it: Staging, its key from the environment (no keychain, no
# network at start), so the window opens on the form without the demo's tables.
mkdir -p "$TMP/config-desk/hero-intake"
printf '{"environment":"Staging"}\n' >"$TMP/config-desk/hero-intake/settings.json"
DESK=(env "XDG_CONFIG_HOME=$TMP/config-desk" HERO_API_KEY=bench-key-0123456789 HERO_PRACTICE_GROUP_ID=pg-bench-1)
export XDG_CONFIG_HOME=$TMP/config XDG_CACHE_HOME=$TMP/cache XDG_RUNTIME_DIR=$TMP/run NO_COLOR=1
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS HERO_API_KEY HERO_BASE_URL HERO_PRACTICE_GROUP_ID RUST_LOG

# Starts "$@", waits for its window; sets APP, APP_START_MS, APP_WIN.
launch() {
    drain_maps
    local t0
    t0=$(now_us)
    "$@" >>"$TMP/app.log" 2>&1 &
    APP=$!
    PIDS+=("$APP")
    wait_map || die "no window from $1 within 30 s: $(tail -5 "$TMP/app.log")"
    APP_START_MS=$(calc '%.1f' "($MAP_US - $t0) / 1000")
    APP_WIN=$MAP_WIN
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# CPU used by $1 over $2 seconds, in ms.
idle_ms() {
    local before
    before=$(cpu_ticks "$1")
    sleep "$2"
    echo $((($(cpu_ticks "$1") - before) * TICK_MS))
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "== machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), $(rustc --version 2>/dev/null || echo 'rustc ?')"
say "== display $DISPLAY; runs: start $START_RUNS, registrations $REGS, idle ${IDLE_S}s, requests $REQ_RUNS, in-app $LAT_RUNS"

# ---------------------------------------------------------------- 5. size
size_hero=$(stat -c %s "$HERO")
size_cli=$([[ -x $TARGET/release/hero-intake-cli ]] && stat -c %s "$TARGET/release/hero-intake-cli" || echo "")
size_bare=$(stat -c %s "$BARE")
deb=$(ls -t "$TARGET"/debian/*.deb 2>/dev/null | head -1 || true)
size_deb=$([[ -n $deb ]] && stat -c %s "$deb" || echo "")

# ---------------------------------------------------------------- 1 + 2. start, RSS
say "== start: $START_RUNS runs each, alternating (plus one warm-up each)"
for f in start.hero start.bare start.desk rss.hero rss.bare; do : >"$TMP/$f"; done
for run in $(seq 0 "$START_RUNS"); do
    for which in bare hero desk; do
        case $which in
            hero) launch "$HERO" ;;
            desk) launch "${DESK[@]}" "$HERO" ;;
            *) launch "$BARE" ;;
        esac
        sleep "$RSS_SETTLE"
        rss=$(rss_kb "$APP")
        stop "$APP"
        if ((run > 0)); then # run 0 warms the page cache and Mesa's shader cache
            echo "$APP_START_MS" >>"$TMP/start.$which"
            echo "$rss" >>"$TMP/rss.$which"
            say "   $which run $run: window after $APP_START_MS ms, RSS $((rss / 1024)) MiB"
        fi
    done
done
read -r start_bare_med start_bare_min start_bare_max < <(stats <"$TMP/start.bare")
read -r start_hero_med start_hero_min start_hero_max < <(stats <"$TMP/start.hero")
read -r start_desk_med start_desk_min start_desk_max < <(stats <"$TMP/start.desk")
read -r rss_bare _ _ < <(stats <"$TMP/rss.bare")
read -r rss_hero _ _ < <(stats <"$TMP/rss.hero")

# ---------------------------------------------------------------- 1b. the other renderer, the fallback
# wgpu forced (HERO_RENDERER), and the fallback path: OpenGL made unloadable, so glow
# fails and wgpu draws in the same launch (what Remote Desktop gets).
NO_GL=(MESA_LOADER_DRIVER_OVERRIDE=nonexistent LIBGL_DRIVERS_PATH=/nonexistent)
say "== renderers: wgpu forced and the fallback path, $START_RUNS runs each (plus one warm-up)"
for f in start.wgpu start.fallback rss.wgpu; do : >"$TMP/$f"; done
for run in $(seq 0 "$START_RUNS"); do
    launch env HERO_RENDERER=wgpu "$HERO"
    sleep "$RSS_SETTLE"
    rss=$(rss_kb "$APP")
    if ((run == START_RUNS)); then idle_wgpu_form=$(idle_ms "$APP" "$IDLE_S"); fi
    stop "$APP"
    ((run > 0)) && echo "$APP_START_MS" >>"$TMP/start.wgpu" && echo "$rss" >>"$TMP/rss.wgpu"
    launch env "${NO_GL[@]}" "$HERO"
    stop "$APP"
    ((run > 0)) && echo "$APP_START_MS" >>"$TMP/start.fallback"
    ((run > 0)) && say "   run $run: wgpu $(tail -1 "$TMP/start.wgpu") ms, fallback $APP_START_MS ms"
done
read -r start_wgpu_med start_wgpu_min start_wgpu_max < <(stats <"$TMP/start.wgpu")
read -r start_fb_med start_fb_min start_fb_max < <(stats <"$TMP/start.fallback")
read -r rss_wgpu _ _ < <(stats <"$TMP/rss.wgpu")

# ---------------------------------------------------------------- 3. idle, bare
say "== idle: bare"
launch "$BARE"
xdotool windowfocus --sync "$APP_WIN"
sleep 1
idle_bare_focused=$(idle_ms "$APP" "$IDLE_S") # focus in the field: the cursor blinks
xdotool type --delay 1 9990000018
xdotool key Escape # text on screen, nothing focused
sleep 1
idle_bare=$(idle_ms "$APP" "$IDLE_S")
stop "$APP"

# ---------------------------------------------------------------- 2 + 3. hero: idle, 1,000 registrations
say "== idle and $REGS registrations: hero-intake (demo, real window, xdotool)"
: >"$TMP/app.log"
RUST_LOG="warn,hero_core::sandbox=info,hero_core::api=debug" launch "$HERO"
hero=$APP
xdotool windowfocus --sync "$APP_WIN"
for _ in $(seq 200); do grep -q "demo sandbox listening" "$TMP/app.log" && break; sleep 0.05; done
grep -q "demo sandbox listening" "$TMP/app.log" || die "the demo sandbox did not start"
sleep "$RSS_SETTLE"
rss_drive_start=$(rss_kb "$hero")
done_count() { grep -c 'attempt finished call="register_pds"' "$TMP/app.log" || true; }
base_count=$(done_count)
# Types one patient and presses Enter (the form must be empty, focus in NHS number),
# then waits for the answer. Sets REG_MS: Enter to answer, as the log sees it.
register() {
    local before t0
    before=$(done_count)
    xdotool type --delay 1 9990000018
    xdotool sleep 0.03 key Tab sleep 0.03 type --delay 1 01/02/1992
    xdotool sleep 0.03 key Return
    t0=$(now_us)
    for _ in $(seq 1000); do
        if (($(done_count) > before)); then
            REG_MS=$(calc '%.1f' "($(now_us) - $t0) / 1000")
            return 0
        fi
        sleep 0.003
    done
    return 1
}
next_patient() { xdotool sleep 0.01 key Escape sleep 0.05; }
lost=0
reg_one() { # one registration; a lost keystroke (nothing sent) is retyped, and counted
    local _
    for _ in 1 2 3; do
        register && return 0
        lost=$((lost + 1))
        xdotool key Escape sleep 0.3
    done
    die "a registration never came back (3 tries)"
}
reg_one
sleep 1 # result on screen, nothing happening
idle_hero=$(idle_ms "$hero" "$IDLE_S")
next_patient
sleep 1 # the empty form, focus in NHS number: what a desk shows between patients
idle_hero_form=$(idle_ms "$hero" "$IDLE_S")

chunk=$((REGS >= 200 ? 50 : (REGS >= 20 ? 10 : 1)))
: >"$TMP/reg_ms"
: >"$TMP/rss_curve"
rss_first=$(rss_kb "$hero")
echo "1 $rss_first" >>"$TMP/rss_curve"
drive_t0=$(now_us)
cpu_first=0 cpu_last=0
for i in $(seq 2 "$REGS"); do
    if ((i == 2 || i == REGS - chunk + 1)); then cpu_mark=$(cpu_ticks "$hero"); fi
    reg_one
    echo "$i $REG_MS" >>"$TMP/reg_ms"
    if ((i == chunk + 1)); then cpu_first=$((($(cpu_ticks "$hero") - cpu_mark) * TICK_MS)); fi
    if ((i == REGS)); then cpu_last=$((($(cpu_ticks "$hero") - cpu_mark) * TICK_MS)); fi
    if ((i % (REGS / 4 > 0 ? REGS / 4 : 1) == 0)); then
        rss=$(rss_kb "$hero")
        echo "$i $rss" >>"$TMP/rss_curve"
        say "   $i registrations: RSS $((rss / 1024)) MiB"
    fi
    if ((i < REGS)); then next_patient; fi
done
drive_s=$(calc '%.0f' "($(now_us) - $drive_t0) / 1000000")
sleep "$RSS_SETTLE"
rss_drive_end=$(rss_kb "$hero")
reg_first=$(head -n "$chunk" "$TMP/reg_ms" | awk '{print $2}' | stats | cut -d' ' -f1)
reg_last=$(tail -n "$chunk" "$TMP/reg_ms" | awk '{print $2}' | stats | cut -d' ' -f1)
answered=$(($(done_count) - base_count))
stop "$hero"

# ---------------------------------------------------------------- 4. request: CLI against curl
say "== request: hero-intake register against curl, $REQ_RUNS runs each"
"$HERO" sandbox --port "${SANDBOX_PORT:-0}" >"$TMP/sandbox.out" 2>&1 &
PIDS+=($!)
sandbox=$!
for _ in $(seq 200); do grep -q "listening on" "$TMP/sandbox.out" && break; sleep 0.05; done
URL=$(sed -nE 's/.*listening on (http:[^ ]+).*/\1/p;T;q' "$TMP/sandbox.out")
[[ -n $URL ]] || die "the sandbox did not start: $(cat "$TMP/sandbox.out")"
URL=${URL%/}
export HERO_BASE_URL=$URL HERO_API_KEY=demo-key-not-secret HERO_PRACTICE_GROUP_ID=demo-practice
printf '{"nhs_number":"9990000018","dob":"1992-02-01"}' >"$TMP/body.json"
cli=("$HERO" register --nhs-number 9990000018 --dob 01/02/1992 --json)
crl=(curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json'
    -H "x-api-key: $HERO_API_KEY" -H "x-practice-group-id: $HERO_PRACTICE_GROUP_ID"
    --data-binary "@$TMP/body.json" "$URL/v1/patients/register_pds")
[[ $("${cli[@]}") == *'"outcome":"registered"'* ]] || die "hero-intake register did not register"
[[ $("${crl[@]}") == 200 ]] || die "curl did not get 200"
if command -v hyperfine >/dev/null; then
    req_tool="hyperfine -N"
    hyperfine -N --style basic --warmup 5 --runs "$REQ_RUNS" --export-csv "$TMP/req.csv" \
        -n hero-intake "'$HERO' register --nhs-number 9990000018 --dob 01/02/1992 --json" \
        -n curl "curl -sS -o /dev/null -X POST -H 'content-type: application/json' -H 'x-api-key: $HERO_API_KEY' -H 'x-practice-group-id: $HERO_PRACTICE_GROUP_ID' --data-binary @$TMP/body.json $URL/v1/patients/register_pds" >&2
    # command,mean,stddev,median,user,system,min,max (seconds)
    read -r req_hero_med req_hero_min req_hero_max < <(awk -F, '$1=="hero-intake" {printf "%.2f %.2f %.2f\n", $4*1000, $7*1000, $8*1000}' "$TMP/req.csv")
    read -r req_curl_med req_curl_min req_curl_max < <(awk -F, '$1=="curl" {printf "%.2f %.2f %.2f\n", $4*1000, $7*1000, $8*1000}' "$TMP/req.csv")
else
    req_tool="timed loop (no hyperfine)"
    : >"$TMP/req.hero"
    : >"$TMP/req.curl"
    for _ in 1 2 3; do "${cli[@]}" >/dev/null; "${crl[@]}" >/dev/null; done
    for _ in $(seq "$REQ_RUNS"); do # interleaved
        t0=$(now_us); "${cli[@]}" >/dev/null; echo $(($(now_us) - t0)) >>"$TMP/req.hero"
        t0=$(now_us); "${crl[@]}" >/dev/null; echo $(($(now_us) - t0)) >>"$TMP/req.curl"
    done
    read -r req_hero_med req_hero_min req_hero_max < <(awk '{print $1/1000}' "$TMP/req.hero" | stats)
    read -r req_curl_med req_curl_min req_curl_max < <(awk '{print $1/1000}' "$TMP/req.curl" | stats)
fi
stop "$sandbox"

# ---------------------------------------------------------------- 4b. in the app: Enter to result
lat_line=""
if ((LATENCY)); then
    say "== in-app: Enter to result drawn, less the server (cargo bench, $LAT_RUNS runs)"
    cargo bench --locked --bench request_latency -- --runs "$LAT_RUNS" | tee "$TMP/lat.out" >&2
    lat_line=$(grep '^RESULT ' "$TMP/lat.out" || true)
fi
lat() { sed -nE "s/.* $1=([0-9.-]+).*/\1/p" <<<"$lat_line"; }

# ---------------------------------------------------------------- report
mb() { calc '%.1f' "$1 / 1000000"; }
ratio() { calc '%.2f' "$1 / $2"; }
verdict() { # verdict <met?> ; nothing in --quick
    ((QUICK)) && return 0
    if (($1)); then echo "  [target met]"; else echo "  [target NOT met]"; fi
}
le() { awk "BEGIN {exit !($1 <= $2)}" && echo 1 || echo 0; }

r_start=$(ratio "$start_hero_med" "$start_bare_med")
r_rss=$(ratio "$rss_hero" "$rss_bare")
growth_mb=$(calc '%.1f' "($rss_drive_end - $rss_drive_start) / 1024")
r_req=$(ratio "$req_hero_med" "$req_curl_med")
idle_pct() { calc '%.2f' "$1 / ($IDLE_S * 10)"; }

echo
echo "Hero Intake desk benchmark ($( ((QUICK)) && echo quick || echo full ); $(date -u +%Y-%m-%dT%H:%MZ))"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), $(rustc --version 2>/dev/null | cut -d' ' -f1-2)"
echo "load average (1/5/15 min) at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "1. start, process start to window mapped under Xvfb ($START_RUNS runs each, median [min-max])"
echo "   bare        $start_bare_med ms [$start_bare_min-$start_bare_max]"
echo "   hero-intake $start_hero_med ms [$start_hero_min-$start_hero_max]"
echo "   ratio       ${r_start}x (target <= 1.2x)$(verdict "$(le "$r_start" 1.2)")"
echo "   a desk's form (Staging, key from the environment, no demo tables) $start_desk_med ms [$start_desk_min-$start_desk_max], $(ratio "$start_desk_med" "$start_bare_med")x"
echo "1b. renderers (hero-intake): glow is the first choice (above)"
echo "   wgpu forced (HERO_RENDERER=wgpu) $start_wgpu_med ms [$start_wgpu_min-$start_wgpu_max], $(ratio "$start_wgpu_med" "$start_bare_med")x the bare glow window; RSS $(calc '%.1f' "$rss_wgpu / 1024") MiB ($(ratio "$rss_wgpu" "$rss_bare")x)"
echo "   fallback (OpenGL unloadable: glow fails, wgpu draws) $start_fb_med ms [$start_fb_min-$start_fb_max], $(ratio "$start_fb_med" "$start_bare_med")x"
echo "   idle on wgpu, empty form, $IDLE_S s: $idle_wgpu_form ms ($(idle_pct "$idle_wgpu_form") %) (target 0)$(verdict "$(le "$idle_wgpu_form" "$TICK_MS")")"
echo "2. memory, VmRSS ${RSS_SETTLE} s after the window appears (median)"
echo "   bare        $(calc '%.1f' "$rss_bare / 1024") MiB"
echo "   hero-intake $(calc '%.1f' "$rss_hero / 1024") MiB"
echo "   ratio       ${r_rss}x (target <= 1.3x)$(verdict "$(le "$r_rss" 1.3)")"
echo "   after $REGS registrations in one window: $(calc '%.1f' "$rss_drive_start / 1024") -> $(calc '%.1f' "$rss_drive_end / 1024") MiB, growth $growth_mb MiB (target: a few MB)$(verdict "$(le "$growth_mb" 5)")"
echo "   after the first registration: $(calc '%.1f' "$rss_first / 1024") MiB; growth over the next $((REGS - 1)): $(calc '%.1f' "($rss_drive_end - $rss_first) / 1024") MiB"
echo "   RSS along the way (registrations KiB): $(tr '\n' ',' <"$TMP/rss_curve" | sed 's/,$//; s/,/; /g')"
echo "   $answered answers in $drive_s s; $lost retyped; Enter->answer median first $chunk: $reg_first ms, last $chunk: $reg_last ms"
echo "   CPU per $chunk registrations: first $cpu_first ms, last $cpu_last ms"
echo "3. idle, CPU over $IDLE_S s with nothing happening"
echo "   bare, nothing focused           $idle_bare ms ($(idle_pct "$idle_bare") %)"
echo "   hero-intake, result on screen   $idle_hero ms ($(idle_pct "$idle_hero") %) (target 0)$(verdict "$(le "$idle_hero" "$TICK_MS")")"
echo "   bare, cursor in the text field  $idle_bare_focused ms ($(idle_pct "$idle_bare_focused") %)"
echo "   hero-intake, empty form (cursor in NHS number) $idle_hero_form ms ($(idle_pct "$idle_hero_form") %)"
echo "4. request, whole process wall time against the sandbox on 127.0.0.1 ($req_tool, $REQ_RUNS runs, median [min-max])"
echo "   curl                     $req_curl_med ms [$req_curl_min-$req_curl_max]"
echo "   hero-intake register     $req_hero_med ms [$req_hero_min-$req_hero_max]"
echo "   ratio                    ${r_req}x (target <= 1.1x)$(verdict "$(le "$r_req" 1.1)")"
if [[ -n $lat_line ]]; then
    echo "   in the app, Enter -> result drawn: median $(lat app_median_ms) ms, p90 $(lat app_p90_ms) ms; server alone $(lat server_median_ms) / $(lat server_p90_ms) ms"
    echo "   app's own share: median $(lat overhead_median_ms) ms, p90 $(lat overhead_p90_ms) ms (target < 5 ms)$(verdict "$(le "$(lat overhead_p90_ms)" 5)")"
    echo "   first registration after start: $(lat first_ms) ms (includes building the HTTP client in the Enter frame: $(lat client_build_ms) ms alone)"
else
    echo "   in the app: skipped (--skip-latency)"
fi
echo "5. size (bytes; MB = 10^6)"
echo "   hero-intake $size_hero ($(mb "$size_hero") MB), glow and wgpu (target <= 20 MB)$(verdict "$(le "$size_hero" 20000000)")"
[[ -n $size_cli ]] && echo "   hero-intake-cli $size_cli ($(mb "$size_cli") MB), the console binary (same library)"
echo "   bare        $size_bare ($(mb "$size_bare") MB)"
if [[ -n $size_deb ]]; then
    echo "   .deb        $size_deb ($(mb "$size_deb") MB) $(basename "$deb"), built $(date -r "$deb" +%Y-%m-%dT%H:%M)"
else
    echo "   .deb        none in $TARGET/debian (cargo deb)"
fi
