#!/bin/sh
# Refused input: each line of refused.txt is STATUS|ARGS|STDERR.  Every
# case must exit with STATUS, print exactly STDERR (one line, @T@ for the
# scratch directory), print nothing on stdout and leave no file behind.
. "$(dirname "$0")/lib.sh"

cases="$top_srcdir/tests/cli/refused.txt"
# the kernel's MAX_NUMNODES - 1: Mems_allowed has a bit per possible node
nodemax=$(awk '$1 == "Mems_allowed:" { gsub(/,/, "", $2); print length($2) * 4 - 1 }' /proc/self/status)
while IFS='|' read -r want args expect; do
	case $want in '' | '#'*) continue ;; esac
	mkdir "$T/w"
	a=$(printf '%s' "$args" | sed "s|@T@|$T/w|g")
	expect=$(printf '%s' "$expect" | sed "s|@NODEMAX@|$nodemax|g")
	eval "set -- $a"
	(cd "$T/w" && "$NUMAMEM" "$@") >"$T/out" 2>"$T/err"
	rc=$?
	got=$(sed "s|$T/w|@T@|g" "$T/err")
	left=$(ls -A "$T/w")
	if [ "$rc" = "$want" ] && [ "$got" = "$expect" ] && [ ! -s "$T/out" ] && [ -z "$left" ]; then
		ok "exit $want: numamem $args"
	else
		not_ok "exit $want: numamem $args"
		diag "status $rc, want $want" "stderr: $got" "want:   $expect" "stdout: $(cat "$T/out")" "left: $left"
	fi
	rm -rf "$T/w"
done <"$cases"
done_testing
