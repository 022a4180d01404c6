#!/bin/bash
# Tests for completion/numamem.bash (TAP).  Sources bash-completion and
# the numamem completion into this (non-interactive) shell, then calls
# _numamem with COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set as
# bash would for a command line typed up to the cursor.
#
# Environment: top_srcdir (default: this script's parent directory),
# NUMAMEM (the binary whose --help lists the options; default
# $top_builddir/src/numamem), BASH_COMPLETION (default
# /usr/share/bash-completion/bash_completion).

# Word lists are split on purpose; compopt is called by the completion:
# shellcheck disable=SC2046,SC2086,SC2317

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(dirname "$here")}"
: "${top_builddir:=$top_srcdir}"
: "${NUMAMEM:=$top_builddir/src/numamem}"
: "${BASH_COMPLETION:=/usr/share/bash-completion/bash_completion}"

if [[ ! -r $BASH_COMPLETION ]]; then
	echo "1..0 # SKIP $BASH_COMPLETION missing (apt-get install bash-completion)"
	exit 0
fi
# bash_completion and the completion itself run with these options in an
# interactive shell; it must not matter that this one is not.
# shellcheck source=/dev/null
. "$BASH_COMPLETION" </dev/null || {
	echo "1..0 # SKIP cannot source $BASH_COMPLETION"
	exit 0
}
# shellcheck source=/dev/null
. "$top_srcdir/completion/numamem.bash"

T=$(mktemp -d "${TMPDIR:-/tmp}/numamem-comp.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# A fake sysfs with nodes 0, 1, 2 and 10, CPUs 0-3 and 8, and 2M and 1G
# huge pages.
fake=$T/sys
mkdir -p "$fake/devices/system/node/node0" "$fake/devices/system/node/node1" \
	"$fake/devices/system/node/node2" "$fake/devices/system/node/node10" \
	"$fake/devices/system/cpu" "$fake/kernel/mm/hugepages/hugepages-2048kB" \
	"$fake/kernel/mm/hugepages/hugepages-1048576kB"
echo 0-3,8 >"$fake/devices/system/cpu/online"
real_sysfs=$_numamem_sysfs

# compopt only works inside a real completion; record what is asked.
compopt() { opts_asked+=" $*"; }

# comp LINE: complete LINE (the text before the cursor); sets $got (the
# sorted replies, space separated) and $opts_asked.
comp()
{
	local line=$1 w rest
	COMP_WORDS=()
	# Split at blanks, then around runs of '=' and ':' (COMP_WORDBREAKS).
	for w in $line; do
		while [[ $w =~ ^([^=:]*)([=:]+)(.*)$ ]]; do
			[[ ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			w=${BASH_REMATCH[3]}
		done
		[[ $w ]] && COMP_WORDS+=("$w")
	done
	[[ $line == *[[:blank:]] ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	opts_asked=
	_numamem numamem "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	got=${got% }
}

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# expect LINE WANT...: the replies to LINE are exactly WANT (any order).
expect()
{
	local line=$1 want
	shift
	comp "$line"
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	want=${want% }
	if [[ $got == "$want" ]]; then
		ok "'$line' -> ${want:-nothing}"
	else
		not_ok "'$line' -> ${want:-nothing}"
		diag "got:  $got" "want: $want"
	fi
}

# has LINE WORD...: the replies to LINE include every WORD.
has()
{
	local line=$1 w missing=
	shift
	comp "$line"
	for w in "$@"; do
		[[ " $got " == *" $w "* ]] || missing+=" $w"
	done
	if [[ -z $missing ]]; then
		ok "'$line' offers $*"
	else
		not_ok "'$line' offers $*"
		diag "missing:$missing" "got: $got"
	fi
}

nospace()
{
	if [[ $opts_asked == *"-o nospace"* ]]; then
		ok "'$1': no space after it"
	else
		not_ok "'$1': no space after it"
	fi
}

# Every long option of --help-all, the --[no]X toggles as --X and --no-X.
if [[ -x $NUMAMEM ]]; then
	# The option column of --help: --size=SIZE, --[no]share, --hold[=DURATION].
	want=()
	while IFS= read -r line; do
		[[ $line =~ ^[[:space:]]{2,6}(-[[:alpha:]],[[:space:]])?(--[^[:space:]]+) ]] || continue # not a wrapped description
		o=${BASH_REMATCH[2]}
		case $o in
			--\[no\]*) want+=("--${o#--\[no\]}" "--no-${o#--\[no\]}") ;;
			*\[=*) want+=("${o%%\[=*}" "${o%%\[=*}=") ;;
			*=*) want+=("${o%%=*}=") ;;
			*) want+=("$o") ;;
		esac
	done < <("$NUMAMEM" --help-all)
	comp "numamem --"
	missing=
	for o in "${want[@]}"; do
		[[ " $got " == *" $o "* ]] || missing+=" $o"
	done
	if [[ ${#want[@]} -gt 30 && -z $missing ]]; then
		ok "'numamem --' offers all ${#want[@]} long options of numamem --help-all"
	else
		not_ok "'numamem --' offers all long options of numamem --help-all"
		diag "missing:$missing" "got: $got"
	fi
	extra=
	for o in $got; do
		[[ " ${want[*]} " == *" $o "* ]] || extra+=" $o"
	done
	if [[ -z $extra ]]; then
		ok "'numamem --' offers no option missing from numamem --help-all"
	else
		not_ok "'numamem --' offers no option missing from numamem --help-all"
		diag "extra:$extra"
	fi
else
	echo "ok 1 # SKIP $NUMAMEM not built"
	echo "ok 2 # SKIP $NUMAMEM not built"
	n=2
fi

expect "numamem --bac" --backend=
nospace "numamem --bac"
expect "numamem --ba" --backend= --balancing
expect "numamem --no-sh" --no-share
expect "numamem --sha" --share
expect "numamem -" $(comp "numamem --"; echo "$got") -q -h -V -l -b -a -T -t -H -s
has "numamem " --size= --policy= --prealloc --no-prealloc --object= --

expect "numamem --backend=" ram memfd file shm
expect "numamem --backend m" memfd
expect "numamem --size=1G --policy=" default preferred bind interleave preferred-many weighted-interleave local
expect "numamem --policy pref" preferred preferred-many
expect "numamem --thp " on off
expect "numamem --rom=" on off auto
expect "numamem --size=" ""
expect "numamem --size 1" ""

# Nodes and CPUs from the (fake) sysfs.
_numamem_sysfs=$fake
expect "numamem --host-nodes=" 0 1 2 10 all
expect "numamem --host-nodes 1" 1 10
expect "numamem --prealloc-nodes=0," 0,0 0,1 0,2 0,10
expect "numamem --host-nodes=!" '!0' '!1' '!2' '!10'
expect "numamem --host-nodes=0-" 0-0 0-1 0-2 0-10
expect "numamem --prealloc-cpus=" 0 1 2 3 8
expect "numamem --prealloc-cpus 0-2," 0-2,0 0-2,1 0-2,2 0-2,3 0-2,8
expect "numamem --membind=" 0 1 2 10 all
expect "numamem -m 1" 1 10
expect "numamem -i 0," 0,0 0,1 0,2 0,10
expect "numamem --cpunodebind=!" '!0' '!1' '!2' '!10'
expect "numamem -N " 0 1 2 10 all
expect "numamem --physcpubind=" 0 1 2 3 8
expect "numamem -C 0," 0,0 0,1 0,2 0,3 0,8
has "numamem -m 0 -- tru" true
expect "numamem --pid 1 --migrate=" 0 1 2 10 all
expect "numamem --file /dev/shm/x -L 1M -i " 0 1 2 10 all
expect "numamem --hugetlb --hugetlbsize=" 2M 1G
_numamem_sysfs=$real_sysfs
real_nodes=$(for d in /sys/devices/system/node/node[0-9]*; do [[ -d $d ]] && echo "${d##*/node}"; done)
has "numamem --host-nodes=" $real_nodes all

# Files.
mkdir "$T/files" "$T/files/dir"
: >"$T/files/file"
cd "$T/files" || exit 1
expect "numamem --mem-path=f" file
expect "numamem --backend=file --mem-path d" dir
expect "numamem --ready-file=" dir file
expect "numamem --trace=" dir file
expect "numamem --output=" dir file
expect "numamem -o " dir file
expect "numamem --object memory-backend-file,id=f0,size=1G,mem-path=" dir/ file
cd "$here" || exit 1

# --object: types with ",id=", then keys and values.  Bash replaces only
# what follows the last '=', so the replies start there.
expect "numamem --object m" memory-backend-ram,id= memory-backend-memfd,id= \
	memory-backend-file,id= memory-backend-shm,id=
nospace "numamem --object m"
expect "numamem --object=th" thread-context,id=
expect "numamem --object memory-backend-file,id=f0,me" f0,mem-path= f0,merge=
has "numamem --object memory-backend-memfd,id=m0,size=1G," 1G,hugetlb= 1G,seal= 1G,policy= 1G,host-nodes=
expect "numamem --object memory-backend-ram,id=r,size=1G,s" 1G,static-nodes= 1G,share=
# numamem's own --prealloc-cpus/--prealloc-nodes are refused inside --object
expect "numamem --object memory-backend-ram,id=r,size=1G,prealloc-" 1G,prealloc-threads= 1G,prealloc-context=
expect "numamem --color=" auto always never
expect "numamem --size=1G --columns=" NODE PAGES SIZE
expect "numamem --size=1G --columns=NODE,P" NODE,PAGES
expect "numamem --pid=1 --columns=" ADDRESS MAPPING NODES POLICY
expect "numamem --show-nodes --columns=T" TIER TOTAL
has "numamem --show-nodes --" --bytes --raw --noheadings --columns=
expect "numamem --hold --control=" unix: stdio
expect "numamem --hold --control=s" stdio
expect "numamem --hold --traffic=" read write copy
expect "numamem --measure=" bandwidth latency loaded repeats= seconds= size=
expect "numamem --measure=l" latency loaded
expect "numamem --measure=bandwidth,la" bandwidth,latency
has "numamem --meas" --measure=
has "numamem --measure --js" --json
expect "numamem --connect=/tmp/s q" query quit
expect "numamem --connect /tmp/s query ; d" del
expect "numamem --connect /tmp/s query \\; d" del
expect "numamem --connect /tmp/s query d"
has "numamem --connect /tmp/s q" query quit
expect "numamem --connect=/tmp/s set m0 " size= policy= host-nodes=
nospace "numamem --connect=/tmp/s set m0 "
expect "numamem --connect=/tmp/s set m0 policy=b" bind
expect "numamem --connect=/tmp/s add memory-backend-m" memory-backend-memfd,id=
expect "numamem --connect=/tmp/s set m0 size=1G ; set m1 h" host-nodes=
_numamem_sysfs=$fake
expect "numamem --connect=/tmp/s set m0 host-nodes=1" 1 10
_numamem_sysfs=$real_sysfs
expect "numamem --object memory-backend-ram,id=r,size=1G,static-nodes=" on off
expect "numamem --object memory-backend-ram,id=r,size=1G,nu" 1G,numa-balancing=
expect "numamem --no-rel" --no-relative-nodes
expect "numamem --object memory-backend-ram,id=r,size=1G,w" 1G,weights=
_numamem_sysfs=$fake
expect "numamem --home-node=1" 1 10
expect "numamem --object memory-backend-ram,id=r,home-node=" 0 1 2 10
_numamem_sysfs=$real_sysfs
expect "numamem --object=memory-backend-ram,id=r,policy=in" interleave
_numamem_sysfs=$fake
expect "numamem --object thread-context,id=tc,node-affinity=1" 1 10
_numamem_sysfs=$real_sysfs
expect "numamem --object thread-context,id=tc0,node-affinity=0 --object memory-backend-ram,id=r,prealloc-context=" tc0

# COMMAND: after "--", or the first non-option word.
has "numamem --size=1G -- " ls bash
has "numamem --size 1G -- l" ls
expect "numamem --size=1G -- numamem --si" --size=
has "numamem --size 1G ech" echo
expect "numamem --hold " ""
has "numamem --hold --js" --json
has "numamem --hold=5s -- ec" echo

# Without bash-completion's helpers: plain compgen.
(
	unset -f _init_completion _command_offset _filedir
	expect "numamem --policy=b" bind
	expect "numamem --backend f" file
	has "numamem --size=1G -- ech" echo
) | sed "s/^\(\(not \)\{0,1\}ok\) [0-9]*/\1 X/" >"$T/sub"
while read -r line; do
	case $line in
		"ok X"*) ok "without bash-completion: ${line#ok X - }" ;;
		"not ok X"*) not_ok "without bash-completion: ${line#not ok X - }" ;;
		*) echo "$line" ;;
	esac
done <"$T/sub"

# the plan at the end: TAP allows it, and no count is kept by hand
echo "1..$n"
exit $((failed > 0))
