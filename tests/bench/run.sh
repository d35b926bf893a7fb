#!/bin/sh
# tests/bench/run.sh — `make bench`: the CPU-bound guest (bench.c) on faultline and on QEMU.
# Builds tests/guest/build/bench.elf, runs it BENCH_RUNS times (default 5) alternately on
#   ./faultline -M virt -nographic -kernel bench.elf
#   qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -kernel bench.elf
# checks that both print the same "bench: checksum" line, and prints median wall time of each,
# faultline's MIPS (instructions retired, parsed from the exit summary faultline prints on stderr:
# the number next to the word "instructions"), the time ratio faultline/QEMU and faultline's peak
# RSS (/usr/bin/time -f %M, from the Debian package `time`).
# Environment: FAULTLINE, QEMU, BENCH_RUNS, BENCH_TIMEOUT (seconds per run, default 600).
# Then the same for the FP/SIMD guest tests/bench/fpbench.c (build/fpbench.elf), by running this
# script again with BENCH_IMG set (BENCH_IMG alone measures just that image).
set -u
cd "$(dirname "$0")/../.." || exit 2
FL=${FAULTLINE:-./faultline}
QEMU=${QEMU:-qemu-system-aarch64}
RUNS=${BENCH_RUNS:-5}
TMO=${BENCH_TIMEOUT:-600}
IMG=${BENCH_IMG:-tests/guest/build/bench.elf}
TIME=/usr/bin/time
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

make -s -C tests/guest CROSS="${CROSS:-aarch64-linux-gnu-}" "build/${IMG##*/}" || { echo "bench: build failed" >&2; exit 1; }
[ -x "$TIME" ] || { echo "bench: $TIME missing (apt-get install time)" >&2; exit 1; }
command -v "$QEMU" >/dev/null 2>&1 || { echo "bench: $QEMU missing" >&2; exit 1; }
have_fl=1
[ -x "$FL" ] || { have_fl=0; echo "bench: $FL not built: measuring QEMU only, and failing" >&2; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
checksum() { tr -d '\r' <"$1" | sed -n 's/^bench: checksum //p' | tail -1; }

status=0; insns=""
: >"$tmp/fl.times"; : >"$tmp/q.times"; : >"$tmp/fl.rss"
i=1
while [ $i -le "$RUNS" ]; do
    if [ $have_fl = 1 ]; then
        $TIME -f "%e %M" -o "$tmp/t" timeout "$TMO" "$FL" -M virt -nographic -kernel "$IMG" \
            </dev/null >"$tmp/fl.out" 2>"$tmp/fl.err"; rc=$?
        if [ $rc != 0 ]; then
            echo "bench: faultline run $i failed (status $rc): $(tail -1 "$tmp/fl.err")" >&2; status=1; have_fl=0
        else
            tail -1 "$tmp/t" | awk '{print $1}' >>"$tmp/fl.times"
            tail -1 "$tmp/t" | awk '{print $2}' >>"$tmp/fl.rss"
            n=$(tr -d ',' <"$tmp/fl.err" | grep -i 'instructions' | grep -oE '[0-9]+ instructions|instructions[^0-9]*[0-9]+' \
                | grep -oE '[0-9]+' | tail -1)
            [ -n "$n" ] && insns=$n
            fc=$(checksum "$tmp/fl.out")
        fi
    fi
    $TIME -f "%e %M" -o "$tmp/t" timeout "$TMO" "$QEMU" -M virt -cpu cortex-a57 -nographic -kernel "$IMG" \
        </dev/null >"$tmp/q.out" 2>"$tmp/q.err" || { echo "bench: QEMU run $i failed" >&2; status=1; }
    tail -1 "$tmp/t" | awk '{print $1}' >>"$tmp/q.times"
    qc=$(checksum "$tmp/q.out")
    i=$((i + 1))
done

qt=$(median <"$tmp/q.times")
echo "bench: QEMU checksum ${qc:-none}"
[ -s "$tmp/fl.times" ] && echo "bench: faultline checksum ${fc:-none}"
printf '%-28s %12s %12s\n' "" "faultline" "QEMU"
if [ -s "$tmp/fl.times" ]; then
    ft=$(median <"$tmp/fl.times")
    rss=$(sort -n "$tmp/fl.rss" | tail -1)
    if [ -z "${fc:-}" ] || [ "${fc:-}" != "${qc:-}" ]; then echo "bench: CHECKSUM MISMATCH" >&2; status=1; fi
    if [ -n "$insns" ]; then mips=$(awk -v n="$insns" -v t="$ft" 'BEGIN {printf "%.1f", n / t / 1e6}')
    else mips="n/a"; echo "bench: no 'instructions' count in faultline's exit summary" >&2; fi
    ratio=$(awk -v a="$ft" -v b="$qt" 'BEGIN {printf "%.2fx", a / b}')
    printf '%-28s %12s %12s\n' "median wall time (s)" "$ft" "$qt"
    printf '%-28s %12s %12s\n' "instructions retired" "${insns:-n/a}" "-"
    printf '%-28s %12s %12s\n' "MIPS" "$mips" "-"
    printf '%-28s %12s %12s\n' "time ratio faultline/QEMU" "$ratio" "1.00x"
    printf '%-28s %12s %12s\n' "peak RSS (KiB)" "$rss" "-"
else
    printf '%-28s %12s %12s\n' "median wall time (s)" "FAILED" "$qt"
    status=1
fi
if [ -z "${BENCH_IMG:-}" ]; then
    echo "bench: FP/SIMD guest (fpbench.elf)"
    BENCH_IMG=tests/guest/build/fpbench.elf sh tests/bench/run.sh || status=1
fi
exit $status
