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
if wait_for 30 test -e "$T/r/ready"; then
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

# ----------------------------------- over vm.max_map_count, not overcommit

# More regions than vm.max_map_count allows mappings: the mmap() that
# fails says which limit it met (as weights= stripes do, which take many
# mappings each).  An unlimited stack lets the arguments through.
max=$(cat /proc/sys/vm/max_map_count)
n=$((max + 500))
if instrumented || [ "$n" -gt 300000 ]; then
	skip "more regions than vm.max_map_count ($max): too many for this numamem or host"
elif ! (ulimit -s unlimited) 2>/dev/null; then
	skip "more regions than vm.max_map_count ($max): the stack limit cannot be lifted for the arguments"
else
	awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "--object memory-backend-ram,id=r%d,size=4K\n", i }' >"$T/args"
	# shellcheck disable=SC2046
	(ulimit -s unlimited && exec "$NUMAMEM" -q $(cat "$T/args")) >"$T/out" 2>"$T/err"
	rc=$?
	check "$n regions, vm.max_map_count $max: status 2 ($rc)" [ $rc = 2 ]
	check "$n regions: one line names vm.max_map_count and its value" \
		[ "$(grep -c "^numamem: region 'r[0-9]*': cannot map 4 KiB: this process has [0-9]* mappings, at vm.max_map_count ($max)\$" "$T/err")" = 1 ]
	check "$n regions: not called an overcommit refusal" [ "$(grep -c overcommit "$T/err")" = 0 ]
	rm -f "$T/args"
fi

# ------------------------------- --traffic over memory that cannot be backed

# wait_line FILE PATTERN [SECONDS]: FILE has a line matching PATTERN
wait_line() {
	wait_for "${3:-30}" grep -q "$2" "$1" 2>/dev/null
}

# unbacked WHAT ARGS...: a hold with --traffic over a region whose pages
# run out: one line says so, the hold goes on and ends at SIGTERM with
# status 0, its ready file and socket removed.
unbacked() {
	what=$1
	shift
	rm -rf "$T/b"
	mkdir "$T/b"
	"$NUMAMEM" --hold --quiet --ready-file="$T/b/ready" --control=unix:"$T/b/sock" "$@" 2>"$T/err" &
	p=$!
	wait_line "$T/err" "traffic over region 'm0' stopped" 30
	check "$what: one line says the region's traffic stopped" \
		[ "$(grep -c "^numamem: warning: traffic over region 'm0' stopped: its memory at offset [0-9]* cannot be backed" "$T/err")" = 1 ]
	check "$what: the hold goes on" kill -0 $p
	kill -TERM $p
	wait $p
	rc=$?
	check "$what: SIGTERM ends it with status 0, no signal death ($rc)" [ $rc = 0 ]
	check "$what: nothing else on stderr" [ "$(wc -l <"$T/err")" = 1 ]
	check "$what: the ready file and the socket removed" nothing_left "$T/b"
}

if [ "$(id -u)" != 0 ]; then
	skip "--traffic over a file larger than its tmpfs: mounting a tmpfs needs root"
elif ! mkdir "$T/fs" || ! mount -t tmpfs -o size=4M none "$T/fs" 2>/dev/null; then
	skip "--traffic over a file larger than its tmpfs: cannot mount a tmpfs"
else
	unbacked "--traffic=write over a file larger than its tmpfs" \
		--backend=file --mem-path="$T/fs" --size=16M --share --traffic=write,threads=2
	check "a file larger than its tmpfs: its temporary file gone" nothing_left "$T/fs"
	unbacked "--traffic=read over a file larger than its tmpfs" \
		--backend=file --mem-path="$T/fs" --size=16M --share --traffic=read
	umount "$T/fs"
fi

if [ "$(sed -n 's/^HugePages_Free: *//p' /proc/meminfo)" != 0 ]; then
	skip "--traffic over hugetlb with no free huge page: this host has free huge pages"
else
	unbacked "--traffic=read over hugetlb, reserve=off, no free huge page" \
		--backend=memfd --hugetlb --no-reserve --size=4M --traffic=read
fi

done_testing
