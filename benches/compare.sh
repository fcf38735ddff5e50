#!/usr/bin/env bash
# Compare benchmark: `odc check` of a local tree of 10,000 files in 1,000 folders
# against its copy on OneDrive, on the emulator with 50 ms added to every request.
#
#   benches/compare.sh            (builds the release binary first)
#
# 1. uploads the tree (latency 0, to save time), then sets the latency to 50 ms;
# 2. first check: nothing cached (the OneDrive tree is read whole by delta, every
#    local file is hashed);
# 3. 10 files are changed on OneDrive;
# 4. second check: only the changes are fetched (delta), local hashes come from the
#    cache.
# 5. the same tree walked by `odc get --dry-run` (plans the download, lists every
#    folder), folders listed one after another and 8 at a time.
# Targets: the second check at least 10x faster than the first; the walk at least
# 4x faster with 8 folders at a time. If rclone is installed, `rclone check` of the
# same tree (after the 10 changes) and `rclone lsf -R` of it (its walk, 8 checkers)
# are timed too (benches/common.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/common.sh

[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 1; }
cargo build --release --quiet
ODC="$PWD/target/release/odc"
FOLDERS=${FOLDERS:-1000}
PER_FOLDER=${PER_FOLDER:-10}
PORT=${BENCH_PORT:-18768}
bench_start "$PORT" empty

python3 - "$WORK/tree" "$FOLDERS" "$PER_FOLDER" <<'PY'
import os, sys
root, folders, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for f in range(folders):
    d = os.path.join(root, f"dir{f // 100:02}", f"sub{f:04}")
    os.makedirs(d, exist_ok=True)
    for n in range(per):
        with open(os.path.join(d, f"file{n:02}.txt"), "w") as out:
            out.write(f"folder {f} file {n}\n" * 20)
PY
FILES=$(find "$WORK/tree" -type f | wc -l)
echo "tree: $FILES files in $(find "$WORK/tree" -mindepth 1 -type d | wc -l) folders"
"$ODC" put "$WORK/tree" /Tree >/dev/null 2>&1
curl -sf -X POST "$B/_emulator/settings" -H 'Content-Type: application/json' -d '{"latency_ms": 50}'

check() { # label; prints seconds and the check's summary
  local status=0
  /usr/bin/time -f "%e s, peak %M KiB" -o "$WORK/time" "$ODC" check "$WORK/tree" OneDrive:/Tree \
    >"$WORK/out" 2>"$WORK/err" || status=$?
  printf "%-28s %s  (exit %s, %s difference lines)\n" "$1" "$(grep -v "Command exited" "$WORK/time")" "$status" "$(wc -l <"$WORK/out")"
  sed 's/^/    /' "$WORK/err"
}

check "first check (cold caches)"
# 10 changes on OneDrive: same names, other bytes.
for n in $(seq 0 9); do
  f=$(printf 'dir%02d/sub%04d/file00.txt' $((n * 10 / 100)) $((n * 10)))
  printf 'changed %s\n' "$n" >"$WORK/changed.txt"
  "$ODC" put "$WORK/changed.txt" "/Tree/$f" >/dev/null 2>&1
done
check "second check (10 changes)"
check "third check (no change)"

walk() { # label list_concurrency
  mkdir -p "$XDG_CONFIG_HOME/odc"
  printf '[transfer]\nlist_concurrency = %s\n' "$2" >"$XDG_CONFIG_HOME/odc/config.toml"
  local status=0
  /usr/bin/time -f "%e s, peak %M KiB" -o "$WORK/time" "$ODC" get --dry-run /Tree "$WORK/dest" \
    >"$WORK/out.txt" 2>"$WORK/err" || status=$?
  printf '%-28s %s  (exit %s, %s files planned)\n' "$1" "$(grep -v "Command exited" "$WORK/time")" \
    "$status" "$(grep -c '^would download' "$WORK/out.txt" || true)"
  sed 's/^/    /' "$WORK/err" | head -5
}
walk "walk, 1 folder at a time" 1
walk "walk, 8 folders at a time" 8
rm -f "$XDG_CONFIG_HOME/odc/config.toml"

if rclone_setup "$B" "$WORK" $((PORT + 1)); then
  rc() { # label command...
    local label=$1; shift; local status=0
    /usr/bin/time -f "%e s, peak %M KiB" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || status=$?
    printf "%-28s %s  (exit %s, %s lines)\n" "$label" "$(grep -v "Command exited" "$WORK/time")" "$status" "$(wc -l <"$WORK/out")"; }
  rc "rclone check (10 changes)" "${RCLONE[@]}" check --checkers 8 "$WORK/tree" emu:Tree
  rc "rclone lsf -R, 8 checkers" "${RCLONE[@]}" lsf -R --checkers 8 emu:Tree
else
  echo "rclone: not installed (apt-get install rclone), skipped"
fi
