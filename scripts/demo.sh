#!/bin/sh
# A short real workflow: create images of each format and inspect them.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/imgtool-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
run() {
	echo "\$ $*"
	"$@"
	echo
}
IMG=$PWD/imgtool
cd "$dir"
run "$IMG" create -f qcow2 base.qcow2 1G
run "$IMG" create -f qcow2 -o cluster_size=128k,lazy_refcounts=on,compression_type=zstd -b base.qcow2 -F qcow2 overlay.qcow2
run "$IMG" info overlay.qcow2
run "$IMG" info --output=json --backing-chain overlay.qcow2
run "$IMG" create -f qed disk.qed 10G
run "$IMG" info --output=json disk.qed
if command -v qemu-img >/dev/null; then
	echo "# qemu-img agrees that the images are consistent:"
	run qemu-img check overlay.qcow2
fi
