#!/bin/sh
# tests/tools/run-suite.sh — faultline-trace over a sample trace written by the trace unit test
# (`test_trace --write-sample`): dump/stats/export output, truncated and malformed input.
# Prints PASS:/FAIL: lines for tests/run.sh.
set -u
B=${B:-build/release}
T=$B/tests/unit/test_trace
FL=$B/tools/faultline-trace
# Build what is missing. Until the top-level Makefile includes tools/Makefile.inc, add it here.
if grep -q '^include tools/Makefile.inc' Makefile 2>/dev/null; then mk="make -s"; else mk="make -s -f Makefile -f tools/Makefile.inc"; fi
$mk "$T" "$FL" >/dev/null 2>&1 || { echo "FAIL: tools: building $T and $FL"; exit 1; }

d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
ok()   { echo "PASS: $1"; }
bad()  { echo "FAIL: $1"; }
check() { # name, command... : passes when the command succeeds
    n=$1; shift
    if "$@"; then ok "$n"; else bad "$n"; fi
}

"$T" --write-sample "$d/s.fltr" || { bad "write sample trace"; exit 1; }
size=$(wc -c <"$d/s.fltr")

# ---- dump
"$FL" dump "$d/s.fltr" >"$d/dump" 2>"$d/err"; rc=$?
check "dump exits 0" [ "$rc" = 0 ]
check "dump has no stderr" [ ! -s "$d/err" ]
check "dump header shows the policy" grep -q '^# policy: xen,mmio=lazy$' "$d/dump"
check "dump header shows the kernel hash" \
    grep -q '^# image kernel sha256=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad$' "$d/dump"
check "dump stage-2 fault line" grep -qF \
    '[cyc 1030 ic 509 cpu0] S2-FAULT pc=0xffff000010081234 va=0xffff80000900a000 ipa=0x9000000 esr=0x93c08046 data translation write 4 level 3 -> mapped' "$d/dump"
check "dump disassembles the faulting instruction" grep -q 'S2-FAULT .*; str w0, \[x1\]' "$d/dump"
check "dump p2m line" grep -qF 'P2M map d0 ipa=0x9000000 pa=0x9000000 size=0x1000 mmio_direct_c (fault)' "$d/dump"
check "dump SMMU fault line" grep -qF 'SMMU-XLATE sid=0x12 cb=3 iova=0x9060000 write -> context-fault fsr=0x2' "$d/dump"
check "dump DMA names its master" grep -qF 'DMA pl330 sid=0x12 write iova=0x9060000' "$d/dump"
check "dump DMA: beat size and fixed address (v1.2)" grep -qF 'DMA pl330 sid=0x12 write iova=0x9060000 pa=0x0 len=64 beat=4 fixed -> smmu-fault' "$d/dump"
check "dump MMIO names its device" grep -qF 'MMIO read pl011+0x18' "$d/dump"
check "dump console input escaped" grep -qF 'CONSOLE-IN pl011 "ls\x0a"' "$d/dump"
check "dump skips an unknown kind" grep -qF 'UNKNOWN kind=200 len=5 (skipped)' "$d/dump"
check "dump ends with the run end" sh -c "tail -1 '$d/dump' | grep -q 'RUN-END status=0 cycles=123456789 insns=98765432 (guest poweroff)'"
check "dump: one line per record" [ "$(grep -c '^\[cyc ' "$d/dump")" = 18 ]

"$FL" dump --no-header --kind=S2-FAULT,p2m "$d/s.fltr" >"$d/k"
check "dump --kind filters" [ "$(wc -l <"$d/k")" = 2 ]
"$FL" dump --no-header --vcpu=1 "$d/s.fltr" >"$d/v"
check "dump --vcpu filters" sh -c "! grep -v 'cpu1\]' '$d/v' >/dev/null && [ -s '$d/v' ]"
"$FL" dump --no-header --addr=0x9060000-0x9060fff "$d/s.fltr" >"$d/a"
check "dump --addr filters (SMMU + DMA)" [ "$(wc -l <"$d/a")" = 2 ]
"$FL" dump --no-header --from=509 --to=512 "$d/s.fltr" >"$d/w"
check "dump --from/--to window" [ "$(wc -l <"$d/w")" = 2 ]

# ---- stats
"$FL" stats "$d/s.fltr" >"$d/stats"; rc=$?
check "stats exits 0" [ "$rc" = 0 ]
check "stats total" grep -q '^records 18 ' "$d/stats"
check "stats per kind" grep -Eq '^  S2-FAULT +1$' "$d/stats"
check "stats per outcome" grep -Eq '^  mapped +1$' "$d/stats"
check "stats p2m by type" grep -Eq '^  mmio_direct_c +1$' "$d/stats"
check "stats hypervisor residency" grep -q '^hypervisor: 1 entries to EL2, 30 cycles at EL2$' "$d/stats"
check "stats DMA by result" grep -Eq '^  smmu-fault +1$' "$d/stats"
check "summary is an alias of stats" sh -c "'$FL' summary '$d/s.fltr' | cmp -s - '$d/stats'"

# ---- export
"$FL" export --format=json "$d/s.fltr" >"$d/j"; rc=$?
check "export json exits 0" [ "$rc" = 0 ]
check "export json: one line per record" [ "$(wc -l <"$d/j")" = 18 ]
check "export json has the fault" grep -q '"kind":"S2-FAULT".*"ipa":"0x9000000".*"outcome":"mapped"' "$d/j"
check "export json: DMA beat and fixed" grep -q '"kind":"DMA".*"beat":4,"fixed":true' "$d/j"
"$FL" export --format=perfetto "$d/s.fltr" >"$d/p"; rc=$?
check "export perfetto exits 0" [ "$rc" = 0 ]
if command -v python3 >/dev/null 2>&1; then
    check "export json lines are valid JSON" python3 -c "
import json,sys
for l in open(sys.argv[1]): json.loads(l)" "$d/j"
    check "export perfetto is valid trace-event JSON" python3 -c "
import json,sys
d = json.load(open(sys.argv[1]))
ev = d['traceEvents']
assert all('ph' in e and 'pid' in e for e in ev)
assert any(e['ph'] == 'i' and e['name'] == 'S2-FAULT' for e in ev)
assert any(e['ph'] == 'C' and e['name'] == 'mapped pages' for e in ev)
b = [e for e in ev if e['ph'] == 'B']; en = [e for e in ev if e['ph'] == 'E']
assert len(b) == 1 and len(en) == 1 and b[0]['tid'] == en[0]['tid'] and en[0]['ts'] > b[0]['ts']" "$d/p"
else
    echo "SKIP: JSON validation (no python3)"
fi

# ---- truncated (a killed run): everything before the cut, one error line, exit 3
head -c $((size - 5)) "$d/s.fltr" >"$d/trunc"
"$FL" dump --no-header "$d/trunc" >"$d/td" 2>"$d/te"; rc=$?
check "truncated: exit 3" [ "$rc" = 3 ]
check "truncated: earlier records printed" [ "$(wc -l <"$d/td")" = 17 ]
check "truncated: one error line" [ "$(wc -l <"$d/te")" = 1 ]
check "truncated: says truncated" grep -q '^faultline-trace: .*truncated.*after 17 records' "$d/te"
"$FL" export --format=perfetto "$d/trunc" >"$d/tp" 2>/dev/null
if command -v python3 >/dev/null 2>&1; then
    check "truncated: perfetto export still valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$d/tp"
fi

# ---- corrupt: a flipped byte in the middle of the records
cp "$d/s.fltr" "$d/corrupt"
printf '\377' | dd of="$d/corrupt" bs=1 seek=$((size - 200)) conv=notrunc 2>/dev/null
"$FL" dump "$d/corrupt" >/dev/null 2>"$d/ce"; rc=$?
check "corrupt: exit 1" [ "$rc" = 1 ]
check "corrupt: one CRC error line" sh -c "[ \$(wc -l <'$d/ce') = 1 ] && grep -q 'CRC' '$d/ce'"

# ---- not a trace, missing file, bad usage
echo "hello, not a trace" >"$d/text"
"$FL" dump "$d/text" >/dev/null 2>"$d/e1"; rc=$?
check "not a trace: exit 1, one line" sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/e1') = 1 ] && grep -q 'bad magic' '$d/e1'"
"$FL" stats "$d/missing" >/dev/null 2>"$d/e2"; rc=$?
check "missing file: exit 1, one line" sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/e2') = 1 ]"
: >"$d/empty"
"$FL" stats "$d/empty" >/dev/null 2>&1; rc=$?
check "empty file: exit 1" [ "$rc" = 1 ]
"$FL" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command: exit 2" [ "$rc" = 2 ]
"$FL" export --format=xml "$d/s.fltr" >/dev/null 2>&1; rc=$?
check "unknown export format: exit 2" [ "$rc" = 2 ]
"$FL" dump --kind=NOPE "$d/s.fltr" >/dev/null 2>&1; rc=$?
check "unknown kind filter: exit 2" [ "$rc" = 2 ]
"$FL" --help >"$d/h"; rc=$?
check "--help: exit 0 and usage" sh -c "[ $rc = 0 ] && grep -q '^usage: faultline-trace dump' '$d/h'"

# ---- replay-dma (machine/dma_replay.c): the error paths. The scenario suite
# (tests/scenarios/run-suite.sh, dma-before-touch) checks what a good replay reports.
"$FL" replay-dma --policy=eager "$d/s.fltr" >/dev/null 2>"$d/r0"; rc=$?
check "replay-dma: a header command line that is not a run (no -kernel): exit 1, one line" \
    sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/r0') = 1 ] && grep -q 'does not describe a run' '$d/r0'"
"$FL" replay-dma --policy=sideways "$d/s.fltr" >/dev/null 2>&1; rc=$?
check "replay-dma: unknown policy: exit 2" [ "$rc" = 2 ]
"$FL" replay-dma >/dev/null 2>&1; rc=$?
check "replay-dma: no file: exit 2" [ "$rc" = 2 ]
"$FL" replay-dma --frob "$d/s.fltr" >/dev/null 2>&1; rc=$?
check "replay-dma: unknown option: exit 2" [ "$rc" = 2 ]
"$FL" replay-dma "$d/missing" >/dev/null 2>"$d/r1"; rc=$?
check "replay-dma: missing trace: exit 1, one line" sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/r1') = 1 ]"
"$FL" replay-dma "$d/text" >/dev/null 2>"$d/r2"; rc=$?
check "replay-dma: not a trace: exit 1" sh -c "[ $rc = 1 ] && grep -q 'bad magic' '$d/r2'"
# Real runs of the bare-metal DMA guest (when faultline and the guest are built).
G=tests/guest/build/dma_touch.elf
FLB=./faultline
if [ -x "$FLB" ] && [ -f "$G" ]; then
    run() { timeout 60 "$FLB" -M virt,sram=on -nographic -kernel "$@" </dev/null >/dev/null 2>&1; }
    run "$G" -device virtio-rng-device -hv xen,mmio=lazy -append expect=fault -trace file="$d/lazy.fltr"
    run "$G" -device virtio-rng-device -append expect=fault -trace file="$d/bare.fltr"
    "$FL" replay-dma "$d/lazy.fltr" >"$d/ok" 2>&1; rc=$?
    check "replay-dma: a good -hv xen trace: exit 0, summary" sh -c "[ $rc = 0 ] && grep -q '^transfers [0-9]*, recorded faults 1, replayed faults 0, changed 1$' '$d/ok'"
    "$FL" replay-dma "$d/bare.fltr" >/dev/null 2>"$d/r3"; rc=$?
    check "replay-dma: a -hv none trace is refused: exit 1, says why" \
        sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/r3') = 1 ] && grep -q 'recorded under -hv none' '$d/r3'"
    lsize=$(wc -c <"$d/lazy.fltr")
    head -c $((lsize - 7)) "$d/lazy.fltr" >"$d/ltrunc"
    "$FL" replay-dma "$d/ltrunc" >"$d/t4" 2>"$d/r4"; rc=$?
    check "replay-dma: truncated trace: exit 1, transfers before the cut reported, one error line" \
        sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/r4') = 1 ] && grep -q 'truncated' '$d/r4' && grep -q '#1 ' '$d/t4'"
    cp "$d/lazy.fltr" "$d/lcorrupt"
    printf '\377\000\377' | dd of="$d/lcorrupt" bs=1 seek=$((lsize / 2)) conv=notrunc 2>/dev/null
    "$FL" replay-dma "$d/lcorrupt" >/dev/null 2>"$d/r5"; rc=$?
    check "replay-dma: corrupted trace: exit 1, one CRC line" sh -c "[ $rc = 1 ] && [ \$(wc -l <'$d/r5') = 1 ] && grep -q 'CRC' '$d/r5'"
    # the images: the kernel moved away, then a different file under its name
    mkdir -p "$d/img" && cp "$G" "$d/img/k.elf"
    run "$d/img/k.elf" -device virtio-rng-device -hv xen,mmio=lazy -append expect=fault -trace file="$d/img.fltr"
    rm "$d/img/k.elf"
    "$FL" replay-dma "$d/img.fltr" >/dev/null 2>"$d/r6"; rc=$?
    check "replay-dma: kernel image missing: exit 1, names it" sh -c "[ $rc = 1 ] && grep -q 'kernel $d/img/k.elf: No such file' '$d/r6'"
    cp tests/guest/build/demo.elf "$d/img/k.elf"
    "$FL" replay-dma "$d/img.fltr" >/dev/null 2>"$d/r7"; rc=$?
    check "replay-dma: kernel image changed: exit 1, SHA-256 differs" sh -c "[ $rc = 1 ] && grep -q 'SHA-256 differs' '$d/r7'"
    # A fixed-address burst (v1.2 DMA record) is replayed on its one IOVA page: 8 KiB of 8-byte
    # beats at 8 bytes below the SRAM's end translate once (ok); the same transfer incrementing
    # runs past the SRAM into an unmapped page (a fault at 0x9071000).
    "$T" --write-fixed-dma "$d/fx.fltr" "$G" || bad "write the fixed-burst trace"
    "$FL" replay-dma -o "$d/fx-out.fltr" "$d/fx.fltr" >"$d/fx" 2>&1; rc=$?
    check "replay-dma fixed burst: exit 0, recorded ok, replayed ok on iova's page, not changed" \
        sh -c "[ $rc = 0 ] && grep -q '#1 pl330 sid=0x20 write iova=0x906fff8 len=0x2000 fixed: recorded ok, replayed ok pa=0x906fff8\$' '$d/fx'"
    check "replay-dma fixed burst: one SMMU translation (one page), none past the SRAM" \
        sh -c "[ \$('$FL' dump --no-header --kind=SMMU-XLATE --from=500 --to=500 '$d/fx-out.fltr' | wc -l) = 1 ]"
    check "replay-dma incrementing burst over the same range: 3 pages, faults at 0x9071000" \
        sh -c "grep -q '#2 pl330 sid=0x20 write iova=0x906fff8 len=0x2000: recorded smmu-fault, replayed smmu-fault iova=0x9071000 cb=0 fsr=0x2\$' '$d/fx' && [ \$('$FL' dump --no-header --kind=SMMU-XLATE --from=501 --to=501 '$d/fx-out.fltr' | wc -l) = 3 ]"
    check "replay-dma fixed/incrementing: summary 0 changed" grep -q '^transfers 2, recorded faults 1, replayed faults 1, changed 0$' "$d/fx"
    "$FL" replay-dma -o "$d/nodir/x.fltr" "$d/lazy.fltr" >/dev/null 2>"$d/r8"; rc=$?
    check "replay-dma: -o into a missing directory: exit 1" sh -c "[ $rc = 1 ] && grep -q '^faultline-trace: replay-dma: -o ' '$d/r8'"
else
    echo "SKIP: replay-dma on real traces (build faultline and the guests)"
fi
exit 0
