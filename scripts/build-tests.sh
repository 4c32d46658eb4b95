#!/bin/bash
# Build the static arm64 test binaries that go into the test VM, once,
# from our tree (the same binaries then run on every kernel):
#   - KVM selftests and the arm64 MTE kselftests, through
#     make -C tools/testing/selftests TARGETS="kvm arm64"
#   - the test bed's own helpers in testbed/*.c
# Output: build/tests/ (flat directory of executables).
#   build-tests.sh TREE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "$1" && pwd)
out=$tree/.o-std
dest=$here/build/tests
export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
cc=${CROSS_COMPILE}gcc

make -s -C "$tree" O="$out" headers >/dev/null
mkdir -p "$here/build/logs"
# -k: two KVM selftests of the Debian 6.1.192 tree do not build at all
# (vgic_init needs tools/include/linux/bitfield.h, dirty_log_test calls
# TEST_ASSERT_EQ; both stable backports of later tests). The rest must.
make -k -C "$tree/tools/testing/selftests" O="$out" \
	TARGETS="kvm arm64" ARM64_SUBTARGETS=mte \
	CC="ccache $cc" USERLDFLAGS=-static -j"$(nproc)" \
	> "$here/build/logs/selftests-build.log" 2>&1 || true

# A compiler diagnostic in a selftest file the series adds or changes
# fails the build (the selftests' Makefiles do not use -Werror; the
# tree's own tests have a few warnings, e.g. check_ksm_options.c).
ours=$(git -C "$tree" diff --name-only base HEAD -- tools/testing/selftests 2>/dev/null |
	grep -E '\.[ch]$' | xargs -r -n1 basename | sed 's/\./\\./g' | paste -sd'|' || true)
if [ -n "$ours" ] &&
	grep -E '^[^ :]+\.[ch]:[0-9]+:[0-9]+: (warning|error):' "$here/build/logs/selftests-build.log" |
	grep -E "(^|/)($ours):"; then
	echo "build-tests: the series' selftests build with warnings; see build/logs/selftests-build.log" >&2
	exit 1
fi

rm -rf "$dest.new"
mkdir -p "$dest.new"
ks=$out/kselftest
for f in "$ks"/kvm/aarch64/* "$ks"/kvm/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	case "$f" in *.o|*.a|*.d) continue ;; esac
	cp "$f" "$dest.new/$(basename "$f")"
done
for f in "$ks"/arm64/mte/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	case "$f" in *.o|*.a|*.d) continue ;; esac
	cp "$f" "$dest.new/mte-$(basename "$f")"
done
for s in "$here"/testbed/*.sh; do
	cp "$s" "$dest.new/$(basename "$s" .sh)"
done
for src in "$here"/testbed/*.c; do
	ccache "$cc" -static -O2 -Wall -Werror -march=armv8.5-a+memtag -isystem "$out/usr/include" \
		-o "$dest.new/$(basename "$src" .c)" "$src"
done
rm -rf "$dest"
mv "$dest.new" "$dest"
ls "$dest" | wc -l
