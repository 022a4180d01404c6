#!/bin/sh
# The control protocol of a held run, as transcripts over its socket:
# each command sent with --connect, each answer one JSON line, errors
# compared exactly; the socket made with the caller's umask and removed
# at every exit; --control=stdio; the --at schedule.  Answers validate
# against schema/numamem-control.schema.json when python3-jsonschema is
# there.
. "$(dirname "$0")/lib.sh"

S=$T/ctl.sock
PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"
have_schema=false
"$PY" -c 'import jsonschema' 2>/dev/null && have_schema=true

# shape: each answer as "ok COMMAND" or its error line, for transcripts
shape() {
	unheader <"$T/ans" | sed -e 's/^{"ok":{"command":"\([a-z]*\)".*/ok \1/' -e 's/^{"error":"\(.*\)"}$/error \1/'
}

valid_answers() {
	if ! $have_schema; then
		skip "$1 (python3-jsonschema missing)"
	elif "$PY" "$VALIDATE" "$top_srcdir/schema" numamem-control.schema.json --strict <"$T/ans" >"$T/why" 2>&1; then
		ok "$1"
	else
		not_ok "$1"
		diag "$(cat "$T/why")"
	fi
}

# field NAME: the first number NAME has in the last answer
field() {
	tail -n 1 "$T/ans" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2
}

umask 077
check "hold with a control socket starts" control_hold --size=4M --prealloc
check "the socket exists once ready" [ -S "$S" ]
check "made with the caller's umask (077)" [ "$(stat -c %a "$S")" = 700 ]
umask 022

control_each query 'set m0 size=8M' 'set m0 size=2M' \
	'add memory-backend-memfd,id=m1,size=2M,seal=off,prealloc=on' 'set m1 size=4M' 'del m1' query
cat >"$T/want" <<'X'
ok query
ok set
ok set
ok add
ok set
ok del
ok query
X
shape >"$T/got"
check "transcript: query, grow, shrink, add, grow the added, del, query (status 0)" \
	sh -c "[ $rc = 0 ] && cmp -s '$T/want' '$T/got'"
[ "$rc" = 0 ] && cmp -s "$T/want" "$T/got" || diag "$(cat "$T/got")" "$(cat "$T/cerr")"
valid_answers "every ok answer validates"
check "grow: 8M, all present (prealloc on the new part too)" \
	sh -c "sed -n 2p '$T/ans' | grep -q '\"resize\":{\"old_size\":4194304,\"size\":8388608,.*\"present_bytes\":8388608,\"not_present_bytes\":0'"
check "shrink: 2M" sh -c "sed -n 3p '$T/ans' | grep -q '\"resize\":{\"old_size\":8388608,\"size\":2097152'"
check "after del the report has m0 alone" \
	sh -c "tail -n 1 '$T/ans' | grep -q '\"regions\":\\[{\"id\":\"m0\"' && ! tail -n 1 '$T/ans' | grep -q '\"m1\"'"

# refused commands: one error line each, nothing changes, status 6
cat >"$T/want" <<X
error unknown command 'bogus': expected add, del, set, query or quit
error no region has id 'zz'
error del needs a region id
error set needs a region id and properties: set ID prop=value,...
error property 'mem-path' of region 'm0' cannot change while it is held
error memory-backend-ram has no property 'colour'
error 'share' is not key=value: write share=on
error '1' is not key=value: write host-nodes=1 for another value (or a range such as host-nodes=0-3)
error size '0' of region 'm0': a region needs a size above zero
error invalid size '4Q': expected a number with an optional K, M, G, T, P or E suffix (a fraction needs one), or 0x and hex digits
error region 'm0': policy 'bind' needs host-nodes
error region 'm0': host-nodes must be empty for policy 'default'; choose another policy or drop host-nodes
error host-nodes '127' of region 'm0': node 127 does not exist
error duplicate id 'm0'
error region 'x': parameter 'size' is missing
error add 'thread-context,id=t,cpu-affinity=0': only a memory-backend-* object can be added
error invalid --object type 'memory-backend-disk': expected memory-backend-ram, -memfd, -file, -shm or thread-context
error add needs an object: memory-backend-KIND,id=ID,size=SIZE,...
error query takes nothing, not 'now'
error quit takes nothing, not 'now'
ok add
error region 's': its memfd is sealed against resizing (seal=on); add it with seal=off to resize it
ok del
ok add
error region 'f': mem-path '$T/user-file' is a file numamem did not create: it is never resized
ok del
ok query
X
: >"$T/user-file"
truncate -s 1M "$T/user-file"
control_each 'bogus' 'del zz' 'del' 'set m0' 'set m0 mem-path=/x' 'set m0 colour=red' 'set m0 share' \
	'set m0 policy=bind,host-nodes=0,1' 'set m0 size=0' \
	'set m0 size=4Q' 'set m0 policy=bind' 'set m0 host-nodes=0' 'set m0 policy=bind,host-nodes=127' \
	'add memory-backend-ram,id=m0,size=1M' 'add memory-backend-ram,id=x' 'add thread-context,id=t,cpu-affinity=0' \
	'add memory-backend-disk,id=d,size=1M' 'add' 'query now' 'quit now' \
	'add memory-backend-memfd,id=s,size=1M' 'set s size=2M' 'del s' \
	"add memory-backend-file,id=f,size=1M,mem-path=$T/user-file" 'set f size=2M' 'del f' query
shape >"$T/got"
check "transcript: refused commands, one error line each, status 6" \
	sh -c "[ $rc = 6 ] && cmp -s '$T/want' '$T/got'"
[ "$rc" = 6 ] && cmp -s "$T/want" "$T/got" || diag "status $rc" "$(diff "$T/want" "$T/got")"
valid_answers "every error answer validates"
check "a refused command changed nothing: m0 is 2M, default, alone" \
	sh -c "tail -n 1 '$T/ans' | grep -q '\"regions\":\\[{\"id\":\"m0\",\"backend\":\"ram\",\"address\":\"[0-9a-fx]*\",\"size\":2097152,.*\"policy\":\"default\"' && [ \$(tail -n 1 '$T/ans' | grep -o '\"id\":' | wc -l) = 1 ]"
check "the user's file was not resized" [ "$(stat -c %s "$T/user-file")" = 1048576 ]
check "nothing on the client's stderr for error answers" [ ! -s "$T/cerr" ]

# policy: bind to the first node with memory moves nothing that is there
first=$(mem_nodes | awk '{ print $1 }')
control_send "set m0 policy=bind,host-nodes=$first"
check "set policy: a migration answer" grep -q '"migration":{"moved_bytes":0,"moved_pages":0,"failed_bytes":0,"failed_pages":0' "$T/ans"
check "set policy: the region is bound" grep -q "\"policy\":\"bind\",\"host_nodes\":\\[$first\\],.*\"kernel_policy\":\"bind\"" "$T/ans"
check "set policy: the holder's numa_maps says bind:$first" \
	sh -c "grep -q ' bind:$first ' /proc/$holder/numa_maps"
valid_answers "the migration answer validates"

# several clients at once: one stays connected while another is served
mkfifo "$T/fifo"
"$NUMAMEM" --connect="$S" <"$T/fifo" >"$T/ans1" 2>&1 &
c1=$!
exec 3>"$T/fifo"
echo query >&3
# the first client is connected (answered) before the second comes
check "the first client is answered" wait_for 10 grep -q '"command":"query"' "$T/ans1"
control_send 'set m0 size=4M'
check "a second client is served while the first stays connected" grep -q '"size":4194304' "$T/ans"
echo 'del m0' >&3
exec 3>&-
wait $c1
check "the first client got both answers, in order" \
	sh -c "[ \$(wc -l <'$T/ans1') = 2 ] && head -n 1 '$T/ans1' | grep -q '\"command\":\"query\"' && tail -n 1 '$T/ans1' | grep -q '\"command\":\"del\"'"

control_send quit
wait $holder
hrc=$?
check "quit: answered, the hold ends with status 0" sh -c "[ $hrc = 0 ] && grep -q ',\"ok\":{\"command\":\"quit\"}}' '$T/ans'"
check "quit: the socket is removed" [ ! -e "$S" ]
check "quit: the ready file is removed" [ ! -e "$T/ready" ]

for sig in INT TERM HUP QUIT; do
	check "SIG$sig: the hold starts" control_hold --size=1M
	kill -"$sig" "$holder"
	wait "$holder"
	hrc=$?
	check "SIG$sig: status 0, the socket removed" sh -c "[ $hrc = 0 ] && [ ! -e '$S' ]"
done

control_send query
check "--connect to no socket: status 2, one line" \
	sh -c "[ $rc = 2 ] && [ ! -s '$T/ans' ] && [ \$(wc -l <'$T/cerr') = 1 ] && grep -q \"^numamem: cannot connect to '$S': \" '$T/cerr'"

# --connect reads standard input when no COMMAND is given
check "a hold for --connect from standard input starts" control_hold --size=1M
printf 'query\n\n# a comment\nset m0 size=2M\n' | "$NUMAMEM" --connect="$S" >"$T/ans" 2>"$T/cerr"
rc=$?
check "--connect: commands from standard input, blank lines and comments skipped" \
	sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/ans') = 2 ]"

# the words after the options are one command, as redis-cli and virsh
# take them; a lone ';' separates commands
control_send set m0 size=4M
unheader <"$T/ans" >"$T/ans.bare"
check "--connect=S set m0 size=4M: one command, one ok answer ($rc)" \
	sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/ans') = 1 ] && grep -q '^{\"ok\":{\"command\":\"set\",\"id\":\"m0\",\"resize\":{\"old_size\":2097152,\"size\":4194304' '$T/ans.bare'"
addr=$(grep -o '"address":"0x[0-9a-f]*"' "$T/ans" | head -n 1 | cut -d'"' -f4)
mapping=$(grep "^${addr#0x}-" "/proc/$holder/maps" | cut -d' ' -f1)
check "the holder's mapping at $addr is 4 MiB now (/proc/$holder/maps: $mapping)" \
	[ "$( [ -n "$addr" ] && [ -n "$mapping" ] && echo $((0x${mapping#*-} - 0x${mapping%-*})))" = 4194304 ]
control_send set m0 'size=2M' ';' query ';' del nope
shape >"$T/got"
printf 'ok set\nok query\nerror no region has id '"'nope'"'\n' >"$T/want"
check "--connect=S set m0 size=2M ';' query ';' del nope: three commands, in order, status 6 ($rc)" \
	sh -c "[ $rc = 6 ] && cmp -s '$T/want' '$T/got'"
for words in "query ;" "; query" "query ; ; quit"; do
	# shellcheck disable=SC2086 # the words, split on purpose
	control_send $words
	check "--connect=S $words: an empty command refused before any is sent (1)" \
		sh -c "[ $rc = 1 ] && [ ! -s '$T/ans' ] && grep -qx \"numamem: an empty command: ';' goes between two commands\" '$T/cerr'"
done
check "... and the hold still has m0 at 2 MiB: nothing was sent" \
	sh -c "\"\$NUMAMEM\" --connect='$S' query | grep -q '\"id\":\"m0\",\"backend\":\"ram\",\"address\":\"[0-9a-fx]*\",\"size\":2097152,'"

# answers for a person on a terminal (script(1) gives one), JSON through
# a pipe or with --json; -q prints no ok answer and an error as a message
if command -v script >/dev/null 2>&1; then
	script -qec "'$NUMAMEM' --connect='$S' set m0 size=4M ';' query ';' del nope" /dev/null | tr -d '\r' >"$T/tty"
	check "a terminal: ok answers as an outline, not JSON" \
		sh -c "grep -q '^ok set id=m0\$' '$T/tty' && grep -q '^  resize: old_size=2097152 size=4194304 ' '$T/tty' && ! grep -q '^{' '$T/tty'"
	check "a terminal: a query's regions as items (- id=m0 ...)" grep -q '^      - id=m0 backend=ram .*size=4194304' "$T/tty"
	check "a terminal: an error answer as error: MESSAGE" grep -qx "error: no region has id 'nope'" "$T/tty"
	check "a terminal: no line wider than 80 columns" sh -c "! grep -q '.\{81\}' '$T/tty'"
	script -qec "'$NUMAMEM' --connect='$S' --json query" /dev/null | tr -d '\r' >"$T/tty"
	unheader <"$T/tty" >"$T/tty.bare"
	check "a terminal with --json: the JSON answer" grep -q '^{"ok":{"command":"query","report":{' "$T/tty.bare"
else
	skip "answers on a terminal: script(1) missing"
fi
"$NUMAMEM" --connect="$S" -q set m0 size=2M ';' del nope >"$T/ans" 2>"$T/cerr"
rc=$?
check "-q: no ok answer printed, the error as one message, status 6 ($rc)" \
	sh -c "[ $rc = 6 ] && [ ! -s '$T/ans' ] && [ \"\$(cat '$T/cerr')\" = \"numamem: 'del nope': no region has id 'nope'\" ]"
kill "$holder"
wait "$holder"

# --control=stdio: answers on stdout; end of input ends the hold
printf 'query\nset m0 size=2M\nset m0 frob=1\n' | "$NUMAMEM" --size=1M --hold --control=stdio -q >"$T/ans" 2>"$T/err"
rc=$?
shape >"$T/got"
printf 'ok query\nok set\nerror memory-backend-ram has no property '"'frob'"'\n' >"$T/want"
check "--control=stdio: a transcript, and end of input ends the hold (status 0)" \
	sh -c "[ $rc = 0 ] && cmp -s '$T/want' '$T/got' && [ ! -s '$T/err' ]"

# --at: in time order whatever the order given; a failed one is status 6
"$NUMAMEM" --size=1M --hold --at=0.2s:quit --at=0.1s:"set m0 size=2M" --at=0:query -q >"$T/ans" 2>"$T/err"
rc=$?
shape >"$T/got"
printf 'ok query\nok set\nok quit\n' >"$T/want"
check "--at: commands in time order, quit ends the hold (status 0)" \
	sh -c "[ $rc = 0 ] && cmp -s '$T/want' '$T/got'"
valid_answers "--at answers validate"
"$NUMAMEM" --size=1M --hold=0.3s --at=0.1s:"del nope" -q >"$T/ans" 2>"$T/err"
rc=$?
unheader <"$T/ans" >"$T/ans.bare"
check "--at: an error answer makes the status 6 when the hold ends" \
	sh -c "[ $rc = 6 ] && grep -qx '{\"error\":\"no region has id '\"'nope'\"'\"}' '$T/ans.bare'"

# a PATH that exists is refused and left alone
: >"$T/taken"
run --size=1M --hold --control=unix:"$T/taken"
check "an existing PATH: refused (1), left in place" sh -c "[ $rc = 1 ] && [ -f '$T/taken' ]"
done_testing
