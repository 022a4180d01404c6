#!/bin/sh
# README's Slurm recipes, run as README writes them, under a real
# single-node Slurm brought up from Debian's packages by this test: a
# slurm.conf generated for this host (its node line from slurmd -C), a
# munge key of its own, munged, slurmctld and slurmd in the foreground as
# the test's children, with private state, spool, log, pid and socket
# files under the test's directory and private ports; all stopped on
# every exit path, and checked gone (no process, no listening port).
#
# The witnesses are Slurm's own: the environment slurmstepd gives each task
# (written by a task prolog, SLURM_TASK_PROLOG, in the same step and task:
# its SLURM_TASK_PID is numamem's pid), each task's /proc/self/status, and
# the numa_maps of the command numamem runs.
. "$(dirname "$0")/lib.sh"

PATH=$PATH:/usr/sbin:/sbin
skip_or_fail() { # REASON: skipped, but a failure under CI (tools/setup --tests installs Slurm)
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}
missing=
for c in slurmctld slurmd srun sinfo munged; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
[ -z "$missing" ] || skip_or_fail "no$missing (apt-get install slurmd slurmctld slurm-client munge)"
[ "$(id -u)" = 0 ] || skip_or_fail "needs root (slurmd runs each task as its user)"
if [ "$(getconf _NPROCESSORS_ONLN)" -lt 2 ]; then
	echo "1..0 # SKIP README's recipes run two tasks a CPU each: this host has one CPU"
	exit 0
fi

started=$(date +%s)
host=$(hostname -s)
chmod 711 "$T" # munged wants every directory above its socket searchable by all
mkdir -m 700 "$T/munge" "$T/state" "$T/spool" "$T/log" "$T/run"
mkdir -m 755 "$T/sock" "$T/bin"
# numamem as README's lines name it, on PATH (NUMAMEM may be the valgrind wrapper)
ln -s "$NUMAMEM" "$T/bin/numamem"
PATH=$T/bin:$PATH
export PATH

# Private ports: a free block of 16 from a start that depends on this
# test's pid (two runs at once get different blocks), none listening now.
listening() { # PORT: something listens on it (IPv4 or IPv6)
	awk -v p="$(printf '%04X' "$1")" '$4 == "0A" && $2 ~ (":" p "$") { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}
block_free() { # FIRST: the 16 ports from FIRST are free
	i=0
	while [ $i -lt 16 ]; do
		listening $(($1 + i)) && return 1
		i=$((i + 1))
	done
}
port=$((20000 + ($$ % 600) * 16))
while ! block_free $port; do
	port=$((port + 16))
	[ $port -lt 30000 ] || port=20000
done
ctld_port=$port
slurmd_port=$((port + 1))
srun_ports="$((port + 2))-$((port + 15))"

# Every Slurm command of the test is given the private configuration
# (the test's own shell is not, so that its leftovers can be told apart).
sl() { env SLURM_CONF="$T/slurm.conf" "$@"; }

# Stop whatever the test started, on every exit path: the daemons by
# their pids, then any process still carrying the test's configuration
# (a step daemon or task left by a run that was interrupted).
pids=
ours() { # the pids of processes that carry this test's files or configuration
	for d in /proc/[0-9]*; do
		p=${d#/proc/}
		[ "$p" != $$ ] || continue
		if { tr '\0' '\n' <"$d/environ" | grep -qx "SLURM_CONF=$T/slurm.conf" ||
			tr '\0' ' ' <"$d/cmdline" | grep -qF "$T/"; } 2>/dev/null; then
			echo "$p"
		fi
	done
}
gone() { # PID...: none of them runs any more
	for p; do running "$p" && return 1; done
	return 0
}
stop_all() {
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	# shellcheck disable=SC2086
	wait_for 30 gone $pids || kill -KILL $pids 2>/dev/null
	# shellcheck disable=SC2086
	wait $pids 2>/dev/null
	left=$(ours)
	# shellcheck disable=SC2086
	[ -z "$left" ] || kill -KILL $left 2>/dev/null
	pids=
}
trap 'stop_all; rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# munge: a key of the test's own, its socket in the test's directory
if command -v mungekey >/dev/null 2>&1; then
	mungekey --create --keyfile="$T/munge/key" 2>"$T/log/mungekey.err"
else
	dd if=/dev/urandom of="$T/munge/key" bs=1024 count=1 2>/dev/null
fi
chmod 600 "$T/munge/key"
munged -F --key-file="$T/munge/key" --socket="$T/sock/munge" --pid-file="$T/munge/pid" \
	--log-file="$T/log/munged.log" --seed-file="$T/munge/seed" >"$T/log/munged.out" 2>&1 &
munged_pid=$!
pids=$munged_pid
socket_or_gone() { [ -S "$T/sock/munge" ] || ! running "$munged_pid"; }
wait_for 30 socket_or_gone
if ! [ -S "$T/sock/munge" ]; then
	not_ok "munged started, its socket at $T/sock/munge"
	diag "$(tail -n 5 "$T/log/munged.out")"
	done_testing
fi

# slurm.conf for this host: its node as slurmd -C sees it (CPUs, boards,
# sockets, cores, threads and RealMemory), one partition, task/affinity
# for --cpu-bind and --mem-bind, no cgroup (none is needed to bind)
node=$(slurmd -C 2>/dev/null | sed -n '1s/^\(NodeName=.* RealMemory=[0-9]*\).*/\1/p')
cat >"$T/slurm.conf" <<EOF
ClusterName=numamemtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SrunPortRange=$srun_ports
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/sock/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=numamem Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
diag "slurm.conf: $node; ports $ctld_port, $slurmd_port, srun $srun_ports"
sl slurmctld -D -i -f "$T/slurm.conf" >"$T/log/slurmctld.out" 2>&1 &
pids="$pids $!"
sl slurmd -D -f "$T/slurm.conf" >"$T/log/slurmd.out" 2>&1 &
pids="$pids $!"
idle() { [ "$(sl sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ]; }
if ! wait_for 60 idle; then
	not_ok "slurmctld and slurmd up, node $host idle within 60 s"
	diag "$(sl sinfo 2>&1)" "$(tail -n 5 "$T/log/slurmctld.out" "$T/log/slurmd.out")"
	done_testing
fi
ok "munged, slurmctld and slurmd up, node $host idle ($(($(date +%s) - started)) s; $node)"

# README's recipes, word for word: its lines that start with "srun"
sed -n 's/^    \(srun .*\)$/\1/p' "$top_srcdir/README" >"$T/recipes"
recipe() { # PATTERN: README's srun line that holds PATTERN
	grep -F -e "$1" "$T/recipes" | head -n 1
}
ranks=$(recipe '-o rank%r.json')
show=$(recipe '--cpu-bind=cores numamem -s')
membind=$(recipe '--mem-bind=local numamem')
conflict=$(recipe '--cpu-bind=map_cpu:0 numamem -C 1')
check "README's four srun recipes found ($(wc -l <"$T/recipes") srun lines)" \
	eval '[ -n "$ranks" ] && [ -n "$show" ] && [ -n "$membind" ] && [ -n "$conflict" ]'
# the README's ./workload: what it runs under, as the kernel says
cat >"$T/workload" <<'EOF'
#!/bin/sh
# the policy numa_maps shows for a mapping of no policy of its own is the task's
echo "workload: cpus $(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)" \
	"mems $(sed -n 's/^Mems_allowed_list:[[:space:]]*//p' /proc/self/status)" \
	"policy $(awk 'NR == 1 { print $2 }' /proc/self/numa_maps)"
EOF
chmod 755 "$T/workload"
# in_t COMMAND...: in the test's directory, as a user in theirs; out, err, rc
in_t() {
	(cd "$T" && eval "sl $*") >"$T/out" 2>"$T/err"
	rc=$?
}
# numamem's lines on stderr (srun's own "srun: ..." lines left out)
numamem_err() { grep -v '^srun: ' "$T/err"; }

# origin FILE: "rank local_rank world_size node_id job_id step_id pid" from
# numamem's JSON: numbers (or null) in the header of every document.
origin() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = ("rank", "local_rank", "world_size", "node_id", "job_id", "step_id", "pid")
print(" ".join("missing" if d.get(k) is None else str(d[k]) for k in keys))' "$1" 2>/dev/null || echo "unreadable"
}
# slurm_env FILE: the same, from the environment Slurm gave the task
slurm_env() {
	for v in SLURM_PROCID SLURM_LOCALID SLURM_NTASKS SLURM_NODEID SLURM_JOB_ID SLURM_STEP_ID SLURM_TASK_PID; do
		sed -n "s/^$v=//p" "$1" | grep . || echo missing
	done | tr '\n' ' ' | sed 's/ $//'
}

# 1. one JSON report per task, each with Slurm's rank, local rank, world
#    size, node, job and step; the witness is each task's environment,
#    written by a task prolog in the same step (SLURM_TASK_PROLOG: srun's
#    --task-prolog, without changing README's line)
cat >"$T/prolog" <<EOF
#!/bin/sh
env >"$T/env.\$SLURM_PROCID"
EOF
chmod 755 "$T/prolog"
in_t "SLURM_TASK_PROLOG=$T/prolog $ranks"
check "$ranks: status 0 ($rc: $(numamem_err | head -n 2))" [ "$rc" = 0 ]
for t in 0 1; do
	got=$(origin "$T/rank$t.json")
	want=$(slurm_env "$T/env.$t")
	check "task $t: rank, local rank, world size, node, job, step and pid are Slurm's ($got; Slurm: $want)" \
		eval '[ "$got" = "$want" ] && [ "${got%% *}" = "$t" ]'
done
verdicts=$(for t in 0 1; do python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["verdict"]["result"])' "$T/rank$t.json" 2>/dev/null || echo unreadable; done | tr '\n' ' ')
check "both reports' verdict is pass ($verdicts)" [ "$verdicts" = "pass pass " ]
if command -v jq >/dev/null 2>&1; then
	join=$(sed -n "s/^    \(jq -s .* rank\*\.json\)$/\1/p" "$top_srcdir/README")
	in_t "$join"
	check "README's jq line joins both reports ($(tr -d ' \n' <"$T/out" | cut -c1-100))" \
		eval '[ "$rc" = 0 ] && [ "$(grep -c "\"host\"" "$T/out")" = 2 ]'
else
	skip "no jq to run README's join"
fi

# 2. numactl's --show in each task: the CPUs Slurm gave it.  Needs
#    numamem -s (numactl's --show), which this branch does not have yet.
# words LIST: "0-2,5" as "0 1 2 5"
words() {
	echo "$1" | tr ',' '\n' | awk -F- 'NF { e = NF > 1 ? $2 : $1; for (c = $1; c <= e; c++) printf "%d ", c }' | sed 's/ $//'
}
in_t "$show"
show_rc=$rc
cp "$T/out" "$T/show.out"
in_t "srun -l -n2 --cpu-bind=cores grep Cpus_allowed_list /proc/self/status"
for t in 0 1; do
	got=$(sed -n "s/^ *$t: physcpubind: *//p" "$T/show.out" | sed 's/ *$//')
	want=$(words "$(sed -n "s/^ *$t: Cpus_allowed_list:[[:space:]]*//p" "$T/out")")
	check "$show: task $t shows physcpubind: $want, the CPUs Slurm gave it (status $show_rc: ${got:-none})" \
		eval '[ "$show_rc" = 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]'
done
# and in the very task: numamem -s against its own task's Cpus_allowed_list
in_t "srun -n2 --cpu-bind=cores --output=show%t.txt sh -c 'numamem -s; grep Cpus_allowed_list /proc/self/status'"
for t in 0 1; do
	got=$(sed -n 's/^physcpubind: *//p' "$T/show$t.txt" 2>/dev/null | sed 's/ *$//')
	want=$(words "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "$T/show$t.txt" 2>/dev/null)")
	check "numamem -s in task $t: physcpubind: $want, its own task's Cpus_allowed_list (${got:-none})" \
		eval '[ -n "$want" ] && [ "$got" = "$want" ]'
done

# 3. COMMAND keeps Slurm's memory binding (--mem-bind=local: bound to the
#    nodes of the task's CPUs), and the report says so and who set it.
#    The witness: the workload's own numa_maps and status.
# nodes_of CPUS: the nodes those CPUs are on, as words ("0 1")
nodes_of() {
	for d in /sys/devices/system/node/node[0-9]*; do
		for c in $(words "$(cat "$d/cpulist")"); do
			case " $(words "$1") " in *" $c "*) echo "${d##*node}"; break ;; esac
		done
	done | sort -n | tr '\n' ' ' | sed 's/ $//'
}
commas() { echo "$1" | tr ' ' ','; }
in_t "$membind"
w=$(grep '^workload:' "$T/out")
cpus=$(echo "$w" | sed -n 's/.*cpus \([^ ]*\) .*/\1/p')
local_nodes=$(nodes_of "$cpus")
bound=$(words "$(echo "$w" | sed -n 's/.* policy bind:\([0-9,-]*\)$/\1/p')")
check "$membind: status 0, nothing from numamem on stderr ($rc: $(numamem_err | head -n 1))" \
	eval '[ "$rc" = 0 ] && [ -z "$(numamem_err)" ]'
check "the workload runs bound as Slurm set it, to the nodes of its CPUs $cpus: $local_nodes ($w)" \
	eval '[ -n "$local_nodes" ] && [ "$bound" = "$local_nodes" ]'
said=$(words "$(sed -n 's/^  ran under:    memory bind \([0-9,-]*\), inherited from the launcher (SLURM_MEM_BIND=[a-z,]*local)$/\1/p' "$T/out")")
check "the text report: memory bind $local_nodes, inherited from the launcher (SLURM_MEM_BIND=...local) (${said:-none})" \
	eval '[ -n "$said" ] && [ "$said" = "$local_nodes" ]'
check "the text report: CPUs $cpus, inherited from the launcher (SLURM_CPU_BIND=...)" \
	grep -q "^ *CPUs $cpus, inherited from the launcher (SLURM_CPU_BIND=" "$T/out"
# ran_under FILE: "memory POLICY NODES SET_BY CONFLICT cpus CPUS SET_BY CONFLICT launcher NAME"
ran_under() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if not line.startswith("{"):
        continue
    r = json.loads(line)["workload"]["ran_under"]
    m, c = r["memory"], r["cpus"]
    l = lambda s: ",".join(str(n) for n in s) or "-"
    print("memory", m["policy"], l(m["nodes"]), m["set_by"], str(m["conflict"]).lower(),
          "cpus", l(c["cpus"]), c["set_by"], str(c["conflict"]).lower(), "launcher", r["launcher"])' "$1" 2>/dev/null ||
		echo unreadable
}
# the same under --json (not a README line: README shows the text report)
in_t "srun --mem-bind=local numamem --size=16M --prealloc --json -- ./workload"
w=$(grep '^workload:' "$T/out")
cpus=$(echo "$w" | sed -n 's/.*cpus \([^ ]*\) .*/\1/p')
local_nodes=$(nodes_of "$cpus")
bound=$(words "$(echo "$w" | sed -n 's/.* policy bind:\([0-9,-]*\)$/\1/p')")
got=$(ran_under "$T/out")
want="memory bind $(commas "$local_nodes") launcher false cpus $(commas "$(words "$cpus")") launcher false launcher slurm"
check "--json: ran_under says what the workload ran under, Slurm's ($got)" \
	eval '[ "$rc" = 0 ] && [ "$got" = "$want" ] && [ "$bound" = "$local_nodes" ]'
if python3 -c 'import jsonschema' 2>/dev/null; then
	grep '^{' "$T/out" >"$T/report.json"
	check "--json under Slurm: the report is valid against numamem-report.schema.json" \
		eval 'python3 "$top_srcdir/tests/validate-json.py" "$top_srcdir/schema" numamem-report.schema.json --strict <"$T/report.json"'
else
	skip "no python3-jsonschema"
fi

# 4. numamem's option against Slurm's: agreement is silent, a conflict one
#    line, and numamem's explicit option wins (within the cpuset)
in_t "srun --mem-bind=map_mem:0 numamem -m 0 --size=16M --report -- ./workload"
check "--mem-bind=map_mem:0 with numamem -m 0 agrees: no warning, bind:0, numamem's option within the launcher's" \
	eval '[ "$rc" = 0 ] && [ -z "$(numamem_err)" ] && grep -q " policy bind:0\$" "$T/out" &&
	grep -q "^  ran under:    memory bind 0, numamem.s option, within what the launcher set\$" "$T/out"'
in_t "srun --mem-bind=map_mem:0 numamem -p 0 --size=16M --report -- ./workload"
prefer_line="numamem: warning: --preferred 0 overrides memory policy bind 0, which the launcher set \
(SLURM_MEM_BIND=quiet,map_mem:0): numamem's option wins"
check "--mem-bind=map_mem:0 with numamem -p 0: one line, the workload prefers 0 ($(numamem_err))" \
	eval '[ "$rc" = 0 ] && [ "$(numamem_err | wc -l)" = 1 ] && grep -q " policy prefer:0\$" "$T/out" &&
	[ "$(numamem_err)" = "$prefer_line" ]'
in_t "$conflict"
cpu_line="numamem: warning: --physcpubind 1 overrides CPUs 0, which the launcher set \
(SLURM_CPU_BIND=quiet,map_cpu:0): numamem's option wins"
w=$(grep '^workload:' "$T/out")
check "$conflict: one line, numamem's -C wins ($(numamem_err))" \
	eval '[ "$rc" = 0 ] && [ "$(numamem_err)" = "$cpu_line" ]'
check "the workload runs on CPU 1, not Slurm's 0 ($w)" sh -c "echo '$w' | grep -q '^workload: cpus 1 '"
check "the text report: CPUs 1, numamem's option, over what the launcher set" \
	grep -q "^ *CPUs 1, numamem's option, over what the launcher set\$" "$T/out"
in_t "srun --cpu-bind=map_cpu:0 numamem -C 0 --size=16M --report -- ./workload"
check "--cpu-bind=map_cpu:0 with numamem -C 0 agrees: no warning, CPU 0" \
	eval '[ "$rc" = 0 ] && [ -z "$(numamem_err)" ] && grep -q "^workload: cpus 0 " "$T/out"'
# outside the cpuset is refused as ever: a CPU that is not there
in_t "srun --cpu-bind=map_cpu:0 numamem -C 1000 --size=16M -- ./workload"
check "numamem -C 1000 under srun: refused, one line ($(numamem_err))" \
	eval '[ "$rc" != 0 ] && [ "$(numamem_err | wc -l)" = 1 ] && ! grep -q "^workload:" "$T/out"'

# Everything stopped: no process of the test's, no port of its listening
took=$(($(date +%s) - started))
stop_all
left=$(ours)
check "after the test: no munged, slurmctld, slurmd or step of its own left (${left:-none})" [ -z "$left" ]
open=
for p in $(seq "$ctld_port" $((ctld_port + 15))); do
	listening "$p" && open="$open $p"
done
check "after the test: none of its ports $ctld_port-$((ctld_port + 15)) listening (${open:-none})" [ -z "$open" ]
diag "run time: $took s"
done_testing
