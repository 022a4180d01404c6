#!/bin/sh
# Exactly QEMU where QEMU speaks (issue 12): THP advice on every kind,
# thread-context affinity as given, JSON --object, the double copy of a
# private memfd.  The property rules and sizes are in refused.txt and
# tests/unit; qemu-compare.sh holds them against QEMU itself.
. "$(dirname "$0")/lib.sh"

# hold ARGS...: hold_region (lib.sh), and addr: the first region's address
hold() {
	hold_region "$@"
	addr=$(json_get address)
}

# smaps_kb FIELD: FIELD (kB) of the held region's mapping
smaps_kb() {
	awk -v a="${addr#0x}" -v f="$1:" '
		/^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); s = r[1]; sub(/^0+/, "", s); b = a; sub(/^0+/, "", b); on = s == b }
		on && $1 == f { print $2; exit }' "/proc/$pid/smaps"
}

# 1. THP advice on every RAM block, as QEMU's ram_block_add: a memfd
#    gets shmem huge pages when shmem_enabled is "advise".
shmem=/sys/kernel/mm/transparent_hugepage/shmem_enabled
if [ "$(id -u)" = 0 ] && [ -w "$shmem" ] && grep -q advise "$shmem"; then
	saved=$(sed 's/.*\[\(.*\)\].*/\1/' "$shmem")
	echo advise >"$shmem"
	hold --backend=memfd --size=16M --prealloc
	pmd=$(smaps_kb ShmemPmdMapped)
	flags=$(awk -v a="${addr#0x}" '/^[0-9a-f]+-/ { split($1, r, "-"); on = r[1] == a } on && /^VmFlags:/ { print; exit }' "/proc/$pid/smaps")
	release
	check "memfd, shmem_enabled=advise: ShmemPmdMapped 16384 kB ($pmd)" [ "$pmd" = 16384 ]
	check "memfd: VmFlags has hg ($flags)" sh -c "echo '$flags' | grep -qw hg"
	check "memfd: the report says thp" grep -q '"page_kind":"thp"' "$T/out"
	check "memfd: at a 2 MiB boundary ($addr)" [ $((addr % 2097152)) = 0 ]
	hold --backend=memfd --size=16M --prealloc --thp=off
	pmd=$(smaps_kb ShmemPmdMapped)
	release
	check "memfd, --thp=off: no ShmemPmdMapped ($pmd)" [ "$pmd" = 0 ]
	check "memfd, --thp=off: the report says base" grep -q '"page_kind":"base"' "$T/out"
	hold --backend=ram --share --size=16M --prealloc
	pmd=$(smaps_kb ShmemPmdMapped)
	release
	check "ram share=on (a memfd, as QEMU 10): ShmemPmdMapped 16384 kB ($pmd)" [ "$pmd" = 16384 ]
	echo "$saved" >"$shmem"
	check "shmem_enabled restored ($saved)" grep -q "\[$saved\]" "$shmem"
else
	skip "THP on memfd: needs root and $shmem"
fi

# 2. ram share=on is a memfd (QEMU 10's qemu_ram_alloc_shared): it has a
#    descriptor, and --fd can hand it on.
run --backend=ram --share --size=1M
check "ram share=on: the report names an fd" grep -q '^region m0: ram, 1 MiB at 0x[0-9a-f]*, fd [0-9]' "$T/out"
run --backend=ram --share --size=1M --fd=5 -- sh -c 'test -e /proc/self/fd/5 && readlink /proc/self/fd/5'
check "ram share=on --fd=5: the command gets a memfd ($(cat "$T/out"))" grep -q '^/memfd:numamem:m0' "$T/out"

# 3. thread-context: cpu-affinity applied as given, not narrowed to the
#    mask numamem was started with (QEMU's thread-context.c).
if [ "$(nproc --all)" -ge 2 ] && command -v taskset >/dev/null && taskset -c 1 true 2>/dev/null; then
	taskset -c 0 "$NUMAMEM" --object thread-context,id=tc,cpu-affinity=1 \
		--object memory-backend-ram,id=m0,size=8M,prealloc=on,prealloc-context=tc >"$T/out" 2>"$T/err"
	rc=$?
	check "taskset -c 0, cpu-affinity=1: exit 0 ($rc: $(cat "$T/err"))" [ $rc = 0 ]
	check "taskset -c 0, cpu-affinity=1: prealloc ran on CPU 1" grep -q 'with 1 thread on CPUs 1$' "$T/out"
else
	skip "cpu-affinity outside the launch mask: needs two usable CPUs"
fi
run --object thread-context,id=tc --object memory-backend-ram,id=m0,size=8M,prealloc=on,prealloc-context=tc
check "thread-context without affinity: accepted, threads not pinned ($rc)" \
	sh -c "[ $rc = 0 ] && grep -q '^  prealloc: .* threads\?\$' '$T/out'"
run --object thread-context,id=tc,node-affinity=0,node-affinity=9 \
	--object memory-backend-ram,id=m0,size=8M,prealloc=on,prealloc-context=tc
check "node-affinity=0 and 9 (no node 9): node 9 ignored, exit 0 ($rc: $(cat "$T/err"))" [ $rc = 0 ]
run --object thread-context,id=tc,node-affinity=9 \
	--object memory-backend-ram,id=m0,size=8M,prealloc=on,prealloc-context=tc
check "node-affinity=9 alone: exit 2, the nodes select no CPUs ($rc)" \
	[ "$rc:$(cat "$T/err")" = "2:numamem: node-affinity '9' of thread-context 'tc': the nodes select no CPUs" ]

# 4. JSON --object as libvirt writes it, through the same setters.
run --json --object '{"qom-type":"memory-backend-ram","id":"m0","size":8388608,"prealloc":true,"merge":false}'
check "JSON object: exit 0 ($rc: $(cat "$T/err"))" [ $rc = 0 ]
check "JSON object: 8 MiB present (prealloc true)" grep -q '"present_bytes":8388608' "$T/out"
run --json --object '{ "qom-type": "memory-backend-memfd", "id": "vm0", "size": 4194304, "policy": "bind", "host-nodes": [0], "share": true, "seal": false }'
check "JSON memfd with host-nodes [0]: exit 0 ($rc: $(cat "$T/err"))" [ $rc = 0 ]
check "JSON memfd: policy bind on node 0" grep -q '"policy":"bind"' "$T/out"
run --object '{"qom-type":"thread-context","id":"tc","cpu-affinity":[0]}' \
	--object '{"qom-type":"memory-backend-ram","id":"m0","size":4194304,"prealloc":true,"prealloc-context":"tc"}'
check "JSON thread-context cpu-affinity [0]: exit 0 ($rc)" [ $rc = 0 ]
# refusals: status 1, one line, nothing on stdout
while IFS='|' read -r spec want; do
	run --object "$spec"
	if [ $rc = 1 ] && [ ! -s "$T/out" ] && [ "$(cat "$T/err")" = "$want" ]; then
		ok "JSON refused: $spec"
	else
		not_ok "JSON refused: $spec"
		diag "status $rc" "got:  $(cat "$T/err")" "want: $want"
	fi
done <<'CASES'
{"qom-type":"memory-backend-ram","id":"m0","size":1048576|numamem: invalid --object JSON '{"qom-type":"memory-backend-ram","id":"m0","size":1048576': expected ',' or '}' at offset 57
{"qom-type":"memory-backend-ram","id":"m0","size":1048576,}|numamem: invalid --object JSON '{"qom-type":"memory-backend-ram","id":"m0","size":1048576,}': expected a key in double quotes at offset 58
{"qom-type":"memory-backend-ram","id":"m0","id":"m1","size":1}|numamem: invalid --object JSON '{"qom-type":"memory-backend-ram","id":"m0","id":"m1","size":1}': duplicate key 'id'
{"qom-type":"memory-backend-ram","id":"m0","size":1048576} x|numamem: invalid --object JSON '{"qom-type":"memory-backend-ram","id":"m0","size":1048576} x': text after the object at offset 59
{"qom-type":"memory-backend-ram","size":1048576}|numamem: --object '{"qom-type":"memory-backend-ram","size":1048576}': parameter 'id' is missing
{"qom-type":"memory-backend-ram","id":"m0","size":"1M"}|numamem: --object '{"qom-type":"memory-backend-ram","id":"m0","size":"1M"}': 'size' must be a number, not a string
{"qom-type":"memory-backend-ram","id":"m0","size":1.5e6}|numamem: --object '{"qom-type":"memory-backend-ram","id":"m0","size":1.5e6}': 'size' must be a whole number from 0, not 1.5e6
{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":"on"}|numamem: --object '{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":"on"}': 'prealloc' must be true or false, not a string
{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"bind","host-nodes":"0"}|numamem: --object '{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"bind","host-nodes":"0"}': 'host-nodes' must be an array, not a string
{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"bogus":true}|numamem: memory-backend-ram has no property 'bogus'
{"qom-type":"memory-backend-ram","id":"m0","size":0}|numamem: size '0' of region 'm0': a region needs a size above zero
{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":true,"reserve":false}|numamem: region 'm0': 'prealloc=on' and 'reserve=off' are incompatible
CASES

# 5. A memfd with share=off holds every page twice (shmem and the private
#    copy): warned, and counted twice by the room check.  The recorded
#    guest-2node topology has 1.27 GiB available.
NUMAMEM_SYSROOT=$top_srcdir/tests/topo/guest-2node run --backend=memfd --size=1G --no-share --prealloc
check "memfd share=off prealloc of 1 GiB where 1.27 GiB is available: exit 2 ($rc)" [ $rc = 2 ]
check "memfd share=off: warned, and 2 GiB needed" sh -c "grep -q \"^numamem: warning: region 'm0': a memfd with share=off keeps every page written twice\" '$T/err' &&
	grep -q \"^numamem: region 'm0': prealloc needs 2 GiB but nodes 0-1 have only\" '$T/err'"
done_testing
