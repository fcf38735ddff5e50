# Sourced by the benchmarks.
#
#   bench_start PORT SEED [EMULATOR OPTIONS...]
#       a work folder ($WORK, removed on exit), the emulator on 127.0.0.1:PORT
#       ($B, its pid $EMU) and odc signed in to it in a private HOME
#   rclone_setup BASE_URL WORK_DIR PROXY_PORT   → 0 and the array RCLONE, or 1
#       rclone against the emulator when it is installed (`apt-get install rclone`)
#
# rclone's OneDrive backend has its hosts built in, so its HTTPS requests go through
# benches/graph_proxy.py (a CONNECT proxy that terminates TLS with a throwaway
# certificate, hence --no-check-certificate) to the emulator; the download and
# upload URLs the emulator hands out are on 127.0.0.1 and are reached directly.
# rclone before 1.65 sends Authorization to upload URLs (rclone#7405), which the
# emulator refuses by default as Microsoft warns the service may: the benchmarks
# start it with --accept-preauth-authorization. rclone uses the odc account
# signed in in this HOME (its token, the drive's id and type).
rclone_setup() {
  local base=$1 work=$2 port=$3
  command -v rclone >/dev/null || return 1
  command -v openssl >/dev/null || { echo "rclone: openssl is needed for the proxy, skipped" >&2; return 1; }
  openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=graph.microsoft.com \
    -keyout "$work/proxy.key" -out "$work/proxy.crt" -days 1 2>/dev/null
  python3 "$(dirname "${BASH_SOURCE[0]}")/graph_proxy.py" "$port" "$base" "$work/proxy.crt" "$work/proxy.key" &
  RCLONE_PROXY=$!
  python3 - "$XDG_DATA_HOME/odc/tokens.json" "$base" >"$work/rclone.conf" <<'PY'
import datetime, json, sys, urllib.request
store = json.load(open(sys.argv[1]))
account = store["accounts"][store["default"]]
request = urllib.request.Request(sys.argv[2] + "/v1.0/me/drive",
                                 headers={"Authorization": "Bearer " + account["access_token"]})
drive = json.load(urllib.request.urlopen(request))
expiry = datetime.datetime.fromtimestamp(account["expires_at"], datetime.timezone.utc)
token = json.dumps({"access_token": account["access_token"], "token_type": "Bearer",
                    "refresh_token": account["refresh_token"],
                    "expiry": expiry.strftime("%Y-%m-%dT%H:%M:%SZ")})
print(f"[emu]\ntype = onedrive\ntoken = {token}\ndrive_id = {drive['id']}\ndrive_type = {drive['driveType']}")
PY
  RCLONE=(env HTTPS_PROXY="http://127.0.0.1:$port" rclone --config "$work/rclone.conf" --no-check-certificate)
  for _ in $(seq 50); do "${RCLONE[@]}" lsf emu: >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "rclone: cannot reach the emulator through the proxy, skipped" >&2
  return 1
}

rclone_stop() {
  [ -n "${RCLONE_PROXY:-}" ] && kill "$RCLONE_PROXY" 2>/dev/null || true
}

bench_start() {
  local port=$1 seed=$2; shift 2
  WORK=$(mktemp -d)
  trap 'rclone_stop; kill $EMU 2>/dev/null || true; rm -rf "$WORK"' EXIT
  # --accept-preauth-authorization: for rclone (see above); odc never sends it.
  "$ODC" emulator --listen "127.0.0.1:$port" --seed "$seed" --interval 0 --approve-after 1 \
    --accept-preauth-authorization "$@" >"$WORK/emulator.log" 2>&1 &
  EMU=$!
  B=http://127.0.0.1:$port
  for _ in $(seq 100); do curl -sf "$B/" >/dev/null && break; sleep 0.1; done
  export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" \
    XDG_STATE_HOME="$WORK/home/.local/state" XDG_CACHE_HOME="$WORK/home/.cache"
  export ODC_CLIENT_ID=bench ODC_AUTHORITY_URL=$B ODC_GRAPH_URL=$B/v1.0
  "$ODC" login --device-code --no-qr >/dev/null
}
