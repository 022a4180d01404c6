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
SLURM_PROCID=3 SLURM_LOCALID=1 SLURM_NTASKS=8 SLURM_NODEID=2 SLURM_JOB_ID=4242 SLURM_STEP_ID=0 OMPI_COMM_WORLD_RANK=x \
	PMI_RANK=3 "$NUMAMEM" --size=1M --json >"$T/out" 2>"$T/err"
valid numamem-report.schema.json "report: rank variables"
# read by python3, an independent reader of the JSON
check "report: rank, local rank, world size, node, job and step as numbers, the variables beside them" \
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1]))
want = dict(rank=3, local_rank=1, world_size=8, node_id=2, job_id=4242, step_id=0)
assert all(type(d[k]) is int and d[k] == v for k, v in want.items()), d
assert d["launcher"] == "pmi" and d["rank_source"]["rank"] == "PMI_RANK", d
assert d["rank_source"]["world_size"] == "SLURM_NTASKS" and d["job_id_text"] == "4242", d' "$T/out"
SLURM_PROCID=0 SLURM_JOB_ID=123_4 "$NUMAMEM" --size=1M --json >"$T/out" 2>"$T/err"
valid numamem-report.schema.json "report: an array job's id"
check "report: job id 123_4 is null, its text kept" \
	"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1]))
assert d["job_id"] is None and d["job_id_text"] == "123_4" and d["rank_source"]["job_id"] == "SLURM_JOB_ID", d' "$T/out"
env -u SLURM_PROCID -u OMPI_COMM_WORLD_RANK -u PMI_RANK -u PMIX_RANK "$NUMAMEM" --size=1M --json >"$T/out" 2>"$T/err"
check "report: no launcher: rank null" grep -q '"launcher":null,"rank":null' "$T/out"
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
# the header's absolute start, against the wall clock read around the run
rm -f "$T/trace"
before=$(date +%s.%N)
OMPI_COMM_WORLD_RANK=5 OMPI_COMM_WORLD_SIZE=6 "$NUMAMEM" --size=1M --trace="$T/trace" -- true >"$T/out" 2>"$T/err"
after=$(date +%s.%N)
check "--trace header: hostname, rank 5 of 6, a start time in UTC between $before and $after" \
	"$PY" -c 'import json, sys, datetime; h = json.loads(open(sys.argv[1]).readline())
assert h["hostname"] == sys.argv[4] and h["rank"] == 5 and h["world_size"] == 6, h
assert float(sys.argv[2]) <= h["start_epoch"] <= float(sys.argv[3]), h
t = datetime.datetime.strptime(h["start_time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
assert abs(t.timestamp() - h["start_epoch"]) < 1e-5, h' "$T/trace" "$before" "$after" "$(hostname)"

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
