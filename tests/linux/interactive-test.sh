#!/bin/sh
# tests/linux/interactive-test.sh [EMULATOR] — check that tools/run-debian.sh (`make run-linux`) gives
# a working shell: starts it in a detached tmux session, waits for the shell banner, types
# `uname -a`, `echo $((6*7))`, `ls /proc`, `cat /proc/cpuinfo` and `poweroff -f` on the console, and checks the answers and that the
# emulator exited with status 0. Prints "PASS: linux/interactive-shell" or "FAIL: ... (reason)".
# EMULATOR defaults to ./faultline; RUN_TIMEOUT (default 600) bounds the wait for the banner.
set -u
cd "$(dirname "$0")/../.." || exit 2
EMU=${1:-${EMULATOR:-./faultline}}
shift 2>/dev/null || true
EXTRA="$*"                      # more emulator options, e.g. "-hv xen"
TMO=${RUN_TIMEOUT:-600}
NAME=linux/interactive-shell${EXTRA:+ ($EXTRA)}
command -v tmux >/dev/null 2>&1 || { echo "FAIL: $NAME (tmux not installed: apt-get install tmux)"; exit 1; }
s=fl-rundebian-$$
log=$(mktemp); trap 'tmux kill-session -t "$s" 2>/dev/null; rm -f "$log"' EXIT
tmux new-session -d -s "$s" -x 200 -y 50 "EMULATOR='$EMU' sh tools/run-debian.sh $EXTRA >'$log' 2>&1; echo \"EXIT-STATUS \$?\" >>'$log'; sleep 60"
waitfor() {  # regex, seconds
    _n=0
    while [ $_n -lt "$2" ]; do
        tr -d '\r' <"$log" | grep -qE "$1" && return 0
        sleep 1; _n=$((_n + 1))
    done
    return 1
}
waitfor 'busybox shell on the console' "$TMO" || { echo "FAIL: $NAME (no shell banner within ${TMO}s; last line: $(tr -d '\r' <"$log" | tail -1))"; exit 1; }
sleep 2   # let the shell print its prompt and open the tty
tmux send-keys -t "$s" 'uname -a' Enter
waitfor '^Linux .* aarch64 GNU/Linux' 120 || { echo "FAIL: $NAME (uname -a got no answer)"; tail -5 "$log"; exit 1; }
tmux send-keys -t "$s" 'echo $((6*7))' Enter
waitfor '^42$' 120 || { echo "FAIL: $NAME (echo \$((6*7)) got no 42)"; tail -5 "$log"; exit 1; }
tmux send-keys -t "$s" 'ls /proc | grep -c -E "^(cpuinfo|interrupts|meminfo|self)$"' Enter
waitfor '^4$' 120 || { echo "FAIL: $NAME (ls /proc lacks cpuinfo/interrupts/meminfo/self)"; tail -5 "$log"; exit 1; }
tmux send-keys -t "$s" 'cat /proc/cpuinfo' Enter
waitfor '^CPU part[[:space:]]*: 0xd07' 120 || { echo "FAIL: $NAME (cat /proc/cpuinfo shows no Cortex-A57)"; tail -5 "$log"; exit 1; }
# Typed input raised PL011 receive interrupts (through list registers under -hv xen).
tmux send-keys -t "$s" 'echo uart-irqs=$(grep uart-pl011 /proc/interrupts | tr -s " " | cut -d" " -f3)' Enter
waitfor '^uart-irqs=[1-9][0-9]*$' 120 || { echo "FAIL: $NAME (no uart-pl011 interrupt counted after typing)"; tail -5 "$log"; exit 1; }
tmux send-keys -t "$s" 'poweroff -f' Enter
waitfor '^EXIT-STATUS ' 120 || { echo "FAIL: $NAME (the emulator did not exit after poweroff -f)"; tail -5 "$log"; exit 1; }
st=$(sed -n 's/^EXIT-STATUS //p' "$log")
[ "$st" = 0 ] || { echo "FAIL: $NAME (emulator exit status $st)"; tail -5 "$log"; exit 1; }
echo "PASS: $NAME"
