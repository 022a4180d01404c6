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
check "--json: mechanism cgroup or exit-trace, one process, policy bind" \
	grep -Eq '"mechanism":"(cgroup|exit-trace)".*"exit_trace":true,.*"processes":1,.*"policy":"bind","verify":"pass"' "$T/out"
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

# json_num KEY: the number "KEY":N of $T/out (0 when absent or null)
json_num() {
	v=$(sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p" "$T/out" | head -n 1)
	echo "${v:-0}"
}
M48=50331648
# what a process maps beside its workload: a few pages, or under ASan
# (the helpers are built as numamem is) its shadow memory, a few MiB
SLACK=1048576
instrumented && SLACK=$((16 * 1048576))

# A child that touches 48 MiB and exits at once is never missed: read at
# its exit stop (exit-trace) or charged to COMMAND's cgroup (memory.peak,
# memory.numa_stat at its exit stop), whatever the sampling.  The witness:
# the child's own numa_maps line of its 48 MiB, read by itself before it
# exits.  NUMAMEM_WATCH forces each mechanism; NUMAMEM_WATCH_INTERVAL=60s
# leaves one sample (before exec), so that only the exit reads can see
# the child, however slowly a loaded machine runs it.
burst() {
	rm -f "$T/w"
	NUMAMEM_WATCH=$1 NUMAMEM_WATCH_INTERVAL=60s "$NUMAMEM" --json -- sh -c "\"\$0\" burst $M48 '$T/w'; true" "$TOUCHFD" >"$T/out" 2>"$T/err"
	rc=$?
	wbytes=$(awk '{ for (i = 3; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split($i, a, "="); s += a[2] * 4096 } }
		END { printf "%d\n", s }' "$T/w" 2>/dev/null)
	diag "$1: the child lived $(sed -n 's/^ms=\([0-9]*\).*/\1/p' "$T/w" 2>/dev/null) ms; $(head -c 300 "$T/err")"
}
burst exit-trace
peak=$(json_num peak_bytes)
check "exit-trace: status 0 (got $rc), the witness saw 48 MiB ($wbytes)" sh -c "[ $rc = 0 ] && [ ${wbytes:-0} -ge $M48 ]"
check "exit-trace: the short child's 48 MiB in the peak ($peak >= $wbytes)" [ "$peak" -ge "${wbytes:-1}" ]
check "exit-trace: says so: mechanism, 2 exits read, peak of exits and samples, coverage" \
	sh -c "grep -q '\"mechanism\":\"exit-trace\".*\"exit_trace\":true,\"exit_reads\":2,\"exit_exact\":true,\"peak_source\":\"exits and samples\",\"coverage\":\"every process read at its exit' '$T/out'"
check "exit-trace: counts shared kinds, not the page cache" \
	grep -q '"counted":\["anonymous private","anonymous shared","tmpfs/shm files","hugetlb"\]' "$T/out"
burst sampling
peak=$(json_num peak_bytes)
check "sampling alone misses the same child ($peak < $M48): what the exit reads add" \
	sh -c "[ $rc = 0 ] && [ $peak -lt $M48 ] && grep -q '\"peak_source\":\"samples\"' '$T/out'"
burst cgroup
if [ "$rc" = 125 ] && grep -q 'no cgroup for COMMAND' "$T/err"; then
	skip "cgroup: this host delegates no cgroup v2 memory controller ($(head -1 "$T/err"))"
	skip "cgroup: memory.peak"
	skip "cgroup: the cgroup removed"
else
	peak=$(json_num peak_bytes)
	exact=$(json_num exact_peak_bytes)
	cg=$(sed -n 's/.*"cgroup":"\([^"]*\)".*/\1/p' "$T/out")
	check "cgroup: status 0 (got $rc), the short child's 48 MiB per node ($peak >= $wbytes)" \
		sh -c "[ $rc = 0 ] && [ $peak -ge ${wbytes:-1} ] && grep -q '\"mechanism\":\"cgroup\"' '$T/out'"
	if grep -q '"exact_peak_bytes":null' "$T/out"; then
		check "cgroup: no memory.peak (kernel $(uname -r)), and said so" grep -q 'no exact peak' "$T/out"
	else
		check "cgroup: memory.peak, exact ($exact >= $wbytes)" [ "$exact" -ge "${wbytes:-1}" ]
	fi
	check "cgroup: $cg removed afterwards" sh -c "[ -n '$cg' ] && [ ! -e '$cg' ]"
fi
NUMAMEM_WATCH=sampling "$NUMAMEM" --report -- true >"$T/out" 2>&1
check "sampling: the report says its peak is of samples only, and what it may miss" \
	sh -c "grep -Eq '^command true \(pid [0-9]*\): [0-9]* process(es)?, sampling: 0 read at exit' '$T/out' &&
		grep -q '^  coverage:     samples only: a process that exits between two samples' '$T/out' &&
		grep -q 'peak of the samples:' '$T/out'"
NUMAMEM_WATCH=bogus "$NUMAMEM" --json -- true >"$T/out" 2>"$T/err"
rc=$?
check "NUMAMEM_WATCH=bogus: status 125, one line naming it (got $rc: $(cat "$T/err"))" \
	sh -c "[ $rc = 125 ] && [ ! -s '$T/out' ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q \"NUMAMEM_WATCH='bogus'\" '$T/err'"

# Shared memory once: 64 MiB MAP_SHARED|MAP_ANONYMOUS written by two
# processes; each one's numa_maps (the witness) shows all 64 MiB
shared_bytes() {
	awk '/ file=\/dev\/zero/ { for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split($i, a, "="); s += a[2] * 4096 } }
		END { printf "%d\n", s }' "/proc/$1/numa_maps"
}
rm -f "$T/ready"
"$NUMAMEM" --json -- "$TOUCHFD" shared $M64 "$T/ready" >"$T/out" 2>"$T/err" &
p=$!
w1=0 w2=0
if wait_for 30 [ -s "$T/ready" ]; then
	read -r _ pid1 pid2 <"$T/ready"
	w1=$(shared_bytes "$pid1")
	w2=$(shared_bytes "$pid2")
	rm -f "$T/ready"
fi
wait "$p"
rc=$?
peak=$(json_num peak_bytes)
check "shared: status 0 (got $rc); both processes map all 64 MiB ($w1, $w2)" \
	sh -c "[ $rc = 0 ] && [ $w1 -ge $M64 ] && [ $w2 -ge $M64 ]"
check "shared: counted once: peak $peak is 64 MiB and at most $SLACK bytes more, two processes" \
	sh -c "[ $peak -ge $M64 ] && [ $peak -le $((M64 + SLACK)) ] && grep -q '\"processes\":2,' '$T/out'"

# A file on a tmpfs mount of its own (not /dev/shm) is shared memory too:
# COMMAND makes a 16 MiB file there, maps it shared and writes it
if [ "$(id -u)" = 0 ] && mkdir "$T/tmpfs" && mount -t tmpfs -o size=32M numamem-test "$T/tmpfs"; then
	run --json -- "$TOUCHFD" mapfile "$T/tmpfs/f" 16777216
	peak=$(json_num peak_bytes)
	check "tmpfs file: status $rc, its 16 MiB written by COMMAND counted ($peak)" \
		sh -c "[ $rc = 0 ] && [ $peak -ge 16777216 ] && [ $peak -le $((16777216 + SLACK)) ]"
	umount "$T/tmpfs"
else
	skip "tmpfs file: needs root to mount a tmpfs"
fi

# numamem's own region, mapped and written by COMMAND, is the region's
# memory (reported as the region), not COMMAND's
run --size=16M --json -- "$TOUCHFD" touch
peak=$(json_num peak_bytes)
check "a region COMMAND maps: not its memory (status $rc, peak $peak < 16 MiB)" \
	sh -c "[ $rc = 0 ] && [ $peak -lt 16777216 ] && grep -q 'node0=16777216\|node[0-9]*=' '$T/out'"

# A COMMAND alone needs no region: the default policy, watched or not
run -- true
check "no region: -- true runs it (status $rc)" sh -c "[ $rc = 0 ] && [ ! -s '$T/out' ] && [ ! -s '$T/err' ]"
run --json -- sh -c 'exit 7'
check "no region: --json -- COMMAND: its status 7 (got $rc), no region, its workload" \
	sh -c "[ $rc = 7 ] && grep -q '\"regions\":\[\],\"workload\":{\"command_pid\":' '$T/out'"
run --report -- "$TOUCHFD" burst $M48 "$T/w"
check "no region: --report -- COMMAND: the command's report alone (status $rc)" \
	sh -c "[ $rc = 0 ] && ! grep -q '^region' '$T/out' && grep -q '^command $TOUCHFD (pid [0-9]*): 1 process, ' '$T/out' &&
		grep -Eq '^  node [0-9]* .*  peak (4[89]|5[0-9])\.[0-9]* MiB, at exit (4[89]|5[0-9])\.[0-9]* MiB' '$T/out'"

# Traced, the workload still sees its signals and its job control
run --json -- sh -c 'kill -TERM $$'
check "traced: a signal still ends COMMAND (status $rc = 128 + SIGTERM)" [ "$rc" = 143 ]
"$NUMAMEM" --json -- sh -c 'kill -STOP $$; echo resumed' >"$T/out" 2>"$T/err" &
p=$!
stopped() { pgrep -P "$p" >/dev/null && grep -q '^State:[[:space:]]*[Tt]' "/proc/$(pgrep -P "$p" | head -1)/status"; }
wait_for 30 stopped
check "traced: SIGSTOP stops COMMAND (group-stop kept)" stopped
c=$(pgrep -P "$p" | head -1)
[ -n "$c" ] && kill -CONT "$c"
wait "$p"
rc=$?
check "traced: SIGCONT resumes it (status $rc, it printed resumed)" sh -c "[ $rc = 0 ] && grep -q '^resumed$' '$T/out'"

# A COMMAND someone else traces already (strace -f) cannot be traced
# again: sampling, and the report says why; forced, status 125
# (an instrumented numamem cannot run under strace: LeakSanitizer ptraces)
if command -v strace >/dev/null 2>&1 && ! instrumented; then
	NUMAMEM_WATCH=auto strace -f -o /dev/null "$NUMAMEM" --json -- true >"$T/out" 2>"$T/err"
	rc=$?
	check "under strace -f: status $rc, sampling, exit_trace false, and why" \
		sh -c "[ $rc = 0 ] && grep -q '\"mechanism\":\"sampling\".*\"exit_trace\":false,.*\"mechanism_note\":\"[^\"]*no exit trace: ptrace: ' '$T/out'"
	NUMAMEM_WATCH=exit-trace strace -f -o /dev/null "$NUMAMEM" --json -- true >"$T/out" 2>"$T/err"
	rc=$?
	check "under strace -f, NUMAMEM_WATCH=exit-trace: status 125 and one line ($rc: $(cat "$T/err"))" \
		sh -c "[ $rc = 125 ] && [ ! -s '$T/out' ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q 'NUMAMEM_WATCH=exit-trace: cannot trace' '$T/err'"
else
	skip "under strace -f: strace missing (tools/setup --tests installs it) or numamem instrumented"
	skip "under strace -f, NUMAMEM_WATCH=exit-trace"
fi

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
