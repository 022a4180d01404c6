#!/bin/sh
# Every JSON document numamem prints validates against its published
# schema (schema/*.schema.json, draft 2020-12) with a real validator,
# Debian's python3-jsonschema; strictly, so that every field printed is
# documented there.  Without the validator the file skips, except under
# CI, which must run it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"
SCHEMAS=$top_srcdir/schema
need_jsonschema

# valid SCHEMA DESCRIPTION: $T/out validates against SCHEMA
valid() {
	if "$PY" "$VALIDATE" "$SCHEMAS" "$1" --strict <"$T/out" >"$T/why" 2>&1 && [ -s "$T/out" ]; then
		ok "$2"
	else
		not_ok "$2"
		diag "$(cat "$T/why")" "$(head -c 600 "$T/out")"
	fi
}

for s in "$SCHEMAS"/*.schema.json; do
	"$PY" "$VALIDATE" "$SCHEMAS" "$(basename "$s")" </dev/null >"$T/why" 2>&1
	check "$(basename "$s") is a valid draft 2020-12 schema" [ $? = 0 ]
done

first=$(mem_nodes | awk '{ print $1 }')
run --size=4M --json
valid numamem-report.schema.json "report: a ram region, nothing present"
run --size=8M --prealloc --policy=bind --host-nodes="$first" --map --verify --json
valid numamem-report.schema.json "report: bound, preallocated, map, verify"
run --backend=memfd --size=4M --prealloc --policy=interleave --host-nodes=all --json
valid numamem-report.schema.json "report: memfd interleaved"
run --backend=file --mem-path="$T" --size=4M --prealloc --offset=0 --json
valid numamem-report.schema.json "report: file in a directory"
run --backend=shm --size=4M --policy=preferred --host-nodes="$first" --json
valid numamem-report.schema.json "report: shm preferred"
run --object thread-context,id=tc,node-affinity="$first" \
	--object memory-backend-ram,id=a,size=4M,prealloc=on,prealloc-context=tc \
	--object memory-backend-memfd,id=b.c,size=4M,policy=local --json
valid numamem-report.schema.json "report: two regions, a thread-context, policy local"
SLURM_PROCID=7 SLURM_LOCALID=1 OMPI_COMM_WORLD_RANK=x PMI_RANK=3 "$NUMAMEM" --size=1M --json >"$T/out" 2>"$T/err"
valid numamem-report.schema.json "report: rank variables"
check "report: the rank variables set to numbers, and only those" \
	grep -q '"rank":{"SLURM_PROCID":7,"SLURM_LOCALID":1,"PMI_RANK":3}' "$T/out"
check "report: pid and hostname" grep -q "\"hostname\":\"$(hostname)\"" "$T/out"

# A COMMAND: the report comes after it, with its own memory
# (the sleep is COMMAND's, kept: time on purpose, so that it lives to be
# sampled; the schema is what is judged, not what was sampled)
run --size=4M --json --membind="$first" --verify --trace="$T/trace" -- sh -c 'x=$(head -c 3000000 /dev/zero | tr "\\0" x); sleep 0.2'
valid numamem-report.schema.json "report: a COMMAND, its memory watched, --membind --verify"
check "report with a COMMAND: has the workload object" grep -q '"workload":{"command_pid":' "$T/out"
run --size=4M --json -- true
valid numamem-report.schema.json "report: a COMMAND without a policy of its own"
cp "$T/trace" "$T/out"
valid numamem-trace.schema.json "--trace: every line of a real trace"

run --show-nodes --json
valid numamem-nodes.schema.json "--show-nodes: this host"
for topo in "$top_srcdir"/tests/topo/*/; do
	[ -d "$topo/sys" ] || continue
	NUMAMEM_SYSROOT=$topo "$NUMAMEM" --show-nodes --json >"$T/out" 2>"$T/err"
	valid numamem-nodes.schema.json "--show-nodes: recorded topology $(basename "$topo")"
done

sleep 30 & # kept: the subject of --pid, not a wait (killed below)
sp=$!
run --pid=$sp --json
valid numamem-process.schema.json "--pid: a running process"
run --pid=$$ --json --verify
valid numamem-process.schema.json "--pid --verify: this shell"
kill $sp 2>/dev/null

# the validator can fail: a renamed field is caught
run --size=1M --json
sed 's/"page_kind"/"pagekind"/' "$T/out" >"$T/bad" && mv "$T/bad" "$T/out"
if "$PY" "$VALIDATE" "$SCHEMAS" numamem-report.schema.json --strict <"$T/out" >/dev/null 2>&1; then
	not_ok "a report with a renamed field is refused"
else
	ok "a report with a renamed field is refused"
fi
done_testing
