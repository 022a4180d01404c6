#!/bin/sh
# One JSON vocabulary (version 2) across every document and line numamem
# writes: the report (alone, and with a COMMAND's workload), --pid,
# --show-nodes, --measure, the --trace lines, and one mixed stream of
# --hold --traffic --json --control=stdio (the report, traffic lines,
# control answers, ok and error), split by "kind".  Every line:
#   - validates against its kind's schema (tests/validate-json.py --strict);
#   - starts with the same header, in order: version 2, kind, numamem (as
#     --version says), kernel (/proc/sys/kernel/osrelease), pid (numamem's
#     own: the pid the shell started, never the process it reads or runs),
#     hostname (hostname(1)), launcher, the rank fields, rank_source;
#   - times only as *_ms (no key ending in _seconds, _sec, _s, _us; the
#     latencies measured in ns excepted), every "address" 0x and lower-case
#     hex, "pid" at the top only (command_pid, target_pid below);
# and a mapping's name is the file's real name, numa_maps' octal escapes
# decoded (a file named with a space, a tab and '=').
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
VALIDATE="$top_srcdir/tests/validate-json.py"
need_jsonschema

# pids: "FILE PID" lines, the numamem that wrote each file of documents
: >"$T/pids"
# bg OUT ARGS...: numamem ARGS in the background, stdout in $T/OUT; its
# pid in $npid, recorded for OUT
bg() {
	out=$1
	shift
	"$NUMAMEM" "$@" >"$T/$out" 2>"$T/$out.err" &
	npid=$!
	echo "$out $npid" >>"$T/pids"
}
# fg OUT ARGS...: bg, then waited for; status in $rc
fg() {
	bg "$@"
	wait "$npid"
	rc=$?
}

fg report --size=4M --prealloc --json
check "report: status 0 ($rc)" [ "$rc" = 0 ]
fg nodes --show-nodes --json
check "--show-nodes: status 0 ($rc)" [ "$rc" = 0 ]
fg measure --measure --json
check "--measure: status 0 ($rc)" [ "$rc" = 0 ]

# A COMMAND that maps a file whose name numa_maps escapes, watched with
# --trace; --pid reads it while it runs.
odd="$T/a b	c=d"
head -c 65536 /dev/zero >"$odd"
cat >"$T/mapper.py" <<'X'
import mmap, os, sys, time
f = open(sys.argv[1], "r+b")
m = mmap.mmap(f.fileno(), 65536)
m[0:65536] = b"x" * 65536
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):   # until the test says so
    time.sleep(0.05)
X
bg workload --size=1M --json --trace="$T/trace" -- "$PY" "$T/mapper.py" "$odd" "$T/mapped" "$T/stop"
holder=$npid
echo "trace $holder" >>"$T/pids"
# samples TRACE N: at least N sample lines in the trace
samples() {
	[ "$(grep -c '"kind":"trace-sample"' "$1" 2>/dev/null)" -ge "$2" ]
}
check "the watched COMMAND maps its file" wait_for 30 test -e "$T/mapped"
cpid=$(head -n 1 "$T/trace" | sed -n 's/.*"command_pid":\([0-9]*\).*/\1/p')
fg process --pid="$cpid" --json
check "--pid=$cpid (the COMMAND): status 0 ($rc)" [ "$rc" = 0 ]
check "the trace has two samples" wait_for 30 samples "$T/trace" 2
touch "$T/stop"
wait "$holder"
rc=$?
check "the COMMAND's report: status 0 ($rc)" [ "$rc" = 0 ]

# One mixed stream: the report, traffic lines, control answers.
mkfifo "$T/in"
"$NUMAMEM" --size=4M --prealloc --hold --traffic=read,cpus=0 --json --control=stdio <"$T/in" >"$T/mixed" 2>"$T/mixed.err" &
hold=$!
echo "mixed $hold" >>"$T/pids"
exec 3>"$T/in"
printf 'query\nset m0 size=8M\nbogus\n' >&3
# lines KIND N: at least N lines of KIND in the stream
lines() {
	[ "$(grep -c "^{\"version\":2,\"kind\":\"$1\"" "$T/mixed")" -ge "$2" ]
}
check "the stream has three control answers" wait_for 30 lines control 3
check "the stream has a traffic line" wait_for 30 lines traffic 1
exec 3>&-
wait "$hold"
rc=$?
check "end of input ends the hold (status $rc)" [ "$rc" = 0 ]

# Every line: header, units, addresses, pids; then split by kind.
"$PY" - "$T" "$("$NUMAMEM" --version | awk '{ print $2 }')" "$(cat /proc/sys/kernel/osrelease)" "$(hostname)" \
	"$odd" <<'X' >"$T/rules" 2>&1
import json, os, re, sys
top, version, kernel, host, odd = sys.argv[1:6]
HEADER = ["version", "kind", "numamem", "kernel", "pid", "hostname", "launcher", "rank", "local_rank",
          "world_size", "node_id", "job_id", "step_id", "job_id_text", "rank_source"]
LATENCIES = {"latency_ns", "read_latency_ns", "write_latency_ns"}
bad, kinds, names = [], {}, []

def walk(where, v, depth):
    if isinstance(v, dict):
        for k, x in v.items():
            at = where + "." + k
            if re.search(r"(^|_)(seconds?|secs?|s|us|ns)$", k) and k not in LATENCIES and not k.endswith("_per_sec"):
                bad.append(f"{at}: a time not in *_ms")
            if k == "address" and not (isinstance(x, str) and re.fullmatch(r"0x[0-9a-f]+", x)):
                bad.append(f"{at}: {x!r} is no 0x address")
            if k == "pid" and depth and not at.endswith("ok.report.pid"):
                bad.append(f"{at}: pid below the top (not numamem's)")
            if k == "kind" and depth and not at.endswith("ok.report.kind"):
                bad.append(f"{at}: kind below the top")
            if k == "name" and where.endswith("]"):
                names.append(x)
            walk(at, x, depth + 1)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            walk(f"{where}[{i}]", x, depth)

for line in open(os.path.join(top, "pids")):
    name, pid = line.split()
    for n, text in enumerate(open(os.path.join(top, name)), 1):
        where = f"{name}:{n}"
        d = json.loads(text)
        head = list(d)[:len(HEADER)]
        if head != HEADER:
            bad.append(f"{where}: header {head}")
            continue
        want = {"version": 2, "numamem": version, "kernel": kernel, "pid": int(pid), "hostname": host}
        for k, v in want.items():
            if d[k] != v:
                bad.append(f"{where}: {k} {d[k]!r}, not {v!r}")
        if d["kind"] == "report" and "workload" in d and d["workload"]["command_pid"] == d["pid"]:
            bad.append(f"{where}: command_pid is numamem's pid")
        walk(where, d, 0)
        kinds.setdefault(d["kind"], []).append(text)
if odd not in names:
    near = sorted(set(n for n in names if n.startswith(top)))
    bad.append(f"no mapping named {odd!r} (names under the scratch directory: {near})")
for k, texts in kinds.items():
    with open(os.path.join(top, "kind-" + k), "w") as f:
        f.writelines(texts)
print("\n".join(bad) if bad else "ok", "|", " ".join(f"{k}:{len(v)}" for k, v in sorted(kinds.items())))
X
check "every line: the header in order, *_ms, 0x addresses, pid numamem's, the odd name decoded ($(tail -c 300 "$T/rules"))" \
	grep -q '^ok |' "$T/rules"
grep -q '^ok |' "$T/rules" || diag "$(cat "$T/rules")"

for kind in report process nodes measure traffic trace trace-sample control; do
	case $kind in trace*) schema=trace ;; *) schema=$kind ;; esac
	if [ -s "$T/kind-$kind" ] &&
		"$PY" "$VALIDATE" "$top_srcdir/schema" "numamem-$schema.schema.json" --strict <"$T/kind-$kind" >"$T/why" 2>&1; then
		ok "kind $kind: $(wc -l <"$T/kind-$kind") line(s), each valid against numamem-$schema.schema.json"
	else
		not_ok "kind $kind: present, each line valid against numamem-$schema.schema.json"
		diag "$(cat "$T/why" 2>/dev/null)"
	fi
done
check "control: an ok answer and an error answer" \
	sh -c "grep -q ',\"ok\":{\"command\":\"query\"' '$T/kind-control' && grep -q ',\"error\":\"unknown command' '$T/kind-control'"
done_testing
