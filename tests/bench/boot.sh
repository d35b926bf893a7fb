#!/bin/sh
# tests/bench/boot.sh — `make bench-boot`: boot the Debian arm64 guest (guest-cache/, see
# tools/fetch-guest.sh) through its boot-test script to power-off, on faultline and on QEMU (TCG):
#   FAULTLINE -M virt,gic-version=2 -cpu cortex-a57 -m 512M -smp 1 -nographic -no-reboot \
#     -kernel guest-cache/Image -initrd guest-cache/initramfs.cpio.gz \
#     -append "console=ttyAMA0 faultline.script=boot-test"
# and the same with QEMU, alternated, BENCH_RUNS times each (default 5). Every run must reach
# BOOT-TEST-DONE and exit 0; prints the median wall time of each, the ratio faultline/QEMU,
# faultline's peak RSS (/usr/bin/time -f %M) and, when its exit summary (stderr) counts
# "instructions", its MIPS. If faultline does not boot, says so with the last lines of its console
# and prints no ratio. Exit status 0 only when every run of both booted.
# The hypervisor row (BENCH_HV=1, the default): each run also boots faultline with `-hv xen`
# (the kernel as dom0 of the native hypervisor, docs/hv.md) and the table adds its median and
# its overhead over `-hv none` (issue 6 target: <= 15 %). Beside it, the reference a user would
# otherwise reach for: real Xen 4.17 (Debian's xen-hypervisor-4.17-arm64, tools/fetch-xen.sh) with
# the same kernel as dom0 on QEMU -M virt,virtualization=on (guest-loader), booted BENCH_RUNS times
# by tests/bench/xen-qemu.sh after the other runs (same gic-version and smp); its median wall time
# to power-off, or "not available: <reason>".
# Environment: FAULTLINE (default ./faultline), QEMU (default qemu-system-aarch64), BENCH_RUNS,
# BENCH_TIMEOUT (seconds per boot, default 600), BENCH_SMP (default 1), BENCH_GIC (default 2),
# BENCH_HV (default 1).
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
QEMU=${QEMU:-qemu-system-aarch64}
RUNS=${BENCH_RUNS:-5}
TMO=${BENCH_TIMEOUT:-600}
SMP=${BENCH_SMP:-1}
GIC=${BENCH_GIC:-2}
HVROW=${BENCH_HV:-1}
TIME=/usr/bin/time
CACHE=guest-cache
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
say() { echo "bench-boot: $*"; }

[ -x "$TIME" ] || { say "$TIME missing (apt-get install time)" >&2; exit 1; }
command -v "$QEMU" >/dev/null 2>&1 || { say "$QEMU missing (apt-get install qemu-system-arm)" >&2; exit 1; }
if [ ! -f "$CACHE/Image" ] || [ ! -f "$CACHE/initramfs.cpio.gz" ]; then
    sh tools/fetch-guest.sh "$CACHE" || { say "FAILED: the guest could not be fetched (tools/fetch-guest.sh)"; exit 1; }
fi
have_fl=1
command -v "$FL" >/dev/null 2>&1 || { have_fl=0; say "FAILED: $FL not built (make faultline): measuring QEMU only"; }

# boot BINARY TAG [EXTRA...]: one boot; appends wall time / RSS / kernel time-to-init to $tmp/TAG.*; 0 if it booted.
boot() {
    _bin=$1 _tag=$2; shift 2
    $TIME -f "%e %M" -o "$tmp/t" timeout -k 10 "$TMO" "$_bin" -M "virt,gic-version=$GIC" -cpu cortex-a57 \
        -m 512M -smp "$SMP" -nographic -no-reboot -kernel "$CACHE/Image" -initrd "$CACHE/initramfs.cpio.gz" \
        -append "console=ttyAMA0 faultline.script=boot-test" "$@" </dev/null >"$tmp/$_tag.out" 2>"$tmp/$_tag.err"
    _rc=$?
    tr -d '\r' <"$tmp/$_tag.out" >"$tmp/$_tag.con"
    if [ $_rc != 0 ] || ! grep -qx 'BOOT-TEST-DONE' "$tmp/$_tag.con"; then
        [ $_rc = 124 ] && _why="timed out after ${TMO}s" || _why="exit status $_rc"
        grep -qx 'BOOT-TEST-DONE' "$tmp/$_tag.con" || _why="$_why, no BOOT-TEST-DONE"
        echo "$_why" >"$tmp/$_tag.why"
        return 1
    fi
    awk '$1 ~ /^[0-9.]+$/ {t = $1; m = $2} END {print t; print m > "/dev/stderr"}' "$tmp/t" \
        >>"$tmp/$_tag.times" 2>>"$tmp/$_tag.rss"
    sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process$/\1/p' "$tmp/$_tag.con" | head -1 >>"$tmp/$_tag.init"
    return 0
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

status=0; insns=""
: >"$tmp/fl.times"; : >"$tmp/q.times"; : >"$tmp/hv.times"; : >"$tmp/hvl.times"; : >"$tmp/hvt.times"; : >"$tmp/hve.times"; hv_ok=$HVROW
i=1
while [ "$i" -le "$RUNS" ]; do
    if [ $have_fl = 1 ]; then
        if boot "$FL" fl; then
            n=$(tr -d ',' <"$tmp/fl.err" | grep -i 'instructions' | grep -oE '[0-9]+ instructions|instructions[^0-9]*[0-9]+' \
                | grep -oE '[0-9]+' | tail -1)
            [ -n "$n" ] && insns=$n
            say "run $i: faultline $(tail -1 "$tmp/fl.times") s"
        else
            say "FAILED: faultline did not boot on run $i ($(cat "$tmp/fl.why")); no ratio. Last console lines:"
            grep -v '^[[:space:]]*$' "$tmp/fl.con" | tail -15 | sed 's/^/  | /'
            if [ -s "$tmp/fl.err" ]; then say "last stderr lines:"; tail -5 "$tmp/fl.err" | sed 's/^/  | /'; fi
            have_fl=0; status=1
        fi
    fi
    if [ $have_fl = 1 ] && [ "$hv_ok" = 1 ]; then
        if boot "$FL" hv -hv xen; then
            say "run $i: faultline -hv xen $(tail -1 "$tmp/hv.times") s"
        else
            say "FAILED: faultline -hv xen did not boot on run $i ($(cat "$tmp/hv.why")); no hypervisor row"
            hv_ok=0; status=1
        fi
        # MMIO policy and trace stream rows (issue 7): lazy vs eager, tracing on vs off.
        for v in "hvl:-hv xen,mmio=lazy" "hvt:-hv xen,mmio=lazy -trace file=$tmp/boot.trace" "hve:-hv xen,mmio=eager -trace file=$tmp/boot.trace"; do
            # shellcheck disable=SC2086
            boot "$FL" ${v%%:*} ${v#*:} && say "run $i: faultline ${v#*:} $(tail -1 "$tmp/${v%%:*}.times") s" \
                || { say "FAILED: faultline ${v#*:} ($(cat "$tmp/${v%%:*}.why"))"; status=1; }
            [ -f "$tmp/boot.trace" ] && wc -c <"$tmp/boot.trace" >"$tmp/${v%%:*}.tsize" && rm -f "$tmp/boot.trace"
        done
    fi
    if boot "$QEMU" q; then
        say "run $i: QEMU $(tail -1 "$tmp/q.times") s"
    else
        say "QEMU run $i did not boot ($(cat "$tmp/q.why"))" >&2; tail -5 "$tmp/q.con" >&2; status=1
    fi
    i=$((i + 1))
done

# --- Reference row: real Xen 4.17 dom0 on QEMU TCG (tests/bench/xen-qemu.sh) ---
# xen_runs: BENCH_RUNS boots after the others; sets xen_t to the median wall time to power-off
# (to BOOT-TEST-DONE if QEMU had to be killed after it), or "not available: <reason>" — never a
# number it did not measure. Does not change the exit status (the reference is not faultline's).
xen_runs() {
    _xt=""; _xi=1
    while [ "$_xi" -le "$RUNS" ]; do
        _xo=$(QEMU="$QEMU" XEN_QEMU_GIC="$GIC" XEN_QEMU_SMP="$SMP" XEN_QEMU_TIMEOUT="$TMO" XEN_QEMU_QUIET=1 \
            sh tests/bench/xen-qemu.sh 2>&1 | tail -1)
        case $_xo in
            *"exit after "*) _xv=${_xo##*exit after }; _xv=${_xv%% s*} ;;
            *"BOOT-TEST-DONE after "*) _xv=${_xo##*BOOT-TEST-DONE after }; _xv=${_xv%% s*} ;;
            *) _xt="not available: ${_xo#xen-qemu: not available: }"; break ;;
        esac
        say "run $_xi: real Xen 4.17 dom0 on QEMU $_xv s"
        echo "$_xv" >>"$tmp/xen.times"; _xi=$((_xi + 1))
    done
    [ -n "$_xt" ] || _xt=$(median <"$tmp/xen.times")
    xen_t=$_xt
}
[ "$HVROW" = 1 ] && xen_runs

qt=$(median <"$tmp/q.times")
qi=$(median <"$tmp/q.init" 2>/dev/null)
echo "bench-boot: Debian $(cat "$CACHE/VERSION" 2>/dev/null | awk '{print $2}') to BOOT-TEST-DONE and power-off, gic-version=$GIC, smp $SMP, $RUNS runs each"
printf '%-34s %12s %12s\n' "" "faultline" "QEMU"
if [ -s "$tmp/fl.times" ] && [ $status = 0 ]; then
    ft=$(median <"$tmp/fl.times")
    fi_=$(median <"$tmp/fl.init")
    rss=$(sort -n "$tmp/fl.rss" | tail -1)
    qrss=$(sort -n "$tmp/q.rss" | tail -1)
    ratio=$(awk -v a="$ft" -v b="$qt" 'BEGIN {printf "%.2fx", a / b}')
    if [ -n "$insns" ]; then mips=$(awk -v n="$insns" -v t="$ft" 'BEGIN {printf "%.1f", n / t / 1e6}'); else mips="n/a"; fi
    printf '%-34s %12s %12s\n' "median wall time (s)" "$ft" "$qt"
    printf '%-34s %12s %12s\n' "median kernel time to /init (s)" "$fi_" "$qi"
    printf '%-34s %12s %12s\n' "time ratio faultline/QEMU" "$ratio" "1.00x"
    printf '%-34s %12s %12s\n' "peak RSS (KiB)" "$rss" "$qrss"
    printf '%-34s %12s %12s\n' "MIPS (exit summary)" "$mips" "-"
    if [ "$HVROW" = 1 ]; then
        if [ "$hv_ok" = 1 ] && [ -s "$tmp/hv.times" ]; then
            ht=$(median <"$tmp/hv.times")
            ov=$(awk -v a="$ht" -v b="$ft" 'BEGIN {printf "%+.1f %%", (a / b - 1) * 100}')
            printf '%-34s %12s %12s\n' "-hv xen (dom0) median wall (s)" "$ht" "-"
            printf '%-34s %12s %12s\n' "-hv xen overhead vs -hv none" "$ov" "-"
        else
            printf '%-34s %12s %12s\n' "-hv xen (dom0) median wall (s)" "DID NOT BOOT" "-"
        fi
        if [ "$hv_ok" = 1 ] && [ -s "$tmp/hv.times" ]; then
            for v in "hvl:-hv xen,mmio=lazy" "hvt:lazy + -trace file=" "hve:eager + -trace file="; do
                t=$(median <"$tmp/${v%%:*}.times" 2>/dev/null)
                printf '%-34s %12s %12s\n' "${v#*:} (s)" "$t" "-"
            done
            hl=$(median <"$tmp/hvl.times"); htr=$(median <"$tmp/hvt.times")
            printf '%-34s %12s %12s\n' "trace on vs off (mmio=lazy)" "$(awk -v a="$htr" -v b="$hl" 'BEGIN {printf "%+.1f %%", (a / b - 1) * 100}')" "-"
            printf '%-34s %12s %12s\n' "trace file size (bytes)" "$(cat "$tmp/hvt.tsize" 2>/dev/null)" "-"
        fi
    fi
else
    printf '%-34s %12s %12s\n' "median wall time (s)" "DID NOT BOOT" "$qt"
    printf '%-34s %12s %12s\n' "median kernel time to /init (s)" "-" "$qi"
    status=1
fi
[ "$HVROW" = 1 ] && printf '%-34s %12s %12s\n' "real Xen 4.17 dom0 on QEMU (s)" "-" "$xen_t"  # reference row (xen_runs)
exit $status
