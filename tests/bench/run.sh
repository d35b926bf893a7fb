#!/bin/sh
# tests/bench/run.sh — `make bench`: the CPU-bound guest (bench.c) on faultline and on QEMU, in
# three builds of tests/bench/bench.c (tests/guest/build/):
#   bench.elf      MMU off (as before)
#   bench_mmu.elf  MMU on, 4 KiB level-3 identity pages, caches on, the same kernels ("TLB-friendly")
#   bench_tlb.elf  MMU on, the same tables, one word per page over 4096 pages ("TLB-hostile")
# Each is run BENCH_RUNS times (default 5), alternately on
#   ./faultline -M virt -nographic -kernel IMG
#   qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -kernel IMG
# For every build: both must print the same "bench: checksum" line (bench_mmu must also match
# bench's), median wall time of each, faultline's MIPS (instructions retired, parsed from the exit
# summary faultline prints on stderr: the number next to the word "instructions", divided by the
# median wall time), the time ratio faultline/QEMU; then faultline's MMU-on/MMU-off MIPS ratio on
# the TLB-friendly build (issue 3: within 15 %, i.e. >= 0.85) and faultline's peak RSS
# (/usr/bin/time -f %M, from the Debian package `time`). faultline runs on one host thread, so on
# an idle host wall time = CPU time; on a loaded host the wall figures inflate at random, so
# faultline's MIPS is also given per CPU second (user + sys, median) and the 15 % verdict is
# given on both bases.
# Exit status 1 on a failed run or a checksum mismatch; the 15 % criterion only fails the run with
# BENCH_STRICT=1 (wall-clock figures on a loaded host are noisy).
# Environment: FAULTLINE, QEMU, BENCH_RUNS, BENCH_TIMEOUT (seconds per run, default 600),
# BENCH_STRICT, BENCH_VARIANTS (default "bench bench_mmu bench_tlb fpbench"; fpbench.c is the FP/SIMD-heavy guest).
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
QEMU=${QEMU:-qemu-system-aarch64}
RUNS=${BENCH_RUNS:-5}
TMO=${BENCH_TIMEOUT:-600}
VARIANTS=${BENCH_VARIANTS:-bench bench_mmu bench_tlb fpbench}
B=tests/guest/build
TIME=/usr/bin/time
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

targets=""; for v in $VARIANTS; do targets="$targets build/$v.elf"; done
# shellcheck disable=SC2086
make -s -C tests/guest CROSS="${CROSS:-aarch64-linux-gnu-}" $targets || { echo "bench: build failed" >&2; exit 1; }
[ -x "$TIME" ] || { echo "bench: $TIME missing (apt-get install time)" >&2; exit 1; }
command -v "$QEMU" >/dev/null 2>&1 || { echo "bench: $QEMU missing" >&2; exit 1; }
have_fl=1
[ -x "$FL" ] || { have_fl=0; echo "bench: $FL not built: measuring QEMU only, and failing" >&2; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
checksum() { tr -d '\r' <"$1" | sed -n 's/^bench: checksum //p' | tail -1; }

status=0
for v in $VARIANTS; do
    : >"$tmp/$v.fl.times"; : >"$tmp/$v.fl.cpu"; : >"$tmp/$v.q.times"; : >"$tmp/$v.fl.rss"; : >"$tmp/$v.insns"
    : >"$tmp/$v.fl.sum"; : >"$tmp/$v.q.sum"; echo 1 >"$tmp/$v.fl.ok"
done
i=1
while [ $i -le "$RUNS" ]; do
    for v in $VARIANTS; do
        img=$B/$v.elf
        if [ $have_fl = 1 ] && [ "$(cat "$tmp/$v.fl.ok")" = 1 ]; then
            $TIME -f "%e %M %U %S" -o "$tmp/t" timeout "$TMO" "$FL" -M virt -nographic -kernel "$img" \
                </dev/null >"$tmp/fl.out" 2>"$tmp/fl.err"; rc=$?
            if [ $rc != 0 ]; then
                echo "bench: faultline $v run $i failed (status $rc): $(tail -1 "$tmp/fl.err")" >&2
                status=1; echo 0 >"$tmp/$v.fl.ok"
            else
                tail -1 "$tmp/t" | awk '{print $1}' >>"$tmp/$v.fl.times"
                tail -1 "$tmp/t" | awk '{print $2}' >>"$tmp/$v.fl.rss"
                tail -1 "$tmp/t" | awk '{printf "%.2f\n", $3 + $4}' >>"$tmp/$v.fl.cpu"
                n=$(tr -d ',' <"$tmp/fl.err" | grep -i 'instructions' | grep -oE '[0-9]+ instructions|instructions[^0-9]*[0-9]+' \
                    | grep -oE '[0-9]+' | tail -1)
                [ -n "$n" ] && echo "$n" >"$tmp/$v.insns"
                checksum "$tmp/fl.out" >"$tmp/$v.fl.sum"
            fi
        fi
        $TIME -f "%e %M" -o "$tmp/t" timeout "$TMO" "$QEMU" -M virt -cpu cortex-a57 -nographic -kernel "$img" \
            </dev/null >"$tmp/q.out" 2>"$tmp/q.err" || { echo "bench: QEMU $v run $i failed" >&2; status=1; }
        tail -1 "$tmp/t" | awk '{print $1}' >>"$tmp/$v.q.times"
        checksum "$tmp/q.out" >"$tmp/$v.q.sum"
    done
    i=$((i + 1))
done

label() {
    case "$1" in
    bench) echo "MMU off" ;; bench_mmu) echo "MMU on, TLB-friendly" ;; bench_tlb) echo "MMU on, TLB-hostile" ;; fpbench) echo "FP/SIMD-heavy, MMU off" ;; *) echo "$1" ;;
    esac
}
rss=0
for v in $VARIANTS; do
    qc=$(cat "$tmp/$v.q.sum"); fc=$(cat "$tmp/$v.fl.sum"); insns=$(cat "$tmp/$v.insns")
    qt=$(median <"$tmp/$v.q.times")
    echo ""
    echo "bench: == $v.elf ($(label "$v")) =="
    echo "bench: QEMU checksum ${qc:-none}"
    [ -s "$tmp/$v.fl.times" ] && echo "bench: faultline checksum ${fc:-none}"
    printf '%-28s %12s %12s\n' "" "faultline" "QEMU"
    if [ -s "$tmp/$v.fl.times" ]; then
        ft=$(median <"$tmp/$v.fl.times"); fcpu=$(median <"$tmp/$v.fl.cpu")
        r=$(sort -n "$tmp/$v.fl.rss" | tail -1); [ "$r" -gt "$rss" ] && rss=$r
        if [ -z "$fc" ] || [ "$fc" != "$qc" ]; then echo "bench: CHECKSUM MISMATCH ($v)" >&2; status=1; fi
        if [ -n "$insns" ]; then mips=$(awk -v n="$insns" -v t="$ft" 'BEGIN {printf "%.1f", n / t / 1e6}')
            cmips=$(awk -v n="$insns" -v t="$fcpu" 'BEGIN {printf "%.1f", n / t / 1e6}')
        else mips="n/a"; cmips="n/a"; echo "bench: no 'instructions' count in faultline's exit summary" >&2; fi
        echo "$mips" >"$tmp/$v.mips"; echo "$cmips" >"$tmp/$v.cmips"
        ratio=$(awk -v a="$ft" -v b="$qt" 'BEGIN {printf "%.2fx", a / b}')
        printf '%-28s %12s %12s\n' "median wall time (s)" "$ft" "$qt"
        printf '%-28s %12s %12s\n' "instructions retired" "${insns:-n/a}" "-"
        printf '%-28s %12s %12s\n' "median CPU time (s)" "$fcpu" "-"
        printf '%-28s %12s %12s\n' "MIPS" "$mips" "-"
        printf '%-28s %12s %12s\n' "MIPS per CPU second" "$cmips" "-"
        printf '%-28s %12s %12s\n' "time ratio faultline/QEMU" "$ratio" "1.00x"
    else
        printf '%-28s %12s %12s\n' "median wall time (s)" "FAILED" "$qt"
        status=1
    fi
done
echo ""
# The MMU-on build runs the same kernels: its checksum must be the MMU-off one.
if [ -s "$tmp/bench.q.sum" ] && [ -s "$tmp/bench_mmu.q.sum" ] && ! cmp -s "$tmp/bench.q.sum" "$tmp/bench_mmu.q.sum"; then
    echo "bench: CHECKSUM MISMATCH between bench and bench_mmu" >&2; status=1
fi
[ "$rss" -gt 0 ] && printf '%-28s %12s\n' "faultline peak RSS (KiB)" "$rss"
if [ -s "$tmp/bench.mips" ] && [ -s "$tmp/bench_mmu.mips" ]; then
    off=$(cat "$tmp/bench.mips"); on=$(cat "$tmp/bench_mmu.mips")
    [ -s "$tmp/bench_tlb.mips" ] && hostile=$(cat "$tmp/bench_tlb.mips") || hostile=n/a
    printf 'bench: faultline MIPS: MMU off %s, MMU on TLB-friendly %s, MMU on TLB-hostile %s\n' "$off" "$on" "$hostile"
    verdict=$(awk -v a="$on" -v b="$off" 'BEGIN {r = a / b; printf "%.3f %s", r, (r >= 0.85 ? "yes" : "NO")}')
    echo "bench: faultline MMU-on/MMU-off MIPS (TLB-friendly): ${verdict% *} — within 15 %: ${verdict#* }"
    coff=$(cat "$tmp/bench.cmips"); con=$(cat "$tmp/bench_mmu.cmips")
    [ -s "$tmp/bench_tlb.cmips" ] && chostile=$(cat "$tmp/bench_tlb.cmips") || chostile=n/a
    printf 'bench: faultline MIPS per CPU second: MMU off %s, MMU on TLB-friendly %s, MMU on TLB-hostile %s\n' "$coff" "$con" "$chostile"
    cverdict=$(awk -v a="$con" -v b="$coff" 'BEGIN {r = a / b; printf "%.3f %s", r, (r >= 0.85 ? "yes" : "NO")}')
    echo "bench: faultline MMU-on/MMU-off MIPS per CPU second (TLB-friendly): ${cverdict% *} — within 15 %: ${cverdict#* }"
    if [ "${BENCH_STRICT:-0}" = 1 ] && { [ "${verdict#* }" = NO ] || [ "${cverdict#* }" = NO ]; }; then status=1; fi
fi
exit $status
