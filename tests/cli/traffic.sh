#!/bin/sh
# --traffic: a bandwidth line a second for each held region, in text and
# JSON (validated against schema/numamem-traffic.schema.json); the
# threads keep going while control commands grow, add and delete regions.
# Shape and sanity only: this machine's speed is not asserted.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"

# lines N: $T/out has N lines or more
lines() {
	[ -e "$T/out" ] && [ "$(wc -l <"$T/out")" -ge "$1" ]
}

# (held until two lines are out, not for 2.5 s: a main loop that wakes
# late on a loaded machine writes the line of second 3 too)
rm -f "$T/out" # the waits below read files the background numamem makes
"$NUMAMEM" --object memory-backend-ram,id=a,size=8M,prealloc=on --object memory-backend-memfd,id=b,size=8M,prealloc=on \
	--hold --traffic=read,threads=2 -q >"$T/out" 2>"$T/err" &
p=$!
check "text: two lines (within 30 s)" wait_for 30 lines 2
kill -TERM $p
wait $p
rc=$?
check "text: SIGTERM ends the hold with 0 ($rc)" [ $rc = 0 ]
check "text: each line names both regions with a rate" \
	sh -c "! grep -v '^traffic read [0-9.]*s: a [0-9.]* MB/s b [0-9.]* MB/s\$' '$T/out'"
check "text: nothing on stderr" [ ! -s "$T/err" ]

# moved ID N: at least N bandwidth lines in $T/all where region ID (the
# first listed) moved more than 4 MiB.  More than a chunk (2 MiB) for
# each of up to two threads: a thread stopped for good still adds the
# chunk it was in to the line after, never more.
moved() {
	[ -e "$T/all" ] && awk -v id="$1" -v n="$2" '
		/^{"version":[0-9]+,"kind":"traffic"/ && match($0, "\"regions\":\\[{\"id\":\"" id "\",\"bytes\":[0-9]+") {
			b = substr($0, RSTART, RLENGTH); sub(/.*:/, "", b); if (b + 0 > 4194304) c++
		}
		END { exit c < n }' "$T/all"
}

# The threads keep moving bytes, line after line.  Not "every one-second
# line is non-zero": on a loaded machine a thread pinned to CPU 0 can be
# off it for a whole second, and then its line says 0 bytes, truly.  So
# the hold lasts until two lines have bytes in m0 (bounded: 30 s), and
# every line must be well-formed, numbered 1, 2, ... with a byte count.
for mode in read write copy; do
	rm -f "$T/all"
	"$NUMAMEM" --size=8M --prealloc --hold --traffic=$mode,cpus=0 --json >"$T/all" 2>"$T/err" &
	p=$!
	check "$mode: more than 4 MiB moved in m0 in each of two one-second lines (within 30 s)" wait_for 30 moved m0 2
	kill -TERM $p
	wait $p
	rc=$?
	grep '^{"version":[0-9]*,"kind":"traffic"' "$T/all" >"$T/out"
	unheader <"$T/out" >"$T/bare"
	check "$mode: SIGTERM ends the hold with 0 ($rc), the report first" \
		sh -c "[ $rc = 0 ] && head -n 1 '$T/all' | grep -q '^{\"version\":2,\"kind\":\"report\"'"
	check "$mode: every line is $mode, m0 alone with a byte count, numbered 1 to $(wc -l <"$T/out")" \
		awk -v mode="$mode" '{ n++ }
			$0 !~ "^{\"mode\":\"" mode "\",\"seq\":" n ",\"elapsed_ms\":[0-9.]+,\"threads\":1,\"regions\":\\[{\"id\":\"m0\",\"bytes\":[0-9]+,\"bytes_per_sec\":[0-9]+}\\]}$" { bad = 1 }
			END { exit bad || n < 2 }' "$T/bare"
	if "$PY" -c 'import jsonschema' 2>/dev/null; then
		check "$mode: the lines validate" "$PY" "$VALIDATE" "$top_srcdir/schema" numamem-traffic.schema.json --strict <"$T/out"
	else
		skip "$mode: the lines validate (python3-jsonschema missing)"
	fi
done

# x_moved: after the fourth ok answer (del m0), a line where x, alone,
# moved more than 4 MiB (see moved)
x_moved() {
	[ -e "$T/all" ] && awk '/^{"version":[0-9]+,"kind":"control".*,"ok":/ { n++; next }
		n >= 4 && /^{"version":[0-9]+,"kind":"traffic"/ && /"regions":\[{"id":"x","bytes":[0-9]+,[^{]*}\]}$/ {
			b = $0; sub(/.*"bytes":/, "", b); sub(/,.*/, "", b); if (b + 0 > 4194304) f = 1
		}
		END { exit !f }' "$T/all"
}

# commands change the regions under the threads; the hold lasts until x,
# alone after del m0, got traffic in a line (bounded: 30 s)
rm -f "$T/all"
"$NUMAMEM" --size=8M --prealloc --hold --traffic=write,threads=2 --json -q \
	--at=0.3s:"set m0 size=16M" --at=0.6s:"add memory-backend-ram,id=x,size=4M" --at=0.9s:"set m0 size=2M" \
	--at=1.2s:"del m0" >"$T/all" 2>"$T/err" &
p=$!
check "after set, add, set, del: x alone got more than 4 MiB in a line (within 30 s)" wait_for 30 x_moved
kill -TERM $p
wait $p
rc=$?
check "write with set, add, del under it: status 0 ($rc), four ok answers" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '^{\"version\":[0-9]*,\"kind\":\"control\".*,\"ok\":' '$T/all') = 4 ]"
check "every line after del m0 has x alone" \
	awk '/^{"version":[0-9]+,"kind":"control".*,"ok":/ { n++; next } n >= 4 && /^{"version":[0-9]+,"kind":"traffic"/ { seen = 1; if ($0 !~ /"regions":\[{"id":"x","bytes":[0-9]+,[^{]*}\]}$/) bad = 1 }
		END { exit bad || !seen }' "$T/all"
done_testing
