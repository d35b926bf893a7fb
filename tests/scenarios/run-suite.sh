#!/bin/sh
# tests/scenarios/run-suite.sh — the seed scenarios (`make scenarios`; also part of `make test`).
# Each scenario is a bare-metal guest (tests/guest/NAME) run under -hv xen with each MMIO policy
# and -trace; the facts are read back from the trace stream with the library reader
# (build/.../tests/scenarios/trace-facts, not by grepping text) and asserted. Prints a table
# (scenario, policy, stage-2 faults, fault maps, pages, injected aborts, cycles) and PASS/FAIL lines.
#
# lazy-mmio (seeds 000/001): the guest touches N = 5 pages of three devices (PL011 1, PL031 1,
# SMMU 3), reads an IPA hole and fetches from a device page. Expected:
#   eager        : 2 faults (hole → data abort, fetch from the XN page → permission → prefetch
#                  abort), 0 fault maps;
#   lazy (page)  : 7 faults = 5 mapped (5 maps of type mmio_direct_c, 5 pages) + the same 2
#                  injections; the fetched page is never mapped; cycles(lazy) − cycles(eager)
#                  ≥ 5 × trap_cycles (every fault is one EL2 round trip, trap_cycles = 1000);
#   lazy (region): 5 faults = 3 mapped (one per device) + 2 injected, 34 pages (1 + 1 + the
#                  SMMU's 32).
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
B=${B:-build/release}
FACTS=$B/tests/scenarios/trace-facts
G=tests/guest/build
TRAP=1000
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for f in "$FL" "$FACTS" "$G/lazy_mmio.elf"; do
    [ -e "$f" ] || { echo "FAIL: scenarios ($f missing: make faultline unit guests)"; exit 1; }
done

printf '%-10s %-14s %7s %7s %6s %6s %6s %10s\n' scenario policy faults maps pages dabt pabt cycles
# run NAME POLICY-OPTIONS: runs the guest, leaves facts in $tmp/NAME.facts; echoes nothing.
run() {
    name=$1; hvopt=$2
    timeout 60 "$FL" -M virt -nographic -kernel "$G/lazy_mmio.elf" -device virtio-rng-device \
        -hv "xen,$hvopt,trap_cycles=$TRAP" -trace "file=$tmp/$name.trace" </dev/null >"$tmp/$name.out" 2>&1
    echo "rc=$?" >"$tmp/$name.facts"
    "$FACTS" "$tmp/$name.trace" >>"$tmp/$name.facts" 2>&1
    grep -q '^RESULT ok' "$tmp/$name.out" && echo "guest=ok" >>"$tmp/$name.facts"
    ( . "$tmp/$name.facts"
      printf '%-10s %-14s %7s %7s %6s %6s %6s %10s\n' lazy-mmio "$name" "$s2_faults" "$maps_fault" "$pages_fault" \
          "$s2_inject_dabt" "$s2_inject_pabt" "$cycles" )
}
# expect NAME 'shell condition over the facts' DESCRIPTION
expect() {
    if ( guest=no; . "$tmp/$1.facts"; eval "[ $2 ]" ); then echo "PASS: scenarios/lazy-mmio/$1: $3"
    else echo "FAIL: scenarios/lazy-mmio/$1: $3 (facts: $(tr '\n' ' ' <"$tmp/$1.facts"))"; fi
}
run eager mmio=eager
run lazy mmio=lazy
run lazy-region mmio=lazy,mmio_granule=region
for n in eager lazy lazy-region; do
    expect $n '$rc = 0 -a "$guest" = ok -a $run_end = 1 -a $status = 0' "guest passed, trace read to RUN-END"
    expect $n '$s2_inject_dabt = 1 -a $s2_inject_pabt = 1' "the hole's data abort and the fetch's prefetch abort injected"
done
expect eager '$s2_faults = 2 -a $maps_fault = 0 -a $s2_mapped = 0' "2 stage-2 faults, 0 fault maps"
expect lazy '$s2_faults = 7 -a $s2_mapped = 5 -a $maps_fault = 5 -a $pages_fault = 5' "7 faults, 5 maps of 5 pages (N = 5)"
expect lazy '$maps_fault_mmio_direct_c = 5 -a $not_xen = 0' "every fault map is p2m_mmio_direct_c"
expect lazy-region '$s2_faults = 5 -a $s2_mapped = 3 -a $maps_fault = 3 -a $pages_fault = 34' "5 faults, 3 region maps of 34 pages"
ce=$(sed -n 's/^cycles=//p' "$tmp/eager.facts"); cl=$(sed -n 's/^cycles=//p' "$tmp/lazy.facts")
d=$((cl - ce))
if [ "$d" -ge $((5 * TRAP)) ] && [ "$d" -lt $((5 * TRAP + 2000)) ]; then
    echo "PASS: scenarios/lazy-mmio/cycles: lazy - eager = $d cycles (5 faults x $TRAP trap cycles + re-executed accesses)"
else
    echo "FAIL: scenarios/lazy-mmio/cycles: lazy - eager = $d cycles, expected [$((5 * TRAP)), $((5 * TRAP + 2000)))"
fi
