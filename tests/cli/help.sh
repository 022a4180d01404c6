#!/bin/sh
# --help and --version transcripts, and the man page saying the same as
# --help: every option's --help text appears, word for word, in
# man/numamem.1's OPTIONS.
. "$(dirname "$0")/lib.sh"

run --help
check "--help exits 0" [ "$rc" = 0 ]
check "--help writes nothing to stderr" [ ! -s "$T/err" ]
if diff -u "$top_srcdir/tests/cli/help.txt" "$T/out" >"$T/diff"; then
	ok "--help matches tests/cli/help.txt"
else
	not_ok "--help matches tests/cli/help.txt"
	diag "$(cat "$T/diff")"
fi
cp "$T/out" "$T/help"
run -h
check "-h is --help" cmp -s "$T/out" "$T/help"
version=$(sed -n 's/^AC_INIT(\[numamem\], \[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
run --version
check "--version: numamem VERSION ($(cat "$T/out"))" [ "$(cat "$T/out")" = "numamem $version" ]
run -V
check "-V is --version" [ "$(cat "$T/out")" = "numamem $version" ]
"$NUMAMEM" --help >/dev/full 2>"$T/err"
rc=$?
check "--help to a full disk: exit status 5 (got $rc)" [ "$rc" = 5 ]
check "--help to a full disk: one line on stderr naming stdout" \
	sh -c "[ \"\$(wc -l <'$T/err')\" = 1 ] && grep -q '^numamem: cannot write to standard output: ' '$T/err'"

# The man page, without roff escapes and line breaks, as one line.
man="$T/man.txt"
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' \
	-e 's/^\.[BI]R* //' -e 's/^\.RB //' -e '/^\./d' \
	"$top_srcdir/man/numamem.1" | tr '\n' ' ' | tr -s ' ' >"$man"
awk '
	/^[^ ]/ { next }
	/^  *-/ {
		if (opt != "") print opt "\t" desc
		line = $0; sub(/^ */, "", line)
		n = index(line, "  "); opt = substr(line, 1, n - 1)
		desc = substr(line, n); sub(/^ */, "", desc); next
	}
	/^  */ { l = $0; sub(/^ */, "", l); desc = desc " " l }
	END { if (opt != "") print opt "\t" desc }
' "$T/help" >"$T/opts"
while IFS='	' read -r opt desc; do
	if grep -qF -- "$opt $desc" "$man"; then
		ok "man page: $opt"
	else
		not_ok "man page: $opt has the --help text: $desc"
	fi
done <"$T/opts"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT EXAMPLES "SEE ALSO" "JSON OUTPUT"; do
	check "man page has $section" grep -q "^\.SH \"*$section" "$top_srcdir/man/numamem.1"
done
for status in 0 1 2 3 4 5 124 125 126 127; do
	check "man page documents exit status $status" grep -q "^\.B $status\$" "$top_srcdir/man/numamem.1"
done
done_testing
