#!/bin/sh
# tests/linux/virtio-test.sh [EMULATOR] — the Debian guest does DMA through the SMMU: boots with
#   -drive file=disk.img,if=none,format=raw,id=d0 -device virtio-blk-device,drive=d0
#   -device virtio-rng-device
# and faultline.modules=virtio_mmio,virtio_blk,virtio_rng faultline.script=dma-test
# (tools/guest/dma-test), in three configurations:
#   smmu         -M virt (the SMMUv2 is the default with devices): Linux's arm-smmu driver probes
#                it and the virtio DMA is translated by stage-1 context banks;
#   passthrough  the same with iommu.passthrough=1 (S2CR bypass);
#   none         -M virt,iommu=none (no SMMU, PAs);
#   xen, xen-lazy -hv xen and -hv xen,mmio=lazy: the native hypervisor owns the SMMU and hides
#                it from dom0 (no arm-smmu lines); dom0's DMA addresses are IPAs, translated by
#                dom0's stage-2 context bank through its p2m (the hv: smmu summary line shows
#                translations through that bank and no fault);
#   gicv3-smp2   GICv3 and 2 vCPUs, run twice: the runs must be identical (determinism).
# Checks: the arm-smmu probe lines and iommu groups (no timeout/failed/fault lines), the md5 of
# the host's 1 MiB pattern read by the guest, the guest's write read back after drop_caches and
# found by the host in disk.img, /dev/hwrng served by virtio_rng.0, virtio interrupts counted,
# no kernel problem lines, a clean power-off. Prints PASS:/FAIL: linux/virtio-<config> lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$top" || exit 2
EMU=${1:-./faultline}
CACHE=$top/guest-cache
LOGDIR=${BOOT_LOGDIR:-$top/build/tests/linux}
TMO=${BOOT_TIMEOUT:-600}
mkdir -p "$LOGDIR"
rc_all=0

run_config() {  # name, extra -M properties, extra append[, extra emulator options]
    name=linux/virtio-$1
    base=$LOGDIR/virtio-$1
    img=$base.img
    why=""
    bad() { why="${why:+$why; }$*"; }
    # disk.img: 4 MiB, the first 1 MiB a known pattern
    seq 0 99999 | awk '{ printf "%07d faultline virtio-blk\n", $1 }' | head -c 1048576 > "$img"
    truncate -s 4M "$img"
    host_md5=$(head -c 1048576 "$img" | md5sum | cut -c1-32)
    timeout -k 10 "$TMO" "$EMU" -M "virt$2" -cpu cortex-a57 -m 512M -nographic -no-reboot \
        -rtc base=2024-01-01 -seed 7 -kernel "$CACHE/Image" -initrd "$CACHE/initramfs.cpio.gz" \
        -append "console=ttyAMA0 faultline.modules=virtio_mmio,virtio_blk,virtio_rng faultline.script=dma-test$3" \
        -drive "file=$img,if=none,format=raw,id=d0" -device virtio-blk-device,drive=d0 \
        -device virtio-rng-device ${4:-} </dev/null >"$base.out" 2>"$base.err"
    rc=$?
    con=$base.console
    tr -d '\r' <"$base.out" >"$con"
    [ "$rc" = 0 ] || bad "emulator exited with status $rc"
    grep -qx DMA-TEST-OK "$con" || bad "dma-test never ran; last line: '$(grep -v '^[[:space:]]*$' "$con" | tail -1 | cut -c1-120)'"
    grep -qx DMA-TEST-DONE "$con" || bad "no DMA-TEST-DONE"
    if [ "$1" = none ]; then
        grep -q 'arm-smmu' "$con" && bad "arm-smmu probed with iommu=none"
    elif [ "${1#xen}" != "$1" ]; then
        grep -q 'arm-smmu' "$con" && bad "dom0 saw the SMMU (arm-smmu lines)"
        sl=$(grep '^hv: smmu ' "$base.err")
        echo "$sl" | grep -q 'owned by the hypervisor: dom0 context bank 0 (stage 2, VMID 1), stream IDs 0,1;' || bad "no hv: smmu line with dom0's bank and SIDs 0,1: '$sl'"
        nx=$(echo "$sl" | sed -n 's/.*translations \([0-9]*\).*/\1/p')
        [ "${nx:-0}" -gt 100 ] || bad "only '${nx:-}' SMMU translations through dom0's bank"
        echo "$sl" | grep -q 'context faults 0, global faults 0,' || bad "SMMU faults: '$sl'"
    else
        grep -q 'arm-smmu 9050000.iommu: probing hardware configuration\.\.\.' "$con" || bad "no arm-smmu probe line"
        grep -q 'arm-smmu 9050000.iommu: 	stream matching with 16 register groups' "$con" || bad "no stream matching line"
        n=$(grep 'virtio_mmio: Adding to iommu group' "$con" | sed 's/^\[[^]]*\] //' | sort -u | wc -l)
        [ "$n" = 2 ] || bad "$n virtio devices in iommu groups, expected 2"
        grep -q '^a000000.virtio_mmio$' "$con" || bad "/sys/kernel/iommu_groups lacks a000000.virtio_mmio"
        if [ "$1" = passthrough ]; then
            grep -q 'iommu: Default domain type: Passthrough' "$con" || bad "not in passthrough mode"
        else
            grep -q 'iommu: Default domain type: Translated' "$con" || bad "default domain is not translated"
        fi
    fi
    grep -iE 'arm-smmu.*(timeout|timed out|failed|fault[^-]|unexpected)|Blocked unknown Stream' "$con" | grep -v 'arm-smmu global fault$\|context-fault$' | head -1 | grep -q . \
        && bad "SMMU problem line: '$(grep -iE 'arm-smmu.*(timeout|timed out|failed|unexpected)|Blocked unknown' "$con" | head -1)'"
    grep -qE 'WARNING:|BUG|Oops|Call trace|virtio.*(failed|error)|I/O error' "$con" \
        && bad "kernel problem: '$(grep -m1 -E 'WARNING:|BUG|Oops|Call trace|virtio.*(failed|error)|I/O error' "$con")'"
    grep -qx 'virtio0 0x0002' "$con" || bad "virtio0 is not a block device"
    grep -qx 'virtio1 0x0004' "$con" || bad "virtio1 is not an entropy device"
    rd=$(sed -n 's/^disk-read //p' "$con")
    [ "$rd" = "$host_md5" ] || bad "disk-read md5 '$rd', expected the host's $host_md5"
    pat=$(sed -n 's/^pattern \([0-9a-f]*\) .*/\1/p' "$con")
    plen=$(sed -n 's/^pattern [0-9a-f]* //p' "$con")
    rb=$(sed -n 's/^disk-readback //p' "$con")
    [ -n "$pat" ] && [ "$rb" = "$pat" ] || bad "read-back md5 '$rb', expected the pattern's '$pat'"
    if [ -n "$plen" ]; then
        on_host=$(dd if="$img" bs=4096 skip=512 2>/dev/null | head -c "$plen" | md5sum | cut -c1-32)
        [ "$on_host" = "$pat" ] || bad "the guest's write is not in disk.img at 2 MiB"
    fi
    grep -qx 'rng-current virtio_rng.0' "$con" || bad "/dev/hwrng is not virtio_rng.0"
    hw=$(sed -n 's/^hwrng //p' "$con")
    echo "$hw" | grep -qE '^[0-9a-f]{128}$' && [ "$hw" != "$(printf '0%.0s' $(seq 128))" ] || bad "hwrng read '$hw'"
    vi=$(awk '/ virtio0$/ { print $2; exit }' "$con")
    [ "${vi:-0}" -gt 0 ] 2>/dev/null || bad "no virtio0 interrupts counted"
    grep -qE '(^|\] )reboot: Power down$' "$con" || bad "no clean power-off"
    if [ -z "$why" ]; then echo "PASS: $name"; rm -f "$img"
    else
        echo "FAIL: $name ($why)"; echo "--- last 30 console lines ($con):"; tail -30 "$con"
        rc_all=1
    fi
}

run_config smmu "" ""
run_config passthrough "" " iommu.passthrough=1"
run_config none ",iommu=none" ""
run_config xen "" "" "-hv xen"
run_config xen-lazy "" "" "-hv xen,mmio=lazy"
# GICv3, 2 vCPUs, twice: the same console and the same instruction and cycle counts per vCPU
# (device work is synchronous and charged to the notifying vCPU; the rng follows -seed).
run_config gicv3-smp2 ",gic-version=3" "" "-smp 2"
first=$LOGDIR/virtio-gicv3-smp2
cp "$first.console" "$first.console.1"; grep -E '^cpu[0-9]+: ' "$first.err" | sed 's/, irqs.*//' >"$first.cnt.1"
run_config gicv3-smp2 ",gic-version=3" "" "-smp 2" >/dev/null
grep -E '^cpu[0-9]+: ' "$first.err" | sed 's/, irqs.*//' >"$first.cnt.2"
if [ -s "$first.cnt.1" ] && cmp -s "$first.cnt.1" "$first.cnt.2" && cmp -s "$first.console.1" "$first.console"; then
    echo "PASS: linux/virtio-deterministic ($(tr '\n' ' ' <"$first.cnt.1"))"
else
    echo "FAIL: linux/virtio-deterministic (two runs differ)"; rc_all=1
fi
exit $rc_all
