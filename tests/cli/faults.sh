#!/bin/sh
# Faults: signals in the middle of a multi-GiB prealloc, resource limits,
# unusable mem-paths, overcommit, a COMMAND that closes its fd.  Each
# must end in a documented status with at most one line on stderr and
# nothing left behind.
. "$(dirname "$0")/lib.sh"

# one_line: stderr holds exactly one line
one_line() {
	[ "$(wc -l <"$T/err")" = 1 ]
}

# resident PID MIB: PID has at least MIB MiB resident (its prealloc got
# that far), or it has ended (nothing more to wait for)
resident() {
	kb=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$kb" ] || [ "$kb" -ge $(($2 * 1024)) ]
}

# Signals during prealloc of a 4 GiB file region, at two moments: once
# 64 MiB and once 1 GiB of it are resident (not after a fixed delay: on
# a loaded machine numamem may not have started by then).
default_int=
env --default-signal=INT true 2>/dev/null && default_int="env --default-signal=INT"
mkdir "$T/d"
for sig in INT TERM; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	for mib in 64 1024; do
		for target in dir file; do
			name="SIG$sig after ${mib} MiB, mem-path $target"
			path="$T/d"
			[ $target = file ] && path="$T/d/region.img"
			# background jobs of a non-interactive shell ignore SIGINT: undo that
			$default_int "$NUMAMEM" --backend=file --mem-path="$path" --size=4G --prealloc --quiet 2>"$T/err" &
			p=$!
			wait_for 60 resident $p $mib || not_ok "$name: prealloc never got there in 60 s"
			kill -$sig $p
			wait $p
			rc=$?
			left=$(ls -A "$T/d")
			# A prealloc that finished before the signal is not a failure of this test's subject.
			if [ $rc = 0 ]; then
				skip "$name: prealloc finished first"
				rm -f "$T/d/region.img"
				continue
			fi
			check "$name: killed by the signal ($rc)" [ $rc = $want ]
			check "$name: nothing left behind ($left)" [ -z "$left" ]
			rm -f "$T/d"/*
		done
	done
done
# SIGKILL cannot be caught: a directory leaves nothing (the file was
# unlinked at once); a named file stays, as numamem.1 says.
"$NUMAMEM" --backend=file --mem-path="$T/d" --size=4G --prealloc --quiet &
p=$!
check "SIGKILL: the prealloc gets to 256 MiB" wait_for 60 resident $p 256
kill -KILL $p
wait $p
check "SIGKILL, mem-path a directory: nothing left" [ -z "$(ls -A "$T/d")" ]

# Too many open files: with room for two more descriptors, one of eight
# regions cannot get its own.
if [ -n "${NUMAMEM_VALGRIND:-}" ]; then
	skip "EMFILE: valgrind needs descriptors of its own"
	skip "EMFILE: valgrind needs descriptors of its own"
fi
objs=
for i in 1 2 3 4 5 6 7 8; do objs="$objs --object memory-backend-memfd,id=r$i,size=1M"; done
[ -z "${NUMAMEM_VALGRIND:-}" ] && (
	# redirect first: dash cannot save descriptors once the limit is low
	exec >"$T/out" 2>"$T/err"
	for fd in 3 4 5 6 7 8 9; do # POSIX sh names single-digit descriptors only
		eval "exec $fd>&-"
	done
	ulimit -n 6
	exec "$NUMAMEM" $objs --quiet
)
rc=$?
if [ -z "${NUMAMEM_VALGRIND:-}" ]; then
	check "EMFILE: exit 3 ($rc)" [ $rc = 3 ]
	check "EMFILE: one line ($(wc -l <"$T/err"))" one_line
	check "EMFILE: the line names the region and the error" grep -qx "numamem: region 'r[0-9]': cannot create memfd: Too many open files" "$T/err"
fi

# A mem-path that cannot be memory-mapped (sysfs).
run --backend=file --mem-path=/sys/kernel/mm/transparent_hugepage/enabled --size=4K
check "sysfs mem-path: exit 1 ($rc)" [ $rc = 1 ]
check "sysfs mem-path: one line" one_line
check "sysfs mem-path: says why" grep -q "is on a file system that cannot be memory-mapped" "$T/err"

# A COMMAND that closes or reuses its inherited fd.
"$NUMAMEM" --size=4M --prealloc -- sh -c 'exec 3>&- 4>&- 5>&-; exit 0'
check "COMMAND closing its region fd: exit 0" [ $? = 0 ]
"$NUMAMEM" --size=4M --prealloc --fork -- sh -c 'fd=$NUMAMEM_FD; eval "exec $fd>&-"; eval "exec $fd>/dev/null"; exit 3'
check "fork-and-hold, COMMAND reusing the fd number: its status 3" [ $? = 3 ]

if [ "$(id -u)" != 0 ]; then
	skip "read-only file system, overcommit 2: need root"
	done_testing
fi

# A read-only file system: refused with one line, status 1.
mkdir "$T/ro"
if mount -t tmpfs -o ro numamem-test "$T/ro"; then
	# --share: with share=off numamem first warns that a tmpfs file is
	# kept twice, a second line before the refusal (left to src/)
	run --backend=file --mem-path="$T/ro" --size=1M --share
	check "read-only mem-path: exit 1 ($rc)" [ $rc = 1 ]
	check "read-only mem-path: one line ($(wc -l <"$T/err"))" one_line
	check "read-only mem-path: the line says why" grep -qx "numamem: cannot open mem-path '$T/ro' of region 'm0': Read-only file system" "$T/err"
	umount "$T/ro"
else
	skip "cannot mount a read-only tmpfs"
fi

# --no-reserve when overcommit_memory is 2 (MAP_NORESERVE is ignored):
# refused before anything is mapped, as QEMU's map_noreserve_effective().
if instrumented; then
	skip "overcommit 2: an instrumented numamem cannot start under strict overcommit"
	done_testing
fi
saved=$(cat /proc/sys/vm/overcommit_memory)
limit_kb=$(awk '/^CommitLimit:/ { print $2 }' /proc/meminfo)
committed_kb=$(awk '/^Committed_AS:/ { print $2 }' /proc/meminfo)
if [ $((limit_kb - committed_kb)) -lt 1048576 ]; then
	skip "overcommit 2: this host already commits within 1 GiB of its limit (${committed_kb} of ${limit_kb} kB)"
	done_testing
fi
echo 2 >/proc/sys/vm/overcommit_memory
run --size=$((limit_kb * 2))K --no-reserve
echo "$saved" >/proc/sys/vm/overcommit_memory
check "overcommit 2, --no-reserve: exit 2 ($rc)" [ $rc = 2 ]
check "overcommit 2: one line naming vm.overcommit_memory" [ "$(cat "$T/err")" = "numamem: region 'm0': 'reserve=off' cannot be honoured: vm.overcommit_memory is 2, which reserves every private writable page" ]
done_testing
