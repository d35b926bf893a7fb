#!/bin/sh
# tests/bench/xen-qemu.sh — the reference a user would otherwise reach for: boot real Xen 4.17
# (Debian's xen-hypervisor-4.17-arm64, tools/fetch-xen.sh) on QEMU TCG with the Debian guest
# (tools/fetch-guest.sh) as dom0, run its boot-test script and power off; print the time and the
# last console lines. The recipe (gic-version and -smp from XEN_QEMU_GIC / XEN_QEMU_SMP):
#   qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 -m 1G -smp 1 \
#     -nographic -no-reboot -kernel guest-cache/xen/xen \
#     -append "dom0_mem=512M console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all" \
#     -device guest-loader,addr=0x49000000,kernel=guest-cache/Image,bootargs="console=hvc0 earlycon=xenboot faultline.script=boot-test" \
#     -device guest-loader,addr=0x50000000,initrd=guest-cache/initramfs.cpio.gz
# dom0 gets 512M (the RAM faultline's rows give the bare guest); Xen keeps the PL011 and gives
# dom0 its console as hvc0. `poweroff -f` in dom0 makes Xen halt the machine with PSCI SYSTEM_OFF,
# which ends QEMU; should it not, the run is ended XEN_QEMU_GRACE seconds after BOOT-TEST-DONE.
# Output: "xen-qemu: BOOT-TEST-DONE after T1 s, exit after T2 s" and exit 0, or
# "xen-qemu: not available: REASON" and exit 1. Wall times from QEMU's start (date +%s.%N; the
# console is read line by line through a FIFO and BOOT-TEST-DONE timestamped on arrival).
# Environment: QEMU (default qemu-system-aarch64), XEN_QEMU_GIC (default 3), XEN_QEMU_SMP
# (default 1), XEN_QEMU_TIMEOUT (seconds, default 600), XEN_QEMU_GRACE (default 10),
# XEN_QEMU_LOG (keep the console log in this file), XEN_QEMU_QUIET=1 (no console lines).
set -u
cd "$(dirname "$0")/../.." || exit 2
QEMU=${QEMU:-qemu-system-aarch64}
GIC=${XEN_QEMU_GIC:-3}
SMP=${XEN_QEMU_SMP:-1}
TMO=${XEN_QEMU_TIMEOUT:-600}
GRACE=${XEN_QEMU_GRACE:-10}
CACHE=guest-cache
na() { echo "xen-qemu: not available: $*"; exit 1; }

command -v "$QEMU" >/dev/null 2>&1 || na "$QEMU not installed (apt-get install qemu-system-arm)"
"$QEMU" -device help 2>/dev/null | grep -q '"guest-loader"' || na "$QEMU has no guest-loader device (QEMU >= 5.2 needed)"
if [ ! -f "$CACHE/Image" ] || [ ! -f "$CACHE/initramfs.cpio.gz" ]; then
    sh tools/fetch-guest.sh "$CACHE" >/dev/null 2>&1 || na "the guest could not be fetched (tools/fetch-guest.sh)"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh tools/fetch-xen.sh "$CACHE" >/dev/null 2>"$tmp/fetch.err" \
    || na "Xen could not be fetched ($(grep 'fetch-xen' "$tmp/fetch.err" | tail -1 | sed 's/^faultline: fetch-xen: //'))"
log=$tmp/console; mkfifo "$tmp/fifo"
t0=$(date +%s.%N)
timeout -k 10 "$TMO" "$QEMU" -M "virt,virtualization=on,gic-version=$GIC" -cpu cortex-a57 -m 1G -smp "$SMP" -nographic -no-reboot \
    -kernel "$CACHE/xen/xen" \
    -append "dom0_mem=512M console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all" \
    -device "guest-loader,addr=0x49000000,kernel=$CACHE/Image,bootargs=console=hvc0 earlycon=xenboot faultline.script=boot-test" \
    -device "guest-loader,addr=0x50000000,initrd=$CACHE/initramfs.cpio.gz" \
    </dev/null >"$tmp/fifo" 2>&1 &
pid=$!
# One reader, no polling (polling with child processes slowed QEMU measurably): the console is
# copied to $log and BOOT-TEST-DONE timestamped as it arrives; end of input = QEMU exited.
done_t=""; killed=""; wd=""
while IFS= read -r l || [ -n "$l" ]; do
    printf '%s\n' "$l" >>"$log"
    case $l in
        BOOT-TEST-DONE*) [ -n "$done_t" ] || { done_t=$(date +%s.%N); (sleep "$GRACE"; kill "$pid" 2>/dev/null && touch "$tmp/killed") >/dev/null 2>&1 & wd=$!; } ;;
    esac
done <"$tmp/fifo"
end_t=$(date +%s.%N)
[ -z "$wd" ] || kill "$wd" 2>/dev/null
wait "$pid" 2>/dev/null; rc=$?
[ $rc = 124 ] && killed="timed out after ${TMO}s"
[ -f "$tmp/killed" ] && { killed="did not exit ${GRACE}s after BOOT-TEST-DONE: killed"; end_t=""; }
[ -n "${XEN_QEMU_LOG:-}" ] && cp "$log" "$XEN_QEMU_LOG"
con=$(tr -d '\r' <"$log" | grep -v '^[[:space:]]*$' | tail -15 | sed 's/^/  | /')
[ "${XEN_QEMU_QUIET:-0}" = 1 ] || { echo "xen-qemu: last console lines:"; echo "$con"; }
[ -n "$done_t" ] || na "Xen/dom0 did not reach BOOT-TEST-DONE (${killed:-QEMU exit status $rc}; log: XEN_QEMU_LOG=FILE)"
d=$(awk -v a="$done_t" -v b="$t0" 'BEGIN {printf "%.2f", a - b}')
if [ -n "$end_t" ]; then
    e=$(awk -v a="$end_t" -v b="$t0" 'BEGIN {printf "%.2f", a - b}')
    echo "xen-qemu: Xen $(cut -d' ' -f2 "$CACHE/xen/VERSION") dom0 on $("$QEMU" --version | head -1 | awk '{print $4}') gic-version=$GIC smp $SMP: BOOT-TEST-DONE after $d s, exit after $e s"
else
    echo "xen-qemu: Xen $(cut -d' ' -f2 "$CACHE/xen/VERSION") dom0 gic-version=$GIC smp $SMP: BOOT-TEST-DONE after $d s ($killed)"
fi
exit 0
