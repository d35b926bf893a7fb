#!/bin/sh
# tests/diff/run-suite.sh — differential testing against Unicorn: 200,000 random instructions
# over all rows per -cpu profile (the two profiles run in parallel), 150,000 more over the
# SIMD&FP rows only (-f), then the UNDEFINED-agreement check.
# Prints PASS:/FAIL: lines for tests/run.sh. DIFFTEST_N overrides the count, DIFFTEST_SEED the
# seed (default: a fixed seed, so a failure reproduces; `make test` stays deterministic).
set -u
B=${B:-build/release}
bin=$B/tests/diff/difftest
n=${DIFFTEST_N:-200000}
seed=${DIFFTEST_SEED:-1}
if [ ! -x "$bin" ]; then echo "FAIL: diff (no $bin; run make diff)"; exit 1; fi
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
"$bin" -p cortex-a57 -n "$n" -s "$seed" >"$out/a57" 2>&1 &
"$bin" -p max -n "$n" -s "$seed" >"$out/max" 2>&1 &
wait
"$bin" -p cortex-a57 -f -n $((n * 3 / 4)) -s "$seed" >"$out/fa57" 2>&1 &
"$bin" -p max -f -n $((n * 3 / 4)) -s "$seed" >"$out/fmax" 2>&1 &
wait
"$bin" -p cortex-a57 -u -n $((n / 4)) -s "$seed" >"$out/ua57" 2>&1 &
"$bin" -p max -u -n $((n / 4)) -s "$seed" >"$out/umax" 2>&1 &
wait
rc=0
for f in a57 max fa57 fmax ua57 umax; do
    # Mismatch dumps and the per-row table of a failing run go to the log; the result lines last.
    if grep -q '^FAIL: ' "$out/$f" || ! grep -q '^PASS: ' "$out/$f"; then
        grep -v -E '^(PASS|FAIL|NOTE): ' "$out/$f" | head -200
        rc=1
    fi
    grep -E '^(PASS|FAIL|NOTE): ' "$out/$f" | sed "s/^NOTE: /NOTE: $f: /"
    grep -q -E '^(PASS|FAIL): ' "$out/$f" || echo "FAIL: diff/$f (no result line; crashed?)"
done
exit $rc
