#!/bin/bash
# Static checks of the series, as results in build/results/static.tsv:
#   checkpatch:PATCH   scripts/checkpatch.pl --strict on each patch
#   sparse+W=1:FILE    C=2 W=1 build of each .c file the series touches;
#                      fails on any warning about that file not already
#                      there on base (line numbers ignored: lines move)
# Logs in build/logs/static/. KLINE=6.12: the 6.12 series, whose base is
# the unmodified tree (build/peer-6.12), into static-6.12.tsv and
# build/logs/static-6.12/.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}" || exit 1
tree=$KL_TREE
basetree=$here/build/base
[ "$KL_LINE" = 6.1 ] || basetree=$KL_PEER
logs=$here/build/logs/static$KL_SUFFIX
tsv=$here/build/results/static$KL_SUFFIX.tsv
mkdir -p "$logs" "$(dirname "$tsv")"
# Inputs of every result below: the trees' commits and uncommitted
# changes, the patches, these scripts, the tools' versions. When they are
# the same as at the last run that passed everything, its results stand
# (a warm make check saves about 3 minutes of sparse); STATIC_FORCE=yes
# runs the checks anyway.
key=$( {
	git -C "$tree" rev-parse HEAD base
	git -C "$tree" diff HEAD
	git -C "$tree" status --porcelain
	cat "$KL_PATCHES"/*.patch "$KL_BASEDIR"/* "$0" "$here/scripts/apply-series.sh"
	sparse --version 2>&1; aarch64-linux-gnu-gcc --version | head -1
} | sha256sum | cut -c1-16)
if [ "${STATIC_FORCE:-no}" != yes ] && [ -s "$logs/passed.tsv" ] &&
	[ "$(cat "$logs/passed.key" 2>/dev/null)" = "$key" ]; then
	cp "$logs/passed.tsv" "$tsv"
	echo "static checks: inputs unchanged since the run of $(date -r "$logs/passed.key" '+%F %T') that passed them all ($key): its $(wc -l < "$tsv") results stand (STATIC_FORCE=yes reruns them)"
	exit 0
fi
rm -f "$logs/passed.tsv" "$logs/passed.key"
: > "$tsv"
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-

row() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >> "$tsv"; }

# maintained_new_files PATCH: every file PATCH adds has a maintainer in
# the tree's MAINTAINERS (scripts/get_maintainer.pl, applied tree)
maintained_new_files() {
	local f
	for f in $(awk '/^diff --git/ { file = $4 } /^new file mode/ { sub(/^b\//, "", file); print file }' "$1"); do
		(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/get_maintainer.pl \
			--no-git --no-git-fallback -f "$f" 2>/dev/null) | grep '(maintainer:' |
			grep -qv 'maintainer:THE REST' || return 1
	done
}

# The series applies cleanly on a fresh tree and equals the work tree.
if "$here/scripts/apply-series.sh" "$here/build/fresh$KL_SUFFIX" > "$logs/apply.log" 2>&1 &&
   ! grep -q DIFFERS "$logs/apply.log"; then
	row series-applies pass
else
	row series-applies fail
fi
git -C "$tree" worktree remove --force "$here/build/fresh$KL_SUFFIX" 2>/dev/null

for p in "$KL_PATCHES"/[0-9]*.patch; do
	[ -e "$p" ] || continue
	case "$p" in *0000-cover-letter.patch) continue ;; esac
	n=$(basename "$p" .patch)
	# /usr/bin first: checkpatch's SPDX check needs Debian's python3 with ply
	if (cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q "$p") \
		> "$logs/checkpatch-$n.log" 2>&1; then
		row "checkpatch:${n:0:4}" pass
	elif maintained_new_files "$p" &&
		(cd "$tree" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict -q \
			--ignore FILE_PATH_CHANGES "$p") >> "$logs/checkpatch-$n.log" 2>&1; then
		# "does MAINTAINERS need updating?" only, and it does not: an
		# existing entry already covers every file the patch adds
		row "checkpatch:${n:0:4}" pass "new files covered by MAINTAINERS"
	else
		row "checkpatch:${n:0:4}" fail
	fi
done

# Our side needs a built kernel (its objects tell which touched files this
# config compiles); the base side only a configured and prepared object
# tree, since its touched objects are compiled one by one below (make
# check builds both kernels before this, except the unmodified 6.12 in
# CI; make static on its own may have built neither).
[ -f "$tree/.o-std/.config" ] ||
	"$here/scripts/build-kernel.sh" "$tree" std >/dev/null || exit 1
[ -f "$basetree/.o-std/.config" ] ||
	"$here/scripts/build-kernel.sh" "$basetree" std prepare >/dev/null || exit 1

# Files the series touches that this config compiles (fkey: a file's
# name for the logs; $key stays the inputs' key, written at the end).
files=$(git -C "$tree" diff --name-only base..master -- '*.c' | grep -v '^tools/' || true)
for f in $files; do
	o=${f%.c}.o
	# The make target that rebuilds $o with its own flags: the hyp code
	# VHE and nVHE share (hyp/*.c) is an object of hyp/vhe/ (../FILE.o),
	# which only a build of that directory compiles as hypervisor code.
	target=$o
	case $f in
	arch/arm64/kvm/hyp/*/*) ;;
	arch/arm64/kvm/hyp/*) target=arch/arm64/kvm/hyp/vhe/ ;;
	esac
	# Not compiled in this config: no object, nor the .cmd file kbuild
	# keeps beside it (which outlives an object this loop deleted).
	[ -f "$tree/.o-std/$o" ] ||
		[ -f "$tree/.o-std/$(dirname "$o")/.$(basename "$o").cmd" ] || continue
	fkey=$(echo "$f" | tr / _)
	built=yes
	for side in ours base; do
		t=$tree
		[ "$side" = base ] && t=$basetree
		[ -f "$t/$f" ] || { : > "$logs/$fkey.$side"; continue; }
		# compiled again on both sides: an object already built with
		# these flags would print nothing (kernel-doc and the compiler
		# only run when kbuild rebuilds it), and the sides would differ
		rm -f "$t/.o-std/$o"
		make -s -C "$t" O="$t/.o-std" CC="ccache ${CROSS_COMPILE}gcc" \
			C=2 CHECK=sparse W=1 "$target" > "$logs/$fkey.$side.log" 2>&1 &&
			[ -f "$t/.o-std/$o" ] || built=no
		# (hyp/vhe/../FILE.c names FILE.c)
		sed -E ':a; s#/[^/.][^/]*/\.\./#/#; ta' "$logs/$fkey.$side.log" |
			grep -E 'warning|error' | grep -F "$f:" |
			sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u > "$logs/$fkey.$side"
	done
	new=$(comm -23 "$logs/$fkey.ours" "$logs/$fkey.base")
	if [ "$built" = no ]; then
		# a check that did not compile the file checked nothing
		row "sparse+W=1:$f" fail "not compiled (build/logs/static$KL_SUFFIX/$fkey.*.log)"
	elif [ -n "$new" ]; then
		echo "$new" > "$logs/$fkey.new"
		row "sparse+W=1:$f" fail
	else
		row "sparse+W=1:$f" pass
	fi
done
if ! cut -f2 "$tsv" | grep -qv '^pass$'; then
	cp "$tsv" "$logs/passed.tsv"
	echo "$key" > "$logs/passed.key"
fi
exit 0
