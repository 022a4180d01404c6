#!/bin/sh
# Replay every committed fuzz corpus (tests/fuzz/corpus/NAME) through its
# harness, built without libFuzzer: any crash or abort fails.
. "$(dirname "$0")/../cli/lib.sh"

for name in size nodelist cpulist object options; do
	bin=$top_builddir/tests/fuzz/replay-$name
	dir=$top_srcdir/tests/fuzz/corpus/$name
	if out=$("$bin" "$dir" 2>/dev/null | tail -n 1) && [ -n "$out" ]; then
		ok "fuzz corpus $name: $out"
	else
		not_ok "fuzz corpus $name: $out (status $?)"
	fi
done
done_testing
