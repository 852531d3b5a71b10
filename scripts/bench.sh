#!/bin/bash
# imgtool against qemu-img, side by side on the same files.
#
# Each operation runs alternately (imgtool, qemu-img, imgtool, ...) ROUNDS
# times; the script prints the median wall time of each, the ratio
# (qemu-img / imgtool: above 1 means imgtool is faster) and the peak RSS
# of each.  Reference rows time imgtool against another tool doing the
# same job (cp, zstd); the second column then names that tool and the
# ratio is its time over imgtool's.  Workloads are built here,
# deterministically (qemu-img, qemu-io, zstd and scripts/bench-gen.py), in
# a scratch folder.  Grows with every issue.
#
# Workloads (built once per run; the build time is printed):
#   mixed.raw          BENCH_GB GiB; per 1 MiB region ~35% random bytes,
#                      ~25% compressible text, ~15% written zeros, ~25% holes
#   mixed.qcow2 mixed-zlib.qcow2 mixed-zstd.qcow2 mixed.qed extl2.qcow2
#                      qemu-img convert of mixed.raw (-c, -c zstd, qed,
#                      extended_l2=on,cluster_size=128k); mixed.raw.zst
#                      (zstd -3 -T2) for the zstd reference row
#   frag.qcow2         BENCH_GB GiB, 4 KiB clusters, written by qemu-io
#                      even clusters first, then odd ones: every cluster
#                      is its own extent (262144 per GiB)
#   chain-top.qcow2    chain-base <- chain-mid <- chain-top, BENCH_GB GiB,
#                      each layer writing (and the mid one zeroing) a
#                      different part of the disk
#   prealloc.qcow2     1 TiB, preallocation=metadata
#   huge.qcow2         1 PiB, three small extents
#   small.qcow2        64 MiB, a few extents (start-up cost)
#
# Knobs (environment):
#   ROUNDS=7       rounds of the small operations (info, create, map x50)
#   BIG_ROUNDS=5   rounds of the big ones (convert, map, compare); by
#                  default 5 or ROUNDS if smaller (ROUNDS=1: a smoke run)
#   BENCH_GB=2     size of the mixed, frag and chain images in GiB; the
#                  scratch use is about 7 x BENCH_GB GiB, checked up front
#   BENCH_DIR=     scratch folder, kept afterwards; its workloads are
#                  reused by the next run with the same BENCH_GB.  Default:
#                  a temp dir under TMPDIR (or /tmp), removed at the end
#   BENCH_ONLY=    extended regex: only the rows whose name matches
#   BENCH_VERIFY=1 before timing, check once that imgtool's output (the
#                  converted raw file, map and compare output, exit codes)
#                  matches qemu-img's; 0 skips the checks
# Rows for imgtool commands that do not exist yet are skipped with a note,
# as is the zstd row without the zstd tool (Debian package zstd).  The
# defaults take about 10 minutes on 2 cores; timings are only as quiet as
# the machine (with other jobs running, ratios moved 2x between runs).
set -eu
cd "$(dirname "$0")/.."
IMG=$PWD/imgtool
GEN=$PWD/scripts/bench-gen.py
ROUNDS=${ROUNDS:-7}
BIG_ROUNDS=${BIG_ROUNDS:-$((ROUNDS < 5 ? ROUNDS : 5))}
BENCH_GB=${BENCH_GB:-2}
BENCH_ONLY=${BENCH_ONLY:-}
BENCH_VERIFY=${BENCH_VERIFY:-1}
[[ $BENCH_GB =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_GB must be a whole number of GiB" >&2; exit 2; }
if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	mkdir -p "$dir"
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/imgtool-bench.XXXXXX")
	# (a frag.qcow2 build still running in the background is waited for)
	trap 'wait; rm -rf "$dir"' EXIT
fi
cd "$dir"

# run_timed OUTFILE CMD...: wall seconds and peak RSS (KiB) of one run,
# as the last line of OUTFILE; the command's stderr goes to err.out.
run_timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>err.out
}

median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# selected NAME: whether BENCH_ONLY lets the row NAME run.
selected() {
	[ -z "$BENCH_ONLY" ] || [[ $1 =~ $BENCH_ONLY ]]
}

# bench NAME SETUP REPEAT CMD_IMGTOOL CMD_OTHER [LABEL]: SETUP runs before
# every timed run (e.g. removing the output), REPEAT runs of CMD per
# sample.  LABEL names the other tool (default qemu-img).  A failing run
# prints the row as FAILED with the command's first error line.
bench() {
	local name=$1 setup=$2 repeat=$3 a=$4 b=$5 label=${6:-qemu-img} i
	local ta="" tb="" ma=0 mb=0
	selected "$name" || return 0
	for ((i = 0; i < ROUNDS; i++)); do
		for side in a b; do
			local cmd=$a
			[ $side = b ] && cmd=$b
			eval "$setup"
			if ! run_timed t.out bash -c "for ((k = 0; k < $repeat; k++)); do $cmd || exit; done"; then
				printf '%-34s FAILED: %s: %s\n' "$name" "$cmd" "$(head -n 1 err.out)"
				return 0
			fi
			read -r secs rss < <(tail -n 1 t.out)
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
	awk -v n="$name" -v a="$mda" -v b="$mdb" -v ma="$ma" -v mb="$mb" -v l="$label" 'BEGIN {
		r = (a > 0) ? b / a : 0
		printf "%-34s imgtool %8.3fs  %-8s %8.3fs  ratio %6.2fx  rss %6d / %6d KiB\n",
		       n, a, l, b, r, ma, mb }'
}

# big ARGS...: bench with BIG_ROUNDS rounds.
big() {
	ROUNDS=$BIG_ROUNDS bench "$@"
}

# has CMD: whether imgtool has the subcommand CMD (else notes the skip).
declare -A noted
has() {
	"$IMG" "$1" --help >/dev/null 2>&1 && return 0
	if [ -z "${noted[$1]:-}" ]; then
		echo "(skipped: imgtool has no '$1' command yet)"
		noted[$1]=1
	fi
	return 1
}

# Output checks (BENCH_VERIFY): a mismatch prints a line starting with "!"
# and leaves the outputs as check-*.out or check-*.raw in the scratch dir.
mismatches=0
mismatch() {
	echo "! $*"
	mismatches=$((mismatches + 1))
}

# check_convert NAME SRC: imgtool's convert -O raw of SRC has the content
# of SRC as qemu-img reads it.
check_convert() {
	[ "$BENCH_VERIFY" = 1 ] && selected "$1" || return 0
	local msg
	rm -f o.raw
	if ! "$IMG" convert -O raw "$2" o.raw 2>err.out; then
		mismatch "$1: imgtool convert failed: $(head -n 1 err.out)"
	elif ! msg=$(qemu-img compare -f raw o.raw "$2" 2>&1); then
		mismatch "$1: imgtool's output differs from $2 (qemu-img compare:" \
			"$(echo "$msg" | head -n 1)); kept as check-$2.raw"
		mv o.raw "check-$2.raw"
	fi
	rm -f o.raw
}

# check_same NAME TAG CMD_IMGTOOL CMD_QEMU: same stdout and exit code.
# imgtool's map JSON also has qemu-img 8.2's "compressed" key (see
# cmd/map.c), which qemu-img 7.2 lacks: it is left out of the comparison.
check_same() {
	[ "$BENCH_VERIFY" = 1 ] && selected "$1" || return 0
	local ra=0 rb=0
	eval "$3" >"check-$2.imgtool.raw" 2>err.out || ra=$?
	sed -E 's/, "compressed": (true|false)//' "check-$2.imgtool.raw" >"check-$2.imgtool.out"
	rm -f "check-$2.imgtool.raw"
	eval "$4" >"check-$2.qemu.out" 2>/dev/null || rb=$?
	if [ $ra != $rb ]; then
		mismatch "$1: imgtool exits $ra, qemu-img $rb: $(head -n 1 err.out)"
	elif ! cmp -s "check-$2.imgtool.out" "check-$2.qemu.out"; then
		mismatch "$1: output differs from qemu-img's (check-$2.*.out in $dir):"
		diff "check-$2.qemu.out" "check-$2.imgtool.out" | head -n 6 | cut -c 1-160 | sed 's/^/!   /'
	else
		rm -f "check-$2.imgtool.out" "check-$2.qemu.out"
	fi
}

# qio FILE: runs the qemu-io commands on stdin against FILE (exit 1 on error).
qio() {
	qemu-io -t unsafe -f qcow2 "$1" >/dev/null
}

# chain_writes FIRST_MIB END_MIB STEP_MIB LEN_MIB PATTERN: qemu-io writes of
# LEN MiB every STEP MiB over [FIRST, END) MiB, the pattern byte varying.
chain_writes() {
	local o
	for ((o = $1; o < $2; o += $3)); do
		echo "write -q -P $((($5 + o / $3) % 251 + 1)) ${o}M ${4}M"
	done
}

build_workloads() {
	local mib=$((BENCH_GB * 1024)) t0=$SECONDS frag_pid
	local need=$((BENCH_GB * 7 + 1)) avail
	avail=$(df -Pk . | awk 'NR == 2 { print int($4 / 1048576) }')
	if ((avail < need)); then
		echo "bench: $avail GiB free in $dir, BENCH_GB=$BENCH_GB needs about $need GiB" >&2
		exit 1
	fi
	rm -f .workloads
	echo "building workloads (BENCH_GB=$BENCH_GB) in $dir"
	printf '  mixed.raw: '
	python3 "$GEN" mixed mixed.raw "$BENCH_GB"

	# The fragmented image is I/O- and syscall-bound: build it alongside
	# the CPU-bound compressed conversions.
	rm -f frag.qcow2
	qemu-img create -q -f qcow2 -o cluster_size=4096 frag.qcow2 "${BENCH_GB}G"
	(set -o pipefail; python3 "$GEN" frag-cmds "$BENCH_GB" | qio frag.qcow2) &
	frag_pid=$!

	qemu-img convert -O qcow2 mixed.raw mixed.qcow2
	qemu-img convert -c -O qcow2 mixed.raw mixed-zlib.qcow2
	qemu-img convert -c -O qcow2 -o compression_type=zstd mixed.raw mixed-zstd.qcow2
	qemu-img convert -O qed mixed.raw mixed.qed
	qemu-img convert -O qcow2 -o extended_l2=on,cluster_size=128k mixed.raw extl2.qcow2
	rm -f mixed.raw.zst
	if command -v zstd >/dev/null; then
		zstd -q -3 -T2 mixed.raw -o mixed.raw.zst
	fi

	# chain-base: [0, 3/8); chain-mid: [1/4, 1/2) and zeroes [1/16, 1/8);
	# chain-top: 1 MiB every 16 MiB, and [5/8, 3/4).
	qemu-img create -q -f qcow2 chain-base.qcow2 "${BENCH_GB}G"
	qemu-img create -q -f qcow2 -b chain-base.qcow2 -F qcow2 chain-mid.qcow2
	qemu-img create -q -f qcow2 -b chain-mid.qcow2 -F qcow2 chain-top.qcow2
	chain_writes 0 $((mib * 3 / 8)) 64 64 0 | qio chain-base.qcow2
	{
		chain_writes $((mib / 4)) $((mib / 2)) 64 64 100
		echo "write -q -z $((mib / 16))M $((mib / 16))M"
	} | qio chain-mid.qcow2
	{
		chain_writes 0 "$mib" 16 1 200
		chain_writes $((mib * 5 / 8)) $((mib * 3 / 4)) 64 64 150
	} | qio chain-top.qcow2

	qemu-img create -q -f qcow2 -o preallocation=metadata prealloc.qcow2 1T
	qemu-img create -q -f qcow2 huge.qcow2 1P
	printf 'write -q 0 64k\nwrite -q 512T 1M\nwrite -q 1048575G 64k\n' | qio huge.qcow2
	qemu-img create -q -f qcow2 small.qcow2 64M
	printf 'write -q 0 64k\nwrite -q -z 1M 1M\nwrite -q 8M 192k\nwrite -q 63M 1M\n' |
		qio small.qcow2

	wait "$frag_pid"
	echo "  frag.qcow2: $(qemu-img map --output=json frag.qcow2 | wc -l) extents"
	echo "v1 BENCH_GB=$BENCH_GB" >.workloads
	echo "  built in $((SECONDS - t0)) s, $(du -sh . | cut -f 1) in the scratch dir"
}

"$IMG" create -q -f qcow2 base.qcow2 10G
"$IMG" create -q -f qcow2 -b base.qcow2 -F qcow2 top.qcow2
qemu-img snapshot -c s1 base.qcow2
qemu-img bitmap --add base.qcow2 b0

if [ "$(cat .workloads 2>/dev/null)" = "v1 BENCH_GB=$BENCH_GB" ]; then
	echo "workloads (BENCH_GB=$BENCH_GB) reused from $dir"
else
	build_workloads
fi

echo "imgtool bench: $ROUNDS rounds ($BIG_ROUNDS for big operations), medians, ratio = qemu-img time / imgtool time"
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
rm -f c.qcow2 p.qcow2 q.qed

if has convert; then
	# Before each run the previous output is removed and synced, so that its
	# writeback and discards do not land in the next timed run.
	fresh="rm -f o.raw; sync"
	# convert_row NAME SRC: convert -O raw of SRC into o.raw.
	convert_row() {
		check_convert "$1" "$2"
		big "$1" "$fresh" 1 \
			"$IMG convert -O raw $2 o.raw" "qemu-img convert -O raw $2 o.raw"
	}
	convert_row "convert -O raw mixed.qcow2" mixed.qcow2
	convert_row "convert -O raw mixed-zlib.qcow2" mixed-zlib.qcow2
	convert_row "convert -O raw mixed-zstd.qcow2" mixed-zstd.qcow2
	convert_row "convert -O raw mixed.qed" mixed.qed
	convert_row "convert -O raw frag.qcow2" frag.qcow2
	convert_row "convert -O raw chain-top (3 deep)" chain-top.qcow2
	convert_row "convert -O raw extl2.qcow2" extl2.qcow2
	big "convert mixed.qcow2 (ref: cp)" "$fresh" 1 \
		"$IMG convert -O raw mixed.qcow2 o.raw" "cp --sparse=always mixed.raw o.raw" cp
	if [ -e mixed.raw.zst ] && command -v zstd >/dev/null; then
		big "convert mixed-zstd (ref: zstd -d)" "$fresh" 1 \
			"$IMG convert -O raw mixed-zstd.qcow2 o.raw" \
			"zstd -q -d -f mixed.raw.zst -o o.raw" "zstd -d"
	else
		echo "(skipped: the zstd reference row needs zstd, Debian package zstd)"
	fi
	rm -f o.raw
fi

if has map; then
	check_same "map --output=json prealloc 1T" prealloc \
		"$IMG map --output=json prealloc.qcow2" "qemu-img map --output=json prealloc.qcow2"
	big "map --output=json prealloc 1T" : 1 \
		"$IMG map --output=json prealloc.qcow2" "qemu-img map --output=json prealloc.qcow2"
	check_same "map --output=json frag.qcow2" frag \
		"$IMG map --output=json frag.qcow2" "qemu-img map --output=json frag.qcow2"
	big "map --output=json frag.qcow2" : 1 \
		"$IMG map --output=json frag.qcow2" "qemu-img map --output=json frag.qcow2"
	check_same "map x50 (small qcow2)" small \
		"$IMG map small.qcow2" "qemu-img map small.qcow2"
	bench "map x50 (small qcow2)" : 50 \
		"$IMG map small.qcow2" "qemu-img map small.qcow2"
	check_same "map --output=json 1P sparse" huge \
		"$IMG map --output=json huge.qcow2" "qemu-img map --output=json huge.qcow2"
	big "map --output=json 1P sparse" : 1 \
		"$IMG map --output=json huge.qcow2" "qemu-img map --output=json huge.qcow2"
fi

if has compare; then
	check_same "compare mixed.raw mixed.qcow2" compare \
		"$IMG compare mixed.raw mixed.qcow2" "qemu-img compare mixed.raw mixed.qcow2"
	big "compare mixed.raw mixed.qcow2" : 1 \
		"$IMG compare mixed.raw mixed.qcow2" "qemu-img compare mixed.raw mixed.qcow2"
fi

if [ "$BENCH_VERIFY" = 1 ] && ((mismatches > 0)); then
	echo "! $mismatches output check(s) failed: imgtool does not match qemu-img there"
fi
