#!/bin/sh
# tests/linux/isa-coverage.sh — before faultline boots Linux: list the instructions and system
# registers QEMU executes while booting the Debian guest through its boot-test script that
# faultline's decoder does not accept (cortex-a57 profile). Makes (once, cached in
# guest-cache/qemu-ref/) a QEMU `-d in_asm` log of the gicv2/smp1 boot-test boot, builds
# tests/linux/isa-coverage.c against build/$VARIANT/libfaultline.a and runs it. Exit 0 when
# there is no gap. Environment: QEMU, VARIANT (default release).
set -u
cd "$(dirname "$0")/../.." || exit 2
QEMU=${QEMU:-qemu-system-aarch64}
V=${VARIANT:-release}
[ -f guest-cache/Image ] || sh tools/fetch-guest.sh guest-cache || { echo "isa-coverage: no guest" >&2; exit 1; }
key=$(sha256sum guest-cache/Image | cut -c1-12)
log=guest-cache/qemu-ref/$key-gicv2-smp1-in_asm.log
if [ ! -s "$log" ]; then
    mkdir -p guest-cache/qemu-ref
    echo "isa-coverage: tracing QEMU's boot into $log" >&2
    timeout 600 "$QEMU" -M virt,gic-version=2 -cpu cortex-a57 -m 512M -smp 1 -nographic -no-reboot \
        -kernel guest-cache/Image -initrd guest-cache/initramfs.cpio.gz \
        -append "console=ttyAMA0 faultline.script=boot-test" -d in_asm -D "$log.tmp" </dev/null >"$log.out" 2>&1
    grep -q '^BOOT-TEST-DONE' "$log.out" || { echo "isa-coverage: QEMU's traced boot failed" >&2; tail -5 "$log.out" >&2; exit 1; }
    mv "$log.tmp" "$log"; rm -f "$log.out"
fi
make -s VARIANT="$V" "build/$V/libfaultline.a" || exit 1
mkdir -p "build/$V/tests/linux"
${CC:-gcc} -std=gnu11 -O2 -I. -I/usr/include/capstone -o "build/$V/tests/linux/isa-coverage" tests/linux/isa-coverage.c \
    "build/$V/libfaultline.a" -lfdt -lelf -lcapstone -lm || exit 1
"build/$V/tests/linux/isa-coverage" <"$log"
