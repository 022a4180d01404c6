#!/bin/sh
# The report's verdict (issue 26): every report, text and JSON, ends with
# the verdict of the whole, pass, fail or none, and its reason; a
# --verify that judged nothing (no page present) exits 0 with a warning
# on stderr, never a silent pass.  The witness of "nothing to judge" and
# of "pages to judge" is the holder's own /proc/PID/numa_maps: the same
# region held with --hold, its pages counted there.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
first=$(mem_nodes | awk '{ print $1 }')

# verdict EXPR: $T/out is one JSON document whose "verdict" v makes EXPR true
verdict() {
	"$PY" -c 'import json, sys; v = json.load(open(sys.argv[1]))["verdict"]; sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$T/out" "$1" 2>/dev/null
}

# present ARGS...: the pages the region of ARGS has once complete, as
# the holder's numa_maps counts them (N<node>=pages summed)
present() {
	hold_region "$@" || { echo missing; return; }
	addr=$(json_get address)
	numa_maps_line "$pid" "$addr" | tr ' ' '\n' | awk -F= '/^N[0-9]+=/ { s += $2 } END { print s + 0 }'
	release
}

n=$(present --size=8M --policy=bind --host-nodes="$first")
check "without --prealloc the region has no page present (numa_maps: $n)" [ "$n" = 0 ]
run --size=8M --policy=bind --host-nodes="$first" --verify --json
check "--verify, nothing present: status 0 ($rc)" [ $rc = 0 ]
check "--verify, nothing present: verdict none, the region named in the reason" \
	verdict "v['result'] == 'none' and \"region 'm0'\" in v['reason'] and 'no page is present' in v['reason']"
check "--verify, nothing present: one warning on stderr ($(cat "$T/err"))" \
	[ "$(cat "$T/err")" = "numamem: warning: --verify judged nothing: region 'm0' (bind): no page is present (--prealloc populates a region)" ]
run --size=8M --policy=bind --host-nodes="$first" --verify
check "--verify, nothing present, text: the last line the verdict, none" \
	sh -c "[ $rc = 0 ] && tail -n 1 '$T/out' | grep -q \"^verdict: none (nothing judged: region 'm0' (bind): no page is present\""

n=$(present --size=8M --policy=bind --host-nodes="$first" --prealloc)
check "with --prealloc every page is present (numa_maps: $n pages)" [ "$n" -ge 2048 ]
run --size=8M --policy=bind --host-nodes="$first" --prealloc --verify --json
check "--verify, pages present on the bound node: status 0 ($rc), verdict pass" \
	sh -c "[ $rc = 0 ] && [ ! -s '$T/err' ]"
check "--verify, pages present: verdict pass, one judged" verdict "v == {'result': 'pass', 'reason': '1 judged, each keeps its policy'}"
run --size=8M --policy=bind --host-nodes="$first" --prealloc --verify
check "--verify, pages present, text: last line 'verdict: pass (1 judged, each keeps its policy)'" \
	[ "$(tail -n 1 "$T/out")" = "verdict: pass (1 judged, each keeps its policy)" ]

run --size=4M --prealloc --json
check "no --verify: verdict none, --verify was not given; no warning" \
	sh -c "[ $rc = 0 ] && [ ! -s '$T/err' ] && $PY -c 'import json; v = json.load(open(\"$T/out\"))[\"verdict\"]; assert v == {\"result\": \"none\", \"reason\": \"nothing judged: --verify was not given\"}'"

# COMMAND: the regions and COMMAND's memory judged together
run --size=4M --verify --json -- true
check "COMMAND, nothing present, no policy of its own: status 0 ($rc), none, one warning" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '^numamem' '$T/err') = 1 ] && grep -q '^numamem: warning: --verify judged nothing: ' '$T/err'"
check "COMMAND, nothing judged: verdict none" verdict "v['result'] == 'none'"
run --size=4M --prealloc --verify --json -m "$first" -- true
check "COMMAND with --membind and a preallocated region: verdict pass ($rc)" \
	sh -c "[ $rc = 0 ] && ! grep -q '^numamem' '$T/err' && $PY -c 'import json; assert json.load(open(\"$T/out\"))[\"verdict\"][\"result\"] == \"pass\"'"

# --pid's report too
run --pid=$$ --json
check "--pid --json: a verdict, none without --verify" verdict "v['result'] == 'none'"
run --pid=$$
check "--pid, text: the verdict the last line" sh -c "tail -n 1 '$T/out' | grep -q '^verdict: none '"

done_testing
