#!/bin/bash
# Apply base/ and patches/ onto a fresh copy of the Debian tree in DIR
# (default build/fresh) with git am: checks that the series applies as sent.
# KLINE=6.12: base-6.12/ and patches-6.12/ onto the 6.12 tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
tree=$KL_TREE
dir=$(realpath -m "${1:-$here/build/fresh$KL_SUFFIX}")
rm -rf "$dir"
git -C "$tree" worktree prune
git -C "$tree" worktree add -q --detach "$dir" pristine
cd "$dir"
for p in "$KL_BASEDIR"/*.patch; do
	[ -e "$p" ] || continue
	git am -q "$p"
done
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	git am -q "$KL_PATCHES/$p"
	n=$((n + 1))
done < "$KL_PATCHES/series"
echo "apply: base + $n patch(es) applied in $dir"
if git -C "$tree" rev-parse -q --verify master >/dev/null; then
	if git diff --quiet "$(git -C "$tree" rev-parse master)" HEAD; then
		echo "apply: result is identical to ${tree#"$here"/} master"
	else
		echo "apply: result DIFFERS from ${tree#"$here"/} master (run 'make series')"
	fi
fi
