#!/usr/bin/env bash
# Many small files on a slow link, against the emulator with 50 ms added to every
# request (issue 14, item 1):
#   1. 1,000 files of 16 KiB uploaded with their modified times: `odc put` with JSON
#      batches (the default), `odc put` with transfer.batch_small_files = false (a PUT
#      and a PATCH per file, 8 files at a time), rclone --transfers 8.
#   2. The same files as a tree (100 folders of 10): odc makes each folder's
#      subfolders in one batch; rclone --transfers 8.
#   3. All files of one folder moved into another: `odc mv A B … FOLDER` (batched
#      lookups and PATCHes), rclone move --transfers 8 (one PATCH per file), and a
#      one-connection client PATCHing one file at a time.
# rclone runs when it is installed (`apt-get install rclone`; skipped otherwise).
# Each row gives the wall time and the HTTP requests the emulator saw (requests
# inside a batch not counted). Target: <= 2.5 s for the batched upload.
#
#   benches/small_files.sh        (builds the release binary first)
#   FILES=2000 LATENCY_MS=20 benches/small_files.sh
#   ODC_BASELINE=/path/to/an/older/odc benches/small_files.sh   (adds its runs)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
FILES=${FILES:-1000}
LATENCY_MS=${LATENCY_MS:-50}
PORT=${BENCH_PORT:-18766}
bench_start "$PORT" empty --latency-ms "$LATENCY_MS"
mkdir -p "$XDG_CONFIG_HOME/odc"
HAVE_RCLONE=0
if rclone_setup "$B" "$WORK" $((PORT + 1)); then HAVE_RCLONE=1; fi

mkdir -p "$WORK/small" "$WORK/tree"
python3 - "$WORK" "$FILES" <<'PY'
import os, sys
work, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    data = os.urandom(16 * 1024)
    with open(os.path.join(work, "small", f"f{i:05}.bin"), "wb") as f:
        f.write(data)
    folder = os.path.join(work, "tree", f"d{i % 100:02}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:05}.bin"), "wb") as f:
        f.write(data)
PY

# timed LABEL COMMAND...: runs it with an empty request log, prints the wall time
# and the HTTP requests (a batch is one; the requests inside it are not counted).
timed() {
  local label=$1; shift
  curl -s -X DELETE "$B/_emulator/requests" >/dev/null
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  end=$(date +%s.%N)
  local http
  http=$(curl -s "$B/_emulator/requests" | python3 -c '
import json, sys
log = json.load(sys.stdin)
calls = [r for r in log if not r.get("in_batch")]
batches = sum(1 for r in calls if r["path"].endswith("/$batch"))
print(f"{len(calls)} HTTP requests" + (f" ({batches} batches)" if batches else ""))')
  printf "%-44s %7.2f s   %s\n" "$label" "$(python3 -c "print($end-$start)")" "$http"
}
config() { printf '%s\n' "$1" >"$XDG_CONFIG_HOME/odc/config.toml"; }
skipped() { echo "rclone: not installed (apt-get install rclone), skipped"; }

echo "$FILES files of 16 KiB, modified times kept, ${LATENCY_MS} ms per request ($(nproc) cores)"
config ""
timed "odc put (JSON batches, default)" "$ODC" -q put "$WORK/small" /batched
config "[transfer]
batch_small_files = false"
timed "odc put (batch_small_files = false)" "$ODC" -q put "$WORK/small" /single
config ""
if [ -n "${ODC_BASELINE:-}" ]; then
  timed "baseline odc put (its defaults)" "$ODC_BASELINE" -q put "$WORK/small" /baseline
fi
if [ $HAVE_RCLONE = 1 ]; then
  timed "rclone copy --transfers 8" "${RCLONE[@]}" copy --transfers 8 "$WORK/small" emu:rclone
else skipped; fi

echo
echo "the same files as a tree of 100 folders"
timed "odc put (folders and files in batches)" "$ODC" -q put "$WORK/tree" /tree
if [ -n "${ODC_BASELINE:-}" ]; then
  timed "baseline odc put" "$ODC_BASELINE" -q put "$WORK/tree" /tree-baseline
fi
if [ $HAVE_RCLONE = 1 ]; then
  timed "rclone copy --transfers 8" "${RCLONE[@]}" copy --transfers 8 "$WORK/tree" emu:rclone-tree
else skipped; fi

echo
echo "moving $FILES files into another folder"
"$ODC" -q mkdir /moved && "$ODC" -q mkdir /moved-floor && "$ODC" -q mkdir /moved-rclone
mapfile -t SOURCES < <("$ODC" ls /batched | sed 's|^|/batched/|')
timed "odc mv (JSON batches)" "$ODC" -q mv "${SOURCES[@]}" /moved
if [ $HAVE_RCLONE = 1 ]; then
  timed "rclone move --transfers 8" "${RCLONE[@]}" move --transfers 8 emu:rclone emu:moved-rclone
else skipped; fi
cat >"$WORK/patch-each.py" <<'PY'
import http.client, json, sys, urllib.parse
base, token, source, target = sys.argv[1:5]
u = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(u.hostname, u.port)
def call(method, path, body=None):
    headers = {"Authorization": "Bearer " + token}
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
for item in ids:
    call("PATCH", f"/v1.0/me/drive/items/{item}", {"parentReference": {"id": parent}})
PY
TOKEN=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accounts"][d["default"]]["access_token"])' "$XDG_DATA_HOME/odc/tokens.json")
timed "one-connection client (PATCH each)" python3 "$WORK/patch-each.py" "$B" "$TOKEN" /single /moved-floor
