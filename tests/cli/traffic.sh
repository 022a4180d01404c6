#!/bin/sh
# --traffic: a bandwidth line a second for each held region, in text and
# JSON (validated against schema/numamem-traffic.schema.json); the
# threads keep going while control commands grow, add and delete regions.
# Shape and sanity only: this machine's speed is not asserted.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"

run --object memory-backend-ram,id=a,size=8M,prealloc=on --object memory-backend-memfd,id=b,size=8M,prealloc=on \
	--hold=2.5s --traffic=read,threads=2 -q
check "text: status 0, two lines" sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/out') = 2 ]"
check "text: each line names both regions with a rate" \
	sh -c "! grep -v '^traffic read [0-9.]*s: a [0-9.]* MB/s b [0-9.]* MB/s\$' '$T/out'"
check "text: nothing on stderr" [ ! -s "$T/err" ]

for mode in read write copy; do
	"$NUMAMEM" --size=8M --prealloc --hold=2.5s --traffic=$mode,cpus=0 --json >"$T/all" 2>"$T/err"
	rc=$?
	grep '^{"traffic"' "$T/all" >"$T/out"
	check "$mode: status 0, two JSON lines after the report" \
		sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/out') = 2 ] && head -n 1 '$T/all' | grep -q '^{\"version\":1'"
	check "$mode: every line moved bytes in m0" \
		sh -c "! grep -v '\"traffic\":\"$mode\",\"seq\":[12],.*\"regions\":\\[{\"id\":\"m0\",\"bytes\":[1-9][0-9]*,' '$T/out'"
	if "$PY" -c 'import jsonschema' 2>/dev/null; then
		check "$mode: the lines validate" "$PY" "$VALIDATE" "$top_srcdir/schema" numamem-traffic.schema.json --strict <"$T/out"
	else
		skip "$mode: the lines validate (python3-jsonschema missing)"
	fi
done

# commands change the regions under the threads
"$NUMAMEM" --size=8M --prealloc --hold=2.5s --traffic=write,threads=2 --json -q \
	--at=0.3s:"set m0 size=16M" --at=0.6s:"add memory-backend-ram,id=x,size=4M" --at=0.9s:"set m0 size=2M" \
	--at=1.2s:"del m0" >"$T/all" 2>"$T/err"
rc=$?
check "write with set, add, del under it: status 0, four ok answers" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '^{\"ok\"' '$T/all') = 4 ]"
check "the last line has x alone, which got traffic" \
	sh -c "grep '^{\"traffic\"' '$T/all' | tail -n 1 | grep -q '\"regions\":\\[{\"id\":\"x\",\"bytes\":[1-9][0-9]*,[^{]*}\\]}\$'"
done_testing
