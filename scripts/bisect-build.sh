#!/bin/bash
# Build every patch of the series on its own (bisectability), in the
# worktree build/bisect. Writes patches/bisect.ok (a hash of base/ and
# patches/) when all build; with --if-changed, does nothing when that
# stamp matches the current series.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$here/build/linux
stamp=$here/patches/bisect.ok
hash=$(cat "$here"/base/*.patch "$here"/patches/series "$here"/patches/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "${1:-}" = --if-changed ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
	echo "bisect: series unchanged since the last bisect build, skipped"
	exit 0
fi
commits=$(git -C "$tree" rev-list --reverse base..master)
[ -n "$commits" ] || { echo "bisect: series is empty"; echo "$hash" > "$stamp"; exit 0; }
wt=$here/build/bisect
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" base
i=0
for c in $commits; do
	i=$((i + 1))
	git -C "$wt" checkout -q --detach "$c"
	echo "bisect: [$i] $(git -C "$wt" log --format=%s -1)"
	"$here/scripts/build-kernel.sh" "$wt" std > "$here/build/logs/bisect-$i.log" 2>&1 ||
		{ echo "bisect: patch $i does not build; see build/logs/bisect-$i.log"; exit 1; }
	if grep -q 'warning:' "$here/build/logs/bisect-$i.log"; then
		echo "bisect: patch $i builds with warnings; see build/logs/bisect-$i.log"; exit 1
	fi
done
echo "$hash" > "$stamp"
echo "bisect: all $i patches build"
