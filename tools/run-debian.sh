#!/bin/sh
# tools/run-debian.sh [EXTRA OPTIONS...] — `make run-linux`: boot the Debian arm64 guest to an
# interactive busybox shell on the console. Fetches the guest first if guest-cache/ lacks it
# (tools/fetch-guest.sh), prints the command, then execs
#   $EMULATOR -M $MACHINE -m $MEM -nographic -kernel guest-cache/Image \
#     -initrd guest-cache/initramfs.cpio.gz -append "$APPEND"
#     [-cpu $CPU] [EXTRA OPTIONS...]
# Defaults: EMULATOR=./faultline, MACHINE=virt, MEM=512M, APPEND="console=ttyAMA0", CPU unset
# (faultline's default CPU) except for QEMU, whose virt default is the 32-bit cortex-a15, so
# EMULATOR=qemu-system-aarch64 gets CPU=cortex-a57. Stop the guest with `poweroff -f`
# (or Ctrl-A x on QEMU).
# Example: APPEND="console=ttyAMA0 earlycon=pl011,0x9000000" tools/run-debian.sh -smp 2
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
EMULATOR=${EMULATOR:-./faultline}
MACHINE=${MACHINE:-virt}
MEM=${MEM:-512M}
APPEND=${APPEND:-console=ttyAMA0}
case "$EMULATOR" in *qemu-system-aarch64) CPU=${CPU:-cortex-a57} ;; *) CPU=${CPU:-} ;; esac
if [ ! -f guest-cache/Image ] || [ ! -f guest-cache/initramfs.cpio.gz ]; then
    sh tools/fetch-guest.sh guest-cache
fi
command -v "$EMULATOR" >/dev/null 2>&1 || { echo "run-debian: $EMULATOR not found (make faultline, or EMULATOR=qemu-system-aarch64)" >&2; exit 1; }
set -- "$EMULATOR" -M "$MACHINE" -m "$MEM" -nographic -kernel guest-cache/Image \
    -initrd guest-cache/initramfs.cpio.gz -append "$APPEND" ${CPU:+-cpu "$CPU"} "$@"
printf 'run-debian:'; for a in "$@"; do case "$a" in *' '*) printf " '%s'" "$a" ;; *) printf ' %s' "$a" ;; esac; done; echo
exec "$@"
