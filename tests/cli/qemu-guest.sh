#!/bin/sh
# A real client: README's example of a VM's guest RAM on numamem's memfd,
# run as README writes it (its "..." filled in with a tiny TCG guest: a
# cached kernel, no initramfs, its console on a file), while QEMU runs:
# QEMU's maps show the guest RAM mapped shared from numamem's memfd, its
# numa_maps show the bind policy, and the guest's kernel banner, which the
# guest wrote into its RAM, is read back from the memfd.
. "$(dirname "$0")/lib.sh"

QEMU=${QEMU:-qemu-system-x86_64}
CACHE=${NUMAMEM_TEST_CACHE:-/var/cache/numamem-test}
if ! command -v "$QEMU" >/dev/null 2>&1; then
	echo "1..0 # SKIP $QEMU not installed (apt-get install qemu-system-x86)"
	exit 0
fi
cached_kernel() {
	kernel=
	for k in 6.1 6.12; do
		[ -r "$CACHE/$k/vmlinuz" ] && { kernel=$CACHE/$k/vmlinuz; break; }
	done
	[ -n "$kernel" ]
}
# the guests' kernel, fetched once as tests/numa/run.sh fetches it
cached_kernel || NUMAMEM_TEST_CACHE=$CACHE "$top_srcdir/tests/numa/fetch-kernels.sh" 6.1 >"$T/fetch.log" 2>&1
if ! cached_kernel; then
	if [ -n "${CI:-}" ]; then # the real client must not vanish silently from CI
		echo "1..1"
		echo "not ok 1 - no guest kernel in $CACHE: tests/numa/fetch-kernels.sh 6.1 failed"
		tail -n 20 "$T/fetch.log" | sed 's/^/# /'
		exit 1
	fi
	echo "1..0 # SKIP no guest kernel in $CACHE (get one with tests/numa/fetch-kernels.sh 6.1)"
	exit 0
fi

# README's command, word for word: from "numamem --object" to "...'"
sed -n '/^    numamem --object memory-backend-memfd,id=ram0,/,/memory-backend=ram0 \.\.\.'"'"'$/p' \
	"$top_srcdir/README" | sed 's/^    //' >"$T/readme-cmd"
node=$(sed -n 's/.*policy=bind,host-nodes=\([0-9]*\),.*/\1/p' "$T/readme-cmd")
if [ "$(wc -l <"$T/readme-cmd")" != 4 ] || [ -z "$node" ]; then
	echo "1..1"
	echo "not ok 1 - README's VM example found (4 lines, host-nodes=N)"
	sed 's/^/# /' "$T/readme-cmd"
	exit 0
fi
# README promises node 0 runs on any host: only a host whose node 0 has
# no memory gets the first node that has some (README's node 1 on a
# one-node host must fail here, as it fails for the reader)
if [ "$node" = 0 ]; then
	case " $(mem_nodes)" in *" 0 "*) ;; *) n=$(mem_nodes); node=${n%% *} ;; esac
fi

# What the test changes: numamem and QEMU as found here, 4G -> 128M, the
# node (above), and "..." -> the guest.  root=/dev/vda with rootwait keeps the
# guest waiting for a disk it has not: QEMU runs until it is killed
# (panic=-1 and -no-reboot end it should the kernel panic).
guest="-accel tcg -smp 1 -nodefaults -no-user-config -display none -monitor none -no-reboot"
guest="$guest -serial file:$T/serial -kernel $kernel"
guest="$guest -append \"console=ttyS0 panic=-1 root=/dev/vda rootwait\""
sed -e "1s|^numamem |\"\$NUMAMEM\" |" -e "s|qemu-system-x86_64 |$QEMU |" -e 's/=4G,/=128M,/g; s/-m 4G /-m 128M /' \
	-e "s/host-nodes=[0-9]*,/host-nodes=$node,/" -e "s|\.\.\.'\$|$guest'|" "$T/readme-cmd" >"$T/cmd"
diag "README's command as run:" "$(cat "$T/cmd")"

# QEMU dies with the test, whatever ends it (qpid is emptied once waited for)
trap '[ -n "$qpid" ] && kill "$qpid" 2>/dev/null; rm -rf "$T"' EXIT
start=$(date +%s)
eval "exec $(cat "$T/cmd")" >"$T/qemu.out" 2>&1 &
qpid=$! # numamem, then sh, then QEMU: each execs the next

# banner_seen: the guest's console has its kernel banner
banner_seen() { grep -q "Linux version" "$T/serial" 2>/dev/null || ! running "$qpid"; }
wait_for 50 banner_seen
banner=$(sed -n 's/^\[ *[0-9.]*\] \(Linux version .*\)/\1/p' "$T/serial" 2>/dev/null | head -n 1 | tr -d '\r')
if ! running "$qpid" || [ -z "$banner" ]; then
	running "$qpid" && kill "$qpid"
	wait "$qpid"
	qrc=$?
	qpid=
	not_ok "the guest booted to its banner within 50 s with its RAM on numamem's memfd (status $qrc)"
	diag "$(cat "$T/qemu.out" "$T/serial" 2>/dev/null | tail -n 20)"
	done_testing
fi
ok "the guest booted to its banner in $(($(date +%s) - start)) s with its RAM on numamem's memfd"
check "numamem ran QEMU in its place ($(tr '\0' ' ' <"/proc/$qpid/cmdline" | cut -c1-40))" \
	sh -c "tr '\0' '\n' <'/proc/$qpid/cmdline' | head -n 1 | grep -q qemu-system"

# QEMU's mapping of the guest RAM: the 128 MiB one of the memfd
addr=$(awk '$6 == "/memfd:numamem:ram0" { split($1, r, "-"); print r[1], r[2], $2; exit }' "/proc/$qpid/maps")
set -- $addr
check "QEMU maps the guest RAM from numamem's memfd (maps: /memfd:numamem:ram0 at ${1:-none})" [ -n "${1:-}" ]
check "QEMU's mapping is shared and 128 MiB (${3:-none}, $(( 0x${2:-0} - 0x${1:-0} )) bytes)" \
	sh -c "[ '${3:-}' = rw-s ] && [ $((0x${2:-0} - 0x${1:-0})) = 134217728 ]"
pol=$(numa_maps_line "$qpid" "0x${1:-0}" | awk '{ print $2 }')
check "QEMU's numa_maps: the guest RAM carries numamem's policy (${pol:-none}, want bind:$node)" [ "$pol" = "bind:$node" ]
fd=$(tr '\0' '\n' <"/proc/$qpid/environ" | sed -n 's/^NUMAMEM_RAM0_FD=//p')
check "QEMU holds numamem's memfd at NUMAMEM_RAM0_FD (${fd:-none}: $(readlink "/proc/$qpid/fd/${fd:-x}"))" \
	sh -c "readlink '/proc/$qpid/fd/${fd:-x}' | grep -q '^/memfd:numamem:ram0'"
check "the guest's banner is in numamem's memfd, written there by the guest ($banner)" \
	grep -a -q -F "$banner" "/proc/$qpid/fd/${fd:-x}"

kill "$qpid"
wait "$qpid"
qrc=$?
qpid=
check "QEMU ends on SIGTERM, status 0 ($qrc)" [ "$qrc" = 0 ]
diag "run time: $(($(date +%s) - start)) s"
done_testing
