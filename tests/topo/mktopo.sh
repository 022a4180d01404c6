#!/bin/sh
# Writes the recorded topologies of tests/topo: one tree per topology
# holding the sysfs and procfs files numamem reads about its host (see
# src/host.c), in the formats of the kernel's own files.  numamem reads
# them instead of the real ones when NUMAMEM_SYSROOT names the tree; the
# trees are committed, so the tests read fixed files and this script only
# has to be run again to change or add a topology.
#
# Usage: tests/topo/mktopo.sh [DIR]      (DIR: tests/topo)
#
# A topology is described as
#   begin NAME RELEASE HUGE_SIZES_KB MEMS_ALLOWED CPUS_ALLOWED NR_CPUS
#   node ID MIB FREE_MIB INACTIVE_FILE_MIB CPULIST "DISTANCES" ZONE [KB=NR/FREE ...]
#   ...
#   finish [KB=RESV ...]
# MIB is the node's physical memory; ZONE is "normal" (DMA, DMA32 and
# Normal by address, as on x86-64) or "movable" (onlined movable, as CXL
# memory usually is); KB=NR/FREE gives the node's pool of KB huge pages.
# Optional files: weights "0=3 1=1" (weighted interleave, Linux 6.9) and
# tier N LIST (memory tiers) between begin and finish.
set -eu

top=${1:-$(cd "$(dirname "$0")" && pwd)}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mktopo.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

NODE_DIR=sys/devices/system/node
HUGE_DIR=sys/kernel/mm/hugepages
DMA32_END=786432   # 3 GiB in 4 KiB pages: the PCI hole starts there
HIGH_START=1048576 # 4 GiB

begin() {
	name=$1 release=$2 hsizes=$3 mems=$4 cpus=$5 ncpus=$6
	d=$top/$name
	rm -rf "$d"
	mkdir -p "$d/$NODE_DIR" "$d/proc/self" "$d/proc/sys/kernel"
	printf '%s\n' "$release" >"$d/proc/sys/kernel/osrelease"
	: >"$scratch/zones"
	: >"$scratch/nodes"
	online= with_memory= pfn=0
	for kb in $hsizes; do
		mkdir -p "$d/$HUGE_DIR/hugepages-${kb}kB"
		eval "nr_$kb=0 free_$kb=0"
	done
	default_kb=${hsizes%% *}
}

# add_list LIST ID: LIST with ID appended ("0,2" 4 -> "0,2,4")
add_list() {
	if [ -n "$1" ]; then echo "$1,$2"; else echo "$2"; fi
}

# zone NODE NAME START PRESENT MANAGED: one populated zone, for finish
zone() {
	echo "$1 $2 $3 $4 $5" >>"$scratch/zones"
}

node() {
	id=$1 mib=$2 free_mib=$3 file_mib=$4 cpulist=$5 dist=$6 kind=$7
	shift 7
	nd=$d/$NODE_DIR/node$id
	mkdir -p "$nd"
	online=$(add_list "$online" "$id")
	printf '%s\n' "$cpulist" >"$nd/cpulist"
	printf '%s\n' "$dist" >"$nd/distance"

	# physical memory into zones by address, as x86-64 does
	left=$((mib * 256)) managed=0
	if [ "$left" -gt 0 ]; then
		with_memory=$(add_list "$with_memory" "$id")
		if [ "$kind" = movable ]; then
			m=$((left - left / 64))
			zone "$id" Movable $pfn $left $m
			managed=$m pfn=$((pfn + left)) left=0
		fi
		if [ $pfn -eq 0 ] && [ "$left" -gt 0 ]; then
			zone "$id" DMA 1 3998 3840
			managed=3840 pfn=4096 left=$((left - 4096))
		fi
		if [ $pfn -lt $DMA32_END ] && [ "$left" -gt 0 ]; then
			p=$((DMA32_END - pfn))
			[ $p -le "$left" ] || p=$left
			m=$((p - p / 64 - (pfn == 4096 ? 16384 : 0)))
			zone "$id" DMA32 $pfn $p $m
			managed=$((managed + m)) pfn=$((pfn + p)) left=$((left - p))
			[ $pfn -lt $DMA32_END ] || pfn=$HIGH_START
		fi
		if [ "$left" -gt 0 ]; then
			m=$((left - left / 64))
			zone "$id" Normal $pfn $left $m
			managed=$((managed + m)) pfn=$((pfn + left))
		fi
	fi

	# huge page pools of every size; the default size shows in meminfo
	huge_total=0 huge_free=0 huge_kb=0
	for kb in $hsizes; do
		mkdir -p "$nd/hugepages/hugepages-${kb}kB"
		nr=0 fr=0
		for pool in "$@"; do
			case $pool in "$kb="*)
				pool=${pool#*=} nr=${pool%/*} fr=${pool#*/} ;;
			esac
		done
		echo $nr >"$nd/hugepages/hugepages-${kb}kB/nr_hugepages"
		echo $fr >"$nd/hugepages/hugepages-${kb}kB/free_hugepages"
		echo 0 >"$nd/hugepages/hugepages-${kb}kB/surplus_hugepages"
		eval "nr_$kb=\$((nr_$kb + nr)) free_$kb=\$((free_$kb + fr))"
		huge_kb=$((huge_kb + nr * kb))
		if [ "$kb" = "$default_kb" ]; then huge_total=$nr huge_free=$fr; fi
	done

	total=$((managed * 4)) free=$((free_mib * 1024)) ifile=$((file_mib * 1024))
	if [ $((free + huge_kb)) -gt $total ]; then
		echo "mktopo: $name node $id: free memory and huge pages exceed MemTotal" >&2
		exit 1
	fi
	echo "$id $total $free $ifile $managed $((free / 4)) $huge_total $huge_free $huge_kb" >>"$scratch/nodes"
	node_meminfo "$id" $total $free $ifile $huge_total $huge_free $huge_kb >"$nd/meminfo"
}

# node_meminfo ID TOTAL FREE INACTIVE_FILE HUGE_TOTAL HUGE_FREE HUGE_KB:
# the kernel's node meminfo, the figures not given made up to add up
node_meminfo() {
	awk -v n="$1" -v total="$2" -v free="$3" -v ifile="$4" -v ht="$5" -v hf="$6" -v hkb="$7" 'BEGIN {
		used = total - free
		if (total == 0) afile = ianon = aanon = slab = sunr = kstack = pt = 0
		else {
			afile = int(ifile * 3 / 4); ianon = int((used - hkb - ifile - afile) * 6 / 10)
			if (ianon < 0) ianon = 0
			aanon = int(ianon / 50); slab = int(total / 60); sunr = int(slab / 3)
			kstack = 16 * 64; pt = int(ianon / 120)
		}
		kv("MemTotal", total); kv("MemFree", free); kv("MemUsed", used)
		kv("SwapCached", 0); kv("Active", aanon + afile); kv("Inactive", ianon + ifile)
		kv("Active(anon)", aanon); kv("Inactive(anon)", ianon)
		kv("Active(file)", afile); kv("Inactive(file)", ifile)
		kv("Unevictable", 0); kv("Mlocked", 0); kv("Dirty", int(ifile / 200)); kv("Writeback", 0)
		kv("FilePages", afile + ifile + 2048 * (total > 0)); kv("Mapped", int(afile / 4))
		kv("AnonPages", ianon + aanon); kv("Shmem", 2048 * (total > 0))
		kv("KernelStack", kstack); kv("PageTables", pt); kv("SecPageTables", 0)
		kv("NFS_Unstable", 0); kv("Bounce", 0); kv("WritebackTmp", 0)
		kv("KReclaimable", slab - sunr); kv("Slab", slab); kv("SReclaimable", slab - sunr)
		kv("SUnreclaim", sunr); kv("AnonHugePages", 0); kv("ShmemHugePages", 0)
		kv("ShmemPmdMapped", 0); kv("FileHugePages", 0); kv("FilePmdMapped", 0)
		printf "Node %d %-16s%5d\n", n, "HugePages_Total:", ht
		printf "Node %d %-16s%5d\n", n, "HugePages_Free:", hf
		printf "Node %d %-16s%5d\n", n, "HugePages_Surp:", 0
	}
	function kv(k, v) { printf "Node %d %-16s%8d kB\n", n, k ":", v }'
}

weights() {
	mkdir -p "$d/sys/kernel/mm/mempolicy/weighted_interleave"
	for w in $1; do
		echo "${w#*=}" >"$d/sys/kernel/mm/mempolicy/weighted_interleave/node${w%=*}"
	done
}

tier() {
	mkdir -p "$d/sys/devices/virtual/memory_tiering/memory_tier$1"
	printf '%s\n' "$2" >"$d/sys/devices/virtual/memory_tiering/memory_tier$1/nodelist"
}

# access NODE CLASS INITIATORS READ_BW WRITE_BW READ_LAT WRITE_LAT: HMAT
# attributes of NODE as a target (MB/s, ns), as the kernel writes them
# under nodeN/accessC/initiators, with a link per initiator node
access() {
	a=$d/$NODE_DIR/node$1/access$2/initiators
	mkdir -p "$a"
	# sysfs links each initiator to its node directory; the tree keeps an
	# empty file of that name (numamem reads only the names), since a link
	# to an ancestor loops when the tree is copied (make dist, cp -R)
	for i in $(echo "$3" | tr ',' ' '); do : >"$a/node$i"; done
	echo "$4" >"$a/read_bandwidth"
	echo "$5" >"$a/write_bandwidth"
	echo "$6" >"$a/read_latency"
	echo "$7" >"$a/write_latency"
}

# mask LIST NBITS: the kernel's hex mask of a list ("0-1,4" 8 -> "13")
mask() {
	echo "$1" | awk -v nbits="$2" -F, '{
		for (i = 1; i <= NF; i++) {
			n = split($i, r, "-"); e = n > 1 ? r[2] : r[1]
			for (b = r[1]; b <= e; b++) bit[b] = 1
		}
		digits = int((nbits + 3) / 4); s = ""
		for (d = 0; d < digits; d++) {
			v = 0
			for (b = 0; b < 4; b++) if (bit[d * 4 + b]) v += 2 ^ b
			if (d > 0 && d % 8 == 0) s = "," s
			s = sprintf("%x", v) s
		}
		print s
	}'
}

finish() {
	printf '%s\n' "$online" >"$d/$NODE_DIR/online"
	printf '%s\n' "$with_memory" >"$d/$NODE_DIR/has_memory"
	for kb in $hsizes; do
		h=$d/$HUGE_DIR/hugepages-${kb}kB resv=0
		for r in "$@"; do
			case $r in "$kb="*) resv=${r#*=} ;; esac
		done
		eval "echo \$nr_$kb" >"$h/nr_hugepages"
		eval "echo \$nr_$kb" >"$h/nr_hugepages_mempolicy"
		eval "echo \$free_$kb" >"$h/free_hugepages"
		echo "$resv" >"$h/resv_hugepages"
		echo 0 >"$h/surplus_hugepages"
		echo 0 >"$h/nr_overcommit_hugepages"
		[ "$kb" != "$default_kb" ] || default_resv=$resv
	done
	cat >"$d/proc/self/status" <<-EOF
	Name:	numamem
	Umask:	0022
	State:	R (running)
	Tgid:	4242
	Ngid:	0
	Pid:	4242
	PPid:	4200
	TracerPid:	0
	Uid:	1000	1000	1000	1000
	Gid:	1000	1000	1000	1000
	FDSize:	64
	Threads:	1
	Cpus_allowed:	$(mask "$cpus" "$ncpus")
	Cpus_allowed_list:	$cpus
	Mems_allowed:	$(mask "$mems" 1024)
	Mems_allowed_list:	$mems
	voluntary_ctxt_switches:	0
	nonvoluntary_ctxt_switches:	1
	EOF
	# the cgroup cpuset (v2) that gives the allowed CPUs above
	echo /numamem.slice >"$d/proc/self/cpuset"
	mkdir -p "$d/sys/fs/cgroup/numamem.slice"
	echo "$cpus" >"$d/sys/fs/cgroup/numamem.slice/cpuset.cpus.effective"
	awk -v hkb="$default_kb" -v resv="$default_resv" '
		{ total += $2; free += $3; ifile += $4; ht += $7; hf += $8; hugetlb += $9 }
		END {
			used = total - free - hugetlb
			kv("MemTotal", total); kv("MemFree", free)
			kv("MemAvailable", free + ifile); kv("Buffers", 4096); kv("Cached", int(ifile * 7 / 4) + 2048)
			kv("SwapCached", 0); kv("Active", int(ifile * 3 / 4)); kv("Inactive", ifile + int(used / 3))
			kv("SwapTotal", 0); kv("SwapFree", 0); kv("Dirty", int(ifile / 200)); kv("Writeback", 0)
			kv("AnonPages", int(used / 3)); kv("Mapped", int(ifile / 8)); kv("Shmem", 2048)
			kv("CommitLimit", int((total - hugetlb) / 2)); kv("Committed_AS", int(used * 2))
			printf "%-16s%s kB\n", "VmallocTotal:", "34359738367"; kv("VmallocUsed", 14524); kv("VmallocChunk", 0)
			kv("AnonHugePages", 0)
			printf "%-16s%8d\n", "HugePages_Total:", ht
			printf "%-16s%8d\n", "HugePages_Free:", hf
			printf "%-16s%8d\n", "HugePages_Rsvd:", resv
			printf "%-16s%8d\n", "HugePages_Surp:", 0
			kv("Hugepagesize", hkb); kv("Hugetlb", hugetlb)
		}
		function kv(k, v) { printf "%-16s%8d kB\n", k ":", v }' "$scratch/nodes" >"$d/proc/meminfo"
	zoneinfo >"$d/proc/zoneinfo"
}

# /proc/zoneinfo: every node has the five zones, populated or not; the
# watermarks follow min_free_kbytes = sqrt(16 * lowmem kB), as the kernel
# sets them.
zoneinfo() {
	awk -v online="$online" -v ncpus="$ncpus" '
		FILENAME ~ /nodes$/ { nfree[$1] = $6; nmanaged[$1] = $5; next }
		{ key = $1 " " $2; start[key] = $3; present[key] = $4; managed[key] = $5; all += $5 }
		END {
			minfree = int(sqrt(all * 4 * 16)); if (minfree < 128) minfree = 128
			if (minfree > 262144) minfree = 262144
			n = split(online, nodes, ",")
			split("DMA DMA32 Normal Movable Device", zones, " ")
			for (i = 1; i <= n; i++) {
				nd = nodes[i]; first = 1; left = nfree[nd]
				for (z = 1; z <= 5; z++) {
					key = nd " " zones[z]
					printf "Node %d, zone %8s\n", nd, zones[z]
					if (!(key in managed)) { empty(); continue }
					if (first) { node_stats(nd); first = 0 }
					zfree = nmanaged[nd] ? int(nfree[nd] * managed[key] / nmanaged[nd]) : 0
					if (zfree > left) zfree = left
					left -= zfree
					zone_block(key, zfree)
				}
			}
		}
		function empty() {
			printf "  pages free     0\n        boost    0\n        min      0\n        low      0\n"
			printf "        high     0\n        promo    0\n        spanned  0\n        present  0\n"
			printf "        managed  0\n        cma      0\n        protection: (0, 0, 0, 0, 0)\n"
		}
		function node_stats(nd) {
			printf "  per-node stats\n"
			printf "      nr_inactive_anon %d\n      nr_active_anon %d\n", nmanaged[nd] / 8, nmanaged[nd] / 400
			printf "      nr_inactive_file %d\n      nr_active_file %d\n", nmanaged[nd] / 20, nmanaged[nd] / 25
			printf "      nr_unevictable 0\n      nr_slab_reclaimable %d\n", nmanaged[nd] / 90
			printf "      nr_slab_unreclaimable %d\n      nr_isolated_anon 0\n      nr_isolated_file 0\n", nmanaged[nd] / 180
		}
		function zone_block(key, zfree,    m, delta, c) {
			m = int(minfree / 4 * managed[key] / all)
			delta = int(m / 4); if (int(managed[key] / 1000) > delta) delta = int(managed[key] / 1000)
			printf "  pages free     %d\n        boost    0\n", zfree
			printf "        min      %d\n        low      %d\n", m, m + delta
			printf "        high     %d\n        promo    %d\n", m + 2 * delta, m + 3 * delta
			printf "        spanned  %d\n        present  %d\n", (start[key] == 1 ? 4095 : present[key]), present[key]
			printf "        managed  %d\n        cma      0\n", managed[key]
			printf "        protection: (0, 0, 0, 0, 0)\n"
			printf "      nr_free_pages %d\n      nr_zone_inactive_anon 0\n      nr_zone_active_anon 0\n", zfree
			printf "      nr_zone_inactive_file 0\n      nr_zone_active_file 0\n      nr_zone_unevictable 0\n"
			printf "      nr_zone_write_pending 0\n      nr_mlock     0\n      nr_zspages   0\n      nr_free_cma  0\n"
			printf "      numa_hit     0\n      numa_miss    0\n      numa_foreign 0\n      numa_interleave 0\n"
			printf "      numa_local   0\n      numa_other   0\n  pagesets\n"
			for (c = 0; c < ncpus; c++) {
				printf "    cpu: %d\n              count:    0\n              high:     0\n", c
				printf "              batch:    63\n  vm stats threshold: 24\n"
			}
			printf "  node_unreclaimable:  0\n  start_pfn:           %d\n", start[key]
		}' "$scratch/nodes" "$scratch/zones"
}

# The guests of tests/numa: Debian 12's kernel, qemu64 CPUs without 1 GiB
# pages, 1.5 GiB split in two.
begin guest-2node 6.1.0-28-cloud-amd64 2048 0-1 0-1 2
node 0 768 512 64 0 "10 20" normal
node 1 768 700 32 1 "20 10" normal
finish

# Four nodes of 384 MiB under Linux 6.12; node 3 has memory but no CPU;
# distances differ by direction (-numa dist,src=,dst=,val=).
begin guest-4node 6.12.12-cloud-amd64 2048 0-3 0-2 3
node 0 384 200 40 0 "10 15 20 25" normal
node 1 384 300 20 1 "17 10 15 20" normal
node 2 384 310 16 2 "22 17 10 15" normal
node 3 384 360 0 "" "27 22 17 10" normal
weights "0=1 1=1 2=1 3=1"
finish

# A node with CPUs and no memory: has_memory and Mems_allowed_list leave
# it out, its cpulist does not.
begin memoryless-cpu 6.1.0-28-amd64 "2048 1048576" 0-1 0-5 6
node 0 4096 3000 300 0-1 "10 20 20" normal
node 1 4096 3500 200 2-3 "20 10 20" normal
node 2 0 0 0 4-5 "20 20 10" normal
finish

# Node ids 0, 2, 4 and 6, as many real two-socket machines number them;
# the distance file has one column per node present, not per id.  This
# process runs in a cpuset (mems 2,4,6, cpus 2-5), as in a container kept
# off the first node: node 0 is outside the nodes it may use (which tells
# the recorded tree from a real host, where node 0 is always allowed),
# node 6's CPUs are outside its CPUs.
begin sparse 6.1.0-28-amd64 "2048 1048576" 2,4,6 2-5 8
node 0 2048 1500 100 0-1 "10 11 20 21" normal
node 2 2048 1700 100 2-3 "11 10 21 20" normal
node 4 2048 1800 100 4-5 "20 21 10 11" normal
node 6 2048 1900 100 6-7 "21 20 11 10" normal
finish

# Eight nodes of 4 GiB with pools of 2 MiB and 1 GiB pages, some in use,
# and one 1 GiB page reserved by a mapping not yet faulted.
begin 8node-hugepages 6.12.12-amd64 "2048 1048576" 0-7 0-15 16
node 0 4096 1100 100 0-1 "10 12 12 12 32 32 32 32" normal 2048=256/256 1048576=2/2
node 1 4096 1200 100 2-3 "12 10 12 12 32 32 32 32" normal 2048=256/128 1048576=2/1
node 2 4096 1300 100 4-5 "12 12 10 12 32 32 32 32" normal 2048=256/0 1048576=2/0
node 3 4096 1400 100 6-7 "12 12 12 10 32 32 32 32" normal 2048=256/200 1048576=2/2
node 4 4096 3200 100 8-9 "32 32 32 32 10 12 12 12" normal 2048=256/100
node 5 4096 3300 100 10-11 "32 32 32 32 12 10 12 12" normal 2048=256/50
node 6 4096 3400 100 12-13 "32 32 32 32 12 12 10 12" normal 2048=256/256
node 7 4096 3500 100 14-15 "32 32 32 32 12 12 12 10" normal 2048=256/256
finish 1048576=1

# Two DRAM nodes with CPUs and a CPU-less CXL memory expander, onlined
# movable, farther away and in a lower memory tier.
begin cxl-tier 6.12.12-amd64 "2048 1048576" 0-2 0-7 8
node 0 8192 6000 500 0-3 "10 21 24" normal
node 1 8192 7000 400 4-7 "21 10 28" normal
node 2 16384 16000 0 "" "24 28 10" movable
weights "0=2 1=2 2=1"
tier 4 0-1
tier 22 2
access 0 0 0 204800 204800 90 90
access 1 0 1 204800 204800 90 90
access 2 0 0,1 51200 40960 280 320
access 2 1 0,1 51200 40960 280 320
finish
