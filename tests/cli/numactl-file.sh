#!/bin/sh
# numactl's shared-memory policy on a file (--file, --length, --offset,
# --touch, --strict), the same invocation through numactl 2.0.16 and
# numamem on two files of /dev/shm: the policy of every page of the file
# as the kernel gives it to a third process that maps the file
# (get_mempolicy(MPOL_F_ADDR) on its own mapping: the inode's shared
# policy), the file's size and mode, its pages in memory (fincore), and
# the node counters numastat reads (Shmem of the node's meminfo,
# numa_hit and interleave_hit) moved alike.  tests/numa runs the
# multi-node cases (a node other than the first, --strict failing).
. "$(dirname "$0")/lib.sh"

if ! command -v numactl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	[ -n "${CI:-}" ] && { not_ok "numactl and python3 are installed (tools/setup --tests)"; done_testing; }
	echo "1..0 # SKIP numactl or python3 missing (tools/setup --tests installs them)"
	exit 0
fi
SHM=/dev/shm
if [ ! -d "$SHM" ] || [ ! -w "$SHM" ]; then
	echo "1..0 # SKIP no writable /dev/shm"
	exit 0
fi
D=$(mktemp -d "$SHM/numamem-file.XXXXXX") || exit 1
trap 'rm -rf "$T" "$D"' EXIT
first=$(mem_nodes)
first=${first%% *}

# policies FILE LENGTH: every page's policy in [0, LENGTH) of FILE, as
# runs "start-end mode nodes", from a mapping of this witness's own.
cat >"$T/policies.py" <<'EOF'
import ctypes, mmap, os, sys
numa = ctypes.CDLL("libnuma.so.1", use_errno=True)
names = {0: "default", 1: "preferred", 2: "bind", 3: "interleave", 4: "local", 5: "preferred-many", 6: "weighted-interleave"}
path, length = sys.argv[1], int(sys.argv[2])
fd = os.open(path, os.O_RDONLY)
libc = ctypes.CDLL(None)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
p = libc.mmap(None, length, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
page, runs, last = 4096, [], None
for off in range(0, length, page):
    mode = ctypes.c_int(0)
    mask = (ctypes.c_ulong * 16)()
    if numa.get_mempolicy(ctypes.byref(mode), mask, 16 * 64, ctypes.c_void_p(p + off), 2) < 0:
        sys.exit("get_mempolicy: " + os.strerror(ctypes.get_errno()))
    nodes = ",".join(str(n) for n in range(16 * 64) if mask[n // 64] >> (n % 64) & 1)
    key = (names.get(mode.value, str(mode.value)), nodes if mode.value not in (0, 4) else "")
    if runs and runs[-1][2] == key:
        runs[-1][1] = off + page
    else:
        runs.append([off, off + page, key])
for s, e, (mode, nodes) in runs:
    print("%x-%x %s %s" % (s, e, mode, nodes))
EOF
policies() { python3 "$T/policies.py" "$@"; }
size_of() { stat -c %s "$1"; }
mode_of() { stat -c %a "$1"; }
resident() { fincore --bytes --noheadings --output RES "$1" 2>/dev/null | tr -d ' '; }
# node_count NODE KEY: a meminfo line (bytes) or a numastat counter of NODE
node_count() {
	awk -v k="$2" '$1 == k { print $2; exit } $3 == k":" { print $4 * 1024; exit }' \
		/sys/devices/system/node/node"$1"/numastat /sys/devices/system/node/node"$1"/meminfo
}

# same NAME SETUP-SIZE WITNESS-LENGTH ARGS...: numactl ARGS --file A and
# numamem ARGS --file B, each file first SETUP-SIZE bytes of data (0: no
# file); the same status, policies, size and mode.
same() {
	name=$1 setup=$2 wlen=$3
	shift 3
	rm -f "$D/a" "$D/b"
	if [ "$setup" != 0 ]; then
		head -c "$setup" /dev/urandom >"$D/a"
		cp "$D/a" "$D/b"
	fi
	# numactl reads its options in order: sizes before --file, the policy after
	numactl $pre --file "$D/a" "$@" >"$T/nout" 2>"$T/nerr"
	nrc=$?
	run $pre --file "$D/b" "$@" -q
	policies "$D/a" "$wlen" >"$T/pa" 2>&1
	policies "$D/b" "$wlen" >"$T/pb" 2>&1
	if [ "$nrc" = "$rc" ] && cmp -s "$T/pa" "$T/pb" && [ "$(size_of "$D/a")" = "$(size_of "$D/b")" ] &&
		[ "$(mode_of "$D/a")" = "$(mode_of "$D/b")" ] && [ ! -s "$T/out" ]; then
		ok "$name: as numactl ($(tr '\n' ';' <"$T/pb")size $(size_of "$D/b"), mode $(mode_of "$D/b"))"
	else
		not_ok "$name: as numactl"
		diag "numactl status $nrc, numamem $rc" "numactl:" "$(cat "$T/pa" "$T/nerr")" "numamem:" \
			"$(cat "$T/pb" "$T/err")" "sizes $(size_of "$D/a") $(size_of "$D/b")," \
			"modes $(mode_of "$D/a") $(mode_of "$D/b")"
	fi
}

pre="--length 1M"
same "-m $first, a new file" 0 1048576 -m "$first"
same "-i $first, a new file" 0 1048576 -i "$first"
same "-l, a new file" 0 1048576 -l
pre="--length 1M --offset 512K"
same "--offset 512K --length 1M -i $first on a 2 MiB file" 2097152 2097152 -i "$first"
pre="--length 3M"
same "--length 3M -m $first on a 2 MiB file: grown to 3 MiB" 2097152 3145728 -m "$first"
pre="--length 1M"
same "--length 1M -m $first on a 4 MiB file: never shrunk" 4194304 4194304 -m "$first"
pre="--length 2M --offset 1M"
same "--offset 1M --length 2M -l on a 4 MiB file" 4194304 4194304 -l
pre="--length 1M"
same "--length 1M, no policy: the file created, policy default" 0 1048576

# -p: numactl 2.0.16 passes no node to mbind (EINVAL); numamem sets it
rm -f "$D/p"
run -f "$D/p" -L 1M -p "$first" -q
policies "$D/p" 1048576 >"$T/pp" 2>&1
check "-p $first: preferred $first on the file (numactl 2.0.16 fails here)" \
	[ "$rc" = 0 ] && [ "$(cat "$T/pp")" = "0-100000 preferred $first" ]

# --touch: the pages faulted in where the policy says, the file's bytes
# kept, and the node's counters moved by the length for both
touch_case() {
	name=$1 counter=$2
	shift 2
	L=8388608
	for who in numactl numamem; do
		rm -f "$D/$who"
		head -c 65536 /dev/urandom >"$D/$who"
		sum0=$(head -c 65536 "$D/$who" | cksum)
		shmem0=$(node_count "$first" Shmem) c0=$(node_count "$first" "$counter")
		if [ "$who" = numactl ]; then
			numactl --length "$L" --file "$D/$who" "$@" --touch >"$T/nout" 2>"$T/nerr"
			st=$?
		else
			"$NUMAMEM" --length "$L" --file "$D/$who" "$@" --touch -q >"$T/out" 2>"$T/err"
			st=$?
		fi
		shmem1=$(node_count "$first" Shmem) c1=$(node_count "$first" "$counter")
		eval "st_$who=$st res_$who=\$(resident \"\$D/\$who\") dshmem_$who=$((shmem1 - shmem0))" \
			"dc_$who=$((c1 - c0)) same_$who=$([ "$(head -c 65536 "$D/$who" | cksum)" = "$sum0" ] && echo yes)"
	done
	# Shmem moves by L give or take what others do meanwhile (2 MiB)
	near() { [ $(($1 - $2)) -lt 2097152 ] && [ $(($2 - $1)) -lt 2097152 ]; }
	# shellcheck disable=SC2154
	if [ "$st_numactl" = 0 ] && [ "$st_numamem" = 0 ] && [ "$res_numactl" = "$L" ] && [ "$res_numamem" = "$L" ] &&
		near "$dshmem_numamem" "$dshmem_numactl" && near "$dshmem_numamem" "$L" &&
		[ "$dc_numactl" -ge $((L / 4096 * 9 / 10)) ] && [ "$dc_numamem" -ge $((L / 4096 * 9 / 10)) ] &&
		[ "$same_numactl" = yes ] && [ "$same_numamem" = yes ]; then
		ok "$name --touch: 8 MiB resident, node $first Shmem +$dshmem_numamem (numactl +$dshmem_numactl), $counter +$dc_numamem pages (numactl +$dc_numactl), data kept"
	else
		not_ok "$name --touch: as numactl"
		diag "status $st_numactl/$st_numamem resident $res_numactl/$res_numamem" \
			"Shmem +$dshmem_numactl/+$dshmem_numamem $counter +$dc_numactl/+$dc_numamem" \
			"data kept $same_numactl/$same_numamem" "$(cat "$T/nerr" "$T/err")"
	fi
}
touch_case "-m $first" numa_hit -m "$first"
touch_case "-i $first" interleave_hit -i "$first"

# The policy stays on the inode: pages another process writes into the
# file after numamem has exited are interleaved (interleave_hit counts
# them), as after numactl
for who in numactl numamem; do
	rm -f "$D/$who"
	if [ "$who" = numactl ]; then
		numactl --length 8M --file "$D/$who" -i "$first" 2>"$T/err"
	else
		"$NUMAMEM" --length 8M --file "$D/$who" -i "$first" -q 2>"$T/err"
	fi
	c0=$(node_count "$first" interleave_hit)
	dd if=/dev/zero of="$D/$who" bs=1M count=8 conv=notrunc 2>/dev/null
	c1=$(node_count "$first" interleave_hit)
	eval "persist_$who=$((c1 - c0))"
done
# shellcheck disable=SC2154
check "-i $first persists on the inode: a later writer's 8 MiB interleaved (interleave_hit +$persist_numamem pages, numactl +$persist_numactl)" \
	[ "$persist_numamem" -ge 1843 ] && [ "$persist_numactl" -ge 1843 ]

# --strict with every page already where the policy says: both succeed
run -f "$D/numamem" -L 8M -m "$first" --strict -q
numactl --length 8M --file "$D/numactl" --touch --strict -m "$first" 2>"$T/nerr"
check "--strict -m $first over pages on node $first: success, as numactl (status $rc, numactl $?)" [ "$rc" = 0 ]

# --json and --verify on the region of --file
run -f "$D/numamem" -L 8M -m "$first" --touch --verify --json
check "--file --touch --verify --json: the region's 8 MiB on node $first, verify pass" \
	[ "$rc" = 0 ] && [ "$(json_node_bytes "$first")" = 8388608 ] && grep -q '"verify":"pass"' "$T/out"

# refusals: one line, status 1 or 2, no file made, nothing changed
refused() {
	want=$1 msg=$2
	shift 2
	rm -f "$D/new"
	run "$@"
	if [ "$rc" = "$want" ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" = 1 ] && grep -q -- "$msg" "$T/err" &&
		[ ! -e "$D/new" ]; then
		ok "refused ($rc): $*: $(cat "$T/err")"
	else
		not_ok "refused ($want): $*"
		diag "status $rc" "$(cat "$T/out" "$T/err")"
	fi
}
refused 1 "needs --length" --file "$D/new" -m "$first"
refused 1 "need --file" --length 1M -m "$first"
refused 1 "need --file" --touch --size=1M
refused 1 "is a directory" --file "$D" --length 1M -m "$first"
refused 125 "takes no COMMAND" --file "$D/new" --length 1M -m "$first" -- true
refused 1 "no --cpunodebind" --file "$D/new" --length 1M -N "$first"
refused 1 "not both" --file "$D/new" --length 1M -m "$first" --policy=bind --host-nodes="$first"
refused 2 "does not exist" --file "$D/new" --length 1M -m 77
refused 1 "not a multiple" --file "$D/new" --length 1000 -m "$first"
printf 'keep' >"$D/user"
run --file "$D/user" --length 1M --offset 100 -m "$first"
check "an offset not on a page: refused (status $rc), the user's file untouched" \
	[ "$rc" = 1 ] && [ "$(cat "$D/user")" = keep ]
run --strict -q -m "$first" -- true
check "--strict without --file: a warning, COMMAND runs (as numactl)" \
	[ "$rc" = 0 ] && grep -q "ignored for a process" "$T/err"

done_testing
