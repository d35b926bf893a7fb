#!/bin/sh
# tests/linux/run-suite.sh — the Linux boot suite (part of `make test`; alone: `make test-linux`):
# fetches the Debian arm64 guest if absent (tools/fetch-guest.sh; a failed fetch is a loud FAIL),
# then boots it on faultline with gic-version 2 and 3, 1 and 2 CPUs (tests/linux/boot-test.sh),
# printing "PASS: linux/boot-gicvG-smpN" / "FAIL: ..." lines. Environment: EMULATOR (default ./faultline; qemu-system-aarch64 validates
# the suite itself), LINUX_CONFIGS (default "2:1 2:2 3:1 3:2 2:1:xen 2:2:xen 3:1:xen 3:2:xen", GIC:SMP[:HV]:
# HV = xen boots the guest as dom0 of the native hypervisor, -hv xen), and everything
# boot-test.sh reads (BOOT_TIMEOUT, BOOT_EXTRA, BOOT_LOGDIR, QEMU, BOOT_QEMU_REF).
set -u
cd "$(dirname "$0")/../.." || exit 2
EMU=${EMULATOR:-./faultline}
if ! sh tools/fetch-guest.sh; then
    echo "FAIL: linux/fetch-guest (the Debian guest could not be fetched: see the lines above)"
    exit 1
fi
pass=0; fail=0
for c in ${LINUX_CONFIGS:-2:1 2:2 3:1 3:2 2:1:xen 2:2:xen 3:1:xen 3:2:xen}; do
    g=${c%%:*}; n=${c#*:}; h=none
    case "$n" in *:*) h=${n#*:}; n=${n%%:*} ;; esac
    # -hv is faultline's: QEMU validating the suite boots the bare configurations only.
    if [ "$h" != none ] && echo "$EMU" | grep -q 'qemu-system-aarch64$'; then continue; fi
    if sh tests/linux/boot-test.sh "$EMU" "$g" "$n" "$h"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "linux: $pass passed, $fail failed ($EMU)"
[ "$fail" = 0 ]
