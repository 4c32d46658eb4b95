#!/bin/bash
# Apply base/ and patches/ onto a fresh copy of the Debian tree in DIR
# (default build/fresh) with git am: checks that the series applies as sent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${1:-$here/build/fresh}")
rm -rf "$dir"
git -C "$here/build/linux" worktree prune
git -C "$here/build/linux" worktree add -q --detach "$dir" pristine
cd "$dir"
for p in "$here"/base/*.patch; do git am -q "$p"; done
n=0
while read -r p; do
	case "$p" in ''|'#'*) continue ;; esac
	git am -q "$here/patches/$p"
	n=$((n + 1))
done < "$here/patches/series"
echo "apply: base + $n patch(es) applied in $dir"
if git -C "$here/build/linux" rev-parse -q --verify master >/dev/null; then
	if git diff --quiet "$(git -C "$here/build/linux" rev-parse master)" HEAD; then
		echo "apply: result is identical to build/linux master"
	else
		echo "apply: result DIFFERS from build/linux master (run 'make series')"
	fi
fi
