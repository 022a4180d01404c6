#!/bin/sh
# bench/migrate-guest.sh: runs inside the multi-node guest that bench/migrate
# boots (tests/numa/run.sh with NUMAMEM_GUEST_SCRIPTS; /init passes
# --numamem=... --helper=... and maybe --only=..., ignored here).  POSIX sh
# and busybox only.
#
# Reads /tests/migrate.conf (SIZE_MIB=, REPS=, BACKEND=memfd|ram, NUMACTL=).
# Each round runs four contenders, the round's first one rotating:
#   numamem       a holder of a preallocated BACKEND region bound to node 0
#                 (--hold --control), then `numamem --connect 'set m0
#                 host-nodes=1'` and back to 0: wall time around --connect,
#                 and the answer's own time (time_ms, in seconds here), bytes/s and moved_bytes
#                 and the answer's own seconds, bytes/s, threads and
#                 moved_bytes (parallel: a part of the region a thread)
#   numamem1      the same with NUMAMEM_MIGRATE_THREADS=1 in the holder: one
#                 mbind over the whole region, as before the parallel move
#   migratepages  the same holder, fresh, then `migratepages PID 0 1` and
#                 `migratepages PID 1 0` (Debian's numactl): wall time
#   pid           the same holder, fresh, then `numamem --pid PID
#                 --migrate=0:1 --json` and back (migrate_pages(2) through
#                 libnuma, as migratepages): wall time, and the answer's
#                 own time_ms, bytes_per_sec and moved_bytes
#   memcpy        migrate-helper memcpy: SIZE from node 0 to node 1 (the limit)
# After every move numa_maps of the holder must show all SIZE bytes of the
# region on the target node (a TAP line each), else the sample is dropped.
# Samples are printed as "# MIG tool=.. dir=.. round=.. wall=.. own=.. ..."
# lines, which run.sh passes through.

for a in "$@"; do
	case $a in --numamem=*) NUMAMEM=${a#*=} ;; esac
done
NUMAMEM=${NUMAMEM:-/usr/local/bin/numamem}
H=/tests/migrate-helper
MP=/tests/migratepages
SIZE_MIB=256 REPS=5 BACKEND=memfd
[ -f /tests/migrate.conf ] && . /tests/migrate.conf
SIZE=$((SIZE_MIB * 1048576))
W=/tmp/migbench
mkdir -p $W
N=0
ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); echo "not ok $N - $*"; }

# automatic NUMA balancing would move pages by itself
[ -w /proc/sys/kernel/numa_balancing ] && echo 0 >/proc/sys/kernel/numa_balancing
echo "# migbench: kernel $(uname -r), $SIZE_MIB MiB $BACKEND, $REPS rounds, numa_balancing=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
echo "# migbench: $($NUMAMEM --version | head -n 1); migratepages from ${NUMACTL:-numactl}"

jnum() { awk -v k="$1" '{ if (match($0, "\"" k "\"[ \t]*:[ \t]*-?[0-9.]+")) { s = substr($0, RSTART, RLENGTH); sub(/^[^:]*:[ \t]*/, "", s); print s; exit } }' "$2"; }

# hold: a fresh holder of m0 (BACKEND, SIZE, bound to 0, preallocated);
# sets HPID and ADDR (hex, no 0x)
hold() {
	rm -f $W/ready $W/ctl
	extra=""
	[ "$BACKEND" = memfd ] && extra=",seal=off"
	NUMAMEM_MIGRATE_THREADS=${MT:-} $NUMAMEM --object memory-backend-$BACKEND,id=m0,size=${SIZE_MIB}M$extra,prealloc=on,policy=bind,host-nodes=0 \
		--hold --control=unix:$W/ctl --ready-file=$W/ready -q >$W/hold 2>&1 &
	HPID=$!
	i=0
	while [ ! -s $W/ready ]; do
		kill -0 $HPID 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
		[ $i -lt 3000 ] || break
	done
	$NUMAMEM --connect=$W/ctl query >$W/q 2>&1
	ADDR=$(sed -n 's/.*"address":"0x\([0-9a-f]*\)".*/\1/p' $W/q | head -n 1)
}
unhold() {
	$NUMAMEM --connect=$W/ctl quit >/dev/null 2>&1
	wait $HPID
}
# placed NODE: bytes of the region on NODE and in all, from numa_maps
placed() {
	awk -v a="$ADDR" -v n="$1" '$1 == a {
		kb = 4
		for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) kb = substr($i, 19)
		for (i = 2; i <= NF; i++) if ($i ~ /^N[0-9]+=/) {
			split(substr($i, 2), p, "="); all += p[2] * kb * 1024
			if (p[1] == n) on += p[2] * kb * 1024
		}
	} END { printf "%d %d\n", on, all }' /proc/$HPID/numa_maps
}
# verified TOOL WHAT NODE: TAP line; 0 when every byte is on NODE
verified() {
	set -- "$1" "$2" "$3" $(placed "$3")
	if [ "$4" = "$SIZE" ] && [ "$5" = "$SIZE" ]; then
		ok "round $R $1: $2: numa_maps shows all $SIZE bytes on node $3"
		return 0
	fi
	not_ok "round $R $1: $2: numa_maps shows $4 of $5 bytes on node $3 (want $SIZE)"
	grep "^$ADDR " /proc/$HPID/numa_maps | sed 's/^/#   /'
	return 1
}

# nm_tool TOOL: the numamem contender (the holder's NUMAMEM_MIGRATE_THREADS is $MT)
nm_tool() {
	hold
	verified "$1" "held" 0 || { unhold; return; }
	for d in "0 1" "1 0"; do
		set -- "$1" $d
		$H time $W/t $NUMAMEM --connect=$W/ctl "set m0 host-nodes=$3" >$W/ans 2>&1
		wall=$(cat $W/t)
		if verified "$1" "set m0 host-nodes=$3" "$3" && [ "$(jnum moved_bytes $W/ans)" = "$SIZE" ]; then
			echo "# MIG tool=$1 dir=$2$3 round=$R wall=$wall own=$(jnum time_ms $W/ans | awk '{ printf "%.6f", $1 / 1000 }') own_bps=$(jnum bytes_per_sec $W/ans) moved=$(jnum moved_bytes $W/ans) threads=$(jnum threads $W/ans)"
		else
			echo "# migbench: $1 answer: $(cat $W/ans)"
		fi
	done
	unhold
}
c_numamem() { MT="" nm_tool numamem; }
c_numamem1() { MT=1 nm_tool numamem1; }
c_migratepages() {
	hold
	verified migratepages "held" 0 || { unhold; return; }
	for d in "0 1" "1 0"; do
		set -- $d
		LD_LIBRARY_PATH=/tests $H time $W/t $MP "$HPID" "$1" "$2" >$W/ans 2>&1
		rc=$? wall=$(cat $W/t)
		if [ $rc = 0 ] && verified migratepages "migratepages PID $1 $2" "$2"; then
			echo "# MIG tool=migratepages dir=$1$2 round=$R wall=$wall"
		else
			echo "# migbench: migratepages status $rc: $(cat $W/ans)"
		fi
	done
	unhold
}
c_pid() {
	hold
	verified pid "held" 0 || { unhold; return; }
	for d in "0 1" "1 0"; do
		set -- $d
		$H time $W/t $NUMAMEM --pid "$HPID" --migrate="$1:$2" --json >$W/ans 2>&1
		wall=$(cat $W/t)
		if verified pid "--pid PID --migrate=$1:$2" "$2" && [ "$(jnum moved_bytes $W/ans)" -ge "$SIZE" ]; then
			echo "# MIG tool=pid dir=$1$2 round=$R wall=$wall own=$(jnum time_ms $W/ans | awk '{ printf "%.6f", $1 / 1000 }') own_bps=$(jnum bytes_per_sec $W/ans) moved=$(jnum moved_bytes $W/ans)"
		else
			echo "# migbench: numamem --pid --migrate answer: $(head -c 600 $W/ans)"
		fi
	done
	unhold
}
c_memcpy() {
	$H memcpy "$SIZE_MIB" 0 1 >$W/ans 2>&1
	s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' $W/ans)
	if grep -q "src_on=$SIZE dst_on=$SIZE" $W/ans; then
		ok "round $R memcpy: source all on node 0, destination all on node 1 (numa_maps)"
		echo "# MIG tool=memcpy dir=01 round=$R wall=$s"
	else
		not_ok "round $R memcpy: $(cat $W/ans)"
	fi
}

R=0
while [ $R -lt $((REPS + 1)) ]; do
	# round 0 is a warm-up (printed with round=0, left out of the medians)
	case $((R % 5)) in
	0) order="numamem numamem1 migratepages pid memcpy" ;;
	1) order="numamem1 migratepages pid memcpy numamem" ;;
	2) order="migratepages pid memcpy numamem numamem1" ;;
	3) order="pid memcpy numamem numamem1 migratepages" ;;
	4) order="memcpy numamem numamem1 migratepages pid" ;;
	esac
	echo "# migbench: round $R: $order ($(date))"
	for c in $order; do c_$c; done
	R=$((R + 1))
done
echo "1..$N"
