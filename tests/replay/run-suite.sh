#!/bin/sh
# tests/replay/run-suite.sh — record/replay of a whole run (-icount shift=auto,rr=record|replay,
# rrfile=FILE; docs/trace.md "Record and replay"). Prints PASS:/FAIL: lines (tests/run.sh).
#  replay/echo-interactive   tests/guest/echo recorded with its console on a pseudo-terminal
#                            (tests/replay/pty-drive.py types "ab", pauses, "cq"), so the input and
#                            the wall-clock idle pacing are live; replayed with stdin at /dev/null:
#                            the same console bytes, "replay: identical", the same per-vCPU counts,
#                            and -trace files identical after the header
#  replay/echo-batch         the same with input from a pipe (not interactive)
#  replay/refuse-kernel      the kernel changed since the recording: refused, exit 1
#  replay/refuse-cmdline     another command line (-m 256M): refused, exit 1
#  replay/refuse-corrupt     a flipped byte / a truncated rrfile: refused cleanly, exit 1
#  replay/diverged           a recorded input moved to another instruction count (CRCs
#                            recomputed): "replay: diverged", exit 4
#  replay/linux-interactive  (tests/replay/linux-test.sh) a busybox session typed through tmux,
#                            replayed in batch; skipped with LINUX_REPLAY=0
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
ECHO=tests/guest/build/echo.elf
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
for f in "$FL" ./faultline-trace "$ECHO"; do
    [ -x "$f" ] || [ -f "$f" ] || { echo "FAIL: replay/setup ($f missing: make faultline faultline-trace guests)"; exit 1; }
done
command -v python3 >/dev/null || { echo "FAIL: replay/setup (python3 missing)"; exit 1; }
cp "$ECHO" "$d/k.elf"
run_opts="-M virt -nographic -kernel $d/k.elf"

counts() { grep -E '^cpu[0-9]+: ' "$1" | sed 's/, irqs.*//'; }
body() { python3 -c "import struct,sys; b=open(sys.argv[1],'rb').read(); sys.stdout.buffer.write(b[struct.unpack_from('<I',b,12)[0]:])" "$1"; }

check_replay() {  # name, record-console, rrfile, record-trace, record-stderr
    n=$1; why=""
    # shellcheck disable=SC2086
    $FL $run_opts -icount shift=auto,rr=replay,rrfile="$3" -trace file="$d/$n.replay.fltr" </dev/null >"$d/$n.replay.out" 2>"$d/$n.replay.err"
    rc=$?
    [ "$rc" = 0 ] || why="replay exit status $rc: $(grep -m1 'replay\|faultline:' "$d/$n.replay.err")"
    grep -q '^replay: identical ([0-9]* instructions, [0-9]* cycles)$' "$d/$n.replay.err" || why="${why:+$why; }no 'replay: identical' line"
    cmp -s "$2" "$d/$n.replay.out" || why="${why:+$why; }console output differs"
    grep -q '^RESULT ok' "$d/$n.replay.out" || why="${why:+$why; }no RESULT ok in the replay"
    [ -n "$(counts "$d/$n.replay.err")" ] && [ "$(counts "$d/$n.replay.err")" = "$(counts "$5")" ] || why="${why:+$why; }per-vCPU counts differ"
    body "$4" >"$d/b1"; body "$d/$n.replay.fltr" >"$d/b2"
    [ -s "$d/b1" ] && cmp -s "$d/b1" "$d/b2" || why="${why:+$why; }-trace records differ"
    if [ -z "$why" ]; then echo "PASS: replay/$n ($(sed -n 's/^replay: //p' "$d/$n.replay.err"))"; else echo "FAIL: replay/$n ($why)"; fi
}

# 1. interactive: a pty on stdin
# shellcheck disable=SC2086
python3 tests/replay/pty-drive.py "$d/i.rec.out" "echo: rtc" "ab~cq" -- sh -c \
    "exec $FL $run_opts -icount shift=auto,rr=record,rrfile=$d/i.rr -trace file=$d/i.rec.fltr 2>$d/i.rec.err"
rc=$?
if [ "$rc" != 0 ] || ! grep -q '^RESULT ok' "$d/i.rec.out"; then
    echo "FAIL: replay/echo-interactive (recording: status $rc, $(tail -1 "$d/i.rec.out"))"
else
    ./faultline-trace dump "$d/i.rr" >"$d/i.dump"
    # The interactive path was taken: 4 inputs, and idle time passed at the wall clock's pace
    # (1.3 s of typing and pauses; a batch run of the same guest takes 3 million cycles).
    cy=$(sed -n 's/.*RUN-END status=0 cycles=\([0-9]*\) .*/\1/p' "$d/i.dump")
    if [ "$(grep -c 'RR-INPUT console round=' "$d/i.dump")" != 4 ] || [ "${cy:-0}" -lt 1000000000 ]; then
        echo "FAIL: replay/echo-interactive (expected 4 console inputs and >= 1e9 cycles of wall-paced idle time: $(grep -c 'RR-INPUT console ' "$d/i.dump") inputs, ${cy:-?} cycles)"
    else
        check_replay echo-interactive "$d/i.rec.out" "$d/i.rr" "$d/i.rec.fltr" "$d/i.rec.err"
    fi
fi

# 2. batch: a pipe on stdin
# shellcheck disable=SC2086
printf 'xyq' | $FL $run_opts -icount shift=auto,rr=record,rrfile="$d/b.rr" -trace file="$d/b.rec.fltr" >"$d/b.rec.out" 2>"$d/b.rec.err"
check_replay echo-batch "$d/b.rec.out" "$d/b.rr" "$d/b.rec.fltr" "$d/b.rec.err"

refused() {  # name, expected message part, command...
    n=$1; m=$2; shift 2
    "$@" </dev/null >"$d/$n.out" 2>"$d/$n.err"; rc=$?
    if [ "$rc" = 1 ] && grep -q "^faultline: .*$m" "$d/$n.err" && [ ! -s "$d/$n.out" ]; then
        echo "PASS: replay/$n ($(head -1 "$d/$n.err" | cut -c1-150))"
    else
        echo "FAIL: replay/$n (status $rc, stderr '$(head -1 "$d/$n.err")', expected exit 1 and '$m')"
    fi
}
# 3. inputs that differ from the recording
cp "$d/k.elf" "$d/k.orig"; printf 'x' >>"$d/k.elf"
# shellcheck disable=SC2086
refused refuse-kernel "kernel: its SHA-256 differs from the recording" $FL $run_opts -icount shift=auto,rr=replay,rrfile="$d/b.rr"
cp "$d/k.orig" "$d/k.elf"
# shellcheck disable=SC2086
refused refuse-cmdline "recorded with another command line" $FL $run_opts -m 256M -icount shift=auto,rr=replay,rrfile="$d/b.rr"
# 4. damaged files: a flipped byte in the last record, a cut file
python3 -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[-10]^=0x40; open(sys.argv[2],'wb').write(b)" "$d/i.rr" "$d/flip.rr"
head -c $(($(wc -c <"$d/i.rr") - 7)) "$d/i.rr" >"$d/cut.rr"
# shellcheck disable=SC2086
refused refuse-corrupt "CRC" $FL $run_opts -icount shift=auto,rr=replay,rrfile="$d/flip.rr"
# shellcheck disable=SC2086
refused refuse-truncated "truncated" $FL $run_opts -icount shift=auto,rr=replay,rrfile="$d/cut.rr"
# 5. divergence: the first console input's instruction count + 1 (frame CRC recomputed)
python3 - "$d/b.rr" "$d/div.rr" <<'PY'
import struct, sys, zlib
b = bytearray(open(sys.argv[1], 'rb').read())
off = struct.unpack_from('<I', b, 12)[0]
while off < len(b):
    kind, flags, plen = struct.unpack_from('<HHI', b, off)
    if kind == 16 and b[off + 40 + 20] == 0:          # RR-INPUT, type console
        ic = struct.unpack_from('<Q', b, off + 16)[0]
        struct.pack_into('<Q', b, off + 16, ic + 1)
        struct.pack_into('<I', b, off + 36, zlib.crc32(bytes(b[off:off + 36])))
        break
    off += 40 + plen
open(sys.argv[2], 'wb').write(b)
PY
# shellcheck disable=SC2086
$FL $run_opts -icount shift=auto,rr=replay,rrfile="$d/div.rr" </dev/null >"$d/div.out" 2>"$d/div.err"; rc=$?
if [ "$rc" = 4 ] && grep -q '^replay: diverged: round [0-9]* (round): the recording.s console input came at vCPU 0 icount' "$d/div.err"; then
    echo "PASS: replay/diverged ($(grep -m1 '^replay: diverged' "$d/div.err" | cut -c1-160))"
else
    echo "FAIL: replay/diverged (status $rc, '$(grep -m1 'replay\|faultline:' "$d/div.err")')"
fi
# 6. Linux: an interactive busybox session
if [ "${LINUX_REPLAY:-1}" = 1 ]; then sh tests/replay/linux-test.sh "$FL"; fi
