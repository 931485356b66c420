#!/usr/bin/env bash
# Batch pace benchmark: N rows through `hero-intake batch` against the built-in sandbox
# limited to a fixed rate. Prints the total time against the rate-limit bound
# (rows ÷ rate) and the 429s received. Target: within 5 % of the bound, 429s only
# while the pace is being learnt.
#
#   bash benches/batch.sh            # 1,000 rows at 20 per second (~50 s)
#   bash benches/batch.sh --quick    # 200 rows at 50 per second (CI)
#
# Needs the release binary (cargo build --release) and python3; reads no stdin.
set -euo pipefail
exec </dev/null
cd "$(dirname "$0")/.."
ROWS=1000 RATE=20
[[ "${1:-}" == --quick ]] && ROWS=200 RATE=50
BIN=target/release/hero-intake
[[ -x $BIN ]] || cargo build --release --locked
WORK=$(mktemp -d)
trap 'kill "$SANDBOX" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# NHS test numbers (999 5xx xxx x) with valid Modulus 11 check digits, clear of the demo table.
python3 - "$ROWS" > "$WORK/list.csv" <<'PY'
import sys
rows, i = int(sys.argv[1]), 0
print("NHS number,Date of birth")
while rows:
    nine = f"9995{i:05d}"; i += 1
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1))) % 11
    if check == 10:
        continue
    print(f"{nine}{0 if check == 11 else check},01/02/1990"); rows -= 1
PY

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" sandbox --port "$PORT" --rate-limit "$RATE" > "$WORK/sandbox.log" 2>&1 &
SANDBOX=$!
for _ in $(seq 100); do grep -q listening "$WORK/sandbox.log" 2>/dev/null && break; sleep 0.05; done

XDG_CONFIG_HOME=$WORK HERO_BASE_URL=http://127.0.0.1:$PORT HERO_API_KEY=demo-key-not-secret \
    HERO_PRACTICE_GROUP_ID=demo-practice "$BIN" batch "$WORK/list.csv" --json > "$WORK/out.json" 2> "$WORK/batch.log"
python3 - "$ROWS" "$RATE" "$WORK/out.json" <<'PY'
import json, sys
rows, rate, out = int(sys.argv[1]), float(sys.argv[2]), json.load(open(sys.argv[3]))
bound = rows / rate
print(f"batch pace: {rows} rows through `hero-intake batch`, sandbox limit {rate:g}/s (token bucket, 1 s burst)")
print(f"  registered           {out['registered']} of {rows}")
print(f"  total time           {out['elapsed_s']:.2f} s")
print(f"  bound (rows / rate)  {bound:.2f} s")
print(f"  ratio                {out['elapsed_s'] / bound:.3f} (target <= 1.05)")
print(f"  429s received        {out['rate_limited']}")
PY
