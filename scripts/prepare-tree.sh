#!/bin/bash
# Create the kernel trees under build/ (only what is missing):
#   build/linux  our work tree: Debian linux-source-6.1 committed as tag
#                "pristine", base/*.patch applied (tag "base"), then the
#                series from patches/ with git am (branch master)
#   build/peer   worktree at "pristine": the unmodified Debian kernel
#   build/base   worktree at "base" (the base without KVM guest MTE), made
#                only when the series is not empty (else it equals ours)
# An existing build/linux is never rewritten: it is where patches are made.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
b=$here/build
tree=$b/linux
want=$(cat "$here/base/VERSION")
tarball=/usr/src/linux-source-6.1.tar.xz
gitc=(git -c user.name="${GIT_AUTHOR_NAME:-$(git -C "$here" config user.name || echo kvm-mte)}"
	-c user.email="${GIT_AUTHOR_EMAIL:-$(git -C "$here" config user.email || echo kvm-mte@localhost)}"
	-c commit.gpgsign=false)

have=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	echo "prepare: linux-source-6.1 is '$have', base/VERSION pins '$want'" >&2
	echo "prepare: the removal patch may not apply; update base/ deliberately" >&2
fi

if [ ! -d "$tree/.git" ]; then
	echo "prepare: unpacking $tarball"
	rm -rf "$b/linux.tmp" && mkdir -p "$b/linux.tmp"
	tar -xf "$tarball" -C "$b/linux.tmp"
	mv "$b/linux.tmp/linux-source-6.1" "$tree" && rmdir "$b/linux.tmp"
	cd "$tree"
	git init -q -b master .
	# Debian's .gitignore ignores the top level: force-add the whole tree.
	git add -A -f
	"${gitc[@]}" commit -q -m "Debian linux-source-6.1 $want (pristine)"
	git tag pristine
	for p in "$here"/base/*.patch; do
		"${gitc[@]}" am -q --keep-cr "$p"
	done
	git tag base
	if [ -s "$here/patches/series" ]; then
		while read -r p; do
			case "$p" in ''|'#'*) continue ;; esac
			"${gitc[@]}" am -q "$here/patches/$p"
		done < "$here/patches/series"
	fi
	echo "prepare: build/linux at $(git log --oneline -1)"
fi
cd "$tree"
[ -d "$b/peer" ] || git worktree add -q --detach "$b/peer" pristine
nseries=$(git rev-list --count base..HEAD)
if [ "$nseries" -gt 0 ]; then
	[ -d "$b/base" ] || git worktree add -q --detach "$b/base" base
	git -C "$b/base" checkout -q --detach base
fi
git -C "$b/peer" checkout -q --detach pristine
echo "prepare: series has $nseries patch(es) on top of base"
