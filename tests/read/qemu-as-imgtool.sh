#!/bin/bash
# qemu-img dressed as imgtool, to check tests/read/run.sh itself: with
#   SUITE=read IMGTOOL=$PWD/tests/read/qemu-as-imgtool.sh WORK=/tmp/x bash tests/read/run.sh
# every test must pass except map-fast-q-1P-64k (qemu-img is the slow one).
# map --output=json gains "compressed" (data without offset: there are no
# encrypted images in the zoo), error lines say "imgtool:", OUTPUT "-" streams.
cmd=$1
shift
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
case $cmd in
map)
	json=0
	for a in "$@"; do
		[ "$a" = --output=json ] && json=1
	done
	qemu-img map "$@" >"$t/o" 2>"$t/e"
	rc=$?
	if [ $json = 1 ] && [ $rc = 0 ]; then
		sed -E -e 's/"data": true\}/"data": true, "compressed": true}/' \
			-e 's/"data": true, "offset"/"data": true, "compressed": false, "offset"/' \
			-e 's/"data": false/"data": false, "compressed": false/' "$t/o"
	else
		cat "$t/o"
	fi
	sed 's/^qemu-img: /imgtool: /' "$t/e" >&2
	exit $rc
	;;
convert)
	args=("$@")
	if [ "${args[-1]}" = - ]; then
		unset 'args[-1]'
		qemu-img convert "${args[@]}" "$t/out" || exit $?
		cat "$t/out"
		exit 0
	fi
	exec qemu-img convert "$@"
	;;
*)
	exec qemu-img "$cmd" "$@"
	;;
esac
