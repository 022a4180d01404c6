#!/bin/sh
# numastat's and migratepages' habits: --show-nodes' per-node meminfo
# against numastat -m read at the same moment (text and JSON), --pid's
# summary against numastat -p PID, every mapping of --pid's text against
# /proc/PID/numa_maps, several PIDs and command names, --pid --trace
# watching a running process, and --pid --migrate's answer (tests/numa
# moves pages between two nodes and compares migratepages(8)).
. "$(dirname "$0")/lib.sh"

if ! command -v numastat >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	[ -n "${CI:-}" ] && { not_ok "numastat and python3 are installed (tools/setup --tests)"; done_testing; }
	echo "1..0 # SKIP numastat or python3 missing (tools/setup --tests installs numactl)"
	exit 0
fi
VALIDATE="python3 $top_srcdir/tests/validate-json.py $top_srcdir/schema"
first=$(mem_nodes)
first=${first%% *}

# compare.py MODE NUMASTAT-OUTPUT NUMAMEM-OUTPUT: the rows numastat
# prints (MB, two decimals) against numamem's, per node; MODE meminfo
# (text or JSON of --show-nodes) or process (text or JSON of --pid).
# Volatile meminfo rows may differ by what the machine did between the
# two reads (TOL MiB); totals and huge page pools must be equal.
cat >"$T/compare.py" <<'EOF'
import json, re, sys
mode, ns_path, nm_path, tol = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
def table(text, start):
    """rows of a numastat-like table after a header line of Node columns"""
    rows, nodes = {}, None
    for line in text.splitlines():
        if nodes is None:
            if "Node " in line and re.match(start, line.strip()):
                nodes = [int(n) for n in re.findall(r"Node (\d+)", line)]
            continue
        f = line.split()
        if len(f) < len(nodes) + 2 or f[0].startswith("-"):
            continue
        try:
            rows[f[0]] = dict(zip(nodes, [float(v) for v in f[1:1 + len(nodes)]]))
        except ValueError:
            break
    return rows
ns = table(open(ns_path).read(), "")
out = open(nm_path).read()
if out.startswith("{"):
    docs = [json.loads(l) for l in out.splitlines() if l.strip()]
    if mode == "meminfo":
        nm = {}
        for node in docs[0]["nodes"]:
            for k, v in node["meminfo"].items():
                nm.setdefault(k, {})[node["node"]] = v / 1048576.0
    else:
        nm = {}
        for k, v in docs[0]["process"]["summary"].items():
            nm[k] = {int(n): b / 1048576.0 for n, b in v.items()}
else:
    nm = table(out, r"MEMINFO \(MiB\)" if mode == "meminfo" else r"Node ")
exact = {"MemTotal", "HugePages_Total", "Huge"}
bad, seen = [], 0
for key, per in ns.items():
    if key == "Total" or (mode == "meminfo" and key not in nm):
        continue
    for node, v in per.items():
        got = nm.get(key, {}).get(node, 0.0)
        seen += 1
        limit = 0.011 if key in exact or mode == "process" else tol
        if abs(got - v) > limit:
            bad.append("%s node %d: numastat %.2f, numamem %.2f" % (key, node, v, got))
if bad or seen < 4:
    sys.exit("; ".join(bad) or "only %d values compared" % seen)
print("%d values" % seen)
EOF

# --show-nodes' meminfo rows, text and JSON, against numastat -m
meminfo_case() {
	fmt=$1
	shift
	numastat -m >"$T/ns" 2>/dev/null
	run --show-nodes "$@"
	if [ "$rc" = 0 ] && python3 "$T/compare.py" meminfo "$T/ns" "$T/out" 32 >"$T/why" 2>&1; then
		ok "--show-nodes $fmt: numastat -m's rows, read at the same moment ($(cat "$T/why"); volatile rows within 32 MiB)"
	else
		not_ok "--show-nodes $fmt: numastat -m's rows"
		diag "status $rc" "$(cat "$T/why" "$T/err")"
	fi
}
meminfo_case text
meminfo_case JSON --json
run --show-nodes --json
check "--show-nodes --json with meminfo is valid (numamem-nodes.schema.json, strict)" \
	sh -c "$VALIDATE numamem-nodes.schema.json --strict <'$T/out' >/dev/null 2>&1"

# a process that stays as it is: sleep under its own command name
cp "$(command -v sleep)" "$T/nmstatsleep"
"$T/nmstatsleep" 1000 &
p1=$!
"$T/nmstatsleep" 1000 &
p2=$!
wait_for 10 grep -q stack "/proc/$p1/numa_maps"
wait_for 10 grep -q stack "/proc/$p2/numa_maps"

# summary_matches FORMAT...: numastat -p P1 and numamem --pid P1 agree
summary_matches() {
	numastat -p "$p1" >"$T/ns" 2>/dev/null
	"$NUMAMEM" --pid "$p1" "$@" >"$T/out" 2>"$T/err" &&
		python3 "$T/compare.py" process "$T/ns" "$T/out" 0 >"$T/why" 2>&1
}
check "--pid text: numastat -p's Huge, Heap, Stack, Private and Total per node, as numastat -p PID prints them" \
	wait_for 10 summary_matches
summary_matches || diag "$(cat "$T/why" "$T/ns" "$T/out")"
check "--pid --json: summary in bytes, numastat -p's figures" wait_for 10 summary_matches --json

# every mapping in the text, those without pages too
run --pid "$p1"
maps=$(wc -l <"/proc/$p1/numa_maps")
rows=$(awk '/^  0x[0-9a-f]+ /' "$T/out" | wc -l)
check "--pid text: a row for every mapping of numa_maps ($rows of $maps)" [ "$rows" = "$maps" ]
if hold_region --backend=memfd --size=64M; then
	run --pid "$pid"
	check "--pid text: the holder's untouched memfd listed with 0 bytes (the JSON lists it too)" \
		sh -c "grep -q ' 0 B /memfd:numamem:m0' '$T/out'"
	release
else
	not_ok "a memfd holder gets ready"
fi

# several processes, by id and by command name
run --pid "$p1,$p2"
n=$(grep -c '^process ' "$T/out")
check "--pid P1,P2: both reported (status $rc, $n reports)" [ "$rc:$n" = 0:2 ]
run --pid nmstatsleep --json
got=$(sed -n 's/.*"process":{"pid":\([0-9]*\).*/\1/p' "$T/out" | sort -n | tr '\n' ' ')
want=$(printf '%s\n' "$p1" "$p2" | sort -n | tr '\n' ' ')
check "--pid NAME --json: a document a line, for every process with that comm ($got)" \
	[ "$rc" = 0 ] && [ "$got" = "$want" ]
check "--pid NAME --json: each document valid (numamem-process.schema.json, strict)" \
	sh -c "$VALIDATE numamem-process.schema.json --strict <'$T/out' >/dev/null 2>&1"
run --pid nmstatsleep --pid "$p1"
n=$(grep -c '^process ' "$T/out")
check "--pid NAME --pid P: repeatable (status $rc, $n reports of 3)" [ "$rc:$n" = 0:3 ]
run --pid no-such-comm-x
check "--pid NAME no process has: one line, status 2" \
	[ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "no process has that command name" "$T/err"
run --pid "$p1,999999999"
check "--pid with one PID gone: status 2, the other reported" \
	[ "$rc" = 2 ] && grep -q "^process $p1 " "$T/out" && grep -q "no such process" "$T/err"

# --pid --trace: watched until the process exits, or for --hold's time
"$T/nmstatsleep" 1 &
short=$!
run --pid "$short" --trace="$T/trace"
lines=$(wc -l <"$T/trace" 2>/dev/null)
check "--pid P --trace: returns 0 once P exits, the trace header and ${lines:-0} lines, valid JSON" \
	[ "$rc" = 0 ] && ! running "$short" && [ "${lines:-0}" -ge 2 ] &&
	python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/trace"
check "--pid P --trace: every line valid (numamem-trace.schema.json, strict)" \
	sh -c "$VALIDATE numamem-trace.schema.json --strict <'$T/trace' >/dev/null 2>&1"
wait "$short"
run --pid "$p1" --trace="$T/trace2" --hold=0.5s
check "--pid P --trace --hold=0.5s: returns 0 while P still runs, with samples" \
	[ "$rc" = 0 ] && running "$p1" && [ "$(wc -l <"$T/trace2")" -ge 2 ]
run --pid "$p1,$p2" --trace="$T/trace3"
n=$(wc -l <"$T/err")
check "--pid P1,P2 --trace: refused, one line (status $rc, $n lines)" [ "$rc:$n" = 1:1 ]
run --pid "$p1" --hold=1s
check "--pid --hold without --trace: refused (status $rc)" [ "$rc" = 1 ]

# --migrate: numastat's node totals moved (here FROM is TO: nothing moves)
before=$(awk -v n="N$first" '{ for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == n) s += a[2] } } END { print s * 4096 }' "/proc/$p1/numa_maps")
run --pid "$p1" --migrate="$first:$first" --json --verify
check "--pid --migrate=$first:$first --verify: status 0, from_bytes $(json_get from_bytes) (numa_maps: $before), nothing failed" \
	[ "$rc" = 0 ] && [ "$(json_get failed_bytes)" = 0 ] && [ "$(json_get from_bytes)" = "$before" ] &&
	grep -q '"verify":"pass"' "$T/out"
check "--pid --migrate --json valid (numamem-process.schema.json, strict)" \
	sh -c "$VALIDATE numamem-process.schema.json --strict <'$T/out' >/dev/null 2>&1"
run --pid "$p1" --migrate=all:"$first"
check "--pid --migrate=all:$first text: the answer line and a row per node" \
	[ "$rc" = 0 ] && grep -q "^migrate pid $p1 (nmstatsleep) from node" "$T/out" && grep -q "^  $first " "$T/out"
mrefused() {
	want=$1 msg=$2
	shift 2
	run "$@"
	if [ "$rc" = "$want" ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q -- "$msg" "$T/err"; then
		ok "refused ($rc): $*: $(cat "$T/err")"
	else
		not_ok "refused ($want): $*"
		diag "status $rc" "$(cat "$T/out" "$T/err")"
	fi
}
mrefused 1 "needs --pid" --migrate=0:0 --show-nodes
mrefused 1 "expected FROM:TO" --pid "$p1" --migrate=0
mrefused 1 "expected FROM:TO" --pid "$p1" --migrate=0:1:2
mrefused 1 "invalid migrate" --pid "$p1" --migrate=x:0
mrefused 2 "does not exist" --pid "$p1" --migrate="$first:77"
mrefused 2 "no such process" --pid 999999999 --migrate=0:0
mrefused 1 "takes no --trace" --pid "$p1" --migrate=0:0 --trace="$T/t4"
if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1 && runuser -u nobody -- test -x "$NUMAMEM" 2>/dev/null; then
	runuser -u nobody -- "$NUMAMEM" --pid "$p1" --migrate="$first:$first" >"$T/out" 2>"$T/err"
	rc=$?
	check "--migrate on another user's process: one line, status 2 (EPERM)" \
		[ "$rc" = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q "not permitted" "$T/err"
else
	skip "--migrate as another user: needs root, runuser and a numamem user nobody may run"
fi

kill "$p1" "$p2"
wait "$p1" "$p2" 2>/dev/null
done_testing
