#!/bin/sh
# tools/fetch-guest.sh [CACHE_DIR] — fetch the Debian arm64 guest and build its initramfs.
#
# Downloads Debian's unsigned arm64 kernel package (an uncompressed arm64 Image) and
# busybox-static:arm64 with apt (apt verifies them against the signed archive indexes), extracts
# them, and builds a gzip'd cpio initramfs with busybox, tools/guest/init, the boot-test,
# dma-test and pl330-test scripts and the virtio and pl330 modules of the same kernel package (GUEST_MODULES below, with
# a modules.dep; /init loads them when the command line says faultline.modules=a,b,c). The result is cached in CACHE_DIR (default guest-cache/, git-ignored); re-running with
# a complete cache does nothing. Needs root for `dpkg --add-architecture arm64` the first time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cache=${1:-$top/guest-cache}
. "$here/guest/versions.conf"
KERNEL_PKG=${FAULTLINE_KERNEL_PKG:-$KERNEL_PKG}
say() { echo "fetch-guest: $*" >&2; }
die() { echo "faultline: fetch-guest: $*" >&2; exit 1; }

# Bump INITRAMFS_REV when the initramfs contents change: an older cache is then rebuilt.
INITRAMFS_REV=3
# Modules the initramfs carries (virtio, virtio_ring, rng-core, arm_smmu, the AMBA bus and the
# dmaengine core are built in; pl330.ko has an empty depends=).
GUEST_MODULES="kernel/drivers/virtio/virtio_mmio.ko kernel/drivers/block/virtio_blk.ko kernel/drivers/char/hw_random/virtio-rng.ko kernel/drivers/dma/pl330.ko"
stamp="$cache/.complete-$KERNEL_PKG-r$INITRAMFS_REV"
if [ -f "$stamp" ] && [ -f "$cache/Image" ] && [ -f "$cache/initramfs.cpio.gz" ]; then
    say "guest cached in $cache ($KERNEL_PKG)"
    exit 0
fi
for t in apt-get dpkg-deb cpio gzip strings; do command -v $t >/dev/null || die "$t not found (apt-get install apt dpkg cpio gzip)"; done

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" = 0 ] || die "the arm64 architecture is not enabled; run as root: dpkg --add-architecture arm64 && apt-get update"
    say "enabling the arm64 architecture in dpkg"
    dpkg --add-architecture arm64
    apt-get update -qq || die "apt-get update failed (no access to Debian's archive?)"
fi
if ! apt-cache show "$KERNEL_PKG" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq || true; fi
    apt-cache show "$KERNEL_PKG" >/dev/null 2>&1 || die "package $KERNEL_PKG is not in the archive; available: $(apt-cache search --names-only '^linux-image-[0-9.]*-[0-9]*-arm64-unsigned$' | cut -d' ' -f1 | tr '\n' ' ') — update tools/guest/versions.conf"
fi

say "kernel package: $KERNEL_PKG ($(apt-cache show "$KERNEL_PKG" | sed -n 's/^Version: //p' | head -1))"
say "busybox package: $BUSYBOX_PKG"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
(cd "$work" && apt-get download -q "$KERNEL_PKG" "$BUSYBOX_PKG" >/dev/null 2>"$work/apt.log") \
    || { cat "$work/apt.log" >&2; die "apt-get download failed"; }
mkdir -p "$work/k" "$work/bb" "$cache"
dpkg-deb -x "$work"/linux-image-*.deb "$work/k"
dpkg-deb -x "$work"/busybox-static*.deb "$work/bb"
img=$(ls "$work"/k/boot/vmlinuz-* | head -1)
[ -f "$img" ] || die "no kernel image in $KERNEL_PKG"
# An arm64 Image carries the magic "ARM\x64" at offset 56.
magic=$(dd if="$img" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')
[ "$magic" = 'ARMd' ] || die "$img is not an uncompressed arm64 Image (magic '$magic')"

root="$work/root"
mkdir -p "$root/bin" "$root/sbin" "$root/etc/faultline" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
cp "$work/bb/bin/busybox" "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
cp "$here/guest/boot-test" "$root/etc/faultline/boot-test"
cp "$here/guest/dma-test" "$root/etc/faultline/dma-test"
cp "$here/guest/pl330-test" "$root/etc/faultline/pl330-test"
chmod 755 "$root/init" "$root/etc/faultline/boot-test" "$root/etc/faultline/dma-test" "$root/etc/faultline/pl330-test" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
# The virtio modules from the same kernel package, and a modules.dep for busybox modprobe
# (their `depends=` are empty: virtio and virtio_ring are built in).
kver=$(basename "$img" | sed 's/^vmlinuz-//')
mkdir -p "$root/lib/modules/$kver"
: > "$root/lib/modules/$kver/modules.dep"
for m in $GUEST_MODULES; do
    src="$work/k/lib/modules/$kver/$m"
    [ -f "$src" ] || die "$m is not in $KERNEL_PKG"
    dep=$(strings "$src" 2>/dev/null | sed -n 's/^depends=//p' | head -1)
    [ -z "$dep" ] || die "$m depends on '$dep': add it to GUEST_MODULES"
    mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
    cp "$src" "$root/lib/modules/$kver/$m"
    echo "$m:" >> "$root/lib/modules/$kver/modules.dep"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 2>/dev/null | gzip -9n) > "$work/initramfs.cpio.gz"

cp "$img" "$cache/Image"
cp "$work/initramfs.cpio.gz" "$cache/initramfs.cpio.gz"
cp -r "$work/k/lib/modules/$kver" "$cache/modules-$kver" 2>/dev/null || true
echo "$KERNEL_PKG $kver" > "$cache/VERSION"
(cd "$cache" && sha256sum Image initramfs.cpio.gz > SHA256SUMS)
rm -f "$cache"/.complete-*
touch "$stamp"
say "kernel $kver: $cache/Image ($(wc -c < "$cache/Image") bytes)"
say "initramfs: $cache/initramfs.cpio.gz ($(wc -c < "$cache/initramfs.cpio.gz") bytes)"
