#!/bin/sh
# tests/scenarios/protected.sh — the protected-devices scenario (seeds 003 and 004; ARCHITECTURE.md
# seed scenario 4; docs/hv.md "The protected-devices scenario"). Called by run-suite.sh; can run
# alone: `sh tests/scenarios/protected.sh` (needs faultline, trace-facts and the guests built).
#
# The guest tests/guest/protected runs as dom0 on -m 128M under
#   -hv xen,hypervisor-node=on,dom0_mem=64M,foreign=0x50000000:0x46000000
# (dom0's RAM [0x40000000, 0x44000000) IPA = PA; the foreign page IPA 0x50000000 → machine PA
# 0x46000000, p2m_map_foreign_rw: another domain's page grant-mapped by dom0's backend) with
#   prot:   -device pl330            the engine behind the SMMU the hypervisor owns (SID 0x20);
#   unprot: -device pl330,iommu=off  no SMMU in front of it.
# The guest finds out from /hypervisor/protected-devices and checks what it can see (RESULT ok).
# Facts asserted from the trace (trace-facts) and the hypervisor's log (-d guest_errors):
#   both  : the foreign page is mapped once, type foreign, reason hypercall, 4 KiB at 0x50000000;
#   prot  : protected=yes; the copy programmed with the PA (swiotlb-xen's machine address) is one
#           SMMU context fault (SID 32, IOVA 0x46000000, FSR = TF) and one DMA record
#           SMMU_FAULT; hv logged "Unhandled context fault ... iova=0x46000000 ... sid=32"; no
#           DMA outside the domain;
#   unprot: protected=no; no SMMU fault; the copies to 0x46000000 (the foreign machine page) and
#           to 0x45000000 (RAM above dom0_mem) and back complete and are flagged: 3 × 8 bursts =
#           24 DMA records OUTSIDE_DOMAIN, the first at 0x46000000 from the pl330, one warning
#           (NOTE in the trace, "WARNING: DMA from unprotected device dma-controller@9070000
#           reached 0x46000000 outside dom0's memory" in the log), hv's count 24 in the summary;
#           the copy inside dom0's RAM is not flagged;
#           faultline-trace replay-dma of that trace under its own policy changes nothing (the
#           replay asks hv_pa_in_domain the same question): 64 transfers, 0 changed, 24 outside.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scenarios/lib.sh
F_IPA=0x50000000
HV="xen,hypervisor-node=on,dom0_mem=64M,foreign=$F_IPA:0x46000000"
scen_need scenarios/protected-devices "$G/protected.elf"

FMT='%-18s %-7s %-9s %6s %6s %7s %6s %8s %10s\n'
printf "$FMT" scenario run protected foreign smmu_f dma_out warn dma_ok cycles
run() {
    name=$1; dev=$2
    scen_run "$name" $F_IPA -m 128M -device "$dev" -hv "$HV" -d guest_errors -kernel "$G/protected.elf"
    p=$(sed -n 's/^INFO protected=\([a-z]*\).*/\1/p' "$tmp/$name.out")
    echo "protected=${p:-?}" >>"$tmp/$name.facts"
    n=$(sed -n "s/^hv: foreign pages \([0-9]*\) .*DMA outside dom0's memory \([0-9]*\) .*/\2/p" "$tmp/$name.out")
    echo "hv_dma_outside=${n:-0}" >>"$tmp/$name.facts"
    ( . "$tmp/$name.facts"
      printf "$FMT" protected-devices "$name" "$protected" "$maps_foreign" "$smmu_cb_faults" "$dma_outside" \
          "$notes_dma_warn" "$dma_ok" "$cycles" )
}
expect() { scen_expect scenarios/protected-devices "$@"; }
# log NAME 'fixed string' DESCRIPTION: the hypervisor's log line (faultline's stderr, -d guest_errors).
log() {
    if grep -qF -- "$2" "$tmp/$1.out"; then echo "PASS: scenarios/protected-devices/$1: $3"
    else echo "FAIL: scenarios/protected-devices/$1: $3 (no \"$2\" in the output: $(grep -v '^PASS' "$tmp/$1.out" | head -5 | tr '\n' ' '))"; fi
}

run prot pl330
run unprot pl330,iommu=off
for n in prot unprot; do
    expect $n '$rc = 0 -a "$guest" = ok -a $run_end = 1 -a $status = 0' "guest passed (its own checks), trace read to RUN-END"
    expect $n '$maps_foreign = 1 -a $ipa_maps = 1 -a $ipa_type = foreign -a $ipa_reason = hypercall -a $ipa_size = 4096' \
        "the foreign page: one p2m map at $F_IPA, p2m_map_foreign_rw, reason hypercall, 4 KiB"
done
expect prot '$protected = yes' "the PL330 is in /hypervisor/protected-devices"
expect prot '$smmu_cb_faults = 1 -a $smmu_fault_sid = 0x20 -a $smmu_fault_iova = 0x46000000 -a $smmu_fault_fsr = 0x2' \
    "the copy programmed with the PA: SMMU context fault, SID 32, IOVA = PA 0x46000000, FSR.TF"
expect prot '$dma_smmu_fault = 1 -a $dma_outside = 0 -a $notes_dma_warn = 0 -a $hv_dma_outside = 0' \
    "one DMA record SMMU_FAULT (the engine aborted), nothing flagged outside the domain"
log prot "smmu: dom0: Unhandled context fault: fsr=0x2, iova=0x46000000" "hv logged the context fault (iova = the PA)"
expect unprot '$protected = no' "the PL330 (iommu=off) is not in protected-devices"
expect unprot '$smmu_cb_faults = 0 -a $dma_smmu_fault = 0 -a $dma_bus_error = 0' "no SMMU in the way: no fault"
expect unprot '$dma_outside = 24 -a $dma_outside_pa = 0x46000000 -a $dma_outside_dev = pl330 -a $hv_dma_outside = 24' \
    "3 copies x 8 bursts outside dom0 (the foreign machine page, RAM above dom0_mem, back) flagged OUTSIDE_DOMAIN, counted by hv"
expect unprot '$notes_dma_warn = 1' "one warning for the master (trace NOTE)"
log unprot "WARNING: DMA from unprotected device dma-controller@9070000 reached 0x46000000 outside dom0's memory" \
    "hv warned once, in the spirit of Xen's passthrough-without-IOMMU warning"

# The DMA-trace replay (docs/trace.md "Replaying DMA") sees the same outside-domain transfers.
scen_replay replay unprot recorded
expect replay '$rc = 0 -a $transfers = 64 -a $changed = 0 -a $dma_outside = 24' \
    "replay-dma of the unprotected run under its own policy: 64 transfers, 0 changed, 24 still OUTSIDE_DOMAIN"
