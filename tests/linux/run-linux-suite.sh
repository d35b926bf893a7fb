#!/bin/sh
# tests/linux/run-linux-suite.sh — the Linux boot suite (`make test-linux`): boots the Debian arm64
# guest on faultline with gic-version 2 and 3, 1 and 2 CPUs (tests/linux/boot-test.sh), printing
# "PASS: linux/boot-gicvG-smpN" / "FAIL: ..." lines and "N passed, M failed".
# Deliberately not named run-suite.sh: tests/run.sh (`make test`) must not pick it up until
# faultline boots Linux. Environment: EMULATOR (default ./faultline; qemu-system-aarch64 validates
# the suite itself), LINUX_CONFIGS (default "2:1 2:2 3:1 3:2", GIC:SMP pairs), and everything
# boot-test.sh reads (BOOT_TIMEOUT, BOOT_EXTRA, BOOT_LOGDIR, QEMU, BOOT_QEMU_REF).
set -u
cd "$(dirname "$0")/../.." || exit 2
EMU=${EMULATOR:-./faultline}
pass=0; fail=0
for c in ${LINUX_CONFIGS:-2:1 2:2 3:1 3:2}; do
    g=${c%%:*}; n=${c#*:}
    if sh tests/linux/boot-test.sh "$EMU" "$g" "$n"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "linux: $pass passed, $fail failed ($EMU)"
[ "$fail" = 0 ]
