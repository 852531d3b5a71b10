#!/bin/sh
# Install what imgtool needs to build and test, with apt-get, only if missing.
#   build:  gcc make pkg-config zlib1g-dev libzstd-dev libdeflate-dev check
#   tests:  qemu-utils (qemu-img, qemu-io: the interop oracle), python3 (JSON compare),
#           clang + libclang-rt-14-dev (libFuzzer targets)
set -eu

pkgs="gcc make pkg-config zlib1g-dev libzstd-dev libdeflate-dev check qemu-utils python3 clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
