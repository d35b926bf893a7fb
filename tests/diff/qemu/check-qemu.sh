#!/bin/sh
# tests/diff/qemu/check-qemu.sh — run the Unicorn-bug evidence guests on qemu-system-aarch64
# (7.2 here) and compare with the Arm ARM results. Not part of `make test`.
set -eu
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
here=$(dirname "$0")
CROSS=${CROSS:-aarch64-linux-gnu-}
${CROSS}gcc -nostdlib -static -march=armv8.1-a -Wl,-Ttext=0x40080000 -o "$d/lse.elf" "$here/lse_minmax.S"
got=$(timeout 10 qemu-system-aarch64 -M virt,virtualization=off,secure=off -cpu max -nographic -monitor none \
      -serial stdio -kernel "$d/lse.elf" 2>&1 | tr -d '\r')
want=$(printf 'b81e3d10\n00000101\nb58de517')
echo "$got"
if [ "$got" = "$want" ]; then echo "PASS: qemu/lse_minmax"; else echo "FAIL: qemu/lse_minmax (want: $want)"; fi
