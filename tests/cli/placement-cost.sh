#!/bin/sh
# The placement report asks move_pages() only where the page tables hold
# something, so an untouched 8 TiB region costs what 1 GiB does.  These
# cases check that skipping absent ranges never changes a total or a
# map cell: untouched regions far larger than memory, a file whose pages
# are in the page cache but not mapped, a file mapped and preallocated,
# and (with gdb) a region touched in a few places between prealloc and
# the query.  Witness: /proc/PID/numa_maps of the holding numamem.
# No timings are asserted here: bench/report-cost measures them.
. "$(dirname "$0")/lib.sh"

nodes=$(mem_nodes)

# numa_maps_present PID ADDRESS: bytes on any node of the mapping at
# ADDRESS, as /proc/PID/numa_maps counts them.
numa_maps_present() {
	total=0
	for node in $nodes; do
		b=$(numa_maps_bytes "$1" "$2" "$node")
		[ "$b" = missing ] && { echo missing; return; }
		total=$((total + b))
	done
	echo "$total"
}

# expect_map CELLS CELL_BYTES START:LEN...: the --map string for a
# region whose given byte ranges are present on node 0 and the rest
# absent ('0' whole cell present, '+' mixed, '.' absent).
expect_map() {
	cells=$1 cell=$2
	shift 2
	echo "$@" | awk -v cells="$cells" -v cell="$cell" '{
		for (i = 1; i <= NF; i++) {
			split($i, r, ":")
			for (c = int(r[1] / cell); c <= int((r[1] + r[2] - 1) / cell); c++) {
				lo = r[1] > c * cell ? r[1] : c * cell
				hi = r[1] + r[2] < (c + 1) * cell ? r[1] + r[2] : (c + 1) * cell
				got[c] += hi - lo
			}
		}
		for (c = 0; c < cells; c++)
			printf "%s", !got[c] ? "." : got[c] == cell ? "0" : "+"
		printf "\n"
	}'
}

# Untouched regions of 1 and 8 TiB, nothing committed (--no-reserve):
# nothing present, every byte absent, every map cell absent.
if [ "$(cat /proc/sys/vm/overcommit_memory)" = 2 ]; then
	skip "vm.overcommit_memory=2 ignores MAP_NORESERVE: no 1 TiB region"
else
	for size in 1T 8T; do
		bytes=$(( ${size%T} << 40 ))
		run --size=$size --no-reserve --json --map
		check "untouched $size: exit 0 (got $rc)" [ "$rc" = 0 ]
		check "untouched $size: present_bytes 0" [ "$(json_get present_bytes)" = 0 ]
		check "untouched $size: not_present_bytes $bytes" [ "$(json_get not_present_bytes)" = "$bytes" ]
		check "untouched $size: no node holds a byte" [ "$(json_get node_bytes)" = "{" ]
		check "untouched $size: 256 map cells, all absent" \
			[ "$(json_get map)" = "$(expect_map 256 $((bytes / 256)))" ]
	done
	if hold_region --size=1T --no-reserve; then
		addr=$(json_get address)
		check "untouched 1T held: numa_maps shows no page either" \
			[ -z "$(numa_maps_line "$pid" "$addr" | grep -o ' N[0-9]*=')" ]
		release
	else
		not_ok "untouched 1T held: numamem never got ready"
		diag "$(cat "$T/err")"
	fi
fi

# A file whose first half was written just before: those pages are in
# the page cache, but numamem's mapping of it (shared, no prealloc) has
# no page table entry for them, and move_pages() reports what a mapping
# holds.  Before the present ranges were looked up first, numamem said
# all absent, as numa_maps does.
SIZE=64M
BYTES=$((64 << 20))
# (the file has its full length first: numamem never grows a file that
# is not empty)
truncate -s $SIZE "$T/half"
dd if=/dev/zero of="$T/half" bs=1M count=32 conv=notrunc 2>/dev/null
if hold_region --size=$SIZE --backend=file --mem-path="$T/half" --share --map; then
	addr=$(json_get address)
	witness=$(numa_maps_present "$pid" "$addr")
	check "half-written file, shared, no prealloc: present_bytes 0 (got $(json_get present_bytes))" \
		[ "$(json_get present_bytes)" = 0 ]
	check "half-written file: not_present_bytes $BYTES" [ "$(json_get not_present_bytes)" = "$BYTES" ]
	check "half-written file: numa_maps agrees ($witness bytes present)" [ "$witness" = 0 ]
	check "half-written file: every map cell absent" [ "$(json_get map)" = "$(expect_map 256 262144)" ]
	release
else
	not_ok "half-written file: numamem never got ready"
	diag "$(cat "$T/err")"
fi
# The same file preallocated: every page present, as numa_maps counts.
if hold_region --size=$SIZE --backend=file --mem-path="$T/half" --share --prealloc --map; then
	addr=$(json_get address)
	witness=$(numa_maps_present "$pid" "$addr")
	check "file preallocated: present_bytes $BYTES (got $(json_get present_bytes))" \
		[ "$(json_get present_bytes)" = "$BYTES" ]
	check "file preallocated: numa_maps agrees ($witness)" [ "$witness" = "$BYTES" ]
	check "file preallocated: no map cell absent" [ -z "$(json_get map | tr -d '0-9a-z#')" ]
	release
else
	not_ok "file preallocated: numamem never got ready"
	diag "$(cat "$T/err")"
fi

# Touched in a few places: gdb stops numamem at placement_query and
# populates four ranges (a whole first MiB, one page, 16 KiB across a
# map cell boundary, the last page) of a 64 MiB region of 4 KiB pages.
# numamem itself makes a region either all present or all absent, so
# this is the one way to see ranges skipped between present ones.
ranges="0:1048576 10485760:4096 $((132 * 262144 - 8192)):16384 $((BYTES - 4096)):4096"
touched=$((1048576 + 4096 + 16384 + 4096))
if ! command -v gdb >/dev/null 2>&1; then
	skip "gdb not found: no partly touched region"
elif instrumented; then
	skip "instrumented numamem: no partly touched region under gdb"
else
	{
		echo "set pagination off"
		echo "set confirm off"
		echo "handle SIGTERM nostop noprint pass"
		echo "break placement_query"
		echo "run"
		for r in $ranges; do
			echo "call (int)madvise((char *)b->ptr + ${r%:*}, ${r#*:}, 23)"
		done
		echo "continue"
	} >"$T/gdb.cmds"
	rm -f "$T/ready"
	gdb -q -batch -x "$T/gdb.cmds" --args "$NUMAMEM" --size=$SIZE --thp=off --json --map \
		--hold --ready-file="$T/ready" </dev/null >"$T/gdb.out" 2>&1 &
	gdbpid=$!
	if wait_for 60 [ -e "$T/ready" ] && grep -q '^Breakpoint 1, placement_query' "$T/gdb.out" &&
		pid=$(pgrep -P "$gdbpid" -x numamem); then
		grep '^{' "$T/gdb.out" >"$T/out"
		addr=$(json_get address)
		witness=$(numa_maps_present "$pid" "$addr")
		check "partly touched: present_bytes $touched (got $(json_get present_bytes))" \
			[ "$(json_get present_bytes)" = "$touched" ]
		check "partly touched: not_present_bytes $((BYTES - touched))" \
			[ "$(json_get not_present_bytes)" = "$((BYTES - touched))" ]
		check "partly touched: numa_maps agrees ($witness)" [ "$witness" = "$touched" ]
		want=$(expect_map 256 262144 $ranges)
		check "partly touched: map cells whole, mixed and absent where touched" \
			[ "$(json_get map)" = "$want" ] || diag "want $want" "got  $(json_get map)"
		kill -TERM "$pid"
		wait "$gdbpid"
	else
		kill "$gdbpid" 2>/dev/null
		wait "$gdbpid"
		skip "gdb cannot stop numamem in placement_query (no ptrace or no debug info)"
		diag "$(tail -n 5 "$T/gdb.out")"
	fi
fi
done_testing
