#!/bin/sh
# What a person at a terminal sees: the progress line, --map, --show-nodes.
. "$(dirname "$0")/lib.sh"

nodes=$(mem_nodes)
first=${nodes%% *}

# --show-nodes: one row per node of sysfs, JSON with the same nodes.
run --show-nodes
check "--show-nodes: exit 0" [ "$rc" = 0 ]
check "--show-nodes: header, a distance column per node" grep -q -E '^NODE +TIER +TOTAL +FREE +AVAILABLE.* USABLE CPUS( +->[0-9]+)+$' "$T/out"
for d in /sys/devices/system/node/node[0-9]*; do
	n=${d##*node}
	cpus=$(cat "$d/cpulist")
	check "--show-nodes: node $n row with CPUs ${cpus:--}" grep -q "^$n  .*  ${cpus:--}  " "$T/out"
done
run --show-nodes --json
check "--show-nodes --json: one entry per node" \
	[ "$(grep -o '"node":[0-9]*' "$T/out" | wc -l)" = "$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)" ]
check "--show-nodes --json: node $first usable" grep -q "\"node\":$first,[^}]*\"usable\":true" "$T/out"
run --show-nodes --size=1M
check "--show-nodes with a region: refused, exit 1" [ "$rc" = 1 ]

# --map: absent cells without prealloc, node digits with it.
# (an empty or missing map must fail these, not pass them)
run --size=64M --map --json
map=$(json_get map)
check "--map: 256 cells (got ${#map})" [ ${#map} = 256 ]
check "--map without prealloc: every cell absent" sh -c '[ -n "$1" ] && [ -z "$(printf %s "$1" | tr -d .)" ]' sh "$map"
check "--map: map_cell_bytes is 64 MiB / 256 ($(json_get map_cell_bytes))" [ "$(json_get map_cell_bytes)" = 262144 ]
run --size=64M --policy=bind --host-nodes="$first" --prealloc --map --json
map=$(json_get map)
check "--map after a bound prealloc: every cell on node $first ($map)" \
	sh -c '[ -n "$1" ] && [ -z "$(printf %s "$1" | tr -d "$2")" ]' sh "$map" "$first"
cb=$(json_get map_cell_bytes)
check "--map after a bound prealloc: cells cover the region (${#map} x ${cb:-?})" [ $((${#map} * ${cb:-0})) = 67108864 ]
run --size=8M --thp=off --policy=bind --host-nodes="$first" --prealloc --map
check "--map text: legend" grep -q "^  map:          one cell per 32 KiB; digit: the node with most of its pages, '.': absent$" "$T/out"
check "--map text: 4 rows of 64 plain cells when not a terminal" \
	[ "$(grep -c "^    $first\{64\}$" "$T/out")" = 4 ]

# A cell shows the node with most of its pages: a region whose first
# 40% is present reads as cells of the node, then absent cells; with
# base-page interleave over several nodes the legend names them.
run --size=64M --thp=off --policy=bind --host-nodes="$first" --prealloc --map --json
that_map=$(json_get map)
check "--map: a bound, preallocated region has no mixed cell ($that_map)" sh -c '! printf %s "$1" | grep -q "[+.]"' sh "$that_map"
check "--map: map_mixed_nodes empty when no cell is mixed" grep -q '"map_mixed_nodes":\[\]' "$T/out"

# --color: always colours even through a pipe, never and auto (not a
# terminal) do not; NO_COLOR turns auto off on a terminal, not always.
esc=$(printf '\033')
run --size=8M --thp=off --policy=bind --host-nodes="$first" --prealloc --map --color=always
check "--color=always: the map is coloured through a pipe" grep -q "^    $esc\[30;42m$first\{64\}$esc\[0m$" "$T/out"
# one escape sequence per run of equal cells in a row, not one per cell:
# the runs counted in the map without its escapes
for args in "--policy=bind --host-nodes=$first --prealloc" "" "--policy=interleave --host-nodes=all --prealloc"; do
	# shellcheck disable=SC2086 # the options, split on purpose
	run --size=8M --thp=off $args --map --color=always
	grep "^    $esc" "$T/out" >"$T/rows"
	sed "s/$esc\[[0-9;]*m//g" "$T/rows" >"$T/plain"
	runs=$(awk '{ n = 1; for (i = 6; i <= length($0); i++) if (substr($0, i, 1) != substr($0, i - 1, 1)) n++; sum += n }
		END { print sum + 0 }' "$T/plain")
	opens=$(grep -o "$esc\[[0-9;]*[1-9][0-9;]*m" "$T/rows" | wc -l)
	resets=$(grep -o "$esc\[0m" "$T/rows" | wc -l)
	check "--color=always ${args:-(nothing present)}: $opens escapes for $runs runs of equal cells, $resets resets" \
		sh -c '[ "$1" -gt 0 ] && [ "$1" = "$2" ] && [ "$2" = "$3" ]' sh "$runs" "$opens" "$resets"
done
NO_COLOR=1 "$NUMAMEM" --size=8M --thp=off --prealloc --map --color=always >"$T/out" 2>&1
check "--color=always wins over NO_COLOR" grep -q "$esc\[" "$T/out"
for when in never auto no off 0 NONE tty; do
	run --size=8M --thp=off --prealloc --map --color=$when
	check "--color=$when through a pipe: no escape ($rc)" sh -c '[ "$1" = 0 ] && ! grep -q "$2" "$3"' sh $rc "$esc" "$T/out"
done
# one boolean spelling: --color takes the words --thp takes, as ls its own
for when in yes on true 1 force Always; do
	run --size=8M --thp=off --prealloc --map --color=$when
	check "--color=$when: coloured through a pipe ($rc)" sh -c '[ "$1" = 0 ] && grep -q "$2\[30;4" "$3"' sh $rc "$esc" "$T/out"
	case $when in force | Always) continue ;; esac # ls's own words: --color only
	run --size=1M --thp=$when
	check "--thp=$when is taken too ($rc)" [ "$rc" = 0 ]
done

# -q: no report, with --json too; what else prints (traffic lines) is JSON
run -q --json --size=1M --prealloc
check "-q --json: no report ($rc, $(wc -c <"$T/out") bytes)" sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' sh $rc "$T/out"
run -q --json --pid=$$
check "-q --json --pid: no report ($rc)" sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' sh $rc "$T/out"
run -q --json --size=1M --prealloc --hold=1.5s --traffic=read
check "-q --json --hold --traffic: only traffic lines, as JSON ($rc)" \
	sh -c '[ "$1" = 0 ] && [ -s "$2" ] && ! grep -v "^{\"version\":[0-9]*,\"kind\":\"traffic\"," "$2"' sh $rc "$T/out"
if command -v script >/dev/null 2>&1; then
	script -qec "'$NUMAMEM' --size=8M --thp=off --prealloc --map" /dev/null >"$T/tty" 2>&1
	check "--color=auto on a terminal: coloured" grep -q "$esc\[30;4" "$T/tty"
	NO_COLOR=1 script -qec "'$NUMAMEM' --size=8M --thp=off --prealloc --map" /dev/null >"$T/tty" 2>&1
	check "--color=auto on a terminal with NO_COLOR: plain" sh -c '! grep -q "$1\[30;4" "$2"' sh "$esc" "$T/tty"
	NO_COLOR= script -qec "'$NUMAMEM' --size=8M --thp=off --prealloc --map" /dev/null >"$T/tty" 2>&1
	check "--color=auto on a terminal with NO_COLOR empty: coloured" grep -q "$esc\[30;4" "$T/tty"
fi

# Progress: only on a terminal (script(1) gives one), only past a second.
if command -v script >/dev/null 2>&1; then
	script -qec "'$NUMAMEM' --size=8G --thp=off --prealloc --prealloc-threads=1 --json" /dev/null >"$T/tty" 2>&1
	ms=$(sed -n 's/.*"prealloc":\([0-9]*\).*/\1/p' "$T/tty")
	if [ "${ms:-0}" -lt 1500 ]; then
		skip "prealloc took ${ms:-?} ms: too quick for a progress line"
	else
		check "progress line on a terminal (prealloc ${ms} ms)" grep -q "numamem: prealloc m0: .* of 8 GiB, .*/s, [0-9]* s left" "$T/tty"
	fi
	script -qec "'$NUMAMEM' --size=8G --thp=off --prealloc --prealloc-threads=1 --quiet" /dev/null >"$T/tty" 2>&1
	check "--quiet: no progress on a terminal" [ ! -s "$T/tty" ]
else
	skip "no script(1) for a terminal"
fi
"$NUMAMEM" --size=8G --thp=off --prealloc --prealloc-threads=1 >/dev/null 2>"$T/err"
check "no progress when stderr is not a terminal" [ ! -s "$T/err" ]
done_testing
