#!/bin/sh
# Ranks that join (issue 26): README's mpirun recipe, read from README
# and run word for word with Debian's Open MPI (two ranks, -o rank%r.json),
# then both files checked: each one document whose rank is its file's
# number, world_size 2, local_rank a number, the variables named beside
# them; and README's jq line over them gives the ranks as numbers.  The
# witnesses are Open MPI itself (which rank it gave which process) and
# python3 and jq reading the files.  Skips only without openmpi-bin, and
# fails instead under CI (tools/setup --tests installs it).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
if ! command -v mpirun >/dev/null 2>&1; then
	if [ -n "${CI:-}" ]; then
		not_ok "mpirun is missing (CI must run this file: tools/setup --tests installs openmpi-bin)"
		done_testing
	fi
	echo "1..0 # SKIP mpirun missing (apt-get install openmpi-bin)"
	exit 0
fi

# README's command, word for word: the line that starts "mpirun "
sed -n 's/^    \(mpirun --allow-run-as-root .*\)$/\1/p' "$top_srcdir/README" >"$T/readme-cmd"
sed -n "s/^    \(jq -s .*rank\*\.json\)$/\1/p" "$top_srcdir/README" >"$T/readme-jq"
if [ "$(wc -l <"$T/readme-cmd")" != 1 ] || ! grep -q ' numamem .* -o rank%r\.json$' "$T/readme-cmd"; then
	not_ok "README's mpirun recipe found (one line, numamem ... -o rank%r.json)"
	diag "$(cat "$T/readme-cmd")"
	done_testing
fi
ok "README's mpirun recipe found: $(cat "$T/readme-cmd")"
# the numamem under test in numamem's place, nothing else changed
sed "s| numamem | \"\$NUMAMEM\" |" "$T/readme-cmd" >"$T/cmd"
mkdir "$T/run"
(cd "$T/run" && NUMAMEM=$NUMAMEM timeout 300 sh -e "$T/cmd") >"$T/out" 2>"$T/err"
rc=$?
check "README's mpirun recipe: status 0 ($rc)" [ $rc = 0 ]
[ $rc = 0 ] || diag "$(cat "$T/err")"
check "README's mpirun recipe: nothing on stdout (the reports are in files)" [ ! -s "$T/out" ]
check "README's mpirun recipe: two files, rank0.json and rank1.json ($(ls "$T/run" | tr '\n' ' '))" \
	[ "$(ls "$T/run" | tr '\n' ' ')" = "rank0.json rank1.json " ]
for r in 0 1; do
	check "rank$r.json: rank $r, world_size 2, local_rank a number, from Open MPI's variables" \
		"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); r = int(sys.argv[2])
assert type(d["rank"]) is int and d["rank"] == r, d["rank"]
assert type(d["world_size"]) is int and d["world_size"] == 2, d["world_size"]
assert type(d["local_rank"]) is int and 0 <= d["local_rank"] < 2, d["local_rank"]
assert d["launcher"] == "openmpi" and d["rank_source"]["rank"] == "OMPI_COMM_WORLD_RANK", d
assert d["regions"][0]["present_bytes"] == 16 << 20 and d["regions"][0]["verify"] == "pass", d["regions"]' \
		"$T/run/rank$r.json" "$r"
done
check "the two ranks are two processes" \
	"$PY" -c 'import json, sys; a, b = (json.load(open(f))["pid"] for f in sys.argv[1:]); assert a != b' \
	"$T/run/rank0.json" "$T/run/rank1.json"
if [ -n "${CI:-}" ] || command -v jq >/dev/null 2>&1; then
	(cd "$T/run" && sh -e "$T/readme-jq") >"$T/jq" 2>&1
	check "README's jq line: the ranks as numbers, 0 and 1 ($(tr -d ' \n' <"$T/jq" | head -c 200))" \
		"$PY" -c 'import json, sys; j = json.load(open(sys.argv[1]))
assert sorted(x["rank"] for x in j) == [0, 1] and all(type(x["rank"]) is int for x in j), j' "$T/jq"
else
	skip "README's jq line: jq missing (apt-get install jq)"
fi

done_testing
