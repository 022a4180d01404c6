# bash completion for numamem(1)                           -*- shell-script -*-
#
# Long options come from `numamem --help-all`; the --[no]X toggles complete as
# both --X and --no-X.  Values: --backend, --policy, --thp, --rom; node
# numbers from /sys/devices/system/node for --host-nodes, --prealloc-nodes
# and COMMAND's --membind/-m, --interleave/-i, --preferred/-p,
# --preferred-many/-P, --weighted-interleave/-w, --cpunodebind/-N, --cpubind/-c (plus
# "all"), CPU numbers from /sys/devices/system/cpu/online for
# --prealloc-cpus and --physcpubind/-C; process ids for --pid; files for
# --mem-path, --ready-file, --trace, --output/-o and --connect; unix: and stdio for --control; read,
# write and copy for --traffic; --object
# TYPE,id= then its keys and their values; and the COMMAND (after "--" or the
# first non-option word) with its own completion, or after --connect the
# control command: its verb, add's type, set's properties and their values,
# and a verb again after a lone ';'.  Works with --opt=value and --opt value.  Nothing is offered
# that numamem then refuses (no CLI-only key inside --object).
#
# Uses bash-completion's helpers (_init_completion, _filedir,
# _command_offset) when they are loaded, and plain compgen otherwise.

# COMPREPLY=($(compgen ...)) and lists split on purpose, as bash-completion:
# shellcheck disable=SC2207,SC2046

# Options that take a value as the next word or after '='.
_numamem_argopts='--size --backend --thp --color --object --policy --host-nodes --home-node --weights
    --prealloc-threads --prealloc-cpus --prealloc-nodes --mem-path --align
    --offset --rom --hugetlbsize --ready-file --ready-fd --fd --membind
    --interleave --preferred --preferred-many --weighted-interleave
    --cpunodebind --cpubind --physcpubind --pid --trace --output --control --at --connect --traffic
    --file --length --migrate
    --columns'
# Short options that take a value.
_numamem_shortargs='-m -i -p -P -w -N -c -C -o -f -L'
# --[no]X toggles.
_numamem_toggles='share reserve merge dump prealloc discard-data readonly
    pmem hugetlb seal static-nodes relative-nodes numa-balancing'
# Options without a value (short ones included).
_numamem_flags='--fork --json --verify --report --map --show-nodes --quiet --help --help-all --version
    --bytes --raw --noheadings
    --localalloc --balancing --all --touch --strict --hardware --show -q -h -V -l -b -a -T -t -H -s'
# sysfs root (tests point it at a fake tree).
: "${_numamem_sysfs:=/sys}"

# NUMA node numbers, ascending.
_numamem_nodes()
{
    local d n=()
    for d in "$_numamem_sysfs"/devices/system/node/node[0-9]*; do
        [[ -d $d ]] && n+=("${d##*/node}")
    done
    ((${#n[@]})) && printf '%s\n' "${n[@]}" | sort -n
}

# Online CPU numbers, from a list such as 0-3,8-11.
_numamem_cpus()
{
    local online range i
    read -r online 2>/dev/null <"$_numamem_sysfs/devices/system/cpu/online" || return
    local IFS=,
    for range in $online; do
        if [[ $range == *-* ]]; then
            for ((i = ${range%-*}; i <= ${range#*-}; i++)); do echo "$i"; done
        elif [[ $range ]]; then
            echo "$range"
        fi
    done
}

# _numamem_list VALUE ALL NUMBERS...: complete the last element of a node or
# CPU list such as 0-3,5 or !1 (the end of a range too); ALL=1 offers "all".
_numamem_list()
{
    local cur=$1 all=$2 prefix=""
    shift 2
    if [[ $cur == *,* ]]; then
        prefix=${cur%,*},
        cur=${cur##*,}
    elif [[ $cur == '!'* ]]; then
        prefix='!'
        cur=${cur#!}
    fi
    if [[ $cur == *-* ]]; then
        prefix+=${cur%%-*}-
        cur=${cur#*-}
    fi
    local words="$*"
    [[ $all == 1 && -z $prefix ]] && words+=" all"
    COMPREPLY=($(compgen -P "$prefix" -W "$words" -- "$cur"))
}

# Files, with bash-completion's _filedir when available.
_numamem_files()
{
    if declare -F _filedir >/dev/null; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}

# Huge page sizes the host has, as 2M, 1G...
_numamem_hugepagesizes()
{
    local d kb
    for d in "$_numamem_sysfs"/kernel/mm/hugepages/hugepages-*kB; do
        [[ -d $d ]] || continue
        kb=${d##*-}
        kb=${kb%kB}
        if ((kb % 1048576 == 0)); then
            echo "$((kb / 1048576))G"
        elif ((kb % 1024 == 0)); then
            echo "$((kb / 1024))M"
        else
            echo "${kb}K"
        fi
    done
}

# _numamem_object VALUE: an --object value, TYPE,id=ID,KEY=VALUE,...
_numamem_object()
{
    local v=$1
    compopt -o nospace 2>/dev/null
    if [[ $v != *,* ]]; then
        COMPREPLY=($(compgen -S ,id= -W 'memory-backend-ram memory-backend-memfd
            memory-backend-file memory-backend-shm thread-context' -- "$v"))
        return
    fi
    local type=${v%%,*} head=${v%,*}, item=${v##*,}
    if [[ $item == *=* ]]; then
        local key=${item%%=*} val=${item#*=}
        case $key in
            policy)
                COMPREPLY=($(compgen -W 'default preferred bind interleave
                    preferred-many weighted-interleave local' -- "$val"))
                ;;
            home-node)
                COMPREPLY=($(compgen -W "$(_numamem_nodes)" -- "$val"))
                ;;
            host-nodes | prealloc-nodes | node-affinity)
                _numamem_list "$val" 1 $(_numamem_nodes)
                ;;
            prealloc-cpus | cpu-affinity)
                _numamem_list "$val" 0 $(_numamem_cpus)
                ;;
            rom | share)
                COMPREPLY=($(compgen -W 'on off auto' -- "$val"))
                ;;
            merge | dump | prealloc | reserve | discard-data | readonly | pmem | hugetlb | seal | static-nodes | \
            relative-nodes | numa-balancing)
                COMPREPLY=($(compgen -W 'on off' -- "$val"))
                ;;
            hugetlbsize)
                COMPREPLY=($(compgen -W "$(_numamem_hugepagesizes)" -- "$val"))
                ;;
            prealloc-context)
                # ids of the thread-contexts on the line
                local w ids=()
                for w in "${words[@]}"; do
                    [[ $w == *thread-context,*id=* ]] || continue
                    w=${w#*thread-context,}
                    w=${w#*id=}
                    ids+=("${w%%,*}")
                done
                COMPREPLY=($(compgen -W "${ids[*]}" -- "$val"))
                ;;
            mem-path)
                local IFS=$'\n' f
                for f in $(compgen -f -- "$val"); do
                    [[ -d $f ]] && f+=/
                    COMPREPLY+=("$f")
                done
                ;;
        esac
        COMPREPLY=("${COMPREPLY[@]/#/$head$key=}")
        return
    fi
    local keys
    case $type in
        thread-context) keys='cpu-affinity node-affinity' ;;
        memory-backend-*)
            # prealloc-cpus and prealloc-nodes are numamem's own options:
            # inside --object a thread-context and prealloc-context say it
            keys='size policy host-nodes weights home-node static-nodes relative-nodes
                numa-balancing merge dump prealloc prealloc-threads
                prealloc-context share reserve'
            case $type in
                memory-backend-file)
                    keys+=' mem-path align offset discard-data readonly rom pmem'
                    ;;
                memory-backend-memfd) keys+=' hugetlb hugetlbsize seal' ;;
            esac
            ;;
        *) return ;;
    esac
    # Leave out the keys already given.
    local k left=()
    for k in $keys; do
        [[ ,$head == *,$k=* ]] || left+=("$k")
    done
    COMPREPLY=($(compgen -P "$head" -S = -W "${left[*]}" -- "$item"))
}

# _numamem_control FIRST: the word being completed in --connect's
# commands, which start at COMP_WORDS[FIRST].
_numamem_control()
{
    local i words_in=0 verb="" w
    for ((i = $1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == ';' || $w == '\;' || $w == "';'" || $w == '";"' ]]; then
            words_in=0 verb=''
            continue
        fi
        ((words_in == 0)) && verb=$w
        words_in=$((words_in + 1))
    done
    if ((words_in == 0)); then
        COMPREPLY=($(compgen -W 'add del set query quit' -- "$cur"))
    elif [[ $words_in == 1 && $verb == add && $cur != *[,=]* ]]; then
        COMPREPLY=($(compgen -S ,id= -W 'memory-backend-ram memory-backend-memfd
            memory-backend-file memory-backend-shm' -- "$cur"))
        compopt -o nospace 2>/dev/null
    elif [[ $words_in == 2 && $verb == set ]]; then
        COMPREPLY=($(compgen -S = -W 'size policy host-nodes' -- "$cur"))
        compopt -o nospace 2>/dev/null
    elif [[ $verb == set && ${COMP_WORDS[COMP_CWORD - 1]} == = && ${COMP_WORDS[COMP_CWORD - 2]} == policy ]]; then
        # bash replaces what follows the '=' (COMP_WORDBREAKS)
        COMPREPLY=($(compgen -W 'default preferred bind interleave
            preferred-many weighted-interleave local' -- "${COMP_WORDS[COMP_CWORD]}"))
    elif [[ $verb == set && ${COMP_WORDS[COMP_CWORD - 1]} == = && ${COMP_WORDS[COMP_CWORD - 2]} == host-nodes ]]; then
        _numamem_list "${COMP_WORDS[COMP_CWORD]}" 1 $(_numamem_nodes)
    fi
}

# _numamem_takes_arg WORD: is WORD an option that needs a value?
_numamem_takes_arg()
{
    [[ $1 == --* && " $_numamem_argopts " == *[[:space:]]$1[[:space:]]* ]] ||
        [[ " $_numamem_shortargs " == *" $1 "* ]]
}

_numamem()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null; then
        _init_completion -s || return
    else
        # Without bash-completion: bash split --opt=value at '='.
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[cword]}
        prev=${COMP_WORDS[cword - 1]}
        if [[ $cur == = && $prev == --* ]]; then
            cur='' split=true
        elif [[ $prev == = && ${COMP_WORDS[cword - 2]} == --* ]]; then
            prev=${COMP_WORDS[cword - 2]} split=true
        elif [[ $cur == --*=* ]]; then
            prev=${cur%%=*} cur=${cur#*=} split=true
        fi
    fi

    # Where does COMMAND start?  After "--", or at the first word that is
    # neither an option nor an option's value.  Counted in COMP_WORDS (as
    # _command_offset wants), where bash splits --opt=value in three.
    local i w cmd=0 want='' glue=false
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w && -z ${w//[=:]/} ]]; then
            glue=true # '=' or ':' from inside a word (--opt=value, id=x)
            continue
        fi
        if $glue; then
            glue=false # the rest of that word
            want=''
            continue
        fi
        if [[ $want == req || ($want == opt && $w != -*) ]]; then
            want=''
            continue
        fi
        want=''
        case $w in
            --)
                cmd=$((i + 1))
                break
                ;;
            --hold | --measure) want=opt ;; # --hold [DURATION], --measure [WHAT,...]
            -*) _numamem_takes_arg "$w" && want=req ;;
            *)
                cmd=$i
                break
                ;;
        esac
    done
    # after --connect, the words are one control command, a lone ';'
    # between two: its verb first, then for add the type, for set ID the
    # properties set changes
    local connect=false
    [[ " ${COMP_WORDS[*]:1:COMP_CWORD-1} " == *" --connect"[\ =]* ]] && connect=true
    if ((cmd > 0)) && $connect; then
        _numamem_control "$cmd"
        return
    fi
    if ((cmd > 0)); then
        if declare -F _command_offset >/dev/null; then
            _command_offset "$cmd"
        elif ((cmd == COMP_CWORD)); then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            _numamem_files
        fi
        return
    fi

    case $prev in
        --size | --align | --offset | --prealloc-threads | --ready-fd | --fd)
            return
            ;;
        --hold)
            # --hold=DURATION or --hold DURATION: nothing to offer; an
            # option may follow instead.
            [[ $split == true || $cur != -* ]] && return
            ;;
        --measure)
            # --measure=WHAT,...: the parts, then size=, repeats=, seconds=
            if [[ $split == true ]]; then
                local done=${cur%"${cur##*,}"}
                COMPREPLY=($(compgen -P "$done" -W 'bandwidth latency loaded size= repeats= seconds=' -- "${cur##*,}"))
                [[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
                return
            fi
            ;;
        --backend)
            COMPREPLY=($(compgen -W 'ram memfd file shm' -- "$cur"))
            ;;
        --policy)
            COMPREPLY=($(compgen -W 'default preferred bind interleave
                preferred-many weighted-interleave local' -- "$cur"))
            ;;
        --thp)
            COMPREPLY=($(compgen -W 'on off' -- "$cur"))
            ;;
        --rom)
            COMPREPLY=($(compgen -W 'on off auto' -- "$cur"))
            ;;
        --color)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
            ;;
        --columns)
            # the columns of the table this command line prints
            local c names='NODE SIZE PAGES'
            for c in "${COMP_WORDS[@]}"; do
                case $c in
                --pid) names='ADDRESS POLICY NODES MAPPING' ;;
                --show-nodes) names='NODE TIER TOTAL FREE AVAILABLE HUGE USABLE CPUS DISTANCES' ;;
                esac
            done
            _numamem_list "$cur" 0 $names
            ;;
        --host-nodes | --prealloc-nodes | --membind | -m | --interleave | -i | --preferred | -p | \
            --preferred-many | -P | --weighted-interleave | -w | --cpunodebind | -N | --cpubind | -c)
            _numamem_list "$cur" 1 $(_numamem_nodes)
            ;;
        --prealloc-cpus | --physcpubind | -C)
            _numamem_list "$cur" 0 $(_numamem_cpus)
            ;;
        --home-node)
            COMPREPLY=($(compgen -W "$(_numamem_nodes)" -- "$cur"))
            ;;
        --pid)
            local d pids=()
            for d in /proc/[0-9]*; do pids+=("${d#/proc/}"); done
            [[ $cur == [0-9]* ]] || for d in /proc/[0-9]*/comm; do pids+=("$(cat "$d" 2>/dev/null)"); done
            COMPREPLY=($(compgen -W "${pids[*]}" -- "$cur"))
            ;;
        --hugetlbsize)
            COMPREPLY=($(compgen -W "$(_numamem_hugepagesizes)" -- "$cur"))
            ;;
        --control)
            COMPREPLY=($(compgen -W 'unix: stdio' -- "$cur"))
            [[ ${COMPREPLY[0]} == unix: ]] && compopt -o nospace 2>/dev/null
            ;;
        --at)
            return
            ;;
        --traffic)
            [[ $cur == *,* ]] && return # threads=N, cpus=CPUS: nothing to offer
            COMPREPLY=($(compgen -W 'read write copy' -- "$cur"))
            ;;
        --migrate)
            _numamem_list "${cur#*:}" 1 $(_numamem_nodes)
            # bash replaces only what follows a ':' that COMP_WORDBREAKS holds
            [[ $cur == *:* && $COMP_WORDBREAKS != *:* ]] && COMPREPLY=("${COMPREPLY[@]/#/${cur%%:*}:}")
            ;;
        --mem-path | --ready-file | --trace | --output | -o | --connect | --file | -f)
            _numamem_files
            return
            ;;
        --object)
            _numamem_object "$cur"
            ;;
    esac
    if _numamem_takes_arg "$prev"; then
        # Bash replaces only what follows the last '=' (a COMP_WORDBREAKS
        # character) in --object's TYPE,id=ID,KEY=VALUE.
        if [[ $cur == *=* && $COMP_WORDBREAKS == *=* ]]; then
            local pfx=${cur%"${cur##*=}"}
            COMPREPLY=("${COMPREPLY[@]#"$pfx"}")
        fi
        return
    fi

    if [[ $cur == -* || -z $cur ]]; then
        local t opts="--hold --hold= --measure --measure= $_numamem_flags"
        for t in $_numamem_argopts; do opts+=" $t="; done
        for t in $_numamem_toggles; do opts+=" --$t --no-$t"; done
        [[ $cur ]] || opts+=" --"
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi
    # A non-option word here starts COMMAND.
    if $connect; then
        _numamem_control "$COMP_CWORD"
    elif declare -F _command_offset >/dev/null; then
        _command_offset "$COMP_CWORD"
    else
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
} &&
    complete -F _numamem numamem

# ex: filetype=sh
