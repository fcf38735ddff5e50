#!/usr/bin/env bash
# Client benchmark: odc against curl on the same emulator, same bytes.
#
#   benches/client.sh            (builds the release binary first)
#
# Runs `odc emulator --seed bench` (a generated 1 GiB file and a 100,000-item
# folder) and measures, each as a separate process under /usr/bin/time:
#   - download of the 1 GiB file: `odc get` vs curl following the 302
#   - upload of a 1 GiB file: `odc put` (upload session, 10 MiB fragments) vs curl
#     PUTting the same 10 MiB fragments to an upload session
#   - listing of the 100,000-item folder: `odc ls` vs curl fetching the same pages
# and prints wall time, throughput and peak RSS. Targets: transfers >= 0.9x curl,
# peak RSS < 64 MiB + one fragment, listing within 1.2x of the pages alone.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
WORK=$(mktemp -d)
PORT=${BENCH_PORT:-18765}
trap 'kill $EMU 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$ODC" emulator --listen 127.0.0.1:$PORT --seed bench --interval 0 --approve-after 1 >"$WORK/emulator.log" 2>&1 &
EMU=$!
B=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$B/" >/dev/null && break; sleep 0.1; done

export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" XDG_STATE_HOME="$WORK/home/.local/state"
export ODC_CLIENT_ID=bench ODC_AUTHORITY_URL=$B ODC_GRAPH_URL=$B/v1.0
"$ODC" login --no-qr --no-browser >/dev/null
TOKEN=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accounts"][d["default"]]["access_token"])' "$XDG_DATA_HOME/odc/tokens.json")
AUTH="Authorization: Bearer $TOKEN"
G=$B/v1.0

measure() { # label command... ; prints "seconds peak_kib"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  cat "$WORK/time"
}
row() { # what bytes seconds kib
  local mib_s="-"
  if [ "$2" -gt 0 ]; then mib_s=$(python3 -c "print(f'{$2/1048576/$3:.0f}')"); fi
  printf "%-34s %8.2f s %8s MiB/s %8.1f MiB RSS\n" "$1" "$3" "$mib_s" "$(python3 -c "print($4/1024)")"
}

SIZE=1073741824
echo "odc client benchmark ($(nproc) cores), emulator on 127.0.0.1:$PORT"
echo

# Download
read -r T_ODC M_ODC < <(measure "$ODC" get /bench/1GiB.bin "$WORK/odc.bin")
LOCATION=$(curl -s -o /dev/null -w '%{redirect_url}' -H "$AUTH" "$G/me/drive/root:/bench/1GiB.bin:/content")
read -r T_CURL M_CURL < <(measure curl -sf -o "$WORK/curl.bin" "$LOCATION")
cmp "$WORK/odc.bin" "$WORK/curl.bin"
row "download 1 GiB: odc get" $SIZE "$T_ODC" "$M_ODC"
row "download 1 GiB: curl" $SIZE "$T_CURL" "$M_CURL"
echo "  odc/curl throughput: $(python3 -c "print(f'{$T_CURL/$T_ODC:.2f}x')")"
rm -f "$WORK/curl.bin"

# Upload
read -r T_ODC M_ODC < <(measure "$ODC" put "$WORK/odc.bin" /bench/up-odc.bin)
split -b 10485760 -d -a 4 "$WORK/odc.bin" "$WORK/frag."
cat >"$WORK/curl-upload.sh" <<SCRIPT
set -e
URL=\$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' -d '{"item":{"@microsoft.graph.conflictBehavior":"replace"}}' "$G/me/drive/root:/bench/up-curl.bin:/createUploadSession" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploadUrl"])')
off=0
for f in "$WORK"/frag.*; do
  len=\$(stat -c %s "\$f"); end=\$((off+len-1))
  curl -sf -o /dev/null -X PUT -H "Content-Range: bytes \$off-\$end/$SIZE" --data-binary @"\$f" "\$URL"
  off=\$((off+len))
done
SCRIPT
read -r T_CURL M_CURL < <(measure bash "$WORK/curl-upload.sh")
rm -f "$WORK"/frag.*
row "upload 1 GiB: odc put" $SIZE "$T_ODC" "$M_ODC"
row "upload 1 GiB: curl (10 MiB fragments)" $SIZE "$T_CURL" "$M_CURL"
echo "  odc/curl throughput: $(python3 -c "print(f'{$T_CURL/$T_ODC:.2f}x')")"
HASHES=$(curl -sf -H "$AUTH" "$G/me/drive/root:/bench:/children?\$select=name,file" | python3 -c 'import json,sys; v={i["name"]:i["file"]["hashes"]["quickXorHash"] for i in json.load(sys.stdin)["value"] if "file" in i}; print(v["up-odc.bin"]==v["up-curl.bin"]==v["1GiB.bin"])')
echo "  uploaded bytes identical (QuickXorHash): $HASHES"
rm -f "$WORK/odc.bin"

# Listing
read -r T_ODC M_ODC < <(measure "$ODC" ls /bench/100k)
COUNT=$("$ODC" ls /bench/100k | wc -l)
cat >"$WORK/curl-list.sh" <<SCRIPT
set -e
next="$G/me/drive/root:/bench/100k:/children?\\\$top=1000&\\\$select=id,name,size,createdDateTime,lastModifiedDateTime,eTag,cTag,file,folder,package,remoteItem,root,parentReference,fileSystemInfo"
while [ -n "\$next" ]; do
  next=\$(curl -sf -H "$AUTH" "\$next" | grep -o '"@odata.nextLink":"[^"]*"' | cut -d'"' -f4 || true)
done
SCRIPT
read -r T_CURL M_CURL < <(measure bash "$WORK/curl-list.sh")
row "list 100,000 items: odc ls ($COUNT)" 0 "$T_ODC" "$M_ODC"
row "list 100,000 items: curl pages" 0 "$T_CURL" "$M_CURL"
echo "  odc/pages time: $(python3 -c "print(f'{$T_ODC/$T_CURL:.2f}x')")"
