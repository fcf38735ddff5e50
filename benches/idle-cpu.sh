#!/usr/bin/env bash
# Idle CPU of the UI: runs `odc demo` (release) in a detached tmux session, waits for
# sign-in and the listings to finish, then counts the CPU ticks the process uses
# while nobody touches it.   benches/idle-cpu.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 1; }
SECONDS_IDLE=${1:-20}
cargo build --release --quiet
DIR=$(mktemp -d)
SESSION=odc-idle-$$
trap 'tmux kill-session -t $SESSION 2>/dev/null || true; rm -rf "$DIR"' EXIT
tmux new-session -d -s $SESSION -x 100 -y 30 "$PWD/target/release/odc demo $DIR"
for _ in $(seq 100); do
  tmux capture-pane -p -t $SESSION | grep -q "Signed in as" && break
  sleep 0.2
done
sleep 2
PID=$(pgrep -f "release/odc demo $DIR" | head -1)
HZ=$(getconf CLK_TCK)
T0=$(awk '{print $14+$15}' /proc/$PID/stat)
sleep "$SECONDS_IDLE"
T1=$(awk '{print $14+$15}' /proc/$PID/stat)
python3 -c "print(f'odc demo idle: {$T1-$T0} CPU ticks in $SECONDS_IDLE s = {100*($T1-$T0)/$HZ/$SECONDS_IDLE:.3f}% CPU')"
