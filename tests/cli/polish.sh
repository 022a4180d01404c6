#!/bin/sh
# What a person at a terminal sees: the progress line, --map, --show-nodes.
. "$(dirname "$0")/lib.sh"

nodes=$(mem_nodes)
first=${nodes%% *}

# --show-nodes: one row per node of sysfs, JSON with the same nodes.
run --show-nodes
check "--show-nodes: exit 0" [ "$rc" = 0 ]
check "--show-nodes: header" grep -q '^NODE  *TOTAL  *FREE  *AVAILABLE.* USABLE CPUS  *DISTANCES$' "$T/out"
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
run --size=64M --map --json
check "--map without prealloc: every cell absent" [ "$(json_get map | tr -d .)" = "" ]
check "--map: 256 cells" [ "$(json_get map | tr -d '\n' | wc -c)" = 256 ]
run --size=64M --policy=bind --host-nodes="$first" --prealloc --map --json
check "--map after a bound prealloc: every cell on node $first" [ "$(json_get map | tr -d "$first")" = "" ]
run --size=8M --thp=off --policy=bind --host-nodes="$first" --prealloc --map
check "--map text: legend" grep -q "^  map:          one cell per 32 KiB; digit: node, '.': absent, '+': mixed$" "$T/out"
check "--map text: 4 rows of 64 plain cells when not a terminal" \
	[ "$(grep -c "^    $first\{64\}$" "$T/out")" = 4 ]

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
