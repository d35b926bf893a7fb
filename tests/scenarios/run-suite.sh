#!/bin/sh
# tests/scenarios/run-suite.sh — the seed scenarios (`make scenarios`; also part of `make test`).
# Each scenario is a bare-metal guest (tests/guest/NAME) run under -hv xen with each MMIO policy
# and -trace; the facts are read back from the trace stream with the library reader
# (build/.../tests/scenarios/trace-facts, not by grepping text) and asserted. Prints a table
# (scenario, policy, stage-2 faults, fault maps, pages, injected aborts, SMMU context faults,
# cycles) and PASS/FAIL lines.
#
# lazy-mmio (seeds 000/001): the guest touches N = 5 pages of three devices (PL011 1, PL031 1,
# the 64 KiB SRAM of -M virt,sram=on 3), reads an IPA hole and fetches from a device page.
# (The SMMU used to be the multi-page device; under -hv xen it is the hypervisor's now.) Expected:
#   eager        : 2 faults (hole → data abort, fetch from the XN page → permission → prefetch
#                  abort), 0 fault maps;
#   lazy (page)  : 7 faults = 5 mapped (5 maps of type mmio_direct_c, 5 pages) + the same 2
#                  injections; the fetched page is never mapped; cycles(lazy) − cycles(eager)
#                  ≥ 5 × trap_cycles (every fault is one EL2 round trip, trap_cycles = 1000);
#   lazy (region): 5 faults = 3 mapped (one per device) + 2 injected, 18 pages (1 + 1 + the
#                  SRAM's 16).
#
# protected-devices (seeds 003/004): tests/scenarios/protected.sh (its header says what it asserts).
#
# mmio-sram (seed 002): tests/guest/mmio_sram on -M virt,sram=on under
# -hv xen,mmio=eager,region=0x09060000:TYPE (and lazy for dev / c); the guest's stage 1 maps the
# SRAM Normal WB and executable, /chosen/bootargs "sram=dev|nc|c|rwx" tells it what to expect
# and it asserts its own results (PASS lines, RESULT ok). Trace facts asserted here:
#   the p2m MAP covering 0x09060000 has the overridden type (boot: the 64 KiB region; lazy: one
#   fault-mapped 4K page);
#   dev      : 4 alignment faults at EL1 (memset head + tail, DC ZVA, unaligned STR: EC 0x25,
#              DFSC 0x21), 1 stage-2 permission fault on the fetch → 1 injected prefetch abort;
#   nc, c    : 0 alignment faults, the same 1 permission fault → prefetch abort;
#   rwx      : 0 alignment faults, 0 stage-2 faults (the `ret` in SRAM runs), and the map is
#              flagged TRACE_F_NOT_XEN with a NOTE (outside Xen's behaviour); no other type is.
#
# dma-before-touch (seed 001 option c): tests/guest/dma_touch on -M virt,sram=on under mmio=lazy
# and mmio=eager, with two DMA masters (one run each, the guest's bootargs master=virtio|pl330):
#   virtio: -device virtio-rng-device (SMMU stream ID 0) writes 64 bytes into SRAM + 0x3000;
#   pl330:  -device pl330 (SID 0x20) copies a 256-byte pattern from RAM into SRAM + 0x5000
#           (two 128-byte DMAST bursts);
# each into a page the CPU has not touched. Trace facts asserted for each master M:
#   lazy : exactly one SMMU context fault: SID, IOVA = the SRAM address, context bank 0 (dom0's),
#          FSR.TF, FSYNR0.WNR and PLVL = 3; its DMA record (master M) says smmu-fault; the
#          CPU's read then maps the page (one fault map at that IPA) and finds the old contents
#          (the guest checks); the same transfer after the touch translates to the SRAM PA
#          (works only after touch);
#   eager: no SMMU fault, both transfers translated to the SRAM PA.
#   pl330 only: the guest read FTR0 = data_write_err (printed), the engine stopped at the fault
#          (phase 1: one DMALD and the faulted DMAST, nothing after; eager: 8 bursts, all ok).
# Then the replay (faultline-trace replay-dma, machine/dma_replay.c): the lazy trace under
# --policy=eager → 0 faults, 1 changed, the transfer translated to the SRAM PA (asserted from
# the replay's own trace with trace-facts); the eager trace under --policy=lazy → the fault
# again, for every transfer into the page (virtio 2, pl330 4 bursts: an eager trace records no
# CPU touch, and the replay does not stop the engine at the first fault); --policy=recorded
# reproduces the lazy run (0 changed); two replays are byte-identical.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scenarios/lib.sh
TRAP=1000
scen_need scenarios "$G/lazy_mmio.elf" "$G/mmio_sram.elf" "$G/dma_touch.elf"

# Columns: stage-2 faults, fault maps, pages mapped by faults, injected data / prefetch aborts,
# alignment faults taken at EL1, execution from the device region (mmio-sram: ok / abort),
# SMMU context faults, total cycles.
FMT='%-16s %-14s %7s %7s %6s %6s %6s %6s %6s %6s %10s\n'
printf "$FMT" scenario policy faults maps pages dabt pabt align exec smmu_f cycles
SRAM=0x09060000
dbt_buf=
# run SCENARIO NAME POLICY-OPTIONS [faultline options...]: runs the scenario's guest, leaves the
# facts in $tmp/NAME.facts (mmio-sram: with the p2m facts at the SRAM's IPA); prints a table row.
run() {
    scen=$1; name=$2; hvopt=$3; shift 3
    case $scen in
    lazy-mmio) set -- -M virt,sram=on -kernel "$G/lazy_mmio.elf" "$@"; ipa= ;;
    mmio-sram) set -- -M virt,sram=on -kernel "$G/mmio_sram.elf" "$@"; ipa=$SRAM ;;
    dma-before-touch) set -- -M virt,sram=on -kernel "$G/dma_touch.elf" "$@"; ipa=$dbt_buf ;;
    esac
    scen_run "$name" "$ipa" "$@" -hv "xen,$hvopt,trap_cycles=$TRAP"
    if [ "$scen" = dma-before-touch ]; then    # the PL330's FTR0 as the guest read it after the abort
        f=$(sed -n 's/^INFO pl330 aborted: FTR0=\(0x[0-9a-f]*\).*/\1/p' "$tmp/$name.out"); echo "guest_ftr0=${f:-none}" >>"$tmp/$name.facts"
    fi
    exec=-
    if [ "$scen" = mmio-sram ]; then
        exec=$(sed -n 's/^INFO .*exec=\([a-z]*\).*/\1/p' "$tmp/$name.out"); exec=${exec:-?}
    fi
    ( . "$tmp/$name.facts"
      al=$exc_el1_align; [ "$scen" = mmio-sram ] || al=-
      printf "$FMT" "$scen" "$name" "$s2_faults" "$maps_fault" "$pages_fault" \
          "$s2_inject_dabt" "$s2_inject_pabt" "$al" "$exec" "$smmu_cb_faults" "$cycles" )
}
# expect [SCENARIO] NAME 'shell condition over the facts' DESCRIPTION
expect() {
    scen=lazy-mmio
    case $1 in lazy-mmio|mmio-sram|dma-before-touch) scen=$1; shift ;; esac
    scen_expect "scenarios/$scen" "$@"
}
run lazy-mmio eager mmio=eager
run lazy-mmio lazy mmio=lazy
run lazy-mmio lazy-region mmio=lazy,mmio_granule=region
for n in eager lazy lazy-region; do
    expect $n '$rc = 0 -a "$guest" = ok -a $run_end = 1 -a $status = 0' "guest passed, trace read to RUN-END"
    expect $n '$s2_inject_dabt = 1 -a $s2_inject_pabt = 1' "the hole's data abort and the fetch's prefetch abort injected"
done
expect eager '$s2_faults = 2 -a $maps_fault = 0 -a $s2_mapped = 0' "2 stage-2 faults, 0 fault maps"
expect lazy '$s2_faults = 7 -a $s2_mapped = 5 -a $maps_fault = 5 -a $pages_fault = 5' "7 faults, 5 maps of 5 pages (N = 5)"
expect lazy '$maps_fault_mmio_direct_c = 5 -a $not_xen = 0' "every fault map is p2m_mmio_direct_c"
expect lazy-region '$s2_faults = 5 -a $s2_mapped = 3 -a $maps_fault = 3 -a $pages_fault = 18' "5 faults, 3 region maps of 18 pages"
ce=$(sed -n 's/^cycles=//p' "$tmp/eager.facts"); cl=$(sed -n 's/^cycles=//p' "$tmp/lazy.facts")
d=$((cl - ce))
if [ "$d" -ge $((5 * TRAP)) ] && [ "$d" -lt $((5 * TRAP + 2000)) ]; then
    echo "PASS: scenarios/lazy-mmio/cycles: lazy - eager = $d cycles (5 faults x $TRAP trap cycles + re-executed accesses)"
else
    echo "FAIL: scenarios/lazy-mmio/cycles: lazy - eager = $d cycles, expected [$((5 * TRAP)), $((5 * TRAP + 2000)))"
fi

# ---- mmio-sram (seed 002) ----
# sram NAME POLICY TYPE EXPECT: the guest told "sram=EXPECT", stage 2 maps the SRAM as TYPE.
sram() { run mmio-sram "$1" "mmio=$2,region=$SRAM:$3" -append "sram=$4"; }
sram eager-dev eager mmio_direct_dev dev
sram eager-nc eager mmio_direct_nc nc
sram eager-c eager mmio_direct_c c
sram eager-rwx eager mmio_direct_c_rwx rwx
sram lazy-dev lazy mmio_direct_dev dev
sram lazy-c lazy mmio_direct_c c
for n in eager-dev eager-nc eager-c eager-rwx lazy-dev lazy-c; do
    expect mmio-sram $n '$rc = 0 -a "$guest" = ok -a $run_end = 1 -a $status = 0' "guest passed (its own checks), trace read to RUN-END"
    t=mmio_direct_${n#*-}; [ "$t" = mmio_direct_rwx ] && t=mmio_direct_c_rwx
    case $n in
    eager-*) expect mmio-sram $n "\$ipa_maps = 1 -a \$ipa_type = $t -a \$ipa_reason = boot -a \$ipa_size = 65536" "the SRAM mapped at boot as p2m_$t (64 KiB)" ;;
    lazy-*)  expect mmio-sram $n "\$ipa_maps = 1 -a \$ipa_type = $t -a \$ipa_reason = fault -a \$ipa_size = 4096 -a \$maps_fault_$t -ge 1" "the SRAM page mapped on first touch as p2m_$t" ;;
    esac
    case $n in
    *-dev) expect mmio-sram $n '$exc_el1_align = 4' "memset (head + tail), DC ZVA, unaligned STR: 4 alignment faults at EL1 (EC 0x25, DFSC 0x21): Device wins" ;;
    *)     expect mmio-sram $n '$exc_el1_align = 0' "memset, DC ZVA, unaligned STR: no alignment fault (combined Normal)" ;;
    esac
    case $n in
    *-rwx) expect mmio-sram $n '$s2_faults = 0 -a $s2_inject_pabt = 0 -a $exc_el1_iabt = 0' "the ret copied to the SRAM runs: no stage-2 fault, no prefetch abort"
           expect mmio-sram $n '$notes_not_xen = 1 -a $not_xen = 2' "the RWX map is flagged outside Xen's behaviour (P2M record + NOTE)" ;;
    *)     expect mmio-sram $n '$s2_perm = 1 -a $s2_insn = 1 -a $s2_inject_pabt = 1 -a $exc_el1_iabt = 1' "the fetch from the XN SRAM: stage-2 permission fault, prefetch abort injected"
           expect mmio-sram $n '$notes_not_xen = 0 -a $not_xen = 0' "nothing flagged outside Xen's behaviour" ;;
    esac
done

# ---- dma-before-touch (seed 001 option c) and the DMA-trace replay, per DMA master ----
D=dma-before-touch
# dbt M DEVICE BUF SID DEV K: the scenario with master M (the guest's bootargs master=M) given as
# -device DEVICE, writing into the SRAM page at BUF (hex as the trace prints it), stream ID SID,
# its DMA records named DEV; K = SMMU translations in BUF's page per transfer (virtio: one 64-byte
# buffer; pl330: two 128-byte DMAST bursts). Runs M-lazy and M-eager, then the replays.
dbt() {
    m=$1; dev=$2; buf=$3; sid=$4; ddev=$5; k=$6
    dbt_buf=$buf
    run $D $m-lazy mmio=lazy -device "$dev" -append "master=$m expect=fault"
    run $D $m-eager mmio=eager -device "$dev" -append "master=$m expect=ok"
    for n in $m-lazy $m-eager; do
        expect $D $n '$rc = 0 -a "$guest" = ok -a $run_end = 1 -a $status = 0' "guest passed (its own checks), trace read to RUN-END"
    done
    expect $D $m-lazy "\$smmu_cb_faults = 1 -a \$smmu_fault_sid = $sid -a \$smmu_fault_iova = $buf -a \$smmu_fault_cb = 0" \
        "one SMMU context fault: SID $sid, IOVA $buf (the untouched SRAM page), context bank 0 (dom0's)"
    expect $D $m-lazy '$(( smmu_fault_fsr & 2 )) = 2 -a $(( smmu_fault_fsynr0 & 0x10 )) = 16 -a $(( smmu_fault_fsynr0 & 3 )) = 3 -a $smmu_fault_write = 1' \
        "FSR.TF (translation fault), FSYNR0.WNR (a write) and FSYNR0.PLVL = 3"
    expect $D $m-lazy "\$dma_fault = 1 -a \$dma_fault_dev = $ddev -a \$ipa_dma_fault = 1 -a \$ipa_smmu_faults = 1" \
        "the $ddev DMA record of that transfer says smmu-fault (no data written: the guest read the old contents)"
    expect $D $m-lazy '$ipa_maps = 1 -a $ipa_reason = fault -a $ipa_size = 4096' "the CPU's read maps the page lazily afterwards (one fault map)"
    expect $D $m-lazy "\$ipa_dma_ok = 1 -a \$ipa_smmu_ok = $k" "after the CPU's touch the same transfer translates to PA $buf (works only after touch)"
    expect $D $m-eager "\$smmu_cb_faults = 0 -a \$dma_fault = 0 -a \$ipa_dma_ok = 2 -a \$ipa_smmu_ok = $((2 * k))" "eager: no SMMU fault, both transfers translated to the SRAM PA"
    expect $D $m-eager '$ipa_maps = 1 -a $ipa_reason = boot' "eager: the SRAM mapped at boot"

    scen_replay $m-lazy-as-eager $m-lazy eager $buf
    scen_replay $m-lazy-as-eager2 $m-lazy eager $buf
    scen_replay $m-eager-as-lazy $m-eager lazy $buf
    scen_replay $m-lazy-as-recorded $m-lazy recorded $buf
    expect $D $m-lazy-as-eager '$rc = 0 -a $status = 0 -a $run_end = 1' "replay-dma lazy trace under eager: exit 0, its trace read to RUN-END"
    expect $D $m-lazy-as-eager '$rec_faults = 1 -a $rep_faults = 0 -a $changed = 1' "lazy trace under eager: 1 recorded fault, 0 replayed, 1 changed"
    expect $D $m-lazy-as-eager "\$smmu_cb_faults = 0 -a \$dma_fault = 0 -a \$ipa_dma_ok = 2 -a \$ipa_smmu_ok = $((k + 1))" \
        "replayed trace: no SMMU fault, the faulted transfer translated to PA $buf"
    if grep -q "$ddev sid=$sid write iova=$buf len=0x[0-9a-f]*: recorded smmu-fault, replayed ok pa=$buf  CHANGED\$" "$tmp/$m-lazy-as-eager.out"; then
        echo "PASS: scenarios/$D/$m-lazy-as-eager: the report flags the transfer (recorded smmu-fault, replayed ok pa=$buf, CHANGED)"
    else
        echo "FAIL: scenarios/$D/$m-lazy-as-eager: report line for the SRAM transfer missing ($(grep "$buf" "$tmp/$m-lazy-as-eager.out"))"
    fi
    if cmp -s "$tmp/$m-lazy-as-eager.trace" "$tmp/$m-lazy-as-eager2.trace" && cmp -s "$tmp/$m-lazy-as-eager.out" "$tmp/$m-lazy-as-eager2.out"; then
        echo "PASS: scenarios/$D/$m-replay-determinism: two replays give byte-identical traces and reports"
    else
        echo "FAIL: scenarios/$D/$m-replay-determinism: two replays differ"
    fi
    expect $D $m-eager-as-lazy "\$rc = 0 -a \$rec_faults = 0 -a \$rep_faults = $((2 * k)) -a \$changed = $((2 * k))" \
        "eager trace under lazy: the fault appears ($((2 * k)) transfers into the page: an eager trace records no CPU touch)"
    expect $D $m-eager-as-lazy "\$smmu_cb_faults = $((2 * k)) -a \$smmu_fault_sid = $sid -a \$smmu_fault_iova = $buf -a \$smmu_fault_cb = 0 -a \$(( smmu_fault_fsr & 2 )) = 2" \
        "replayed trace: SMMU context faults with SID $sid, IOVA $buf, bank 0, FSR.TF"
    expect $D $m-lazy-as-recorded '$rc = 0 -a $rec_faults = 1 -a $rep_faults = 1 -a $changed = 0 -a $ipa_dma_fault = 1 -a $ipa_dma_ok = 1' \
        "lazy trace under its own policy: the same fault, then the same success after the re-applied touch (0 changed)"
}
# virtio-rng (SID 0) writes 64 random bytes into SRAM + 0x3000.
dbt virtio virtio-rng-device 0x9063000 0x0 virtio-mmio.0 1
# The PL330 (SID 0x20) copies a 256-byte pattern from RAM into SRAM + 0x5000: the engine aborts at
# the first DMAST (one DMALD, the faulting store, nothing after), the guest sees it in its registers.
dbt pl330 pl330 0x9065000 0x20 pl330 2
expect $D pl330-lazy '$guest_ftr0 = 0x20000 -a $dma = 6 -a $dma_ok = 5 -a $dma_smmu_fault = 1' \
    "the engine aborted: the guest read FTR0 = data_write_err; 1 DMALD + the faulted DMAST in phase 1, 2 + 2 bursts after the touch"
expect $D pl330-eager '$guest_ftr0 = none -a $dma = 8 -a $dma_ok = 8' "eager: both copies complete (4 DMALD + 4 DMAST bursts, all ok)"

# ---- protected-devices (seeds 003/004): tests/scenarios/protected.sh ----
FAULTLINE=$FL B=$B sh tests/scenarios/protected.sh
