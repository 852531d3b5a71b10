#!/bin/bash
# Run every test suite and print one summary line: "N passed, M failed".
#
# Suites: unit (Check, default and ASan+UBSan builds), cli, interop
# (qemu-img as the judge), read (map/convert/compare against qemu-img), bad (malformed images, ASan+UBSan build), fuzz
# (a short libFuzzer run of every target).  TEST=glob selects suites or
# tests by name.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
export TZ=UTC LC_ALL=C
export IMGPOKE="$ROOT/build/default/imgpoke"
OUT=$(mktemp -d "${TMPDIR:-/tmp}/imgtool-tests.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
passed=0
failed=0

selected() {
	[ -z "${TEST:-}" ] && return 0
	case "$1" in
	$TEST) return 0 ;;
	esac
	return 2
}

# A Check binary: its own summary line gives the counts.
run_unit() {
	local name=$1 bin=$2 log="$OUT/$1.log"
	if [ -n "${TEST:-}" ] && ! selected "$name"; then
		return 0
	fi
	CK_VERBOSITY=normal "$bin" >"$log" 2>&1
	local rc=$?
	local line
	line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "FAIL $name: no summary from $bin (exit $rc)"
		tail -20 "$log"
		failed=$((failed + 1))
		return
	fi
	local checks fails errors
	checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
	fails=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
	errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
	grep -E ':[FE]:' "$log"
	echo "$name: $line"
	passed=$((passed + checks - fails - errors))
	failed=$((failed + fails + errors))
	if [ "$rc" != 0 ] && [ $((fails + errors)) = 0 ]; then
		echo "FAIL $name: exit status $rc"
		failed=$((failed + 1))
	fi
}

# A shell suite: count its "ok" and "FAIL" lines.
run_suite() {
	local name=$1 script=$2 bin=$3 log="$OUT/$1.log"
	local work="$OUT/work-$name"
	mkdir -p "$work"
	SUITE=$name IMGTOOL="$bin" WORK="$work" TEST="${TEST:-}" \
		bash "$script" >"$log" 2>&1
	local rc=$?
	local ok fail
	ok=$(grep -c '^ok ' "$log")
	fail=$(grep -c '^FAIL ' "$log")
	grep '^FAIL ' "$log"
	echo "$name: $ok passed, $fail failed"
	passed=$((passed + ok))
	failed=$((failed + fail))
	if [ "$rc" != 0 ]; then
		echo "FAIL $name: suite script exited with status $rc"
		tail -5 "$log"
		failed=$((failed + 1))
	fi
}

run_unit unit build/default/unit-tests
run_unit unit-asan build/asan/unit-tests
run_suite cli tests/cli/run.sh "$ROOT/imgtool"
run_suite interop tests/interop/run.sh "$ROOT/imgtool"
run_suite read tests/read/run.sh "$ROOT/imgtool"
run_suite bad tests/bad/run.sh "$ROOT/build/asan/imgtool"
if [ -z "${TEST:-}" ] || selected fuzz; then
	run_suite fuzz tests/fuzz/run.sh "$ROOT/imgtool"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
