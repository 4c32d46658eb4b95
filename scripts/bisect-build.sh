#!/bin/bash
# Build every patch of the series on its own (bisectability), in the
# worktree build/bisect: the kernel, and the KVM selftests after every
# patch that touches them. Writes patches/bisect.ok when all build: a hash
# of base/ and patches/ (series_hash), then one line "N HASH" per patch
# (patch_hashes in scripts/lib.sh: base/ and patches 1..N). A patch whose
# line is already there was built, with everything before it, by an
# earlier run and is not built again (a series that changes patch 10 of
# 15 builds patches 10 to 15). With --if-changed, does nothing when the
# first line matches the current series. KLINE=6.12: the 6.12 series
# (build/linux-6.12, patches-6.12/bisect.ok, worktree build/bisect-6.12).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
tree=$KL_TREE
stamp=$KL_PATCHES/bisect.ok
hash=$(series_hash "$here" "$KL_BASEDIR" "$KL_PATCHES")
if [ "${1:-}" = --if-changed ] && [ -f "$stamp" ] && [ "$(head -n 1 "$stamp")" = "$hash" ]; then
	echo "bisect: series unchanged since the last bisect build, skipped"
	exit 0
fi
commits=$(git -C "$tree" rev-list --reverse base..master)
[ -n "$commits" ] || { echo "bisect: series is empty"; echo "$hash" > "$stamp"; exit 0; }
# per-patch hashes of the series, and those an earlier run built
mapfile -t phash < <(patch_hashes "$KL_BASEDIR" "$KL_PATCHES")
[ "${#phash[@]}" = "$(echo "$commits" | wc -l)" ] ||
	{ echo "bisect: $KL_PATCHES/series has ${#phash[@]} patches, the tree $(echo "$commits" | wc -l) commits: run the export first"; exit 1; }
built=$(tail -n +2 "$stamp" 2>/dev/null || true)
wt=$KL_BISECT
mkdir -p "$here/build/logs"
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" base
i=0
for c in $commits; do
	i=$((i + 1))
	if grep -qxF "${phash[$((i - 1))]}" <<<"$built"; then
		echo "bisect: [$i] built by an earlier run, with the same patches up to it: skipped"
		continue
	fi
	git -C "$wt" checkout -q --detach "$c"
	echo "bisect: [$i] $(git -C "$wt" log --format=%s -1)"
	"$here/scripts/build-kernel.sh" "$wt" std > "$here/build/logs/bisect$KL_SUFFIX-$i.log" 2>&1 ||
		{ echo "bisect: patch $i does not build; see build/logs/bisect$KL_SUFFIX-$i.log"; exit 1; }
	if grep -q 'warning:' "$here/build/logs/bisect$KL_SUFFIX-$i.log"; then
		echo "bisect: patch $i builds with warnings; see build/logs/bisect$KL_SUFFIX-$i.log"; exit 1
	fi
	# A patch that touches the KVM selftests must leave them building too
	# (with -k: vgic_init and dirty_log_test never build in this tree).
	git -C "$wt" diff --quiet "$c~1" "$c" -- tools/testing/selftests/kvm && continue
	log=$here/build/logs/bisect$KL_SUFFIX-$i-selftests.log
	{
		make -s -C "$wt" O="$wt/.o-std" ARCH=arm64 headers
		make -k -C "$wt/tools/testing/selftests" O="$wt/.o-std" TARGETS=kvm \
			ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)"
	} > "$log" 2>&1 || true
	# compiler diagnostics outside the two, and any of the patch's tests
	# that did not link
	bad=$(grep -E '^[^ :]+\.[ch]:[0-9]+:[0-9]+: (warning|error):' "$log" |
		grep -v -E '(^|/)(vgic_init|dirty_log_test)\.c:' || true)
	for t in $(git -C "$wt" show --format= --name-only "$c" -- 'tools/testing/selftests/kvm/aarch64/*.c'); do
		[ -x "$wt/.o-std/kselftest/kvm/aarch64/$(basename "$t" .c)" ] ||
			bad="$bad${bad:+ }$(basename "$t" .c) not built"
	done
	if [ -n "$bad" ]; then
		echo "bisect: patch $i: the KVM selftests do not build cleanly; see $log"
		echo "$bad" | head -5
		exit 1
	fi
	echo "bisect: [$i] KVM selftests build"
done
{ echo "$hash"; printf '%s\n' "${phash[@]}"; } > "$stamp"
echo "bisect: all $i patches build"
