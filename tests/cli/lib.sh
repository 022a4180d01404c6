# Shared helpers for numamem's shell tests: TAP output, a scratch
# directory, and the binaries under test.  POSIX sh: these tests also
# run inside the multi-node guests (busybox ash).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${NUMAMEM:=$top_builddir/src/numamem}"
: "${TOUCHFD:=$top_builddir/tests/touchfd}"
# NUMAMEM_VALGRIND=1: every numamem run goes through valgrind memcheck.
if [ -n "${NUMAMEM_VALGRIND:-}" ]; then
	NUMAMEM_REAL=$NUMAMEM
	NUMAMEM=$top_srcdir/tests/valgrind-numamem
	export NUMAMEM_REAL
fi
# Instrumented numamem (ASan, valgrind) maps shadow memory of its own.
instrumented() {
	[ -n "${NUMAMEM_VALGRIND:-}" ] || ldd "${NUMAMEM_REAL:-$NUMAMEM}" 2>/dev/null | grep -q libasan
}

tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/numamem-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

done_testing() {
	echo "1..$tap_n"
	exit 0
}

# run numamem with stdout in $T/out, stderr in $T/err, status in $rc
run() {
	"$NUMAMEM" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# json_get KEY: the first "KEY":value in $T/out (numbers, strings, lists)
json_get() {
	sed -n "s/.*\"$1\":\(\"[^\"]*\"\|\[[^]]*\]\|[^,}]*\).*/\1/p" "$T/out" | head -n 1 | tr -d '"'
}

# need_jsonschema: a file that validates JSON skips without Debian's
# python3-jsonschema (/usr/bin/python3), except under CI, which must run it
need_jsonschema() {
	if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
		if [ -n "${CI:-}" ]; then
			not_ok "python3-jsonschema is missing (CI must run this file: tools/setup --tests installs it)"
			done_testing
		fi
		echo "1..0 # SKIP python3-jsonschema missing (apt-get install python3-jsonschema)"
		exit 0
	fi
}

# unheader: JSON lines on stdin with the header every document and line
# starts with (version, kind, numamem, kernel, pid, hostname, launcher,
# the rank fields, job_id_text, rank_source) taken off, as {"ok":...},
# {"error":...}, {"mode":...}: what transcripts compare
unheader() {
	sed -E 's/^\{"version":[0-9]+,"kind":"[a-z-]+","numamem":"[^"]*","kernel":"[^"]*","pid":[0-9]+,"hostname":"[^"]*","launcher":(null|"[^"]*"),"rank":[^,]*,"local_rank":[^,]*,"world_size":[^,]*,"node_id":[^,]*,"job_id":[^,]*,"step_id":[^,]*,"job_id_text":(null|"[^"]*"),"rank_source":\{[^}]*\},?/{/'
}

# json_node_bytes NODE: bytes numamem reports on NODE for the first region
json_node_bytes() {
	v=$(sed -n "s/.*\"node_bytes\":{\([^}]*\)}.*/\1/p" "$T/out" | head -n 1 | tr ',' '\n' |
		sed -n "s/^\"$1\":\([0-9]*\)$/\1/p")
	echo "${v:-0}"
}

# numa_maps_bytes PID ADDRESS NODE: bytes on NODE of the mapping at
# ADDRESS (0x...) as /proc/PID/numa_maps says, read independently of
# numamem's report.
numa_maps_bytes() {
	numa_maps_line "$1" "$2" | awk -v node="N$3" '
		{
			kb = 4
			for (i = 2; i <= NF; i++) if ($i ~ /^kernelpagesize_kB=/) { split($i, a, "="); kb = a[2] }
			for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == node) pages = a[2] }
			printf "%d\n", pages * kb * 1024; found = 1
		}
		END { if (!found) print "missing" }'
}

# numa_maps_line PID ADDRESS: the line of /proc/PID/numa_maps for the
# mapping at ADDRESS (0x...; the kernel pads addresses to 8 digits).
numa_maps_line() {
	awk -v addr="${2#0x}" '{ a = $1; sub(/^0+/, "", a); b = addr; sub(/^0+/, "", b) } a == b' "/proc/$1/numa_maps"
}

# Nodes of this host that have memory ("0 1 3").
mem_nodes() {
	tr ',' '\n' </sys/devices/system/node/has_memory | awk -F- '{ e = NF > 1 ? $2 : $1; for (n = $1; n <= e; n++) printf "%d ", n }'
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.05 s until it succeeds
# (status 0) or SECONDS of wall-clock time have passed (status 1).  The
# one way these tests wait for a condition: a fixed sleep is a race on a
# loaded machine, and an unbounded loop hangs the suite.  A caller
# reports a timeout as a failed case (check, or not_ok).
wait_for() {
	wf_end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$wf_end" ] || return 1
		sleep 0.05
	done
}

# running PID: PID exists and is not a zombie (kill -0 succeeds on a
# child that has exited but was not waited for)
running() {
	[ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}

# ready_or_gone FILE PID: FILE exists, or PID can no longer make it
ready_or_gone() {
	[ -e "$1" ] || ! running "$2"
}

# hold_region ARGS...: numamem --json --hold in the background, ready;
# sets pid (empty when it never got ready).  release ends it: hold_rc.
hold_region() {
	rm -f "$T/ready" "$T/out"
	"$NUMAMEM" --json --hold --ready-file="$T/ready" "$@" >"$T/out" 2>"$T/err" &
	pid=$!
	wait_for 60 ready_or_gone "$T/ready" "$pid"
	if [ ! -e "$T/ready" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid"
		pid=
		return 1
	fi
}

release() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	hold_rc=$?
}

# control_hold ARGS...: numamem --hold --control=unix:$S in the
# background (the caller sets S), ready; sets holder
control_hold() {
	rm -f "$T/ready"
	"$NUMAMEM" --hold --control=unix:"$S" --ready-file="$T/ready" -q "$@" >"$T/hold.out" 2>"$T/hold.err" &
	holder=$!
	wait_for 30 ready_or_gone "$T/ready" "$holder"
	[ -e "$T/ready" ]
}

# control_send WORD...: one command (its words) sent over $S with
# --connect, or several with ';' between them; answers in $T/ans, status
# in $rc
control_send() {
	"$NUMAMEM" --connect="$S" "$@" >"$T/ans" 2>"$T/cerr"
	rc=$?
}

# control_each CMD...: each argument one command, sent over $S in one
# --connect (a lone ';' between them); as control_send
control_each() {
	ce_left=$#
	for ce_cmd in "$@"; do
		shift
		ce_left=$((ce_left - 1))
		set -- "$@" "$ce_cmd"
		[ "$ce_left" = 0 ] || set -- "$@" ';'
	done
	control_send "$@"
}
