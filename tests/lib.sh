# Shared helpers for the shell test suites (sourced, not run).
#
# A suite prints one line per test: "ok NAME" or "FAIL NAME: reason".
# tests/run-all.sh counts them.  Environment from run-all.sh:
#   IMGTOOL   the imgtool binary under test
#   IMGPOKE   the imgpoke helper
#   WORK      a scratch folder for this suite (emptied before the run)
#   TEST      a glob: run only tests whose name matches (empty: all)

: "${IMGTOOL:=$PWD/imgtool}"
: "${IMGPOKE:=$PWD/build/default/imgpoke}"
: "${WORK:=$(mktemp -d)}"
export TZ=UTC LC_ALL=C

# t_wanted NAME: is this test selected by $TEST?
t_wanted() {
	[ -z "${TEST:-}" ] && return 0
	case "$1" in
	$TEST) return 0 ;;
	esac
	case "${SUITE:-}" in
	$TEST) return 0 ;;
	esac
	return 1
}

t_ok() {
	echo "ok $1"
}

t_fail() {
	echo "FAIL $1: $2"
}

# json_equal A B: the two files hold equal JSON documents (key order free).
json_equal() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
sys.exit(0 if a == b else 1)
PY
}

# json_diff A B [IGNORED_KEY...]: print how two JSON documents differ,
# ignoring the named top-level keys (in every element of an array).
json_diff() {
	python3 - "$@" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
ign = set(sys.argv[3:])
def strip(d):
    if isinstance(d, list):
        return [strip(x) for x in d]
    if isinstance(d, dict):
        return {k: v for k, v in d.items() if k not in ign}
    return d
a, b = strip(a), strip(b)
if a != b:
    def walk(x, y, path):
        if type(x) != type(y):
            print(f"{path}: {x!r} != {y!r}"); return
        if isinstance(x, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x: print(f"{path}.{k}: missing in first")
                elif k not in y: print(f"{path}.{k}: missing in second")
                else: walk(x[k], y[k], f"{path}.{k}")
        elif isinstance(x, list):
            if len(x) != len(y): print(f"{path}: length {len(x)} != {len(y)}")
            for i, (p, q) in enumerate(zip(x, y)): walk(p, q, f"{path}[{i}]")
        elif x != y:
            print(f"{path}: {x!r} != {y!r}")
    walk(a, b, "")
    sys.exit(1)
PY
}

# Parallel tests, for suites that set OUTDIR (an empty folder) and JOBS.
# sched NAME FUNC ARGS...: run "FUNC ARGS..." as test NAME (if selected), at
# most $JOBS at a time, with NAME set; finish waits and prints every test's
# output in order, flagging a test that printed other than one result line.
NTEST=0
sched() {
	local name=$1
	shift
	t_wanted "$name" || return 0
	NTEST=$((NTEST + 1))
	local out
	out=$OUTDIR/$(printf %04d "$NTEST")
	echo "$name" >"$out.name"
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n
	done
	(NAME=$name; "$@") >"$out" 2>&1 </dev/null &
}

finish() {
	wait
	local f name n
	for f in "$OUTDIR"/*.name; do
		[ -e "$f" ] || continue
		name=$(cat "$f")
		f=${f%.name}
		n=$(grep -cE '^(ok|FAIL) ' "$f")
		if [ "$n" != 1 ]; then
			# Keep the output (indented) and report the broken test once.
			sed -E 's/^/  /' "$f"
			echo "FAIL $name: test printed $n result lines"
		else
			cat "$f"
		fi
	done
}
