#!/bin/sh
# tools/deps.sh [build|test|bench|guest|ui] — make sure the Debian packages a target needs are
# installed. As root it installs what is missing (apt-get); otherwise it prints the exact
# apt-get line and fails. Called by `make`, `make test`, `make bench` and `make run`.
set -e
want="build-essential pkg-config libfdt-dev libelf-dev libcapstone-dev"
case "${1:-build}" in
  build) ;;
  test)  want="$want libcmocka-dev libunicorn-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm gdb-multiarch device-tree-compiler cpio tmux python3" ;;
  bench) want="$want gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm time" ;;
  guest) want="$want gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio" ;;
  ui)    want="$want libsdl2-dev" ;;
  *) echo "tools/deps.sh: unknown set '$1' (build|test|bench|guest|ui)" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$s" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "faultline: installing missing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || true
  apt-get install -y -qq $missing >/dev/null
else
  echo "faultline: missing Debian packages; run as root:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
