#!/bin/sh
# -o/--output (issue 26): the report in a file of its own, never mixed
# with COMMAND's output; the templates of -o, --trace and --ready-file;
# never a file written over, never a half-made one; what collides with
# what.  Witnesses: the file's own bytes read by python3, stat(1)'s mode,
# the pid numamem's JSON states, $(hostname), and COMMAND's stdout.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
first=$(mem_nodes | awk '{ print $1 }')
cd "$T" || exit 1

# jsonfile FILE EXPR: FILE is one JSON document d for which python's EXPR is true
jsonfile() {
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" \
		2>/dev/null
}

# ----------------------------------------------------------- the report

run --size=8M --prealloc --policy=bind --host-nodes="$first" -o "$T/r.txt"
check "text report to -o: status 0 ($rc), stdout empty" sh -c "[ $rc = 0 ] && [ ! -s '$T/out' ] && [ ! -s '$T/err' ]"
check "text report to -o: the report in the file" grep -q "^region m0: ram, 8 MiB" "$T/r.txt"
run --size=8M --prealloc --policy=bind --host-nodes="$first"
check "text report to -o: the same lines as on stdout (but the address and timings)" \
	sh -c "sed 1d '$T/r.txt' | grep -v 'prealloc:\|timings:' >'$T/a'; sed 1d '$T/out' | grep -v 'prealloc:\|timings:' >'$T/b'; cmp -s '$T/a' '$T/b'"

(umask 027 && exec "$NUMAMEM" --size=4M --json -o "$T/r-%p.json" >"$T/out" 2>"$T/err")
rc=$?
f=$(ls "$T"/r-*.json 2>/dev/null)
check "--json -o r-%p.json: status 0 ($rc), one file ($f)" sh -c "[ $rc = 0 ] && [ -f '$f' ] && [ ! -s '$T/out' ]"
check "--json -o: %p is the pid the JSON states" jsonfile "$f" "d['pid'] == int('${f##*/r-}'.split('.')[0])"
check "--json -o: mode 0644 less the umask 027: 640 ($(stat -c %a "$f"))" [ "$(stat -c %a "$f")" = 640 ]
check "--json -o: one whole document, regions and the header" jsonfile "$f" "d['regions'][0]['size'] == 4 << 20 and 'rank' in d"

# COMMAND's own stdout and the report apart (the issue's example)
run -m "$first" --json -o "$T/cmd.json" -- echo hello
check "COMMAND's stdout is its own: exactly 'hello' ($(cat "$T/out"))" [ "$(cat "$T/out")" = hello ]
check "COMMAND: the report, with the workload, in -o's file" jsonfile "$T/cmd.json" "'workload' in d and d['workload']['command_pid'] > 0"
run --size=4M --report -o "$T/cmd.txt" -- echo hello
check "--report -o: COMMAND's stdout 'hello', the text report in the file" \
	sh -c "[ \"\$(cat '$T/out')\" = hello ] && grep -q '^region m0' '$T/cmd.txt'"

# --show-nodes and --pid write their reports there too
run --show-nodes --json -o "$T/nodes.json"
check "--show-nodes --json -o: the nodes in the file, stdout empty" \
	sh -c "[ $rc = 0 ] && [ ! -s '$T/out' ] && $PY -c 'import json; assert json.load(open(\"$T/nodes.json\"))[\"nodes\"]'"
run --pid=$$ --json -o "$T/pid.json"
check "--pid --json -o: the process in the file" jsonfile "$T/pid.json" "d['process']['target_pid'] == $$"

if instrumented; then
	skip "--measure -o: too slow under ASan or valgrind"
else
	run --measure --json -o "$T/measure.json"
	check "--measure --json -o: the matrices in the file ($rc), stdout empty" \
		sh -c "[ $rc = 0 ] && [ ! -s '$T/out' ] && $PY -c 'import json; assert json.load(open(\"$T/measure.json\"))[\"latency_ns\"]'"
fi

# --hold: the report is whole in the file while the regions are held
rm -f "$T/ready"
"$NUMAMEM" --size=4M --hold --ready-file="$T/ready" --json -o "$T/hold.json" >"$T/out" 2>"$T/err" &
h=$!
wait_for 30 ready_or_gone "$T/ready" "$h"
check "--hold -o: the report whole in the file once ready" jsonfile "$T/hold.json" "d['pid'] == $h"
kill -TERM "$h"
wait "$h"
check "--hold -o: status 0 ($?), the report kept" [ -s "$T/hold.json" ]

# ------------------------------------------------ closed or full streams

"$NUMAMEM" --size=4M --json -o "$T/closed.json" >&- 2>"$T/err"
rc=$?
check "stdout closed, -o: status 0 ($rc), the report whole" \
	sh -c "[ $rc = 0 ] && $PY -c 'import json; json.load(open(\"$T/closed.json\"))'"
"$NUMAMEM" --size=4M --json >&- 2>"$T/err"
rc=$?
check "stdout closed, no -o: status 5 ($rc), as before" [ $rc = 5 ]

# every write fails (ulimit -f 0; SIGXFSZ ignored, so EFBIG): status 5,
# one line, no half-made file.  Messages go through a pipe, which the
# limit does not touch.
nofsize() {
	{ (trap '' XFSZ; ulimit -f 0; exec "$NUMAMEM" "$@" 2>&1); echo $? >"$T/rc"; } | cat >"$T/err"
	rc=$(cat "$T/rc")
}
if [ -n "${NUMAMEM_VALGRIND:-}" ]; then
	skip "a report that cannot be written: valgrind cannot start under ulimit -f 0"
else
	nofsize --size=4M --json -o "$T/full.json"
	check "a report that cannot be written: status 5 ($rc), one line" \
		sh -c "[ $rc = 5 ] && [ \$(wc -l <'$T/err') = 1 ] && grep -q \"cannot write output '$T/full.json'\" '$T/err'"
	check "a report that cannot be written: removed" [ ! -e "$T/full.json" ]
	nofsize --backend=ram --size=4M --report -o "$T/full.txt" -- true
	check "with COMMAND, a report that cannot be written: status 5 ($rc), removed" \
		sh -c "[ $rc = 5 ] && [ ! -e '$T/full.txt' ]"
fi

# numamem fails after making the file, before the report (the address
# space too small for the region): removed
if instrumented; then
	skip "a failed run removes -o's file: ASan and valgrind need the address space"
else
	(ulimit -v 300000; exec "$NUMAMEM" --size=1G --json -o "$T/fail.json") >"$T/out" 2>"$T/err"
	rc=$?
	check "a run that fails ($rc: $(cat "$T/err")) before its report: -o's file removed" \
		sh -c "[ $rc = 2 ] && [ ! -e '$T/fail.json' ]"
fi

# COMMAND not found: no report, so no file; COMMAND killed: its report kept
run --size=4M --json -o "$T/nf.json" -- "$T/no-such-command"
check "COMMAND not found: status 127 ($rc), no -o file left" sh -c "[ $rc = 127 ] && [ ! -e '$T/nf.json' ]"
run --size=4M --json -o "$T/killed.json" -- sh -c 'kill -9 $$'
check "COMMAND killed: status 137 ($rc), its report whole in -o's file" \
	sh -c "[ $rc = 137 ] && $PY -c 'import json; assert json.load(open(\"$T/killed.json\"))[\"workload\"]'"

# ------------------------------------------- never over what is there

echo "the user's data" >"$T/mine"
run --size=4M --json -o "$T/mine"
check "-o over an existing file: refused, status 1 ($rc), one line" \
	[ "$rc:$(cat "$T/err")" = "1:numamem: invalid output '$T/mine': it exists (a file), and numamem never writes over a file" ]
check "-o over an existing file: the file as it was" [ "$(cat "$T/mine")" = "the user's data" ]
"$NUMAMEM" --size=4M --json -o "$T/again.json" >/dev/null 2>&1
run --size=4M --json -o "$T/again.json"
check "-o over a report of numamem's own: refused too ($rc)" [ $rc = 1 ]
mkfifo "$T/fifo"
timeout 10 "$NUMAMEM" --size=4M --json -o "$T/fifo" >"$T/out" 2>"$T/err" # a FIFO opened would block
rc=$?
check "-o a FIFO: refused, status 1 ($rc), named a FIFO" \
	sh -c "[ $rc = 1 ] && grep -q 'it exists (a FIFO)' '$T/err' && [ -p '$T/fifo' ]"
"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/sock"
run --size=4M --json -o "$T/sock"
check "-o a socket: refused, status 1 ($rc), named a socket" \
	sh -c "[ $rc = 1 ] && grep -q 'it exists (a socket)' '$T/err' && [ -S '$T/sock' ]"
ln -s "$T/target" "$T/link"
run --size=4M --json -o "$T/link"
check "-o a dangling symlink: refused ($rc), nothing made where it points" \
	sh -c "[ $rc = 1 ] && grep -q 'it is a symbolic link' '$T/err' && [ ! -e '$T/target' ]"
mkdir "$T/d"
run --size=4M --json -o "$T/d"
check "-o a directory: refused ($rc)" sh -c "[ $rc = 1 ] && grep -q 'it is a directory' '$T/err'"
run --size=4M --json -o "$T/both" --trace="$T/both" -- true
check "-o and --trace the same file: refused, 125 ($rc), nothing made" \
	sh -c "[ $rc = 125 ] && grep -q 'name the same file' '$T/err' && [ ! -e '$T/both' ]"
run --size=4M --json -o "$T/rf" --ready-file="$T/rf"
check "-o and --ready-file the same file: refused ($rc), nothing made" \
	sh -c "[ $rc = 1 ] && grep -q 'it is the ready-file' '$T/err' && [ ! -e '$T/rf' ]"

# ------------------------------------------------------------ templates

env -u SLURM_PROCID -u SLURM_JOB_ID -u OMPI_COMM_WORLD_RANK -u PMI_RANK -u PMIX_RANK -u FLUX_JOB_ID -u PBS_JOBID \
	"$NUMAMEM" --size=1M --json -o "$T/t-%r-%j-%h-%%.json" >"$T/out" 2>"$T/err"
check "%r and %j without a launcher: none; %h the hostname; %%: %" [ -f "$T/t-none-none-$(hostname)-%.json" ]
SLURM_PROCID=3 SLURM_JOB_ID=123_4 "$NUMAMEM" --size=1M --json -o "$T/rank%r-job%j.json" >"$T/out" 2>"$T/err"
check "%r and %j from Slurm: rank3-job123_4.json, rank 3 in it" jsonfile "$T/rank3-job123_4.json" "d['rank'] == 3"
SLURM_PROCID=1 "$NUMAMEM" --size=1M --json --trace="$T/trace%r" -- true >"$T/out" 2>"$T/err"
check "--trace=trace%r: trace1, its header rank 1" \
	"$PY" -c 'import json, sys; assert json.loads(open(sys.argv[1]).readline())["rank"] == 1' "$T/trace1"
rm -f "$T"/ready*
"$NUMAMEM" --size=1M -q --hold --ready-file="$T/ready%p" >"$T/out" 2>"$T/err" &
h=$!
wait_for 30 ready_or_gone "$T/ready$h" "$h"
check "--ready-file=ready%p: ready$h, saying 'ready $h'" [ "$(cat "$T/ready$h" 2>/dev/null)" = "ready $h" ]
[ -e "$T/ready$h" ] || diag "$(ls "$T")" "$(cat "$T/err")"
kill -TERM "$h"
wait "$h"
check "--ready-file=ready%p: removed at the end of the hold" [ ! -e "$T/ready$h" ]

# ------------------------------------------- COMMAND's one line on a tty

# COMMAND alone prints no report: on a terminal (script(1) gives one),
# one stderr line before COMMAND starts says where the regions went.  The
# witness: COMMAND itself reads its holder's numa_maps (a ram region:
# numamem forks and holds it), after the line.
if ! script -qc true /dev/null >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		not_ok "script(1) is missing (util-linux; tools/setup --tests installs it)"
	else
		skip "COMMAND's line on a terminal: script(1) missing"
	fi
else
	cmd="\"$NUMAMEM\" --backend=ram --size=8M --prealloc --policy=bind --host-nodes=$first -- sh -c 'grep \" bind:$first \" /proc/\$PPID/numa_maps'"
	script -qc "$cmd" /dev/null | tr -d '\r' >"$T/tty"
	check "on a terminal: one line first, where the region went" \
		[ "$(head -n 1 "$T/tty")" = "numamem: region m0 (8 MiB): node $first 8 MiB; running 'sh' (--report shows its memory)" ]
	check "on a terminal: the line is right, COMMAND sees 8 MiB on node $first in its holder's numa_maps" \
		sh -c "sed -n 2p '$T/tty' | tr ' ' '\n' | grep -qx 'N$first=2048'"
	check "on a terminal: nothing else from numamem" [ "$(grep -c '^numamem' "$T/tty")" = 1 ]
	script -qc "\"$NUMAMEM\" --object memory-backend-ram,id=a,size=4M --object memory-backend-memfd,id=b,size=2M,prealloc=on -- true" /dev/null |
		tr -d '\r' >"$T/tty"
	check "on a terminal, two regions: each named, one line" \
		[ "$(cat "$T/tty")" = "numamem: region a (4 MiB): 4 MiB not present yet; region b (2 MiB): node $first 2 MiB; running 'true' (--report shows its memory)" ]
	script -qc "\"$NUMAMEM\" -q --size=4M -- true" /dev/null | tr -d '\r' >"$T/tty"
	check "on a terminal with -q: quiet" [ ! -s "$T/tty" ]
	script -qc "\"$NUMAMEM\" --size=4M --json -- true" /dev/null | tr -d '\r' | grep '^numamem' >"$T/tty"
	check "on a terminal with --json: the report, not the line" [ ! -s "$T/tty" ]
fi
run --size=4M -- true
check "stderr not a terminal: no line ($(cat "$T/err"))" sh -c "[ $rc = 0 ] && [ ! -s '$T/err' ] && [ ! -s '$T/out' ]"

done_testing
