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
lines=$(wc -l <"$T/help")
check "--help scans: at most 100 lines ($lines)" [ "$lines" -le 100 ]
check "--help fits 80 columns" sh -c "! grep -q '.\{80\}' '$T/help'"
check "--help's last line names --help-all" sh -c "tail -n 1 '$T/help' | grep -q -- '--help-all'"
# popt's left column is as wide as the widest option shown: descriptions
# start by column 32 (not a 32-column strip at column 47)
desc_col=$(sed -n 's/^\(  -[^ ]*\(, [^ ]*\)\{0,1\} *\)[A-Za-z].*/\1/p' "$T/help" | awk '{ print length($0) }' | sort -n | tail -n 1)
check "--help: descriptions start at column $desc_col, 32 at most" [ "${desc_col:-99}" -le 32 ]
# --hold's help names the units the parser takes, and the parser takes
# each (a hold with a COMMAND is refused only after its DURATION parsed)
hold_help=$(sed -n '/--hold\[=DURATION\]/,/^      --/p' "$T/help" | tr -s ' \n' '  ')
for u in ms s m h d; do
	check "--help: --hold names the unit $u" sh -c 'printf %s "$1" | grep -q "[ (:]$2[ ,)]"' sh "$hold_help" "$u"
	run --size=1M --hold=2$u -- true
	check "--hold=2$u parses (refused only for its COMMAND)" grep -q 'exclusive: the command' "$T/err"
done
run -h
check "-h is --help" cmp -s "$T/out" "$T/help"
run --help-all
check "--help-all exits 0, nothing on stderr" sh -c "[ $rc = 0 ] && [ ! -s '$T/err' ]"
cp "$T/out" "$T/help-all"
check "--help-all fits 80 columns" sh -c "! grep -q '.\{80\}' '$T/help-all'"
# every option is in --help-all: each one completion and the man page
# know (the man page's OPTIONS entries), and every --help row
man_opts=$(sed -n 's/^\.B \(\\-[a-zA-Z], \)\{0,1\}\\-\\-\(\[no\]\)\{0,1\}\([a-z\\-]*\).*/\3/p' "$top_srcdir/man/numamem.1" |
	sed 's/\\-/-/g' | sort -u)
missing=
for o in $man_opts; do
	grep -q -- "--\(\[no\]\)\{0,1\}$o\b" "$T/help-all" || missing="$missing $o"
done
check "--help-all lists every option of the man page ($(echo "$man_opts" | wc -w) options)${missing:+, missing:$missing}" [ -z "$missing" ]
check "--help-all has more than --help" [ "$(wc -l <"$T/help-all")" -gt "$lines" ]
grep '^  -' "$T/help" | sed 's/  .*//' | while read -r o; do
	grep -qF -- "$o" "$T/help-all" || echo "$o"
done >"$T/notall"
check "every --help row is in --help-all" [ ! -s "$T/notall" ]
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
' "$T/help-all" >"$T/opts"
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
