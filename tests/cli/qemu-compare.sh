#!/bin/sh
# The same --object strings to QEMU and to numamem: each must accept or
# refuse what the other does.  Only rules that Debian's QEMU 7.2 already
# has are here: 7.2 has no 'rom', no 'offset' and no memory-backend-shm,
# and reads .5M (refused) and 0x20M (a warning) otherwise than 8.1+;
# those are checked against numamem alone in refused.txt and tests/unit.
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
CASES
done_testing
