#!/bin/sh
# Never touch what is not ours: closed standard streams, ready signals,
# FIFOs and existing files as mem-path, the modes of files it makes,
# leftovers after a later region fails, descriptors, many regions.  The refusals that need no set-up are
# in refused.txt; these need a file, a pipe, a limit or a signal.
. "$(dirname "$0")/lib.sh"

data() { printf 'precious data, not numamem'"'"'s\n'; }
precious=$(data)

# that DESCRIPTION CONDITION: ok when the shell condition (a string, any
# && and || inside it) holds
that() {
	if eval "$2"; then ok "$1"; else not_ok "$1"; fi
}

# ------------------------------------------------- closed standard streams

data >"$T/file"
"$NUMAMEM" --backend=file --mem-path="$T/file" --size=4K --offset=0 >&- 2>"$T/err"
rc=$?
check "closed stdout, file region over a short file: refused, status 1 ($rc)" [ $rc = 1 ]
that "closed stdout: the user's file is unchanged" '[ "$(cat "$T/file")" = "$precious" ]'

truncate -s 8K "$T/big"
printf 'header' | dd of="$T/big" conv=notrunc 2>/dev/null
sum=$(cksum <"$T/big")
"$NUMAMEM" --backend=file --mem-path="$T/big" --size=8K --share >&- 2>"$T/err"
rc=$?
check "closed stdout: the report cannot be written, status 5 ($rc)" [ $rc = 5 ]
check "closed stdout: one line says so" grep -q "^numamem: cannot write to standard output" "$T/err"
check "closed stdout: the region's file never received the report" [ "$(cksum <"$T/big")" = "$sum" ]

"$NUMAMEM" --backend=file --mem-path="$T/big" --size=8K --share --json <&- >"$T/out" 2>"$T/err"
rc=$?
check "closed stdin: status 0 ($rc)" [ $rc = 0 ]
check "closed stdin: the region did not take descriptor 0 ($(json_get fd))" [ "$(json_get fd)" != 0 ]
check "closed stdin: the file is unchanged" [ "$(cksum <"$T/big")" = "$sum" ]

if [ -n "${NUMAMEM_VALGRIND:-}" ]; then
	skip "closed stderr: valgrind needs its stderr for the log"
else
	"$NUMAMEM" --bogus 2>&- >"$T/out"
	rc=$?
	that "closed stderr, bad option: status 1 ($rc), nothing on stdout" '[ $rc = 1 ] && [ ! -s "$T/out" ]'
fi

# ------------------------------------------- a reader that went away

# gone_pipe: descriptor 3 is a pipe (a FIFO) whose one reader has exited
# and been waited for before numamem starts (no race with the reader's
# exit): what head or less leave behind once they quit
gone_pipe() {
	mkfifo "$T/gpipe"
	cat "$T/gpipe" >/dev/null &
	gp_reader=$!
	exec 3>"$T/gpipe" # returns once the reader has the other end open
	kill "$gp_reader"
	wait "$gp_reader"
	rm -f "$T/gpipe"
}
# gone NAME ARGS...: numamem ARGS writing to a reader that went away:
# silent (as coreutils), and the status it would have had
gone() {
	gone_name=$1
	shift
	gone_pipe
	"$NUMAMEM" "$@" >&3 2>"$T/err"
	rc=$?
	exec 3>&-
	check "reader gone ($gone_name): status 0 ($rc)" [ "$rc" = 0 ]
	check "reader gone ($gone_name): no message ($(cat "$T/err"))" [ ! -s "$T/err" ]
}
gone "--help" --help
gone "--show-nodes" --show-nodes
gone "--pid" --pid=$$
gone "a report" --size=1M --prealloc
gone "a JSON report" --size=1M --prealloc --json
# --hold with --traffic: the lines stop, not the hold (it lasts its 2 s)
start=$(date +%s)
gone "--hold=2s --traffic" -q --size=1M --prealloc --hold=2s --traffic=read
check "reader gone (--hold=2s --traffic): the hold went on ($(($(date +%s) - start)) s)" \
	[ $(($(date +%s) - start)) -ge 2 ]
# the status numamem had without the reader: --verify's 4 stays
gone_pipe
"$NUMAMEM" --pid=1 --verify --json >&3 2>"$T/err"
rc=$?
exec 3>&-
"$NUMAMEM" --pid=1 --verify --json >/dev/null 2>&1
check "reader gone: --pid=1 --verify keeps its own status ($rc = $?)" [ "$rc" = $? ]
# any other write error keeps its message and status 5
"$NUMAMEM" --show-nodes >/dev/full 2>"$T/err"
rc=$?
check "--show-nodes to a full disk: status 5 ($rc)" [ "$rc" = 5 ]
check "--show-nodes to a full disk: one line naming stdout" \
	sh -c "[ \"\$(wc -l <'$T/err')\" = 1 ] && grep -q '^numamem: cannot write to standard output: No space left on device' '$T/err'"

# --------------------------------------------------------- ready signals

# a pipe (a FIFO) whose one reader has exited and been waited for
# before numamem starts: no race with the reader's exit
gone_pipe
"$NUMAMEM" --size=1M --quiet --ready-fd=3 2>"$T/err"
rc=$?
exec 3>&-
check "ready pipe with its reader gone: status 5, no SIGPIPE death ($rc)" [ "$rc" = 5 ]
check "ready pipe with its reader gone: one line says so" grep -q "^numamem: cannot write to ready-fd 3" "$T/err"

run --backend=memfd --size=1M --fd=5 --ready-fd=5 -- true 5>/dev/null
that "--fd and --ready-fd on one descriptor: 125, one line ($rc)" '[ $rc = 125 ] && grep -q "name the same descriptor, 5" "$T/err"'

run --size=1M --ready-fd=9 9>&-
that "--ready-fd of a closed descriptor: status 1, one line ($rc)" '[ $rc = 1 ] && grep -q "descriptor 9 is not open" "$T/err"'

data >"$T/notours"
run --size=1M --ready-file="$T/notours"
check "--ready-file over a file that is not a ready file: refused ($rc)" [ $rc = 1 ]
that "--ready-file over a file that is not a ready file: the file is untouched" '[ "$(cat "$T/notours")" = "$precious" ]'

run --size=1M --ready-file="$T/notours/ready"
that "--ready-file under a regular file: refused ($rc)" '[ $rc = 1 ] && grep -q "Not a directory" "$T/err"'

mkdir "$T/hold"
for sig in HUP QUIT; do
	"$NUMAMEM" --size=1M --quiet --hold --ready-file="$T/hold/ready" 2>"$T/err" &
	p=$!
	check "SIG$sig: the hold gets ready" wait_for 10 [ -e "$T/hold/ready" ]
	kill -$sig $p
	wait $p
	rc=$?
	check "SIG$sig ends --hold: status 0 ($rc)" [ $rc = 0 ]
	check "SIG$sig ends --hold: the ready file is gone" [ ! -e "$T/hold/ready" ]
done
# a ready file left by a killed run is replaced
"$NUMAMEM" --size=1M --quiet --hold --ready-file="$T/hold/ready" &
p=$!
check "SIGKILL: the hold gets ready" wait_for 10 [ -e "$T/hold/ready" ]
kill -KILL $p
wait $p
old=$(cat "$T/hold/ready")
run --size=1M --quiet --ready-file="$T/hold/ready"
that "a ready file left by a killed run is replaced ($rc)" \
	'[ $rc = 0 ] && grep -q "^ready [0-9]*$" "$T/hold/ready" && [ "$(cat "$T/hold/ready")" != "$old" ]'

# ------------------------------------------------- what mem-path may be

mkfifo "$T/fifo"
for ro in --readonly --no-readonly; do
	timeout 20 "$NUMAMEM" --backend=file --mem-path="$T/fifo" --size=4K $ro >"$T/out" 2>"$T/err"
	rc=$?
	that "a FIFO as mem-path ($ro): refused at once, status 1 ($rc)" '[ $rc = 1 ] && grep -q "is a FIFO" "$T/err"'
	check "a FIFO as mem-path ($ro): still a FIFO" [ -p "$T/fifo" ]
done

data >"$T/short"
run --backend=file --mem-path="$T/short" --size=1M
that "an existing file shorter than size: refused, status 1 ($rc)" '[ $rc = 1 ] && grep -q "never resized" "$T/err"'
that "an existing file shorter than size: neither grown nor written" '[ "$(cat "$T/short")" = "$precious" ]'
run --backend=file --mem-path="$T/short" --size=4K --offset=4K
check "an existing file shorter than offset + size: refused ($rc)" [ $rc = 1 ]

: >"$T/empty"
run --backend=file --mem-path="$T/empty" --size=64K --quiet
that "an existing empty file is sized ($rc, $(wc -c <"$T/empty") bytes)" '[ $rc = 0 ] && [ "$(wc -c <"$T/empty")" = 65536 ]'

# files numamem makes: mode 0644 less the umask, as QEMU's open(O_CREAT,
# 0644); a directory's temporary file 0600 less the umask (mkstemp, as
# QEMU); an existing file keeps the mode it has
for mask in 022 077; do
	rm -f "$T/made"
	(umask $mask && exec "$NUMAMEM" --backend=file --mem-path="$T/made" --size=64K --quiet)
	want=$(printf '%o' $((0644 & ~0$mask)))
	that "umask $mask: a file numamem creates gets mode $want, as QEMU's ($(stat -c %a "$T/made"))" \
		'[ "$(stat -c %a "$T/made")" = "$want" ]'
	mkdir -p "$T/memdir"
	(umask $mask && exec "$NUMAMEM" --backend=file --mem-path="$T/memdir" --size=64K --hold --ready-file="$T/memdir.ready" --json) >"$T/out" 2>"$T/err" &
	pid=$!
	wait_for 30 ready_or_gone "$T/memdir.ready" "$pid"
	fd=$(json_get fd)
	that "umask $mask: a directory's temporary file gets mode 600 ($(stat -L -c %a "/proc/$pid/fd/$fd" 2>&1)), nothing left in it" \
		'[ "$(stat -L -c %a "/proc/$pid/fd/$fd")" = 600 ] && [ -z "$(ls -A "$T/memdir")" ]'
	release
done
: >"$T/mine"
chmod 600 "$T/mine"
(umask 022 && exec "$NUMAMEM" --backend=file --mem-path="$T/mine" --size=64K --quiet)
that "an existing empty file keeps its mode 600 ($(stat -c %a "$T/mine"))" '[ "$(stat -c %a "$T/mine")" = 600 ]'

run --backend=file --mem-path=/dev/zero --size=4K --no-share --quiet
that "a device under /dev is not a tmpfs file: no warning ($rc)" '[ $rc = 0 ] && [ ! -s "$T/err" ]'

# ------------------------------------------- no leftovers after a failure

mkdir "$T/left"
run --object memory-backend-file,id=a,size=1M,mem-path="$T/left/a" --object memory-backend-ram,id=b,size=1P
# (under valgrind the 1 PiB mapping fails otherwise: status 3)
that "a later region the kernel refuses: status 2 ($rc)" '[ $rc = 2 ] || { instrumented && [ $rc = 3 ]; }'
check "a later region the kernel refuses: the earlier region's file is gone ($(ls -A "$T/left"))" [ -z "$(ls -A "$T/left")" ]
run --object memory-backend-file,id=a,size=1M,mem-path="$T/left/a" \
	--object memory-backend-file,id=b,size=1M,mem-path="$T/left/no/such/dir/b"
that "a later bad mem-path: status 1, nothing made ($rc, $(ls -A "$T/left"))" '[ $rc = 1 ] && [ -z "$(ls -A "$T/left")" ]'
run --object memory-backend-file,id=a,size=1M,mem-path="$T/left/a" --quiet
that "a run that succeeds keeps the file it made for the user ($rc)" '[ $rc = 0 ] && [ -f "$T/left/a" ]'

# ---------------------------------------------------------- descriptors

(
	ulimit -n 64
	"$NUMAMEM" --backend=memfd --size=1M --fd=100 -- true 2>"$T/err"
	echo $? >"$T/rc"
)
rc=$(cat "$T/rc")
that "--fd above the descriptor limit: refused before allocating, 125 ($rc)" \
	'[ "$rc" = 125 ] && grep -q "above this process.s limit of [0-9]* descriptors" "$T/err"'

# ------------------------------------------------------------ many regions

n=300
objs=
i=0
while [ $i -lt $n ]; do
	objs="$objs --object memory-backend-memfd,id=region-number-$i,size=4K"
	i=$((i + 1))
done
# shellcheck disable=SC2086
out=$("$NUMAMEM" $objs -- sh -c 'echo "$NUMAMEM_REGIONS"' 2>"$T/err")
check "$n regions: NUMAMEM_REGIONS names every one ($(echo "$out" | wc -w))" [ "$(echo "$out" | wc -w)" = $n ]
check "$n regions: the last one is whole" [ "${out##* }" = "region-number-$((n - 1))" ]

# 10,000 regions: every path linear in the number of regions (an
# instrumented numamem takes fewer: it is 20-50 times slower)
n=10000
instrumented && n=1000
i=0
: >"$T/args"
while [ $i -lt $n ]; do
	echo "--object memory-backend-ram,id=r$i,size=4K"
	i=$((i + 1))
done >"$T/args"
# shellcheck disable=SC2046
"$NUMAMEM" $(cat "$T/args") -- sh -c 'echo "$NUMAMEM_REGIONS"' >"$T/out" 2>"$T/err"
rc=$?
check "$n --object regions and a COMMAND: status 0 ($rc)" [ $rc = 0 ]
check "$n --object regions: COMMAND hears of each ($(wc -w <"$T/out"))" [ "$(wc -w <"$T/out")" = $n ]
# shellcheck disable=SC2046
"$NUMAMEM" --json $(cat "$T/args") >"$T/out" 2>"$T/err"
rc=$?
check "$n --object regions reported: status 0 ($rc)" [ $rc = 0 ]
check "$n --object regions: each reported ($(grep -o '"id":' "$T/out" | wc -l))" [ "$(grep -o '"id":' "$T/out" | wc -l)" = $n ]

# ------------------------------------------------- the last partial page

run --size=5000 --prealloc --json
that "--size=5000 --prealloc: every byte present, the last partial page too ($(json_get present_bytes))" \
	'[ $rc = 0 ] && [ "$(json_get present_bytes)" = 5000 ] && [ "$(json_get not_present_bytes)" = 0 ]'
run --size=5000 --json
that "--size=5000 without prealloc: every byte absent ($(json_get not_present_bytes))" \
	'[ $rc = 0 ] && [ "$(json_get present_bytes)" = 0 ] && [ "$(json_get not_present_bytes)" = 5000 ]'

done_testing
