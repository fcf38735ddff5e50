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
# Then the same files as a tree (100 folders of 10) uploaded, whose folders are
# made in batches, and `odc mv` of all of them into one folder against a client
# that PATCHes them one by one on one connection.
# ODC_BASELINE=/path/to/an/older/odc adds that binary's runs, for comparison.
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
if [ -n "${ODC_BASELINE:-}" ]; then
  ODC_NEW=$ODC; ODC=$ODC_BASELINE
  run "baseline odc put (its defaults)" /baseline
  ODC=$ODC_NEW
fi

# A tree: 100 folders of 10 files each.
mkdir -p "$WORK/tree"
for i in $(seq -w 0 99); do mkdir "$WORK/tree/d$i"; done
ls "$WORK/small" | head -n "$FILES" | awk -v w="$WORK" '{ printf "%s/small/%s %s/tree/d%02d/%s\n", w, $0, w, (NR-1)%100, $0 }' | xargs -n 2 cp
tree_run() { # label binary target
  printf '' > "$XDG_CONFIG_HOME/odc/config.toml"
  curl -s -X DELETE "$B/_emulator/requests" >/dev/null
  local start end
  start=$(date +%s.%N)
  "$2" -q put "$WORK/tree" "$3" >/dev/null
  end=$(date +%s.%N)
  local calls
  calls=$(curl -s "$B/_emulator/requests" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if not r.get("in_batch")))')
  printf "%-44s %7.2f s   %s HTTP requests\n" "$1" "$(python3 -c "print($end-$start)")" "$calls"
}
echo
echo "the same $FILES files as a tree of 100 folders"
tree_run "odc put (folders and files in batches)" "$ODC" /tree-new
if [ -n "${ODC_BASELINE:-}" ]; then tree_run "baseline odc put" "$ODC_BASELINE" /tree-baseline; fi

# Moves: every file of /batched into /moved.
echo
echo "moving $FILES files into another folder"
"$ODC" -q mkdir /moved && "$ODC" -q mkdir /moved-floor
TOKEN=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accounts"][d["default"]]["access_token"])' "$XDG_DATA_HOME/odc/tokens.json")
mapfile -t SOURCES < <("$ODC" ls /batched | sed 's|^|/batched/|')
curl -s -X DELETE "$B/_emulator/requests" >/dev/null
start=$(date +%s.%N)
"$ODC" -q mv "${SOURCES[@]}" /moved
end=$(date +%s.%N)
calls=$(curl -s "$B/_emulator/requests" | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if not r.get("in_batch")))')
printf "%-44s %7.2f s   %s HTTP requests\n" "odc mv (JSON batches)" "$(python3 -c "print($end-$start)")" "$calls"
cat >"$WORK/patch-each.py" <<'PY'
import http.client, json, sys, time, urllib.parse
base, token, source, target = sys.argv[1:5]
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
auth = {"Authorization": "Bearer " + token}
def call(method, path, body=None):
    headers = dict(auth)
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    reply = conn.getresponse()
    data = reply.read()
    if reply.status >= 300:
        sys.exit(f"{method} {path}: {reply.status} {data[:200]!r}")
    return json.loads(data) if data else None
parent = call("GET", f"/v1.0/me/drive/root:{target}")["id"]
ids, link = [], f"/v1.0/me/drive/root:{source}:/children?$top=1000&$select=id"
while link:
    page = call("GET", link)
    ids += [item["id"] for item in page["value"]]
    nxt = page.get("@odata.nextLink")
    link = urllib.parse.urlsplit(nxt)._replace(scheme="", netloc="").geturl() if nxt else None
start = time.time()
for item in ids:
    call("PATCH", f"/v1.0/me/drive/items/{item}", {"parentReference": {"id": parent}})
print(f"{time.time() - start:.2f} {len(ids)}")
PY
read -r T_FLOOR N_FLOOR < <(python3 "$WORK/patch-each.py" "$B" "$TOKEN" /single /moved-floor)
printf "%-44s %7.2f s   %s PATCHes, one at a time\n" "one-connection client (PATCH each)" "$T_FLOOR" "$N_FLOOR"

if command -v rclone >/dev/null; then
  echo "rclone: not compared here yet (needs an rclone remote on the emulator)"
else
  echo "rclone: not installed (apt-get install rclone), skipped"
fi
