#!/bin/sh
# COMMAND's own memory: numamem watches the command's tree and reports
# its anonymous memory per node (peak, at exit, over time), checked
# against the workload's numa_maps read independently while it holds.
. "$(dirname "$0")/lib.sh"

first=$(mem_nodes | awk '{ print $1 }')
M64=67108864

# anon_bytes PID NODE: anonymous (not file=) bytes on NODE in numa_maps
anon_bytes() {
	awk -v node="N$2" '
		!/ file=/ {
			kb = 4
			for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); kb = a[2] }
			for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == node) sum += a[2] * kb * 1024 }
		}
		END { printf "%d\n", sum }' "/proc/$1/numa_maps"
}

# workload OPTION...: numamem OPTION... -- touchfd hold 64M; the witness
# reads the workload's numa_maps once it has touched its memory, then,
# after 1.5 s of watching, lets it exit.  Sets rc and witness.
workload() {
	rm -f "$T/ready"
	"$NUMAMEM" --size=1M "$@" -- "$TOUCHFD" hold $M64 "$T/ready" >"$T/out" 2>"$T/err" &
	p=$!
	witness=missing
	if wait_for 30 [ -e "$T/ready" ]; then
		wpid=$(sed -n 's/^ready //p' "$T/ready")
		witness=$(anon_bytes "$wpid" "$first")
		# kept: not a wait for a condition but the watching itself, time on
		# purpose (samples over time for --trace and the --report chart)
		sleep 1.5
		rm -f "$T/ready"
	fi
	wait "$p"
	rc=$?
}

# close A B: A and B within 1 MiB (the stack and libc move a few pages)
close() {
	[ "$1" -ge 0 ] 2>/dev/null && [ "$2" -ge 0 ] 2>/dev/null &&
		[ $(( $1 > $2 ? $1 - $2 : $2 - $1 )) -le 1048576 ]
}

workload --json --trace="$T/trace" --membind="$first" --verify
peak=$(sed -n "s/.*\"peak_node_bytes\":{\"$first\":\([0-9]*\).*/\1/p" "$T/out")
at_exit=$(sed -n "s/.*\"exit_node_bytes\":{\"$first\":\([0-9]*\).*/\1/p" "$T/out")
check "--json: exit status 0 (got $rc)" [ "$rc" = 0 ]
check "--json: the workload's 64 MiB and more seen by the witness ($witness)" [ "$witness" -ge $M64 ]
check "--json: peak on node $first ($peak) is what numa_maps said ($witness)" close "$peak" "$witness"
check "--json: at exit on node $first ($at_exit) is what numa_maps said ($witness)" close "$at_exit" "$witness"
check "--json: mechanism numa_maps, one process, policy bind" \
	grep -q '"mechanism":"numa_maps".*"processes":1,.*"policy":"bind","verify":"pass"' "$T/out"
check "--json: one document, after the workload" [ "$(wc -l <"$T/out")" = 1 ]
check "--trace: a header, then samples" \
	sh -c "head -1 '$T/trace' | grep -q '^{\"version\":2,\"kind\":\"trace\",' && [ \$(grep -c '^{\"version\":2,\"kind\":\"trace-sample\",' '$T/trace') -ge 2 ]"
tpeak=$(sed -n "s/.*\"node_bytes\":{\"$first\":\([0-9]*\).*/\1/p" "$T/trace" | sort -n | tail -1)
check "--trace: its largest sample ($tpeak) is the peak ($peak)" [ "$tpeak" = "$peak" ]

# the chart in block characters where the locale is UTF-8, in ASCII where
# it is not (a batch job's LC_ALL=C)
export LC_ALL=C.UTF-8
workload --report
check "--report: exit status 0 (got $rc)" [ "$rc" = 0 ]
check "--report: the region, then the command" \
	sh -c "grep -q '^region m0:' '$T/out' && grep -q '^command $TOUCHFD (pid [0-9]*): 1 process, ' '$T/out'"
check "--report (C.UTF-8): a chart row for node $first in blocks, with its peak" \
	grep -q "^  node $first .*[▁▂▃▄▅▆▇█].*  peak 64\.[0-9]* MiB, at exit 64\.[0-9]* MiB$" "$T/out"
check "--report: no verdict without --verify" sh -c "! grep -q verify: '$T/out'"
export LC_ALL=C
workload --report
check "--report (LC_ALL=C): exit status 0 (got $rc)" [ "$rc" = 0 ]
check "--report (LC_ALL=C): a chart row for node $first in ASCII, with its peak" \
	grep -q "^  node $first [ .:=+*#@-]*[.:=+*#@-][ .:=+*#@-]*  peak 64\.[0-9]* MiB, at exit 64\.[0-9]* MiB$" "$T/out"
check "--report (LC_ALL=C): the whole report is ASCII" sh -c "! LC_ALL=C grep -q '[^ -~]' '$T/out'"
unset LC_ALL

# --verify alone: no report; without a policy of its own, nothing to judge
workload --verify
check "--verify without a policy: exit 0 (got $rc), nothing printed" \
	sh -c "[ $rc = 0 ] && [ ! -s '$T/out' ]"

# The command's own status stays numamem's
"$NUMAMEM" --size=1M --json -- sh -c 'exit 3' >"$T/out" 2>"$T/err"
rc=$?
check "--json: the command's status 3 is numamem's (got $rc)" [ "$rc" = 3 ]
check "--json: a short command still gets its workload object" grep -q '"workload":{"command_pid":' "$T/out"

# Refused before anything is allocated
mkfifo "$T/fifo"
# (a COMMAND was asked for and never ran: 125, as env(1) does)
for args in "--trace=$T" "--trace=$T/fifo" "--trace=$T/no/such/dir/t" "--report" "--trace=$T/t"; do
	case $args in --report|"--trace=$T/t") cmd= want=1 ;; *) cmd="-- true" want=125 ;; esac
	# shellcheck disable=SC2086
	timeout 10 "$NUMAMEM" --size=1M $args $cmd >"$T/out" 2>"$T/err" # a FIFO would block, not fail
	rc=$?
	check "refused: $args ${cmd:+$cmd }(status $rc: $(head -1 "$T/err"))" \
		sh -c "[ $rc = $want ] && grep -q '^numamem: ' '$T/err' && [ ! -s '$T/out' ]"
done
check "refused: the FIFO is left alone" [ -p "$T/fifo" ]
# a file of the user's is never written over (it was truncated once)
echo "the user's own data" >"$T/mine"
"$NUMAMEM" --size=1M --trace="$T/mine" -- true >"$T/out" 2>"$T/err"
rc=$?
check "--trace over an existing file: refused, 125 ($rc), one line naming it" \
	sh -c "[ $rc = 125 ] && [ \"\$(cat '$T/err')\" = \"numamem: invalid trace '$T/mine': it exists (a file), and numamem never writes over a file\" ]"
check "--trace over an existing file: the file as it was" [ "$(cat "$T/mine")" = "the user's own data" ]
# every write fails (ulimit -f 0, SIGXFSZ ignored: EFBIG): status 5, no
# half-made trace left behind
# (its messages through a pipe, which the limit does not touch)
{ (trap '' XFSZ; ulimit -f 0; exec "$NUMAMEM" --backend=ram --size=1M --trace="$T/t0" -- true 2>&1); echo $? >"$T/rc"; } |
	cat >"$T/err"
rc=$(cat "$T/rc")
check "--trace that cannot be written: status 5 ($rc), one line" \
	sh -c "[ $rc = 5 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q \"cannot write trace '$T/t0'\" '$T/err'"
check "--trace that cannot be written: removed" [ ! -e "$T/t0" ]

done_testing
