#!/bin/sh
# numamem on other machines' topologies, in milliseconds.
#
# NUMAMEM_SYSROOT (for tests only, not documented in numamem.1) makes
# numamem read every host fact (nodes, memory, CPUs, distances, huge
# pages, the allowed sets in /proc/self/status) from files below that
# directory instead of below /.  tests/topo/NAME holds such a tree for
# each topology (written by tests/topo/mktopo.sh, committed as files).
# Each case runs numamem with NUMAMEM_SYSROOT=tests/topo/NAME and compares
# its stdout, stderr and exit status with tests/topo/expected/NAME/CASE;
# NUMAMEM_TEST_UPDATE=1 rewrites those files from what numamem prints.
#
# Only --show-nodes and requests that the node checks or the room check
# refuse before anything is allocated: no case allocates memory.  Should
# numamem read the real host instead and accept one, ulimit -v makes the
# allocation fail at once rather than take the memory.  The kernel's
# policy probe (local, preferred-many, weighted-interleave) asks the real
# kernel, so no case uses those policies.
. "$(dirname "$0")/lib.sh"

topo=$top_srcdir/tests/topo
expected=$topo/expected
unset NUMAMEM_SYSROOT

if [ "$(getconf PAGESIZE)" != 4096 ]; then
	echo "1..0 # SKIP the recorded topologies are of x86-64 hosts with 4 KiB pages"
	exit 0
fi
if ! "$NUMAMEM" --show-nodes >/dev/null 2>&1; then
	echo "1..0 # SKIP numamem --show-nodes fails on this host (no NUMA support?)"
	exit 0
fi
limit=true
instrumented || limit="ulimit -v 262144"

# t TOPOLOGY CASE ARGS...: numamem ARGS on TOPOLOGY, against expected/TOPOLOGY/CASE
t() {
	name=$1 case=$2
	shift 2
	want=$expected/$name/$case
	(
		$limit
		NUMAMEM_SYSROOT=$topo/$name
		export NUMAMEM_SYSROOT
		exec "$NUMAMEM" "$@"
	) >"$T/out" 2>"$T/err"
	rc=$?
	{
		echo "\$ numamem $*"
		# who printed it (version, pid, host, the launcher's rank fields)
		# varies from run to run; what it says of the tree does not
		sed -e 's/"numamem":"[^"]*"/"numamem":"VERSION"/' \
			-e 's/"pid":[0-9]*,"hostname":"[^"]*","launcher":.*,"rank_source":{[^}]*}/"pid":PID,"hostname":"HOST",RANKS/' "$T/out"
		echo "--- stderr"
		cat "$T/err"
		echo "--- exit $rc"
	} >"$T/got"
	if [ -n "${NUMAMEM_TEST_UPDATE:-}" ]; then
		mkdir -p "$expected/$name"
		cp "$T/got" "$want"
	fi
	if diff -u "$want" "$T/got" >"$T/diff" 2>&1; then
		ok "$name: $case"
	else
		not_ok "$name: $case: numamem $*"
		diag "$(cat "$T/diff")"
	fi
}

# t_show TOPOLOGY: the node overview, as a table and as JSON
t_show() {
	t "$1" show-nodes --show-nodes
	t "$1" show-nodes-json --show-nodes --json
}

# The guests of tests/numa: two nodes of 768 MiB, no 1 GiB pages.
t_show guest-2node
t guest-2node no-such-node --size=1M --policy=bind --host-nodes=2
t guest-2node room-bind --size=1G --policy=bind --host-nodes=1 --prealloc
t guest-2node room-all --size=2G --policy=interleave --host-nodes=all --prealloc
t guest-2node no-1g-pages --backend=memfd --hugetlb --hugetlbsize=1G --size=1G \
	--policy=bind --host-nodes=1 --prealloc

# Four nodes, node 3 without CPUs, distances that differ by direction.
t_show guest-4node
t guest-4node no-such-node --size=1M --policy=bind --host-nodes=4
t guest-4node prealloc-nodes-no-cpu --size=1M --policy=bind --host-nodes=0 --prealloc --prealloc-nodes=3
t guest-4node room-bind --size=512M --policy=bind --host-nodes=3 --prealloc
t guest-4node room-bind-two --size=1G --policy=bind --host-nodes=2-3 --prealloc

# Node 2 has CPUs and no memory.
t_show memoryless-cpu
t memoryless-cpu no-memory --size=1M --policy=bind --host-nodes=2
t memoryless-cpu no-memory-in-list --size=1M --policy=interleave --host-nodes=0-2
t memoryless-cpu room-not-list --size=8G --policy=bind --host-nodes='!0' --prealloc
t memoryless-cpu room-all --size=8G --policy=interleave --host-nodes=all --prealloc

# Nodes 0, 2, 4, 6; the process may use mems 2,4,6 and CPUs 2-5.
t_show sparse
t sparse no-such-node --size=1M --policy=bind --host-nodes=1
t sparse not-allowed --size=1M --policy=bind --host-nodes=0
t sparse prealloc-nodes-not-allowed --size=1M --policy=bind --host-nodes=2 --prealloc --prealloc-nodes=0
t sparse prealloc-nodes-cpus-not-allowed --size=1M --policy=bind --host-nodes=2 --prealloc --prealloc-nodes=6
t sparse room-all --size=16G --policy=interleave --host-nodes=all --prealloc

# Eight nodes with 2 MiB and 1 GiB pools; one 1 GiB page reserved.
t_show 8node-hugepages
t 8node-hugepages huge-1g-bind --backend=memfd --hugetlb --hugetlbsize=1G --size=2G \
	--policy=bind --host-nodes=1 --prealloc
t 8node-hugepages huge-1g-host --backend=memfd --hugetlb --hugetlbsize=1G --size=8G \
	--policy=interleave --host-nodes=all --prealloc
t 8node-hugepages huge-default-bind --backend=memfd --hugetlb --size=1G --policy=bind --host-nodes=5 --prealloc
t 8node-hugepages huge-none-free --backend=memfd --hugetlb --size=2G --policy=bind --host-nodes=2 --prealloc
t 8node-hugepages huge-two-nodes --backend=memfd --hugetlb --size=2G --policy=bind --host-nodes=2-3 --prealloc
t 8node-hugepages room-bind --size=4G --policy=bind --host-nodes=7 --prealloc

# Two DRAM nodes and a far, CPU-less CXL memory node in a lower tier.
t_show cxl-tier
# the tables: exact bytes, raw without headings, chosen columns (and the
# HMAT table whole), a column --show-nodes has not
t cxl-tier show-nodes-bytes --show-nodes --bytes
t cxl-tier show-nodes-raw --show-nodes --raw --noheadings --bytes
t cxl-tier show-nodes-columns --show-nodes --columns=node,FREE,distances,tier
t cxl-tier show-nodes-bad-column --show-nodes --columns=NODE,SIZE
t cxl-tier room-far --size=20G --policy=bind --host-nodes=2 --prealloc
t cxl-tier prealloc-nodes-no-cpu --size=1M --policy=bind --host-nodes=0 --prealloc --prealloc-nodes=2
t cxl-tier room-all --size=64G --policy=interleave --host-nodes=0-2 --prealloc

done_testing
