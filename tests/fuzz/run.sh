#!/bin/bash
# Run libFuzzer targets for a short while each and print one line per
# target: "ok fuzz-NAME" or "FAIL fuzz-NAME: reason".
#
#   tests/fuzz/run.sh [TARGET-BINARY...]   (default: every build/fuzz/fuzz-*)
#
# Each target runs for $FUZZ_TIME seconds (default 10) on a copy of its
# seed corpus, tests/fuzz/corpus/NAME/, in a temporary folder, so the
# repository is never modified.  A crash, leak, timeout or out-of-memory
# is a failure; its input is kept in $FUZZ_ARTIFACTS (default
# build/fuzz/artifacts/) and named in the reason.  Reproduce with
# "build/fuzz/fuzz-NAME INPUT".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/imgtool-fuzz.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
WORK=${WORK:-$TMP}
source "$ROOT/tests/lib.sh"

FUZZ_TIME=${FUZZ_TIME:-10}
ARTIFACTS=${FUZZ_ARTIFACTS:-$ROOT/build/fuzz/artifacts}

if [ $# = 0 ]; then
	shopt -s nullglob
	set -- "$ROOT"/build/fuzz/fuzz-*
	shopt -u nullglob
	# Only the binaries, not the artifacts folder or stray files.
	bins=()
	for b in "$@"; do
		[ -f "$b" ] && [ -x "$b" ] && bins+=("$b")
	done
	set -- ${bins[@]+"${bins[@]}"}
	if [ $# = 0 ]; then
		t_fail fuzz "no fuzz targets in build/fuzz (make build/fuzz/fuzz-NAME)"
		exit 0
	fi
fi

# why LOG: the kind of failure libFuzzer reported.
why() {
	local log=$1
	if grep -q 'ERROR: libFuzzer: timeout' "$log"; then
		echo "timeout (over 5 s on one input)"
	elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
		echo "out of memory"
	elif grep -q 'ERROR: LeakSanitizer' "$log"; then
		echo "memory leak"
	elif grep -q 'runtime error:' "$log"; then
		grep -m1 'runtime error:' "$log" | sed 's/^.*runtime error:/undefined behaviour:/'
	elif grep -q 'ERROR: AddressSanitizer' "$log"; then
		grep -m1 'ERROR: AddressSanitizer' "$log" | sed 's/^.*ERROR: AddressSanitizer: /AddressSanitizer: /; s/ on address.*//'
	elif grep -q 'ERROR: libFuzzer: deadly signal' "$log"; then
		echo "crash (deadly signal)"
	elif grep -q 'ERROR: libFuzzer' "$log"; then
		grep -m1 'ERROR: libFuzzer' "$log" | sed 's/^.*ERROR: libFuzzer: //'
	else
		echo "fuzzer failed"
	fi
}

for bin in "$@"; do
	name=$(basename "$bin")
	short=${name#fuzz-}
	t_wanted "$name" || continue
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		t_fail "$name" "no such fuzz target binary: $bin"
		continue
	fi
	case $bin in
	/*) ;;
	*) bin="$PWD/$bin" ;;	# it runs from its own folder
	esac
	seeds="$ROOT/tests/fuzz/corpus/$short"
	[ -d "$seeds" ] || seeds="$ROOT/tests/fuzz/corpus/$name"
	dir="$TMP/$name"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	if [ -d "$seeds" ]; then
		cp -R "$seeds"/. "$dir/corpus/"
	fi
	log="$dir/log"
	(cd "$dir" && "$bin" -max_total_time="$FUZZ_TIME" -max_len=70000 \
		-rss_limit_mb=1024 -timeout=5 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" corpus) >"$log" 2>&1
	rc=$?
	crash=$(find "$dir/artifacts" -type f | head -1)
	if [ "$rc" = 0 ] && [ -z "$crash" ]; then
		t_ok "$name"
		runs=$(grep -m1 'stat::number_of_executed_units' "$log" |
		       awk '{print $2}')
		[ -n "$runs" ] && echo "  $runs runs in ${FUZZ_TIME}s"
		[ -d "$seeds" ] || echo "  (no seed corpus in tests/fuzz/corpus/$short)"
		continue
	fi
	reason=$(why "$log")
	if [ -n "$crash" ]; then
		mkdir -p "$ARTIFACTS"
		kept="$ARTIFACTS/$name-$(basename "$crash")"
		cp "$crash" "$kept"
		cp "$log" "$kept.log"
		t_fail "$name" "$reason (exit $rc), input $kept"
	else
		t_fail "$name" "$reason (exit $rc), no crash input saved"
	fi
	grep -E 'ERROR:|SUMMARY:|runtime error:|^    #[0-9] ' "$log" | head -12 |
		sed 's/^/  /'
done
exit 0
