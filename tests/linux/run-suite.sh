#!/bin/sh
# tests/linux/run-suite.sh — the Linux boot suite (part of `make test`; alone: `make test-linux`):
# fetches the Debian arm64 guest if absent (tools/fetch-guest.sh; a failed fetch is a loud FAIL),
# then boots it on faultline with gic-version 2 and 3, 1 and 2 CPUs (tests/linux/boot-test.sh),
# printing "PASS: linux/boot-gicvG-smpN" / "FAIL: ..." lines. Environment: EMULATOR (default ./faultline; qemu-system-aarch64 validates
# the suite itself), LINUX_CONFIGS (default "2:1 2:2 3:1 3:2 2:1:xen 2:2:xen 3:1:xen 3:2:xen 2:1:xen,mmio=lazy 3:2:xen,mmio=lazy", GIC:SMP[:HV]:
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
for c in ${LINUX_CONFIGS:-2:1 2:2 3:1 3:2 2:1:xen 2:2:xen 3:1:xen 3:2:xen 2:1:xen,mmio=lazy 3:2:xen,mmio=lazy}; do
    g=${c%%:*}; n=${c#*:}; h=none
    case "$n" in *:*) h=${n#*:}; n=${n%%:*} ;; esac
    # -hv is faultline's: QEMU validating the suite boots the bare configurations only.
    if [ "$h" != none ] && echo "$EMU" | grep -q 'qemu-system-aarch64$'; then continue; fi
    if sh tests/linux/boot-test.sh "$EMU" "$g" "$n" "$h"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
# Determinism (ARCHITECTURE.md decision 2): two boots with the same inputs (-rtc base= pins the
# only host input, the RTC's start) retire the same instructions and cycles on every vCPU and
# print the same console, byte for byte.
if [ "${LINUX_DETERMINISM:-1}" = 1 ] && [ "$EMU" = ./faultline ]; then
    d=$(mktemp -d)
    for r in 1 2; do
        timeout 300 ./faultline -M virt -m 512M -smp 2 -nographic -no-reboot -rtc base=2024-01-01 \
            -kernel guest-cache/Image -initrd guest-cache/initramfs.cpio.gz \
            -append "console=ttyAMA0 faultline.script=boot-test" </dev/null >"$d/con$r" 2>"$d/err$r"
        grep -E '^cpu[0-9]+: ' "$d/err$r" | sed 's/, irqs.*//' >"$d/cnt$r"
    done
    if [ -s "$d/cnt1" ] && cmp -s "$d/cnt1" "$d/cnt2" && cmp -s "$d/con1" "$d/con2" && grep -q BOOT-TEST-DONE "$d/con1"; then
        echo "PASS: linux/deterministic-smp2 ($(tr '\n' ' ' <"$d/cnt1"))"; pass=$((pass + 1))
    else
        echo "FAIL: linux/deterministic-smp2 (runs differ)"; diff "$d/cnt1" "$d/cnt2"; fail=$((fail + 1))
    fi
    rm -rf "$d"
fi
# DMA through the SMMU: virtio-blk + virtio-rng with Linux's arm-smmu driver (tests/linux/virtio-test.sh).
if [ "$EMU" = ./faultline ]; then
    vout=$(sh tests/linux/virtio-test.sh "$EMU"); echo "$vout"
    pass=$((pass + $(echo "$vout" | grep -c '^PASS: '))); fail=$((fail + $(echo "$vout" | grep -c '^FAIL: ')))
fi
# Linux's pl330 driver on the DMA-330, bare (SMMU, iommu=off) and in dom0 (tests/linux/pl330-test.sh).
if [ "$EMU" = ./faultline ]; then
    pout=$(sh tests/linux/pl330-test.sh "$EMU"); echo "$pout"
    pass=$((pass + $(echo "$pout" | grep -c '^PASS: '))); fail=$((fail + $(echo "$pout" | grep -c '^FAIL: ')))
fi
# The trace stream on a Linux boot: lazy vs eager facts, Perfetto export, SIGKILL mid-boot.
if [ "$EMU" = ./faultline ]; then
    tout=$(sh tests/linux/trace-test.sh "$EMU"); echo "$tout"
    pass=$((pass + $(echo "$tout" | grep -c '^PASS: '))); fail=$((fail + $(echo "$tout" | grep -c '^FAIL: ')))
fi
# The run command's interactive shell (tools/run-debian.sh = make run), typed at through tmux.
if sh tests/linux/interactive-test.sh "$EMU"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
if [ "$EMU" = ./faultline ]; then
    if sh tests/linux/interactive-test.sh "$EMU" -M virt,gic-version=3 -hv xen; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
fi
echo "linux: $pass passed, $fail failed ($EMU)"
[ "$fail" = 0 ]
