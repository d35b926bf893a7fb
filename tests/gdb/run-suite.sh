#!/bin/sh
# tests/gdb/run-suite.sh — a scripted gdb-multiarch session (batch mode) against faultline's gdb
# stub: connect to a guest started with -S, break on a symbol, continue, read registers and
# memory, single-step, and hit a watchpoint. Each step is asserted; prints PASS:/FAIL: lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
elf=tests/guest/build/gdb_target.elf
fail() { echo "FAIL: gdb/$1"; }
[ -x ./faultline ] || { fail "setup (./faultline missing: run make)"; exit 1; }
[ -f "$elf" ] || { fail "setup ($elf missing: run make guests)"; exit 1; }
command -v gdb-multiarch >/dev/null || { fail "setup (gdb-multiarch not installed: apt-get install gdb-multiarch)"; exit 1; }
tmp=$(mktemp -d); trap 'kill $fpid 2>/dev/null; rm -rf "$tmp"' EXIT
# A free port: the OS picks one for a throw-away listener.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
timeout 60 ./faultline -M virt -nographic -no-summary -gdb tcp::$port -S -kernel "$elf" >"$tmp/console" 2>"$tmp/stderr" &
fpid=$!
for _ in $(seq 50); do grep -q "waiting for gdb" "$tmp/stderr" 2>/dev/null && break; sleep 0.1; done
sed "s/__PORT__/$port/" tests/gdb/session.gdb > "$tmp/session.gdb"
timeout 60 gdb-multiarch -q -batch -nx -x "$tmp/session.gdb" "$elf" >"$tmp/gdb" 2>&1
wait $fpid; frc=$?
out=$(grep -a '^MARK\|^\$[0-9]' "$tmp/gdb" | tr '\n' ' ')
check() {  # name, regex over the MARK transcript
    if echo "$out" | grep -Eq "$2"; then echo "PASS: gdb/$1"; else fail "$1"; echo "  transcript: $out"; fi
}
check connect      'MARK connected'
check break-symbol 'MARK bp1 i=\$[0-9]+ = 0 '
check continue     'MARK bp2 i=\$[0-9]+ = 1 '
check registers    'pc-is-compute_step=\$[0-9]+ = 1 .*x0=\$[0-9]+ = 1 .*sp-nonzero=\$[0-9]+ = 1 '
if grep -aEq '<counter>:[[:space:]]+0x0*1$' "$tmp/gdb"; then echo "PASS: gdb/memory"; else fail memory; grep -a "counter>" "$tmp/gdb"; fi
check single-step  'MARK step delta=\$[0-9]+ = 4 '
check vector-regs  'MARK vreg=\$[0-9]+ = 0x1122334455667788 .*MARK fpcr=\$[0-9]+ = 0 '
check watchpoint   'MARK watch counter=\$[0-9]+ = 2 .*MARK watch2 counter=\$[0-9]+ = 3 '
if grep -q "RESULT ok" "$tmp/console" && [ "$frc" = 0 ]; then echo "PASS: gdb/guest-finishes"; else fail "guest-finishes (exit $frc)"; tail -3 "$tmp/console" "$tmp/stderr"; fi
