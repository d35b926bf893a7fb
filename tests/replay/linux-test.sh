#!/bin/sh
# tests/replay/linux-test.sh [EMULATOR] — record an interactive busybox session and replay it.
# Starts Debian's arm64 kernel + faultline's initramfs (guest-cache/, tools/fetch-guest.sh), 2 vCPUs, in a
# detached tmux session with -icount shift=auto,rr=record (the RTC from the host clock, a 4 MiB
# disk with snapshot=on), types commands with pauses on the console (so the wall-clock idle
# pacing and the typing times are inputs of the run), one of them writing to the disk, and
# `poweroff -f`. Then replays it in batch (stdin /dev/null) and checks: the same console bytes,
# "replay: identical", the same per-vCPU instructions and cycles, and that the disk file was
# never modified. Prints "PASS: replay/linux-interactive (...)" or "FAIL: ... (reason)".
set -u
cd "$(dirname "$0")/../.." || exit 2
EMU=${1:-./faultline}
NAME=replay/linux-interactive
command -v tmux >/dev/null 2>&1 || { echo "FAIL: $NAME (tmux not installed)"; exit 1; }
[ -f guest-cache/Image ] && [ -f guest-cache/initramfs.cpio.gz ] || sh tools/fetch-guest.sh >/dev/null 2>&1 \
    || { echo "FAIL: $NAME (the Debian guest could not be fetched)"; exit 1; }
d=$(mktemp -d); s=fl-replay-$$
trap 'tmux kill-session -t "$s" 2>/dev/null; rm -rf "$d"' EXIT
seq 0 9999 | awk '{ printf "%07d faultline disk\n", $1 }' | head -c 65536 >"$d/disk.img"
truncate -s 4M "$d/disk.img"
sum0=$(sha256sum <"$d/disk.img")
set -- -M virt -m 256M -smp 2 -nographic -kernel guest-cache/Image -initrd guest-cache/initramfs.cpio.gz \
    -append "console=ttyAMA0 faultline.modules=virtio_mmio,virtio_blk" \
    -drive "file=$d/disk.img,if=none,format=raw,id=d0,snapshot=on" -device virtio-blk-device,drive=d0
{   # the recording's command, run by tmux (console on its terminal, output to files)
    printf 'exec'
    for a in "$EMU" "$@" -icount "shift=auto,rr=record,rrfile=$d/run.rr"; do printf " '%s'" "$a"; done
    printf ' >%s/rec.out 2>%s/rec.err\n' "$d" "$d"
} >"$d/rec.sh"
tmux new-session -d -s "$s" -x 160 -y 40 "sh $d/rec.sh; echo \$? >$d/rec.status"
waitfor() {  # regex, seconds
    _n=0
    while [ $_n -lt "$2" ]; do
        { tr -d "\r" <"$d/rec.out" | grep -qE "$1"; } 2>/dev/null && return 0
        sleep 0.5; _n=$((_n + 1))
    done
    return 1
}
fail() { echo "FAIL: $NAME ($*)"; tail -3 "$d/rec.out" 2>/dev/null; exit 1; }
waitfor 'busybox shell on the console' 600 || fail "no shell banner within 300 s"
sleep 1
tmux send-keys -t "$s" 'echo typed-$((6*7))' Enter
waitfor '^typed-42' 120 || fail "echo got no answer"
sleep 1.5
tmux send-keys -t "$s" 'sleep 1; echo slept' Enter
waitfor '^slept' 120 || fail "sleep 1 did not end"
sleep 0.7
tmux send-keys -t "$s" 'echo written-by-the-guest | dd of=/dev/vda conv=notrunc 2>/dev/null; sync; head -c 21 /dev/vda; echo' Enter
waitfor '^written-by-the-guest' 120 || fail "the disk write did not read back"
sleep 0.5
tmux send-keys -t "$s" 'cat /proc/uptime; poweroff -f' Enter
_n=0; while [ ! -f "$d/rec.status" ] && [ $_n -lt 240 ]; do sleep 0.5; _n=$((_n + 1)); done
[ "$(cat "$d/rec.status" 2>/dev/null)" = 0 ] || fail "recording: emulator status $(cat "$d/rec.status" 2>/dev/null)"
[ "$(sha256sum <"$d/disk.img")" = "$sum0" ] || fail "the recording modified the disk file despite snapshot=on"
"$EMU" "$@" -icount shift=auto,rr=replay,rrfile="$d/run.rr" </dev/null >"$d/rep.out" 2>"$d/rep.err"
rc=$?
why=""
[ "$rc" = 0 ] || why="replay status $rc: $(grep -m1 'replay:\|faultline:' "$d/rep.err")"
grep -q '^replay: identical' "$d/rep.err" || why="${why:+$why; }no 'replay: identical'"
cmp -s "$d/rec.out" "$d/rep.out" || why="${why:+$why; }console bytes differ"
c1=$(grep -E '^cpu[0-9]+: ' "$d/rec.err" | sed 's/, irqs.*//'); c2=$(grep -E '^cpu[0-9]+: ' "$d/rep.err" | sed 's/, irqs.*//')
[ -n "$c1" ] && [ "$c1" = "$c2" ] || why="${why:+$why; }counts differ: '$c1' / '$c2'"
[ "$(sha256sum <"$d/disk.img")" = "$sum0" ] || why="${why:+$why; }the replay modified the disk file"
ni=$(./faultline-trace dump "$d/run.rr" | grep -c 'RR-INPUT console ')
nc=$(./faultline-trace dump "$d/run.rr" | grep -c 'RR-INPUT idle-cut')
[ -z "$why" ] || fail "$why"
echo "PASS: $NAME ($(sed -n 's/^replay: //p' "$d/rep.err"); $ni console inputs, $nc idle cuts recorded, rrfile $(wc -c <"$d/run.rr") bytes)"
