#!/bin/bash
# Read-path suite: imgtool map, compare and convert -O raw, with qemu-img
# 7.2 as the judge, on a zoo of images made by qemu-img and qemu-io.
#
#   map      stdout and exit code equal qemu-img map's (JSON parsed: every
#            entry also carries "compressed", right after "data", true
#            exactly for compressed clusters; human: same table, same exit,
#            and for compressed clusters the same error line).
#   convert  -O raw output byte-identical to qemu-img's (cmp); sparse where
#            qemu-img's is (allocation at most qemu-img's + $SLACK bytes);
#            -S 0 fully allocated; -n into existing targets, OUTPUT "-".
#   compare  exit code and stdout equal qemu-img compare's.
#
# The zoo is built lazily, once per $WORK, under a lock: zoo/NAME/ holds the
# images of z_NAME (".compressed" there marks images made with compressed
# clusters).  Tests only read zoo images; what they write goes to
# $WORK/t/TESTNAME/.
#
# Usage (see tests/run-all.sh):
#   SUITE=read IMGTOOL=/abs/imgtool WORK=/scratch TEST=glob bash tests/read/run.sh
# JOBS=N runs N tests at a time (default 2), TMO=S is the limit of every
# command (default 20 s).  Every test prints one line, "ok NAME" or
# "FAIL NAME: reason"; diagnostics follow, indented two spaces.
# shellcheck disable=SC2030,SC2031,SC2317 # each test runs in a subshell
# shellcheck disable=SC2181 # zoo must not run where set -e is ignored
set -u
. "$(dirname "$0")/../lib.sh"

QEMU_IMG=${QEMU_IMG:-qemu-img}
QEMU_IO=${QEMU_IO:-qemu-io}
JOBS=${JOBS:-2}
TMO=${TMO:-20}
# Allocated bytes of a default (sparse) convert output may exceed qemu-img's
# by this much.
SLACK=${SLACK:-65536}

case "$IMGTOOL" in
/*) ;;
*) IMGTOOL=$PWD/$IMGTOOL ;;
esac
case "$WORK" in
/*) ;;
*) WORK=$PWD/$WORK ;;
esac
mkdir -p "$WORK"
OUTDIR=$WORK/.results
rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
ZOO=$WORK/zoo
DATA=$ZOO/_data
mkdir -p "$DATA"
rm -f "$ZOO"/*.failed

# The interpreter itself, once (a pyenv-style shim costs ~0.2 s a call);
# -S: only the standard library is used.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x "$PY" ] || PY=$(command -v python3)
py() { "$PY" -S "$@"; }

K=1024
M=$((1024 * 1024))
G=$((1024 * M))
T=$((1024 * G))
P=$((1024 * T))

# Deterministic data: .rand (incompressible, 4 MiB) and .text (compressible
# text-like lines, 2 MiB).
if [ ! -s "$DATA/rand" ] || [ ! -s "$DATA/text" ]; then
	py - "$DATA" <<'PY'
import random, sys
d = sys.argv[1]
open(d + "/rand", "wb").write(random.Random(1).randbytes(4 << 20))
r = random.Random(2)
words = ("qcow2 cluster refcount table image offset backing snapshot the of "
         "and data zero map read write block sector header length").split()
out, n = [], 0
while n < (2 << 20):
    line = " ".join(r.choice(words) for _ in range(r.randint(3, 12))) + "\n"
    out.append(line)
    n += len(line)
open(d + "/text", "w").write("".join(out)[:2 << 20])
PY
fi

# ---------------------------------------------------------------- helpers

IT() { timeout "$TMO" "$IMGTOOL" "$@"; }
QI() { timeout "$TMO" "$QEMU_IMG" "$@"; }

# io FILE FMT CMD...: one qemu-io run of the commands on FILE (format FMT).
io() {
	local f=$1 fmt=$2 x
	shift 2
	local -a c=()
	for x in "$@"; do
		c+=(-c "$x")
	done
	timeout "$TMO" "$QEMU_IO" -f "$fmt" "${c[@]}" "$f" >/dev/null
}

# put FILE OFFSET SRC LEN [SRCOFF]: copy LEN bytes of SRC (from SRCOFF) into
# FILE at OFFSET without truncating it.
put() {
	dd if="$3" of="$1" bs=64k iflag=skip_bytes,count_bytes oflag=seek_bytes \
		skip="${5:-0}" seek="$2" count="$4" conv=notrunc status=none
}

# data: links .rand and .text into the current folder (qemu-io splits its
# commands at blanks, so they are named relative to it).
data() {
	ln -sf "$DATA/rand" .rand
	ln -sf "$DATA/text" .text
}

# garbage FILE SIZE SEED: FILE holds SIZE pseudo-random bytes.
garbage() {
	py -c 'import random, sys; open(sys.argv[1], "wb").write(random.Random(int(sys.argv[3])).randbytes(int(sys.argv[2])))' "$@"
}

# alloc FILE: bytes allocated on disk.
alloc() {
	local b s
	read -r b s < <(stat -c '%b %B' -- "$1")
	echo $((b * s))
}

# NAME is the running test's name (each test runs in its own subshell).
NAME=
# fail REASON [FILE...]: report the failure, then the files as diagnostics.
fail() {
	t_fail "$NAME" "$1"
	shift
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "  --- ${f##*/}"
		head -n 30 "$f" | cut -c 1-300 | sed 's/^/  /'
	done
}

# note TEXT...: an indented diagnostic line.
note() {
	echo "  $*"
}

# zoo NAME [ARG...]: zoo/NAME exists (built by z_NAME once, under a lock),
# and so does every zoo/X named by an ARG "../X/...".  On failure reports it
# (test bug) and returns 1.  Never call it where "set -e" would be ignored
# (left of || or &&, in an if): the builders rely on it.
zoo() {
	local n=$1 a x
	shift
	for a in "$@"; do
		case "$a" in
		../*/*)
			x=${a#../}
			x=${x%%/*}
			if [ "$x" != "$n" ] && declare -F "z_$x" >/dev/null; then
				zoo1 "$x"
				[ "$?" = 0 ] || return 1
			fi
			;;
		esac
	done
	zoo1 "$n"
}

zoo1() {
	local n=$1 d=$ZOO/$1 rc sum
	# A zoo folder left by an older z_NAME (WORK reused) is rebuilt.
	# shellcheck disable=SC2046 # function names
	sum=$(declare -f "z_$n" $(compgen -A function | grep '_zoo$') | md5sum)
	(
		flock 9
		[ -e "$d/.done" ] && [ "$(cat "$d/.done")" = "$sum" ] && exit 0
		[ -e "$ZOO/$n.failed" ] && exit 1
		rm -rf "$d"
		mkdir -p "$d"
		local t0=$SECONDS
		(
			set -e
			cd "$d"
			data
			"z_$n"
		) >"$ZOO/$n.log" 2>&1
		rc=$?
		echo "built in $((SECONDS - t0)) s" >>"$ZOO/$n.log"
		if [ "$rc" = 0 ]; then
			echo "$sum" >"$d/.done"
		else
			echo "exit $rc" >>"$ZOO/$n.log"
			touch "$ZOO/$n.failed"
		fi
		exit "$rc"
	) 9>"$ZOO/$n.lock"
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "building zoo/$n failed (test bug)" "$ZOO/$n.log"
		return 1
	fi
	return 0
}

# tdir: a fresh folder for the running test, printed.
tdir() {
	local d=$WORK/t/$NAME
	rm -rf "$d"
	mkdir -p "$d"
	echo "$d"
}

# sched and finish: see tests/lib.sh.

# noprogress FILE: FILE without qemu-style progress fragments
# ("    (12.50/100%)\r") and without blank lines.
noprogress() {
	tr '\r' '\n' <"$1" |
		sed -E 's/^[[:space:]]*\([[:space:]]*[0-9]+\.[0-9]+\/100%\)//' |
		grep -v '^[[:space:]]*$'
	return 0
}

# map_json_cmp COMPRESSED LABEL IMGTOOL_OUT QEMU_OUT [LABEL I Q ...]: for each
# pair, imgtool's map JSON is qemu-img's plus "compressed" right after
# "data" in every entry, true exactly where data is true and there is no
# offset, in an image made with compression (COMPRESSED 1), false elsewhere.
# Reports the first pair that differs.
map_json_cmp() {
	py - "$@" <<'PY'
import json, sys
comp = sys.argv[1] == "1"
def load(p, who):
    try:
        return json.load(open(p), object_pairs_hook=lambda kv: kv)
    except Exception as e:
        print(f"{who} output is not JSON: {e}")
        return None
def show(e):
    return "{" + ", ".join(f'"{k}": {json.dumps(v)}' for k, v in e) + "}"
def check(ipath, qpath):
    a = load(ipath, "imgtool")
    b = load(qpath, "qemu-img")
    if a is None or b is None:
        return 1
    if not isinstance(a, list):
        print("imgtool output is not a JSON array"); return 1
    bad = 0
    for i in range(max(len(a), len(b))):
        if i >= len(a):
            print(f"entry {i}: missing in imgtool's output; qemu-img: {show(b[i])}"); bad += 1
        elif not isinstance(a[i], list):
            print(f"entry {i}: not an object: {json.dumps(a[i])}"); bad += 1
        else:
            keys = [k for k, _ in a[i]]
            ent = dict(a[i])
            if keys.count("compressed") != 1:
                print(f"entry {i}: {keys.count('compressed')} \"compressed\" keys: {show(a[i])}"); bad += 1
            else:
                ci = keys.index("compressed")
                if ci == 0 or keys[ci - 1] != "data":
                    print(f"entry {i}: \"compressed\" does not follow \"data\": {show(a[i])}"); bad += 1
                want = comp and ent.get("data") is True and "offset" not in ent
                if ent["compressed"] is not want:
                    print(f"entry {i}: compressed is {json.dumps(ent['compressed'])}, expected {json.dumps(want)}: {show(a[i])}"); bad += 1
            rest = [[k, v] for k, v in a[i] if k != "compressed"]
            if i >= len(b):
                print(f"entry {i}: extra in imgtool's output: {show(a[i])}"); bad += 1
            elif json.dumps(rest) != json.dumps([[k, v] for k, v in b[i]]):
                print(f"entry {i}: imgtool  {show(a[i])}")
                print(f"entry {i}: qemu-img {show(b[i])}"); bad += 1
        if bad >= 6:
            print("..."); break
    if len(a) != len(b):
        print(f"imgtool: {len(a)} entries, qemu-img: {len(b)}")
    return bad
args = sys.argv[2:]
for k in range(0, len(args), 3):
    if check(args[k + 1], args[k + 2]):
        print(f"LABEL {args[k]}")
        sys.exit(1)
PY
}

# comp_flag DIR: 1 if the zoo folder's images were made with compression.
comp_flag() {
	if [ -e "$1/.compressed" ]; then echo 1; else echo 0; fi
}

# ---------------------------------------------------------------- map

# map_test MODE ZOO CWD IMG [ARGS...]: in zoo/ZOO/CWD, "map --output=MODE
# ARGS IMG" (MODE json or human; default: no --output) prints and exits as
# qemu-img's does.
map_test() {
	local mode=$1 z=$2 cwd=$3 img=$4
	shift 4
	zoo "$z" "$img" "$@"
	[ "$?" = 0 ] || return
	local d
	d=$(tdir)
	JSONQ=()
	map_once "$mode" "$ZOO/$z" "$cwd" "$img" "$d" 0 "" "$@" || return
	map_json_check "$ZOO/$z" "$d" || return
	t_ok "$NAME"
}

# map_once MODE ZDIR CWD IMG D TAG LABEL [ARGS...]: run both, compare exit
# codes, human stdout and the compressed-cluster error line; JSON output is
# queued in JSONQ for map_json_check.  Reports a failure (with LABEL) and
# returns 1.
JSONQ=()
map_once() {
	local mode=$1 zd=$2 cwd=$3 img=$4 d=$5 tag=$6 label=$7 ri rq
	shift 7
	local -a o=("--output=$mode")
	[ "$mode" = default ] && o=()
	local qo=$d/q$tag.out qe=$d/q$tag.err io_=$d/i$tag.out ie=$d/i$tag.err
	(cd "$zd/$cwd" && QI map "${o[@]}" "$@" "$img") >"$qo" 2>"$qe"
	rq=$?
	(cd "$zd/$cwd" && IT map "${o[@]}" "$@" "$img") >"$io_" 2>"$ie"
	ri=$?
	local cmd="(cd ${zd#"$WORK"/}/$cwd && imgtool map ${o[*]} $* $img)"
	if [ "$rq" = 124 ] || [ "$rq" = 137 ]; then
		fail "${label}qemu-img map timed out (test bug)"
		return 1
	fi
	if [ "$ri" != "$rq" ]; then
		fail "${label}imgtool map exit $ri, qemu-img map exit $rq" "$ie" "$qe" "$io_"
		note "$cmd"
		return 1
	fi
	if [ "$mode" = json ] && [ "$rq" = 0 ]; then
		JSONQ+=("$label$cmd" "$io_" "$qo")
	elif ! cmp -s "$io_" "$qo"; then
		diff -u "$io_" "$qo" >"$d/diff"
		fail "${label}map stdout differs, imgtool (-) vs qemu-img (+)" "$d/diff"
		note "$cmd"
		return 1
	fi
	# qemu-img's one-line refusal of compressed clusters: the same line.
	if grep -q '^qemu-img: File contains external, encrypted or compressed clusters\.$' "$qe"; then
		sed 's/^qemu-img: /imgtool: /' "$qe" >"$qe.sub"
		if ! diff -u "$ie" "$qe.sub" >"$d/diff"; then
			fail "${label}map stderr differs, imgtool (-) vs qemu-img (+, renamed)" "$d/diff"
			note "$cmd"
			return 1
		fi
	fi
	return 0
}

# map_json_check ZDIR D: the JSON outputs queued by map_once agree (one
# python run for all of them).
map_json_check() {
	[ "${#JSONQ[@]}" = 0 ] && return 0
	if ! map_json_cmp "$(comp_flag "$1")" "${JSONQ[@]}" >"$2/jdiff" 2>&1; then
		local label
		label=$(sed -n 's/^LABEL //p' "$2/jdiff")
		sed -i '/^LABEL /d' "$2/jdiff"
		fail "map --output=json differs" "$2/jdiff"
		note "$label"
		return 1
	fi
	return 0
}

# map_ranges_test MODE ZOO IMG SIZE: map with --start-offset/--max-length
# pairs (aligned, unaligned, suffixed, at and past the end, invalid).
map_ranges_test() {
	local mode=$1 z=$2 img=$3 size=$4
	zoo "$z"
	[ "$?" = 0 ] || return
	local d r k=0
	d=$(tdir)
	local -a ranges=(
		"--start-offset=0"
		"--start-offset=1M"
		"--start-offset=$((5 * M + 1000))"
		"--max-length=4097"
		"--start-offset=65535 --max-length=65538"
		"--start-offset=3 --max-length=1"
		"--start-offset=512k --max-length=3M"
		"--start-offset=$((M - 1)) --max-length=$((2 * M + 2))"
		"--max-length=0"
		"--max-length=1P"
		"--start-offset=$((size - 1))"
		"--start-offset=$((size - 4096)) --max-length=8192"
		"--start-offset=$size"
		"--start-offset=$((size + 4096))"
		"--start-offset=$((size + 12345)) --max-length=10"
		"--start-offset=-1"
		"--max-length=-5"
		"--start-offset=12x"
	)
	JSONQ=()
	for r in "${ranges[@]}"; do
		k=$((k + 1))
		# shellcheck disable=SC2086 # r holds one or two options
		map_once "$mode" "$ZOO/$z" . "$img" "$d" "$k" "[$r] " $r || return
	done
	map_json_check "$ZOO/$z" "$d" || return
	t_ok "$NAME"
}

# map_fast_test ZOO IMG LIMIT [WINDOW...]: imgtool map --output=json IMG
# takes less than LIMIT seconds and agrees with qemu-img.  Without WINDOWs
# on the whole map; with WINDOWs ("START:LENGTH", for images qemu-img maps
# slowly) imgtool's map is a contiguous cover of the image, clipped to each
# window it equals qemu-img's map of that window, and outside the windows
# it is unallocated (present false, zero true, data false, depth 0).
map_fast_test() {
	local z=$1 img=$2 lim=$3
	shift 3
	zoo "$z"
	[ "$?" = 0 ] || return
	local d t0 t1 ri rq w k=0
	d=$(tdir)
	t0=$(date +%s%N)
	(cd "$ZOO/$z" && timeout "$lim" "$IMGTOOL" map --output=json "$img") >"$d/i.out" 2>"$d/i.err"
	ri=$?
	t1=$(date +%s%N)
	local cmd="(cd ${ZOO#"$WORK"/}/$z && imgtool map --output=json $img)"
	if [ "$ri" = 124 ]; then
		fail "imgtool map --output=json took more than $lim s"
		note "$cmd"
		return
	fi
	if [ "$ri" != 0 ]; then
		fail "imgtool map --output=json exit $ri" "$d/i.err"
		note "$cmd"
		return
	fi
	if [ "$#" = 0 ]; then
		(cd "$ZOO/$z" && QI map --output=json "$img") >"$d/q.out" 2>"$d/q.err"
		rq=$?
		if [ "$rq" != 0 ]; then
			fail "qemu-img map exit $rq (test bug)" "$d/q.err"
			return
		fi
		JSONQ=("$cmd" "$d/i.out" "$d/q.out")
		map_json_check "$ZOO/$z" "$d" || return
	else
		local -a wa=()
		for w in "$@"; do
			k=$((k + 1))
			(cd "$ZOO/$z" && QI map --output=json --start-offset="${w%:*}" \
				--max-length="${w#*:}" "$img") >"$d/q$k.out" 2>"$d/q$k.err"
			rq=$?
			if [ "$rq" != 0 ]; then
				fail "qemu-img map of window $w: exit $rq (test bug)" "$d/q$k.err"
				return
			fi
			wa+=("$w" "$d/q$k.out")
		done
		if ! py - "$d/i.out" "$(comp_flag "$ZOO/$z")" "${wa[@]}" >"$d/jdiff" 2>&1 <<'PY'
import json, sys
ent = json.load(open(sys.argv[1]))
comp = sys.argv[2] == "1"
wins = [(int(w.split(":")[0]), int(w.split(":")[1]), json.load(open(f)))
        for w, f in zip(sys.argv[3::2], sys.argv[4::2])]
bad = []
pos = 0
for e in ent:
    if e.get("start") != pos:
        bad.append(f"not contiguous at {pos}: {e}")
    pos = e.get("start", 0) + e.get("length", 0)
    want = comp and e.get("data") is True and "offset" not in e
    if e.get("compressed") is not want:
        bad.append(f"compressed should be {want}: {e}")
def clip(lst, s, l):
    out = []
    for e in lst:
        a, b = max(e["start"], s), min(e["start"] + e["length"], s + l)
        if a >= b:
            continue
        c = {k: v for k, v in e.items() if k != "compressed"}
        if "offset" in c:
            c["offset"] += a - e["start"]
        c["start"], c["length"] = a, b - a
        out.append(c)
    return out
for s, l, q in wins:
    if clip(ent, s, l) != q:
        bad.append(f"window {s}:{l}: imgtool (clipped) {clip(ent, s, l)}")
        bad.append(f"window {s}:{l}: qemu-img          {q}")
hole = {"depth": 0, "present": False, "zero": True, "data": False}
for e in ent:
    a, b = e["start"], e["start"] + e["length"]
    cuts = sorted([(s, s + l) for s, l, _ in wins])
    x = a
    for s, t in cuts:
        if x < min(b, s):
            if {k: e.get(k) for k in hole} != hole or "offset" in e:
                bad.append(f"outside the windows, not a hole: {e}")
                break
        x = max(x, t)
    else:
        if x < b and ({k: e.get(k) for k in hole} != hole or "offset" in e):
            bad.append(f"outside the windows, not a hole: {e}")
for x in bad[:8]:
    print(x)
sys.exit(1 if bad else 0)
PY
		then
			fail "imgtool map --output=json disagrees with qemu-img's windows" "$d/jdiff"
			note "$cmd"
			return
		fi
	fi
	t_ok "$NAME"
	note "imgtool: $(((t1 - t0) / 1000000)) ms"
}

# ---------------------------------------------------------------- convert

# conv_test MODE ZOO CWD "IN..." [ARGS...]: convert -O raw of the inputs
# (relative to zoo/ZOO/CWD) with ARGS; MODE:
#   sparse   output files cmp equal; imgtool's no more allocated than
#            qemu-img's + SLACK
#   full     (with -S 0) cmp equal; both fully allocated
#   stdout   imgtool writes to "-"; the stream cmp equals qemu-img's file
#   n-zero   -n into a target made by "qemu-img create -f raw" (input size)
#   n-big    -n into a zeroed target 3 MiB larger than the input (the rest stays)
#   n-garb   -n into a target of random bytes, 1 MiB larger than the input
#   n-small  -n into a target smaller than the input: both fail, target intact
#   over     no -n, the output exists (random bytes, 1 MiB larger): replaced
#   fail     both fail with the same exit code; imgtool leaves no output if
#            qemu-img leaves none
conv_test() {
	local mode=$1 z=$2 cwd=$3 ins=$4
	shift 4
	# shellcheck disable=SC2086 # the inputs, split
	zoo "$z" $ins
	[ "$?" = 0 ] || return
	local d zd=$ZOO/$z ri rq
	d=$(tdir)
	local -a in
	read -r -a in <<<"$ins"
	local q=$d/q.raw i=$d/i.raw
	local cmd="(cd ${zd#"$WORK"/}/$cwd && imgtool convert $* -O raw $ins OUT)"
	if [ "$mode" = stdout ]; then
		cmd="(cd ${zd#"$WORK"/}/$cwd && imgtool convert $* -O raw $ins - >OUT)"
	fi

	# The size of the output, as qemu-img sees it (for the -n targets).
	local size=0
	case "$mode" in
	n-* | over)
		local a
		local -a ma=()
		for a in "$@"; do
			case "$a" in
			-n | --target-is-zero) ;;
			*) ma+=("$a") ;;
			esac
		done
		(cd "$zd/$cwd" && QI convert "${ma[@]}" -O raw "${in[@]}" "$d/size.raw") >"$d/size.log" 2>&1 || {
			fail "qemu-img convert (to measure) failed (test bug)" "$d/size.log"
			return
		}
		size=$(stat -c %s "$d/size.raw")
		rm -f "$d/size.raw"
		;;
	esac
	case "$mode" in
	n-zero)
		QI create -q -f raw "$q" "$size" && QI create -q -f raw "$i" "$size"
		;;
	n-big)
		QI create -q -f raw "$q" $((size + 3 * M)) && QI create -q -f raw "$i" $((size + 3 * M))
		;;
	n-garb)
		garbage "$q" $((size + M)) 7 && cp "$q" "$i"
		;;
	n-small)
		garbage "$q" $((size / 2)) 8 && cp "$q" "$i" && cp "$q" "$d/orig.raw"
		;;
	over)
		garbage "$q" $((size + M)) 9 && cp "$q" "$i"
		;;
	esac || {
		fail "making the target failed (test bug)"
		return
	}

	(cd "$zd/$cwd" && QI convert "$@" -O raw "${in[@]}" "$q") >"$d/q.out" 2>"$d/q.err"
	rq=$?
	if [ "$mode" = stdout ]; then
		(cd "$zd/$cwd" && IT convert "$@" -O raw "${in[@]}" -) >"$i" 2>"$d/i.err"
		ri=$?
		: >"$d/i.out"
	else
		(cd "$zd/$cwd" && IT convert "$@" -O raw "${in[@]}" "$i") >"$d/i.out" 2>"$d/i.err"
		ri=$?
	fi

	case "$mode" in
	fail | n-small)
		if [ "$rq" = 0 ]; then
			fail "qemu-img convert succeeded, expected a failure (test bug)"
			return
		fi
		if [ "$ri" != "$rq" ]; then
			fail "imgtool convert exit $ri, qemu-img exit $rq" "$d/i.err" "$d/q.err"
			note "$cmd"
			return
		fi
		if [ "$mode" = n-small ]; then
			if ! cmp "$i" "$d/orig.raw" >"$d/cmp" 2>&1; then
				fail "imgtool convert failed but changed the target" "$d/cmp"
				note "$cmd"
				return
			fi
		elif [ ! -e "$q" ] && [ -e "$i" ]; then
			fail "imgtool convert failed (like qemu-img) but left an output file (qemu-img leaves none)" "$d/i.err"
			note "$cmd"
			return
		fi
		t_ok "$NAME"
		return
		;;
	esac

	if [ "$rq" != 0 ]; then
		fail "qemu-img convert failed with exit $rq (test bug)" "$d/q.err"
		return
	fi
	if [ "$ri" != 0 ]; then
		fail "imgtool convert exit $ri (qemu-img: 0)" "$d/i.err"
		note "$cmd"
		return
	fi
	noprogress "$d/q.out" >"$d/q.out.np"
	noprogress "$d/i.out" >"$d/i.out.np"
	if ! diff -u "$d/i.out.np" "$d/q.out.np" >"$d/diff"; then
		fail "imgtool convert stdout (progress aside) differs, imgtool (-) vs qemu-img (+)" "$d/diff"
		note "$cmd"
		return
	fi
	local si sq
	si=$(stat -c %s "$i")
	sq=$(stat -c %s "$q")
	if ! cmp "$i" "$q" >"$d/cmp" 2>&1; then
		fail "output differs from qemu-img's (sizes: imgtool $si, qemu-img $sq)" "$d/cmp"
		note "$cmd"
		py - "$i" "$q" <<'PY' | head -n 6 | sed 's/^/  /'
import sys
a = open(sys.argv[1], "rb"); b = open(sys.argv[2], "rb")
off, run, n = 0, None, 0
while True:
    x = a.read(4096); y = b.read(4096)
    if not x and not y: break
    same = x == y
    if run is None or run[0] != same:
        if run is not None and not run[0]:
            print(f"differs at [{run[1]:#x}, {off:#x})"); n += 1
        run = [same, off]
    off += max(len(x), len(y))
if run is not None and not run[0]:
    print(f"differs at [{run[1]:#x}, {off:#x})")
PY
		return
	fi
	local ai aq
	ai=$(alloc "$i")
	aq=$(alloc "$q")
	case "$mode" in
	sparse)
		if [ "$ai" -gt $((aq + SLACK)) ]; then
			fail "output takes $ai bytes on disk, qemu-img's $aq (+ $SLACK allowed): not sparse"
			note "$cmd"
			return
		fi
		;;
	full)
		local want=$((sq / 4096 * 4096))
		if [ "$aq" -lt "$want" ]; then
			fail "qemu-img's output is not fully allocated ($aq of $sq bytes) (test bug)"
			return
		fi
		if [ "$ai" -lt "$want" ]; then
			fail "output is not fully allocated: $ai bytes on disk for $si bytes (qemu-img's: $aq)"
			note "$cmd"
			return
		fi
		;;
	esac
	rm -f "$i" "$q" # big; kept when the test fails
	t_ok "$NAME"
}

# ---------------------------------------------------------------- compare

# cmp_test ZOO CWD ARGS...: "compare ARGS" (in zoo/ZOO/CWD) exits as
# qemu-img compare does and prints the same stdout (progress fragments and
# blank lines aside when -p is given).
cmp_test() {
	local z=$1 cwd=$2
	shift 2
	zoo "$z" "$@"
	[ "$?" = 0 ] || return
	local d
	d=$(tdir)
	cmp_run "$ZOO/$z" "$cwd" "$d" "$@" || return
	t_ok "$NAME"
}

# cmp_flat_test ZOO IMG [ARGS...]: IMG against qemu-img's raw conversion of
# it ("compare ARGS IMG FLAT" and "compare ARGS FLAT IMG").
cmp_flat_test() {
	local z=$1 img=$2
	shift 2
	zoo "$z" "$img"
	[ "$?" = 0 ] || return
	local d
	d=$(tdir)
	(cd "$ZOO/$z" && QI convert -O raw "$img" "$d/flat.raw") >"$d/flat.log" 2>&1 || {
		fail "qemu-img convert failed (test bug)" "$d/flat.log"
		return
	}
	cmp_run "$ZOO/$z" . "$d" "$@" "$img" "$d/flat.raw" || return
	cmp_run "$ZOO/$z" . "$d" "$@" "$d/flat.raw" "$img" || return
	t_ok "$NAME"
}

# cmp_run ZDIR CWD D ARGS...: one comparison; reports a failure, returns 1.
cmp_run() {
	local zd=$1 cwd=$2 d=$3
	shift 3
	local ri rq a p=0
	for a in "$@"; do
		[ "$a" = -p ] && p=1
	done
	(cd "$zd/$cwd" && QI compare "$@") >"$d/q.out" 2>"$d/q.err"
	rq=$?
	(cd "$zd/$cwd" && IT compare "$@") >"$d/i.out" 2>"$d/i.err"
	ri=$?
	local cmd="(cd ${zd#"$WORK"/}/$cwd && imgtool compare $*)"
	if [ "$rq" = 124 ] || [ "$rq" -gt 4 ]; then
		fail "qemu-img compare exit $rq (test bug)" "$d/q.err"
		return 1
	fi
	if [ "$ri" != "$rq" ]; then
		fail "imgtool compare exit $ri, qemu-img compare exit $rq" "$d/i.out" "$d/q.out" "$d/i.err" "$d/q.err"
		note "$cmd"
		return 1
	fi
	if [ "$p" = 1 ]; then
		noprogress "$d/q.out" >"$d/q.cmp"
		noprogress "$d/i.out" >"$d/i.cmp"
	else
		cp "$d/q.out" "$d/q.cmp"
		cp "$d/i.out" "$d/i.cmp"
	fi
	if ! diff -u "$d/i.cmp" "$d/q.cmp" >"$d/diff"; then
		fail "imgtool compare stdout differs, imgtool (-) vs qemu-img (+)" "$d/diff"
		note "$cmd"
		return 1
	fi
	if [ "$rq" = 2 ] && [ ! -s "$d/i.err" ]; then
		fail "imgtool compare exit 2 without a message on stderr"
		note "$cmd"
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------- the zoo
# z_NAME builds zoo/NAME (run there, with set -e; .rand and .text linked).

z_q_normal() {
	QI create -q -f qcow2 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0xab 0 1M' "write -P 0xcd $((5 * M + 1000)) 300000" \
		'write -P 0 8M 128k' 'write -s .rand 10M 256k' 'write -s .text 12M 512k' \
		"write -P 0xef $((16 * M - 4096)) 4096"
}
z_q_empty() { QI create -q -f qcow2 x.qcow2 16M; }
z_q_odd() {
	QI create -q -f qcow2 x.qcow2 1000000
	io x.qcow2 qcow2 'write -P 0x61 0 4k' "write -P 0x62 $((1000448 - 1000)) 1000"
}
z_q_zero() {
	QI create -q -f qcow2 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x11 0 4M' 'write -z 1M 192k' 'write -z -u 2M 64k' \
		'write -z 8M 1M' "write -z $((12 * M + 4096)) 8k" 'write -P 0x12 14M 64k' \
		'write -z 14M 4k'
}
z_q_zero_prealloc() {
	QI create -q -f qcow2 -o preallocation=metadata x.qcow2 8M
	io x.qcow2 qcow2 'write -z 1M 1M' 'write -P 0x22 3M 64k' 'write -z 3M 64k' \
		'write -P 0x23 5M 128k'
}
z_q_discard() {
	QI create -q -f qcow2 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x33 0 8M' 'discard 1M 1M' "discard $((3 * M + 4096)) 100k" \
		'discard 6M 2M' 'write -P 0x34 7M 64k' 'write -P 0x35 12M 64k' 'discard 12M 64k'
}
z_q_v2() {
	QI create -q -f qcow2 -o compat=0.10 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x44 0 2M' 'write -z 512k 128k' 'discard 1M 256k' \
		'write -P 0 4M 64k' 'write -z 6M 64k'
}
comp_zoo() {
	QI create -q -f raw src.raw 8M
	io src.raw raw 'write -s .text 0 1M' 'write -P 0x55 2M 1M' 'write -s .rand 4M 256k' \
		"write -s .text $((5 * M + 3000)) 100000"
	QI convert -c -f raw -O qcow2 "$@" src.raw x.qcow2
	io x.qcow2 qcow2 'write -P 0x66 6M 64k' 'write -c -P 0x77 7M 128k' 'write -z 2M 64k'
	touch .compressed
}
z_q_comp_zlib() { comp_zoo; }
z_q_comp_zstd() { comp_zoo -o compression_type=zstd; }
z_q_el2() {
	QI create -q -f qcow2 -o extended_l2=on x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x11 4k 4k' 'write -P 0x12 66k 6k' 'write -P 0x13 1M 64k' \
		'write -z 1032k 4k' 'write -z 2M 64k' 'write -z 3074k 2k' \
		"write -P 0x14 $((4 * M + 1000)) 3000" 'write -P 0x15 5M 64k' 'discard 5M 64k' \
		'write -P 0x16 6M 64k' 'write -z -u 6M 32k' 'write -P 0x17 7M 2k' 'write -P 0x18 7170k 2k'
}
z_q_el2_back() {
	QI create -q -f raw base.raw 16M
	io base.raw raw 'write -P 0x99 0 8M'
	QI create -q -f qcow2 -o extended_l2=on -b base.raw -F raw x.qcow2
	io x.qcow2 qcow2 'write -P 0x21 4k 4k' 'write -z 72k 8k' 'write -P 0x22 1026k 2k' \
		'write -z 2M 64k' 'write -P 0x23 3M 64k' 'discard 3M 64k' 'write -z 4098k 2k' \
		'write -P 0x24 9M 6k'
}
z_q_el2_prealloc() {
	QI create -q -f qcow2 -o extended_l2=on,preallocation=metadata x.qcow2 4M
	io x.qcow2 qcow2 'write -P 0x31 68k 4k' 'write -z 128k 64k' 'write -z 1M 4k'
}
datafile_zoo() {
	QI create -q -f qcow2 -o "$1" x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x21 0 1M' 'write -z 2M 64k' "write -P 0x22 $((3 * M + 512)) 4k" \
		'write -z 512k 64k' 'write -P 0x23 4M 128k' 'discard 4M 64k'
}
z_q_datafile() { datafile_zoo data_file=x.data; }
z_q_datafile_raw() { datafile_zoo data_file=x.data,data_file_raw=on; }
z_q_datafile_back() {
	QI create -q -f qcow2 base.qcow2 16M
	io base.qcow2 qcow2 'write -P 0x31 0 4M' 'write -c -P 0x32 6M 64k'
	QI create -q -f qcow2 -o data_file=x.data -b base.qcow2 -F qcow2 x.qcow2
	io x.qcow2 qcow2 'write -P 0x33 1M 64k' 'write -z 2M 1M' 'write -P 0x34 8M 4k'
	touch .compressed
}
z_q_cs512() {
	QI create -q -f qcow2 -o cluster_size=512 x.qcow2 4M
	io x.qcow2 qcow2 'write -P 0x31 1000 5000' 'write -z 64k 4k' 'write -P 0x32 1M 64k' \
		'discard 1028k 2k' 'write -P 0 2M 1k'
}
z_q_cs2M() {
	QI create -q -f qcow2 -o cluster_size=2M x.qcow2 64M
	io x.qcow2 qcow2 'write -P 0x41 1M 64k' 'write -z 8M 2M' "write -P 0x42 $((20 * M + 4096)) 4M" \
		'write -z 30M 4k' 'write -c -P 0x43 40M 2M' 'write -P 0x44 62M 2M'
	touch .compressed
}
z_q_prealloc_meta() {
	QI create -q -f qcow2 -o preallocation=metadata x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x51 1M 64k' 'write -z 2M 64k' "write -P 0x52 $((4 * M + 4096)) 4k"
}
# qemu-img's metadata-preallocation guess (allocated clusters in host holes
# read as zero only if the host file holds clearly fewer clusters than the
# refcounts count): on ext4, 116 written clusters keep it, 117 flip it.
heur_zoo() {
	QI create -q -f qcow2 -o preallocation=metadata x.qcow2 8M
	io x.qcow2 qcow2 "write -P 0x11 0 $(($1 * 64))k"
}
z_q_heur_116() { heur_zoo 116; }
z_q_heur_117() { heur_zoo 117; }
z_q_prealloc_meta_bare() { QI create -q -f qcow2 -o preallocation=metadata x.qcow2 8M; }
z_q_prealloc_falloc() {
	QI create -q -f qcow2 -o preallocation=falloc x.qcow2 8M
	io x.qcow2 qcow2 'write -P 0x53 1M 64k'
}
z_q_prealloc_full() {
	QI create -q -f qcow2 -o preallocation=full x.qcow2 8M
	io x.qcow2 qcow2 'write -P 0x54 1M 64k' 'write -z 2M 64k'
}
z_q_snap() {
	QI create -q -f qcow2 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x61 0 2M'
	QI snapshot -c s1 x.qcow2
	io x.qcow2 qcow2 'write -P 0x62 1M 64k' 'discard 0 512k' 'write -z 1536k 64k'
	QI snapshot -c s2 x.qcow2
	io x.qcow2 qcow2 'write -P 0x63 4M 64k' 'write -P 0x64 1600k 4k'
}
z_chain3_raw() {
	QI create -q -f raw base.raw 16M
	io base.raw raw 'write -P 0x11 0 8M'
	QI create -q -f qcow2 -b base.raw -F raw mid.qcow2
	io mid.qcow2 qcow2 'write -P 0x22 1M 1M' 'write -z 2M 1M' 'discard 3M 64k' 'write -P 0x23 10M 64k'
	QI create -q -f qcow2 -o cluster_size=4k -b mid.qcow2 -F qcow2 top.qcow2
	io top.qcow2 qcow2 "write -P 0x33 $((M + 512 * K)) 64k" 'write -z 5M 512k' \
		'write -P 0x34 12M 64k' 'write -z 10M 4k' 'discard 6M 64k'
	QI convert -O raw top.qcow2 flat.raw
	QI convert -O qcow2 top.qcow2 flat.qcow2
}
z_chain3_qcow2() {
	QI create -q -f qcow2 base.qcow2 16M
	io base.qcow2 qcow2 'write -P 0x11 0 4M' 'write -c -P 0x12 4M 128k' 'write -z 6M 64k' \
		'write -P 0x13 8M 1M'
	QI create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2
	io mid.qcow2 qcow2 'write -P 0x22 1M 64k' 'write -z 3M 1M' 'write -z 8M 64k'
	QI create -q -f qcow2 -o compat=0.10 -b mid.qcow2 -F qcow2 top.qcow2
	io top.qcow2 qcow2 'write -P 0x33 2M 64k' 'discard 8M 1M' 'write -P 0x34 4M 4k'
	QI convert -O raw top.qcow2 flat.raw
	touch .compressed
}
z_back_short() {
	QI create -q -f qcow2 base.qcow2 4M
	io base.qcow2 qcow2 'write -P 0x71 0 4M'
	QI create -q -f qcow2 -b base.qcow2 -F qcow2 x.qcow2 16M
	io x.qcow2 qcow2 'write -P 0x72 1M 64k' 'write -P 0x73 6M 64k'
}
z_back_short_raw() {
	truncate -s 3000001 base.raw
	put base.raw 0 .rand 3000001
	QI create -q -f qcow2 -b base.raw -F raw x.qcow2 8M
	io x.qcow2 qcow2 'write -P 0x74 1M 64k' 'write -z 2M 1M'
}
z_back_long() {
	QI create -q -f raw base.raw 32M
	io base.raw raw 'write -P 0x81 0 1M' 'write -P 0x82 20M 1M'
	QI create -q -f qcow2 -b base.raw -F raw x.qcow2 8M
	io x.qcow2 qcow2 'write -P 0x83 512k 64k'
}
z_chain_rel() {
	mkdir sub other
	(
		cd sub
		QI create -q -f qcow2 base.qcow2 16M
		io base.qcow2 qcow2 'write -P 0x11 0 2M' 'write -P 0x12 8M 64k'
		QI create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2
		io mid.qcow2 qcow2 'write -P 0x22 512k 64k' 'write -z 8M 64k'
		QI create -q -f qcow2 -b mid.qcow2 -F qcow2 top.qcow2
		io top.qcow2 qcow2 'write -P 0x33 1M 64k'
	)
}
z_q_v2_back() {
	QI create -q -f raw base.raw 8M
	io base.raw raw 'write -P 0xa1 0 8M'
	QI create -q -f qcow2 -o compat=0.10 -b base.raw -F raw x.qcow2
	io x.qcow2 qcow2 'write -P 0xa2 0 2M' 'discard 1M 512k' 'write -z 3M 64k'
}
z_q_over_qed() {
	QI create -q -f qed base.qed 8M
	io base.qed qed 'write -P 0xb1 0 1M' 'write -z 2M 1M'
	QI create -q -f qcow2 -b base.qed -F qed x.qcow2
	io x.qcow2 qcow2 'write -P 0xb2 512k 64k' 'write -z 4M 64k'
}
z_qed() {
	QI create -q -f qed x.qed 16M
	io x.qed qed 'write -P 0x81 0 1M' 'write -z 2M 256k' "write -P 0x82 $((4 * M + 4096)) 4k" \
		'write -z 6M 4k'
}
z_qed_back() {
	QI create -q -f raw base.raw 16M
	io base.raw raw 'write -P 0x91 0 8M'
	QI create -q -f qed -b base.raw -F raw x.qed
	io x.qed qed 'write -P 0x92 1M 64k' 'write -z 2M 1M' 'write -P 0x93 10M 4k'
}
z_qed_back_short() {
	truncate -s 1500001 base.raw
	put base.raw 0 .text 1500001
	QI create -q -f qed -o cluster_size=4k -b base.raw -F raw x.qed 8M
	io x.qed qed 'write -P 0x94 64k 4k' 'write -z 1M 1M' 'write -P 0x95 3M 4k'
}
z_qed_small() {
	QI create -q -f qed -o cluster_size=4k,table_size=2 x.qed 8M
	io x.qed qed 'write -P 0xc1 0 100k' 'write -z 1M 64k' 'write -P 0xc2 7M 4k'
}
z_raw_holes() {
	truncate -s 16M x.raw
	put x.raw 0 .rand 4096
	put x.raw $((5 * M + 123)) .rand 10000 4096
	put x.raw $((8 * M)) /dev/zero $((64 * K))
	put x.raw $((12 * M)) .text $((100 * K))
}
z_raw_odd() {
	truncate -s 1000001 x.raw
	put x.raw 4096 .rand 777
	put x.raw 999991 .rand 10 1000
}
z_raw_empty() { truncate -s 8M x.raw; }
z_raw_full() { put x.raw 0 .rand $((4 * M)); }
z_q_1P() {
	QI create -q -f qcow2 -o cluster_size=2M x.qcow2 1P
	io x.qcow2 qcow2 "write -P 0x5a $((512 * T)) 64k" "write -P 0x5b $((P - 2 * M)) 2M"
}
z_q_1P_64k() {
	QI create -q -f qcow2 x.qcow2 1P
	io x.qcow2 qcow2 "write -P 0x5a $((512 * T)) 64k" "write -P 0x5b $((P - 64 * K)) 64k"
}

# Pairs for compare (a.* hold the same guest data).
z_cmp() {
	QI create -q -f qcow2 a.qcow2 16M
	io a.qcow2 qcow2 'write -P 0xab 0 1M' 'write -z 2M 128k' 'write -s .rand 4M 1M' \
		'write -P 0 6M 64k' 'write -P 0xcd 9M 64k' 'write -s .text 12M 256k'
	QI convert -O raw a.qcow2 a.raw
	QI convert -O qed a.qcow2 a.qed
	QI convert -O qcow2 -o compat=0.10 a.qcow2 a-v2.qcow2
	QI convert -c -O qcow2 a.qcow2 a-comp.qcow2
	QI convert -O qcow2 -o extended_l2=on a.qcow2 a-el2.qcow2
	# One byte changed in the middle of data, at an unaligned offset.
	QI convert -O qcow2 a.qcow2 b-byte.qcow2
	io b-byte.qcow2 qcow2 "write -P 0x01 $((4 * M + 300000 + 777)) 1"
	QI convert -O raw b-byte.qcow2 b-byte.raw
	# A zero cluster of a. holds a byte here.
	QI convert -O qcow2 a.qcow2 b-inzero.qcow2
	io b-inzero.qcow2 qcow2 "write -P 0x02 $((2 * M + 70000)) 1"
	# Data of a. is a zero cluster here (first nonzero byte of a there: 9M).
	QI convert -O qcow2 a.qcow2 b-zeroed.qcow2
	io b-zeroed.qcow2 qcow2 'write -z 9M 64k'
	# One byte changed in text data (compressed in a-comp).
	QI convert -O qcow2 a.qcow2 b-text.qcow2
	io b-text.qcow2 qcow2 "write -P 0x05 $((12 * M + 100001)) 1"
	# Unallocated in a. (7M), one byte in a cluster of zeroes here.
	QI convert -O qcow2 a.qcow2 b-inhole.qcow2
	io b-inhole.qcow2 qcow2 "write -P 0 7M 64k" "write -P 0x03 $((7 * M + 5000)) 1"
	# Longer: equal common part, zeroes (unallocated / zero cluster) after.
	QI create -q -f qcow2 long0.qcow2 24M
	QI convert -n -O qcow2 a.qcow2 long0.qcow2
	io long0.qcow2 qcow2 'write -z 20M 64k'
	# Longer: equal common part, data only after the end of a.
	QI create -q -f qcow2 long1.qcow2 24M
	QI convert -n -O qcow2 a.qcow2 long1.qcow2
	io long1.qcow2 qcow2 "write -P 0x04 $((20 * M + 3)) 1"
	truncate -s 20M long0.raw
	put long0.raw 0 a.raw $((16 * M))
	cp long0.raw long1.raw
	put long1.raw $((17 * M + 1000)) .rand 10
	# Shorter: a's first 8M (differs from a. only in size).
	QI create -q -f qcow2 short.qcow2 8M
	io short.qcow2 qcow2 'write -P 0xab 0 1M' 'write -z 2M 128k' 'write -s .rand 4M 1M' \
		'write -P 0 6M 64k'
	# Allocation differs, content equal: a. with its zero data cluster
	# written as a zero cluster, and with the zero cluster unallocated.
	QI create -q -f qcow2 alloc.qcow2 16M
	io alloc.qcow2 qcow2 'write -P 0xab 0 1M' 'write -s .rand 4M 1M' \
		'write -z 6M 64k' 'write -P 0xcd 9M 64k' 'write -s .text 12M 256k'
}
z_missing_back() { QI create -q -f qcow2 -u -b nowhere.qcow2 -F qcow2 x.qcow2 16M; }

# ---------------------------------------------------------------- the tests

# map: NAME-suffix ZOO CWD IMG [ARGS...] in both output modes
mt() {
	local name=$1
	shift
	sched "map-json-$name" map_test json "$@"
	sched "map-human-$name" map_test human "$@"
}
mt q-normal q_normal . x.qcow2
mt q-empty q_empty . x.qcow2
mt q-odd-size q_odd . x.qcow2
mt q-zero q_zero . x.qcow2
mt q-zero-prealloc q_zero_prealloc . x.qcow2
mt q-discard q_discard . x.qcow2
mt q-v2 q_v2 . x.qcow2
mt q-comp-zlib q_comp_zlib . x.qcow2
mt q-comp-zstd q_comp_zstd . x.qcow2
mt q-el2 q_el2 . x.qcow2
mt q-el2-back q_el2_back . x.qcow2
mt q-el2-prealloc q_el2_prealloc . x.qcow2
mt q-datafile q_datafile . x.qcow2
mt q-datafile-raw q_datafile_raw . x.qcow2
mt q-datafile-back q_datafile_back . x.qcow2
mt q-cs512 q_cs512 . x.qcow2
mt q-cs2M q_cs2M . x.qcow2
mt q-prealloc-meta q_prealloc_meta . x.qcow2
mt q-prealloc-meta-bare q_prealloc_meta_bare . x.qcow2
mt q-heur-116 q_heur_116 . x.qcow2
mt q-heur-117 q_heur_117 . x.qcow2
mt q-prealloc-falloc q_prealloc_falloc . x.qcow2
mt q-prealloc-full q_prealloc_full . x.qcow2
mt q-snap q_snap . x.qcow2
mt chain3-raw-top chain3_raw . top.qcow2
mt chain3-raw-mid chain3_raw . mid.qcow2
mt chain3-qcow2-top chain3_qcow2 . top.qcow2
mt chain3-qcow2-mid chain3_qcow2 . mid.qcow2
mt chain3-qcow2-base chain3_qcow2 . base.qcow2
mt back-short back_short . x.qcow2
mt back-short-raw back_short_raw . x.qcow2
mt back-long back_long . x.qcow2
mt chain-rel-other-cwd chain_rel other ../sub/top.qcow2
mt chain-rel-parent-cwd chain_rel . sub/top.qcow2
mt chain-rel-same-cwd chain_rel sub top.qcow2
mt q-v2-back q_v2_back . x.qcow2
mt q-over-qed q_over_qed . x.qcow2
mt qed qed . x.qed
mt qed-back qed_back . x.qed
mt qed-back-short qed_back_short . x.qed
mt qed-small qed_small . x.qed
mt raw-holes raw_holes . x.raw
mt raw-odd raw_odd . x.raw
mt raw-empty raw_empty . x.raw
mt raw-full raw_full . x.raw
mt q-1P q_1P . x.qcow2
# Options: -f, -U, the default output (human), forced formats.
mt q-normal-f q_normal . x.qcow2 -f qcow2
mt q-normal-U q_normal . x.qcow2 -U
mt chain3-raw-top-fU chain3_raw . top.qcow2 -f qcow2 -U
mt qed-f qed . x.qed -f qed
mt raw-holes-f raw_holes . x.raw -f raw
mt q-as-raw q_normal . x.qcow2 -f raw
mt raw-as-qcow2 raw_holes . x.raw -f qcow2
mt missing-file q_empty . nowhere.qcow2
mt missing-backing missing_back . x.qcow2
sched map-default-q-normal map_test default q_normal . x.qcow2
sched map-default-q-comp-zlib map_test default q_comp_zlib . x.qcow2
# Ranges.
for z in q_normal:x.qcow2:16777216 q_el2:x.qcow2:16777216 chain3_raw:top.qcow2:16777216 \
	raw_odd:x.raw:1000448 q_comp_zlib:x.qcow2:8388608 qed_back:x.qed:16777216 \
	q_prealloc_meta:x.qcow2:16777216 q_cs512:x.qcow2:4194304; do
	IFS=: read -r zn img size <<<"$z"
	sched "map-range-json-${zn//_/-}" map_ranges_test json "$zn" "$img" "$size"
	sched "map-range-human-${zn//_/-}" map_ranges_test human "$zn" "$img" "$size"
done
# 1 PiB: imgtool must be quick.  qemu-img takes ~5 s on the whole map with
# 64k clusters: there it maps windows around the data only.
sched map-fast-q-1P map_fast_test q_1P x.qcow2 5
sched map-fast-q-1P-64k map_fast_test q_1P_64k x.qcow2 5 \
	$((512 * T - M)):$((3 * M)) $((P - 3 * M)):$((3 * M)) 0:$((8 * M))

# convert: NAME MODE ZOO CWD "IN..." [ARGS...]
cv() {
	local name=$1
	shift
	sched "convert-$name" conv_test "$@"
}
for z in q_normal q_empty q_odd q_zero q_zero_prealloc q_discard q_v2 q_comp_zlib \
	q_comp_zstd q_el2 q_el2_back q_el2_prealloc q_datafile q_datafile_raw q_datafile_back \
	q_cs512 q_cs2M q_heur_116 q_prealloc_meta q_prealloc_meta_bare q_prealloc_falloc q_prealloc_full \
	q_snap back_short back_short_raw back_long q_v2_back q_over_qed; do
	cv "${z//_/-}" sparse "$z" . x.qcow2
done
cv chain3-raw-top sparse chain3_raw . top.qcow2
cv chain3-raw-mid sparse chain3_raw . mid.qcow2
cv chain3-qcow2-top sparse chain3_qcow2 . top.qcow2
cv chain-rel-other-cwd sparse chain_rel other ../sub/top.qcow2
cv qed sparse qed . x.qed
cv qed-back sparse qed_back . x.qed
cv qed-back-short sparse qed_back_short . x.qed
cv qed-small sparse qed_small . x.qed
cv raw-holes sparse raw_holes . x.raw
cv raw-odd sparse raw_odd . x.raw
cv raw-empty sparse raw_empty . x.raw
cv raw-full sparse raw_full . x.raw
# Options.
cv q-normal-f sparse q_normal . x.qcow2 -f qcow2
cv q-as-raw sparse q_normal . x.qcow2 -f raw
cv q-normal-U-q sparse q_normal . x.qcow2 -U -q
cv q-normal-p sparse q_normal . x.qcow2 -p
cv q-normal-m4-W sparse q_normal . x.qcow2 -m 4 -W
cv chain3-raw-m8-W sparse chain3_raw . top.qcow2 -m 8 -W
cv q-comp-zstd-m3 sparse q_comp_zstd . x.qcow2 -m 3
cv q-normal-S64k sparse q_normal . x.qcow2 -S 64k
cv q-zero-S1M sparse q_zero . x.qcow2 -S 1M
cv raw-holes-S512 sparse raw_holes . x.raw -S 512
cv q-normal-S0 full q_normal . x.qcow2 -S 0
cv q-zero-S0 full q_zero . x.qcow2 -S 0
cv chain3-raw-S0 full chain3_raw . top.qcow2 -S 0
cv raw-odd-S0 full raw_odd . x.raw -S 0
cv q-empty-S0 full q_empty . x.qcow2 -S 0
# Several inputs, concatenated.
cv multi-3 sparse cmp . "a.qcow2 short.qcow2 a.raw"
cv multi-odd sparse raw_odd . "x.raw ../q_normal/x.qcow2 x.raw"
cv multi-chain-qed sparse chain3_raw . "top.qcow2 ../qed_back/x.qed ../raw_empty/x.raw"
cv multi-f-raw sparse raw_holes . "x.raw ../raw_odd/x.raw" -f raw
cv multi-S0 full cmp . "a.qcow2 short.qcow2" -S 0
# Streaming to stdout.
cv stdout-q-normal stdout q_normal . x.qcow2
cv stdout-chain3-raw stdout chain3_raw . top.qcow2
cv stdout-q-comp-zstd stdout q_comp_zstd . x.qcow2
cv stdout-raw-odd stdout raw_odd . x.raw
cv stdout-multi stdout cmp . "a.qcow2 short.qcow2"
cv stdout-S0 stdout q_zero . x.qcow2 -S 0
# Into existing targets.
cv n-zero-q-normal n-zero q_normal . x.qcow2 -n
cv n-zero-chain3 n-zero chain3_raw . top.qcow2 -n
cv n-big-q-zero n-big q_zero . x.qcow2 -n
cv n-garb-q-normal n-garb q_normal . x.qcow2 -n
cv n-garb-q-zero n-garb q_zero . x.qcow2 -n
cv n-garb-chain3 n-garb chain3_raw . top.qcow2 -n
cv n-garb-q-el2-back n-garb q_el2_back . x.qcow2 -n
cv n-garb-qed-back n-garb qed_back . x.qed -n
cv n-garb-raw-holes n-garb raw_holes . x.raw -n
cv n-garb-q-discard-S0 n-garb q_discard . x.qcow2 -n -S 0
cv n-tiz-zero-q-normal n-zero q_normal . x.qcow2 -n --target-is-zero
cv n-tiz-zero-chain3 n-zero chain3_raw . top.qcow2 -n --target-is-zero
# --target-is-zero over a target that is not zero: qemu-img skips what it
# sees as zero (unallocated, zero clusters, zero data at -S granularity).
cv n-tiz-garb-q-empty n-garb q_empty . x.qcow2 -n --target-is-zero
cv n-tiz-garb-q-discard n-garb q_discard . x.qcow2 -n --target-is-zero
cv n-tiz-garb-q-zero n-garb q_zero . x.qcow2 -n --target-is-zero
cv n-tiz-garb-q-normal n-garb q_normal . x.qcow2 -n --target-is-zero
cv n-tiz-garb-chain3 n-garb chain3_raw . top.qcow2 -n --target-is-zero
cv n-tiz-garb-q-normal-S64k n-garb q_normal . x.qcow2 -n --target-is-zero -S 64k
cv n-small n-small q_normal . x.qcow2 -n
cv over-q-normal over q_normal . x.qcow2
cv over-raw-odd over raw_odd . x.raw
# Failures.
cv fail-missing fail q_empty . nowhere.qcow2
cv fail-missing-backing fail missing_back . x.qcow2
cv fail-raw-as-qcow2 fail raw_holes . x.raw -f qcow2
cv fail-tiz-without-n fail q_normal . x.qcow2 --target-is-zero

# compare: NAME ZOO CWD ARGS...
ctc() {
	local name=$1
	shift
	sched "compare-$name" cmp_test "$@"
}
# Equal.
ctc raw-twin cmp . a.qcow2 a.raw
ctc raw-twin-rev cmp . a.raw a.qcow2
ctc qed-twin cmp . a.qcow2 a.qed
ctc v2-twin cmp . a-v2.qcow2 a.qcow2
ctc comp-twin cmp . a-comp.qcow2 a.raw
ctc el2-twin cmp . a-el2.qcow2 a.qed
ctc same-file cmp . a.qcow2 a.qcow2
ctc alloc-differs cmp . a.qcow2 alloc.qcow2
ctc chain-flat cmp . ../chain3_raw/top.qcow2 ../chain3_raw/flat.raw
ctc chain-flat-qcow2 cmp . ../chain3_raw/flat.qcow2 ../chain3_raw/top.qcow2
ctc chain-qcow2-flat cmp . ../chain3_qcow2/top.qcow2 ../chain3_qcow2/flat.raw
ctc chain-rel-other-cwd chain_rel other ../sub/top.qcow2 ../sub/top.qcow2
ctc qed-back-vs-q-zero q_zero . ../qed_back/x.qed x.qcow2
ctc f-F cmp . -f qcow2 -F raw a.qcow2 a.raw
ctc F-only cmp . -F qed a.raw a.qed
ctc U cmp . -U a.qcow2 a.raw
ctc q cmp . -q a.qcow2 a.raw
ctc p cmp . -p a.qcow2 a-comp.qcow2
ctc raw-odd-vs-qcow2 raw_odd . x.raw ../q_odd/x.qcow2
ctc empty-vs-raw-empty q_empty . x.qcow2 ../raw_empty/x.raw
# Different.
ctc byte cmp . a.qcow2 b-byte.qcow2
ctc byte-raw cmp . a.raw b-byte.raw
ctc byte-qed-raw cmp . a.qed b-byte.raw
ctc byte-rev cmp . b-byte.qcow2 a-comp.qcow2
ctc byte-in-compressed cmp . a-comp.qcow2 b-text.qcow2
ctc s-byte-in-compressed cmp . -s b-text.qcow2 a-comp.qcow2
ctc in-zero-cluster cmp . a.qcow2 b-inzero.qcow2
ctc in-zero-cluster-rev cmp . b-inzero.qcow2 a.raw
ctc zeroed-data cmp . a.qcow2 b-zeroed.qcow2
ctc zeroed-data-rev cmp . b-zeroed.qcow2 a.qed
ctc in-hole cmp . a.qcow2 b-inhole.qcow2
ctc chain-mid-top cmp . ../chain3_raw/mid.qcow2 ../chain3_raw/top.qcow2
ctc chain-base-top cmp . ../chain3_raw/base.raw ../chain3_raw/top.qcow2
ctc q-byte cmp . -q a.qcow2 b-byte.qcow2
ctc p-byte cmp . -p a.raw b-byte.raw
ctc as-raw cmp . -f raw a.qcow2 a.raw
# Sizes.
ctc longer-zero-tail cmp . a.qcow2 long0.qcow2
ctc longer-zero-tail-rev cmp . long0.qcow2 a.qcow2
ctc longer-data-tail cmp . a.qcow2 long1.qcow2
ctc longer-data-tail-rev cmp . long1.qcow2 a.raw
ctc longer-raw-zero-tail cmp . a.qcow2 long0.raw
ctc longer-raw-data-tail cmp . long1.raw a.qcow2
ctc shorter cmp . short.qcow2 a.qcow2
ctc shorter-rev cmp . a.raw short.qcow2
ctc longer-q cmp . -q a.qcow2 long0.qcow2
ctc back-short q_empty . ../back_short/x.qcow2 ../back_short/base.qcow2
# Strict.
ctc s-same-file cmp . -s a.qcow2 a.qcow2
ctc s-raw-twin cmp . -s a.qcow2 a.raw
ctc s-qed-twin cmp . -s a.qcow2 a.qed
ctc s-v2-twin cmp . -s a.qcow2 a-v2.qcow2
ctc s-comp-twin cmp . -s a-comp.qcow2 a.qcow2
ctc s-el2-twin cmp . -s a-el2.qcow2 a.qcow2
ctc s-alloc-differs cmp . -s a.qcow2 alloc.qcow2
ctc s-chain-flat cmp . -s ../chain3_raw/top.qcow2 ../chain3_raw/flat.qcow2
ctc s-byte cmp . -s a.qcow2 b-byte.qcow2
ctc s-longer-zero-tail cmp . -s a.qcow2 long0.qcow2
ctc s-shorter cmp . -s short.qcow2 a.raw
ctc s-raw-raw cmp . -s a.raw b-byte.raw
ctc s-empty q_empty . -s x.qcow2 x.qcow2
ctc s-empty-vs-raw-empty q_empty . -s x.qcow2 ../raw_empty/x.raw
ctc s-q-in-zero cmp . -s -q a.qcow2 b-inzero.qcow2
# Every zoo image against its flattened raw twin, both ways (and strict).
cf() {
	local name=$1
	shift
	sched "compare-flat-$name" cmp_flat_test "$@"
}
for z in q_zero q_zero_prealloc q_discard q_v2 q_comp_zstd q_el2 q_el2_back q_el2_prealloc \
	q_datafile q_datafile_raw q_datafile_back q_cs512 q_cs2M q_prealloc_meta \
	q_prealloc_falloc q_prealloc_full q_heur_116 q_snap back_short back_short_raw back_long \
	q_v2_back q_over_qed q_odd; do
	cf "${z//_/-}" "$z" x.qcow2
done
cf chain3-qcow2 chain3_qcow2 top.qcow2
cf chain-rel chain_rel sub/top.qcow2
cf qed qed x.qed
cf qed-back qed_back x.qed
cf qed-back-short qed_back_short x.qed
cf qed-small qed_small x.qed
cf raw-holes raw_holes x.raw
cf raw-odd raw_odd x.raw
cf s-q-zero q_zero x.qcow2 -s
cf s-q-el2-back q_el2_back x.qcow2 -s
cf s-q-prealloc-meta q_prealloc_meta x.qcow2 -s
cf s-qed-back qed_back x.qed -s
cf s-raw-holes raw_holes x.raw -s
# Errors.
ctc missing-first cmp . nowhere.qcow2 a.qcow2
ctc missing-second cmp . a.qcow2 nowhere.qcow2
ctc wrong-f cmp . -f qcow2 a.raw a.qcow2
ctc wrong-F cmp . -F qed a.qcow2 a.raw
ctc missing-backing missing_back . x.qcow2 x.qcow2
ctc missing-backing-vs-raw missing_back . x.qcow2 ../raw_empty/x.raw

finish
exit 0
