#!/bin/bash
# Bad input: malformed images, built from good ones made by qemu-img (and
# imgtool) and broken with imgpoke, truncate or python3.
#
# Every case runs "imgtool info FILE" and "imgtool info --output=json FILE"
# ($IMGTOOL is the ASan+UBSan build) and requires: exit status 1, nothing
# on stdout, exactly one line on stderr that starts with "imgtool: " and
# matches the case's expected text (an extended regex naming the field),
# no sanitizer report, and every file of the case byte-identical after.
# The controls ("ctl-") and the limit cases use "good": the image must
# open (exit 0, nothing on stderr, JSON naming the expected format) and
# stay byte-identical too.
#
# A case is: bad NAME REGEX [INFO-ARGS...] <<'EOF' setup script EOF, or
# good NAME FORMAT [INFO-ARGS...] <<'EOF' ... EOF.  The setup runs under
# "bash -eu" in a fresh folder $WORK/cases/NAME with the helpers below
# exported; the last argument of INFO-ARGS is the image.  Each imgtool run
# is killed after $CASE_TIMEOUT s and fails past $CASE_SLOW_MS ms.
#
# The read path (map, convert -O raw, compare) has its own kinds, for
# images that open but hold broken tables or data:
#
#   badread NAME REGEX RUN... <<'EOF' setup EOF
#
# where each RUN is one word-split string "CMD EXIT ARGS...": CMD is map,
# convert or compare and EXIT the exit status it must end with (map and
# convert: 1; compare: 3 when block status fails, 4 when a read fails, 2
# when the image does not open).  "map ARGS" runs "imgtool map ARGS" and
# "imgtool map --output=json ARGS"; "convert ARGS" runs "imgtool convert
# -O raw ARGS convert-out.raw"; "compare ARGS" runs "imgtool compare ARGS".
# Every run must: end with EXIT within the limits above; print exactly one
# line on stderr, "imgtool: ..." matching REGEX (which should name the
# file and the guest offset); leave no sanitizer report; leave every file
# of the case byte-identical; for convert and compare, print nothing on
# stdout, and for convert, leave no convert-out.raw behind (a failed
# convert removes the output it created).  map may have printed entries
# before it met the broken one (qemu-img does the same); its stdout must
# then be a clean prefix of a map: human, the header line and well-formed
# rows; JSON, "[" and whole entries each followed by ",\n", contiguous from
# the start offset, with every key in place and no closing "]"; either way
# every printed entry ends at or before the guest offset the error names.
#
#   goodread NAME IMAGE <<'EOF' setup EOF
#
# is the control: the unbroken image read by imgtool and by qemu-img 7.2
# in the case folder.  map (human) must give qemu-img's stdout and exit
# status (and its error line, "qemu-img: " read as "imgtool: ", where
# qemu-img fails: compressed clusters); map --output=json qemu-img's text
# once imgtool's extra "compressed" key is dropped; convert -O raw exit 0,
# nothing printed, output byte-identical to qemu-img convert -O raw's;
# compare IMAGE (qemu-img's raw copy) exit 0 and qemu-img compare's stdout.
# Outputs go to $WORK/goodread; the case's files must stay byte-identical.
set -u
source "$(dirname "$0")/../lib.sh"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
export IMGTOOL IMGPOKE
export B="$WORK/base"
CASE_TIMEOUT=${CASE_TIMEOUT:-20}
# One info run on a small image takes milliseconds; this long means a
# runaway loop or allocation even if it ends.
CASE_SLOW_MS=${CASE_SLOW_MS:-5000}

# ---- helpers for setup scripts -------------------------------------------

qimg() {
	qemu-img "$@" >/dev/null
}

poke() {
	"$IMGPOKE" "$@"
}

# field FILE NAME: a header field's value, as imgpoke dump prints it.
field() {
	"$IMGPOKE" "$1" dump | awk -v f="$2" '$1 == f { print $2; found = 1 }
		END { exit !found }'
}

# ext_off FILE TYPE: offset of the first qcow2 header extension of TYPE.
ext_off() {
	"$IMGPOKE" "$1" ext | awk -v t="$2" '$2 == t { print $1; found = 1; exit }
		END { exit !found }'
}

# peek_be FILE OFFSET BYTES: a big-endian integer read from the file.
peek_be() {
	local hex
	hex=$("$IMGPOKE" "$1" peek "$2" "$3") || return 1
	echo $((16#$hex))
}

# name_hex STRING WIDTH: the string NUL-padded to WIDTH bytes, in hex.
name_hex() {
	python3 -c 'import sys; print(sys.argv[1].encode().ljust(int(sys.argv[2]), b"\0").hex())' "$1" "$2"
}

qio() {
	qemu-io "$@" >/dev/null
}

# q2_l2e FILE GUEST: file offset of the qcow2 L2 entry (16 bytes with
# extended L2: the entry, then the subcluster bitmap) that maps GUEST.
q2_l2e() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
g = int(sys.argv[2], 0)
h = f.read(104)
version, = struct.unpack(">I", h[4:8])
cb, = struct.unpack(">I", h[20:24])
l1, = struct.unpack(">Q", h[40:48])
inc = struct.unpack(">Q", h[72:80])[0] if version >= 3 else 0
es = 16 if inc & 16 else 8
n = (1 << cb) // es
c = g >> cb
f.seek(l1 + 8 * (c // n))
l2 = struct.unpack(">Q", f.read(8))[0] & 0x00fffffffffffe00
if not l2:
    sys.exit("no L2 table for guest offset %d" % g)
print(l2 + (c % n) * es)
PY
}

# q2_chost FILE GUEST: host offset of the compressed cluster at GUEST.
q2_chost() {
	local e
	e=$(q2_l2e "$1" "$2") || return 1
	python3 - "$1" "$e" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
cb, = struct.unpack(">I", f.read(24)[20:24])
f.seek(int(sys.argv[2]))
e, = struct.unpack(">Q", f.read(8))
if not e >> 62 & 1:
    sys.exit("not a compressed cluster")
print(e & ((1 << (62 - (cb - 8))) - 1))
PY
}

# qed_l2e FILE GUEST: file offset of the QED L2 entry that maps GUEST.
qed_l2e() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
g = int(sys.argv[2], 0)
h = f.read(48)
cs, ts = struct.unpack("<II", h[4:12])
l1, = struct.unpack("<Q", h[40:48])
n = ts * cs // 8
c = g // cs
f.seek(l1 + 8 * (c // n))
l2, = struct.unpack("<Q", f.read(8))
if not l2:
    sys.exit("no L2 table for guest offset %d" % g)
print(l2 + (c % n) * 8)
PY
}

# q2_cput FILE GUEST: write stdin over the stream of the compressed
# cluster at GUEST (it must fit in the sectors its descriptor names).
q2_cput() {
	local e
	e=$(q2_l2e "$1" "$2") || return 1
	python3 -c '
import struct, sys
f = open(sys.argv[1], "r+b")
cb, = struct.unpack(">I", f.read(24)[20:24])
f.seek(int(sys.argv[2]))
e, = struct.unpack(">Q", f.read(8))
shift = 62 - (cb - 8)
if not e >> 62 & 1:
    sys.exit("not a compressed cluster")
host = e & ((1 << shift) - 1)
room = ((e >> shift & ((1 << (cb - 8)) - 1)) + 1) * 512 - host % 512
data = sys.stdin.buffer.read()
if len(data) > room:
    sys.exit("%d bytes do not fit in %d" % (len(data), room))
f.seek(host)
f.write(data)' "$1" "$e"
}

# be64_or FILE OFFSET MASK: OR MASK into the big-endian 64-bit integer at
# OFFSET (bash arithmetic is signed, this is not).
be64_or() {
	python3 -c '
import sys
f = open(sys.argv[1], "r+b")
off = int(sys.argv[2], 0)
f.seek(off)
v = int.from_bytes(f.read(8), "big") | int(sys.argv[3], 0)
f.seek(off)
f.write(v.to_bytes(8, "big"))' "$@"
}

export -f qimg qio poke field ext_off peek_be name_hex q2_l2e q2_chost qed_l2e
export -f q2_cput be64_or

# ---- the runner ----------------------------------------------------------

indent() {
	sed -e 's/^/  /' "$@" | head -20
}

hash_dir() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# setup NAME SCRIPT: run a case's setup in a fresh folder; sets $D.
setup() {
	D="$WORK/cases/$1"
	rm -rf "$D"
	mkdir -p "$D"
	if ! (cd "$D" && bash -eu -c "$2") >"$WORK/setup.log" 2>&1; then
		t_fail "$1" "setup failed"
		indent "$WORK/setup.log"
		return 1
	fi
	return 0
}

# run_info MODE ARGS...: imgtool info in $D; sets rc, out, err files.
run_info() {
	local mode=$1
	shift
	local json=()
	[ "$mode" = json ] && json=(--output=json)
	local t0=${EPOCHREALTIME/./}
	(cd "$D" && timeout -k 5 "$CASE_TIMEOUT" \
		"$IMGTOOL" info ${json[@]+"${json[@]}"} "$@") \
		>"$WORK/out" 2>"$WORK/err"
	rc=$?
	ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
}

sanitizer_report() {
	grep -E -q 'AddressSanitizer|LeakSanitizer|runtime error|Sanitizer' "$WORK/err"
}

# bad NAME REGEX INFO-ARGS... <<SETUP
bad() {
	local name=$1 want=$2 script mode why before after lines
	shift 2
	script=$(cat)
	t_wanted "$name" || return 0
	setup "$name" "$script" || return 0
	before=$(hash_dir "$D")
	why=
	for mode in human json; do
		run_info "$mode" "$@"
		lines=$(wc -l <"$WORK/err")
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="$mode: timed out after ${CASE_TIMEOUT}s"
		elif sanitizer_report; then
			why="$mode: sanitizer report (exit $rc)"
		elif [ "$ms" -gt "$CASE_SLOW_MS" ]; then
			why="$mode: took $ms ms"
		elif [ "$rc" != 1 ]; then
			why="$mode: exit status $rc, expected 1"
		elif [ -s "$WORK/out" ]; then
			why="$mode: output on stdout"
		elif [ "$lines" != 1 ]; then
			why="$mode: $lines lines on stderr, expected 1"
		elif ! head -1 "$WORK/err" | grep -q '^imgtool: '; then
			why="$mode: stderr does not start with 'imgtool: '"
		elif ! grep -E -q -- "$want" "$WORK/err"; then
			why="$mode: error does not match '$want'"
		fi
		[ -n "$why" ] && break
	done
	after=$(hash_dir "$D")
	if [ -z "$why" ] && [ "$before" != "$after" ]; then
		why="the image changed"
	fi
	if [ -n "$why" ]; then
		t_fail "$name" "$why"
		indent "$WORK/err"
		indent "$WORK/out"
	else
		t_ok "$name"
	fi
}

# json_format FILE: the "format" of the (first) image in info's JSON.
json_format() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print((d[0] if isinstance(d, list) else d)["format"])' "$1" 2>/dev/null
}

# good NAME FORMAT INFO-ARGS... <<SETUP: a control, the image must work
# and be seen as FORMAT.  With GOOD_WARN=1, "imgtool: warning: " lines
# on stderr are allowed.
good() {
	local name=$1 fmt=$2 script mode why before after got
	shift 2
	script=$(cat)
	t_wanted "$name" || return 0
	setup "$name" "$script" || return 0
	before=$(hash_dir "$D")
	why=
	for mode in human json; do
		run_info "$mode" "$@"
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="$mode: timed out after ${CASE_TIMEOUT}s"
		elif sanitizer_report; then
			why="$mode: sanitizer report (exit $rc)"
		elif [ "$ms" -gt "$CASE_SLOW_MS" ]; then
			why="$mode: took $ms ms"
		elif [ "$rc" != 0 ]; then
			why="$mode: exit status $rc, expected 0"
		elif [ -s "$WORK/err" ] && { [ -z "${GOOD_WARN:-}" ] ||
			grep -q -v '^imgtool: warning: ' "$WORK/err"; }; then
			why="$mode: output on stderr"
		elif [ ! -s "$WORK/out" ]; then
			why="$mode: no output"
		elif [ "$mode" = json ]; then
			got=$(json_format "$WORK/out")
			if [ -z "$got" ]; then
				why="json: output is not valid JSON"
			elif [ "$got" != "$fmt" ]; then
				why="json: format '$got', expected '$fmt'"
			fi
		fi
		[ -n "$why" ] && break
	done
	after=$(hash_dir "$D")
	if [ -z "$why" ] && [ "$before" != "$after" ]; then
		why="the image changed"
	fi
	if [ -n "$why" ]; then
		t_fail "$name" "$why"
		indent "$WORK/err"
	else
		t_ok "$name"
	fi
}

# ---- the read-path runner: badread and goodread ------------------------------

# run_cmd ARGS...: imgtool ARGS in $D; sets rc and ms, writes out and err.
run_cmd() {
	local t0=${EPOCHREALTIME/./}
	(cd "$D" && timeout -k 5 "$CASE_TIMEOUT" "$IMGTOOL" "$@") \
		>"$WORK/out" 2>"$WORK/err"
	rc=$?
	ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
}

# map_prefix MODE OUT ERR: is OUT (the stdout of a failed map) a clean
# prefix of a map, entries ending at or before the guest offset that ERR
# names?  Prints the reason if not.
map_prefix() {
	python3 - "$@" <<'PY'
import json, re, sys
mode, err = sys.argv[1], open(sys.argv[3], errors="replace").read()
raw = open(sys.argv[2], "rb").read()
m = re.search(r"guest offset (\d+)", err)
limit = int(m.group(1)) if m else None

def bad(msg):
    print(msg)
    sys.exit(1)

try:
    text = raw.decode("ascii")
except UnicodeDecodeError:
    bad("stdout is not ASCII")
if not text:
    sys.exit(0)
end = 0
if mode == "human":
    if not text.endswith("\n"):
        bad("stdout does not end with a newline")
    lines = text[:-1].split("\n")
    if lines[0] != "%-16s%-16s%-16s%s" % ("Offset", "Length", "Mapped to", "File"):
        bad("first line is not the map header: %r" % lines[0])
    for l in lines[1:]:
        r = re.fullmatch(r"((?:0|0x[0-9a-f]+) *)((?:0x[0-9a-f]+) *)((?:0|0x[0-9a-f]+) *)(\S+)", l)
        if not r or any(len(r.group(i)) < 16 for i in (1, 2, 3)):
            bad("malformed row: %r" % l)
        start, length = int(r.group(1), 16), int(r.group(2), 16)
        if start < end or length == 0:
            bad("rows out of order or empty: %r" % l)
        end = start + length
else:
    if not text.startswith("["):
        bad("JSON map does not start with '['")
    body = text[1:]
    if "]" in body:
        bad("closing ']' printed after an error")
    if body and not body.endswith(",\n"):
        bad("the last entry is not followed by ',\\n': %r" % body[-80:])
    keys = ["start", "length", "depth", "present", "zero", "data", "compressed"]
    for chunk in body.split(",\n")[:-1]:
        try:
            e = json.loads(chunk)
        except ValueError:
            bad("entry is not JSON: %r" % chunk)
        if list(e) != keys + (["offset"] if "offset" in e else []):
            bad("entry keys %s" % list(e))
        if end and e["start"] != end or e["length"] <= 0:
            bad("entries not contiguous or empty: %r" % chunk)
        end = e["start"] + e["length"]
if limit is not None and end > limit:
    bad("an entry ends at %d, past the failing guest offset %d" % (end, limit))
PY
}

# fail_why LABEL EXIT REGEX: why the last run_cmd is not a clean failure
# with status EXIT and one stderr line matching REGEX (empty if it is).
fail_why() {
	local label=$1 exit=$2 want=$3 lines
	lines=$(wc -l <"$WORK/err")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "$label: timed out after ${CASE_TIMEOUT}s"
	elif sanitizer_report; then
		echo "$label: sanitizer report (exit $rc)"
	elif [ "$ms" -gt "$CASE_SLOW_MS" ]; then
		echo "$label: took $ms ms"
	elif [ "$rc" != "$exit" ]; then
		echo "$label: exit status $rc, expected $exit"
	elif [ "$lines" != 1 ]; then
		echo "$label: $lines lines on stderr, expected 1"
	elif ! head -1 "$WORK/err" | grep -q '^imgtool: '; then
		echo "$label: stderr does not start with 'imgtool: '"
	elif ! grep -E -q -- "$want" "$WORK/err"; then
		echo "$label: error does not match '$want'"
	fi
}

# ok_why LABEL: why the last run_cmd is not a clean success (empty if it is).
ok_why() {
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "$1: timed out after ${CASE_TIMEOUT}s"
	elif sanitizer_report; then
		echo "$1: sanitizer report (exit $rc)"
	elif [ "$ms" -gt "$CASE_SLOW_MS" ]; then
		echo "$1: took $ms ms"
	elif [ "$rc" != 0 ]; then
		echo "$1: exit status $rc, expected 0"
	elif [ -s "$WORK/err" ]; then
		echo "$1: output on stderr"
	fi
}

# badread NAME REGEX RUN... <<SETUP (see the top of the file)
badread() {
	local name=$1 want=$2 script run cmd exit label mode why before after
	local out=convert-out.raw
	local -a w args argv modes
	shift 2
	script=$(cat)
	t_wanted "$name" || return 0
	setup "$name" "$script" || return 0
	if [ -e "$D/$out" ]; then
		t_fail "$name" "the setup made $out"
		return 0
	fi
	before=$(hash_dir "$D")
	why=
	: >"$WORK/out"
	: >"$WORK/err"
	for run in "$@"; do
		read -r -a w <<<"$run"
		cmd=${w[0]}
		exit=${w[1]:-}
		args=("${w[@]:2}")
		case "$cmd" in
		map) modes=(human json) ;;
		convert | compare) modes=(-) ;;
		*) modes=() ;;
		esac
		if [ "${#modes[@]}" = 0 ] || [ "${#args[@]}" = 0 ] ||
			! [[ "$exit" =~ ^[0-9]+$ ]]; then
			why="malformed run '$run' (want 'map|convert|compare EXIT ARGS...')"
			break
		fi
		for mode in "${modes[@]}"; do
			case "$cmd:$mode" in
			map:human) argv=(map "${args[@]}") label="map" ;;
			map:json) argv=(map --output=json "${args[@]}") label="map json" ;;
			convert:*) argv=(convert -O raw "${args[@]}" "$out") label="convert" ;;
			compare:*) argv=(compare "${args[@]}") label="compare" ;;
			esac
			label="$label ${args[*]}"
			run_cmd "${argv[@]}"
			why=$(fail_why "$label" "$exit" "$want")
			if [ -z "$why" ] && [ "$cmd" = map ]; then
				# Nothing, the bare header or "[": no need to parse.
				case "$mode:$(head -c 100 "$WORK/out")" in
				human: | json: | "json:[") ;;
				"human:Offset          Length          Mapped to       File") ;;
				*) why=$(map_prefix "$mode" "$WORK/out" "$WORK/err") ;;
				esac
				[ -n "$why" ] && why="$label: $why"
			elif [ -z "$why" ] && [ -s "$WORK/out" ]; then
				why="$label: output on stdout"
			fi
			if [ -z "$why" ] && [ -e "$D/$out" ]; then
				why="$label: the failed convert left $out behind"
			fi
			if [ -z "$why" ]; then
				after=$(hash_dir "$D")
				[ "$before" != "$after" ] &&
					why="$label: a file of the case changed"
			fi
			[ -n "$why" ] && break 2
		done
	done
	if [ -n "$why" ]; then
		t_fail "$name" "$why"
		indent "$WORK/err"
		head -c 2000 "$WORK/out" | indent
	else
		t_ok "$name"
	fi
}

# goodread NAME IMAGE <<SETUP (see the top of the file)
goodread() {
	local name=$1 img=$2 script G="$WORK/goodread" why before after mode qrc
	local -a json
	shift 2
	script=$(cat)
	t_wanted "$name" || return 0
	setup "$name" "$script" || return 0
	before=$(hash_dir "$D")
	rm -rf "$G"
	mkdir -p "$G"
	why=
	if ! (cd "$D" && qemu-img convert -O raw "$img" "$G/q.raw" &&
		qemu-img compare "$img" "$G/q.raw") >"$G/qcompare" 2>"$WORK/err"; then
		t_fail "$name" "qemu-img cannot read the control"
		indent "$WORK/err"
		return 0
	fi
	for mode in human json; do
		json=()
		[ "$mode" = json ] && json=(--output=json)
		(cd "$D" && qemu-img map ${json[@]+"${json[@]}"} "$img") \
			>"$G/qmap" 2>"$G/qmap.err"
		qrc=$?
		run_cmd map ${json[@]+"${json[@]}"} "$img"
		if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
			why="map $mode: timed out after ${CASE_TIMEOUT}s"
		elif sanitizer_report; then
			why="map $mode: sanitizer report (exit $rc)"
		elif [ "$ms" -gt "$CASE_SLOW_MS" ]; then
			why="map $mode: took $ms ms"
		elif [ "$rc" != "$qrc" ]; then
			why="map $mode: exit status $rc, qemu-img's $qrc"
		elif ! diff <(sed -e 's/^qemu-img: /imgtool: /' "$G/qmap.err") \
			"$WORK/err" >/dev/null; then
			why="map $mode: stderr differs from qemu-img's"
			cp "$G/qmap.err" "$WORK/out"
		elif [ "$mode" = human ] && ! cmp -s "$G/qmap" "$WORK/out"; then
			why="map: stdout differs from qemu-img's"
			diff "$G/qmap" "$WORK/out" >"$WORK/err"
		elif [ "$mode" = json ] && ! diff "$G/qmap" <(sed -E \
			-e 's/, "compressed": (true|false)//' "$WORK/out") \
			>"$WORK/err"; then
			why="map json: differs from qemu-img's (\"compressed\" dropped)"
		fi
		[ -n "$why" ] && break
	done
	if [ -z "$why" ]; then
		run_cmd convert -O raw "$img" "$G/i.raw"
		why=$(ok_why convert)
		if [ -z "$why" ] && [ -s "$WORK/out" ]; then
			why="convert: output on stdout"
		elif [ -z "$why" ] && ! cmp "$G/q.raw" "$G/i.raw" >"$WORK/err" 2>&1; then
			why="convert: output differs from qemu-img's"
		fi
	fi
	if [ -z "$why" ]; then
		run_cmd compare "$img" "$G/q.raw"
		why=$(ok_why compare)
		if [ -z "$why" ] && ! diff "$G/qcompare" "$WORK/out" >"$WORK/err"; then
			why="compare: stdout differs from qemu-img's"
		fi
	fi
	after=$(hash_dir "$D")
	if [ -z "$why" ] && [ "$before" != "$after" ]; then
		why="a file of the case changed"
	fi
	if [ -n "$why" ]; then
		t_fail "$name" "$why"
		indent "$WORK/err"
		head -c 2000 "$WORK/out" | indent
	else
		t_ok "$name"
	fi
}

# ---- base images (not tests: a failure shows up in the cases) ------------

make_bases() {
	rm -rf "$B"
	mkdir -p "$B"
	cd "$B" || return 1
	qimg create -f qcow2 v3.qcow2 4G
	qimg create -f qcow2 -o compat=0.10 v2.qcow2 4G
	qimg create -f qcow2 -o cluster_size=4096 c4k.qcow2 64M
	qimg create -f qcow2 -o compression_type=zstd zstd.qcow2 64M
	qimg create -f qcow2 -o extended_l2=on el2.qcow2 64M
	qimg create -f qcow2 snap.qcow2 64M
	qimg snapshot -c s snap.qcow2
	qimg create -f qcow2 bitmap.qcow2 64M
	qimg bitmap --add bitmap.qcow2 b0
	qimg create -f qcow2 -o data_file=data.raw df.qcow2 64M
	qimg create -f qcow2 back.qcow2 64M
	qimg create -f qcow2 -b back.qcow2 -F qcow2 over.qcow2
	qimg create -f qed q.qed 64M
	qimg create -f qed qback.qed 64M
	qimg create -f qed -b qback.qed -F qed qover.qed
	# LUKS key setup measures the CPU and now and then refuses: retry.
	for _ in 1 2 3 4 5; do
		qemu-img create -q -f qcow2 \
			--object secret,id=sec0,data=imgtool-test \
			-o encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=50 \
			luks.qcow2 64M >/dev/null 2>&1 && break
		sleep 0.1
	done
	"$IMGTOOL" create -q -f qcow2 it.qcow2 64M ||
		echo "imgtool create -f qcow2 failed"
	"$IMGTOOL" create -q -f qed it.qed 64M ||
		echo "imgtool create -f qed failed"
	make_read_bases
	cd "$WORK" || return 1
}

# For the read path: 1 MiB images holding data (64 KiB clusters), each
# with a raw copy made by qemu-img (r.raw for r.qcow2) to compare against.
make_read_bases() {
	# Data at 0 and 128k, a zero cluster at 256k; the same in v2 (no
	# zero clusters there).
	qimg create -f qcow2 r.qcow2 1M
	qio -c 'write -P 0x11 0 64k' -c 'write -P 0x22 128k 64k' \
		-c 'write -z 256k 64k' r.qcow2
	qimg convert -O raw r.qcow2 r.raw
	qimg create -f qcow2 -o compat=0.10 rv2.qcow2 1M
	qio -c 'write -P 0x11 0 64k' -c 'write -P 0x22 128k 64k' rv2.qcow2
	qimg convert -O raw rv2.qcow2 rv2.raw
	# Extended L2 (2 KiB subclusters): data at 0-4k and 128k-192k,
	# zeros at 8k-10k.
	qimg create -f qcow2 -o extended_l2=on e.qcow2 1M
	qio -c 'write -P 0x33 0 4k' -c 'write -P 0x44 128k 64k' \
		-c 'write -z 8k 2k' e.qcow2
	qimg convert -O raw e.qcow2 e.raw
	# Three compressible clusters, compressed with zlib, zstd, and zlib
	# with extended L2: streams of a few hundred bytes packed from 0x50000.
	python3 -c '
d = bytearray(1 << 20)
for i in range(0, 3 << 16, 1 << 16):
    d[i:i + 65536] = (b"cluster %d: a line of compressible text\n" % i * 2000)[:65536]
open("c.raw", "wb").write(d)'
	qimg convert -c -f raw -O qcow2 c.raw c.qcow2
	qimg convert -c -f raw -O qcow2 -o compression_type=zstd c.raw cz.qcow2
	qimg convert -c -f raw -O qcow2 -o extended_l2=on c.raw ce.qcow2
	# QED: data at 0 and 128k.
	qimg create -f qed rq.qed 1M
	qio -f qed -c 'write -P 0x55 0 64k' -c 'write -P 0x66 128k 64k' rq.qed
	qimg convert -O raw rq.qed rq.raw
	# An external data file: data at 0 and 192k.
	qimg create -f qcow2 -o data_file=rdf-data.raw rdf.qcow2 1M
	qio -c 'write -P 0x77 0 64k' -c 'write -P 0x78 192k 64k' rdf.qcow2
	qimg convert -O raw rdf.qcow2 rdf.raw
	# rover.qcow2 (data at 0-4k) over rback.qcow2, a copy of r.qcow2.
	cp r.qcow2 rback.qcow2
	qimg create -f qcow2 -b rback.qcow2 -F qcow2 rover.qcow2
	qio -c 'write -P 0x99 0 4k' rover.qcow2
	qimg convert -O raw rover.qcow2 rover.raw
}

make_bases >"$WORK/bases.log" 2>&1
if [ -s "$WORK/bases.log" ]; then
	echo "  base image setup said:"
	indent "$WORK/bases.log"
fi

# ---- controls --------------------------------------------------------------

good ctl-v3 qcow2 a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
EOF
good ctl-v2 qcow2 a.qcow2 <<'EOF'
cp "$B/v2.qcow2" a.qcow2
EOF
good ctl-c4k qcow2 a.qcow2 <<'EOF'
cp "$B/c4k.qcow2" a.qcow2
EOF
good ctl-zstd qcow2 a.qcow2 <<'EOF'
cp "$B/zstd.qcow2" a.qcow2
EOF
good ctl-extended-l2 qcow2 a.qcow2 <<'EOF'
cp "$B/el2.qcow2" a.qcow2
EOF
good ctl-snapshot qcow2 a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
EOF
good ctl-bitmap qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
EOF
good ctl-data-file qcow2 df.qcow2 <<'EOF'
cp "$B/df.qcow2" "$B/data.raw" .
EOF
good ctl-backing-chain qcow2 --backing-chain over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
EOF
good ctl-luks qcow2 a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
EOF
good ctl-qed qed a.qed <<'EOF'
cp "$B/q.qed" a.qed
EOF
good ctl-qed-backing-chain qed --backing-chain qover.qed <<'EOF'
cp "$B/qback.qed" "$B/qover.qed" .
EOF
good ctl-imgtool-qcow2 qcow2 a.qcow2 <<'EOF'
cp "$B/it.qcow2" a.qcow2
EOF
good ctl-imgtool-qed qed a.qed <<'EOF'
cp "$B/it.qed" a.qed
EOF

# ---- limits: the most a valid image may hold, which must stay fast -----------

# 2 MiB of cluster 0 filled with empty unknown extensions (kept verbatim).
good unknown-extensions-fill-cluster0 qcow2 a.qcow2 <<'EOF'
qimg create -f qcow2 -o cluster_size=2M a.qcow2 64M
python3 - <<'PY'
import struct
n = (2 << 20) // 8 - 15
with open("a.qcow2", "r+b") as f:
    f.seek(112)
    f.write(struct.pack(">II", 0x12345678, 0) * n + b"\0" * 8)
PY
EOF
# 65536 snapshots (the limit), the table appended at the end of the file.
good snapshots-65536-limit qcow2 a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
python3 - 65536 <<'PY'
import os, struct, sys
n = int(sys.argv[1])
size = os.path.getsize("a.qcow2")
off = (size + 65535) // 65536 * 65536
table = bytearray()
for i in range(n):
    sid, name = str(i + 1).encode(), b"s%d" % i
    table += struct.pack(">QIHHIIQII", 0, 0, len(sid), len(name), 0, 0, 0, 0, 0)
    table += sid + name
    table += b"\0" * (-len(table) % 8)
with open("a.qcow2", "r+b") as f:
    f.seek(off)
    f.write(table)
    f.seek(60)
    f.write(struct.pack(">IQ", n, off))
PY
EOF
bad snapshots-65537 'too many snapshots \(65537' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set nb_snapshots 65537
EOF
# 65535 bitmaps (the limit), all sharing one bitmap table.
good bitmaps-65535-limit qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
python3 - "$off" 65535 <<'PY'
import os, struct, sys
ext, n = int(sys.argv[1]), int(sys.argv[2])
with open("a.qcow2", "r+b") as f:
    f.seek(ext + 8 + 16)
    d = struct.unpack(">Q", f.read(8))[0]
    f.seek(d)
    first = f.read(24)
    table_off, table_size, flags = struct.unpack(">QII", first[:16])
    size = os.path.getsize("a.qcow2")
    new = (size + 65535) // 65536 * 65536
    entries = bytearray()
    for i in range(n):
        name = b"b%d" % i
        entries += struct.pack(">QIIBBHI", table_off, table_size, flags, 1,
                               first[17], len(name), 0) + name
        entries += b"\0" * (-len(entries) % 8)
    f.seek(new)
    f.write(entries)
    f.seek(ext + 8)
    f.write(struct.pack(">IIQQ", n, 0, len(entries), new))
PY
EOF
bad bitmaps-65536 'too many bitmaps \(65536' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 8)) 65536
EOF

# ---- qcow2: the file and the header ----------------------------------------

bad empty-file 'qcow2 header truncated \(0 bytes' -f qcow2 a.qcow2 <<'EOF'
: >a.qcow2
EOF
bad truncated-header-50 'qcow2 header truncated \(50 bytes' -f qcow2 a.qcow2 <<'EOF'
head -c 50 "$B/v3.qcow2" >a.qcow2
EOF
bad truncated-v3-header-80 'v3 header truncated' a.qcow2 <<'EOF'
head -c 80 "$B/v3.qcow2" >a.qcow2
EOF
bad bad-magic 'magic' -f qcow2 a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set magic 0x514649fc
EOF
bad version-1 'qcow2 version 1' -f qcow2 a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set version 1
EOF
bad version-4 'qcow2 version 4' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set version 4
EOF
bad cluster-bits-8 'cluster_bits 8' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set cluster_bits 8
EOF
bad cluster-bits-22 'cluster_bits 22' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set cluster_bits 22
EOF
bad cluster-bits-huge 'cluster_bits 4294967295' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set cluster_bits 0xffffffff
EOF
bad v2-cluster-bits-8 'cluster_bits 8' a.qcow2 <<'EOF'
cp "$B/v2.qcow2" a.qcow2
poke a.qcow2 set cluster_bits 8
EOF
bad header-length-odd 'header_length 105' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set header_length 105
EOF
bad header-length-short 'header_length 100' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set header_length 100
EOF
bad header-length-over-cluster 'header_length 8192 exceeds the cluster' a.qcow2 <<'EOF'
cp "$B/c4k.qcow2" a.qcow2
poke a.qcow2 set header_length 8192
EOF
bad header-length-past-eof 'header_length 120 runs past the end of the file' a.qcow2 <<'EOF'
head -c 112 "$B/v3.qcow2" >a.qcow2
poke a.qcow2 set header_length 120
EOF
bad refcount-order-7 'refcount_order 7' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set refcount_order 7
EOF
bad compression-type-7 'compression type 7' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set compression_type 7
EOF
bad compression-zstd-without-bit 'compression type zstd but the compression type feature bit is clear' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set compression_type 1
EOF
bad compression-bit-without-zstd 'compression type zlib but the compression type feature bit is set' a.qcow2 <<'EOF'
cp "$B/zstd.qcow2" a.qcow2
poke a.qcow2 set compression_type 0
EOF
bad size-over-int64 'virtual size 9223372036854775808 too large' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set size 0x8000000000000000
EOF
bad size-too-large-for-cluster 'virtual size [0-9]+ too large for cluster size 65536' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set size 0x4000000000000000
EOF
bad crypt-method-3 'unknown encryption method 3' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set crypt_method 3
EOF
bad v2-crypt-method-luks 'invalid encryption method 2 for a v2 image' a.qcow2 <<'EOF'
cp "$B/v2.qcow2" a.qcow2
poke a.qcow2 set crypt_method 2
EOF
bad luks-without-extension 'LUKS encryption without an encryption header extension' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set crypt_method 2
EOF

# ---- qcow2: feature bits ----------------------------------------------------

bad unknown-incompat-bit-9 'unsupported qcow2 feature.*bit 9' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 setbit incompatible 9
EOF
bad unknown-incompat-bit-63 'unsupported qcow2 feature.*bit 63' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 setbit incompatible 63
EOF
# qemu-img v3 images carry a feature-name table: name bit 9 in it.
bad unknown-incompat-bit-named "unsupported qcow2 feature: 'mystery_feature'" a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x6803f857)
poke a.qcow2 poke $((off + 8)) 0009$(name_hex mystery_feature 46)
poke a.qcow2 setbit incompatible 9
EOF
bad extended-l2-small-cluster 'extended L2 entries need a cluster size of at least 16 KiB' a.qcow2 <<'EOF'
cp "$B/c4k.qcow2" a.qcow2
poke a.qcow2 setbit incompatible 4
EOF
bad data-file-raw-without-data-file 'data_file_raw set without an external data file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 setbit autoclear 1
EOF
bad data-file-bit-without-name 'needs an external data file but names none' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 setbit incompatible 2
EOF
bad data-file-name-without-bit 'external data file name present but the external data file bit is clear' df.qcow2 <<'EOF'
cp "$B/df.qcow2" "$B/data.raw" .
poke df.qcow2 clearbit incompatible 2
EOF
bad data-file-missing "data\.raw" df.qcow2 <<'EOF'
cp "$B/df.qcow2" .
EOF

# ---- qcow2: L1 and refcount tables --------------------------------------------

# 4 GiB with 64 KiB clusters needs 8 L1 entries.
bad l1-size-too-small 'L1 table too small \(l1_size 4' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_size 4
EOF
bad l1-size-huge 'L1 table too large' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_size 0x10000000
EOF
bad l1-size-max 'L1 table too large' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_size 0xffffffff
EOF
bad l1-offset-misaligned 'L1 table offset 0x30200 is not cluster-aligned' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_table_offset 0x30200
EOF
bad l1-offset-zero 'L1 table at offset 0 overlaps the header' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_table_offset 0
EOF
bad l1-past-eof 'L1 table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_table_offset 0x10000000
EOF
bad l1-offset-wraps 'L1 table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set l1_table_offset 0xffffffffffff0000
EOF
bad l1-cut-by-truncate 'L1 table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
truncate -s $(( $(field a.qcow2 l1_table_offset) + 32 )) a.qcow2
EOF
bad refcount-table-clusters-0 'refcount table has no clusters' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set refcount_table_clusters 0
EOF
bad refcount-table-clusters-huge 'refcount table too large' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set refcount_table_clusters 0x100000
EOF
bad refcount-table-past-eof 'refcount table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set refcount_table_offset 0x40000000
EOF
bad refcount-table-misaligned 'refcount table offset 0x10008 is not cluster-aligned' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set refcount_table_offset 0x10008
EOF

# ---- qcow2: header extensions and the backing file name ---------------------

bad extension-past-cluster0 'header extension \(0x6803f857, 70000 bytes\) runs past the end of the first cluster' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x6803f857)
poke a.qcow2 be32 $((off + 4)) 70000
EOF
bad extension-length-max 'header extension .*runs past the end of the first cluster' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x6803f857)
poke a.qcow2 be32 $((off + 4)) 0xffffffff
EOF
bad extension-cut-by-eof 'header extension at offset 112 runs past the end of the file' a.qcow2 <<'EOF'
head -c 116 "$B/v3.qcow2" >a.qcow2
EOF
bad extension-data-cut-by-eof 'feature name table header extension runs past the end of the file' a.qcow2 <<'EOF'
head -c 200 "$B/v3.qcow2" >a.qcow2
EOF
bad bitmaps-extension-bad-length 'bitmaps header extension has length 16' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 4)) 16
EOF
bad backing-format-with-nul 'invalid backing format header extension' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
off=$(ext_off over.qcow2 0xe2792aca)
poke over.qcow2 poke $((off + 9)) 00
EOF
bad backing-name-too-long 'backing file name too long \(2000 bytes' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke over.qcow2 set backing_file_size 2000
EOF
bad backing-offset-outside-cluster0 'backing file name at offset 65536 lies outside the first cluster' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke over.qcow2 set backing_file_offset 65536
EOF
bad backing-offset-huge 'backing file name at offset [0-9]+ lies outside the first cluster' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke over.qcow2 set backing_file_offset 0xfffffffffffffff0
EOF
bad backing-offset-in-header 'backing file name at offset 8 lies outside the first cluster' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke over.qcow2 set backing_file_offset 8
EOF
bad backing-name-past-eof 'backing file name runs past the end of the file' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
truncate -s $(( $(field over.qcow2 backing_file_offset) + 4 )) over.qcow2
EOF
bad backing-name-with-nul 'invalid backing file name' over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke over.qcow2 poke $(( $(field over.qcow2 backing_file_offset) + 2 )) 00
EOF

# ---- qcow2: snapshots ---------------------------------------------------------

bad snapshots-70000 'too many snapshots \(70000' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set nb_snapshots 70000
EOF
bad snapshot-table-past-eof 'snapshot table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set nb_snapshots 1
poke a.qcow2 set snapshots_offset 0x10000000
EOF
bad snapshot-table-misaligned 'snapshot table offset 0x10 is not cluster-aligned' a.qcow2 <<'EOF'
cp "$B/v3.qcow2" a.qcow2
poke a.qcow2 set nb_snapshots 1
poke a.qcow2 set snapshots_offset 16
EOF
bad snapshot-extra-data-5000 'snapshot 0: extra data too large \(5000 bytes' a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
so=$(field a.qcow2 snapshots_offset)
poke a.qcow2 be32 $((so + 36)) 5000
EOF
bad snapshot-id-runs-past-eof 'snapshot table runs past the end of the file' a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
so=$(field a.qcow2 snapshots_offset)
poke a.qcow2 be16 $((so + 12)) 0xffff
EOF
bad snapshot-count-past-table 'snapshot table .*past the end of the file' a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
poke a.qcow2 set nb_snapshots 2
EOF
bad snapshot-l1-misaligned 'snapshot 0: L1 table offset 0x[0-9a-f]+ is not cluster-aligned' a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
so=$(field a.qcow2 snapshots_offset)
l1=$(peek_be a.qcow2 $so 8)
poke a.qcow2 be64 $so $((l1 + 512))
EOF
bad snapshot-l1-huge 'snapshot 0: L1 table too large' a.qcow2 <<'EOF'
cp "$B/snap.qcow2" a.qcow2
so=$(field a.qcow2 snapshots_offset)
poke a.qcow2 be32 $((so + 8)) 0x10000000
EOF

# ---- qcow2: bitmaps ------------------------------------------------------------
# The bitmaps extension: nb_bitmaps (4), reserved (4), directory size (8),
# directory offset (8).  A directory entry: table offset (8), table size
# (4), flags (4), type (1), granularity_bits (1), name size (2), ...

bad bitmaps-70000 'too many bitmaps \(70000' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 8)) 70000
EOF
bad bitmaps-zero 'bitmaps extension with no bitmaps' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 8)) 0
EOF
bad bitmaps-reserved 'bitmaps header extension: reserved field is not zero' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 12)) 1
EOF
bad bitmap-directory-128m 'bitmap directory too large \(134217728 bytes' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be64 $((off + 16)) 0x8000000
EOF
bad bitmap-directory-too-small 'bitmap directory too small for 3 bitmaps' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 8)) 3
EOF
bad bitmap-directory-past-eof 'bitmap directory .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be64 $((off + 24)) 0x40000000
EOF
bad bitmap-directory-misaligned 'bitmap directory offset 0x[0-9a-f]+ is not cluster-aligned' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 be64 $((off + 24)) $((dir + 8))
EOF
bad bitmap-directory-size-mismatch 'bitmap directory size [0-9]+ does not match' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
size=$(peek_be a.qcow2 $((off + 16)) 8)
poke a.qcow2 be64 $((off + 16)) $((size + 8))
# The directory ends the file: make room for the 8 more bytes.
truncate -s +8 a.qcow2
EOF
bad bitmap-granularity-40 "bitmap 'b0': granularity_bits 40 out of range" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 poke $((dir + 17)) 28
EOF
bad bitmap-type-2 "bitmap 'b0': unknown type 2" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 poke $((dir + 16)) 02
EOF
bad bitmap-reserved-flags "bitmap 'b0': reserved flags 0x10[0-9a-f] set" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
flags=$(peek_be a.qcow2 $((dir + 12)) 4)
poke a.qcow2 be32 $((dir + 12)) $((flags | 0x100))
EOF
bad bitmap-name-empty 'bitmap 0: invalid name length 0' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 be16 $((dir + 18)) 0
EOF
bad bitmap-entry-past-directory 'bitmap 0: entry runs past the bitmap directory' a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 be32 $((dir + 20)) 0xffffff00
EOF
bad bitmap-table-misaligned "bitmap 'b0': bitmap table offset 0x[0-9a-f]+ is misaligned or past the end" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
t=$(peek_be a.qcow2 $dir 8)
poke a.qcow2 be64 $dir $((t + 512))
EOF
bad bitmap-table-too-small "bitmap 'b0': bitmap table too small for the disk" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 be32 $((dir + 8)) 0
EOF
bad bitmap-table-huge "bitmap 'b0': bitmap table too large" a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x23852875)
dir=$(peek_be a.qcow2 $((off + 24)) 8)
poke a.qcow2 be32 $((dir + 8)) 0xffffffff
EOF

# ---- stale bitmaps: QEMU ignores the bitmaps extension's contents when the
# autoclear bit is clear (always so in v2), warning that the bitmaps are
# inconsistent; it still opens the image, so imgtool must too.

GOOD_WARN=1 good stale-bitmaps-zero-count qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
poke a.qcow2 clearbit autoclear 0
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 8)) 0
EOF
GOOD_WARN=1 good stale-bitmaps-reserved qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
poke a.qcow2 clearbit autoclear 0
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be32 $((off + 12)) 7
EOF
GOOD_WARN=1 good stale-bitmaps-directory-past-eof qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
poke a.qcow2 clearbit autoclear 0
off=$(ext_off a.qcow2 0x23852875)
poke a.qcow2 be64 $((off + 24)) 0x40000000
EOF
# A v2 header has no autoclear field: move the v3 image's extensions up to
# byte 72 and call it version 2.
GOOD_WARN=1 good v2-bitmaps-extension qcow2 a.qcow2 <<'EOF'
cp "$B/bitmap.qcow2" a.qcow2
python3 - <<'PY'
import struct
with open("a.qcow2", "r+b") as f:
    c0 = bytearray(f.read(65536))
    assert struct.unpack(">I", c0[100:104])[0] == 112
    c0[4:8] = struct.pack(">I", 2)
    f.seek(0)
    f.write((c0[:72] + c0[112:]).ljust(65536, b"\0"))
PY
EOF

# ---- qcow2: LUKS encryption header ----------------------------------------------
# The encryption header extension: offset (8), length (8).

bad luks-bad-magic 'LUKS header: bad magic' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x0537be77)
lo=$(peek_be a.qcow2 $((off + 8)) 8)
poke a.qcow2 poke $lo 00
EOF
bad luks-version-2 'LUKS header: unsupported version 2' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x0537be77)
lo=$(peek_be a.qcow2 $((off + 8)) 8)
poke a.qcow2 be16 $((lo + 6)) 2
EOF
bad luks-cipher-unterminated 'LUKS header: cipher name is not terminated' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x0537be77)
lo=$(peek_be a.qcow2 $((off + 8)) 8)
poke a.qcow2 poke $((lo + 8)) $(python3 -c 'print("41" * 32)')
EOF
bad luks-header-short 'LUKS header truncated' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x0537be77)
poke a.qcow2 be64 $((off + 16)) 100
EOF
bad luks-header-past-eof 'encryption header .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
off=$(ext_off a.qcow2 0x0537be77)
poke a.qcow2 be64 $((off + 8)) 0x40000000
EOF
bad luks-extension-on-plain-image 'encryption header extension on an image that is not LUKS-encrypted' a.qcow2 <<'EOF'
cp "$B/luks.qcow2" a.qcow2
poke a.qcow2 set crypt_method 0
EOF

# ---- QED --------------------------------------------------------------------

bad qed-empty 'QED header truncated \(0 bytes' -f qed a.qed <<'EOF'
: >a.qed
EOF
bad qed-truncated-30 'QED header truncated \(30 bytes' -f qed a.qed <<'EOF'
head -c 30 "$B/q.qed" >a.qed
EOF
bad qed-bad-magic 'not a QED image \(bad magic\)' -f qed a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set magic 0x00444552
EOF
bad qed-cluster-size-1000 'QED cluster_size 1000' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set cluster_size 1000
EOF
bad qed-cluster-size-0 'QED cluster_size 0' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set cluster_size 0
EOF
bad qed-cluster-size-128m 'QED cluster_size 134217728' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set cluster_size 0x8000000
EOF
bad qed-table-size-3 'QED table_size 3' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set table_size 3
EOF
bad qed-table-size-32 'QED table_size 32' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set table_size 32
EOF
bad qed-image-size-1000 'QED image_size 1000 is not a multiple of 512' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set image_size 1000
EOF
# 4 KiB clusters, 1-cluster tables: 512 * 512 * 4096 bytes = 1 GiB at most.
bad qed-image-size-beyond-tables 'QED image_size 1073742336 exceeds what the tables address' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set cluster_size 4096
poke a.qed set table_size 1
poke a.qed set image_size 1073742336
EOF
bad qed-image-size-max 'QED image_size [0-9]+ exceeds what the tables address' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set image_size 0xfffffffffffffe00
EOF
bad qed-l1-offset-0 'QED l1_table_offset 0 invalid' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set l1_table_offset 0
EOF
bad qed-l1-offset-misaligned 'QED l1_table_offset 0x10200 invalid' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set l1_table_offset 0x10200
EOF
bad qed-l1-past-eof 'QED L1 table \(offset 0x40000000\) lies past the end of the file' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set l1_table_offset 0x40000000
EOF
bad qed-l1-cut-by-truncate 'QED L1 table \(offset 0x10000\) lies past the end of the file' a.qed <<'EOF'
cp "$B/q.qed" a.qed
truncate -s 70000 a.qed
EOF
bad qed-header-size-0 'QED header_size 0 clusters invalid' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set header_size 0
EOF
bad qed-header-size-huge 'QED header_size 4294967295 clusters invalid' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed set header_size 0xffffffff
EOF
bad qed-unknown-feature-0x10 'unsupported QED feature bits 0x10' a.qed <<'EOF'
cp "$B/q.qed" a.qed
poke a.qed setbit features 4
EOF
bad qed-backing-name-outside-header 'QED backing file name lies outside the header' qover.qed <<'EOF'
cp "$B/qback.qed" "$B/qover.qed" .
poke qover.qed set backing_filename_offset 70000
EOF
bad qed-backing-name-length-0 'QED backing file name length 0 invalid' qover.qed <<'EOF'
cp "$B/qback.qed" "$B/qover.qed" .
poke qover.qed set backing_filename_size 0
EOF
bad qed-backing-name-length-2000 'QED backing file name length 2000 invalid' qover.qed <<'EOF'
cp "$B/qback.qed" "$B/qover.qed" .
poke qover.qed set backing_filename_size 2000
EOF
bad qed-backing-name-with-nul 'QED backing file name contains a NUL byte' qover.qed <<'EOF'
cp "$B/qback.qed" "$B/qover.qed" .
poke qover.qed poke $(( $(field qover.qed backing_filename_offset) + 1 )) 00
EOF

# ---- images made by imgtool --------------------------------------------------

bad imgtool-qcow2-cluster-bits-22 'cluster_bits 22' a.qcow2 <<'EOF'
cp "$B/it.qcow2" a.qcow2
poke a.qcow2 set cluster_bits 22
EOF
bad imgtool-qcow2-l1-past-eof 'L1 table .*lies past the end of the file' a.qcow2 <<'EOF'
cp "$B/it.qcow2" a.qcow2
poke a.qcow2 set l1_table_offset 0x10000000
EOF
bad imgtool-qed-table-size-3 'QED table_size 3' a.qed <<'EOF'
cp "$B/it.qed" a.qed
poke a.qed set table_size 3
EOF
bad imgtool-qed-image-size-1000 'QED image_size 1000 is not a multiple of 512' a.qed <<'EOF'
cp "$B/it.qed" a.qed
poke a.qed set image_size 1000
EOF

# ---- backing chains ------------------------------------------------------------

bad chain-loop 'backing chain .*loops' --backing-chain a.qcow2 <<'EOF'
qimg create -f qcow2 -u -b b.qcow2 -F qcow2 a.qcow2 64M
qimg create -f qcow2 -u -b a.qcow2 -F qcow2 b.qcow2 64M
EOF
bad chain-self-loop 'backing chain .*loops' --backing-chain self.qcow2 <<'EOF'
# qemu-img refuses the same name; "./self.qcow2" is the same file.
qimg create -f qcow2 -u -b ./self.qcow2 -F qcow2 self.qcow2 64M
EOF
bad chain-loop-through-qed 'backing chain .*loops' --backing-chain a.qcow2 <<'EOF'
qimg create -f qcow2 -u -b b.qed -F qed a.qcow2 64M
qimg create -f qed -u -b a.qcow2 -F qcow2 b.qed 64M
EOF
bad chain-missing-backing "could not open backing file of 'a.qcow2'" --backing-chain a.qcow2 <<'EOF'
qimg create -f qcow2 -u -b missing.qcow2 -F qcow2 a.qcow2 64M
EOF
bad chain-broken-backing "cluster_bits 30" --backing-chain over.qcow2 <<'EOF'
cp "$B/back.qcow2" "$B/over.qcow2" .
poke back.qcow2 set cluster_bits 30
EOF
# c00 -> c01 -> ... -> c64 -> c65: 65 backing files, one too many.
bad chain-too-deep 'backing chain deeper than 64 images' --backing-chain c00.qcow2 <<'EOF'
qimg create -f qcow2 -u -b c01.qcow2 -F qcow2 c00.qcow2 1M
python3 - <<'PY'
data = open("c00.qcow2", "rb").read()
for i in range(1, 65):
    open("c%02d.qcow2" % i, "wb").write(
        data.replace(b"c01.qcow2", b"c%02d.qcow2" % (i + 1), 1))
PY
EOF

# ---- the read path: map, convert -O raw, compare ---------------------------------
# Images that open but whose tables or data are broken; see badread at the
# top.  The bases ($B/r.qcow2 and friends, from make_read_bases) are 1 MiB
# with 64 KiB clusters.  "qemu-img:" in a comment says what qemu-img 7.2
# does with the same image; where it reads zeros or ignores the damage,
# imgtool fails on purpose.

goodread ctl-read-qcow2 a.qcow2 <<'EOF'
cp "$B/r.qcow2" a.qcow2
EOF
goodread ctl-read-qcow2-v2 a.qcow2 <<'EOF'
cp "$B/rv2.qcow2" a.qcow2
EOF
goodread ctl-read-extended-l2 a.qcow2 <<'EOF'
cp "$B/e.qcow2" a.qcow2
EOF
goodread ctl-read-compressed-zlib a.qcow2 <<'EOF'
cp "$B/c.qcow2" a.qcow2
EOF
goodread ctl-read-compressed-zstd a.qcow2 <<'EOF'
cp "$B/cz.qcow2" a.qcow2
EOF
goodread ctl-read-compressed-extended-l2 a.qcow2 <<'EOF'
cp "$B/ce.qcow2" a.qcow2
EOF
goodread ctl-read-qed a.qed <<'EOF'
cp "$B/rq.qed" a.qed
EOF
goodread ctl-read-data-file rdf.qcow2 <<'EOF'
cp "$B/rdf.qcow2" "$B/rdf-data.raw" .
EOF
goodread ctl-read-backing-chain rover.qcow2 <<'EOF'
cp "$B/rover.qcow2" "$B/rback.qcow2" .
EOF

# -- qcow2 L1 and L2 entries

# qemu-img: reads zeros there (its metadata-preallocation rule turns data
# past the end of the file into zeros), map leaves the cluster out.
badread read-l2-past-eof "'a\.qcow2': guest offset 131072: cluster at host offset 0x40000000 lies past the end of the file" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'convert 1 r.raw a.qcow2' \
	'compare 3 a.qcow2 r.raw' 'compare 3 r.raw a.qcow2' <<'EOF'
cp "$B/r.qcow2" "$B/r.raw" .
cp r.qcow2 a.qcow2
poke a.qcow2 be64 $(q2_l2e a.qcow2 131072) 0x8000000040000000
EOF
# qemu-img: fails too ("Cluster allocation offset ... unaligned").
badread read-l2-misaligned "'a\.qcow2': guest offset 131072: cluster offset 0x[0-9a-f]+200 unaligned" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
be64_or a.qcow2 $(q2_l2e a.qcow2 131072) 0x200
EOF
# qemu-img: ignores bit 56 and reads the cluster.
badread read-l2-reserved-bit "'a\.qcow2': guest offset 131072: L2 entry 0x81[0-9a-f]{14} has reserved bits set" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
be64_or a.qcow2 $(q2_l2e a.qcow2 131072) 0x0100000000000000
EOF
# qemu-img: fails too.  The message names the L1 index, not an offset.
badread read-l1-misaligned "'a\.qcow2': L2 table offset 0x[0-9a-f]+200 unaligned \(L1 index 0\)" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
be64_or a.qcow2 $(field a.qcow2 l1_table_offset) 0x200
EOF
# qemu-img: reads the missing L2 table as zeros: all unallocated.
badread read-l1-past-eof "'a\.qcow2': L2 table at offset 0x40000000 \(L1 index 0\) lies past the end of the file" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
poke a.qcow2 be64 $(field a.qcow2 l1_table_offset) 0x8000000040000000
EOF
# qemu-img: ignores bit 56 of an L1 entry.
badread read-l1-reserved-bit "'a\.qcow2': L1 entry 0 \(0x81[0-9a-f]{14}\) has reserved bits set" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
be64_or a.qcow2 $(field a.qcow2 l1_table_offset) 0x0100000000000000
EOF
# The file ends 4 KiB into the L2 table.  qemu-img: reads the rest of the
# table as zeros.
badread read-l2-table-cut-by-truncate "'a\.qcow2': L2 table at offset 0x[0-9a-f]+ \(L1 index 0\) lies past the end of the file" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 r.raw' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
l2=$(poke a.qcow2 peek $(field a.qcow2 l1_table_offset) 8)
truncate -s $(( (16#$l2 & 0xffffffffffe00) + 4096 )) a.qcow2
EOF
# The file ends 4 KiB into the data cluster of guest offset 128k.
# qemu-img: reads the rest as zeros (exit 0; compare: "Content mismatch").
# imgtool: block status refuses the cluster, so every command fails alike.
badread read-data-cut-by-truncate "'a\.qcow2': guest offset 131072: data at host offset 0x[0-9a-f]+ runs past the end of the file" \
	'map 1 a.qcow2' 'compare 3 a.qcow2 r.raw' 'convert 1 a.qcow2' <<'EOF'
cp "$B/r.qcow2" a.qcow2
cp "$B/r.raw" .
host=$(poke a.qcow2 peek $(q2_l2e a.qcow2 131072) 8)
truncate -s $(( (16#$host & 0xffffffffffe00) + 4096 )) a.qcow2
EOF
# A v2 image has no zero clusters: bit 0 of an L2 entry is reserved there.
# qemu-img: fails ("Zero cluster entry found in pre-v3 image").
badread read-v2-zero-flag "'a\.qcow2': guest offset 131072: zero cluster entry in a version 2 image" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 rv2.raw' <<'EOF'
cp "$B/rv2.qcow2" a.qcow2
cp "$B/rv2.raw" .
be64_or a.qcow2 $(q2_l2e a.qcow2 131072) 1
EOF

# -- qcow2 compressed clusters (c.qcow2: three compressed clusters)
# map reads no compressed data: map --output=json succeeds on these (so
# does qemu-img's) and human map fails on any compressed cluster, as
# qemu-img's does; the runs are convert and compare.

# qemu-img: fails too (EIO).
badread read-compressed-past-eof "'a\.qcow2': guest offset 65536: compressed cluster \(host offset 0x40000000, 512 bytes\) runs past the end of the file" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/c.qcow2" a.qcow2
cp "$B/c.raw" .
poke a.qcow2 be64 $(q2_l2e a.qcow2 65536) 0x4000000040000000
EOF
# The sector count at its maximum (256 sectors, 128 KiB from a stream of
# a few hundred bytes near the end of the file).  qemu-img: reads zeros
# past the end and decodes the stream (exit 0).
badread read-compressed-oversized-count "'a\.qcow2': guest offset 65536: compressed cluster \(host offset 0x[0-9a-f]+, [0-9]+ bytes\) runs past the end of the file" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/c.qcow2" a.qcow2
cp "$B/c.raw" .
host=$(q2_chost a.qcow2 65536)
poke a.qcow2 be64 $(q2_l2e a.qcow2 65536) $(( 0x7fc0000000000000 | host ))
EOF
# A valid raw-deflate stream of 1000 bytes.  qemu-img: fails too.
badread read-compressed-short-stream "'a\.qcow2': guest offset 65536: compressed cluster decodes to less than a cluster" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/c.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import sys, zlib; c = zlib.compressobj(wbits=-12); sys.stdout.buffer.write(c.compress(b"x" * 1000) + c.flush())' |
	q2_cput a.qcow2 65536
EOF
# 70000 bytes.  qemu-img: keeps the first 64 KiB (exit 0).
badread read-compressed-long-stream "'a\.qcow2': guest offset 65536: compressed cluster decodes to more than a cluster" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/c.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import sys, zlib; c = zlib.compressobj(wbits=-12); sys.stdout.buffer.write(c.compress(b"x" * 70000) + c.flush())' |
	q2_cput a.qcow2 65536
EOF
# qemu-img: fails on both.
badread read-compressed-garbage-zlib "'a\.qcow2': guest offset 65536: compressed cluster is not a valid compressed stream" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/c.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import sys; sys.stdout.buffer.write(b"\xff" * 64)' | q2_cput a.qcow2 65536
EOF
badread read-compressed-garbage-zstd "'a\.qcow2': guest offset 65536: compressed cluster is not a valid compressed stream" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/cz.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import sys; sys.stdout.buffer.write(b"\xff" * 16)' | q2_cput a.qcow2 65536
EOF
# zstd frames of one RLE block: 1000 and 70000 bytes.  qemu-img: fails
# on both.
badread read-compressed-zstd-short "'a\.qcow2': guest offset 65536: compressed cluster decodes to less than a cluster" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/cz.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import struct, sys; n = 1000; sys.stdout.buffer.write(b"\x28\xb5\x2f\xfd\xa0" + struct.pack("<I", n) + (3 | n << 3).to_bytes(3, "little") + b"x")' |
	q2_cput a.qcow2 65536
EOF
badread read-compressed-zstd-long "'a\.qcow2': guest offset 65536: compressed cluster decodes to more than a cluster" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 c.raw' <<'EOF'
cp "$B/cz.qcow2" a.qcow2
cp "$B/c.raw" .
python3 -c 'import struct, sys; n = 70000; sys.stdout.buffer.write(b"\x28\xb5\x2f\xfd\xa0" + struct.pack("<I", n) + (3 | n << 3).to_bytes(3, "little") + b"x")' |
	q2_cput a.qcow2 65536
EOF

# -- qcow2 extended L2 (e.qcow2: data at 0-4k and 128k-192k, zeros at 8k-10k)

# Subcluster 0 both allocated and zero.  qemu-img: fails too.
badread read-extl2-allocated-and-zero "'a\.qcow2': guest offset 0: subcluster both allocated and zero \(bitmap 0x[0-9a-f]{7}1[0-9a-f]{7}[13]\)" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 e.raw' <<'EOF'
cp "$B/e.qcow2" a.qcow2
cp "$B/e.raw" .
be64_or a.qcow2 $(( $(q2_l2e a.qcow2 0) + 8 )) 0x100000000
EOF
# Bit 0 of the descriptor (the zero flag of standard L2 entries) is
# reserved with extended L2.  qemu-img: ignores it.  map prints the runs
# before 128k first.
badread read-extl2-bit0 "'a\.qcow2': guest offset 131072: L2 entry 0x[0-9a-f]{15}1 has reserved bits set" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 e.raw' <<'EOF'
cp "$B/e.qcow2" a.qcow2
cp "$B/e.raw" .
be64_or a.qcow2 $(q2_l2e a.qcow2 131072) 1
EOF
# No host cluster, yet subcluster 0 allocated.  qemu-img: fails too.
badread read-extl2-unallocated-with-allocated-bits "'a\.qcow2': guest offset 65536: unallocated cluster with allocated subclusters \(bitmap 0x0000000000000001\)" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 e.raw' <<'EOF'
cp "$B/e.qcow2" a.qcow2
cp "$B/e.raw" .
poke a.qcow2 be64 $(( $(q2_l2e a.qcow2 65536) + 8 )) 1
EOF
# The bitmap of a compressed cluster must be zero.  qemu-img: ignores it.
badread read-compressed-subcluster-bitmap "'a\.qcow2': guest offset 65536: compressed cluster with a subcluster bitmap \(0x0000000000000001\)" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 3 a.qcow2 c.raw' <<'EOF'
cp "$B/ce.qcow2" a.qcow2
cp "$B/c.raw" .
poke a.qcow2 be64 $(( $(q2_l2e a.qcow2 65536) + 8 )) 1
EOF

# -- backing chains and external data files: the image does not open, so
# compare exits 2 and map prints nothing.

# qemu-img: still running after 10 s.
badread read-chain-loop "backing chain of 'a\.qcow2' loops" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 z.raw' <<'EOF'
qimg create -f qcow2 -u -b b.qcow2 -F qcow2 a.qcow2 1M
qimg create -f qcow2 -u -b a.qcow2 -F qcow2 b.qcow2 1M
truncate -s 1M z.raw
EOF
badread read-chain-missing-backing "could not open backing file of 'a\.qcow2': could not open 'missing\.qcow2'" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 z.raw' <<'EOF'
qimg create -f qcow2 -u -b missing.qcow2 -F qcow2 a.qcow2 1M
truncate -s 1M z.raw
EOF
# Opening a FIFO blocks until a writer comes: it must be refused first.
# qemu-img: blocks in the open (still waiting after 10 s).
badread read-chain-backing-fifo "could not open backing file of 'a\.qcow2': could not open 'fifo\.qcow2': not a regular file" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 z.raw' <<'EOF'
mkfifo fifo.qcow2
qimg create -f qcow2 -u -b fifo.qcow2 -F qcow2 a.qcow2 1M
truncate -s 1M z.raw
EOF
badread read-chain-backing-directory "could not open backing file of 'a\.qcow2': could not open 'dir\.qcow2': is a directory" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 z.raw' <<'EOF'
mkdir dir.qcow2
qimg create -f qcow2 -u -b dir.qcow2 -F qcow2 a.qcow2 1M
truncate -s 1M z.raw
EOF
# The overlay is fine, its backing file is not: the error names the
# backing file.  qemu-img: fails too.
badread read-chain-broken-backing "'rback\.qcow2': guest offset 131072: cluster offset 0x[0-9a-f]+200 unaligned" \
	'map 1 rover.qcow2' 'convert 1 rover.qcow2' 'compare 3 rover.qcow2 rover.raw' <<'EOF'
cp "$B/rover.qcow2" "$B/rback.qcow2" "$B/rover.raw" .
be64_or rback.qcow2 $(q2_l2e rback.qcow2 131072) 0x200
EOF
badread read-data-file-missing "'a\.qcow2': could not open 'rdf-data\.raw': No such file or directory" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 rdf.raw' <<'EOF'
cp "$B/rdf.qcow2" a.qcow2
cp "$B/rdf.raw" .
EOF
badread read-data-file-fifo "'a\.qcow2': could not open 'rdf-data\.raw': not a regular file" \
	'map 1 a.qcow2' 'convert 1 a.qcow2' 'compare 2 a.qcow2 rdf.raw' <<'EOF'
cp "$B/rdf.qcow2" a.qcow2
cp "$B/rdf.raw" .
mkfifo rdf-data.raw
EOF
# The data file ends before the cluster at 192k.  qemu-img: reads zeros.
# (map succeeds: it reads no data.)
badread read-data-file-short "'a\.qcow2': guest offset 196608: data at host offset 196608 lies past the end of 'rdf-data\.raw'" \
	'convert 1 a.qcow2' 'compare 4 a.qcow2 rdf.raw' <<'EOF'
cp "$B/rdf.qcow2" a.qcow2
cp "$B/rdf.raw" "$B/rdf-data.raw" .
truncate -s 100000 rdf-data.raw
EOF

# -- QED (rq.qed: data at 0 and 128k)

# qemu-img: fails too (EINVAL).
badread read-qed-l2-misaligned "'a\.qed': guest offset 131072: L2 entry 0x[0-9a-f]+200 is not cluster-aligned" \
	'map 1 a.qed' 'convert 1 a.qed' 'compare 3 a.qed rq.raw' <<'EOF'
cp "$B/rq.qed" a.qed
cp "$B/rq.raw" .
e=$(qed_l2e a.qed 131072)
poke a.qed le64 $e $(( $(python3 -c 'import sys; f = open("a.qed", "rb"); f.seek(int(sys.argv[1])); print(int.from_bytes(f.read(8), "little"))' $e) | 0x200 ))
EOF
# qemu-img: fails too (EINVAL).
badread read-qed-l2-past-eof "'a\.qed': guest offset 131072: L2 entry 0x40000000 is past the end of the file" \
	'map 1 a.qed' 'convert 1 a.qed' 'compare 3 a.qed rq.raw' <<'EOF'
cp "$B/rq.qed" a.qed
cp "$B/rq.raw" .
poke a.qed le64 $(qed_l2e a.qed 131072) 0x40000000
EOF
# qemu-img: fails too.  The message names the L1 index, not an offset.
badread read-qed-l1-past-eof "'a\.qed': L1 entry 0 \(0x40000000\) is not a valid L2 table offset" \
	'map 1 a.qed' 'convert 1 a.qed' 'compare 3 a.qed rq.raw' <<'EOF'
cp "$B/rq.qed" a.qed
cp "$B/rq.raw" .
poke a.qed le64 $(field a.qed l1_table_offset) 0x40000000
EOF
# The file ends 4 KiB into the data cluster at 128k.  qemu-img: fails
# too, in block status (so its map fails; imgtool's map reads no data).
badread read-qed-data-cut-by-truncate "'a\.qed': guest offset 135168: data at host offset [0-9]+ lies past the end of 'a\.qed'" \
	'convert 1 a.qed' 'compare 4 a.qed rq.raw' <<'EOF'
cp "$B/rq.qed" a.qed
cp "$B/rq.raw" .
host=$(python3 -c 'import sys; f = open("a.qed", "rb"); f.seek(int(sys.argv[1])); print(int.from_bytes(f.read(8), "little"))' $(qed_l2e a.qed 131072))
truncate -s $((host + 4096)) a.qed
EOF

exit 0
