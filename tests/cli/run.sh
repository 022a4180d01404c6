#!/bin/sh
# numamem -- COMMAND: the child inherits the regions as descriptors and
# learns them from the environment; statuses follow env(1); ram regions
# are held by a parent numamem for the command's lifetime.
. "$(dirname "$0")/lib.sh"

nodes=$(mem_nodes)
first=${nodes%% *}
M64=67108864

# strip_fd "fd=N rest": the descriptor number depends on what the test
# runner left open, so compare the rest.
strip_fd() {
	echo "${1#fd=* }"
}

for node in $nodes; do
	out=$("$NUMAMEM" --size=64M --policy=bind --host-nodes="$node" --prealloc -- "$TOUCHFD")
	check "child sees a preallocated memfd bound to node $node ($out)" \
		[ "$(strip_fd "$out")" = "size=$M64 node$node=$M64 absent=0" ]
	out=$("$NUMAMEM" --size=64M --policy=bind --host-nodes="$node" -- "$TOUCHFD" touch)
	check "child faults pages itself, they follow the policy to node $node ($out)" \
		[ "$(strip_fd "$out")" = "size=$M64 node$node=$M64 absent=0" ]
done
for backend in shm file; do
	out=$("$NUMAMEM" --backend=$backend --mem-path="$T" --size=64M --policy=bind --host-nodes="$first" -- "$TOUCHFD" touch 2>&1)
	[ $backend = shm ] && out=$("$NUMAMEM" --backend=shm --size=64M --policy=bind --host-nodes="$first" -- "$TOUCHFD" touch 2>&1)
	check "$backend region reaches the child ($out)" [ "$(strip_fd "$out")" = "size=$M64 node$first=$M64 absent=0" ]
done
check "file region on a directory left nothing behind" [ -z "$(ls -A "$T")" ]

# Per-region variables keyed by id, and --fd.
out=$("$NUMAMEM" --object memory-backend-memfd,id=vm-ram,size=4M,prealloc=on \
	--object memory-backend-shm,id=io,size=8M -- sh -c \
	'echo "$NUMAMEM_REGIONS|$NUMAMEM_VM_RAM_FD|$NUMAMEM_VM_RAM_SIZE|$NUMAMEM_IO_FD|$NUMAMEM_IO_SIZE|$NUMAMEM_FD"')
fd0=$(echo "$out" | cut -d'|' -f2)
check "per-region variables ($out)" [ "$out" = "vm-ram io|$fd0|4194304|$((fd0 + 1))|8388608|$fd0" ]
out=$("$NUMAMEM" --object memory-backend-memfd,id=vm-ram,size=4M,prealloc=on --object memory-backend-shm,id=io,size=8M -- "$TOUCHFD" io)
check "child maps the second region by its id ($out)" [ "$out" = "fd=$((fd0 + 1)) size=8388608 node$first=8388608 absent=0" ]
out=$("$NUMAMEM" --size=4M --prealloc --fd=9 -- "$TOUCHFD")
check "--fd=9 places the region at descriptor 9 ($out)" [ "${out%% *}" = "fd=9" ]

# Only the region fds lose close-on-exec.
# fds_plus FD...: this shell's descriptors (as touchfd sees them) plus FD...
fds_plus() {
	printf '%s\n' $("$TOUCHFD" fds) "$@" | sort -n | uniq | tr '\n' ' ' | sed 's/ $//'
}
out=$("$NUMAMEM" --object memory-backend-memfd,id=a,size=4M --object memory-backend-shm,id=b,size=4M \
	--object memory-backend-file,id=c,size=4M,mem-path="$T" -- \
	sh -c 'echo $NUMAMEM_A_FD $NUMAMEM_B_FD $NUMAMEM_C_FD; exec "$0" fds' "$TOUCHFD")
regions=$(echo "$out" | head -n 1)
child=$(echo "$out" | tail -n 1)
check "child's descriptors: the runner's plus regions $regions, nothing else ($child)" \
	[ "$child" = "$(fds_plus $regions)" ]
out=$("$NUMAMEM" --size=4M --fork -- sh -c 'echo $NUMAMEM_FD; exec "$0" fds' "$TOUCHFD")
check "--fork: the same, one region ($out)" [ "$(echo "$out" | tail -n 1)" = "$(fds_plus "$(echo "$out" | head -n 1)")" ]

# Exit statuses like env(1).
for status in 0 1 7; do
	"$NUMAMEM" --size=1M -- sh -c "exit $status"
	check "COMMAND's status $status is numamem's" [ $? = $status ]
	"$NUMAMEM" --size=1M --backend=ram -- sh -c "exit $status"
	check "fork-and-hold: COMMAND's status $status is numamem's" [ $? = $status ]
done
"$NUMAMEM" --size=0 -- true 2>"$T/err"
check "numamem fails before COMMAND: 125" [ $? = 125 ]
"$NUMAMEM" --size=1M --policy=bind --host-nodes=99 -- true 2>"$T/err"
check "refused node with a COMMAND: 125" [ $? = 125 ]
"$NUMAMEM" --size=1M -- /etc/passwd 2>"$T/err"
check "COMMAND not executable: 126" [ $? = 126 ]
check "126 says why" grep -q "cannot run '/etc/passwd': Permission denied" "$T/err"
"$NUMAMEM" --size=1M -- numamem-no-such-command 2>"$T/err"
check "COMMAND not found: 127" [ $? = 127 ]
"$NUMAMEM" --size=1M --backend=ram -- numamem-no-such-command 2>"$T/err"
check "fork-and-hold, COMMAND not found: 127" [ $? = 127 ]
"$NUMAMEM" --size=1M --backend=ram -- sh -c 'kill -KILL $$'
check "COMMAND killed by signal 9: 137" [ $? = 137 ]
"$NUMAMEM" --size=1M -- sh -c 'kill -TERM $$'
check "COMMAND (exec'd) killed by SIGTERM: 143" [ $? = 143 ]

# With only fd regions numamem becomes COMMAND: same pid.
"$NUMAMEM" --size=1M -- sh -c 'echo $$ >"$0"' "$T/pid" &
p=$!
wait $p
check "fd regions: numamem execs COMMAND in its place" [ "$(cat "$T/pid")" = "$p" ]

# A ram region stays resident in numamem while the command runs.
rm -f "$T/ppid"
"$NUMAMEM" --backend=ram --size=64M --policy=bind --host-nodes="$first" --prealloc --json -- \
	sh -c 'echo $PPID >"$0.tmp"; mv "$0.tmp" "$0"; exec sleep 30' "$T/ppid" >"$T/out" &
p=$!
if wait_for 30 [ -e "$T/ppid" ]; then
	holder=$(cat "$T/ppid")
	# the report comes when COMMAND has exited: the region from numa_maps
	# (numa_maps pads addresses to 8 digits, %p does not: 05000000 under valgrind)
	addr=0x$(awk -v b="bind:$first" '$2 == b { a = $1; sub(/^0+/, "", a); print a; exit }' "/proc/$p/numa_maps")
	check "ram + COMMAND: numamem ($p) is the command's parent ($holder)" [ "$holder" = "$p" ]
	check "ram + COMMAND: region resident in numamem's numa_maps on node $first" \
		[ "$(numa_maps_bytes "$p" "$addr" "$first")" = "$M64" ]
	kill -TERM "$p"
	wait "$p"
	rc=$?
	check "SIGTERM is forwarded; numamem exits 128+15 (got $rc)" [ "$rc" = 143 ]
	check "ram + COMMAND --json: the report, once COMMAND has ended, has the region at $addr" \
		[ "$(json_get address)" = "$addr" ]
else
	not_ok "ram + COMMAND: command never started"
fi

# --hold=DURATION and --ready-fd
"$NUMAMEM" --size=1M --hold=0.2s --quiet --ready-fd=3 3>"$T/rfd"
check "--hold=0.2s ends by itself with 0" [ $? = 0 ]
check "--ready-fd wrote ready" [ "$(cat "$T/rfd")" = ready ]
"$NUMAMEM" --size=1M --hold=60 2>"$T/err" >/dev/null & # long: SIGINT, not the duration, must end it
p=$!
# the readiness line: numamem holds, its signal handlers in place
check "--hold prints a readiness line" wait_for 10 grep -q "^numamem: ready: 1 region complete, pid $p$" "$T/err"
kill -INT $p
wait $p
check "SIGINT ends --hold with 0" [ $? = 0 ]

# Ids of any length, as QEMU takes them (issue 20): a 300-character id
# names COMMAND's variables in full, and a file region's temporary file
# in a mem-path directory still fits NAME_MAX.
long=$(printf 'a%.0s' $(seq 300))
LONG=$(echo "$long" | tr a A)
"$NUMAMEM" --object memory-backend-memfd,id=$long,size=1M -- \
	sh -c "env | grep -q '^NUMAMEM_${LONG}_FD=[0-9]' && echo '$long' | cmp -s - /dev/stdin <<E
\$NUMAMEM_REGIONS
E" >"$T/out" 2>"$T/err"
rc=$?
check "a 300-character id: COMMAND gets NUMAMEM_<ID>_FD and the id in NUMAMEM_REGIONS (status $rc)" [ "$rc" = 0 ]
mkdir "$T/dir"
"$NUMAMEM" --object memory-backend-file,id=$long,size=1M,mem-path="$T/dir" -- true 2>"$T/err"
rc=$?
check "a 300-character id: a temporary file in a mem-path directory (status $rc, $(cat "$T/err"))" [ "$rc" = 0 ]
done_testing
