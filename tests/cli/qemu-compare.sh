#!/bin/sh
# The same --object strings to QEMU and to numamem: each must accept or
# refuse what the other does.  Only rules that Debian's QEMU 7.2 already
# has are here: 7.2 has no 'rom', no 'offset' and no memory-backend-shm,
# and reads .5M (refused) and 0x20M (a warning) otherwise than 8.1+;
# those are checked against numamem alone in refused.txt and tests/unit,
# as are 10.x's refusal of a memory-backend-shm size that is not whole
# pages.  numamem's own forms beyond QEMU (all, !LIST, "0,,2" lists,
# preferred-many, ...) are not compared either.
. "$(dirname "$0")/lib.sh"

QEMU=${QEMU:-qemu-system-x86_64}
if ! command -v "$QEMU" >/dev/null 2>&1; then
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
CASES
done_testing
