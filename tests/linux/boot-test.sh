#!/bin/sh
# tests/linux/boot-test.sh EMULATOR [GIC_VERSION] [SMP] [HV] — boot the Debian arm64 guest to its
# fixed boot-test script and check every line it prints.
#
# Runs (stdin from /dev/null, stdout = guest console, stderr kept apart, e.g. faultline's summary):
#   EMULATOR -M virt,gic-version=G -cpu cortex-a57 -m 512M -smp N -nographic -no-reboot \
#     -kernel guest-cache/Image -initrd guest-cache/initramfs.cpio.gz \
#     -append "console=ttyAMA0 faultline.script=boot-test"
# under a timeout, then checks the console: BOOT-OK, `uname -a`, /proc/cpuinfo (Cortex-A57
# part 0xd07, N processors), /proc/interrupts (arch_timer counting, uart-pl011), the devicetree
# listing, the md5sum of the generated data, `date`, three ticks, BOOT-TEST-DONE, a clean power-off;
# and it compares the kernel's problem lines (WARNING:, BUG, Oops, Unhandled, unknown, timeout,
# stall, "SANITY CHECK: Unexpected variation") against QEMU's boot of the same configuration:
# a problem line QEMU does not print is the emulator's fault.
#
# HV (default none): `xen` (or `xen,OPTIONS`, e.g. xen,mmio=lazy) adds `-hv HV` to the emulator's command line (not to the QEMU
# reference run: the kernel's log must not change under the hypervisor), names the test
# linux/boot-gicvG-smpN-hvxen, and also requires faultline's exit summary to show virtual
# interrupts injected through list registers and taken by the guest ("hv: ..." line).
#
# Prints one line "PASS: linux/boot-gicv2-smp1" or "FAIL: linux/boot-gicv2-smp1 (reasons)",
# plus "NOTE:" lines (time, peak RSS). Exit status 0 on PASS, 1 on FAIL.
# Environment:
#   BOOT_TIMEOUT    seconds for the whole boot (default 600: generous for an interpreter)
#   BOOT_EXTRA      extra emulator options appended to the command line
#   BOOT_LOGDIR     where the console logs go (default build/tests/linux)
#   QEMU            QEMU binary for the reference log (default qemu-system-aarch64)
#   BOOT_QEMU_REF=0 never run QEMU for a reference; use the committed tests/linux/qemu-ref logs
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 2

EMU=${1:-}
GIC=${2:-2}
SMP=${3:-1}
HV=${4:-none}
TMO=${BOOT_TIMEOUT:-600}
QEMU=${QEMU:-qemu-system-aarch64}
LOGDIR=${BOOT_LOGDIR:-$top/build/tests/linux}
tag=""; [ "$HV" = none ] || tag="-hv$HV"
NAME="linux/boot-gicv$GIC-smp$SMP$tag"
CACHE=$top/guest-cache
EXPECT_MD5=5c56aeeeec3a560364ff4a2b064d10a7   # sort -n of ((i*7919)%10007), i<2000, | md5sum

fail() { echo "FAIL: $NAME ($*)"; exit 1; }
[ -n "$EMU" ] || fail "usage: tests/linux/boot-test.sh EMULATOR [gic-version] [smp]"
case "$GIC" in 2|3) ;; *) fail "gic-version must be 2 or 3, not '$GIC'" ;; esac
case "$SMP" in ''|*[!0-9]*) fail "smp must be a number, not '$SMP'" ;; esac
case "$HV" in none|xen|xen,*) ;; *) fail "hv must be none, xen or xen,OPTIONS, not '$HV'" ;; esac
command -v "$EMU" >/dev/null 2>&1 || fail "emulator '$EMU' not found or not executable"

# The guest: fetch it if it is not cached. Never skip silently.
if [ ! -f "$CACHE/Image" ] || [ ! -f "$CACHE/initramfs.cpio.gz" ]; then
    echo "NOTE: $NAME: guest not cached; running tools/fetch-guest.sh" >&2
    sh tools/fetch-guest.sh "$CACHE" >&2 || fail "guest not available: tools/fetch-guest.sh failed (needs root and Debian's archive)"
fi
[ -f "$CACHE/Image" ] && [ -f "$CACHE/initramfs.cpio.gz" ] || fail "guest not available in $CACHE"
KREL=$(awk '{print $2}' "$CACHE/VERSION" 2>/dev/null)
KREL=${KREL:-6.1.0-50-arm64}

mkdir -p "$LOGDIR" || fail "cannot create $LOGDIR"
base="$LOGDIR/boot-gicv$GIC-smp$SMP$tag"
out="$base.out"; err="$base.err"; tfile="$base.time"

# run_guest BINARY OUT ERR TIMEFILE: one boot; returns the emulator's (or timeout's) status.
# kill_tree PID: PID and its descendants (by process id only).
kill_tree() {
    for _c in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$_c"; done
    kill "$1" 2>/dev/null
}
# run_guest BINARY OUT ERR TIMEFILE: one boot; returns the emulator's (or timeout's) status.
# A kernel panic ends the run at once (the kernel would spin until the timeout): status 125.
run_guest() {
    set -- "$@" -M "virt,gic-version=$GIC" -cpu cortex-a57 -m 512M -smp "$SMP" -nographic -no-reboot \
        -kernel "$CACHE/Image" -initrd "$CACHE/initramfs.cpio.gz" \
        -append "console=ttyAMA0 faultline.script=boot-test"
    _b=$1 _o=$2 _e=$3 _t=$4; shift 4
    _tm=""; [ -x /usr/bin/time ] && _tm=/usr/bin/time
    : >"$_o"
    # shellcheck disable=SC2086
    ${_tm:+$_tm -f "%e %M" -o "$_t"} timeout -k 10 "$TMO" "$_b" "$@" ${BOOT_EXTRA:-} </dev/null >"$_o" 2>"$_e" &
    _pid=$!
    _panic=0
    while kill -0 "$_pid" 2>/dev/null; do
        if grep -q 'Kernel panic - not syncing' "$_o"; then
            sleep 3; _panic=1; kill_tree "$_pid"; break
        fi
        sleep 1
    done
    wait "$_pid"; _rc=$?
    [ $_panic = 1 ] && return 125
    return $_rc
}

rm -f "$tfile"
start=$(date +%s)
hvopt=""; [ "$HV" = none ] || hvopt="-hv $HV"
# shellcheck disable=SC2086
run_guest "$EMU" "$out" "$err" "$tfile" $hvopt; rc=$?
end=$(date +%s)
secs=$(awk '$1 ~ /^[0-9.]+$/ {v = $1} END {print v}' "$tfile" 2>/dev/null)
rss=$(awk '$2 ~ /^[0-9]+$/ {v = $2} END {print v}' "$tfile" 2>/dev/null)
secs=${secs:-$((end - start))}

# The console with CRs removed; problems accumulate in $why.
con="$base.console"
tr -d '\r' <"$out" >"$con"
why=""
bad() { why="${why:+$why; }$*"; }
has() { grep -q -- "$1" "$con"; }
hasx() { grep -qx -- "$1" "$con"; }

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then bad "timed out after ${TMO}s"
elif [ "$rc" = 125 ]; then bad "kernel panic: $(grep -m1 'Kernel panic - not syncing' "$con" | sed 's/^\[[^]]*\] //')"
elif [ "$rc" != 0 ]; then bad "emulator exited with status $rc"; fi
if ! hasx "BOOT-OK"; then
    # The kernel never ran the script: the checks of its output are meaningless; say where it stopped.
    last=$(grep -v '^[[:space:]]*$' "$con" | tail -1 | cut -c1-160)
    bad "never reached BOOT-OK; last console line: '${last:-<no console output>}'"
    noscript=1
else
    noscript=0
fi

if [ "$noscript" = 0 ]; then
    # uname -a: "Linux (none) 6.1.0-50-arm64 #1 SMP Debian 6.1.176-1 (...) aarch64 GNU/Linux"
    un=$(grep -m1 '^Linux ' "$con")
    case "$un" in
        "Linux "*" $KREL #"*" aarch64 GNU/Linux") ;;
        "") bad "no uname -a line" ;;
        *) bad "unexpected uname -a: '$un'" ;;
    esac

    # /proc/cpuinfo: SMP processors, each a Cortex-A57 (implementer 0x41, part 0xd07).
    np=$(grep -c '^processor[[:space:]]*: [0-9]' "$con")
    [ "$np" = "$SMP" ] || bad "/proc/cpuinfo lists $np processors, expected $SMP"
    nparts=$(grep -c '^CPU part[[:space:]]*: 0xd07$' "$con")
    [ "$nparts" = "$SMP" ] || bad "/proc/cpuinfo: $nparts 'CPU part : 0xd07' lines, expected $SMP"
    nimpl=$(grep -c '^CPU implementer[[:space:]]*: 0x41$' "$con")
    [ "$nimpl" = "$SMP" ] || bad "/proc/cpuinfo: $nimpl 'CPU implementer : 0x41' lines, expected $SMP"

    # /proc/interrupts: the header has one CPUn column per CPU; arch_timer counted; uart-pl011 present.
    ncpu=$(grep -m1 -E '^[[:space:]]+CPU0([[:space:]]|$)' "$con" | wc -w)
    [ "$ncpu" = "$SMP" ] || bad "/proc/interrupts has $ncpu CPU columns, expected $SMP"
    # Every CPU's count must be non-zero: each CPU's own timer PPI was delivered.
    ticks=$(awk -v n="$SMP" '/arch_timer$/ { s = ""; for (i = 2; i <= n + 1; i++) s = s " " $i; print s; exit }' "$con")
    case " $ticks " in
        "  ") bad "/proc/interrupts has no arch_timer line" ;;
        *" 0 "*) bad "/proc/interrupts: an arch_timer count is 0 (per CPU:$ticks): timer interrupt not delivered" ;;
    esac
    grep -qE '[[:space:]]uart-pl011$' "$con" || bad "/proc/interrupts has no uart-pl011 line"

    # The devicetree listing (first 20 lines of ls -R /sys/firmware/devicetree).
    has '^/sys/firmware/devicetree/base:$' || bad "no devicetree listing"
    # The nodes both boards have (faultline models no PCIe host bridge, flash or fw-cfg, so
    # QEMU's pcie@10000000 is not expected).
    for node in chosen cpus 'intc@8000000' 'memory@40000000' 'pl011@9000000'; do
        hasx "$node" || bad "devicetree listing lacks $node"
    done

    # The md5sum of the sorted data (the shell's arithmetic, sort and md5sum all ran correctly).
    md=$(grep -m1 -E '^[0-9a-f]{32}  -$' "$con" | cut -c1-32)
    [ "$md" = "$EXPECT_MD5" ] || bad "md5sum of the sorted data is '${md:-missing}', expected $EXPECT_MD5"

    # date: "Mon Nov 23 00:52:37 UTC 2026", from the PL031 RTC: within a day of the host's clock.
    dl=$(grep -m1 -E '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+ [0-9]{4}$' "$con")
    if [ -z "$dl" ]; then bad "no date line"
    else
        gs=$(date -u -d "$dl" +%s 2>/dev/null)
        if [ -n "$gs" ]; then
            d=$((gs - end)); [ $d -lt 0 ] && d=$((-d))
            [ $d -le 86400 ] || bad "guest date '$dl' is more than a day away from the host's"
        fi
    fi

    # Three ticks in order (sleep 1 works: the timer interrupt wakes the shell), then the end marker.
    tk=$(grep -E '^tick [0-9]$' "$con" | tr '\n' ' ')
    [ "$tk" = "tick 1 tick 2 tick 3 " ] || bad "ticks were '${tk% }', expected 'tick 1 tick 2 tick 3'"
    hasx "BOOT-TEST-DONE" || bad "no BOOT-TEST-DONE"
    if [ "$HV" != none ]; then
        # The native hypervisor's statistics: virtual interrupts written into list registers
        # (HW = 1: forwarded physical ones) and taken by the guest at EL1.
        hl=$(grep -m1 '^hv: ' "$err")
        vi=$(echo "$hl" | sed -nE 's/.*virqs injected ([0-9]+) \(hw ([0-9]+)\).*/\1 \2/p')
        ve=$(echo "$hl" | sed -nE 's/.*virq exceptions ([0-9]+).*/\1/p')
        case "$vi" in
            ""|"0 "*|*" 0") bad "no virtual interrupts injected through list registers ('${hl:-no hv: line}')" ;;
        esac
        [ "${ve:-0}" -gt 0 ] || bad "the guest took no virtual IRQ ('${hl:-no hv: line}')"
        # mmio=lazy (seed 000): the summary shows the lazily mapped faults and regions.
        case "$HV" in *mmio=lazy*)
            lz=$(sed -nE 's/^hv: policy .*: lazily mapped ([0-9]+) faults.*/\1/p' "$err")
            [ "${lz:-0}" -gt 0 ] || bad "mmio=lazy but no lazily mapped stage-2 faults in the summary"
            grep -qE '^hv: iomem pl011@9000000 .* [1-9][0-9]* faults' "$err" || bad "mmio=lazy: the PL011 was not mapped on a fault"
            # Every stage-2 fault is accounted once: faults = emulated + mapped (retried) +
            # injected, and the mapped ones are the lazily mapped faults of the policy line and of
            # the iomem lines. (Total cycles are not compared with eager: docs/hv.md "Measured:
            # lazy vs eager boot".)
            set -- $(echo "$hl" | sed -nE 's/.*stage-2 faults ([0-9]+) \(mmio ([0-9]+), retry ([0-9]+), injected ([0-9]+)\).*/\1 \2 \3 \4/p')
            if [ $# = 4 ]; then
                [ "$1" = $(($2 + $3 + $4)) ] || bad "mmio=lazy: stage-2 faults $1 != mmio $2 + retry $3 + injected $4"
                [ "$3" = "${lz:-0}" ] || bad "mmio=lazy: retry $3 != lazily mapped faults ${lz:-0}"
                iof=$(sed -nE 's/^hv: iomem .*: ([0-9]+) faults,.*/\1/p' "$err" | awk '{s += $1} END {print s + 0}')
                [ "$3" = "$iof" ] || bad "mmio=lazy: retry $3 != $iof faults on the iomem regions"
            else bad "mmio=lazy: no 'stage-2 faults N (mmio M, retry R, injected I)' in '$hl'"; fi
        esac
    fi
    grep -qE '(^|\] )reboot: Power down$' "$con" || bad "no clean power-off ('reboot: Power down')"
fi

# Problem lines: those matching the pattern below that QEMU's boot of the same configuration does
# not print, after normalising timestamps, hex addresses and numbers.
PAT='SANITY CHECK: Unexpected variation|WARNING:|BUG|Oops|[Uu]nhandled|[Uu]nknown|[Tt]imeout|[Ss]tall'
norm() {
    sed -E -e 's/^\[ *[0-9]+\.[0-9]+\] ?//' -e 's/0x[0-9a-fA-F]+/0xX/g' -e 's/\b[0-9a-fA-F]{8,}\b/X/g' \
        -e 's/[0-9]+/N/g' -e 's/[[:space:]]+$//'
}
# The QEMU reference: cached under guest-cache/qemu-ref/, keyed by the kernel image's hash; made
# with QEMU when there is none yet; else the committed logs in tests/linux/qemu-ref/.
ref=""
if echo "$EMU" | grep -q 'qemu-system-aarch64$'; then
    ref=$con    # the emulator is QEMU: the run is its own reference
else
    key=$(sha256sum "$CACHE/Image" | cut -c1-12)
    cref="$CACHE/qemu-ref/$key-gicv$GIC-smp$SMP.log"
    if [ ! -s "$cref" ] && [ "${BOOT_QEMU_REF:-1}" != 0 ] && command -v "$QEMU" >/dev/null 2>&1; then
        echo "NOTE: $NAME: making the QEMU reference log $cref" >&2
        mkdir -p "$CACHE/qemu-ref"
        if run_guest "$QEMU" "$cref.tmp" "$cref.err" "$cref.time" && grep -q '^BOOT-TEST-DONE' "$cref.tmp"; then
            tr -d '\r' <"$cref.tmp" >"$cref"
        else
            echo "NOTE: $NAME: the QEMU reference boot failed; using the committed reference" >&2
        fi
        rm -f "$cref.tmp" "$cref.err" "$cref.time"
    fi
    if [ -s "$cref" ]; then ref=$cref
    elif [ -s "$here/qemu-ref/boot-gicv$GIC-smp$SMP.log" ]; then ref="$here/qemu-ref/boot-gicv$GIC-smp$SMP.log"
    else ref="$here/qemu-ref/boot-gicv$GIC-smp1.log"; fi
fi
grep -E "$PAT" "$ref" 2>/dev/null | norm | sort -u >"$base.known"
grep -E "$PAT" "$con" | norm | sort -u >"$base.seen"
comm -23 "$base.seen" "$base.known" >"$base.new"
if [ -s "$base.new" ]; then
    n=$(wc -l <"$base.new")
    bad "$n kernel problem line(s) QEMU does not print, first: '$(head -1 "$base.new")'"
fi

echo "NOTE: $NAME: ${secs}s wall${rss:+, peak RSS ${rss} KB}, status $rc, console $con"
if [ -z "$why" ]; then
    echo "PASS: $NAME"
    exit 0
fi
echo "FAIL: $NAME ($why)"
if [ -s "$base.new" ]; then echo "--- problem lines not in QEMU's log ($ref):"; grep -E "$PAT" "$con" | head -20; fi
echo "--- last 25 console lines ($con):"
tail -25 "$con"
if [ -s "$err" ]; then echo "--- last 10 stderr lines ($err):"; tail -10 "$err"; fi
exit 1
