#!/bin/sh
# fetch-kernels.sh — get Debian's cloud kernels for the NUMA guests,
# without installing them.
#
#   tests/numa/fetch-kernels.sh [SERIES...]      (default: 6.1 6.12)
#
# SERIES 6.1 comes from bookworm, 6.12 from trixie: the cloud flavour.
# SERIES 6.12-generic is trixie's generic amd64 flavour, for the guest
# whose nodes come from numa=fake= (CONFIG_NUMA_EMU, which the cloud
# kernels lack; checked like the other features).  Each is fetched
# with a private apt state (sources list, lists, cache) derived from the
# machine's own /etc/apt/sources.list(.d): the machine's apt state is
# never changed.  The package linux-image-cloud-amd64 of the suite is
# (linux-image-amd64 for -generic) is resolved to the real versioned
# package (linux-image-6.x.y-N-cloud-amd64, linux-image-6.x.y-N-amd64),
# downloaded with `apt-get download`, unpacked with `dpkg -x`, and only
# what the guests need is kept:
#
#   $CACHE/<series>/vmlinuz     the kernel
#   $CACHE/<series>/config      its build configuration
#   $CACHE/<series>/version     the package's name and version
#   $CACHE/<series>/modules/    modules, only if a needed feature is =m
#
# CACHE is ${NUMAMEM_TEST_CACHE:-/var/cache/numamem-test}.  A series that is
# already in the cache is not fetched again (NUMAMEM_TEST_REFETCH=1 forces it).
#
# Exit status: 0 all requested series are in the cache; 1 something could
# not be fetched (the message says what).

set -eu

CACHE=${NUMAMEM_TEST_CACHE:-/var/cache/numamem-test}
ARCH=amd64

say() { printf 'fetch-kernels: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

for tool in apt-get apt-cache dpkg; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (this script needs a Debian-like host)"
done

suite_of() {
	case $1 in
	6.1) echo bookworm ;;
	6.12|6.12-generic) echo trixie ;;
	*) return 1 ;;
	esac
}

# The flavour of SERIES: cloud, or generic for SERIES-generic.
flavour_of() {
	case $1 in
	*-generic) echo generic ;;
	*) echo cloud ;;
	esac
}

# Features the guest suite needs from the kernel.  Each must be =y (built
# in) or =m (then its module is kept, and loaded by the guest's /init).
NEEDED_CONFIG="CONFIG_NUMA CONFIG_X86_64_ACPI_NUMA CONFIG_ACPI_NUMA CONFIG_MIGRATION
CONFIG_TMPFS CONFIG_HUGETLBFS CONFIG_MEMFD_CREATE CONFIG_SERIAL_8250_CONSOLE
CONFIG_BLK_DEV_INITRD CONFIG_RD_GZIP CONFIG_DEVTMPFS CONFIG_PROC_FS CONFIG_SYSFS
CONFIG_SYSVIPC CONFIG_SHMEM CONFIG_TRANSPARENT_HUGEPAGE"

# Write a one-line-format sources list for SUITE, derived from the
# machine's own sources: every entry whose suite is bookworm or
# bookworm-<something> is kept with bookworm replaced by SUITE; entries of
# other suites (third-party repositories) are dropped.
derive_sources() {
	suite=$1 out=$2
	: >"$out"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v to="$suite" '
		/^[ \t]*deb[ \t]/ {
			line = $0; sub(/#.*/, "", line)
			n = split(line, w, /[ \t]+/)
			i = 1; while (w[i] == "") i++
			opts = ""; i++
			if (w[i] ~ /^\[/) { while (w[i] !~ /\]$/) { opts = opts w[i] " "; i++ } opts = opts w[i]; i++ }
			uri = w[i]; s = w[i + 1]; comps = ""
			for (j = i + 2; j <= n; j++) if (w[j] != "") comps = comps " " w[j]
			if (s !~ /^bookworm(-|$)/) next
			sub(/^bookworm/, to, s)
			print "deb " opts " " uri " " s comps
		}' "$f" >>"$out"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v to="$suite" '
		function flush(   n, i, s, opts, u, k) {
			if (types !~ /(^| )deb( |$)/ || enabled == "no") { reset(); return }
			opts = ""
			if (signed != "") opts = "signed-by=" signed
			if (opts != "") opts = "[" opts "] "
			n = split(suites, s, / +/)
			for (i = 1; i <= n; i++) {
				if (s[i] !~ /^bookworm(-|$)/) continue
				sub(/^bookworm/, to, s[i])
				split(uris, u, / +/)
				for (k in u) if (u[k] != "") print "deb " opts u[k] " " s[i] " " comps
			}
			reset()
		}
		function reset() { types = uris = suites = comps = signed = ""; enabled = "yes" }
		function val(l) { sub(/^[^:]*:[ \t]*/, "", l); sub(/[ \t]+$/, "", l); return l }
		BEGIN { reset() }
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		tolower($1) == "types:" { types = val($0); next }
		tolower($1) == "uris:" { uris = val($0); next }
		tolower($1) == "suites:" { suites = val($0); next }
		tolower($1) == "components:" { comps = val($0); next }
		tolower($1) == "signed-by:" { signed = val($0); next }
		tolower($1) == "enabled:" { enabled = tolower(val($0)); next }
		END { flush() }' "$f" >>"$out"
	done
	[ -s "$out" ] || return 1
}

fetch_series() {
	series=$1
	suite=$(suite_of "$series") || die "unknown kernel series $series (known: 6.1 6.12 6.12-generic)"
	flavour=$(flavour_of "$series") base=${series%-generic}
	needed=$NEEDED_CONFIG
	if [ "$flavour" = generic ]; then
		meta=linux-image-amd64 image_re='^linux-image-[0-9][^-]*(-[0-9]+)?-amd64$' needed="$needed CONFIG_NUMA_EMU"
	else
		meta=linux-image-cloud-amd64 image_re='^linux-image-[0-9].*-cloud-amd64$'
	fi
	dest=$CACHE/$series
	if [ -s "$dest/vmlinuz" ] && [ -s "$dest/version" ] && [ "${NUMAMEM_TEST_REFETCH:-0}" != 1 ]; then
		say "$series: cached ($(cat "$dest/version"))"
		return 0
	fi

	work=$(mktemp -d "${TMPDIR:-/tmp}/numamem-fetch.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$work'" EXIT INT TERM
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/parts" "$work/prefs" "$work/dl"
	derive_sources "$suite" "$work/sources.list" ||
		die "$series: no Debian bookworm entry in /etc/apt/sources.list(.d) to derive a $suite sources list from"
	say "$series: sources for $suite:"
	sed 's/^/    /' "$work/sources.list" >&2

	set -- -o Dir::Etc::sourcelist="$work/sources.list" \
		-o Dir::Etc::sourceparts="$work/parts" \
		-o Dir::Etc::preferences="$work/prefs/none" \
		-o Dir::Etc::preferencesparts="$work/prefs" \
		-o Dir::State::Lists="$work/lists" \
		-o Dir::Cache="$work/cache" \
		-o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
		-o APT::Architecture="$ARCH" -o APT::Architectures="$ARCH" \
		-o APT::Sandbox::User=root \
		-o Acquire::Languages=none -o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false \
		-o Debug::NoLocking=true
	apt-get "$@" -q update >"$work/update.log" 2>&1 || {
		cat "$work/update.log" >&2
		die "$series: apt-get update of the private $suite lists failed"
	}
	if grep -q '^\(W\|E\): ' "$work/update.log"; then grep '^\(W\|E\): ' "$work/update.log" >&2; fi

	# linux-image-cloud-amd64 (linux-image-amd64) depends on exactly one
	# versioned image package.
	pkg=$(apt-cache "$@" depends "$meta" 2>/dev/null |
		awk -v re="$image_re" '$1 == "Depends:" && $2 ~ re { print $2; exit }')
	[ -n "$pkg" ] || die "$series: cannot resolve $meta in $suite"
	case $pkg in
	linux-image-"$base".*) ;;
	*) die "$series: $suite's $flavour kernel is $pkg, not a $base kernel" ;;
	esac
	ver=$(apt-cache "$@" show "$pkg" 2>/dev/null | awk '$1 == "Version:" { print $2; exit }')
	say "$series: downloading $pkg $ver"
	(cd "$work/dl" && apt-get "$@" -q download "$pkg") >"$work/download.log" 2>&1 || {
		cat "$work/download.log" >&2
		die "$series: apt-get download $pkg failed"
	}
	deb=$(ls "$work"/dl/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "$series: apt-get download left no .deb"
	dpkg -x "$deb" "$work/root" || die "$series: dpkg -x $deb failed"
	kver=${pkg#linux-image-}
	vmlinuz=$work/root/boot/vmlinuz-$kver
	config=$work/root/boot/config-$kver
	[ -f "$vmlinuz" ] || die "$series: no /boot/vmlinuz-$kver in $pkg"
	[ -f "$config" ] || die "$series: no /boot/config-$kver in $pkg"

	rm -rf "$dest.new"
	mkdir -p "$dest.new"
	cp "$vmlinuz" "$dest.new/vmlinuz"
	cp "$config" "$dest.new/config"

	# Check the features; keep the modules of those built as modules.
	missing="" modular=""
	for opt in $needed; do
		v=$(awk -F= -v o="$opt" '$1 == o { print $2; exit }' "$config")
		case $v in
		y) ;;
		m) modular="$modular $opt" ;;
		*) case $opt in
			CONFIG_X86_64_ACPI_NUMA|CONFIG_ACPI_NUMA|CONFIG_RD_GZIP) ;; # either name exists, or another compressor
			*) missing="$missing $opt" ;;
			esac ;;
		esac
	done
	[ -z "$missing" ] || die "$series: $pkg lacks$missing"
	if [ -n "$modular" ]; then
		# Not the case for Debian's cloud kernels (everything needed is
		# built in); kept for a kernel whose features are modules.
		say "$series: built as modules:$modular — keeping kernel/mm and kernel/fs modules"
		mkdir -p "$dest.new/modules"
		(cd "$work/root/lib/modules/$kver/kernel" && find mm fs/hugetlbfs -name '*.ko*' 2>/dev/null |
			cpio -pdm "$dest.new/modules" 2>/dev/null) || true
	fi
	printf '%s %s\n' "$pkg" "$ver" >"$dest.new/version"
	rm -rf "$dest"
	mv "$dest.new" "$dest"
	rm -rf "$work"
	trap - EXIT INT TERM
	say "$series: $(cat "$dest/version") -> $dest/vmlinuz"
}

[ $# -gt 0 ] || set -- 6.1 6.12
mkdir -p "$CACHE" || die "cannot create $CACHE"
for s in "$@"; do
	( fetch_series "$s" ) || exit 1
done
