#!/bin/bash
# CLI cases: tests/cli/cases/NAME.cmd is a shell snippet run in an empty
# folder with $IMGTOOL set; its exit status, stdout and stderr must equal
# NAME.exit, NAME.stdout and NAME.stderr.  Regenerate the expected files
# with scripts/update-expect.sh (and review the diff), never by hand.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

# run_case NAME DIR: run one case in DIR, leaving .out/.err/.rc there.
run_case() {
	local name=$1 dir=$2
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && IMGTOOL="$IMGTOOL" bash "$here/cases/$name.cmd" \
		>"$dir/../$name.out" 2>"$dir/../$name.err"
	 echo $? >"$dir/../$name.rc")
	# The binary's path varies between builds: show it as "imgtool".
	sed -i "s#$IMGTOOL#imgtool#g" "$dir/../$name.out" "$dir/../$name.err"
}

if [ "${1:-}" = "--update" ]; then
	for cmd in "$here"/cases/*.cmd; do
		name=$(basename "$cmd" .cmd)
		run_case "$name" "$WORK/$name"
		cp "$WORK/$name.out" "$here/cases/$name.stdout"
		cp "$WORK/$name.err" "$here/cases/$name.stderr"
		cp "$WORK/$name.rc" "$here/cases/$name.exit"
	done
	exit 0
fi

for cmd in "$here"/cases/*.cmd; do
	name=$(basename "$cmd" .cmd)
	t_wanted "cli-$name" || continue
	run_case "$name" "$WORK/$name"
	why=""
	if ! cmp -s "$WORK/$name.rc" "$here/cases/$name.exit"; then
		why="exit $(cat "$WORK/$name.rc"), expected $(cat "$here/cases/$name.exit")"
	elif ! cmp -s "$WORK/$name.out" "$here/cases/$name.stdout"; then
		why="stdout differs"
		diff "$here/cases/$name.stdout" "$WORK/$name.out" | head -10 | sed 's/^/  /'
	elif ! cmp -s "$WORK/$name.err" "$here/cases/$name.stderr"; then
		why="stderr differs"
		diff "$here/cases/$name.stderr" "$WORK/$name.err" | head -10 | sed 's/^/  /'
	fi
	if [ -n "$why" ]; then
		t_fail "cli-$name" "$why"
	else
		t_ok "cli-$name"
	fi
done
