#!/bin/sh
# run.sh — numamem's multi-node NUMA tests in QEMU guests (TAP output).
#
#   tests/numa/run.sh                (from the repo root, or by make check)
#
# Boots, for each topology and kernel, a TCG guest whose initramfs holds
# busybox, numamem and suite.sh; the guest runs the suite and prints TAP
# on its serial console; every guest case becomes one TAP line here:
#
#   ok 7 - a/6.12: memfd: bind one node (1)
#
# Topologies (guest node numbers):
#   a  2 nodes, each with a CPU and 768 MiB
#   b  4 nodes of 384 MiB; nodes 0-2 with a CPU each, node 3 memory only;
#      asymmetric distances
#   c  nodes 0 and 1 with a CPU and 512 MiB each, node 2 with a CPU and no
#      memory (only the cases about memoryless nodes and "all" are run)
#   d  130 nodes (numa=fake=130 on one node of 5 GiB: NUMA emulation, the
#      only way past QEMU's 128), both CPUs on every node; kernel
#      6.12-generic only (the cloud kernels lack CONFIG_NUMA_EMU); only
#      the "past127" cases (numactl's options on nodes 128 and up) are run
# Kernels: Debian's cloud kernels 6.1 (bookworm) and 6.12 (trixie), and
# trixie's generic 6.12 (6.12-generic) for d, fetched
# once by fetch-kernels.sh into ${NUMAMEM_TEST_CACHE:-/var/cache/numamem-test}.
#
# Environment:
#   NUMAMEM               numamem binary (default: $builddir/src/numamem, else
#                         ../../src/numamem relative to this script)
#   NUMAMEM_TEST_CACHE    kernel cache directory
#   NUMAMEM_TEST_GUESTS   guests to boot, e.g. "a/6.1 b/6.12"
#                         (default: a/6.1 a/6.12 b/6.1 b/6.12 c/6.1 c/6.12
#                         d/6.12-generic)
#   NUMAMEM_TEST_ONLY     comma-separated globs: run only the matching cases
#   NUMAMEM_GUEST_TIMEOUT seconds one guest may take (default 600: b takes
#                         230-330 s on a loaded 2-CPU machine)
#   NUMAMEM_TEST_LOGDIR   where each guest's serial log is kept
#   NUMAMEM_GUEST_SCRIPTS files put in the guest's /tests, the first one run
#                         by its /init instead of suite.sh (space-separated;
#                         default: suite.sh).  For bench/migrate: `make check`
#                         never sets it.
#   CI                    when set, a missing install (QEMU, busybox-static,
#                         cpio, numamem) or kernels that cannot be fetched
#                         fail the run instead of skipping it
#
# Exit status: 0 when every line is ok (or the whole run is skipped), 1 otherwise.

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${NUMAMEM_TEST_CACHE:-/var/cache/numamem-test}
GUESTS=${NUMAMEM_TEST_GUESTS:-"a/6.1 a/6.12 b/6.1 b/6.12 c/6.1 c/6.12 d/6.12-generic"}
GUEST_TIMEOUT=${NUMAMEM_GUEST_TIMEOUT:-600}
LOGDIR=${NUMAMEM_TEST_LOGDIR:-${TMPDIR:-/tmp}/numamem-numa-logs}
QEMU=${QEMU:-qemu-system-x86_64}

# ------------------------------------------------------------ skip / fail

# missing_install REASON: skip, or fail under CI
missing_install() {
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - numa guests: $1 (CI must run this suite; install it)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
[ "$GUESTS" = none ] && skip_all "NUMAMEM_TEST_GUESTS=none"

if [ -z "${NUMAMEM:-}" ]; then
	if [ -n "${builddir:-}" ] && [ -x "$builddir/src/numamem" ]; then
		NUMAMEM=$builddir/src/numamem
	elif [ -x ./src/numamem ]; then
		NUMAMEM=./src/numamem
	else
		NUMAMEM=$here/../../src/numamem
	fi
fi
[ -x "$NUMAMEM" ] || missing_install "numamem binary not found at $NUMAMEM (build it, or set NUMAMEM)"
NUMAMEM=$(cd "$(dirname "$NUMAMEM")" && pwd)/$(basename "$NUMAMEM")

command -v "$QEMU" >/dev/null 2>&1 || missing_install "$QEMU not found (apt-get install qemu-system-x86)"
command -v cpio >/dev/null 2>&1 || missing_install "cpio not found (apt-get install cpio)"
command -v timeout >/dev/null 2>&1 || missing_install "timeout not found (coreutils)"
bb=$(command -v busybox || true)
if [ -z "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
	missing_install "static busybox not found (apt-get install busybox-static)"
fi

# ---------------------------------------------------------------- kernels

kernels=""
for g in $GUESTS; do
	k=${g#*/}
	case " $kernels " in *" $k "*) ;; *) kernels="$kernels $k" ;; esac
done
mkdir -p "$LOGDIR" || missing_install "cannot create $LOGDIR (set NUMAMEM_TEST_LOGDIR)"
# shellcheck disable=SC2086
if ! NUMAMEM_TEST_CACHE=$CACHE "$here/fetch-kernels.sh" $kernels >"$LOGDIR/fetch.log" 2>&1; then
	reason=$(grep '^fetch-kernels:' "$LOGDIR/fetch.log" | tail -n 1 | sed 's/^fetch-kernels: //')
	if [ -n "${CI:-}" ]; then
		# the multi-node proof must not vanish silently from CI
		echo "1..1"
		echo "not ok 1 - numa guests: cannot fetch the kernels: ${reason:-see $LOGDIR/fetch.log} (CI must run this suite)"
		tail -n 20 "$LOGDIR/fetch.log" | sed 's/^/# /'
		exit 1
	fi
	skip_all "cannot fetch the kernels: ${reason:-see $LOGDIR/fetch.log}"
fi

# ------------------------------------------------------------- initramfs

INITRD=$LOGDIR/initramfs.cpio.gz
# shellcheck disable=SC2086
if [ -n "${NUMAMEM_GUEST_SCRIPTS:-}" ]; then set -- $NUMAMEM_GUEST_SCRIPTS; else set -- "$here/suite.sh"; fi
if ! BUSYBOX=$bb "$here/mkinitramfs.sh" "$NUMAMEM" "$INITRD" "$@" >"$LOGDIR/mkinitramfs.log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - numa guests: cannot build the initramfs"
	sed 's/^/# /' "$LOGDIR/mkinitramfs.log"
	exit 1
fi

# ---------------------------------------------------------------- guests

# topology TOPO: sets QARGS (memory, CPUs and NUMA options), EXPECT (the
# NUMAMEM-TOPO lines the guest must print, one per node) and ONLY_T.
dist_b() { # the asymmetric distance matrix of topology b
	for s in 0 1 2 3; do
		for t in 0 1 2 3; do
			[ $s = $t ] && continue
			echo "$s $t $((20 + 10 * (s > t ? s - t : t - s) + (s > t ? 5 : 0)))"
		done
	done
}
topology() {
	ONLY_T="" APPEND_T=""
	case $1 in
	a)
		QARGS="-m 1536M -smp 2,sockets=2,cores=1,threads=1
			-object memory-backend-ram,id=m0,size=768M -object memory-backend-ram,id=m1,size=768M
			-numa node,memdev=m0,nodeid=0,cpus=0 -numa node,memdev=m1,nodeid=1,cpus=1"
		EXPECT="node=0 cpus=0 mem=y distance=10,20
node=1 cpus=1 mem=y distance=20,10" ;;
	b)
		QARGS="-m 1536M -smp 3,sockets=3,cores=1,threads=1"
		for n in 0 1 2 3; do QARGS="$QARGS -object memory-backend-ram,id=m$n,size=384M"; done
		QARGS="$QARGS -numa node,memdev=m0,nodeid=0,cpus=0 -numa node,memdev=m1,nodeid=1,cpus=1
			-numa node,memdev=m2,nodeid=2,cpus=2 -numa node,memdev=m3,nodeid=3"
		QARGS="$QARGS $(dist_b | while read -r s t v; do printf -- '-numa dist,src=%s,dst=%s,val=%s ' "$s" "$t" "$v"; done)"
		EXPECT=$(for s in 0 1 2 3; do
			d=""
			for t in 0 1 2 3; do
				if [ $s = $t ]; then v=10; else v=$(dist_b | awk -v s=$s -v t=$t '$1 == s && $2 == t { print $3 }'); fi
				d="$d,$v"
			done
			c=$s; [ $s = 3 ] && c=""
			echo "node=$s cpus=$c mem=y distance=${d#,}"
		done) ;;
	c)
		QARGS="-m 1024M -smp 3,sockets=3,cores=1,threads=1
			-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M
			-numa node,memdev=m0,nodeid=0,cpus=0 -numa node,memdev=m1,nodeid=1,cpus=1
			-numa node,nodeid=2,cpus=2"
		EXPECT="node=0 cpus=0 mem=y distance=10,20,20
node=1 cpus=1 mem=y distance=20,10,20
node=2 cpus=2 mem=n distance=20,20,10"
		ONLY_T="memoryless,nonexistent,interleave?all,all:,bind?two,child:?memfd?bound,peer:" ;;
	d)
		# 130 nodes past QEMU's 128: Linux's NUMA emulation (numa=fake=,
		# the generic kernel's CONFIG_NUMA_EMU) splits one node's memory
		# into 130 fake nodes of at least 32 MiB; every fake node of the
		# one physical node lists both CPUs and every distance is 10
		QARGS="-m 5120M -smp 2,sockets=2,cores=1,threads=1"
		APPEND_T="numa=fake=130"
		EXPECT=$(awk 'BEGIN { d = "10"; for (i = 1; i < 130; i++) d = d ",10"
			for (n = 0; n < 130; n++) print "node=" n " cpus=0-1 mem=y distance=" d }')
		ONLY_T="past127" ;;
	*) return 1 ;;
	esac
}

N=0 FAILED=0
tap_ok() { N=$((N + 1)); echo "ok $N - $1"; }
tap_not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; }

# boot TOPO KERNEL LOG: one guest; returns 0 when it printed its end marker
boot() {
	topology "$1"
	only=${NUMAMEM_TEST_ONLY:-$ONLY_T}
	# norandmaps: under TCG every process that maps libc at a new address
	# adds new translations of the same physical pages; after a few
	# hundred numamem runs a text page carries so many that each store
	# into it, once it is freed and reused, walks them all.  Seen
	# (2026-12-03, QEMU 7.2, kernels 6.1 and 6.12) as migratepages
	# "hanging": its clear_page of a node-0 frame that held libc's text
	# (freed when numamem moved the holder's pages to node 1) ran its
	# rep stosb at about 1 KB/s.  One address per library keeps one
	# translation per page.
	append="console=ttyS0 quiet panic=-1 mitigations=off norandmaps numamem.timeout=120${APPEND_T:+ $APPEND_T}"
	[ -n "$only" ] && append="$append numamem.only=$only"
	# shellcheck disable=SC2086
	timeout -k 10 "$GUEST_TIMEOUT" "$QEMU" -accel tcg -cpu max -nodefaults -no-user-config \
		-display none -monitor none -serial stdio -no-reboot \
		$QARGS \
		-kernel "$CACHE/$2/vmlinuz" -initrd "$INITRD" -append "$append" \
		</dev/null >"$3" 2>"$3.stderr"
	BOOT_RC=$?
	tr -d '\r' <"$3" >"$3.tmp" && mv "$3.tmp" "$3"
	grep -q '^NUMAMEM-GUEST-END' "$3"
}

# report TOPO KERNEL LOG: turn the guest's TAP into ours
report() {
	p="$1/$2"
	# the topology the guest sees against the one asked for
	topology "$1"
	awk '/^NUMAMEM-TOPO node=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = substr($i, length(kv[1]) + 2) }
		print "node=" v["node"], "cpus=" v["cpus"], "mem=" (v["mem_kb"] > 0 ? "y" : "n"), "distance=" v["distance"]
	}' "$3" | sort -t= -k2 -n >"$3.topo"
	echo "$EXPECT" >"$3.expect"
	if cmp -s "$3.topo" "$3.expect"; then
		tap_ok "$p: topology as given to QEMU ($(wc -l <"$3.expect") nodes)"
	else
		tap_not_ok "$p: topology as given to QEMU"
		echo "# expected:"; sed 's/^/#   /' "$3.expect"
		echo "# the guest sees:"; sed 's/^/#   /' "$3.topo"
	fi
	# the suite's lines between the markers, renumbered
	sed -n '/^NUMAMEM-GUEST-BEGIN/,/^NUMAMEM-GUEST-END/p' "$3" >"$3.suite"
	n_before=$N
	plan=""
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			desc=$(echo "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* *-\{0,1\} *//')
			case $line in
			"not ok "*) tap_not_ok "$p: $desc" ;;
			*) tap_ok "$p: $desc" ;;
			esac ;;
		"1..0"*) tap_ok "$p: whole suite # SKIP ${line#*SKIP }" ; plan=0 ;;
		1..*) plan=${line#1..} ;;
		"#"*) echo "$line" ;;
		NUMAMEM-GUEST-BEGIN*) echo "# $p: guest up, ${line#NUMAMEM-GUEST-BEGIN }" ;;
		NUMAMEM-*) ;;
		*) [ -n "$line" ] && echo "# [console] $line" ;;
		esac
	done <"$3.suite"
	got=$((N - n_before))
	if [ -z "$plan" ]; then
		tap_not_ok "$p: the suite printed no plan (it stopped early; see $3)"
	elif [ "$plan" != 0 ] && [ "$plan" != "$got" ]; then
		tap_not_ok "$p: the suite planned $plan cases and printed $got"
	fi
	if ! grep -q '^NUMAMEM-GUEST-END' "$3"; then
		tap_not_ok "$p: the guest printed its end marker (twice it did not; see $3)"
		echo "# last lines of the console:"; tail -n 25 "$3" | sed 's/^/#   /'
	fi
}

echo "# numamem: $NUMAMEM"
echo "# QEMU: $($QEMU --version | head -n 1); logs in $LOGDIR"
sed -n 's/^fetch-kernels: \(.*cached.*\|.*->.*\)/# kernel \1/p' "$LOGDIR/fetch.log"
t_all0=$(date +%s)
for g in $GUESTS; do
	topo=${g%/*} kern=${g#*/}
	if ! topology "$topo"; then tap_not_ok "$g: unknown topology $topo"; continue; fi
	log=$LOGDIR/$topo-$kern.log
	t0=$(date +%s)
	if ! boot "$topo" "$kern" "$log"; then
		t1=$(date +%s)
		echo "# $g: the guest printed no end marker (qemu status $BOOT_RC after $((t1 - t0))s; TCG sometimes panics at boot); booting it once more"
		tail -n 8 "$log" | sed 's/^/#   first boot: /'
		mv "$log" "$log.first-boot"
		t0=$(date +%s)
		boot "$topo" "$kern" "$log"
	fi
	t1=$(date +%s)
	echo "# $g: guest took $((t1 - t0))s (qemu status $BOOT_RC)"
	report "$topo" "$kern" "$log"
done
echo "# all guests: $(( $(date +%s) - t_all0 ))s"
echo "1..$N"
[ "$FAILED" = 0 ]
