#!/bin/bash
# Build the static arm64 test binaries that go into the test VM, once,
# from our tree (the same binaries then run on every kernel):
#   - KVM selftests and the arm64 MTE kselftests, through
#     make -C tools/testing/selftests TARGETS="kvm arm64"
#   - the test bed's own helpers in testbed/*.c
# Output: build/tests/ (flat directory of executables).
#   build-tests.sh TREE
# With KLINE=6.12 (TREE build/linux-6.12): into build/tests-6.12, what
# the 6.12 boots (HARNESS_BOOTS_612) run; else what the other boots run.
# Fails when testbed/tests.txt is invalid, or when a binary that a boot's
# list needs (every test of tests.txt, for any boot, and the tools in
# HARNESS_TOOLS of scripts/lib.sh) was not built by this run: the selftest
# executables of earlier builds are removed first, so one that no longer
# links is missing, not stale. build/tests is then removed too.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
kline "${KLINE:-6.1}"
tree=$(cd "$1" && pwd)
out=$tree/.o-std
dest=$here/build/tests$KL_SUFFIX
log=$here/build/logs/selftests-build$KL_SUFFIX.log
ks=$out/kselftest
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
cc=${CROSS_COMPILE}gcc

entries=$(tests_txt "$here/testbed/tests.txt") ||
	{ echo "build-tests: testbed/tests.txt is invalid" >&2; exit 1; }
# the entries of this line's boots
if [ "$KL_LINE" = 6.12 ]; then
	entries=$(awk '$3 ~ /^[a-z]+612-/' <<<"$entries")
else
	entries=$(awk '$3 !~ /^[a-z]+612-/' <<<"$entries")
fi
# shellcheck disable=SC2046,SC2086
need=$(printf '%s\n' $HARNESS_TOOLS $(tests_bins <<<"$entries") | sort -u)

# selftest_bins: the executables of the kselftest output directories
selftest_bins() {
	local f
	for f in "$ks"/kvm/aarch64/* "$ks"/kvm/* "$ks"/arm64/mte/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		case "$f" in *.o|*.a|*.d) continue ;; esac
		echo "$f"
	done
}
selftest_bins | xargs -r -d '\n' rm -f

make -s -C "$tree" O="$out" headers >/dev/null
mkdir -p "$here/build/logs"
# -k: two KVM selftests of the Debian 6.1.192 tree do not build at all
# (vgic_init needs tools/include/linux/bitfield.h, dirty_log_test calls
# TEST_ASSERT_EQ; both stable backports of later tests). The rest must:
# every binary in $need is checked below.
mrc=0
make -k -C "$tree/tools/testing/selftests" O="$out" \
	TARGETS="kvm arm64" ARM64_SUBTARGETS=mte \
	CC="ccache $cc" USERLDFLAGS=-static -j"$(nproc)" \
	> "$log" 2>&1 || mrc=$?

# A compiler diagnostic in a selftest file the series adds or changes
# fails the build (the selftests' Makefiles do not use -Werror; the
# tree's own tests have a few warnings, e.g. check_ksm_options.c).
ours=$(git -C "$tree" diff --name-only base HEAD -- tools/testing/selftests 2>/dev/null |
	grep -E '\.[ch]$' | xargs -r -n1 basename | sed 's/\./\\./g' | paste -sd'|' || true)
if [ -n "$ours" ] &&
	grep -E '^[^ :]+\.[ch]:[0-9]+:[0-9]+: (warning|error):' "$log" |
	grep -E "(^|/)($ours):"; then
	echo "build-tests: the series' selftests build with warnings; see $log" >&2
	exit 1
fi

rm -rf "$dest.new"
mkdir -p "$dest.new"
selftest_bins | while IFS= read -r f; do
	case "$f" in
	"$ks"/arm64/mte/*) cp "$f" "$dest.new/mte-$(basename "$f")" ;;
	*) cp "$f" "$dest.new/$(basename "$f")" ;;
	esac
done
for s in "$here"/testbed/*.sh; do
	install -m 755 "$s" "$dest.new/$(basename "$s" .sh)"
done
for src in "$here"/testbed/*.c; do
	testbed_cc "$dest.new/$(basename "$src" .c)" "$src" "$out/usr/include"
done
# The L2 guest of testbed/qemu-mte.sh: testbed/l2/init, its list and the
# MTE kselftests the list names, as an initramfs in build/tests.
l2=$(mktemp -d)
while read -r name _; do
	case "$name" in '' | '#'*) continue ;; esac
	cp "$dest.new/mte-$name" "$l2/$name" 2>/dev/null || need="$need mte-$name"
done < "$here/testbed/l2/list"
cp "$here/testbed/l2/list" "$dest.new/l2-list"
cp "$here/testbed/l2/results.awk" "$dest.new/l2-results.awk"
INIT=$here/testbed/l2/init "$here/scripts/mkinitramfs.sh" \
	"$dest.new/l2-initramfs.cpio" "$here/testbed/l2/list" "$l2"
rm -rf "$l2"
need="$need l2-initramfs.cpio l2-list l2-results.awk"
missing=$(for n in $need; do [ -f "$dest.new/$n" ] && [ -s "$dest.new/$n" ] || echo "$n"; done)
if [ -n "$missing" ]; then
	echo "build-tests: not built (make -k exited $mrc; see $log): ${missing//$'\n'/ }" >&2
	grep -E -e '\*\*\*|error:|undefined reference' "$log" | head -n 10 | sed 's/^/   | /' >&2 || true
	rm -rf "$dest.new" "$dest"
	exit 1
fi
rm -rf "$dest"
mv "$dest.new" "$dest"
ls "$dest" | wc -l
