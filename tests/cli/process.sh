#!/bin/sh
# COMMAND's own policy and CPUs (numactl's -m, -i, -p, -P, -w, -l, -b,
# -N, -C), each witnessed from the child's own /proc/self/numa_maps and
# /proc/self/status; --pid checked against numa_maps read independently.
# On a one-node host every list is node 0; tests/numa runs the same
# options on several nodes.
. "$(dirname "$0")/lib.sh"

nodes=$(mem_nodes)
first=${nodes%% *}
cpus0=$(cat /sys/devices/system/node/node"$first"/cpulist)

# policies_of: the set of policies in the child's numa_maps (one line
# each), then its Cpus_allowed_list
witness='awk "{ \$1 = \"\"; sub(/^ /, \"\"); sub(/ (file=|heap|stack|anon=|huge|N[0-9]+=|mapped=|dirty=|kernelpagesize).*/, \"\"); print }" /proc/self/numa_maps | sort -u; grep Cpus_allowed_list /proc/self/status | cut -f2'

# policy CASE EXPECTED-POLICY OPTIONS...: every mapping of the child
# under EXPECTED-POLICY, or refused with status 125 naming the kernel.
policy() {
	name=$1 want=$2
	shift 2
	run "$@" -- sh -c "$witness"
	got=$(head -n 1 "$T/out")
	lines=$(grep -c . "$T/out")
	if [ "$rc" = 125 ] && grep -q "needs Linux" "$T/err"; then
		skip "$name: $(cat "$T/err")"
	elif [ "$rc" = 0 ] && [ "$got" = "$want" ] && [ "$lines" = 2 ]; then
		ok "$name: every mapping of the child is $want"
	else
		not_ok "$name: every mapping of the child is $want"
		diag "status $rc" "$(cat "$T/out" "$T/err")"
	fi
}
policy "-m $first" "bind:$first" -m "$first"
policy "--membind=+0" "bind:$first" --membind=+0
policy "-i all" "interleave:$(cat /sys/devices/system/node/has_memory)" -i all
policy "-p $first" "prefer:$first" -p "$first"
policy "-P $first" "prefer (many):$first" -P "$first"
policy "-w $first" "weighted interleave:$first" -w "$first"
policy "-l" "local" -l
policy "-m $first -b" "bind=balancing:$first" -m "$first" -b
policy "-m $first with a ram region (fork)" "bind:$first" -m "$first" --backend=ram --size=4M --prealloc
policy "-i $first with a memfd region (exec in place)" "interleave:$first" -i "$first" --size=4M --prealloc
policy "--fork -p $first with a memfd region" "prefer:$first" --fork -p "$first" --size=4M

# CPU binding, seen in the child's Cpus_allowed_list
run -N "$first" -- sh -c "$witness"
check "-N $first: the child runs on node $first's CPUs ($cpus0): $(tail -n 1 "$T/out")" \
	[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = "$cpus0" ]
run -C 0 --backend=ram --size=1M -- sh -c "$witness"
check "-C 0 with a ram region: the child runs on CPU 0 only: $(tail -n 1 "$T/out")" \
	[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = 0 ]
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ]; then
	run -C '!0' -- sh -c "$witness"
	check "-C !0: the child runs on every CPU but 0: $(tail -n 1 "$T/out")" \
		[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out" | cut -c1)" != 0 ]
	run --physcpubind=+1 -- sh -c "$witness"
	check "-C +1: the second CPU this process may use: $(tail -n 1 "$T/out")" \
		[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = 1 ]
	# numamem's option wins over the CPUs it was started on, within the
	# cpuset (LAUNCHERS in numamem.1): taskset plays the launcher here
	# (tests/cli/slurm.sh has Slurm itself)
	child_cpus() { grep -x '[0-9][0-9,-]*' "$T/out"; }
	if command -v taskset >/dev/null 2>&1; then
		taskset -c 0 "$NUMAMEM" -C 1 --json -- sh -c "$witness" >"$T/out" 2>"$T/err"
		rc=$?
		check "taskset -c 0, then -C 1: the child runs on CPU 1 ($(child_cpus))" \
			eval '[ "$rc" = 0 ] && [ "$(child_cpus)" = 1 ]'
		check "taskset -c 0, then -C 1: no warning, as numactl -a -C 1 gives none (a launcher's binding is warned of: slurm.sh) ($(cat "$T/err"))" \
			[ ! -s "$T/err" ]
		check "taskset -c 0, then -C 1: the report says CPUs 1, numamem's, in conflict" \
			grep -q '"cpus":{"cpus":\[1\],"set_by":"numamem","conflict":true}' "$T/out"
		taskset -c 1 "$NUMAMEM" -C 1 -- sh -c "$witness" >"$T/out" 2>"$T/err"
		rc=$?
		check "taskset -c 1, then -C 1 agrees: no warning" eval '[ "$rc" = 0 ] && [ ! -s "$T/err" ]'
		taskset -c 0 "$NUMAMEM" --report --size=1M -- sh -c "$witness" >"$T/out" 2>"$T/err"
		check "taskset -c 0, no -C: the child keeps CPU 0, inherited from a parent process" \
			eval '[ "$(child_cpus)" = 0 ] && grep -q "^ *CPUs 0, inherited from a parent process\$" "$T/out"'
	else
		skip "no taskset for the CPU rule"
	fi
else
	skip "-C !0 and -C +1 need two CPUs"
fi

# CPU sets as large as the kernel's NR_CPUS (kernel_max + 1, at least
# 1024): a CPU below it that this host lacks is "does not exist", the
# first above it is out of range
kmax=$(cat /sys/devices/system/cpu/kernel_max 2>/dev/null || echo 1023)
limit=$((kmax + 1)); [ $limit -lt 1024 ] && limit=1024
limit=$(( (limit + 63) / 64 * 64 ))
run -C $((limit - 1)) -- true
check "-C $((limit - 1)) (the last CPU a set holds here): 125, 'does not exist or is offline'" [ "$rc" = 125 ] &&
	grep -qx "numamem: physcpubind '$((limit - 1))': CPU $((limit - 1)) does not exist or is offline" "$T/err"
run -C $limit -- true
check "-C $limit: 125, above the highest possible, $((limit - 1))" [ "$rc" = 125 ] &&
	grep -qx "numamem: invalid physcpubind '$limit': $limit is above the highest possible, $((limit - 1))" "$T/err"
run -C 3500 -- true
if [ $limit -gt 3500 ]; then
	check "-C 3500 (NR_CPUS $limit): 'CPU 3500 does not exist or is offline'" [ "$rc" = 125 ] && grep -q "CPU 3500 does not exist" "$T/err"
else
	check "-C 3500 (NR_CPUS $limit): above the highest possible" [ "$rc" = 125 ] && grep -q "3500 is above the highest possible, $((limit - 1))" "$T/err"
fi

# node lists of numactl's options up to the kernel's MAX_NUMNODES (the
# length of Mems_allowed, as libnuma reads it), not QEMU's 128
maxnodes=$(awk '$1 == "Mems_allowed:" { print split($2, w, ",") * 32 }' /proc/self/status)
[ "$maxnodes" -lt 128 ] && maxnodes=128
if [ "$maxnodes" -gt 1000 ]; then
	run -m 1000 -- true
	check "-m 1000 (MAX_NUMNODES $maxnodes): 125, node 1000 does not exist" [ "$rc" = 125 ] &&
		grep -qx "numamem: membind '1000': node 1000 does not exist" "$T/err"
	run -N 1000 -- true
	check "-N 1000: 125, node 1000 does not exist" [ "$rc" = 125 ] &&
		grep -qx "numamem: cpunodebind '1000': node 1000 does not exist" "$T/err"
fi
run -i $maxnodes -- true
check "-i $maxnodes: 125, above the highest possible, $((maxnodes - 1))" [ "$rc" = 125 ] &&
	grep -qx "numamem: invalid interleave '$maxnodes': $maxnodes is above the highest possible, $((maxnodes - 1))" "$T/err"
run --size=1M --policy=bind --host-nodes=128
check "--host-nodes=128 keeps QEMU's limit of 127" [ "$rc" = 1 ] &&
	grep -qx "numamem: invalid host-nodes '128': 128 is above the highest possible, 127" "$T/err"

# numactl's habits: -N with -C applies both in order (the last stands);
# -b without -m warns and runs; --strict warns and runs; --cpubind
run -N "$first" -C 0 -- sh -c "$witness"
check "-N $first -C 0: both applied, the child runs on CPU 0: $(tail -n 1 "$T/out")" \
	[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = 0 ]
run -C 0 -N "$first" -- sh -c "$witness"
check "-C 0 -N $first: both applied, the child runs on node $first's CPUs: $(tail -n 1 "$T/out")" \
	[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = "$cpus0" ]
run -b -i "$first" -- sh -c "$witness"
check "-b -i $first: one warning, the child runs under interleave:$first" [ "$rc" = 0 ] &&
	[ "$(head -n 1 "$T/out")" = "interleave:$first" ] && [ "$(grep -c . "$T/err")" = 1 ] &&
	grep -q "warning: --balancing applies to --membind only" "$T/err"
run --strict -m "$first" -- sh -c "$witness"
check "--strict -m $first: one warning, the child runs under bind:$first" [ "$rc" = 0 ] &&
	[ "$(head -n 1 "$T/out")" = "bind:$first" ] && [ "$(grep -c . "$T/err")" = 1 ] && grep -q "strict flag for process ignored" "$T/err"
run --cpubind="$first" -- sh -c "$witness"
check "--cpubind=$first is --cpunodebind: $(tail -n 1 "$T/out")" [ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = "$cpus0" ]
# after taskset -c 0, -N binds to the node's CPUs within the cpuset, not
# within the affinity (numactl's test/bind_range: check_cpunodebind)
if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] && command -v taskset >/dev/null; then
	taskset -c 0 "$NUMAMEM" -N "$first" -- sh -c "$witness" >"$T/out" 2>"$T/err"
	rc=$?
	check "taskset -c 0 numamem -N $first: the child runs on all of node $first's CPUs ($cpus0): $(tail -n 1 "$T/out")" \
		[ "$rc" = 0 ] && [ "$(tail -n 1 "$T/out")" = "$cpus0" ]
	hi=$(($(getconf _NPROCESSORS_ONLN) - 1))
	# -C is bounded by the cpuset, not the affinity (numamem's option wins,
	# LAUNCHERS; numactl needs -a here: DIFFERENCES FROM NUMACTL)
	taskset -c 0 "$NUMAMEM" -C "$hi" -- sh -c "$witness" >"$T/out" 2>"$T/err"
	rc=$?
	check "taskset -c 0 numamem -C $hi: runs on CPU $hi, within the cpuset ($rc: $(tail -n 1 "$T/out"))" \
		[ "$rc:$(tail -n 1 "$T/out")" = "0:$hi" ]
	taskset -c 0 "$NUMAMEM" -a -C "$hi" -- sh -c "$witness" >"$T/out" 2>"$T/err"
	rc=$?
	check "taskset -c 0 numamem -a -C $hi: --all lifts the affinity: $(tail -n 1 "$T/out")" [ "$rc" = 0 ] &&
		[ "$(tail -n 1 "$T/out")" = "$hi" ]
else
	skip "taskset cases need two CPUs and taskset"
fi

# The same invocations through numactl and numamem (only the program name
# differs): the child's policy, CPUs and Mems_allowed, the exit status;
# -H and -s byte for byte.
if command -v numactl >/dev/null; then
	agree=0 pairs=0
	# peer DESCRIPTION ARGS...: both views equal
	peer() {
		desc=$1
		shift
		numactl "$@" >"$T/n.out" 2>"$T/n.err"
		n_rc=$?
		"$NUMAMEM" "$@" >"$T/m.out" 2>"$T/m.err"
		m_rc=$?
		pairs=$((pairs + 1))
		if [ "$n_rc" = "$m_rc" ] && cmp -s "$T/n.out" "$T/m.out"; then
			agree=$((agree + 1))
			ok "numactl and numamem agree: $desc"
		else
			not_ok "numactl and numamem agree: $desc"
			diag "numactl: status $n_rc" "$(cat "$T/n.out" "$T/n.err")" "numamem: status $m_rc" "$(cat "$T/m.out" "$T/m.err")"
		fi
	}
	view='awk "{ \$1 = \"\"; sub(/^ /, \"\"); sub(/ (file=|heap|stack|anon=|huge|N[0-9]+=|mapped=|dirty=|kernelpagesize).*/, \"\"); print }" /proc/self/numa_maps | sort -u; grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status'
	# -H: byte for byte but for free memory, which moves between the two
	# runs (on a shared machine, and by valgrind's own footprint under
	# NUMAMEM_VALGRIND): each node's free within 512 MB of numactl's
	for o in -H --hardware; do
		numactl $o >"$T/n.out" 2>&1
		"$NUMAMEM" $o >"$T/m.out" 2>&1
		pairs=$((pairs + 1))
		mask='s/^\(node [0-9]* free: \)[0-9]*/\1X/'
		if [ "$(sed "$mask" "$T/n.out")" = "$(sed "$mask" "$T/m.out")" ] &&
			paste "$T/n.out" "$T/m.out" | awk -F'\t' '$1 ~ /free:/ { split($1, a, " "); split($2, b, " ");
				d = a[4] - b[4]; if (d < -512 || d > 512) bad = 1 } END { exit bad }'; then
			agree=$((agree + 1))
			ok "numactl and numamem agree: $o (byte for byte, free memory within 512 MB)"
		else
			not_ok "numactl and numamem agree: $o (byte for byte, free memory within 512 MB)"
			diag "$(cat "$T/n.out")" "$(cat "$T/m.out")"
		fi
	done
	for o in "" "-m $first" "-i all" "-p $first" "-l" "-C 0" "-N $first" "-m all" "-i $first -N $first" "-N $first -C 0" \
		"-C 0 -N $first" "-b -m $first" "--cpubind=$first"; do
		# shellcheck disable=SC2086
		peer "$o -s" $o -s
		# shellcheck disable=SC2086
		peer "$o sh -c VIEW" $o sh -c "$view"
	done
	if grep -q 'MPOL_PREFERRED_MANY\|preferred-many' "$(command -v numactl)" 2>/dev/null || numactl -P "$first" true 2>/dev/null; then
		peer "-P $first -s" -P "$first" -s
		peer "-P $first sh -c VIEW" -P "$first" sh -c "$view"
	fi
	if [ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] && command -v taskset >/dev/null; then
		taskset -c 0 numactl -N "$first" sh -c "$view" >"$T/numactl.tv" 2>&1
		echo "status $?" >>"$T/numactl.tv"
		taskset -c 0 "$NUMAMEM" -N "$first" sh -c "$view" >"$T/numamem.tv" 2>&1
		echo "status $?" >>"$T/numamem.tv"
		pairs=$((pairs + 1))
		if cmp -s "$T/numactl.tv" "$T/numamem.tv"; then
			agree=$((agree + 1))
			ok "numactl and numamem agree: taskset -c 0 ... -N $first"
		else
			not_ok "numactl and numamem agree: taskset -c 0 ... -N $first"
			diag "$(cat "$T/numactl.tv")" "$(cat "$T/numamem.tv")"
		fi
	fi
	diag "numactl vs numamem: $agree of $pairs pairs agree"
elif [ -n "$CI" ]; then
	not_ok "numactl is installed (tools/setup --tests installs it)"
else
	skip "numactl is not installed (tools/setup --tests)"
fi

# The child's status on both paths; a command that cannot run
for args in "-m $first" "-m $first --backend=ram --size=1M"; do
	# shellcheck disable=SC2086
	"$NUMAMEM" $args -- sh -c 'exit 7' 2>"$T/err"
	check "$args -- sh -c 'exit 7': status 7" [ $? = 7 ]
	# shellcheck disable=SC2086
	"$NUMAMEM" $args -- /nonexistent/cmd 2>"$T/err"
	st=$?
	n=$(grep -c . "$T/err")
	check "$args -- /nonexistent/cmd: status 127, one line ($st, $n lines)" [ "$st:$n" = 127:1 ]
done
# the +N form counts this process's nodes: one more than there are is 2
n=$(echo $nodes | wc -w)
run -m "+$n" -- true
check "-m +$n on $n node(s): 125, one line naming the count ($rc)" \
	sh -c '[ "$1" = 125 ] && grep -q "+N counts the nodes this process may use, and there [a-z]* only $2\$" "$3"' sh "$rc" "$n" "$T/err"

# --pid: a process numamem did not start (sleep under its own -m)
"$NUMAMEM" -m "$first" -- sleep 30 &
pid=$!
# comm_is PID NAME: PID runs NAME (numamem has exec'd the command)
comm_is() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]
}
check "--pid: the process under -m is running sleep" wait_for 10 comm_is $pid sleep
run --pid=$pid --verify --json
awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, k, "="); ps = k[2] * 1024 }
	for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); b[kv[1]] += kv[2] * ps } }
	END { for (n in b) printf "%s %d\n", n, b[n] }' /proc/$pid/numa_maps | sort >"$T/witness"
json_totals=$(sed -n 's/.*"process":{[^[]*"node_bytes":{\([^}]*\)}.*/\1/p' "$T/out" | tr ',' '\n' | tr -d '"' | tr ':' ' ' | sort)
v=$(json_get verify)
check "--pid=$pid --verify --json: status 0, verify pass ($rc, $v)" [ "$rc:$v" = 0:pass ]
check "--pid: per-node totals equal numa_maps read independently ($json_totals)" [ "$json_totals" = "$(cat "$T/witness")" ]
check "--pid: every mapping's policy is bind:$first" [ "$(grep -o '"policy":"[^"]*"' "$T/out" | sort -u)" = "\"policy\":\"bind:$first\"" ]
check "--pid: one mapping per numa_maps line" [ "$(grep -o '"address"' "$T/out" | wc -l)" = "$(wc -l </proc/$pid/numa_maps)" ]
run --pid=$pid
check "--pid text report: a line per mapping, totals, nothing on stderr" \
	sh -c '[ "$1" = 0 ] && [ ! -s "$2" ] && grep -q "^process $4 (sleep): " "$3" && grep -q "^  total " "$3"' sh "$rc" "$T/err" "$T/out" "$pid"
check "--pid text: ADDRESS, POLICY, a NODE column per node, MAPPING; addresses 0x..." \
	sh -c "grep -Eq '^  ADDRESS +POLICY( +NODE [0-9]+)+ MAPPING\$' '$T/out' && [ \$(grep -Ec '^  0x[0-9a-f]+ +bind:$first ' '$T/out') -ge 1 ]"
run --pid=$pid --bytes --raw --columns=nodes
# the table's last row of numbers is its total (numastat's summary and
# the verdict follow it)
text_totals=$(awk 'NR == 2 { for (i = 1; i <= NF; i++) { sub(/^NODE\\x20/, "", $i); node[i] = $i } }
	NR > 2 && /^[0-9 ]+$/ { last = $0 }
	END { n = split(last, v, " "); for (i = 1; i <= n; i++) print node[i], v[i] }' "$T/out" | sort)
check "--pid --bytes --raw --columns=nodes: the total row equals numa_maps ($text_totals)" \
	[ "$text_totals" = "$(cat "$T/witness")" ]
kill $pid
wait $pid 2>/dev/null
run --pid=$pid
n=$(grep -c . "$T/err")
check "--pid of a process that has gone: 2, one line ($(cat "$T/err"))" sh -c '[ "$1:$2" = 2:1 ] && [ ! -s "$3" ]' sh "$rc" "$n" "$T/out"
done_testing
