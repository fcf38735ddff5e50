#!/usr/bin/env bash
# Client benchmark: odc against curl on the same emulator, same bytes.
#
#   benches/client.sh            (builds the release binary first)
#
# Runs `odc emulator --seed bench` (a generated 1 GiB file and a 100,000-item
# folder) and measures, each as a separate process under /usr/bin/time:
#   - download of the 1 GiB file: `odc get` vs curl following the 302
#   - upload of a 1 GiB file: `odc put` (upload session, 10 MiB fragments, each
#     read and hashed while the previous one is sent) vs one curl process PUTting
#     the same 10 MiB fragments to an upload session over one connection
#   - listing of the 100,000-item folder: `odc ls` vs a minimal client (Python,
#     one kept-alive connection, same pages and $select, nothing parsed but the
#     nextLink), and the UI holding those items in a pane (peak RSS)
# and prints wall time, throughput and peak RSS. Targets (issue 14): upload
# within 0.95x of curl, listing within 1.1x of the minimal client, peak RSS
# <= 32 MiB for `odc ls` and <= 64 MiB for the pane.
# ODC_BASELINE=/path/to/an/older/odc adds that binary's download and upload.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
PORT=${BENCH_PORT:-18765}
bench_start "$PORT" bench
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

HAVE_RCLONE=0
if rclone_setup "$B" "$WORK" $((PORT + 1)); then HAVE_RCLONE=1; fi
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
if [ $HAVE_RCLONE = 1 ]; then
  read -r T_RC M_RC < <(measure "${RCLONE[@]}" copyto emu:bench/1GiB.bin "$WORK/rclone.bin")
  cmp "$WORK/odc.bin" "$WORK/rclone.bin"; rm -f "$WORK/rclone.bin"
  row "download 1 GiB: rclone copyto" $SIZE "$T_RC" "$M_RC"
fi
if [ -n "${ODC_BASELINE:-}" ]; then
  read -r T_BASE M_BASE < <(measure "$ODC_BASELINE" get /bench/1GiB.bin "$WORK/base.bin")
  cmp "$WORK/odc.bin" "$WORK/base.bin"; rm -f "$WORK/base.bin"
  row "download 1 GiB: baseline odc get" $SIZE "$T_BASE" "$M_BASE"
fi

# Upload
read -r T_ODC M_ODC < <(measure "$ODC" put "$WORK/odc.bin" /bench/up-odc.bin)
split -b 10485760 -d -a 4 "$WORK/odc.bin" "$WORK/frag."
# The floor: one curl process sending every fragment over one kept-alive connection.
cat >"$WORK/curl-upload.sh" <<SCRIPT
set -e
URL=\$(curl -sf -H "$AUTH" -H 'Content-Type: application/json' -d '{"item":{"@microsoft.graph.conflictBehavior":"replace"}}' "$G/me/drive/root:/bench/up-curl.bin:/createUploadSession" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uploadUrl"])')
args=()
off=0
for f in "$WORK"/frag.*; do
  len=\$(stat -c %s "\$f"); end=\$((off+len-1))
  [ \${#args[@]} -gt 0 ] && args+=(--next)
  args+=(-sf -o /dev/null -H "Content-Range: bytes \$off-\$end/$SIZE" -T "\$f" "\$URL")
  off=\$((off+len))
done
curl "\${args[@]}"
SCRIPT
read -r T_CURL M_CURL < <(measure bash "$WORK/curl-upload.sh")
rm -f "$WORK"/frag.*
row "upload 1 GiB: odc put" $SIZE "$T_ODC" "$M_ODC"
row "upload 1 GiB: curl (one connection)" $SIZE "$T_CURL" "$M_CURL"
echo "  odc/curl throughput: $(python3 -c "print(f'{$T_CURL/$T_ODC:.2f}x')")"
if [ $HAVE_RCLONE = 1 ]; then
  read -r T_RC M_RC < <(measure "${RCLONE[@]}" copyto "$WORK/odc.bin" emu:bench/up-rclone.bin)
  row "upload 1 GiB: rclone copyto" $SIZE "$T_RC" "$M_RC"
fi
if [ -n "${ODC_BASELINE:-}" ]; then
  read -r T_BASE M_BASE < <(measure "$ODC_BASELINE" put "$WORK/odc.bin" /bench/up-baseline.bin)
  row "upload 1 GiB: baseline odc put" $SIZE "$T_BASE" "$M_BASE"
fi
HASHES=$(curl -sf -H "$AUTH" "$G/me/drive/root:/bench:/children?\$select=name,file" | python3 -c 'import json,sys; v={i["name"]:i["file"]["hashes"]["quickXorHash"] for i in json.load(sys.stdin)["value"] if "file" in i}; print(v["up-odc.bin"]==v["up-curl.bin"]==v["1GiB.bin"])')
echo "  uploaded bytes identical (QuickXorHash): $HASHES"
rm -f "$WORK/odc.bin"

# Listing
read -r T_ODC M_ODC < <(measure "$ODC" ls /bench/100k)
COUNT=$("$ODC" ls /bench/100k | wc -l)
# The floor: a minimal client on one kept-alive connection, asking for the same
# pages with the same $select, finding each nextLink and parsing nothing else.
cat >"$WORK/min-list.py" <<'PY'
import http.client, re, sys, urllib.parse
base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
host = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(host.hostname, host.port)
select = "id,name,size,createdDateTime,lastModifiedDateTime,eTag,cTag,file,folder,package,remoteItem,root,parentReference,fileSystemInfo"
target = f"/v1.0/me/drive/root:{path}:/children?$top=1000&$select={select}"
link = re.compile(rb'"@odata.nextLink"\s*:\s*"([^"]*)"')
while target:
    conn.request("GET", target, headers={"Authorization": "Bearer " + token})
    reply = conn.getresponse()
    body = reply.read()
    if reply.status != 200:
        sys.exit(f"{reply.status}: {body[:200]!r}")
    found = link.search(body)
    parts = urllib.parse.urlsplit(found.group(1).decode()) if found else None
    target = f"{parts.path}?{parts.query}" if parts else None
PY
read -r T_MIN M_MIN < <(measure python3 "$WORK/min-list.py" "$B" "$TOKEN" /bench/100k)
row "list 100,000 items: odc ls ($COUNT)" 0 "$T_ODC" "$M_ODC"
row "list 100,000 items: minimal client" 0 "$T_MIN" "$M_MIN"
echo "  odc/minimal time: $(python3 -c "print(f'{$T_ODC/$T_MIN:.2f}x')")   (target <= 1.1x; RSS <= 32 MiB)"
if [ $HAVE_RCLONE = 1 ]; then
  read -r T_RC M_RC < <(measure "${RCLONE[@]}" lsf emu:bench/100k)
  row "list 100,000 items: rclone lsf" 0 "$T_RC" "$M_RC"
fi

# A pane holding the 100,000 items: the UI in a pseudo-terminal, its peak RSS read
# once every page has arrived.
cat >"$WORK/pane.py" <<'PY'
import fcntl, json, os, pty, select, signal, struct, sys, termios, time, urllib.request
odc, base, local = sys.argv[1], sys.argv[2], sys.argv[3]
urllib.request.urlopen(urllib.request.Request(base + "/_emulator/requests", method="DELETE"))
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execv(odc, [odc, local, "/bench/100k"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
start, listed, settled = time.time(), None, None
while time.time() - start < 120:
    if select.select([fd], [], [], 0.1)[0]:
        try:
            os.read(fd, 1 << 16)
        except OSError:
            break
    if listed is None:
        log = json.load(urllib.request.urlopen(base + "/_emulator/requests"))
        pages = sum(1 for r in log if "children" in r["path"] and r["status"] == 200)
        if pages >= 100:
            listed = time.time() - start
    elif settled is None and time.time() - start > listed + 2:
        settled = True
        status = open(f"/proc/{pid}/status").read()
        peak = next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM"))
        print(f"{listed:.2f} {peak}")
        break
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
if settled is None:
    sys.exit("the pane never finished listing")
PY
read -r T_PANE M_PANE < <(python3 "$WORK/pane.py" "$ODC" "$B" "$WORK")
row "pane holding 100,000 items (UI)" 0 "$T_PANE" "$M_PANE"
echo "  (target: peak RSS <= 64 MiB)"
