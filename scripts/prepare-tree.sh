#!/bin/bash
# Create the kernel trees of one kernel line under build/ (only what is
# missing); KLINE=6.12 for the 6.12 line (paths: kline in scripts/lib.sh).
#   6.1 (default):
#   build/linux  our work tree: Debian linux-source-6.1 committed as tag
#                "pristine", base/*.patch applied (tag "base"), then the
#                series from patches/ with git am (branch master)
#   build/peer   worktree at "pristine": the unmodified Debian kernel
#   build/base   worktree at "base" (the base without KVM guest MTE), made
#                only when base differs from pristine and the series is
#                not empty (else it equals ours or the peer)
#   6.12: build/linux-6.12 and build/peer-6.12 the same way, from
#   linux-source-6.12, base-6.12/ (no removal patch: base = pristine)
#   and patches-6.12/.
# An existing work tree is never rewritten: it is where patches are made.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
b=$here/build
tree=$KL_TREE
want=$(cat "$KL_BASEDIR/VERSION")
tarball=/usr/src/$KL_PKG.tar.xz
gitc=(git -c user.name="${GIT_AUTHOR_NAME:-$(git -C "$here" config user.name || echo kvm-mte)}"
	-c user.email="${GIT_AUTHOR_EMAIL:-$(git -C "$here" config user.email || echo kvm-mte@localhost)}"
	-c commit.gpgsign=false)

have=$(dpkg-query -W -f='${Version}' "$KL_PKG" 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	echo "prepare: $KL_PKG is '$have', ${KL_BASEDIR#"$here"/}/VERSION pins '$want'" >&2
	echo "prepare: the series may not apply; update ${KL_BASEDIR#"$here"/}/ deliberately" >&2
fi

if [ ! -d "$tree/.git" ]; then
	echo "prepare: unpacking $tarball"
	rm -rf "$tree.tmp" && mkdir -p "$tree.tmp"
	tar -xf "$tarball" -C "$tree.tmp"
	mv "$tree.tmp/$KL_PKG" "$tree" && rmdir "$tree.tmp"
	cd "$tree"
	git init -q -b master .
	# Debian's .gitignore ignores the top level: force-add the whole tree.
	git add -A -f
	"${gitc[@]}" commit -q -m "Debian $KL_PKG $want (pristine)"
	git tag pristine
	for p in "$KL_BASEDIR"/*.patch; do
		[ -e "$p" ] || continue
		"${gitc[@]}" am -q --keep-cr "$p"
	done
	git tag base
	if [ -s "$KL_PATCHES/series" ]; then
		while read -r p; do
			case "$p" in ''|'#'*) continue ;; esac
			"${gitc[@]}" am -q "$KL_PATCHES/$p"
		done < "$KL_PATCHES/series"
	fi
	echo "prepare: ${tree#"$here"/} at $(git log --oneline -1)"
fi
cd "$tree"
[ -d "$KL_PEER" ] || git worktree add -q --detach "$KL_PEER" pristine
nseries=$(git rev-list --count base..HEAD)
if [ "$nseries" -gt 0 ] && [ "$(git rev-parse base)" != "$(git rev-parse pristine)" ]; then
	[ -d "$b/base" ] || git worktree add -q --detach "$b/base" base
	git -C "$b/base" checkout -q --detach base
fi
git -C "$KL_PEER" checkout -q --detach pristine
echo "prepare: ${tree#"$here"/}: series has $nseries patch(es) on top of base"
