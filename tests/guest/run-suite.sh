#!/bin/sh
# tests/guest/run-suite.sh — runs every bare-metal guest on ./faultline and on QEMU.
#   sh tests/guest/run-suite.sh              faultline + QEMU comparison (picked up by tests/run.sh)
#   sh tests/guest/run-suite.sh --qemu-only  validate the guests on qemu-system-aarch64 alone
# Lines printed (tests/run.sh counts them):
#   PASS: guest/NAME         faultline ran NAME: exit 0 within the timeout, no FAIL or UNEXPECTED
#                            line, and either the output equals NAME/expected.txt (after masking)
#                            or it has a "RESULT ok" line.
#   PASS: qemu-compat/NAME   faultline's console output equals QEMU's (-M virt -cpu cortex-a57),
#                            after dropping lines that legitimately differ: "INFO ..." lines
#                            (CPU-specific values) and checks tagged "[qemu-differs]" (QEMU is
#                            wrong there; the guest's source says why), and masking the MIDR value
#                            of the demo banner.
#   PASS: qemu/NAME          (--qemu-only) the guest passes on QEMU by the same rule as guest/NAME
#                            ("[qemu-differs]" FAIL lines allowed).
# Faultline-only guests (a device QEMU's virt board does not have, see flonly_of) print only the
# guest/NAME line: there is nothing to compare with.
# A missing ./faultline, a missing option or a crash is a FAIL, never a silent skip.
# Environment: FAULTLINE (default ./faultline), QEMU (default qemu-system-aarch64),
# GUEST_TIMEOUT seconds per run (default 30), GUESTS (space-separated subset of the list below).
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
QEMU=${QEMU:-qemu-system-aarch64}
TMO=${GUEST_TIMEOUT:-30}
BUILD=tests/guest/build
# NAME[.bin][:VARIANT]: NAME runs build/NAME.elf; NAME.bin runs the raw image build/NAME.bin;
# :VARIANT names a machine configuration (see machine_of / extra_of) for guests that run in several.
ALL="hello hello.bin demo undef extabort alu ldst svc sysreg dtbinfo dtbinfo.bin
 mmu_faults mmu_granules tlbi at_par align el0 timer timer:gic3 gicv2 gicv3 smp smp:gic3 gdb_target fp
 discover.bin:v2 discover.bin:v3 discover.bin:v2smp4 discover.bin:v3smp4
 pl330_dma:smmu pl330_dma:nosmmu"
LIST=${GUESTS:-$ALL}
mode=${1:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

image_of() { n=${1%%:*}; case "$n" in *.bin) echo "$BUILD/$n" ;; *) echo "$BUILD/$n.elf" ;; esac; }
dir_of()   { n=${1%%:*}; echo "tests/guest/${n%.bin}"; }
# Per-guest machine options (the same for faultline and QEMU): -M value, then extra options.
machine_of() {
    case "$1" in
    gicv3|*:gic3|*:v3|*:v3smp4) echo "virt,gic-version=3" ;;
    gicv2|*:v2|*:v2smp4) echo "virt,gic-version=2" ;;
    *) echo "virt" ;;
    esac
}
extra_of() {
    case "$1" in
    smp|smp:*|*:*smp4) echo "-smp 4" ;;
    *) echo "" ;;
    esac
}

# Faultline-only variants: their extra faultline options (QEMU's virt has no PL330). Empty for
# every guest that must also run on QEMU.
flonly_of() {
    case "$1" in
    pl330_dma:smmu) echo "-device pl330" ;;              # behind the SMMU in its reset state (bypass)
    pl330_dma:nosmmu) echo "-device pl330,iommu=off" ;;  # no SMMU in front of the engine
    *) echo "" ;;
    esac
}

# Normalise a console log: no CR, masked values, no INFO / [qemu-differs] lines (for comparison).
compare_form() {
    tr -d '\r' <"$1" | sed -E -e 's/^(MIDR_EL1 = ).*/\1<masked>/' \
        | grep -v -e '^INFO ' -e '\[qemu-differs\]'
}
# Judge one run: log, rc, name (+ "qemu" to allow [qemu-differs] failures). Prints a reason or nothing.
judge() {
    log=$1; rc=$2; name=$3; who=${4:-}
    [ "$rc" = 124 ] && { echo "timeout after ${TMO}s"; return; }
    [ "$rc" != 0 ] && { echo "exit status $rc: $(tr -d '\r' <"$log" | grep -v '^\(PASS\|INFO\) ' | tail -2 | tr '\n' ' ')"; return; }
    if grep -q '^UNEXPECTED' "$log"; then echo "$(grep -m1 '^UNEXPECTED' "$log" | tr -d '\r')"; return; fi
    if [ "$who" = qemu ]; then f=$(tr -d '\r' <"$log" | grep '^FAIL' | grep -v '\[qemu-differs\]' | head -1)
    else f=$(tr -d '\r' <"$log" | grep -m1 '^FAIL'); fi
    [ -n "$f" ] && { echo "$f"; return; }
    exp="$(dir_of "$name")/expected.txt"
    if [ -f "$exp" ]; then
        compare_form "$log" >"$tmp/norm"
        cmp -s "$tmp/norm" "$exp" || echo "output differs from $exp: $(diff "$exp" "$tmp/norm" | grep '^[<>]' | head -2 | tr '\n' ' ')"
        return
    fi
    grep -q '^RESULT ok' "$log" || echo "no 'RESULT ok' line"
}

run_qemu() {  # image log entry -> rc
    # shellcheck disable=SC2046
    timeout "$TMO" "$QEMU" -M "$(machine_of "$3")" -cpu cortex-a57 $(extra_of "$3") -nographic \
        -kernel "$1" </dev/null >"$2" 2>"$2.err"
}

if [ ! -d "$BUILD" ]; then
    echo "FAIL: guest/build (no $BUILD: run 'make guests')"; exit 1
fi

if [ "$mode" = --qemu-only ]; then
    for g in $LIST; do
        [ -n "$(flonly_of "$g")" ] && continue
        img=$(image_of "$g")
        [ -f "$img" ] || { echo "FAIL: qemu/$g (missing $img: run 'make guests')"; continue; }
        run_qemu "$img" "$tmp/q.log" "$g"; rc=$?
        why=$(judge "$tmp/q.log" $rc "$g" qemu)
        if [ -z "$why" ]; then echo "PASS: qemu/$g"; else echo "FAIL: qemu/$g ($why)"; fi
    done
    exit 0
fi

# faultline must accept -no-summary (a run that rejects it fails with faultline's own error
# line in the reason); an instruction-count guard is added when -help offers -icount-limit.
fl_ok=1; fl_why=""; guard=""
if [ ! -x "$FL" ]; then
    fl_ok=0; fl_why="$FL not built (make faultline)"
else
    help=$("$FL" -help 2>&1; "$FL" --help 2>&1)
    if echo "$help" | grep -q -- '-icount-limit'; then guard="-icount-limit 4000000000"; fi
fi
have_qemu=1
command -v "$QEMU" >/dev/null 2>&1 || have_qemu=0

for g in $LIST; do
    img=$(image_of "$g")
    if [ ! -f "$img" ]; then
        echo "FAIL: guest/$g (missing $img: run 'make guests')"
        echo "FAIL: qemu-compat/$g (missing $img)"
        continue
    fi
    if [ $fl_ok = 0 ]; then
        echo "FAIL: guest/$g ($fl_why)"
        echo "FAIL: qemu-compat/$g ($fl_why)"
        continue
    fi
    flonly=$(flonly_of "$g")
    # shellcheck disable=SC2086,SC2046
    timeout "$TMO" "$FL" -M "$(machine_of "$g")" $(extra_of "$g") $flonly -nographic -no-summary $guard \
        -kernel "$img" </dev/null >"$tmp/f.log" 2>"$tmp/f.err"
    rc=$?
    why=$(judge "$tmp/f.log" $rc "$g")
    [ -n "$why" ] && [ $rc != 0 ] && why="$why $(tail -1 "$tmp/f.err")"
    if [ -z "$why" ]; then echo "PASS: guest/$g"; else echo "FAIL: guest/$g ($why)"; fi
    [ -n "$flonly" ] && continue

    if [ $have_qemu = 0 ]; then echo "FAIL: qemu-compat/$g ($QEMU not installed)"; continue; fi
    run_qemu "$img" "$tmp/q.log" "$g"; qrc=$?
    qwhy=$(judge "$tmp/q.log" $qrc "$g" qemu)
    if [ -n "$qwhy" ]; then echo "FAIL: qemu-compat/$g (guest fails on QEMU: $qwhy)"; continue; fi
    compare_form "$tmp/f.log" >"$tmp/f.cmp"; compare_form "$tmp/q.log" >"$tmp/q.cmp"
    if cmp -s "$tmp/f.cmp" "$tmp/q.cmp"; then echo "PASS: qemu-compat/$g"
    else echo "FAIL: qemu-compat/$g (console differs: $(diff "$tmp/q.cmp" "$tmp/f.cmp" | grep '^[<>]' | head -2 | tr '\n' ' '))"; fi
done
exit 0
