#!/bin/sh
# Placement on this host's nodes, for every backend: numamem holds a
# preallocated region bound to one node; /proc/PID/numa_maps of the
# holding process, read here with awk, must agree with numamem's JSON
# report and with the policy.  Runs unchanged on a multi-node host.
. "$(dirname "$0")/lib.sh"

SIZE=${PLACEMENT_SIZE:-64M}
BYTES=$((${SIZE%M} * 1048576))
nodes=$(mem_nodes)

for backend in ram memfd file shm; do
	extra=
	[ $backend = file ] && extra="--mem-path=$T"
	for node in $nodes; do
		name="$backend bound to node $node"
		if ! hold_region --size="$SIZE" --backend=$backend $extra --policy=bind --host-nodes="$node" --prealloc --verify; then
			not_ok "$name: numamem never got ready"
			diag "$(cat "$T/err")"
			continue
		fi
		addr=$(json_get address)
		reported=$(json_node_bytes "$node")
		witness=$(numa_maps_bytes "$pid" "$addr" "$node")
		policy=$(numa_maps_line "$pid" "$addr" | awk '{ print $2 }')
		check "$name: numamem reports all $BYTES bytes on node $node (got $reported)" [ "$reported" = "$BYTES" ]
		check "$name: numa_maps agrees ($witness bytes on N$node)" [ "$witness" = "$BYTES" ]
		check "$name: numa_maps shows policy bind:$node (got $policy)" [ "$policy" = "bind:$node" ]
		check "$name: --verify passed" [ "$(json_get verify)" = pass ]
		check "$name: kernel policy read back as bind" [ "$(json_get kernel_policy)" = bind ]
		release
		check "$name: SIGTERM ends the hold with status 0" [ "$hold_rc" = 0 ]
		check "$name: ready file removed" [ ! -e "$T/ready" ]
	done
done
check "file backend on a directory left nothing behind" [ -z "$(ls -A "$T" | grep -v -e '^out$' -e '^err$')" ]

# Without prealloc nothing is present; numa_maps shows no pages either.
hold_region --size="$SIZE" --backend=memfd
check "no prealloc: numamem reports $BYTES bytes absent" [ "$(json_get not_present_bytes)" = "$BYTES" ]
addr=$(json_get address)
check "no prealloc: numa_maps has no pages on any node" \
	[ -z "$(numa_maps_line "$pid" "$addr" | grep -o ' N[0-9]*=')" ]
release

# Prealloc with 1 and 2 threads.
for threads in 1 2; do
	run --size=128M --thp=off --prealloc --prealloc-threads=$threads --json
	check "prealloc-threads=$threads: exit 0" [ "$rc" = 0 ]
	check "prealloc-threads=$threads: $threads used" [ "$(json_get prealloc_threads)" = "$threads" ]
	check "prealloc-threads=$threads: every page present" [ "$(json_get not_present_bytes)" = 0 ]
done
run --size=64M --prealloc --prealloc-threads=8 --json
check "64 MiB gets one thread whatever is asked (size / 64 MiB)" [ "$(json_get prealloc_threads)" = 1 ]

# kernel_policy_is NAME WORD: the mapping held at $addr by $pid has the
# policy WORD in its numa_maps line ("interleave:0-1", "bind:0") and
# numamem read back kernel_policy NAME.  On one node interleave and bind
# place pages alike: only the policy tells them apart.
kernel_policy_is() {
	got=$(numa_maps_line "$pid" "$addr" | awk '{ print $2 }')
	[ "$got" = "$2" ] && [ "$(json_get kernel_policy)" = "$1" ] && return 0
	diag "numa_maps policy '$got' (want '$2'), kernel_policy '$(json_get kernel_policy)' (want '$1')"
	return 1
}

# Interleave over one node: the pages are on it and the kernel's policy
# is interleave, not bind.
for node in $nodes; do
	name="interleave over node $node"
	if ! hold_region --size="$SIZE" --policy=interleave --host-nodes="$node" --prealloc --thp=off; then
		not_ok "$name: numamem never got ready"
		diag "$(cat "$T/err")"
		continue
	fi
	addr=$(json_get address)
	check "$name: numa_maps has all $BYTES bytes on N$node" [ "$(numa_maps_bytes "$pid" "$addr" "$node")" = "$BYTES" ]
	check "$name: numa_maps and kernel_policy say interleave:$node" kernel_policy_is interleave "interleave:$node"
	release
done

# Interleave over every node with memory: each node's share is even.
all=$(cat /sys/devices/system/node/has_memory)
if ! hold_region --size="$SIZE" --policy=interleave --host-nodes=all --prealloc --verify --thp=off; then
	not_ok "interleave all: numamem never got ready"
	diag "$(cat "$T/err")"
fi
addr=$(json_get address)
check "interleave all: numa_maps and kernel_policy say interleave:$all" kernel_policy_is interleave "interleave:$all"
check "interleave all: kernel_nodes are the nodes with memory" \
	[ "$(json_get kernel_nodes)" = "[$(echo $nodes | tr ' ' ',')]" ]
count=0
for node in $nodes; do count=$((count + 1)); done
for node in $nodes; do
	w=$(numa_maps_bytes "$pid" "$addr" "$node")
	r=$(json_node_bytes "$node")
	share=$((BYTES / count))
	diff=$((w - share))
	[ $diff -lt 0 ] && diff=$((-diff))
	check "interleave all: node $node holds $w bytes by numa_maps, numamem says $r" [ "$w" = "$r" ]
	check "interleave all: node $node within one page of an even share" [ $diff -le 4096 ]
done
release

# Preferred on the first node, and prealloc threads pinned to its CPUs.
first=${nodes%% *}
hold_region --size="$SIZE" --policy=preferred --host-nodes="$first" --prealloc --prealloc-nodes="$first"
addr=$(json_get address)
check "preferred $first: numa_maps agrees with the report" \
	[ "$(numa_maps_bytes "$pid" "$addr" "$first")" = "$(json_node_bytes "$first")" ]
cpus=$(json_get prealloc_cpus | tr -d '[]')
want=$(tr ',' '\n' <"/sys/devices/system/node/node$first/cpulist" | awk -F- '{ e = NF > 1 ? $2 : $1; for (c = $1; c <= e; c++) printf "%s%d", n++ ? "," : "", c }')
check "prealloc-nodes=$first: threads ran on node $first's CPUs ($cpus = $want)" [ "$cpus" = "$want" ]
release

# Text report: a table row per node and the absent row.
run --size=8M --policy=bind --host-nodes="$first" --prealloc
check "text report: exit 0" [ "$rc" = 0 ]
check "text report: a NODE, SIZE, PAGES table" grep -q '^  NODE  *SIZE  *PAGES$' "$T/out"
check "text report: node $first row with 8 MiB, 2048 pages" grep -q "^  $first  *8 MiB  *2048$" "$T/out"
check "text report: absent row with 0 B" grep -q '^  absent  *0 B  *0$' "$T/out"
run --size=8M --policy=bind --host-nodes="$first" --prealloc --bytes
check "text report --bytes: node $first row with 8388608 bytes" grep -q "^  $first  *8388608  *2048$" "$T/out"
run --size=8M --policy=bind --host-nodes="$first" --prealloc --bytes --raw --noheadings --columns=pages,node
check "text report --raw --noheadings --columns=pages,node: '2048 $first' and '0 absent'" \
	sh -c "grep -qx '  2048 $first' '$T/out' && grep -qx '  0 absent' '$T/out' && ! grep -q 'NODE' '$T/out'"

# A bound prealloc larger than its node can hold is refused before any
# page is touched: never the OOM killer.
total_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
run --size=$((total_kb * 2))K --policy=bind --host-nodes="$first" --prealloc
check "bind prealloc of twice the host's memory: exit 2 (got $rc)" [ "$rc" = 2 ]
check "bind prealloc too large: one line naming the node" \
	grep -q "^numamem: region 'm0': prealloc needs .* but node $first has only .* available\$" "$T/err"
check "bind prealloc too large: one line only ($(wc -l <"$T/err"))" [ "$(wc -l <"$T/err")" = 1 ]
check "bind prealloc too large: nothing on stdout" [ ! -s "$T/out" ]

run --size=$((total_kb * 2))K --prealloc
check "unbound prealloc of twice the host's memory: exit 2 (got $rc)" [ "$rc" = 2 ]
check "unbound prealloc too large: one line on stderr ($(wc -l <"$T/err"))" [ "$(wc -l <"$T/err")" = 1 ]
check "unbound prealloc too large: the message says how much is available" \
	grep -q "^numamem: region 'm0': prealloc needs .* but nodes\{0,1\} .* only .* available\$" "$T/err"
check "unbound prealloc too large: nothing on stdout" [ ! -s "$T/out" ]

# Several regions, completed in order, all in the report.
run --object memory-backend-memfd,id=a,size=4M,prealloc=on --object memory-backend-ram,id=b,size=8M,prealloc=on --json
check "two --object regions: exit 0" [ "$rc" = 0 ]
check "two --object regions: both in the report" [ "$(grep -o '"id":"[ab]"' "$T/out" | tr -d '\n')" = '"id":"a""id":"b"' ]
# Preallocs overlap when each region's threads have CPUs of their own.
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
	run --object thread-context,id=t0,cpu-affinity=0 --object thread-context,id=t1,cpu-affinity=1 \
		--object memory-backend-ram,id=a,size=128M,prealloc=on,prealloc-context=t0 \
		--object memory-backend-memfd,id=b,size=128M,prealloc=on,prealloc-context=t1 --json
	check "disjoint prealloc CPUs: exit 0" [ "$rc" = 0 ]
	check "disjoint prealloc CPUs: both preallocs overlapped" [ "$(grep -o '"prealloc_overlapped":true' "$T/out" | wc -l)" = 2 ]
	check "disjoint prealloc CPUs: every page present" [ "$(grep -o '"not_present_bytes":0' "$T/out" | wc -l)" = 2 ]
	run --object thread-context,id=t0,cpu-affinity=0-1 \
		--object memory-backend-ram,id=a,size=128M,prealloc=on,prealloc-context=t0 \
		--object memory-backend-memfd,id=b,size=128M,prealloc=on,prealloc-context=t0 --json
	check "shared prealloc CPUs: one region after the other" [ "$(grep -o '"prealloc_overlapped":false' "$T/out" | wc -l)" = 2 ]
else
	skip "overlapping preallocs need two CPUs"
fi
done_testing
