#!/bin/sh
# --measure: the node x node matrices and the loaded-latency curves,
# shaped right in text and JSON (validated against
# schema/numamem-measure.schema.json): a row per node with CPUs, a column
# per node with memory, every value above zero; the parts asked for and
# no others; buffers sized from a recorded sysfs cache tree (4x the
# last-level caches, each counted once, or 16x L2 per thread) and bounded
# by the node's free memory; each kernel set (NUMAMEM_KERNELS) named in
# the output.  Not a speed test: sizes and passes are tiny, and no
# figure is compared with another (bench/ does that).  The refusals of
# bad values are in refused.txt.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"
rows=0
for d in /sys/devices/system/node/node[0-9]*; do [ -s "$d/cpulist" ] && [ -n "$(tr -d '\n' <"$d/cpulist")" ] && rows=$((rows + 1)); done
cols=$(mem_nodes | wc -w)
ncpus=$(nproc)
has_py=false
"$PY" -c 'import jsonschema' 2>/dev/null && has_py=true
TINY=size=4M,repeats=3,seconds=5ms

validates() {
	if $has_py; then
		check "$1: validates" "$PY" "$VALIDATE" "$top_srcdir/schema" numamem-measure.schema.json --strict <"$T/out"
	else
		skip "$1: validates (python3-jsonschema missing)"
	fi
}

# pyjson NAME CODE: check NAME, CODE run on the document d ($T/out)
pyjson() {
	check "$1" "$PY" -c "
import json
d = json.load(open('$T/out'))
$2"
}

run --measure=$TINY --json
check "json: status 0, one line, nothing on stderr but a busy-machine warning" \
	sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/out') = 1 ] && ! grep -v 'the machine was busy' '$T/err'"
validates json
pyjson "json: $rows x $cols matrices of medians, min <= median <= max, every value above zero" "
R, C = $rows, $cols
assert d['parts'] == ['bandwidth', 'latency', 'loaded'], d['parts']
assert len(d['initiators']) == R and len(d['targets']) == C
mats = [d['bandwidth_bytes_per_sec'], d['latency_ns']]
stats = [d['bandwidth'][k] for k in ('read', 'write', 'copy')] + [d['latency']]
for s in stats:
    mats += [s['median'], s['min'], s['max']]
    for i in range(R):
        for j in range(C):
            assert s['min'][i][j] <= s['median'][i][j] <= s['max'][i][j], s
            assert s['spread'][i][j] >= 0
for m in mats:
    assert len(m) == R and all(len(r) == C for r in m), m
    assert all(v > 0 for r in m for v in r), m
assert d['bandwidth_bytes_per_sec'] == d['bandwidth']['read']['median']
assert d['latency_ns'] == d['latency']['median']
assert len(d['threads']) == len(d['llc_bytes']) == len(d['l2_bytes']) == R
assert len(d['target_bytes']) == len(d['bounded']) == len(d['huge_page_bytes']) == C
assert all(b == 4 << 20 for b in d['target_bytes']) and d['buffer_bytes'] == 4 << 20
assert d['repeats'] == 3 and d['pass_ms'] == 5.0
assert d['busy'] == (d['max_spread'] > 0.10)
"
# loaded latency: one curve per target when there is a second CPU
if [ "$ncpus" -ge 2 ]; then
	pyjson "json: a loaded-latency curve per target, 7 points from delay 0 up, every latency above zero" "
ll = d['loaded_latency']
assert [c['target'] for c in ll] == d['targets'], ll
for c in ll:
    assert c['injectors'] >= 1 and c['initiator'] in d['initiators']
    ds = [p['delay'] for p in c['points']]
    assert len(ds) == 7 and ds[0] == 0 and ds == sorted(ds), ds
    assert all(p['latency_ns'] > 0 and p['bandwidth_bytes_per_sec'] >= 0 for p in c['points'])
    assert c['points'][0]['bandwidth_bytes_per_sec'] > 0
"
else
	skip "json: loaded-latency curves (one CPU: nothing to inject from)"
fi

run --measure=$TINY
check "text: status 0; four tables and a loaded-latency curve per target" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c '^Read bandwidth (MB/s' '$T/out') = 1 ] && [ \$(grep -c '^Write bandwidth (MB/s' '$T/out') = 1 ] &&
		[ \$(grep -c '^Copy bandwidth (MB/s' '$T/out') = 1 ] && [ \$(grep -c '^Idle latency (ns' '$T/out') = 1 ] &&
		[ \$(grep -c '^Loaded latency, node [0-9]' '$T/out') = $cols ]"
grep '^node [0-9]' "$T/out" | awk -v c="$cols" '{ if (NF != 2 + 3 * c) print "fields"; for (i = 3; i <= NF; i += 3) if ($i + 0 <= 0) print "value" }' >"$T/bad"
check "text: $rows rows of $cols positive medians with their spread in each table" \
	sh -c "[ \$(grep -c '^node [0-9]' '$T/out') = $((rows * 4)) ] && [ ! -s '$T/bad' ]"
check "text: each target's size and huge pages, each initiator's caches, the kernels" \
	sh -c "[ \$(grep -c '^Target node [0-9]*: 4 MiB (below 4x the last-level cache' '$T/out') = $cols ] &&
		[ \$(grep -c '^Initiator node [0-9]*: [0-9]* threads, last-level cache' '$T/out') = $rows ] &&
		grep -q '^Kernels [a-z0-9]*; median of 3 passes of 0.005 s after a warm-up' '$T/out'"
if [ "$ncpus" -ge 2 ]; then
	awk '/^Loaded latency, node/ { n = 0; inside = 1; next }
		inside && /^ *delay/ { next }
		inside && NF >= 3 { n++; if ($1 !~ /^[0-9]+$/ || $3 + 0 <= 0) print "bad " $0; next }
		inside { if (n != 7) print "points " n; inside = 0 }
		END { if (inside && n != 7) print "points " n }' "$T/out" >"$T/bad"
	check "text: each curve has 7 rows of delay, MB/s and ns" [ ! -s "$T/bad" ]
fi

# the parts asked for, and no others
run --measure=latency,$TINY --json
pyjson "latency alone: latency matrices, no bandwidth, no curves" "
assert d['parts'] == ['latency']
assert 'latency_ns' in d and 'bandwidth' not in d and 'bandwidth_bytes_per_sec' not in d and 'loaded_latency' not in d
"
validates "latency alone"
run --measure=bandwidth,$TINY
check "bandwidth alone (text): three bandwidth tables, no latency" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c 'bandwidth (MB/s' '$T/out') = 3 ] && ! grep -q 'atency' '$T/out'"

# kernels: each set the CPU has is named and measures
for k in scalar sse2 avx2 avx512; do
	NUMAMEM_KERNELS=$k "$NUMAMEM" --measure=bandwidth,size=2M,repeats=1,seconds=1ms --json >"$T/out" 2>"$T/err"
	case $k in
	scalar | sse2) want=$k ;;
	avx2) grep -qw avx2 /proc/cpuinfo && want=$k || want= ;;
	avx512) grep -qw avx512f /proc/cpuinfo && want=$k || want= ;;
	esac
	if [ -n "$want" ]; then
		pyjson "NUMAMEM_KERNELS=$k: the kernels are $k, every bandwidth above zero" "
assert d['kernels'] == '$k'
assert all(v > 0 for op in ('read', 'write', 'copy') for r in d['bandwidth'][op]['median'] for v in r)
"
	else
		skip "NUMAMEM_KERNELS=$k: this CPU has no $k"
	fi
done

# Sizes from a recorded sysfs tree: this machine's nodes and CPUs (the
# buffers are bound to its real nodes) with caches of our making.
# mktree DIR L3 L3SHARE L2 [MEMFREE_KB]: L3SHARE all (one L3 for every
# CPU) or own (one each); no L3 when L3 is 0
mktree() {
	dir=$1
	rm -rf "$dir"
	mkdir -p "$dir/sys/devices/system/cpu" "$dir/proc/self" "$dir/proc/sys/kernel"
	cat /proc/self/status >"$dir/proc/self/status"
	cp /proc/meminfo "$dir/proc/meminfo"
	cp /proc/sys/kernel/osrelease "$dir/proc/sys/kernel/osrelease"
	cp /sys/devices/system/cpu/online "$dir/sys/devices/system/cpu/online"
	for f in online possible has_memory has_cpu has_normal_memory; do
		[ -r /sys/devices/system/node/$f ] && { mkdir -p "$dir/sys/devices/system/node"; cp /sys/devices/system/node/$f "$dir/sys/devices/system/node/"; }
	done
	for n in /sys/devices/system/node/node[0-9]*; do
		mkdir -p "$dir$n"
		cp "$n/cpulist" "$n/distance" "$dir$n/"
		if [ -n "$5" ]; then
			sed "s/MemFree: *[0-9]*/MemFree:        $5/" "$n/meminfo" >"$dir$n/meminfo"
		else
			cp "$n/meminfo" "$dir$n/meminfo"
		fi
	done
	all=$(cat /sys/devices/system/cpu/online)
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		cpu=${c##*/cpu}
		[ -d "$c/cache" ] || [ -d "$c/topology" ] || continue
		i=$dir$c/cache
		mkdir -p "$i/index0" "$i/index1" "$i/index2"
		printf '1\n' >"$i/index0/level"; printf 'Data\n' >"$i/index0/type"; printf '32K\n' >"$i/index0/size"
		printf '1\n' >"$i/index1/level"; printf 'Instruction\n' >"$i/index1/type"; printf '32K\n' >"$i/index1/size"
		printf '2\n' >"$i/index2/level"; printf 'Unified\n' >"$i/index2/type"; printf '%s\n' "$4" >"$i/index2/size"
		echo "$cpu" >"$i/index2/shared_cpu_list"
		if [ "$2" != 0 ]; then
			mkdir -p "$i/index3"
			printf '3\n' >"$i/index3/level"
			printf 'Unified\n' >"$i/index3/type"
			printf '%s\n' "$2" >"$i/index3/size"
			if [ "$3" = all ]; then echo "$all" >"$i/index3/shared_cpu_list"; else echo "$cpu" >"$i/index3/shared_cpu_list"; fi
		fi
	done
}

# the most CPUs of one node this process may use
maxcpus=$("$PY" -c "
import glob, os
def parse(s):
    r = set()
    for part in s.strip().split(','):
        if part:
            a, _, b = part.partition('-')
            r |= set(range(int(a), int(b or a) + 1))
    return r
print(max(len(parse(open(d + '/cpulist').read()) & os.sched_getaffinity(0))
          for d in glob.glob('/sys/devices/system/node/node[0-9]*')))")

# sized CASE L3 SHARE L2 MEMFREE WANT_BYTES BOUNDED
sized() {
	mktree "$T/root" "$2" "$3" "$4" "$5"
	NUMAMEM_SYSROOT=$T/root "$NUMAMEM" --measure=bandwidth,repeats=1,seconds=1ms --json >"$T/out" 2>"$T/err"
	rc=$?
	check "$1: status 0 ($rc)" [ $rc = 0 ]
	pyjson "$1: buffer_bytes $6, every target's bytes $7" "
assert d['buffer_bytes'] == $6, d['buffer_bytes']
b = '$7'
for t, bounded in zip(d['target_bytes'], d['bounded']):
    if b == 'full':
        assert t == $6 and not bounded, (t, bounded)
    else:
        assert t == int(b) and bounded, (t, bounded)
"
}

mib=1048576
# one 3 MiB L3 for every CPU, 64 KiB L2: 4 x 3 MiB (16 x 64 KiB x CPUs is less)
want=$((12 * mib))
[ $((16 * 65536 * maxcpus)) -gt $want ] && want=$(((16 * 65536 * maxcpus + 2 * mib - 1) / (2 * mib) * (2 * mib)))
sized "one shared 3 MiB L3" 3072K all 64K "" $want full
pyjson "one shared 3 MiB L3: llc_bytes 3 MiB and l2_bytes 64 KiB for every initiator, caches from sysfs" "
assert d['caches'] == 'sysfs'
assert all(v == 3 << 20 for v in d['llc_bytes']) and all(v == 64 << 10 for v in d['l2_bytes']), d
"
# an L3 of 1 MiB for each CPU: counted once each
want=$((4 * mib * maxcpus))
[ $want -lt $((2 * mib)) ] && want=$((2 * mib))
want=$(((want + 2 * mib - 1) / (2 * mib) * (2 * mib)))
sized "an own 1 MiB L3 for each CPU" 1M own 64K "" $want full
# no L3 and a 2 MiB L2: 16 x 2 MiB a thread
want=$((32 * mib * maxcpus))
sized "no L3, 2 MiB L2 a CPU" 0 all 2M "" $want full
# a node that has 20 MiB free: bounded at half
sized "3 MiB L3, 20 MiB free a node" 3M all 64K 20480 $((12 * mib)) $((10 * mib))
run_text() {
	NUMAMEM_SYSROOT=$T/root "$NUMAMEM" --measure=bandwidth,repeats=1,seconds=1ms >"$T/out" 2>"$T/err"
}
run_text
check "3 MiB L3, 20 MiB free a node: the text says the buffer is bounded" \
	grep -q "^Target node [0-9]*: 10 MiB (bounded by the node's free memory)" "$T/out"
done_testing
