#!/bin/sh
# hugetlb memfd with huge pages reserved for the test, the clean errors
# without them, and prealloc running out of backing store (ENOSPC on a
# small tmpfs) through both MADV_POPULATE_WRITE and the touch loop's
# SIGBUS handler.  Needs root to set nr_hugepages and mount tmpfs.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root to reserve huge pages and mount tmpfs"
	exit 0
fi
HP=/sys/kernel/mm/hugepages/hugepages-2048kB
if [ ! -d $HP ]; then
	echo "1..0 # SKIP this kernel has no 2 MiB huge pages"
	exit 0
fi
saved=$(cat $HP/nr_hugepages)
cleanup() {
	echo "$saved" >$HP/nr_hugepages
	umount "$T/small" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
nodes=$(mem_nodes)
first=${nodes%% *}

# Pages reserved for the test: 8 MiB on the first node.
echo 0 >$HP/nr_hugepages
echo 4 >"/sys/devices/system/node/node$first/hugepages/hugepages-2048kB/nr_hugepages"
if [ "$(cat $HP/free_hugepages)" -lt 4 ]; then
	echo "1..0 # SKIP could not reserve 4 huge pages on node $first"
	exit 0
fi

rm -f "$T/ready"
"$NUMAMEM" --backend=memfd --hugetlb --size=8M --policy=bind --host-nodes="$first" --prealloc --verify \
	--json --hold --ready-file="$T/ready" >"$T/out" 2>"$T/err" &
pid=$!
if wait_for 30 [ -e "$T/ready" ]; then
	addr=$(json_get address)
	check "hugetlb: page size 2 MiB reported" [ "$(json_get page_size)" = 2097152 ]
	check "hugetlb: page kind hugetlb" [ "$(json_get page_kind)" = hugetlb ]
	check "hugetlb: 8 MiB on node $first reported" [ "$(json_node_bytes "$first")" = 8388608 ]
	check "hugetlb: numa_maps shows 8 MiB of 2 MiB pages on N$first" \
		[ "$(numa_maps_bytes "$pid" "$addr" "$first")" = 8388608 ]
	check "hugetlb: every pool page in use" [ "$(cat $HP/free_hugepages)" = 0 ]
	check "hugetlb: verify passed" [ "$(json_get verify)" = pass ]
	kill -TERM "$pid"
	wait "$pid"
	check "hugetlb: hold ends with 0" [ $? = 0 ]
	check "hugetlb: pages back in the pool after exit" [ "$(cat $HP/free_hugepages)" = 4 ]
else
	kill "$pid" 2>/dev/null
	not_ok "hugetlb: numamem never got ready: $(cat "$T/err")"
fi

run --backend=memfd --hugetlb --size=16M --prealloc
check "hugetlb: 16 MiB with 8 MiB of pages: exit 2" [ "$rc" = 2 ]
check "hugetlb: one clean line, naming the knob" [ "$(cat "$T/err")" = "numamem: region 'm0': prealloc needs 16 MiB of 2 MiB huge pages but the host has only 8 MiB free (raise $HP/nr_hugepages)" ]
run --backend=memfd --hugetlb --size=16M --policy=bind --host-nodes="$first" --prealloc
knob=/sys/devices/system/node/node$first/hugepages/hugepages-2048kB/nr_hugepages
check "hugetlb: bound to node $first: its own knob named" [ "$(cat "$T/err")" = "numamem: region 'm0': prealloc needs 16 MiB of 2 MiB huge pages but node $first has only 8 MiB free (raise $knob)" ]
check "hugetlb: the knob named is node $first's pool (4 pages)" [ "$(cat "$knob")" = 4 ]
run --backend=memfd --hugetlb --size=16M
check "hugetlb: 16 MiB without prealloc: the reservation fails, exit 2" [ "$rc" = 2 ]
check "hugetlb: reservation failure in one line, naming the knob" [ "$(cat "$T/err")" = "numamem: region 'm0': not enough free 2 MiB huge pages to reserve 8 of them (raise $HP/nr_hugepages)" ]
check "hugetlb: nothing on stdout" [ ! -s "$T/out" ]

echo 0 >$HP/nr_hugepages
run --backend=memfd --hugetlb --size=2M --prealloc
check "hugetlb: no pages at all: exit 2" [ "$rc" = 2 ]
check "hugetlb: no pages at all: one line" [ "$(wc -l <"$T/err")" = 1 ]

run --backend=memfd --hugetlb --hugetlbsize=4M --size=4M
check "hugetlbsize 4M (no such pool): exit 2" [ "$rc" = 2 ]
check "hugetlbsize 4M: named" [ "$(cat "$T/err")" = "numamem: region 'm0': this host has no 4 MiB huge pages" ]

# Backing store exhausted mid-prealloc: an 8 MiB tmpfs, a 16 MiB region.
mkdir "$T/small"
if mount -t tmpfs -o size=8M numamem-test "$T/small"; then
	for mode in populate touch; do
		for target in "$T/small" "$T/small/region"; do
			NUMAMEM_PREALLOC=$mode "$NUMAMEM" --backend=file --share --mem-path="$target" --size=16M --prealloc \
				>"$T/out" 2>"$T/err"
			rc=$?
			what="ENOSPC ($mode, mem-path ${target#$T/})"
			check "$what: exit 2, not a crash (got $rc)" [ "$rc" = 2 ]
			check "$what: one line naming mem-path" \
				[ "$(cat "$T/err")" = "numamem: region 'm0': mem-path '$target' ran out of space while preallocating" ]
			check "$what: nothing left in the tmpfs" [ -z "$(ls -A "$T/small")" ]
		done
	done
	umount "$T/small"
else
	skip "cannot mount tmpfs"
fi
done_testing
