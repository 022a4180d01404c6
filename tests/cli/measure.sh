#!/bin/sh
# --measure: the node x node matrices, shaped right in text and JSON
# (validated against schema/numamem-measure.schema.json): a row per node
# with CPUs, a column per node with memory, every value above zero.  Not
# a speed test.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"
rows=0
for d in /sys/devices/system/node/node[0-9]*; do [ -s "$d/cpulist" ] && [ -n "$(tr -d '\n' <"$d/cpulist")" ] && rows=$((rows + 1)); done
cols=$(mem_nodes | wc -w)

run --measure --json
check "json: status 0, one line, nothing on stderr" sh -c "[ $rc = 0 ] && [ \$(wc -l <'$T/out') = 1 ] && [ ! -s '$T/err' ]"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
	check "json: validates" "$PY" "$VALIDATE" "$top_srcdir/schema" numamem-measure.schema.json --strict <"$T/out"
	check "json: $rows x $cols matrices, every value above zero" "$PY" -c "
import json, sys
d = json.load(open('$T/out'))
for k in ('bandwidth_bytes_per_sec', 'latency_ns'):
    m = d[k]
    assert len(m) == len(d['initiators']) == $rows, k
    assert all(len(r) == len(d['targets']) == $cols for r in m), k
    assert all(v > 0 for r in m for v in r), k
assert len(d['threads']) == $rows
"
else
	skip "json: validates (python3-jsonschema missing)"
fi

run --measure
check "text: status 0, two tables" sh -c "[ $rc = 0 ] && [ \$(grep -c '^Read bandwidth (MB/s' '$T/out') = 1 ] && [ \$(grep -c '^Idle latency (ns' '$T/out') = 1 ]"
grep '^node [0-9]' "$T/out" | awk -v c="$cols" '{ if (NF != c + 2) print "fields"; for (i = 3; i <= NF; i++) if ($i + 0 <= 0) print "value" }' >"$T/bad"
check "text: $rows rows of $cols positive numbers in each" \
	sh -c "[ \$(grep -c '^node [0-9]' '$T/out') = $((rows * 2)) ] && [ ! -s '$T/bad' ]"
done_testing
