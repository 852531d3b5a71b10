#!/bin/bash
# imgtool against qemu-img, side by side on the same files.
#
# Each operation runs alternately (imgtool, qemu-img, imgtool, ...) ROUNDS
# times; the script prints the median wall time of each, the ratio
# (qemu-img / imgtool: above 1 means imgtool is faster) and the peak RSS
# of each.  Workloads are built here, deterministically, in a scratch
# folder (BENCH_DIR, default a temp dir).  Grows with every issue.
set -eu
cd "$(dirname "$0")/.."
IMG=$PWD/imgtool
ROUNDS=${ROUNDS:-7}
dir=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/imgtool-bench.XXXXXX")}
mkdir -p "$dir"
cd "$dir"

# run_timed OUTFILE CMD...: wall seconds and peak RSS (KiB) of one run.
run_timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>&1
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# bench NAME SETUP REPEAT CMD_IMGTOOL CMD_QEMU: SETUP runs before every
# timed run (e.g. removing the output), REPEAT runs of CMD per sample.
bench() {
	local name=$1 setup=$2 repeat=$3 a=$4 b=$5 i
	local ta="" tb="" ma=0 mb=0
	for ((i = 0; i < ROUNDS; i++)); do
		for side in a b; do
			local cmd=$a
			[ $side = b ] && cmd=$b
			eval "$setup"
			run_timed t.out bash -c "for ((k = 0; k < $repeat; k++)); do $cmd; done"
			read -r secs rss <t.out
			if [ $side = a ]; then
				ta+="$secs"$'\n'
				((rss > ma)) && ma=$rss
			else
				tb+="$secs"$'\n'
				((rss > mb)) && mb=$rss
			fi
		done
	done
	local mda mdb
	mda=$(printf '%s' "$ta" | median)
	mdb=$(printf '%s' "$tb" | median)
	awk -v n="$name" -v a="$mda" -v b="$mdb" -v ma="$ma" -v mb="$mb" 'BEGIN {
		r = (a > 0) ? b / a : 0
		printf "%-34s imgtool %8.3fs  qemu-img %8.3fs  ratio %6.2fx  rss %6d / %6d KiB\n",
		       n, a, b, r, ma, mb }'
}

"$IMG" create -q -f qcow2 base.qcow2 10G
"$IMG" create -q -f qcow2 -b base.qcow2 -F qcow2 top.qcow2
qemu-img snapshot -c s1 base.qcow2
qemu-img bitmap --add base.qcow2 b0

echo "imgtool bench: $ROUNDS rounds, medians, ratio = qemu-img time / imgtool time"
bench "info x50 (qcow2, snapshot, bitmap)" : 50 \
	"$IMG info base.qcow2" "qemu-img info base.qcow2"
bench "info --output=json x50" : 50 \
	"$IMG info --output=json base.qcow2" "qemu-img info --output=json base.qcow2"
bench "info --backing-chain x50" : 50 \
	"$IMG info --backing-chain top.qcow2" "qemu-img info --backing-chain top.qcow2"
bench "create qcow2 10G x20" "rm -f c.qcow2" 20 \
	"$IMG create -q -f qcow2 c.qcow2 10G" "qemu-img create -q -f qcow2 c.qcow2 10G"
bench "create 1T preallocation=metadata" "rm -f p.qcow2" 1 \
	"$IMG create -q -f qcow2 -o preallocation=metadata p.qcow2 1T" \
	"qemu-img create -q -f qcow2 -o preallocation=metadata p.qcow2 1T"
bench "create qed 1T x20" "rm -f q.qed" 20 \
	"$IMG create -q -f qed q.qed 1T" "qemu-img create -q -f qed q.qed 1T"

[ -n "${BENCH_DIR:-}" ] || rm -rf "$dir"
