#!/bin/sh
# mkinitramfs.sh — build the initramfs of a NUMA test guest.
#
#   tests/numa/mkinitramfs.sh NUMAMEM_BINARY OUT.cpio.gz GUEST_SCRIPT...
#
# Contents:
#   /bin/busybox and its applets as symlinks (busybox-static)
#   /usr/local/bin/numamem and its shared libraries at the paths ldd names
#     (the dynamic loader included)
#   /usr/bin/numactl, numastat, migratepages and their libraries, when this machine has them
#     (the peer of the suite's numactl-vs-numamem cases; tools/setup --tests
#     installs it)
#   /opt/host/bin/NAME for every NAME in $NUMAMEM_GUEST_TOOLS (host programs
#     with their libraries, for running other suites in the guest by hand,
#     e.g. NUMAMEM_GUEST_TOOLS="bash grep taskset memhog numastat")
#   /tests/<name> for every GUEST_SCRIPT (the first one is the suite /init runs)
#   /tests/touchfd  a static helper built from touchfd.c with `gcc -static`
#                   (left out, with a warning, when that cannot be built)
#   /init
#
# /init mounts proc, sys, devtmpfs, tmpfs (/tmp, /dev/shm), hugetlbfs
# (/dev/hugepages) and cgroup2 (/sys/fs/cgroup), prints the topology the kernel sees, runs
#   /tests/<first script> --numamem=/usr/local/bin/numamem --helper=/tests/touchfd
# (plus --only=GLOBS from numamem.only= on the kernel command line; numamem.timeout=
# and numamem.size= set NUMAMEM_SUITE_TIMEOUT and NUMAMEM_SUITE_SIZE)
# with everything going to the console (ttyS0), prints the end marker
#   NUMAMEM-GUEST-END rc=<status>
# and powers off with poweroff -f.
#
# Environment: BUSYBOX (default: busybox from PATH, must be static),
# CC (default gcc).

set -eu

say() { printf 'mkinitramfs: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ $# -ge 3 ] || die "usage: mkinitramfs.sh NUMAMEM_BINARY OUT.cpio.gz GUEST_SCRIPT..."
numamem=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

[ -x "$numamem" ] || die "$numamem: not an executable"
for s in "$@"; do [ -f "$s" ] || die "$s: no such guest script"; done
command -v cpio >/dev/null 2>&1 || die "cpio not found (apt-get install cpio)"
command -v gzip >/dev/null 2>&1 || die "gzip not found"

busybox=${BUSYBOX:-$(command -v busybox || true)}
[ -n "$busybox" ] && [ -x "$busybox" ] || die "busybox not found (apt-get install busybox-static)"
if command -v ldd >/dev/null 2>&1 && ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; the guest needs busybox-static"
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/numamem-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/usr/local/bin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/tests" "$root/etc" "$root/root"

# busybox and its applets
cp "$busybox" "$root/bin/busybox"
"$root/bin/busybox" --list-full | while read -r applet; do
	[ -e "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done

# copy_with_libs FILE DEST: FILE to DEST in the image, and every library
# ldd names for it at the same path as on this machine.
copy_with_libs() {
	cp -L "$1" "$root$2"
	chmod 0755 "$root$2"
	ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$1 ~ /^\// { print $1 }' | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
copy_with_libs "$numamem" /usr/local/bin/numamem
# numactl's tools, when this machine has them (tools/setup --tests installs
# them): the suite runs the same invocations through them as witnesses
for tool in numactl numastat migratepages; do
	t=$(command -v "$tool" 2>/dev/null) && copy_with_libs "$t" "/usr/bin/$tool"
done
command -v numactl >/dev/null 2>&1 ||
	say "warning: no numactl on this machine: the guest's numactl-vs-numamem cases will be skipped"
for t in ${NUMAMEM_GUEST_TOOLS:-}; do
	p=$(command -v "$t") || die "NUMAMEM_GUEST_TOOLS: $t not found"
	mkdir -p "$root/opt/host/bin"
	copy_with_libs "$p" "/opt/host/bin/$t"
done

# guest scripts
first=""
for s in "$@"; do
	name=$(basename "$s")
	cp "$s" "$root/tests/$name"
	chmod 0755 "$root/tests/$name"
	[ -n "$first" ] || first=$name
done

# the static helper
helper_arg=""
if [ -f "$here/touchfd.c" ]; then
	if ${CC:-gcc} -static -O2 -o "$root/tests/touchfd" "$here/touchfd.c" 2>"$root/cc.log"; then
		helper_arg=" --helper=/tests/touchfd"
	else
		say "warning: cannot build touchfd with ${CC:-gcc} -static (the child case will be skipped):"
		cat "$root/cc.log" >&2
	fi
	rm -f "$root/cc.log"
fi

cat >"$root/init" <<EOF
#!/bin/sh
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/shm /dev/hugepages /tmp
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t hugetlbfs -o pagesize=2M hugetlbfs /dev/hugepages
# cgroup v2, for numamem's watching of a COMMAND in a cgroup of its own
mkdir -p /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# An empty cgroup with cpuset and memory, kept for the whole run, keeps the
# kernel's cpusets_enabled key on.  Otherwise each numamem COMMAND's own
# cgroup patches that key in and out of __alloc_pages as it comes and
# goes, and TCG sometimes runs the int3 of that patching after it is done
# (an Oops in __alloc_pages, a panicked guest: CI 2026-12-03, b/6.12).
echo "+cpuset +memory" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
	mkdir -p /sys/fs/cgroup/numamem-keep
exec </dev/null >/dev/console 2>&1
echo "NUMAMEM-GUEST-BEGIN kernel=\$(uname -r) kept-cgroup=\$(tr " " , </sys/fs/cgroup/numamem-keep/cgroup.controllers 2>/dev/null)"
for d in /sys/devices/system/node/node[0-9]*; do
	n=\${d##*node}
	mem=\$(awk '/MemTotal/ { print \$4 }' \$d/meminfo)
	echo "NUMAMEM-TOPO node=\$n cpus=\$(cat \$d/cpulist) mem_kb=\$mem distance=\$(cat \$d/distance | tr ' ' ',')"
done
echo "NUMAMEM-TOPO has_cpu=\$(cat /sys/devices/system/node/has_cpu) has_memory=\$(cat /sys/devices/system/node/has_memory 2>/dev/null) online=\$(cat /sys/devices/system/node/online)"
set -- --numamem=/usr/local/bin/numamem$helper_arg
for w in \$(cat /proc/cmdline); do
	case \$w in
	numamem.only=*) set -- "\$@" "--only=\${w#*=}" ;;
	numamem.timeout=*) export NUMAMEM_SUITE_TIMEOUT=\${w#*=} ;;
	numamem.size=*) export NUMAMEM_SUITE_SIZE=\${w#*=} ;;
	esac
done
/tests/$first "\$@"
echo "NUMAMEM-GUEST-END rc=\$?"
sync
poweroff -f
EOF
chmod 0755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
say "$out: $(du -k "$out" | cut -f1) KiB (numamem from $numamem)"
