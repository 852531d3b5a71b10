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
if command -v qemu-io >/dev/null; then
	echo "# some guest writes (qemu-io): data, a zero cluster, compressed data"
	qemu-io -c 'write -P 0x5a 0 1M' -c 'write -z 4M 1M' -c 'write -c -P 7 8M 256k' overlay.qcow2 >/dev/null
	run "$IMG" map overlay.qcow2 --output=json
	run "$IMG" convert -p -O raw overlay.qcow2 flat.raw
	run "$IMG" compare overlay.qcow2 flat.raw
	run "$IMG" map flat.raw
fi
if command -v qemu-img >/dev/null; then
	echo "# qemu-img agrees that the images are consistent:"
	run qemu-img check overlay.qcow2
fi
