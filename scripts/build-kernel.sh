#!/bin/bash
# Build one kernel Image, or some objects, for one configuration.
#   build-kernel.sh TREE VARIANT [TARGET...]
# VARIANT: std (config/kvm-mte.config on top of allnoconfig), debug,
# nomte, 64k, 16k (that fragment plus config/debug.config, nomte.config,
# page-64k.config or page-16k.config), or debian (Debian's own arm64
# config, unpacked by scripts/setup.sh, through olddefconfig).
# TARGET defaults to Image; make configs builds single objects.
# The object tree is TREE/.o-VARIANT: a direct subdirectory of the source,
# so kbuild uses relative paths and ccache hits across the ours/base/peer
# worktrees for every file they share.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "$1" && pwd)
variant=${2:-std}
out=$tree/.o-$variant

shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(Image)

frags=("$here/config/kvm-mte.config")
case "$variant" in
std) ;;
debug) frags+=("$here/config/debug.config") ;;
nomte) frags+=("$here/config/nomte.config") ;;
64k|16k) frags+=("$here/config/page-$variant.config") ;;
debian) frags=("$here/build/deps/config.arm64_none_arm64") ;;
*) echo "build-kernel: unknown variant '$variant'" >&2; exit 2 ;;
esac

export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export CCACHE_BASEDIR=$here/build CCACHE_NOHASHDIR=1 CCACHE_COMPILERCHECK=content
export KBUILD_BUILD_TIMESTAMP='1970-01-01' KBUILD_BUILD_USER=kvm-mte KBUILD_BUILD_HOST=build
MAKE=(make -s -C "$tree" O="$out" CC="ccache ${CROSS_COMPILE}gcc" -j"$(nproc)")

# One kernel build at a time on this machine (2 cores).
exec 9>"${TMPDIR:-/tmp}/kvm-mte-kbuild.lock"
flock 9

mkdir -p "$out"
cat "${frags[@]}" > "$out/fragment.config.new"
if ! cmp -s "$out/fragment.config.new" "$out/fragment.config" || [ ! -f "$out/.config" ]; then
	mv "$out/fragment.config.new" "$out/fragment.config"
	if [ "$variant" = debian ]; then
		# A whole distribution config: olddefconfig settles what this
		# toolchain cannot do (plugins, BTF); nothing to check after it.
		cp "$out/fragment.config" "$out/.config"
		"${MAKE[@]}" olddefconfig
	else
		"${MAKE[@]}" KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig
		# allnoconfig silently drops options whose dependencies are
		# missing: check the last value each fragment line gives.
		awk '/^CONFIG_[A-Za-z0-9_]+=/ { split($0, kv, "="); want[kv[1]] = $0; next }
		     /^# CONFIG_[A-Za-z0-9_]+ is not set/ { want[$2] = "unset"; next }
		     END { for (k in want) print k "\t" want[k] }' "$out/fragment.config" |
		while IFS=$'\t' read -r opt val; do
			if [ "$val" = unset ]; then
				! grep -q "^$opt=" "$out/.config" ||
					{ echo "config: $opt is set, the fragment unsets it" >&2; exit 1; }
			else
				grep -qx "$val" "$out/.config" ||
					{ echo "config: $val did not stick" >&2; exit 1; }
			fi
		done || { rm -f "$out/fragment.config"; exit 1; }
	fi
else
	rm -f "$out/fragment.config.new"
fi
"${MAKE[@]}" "${targets[@]}"
[ "${targets[*]}" = Image ] && echo "$out/arch/arm64/boot/Image"
exit 0
