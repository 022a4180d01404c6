#!/bin/sh
# The red-team issue's defects (issue 20), each shown fixed: every JSON
# document valid UTF-8 whatever bytes come from outside (control answers,
# a message cut at 1024 bytes, --pid, the workload and --trace); set
# keeping the mode flags and weights it did not name; a bound region set
# back to policy default or local.  Witnesses: python3 decoding strictly,
# and the holder's /proc/PID/numa_maps.
. "$(dirname "$0")/lib.sh"

S=$T/ctl.sock
PY=/usr/bin/python3
first=$(mem_nodes | awk '{ print $1 }')

if ! "$PY" -c 'import json' 2>/dev/null; then
	echo "1..0 # SKIP python3 missing"
	exit 0
fi

# unhold: quit the holder and wait for it
unhold() {
	"$NUMAMEM" --connect="$S" quit >/dev/null 2>&1
	wait "$holder"
}

# utf8_json FILE [PYTHON]: every line of FILE is JSON from bytes decoded
# strictly as UTF-8; then PYTHON, if given, holds for the documents d
utf8_json() {
	"$PY" - "$1" "${2:-True}" <<'X' >"$T/why" 2>&1
import json, sys
d = [json.loads(line.decode("utf-8")) for line in open(sys.argv[1], "rb").read().splitlines()]
sys.exit(0 if d and eval(sys.argv[2]) else 1)
X
}

# check_json DESC FILE [PYTHON]: utf8_json as a test, the reason shown
check_json() {
	if utf8_json "$2" "${3:-True}"; then
		ok "$1"
	else
		not_ok "$1"
		diag "$(cat "$T/why")" "$(head -c 600 "$2")"
	fi
}

# policy_word ADDRESS: the policy numa_maps shows for the holder's mapping
policy_word() {
	numa_maps_line "$holder" "$1" | awk '{ print $2 }'
}

# address: the region's address in the last answer
address() {
	tail -n 1 "$T/ans" | grep -o '"address":"0x[0-9a-f]*"' | head -n 1 | cut -d'"' -f4
}

# set_shows CMD WANT: CMD sent; the holder's numa_maps shows policy WANT
# for the region of the answer
set_shows() {
	control_send "$1"
	got=$(policy_word "$(address)")
	check "$1: numa_maps says $2 (got '$got', status $rc)" [ "$got" = "$2" ]
}

# 1. valid UTF-8 in every JSON document
if control_hold --size=2M; then
	control_each "$(printf 'bogus\377')" "$(printf 'set zz\377 size=1M')" "$(printf 'del m\377')"
	check "commands with byte 0xff: three error answers (status 6)" \
		sh -c "[ $rc = 6 ] && [ \$(grep -c ',\"error\":' '$T/ans') = 3 ]"
	check_json "an answer echoing byte 0xff is valid UTF-8, the byte U+FFFD" \
		"$T/ans" 'd[0]["error"].startswith("unknown command '"'bogus\\ufffd'"'") and d[1]["error"] == "no region has id '"'zz\\ufffd'"'" and d[2]["error"] == "no region has id '"'m\\ufffd'"'"'
	# "no region has id '" is 18 bytes: 1023 bytes end in the middle of an é
	long=$("$PY" -c 'print("\u00e9" * 600)')
	control_send "set $long size=1M"
	check_json "an error cut at 1024 bytes is valid UTF-8, cut before the character (1022 bytes, no U+FFFD)" \
		"$T/ans" 'len(d[0]["error"].encode()) == 1022 and "\ufffd" not in d[0]["error"] and ("no region has id '"'"'" + "\u00e9" * 600).startswith(d[0]["error"])'
	unhold
else
	not_ok "hold with a control socket starts"
	diag "$(cat "$T/hold.err")"
fi

# a process named with byte 0xff: comm and the file name of its mapping
name=$(printf 'sl\377ep')
cp /bin/sleep "$T/$name"
"$T/$name" 60 &
sleeper=$!
comm_is_name() { [ "$(cat /proc/$sleeper/comm 2>/dev/null)" = "$name" ]; }
check "the process's comm holds byte 0xff" wait_for 10 comm_is_name
run --pid="$sleeper" --json
check "--pid --json of it: status 0 (got $rc)" [ "$rc" = 0 ]
check_json "--pid --json: valid UTF-8, comm and the mapping's file name with U+FFFD" \
	"$T/out" 'd[0]["process"]["comm"] == "sl\ufffdep" and any(m["name"].endswith("/sl\ufffdep") for m in d[0]["process"]["mappings"])'
kill "$sleeper"
wait "$sleeper" 2>/dev/null
"$NUMAMEM" --size=1M --json --trace="$T/trace" -- "$T/$name" 0 >"$T/out" 2>"$T/err"
rc=$?
check "the workload named with byte 0xff: status 0 (got $rc)" [ "$rc" = 0 ]
check_json "the workload's --json: valid UTF-8, its command with U+FFFD" \
	"$T/out" 'd[-1]["workload"]["command"].endswith("/sl\ufffdep")'
check_json "its --trace lines: valid UTF-8, the command with U+FFFD" \
	"$T/trace" 'd[0]["command"].endswith("/sl\ufffdep")'

# 2. set keeps what it did not name: mode flags and weights
ram=memory-backend-ram
if control_hold --object $ram,id=s,size=4M,policy=bind,host-nodes=$first,static-nodes=on \
	--object $ram,id=r,size=4M,policy=bind,host-nodes=$first,relative-nodes=on \
	--object $ram,id=b,size=4M,policy=bind,host-nodes=$first,numa-balancing=on \
	--object $ram,id=w,size=4M,policy=interleave,host-nodes=$first,weights=$first:1; then
	set_shows "set s policy=interleave,host-nodes=$first" "interleave=static:$first"
	check_json "set s: the kernel's flags are the region's (static-nodes)" "$T/ans" \
		'd[0]["ok"]["region"]["mode_flags"] == d[0]["ok"]["region"]["kernel_mode_flags"] == ["static-nodes"]'
	set_shows "set r policy=interleave,host-nodes=$first" "interleave=relative:$first"
	set_shows "set b host-nodes=$first" "bind=balancing:$first"
	check_json "set b: the kernel's flags are the region's (numa-balancing)" "$T/ans" \
		'd[0]["ok"]["region"]["mode_flags"] == d[0]["ok"]["region"]["kernel_mode_flags"] == ["numa-balancing"]'
	# weights: numamem's stripes, bound with bind
	set_shows "set w policy=interleave,host-nodes=$first" "bind:$first"
	check_json "set w: the report's weights are what the kernel has (kernel_policy bind)" "$T/ans" \
		'd[0]["ok"]["region"]["weights"]["source"] == "numamem" and d[0]["ok"]["region"]["kernel_policy"] == "bind"'
	cat >"$T/want" <<'X'
{"error":"region 's': static-nodes needs a policy with host-nodes, not 'default'"}
X
	control_send 'set s policy=default'
	unheader <"$T/ans" >"$T/ans.bare"
	check "set s policy=default: refused, static-nodes stays (status 6)" \
		sh -c "[ $rc = 6 ] && cmp -s '$T/want' '$T/ans.bare'"
	unhold
else
	not_ok "hold with mode flags and weights starts"
	diag "$(cat "$T/hold.err")"
fi

# 3. a bound region set back to policy default or local
if control_hold --object $ram,id=m0,size=4M,policy=bind,host-nodes=$first,prealloc=on; then
	set_shows 'set m0 policy=default' default
	check_json "the answer: policy default, no host-nodes, nothing moved, kernel_policy default" "$T/ans" \
		'd[0]["ok"]["region"]["policy"] == "default" and d[0]["ok"]["region"]["host_nodes"] == [] and d[0]["ok"]["migration"]["moved_bytes"] == 0 and d[0]["ok"]["region"]["kernel_policy"] == "default"'
	set_shows "set m0 policy=bind,host-nodes=$first" "bind:$first"
	set_shows 'set m0 policy=local' local
	check_json "the answer: policy local, no host-nodes" "$T/ans" \
		'd[0]["ok"]["region"]["policy"] == "local" and d[0]["ok"]["region"]["host_nodes"] == []'
	cat >"$T/want" <<'X'
{"error":"region 'm0': host-nodes must be empty for policy 'default'; choose another policy or drop host-nodes"}
X
	control_send "set m0 policy=default,host-nodes=$first"
	unheader <"$T/ans" >"$T/ans.bare"
	check "policy=default with host-nodes named is still refused (status 6)" \
		sh -c "[ $rc = 6 ] && cmp -s '$T/want' '$T/ans.bare'"
	unhold
else
	not_ok "hold with a bound region starts"
	diag "$(cat "$T/hold.err")"
fi

done_testing
