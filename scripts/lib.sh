# shellcheck shell=bash
# Helpers shared by the test harness scripts (sourced, not run):
# scripts/test-list.sh, scripts/build-tests.sh, scripts/harness-selftest.sh,
# scripts/bench.sh, scripts/profile.sh.

# The VM boots of make check, as ROLE-MODE (ROLE ours|peer|base, MODE
# vhe|nvhe; scripts/check.sh runs them, base only when the series is not
# empty; check-debug.sh boots ours and peer with the same lists). Every
# MODES pattern of testbed/tests.txt must match at least one of them.
# shellcheck disable=SC2034 # used by the scripts that source this file
HARNESS_BOOTS="ours-vhe peer-vhe ours-nvhe peer-nvhe base-vhe"
# Boots of the 64 KiB-page kernels (make configs builds them): VHE only,
# ours and the peer. A MODES pattern reaches them only when it names them
# ("*-vhe64k"): "all", "ours-*" or "*-vhe" do not, so that only the tests
# chosen for them run there.
# shellcheck disable=SC2034
HARNESS_BOOTS_64K="ours-vhe64k peer-vhe64k"
# Boots of the debug kernels (config/debug.config: KASAN, lockdep; make
# check-debug, scripts/check-debug.sh): like the 64K boots, a pattern
# reaches them only when it names them ("*-debug-*").
# shellcheck disable=SC2034
HARNESS_BOOTS_DEBUG="ours-debug-vhe ours-debug-nvhe peer-debug-vhe peer-debug-nvhe"
# Boots of the 6.12 line (kline 6.12: our 6.12 series and the unmodified
# 6.12): ROLE ours612 or peer612. Their tests are built from the 6.12
# tree into build/tests-6.12; a pattern reaches them only when it names
# them ("*612-*"), as for the 64K and debug boots.
# shellcheck disable=SC2034
HARNESS_BOOTS_612="ours612-vhe peer612-vhe ours612-nvhe peer612-nvhe"

# Binaries in build/tests that every boot needs besides the tests of
# testbed/tests.txt: init runs mte-selfcheck first, and test-list.sh puts
# kvm-mode and kvm-cap at the head of every list.
# shellcheck disable=SC2034
HARNESS_TOOLS="mte-selfcheck kvm-mode kvm-cap"

# tests_txt FILE: check a tests.txt (format in its header) and print its
# entries, one line per boot of HARNESS_BOOTS that each runs in:
#   NAME TIMEOUT ROLE-MODE [ARGS...]
# A malformed line, a MODES pattern that matches no boot, or a test given
# twice for one boot is an error: messages on stderr, status 1, no output.
tests_txt() {
	local file=$1 n=0 bad=0 line name tmo modes args pat boot hit
	local -A seen=()
	local -a pats=() rows=()
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		read -r name tmo modes args <<<"$line"
		case "$name" in '' | '#'*) continue ;; esac
		if [ -z "$modes" ] || ! [[ $tmo =~ ^[1-9][0-9]*$ ]]; then
			echo "$file:$n: expected NAME TIMEOUT MODES [ARGS...]: $line" >&2
			bad=1
			continue
		fi
		IFS=, read -ra pats <<<"$modes"
		for pat in "${pats[@]}"; do
			[ "$pat" = all ] && pat='*'
			hit=
			for boot in $HARNESS_BOOTS $HARNESS_BOOTS_64K $HARNESS_BOOTS_DEBUG $HARNESS_BOOTS_612; do
				case "$boot:$pat" in
				*64k:*64k* | *-debug-*:*debug* | *612-*:*612*) ;;
				*64k:* | *-debug-*:* | *612-*:*) continue ;;
				esac
				# shellcheck disable=SC2254
				case "$boot" in $pat) hit=1 ;; *) continue ;; esac
				case "${seen[$name $boot]:-}" in
				'') ;;
				"$n") continue ;;
				*)
					echo "$file:$n: $name runs in $boot already (line ${seen[$name $boot]})" >&2
					bad=1
					continue ;;
				esac
				seen[$name $boot]=$n
				rows+=("$name $tmo $boot${args:+ $args}")
			done
			if [ -z "$hit" ]; then
				echo "$file:$n: MODES pattern '$pat' of $name matches no boot (boots: $HARNESS_BOOTS $HARNESS_BOOTS_64K $HARNESS_BOOTS_DEBUG $HARNESS_BOOTS_612)" >&2
				bad=1
			fi
		done
	done <"$file"
	[ "$bad" = 0 ] || return 1
	[ "${#rows[@]}" = 0 ] || printf '%s\n' "${rows[@]}"
}

# tests_bins: the binaries the entries of tests_txt (on stdin) run: a
# tests.txt NAME is the binary's name, or NAME:BINARY where one binary
# gives several rows (testbed/qemu-mte.sh, one per mode).
tests_bins() {
	awk '{ n = $1; sub(/^[^:]*:/, "", n); print n }'
}

# testbed_cc OUT SRC [UAPI_INCLUDE_DIR]: build one test bed tool
# (testbed/*.c) as a static arm64 binary, the same way everywhere: MTE
# instructions allowed, warnings are errors, the kernel's exported uapi
# headers first when a directory is given (make headers of build/linux).
testbed_cc() {
	local out=$1 src=$2 inc=()
	[ -n "${3:-}" ] && [ -d "$3" ] && inc=(-isystem "$3")
	ccache aarch64-linux-gnu-gcc -static -O2 -Wall -Werror \
		-march=armv8.5-a+memtag "${inc[@]}" -o "$out" "$src"
}

# role_tree ROLE: the source tree of a kernel role (objects in TREE/.o-*)
#   ours -> build/linux (the series), peer -> build/peer (the unmodified
#   Debian kernel), base -> build/base (the removal patch only);
#   ours612, peer612: the same for the 6.12 line (kline 6.12)
role_tree() {
	local b
	b=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build
	case "$1" in
	ours) echo "$b/linux" ;;
	peer | base) echo "$b/$1" ;;
	ours612) echo "$b/linux-6.12" ;;
	peer612) echo "$b/peer-6.12" ;;
	*) echo "role_tree: unknown kernel role '$1'" >&2; return 1 ;;
	esac
}

# kline [LINE]: set the paths of one kernel line (LINE 6.1, the default,
# or 6.12; scripts take it from KLINE). Each line is a Debian
# linux-source-LINE package, a series and the trees made from them:
#   KL_PKG      the Debian package (its tarball in /usr/src)
#   KL_BASEDIR  base/ or base-6.12/: VERSION (and the removal patch, 6.1)
#   KL_PATCHES  patches/ or patches-6.12/: the exported series
#   KL_COVER    cover-letter.txt or cover-letter-6.12.txt
#   KL_PREFIX   format-patch subject prefix of the series
#   KL_TREE     build/linux or build/linux-6.12: the work tree (branch
#               master; tags pristine and base)
#   KL_PEER     build/peer or build/peer-6.12: worktree at pristine
#   KL_BISECT   build/bisect or build/bisect-6.12
#   KL_SUFFIX   "" or "-6.12", for names of per-line files
kline() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	KL_LINE=${1:-6.1}
	case "$KL_LINE" in
	6.1) KL_SUFFIX= KL_PREFIX="PATCH v7" ;;
	6.12) KL_SUFFIX=-6.12 KL_PREFIX="PATCH" ;;
	*) echo "kline: unknown kernel line '$KL_LINE' (6.1 or 6.12)" >&2; return 1 ;;
	esac
	KL_PKG=linux-source-$KL_LINE
	KL_BASEDIR=$here/base$KL_SUFFIX
	KL_PATCHES=$here/patches$KL_SUFFIX
	KL_COVER=$here/cover-letter$KL_SUFFIX.txt
	KL_TREE=$here/build/linux$KL_SUFFIX
	KL_PEER=$here/build/peer$KL_SUFFIX
	KL_BISECT=$here/build/bisect$KL_SUFFIX
	export KL_LINE KL_SUFFIX KL_PREFIX KL_PKG KL_BASEDIR KL_PATCHES KL_COVER \
		KL_TREE KL_PEER KL_BISECT
}

# archive_uri: the address of the Debian archive this machine's apt
# sources use for bookworm (setup.sh adds bookworm-backports with it,
# mkrootfs.sh fetches arm64 packages from it); never written to a file
# of the repository.
archive_uri() {
	local uri="" d=/etc/apt/sources.list.d/debian.sources
	[ -f $d ] &&
		uri=$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' $d)
	[ -z "$uri" ] && [ -f /etc/apt/sources.list ] &&
		uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
	if [ -z "$uri" ]; then
		echo "cannot find the bookworm archive address in apt sources" >&2
		return 1
	fi
	echo "$uri"
}

# series_hash: what the patch-by-patch build of scripts/bisect-build.sh
# verified (patches/bisect.ok): base/, patches/series and the patches
# (not the cover letter, which is not built), less the lines format-patch
# writes anew at every export (the commit ids of a freshly applied tree,
# message ids), so that re-exporting an unchanged series keeps the stamp.
#   series_hash DIR [BASEDIR PATCHESDIR]   (default DIR/base, DIR/patches)
# Lines format-patch writes anew at every export (series_hash, patch_hashes).
SERIES_VOLATILE='^(From [0-9a-f]{40} |Message-Id: |In-Reply-To: |References: )'
series_hash() {
	local here=$1 f bd=${2:-$1/base} pd=${3:-$1/patches}
	for f in "$bd"/*.patch "$pd"/series "$pd"/*.patch; do
		[ -e "$f" ] || continue
		case "$f" in
		*/0000-cover-letter.patch) ;;	# prose: nothing of it is built
		*) cat "$f" ;;
		esac
	done | grep -v -E "$SERIES_VOLATILE" |
		sha256sum | cut -d' ' -f1
}

# patch_hashes: what building patch N on its own depends on, one line
# "N HASH" per patch of PATCHESDIR/series: base/ and patches 1..N, as
# series_hash reads them and also without the Subject's "[PATCH v5 3/15]"
# tag (a new version number, or patches added after N, do not change what
# patches 1..N build). scripts/bisect-build.sh keeps the hashes of the
# patches it built in bisect.ok and builds only patches whose hash is not
# there.
#   patch_hashes BASEDIR PATCHESDIR
patch_hashes() {
	local bd=$1 pd=$2 f n=0 acc
	acc=$(for f in "$bd"/*.patch; do [ ! -e "$f" ] || cat "$f"; done | sha256sum | cut -d' ' -f1)
	while read -r f; do
		[ -n "$f" ] || continue
		n=$((n + 1))
		acc=$( { echo "$acc"
			grep -v -E "$SERIES_VOLATILE" "$pd/$f" |
				sed -E 's/^Subject: \[[^]]*\] /Subject: /'
			} | sha256sum | cut -d' ' -f1)
		echo "$n $acc"
	done < "$pd/series"
}
