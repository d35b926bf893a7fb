#!/bin/sh
# tests/linux/pl330-test.sh [EMULATOR] — Linux's pl330 driver (Debian's pl330.ko) on faultline's
# DMA-330 (docs/dma.md "Linux"): boots the Debian guest with
#   -device pl330 -append "console=ttyAMA0 faultline.modules=pl330 faultline.script=pl330-test"
# (tools/guest/pl330-test) in three configurations:
#   smmu      -hv none: the AMBA bus matches the PrimeCell/peripheral ID 0x00341330, dma-pl330
#             probes ("Loaded driver for PL330 DMAC-341330", "DBUFF-128x8bytes Num_Chans-8
#             Num_Peri-0 Num_Events-8"), the engine sits in an iommu group of Linux's arm-smmu
#             (SID 0x20), /sys/class/dma has its 8 channels;
#   iommu-off -device pl330,iommu=off: the same probe, no iommu group for it;
#   xen       -hv xen: the same driver probes in dom0; the hypervisor owns the SMMU (no arm-smmu
#             lines in dom0, no iommu groups) and puts SID 32 in dom0's stage-2 bank.
# Checks also: no error/warning lines of the driver or the kernel, a clean power-off.
# Environment: GUEST_CACHE (default guest-cache/: Image and initramfs.cpio.gz with pl330.ko,
# tools/fetch-guest.sh INITRAMFS_REV >= 3), BOOT_LOGDIR, BOOT_TIMEOUT.
# Prints PASS:/FAIL: linux/pl330-<config> lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 2
EMU=${1:-./faultline}
CACHE=${GUEST_CACHE:-$top/guest-cache}
LOGDIR=${BOOT_LOGDIR:-$top/build/tests/linux}
TMO=${BOOT_TIMEOUT:-600}
mkdir -p "$LOGDIR"
rc_all=0

run_config() {  # name, -device value, extra emulator options
    name=linux/pl330-$1
    base=$LOGDIR/pl330-$1
    why=""
    bad() { why="${why:+$why; }$*"; }
    timeout -k 10 "$TMO" "$EMU" -M virt -cpu cortex-a57 -m 512M -nographic -no-reboot \
        -rtc base=2024-01-01 -seed 7 -kernel "$CACHE/Image" -initrd "$CACHE/initramfs.cpio.gz" \
        -append "console=ttyAMA0 faultline.modules=pl330 faultline.script=pl330-test" \
        -device "$2" ${3:-} </dev/null >"$base.out" 2>"$base.err"
    rc=$?
    con=$base.console
    tr -d '\r' <"$base.out" >"$con"
    [ "$rc" = 0 ] || bad "emulator exited with status $rc"
    grep -qx PL330-TEST-OK "$con" || bad "pl330-test never ran (an initramfs without it? INITRAMFS_REV >= 3); last line: '$(grep -v '^[[:space:]]*$' "$con" | tail -1 | cut -c1-120)'"
    grep -qx PL330-TEST-DONE "$con" || bad "no PL330-TEST-DONE"
    grep -q 'faultline init: modprobe pl330 failed' "$con" && bad "modprobe pl330 failed"
    grep -qx 'amba 9070000.dma-controller id=00341330 driver=dma-pl330' "$con" \
        || bad "the AMBA device is not bound to dma-pl330: '$(grep '^amba 9070000' "$con")'"
    grep -q 'dma-pl330 9070000.dma-controller: Loaded driver for PL330 DMAC-341330$' "$con" || bad "no 'Loaded driver' line"
    grep -q 'dma-pl330 9070000.dma-controller: 	DBUFF-128x8bytes Num_Chans-8 Num_Peri-0 Num_Events-8$' "$con" || bad "no DBUFF/channels line"
    # every dma-pl330 line is one of the three expected ones (no error, warning or retry line)
    other=$(grep 'dma-pl330 9070000' "$con" | sed 's/^\[[^]]*\] //' | grep -v -e ': Loaded driver for PL330 ' -e ': 	DBUFF-' -e ': Adding to iommu group ' | head -1)
    [ -z "$other" ] || bad "unexpected driver line: '$other'"
    grep -qiE 'pl330.*(error|fail|timeout|timed out|warn)' "$con" && bad "pl330 problem line: '$(grep -m1 -iE 'pl330.*(error|fail|timeout|timed out|warn)' "$con")'"
    grep -qE 'WARNING:|BUG|Oops|Call trace|Unable to handle|Blocked unknown Stream|context fault' "$con" \
        && bad "kernel problem: '$(grep -m1 -E 'WARNING:|BUG|Oops|Call trace|Unable to handle|Blocked unknown Stream|context fault' "$con")'"
    nch=$(grep -c '^dmachan dma0chan[0-7] 9070000.dma-controller in_use=0$' "$con")
    [ "$nch" = 8 ] || bad "$nch of 8 dmaengine channels of 9070000.dma-controller in /sys/class/dma"
    nirq=$(grep -c ' 9070000.dma-controller$' "$con")
    [ "$nirq" = 9 ] || bad "$nirq interrupts of 9070000.dma-controller in /proc/interrupts, expected 9 (abort + 8 events)"
    case $1 in
    smmu)
        grep -q 'dma-pl330 9070000.dma-controller: Adding to iommu group [0-9]*$' "$con" || bad "no 'Adding to iommu group' line"
        grep -qx '9070000.dma-controller' "$con" || bad "9070000.dma-controller is in no /sys/kernel/iommu_groups/*/devices" ;;
    iommu-off)
        grep -q 'arm-smmu' "$con" || bad "no arm-smmu (the SMMU is there for the other masters)"
        grep -qx '9070000.dma-controller' "$con" && bad "9070000.dma-controller is in an iommu group with iommu=off" ;;
    xen)
        grep -q 'arm-smmu' "$con" && bad "dom0 saw the SMMU (arm-smmu lines)"
        grep -qx '9070000.dma-controller' "$con" && bad "9070000.dma-controller in an iommu group in dom0"
        sl=$(grep '^hv: smmu ' "$base.err")
        echo "$sl" | grep -q 'owned by the hypervisor: dom0 context bank 0 (stage 2, VMID 1), stream IDs 32;' || bad "no hv: smmu line with dom0's bank and SID 32: '$sl'"
        echo "$sl" | grep -q 'context faults 0, global faults 0,' || bad "SMMU faults: '$sl'"
        grep -q '^hv: iomem dma-controller@9070000 .* permitted' "$base.err" || bad "the DMA-330's registers are not dom0's iomem" ;;
    esac
    grep -qE '(^|\] )reboot: Power down$' "$con" || bad "no clean power-off"
    if [ -z "$why" ]; then echo "PASS: $name"
    else
        echo "FAIL: $name ($why)"; echo "--- last 30 console lines ($con):"; tail -30 "$con"
        rc_all=1
    fi
}

run_config smmu pl330
run_config iommu-off pl330,iommu=off
run_config xen pl330 "-hv xen"
exit $rc_all
