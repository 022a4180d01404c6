#!/bin/sh
# suite.sh — numamem's placement suite, for a machine with two or more
# NUMA nodes: a QEMU guest (run.sh boots one per topology and kernel and
# runs this as its /init's suite) or a real multi-node host.
#
#   tests/numa/suite.sh --numamem=PATH [--helper=PATH] [--only=GLOB,GLOB...]
#
# Everything about the machine is read from sysfs: online nodes, nodes
# with memory and with CPUs, their CPU lists, free memory and huge pages,
# whether the kernel has weighted interleave.  Output is TAP on stdout
# (the plan comes last).  Needs root: it sets per-node huge page pools,
# weighted-interleave weights and kernel.numa_balancing, and restores them
# at the end.  POSIX sh and awk only (busybox ash and awk in a guest).
#
# Every placement case runs
#   numamem --size=.. --backend=.. --policy=.. --host-nodes=.. \
#           --prealloc --verify --json --hold --ready-file=F
# waits for F, reads /proc/PID/numa_maps of the numamem process and the
# per-node meminfo itself, compares both with numamem's JSON "node_bytes",
# checks the policy's expectation on the independent numbers, then sends
# SIGTERM and expects exit status 0.
#
# --helper is touchfd (built from touchfd.c): the child for the
# "-- COMMAND" cases; without it those cases are skipped.
#
# Environment: NUMAMEM_SUITE_SIZE (region size in MiB, default 64),
# NUMAMEM_SUITE_TIMEOUT (seconds to wait for one numamem, default 300),
# NUMAMEM_SUITE_FILL_MAX_MIB (largest node the "full node" cases will fill
# with huge pages, default 4096: on a big host those cases are skipped).

NUMAMEM="" HELPER="" ONLY=""
for arg in "$@"; do
	case $arg in
	--numamem=*) NUMAMEM=${arg#*=} ;;
	--helper=*) HELPER=${arg#*=} ;;
	--only=*) ONLY=${arg#*=} ;;
	-h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "suite.sh: unknown argument $arg" >&2; exit 1 ;;
	esac
done
if [ -z "$NUMAMEM" ] || [ ! -x "$NUMAMEM" ]; then
	echo "suite.sh: --numamem=PATH must name the numamem binary (got '$NUMAMEM')" >&2
	exit 1
fi

MIB=1048576
SIZE_MIB=${NUMAMEM_SUITE_SIZE:-64}
SIZE=$((SIZE_MIB * MIB))
TIMEOUT=${NUMAMEM_SUITE_TIMEOUT:-300}
FILL_MAX_MIB=${NUMAMEM_SUITE_FILL_MAX_MIB:-4096}
SYSNODE=/sys/devices/system/node
HP=hugepages/hugepages-2048kB
WI=/sys/kernel/mm/mempolicy/weighted_interleave

WORK=$(mktemp -d "${TMPDIR:-/tmp}/numamem-suite.XXXXXX") || exit 1
MEMDIR=$(mktemp -d /dev/shm/numamem-suite.XXXXXX 2>/dev/null) || MEMDIR=$WORK/memdir
mkdir -p "$MEMDIR"

# ---------------------------------------------------------------- helpers

# expand "0-2,5" → "0 1 2 5"
expand() {
	echo "$1" | awk -F, '{
		for (i = 1; i <= NF; i++) {
			if ($i == "") continue
			n = split($i, r, "-")
			if (n == 1) printf "%s ", r[1]
			else for (j = r[1] + 0; j <= r[2] + 0; j++) printf "%d ", j
		}
	}'
}
# shellcheck disable=SC2048,SC2086
commas() { echo $* | tr ' ' ','; }
count() { echo $# ; }
in_list() { # in_list X LIST...
	x=$1; shift
	for y in "$@"; do [ "$x" = "$y" ] && return 0; done
	return 1
}

T=0
FAILS=0
ok() { T=$((T + 1)); echo "ok $T - $1"; }
not_ok() { T=$((T + 1)); FAILS=$((FAILS + 1)); echo "not ok $T - $1"; }
skip() { want "$1" || return 0; T=$((T + 1)); echo "ok $T - $1 # SKIP $2"; }
diag() { sed 's/^/#   /' "$@"; }
note() { echo "# $*"; }
want() { # want CASE-NAME: true if --only (comma-separated globs) does not exclude it
	[ -z "$ONLY" ] && return 0
	w_ifs=$IFS; IFS=,
	for w_pat in $ONLY; do
		IFS=$w_ifs
		# shellcheck disable=SC2254
		case $1 in *$w_pat*) return 0 ;; esac
	done
	IFS=$w_ifs
	return 1
}

# meminfo snapshot: "node free_bytes hugepages_free" per node, where
# free_bytes is the node's MemFree plus the pages waiting on its per-CPU
# free lists (/proc/zoneinfo "count:"), which MemFree does not count but the
# next allocation takes first
snapshot() {
	awk '$1 == "Node" { sub(",", "", $2); node = $2 } $1 == "count:" { pcp[node] += $2 }
		END { for (n in pcp) print n, pcp[n] }' /proc/zoneinfo >"$WORK/pcp" 2>/dev/null
	for n in $ALL_NODES; do
		awk -v n="$n" -v pg=4096 '
			NR == FNR { if ($1 == n) p = $2 * pg; next }
			$3 == "MemFree:" { f = $4 * 1024 }
			$3 == "HugePages_Free:" { h = $4 }
			END { print n, f + p, h + 0 }' "$WORK/pcp" "$SYSNODE/node$n/meminfo"
	done >"$1"
}
memfree() { awk -v n="$1" '$1 == n { print $2 }' "$2"; }
# settle: wait (up to 3 s) until no node's MemFree moves by more than 1 MiB
# in 0.2 s, so memory still being freed does not count in the next case
settle() {
	snapshot "$WORK/settle0"
	s_i=0
	while [ $s_i -lt 15 ]; do
		sleep 0.2
		snapshot "$WORK/settle1"
		awk 'NR == FNR { f[$1] = $2; next } { d = $2 - f[$1]; if (d < 0) d = -d; if (d > 1048576) bad = 1 } END { exit bad }' \
			"$WORK/settle0" "$WORK/settle1" && return 0
		mv "$WORK/settle1" "$WORK/settle0"
		s_i=$((s_i + 1))
	done
}

hp_get() { cat "$SYSNODE/node$1/$HP/nr_hugepages" 2>/dev/null || echo 0; }
hp_set() { echo "$2" >"$SYSNODE/node$1/$HP/nr_hugepages" 2>/dev/null; }

# JSON field of numamem's report (first region); numbers and strings
jstr() { awk -v k="$1" '{ if (match($0, "\"" k "\"[ \t]*:[ \t]*\"[^\"]*\"")) { s = substr($0, RSTART, RLENGTH); sub(/^[^:]*:[ \t]*"/, "", s); sub(/"$/, "", s); print s; exit } }' "$2"; }
jnum() { awk -v k="$1" '{ if (match($0, "\"" k "\"[ \t]*:[ \t]*-?[0-9.]+")) { s = substr($0, RSTART, RLENGTH); sub(/^[^:]*:[ \t]*/, "", s); print s; exit } }' "$2"; }
# node_bytes as "node bytes" lines
jnodes() {
	awk '{
		if (!match($0, /"node_bytes"[ \t]*:[ \t]*\{[^}]*\}/)) exit
		s = substr($0, RSTART, RLENGTH); sub(/^[^{]*\{/, "", s); sub(/\}$/, "", s)
		n = split(s, kv, ",")
		for (i = 1; i <= n; i++) {
			if (split(kv[i], p, ":") != 2) continue
			gsub(/[" \t]/, "", p[1]); gsub(/[ \t]/, "", p[2])
			print p[1], p[2]
		}
	}' "$1"
}

# witness PID ADDR(hex, no 0x) SIZE OUT: per-node bytes from numa_maps of
# every VMA that starts inside [ADDR, ADDR+SIZE), as "node bytes" lines;
# the first VMA must start at ADDR.  Returns 1 if no VMA starts at ADDR.
witness() {
	w_pid=$1 w_addr=$2 w_size=$3 w_out=$4
	w_start=$((0x$w_addr)) w_end=$((0x$w_addr + w_size))
	w_starts=""
	while IFS=" " read -r w_range _; do
		w_s=${w_range%-*}
		if [ $((0x$w_s)) -ge "$w_start" ] && [ $((0x$w_s)) -lt "$w_end" ]; then
			w_starts="$w_starts $w_s"
		fi
	done <"/proc/$w_pid/maps"
	cp "/proc/$w_pid/numa_maps" "$WORK/numa_maps"
	awk -v starts="$w_starts" -v first="$w_addr" -v out="$w_out" '
		BEGIN { n = split(starts, s, " "); for (i = 1; i <= n; i++) want[s[i]] = 1 }
		($1 in want) {
			if ($1 == first) print $2 > (out ".policy")
			seen[$1] = 1; ps = 4
			for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { ps = $i; sub(/.*=/, "", ps) }
			for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
				split(substr($i, 2), kv, "="); b[kv[1]] += kv[2] * ps * 1024
			}
			lines++
		}
		END {
			for (k in b) print k, b[k] > out
			close(out); close(out ".policy")
			if (!(first in seen)) exit 1
			if (lines > 1) print "# witness: region spans " lines " VMAs"
		}' "$WORK/numa_maps" || { : >"$w_out"; return 1; }
	[ -f "$w_out" ] || : >"$w_out"
	[ -f "$w_out.policy" ] || : >"$w_out.policy"
}
wbytes() { awk -v n="$1" '$1 == n { b += $2 } END { print b + 0 }' "$2"; }
wtotal() { awk '{ b += $2 } END { print b + 0 }' "$1"; }

# wait_ready PID FILE: 0 when FILE exists, 1 when PID ended first or timed out
wait_ready() {
	wr_i=0
	while [ ! -s "$2" ]; do
		kill -0 "$1" 2>/dev/null || { [ -s "$2" ] && return 0; return 1; }
		sleep 0.1
		wr_i=$((wr_i + 1))
		[ $wr_i -lt $((TIMEOUT * 10)) ] || return 1
	done
	return 0
}

oom_count() { dmesg 2>/dev/null | grep -c -i 'out of memory' ; }

# ------------------------------------------------------------ topology

[ -d "$SYSNODE" ] || { echo "1..0 # SKIP no $SYSNODE (kernel without NUMA)"; exit 0; }
ONLINE=$(expand "$(cat $SYSNODE/online)")
if [ -r $SYSNODE/has_memory ]; then
	MEM_NODES=$(expand "$(cat $SYSNODE/has_memory)")
else
	MEM_NODES=""
	for n in $ONLINE; do
		[ "$(awk '$3 == "MemTotal:" { print $4 }' $SYSNODE/node$n/meminfo)" -gt 0 ] && MEM_NODES="$MEM_NODES $n"
	done
fi
CPU_NODES=$(expand "$(cat $SYSNODE/has_cpu 2>/dev/null)")
ALL_NODES=$ONLINE
MEMLESS=""
for n in $ONLINE; do in_list "$n" $MEM_NODES || MEMLESS="$MEMLESS $n"; done
CPULESS=""
for n in $MEM_NODES; do in_list "$n" $CPU_NODES || CPULESS="$CPULESS $n"; done
cpus_of() { expand "$(cat $SYSNODE/node$1/cpulist)"; }

KREL=$(uname -r)
KVER=${KREL%%-*}
kmaj=${KVER%%.*} kmin=${KVER#*.}; kmin=${kmin%%.*}
kernel_at_least() { [ "$kmaj" -gt "$1" ] || { [ "$kmaj" -eq "$1" ] && [ "$kmin" -ge "$2" ]; }; }

note "numamem: $NUMAMEM"
note "kernel: $KREL"
note "nodes online: $(commas $ONLINE); with memory: $(commas $MEM_NODES); with CPUs: $(commas $CPU_NODES);" \
	"memoryless: $(commas $MEMLESS); CPU-less: $(commas $CPULESS)"
for n in $ONLINE; do
	note "node $n: cpus=$(cat $SYSNODE/node$n/cpulist) distance=$(cat $SYSNODE/node$n/distance)" \
		"MemFree=$(awk '$3 == "MemFree:" { print $4 }' $SYSNODE/node$n/meminfo) kB"
done

set -- $MEM_NODES
if [ $# -lt 2 ]; then
	echo "1..0 # SKIP needs two or more nodes with memory (this machine has: $(commas $MEM_NODES))"
	exit 0
fi
# A and B: the first two memory nodes, preferring nodes with CPUs
A="" B=""
for n in $MEM_NODES; do in_list "$n" $CPU_NODES || continue; if [ -z "$A" ]; then A=$n; elif [ -z "$B" ]; then B=$n; fi; done
for n in $MEM_NODES; do [ -n "$B" ] && break; [ "$n" = "$A" ] && continue; if [ -z "$A" ]; then A=$n; else B=$n; fi; done
# the last memory node other than B (a CPU-less one if there is one)
C=$A
for n in $MEM_NODES; do [ "$n" != "$B" ] && C=$n; done
note "roles: A=$A B=$B C=$C"

# ------------------------------------------------------- save / restore

ORIG_BAL=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)
ORIG_HP=""
for n in $ALL_NODES; do ORIG_HP="$ORIG_HP $n:$(hp_get "$n")"; done
ORIG_WI=""
if [ -d $WI ]; then for n in $MEM_NODES; do ORIG_WI="$ORIG_WI $n:$(cat $WI/node$n 2>/dev/null)"; done; fi
HOLDERS=""
cleanup() {
	for p in $HOLDERS; do kill -TERM "$p" 2>/dev/null; done
	for nv in $ORIG_HP; do hp_set "${nv%%:*}" "${nv#*:}"; done
	for nv in $ORIG_WI; do [ -n "${nv#*:}" ] && echo "${nv#*:}" >"$WI/node${nv%%:*}" 2>/dev/null; done
	[ -n "$ORIG_BAL" ] && echo "$ORIG_BAL" >/proc/sys/kernel/numa_balancing 2>/dev/null
	rm -rf "$WORK" "$MEMDIR"
}
trap 'cleanup; exit 130' INT TERM
# automatic NUMA balancing would move default-policy pages while we look
[ -n "$ORIG_BAL" ] && echo 0 >/proc/sys/kernel/numa_balancing 2>/dev/null

# ------------------------------------------------------- placement case

# check_share NAME LIST-OF-node:weight TOTAL TOL WITNESS: every node's
# bytes within TOL of TOTAL*weight/sum(weights); nothing elsewhere.
check_share() {
	echo "$2" | tr ' ' '\n' | awk -v total="$3" -v tol="$4" -v wf="$5" '
		BEGIN { while ((getline l < wf) > 0) { split(l, p, " "); got[p[1]] = p[2] } }
		NF { split($0, p, ":"); w[p[1]] = p[2]; sum += p[2] }
		END {
			bad = 0
			for (n in w) {
				e = total * w[n] / sum; d = got[n] - e; if (d < 0) d = -d
				if (d > tol) { printf "#   node %s: %d bytes, expected %d (+-%d)\n", n, got[n], e, tol; bad = 1 }
			}
			for (n in got) if (!(n in w) && got[n] > 0) { printf "#   node %s: %d bytes, expected none\n", n, got[n]; bad = 1 }
			exit bad
		}'
}

# place NAME BACKEND-ARGS EXPECT [EXTRA numamem args...]
# EXPECT: in:LIST | share:n:w,n:w | fallback:NODE | any
place() {
	p_name=$1 p_backend=$2 p_expect=$3
	shift 3
	want "$p_name" || return 0
	p_hugetlb=0 p_unit=4096 p_tolpages=4
	case $p_backend in *hugetlb*) p_hugetlb=1 p_unit=2097152 p_tolpages=2 ;; esac
	case $p_backend in *ram*) p_unit=2097152 p_tolpages=2 ;; esac # THP by default
	rm -f "$WORK/ready" "$WORK/out" "$WORK/err"
	settle
	snapshot "$WORK/before"
	p_t0=$(date +%s)
	# shellcheck disable=SC2086
	"$NUMAMEM" --size=${SIZE_MIB}M $p_backend "$@" --prealloc --verify --json --hold \
		--ready-file="$WORK/ready" >"$WORK/out" 2>"$WORK/err" &
	p_pid=$!
	if ! wait_ready "$p_pid" "$WORK/ready"; then
		kill -KILL "$p_pid" 2>/dev/null
		wait "$p_pid"; p_rc=$?
		not_ok "$p_name"
		echo "#   numamem $p_backend $* exited $p_rc before it was ready (or timed out after ${TIMEOUT}s)"
		echo "#   stderr:"; diag "$WORK/err"; echo "#   stdout:"; diag "$WORK/out"
		return 0
	fi
	p_fail=""
	p_readyline=$(head -n 1 "$WORK/ready")
	p_addr=$(jstr address "$WORK/out" | tr 'A-F' 'a-f'); p_addr=${p_addr#0x}
	p_present=$(jnum present_bytes "$WORK/out")
	p_verify=$(jstr verify "$WORK/out")
	p_kind=$(jstr page_kind "$WORK/out")
	jnodes "$WORK/out" >"$WORK/jnodes"
	if [ -z "$p_addr" ]; then
		p_fail="$p_fail no \"address\" in the JSON report;"
		: >"$WORK/wit"
	elif ! witness "$p_pid" "$p_addr" "$SIZE" "$WORK/wit" >"$WORK/wdiag"; then
		p_fail="$p_fail no line of /proc/$p_pid/numa_maps starts at $p_addr;"
	fi
	snapshot "$WORK/after"
	kill -TERM "$p_pid"
	wait "$p_pid"; p_rc=$?
	p_t1=$(date +%s)

	[ "$p_rc" = 0 ] || p_fail="$p_fail exit status $p_rc after SIGTERM (expected 0);"
	[ "$p_readyline" = "ready $p_pid" ] || p_fail="$p_fail ready file holds '$p_readyline', expected 'ready $p_pid';"
	[ "$p_verify" = pass ] || p_fail="$p_fail JSON verify is '$p_verify', expected pass;"
	[ "$p_present" = "$SIZE" ] || p_fail="$p_fail JSON present_bytes $p_present, expected $SIZE;"
	# P_MAPS_POLICY: a pattern for the region's policy in numa_maps;
	# P_FLAGS: the JSON kernel_mode_flags (what get_mempolicy reported)
	if [ -n "${P_MAPS_POLICY:-}" ] && ! grep -q -E "$P_MAPS_POLICY" "$WORK/wit.policy"; then
		p_fail="$p_fail numa_maps policy '$(cat "$WORK/wit.policy")' does not match /$P_MAPS_POLICY/;"
	fi
	# P_VMAS=json: the VMAs numa_maps shows in the region are the JSON "vmas"
	if [ "${P_VMAS:-}" = json ]; then
		p_spans=$(sed -n 's/^# witness: region spans \([0-9]*\) VMAs$/\1/p' "$WORK/wdiag")
		p_jvmas=$(jnum vmas "$WORK/out")
		[ "${p_spans:-1}" = "$p_jvmas" ] || p_fail="$p_fail numa_maps shows ${p_spans:-1} VMAs, JSON vmas $p_jvmas;"
		note "  weights: $(sed -n 's/.*"weights":\({[^}]*}[^}]*}[^}]*}\).*/\1/p' "$WORK/out"); VMAs in numa_maps: ${p_spans:-1}"
		awk -v a="$p_addr" 'BEGIN { lo = 0 } { s = $1; sub(/^0+/, "", s) } s == a { lo = 1 } lo && n < 3 { print "#     numa_maps: " $0; n++ }' \
			"$WORK/numa_maps"
	fi
	p_flags=$(sed -n 's/.*"kernel_mode_flags":\(\[[^]]*\]\).*/\1/p' "$WORK/out")
	if [ -n "${P_FLAGS:-}" ] && [ "$p_flags" != "$P_FLAGS" ]; then
		p_fail="$p_fail JSON kernel_mode_flags $p_flags, expected $P_FLAGS;"
	fi
	p_wtotal=$(wtotal "$WORK/wit")
	[ "$p_wtotal" = "$SIZE" ] || p_fail="$p_fail numa_maps shows $p_wtotal bytes, expected $SIZE (prealloc);"
	# numamem's node_bytes against numa_maps, node by node
	for n in $ALL_NODES; do
		p_j=$(wbytes "$n" "$WORK/jnodes") p_w=$(wbytes "$n" "$WORK/wit")
		[ "$p_j" = "$p_w" ] || p_fail="$p_fail node $n: JSON node_bytes $p_j, numa_maps $p_w;"
	done
	# the meminfo deltas agree with numa_maps
	p_slack=$((8 * MIB + SIZE / 32))
	for n in $ALL_NODES; do
		p_w=$(wbytes "$n" "$WORK/wit")
		if [ $p_hugetlb = 1 ]; then
			p_d=$(( ($(awk -v n="$n" '$1 == n { print $3 }' "$WORK/before") - $(awk -v n="$n" '$1 == n { print $3 }' "$WORK/after")) * 2097152 ))
			[ "$p_d" = "$p_w" ] || p_fail="$p_fail node $n: HugePages_Free fell by $p_d bytes, numa_maps shows $p_w;"
		else
			p_d=$(( $(memfree "$n" "$WORK/before") - $(memfree "$n" "$WORK/after") ))
			if [ "$p_d" -lt $((p_w - p_slack)) ] || [ "$p_d" -gt $((p_w + p_slack)) ]; then
				p_fail="$p_fail node $n: free memory (MemFree + per-CPU lists) fell by $p_d bytes, numa_maps shows $p_w (+-$p_slack);"
			fi
		fi
	done
	# the policy's expectation, on the independent numbers
	p_tol=$((p_tolpages * p_unit))
	case $p_expect in
	in:*)
		p_set=$(expand "${p_expect#in:}")
		for n in $ALL_NODES; do
			in_list "$n" $p_set && continue
			p_w=$(wbytes "$n" "$WORK/wit")
			[ "$p_w" = 0 ] || p_fail="$p_fail node $n has $p_w bytes, policy allows only $(commas $p_set);"
		done ;;
	share:*)
		# weighted: a partial round of the weights can leave a node up
		# to its weight in units off its exact share
		p_maxw=$(echo "${p_expect#share:}" | tr ',' '\n' | awk -F: '$2 > m { m = $2 } END { print m + 0 }')
		[ "$p_maxw" -gt 1 ] && p_tol=$(( (p_tolpages + p_maxw) * p_unit ))
		check_share "$p_name" "$(echo "${p_expect#share:}" | tr ',' ' ')" "$SIZE" "$p_tol" "$WORK/wit" >"$WORK/share" ||
			p_fail="$p_fail shares off by more than $p_tol bytes: $(tr '\n' ' ' <"$WORK/share");" ;;
	fallback:*)
		p_node=${p_expect#fallback:}
		if [ $p_hugetlb = 1 ]; then
			p_room=$(( $(awk -v n="$p_node" '$1 == n { print $3 }' "$WORK/before") * 2097152 ))
		else
			p_room=$(memfree "$p_node" "$WORK/before")
		fi
		p_w=$(wbytes "$p_node" "$WORK/wit")
		p_else=$((p_wtotal - p_w))
		note "  fallback: node $p_node had $p_room bytes free, got $p_w; other nodes got $p_else"
		[ "$p_w" -le "$p_room" ] || p_fail="$p_fail node $p_node got $p_w bytes but had only $p_room free;"
		[ "$p_else" -ge $((SIZE - p_room)) ] || p_fail="$p_fail other nodes got $p_else bytes, expected at least $((SIZE - p_room));"
		[ "$p_else" -gt 0 ] || p_fail="$p_fail nothing fell back;" ;;
	any) ;;
	esac

	if [ -z "$p_fail" ]; then ok "$p_name"; else not_ok "$p_name"; fi
	note "  $((p_t1 - p_t0))s; page_kind=$p_kind; policy $(cat "$WORK/wit.policy") flags $p_flags; numa_maps: $(tr '\n' ' ' <"$WORK/wit" | sed 's/\([0-9]*\) \([0-9]*\) */N\1=\2 /g')"
	[ -s "$WORK/wdiag" ] && cat "$WORK/wdiag"
	if [ -n "$p_fail" ]; then
		echo "$p_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   command: numamem --size=${SIZE_MIB}M $p_backend $* --prealloc --verify --json --hold --ready-file=F"
		echo "#   stdout:"; diag "$WORK/out"; echo "#   stderr:"; diag "$WORK/err"
		echo "#   JSON node_bytes: $(tr '\n' ' ' <"$WORK/jnodes")"
	elif grep -v -q '^numamem: ready:' "$WORK/err"; then
		echo "#   stderr:"; diag "$WORK/err"
	fi
}

# refuse NAME EXPECTED-STATUS GREP-PATTERN numamem-args...: numamem must
# exit with EXPECTED-STATUS and one line on stderr matching the extended
# regular expression GREP-PATTERN (an empty one is a mistake in the suite:
# it would pass any message); the OOM killer must not have fired.
refuse() {
	r_name=$1 r_want=$2 r_pat=$3
	shift 3
	want "$r_name" || return 0
	r_oom0=$(oom_count)
	timeout "$TIMEOUT" "$NUMAMEM" "$@" >"$WORK/out" 2>"$WORK/err"
	r_rc=$?
	r_oom1=$(oom_count)
	r_fail=""
	[ "$r_rc" = "$r_want" ] || r_fail="$r_fail exit status $r_rc, expected $r_want;"
	r_lines=$(wc -l <"$WORK/err")
	[ "$r_lines" -eq 1 ] || r_fail="$r_fail $r_lines lines on stderr, expected one;"
	if [ -z "$r_pat" ]; then
		r_fail="$r_fail no pattern for the message (a mistake in suite.sh);"
	elif ! grep -q -i -E "$r_pat" "$WORK/err"; then
		r_fail="$r_fail the message does not match /$r_pat/;"
	fi
	[ "$r_oom1" = "$r_oom0" ] || r_fail="$r_fail the OOM killer fired ('Out of memory' in dmesg);"
	if [ -z "$r_fail" ]; then ok "$r_name"; else not_ok "$r_name"; fi
	echo "#   numamem $*  →  $r_rc: $(head -c 400 "$WORK/err" | tr '\n' '|')"
	if [ -n "$r_fail" ]; then
		echo "$r_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   stdout:"; head -n 20 "$WORK/out" | diag
		[ "$r_oom1" = "$r_oom0" ] || dmesg | grep -i -A3 'out of memory' | tail -n 8 | diag
	fi
}

# fill NODE KEEP-BYTES: have the helper (touchfd fill, not numamem) hold
# anonymous memory bound to NODE until about KEEP-BYTES of it stay free
# (the "full node" cases).  Returns 1, with FILL_WHY set, if it cannot.
FILL_PIDS="" FILL_WHY=""
fill() {
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then FILL_WHY="no touchfd helper to fill node $1 with"; return 1; fi
	f_i=0
	while :; do
		settle
		f_free=$(awk '$3 == "MemFree:" { print $4 * 1024 }' "$SYSNODE/node$1/meminfo")
		[ "$f_free" -lt "$SIZE" ] && break
		if [ $f_i -ge 3 ]; then FILL_WHY="node $1 still has $((f_free / 1024)) kB free after filling"; return 1; fi
		if [ $((f_free / MIB)) -gt "$FILL_MAX_MIB" ]; then FILL_WHY="node $1 has $((f_free / MIB)) MiB free, more than NUMAMEM_SUITE_FILL_MAX_MIB=$FILL_MAX_MIB"; return 1; fi
		rm -f "$WORK/fillready"
		"$HELPER" fill "$1" $((f_free - $2)) "$WORK/fillready" >"$WORK/fill.log" 2>&1 &
		f_pid=$!
		FILL_PIDS="$FILL_PIDS $f_pid" HOLDERS="$HOLDERS $f_pid"
		if ! wait_ready "$f_pid" "$WORK/fillready"; then FILL_WHY="touchfd fill failed: $(cat "$WORK/fill.log")"; return 1; fi
		f_i=$((f_i + 1))
	done
	note "  node $1 filled by $f_i touchfd fill: $((f_free / 1024)) kB free"
}
unfill() {
	for f_pid in $FILL_PIDS; do kill -TERM "$f_pid" 2>/dev/null; wait "$f_pid" 2>/dev/null; done
	FILL_PIDS=""
	settle
}

# ------------------------------------------------------------- the cases

TWO="$A,$B"
ALLMEM=$(commas $MEM_NODES)
note "region size ${SIZE_MIB} MiB; two nodes: $TWO; all memory nodes: $ALLMEM"
have_pm=0; kernel_at_least 5 15 && have_pm=1
have_wi=0; [ -d $WI ] && have_wi=1
HPAGES=$((SIZE / 2097152 + 8))

for backend in ram memfd file shm hugetlb; do
	case $backend in
	ram) bargs="--backend=ram" ;;
	memfd) bargs="--backend=memfd" ;;
	# share: a private (share=off) mapping of a tmpfs file doubles
	# every page (page cache + private copy) outside numa_maps' view
	file) bargs="--backend=file --mem-path=$MEMDIR --share" ;;
	shm) bargs="--backend=shm" ;;
	hugetlb) bargs="--backend=memfd --hugetlb"
		for n in $MEM_NODES; do hp_set "$n" $(( $(hp_get "$n") + HPAGES )); done
		for n in $MEM_NODES; do note "node $n: $(hp_get "$n") huge pages of 2 MiB, $(awk '$3 == "HugePages_Free:" { print $4 }' $SYSNODE/node$n/meminfo) free"; done ;;
	esac
	b=$backend

	place "$b: bind one node ($B)" "$bargs" "in:$B" --policy=bind --host-nodes=$B
	place "$b: bind two nodes ($TWO)" "$bargs" "in:$TWO" --policy=bind --host-nodes=$TWO
	if [ $backend = ram ]; then
		# mode flags, as get_mempolicy (JSON) and numa_maps report them
		P_MAPS_POLICY="^bind=static:" P_FLAGS='["static-nodes"]'
		place "$b: bind $TWO static-nodes" "$bargs" "in:$TWO" --policy=bind --host-nodes=$TWO --static-nodes
		P_MAPS_POLICY="^interleave=relative:" P_FLAGS='["relative-nodes"]'
		place "$b: interleave $TWO relative-nodes" "$bargs" "any" --policy=interleave --host-nodes=$TWO --relative-nodes
		P_MAPS_POLICY="^bind=balancing:" P_FLAGS='["numa-balancing"]'
		place "$b: bind $TWO numa-balancing" "$bargs" "in:$TWO" --policy=bind --host-nodes=$TWO --numa-balancing
		P_MAPS_POLICY="" P_FLAGS=""
		# numamem's own weights: stripes bound in a 3:1 pattern, on any
		# kernel, the global weights read before and after, unchanged
		wi_before=$(cat $WI/node* 2>/dev/null | tr '\n' ' ')
		P_VMAS=json
		place "$b: interleave weights $A:3,$B:1" "$bargs" "share:$A:3,$B:1" \
			--policy=interleave --host-nodes=$TWO --weights=$A:3,$B:1
		place "$b: weighted-interleave weights $A:1,$B:3 (any kernel)" "$bargs" "share:$A:1,$B:3" \
			--policy=weighted-interleave --host-nodes=$TWO --weights=$A:1,$B:3
		P_VMAS=""
		if want "$b: interleave weights"; then
			wi_after=$(cat $WI/node* 2>/dev/null | tr '\n' ' ')
			if [ "$wi_before" = "$wi_after" ]; then
				ok "$b: weights left the sysfs weights alone ('${wi_before:-no weighted_interleave directory}')"
			else
				not_ok "$b: weights left the sysfs weights alone (before '$wi_before', after '$wi_after')"
			fi
		fi
		# home node: bound to every memory node, allocated on C although the
		# prealloc threads run on nodes with CPUs (THP off: a THP fault
		# takes the local node when the policy allows it, before the home
		# node is asked)
		if kernel_at_least 5 17; then
			place "$b: bind all ($ALLMEM) home-node $C" "$bargs --thp=off" "in:$C" \
				--policy=bind --host-nodes=all --home-node=$C
		else
			refuse "$b: home-node refused on $kmaj.$kmin" 2 "5\.17" $bargs --size=${SIZE_MIB}M \
				--policy=bind --host-nodes=all --home-node=$C
		fi
		refuse "$b: home-node outside host-nodes refused" 1 "home-node '$C' of region 'm0': not one of host-nodes '$B'" \
			$bargs --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --home-node=$C
	fi
	place "$b: preferred with room ($B)" "$bargs" "in:$B" --policy=preferred --host-nodes=$B
	for n in $CPULESS; do
		place "$b: bind a CPU-less node ($n)" "$bargs" "in:$n" --policy=bind --host-nodes=$n
		break
	done

	# preferred on a full node falls back
	if want "$b: preferred on a full node ($A) falls back"; then
		if [ $backend = hugetlb ]; then
			h_orig=$(hp_get "$A")
			hp_set "$A" 0
			place "$b: preferred on a full node ($A) falls back" "$bargs" "fallback:$A" --policy=preferred --host-nodes=$A
			hp_set "$A" "$h_orig"
		elif fill "$A" $((48 * MIB)) ||
			{ unfill; note "  fill of node $A failed ($FILL_WHY); once more"; fill "$A" $((48 * MIB)); }; then
			# a fill bound to a nearly full node can meet the OOM killer
			# when something else allocates there at that moment: once more
			place "$b: preferred on a full node ($A) falls back" "$bargs" "fallback:$A" --policy=preferred --host-nodes=$A
			unfill
		else
			unfill
			skip "$b: preferred on a full node ($A) falls back" "$FILL_WHY"
		fi
	fi

	if [ $have_pm = 1 ]; then
		place "$b: preferred-many ($B,$C)" "$bargs" "in:$B,$C" --policy=preferred-many --host-nodes=$B,$C
	else
		refuse "$b: preferred-many refused on $kmaj.$kmin" 2 "5\.15|$kmaj\.$kmin" $bargs --size=${SIZE_MIB}M --policy=preferred-many --host-nodes=$B,$C
	fi
	place "$b: interleave two nodes ($TWO)" "$bargs" "share:$A:1,$B:1" --policy=interleave --host-nodes=$TWO
	shares=""; for n in $MEM_NODES; do shares="$shares,$n:1"; done
	place "$b: interleave all nodes ($ALLMEM)" "$bargs" "share:${shares#,}" --policy=interleave --host-nodes=all
	if [ $have_wi = 1 ]; then
		echo 1 >$WI/node$A; echo 3 >$WI/node$B
		place "$b: weighted-interleave 1:3 ($TWO)" "$bargs" "share:$A:1,$B:3" --policy=weighted-interleave --host-nodes=$TWO
		# all memory nodes, weights 1, 2, 3, ... in node order
		wshares="" wnames="" wi=0
		for n in $MEM_NODES; do wi=$((wi + 1)); echo $wi >$WI/node$n; wshares="$wshares,$n:$wi"; wnames="$wnames:$wi"; done
		place "$b: weighted-interleave ${wnames#:} (all: $ALLMEM)" "$bargs" "share:${wshares#,}" --policy=weighted-interleave --host-nodes=all
	else
		refuse "$b: weighted-interleave refused on $kmaj.$kmin" 2 "6\.9|$kmaj\.$kmin" $bargs --size=${SIZE_MIB}M --policy=weighted-interleave --host-nodes=$TWO
	fi
	place "$b: default policy" "$bargs" "any" --policy=default

	if [ $backend = hugetlb ]; then
		for nv in $ORIG_HP; do hp_set "${nv%%:*}" "${nv#*:}"; done
	fi
done

# ------------------------------------------------------------ refusals

freeB=$(awk '$3 == "MemFree:" { print $4 * 1024 }' "$SYSNODE/node$B/meminfo")
big=$(( (freeB + 128 * MIB) / MIB ))
refuse "ram: bind+prealloc larger than node $B's free memory (${big} MiB) refused" 2 \
	"^numamem: region 'm0': prealloc needs [0-9.]+ [KMGT]iB but node $B has only [0-9.]+ ([KMGT]i)?B available\$" \
	--backend=ram --size=${big}M --policy=bind --host-nodes=$B --prealloc
refuse "memfd: bind+prealloc larger than node $B's free memory (${big} MiB) refused" 2 \
	"^numamem: region 'm0': prealloc needs [0-9.]+ [KMGT]iB but node $B has only [0-9.]+ ([KMGT]i)?B available\$" \
	--backend=memfd --size=${big}M --policy=bind --host-nodes=$B --prealloc
for n in $MEM_NODES; do hp_set "$n" $(( $(hp_get "$n") + 8 )); done
hbig=$(( ($(awk '$3 == "HugePages_Free:" { print $4 }' "$SYSNODE/node$B/meminfo") + 8) * 2 ))
refuse "hugetlb: bind+prealloc beyond node $B's free huge pages (${hbig} MiB) refused" 2 \
	"^numamem: region 'm0': prealloc needs [0-9.]+ [KMGT]iB of 2 MiB huge pages but node $B has only [0-9.]+ ([KMGT]i)?B free \(raise /sys/devices/system/node/node$B/hugepages/hugepages-2048kB/nr_hugepages\)\$" \
	--backend=memfd --hugetlb --size=${hbig}M --policy=bind --host-nodes=$B --prealloc
for nv in $ORIG_HP; do hp_set "${nv%%:*}" "${nv#*:}"; done
echo "# the guest is alive after the refusals: $(date)"

nx=7; while in_list "$nx" $ONLINE; do nx=$((nx + 1)); done
refuse "nonexistent node ($nx) refused" 2 "$nx" --size=${SIZE_MIB}M --policy=bind --host-nodes=$nx
set -- $MEMLESS
if [ $# -gt 0 ]; then
	refuse "memoryless node ($1) refused" 2 "$1" --size=${SIZE_MIB}M --policy=bind --host-nodes=$1
else
	skip "memoryless node refused" "no memoryless node on this machine"
fi

# A node outside this process's allowed nodes (a cgroup v2 cpuset that
# allows only the first memory node): its own message, exit 2.
not_allowed() {
	set -- $MEM_NODES
	[ $# -ge 2 ] || { skip "node outside the allowed set refused" "fewer than two memory nodes"; return; }
	na_allow=$1 na_other=$2
	cg=/sys/fs/cgroup
	[ -f $cg/cgroup.controllers ] || mount -t cgroup2 none $cg 2>/dev/null
	if ! grep -qw cpuset $cg/cgroup.controllers 2>/dev/null ||
		! echo +cpuset >$cg/cgroup.subtree_control 2>/dev/null ||
		! mkdir -p $cg/numamem-test ||
		! cat $cg/cpuset.cpus.effective >$cg/numamem-test/cpuset.cpus 2>/dev/null ||
		! echo "$na_allow" >$cg/numamem-test/cpuset.mems 2>/dev/null; then
		skip "node outside the allowed set refused" "no cgroup v2 cpuset here"
		return
	fi
	printf '#!/bin/sh\necho $$ >%s/numamem-test/cgroup.procs || exit 99\nexec %s "$@"\n' "$cg" "$NUMAMEM" >"$WORK/in-cpuset"
	chmod +x "$WORK/in-cpuset"
	na_saved=$NUMAMEM
	NUMAMEM=$WORK/in-cpuset
	refuse "node outside the allowed set ($na_other; cpuset.mems $na_allow) refused" 2 \
		"node $na_other is outside the nodes this process may use" \
		--size=${SIZE_MIB}M --policy=bind --host-nodes=$na_other
	NUMAMEM=$na_saved
	rmdir $cg/numamem-test 2>/dev/null
}
not_allowed

# ------------------------------------------- prealloc thread placement

# threads NAME TARGET-CPUS numamem-args...: run numamem with a region
# large enough that prealloc takes a while, sample the CPU affinity
# (Cpus_allowed_list) and last CPU (stat field 39) of its threads while it
# preallocates, and expect every thread but the main one on TARGET-CPUS.
threads() {
	t_name=$1 t_cpus=$2
	shift 2
	want "$t_name" || return 0
	rm -f "$WORK/ready" "$WORK/samples"
	: >"$WORK/samples"
	"$NUMAMEM" "$@" --prealloc --prealloc-threads=2 --json --hold --ready-file="$WORK/ready" >"$WORK/out" 2>"$WORK/err" &
	t_pid=$!
	t_i=0
	while [ ! -s "$WORK/ready" ] && kill -0 "$t_pid" 2>/dev/null && [ $t_i -lt 200000 ]; do
		for t_task in /proc/$t_pid/task/*; do
			t_tid=${t_task##*/}
			[ "$t_tid" = "$t_pid" ] && continue
			t_allowed=""
			while read -r t_k t_v; do
				[ "$t_k" = "Cpus_allowed_list:" ] && t_allowed=$t_v
			done <"$t_task/status" 2>/dev/null
			read -r t_stat <"$t_task/stat" 2>/dev/null
			t_last=$(echo "${t_stat##*)}" | awk '{ print $37 }')
			[ -n "$t_allowed" ] && echo "$t_tid $t_allowed $t_last" >>"$WORK/samples"
		done 2>/dev/null
		t_i=$((t_i + 1))
	done
	wait_ready "$t_pid" "$WORK/ready"; t_ready=$?
	kill -TERM "$t_pid" 2>/dev/null
	wait "$t_pid"; t_rc=$?
	t_fail=""
	[ $t_ready = 0 ] || t_fail="$t_fail numamem never became ready;"
	[ "$t_rc" = 0 ] || t_fail="$t_fail exit status $t_rc after SIGTERM;"
	t_n=$(awk '{ print $1 }' "$WORK/samples" | sort -u | wc -l)
	[ "$t_n" -gt 0 ] || t_fail="$t_fail no thread besides the main one seen during prealloc ($t_i samples);"
	t_want=$(commas $t_cpus)
	# a thread may pin itself once it runs: judge each thread by its last sample
	awk '{ last[$1] = $0 } END { for (t in last) print last[t] }' "$WORK/samples" >"$WORK/lastsamples"
	while read -r t_tid t_allowed t_last; do
		t_set=$(expand "$t_allowed")
		for c in $t_set; do
			in_list "$c" $t_cpus || { t_fail="$t_fail thread $t_tid allowed on CPUs $t_allowed, expected within $t_want;"; break; }
		done
		[ -z "$t_last" ] || in_list "$t_last" $t_cpus || t_fail="$t_fail thread $t_tid ran on CPU $t_last, expected one of $t_want;"
	done <"$WORK/lastsamples"
	t_fail=$(echo "$t_fail" | tr ';' '\n' | sort -u | tr '\n' ';')
	if [ -z "$(echo "$t_fail" | tr -d ';')" ]; then ok "$t_name"; else not_ok "$t_name"; fi
	echo "#   $t_n prealloc thread(s) seen in $t_i samples; last sample of each: $(awk '{ print "tid " $1 " allowed " $2 " last ran on " $3 }' "$WORK/lastsamples" | head -n 6 | tr '\n' ';')"
	echo "#   JSON: prealloc_threads=$(jnum prealloc_threads "$WORK/out") prealloc=$(jnum prealloc "$WORK/timings_ms" 2>/dev/null)$(awk '{ if (match($0, /"timings_ms"[^}]*\}/)) print substr($0, RSTART, RLENGTH) }' "$WORK/out")"
	if [ -n "$(echo "$t_fail" | tr -d ';')" ]; then
		echo "$t_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   command: numamem $* --prealloc --prealloc-threads=2 --json --hold --ready-file=F"
		echo "#   stdout:"; diag "$WORK/out"; echo "#   stderr:"; diag "$WORK/err"
	fi
}

set -- $CPU_NODES
if [ $# -ge 2 ] && in_list "$B" $CPU_NODES && in_list "$A" $CPU_NODES; then
	freeA=$(awk '$3 == "MemFree:" { print $4 * 1024 }' "$SYSNODE/node$A/meminfo")
	freeB=$(awk '$3 == "MemFree:" { print $4 * 1024 }' "$SYSNODE/node$B/meminfo")
	[ "$freeB" -lt "$freeA" ] && freeA=$freeB
	tsize=$(( freeA * 2 / 3 / (64 * MIB) * 64 ))
	[ $tsize -gt 1024 ] && tsize=1024
	if [ $tsize -ge 128 ]; then
		threads "prealloc-nodes=$B: threads on node $B's CPUs ($(commas $(cpus_of $B))) for a region bound to $A" "$(cpus_of $B)" \
			--size=${tsize}M --policy=bind --host-nodes=$A --prealloc-nodes=$B
		threads "no prealloc context: threads on the bound node $B's CPUs ($(commas $(cpus_of $B)))" "$(cpus_of $B)" \
			--size=${tsize}M --policy=bind --host-nodes=$B
		c1=$(cpus_of $A); c1=${c1%% *}
		threads "prealloc-cpus=$c1: threads on CPU $c1 for a region bound to $B" "$c1" \
			--size=${tsize}M --policy=bind --host-nodes=$B --prealloc-cpus=$c1
	else
		skip "prealloc thread placement" "nodes $A and $B have too little free memory"
	fi
else
	skip "prealloc thread placement" "needs two memory nodes with CPUs"
fi
# a memoryless node with CPUs: its CPUs can preallocate memory bound elsewhere
m_cpu=""
for n in $MEMLESS; do [ -n "$(cat $SYSNODE/node$n/cpulist)" ] && { m_cpu=$n; break; }; done
if [ -n "$m_cpu" ]; then
	threads "prealloc-nodes=$m_cpu (memoryless node with CPUs $(commas $(cpus_of $m_cpu))): threads there for a region bound to $A" \
		"$(cpus_of $m_cpu)" --size=128M --policy=bind --host-nodes=$A --prealloc-nodes=$m_cpu
else
	skip "prealloc-nodes on a memoryless node with CPUs" "no memoryless node with CPUs on this machine"
fi

# ---------------------------------------------------- child with the fd

# child NAME EXPECT numamem-args...: numamem -- touchfd; touchfd faults
# the pages in and prints its own numa_maps line.
child() {
	c_name=$1 c_expect=$2
	shift 2
	want "$c_name" || return 0
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then skip "$c_name" "no touchfd helper"; return 0; fi
	timeout "$TIMEOUT" "$NUMAMEM" "$@" -- "$HELPER" >"$WORK/out" 2>"$WORK/err"
	c_rc=$?
	c_fail=""
	[ "$c_rc" = 0 ] || c_fail="$c_fail exit status $c_rc, expected 0 (touchfd's);"
	awk '/^touchfd-numa_maps: / {
		ps = 4
		for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { ps = $i; sub(/.*=/, "", ps) }
		for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); print kv[1], kv[2] * ps * 1024 }
	}' "$WORK/out" >"$WORK/wit"
	c_total=$(wtotal "$WORK/wit")
	[ "$c_total" = "$SIZE" ] || c_fail="$c_fail the child's numa_maps shows $c_total bytes, expected $SIZE;"
	case $c_expect in
	in:*)
		for n in $ALL_NODES; do
			in_list "$n" $(expand "${c_expect#in:}") && continue
			c_w=$(wbytes "$n" "$WORK/wit")
			[ "$c_w" = 0 ] || c_fail="$c_fail node $n has $c_w bytes, expected only ${c_expect#in:};"
		done ;;
	share:*)
		check_share "$c_name" "$(echo "${c_expect#share:}" | tr ',' ' ')" "$SIZE" 16384 "$WORK/wit" >"$WORK/share" ||
			c_fail="$c_fail shares off: $(tr '\n' ' ' <"$WORK/share");" ;;
	esac
	if [ -z "$c_fail" ]; then ok "$c_name"; else not_ok "$c_name"; fi
	echo "#   child's numa_maps: $(tr '\n' ' ' <"$WORK/wit" | sed 's/\([0-9]*\) \([0-9]*\) */N\1=\2 /g')"
	if [ -n "$c_fail" ]; then
		echo "$c_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   command: numamem $* -- $HELPER"
		echo "#   stdout:"; diag "$WORK/out"; echo "#   stderr:"; diag "$WORK/err"
	fi
}
child "child: memfd bound to $B, pages faulted by the child land on $B" "in:$B" \
	--size=${SIZE_MIB}M --policy=bind --host-nodes=$B
child "child: memfd interleaved over $TWO, the child's pages interleave" "share:$A:1,$B:1" \
	--size=${SIZE_MIB}M --policy=interleave --host-nodes=$TWO

# ------------------------------------------------------------- --map

# A cell shows the node holding more than half of its pages: base pages
# interleaved over two nodes give '+' cells only, and map_mixed_nodes
# names both; bound to one node, every cell is that node's digit.
mapcase() { # mapcase NAME WANT-CHARS WANT-MIXED numamem-args...
	m_name=$1 m_chars=$2 m_mixed_want=$3
	shift 3
	want "$m_name" || return 0
	settle
	timeout "$TIMEOUT" "$NUMAMEM" "$@" --map --json >"$WORK/out" 2>"$WORK/err"
	m_rc=$?
	m_map=$(sed -n 's/.*"map":"\([^"]*\)".*/\1/p' "$WORK/out")
	m_mixed=$(sed -n 's/.*"map_mixed_nodes":\[\([^]]*\)\].*/\1/p' "$WORK/out")
	if [ "$m_rc" = 0 ] && [ -n "$m_map" ] && [ -z "$(printf %s "$m_map" | tr -d "$m_chars")" ] &&
		[ "$m_mixed" = "$m_mixed_want" ]; then
		ok "$m_name"
	else
		not_ok "$m_name"
		echo "#   status $m_rc, map '$m_map', map_mixed_nodes [$m_mixed], want cells of '$m_chars', [$m_mixed_want]"
		diag "$WORK/err"
	fi
}
mapcase "map: base pages interleaved over $TWO: '+' cells naming $TWO" "+" "$TWO" \
	--size=${SIZE_MIB}M --thp=off --policy=interleave --host-nodes=$TWO --prealloc
mapcase "map: bound to $B: every cell $B" "$B" "" \
	--size=${SIZE_MIB}M --thp=off --policy=bind --host-nodes=$B --prealloc

# ------------------------------------------- policies the kernel breaks

# mbind(2) sets the policy of pages allocated from then on, and
# MPOL_MF_MOVE moves only pages already mapped in the caller's page
# tables.  Pages already in a file's page cache (tmpfs, hugetlbfs) on
# another node are mapped where they are when numamem preallocates: the
# kernel breaks the policy, and --verify must say so (exit 4, "region 'ID'
# breaks policy P: ...").  Each case first writes the file with numamem
# bound to node A (share, prealloc), then:
#   1. holds the region (same arguments, no --verify) and reads numa_maps
#      of that process: the witness must show the pages where the policy
#      does not allow them, and agree with numamem's JSON node_bytes;
#   2. runs it with --verify --json: exit 4, one line on stderr naming the
#      region and the policy, JSON "verify":"fail".
#
# broken NAME FILE PREP-MIB WITNESS NM-POLICY ID POLICY REASON-ERE numamem-args...
#   FILE        the region's mem-path; the first PREP-MIB MiB are written
#               on node A first
#   WITNESS     "node:bytes node:bytes": what numa_maps must show
#   NM-POLICY   numa_maps' policy field for the region (a glob)
#   ID POLICY   the region's id and policy name in the message
#   REASON-ERE  the reason after "breaks policy POLICY: "
broken() {
	k_name=$1 k_file=$2 k_prep=$3 k_wit=$4 k_nmpol=$5 k_id=$6 k_pol=$7 k_re=$8
	shift 8
	want "$k_name" || return 0
	k_fail=""
	rm -f "$k_file" "$WORK/ready"
	# a region longer than what is written: the file gets its full length
	# first (sparse, nothing cached), since numamem never grows a file
	# that is not empty
	[ "$k_prep" -lt "$SIZE_MIB" ] && dd if=/dev/zero of="$k_file" bs=1048576 count=0 seek="$SIZE_MIB" 2>/dev/null
	settle
	if ! timeout "$TIMEOUT" "$NUMAMEM" --backend=file --mem-path="$k_file" --share --size=${k_prep}M \
		--policy=bind --host-nodes=$A --prealloc --quiet 2>"$WORK/err"; then
		not_ok "$k_name"
		echo "#   writing $k_prep MiB of $k_file bound to node $A failed:"; diag "$WORK/err"
		rm -f "$k_file"
		return 0
	fi
	# 1. the witness: numa_maps of a numamem holding the region
	"$NUMAMEM" "$@" --json --hold --ready-file="$WORK/ready" >"$WORK/out" 2>"$WORK/err" &
	k_pid=$!
	if wait_ready "$k_pid" "$WORK/ready"; then
		k_addr=$(jstr address "$WORK/out" | tr 'A-F' 'a-f'); k_addr=${k_addr#0x}
		jnodes "$WORK/out" >"$WORK/jnodes"
		if [ -z "$k_addr" ] || ! witness "$k_pid" "$k_addr" "$SIZE" "$WORK/wit" >"$WORK/wdiag"; then
			k_fail="$k_fail no numa_maps line for the region at '$k_addr';"
			: >"$WORK/wit"
		fi
		k_nm=$(awk -v a="$k_addr" '{ x = $1; sub(/^0+/, "", x); b = a; sub(/^0+/, "", b) } x == b' "$WORK/numa_maps")
		# shellcheck disable=SC2254
		case $(echo "$k_nm" | awk '{ print $2 }') in
		$k_nmpol) ;;
		*) k_fail="$k_fail numa_maps shows policy '$(echo "$k_nm" | awk '{ print $2 }')', expected $k_nmpol (the kernel did not take the policy);" ;;
		esac
		kill -TERM "$k_pid"
		wait "$k_pid"; k_rc=$?
		[ "$k_rc" = 0 ] || k_fail="$k_fail the holding numamem exited $k_rc after SIGTERM;"
	else
		kill -KILL "$k_pid" 2>/dev/null
		wait "$k_pid"
		k_fail="$k_fail the holding numamem never got ready: $(tr '\n' ' ' <"$WORK/err");"
		: >"$WORK/wit"
		: >"$WORK/jnodes"
		k_nm=""
	fi
	for n in $ALL_NODES; do
		k_want=0
		for nb in $k_wit; do [ "${nb%%:*}" = "$n" ] && k_want=${nb#*:}; done
		k_w=$(wbytes "$n" "$WORK/wit") k_j=$(wbytes "$n" "$WORK/jnodes")
		[ "$k_w" = "$k_want" ] || k_fail="$k_fail node $n: numa_maps shows $k_w bytes, expected $k_want;"
		[ "$k_j" = "$k_w" ] || k_fail="$k_fail node $n: JSON node_bytes $k_j, numa_maps $k_w;"
	done
	# 2. --verify must catch it
	timeout "$TIMEOUT" "$NUMAMEM" "$@" --verify --json >"$WORK/vout" 2>"$WORK/verr"
	k_vrc=$?
	[ "$k_vrc" = 4 ] || k_fail="$k_fail --verify exited $k_vrc, expected 4;"
	[ "$(wc -l <"$WORK/verr")" -eq 1 ] || k_fail="$k_fail $(wc -l <"$WORK/verr") lines on stderr, expected one;"
	grep -q -E "^numamem: region '$k_id' breaks policy $k_pol: $k_re\$" "$WORK/verr" ||
		k_fail="$k_fail the message does not match /region '$k_id' breaks policy $k_pol: $k_re/;"
	[ "$(jstr verify "$WORK/vout")" = fail ] || k_fail="$k_fail JSON verify is '$(jstr verify "$WORK/vout")', expected fail;"
	rm -f "$k_file"

	if [ -z "$k_fail" ]; then ok "$k_name"; else not_ok "$k_name"; fi
	echo "#   numa_maps: $k_nm"
	echo "#   --verify  →  $k_vrc: $(head -c 300 "$WORK/verr" | tr '\n' '|')"
	if [ -n "$k_fail" ]; then
		echo "$k_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   command: numamem $*"
		echo "#   hold stderr:"; diag "$WORK/err"; echo "#   --verify stdout:"; head -c 2000 "$WORK/vout" | diag
	fi
}

PC=$MEMDIR/pagecache
broken "page cache: file cached on $A, region bound to $B: --verify fails" \
	"$PC" "$SIZE_MIB" "$A:$SIZE" "bind:$B" pc bind "$SIZE_MIB MiB outside bound nodes $B" \
	--object memory-backend-file,id=pc,mem-path="$PC",size=${SIZE_MIB}M,share=on,policy=bind,host-nodes=$B,prealloc=on
HALF=$((SIZE_MIB / 2))
broken "page cache: first $HALF MiB cached on $A, region bound to $B: only those break it" \
	"$PC" "$HALF" "$A:$((HALF * MIB)) $B:$((SIZE - HALF * MIB))" "bind:$B" m0 bind "$HALF MiB outside bound nodes $B" \
	--backend=file --mem-path="$PC" --share --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --prealloc
broken "page cache: file cached on $A, region interleaved over $TWO: --verify fails" \
	"$PC" "$SIZE_MIB" "$A:$SIZE" "interleave:*" m0 interleave "node $A holds $SIZE_MIB MiB, interleave expects [0-9.]+ MiB" \
	--backend=file --mem-path="$PC" --share --size=${SIZE_MIB}M --policy=interleave --host-nodes=$TWO --prealloc
broken "page cache: file cached on $A, readonly region bound to $B: --verify fails" \
	"$PC" "$SIZE_MIB" "$A:$SIZE" "bind:$B" m0 bind "$SIZE_MIB MiB outside bound nodes $B" \
	--backend=file --mem-path="$PC" --readonly --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --prealloc
broken "page cache: file cached on $A, region preferring $B (room there): --verify fails" \
	"$PC" "$SIZE_MIB" "$A:$SIZE" "prefer*:$B" m0 preferred "$SIZE_MIB MiB off preferred nodes $B while they have room" \
	--backend=file --mem-path="$PC" --share --size=${SIZE_MIB}M --policy=preferred --host-nodes=$B --prealloc
# hugetlbfs has no shared policy: a file's huge pages stay where they are
# (a hugetlbfs mount of 2 MiB pages: pagesize=2M, or the default size)
HUGEFS=$(awk -v def="$(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo)" '
	$3 == "hugetlbfs" && ($4 ~ /pagesize=2M/ || ($4 !~ /pagesize=/ && def == 2048)) { print $2; exit }' /proc/mounts)
k_name="hugetlbfs: file's huge pages on $A, region bound to $B: --verify fails"
if want "$k_name" && [ -z "$HUGEFS" ]; then
	skip "$k_name" "no hugetlbfs of 2 MiB pages mounted"
elif want "$k_name"; then
	for n in $A $B; do hp_set "$n" $(( $(hp_get "$n") + HPAGES )); done
	broken "$k_name" "$HUGEFS/numamem-suite-pagecache.$$" "$SIZE_MIB" "$A:$SIZE" "bind:$B" m0 bind "$SIZE_MIB MiB outside bound nodes $B" \
		--backend=file --mem-path="$HUGEFS/numamem-suite-pagecache.$$" --share --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --prealloc
	for nv in $ORIG_HP; do hp_set "${nv%%:*}" "${nv#*:}"; done
fi

# ------------------------------------------ COMMAND's own policy and CPUs

# proc NAME POLICY EXPECT CPUS numamem-args...: numamem ARGS -- touchfd anon
# SIZE; from the child's own numa_maps line, its policy's name and nodes
# must be POLICY ("bind:1"; nodes compared as sets), its pages EXPECT
# (in:LIST | share:n:w,...), and, unless CPUS is "-", its own
# Cpus_allowed_list the CPUs CPUS.
proc() {
	q_name=$1 q_policy=$2 q_expect=$3 q_cpus=$4
	shift 4
	want "$q_name" || return 0
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then skip "$q_name" "no touchfd helper"; return 0; fi
	timeout "$TIMEOUT" "$NUMAMEM" "$@" -- "$HELPER" anon "$SIZE" >"$WORK/out" 2>"$WORK/err"
	q_rc=$?
	q_fail=""
	[ "$q_rc" = 0 ] || q_fail="$q_fail exit status $q_rc, expected 0;"
	q_line=$(sed -n 's/^touchfd-numa_maps: [0-9a-f]* //p' "$WORK/out")
	q_got=$(echo "$q_line" | sed 's/ \(anon=\|dirty=\|N[0-9]*=\|file=\|heap\|stack\|mapped=\|active=\|kernelpagesize\).*//')
	q_gotnodes=$(expand "$(echo "$q_got" | sed -n 's/.*://p')" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	q_wantnodes=$(expand "$(echo "$q_policy" | sed -n 's/.*://p')" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	[ "${q_got%%:*}" = "${q_policy%%:*}" ] && [ "$q_gotnodes" = "$q_wantnodes" ] ||
		q_fail="$q_fail the child's numa_maps says '$q_got', expected '$q_policy';"
	echo "$q_line" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); print kv[1], kv[2] * 4096 } }' >"$WORK/wit"
	q_total=$(wtotal "$WORK/wit")
	[ "$q_total" = "$SIZE" ] || q_fail="$q_fail the child's numa_maps shows $q_total bytes, expected $SIZE;"
	case $q_expect in
	in:*)
		for n in $ALL_NODES; do
			in_list "$n" $(expand "${q_expect#in:}") && continue
			q_w=$(wbytes "$n" "$WORK/wit")
			[ "$q_w" = 0 ] || q_fail="$q_fail node $n has $q_w bytes, expected only ${q_expect#in:};"
		done ;;
	share:*)
		check_share "$q_name" "$(echo "${q_expect#share:}" | tr ',' ' ')" "$SIZE" 65536 "$WORK/wit" >"$WORK/share" ||
			q_fail="$q_fail shares off: $(tr '\n' ' ' <"$WORK/share");" ;;
	esac
	q_gotcpus=$(sed -n 's/^touchfd-cpus: //p' "$WORK/out")
	if [ "$q_cpus" != - ] && [ "$(expand "$q_gotcpus")" != "$(expand "$q_cpus")" ]; then
		q_fail="$q_fail the child's Cpus_allowed_list is '$q_gotcpus', expected '$q_cpus';"
	fi
	if [ -z "$q_fail" ]; then ok "$q_name"; else not_ok "$q_name"; fi
	echo "#   child: $q_got; $(tr '\n' ' ' <"$WORK/wit" | sed 's/\([0-9]*\) \([0-9]*\) */N\1=\2 /g'); CPUs $q_gotcpus"
	if [ -n "$q_fail" ]; then
		echo "$q_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
		echo "#   command: numamem $* -- $HELPER anon $SIZE"
		echo "#   stdout:"; diag "$WORK/out"; echo "#   stderr:"; diag "$WORK/err"
	fi
}
cpusA=$(commas $(cpus_of $A))
cpusB=$(commas $(cpus_of $B))
proc "process: -m $B (membind)" "bind:$B" "in:$B" - -m $B
proc "process: --membind=+1 (the second allowed node)" "bind:$(set -- $MEM_NODES; echo $2)" "in:$(set -- $MEM_NODES; echo $2)" - --membind=+1
proc "process: -i $TWO (interleave)" "interleave:$TWO" "share:$A:1,$B:1" - -i $TWO
proc "process: -p $B (preferred)" "prefer:$B" "in:$B" - -p $B
proc "process: -m $B -b (balancing)" "bind=balancing:$B" "in:$B" - -m $B -b
if [ $have_pm = 1 ]; then
	proc "process: -P $B,$C (preferred-many)" "prefer (many):$B,$C" "in:$B,$C" - -P $B,$C
else
	refuse "process: -P refused on $kmaj.$kmin" 125 "5\.15|$kmaj\.$kmin" -P $B -- true
fi
if [ $have_wi = 1 ]; then
	echo 1 >$WI/node$A; echo 3 >$WI/node$B
	proc "process: -w $TWO 1:3 (weighted-interleave)" "weighted interleave:$TWO" "share:$A:1,$B:3" - -w $TWO
else
	refuse "process: -w refused on $kmaj.$kmin" 125 "6\.9|$kmaj\.$kmin" -w $TWO -- true
fi
if in_list "$B" $CPU_NODES && in_list "$A" $CPU_NODES; then
	proc "process: -N $B -l (runs on node $B's CPUs, memory local)" "local" "in:$B" "$cpusB" -N $B -l
	proc "process: -N $A (cpunodebind)" "default" "any" "$cpusA" -N $A
	c1=$(cpus_of $B); c1=${c1%% *}
	proc "process: -C $c1 -m $A (physcpubind)" "bind:$A" "in:$A" "$c1" -C $c1 -m $A
	proc "process: -N $A -m $A with a ram region bound to $B held (fork)" "bind:$A" "in:$A" "$cpusA" \
		-N $A -m $A --backend=ram --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --prealloc
	proc "process: -N $A -i $TWO with a memfd region on $B (exec in place)" "interleave:$TWO" "share:$A:1,$B:1" "$cpusA" \
		-N $A -i $TWO --size=${SIZE_MIB}M --policy=bind --host-nodes=$B --prealloc
else
	skip "process: CPU binding" "needs two memory nodes with CPUs"
fi
set -- $MEMLESS
if [ $# -gt 0 ]; then
	refuse "process: -m on a memoryless node ($1) refused" 125 "node $1 has no memory" -m $1 -- true
fi
if [ -n "$m_cpu" ]; then
	proc "process: -N $m_cpu (memoryless node with CPUs $(commas $(cpus_of $m_cpu)))" "default" "any" \
		"$(commas $(cpus_of $m_cpu))" -N $m_cpu
fi
refuse "process: -m on a nonexistent node ($nx) refused" 125 "node $nx does not exist" -m $nx -- true

# A launcher's binding on another node than numamem's: Slurm's
# --mem-bind=map_mem:A as slurmstepd sets it (set_mempolicy bind A and its
# variables; an outer numamem plays slurmstepd here, there is no Slurm in
# the guest).  COMMAND keeps it unless numamem is told otherwise; -m B
# wins, with one warning line naming bind A; -m A agrees, silently.
# launcher NAME POLICY WARNING-PATTERN INNER-ARGS...: proc, then stderr
launcher() {
	l_name=$1 l_policy=$2 l_warn=$3
	shift 3
	want "$l_name" || return 0
	proc "$l_name" "$l_policy" "in:${l_policy#bind:}" - -m $A -- env SLURM_JOB_ID=1 SLURM_MEM_BIND_TYPE=map_mem: \
		SLURM_MEM_BIND=quiet,map_mem:$A "$NUMAMEM" "$@"
	if [ -z "$l_warn" ]; then
		l_ok=$([ ! -s "$WORK/err" ] && echo y)
	else
		l_ok=$([ "$(grep -c . "$WORK/err")" = 1 ] && grep -Eq "$l_warn" "$WORK/err" && echo y)
	fi
	if [ -n "$l_ok" ]; then ok "$l_name: stderr as the rule says"; else not_ok "$l_name: stderr as the rule says"; diag "$WORK/err"; fi
}
launcher "launcher: Slurm's map_mem:$A kept for COMMAND" "bind:$A" "" --size=4M
launcher "launcher: numamem -m $B over Slurm's map_mem:$A" "bind:$B" \
	"^numamem: warning: --membind $B overrides memory policy bind $A, which the launcher set \\(SLURM_MEM_BIND=quiet,map_mem:$A\\): numamem's option wins\$" \
	-m $B --size=4M
launcher "launcher: numamem -m $A under Slurm's map_mem:$A agrees" "bind:$A" "" -m $A --size=4M

# --pid: a process numamem did not start, against its numa_maps read here
pidcase() {
	g_name=$1 g_want_rc=$2 g_verify=$3
	shift 3
	want "$g_name" || return 0
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then skip "$g_name" "no touchfd helper"; return 0; fi
	rm -f "$WORK/ready"
	"$@" "$WORK/ready" >"$WORK/child" 2>&1 &
	g_pid=$!
	HOLDERS="$HOLDERS $g_pid"
	wait_ready "$g_pid" "$WORK/ready"
	g_pid=$(sed -n 's/^ready //p' "$WORK/ready")
	"$NUMAMEM" --pid="$g_pid" --verify --json >"$WORK/out" 2>"$WORK/err"
	g_rc=$?
	awk '{ ps = 4; for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { ps = $i; sub(/.*=/, "", ps) }
		for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); b[kv[1]] += kv[2] * ps * 1024 } }
		END { for (n in b) print n, b[n] }' "/proc/$g_pid/numa_maps" | sort >"$WORK/wit"
	kill -TERM "$g_pid" 2>/dev/null
	sed -n 's/.*"process":{[^[]*"node_bytes":{\([^}]*\)}.*/\1/p' "$WORK/out" | tr ',' '\n' | tr -d '"' | tr ':' ' ' | sed '/^$/d' | sort >"$WORK/jn"
	g_fail=""
	[ "$g_rc" = "$g_want_rc" ] || g_fail="$g_fail exit status $g_rc, expected $g_want_rc;"
	[ "$(jstr verify "$WORK/out")" = "$g_verify" ] || g_fail="$g_fail JSON verify '$(jstr verify "$WORK/out")', expected $g_verify;"
	cmp -s "$WORK/jn" "$WORK/wit" || g_fail="$g_fail per-node totals $(tr '\n' ' ' <"$WORK/jn"), numa_maps $(tr '\n' ' ' <"$WORK/wit");"
	if [ -z "$g_fail" ]; then ok "$g_name"; else not_ok "$g_name"; fi
	echo "#   numamem --pid: $g_rc, $(jstr verify_reason "$WORK/out"); stderr: $(tr '\n' '|' <"$WORK/err")"
	[ -n "$g_fail" ] && echo "$g_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
}
pidcase "--pid: a service started under numamem -m $B passes --verify" 0 pass \
	"$NUMAMEM" -m $B -- "$HELPER" anon "$SIZE"
pidcase "--pid: pages on $A under a mapping bound to $B fail --verify (4)" 4 fail \
	"$NUMAMEM" -m $A -- "$HELPER" misplace $B "$SIZE"

# COMMAND's own memory, watched by numamem (--json --verify), against the
# workload's numa_maps read here while it holds: anonymous bytes per node
# within 1 MiB of numamem's peak; SIGUSR1 ends the workload with 0.
workcase() {
	k_name=$1 k_want_rc=$2 k_verify=$3 k_node=$4
	shift 4
	want "$k_name" || return 0
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then skip "$k_name" "no touchfd helper"; return 0; fi
	rm -f "$WORK/ready" "$WORK/trace"
	"$@" "$WORK/ready" >"$WORK/out" 2>"$WORK/err" &
	k_pid=$!
	HOLDERS="$HOLDERS $k_pid"
	k_fail=""
	if wait_ready "$k_pid" "$WORK/ready"; then
		k_child=$(sed -n 's/^ready //p' "$WORK/ready")
		awk '!/ file=/ { for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) { split(substr($i, 2), kv, "="); b[kv[1]] += kv[2] * 4096 } }
			END { for (n in b) print n, b[n] }' "/proc/$k_child/numa_maps" | sort >"$WORK/wit"
		# numamem's interval adapts to what a sample costs (a second or
		# more under TCG): end the workload once its trace has seen it all
		k_i=0
		while [ $k_i -lt 300 ] && ! sed -n "s/.*\"node_bytes\":{[^}]*\"$k_node\":\([0-9]*\).*/\1/p" "$WORK/trace" 2>/dev/null |
			awk -v s="$SIZE" '$1 >= s { f = 1 } END { exit !f }'; do
			sleep 0.1; k_i=$((k_i + 1))
		done
		kill -USR1 "$k_child"
	else
		k_fail=" the workload never became ready;"
	fi
	wait "$k_pid"
	k_rc=$?
	sed -n 's/.*"peak_node_bytes":{\([^}]*\)}.*/\1/p' "$WORK/out" | tr ',' '\n' | tr -d '"' | tr ':' ' ' | sed '/^$/d' | sort >"$WORK/jn"
	[ "$k_rc" = "$k_want_rc" ] || k_fail="$k_fail exit status $k_rc, expected $k_want_rc;"
	k_v=$(sed -n 's/.*"workload":{.*"verify":"\([a-z]*\)".*/\1/p' "$WORK/out")
	[ "$k_v" = "$k_verify" ] || k_fail="$k_fail workload verify '$k_v', expected $k_verify;"
	# the report's own verdict (issue 26): the 1M region has no page to
	# judge, so the whole is what COMMAND's memory is
	k_t=$(sed -n 's/.*"verdict":{"result":"\([a-z]*\)".*/\1/p' "$WORK/out")
	[ "$k_t" = "$k_verify" ] || k_fail="$k_fail the report's verdict '$k_t', expected $k_verify;"
	k_w=$(wbytes "$k_node" "$WORK/wit") k_j=$(wbytes "$k_node" "$WORK/jn")
	[ "$k_w" -ge "$SIZE" ] 2>/dev/null || k_fail="$k_fail numa_maps shows $k_w bytes on node $k_node, expected $SIZE and more;"
	[ $(( k_w > k_j ? k_w - k_j : k_j - k_w )) -le $MIB ] 2>/dev/null ||
		k_fail="$k_fail numamem's peak on node $k_node is $k_j, numa_maps $k_w;"
	for n in $ALL_NODES; do
		[ "$n" = "$k_node" ] && continue
		[ "$(wbytes "$n" "$WORK/wit")" -le $MIB ] || k_fail="$k_fail numa_maps shows $(wbytes "$n" "$WORK/wit") bytes on node $n;"
	done
	if [ -z "$k_fail" ]; then ok "$k_name"; else not_ok "$k_name"; fi
	echo "#   peak $(tr '\n' ' ' <"$WORK/jn"); numa_maps $(tr '\n' ' ' <"$WORK/wit"); $(sed -n 's/.*"workload":{\(.*\)"peak_bytes".*/\1/p' "$WORK/out"); $(sed -n 's/.*"workload":{.*"verify_reason":"\([^"]*\)"}.*/\1/p' "$WORK/out"); stderr: $(tr '\n' '|' <"$WORK/err")"
	[ -n "$k_fail" ] && echo "$k_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
}
workcase "workload: -m $B --json --verify: COMMAND's memory on node $B, as numa_maps says" 0 pass $B \
	"$NUMAMEM" --size=1M -m $B --json --verify --trace="$WORK/trace" -- "$HELPER" anon "$SIZE"
workcase "workload: -m $B, the workload binding its memory to $A: --verify fails (124)" 124 fail $A \
	"$NUMAMEM" --size=1M -m $B --json --verify --trace="$WORK/trace" -- "$HELPER" elsewhere $A "$SIZE"

# A short-lived child bound to B (numamem -m B): it touches 48 MiB,
# prints its own numa_maps line of them (the witness, read by itself just
# before it exits) and exits; numamem must report the 48 MiB on node B,
# whatever the sampling (NUMAMEM_WATCH_INTERVAL=60s: one sample, before
# exec), by each mechanism forced with NUMAMEM_WATCH: exit-trace (its
# numa_maps read at its exit stop) and cgroup (memory.numa_stat at its
# exit stop, memory.peak; cgroup2 is mounted by the guest's init).
exitcase() {
	e_mech=$1
	e_name="workload: a child bound to $B touches 48 MiB and exits: 48 MiB on node $B ($e_mech)"
	want "$e_name" || return 0
	if [ -z "$HELPER" ] || [ ! -x "$HELPER" ]; then skip "$e_name" "no touchfd helper"; return 0; fi
	rm -f "$WORK/wit"
	NUMAMEM_WATCH=$e_mech NUMAMEM_WATCH_INTERVAL=60s "$NUMAMEM" -m $B --json -- \
		sh -c "\"\$0\" anon $((48 * MIB)) >'$WORK/wit'; true" "$HELPER" >"$WORK/out" 2>"$WORK/err"
	e_rc=$?
	e_fail=""
	e_w=$(awk -v n="N$B" '/^touchfd-numa_maps:/ { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == n) b += kv[2] * 4096 } }
		END { print b + 0 }' "$WORK/wit" 2>/dev/null)
	e_j=$(sed -n 's/.*"peak_node_bytes":{\([^}]*\)}.*/\1/p' "$WORK/out" | tr ',' '\n' | tr -d '"' |
		awk -F: -v n="$B" '$1 == n { print $2 }')
	e_all=$(jnum peak_bytes "$WORK/out")
	[ "$e_rc" = 0 ] || e_fail="$e_fail exit status $e_rc;"
	[ "$(jstr mechanism "$WORK/out")" = "$e_mech" ] || e_fail="$e_fail mechanism '$(jstr mechanism "$WORK/out")';"
	[ "${e_w:-0}" -ge $((48 * MIB)) ] || e_fail="$e_fail the child's numa_maps shows ${e_w:-0} bytes on node $B;"
	# the child's 48 MiB, and no more than the shell's few pages beside
	[ "${e_j:-0}" -ge "${e_w:-1}" ] && [ "${e_j:-0}" -le $((${e_w:-0} + 4 * MIB)) ] ||
		e_fail="$e_fail numamem's peak on node $B is ${e_j:-0}, the child's numa_maps ${e_w:-0};"
	[ $((${e_all:-0} - ${e_j:-0})) -le $((4 * MIB)) ] || e_fail="$e_fail peak on other nodes: $e_all in all;"
	if [ "$e_mech" = cgroup ]; then
		e_x=$(jnum exact_peak_bytes "$WORK/out")
		e_cg=$(jstr cgroup "$WORK/out")
		[ "${e_x:-0}" -ge "${e_w:-1}" ] || e_fail="$e_fail memory.peak ${e_x:-none} below the child's ${e_w:-0};"
		[ -n "$e_cg" ] && [ ! -e "$e_cg" ] || e_fail="$e_fail cgroup '$e_cg' left behind;"
	fi
	if [ -z "$e_fail" ]; then ok "$e_name"; else not_ok "$e_name"; fi
	echo "#   peak on $B ${e_j:-0} (of $e_all), witness $e_w; $(sed -n 's/.*"workload":{\(.*\)"peak_bytes".*/\1/p' "$WORK/out" | cut -c1-600); stderr: $(tr '\n' '|' <"$WORK/err")"
	[ -n "$e_fail" ] && echo "$e_fail" | tr ';' '\n' | sed '/^ *$/d; s/^ */#   /'
}
exitcase exit-trace
exitcase cgroup
# ------------------------------------------------ numactl as the peer
# The same invocation through numactl and numamem, only the program name
# differing (as numactl's own tests would run it): the child's view
# (touchfd view: its policy by get_mempolicy, Cpus_allowed_list,
# Mems_allowed_list, numa_maps policy and 16 MiB's placement) and the
# exit status (success or failure: the statuses and wording of a refusal
# are numamem's own) must agree; -H and -s byte for byte (-H's free
# memory within 8 MB).  Under taskset and inside a cgroup v2 cpuset too.
# Every pair counts in the tally noted at the end.
NUMACTL=$(command -v numactl 2>/dev/null)
PEERS=0 AGREE=0
VIEW_BYTES=$((16 * MIB))
# peer_cmp NAME: the two runs in $WORK/pn.* and $WORK/pm.*, statuses e_nrc, e_mrc
peer_cmp() {
	PEERS=$((PEERS + 1))
	if { [ "$e_nrc" = 0 ] && [ "$e_mrc" = 0 ] && cmp -s "$WORK/pn.out" "$WORK/pm.out"; } ||
		{ [ "$e_nrc" != 0 ] && [ "$e_mrc" != 0 ]; }; then
		AGREE=$((AGREE + 1))
		ok "$1"
		[ "$e_nrc" = 0 ] && echo "#   both: $(tr '\n' ' ' <"$WORK/pm.out" | cut -c1-300)"
		[ "$e_nrc" != 0 ] && echo "#   both refuse: numactl $e_nrc ($(head -n 1 "$WORK/pn.err")), numamem $e_mrc ($(head -n 1 "$WORK/pm.err"))"
	else
		not_ok "$1"
		echo "#   numactl: status $e_nrc"; diag "$WORK/pn.out" "$WORK/pn.err"
		echo "#   numamem: status $e_mrc"; diag "$WORK/pm.out" "$WORK/pm.err"
	fi
}
# peer NAME WRAP ARGS...: PROGRAM [ARGS] (WRAP: "" or a prefix such as
# "taskset -c 0" or "in_cpuset"); view appended unless ARGS end in -s or -H
peer() {
	e_name="peer: $1" e_wrap=$2
	shift 2
	want "$e_name" || return 0
	if [ -z "$NUMACTL" ]; then skip "$e_name" "numactl is not in this guest (tools/setup --tests on the host)"; return 0; fi
	if [ -z "$HELPER" ]; then skip "$e_name" "no touchfd helper"; return 0; fi
	e_last=""
	for e_a in "$@"; do e_last=$e_a; done
	case $e_last in
	-s|-H|--show|--hardware) e_view="" ;;
	*) e_view="$HELPER view $VIEW_BYTES" ;;
	esac
	# shellcheck disable=SC2086
	$e_wrap "$NUMACTL" "$@" $e_view >"$WORK/pn.out" 2>"$WORK/pn.err"
	e_nrc=$?
	# shellcheck disable=SC2086
	$e_wrap "$NUMAMEM" "$@" $e_view >"$WORK/pm.out" 2>"$WORK/pm.err"
	e_mrc=$?
	case $e_last in
	-H|--hardware)
		# free memory moves between the runs (memory a case before freed
		# is still coming back): masked, and numamem's must lie between
		# numactl's before and after it, within 8 MB
		# shellcheck disable=SC2086
		$e_wrap "$NUMACTL" "$@" >"$WORK/pn2.out" 2>/dev/null
		paste "$WORK/pn.out" "$WORK/pm.out" "$WORK/pn2.out" | awk -F'\t' '$1 ~ / free: / {
			split($1, a, " "); split($2, b, " "); split($3, c, " ")
			lo = (a[4] < c[4] ? a[4] : c[4]) - 8; hi = (a[4] > c[4] ? a[4] : c[4]) + 8
			if (b[4] < lo || b[4] > hi) { print "free differs: " $0; bad = 1 } } END { exit bad }' >"$WORK/pfree" ||
			{ cat "$WORK/pfree" >>"$WORK/pm.err"; e_mrc=99; }
		sed -i 's/^\(node [0-9]* free: \)[0-9]*/\1X/' "$WORK/pn.out" "$WORK/pm.out" ;;
	esac
	# where default, local, preferred-many and a bind to several nodes
	# place memory follows the CPU the child ran on: when its CPUs span
	# nodes, that is not compared.  Interleave's next node depends on what
	# each program allocated since its set_mempolicy(): not compared either.
	sed -i 's/^\(preferred node: \)[0-9]* (interleave next)/\1N (interleave next)/; s/^interleavenode: [0-9]*/interleavenode: N/' \
		"$WORK/pn.out" "$WORK/pm.out"
	# lines a case leaves out of the comparison (PEER_DROP: a sed address)
	[ -n "${PEER_DROP:-}" ] && sed -i "${PEER_DROP}d" "$WORK/pn.out" "$WORK/pm.out"
	for e_f in "$WORK/pn.out" "$WORK/pm.out"; do
		e_mode=$(sed -n 's/^view-mempolicy: \([0-9]*\).*/\1/p' "$e_f")
		e_cpus=$(sed -n 's/^view-Cpus: //p' "$e_f")
		e_pnodes=$(sed -n 's/^view-mempolicy: [0-9]* //p' "$e_f")
		case $e_mode:$e_pnodes in 0:*|4:*|5:*|2:*,*|2:*-*) ;; *) continue ;; esac
		e_spans=0
		for e_n in $CPU_NODES; do
			for e_c in $(cpus_of $e_n); do
				if in_list "$e_c" $(expand "$e_cpus"); then e_spans=$((e_spans + 1)); break; fi
			done
		done
		[ $e_spans -gt 1 ] && sed -i 's/^\(view-numa_maps: [^ ]*\) .*/\1 (placement follows the CPU it ran on)/' "$e_f"
	done
	peer_cmp "$e_name"
}
CG=/sys/fs/cgroup/numamem-peer
# in_cpuset PROGRAM ARGS...: run it in the cgroup $CG (a cpuset)
in_cpuset() {
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
}

cA=$(cpus_of $A); cA=${cA%% *}
if in_list "$B" $CPU_NODES; then cB=$(cpus_of $B); cB=${cB%% *}; else cB=$cA; fi
peer "-H (byte for byte; free between numactl's, within 8 MB)" "" -H
peer "--hardware" "" --hardware
peer "-s" "" -s
for o in "-m $B" "-i all" "-p $B" "-l" "-N $B" "-C $cB" "-m $A,$B" "-N $A -C $cB" "-i $A,$B -N $A"; do
	# shellcheck disable=SC2086
	peer "$o -s" "" $o -s
done
peer "no options (view)" ""
for o in "-m $A" "-m $B" "-m all" "-m $A,$B" "-i all" "-i $A,$B" "-p $B" "-l" "-N $A" "-N $B" "-N all" \
	"--cpubind=$B" "-C $cB" "-N $A -C $cB" "-C $cB -N $A" "-N $A -m $B" "-b -m $B" "-P $A,$B" "-a -m all" \
	"-a -N all" "-N $nx" "-m $nx"; do
	# shellcheck disable=SC2086
	peer "$o" "" $o
done
for c in $CPULESS; do
	peer "-N $c (CPU-less: both refuse)" "" -N $c
	peer "-N $A,$c (a CPU-less node in the list)" "" -N $A,$c
	peer "-m $c (CPU-less memory)" "" -m $c
	peer "-i $A,$c -N all" "" -i $A,$c -N all
	peer "-p $c -N $B" "" -p $c -N $B
done
# nodes past QEMU's 128 (topology d: NUMA emulation's 130 nodes): numactl's
# options take any node up to the kernel's MAX_NUMNODES, as numactl does.
# libnuma 2.0.16 itself reads only nodes 0-63 of Mems_allowed on such a
# machine (its -N 128 says "node 128 not allowed", -a -m all binds 0-63,
# -s's cpubind and nodebind stop at 63): those are checked as numamem's
# own view, against the kernel's, not as pairs.
# own NAME WANT ARGS...: numamem ARGS view; its output must hold line WANT
own() {
	e_name="past127: $1" e_want=$2
	shift 2
	want "$e_name" || return 0
	if [ -z "$HELPER" ]; then skip "$e_name" "no touchfd helper"; return 0; fi
	"$NUMAMEM" "$@" "$HELPER" view "$VIEW_BYTES" >"$WORK/pm.out" 2>"$WORK/pm.err"
	e_mrc=$?
	if [ "$e_mrc" = 0 ] && grep -qx "$e_want" "$WORK/pm.out" && [ ! -s "$WORK/pm.err" ]; then ok "$e_name"; else
		not_ok "$e_name"; echo "#   status $e_mrc, want '$e_want'"; diag "$WORK/pm.out" "$WORK/pm.err"; fi
}
if in_list 129 $MEM_NODES; then
	for o in "-m 129" "-i 127-129" "-i all" "-p 128" "-P 128,129" "-N all" "-m 5000" "-m 130"; do
		# shellcheck disable=SC2086
		peer "past127: $o" "" $o
	done
	e_all=$(seq 0 129 | tr '\n' ',' | sed 's/,$//')
	own "-N 128: runs on node 128's CPUs" "view-Cpus: 0-1" -N 128
	own "-m 0 -N 129" "view-mempolicy: 2 0" -m 0 -N 129
	own "-a -m all: bound to nodes 0-129" "view-mempolicy: 2 $e_all" -a -m all
	own "-i all: over nodes 0-129" "view-mempolicy: 3 $e_all" -i all
	own "-m 129: the child's pages on node 129" "view-numa_maps: bind:129 N129=16M" -m 129
	if [ -d /sys/kernel/mm/mempolicy/weighted_interleave ]; then
		own "-w 128,129: weighted interleave over nodes 128-129" "view-mempolicy: 6 128,129" -w 128,129
	else
		skip "past127: -w 128,129" "the kernel has no weighted interleave"
	fi
	peer "past127: -H (byte for byte; free between numactl's, within 8 MB)" "" -H
	PEER_DROP='/^cpubind: \|^nodebind: /'
	peer "past127: -s (but cpubind, nodebind)" "" -s
	peer "past127: -m 128 -s (but cpubind, nodebind)" "" -m 128 -s
	peer "past127: -i 0,129 -s (but cpubind, nodebind)" "" -i 0,129 -s
	PEER_DROP=""
	e_name="past127: -s: cpubind and nodebind list nodes 0-129"
	if want "$e_name"; then
		"$NUMAMEM" -s >"$WORK/pm.out" 2>"$WORK/pm.err"
		e_line="$(seq 0 129 | tr '\n' ' ')"
		if grep -qx "cpubind: $e_line" "$WORK/pm.out" && grep -qx "nodebind: $e_line" "$WORK/pm.out"; then ok "$e_name"; else
			not_ok "$e_name"; diag "$WORK/pm.out" "$WORK/pm.err"; fi
	fi
	# beyond the kernel's limit: one line naming the value
	e_name="past127: -m 5000: numamem's refusal is one line naming 5000 and the limit"
	if want "$e_name"; then
		"$NUMAMEM" -m 5000 true >"$WORK/pm.out" 2>"$WORK/pm.err"
		e_mrc=$?
		if [ "$e_mrc" = 125 ] && [ "$(wc -l <"$WORK/pm.err")" = 1 ] &&
			grep -q "^numamem: invalid membind '5000': 5000 is above the highest possible, [0-9]*\$" "$WORK/pm.err"; then
			ok "$e_name"
		else
			not_ok "$e_name"; echo "#   status $e_mrc"; diag "$WORK/pm.err"
		fi
	fi
fi
# numactl's test/bind_range: under taskset, -N is bounded by the cpuset
# and -C by the affinity, which -a lifts; numamem bounds -C by the cpuset
# too (numamem's option wins, LAUNCHERS; DIFFERENCES FROM NUMACTL)
if command -v taskset >/dev/null 2>&1 && [ "$cA" != "$cB" ]; then
	peer "taskset -c $cA: -N $B (bind_range check_cpunodebind)" "taskset -c $cA" -N $B
	peer "taskset -c $cA: -a -N $B" "taskset -c $cA" -a -N $B
	e_name="peer: taskset -c $cA: -C $cB: numactl refuses (check_physcpubind), numamem runs on CPU $cB"
	if want "$e_name" && [ -n "$NUMACTL" ] && [ -n "$HELPER" ]; then
		taskset -c "$cA" "$NUMACTL" -C "$cB" "$HELPER" view "$VIEW_BYTES" >"$WORK/pn.out" 2>"$WORK/pn.err"
		e_nrc=$?
		taskset -c "$cA" "$NUMAMEM" -C "$cB" "$HELPER" view "$VIEW_BYTES" >"$WORK/pm.out" 2>"$WORK/pm.err"
		e_mrc=$?
		e_cpus=$(sed -n 's/^view-Cpus:[[:space:]]*//p' "$WORK/pm.out")
		if [ "$e_nrc" != 0 ] && [ "$e_mrc" = 0 ] && [ "$e_cpus" = "$cB" ] && [ ! -s "$WORK/pm.err" ]; then
			ok "$e_name"
		else
			not_ok "$e_name"
			echo "#   numactl: status $e_nrc; numamem: status $e_mrc, CPUs '$e_cpus', stderr: $(tr '\n' '|' <"$WORK/pm.err")"
		fi
	fi
	peer "taskset -c $cA: -a -C $cB" "taskset -c $cA" -a -C $cB
	peer "taskset -c $cA: -C $cB -a (-a after a list: both refuse)" "taskset -c $cA" -C $cB -a
	peer "taskset -c $cA: -s" "taskset -c $cA" -s
	peer "taskset -c $cA: -N all -s" "taskset -c $cA" -N all -s
fi
# a cgroup v2 cpuset of node A's CPUs and memory
if want "peer: cpuset" && [ -n "$NUMACTL" ]; then
	mkdir -p /sys/fs/cgroup
	grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
	echo +cpuset >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p "$CG" 2>/dev/null
	if echo "$(commas $(cpus_of $A))" >"$CG/cpuset.cpus" 2>/dev/null && echo "$A" >"$CG/cpuset.mems" 2>/dev/null; then
		note "cpuset $CG: cpus $(cat "$CG/cpuset.cpus.effective"), mems $(cat "$CG/cpuset.mems.effective")"
		peer "cpuset $A: no options" in_cpuset
		peer "cpuset $A: -s" in_cpuset -s
		peer "cpuset $A: -N all" in_cpuset -N all
		peer "cpuset $A: -N $A" in_cpuset -N $A
		[ "$cA" != "$cB" ] && peer "cpuset $A: -N $B (outside: both refuse)" in_cpuset -N $B
		peer "cpuset $A: -m all" in_cpuset -m all
		peer "cpuset $A: -i all" in_cpuset -i all
		peer "cpuset $A: -m $B (outside: both refuse)" in_cpuset -m $B
		peer "cpuset $A: -a -m $A,$B (the kernel bounds it)" in_cpuset -a -m $A,$B
		peer "cpuset $A: -a -i all" in_cpuset -a -i all
		peer "cpuset $A: -C $cA" in_cpuset -C $cA
		[ "$cA" != "$cB" ] && peer "cpuset $A: -a -C $cB (outside: both fail)" in_cpuset -a -C $cB
	else
		skip "peer: cpuset" "no cgroup v2 cpuset in this guest"
	fi
	rmdir "$CG" 2>/dev/null
fi
[ $PEERS -gt 0 ] && note "peer: numactl and numamem agree on $AGREE of $PEERS pairs"

# ------------------------------------------------------ live region
# --hold --control: a region moved from node A to node B by "set", then
# grown and shrunk, each step witnessed by the holder's numa_maps.

# live_step NAME ID NODE BYTES: after the last answer ($WORK/ans), region
# ID is BYTES on NODE alone, as numa_maps of the holder says
live_step() {
	l_addr=$(jstr address "$WORK/ans"); l_addr=${l_addr#0x}
	if ! grep -q '"kind":"control",.*,"ok":{' "$WORK/ans"; then
		not_ok "$1"; diag "$WORK/ans"; return
	fi
	witness "$l_pid" "$l_addr" "$4" "$WORK/wit"
	l_on=$(wbytes "$3" "$WORK/wit") l_all=$(wtotal "$WORK/wit")
	l_pol=$(awk -v a="$l_addr" '$1 == a { print $2 }' "/proc/$l_pid/numa_maps")
	if [ "$l_on" = "$4" ] && [ "$l_all" = "$4" ] && [ "$l_pol" = "bind:$3" ]; then
		ok "$1"
	else
		not_ok "$1"
	fi
	echo "#   $2 at $l_addr: numa_maps $l_pol, $(tr '\n' ' ' <"$WORK/wit")(want $4 bytes on $3)"
}

# live_threads WHAT: the last answer ($WORK/ans) says the move ran on
# min(CPUs this process may use, region / 32 MiB) threads, one part each
# (the pages' witness is live_step's numa_maps)
live_threads() {
	lt_cpus=$(grep -c '^processor' /proc/cpuinfo)
	lt_want=$((SIZE_MIB / 32)); [ "$lt_want" -gt "$lt_cpus" ] && lt_want=$lt_cpus; [ "$lt_want" -lt 1 ] && lt_want=1
	lt_got=$(jnum threads "$WORK/ans")
	if [ "$lt_got" = "$lt_want" ]; then ok "live: $1 moved in parallel, on $lt_want threads"; else not_ok "live: $1 moved in parallel, on $lt_want threads (answer: $lt_got)"; fi
}

live() {
	want "live" || return 0
	l_sock=$WORK/ctl
	rm -f "$WORK/ready" "$l_sock"
	settle
	"$NUMAMEM" --object memory-backend-memfd,id=m0,size=${SIZE_MIB}M,seal=off,prealloc=on,policy=bind,host-nodes=$A \
		--hold --control=unix:"$l_sock" --ready-file="$WORK/ready" -q >"$WORK/hold" 2>&1 &
	l_pid=$!
	HOLDERS="$HOLDERS $l_pid"
	if ! wait_ready "$l_pid" "$WORK/ready"; then
		not_ok "live: numamem holds a region with a control socket"; diag "$WORK/hold"; return
	fi
	"$NUMAMEM" --connect="$l_sock" query >"$WORK/ans" 2>&1
	live_step "live: memfd m0 bound to $A, $SIZE_MIB MiB there" m0 "$A" "$SIZE"
	"$NUMAMEM" --connect="$l_sock" "set m0 host-nodes=$B" >"$WORK/ans" 2>&1
	l_moved=$(jnum moved_bytes "$WORK/ans") l_failed=$(jnum failed_bytes "$WORK/ans")
	live_step "live: set m0 host-nodes=$B moves every page to $B" m0 "$B" "$SIZE"
	echo "#   moved $l_moved bytes, failed $l_failed, in $(jnum time_ms "$WORK/ans") ms ($(jnum bytes_per_sec "$WORK/ans") B/s; TCG: not a speed)"
	if [ "$l_moved" = "$SIZE" ] && [ "$l_failed" = 0 ]; then ok "live: the answer counts $SIZE bytes moved, none failed"; else not_ok "live: the answer counts $SIZE bytes moved, none failed"; fi
	live_threads "memfd m0"
	"$NUMAMEM" --connect="$l_sock" "set m0 size=$((SIZE_MIB * 2))M" >"$WORK/ans" 2>&1
	live_step "live: set m0 size=$((SIZE_MIB * 2))M grows it, the new part bound to $B and preallocated" m0 "$B" $((SIZE * 2))
	"$NUMAMEM" --connect="$l_sock" "set m0 size=$((SIZE_MIB / 2))M" >"$WORK/ans" 2>&1
	live_step "live: set m0 size=$((SIZE_MIB / 2))M shrinks it" m0 "$B" $((SIZE / 2))
	"$NUMAMEM" --connect="$l_sock" "add memory-backend-ram,id=r0,size=${SIZE_MIB}M,prealloc=on,policy=bind,host-nodes=$A" >"$WORK/ans" 2>&1
	live_step "live: add ram r0 bound to $A" r0 "$A" "$SIZE"
	"$NUMAMEM" --connect="$l_sock" "set r0 policy=bind,host-nodes=$B" >"$WORK/ans" 2>&1
	live_step "live: set r0 host-nodes=$B moves the THP-backed ram to $B" r0 "$B" "$SIZE"
	echo "#   moved $(jnum moved_bytes "$WORK/ans") bytes in $(jnum time_ms "$WORK/ans") ms on $(jnum threads "$WORK/ans") threads"
	live_threads "ram r0"
	"$NUMAMEM" --connect="$l_sock" "del r0" ';' quit >"$WORK/ans" 2>&1
	l_rc=$?
	wait "$l_pid"
	if [ "$l_rc" = 0 ] && [ ! -e "$l_sock" ]; then ok "live: del and quit; the socket is gone"; else not_ok "live: del and quit; the socket is gone"; diag "$WORK/ans"; fi
}
live

# --traffic over a region on A and one on B: a line a second naming both,
# each with bytes streamed (TCG: shape, never speed)
traffic_case() {
	want "live: traffic" || return 0
	settle
	"$NUMAMEM" --object memory-backend-ram,id=a,size=16M,prealloc=on,policy=bind,host-nodes=$A \
		--object memory-backend-ram,id=b,size=16M,prealloc=on,policy=bind,host-nodes=$B \
		--hold=2.5s --traffic=read,threads=2 --json -q >"$WORK/out" 2>"$WORK/err"
	t_rc=$?
	grep '^{"version":[0-9]*,"kind":"traffic"' "$WORK/out" >"$WORK/tr"
	if [ "$t_rc" = 0 ] && [ "$(wc -l <"$WORK/tr")" = 2 ] &&
		! grep -v '"regions":\[{"id":"a","bytes":[1-9][0-9]*,"bytes_per_sec":[0-9]*},{"id":"b","bytes":[1-9][0-9]*,' "$WORK/tr" >/dev/null; then
		ok "live: traffic read over regions on $A and $B: two lines, both regions streamed"
	else
		not_ok "live: traffic read over regions on $A and $B: two lines, both regions streamed"
		diag "$WORK/out"; diag "$WORK/err"
	fi
	sed 's/^/#   /' "$WORK/tr"
}
traffic_case

# --measure: a row per node with CPUs, a column per node with memory,
# every value above zero (TCG: shape, never speed)
measure_case() {
	want "live: measure" || return 0
	"$NUMAMEM" --measure=size=8M,repeats=1,seconds=10ms --json >"$WORK/out" 2>"$WORK/err"
	m_rc=$?
	m_rows=$(count $CPU_NODES) m_cols=$(count $MEM_NODES)
	m_bad=""
	for m_key in bandwidth_bytes_per_sec latency_ns; do
		# "key":[[a,b],[c,d]] as lines "a,b" and "c,d"
		sed -n "s/.*\"$m_key\":\\[\\(\\[[0-9.,]*\\]\\(,\\[[0-9.,]*\\]\\)*\\)\\].*/\\1/p" "$WORK/out" |
			sed 's/\],\[/|/g' | tr '|' '\n' | tr -d '[]' >"$WORK/rows"
		m_bad="$m_bad$(awk -F, -v r="$m_rows" -v c="$m_cols" -v k="$m_key" '
			{ if (NF != c) print k ": row " NR " has " NF " values"; for (i = 1; i <= NF; i++) if ($i + 0 <= 0) print k ": value " $i }
			END { if (NR != r) print k ": " NR " rows" }' "$WORK/rows")"
	done
	# a loaded-latency curve per memory node when there are two CPUs
	if [ "$(grep -c '^processor' /proc/cpuinfo)" -ge 2 ] &&
		[ "$(grep -o '"target":[0-9]*,"initiator"' "$WORK/out" | wc -l)" != "$m_cols" ]; then
		m_bad="$m_bad loaded_latency: not one curve per memory node"
	fi
	if [ "$m_rc" = 0 ] && [ -z "$m_bad" ]; then
		ok "live: measure: $m_rows x $m_cols bandwidth and latency matrices, every value above zero"
	else
		not_ok "live: measure: $m_rows x $m_cols bandwidth and latency matrices, every value above zero"
		echo "$m_bad" | sed 's/^/#   /'; diag "$WORK/err"
	fi
	sed 's/^/#   /' "$WORK/out"
}
measure_case

# numactl's --file on a /dev/shm file (issue 25): the node's Shmem moves
# on the node the policy names, whoever writes the pages and when, as
# after numactl; --strict over pages elsewhere fails as numactl's does.
shmem_of() { awk '$3 == "Shmem:" { print $4 * 1024 }' "$SYSNODE/node$1/meminfo"; }
# nf_step NAME NODE MIN-BYTES COMMAND...: COMMAND, then node NODE's Shmem
# grew by at least MIN-BYTES and every other node's by under 2 MiB
nf_step() {
	nf_name=$1 nf_node=$2 nf_min=$3
	shift 3
	want "$nf_name" || return 0
	settle
	for n in $MEM_NODES; do eval "nf_b$n=\$(shmem_of $n)"; done
	"$@" >"$WORK/out" 2>"$WORK/err"
	nf_rc=$?
	nf_fail="" nf_seen=""
	for n in $MEM_NODES; do
		eval "nf_d=\$((\$(shmem_of $n) - nf_b$n))"
		nf_seen="$nf_seen node $n +$nf_d;"
		if [ "$n" = "$nf_node" ]; then [ "$nf_d" -ge "$nf_min" ] || nf_fail=1
		else [ "$nf_d" -lt 2097152 ] || nf_fail=1; fi
	done
	if [ "$nf_rc" = 0 ] && [ -z "$nf_fail" ]; then ok "$nf_name:$nf_seen"
	else not_ok "$nf_name:$nf_seen status $nf_rc"; diag "$WORK/err"; fi
}
numactl_file_cases() {
	[ -n "$B" ] || return 0
	nf=$MEMDIR/nfile
	rm -f "$nf"*
	nf_step "numactl file: --file -L 16M -m $B --touch" "$B" 16252928 \
		"$NUMAMEM" --file "$nf.1" --length 16M -m "$B" --touch -q
	if command -v numactl >/dev/null 2>&1; then
		nf_step "numactl file: numactl --length 16M --file -m $B --touch (the same)" "$B" 16252928 \
			numactl --length 16M --file "$nf.2" -m "$B" --touch
	fi
	# the policy stays on the inode: a later writer's pages go to B
	"$NUMAMEM" --file "$nf.3" --length 16M -m "$B" -q 2>"$WORK/err"
	nf_step "numactl file: -m $B persists: dd writes the file later, its pages on $B" "$B" 16252928 \
		dd if=/dev/zero of="$nf.3" bs=1M count=16 conv=notrunc
	# --offset: [8M, 16M) on B, [0, 8M) on A, as numactl's --offset
	"$NUMAMEM" --file "$nf.4" --length 8M -m "$A" -q 2>"$WORK/err"
	"$NUMAMEM" --file "$nf.4" --length 8M --offset 8M -m "$B" -q 2>>"$WORK/err"
	if want "numactl file: --offset"; then
		settle
		nf_a=$(shmem_of "$A") nf_bb=$(shmem_of "$B")
		dd if=/dev/zero of="$nf.4" bs=1M count=16 conv=notrunc 2>/dev/null
		nf_da=$(($(shmem_of "$A") - nf_a)) nf_db=$(($(shmem_of "$B") - nf_bb))
		if [ "$nf_da" -ge 8126464 ] && [ "$nf_db" -ge 8126464 ] && [ "$nf_da" -lt 10485760 ] && [ "$nf_db" -lt 10485760 ]; then
			ok "numactl file: --offset 8M --length 8M -m $B beside -m $A on [0, 8M): 8 MiB each (A +$nf_da, B +$nf_db)"
		else
			not_ok "numactl file: --offset 8M --length 8M -m $B beside -m $A on [0, 8M) (A +$nf_da, B +$nf_db)"; diag "$WORK/err"
		fi
	fi
	# --strict over pages on A: refused, status 4, one line; numactl: 1
	if want "numactl file: --strict"; then
		"$NUMAMEM" --file "$nf.5" --length 8M -m "$A" --touch -q 2>"$WORK/err"
		"$NUMAMEM" --file "$nf.5" --length 8M -m "$B" --strict -q >"$WORK/out" 2>"$WORK/err"
		nf_rc=$?
		nf_nrc=-
		if command -v numactl >/dev/null 2>&1; then
			numactl --length 8M --file "$nf.5" --touch --strict -m "$B" >/dev/null 2>&1
			nf_nrc=$?
		fi
		if [ "$nf_rc" = 4 ] && [ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "^numamem: --strict: pages of" "$WORK/err" &&
			[ "$nf_nrc" != 0 ]; then
			ok "numactl file: --strict -m $B over pages on $A: status 4, one line (numactl: status $nf_nrc)"
		else
			not_ok "numactl file: --strict -m $B over pages on $A: status $nf_rc (numactl $nf_nrc)"; diag "$WORK/err"
		fi
	fi
	rm -f "$nf"*
}
numactl_file_cases

# --pid --migrate=A:B on a process numamem did not start, against
# migratepages(8) on its twin: the witness is the target's numa_maps
# before and after (issue 25)
node_total() { awk -v n="N$2" '{ for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == n) s += a[2] } } END { print s * 4096 }' "/proc/$1/numa_maps"; }
mig_diag() { # why a holder did not get ready
	if kill -0 "$mt_pid" 2>/dev/null; then
		echo "#   holder $mt_pid, still running: $(tr '\0' ' ' <"/proc/$mt_pid/cmdline" | cut -c1-60)..."
		sed 's/^/#   status: /' "/proc/$mt_pid/status" | grep -E 'State|VmRSS|Threads'
		for t in /proc/$mt_pid/task/*; do
			echo "#   task ${t##*/}: $(cat "$t/wchan" 2>/dev/null) $(cut -d' ' -f3 "$t/stat")"
			head -n 6 "$t/stack" 2>/dev/null | sed 's/^/#     /'
		done
		kill -KILL "$mt_pid"
	fi
	diag "$WORK/holder.err"
}
mig_slow() { # where a migratepages that did not return is: its state and, running, its CPU's backtrace
	echo "#   migratepages $mp_pid: $(cut -d' ' -f3 "/proc/$mp_pid/stat") $(cat "/proc/$mp_pid/wchan" 2>/dev/null)"
	sed 's/^/#     /' "/proc/$mp_pid/stack" 2>/dev/null
	if [ -w /proc/sysrq-trigger ]; then
		echo l >/proc/sysrq-trigger
		dmesg | grep -A 12 "NMI backtrace for cpu.*" | grep -E "Comm: migratepages|RIP: 0010|RCX|Call Trace|^\[[^]]*\]  [a-z_]" |
			tail -n 20 | sed 's/^/#     /'
	fi
	kill -KILL "$mp_pid"
	wait "$mp_pid" 2>/dev/null
}
mig_target() { # a holder of 32 MiB bound to A; sets mt_pid
	rm -f "$WORK/ready"
	"$NUMAMEM" --backend=ram --size=32M --policy=bind --host-nodes="$A" --thp=off --prealloc --hold \
		--ready-file="$WORK/ready" -q >/dev/null 2>"$WORK/holder.err" &
	mt_pid=$!
	HOLDERS="$HOLDERS $mt_pid"
	wait_ready "$mt_pid" "$WORK/ready"
}
migrate_cases() {
	[ -n "$B" ] || return 0
	want "migrate" || return 0
	settle
	if ! mig_target; then not_ok "migrate: a holder on $A gets ready"; mig_diag; return 0; fi
	mg_a0=$(node_total "$mt_pid" "$A") mg_b0=$(node_total "$mt_pid" "$B")
	"$NUMAMEM" --pid "$mt_pid" --migrate="$A:$B" --verify --json >"$WORK/out" 2>"$WORK/err"
	mg_rc=$?
	mg_a1=$(node_total "$mt_pid" "$A") mg_b1=$(node_total "$mt_pid" "$B")
	mg_moved=$(jnum moved_bytes "$WORK/out")
	mg_wit=$((mg_a0 - mg_a1))
	if [ "$mg_rc" = 0 ] && [ "$mg_wit" -ge 33554432 ] && [ "$mg_moved" = "$mg_wit" ] && [ "$mg_a1" = 0 ] &&
		[ "$(jnum failed_bytes "$WORK/out")" = 0 ]; then
		ok "migrate: --pid --migrate=$A:$B moved $mg_moved bytes (numa_maps: $A $mg_a0 -> $mg_a1, $B $mg_b0 -> $mg_b1), verify pass"
	else
		not_ok "migrate: --pid --migrate=$A:$B: status $mg_rc, moved $mg_moved (numa_maps: $A $mg_a0 -> $mg_a1, $B $mg_b0 -> $mg_b1)"
		diag "$WORK/err"
	fi
	sed -n 's/.*\("migrate":.*\)}$/#   \1/p' "$WORK/out"
	if ! command -v migratepages >/dev/null 2>&1; then
		kill -TERM "$mt_pid"; wait "$mt_pid"
		skip "migrate: migratepages moves the same pages back" "no migratepages in this guest"
		return 0
	fi
	# migratepages on the same process, back from B to A: the same pages
	# (every one numamem put on B) must go.  Bounded, so that a slow
	# migration fails this case and not the whole guest: before the
	# guests booted with norandmaps (see run.sh) it took minutes here.
	migratepages "$mt_pid" "$B" "$A" >"$WORK/err" 2>&1 &
	mp_pid=$!
	mp_i=0
	while kill -0 "$mp_pid" 2>/dev/null && [ $mp_i -lt 600 ]; do
		sleep 0.1
		mp_i=$((mp_i + 1))
	done
	if kill -0 "$mp_pid" 2>/dev/null; then
		mig_slow
		not_ok "migrate: migratepages $B $A did not return in 60 s"
		mig_diag
		return 0
	fi
	wait "$mp_pid"
	mp_rc=$?
	mp_a1=$(node_total "$mt_pid" "$A") mp_b1=$(node_total "$mt_pid" "$B")
	kill -TERM "$mt_pid"; wait "$mt_pid"
	mp_wit=$((mg_b1 - mp_b1))
	# what numamem moved onto B (its own footprint's few pages of B from
	# before included) is what migratepages takes off it: B left empty
	if [ "$mp_rc" = 0 ] && [ "$mp_b1" = 0 ] && [ "$mg_a1" = 0 ] && [ "$mp_wit" -ge 33554432 ]; then
		ok "migrate: migratepages $B $A moved the same pages back: $mp_wit bytes off $B (numamem moved $mg_wit onto it)"
	else
		not_ok "migrate: migratepages $B $A moved $mp_wit bytes, numamem $mg_wit (status $mp_rc, left on $B: $mp_b1)"
		diag "$WORK/err"
	fi
}
migrate_cases

# --pid's summary against numastat -p PID, a column per node, and
# --show-nodes' meminfo rows against numastat -m (issues 25, 26)
summary_rows() { awk '$1 ~ /^(Huge|Heap|Stack|Private|Total)$/ { $1 = $1; print }' "$1"; }
numastat_cases() {
	want "numastat" || return 0
	if ! command -v numastat >/dev/null 2>&1; then
		skip "numastat: --pid's summary as numastat -p" "no numastat in this guest"
		return 0
	fi
	rm -f "$WORK/ready"
	"$NUMAMEM" --backend=ram --size=32M --policy=bind --host-nodes="${B:-$A}" --thp=off --prealloc --hold \
		--ready-file="$WORK/ready" -q >/dev/null 2>"$WORK/holder.err" &
	ns_pid=$!
	HOLDERS="$HOLDERS $ns_pid"
	if ! wait_ready "$ns_pid" "$WORK/ready"; then not_ok "numastat: a holder gets ready"; return 0; fi
	numastat -p "$ns_pid" >"$WORK/ns" 2>&1
	"$NUMAMEM" --pid "$ns_pid" >"$WORK/out" 2>"$WORK/err"
	ns_rc=$?
	kill -TERM "$ns_pid"; wait "$ns_pid"
	summary_rows "$WORK/ns" >"$WORK/ns.rows"
	summary_rows "$WORK/out" >"$WORK/nm.rows"
	if [ "$ns_rc" = 0 ] && [ "$(wc -l <"$WORK/ns.rows")" = 5 ] &&
		awk 'NR == FNR { a[FNR] = $0; next } { n = split(a[FNR], x, " "); if (n != NF || x[1] != $1) bad = 1
			for (i = 2; i <= NF; i++) { d = x[i] - $i; if (d < 0) d = -d; if (d > 0.011) bad = 1 } }
			END { exit bad }' "$WORK/ns.rows" "$WORK/nm.rows"; then
		ok "numastat: --pid's summary (32 MiB bound to ${B:-$A}) as numastat -p PID, every node: $(grep '^Private' "$WORK/nm.rows")"
	else
		not_ok "numastat: --pid's summary as numastat -p PID"
		diag "$WORK/ns.rows"; diag "$WORK/nm.rows"; diag "$WORK/err"
	fi
	numastat -m >"$WORK/ns" 2>&1
	"$NUMAMEM" --show-nodes >"$WORK/out" 2>"$WORK/err"
	# rows both print; MemTotal and the huge page pools exactly, the rest within 8 MiB
	if awk 'NR == FNR { if ($1 ~ /^[A-Z][A-Za-z_()]+$/ && $NF ~ /^[0-9.]+$/) { k = $1; $1 = ""; v[k] = $0 }; next }
		/^MEMINFO/ { on = 1; next } on && ($1 in v) { n = split(v[$1], x, " "); if (n != NF - 1) bad = 1; seen++
			for (i = 2; i <= NF; i++) { d = x[i - 1] - $i; if (d < 0) d = -d
				if (d > ($1 ~ /MemTotal|HugePages_Total/ ? 0.011 : 8)) bad = 1 } }
		END { exit bad || seen < 20 }' "$WORK/ns" "$WORK/out"; then
		ok "numastat: --show-nodes' meminfo rows as numastat -m prints them, a column per node"
	else
		not_ok "numastat: --show-nodes' meminfo rows as numastat -m"
		diag "$WORK/ns"; diag "$WORK/out"
	fi
}
numastat_cases

# ---------------------------------------------------------------- end

if dmesg 2>/dev/null | grep -q 'WARNING:\|BUG:'; then
	note "dmesg has kernel warnings:"
	dmesg | grep -A12 'WARNING:\|BUG:' | head -n 60 | diag
fi
if dmesg 2>/dev/null | grep -q -i 'out of memory'; then
	note "dmesg mentions 'Out of memory':"
	dmesg | grep -i -B2 -A6 'out of memory' | head -n 40 | diag
fi
cleanup
echo "1..$T"
[ $FAILS = 0 ]
