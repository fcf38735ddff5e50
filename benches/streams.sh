#!/usr/bin/env bash
# Large downloads on a slow link: one file downloaded with one connection and with
# four ranged streams, against the emulator with a per-connection bandwidth cap.
#
#   benches/streams.sh                 (builds the release binary first)
#   SIZE_MIB=512 CAP_MIB=10 benches/streams.sh   (from 64 MiB on: download_streams_min_bytes)
#
# Prints, side by side: curl following the 302 (one connection: the floor a
# single stream can reach), `odc get` with transfer.download_streams = 1, `odc get`
# with the default four streams, and rclone when it is installed (`apt-get install
# rclone`; skipped otherwise). Each result is compared with the uploaded file.
# Target (issue 14): four streams deliver >= 3.5x one stream.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
SIZE_MIB=${SIZE_MIB:-256}
CAP_MIB=${CAP_MIB:-20}
PORT=${BENCH_PORT:-18767}
bench_start "$PORT" empty
TOKEN=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accounts"][d["default"]]["access_token"])' "$XDG_DATA_HOME/odc/tokens.json")

# The file goes up at full speed; the cap applies to the downloads only.
head -c $((SIZE_MIB * 1048576)) /dev/urandom >"$WORK/source.bin"
"$ODC" -q put "$WORK/source.bin" /big.bin
curl -sf -X POST -d "{\"bandwidth_bytes_per_sec\": $((CAP_MIB * 1048576))}" "$B/_emulator/settings"

measure() { # prints "seconds peak_kib"
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
  cat "$WORK/time"
}
row() { # label seconds kib
  printf "%-40s %7.2f s %6.1f MiB/s %7.1f MiB RSS\n" "$1" "$2" \
    "$(python3 -c "print($SIZE_MIB/$2)")" "$(python3 -c "print($3/1024)")"
}
config() { mkdir -p "$XDG_CONFIG_HOME/odc"; printf '%s\n' "$1" >"$XDG_CONFIG_HOME/odc/config.toml"; }

echo "$SIZE_MIB MiB download, ${CAP_MIB} MiB/s per connection ($(nproc) cores)"
LOCATION=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Authorization: Bearer $TOKEN" "$B/v1.0/me/drive/root:/big.bin:/content")
read -r T_CURL M_CURL < <(measure curl -sf -o "$WORK/curl.bin" "$LOCATION")
cmp "$WORK/curl.bin" "$WORK/source.bin"; rm -f "$WORK/curl.bin"
row "curl (one connection)" "$T_CURL" "$M_CURL"

config "[transfer]
download_streams = 1"
read -r T_ONE M_ONE < <(measure "$ODC" get /big.bin "$WORK/one.bin")
cmp "$WORK/one.bin" "$WORK/source.bin"; rm -f "$WORK/one.bin"
row "odc get (download_streams = 1)" "$T_ONE" "$M_ONE"

config ""
read -r T_FOUR M_FOUR < <(measure "$ODC" get /big.bin "$WORK/four.bin")
cmp "$WORK/four.bin" "$WORK/source.bin"; rm -f "$WORK/four.bin"
row "odc get (4 streams, default)" "$T_FOUR" "$M_FOUR"
echo "  four streams / one stream: $(python3 -c "print(f'{$T_ONE/$T_FOUR:.2f}x')")   (target >= 3.5x)"

if rclone_setup "$B" "$WORK" $((PORT + 1)); then
  # rclone 1.60 downloads in 4 streams from 250 MiB on (--multi-thread-cutoff).
  read -r T_RC M_RC < <(measure "${RCLONE[@]}" copyto --multi-thread-streams 4 --multi-thread-cutoff 64M emu:big.bin "$WORK/rclone.bin")
  cmp "$WORK/rclone.bin" "$WORK/source.bin"; rm -f "$WORK/rclone.bin"
  row "rclone copyto --multi-thread-streams 4" "$T_RC" "$M_RC"
else
  echo "rclone: not installed (apt-get install rclone), skipped"
fi
