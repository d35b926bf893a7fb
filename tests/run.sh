#!/bin/sh
# tests/run.sh — runs every test suite and prints the closing line "N passed, M failed".
# Each suite is a script or binary; its results are counted per test case:
#  - cmocka unit binaries (build/<variant>/tests/unit/test_*): cmocka's own counts;
#  - suites that print "PASS: name" / "FAIL: name" lines (guest tests, diff tests, ...).
# Set FAULTLINE_TEST_FILTER=regex to run only the suites whose name matches.
set -u
B=${B:-build/release}
pass=0; fail=0; failed_names=""
log=$(mktemp); trap 'rm -f "$log"' EXIT
filter=${FAULTLINE_TEST_FILTER:-.}

run_cmocka() {  # name, binary
    echo "== unit: $1"
    "$2" >"$log" 2>&1; rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0}; f=${f:-0}
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi      # crashed
    if [ "$f" != 0 ]; then cat "$log"; failed_names="$failed_names unit:$1"; fi
    pass=$((pass + p)); fail=$((fail + f))
    echo "   $p passed, $f failed"
}

run_lines() {  # name, command...
    name=$1; shift
    echo "== $name"
    "$@" >"$log" 2>&1; rc=$?
    p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; echo "FAIL: $name exited with status $rc" >>"$log"; fi
    grep -E '^(FAIL|SKIP|NOTE): ' "$log" || true
    if [ "$f" != 0 ]; then tail -40 "$log"; failed_names="$failed_names $name"; fi
    pass=$((pass + p)); fail=$((fail + f))
    echo "   $p passed, $f failed"
}

for t in "$B"/tests/unit/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    echo "$n" | grep -Eq "$filter" || continue
    run_cmocka "$n" "$t"
done
for s in tests/*/run-suite.sh; do
    [ -f "$s" ] || continue
    n=$(basename "$(dirname "$s")")
    echo "$n" | grep -Eq "$filter" || continue
    run_lines "$n" sh "$s"
done

[ -n "$failed_names" ] && echo "failed suites:$failed_names"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
