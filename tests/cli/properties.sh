#!/bin/sh
# Region properties as the kernel sees them: VmFlags in smaps (merge,
# dump, THP), protections in maps (readonly, rom), alignment, offset,
# seals, discard-data and pmem.
. "$(dirname "$0")/lib.sh"

# hold ARGS...: hold_region (lib.sh), and addr: the first region's address
hold() {
	hold_region "$@"
	addr=$(json_get address)
}

# vmflags: the VmFlags of the held region's mapping
vmflags() {
	awk -v a="${addr#0x}" '
		/^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); s = r[1]; sub(/^0+/, "", s); b = a; sub(/^0+/, "", b); on = s == b }
		on && /^VmFlags:/ { sub(/^VmFlags: */, ""); print; exit }' "/proc/$pid/smaps"
}

# perms: the permissions of the held region's mapping (rw-p, r--s, ...)
perms() {
	awk -v a="${addr#0x}" '{ split($1, r, "-"); s = r[1]; sub(/^0+/, "", s); b = a; sub(/^0+/, "", b) } s == b { print $2 }' "/proc/$pid/maps"
}

has_flag() { echo " $1 " | grep -q " $2 "; }

hold --size=4M
f=$(vmflags)
check "defaults: mergeable (mg), dumped (no dd), THP asked (hg) [$f]" sh -c "echo ' $f ' | grep -q ' mg ' && ! echo ' $f ' | grep -q ' dd ' && echo ' $f ' | grep -q ' hg '"
check "defaults: ram is private and writable ($(perms))" [ "$(perms)" = rw-p ]
release
hold --size=4M --no-merge --no-dump --thp=off --share
f=$(vmflags)
check "--no-merge --no-dump --thp=off: no mg, dd, nh [$f]" sh -c "! echo ' $f ' | grep -q ' mg ' && echo ' $f ' | grep -q ' dd ' && echo ' $f ' | grep -q ' nh '"
check "--share: a shared mapping ($(perms))" [ "$(perms)" = rw-s ]
release

# QEMU's deprecated short forms: share is share=on, nomerge merge=off,
# each with one warning line
hold --object memory-backend-ram,id=m0,size=4M,share,nomerge
f=$(vmflags)
check "short forms share,nomerge: shared ($(perms)), no mg [$f]" sh -c "[ '$(perms)' = rw-s ] && ! echo ' $f ' | grep -q ' mg '"
check "short forms: one warning each, saying what to write" [ "$(head -n 2 "$T/err")" = "numamem: warning: --object 'memory-backend-ram,id=m0,size=4M,share,nomerge': short form 'share' is deprecated: write share=on
numamem: warning: --object 'memory-backend-ram,id=m0,size=4M,share,nomerge': short form 'nomerge' is deprecated: write merge=off" ]
release

dd if=/dev/zero of="$T/img" bs=1M count=8 2>/dev/null
hold --backend=file --mem-path="$T/img" --size=4M --readonly
check "readonly (rom auto): mapped read-only ($(perms))" [ "$(perms)" = r--p ]
release
hold --backend=file --mem-path="$T/img" --size=4M --readonly --rom=off
check "readonly, rom=off: private and writable ($(perms))" [ "$(perms)" = rw-p ]
release
hold --backend=file --mem-path="$T/img" --size=4M --readonly --rom=on --share
check "readonly, rom=on, share: read-only and shared ($(perms))" [ "$(perms)" = r--s ]
release

hold --backend=file --mem-path="$T/img" --size=4M --align=1G
check "align=1G: the address is a multiple of 1 GiB ($addr)" [ $((addr % 1073741824)) = 0 ]
release

# offset: a marker written at 4 MiB into the file must be the first bytes
# of the region, for numamem's own mapping and for the command's view.
printf 'NUMAMEM' | dd of="$T/img" bs=1 seek=4194304 conv=notrunc 2>/dev/null
printf 'FILE0..' | dd of="$T/img" bs=1 seek=0 conv=notrunc 2>/dev/null
hold --backend=file --mem-path="$T/img" --share --offset=4M --size=4M
# the file offset the kernel maps the region from (maps' third field)
pgoff=$(awk -v a="${addr#0x}" '{ split($1, r, "-"); s = r[1]; sub(/^0+/, "", s); b = a; sub(/^0+/, "", b) } s == b { print $3 }' "/proc/$pid/maps")
check "offset=4M: numamem maps the file from offset 4 MiB (maps says 0x$pgoff)" [ "$((0x${pgoff:-1}))" = 4194304 ]
# the region's first bytes, read from numamem's memory (needs ptrace
# rights over it: root, or no Yama restriction)
if dd if="/proc/$pid/mem" bs=1 skip=$((addr)) count=0 2>/dev/null; then
	got=$(dd if="/proc/$pid/mem" bs=1 skip=$((addr)) count=7 2>/dev/null)
	check "offset=4M: the region starts with the bytes at 4 MiB into the file ($got)" [ "$got" = NUMAMEM ]
else
	skip "offset=4M: cannot read /proc/$pid/mem to see the region's bytes"
fi
release
out=$("$NUMAMEM" --backend=file --mem-path="$T/img" --share --offset=4M --size=4M -- \
	sh -c 'echo "$NUMAMEM_OFFSET $NUMAMEM_SIZE $(dd if=/proc/self/fd/$NUMAMEM_FD bs=1 skip=$NUMAMEM_OFFSET count=7 2>/dev/null)"')
check "offset=4M reaches the command, and its fd reads the marker there ($out)" [ "$out" = "4194304 4194304 NUMAMEM" ]

printf 'keep' | dd of="$T/img" bs=1 conv=notrunc 2>/dev/null
"$NUMAMEM" --backend=file --mem-path="$T/img" --share --size=4M --prealloc --quiet
check "without discard-data the file keeps its contents" [ "$(head -c 4 "$T/img")" = keep ]
mkdir "$T/tmpfs"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16M numamem-test "$T/tmpfs"; then
	printf 'keep' >"$T/tmpfs/img"
	truncate -s 4M "$T/tmpfs/img"
	"$NUMAMEM" --backend=file --mem-path="$T/tmpfs/img" --share --size=4M --prealloc --discard-data --quiet
	check "discard-data: the file's pages are dropped at exit (now zeros)" [ "$(head -c 4 "$T/tmpfs/img" | tr -d '\0')" = "" ]
	check "pmem on tmpfs: refused with exit 2" sh -c "'$NUMAMEM' --backend=file --mem-path='$T/tmpfs/img' --share --pmem --size=4M 2>'$T/err'; [ \$? = 2 ]"
	check "pmem: one line naming MAP_SYNC" grep -q "cannot be mapped with MAP_SYNC" "$T/err"
	umount "$T/tmpfs"
else
	skip "discard-data and pmem need root for a tmpfs"
fi

# seal (memfd): a sealed memfd cannot be grown by the command.
out=$("$NUMAMEM" --size=4M -- sh -c 'truncate -s 8M /proc/self/fd/$NUMAMEM_FD 2>&1; echo $?')
check "seal=on (default): the command cannot grow the memfd" [ "${out##*
}" != 0 ]
# mode flags: given to mbind, read back by get_mempolicy and by numa_maps
n0=$(mem_nodes); n0=${n0%% *}
for f in static-nodes relative-nodes numa-balancing; do
	hold --size=4M --policy=bind --host-nodes="$n0" --$f
	m=$(numa_maps_line "$pid" "$addr" | awk '{ print $2 }')
	k=${f%-nodes}; k=${k#numa-} # numa_maps: bind=static:0, bind=balancing:0
	check "--$f: JSON kernel_mode_flags [$(json_get kernel_mode_flags)], numa_maps '$m'" \
		sh -c "[ '$(json_get kernel_mode_flags)' = '[$f]' ] && [ '$(json_get mode_flags)' = '[$f]' ] && echo '$m' | grep -q '^bind=$k:$n0\$'"
	release
done
out=$("$NUMAMEM" --size=4M --no-seal -- sh -c 'truncate -s 8M /proc/self/fd/$NUMAMEM_FD 2>&1; echo $?')
check "--no-seal: the command can grow it" [ "${out##*
}" = 0 ]
# seals as the command's fcntl sees them (F_ADD_SEALS 1033, F_GET_SEALS
# 1034; F_SEAL_SEAL 1, SHRINK 2, GROW 4, WRITE 8): seal=off is made
# without MFD_ALLOW_SEALING, as QEMU makes it, so nobody can seal it later
seals='import errno, fcntl, os
fd = int(os.environ["NUMAMEM_FD"])
try:
    fcntl.fcntl(fd, 1033, 8)
    added = "added"
except OSError as e:
    added = errno.errorcode[e.errno]
print(fcntl.fcntl(fd, 1034), added)'
if command -v python3 >/dev/null; then
	out=$("$NUMAMEM" --size=4M --no-seal -- python3 -c "$seals" 2>&1)
	check "seal=off: the command's F_ADD_SEALS fails with EPERM, F_GET_SEALS says F_SEAL_SEAL only ($out)" [ "$out" = "1 EPERM" ]
	out=$("$NUMAMEM" --object memory-backend-memfd,id=m0,size=4M,seal=on -- python3 -c "$seals" 2>&1)
	check "seal=on: F_GET_SEALS says SEAL|SHRINK|GROW, F_ADD_SEALS refused ($out)" [ "$out" = "7 EPERM" ]
else
	skip "seals seen by the command need python3"
	skip "seals seen by the command need python3"
fi
done_testing
