#!/bin/sh
# The red team's findings (issue 20), one case or more each: what a
# second numamem, a symlink, a full tmpfs or an absent huge page pool
# made numamem do.  The refusals that need no set-up are in refused.txt.
. "$(dirname "$0")/lib.sh"

# nothing_left DIR: DIR holds nothing
nothing_left() {
	[ -z "$(ls -A "$1")" ]
}

# ---------------------------------------- a live holder's ready file

mkdir "$T/r"
"$NUMAMEM" --size=1M --quiet --hold --ready-file="$T/r/ready" 2>"$T/err1" &
holder=$!
if wait_file "$T/r/ready" 30; then
	run --size=1M --quiet --hold=0.1s --ready-file="$T/r/ready"
	check "a live holder's ready file: refused, status 1 ($rc)" [ $rc = 1 ]
	check "a live holder's ready file: one line names it and the PID" \
		[ "$(cat "$T/err")" = "numamem: ready-file '$T/r/ready' belongs to running numamem PID $holder" ]
	check "a live holder's ready file: still the holder's" [ "$(cat "$T/r/ready")" = "ready $holder" ]
else
	not_ok "a holder with --ready-file got ready"
fi
kill -TERM $holder
wait $holder
check "the holder removed its ready file at the end" nothing_left "$T/r"

sh -c 'exit 0' &
gone=$!
wait $gone
echo "ready $gone" >"$T/r/ready"
run --size=1M --quiet --hold=0.1s --ready-file="$T/r/ready"
check "a stale ready file (PID $gone gone): taken over, status 0 ($rc)" [ $rc = 0 ]
check "a stale ready file: removed at the end of the hold" nothing_left "$T/r"

# ------------------------------------------- a symlink as the trace

mkdir "$T/t"
ln -s ready "$T/t/to-ready"
run --size=1M --quiet --ready-file="$T/t/ready" --trace="$T/t/to-ready" -- true
check "--trace, a link to the ready file: refused, status 125 ($rc)" [ $rc = 125 ]
check "--trace, a link to the ready file: one line names it" \
	[ "$(cat "$T/err")" = "numamem: invalid trace '$T/t/to-ready': it is a symbolic link" ]
check "--trace, a link to the ready file: no ready file made" [ ! -e "$T/t/ready" ]
check "--trace, a link to the ready file: the link as it was" [ "$(readlink "$T/t/to-ready")" = ready ]
ln -s mem "$T/t/to-mem"
run --size=1M --quiet --backend=file --mem-path="$T/t/mem" --trace="$T/t/to-mem" -- true
check "--trace, a link to a mem-path yet to be made: refused, status 125 ($rc)" [ $rc = 125 ]
check "--trace, a link to a mem-path: nothing made" [ ! -e "$T/t/mem" ]
ln -s t "$T/t-link"
run --size=1M --quiet --ready-file="$T/t/ready" --trace="$T/t-link/ready" -- true
check "--trace, the ready file through a linked directory: refused, status 125 ($rc)" [ $rc = 125 ]
check "--trace, the ready file through a linked directory: one line says so" \
	[ "$(cat "$T/err")" = "numamem: invalid trace '$T/t-link/ready': it is the ready-file" ]
rm -f "$T/t/to-ready" "$T/t/to-mem" "$T/t-link"
check "--trace refusals: nothing left behind" nothing_left "$T/t"

done_testing
