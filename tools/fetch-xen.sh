#!/bin/sh
# tools/fetch-xen.sh [CACHE_DIR] — fetch real Xen 4.17 (the reference hypervisor of bench-boot).
#
# Downloads Debian's xen-hypervisor-4.17-arm64:arm64 at the version pinned in
# tools/guest/versions.conf with `apt-get download` (apt verifies it against the signed archive
# indexes; the .deb's SHA256 is checked again here against `apt-cache show`), extracts only
# /boot/xen-4.17-arm64 (an arm64 Image with the "ARM\x64" magic, bootable with QEMU's -kernel)
# into CACHE_DIR/xen/ (default guest-cache/xen/, git-ignored) and writes xen/VERSION. No Xen
# tools are installed or downloaded. Re-running with a complete cache does nothing.
# Needs the arm64 architecture enabled in dpkg (tools/fetch-guest.sh does it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cache=${1:-$top/guest-cache}
. "$here/guest/versions.conf"
XEN_VERSION=${FAULTLINE_XEN_VERSION:-$XEN_VERSION}
dir="$cache/xen"
say() { echo "fetch-xen: $*" >&2; }
die() { echo "faultline: fetch-xen: $*" >&2; exit 1; }

stamp="$dir/.complete-$XEN_VERSION"
if [ -f "$stamp" ] && [ -f "$dir/xen" ]; then
    say "Xen cached in $dir ($XEN_PKG $XEN_VERSION)"
    exit 0
fi
for t in apt-get apt-cache dpkg-deb sha256sum; do command -v $t >/dev/null || die "$t not found (apt-get install apt dpkg coreutils)"; done
dpkg --print-foreign-architectures | grep -qx arm64 \
    || die "the arm64 architecture is not enabled; run as root: dpkg --add-architecture arm64 && apt-get update"
# The SHA256 apt's signed index gives for the pinned version.
want=$(apt-cache show "$XEN_PKG=$XEN_VERSION" 2>/dev/null | sed -n 's/^SHA256: //p' | head -1)
if [ -z "$want" ]; then
    if [ "$(id -u)" = 0 ]; then apt-get update -qq || true; fi
    want=$(apt-cache show "$XEN_PKG=$XEN_VERSION" 2>/dev/null | sed -n 's/^SHA256: //p' | head -1)
    [ -n "$want" ] || die "$XEN_PKG $XEN_VERSION is not in the archive; available: $(apt-cache show "$XEN_PKG" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ') — update XEN_VERSION in tools/guest/versions.conf"
fi
say "package: $XEN_PKG $XEN_VERSION"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
(cd "$work" && apt-get download -q "$XEN_PKG=$XEN_VERSION" >/dev/null 2>"$work/apt.log") \
    || { cat "$work/apt.log" >&2; die "apt-get download failed"; }
deb=$(ls "$work"/xen-hypervisor-*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || die "apt-get download produced no .deb"
got=$(sha256sum "$deb" | cut -d' ' -f1)
[ "$got" = "$want" ] || die "$(basename "$deb"): SHA256 $got, the archive index says $want"
dpkg-deb -x "$deb" "$work/x"
bin=$(ls "$work"/x/boot/xen-4.17-arm64 "$work"/x/boot/xen-*-arm64 2>/dev/null | head -1)
[ -f "$bin" ] || die "no /boot/xen-*-arm64 in $(basename "$deb"): $(dpkg-deb -c "$deb" | awk '{print $6}' | grep boot/ | tr '\n' ' ')"
magic=$(dd if="$bin" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')
[ "$magic" = 'ARMd' ] || die "$bin is not an arm64 Image (magic '$magic')"
mkdir -p "$dir"
rm -f "$dir"/.complete-*
cp "$bin" "$dir/xen"
cp "$work/x/boot/$(basename "$bin").config" "$dir/xen.config" 2>/dev/null || true
echo "$XEN_PKG $XEN_VERSION $(basename "$bin") deb-sha256=$want" > "$dir/VERSION"
(cd "$dir" && sha256sum xen > SHA256SUMS)
touch "$stamp"
say "Xen $XEN_VERSION: $dir/xen ($(wc -c < "$dir/xen") bytes)"
