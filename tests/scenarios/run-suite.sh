#!/bin/sh
# tests/scenarios/run-suite.sh — the seed scenarios (`make scenarios`; also part of `make test`).
# Each scenario is a bare-metal guest (tests/guest/NAME) run under -hv xen with each MMIO policy
# and -trace; the facts are read back from the trace stream with the library reader
# (build/.../tests/scenarios/trace-facts, not by grepping text) and asserted. Prints a table
# (scenario, policy, stage-2 faults, fault maps, pages, injected aborts, cycles) and PASS/FAIL lines.
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
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
B=${B:-build/release}
FACTS=$B/tests/scenarios/trace-facts
G=tests/guest/build
TRAP=1000
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in "$FL" "$FACTS" "$G/lazy_mmio.elf" "$G/mmio_sram.elf"; do
    [ -e "$f" ] || { echo "FAIL: scenarios ($f missing: make faultline unit guests)"; exit 1; }
done

# Columns: stage-2 faults, fault maps, pages mapped by faults, injected data / prefetch aborts,
# alignment faults taken at EL1, execution from the device region (mmio-sram: ok / abort),
# total cycles.
FMT='%-10s %-14s %7s %7s %6s %6s %6s %6s %6s %10s\n'
printf "$FMT" scenario policy faults maps pages dabt pabt align exec cycles
SRAM=0x09060000
# run SCENARIO NAME POLICY-OPTIONS [faultline options...]: runs the scenario's guest, leaves the
# facts in $tmp/NAME.facts (mmio-sram: with the p2m facts at the SRAM's IPA); prints a table row.
run() {
    scen=$1; name=$2; hvopt=$3; shift 3
    case $scen in
    lazy-mmio) set -- -M virt,sram=on -kernel "$G/lazy_mmio.elf" "$@"; ipa= ;;
    mmio-sram) set -- -M virt,sram=on -kernel "$G/mmio_sram.elf" "$@"; ipa=$SRAM ;;
    esac
    timeout 60 "$FL" -M virt -nographic "$@" \
        -hv "xen,$hvopt,trap_cycles=$TRAP" -trace "file=$tmp/$name.trace" </dev/null >"$tmp/$name.out" 2>&1
    echo "rc=$?" >"$tmp/$name.facts"
    "$FACTS" "$tmp/$name.trace" $ipa >>"$tmp/$name.facts" 2>&1
    grep -q '^RESULT ok' "$tmp/$name.out" && echo "guest=ok" >>"$tmp/$name.facts"
    exec=-
    if [ "$scen" = mmio-sram ]; then
        exec=$(sed -n 's/^INFO .*exec=\([a-z]*\).*/\1/p' "$tmp/$name.out"); exec=${exec:-?}
    fi
    ( . "$tmp/$name.facts"
      al=$exc_el1_align; [ "$scen" = mmio-sram ] || al=-
      printf "$FMT" "$scen" "$name" "$s2_faults" "$maps_fault" "$pages_fault" \
          "$s2_inject_dabt" "$s2_inject_pabt" "$al" "$exec" "$cycles" )
}
# expect [SCENARIO] NAME 'shell condition over the facts' DESCRIPTION
expect() {
    scen=lazy-mmio
    case $1 in lazy-mmio|mmio-sram) scen=$1; shift ;; esac
    if ( guest=no; . "$tmp/$1.facts"; eval "[ $2 ]" ); then echo "PASS: scenarios/$scen/$1: $3"
    else echo "FAIL: scenarios/$scen/$1: $3 (facts: $(tr '\n' ' ' <"$tmp/$1.facts"))"; fi
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

# ---- protected-devices (seeds 003/004): tests/scenarios/protected.sh ----
FAULTLINE=$FL B=$B sh tests/scenarios/protected.sh
