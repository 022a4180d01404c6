#!/bin/sh
# The same --object strings to QEMU and to numamem: each must accept or
# refuse what the other does.  Only rules that Debian's QEMU 7.2 already
# has are here: 7.2 has no 'rom', no 'offset' and no memory-backend-shm,
# and reads .5M (refused) and 0x20M (a warning) otherwise than 8.1+;
# those are checked against numamem alone in refused.txt and tests/unit,
# as are 10.x's refusal of a memory-backend-shm size that is not whole
# pages.  The second table runs memory-backend-file over a fresh file or
# directory for each program and compares what is left on disk: size,
# mode, type and content (7.2 still creates a file for readonly=on and
# takes a file size that is not whole pages; 10.x refuses both, as
# numamem does, so neither is compared).  numamem's own forms beyond QEMU (all, !LIST, "0,,2" lists,
# preferred-many, ...) are not compared either.
. "$(dirname "$0")/lib.sh"

QEMU=${QEMU:-qemu-system-x86_64}
if ! command -v "$QEMU" >/dev/null 2>&1; then
	if [ -n "${CI-}" ]; then
		echo "1..1"
		echo "not ok 1 - $QEMU is installed (tools/setup --tests installs qemu-system-x86)"
		exit 1
	fi
	echo "1..0 # SKIP $QEMU not installed"
	exit 0
fi

# qemu_accepts SPEC...: QEMU creates every object and quits at "quit";
# a refused object ends it at once with status 1.
qemu_accepts() {
	q=
	for s in "$@"; do q="$q -object $(printf '%s' "$s" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"; done
	echo quit | eval "timeout 60 \"$QEMU\" -machine none -display none -nodefaults -S -monitor stdio $q" \
		>"$T/qout" 2>"$T/qerr"
}

numamem_accepts() {
	a=
	for s in "$@"; do a="$a --object $(printf '%s' "$s" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"; done
	eval "\"$NUMAMEM\" --quiet $a" >"$T/out" 2>"$T/err"
}

dd if=/dev/zero of="$T/one-mib" bs=1M count=1 2>/dev/null
dd if=/dev/zero of="$T/two-mib" bs=1M count=2 2>/dev/null
mkdir "$T/dir"

# WANT|OBJECT[ ;; OBJECT]: accept or refuse, what QEMU 7.2 does
while IFS='|' read -r want specs; do
	case $want in '' | '#'*) continue ;; esac
	specs=$(printf '%s' "$specs" | sed "s|@T@|$T|g")
	set --
	rest=$specs
	while [ -n "$rest" ]; do
		one=${rest%% ;; *}
		set -- "$@" "$one"
		[ "$one" = "$rest" ] && rest= || rest=${rest#* ;; }
	done
	if qemu_accepts "$@"; then q=accept; else q=refuse; fi
	if numamem_accepts "$@"; then n=accept; else n=refuse; fi
	if [ "$q" = "$want" ] && [ "$n" = "$want" ]; then
		ok "$want: $specs"
	else
		not_ok "$want: $specs"
		diag "QEMU: $q ($(head -n 1 "$T/qerr"))" "numamem: $n ($(head -n 1 "$T/err"))"
	fi
done <<'CASES'
accept|memory-backend-ram,id=m0,size=1M
refuse|memory-backend-ram,id=m0,size=0
refuse|memory-backend-ram,id=m0
refuse|memory-backend-ram,size=1M
refuse|memory-backend-ram,id=1m,size=1M
accept|memory-backend-ram,id=m0,size=0x100000
accept|memory-backend-ram,id=m0,size=1.5M
accept|memory-backend-ram,id=m0,size=1.M
accept|memory-backend-ram,id=m0,size=0.1K
refuse|memory-backend-ram,id=m0,size=1.5
refuse|memory-backend-ram,id=m0,size=1.5B
refuse|memory-backend-ram,id=m0,size=1e3
refuse|memory-backend-ram,id=m0,size=-1
refuse|memory-backend-ram,id=m0,size=16E
refuse|memory-backend-ram,id=m0,size=4Q
refuse|memory-backend-ram,id=m0,size=0x1.8
refuse|memory-backend-ram,id=m0,size=1M,bogus=1
refuse|memory-backend-ram,id=m0,size=1M,prealloc=maybe
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,merge=off,dump=off
refuse|memory-backend-ram,id=m0,size=1M,prealloc=on,reserve=off
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=0
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=2
refuse|memory-backend-ram,id=m0,size=1M,policy=bind
refuse|memory-backend-ram,id=m0,size=1M,host-nodes=0
refuse|memory-backend-ram,id=m0,size=1M,policy=strict,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,policy=interleave,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,policy=preferred,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,share=on
accept|memory-backend-ram,id=m0,size=1M,x-use-canonical-path-for-ramblock-id=off
accept|memory-backend-memfd,id=m0,size=1M
accept|memory-backend-memfd,id=m0,size=1M,seal=off,share=off
refuse|memory-backend-memfd,id=m0,size=2M,hugetlb=on,hugetlbsize=0
refuse|memory-backend-memfd,id=m0,size=1M,mem-path=/tmp
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir
refuse|memory-backend-file,id=m0,size=1M
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/two-mib,readonly=on
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/two-mib,readonly=on,share=on
refuse|memory-backend-file,id=m0,size=2M,mem-path=@T@/one-mib
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=3M
accept|thread-context,id=tc ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
accept|thread-context,id=tc,cpu-affinity=0 ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
accept|thread-context,id=tc,node-affinity=0,node-affinity=9 ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
refuse|thread-context,id=tc,node-affinity=9
refuse|thread-context,id=tc,cpu-affinity=0,node-affinity=0
refuse|thread-context,id=tc,bogus=1
refuse|memory-backend-ram,id=m0,size=1M,prealloc-context=nope
refuse|memory-backend-ram,id=m0,size=1M ;; memory-backend-ram,id=m0,size=1M
accept|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":true}
accept|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"bind","host-nodes":[0]}
accept|{"qom-type":"memory-backend-memfd","id":"m0","size":1048576,"share":false,"seal":false}
accept|{"qom-type":"thread-context","id":"tc","cpu-affinity":[0]} ;; {"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":true,"prealloc-context":"tc"}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":"1M"}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1.5e6}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":-1}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":"on"}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"bind","host-nodes":"0"}
refuse|{"qom-type":"memory-backend-ram","id":"m0","id":"m1","size":1048576}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"bogus":1}
refuse|{"qom-type":"memory-backend-ram","size":1048576}
# booleans, as qapi_bool_parse: lower case on/yes/true/y, off/no/false/n
accept|memory-backend-ram,id=m0,size=1M,prealloc=y,merge=n
accept|memory-backend-ram,id=m0,size=1M,prealloc=no,merge=no,dump=true,reserve=false
refuse|memory-backend-ram,id=m0,size=1M,prealloc=yes,reserve=false
accept|memory-backend-ram,id=m0,size=1M,share=on,dump=off,merge=on
refuse|memory-backend-ram,id=m0,size=1M,prealloc=ON
refuse|memory-backend-ram,id=m0,size=1M,prealloc=True
refuse|memory-backend-ram,id=m0,size=1M,merge=1
refuse|memory-backend-ram,id=m0,size=1M,dump=0
refuse|memory-backend-ram,id=m0,size=1M,share=auto
refuse|memory-backend-ram,id=m0,size=1M,reserve=Y
refuse|memory-backend-memfd,id=m0,size=1M,seal=N
refuse|memory-backend-memfd,id=m0,size=1M,hugetlb=
# short forms: a bare boolean key is KEY=on, noKEY is KEY=off (with a warning)
accept|memory-backend-ram,id=m0,size=1M,share
accept|memory-backend-ram,id=m0,size=1M,noshare,prealloc,nomerge,nodump
accept|memory-backend-memfd,id=m0,size=1M,noseal,noshare
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,discard-data,noreadonly
refuse|memory-backend-ram,id=m0,size=1M,nohugetlb
refuse|memory-backend-ram,id=m0,size=1M,size
refuse|memory-backend-ram,id=m0,size=1M,policy
refuse|memory-backend-ram,id=m0,size=1M,mem-path
refuse|memory-backend-ram,id=m0,size=1M,bogus
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0,0
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0,1
refuse|thread-context,id=tc,cpu-affinity=0,0 ;; memory-backend-ram,id=m0,size=1M
# the grammar: trailing comma, a second id, qom-type=, an empty link
accept|memory-backend-ram,id=m0,size=1M,
accept|memory-backend-ram,id=m0,id=m1,size=1M
accept|memory-backend-ram,id=m0,id=m1,size=1M ;; memory-backend-ram,id=m1,size=1M
refuse|memory-backend-ram,id=m0,id=m1,size=1M ;; memory-backend-ram,id=m0,size=1M
accept|qom-type=memory-backend-ram,id=m0,size=1M
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=
refuse|memory-backend-ram,id=m0,size=1M,,
# sizes
accept|memory-backend-ram,id=m0,size=+1M
accept|memory-backend-ram,id=m0,size= 1M
accept|memory-backend-ram,id=m0,size=1048576
accept|memory-backend-ram,id=m0,size=1024k
accept|memory-backend-ram,id=m0,size=0.001G
refuse|memory-backend-ram,id=m0,size=
refuse|memory-backend-ram,id=m0,size=0x
refuse|memory-backend-ram,id=m0,size=1M 
refuse|memory-backend-ram,id=m0,size=1MB
refuse|memory-backend-memfd,id=m0,size=3000
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=0x
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=0x200000
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=4K
# counts, in base 0 with blanks and '+'
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=+2
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=0x2
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=010
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads= 2
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=0x
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=08
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=2 
refuse|memory-backend-ram,id=m0,size=1M,prealloc-threads=-1
# node lists, in base 0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=00
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0x0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=+0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes= 0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0-0x0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0,host-nodes=0
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0x
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=08
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=-0
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0 
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=1-0
refuse|memory-backend-ram,id=m0,size=1M,policy=default,host-nodes=0
# CPU lists of a thread-context, in base 0; every context is checked
accept|thread-context,id=tc,cpu-affinity=0x0 ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
accept|thread-context,id=tc,cpu-affinity=+0 ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
accept|thread-context,id=tc,cpu-affinity=00,cpu-affinity=0-0 ;; memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-context=tc
accept|thread-context,id=tc,node-affinity=0x0 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=0x ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=08 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=1000 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,node-affinity=9 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity ;; memory-backend-ram,id=m0,size=1M
# every property of every kind
accept|memory-backend-ram,id=m0,size=1M,policy=interleave,host-nodes=0,prealloc=on,prealloc-threads=1,merge=off,dump=off,share=off,reserve=on
accept|memory-backend-memfd,id=m0,size=1M,policy=bind,host-nodes=0,prealloc=on,merge=on,dump=on,share=on,reserve=on,seal=on,hugetlb=off
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/two-mib,share=on,discard-data=off,readonly=off,pmem=off,align=4K,prealloc=on
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,hugetlb=on
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,seal=on
refuse|memory-backend-memfd,id=m0,size=1M,readonly=on
refuse|memory-backend-memfd,id=m0,size=1M,discard-data=on
refuse|memory-backend-ram,id=m0,size=1M,align=4K
refuse|memory-backend-ram,id=m0,size=1M,pmem=on
refuse|memory-backend-ram,id=m0,size=1M,prealloc-cpus=0
refuse|memory-backend-ram,id=m0,size=1M,policy=Bind,host-nodes=0
# each value form of each property: sizes, ids, booleans, policies, lists,
# memfd, file, thread-context, JSON, types
accept|memory-backend-ram,id=m0,size=1m
accept|memory-backend-ram,id=m0,size=1k
accept|memory-backend-ram,id=m0,size=1048576B
accept|memory-backend-ram,id=m0,size=1048576b
accept|memory-backend-ram,id=m0,size=0X100000
accept|memory-backend-ram,id=m0,size=1g
accept|memory-backend-ram,id=m0,size=1.0M
accept|memory-backend-ram,id=m0,size=01M
refuse|memory-backend-ram,id=m0,size=1 M
accept|memory-backend-ram,id=m0,size=1M,size=2M
accept|memory-backend-ram,id=m-0,size=1M
accept|memory-backend-ram,id=m.0,size=1M
accept|memory-backend-ram,id=m_0,size=1M
accept|memory-backend-ram,id=M,size=1M
refuse|memory-backend-ram,id=m:0,size=1M
refuse|memory-backend-ram,id=_m,size=1M
refuse|memory-backend-ram,id=-m,size=1M
refuse|memory-backend-ram,id=,size=1M
accept|memory-backend-ram,id=m0,size=1M,merge=on
accept|memory-backend-ram,id=m0,size=1M,merge=yes
accept|memory-backend-ram,id=m0,size=1M,merge=true
accept|memory-backend-ram,id=m0,size=1M,merge=y
accept|memory-backend-ram,id=m0,size=1M,merge=off
accept|memory-backend-ram,id=m0,size=1M,merge=false
accept|memory-backend-ram,id=m0,size=1M,dump=yes
accept|memory-backend-ram,id=m0,size=1M,dump=n
refuse|memory-backend-ram,id=m0,size=1M,dump=
accept|memory-backend-ram,id=m0,size=1M,share=yes
accept|memory-backend-ram,id=m0,size=1M,share=n
accept|memory-backend-ram,id=m0,size=1M,share=true,prealloc=true
accept|memory-backend-ram,id=m0,size=1M,reserve=off
accept|memory-backend-ram,id=m0,size=1M,reserve=no,share=on
accept|memory-backend-ram,id=m0,size=1M,prealloc=off,reserve=off
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=1
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=64
accept|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=0x40
accept|memory-backend-ram,id=m0,size=1M,prealloc-threads=2
refuse|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=1.5
refuse|memory-backend-ram,id=m0,size=1M,prealloc=on,prealloc-threads=2k
accept|memory-backend-ram,id=m0,size=1M,policy=default
refuse|memory-backend-ram,id=m0,size=1M,policy=interleave
refuse|memory-backend-ram,id=m0,size=1M,policy=preferred
refuse|memory-backend-ram,id=m0,size=1M,policy=BIND,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0-0
accept|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0x0-0
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0-
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=-
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=a
refuse|memory-backend-ram,id=m0,size=1M,policy=bind,host-nodes=0.0
accept|memory-backend-ram,id=m0,size=1M,policy=preferred,host-nodes=0,host-nodes=0
accept|memory-backend-ram,id=m0,size=1M,policy=interleave,host-nodes=000
accept|memory-backend-ram,id=m0,size=1M,host-nodes=0,policy=bind
refuse|memory-backend-ram,id=m0,size=1M,policy=,host-nodes=0
accept|memory-backend-memfd,id=m0,size=1M,seal=on
accept|memory-backend-memfd,id=m0,size=1M,seal=yes,share=yes
accept|memory-backend-memfd,id=m0,size=1M,seal=false
accept|memory-backend-memfd,id=m0,size=1M,hugetlb=off
accept|memory-backend-memfd,id=m0,size=1M,hugetlb=no,seal=n
accept|memory-backend-memfd,id=m0,size=1M,prealloc=on,policy=interleave,host-nodes=0
accept|memory-backend-memfd,id=m0,size=1M,share=off,prealloc=on
accept|memory-backend-memfd,id=m0,size=1M,reserve=off
accept|memory-backend-memfd,id=m0,size=4096
refuse|memory-backend-memfd,id=m0,size=4095
refuse|memory-backend-memfd,id=m0,size=1M,align=4K
refuse|memory-backend-memfd,id=m0,size=1M,pmem=on
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=0
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=4096
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=1M
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=4k
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=1000
refuse|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,align=-1
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,pmem=off
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,discard-data=on
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,discard-data=yes,share=on
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,readonly=off
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,reserve=off,share=on
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,policy=bind,host-nodes=0,prealloc=on
refuse|memory-backend-file,id=m0,size=1M,mem-path=/nonexistent/dir/f
refuse|memory-backend-file,id=m0,size=1M,mem-path=
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,mem-path=@T@/dir
refuse|memory-backend-file,id=m0,size=1M,mem-path=/dev/null
accept|memory-backend-file,id=m0,size=1M,mem-path=@T@/dir,prealloc-threads=1,prealloc=on
accept|thread-context,id=tc ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,cpu-affinity=0-1 ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,cpu-affinity=1 ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,cpu-affinity=0,cpu-affinity=1 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=1-0 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity= ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,node-affinity=0 ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,node-affinity=+0 ;; memory-backend-ram,id=m0,size=1M
accept|thread-context,id=tc,node-affinity=0-0 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,node-affinity= ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=0 ;; thread-context,id=tc,cpu-affinity=0 ;; memory-backend-ram,id=m0,size=1M
refuse|thread-context,id=tc,cpu-affinity=0 ;; memory-backend-ram,id=tc,size=1M
accept|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"merge":false,"dump":true}
accept|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"interleave","host-nodes":[0,0]}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"policy":"bind","host-nodes":[]}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"share":"on"}
accept|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":true,"prealloc-threads":2}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"prealloc":true,"prealloc-threads":"2"}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576.0}
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":0}
accept|{"qom-type":"memory-backend-memfd","id":"m0","size":1048576,"hugetlb":false}
accept|{"qom-type":"memory-backend-file","id":"m0","size":1048576,"mem-path":"@T@/dir","align":4096}
accept|{"qom-type":"memory-backend-file","id":"m0","size":1048576,"mem-path":"@T@/dir","discard-data":true}
accept|{"qom-type":"thread-context","id":"tc","node-affinity":[0]} ;; memory-backend-ram,id=m0,size=1M
accept|{"qom-type":"thread-context","id":"tc","cpu-affinity":[0,1]} ;; memory-backend-ram,id=m0,size=1M
refuse|{"qom-type":"thread-context","id":"tc","cpu-affinity":[1000]} ;; memory-backend-ram,id=m0,size=1M
refuse|{"qom-type":"memory-backend-ram","id":"m0","size":1048576,"host-nodes":[0]}
refuse|{"qom-type":"nope","id":"m0"}
refuse|memory-backend-nope,id=m0,size=1M
refuse|memory-backend,id=m0,size=1M
CASES

# make_path DIR SETUP: DIR/f as SETUP says. new: absent; empty: 0 bytes;
# pat:SIZE[:MODE]: SIZE bytes of a pattern (no zero page in it), mode MODE;
# dir: an empty directory.
make_path() {
	case $2 in
	new) ;;
	empty) : >"$1/f" ;;
	dir) mkdir "$1/f" ;;
	pat:*)
		set -- "$1" $(printf '%s' "${2#pat:}" | tr ':' ' ')
		python3 -c 'import sys; n = int(sys.argv[2]); open(sys.argv[1], "wb").write(bytes(1 + (i * 7) % 251 for i in range(n)))' \
			"$1/f" "$(($2 * 1048576))"
		[ -z "${3-}" ] || chmod "$3" "$1/f"
		;;
	esac
}

# path_state PATH: what is left there, one line per file (a directory is
# listed with what it holds; a temporary file unlinked leaves nothing).
path_state() {
	if [ -d "$1" ]; then
		echo "directory $(stat -c %a "$1")"
		for e in "$1"/* "$1"/.[!.]*; do
			[ -e "$e" ] && echo "  $(basename "$e"): $(stat -c '%s bytes, mode %a, %F' "$e")"
		done
	elif [ -e "$1" ]; then
		echo "$(stat -c '%s bytes, mode %a, %F' "$1"), sha256 $(sha256sum <"$1" | cut -c1-16)"
	else
		echo absent
	fi
	return 0
}

# WANT|SETUP|OBJECT: each program gets its own fresh SETUP at @F@ (under
# the umask given as umask=NNN first in SETUP, else 022); afterwards the
# paths must hold the same thing, and the accept or refuse be QEMU's.
while IFS='|' read -r want setup spec; do
	case $want in '' | '#'*) continue ;; esac
	mask=022
	case $setup in umask=*)
		mask=${setup%% *}
		mask=${mask#umask=}
		setup=${setup#* }
		;;
	esac
	rm -rf "$T/q" "$T/n"
	mkdir "$T/q" "$T/n"
	make_path "$T/q" "$setup"
	make_path "$T/n" "$setup"
	before=$(path_state "$T/n/f")
	if (umask "$mask" && qemu_accepts "$(printf '%s' "$spec" | sed "s|@F@|$T/q/f|g")"); then q=accept; else q=refuse; fi
	if (umask "$mask" && numamem_accepts "$(printf '%s' "$spec" | sed "s|@F@|$T/n/f|g")"); then n=accept; else n=refuse; fi
	qs=$(path_state "$T/q/f")
	ns=$(path_state "$T/n/f")
	name="$want, then the same file: $setup (umask $mask): $spec"
	if [ "$q" = "$want" ] && [ "$n" = "$want" ] && [ "$qs" = "$ns" ]; then
		ok "$name"
	else
		not_ok "$name"
		diag "before: $before" "QEMU: $q ($(head -n 1 "$T/qerr")), left: $qs" \
			"numamem: $n ($(head -n 1 "$T/err")), left: $ns"
	fi
done <<'FILES'
# a file QEMU creates: the size asked for, zeros, 0644 less the umask
accept|new|memory-backend-file,id=m0,size=1M,mem-path=@F@
accept|umask=077 new|memory-backend-file,id=m0,size=1M,mem-path=@F@
accept|umask=000 new|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on
accept|umask=027 new|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,prealloc=on
accept|new|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,policy=bind,host-nodes=0,prealloc=on
accept|new|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,discard-data=on,prealloc=on
accept|new|memory-backend-file,id=m0,size=1M,mem-path=@F@,align=2M
refuse|new|memory-backend-file,id=m0,size=1M,mem-path=@F@,align=3M
refuse|new|memory-backend-file,id=m0,size=1M,mem-path=@F@,prealloc=on,prealloc-threads=0
# an empty file is grown to the size; its mode is left alone
accept|empty|memory-backend-file,id=m0,size=1M,mem-path=@F@
accept|umask=077 empty|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,prealloc=on
# a file with data: never resized, its content kept (prealloc writes
# nothing; share=off writes go to private copies), unless discard-data
accept|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@
accept|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,prealloc=on
accept|pat:2|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,prealloc=on,prealloc-threads=2
accept|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=off,prealloc=on
accept|pat:2:600|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,merge=off,dump=off,prealloc=on
accept|pat:2|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,policy=interleave,host-nodes=0,prealloc=on
accept|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=off,discard-data=on,prealloc=on
accept|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,discard-data=on
accept|pat:2|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,discard-data=on,prealloc=on
# (readonly=on with prealloc=on: QEMU 7.2 dies of SIGSEGV writing to its
# read-only mapping; not compared)
accept|pat:2:444|memory-backend-file,id=m0,size=2M,mem-path=@F@,readonly=on,share=on
accept|pat:2:444|memory-backend-file,id=m0,size=1M,mem-path=@F@,readonly=on,share=off
accept|pat:2:444|memory-backend-file,id=m0,size=2M,mem-path=@F@,readonly=on,share=on,discard-data=on
refuse|pat:1|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,prealloc=on
refuse|pat:2|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on,align=3M
# a directory: a temporary file, gone afterwards
accept|dir|memory-backend-file,id=m0,size=1M,mem-path=@F@
accept|dir|memory-backend-file,id=m0,size=2M,mem-path=@F@,share=on,prealloc=on,discard-data=on
accept|umask=077 dir|memory-backend-file,id=m0,size=1M,mem-path=@F@,share=on
refuse|dir|memory-backend-file,id=m0,size=1M,mem-path=@F@,readonly=on
refuse|dir|memory-backend-file,id=m0,size=1M,mem-path=@F@,align=3M
FILES
done_testing
