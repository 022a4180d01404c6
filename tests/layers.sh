#!/bin/sh
# The layering of src/ as src/LAYERS declares it: no module includes or
# calls a module of a higher layer, no two modules use each other, every
# source file is in a layer, lib/ calls nothing but pure C library
# functions, and README's "Source layout" and test list say what is
# there.  Includes are read from the sources; calls from the object
# files' symbols (nm), which is what the linker sees.
. "$(dirname "$0")/cli/lib.sh"

src=$top_srcdir/src
layers=$src/LAYERS
readme=$top_srcdir/README
command -v nm >/dev/null 2>&1 || { echo "1..0 # SKIP nm (binutils) not found"; exit 0; }

# "module layer-index layer-name" for every module in LAYERS
awk '!/^#/ && NF { sub(":", "", $1); n++; for (i = 2; i <= NF; i++) print $i, n, $1 }' "$layers" >"$T/layer"
layer_of() { awk -v m="$1" '$1 == m { print $2 }' "$T/layer"; }

# Every source file, as its module name: its path without .c or .h; a
# header that src/LAYERS names with its .h (numamem.h, the run's state)
# is a module of its own, apart from its .c.
header_module() { grep -qE "[ :]$1\.h( |\$)" "$layers"; }
(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | while read -r f; do
	case $f in *.h) header_module "${f%.h}" && { echo "$f"; continue; } ;; esac
	echo "${f%.[ch]}"
done | sort -u) >"$T/modules"
missing=$(awk 'NR == FNR { in_layers[$1] = 1; next } !($1 in in_layers)' "$T/layer" "$T/modules")
if [ -z "$missing" ]; then ok "every source file under src/ is in a layer of src/LAYERS"; else
	not_ok "every source file under src/ is in a layer of src/LAYERS"; diag "not in src/LAYERS: $missing"; fi
stale=$(awk 'NR == FNR { have[$1] = 1; next } !($1 in have) { print $1 }' "$T/modules" "$T/layer")
if [ -z "$stale" ]; then ok "every module of src/LAYERS exists"; else
	not_ok "every module of src/LAYERS exists"; diag "in src/LAYERS, not under src/: $stale"; fi

# Edges "from to" of #include "...": a header is looked for beside the
# including file first, then under src/, as the compiler does (-I src).
: >"$T/includes"
while read -r m; do
	case $m in *.h) files=$src/$m ;; *) files="$src/$m.c" && header_module "$m" || files="$files $src/$m.h" ;; esac
	for f in $files; do
		[ -f "$f" ] || continue
		dir=$(dirname "$m")
		sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
			[ "$inc" = config.h ] && continue
			if [ "$dir" != . ] && [ -f "$src/$dir/$inc" ]; then to=$dir/$inc; else to=$inc; fi
			to=$(printf '%s\n' "$to" | sed -e ':a' -e 's|[^/]*/\.\./||' -e 'ta')
			if header_module "${to%.h}"; then :; else to=${to%.h}; fi
			[ "$to" = "$m" ] || echo "$m $to"
		done
	done
done <"$T/modules" >"$T/includes"

# Edges of symbols: an object file's undefined symbol that another
# module's object file defines.
objs=0
: >"$T/defs"
: >"$T/undefs"
while read -r m; do
	o=$top_builddir/src/$m.o
	[ -f "$o" ] || continue
	objs=$((objs + 1))
	nm -g --defined-only "$o" | awk -v m="$m" 'NF == 3 { print $3, m }' >>"$T/defs"
	nm -u "$o" | awk -v m="$m" '{ print $NF, m }' >>"$T/undefs"
done <"$T/modules"
awk 'NR == FNR { def[$1] = $2; next } ($1 in def) && def[$1] != $2 { print $2, def[$1] }' \
	"$T/defs" "$T/undefs" | sort -u >"$T/calls"

# upward KIND FILE: the edges of FILE that reach a higher layer
upward() {
	awk 'NR == FNR { layer[$1] = $2; name[$1] = $3; next }
	     !($2 in layer) { printf "%s %s %s, which is no module of src/LAYERS\n", $1, kind, $2; next }
	     ($1 in layer) && layer[$2] > layer[$1] {
		printf "%s (%s) %s %s (%s)\n", $1, name[$1], kind, $2, name[$2] }' kind="$1" "$T/layer" "$2"
}
bad=$(upward includes "$T/includes")
if [ -z "$bad" ]; then ok "no file includes a header of a higher layer ($(wc -l <"$T/includes") includes)"; else
	not_ok "no file includes a header of a higher layer"; diag "$bad"; fi
if [ "$objs" = 0 ]; then
	skip "no object file calls a higher layer: no object files under $top_builddir/src (build first)"
else
	bad=$(upward calls "$T/calls")
	if [ -z "$bad" ]; then ok "no object file calls a higher layer ($objs objects, $(wc -l <"$T/calls") module pairs)"; else
		not_ok "no object file calls a higher layer"; diag "$bad"; fi
fi

# No circle, within a layer either: tsort finds one.
sort -u "$T/includes" "$T/calls" >"$T/edges"
if tsort "$T/edges" >/dev/null 2>"$T/tsort"; then ok "no two modules use each other, directly or round a circle"; else
	not_ok "no two modules use each other, directly or round a circle"; diag "$(cat "$T/tsort")"; fi

# lib/ is pure: what its objects take from outside lib/ is the C
# library's memory, string, number and formatting functions, nothing
# that makes a system call or prints a message.
pure='^(mem(cpy|move|set|cmp|chr)|str(len|cmp|ncmp|chr|rchr|dup|ndup|spn|cspn|to[a-z]*|casecmp|ncasecmp|pbrk|tok_r|cpy|ncpy|cat|ncat)|'
pure=$pure'(c|m|re)alloc|free|v?snprintf|fprintf|fputc|fputs|fwrite|putc|__ctype_[a-z_]*|__stack_chk_fail|'
pure=$pure'__assert_fail|__errno_location|__isoc[0-9]*_strto[a-z]*|__sprintf_chk|__snprintf_chk|__vsnprintf_chk|'
pure=$pure'__fprintf_chk|__memcpy_chk|__strcpy_chk|__sched_cpucount|floor|ceil|round|pow|fabs|isnan|__builtin_[a-z_]*|__popcount[a-z0-9]*|'
# what the sanitizers add to every object file
pure=$pure'__asan_[a-z0-9_]*|__ubsan_[a-z0-9_]*|__sanitizer_[a-z0-9_]*)$'
if [ "$objs" = 0 ]; then
	skip "lib/ calls only pure C library functions: no object files"
else
	impure=$(awk 'NR == FNR { def[$1] = 1; next } $2 ~ /^lib\// && !($1 in def) { print $1 }' "$T/defs" "$T/undefs" |
		sort -u | grep -Ev "$pure" | tr '\n' ' ')
	if [ -z "$impure" ]; then ok "lib/ calls only pure C library functions"; else
		not_ok "lib/ calls only pure C library functions"; diag "lib/ calls: $impure"; fi
fi

# README's "Source layout": the same order, and every module named.
order=$(awk '!/^#/ && NF { sub(":", "", $1); s = s (s ? " → " : "") $1 } END { print s }' "$layers")
section=$(sed -n '/^Source layout/,/^Tests/p' "$readme")
check "README's Source layout states the layers of src/LAYERS: $order" \
	sh -c 'printf "%s\n" "$1" | grep -qF "Layers, lowest first: $2"' sh "$section" "$order"
unnamed=
while read -r m; do
	b=$(basename "${m%.h}")
	printf '%s\n' "$section" | grep -qE "(^|[ /,])$b\.(c|h|\[ch\])([ ,:]|$)" || unnamed="$unnamed $m"
done <"$T/modules"
if [ -z "$unnamed" ]; then ok "README's Source layout names every module"; else
	not_ok "README's Source layout names every module"; diag "not in README:$unnamed"; fi

# README's test list names every test make check runs.
tests=$(sed -n '/^TESTS = /,/\$(NULL)/p' "$top_srcdir/Makefile.am" | sed -n 's/^[[:space:]]*\([a-z].*[^\\ ]\)[[:space:]]*\\$/\1/p')
section=$(sed -n '/^Tests$/,/^[A-Z][a-z]* *[a-z]*$/p' "$readme")
unlisted=
for t in $tests; do
	printf '%s\n' "$section" | grep -qF "$t" || printf '%s\n' "$section" | grep -qF "${t%/*}:" ||
		unlisted="$unlisted $t"
done
if [ -z "$unlisted" ]; then ok "README's test list names every test of make check"; else
	not_ok "README's test list names every test of make check"; diag "not in README's Tests:$unlisted"; fi

done_testing
